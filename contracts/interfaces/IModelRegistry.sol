// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ModelKind, Resources} from "../types/Resources.sol";
import {ExecutionProfile} from "../types/ExecutionProfile.sol";

/// @title IModelRegistry
/// @notice Registry of the models EAI tasks run: their kind, weights commitment, artifact, Groth16 verifier (ZK
///         kinds), creator (who receives the creator fee share), input/output shape, minimum resources, the minimum
///         execution window a task needs, and the execution profile and comparison rule honest providers follow.
/// @dev Registration is permissionless. A model can be switched off by its creator or by governance (the
///      timelock, which holds `DEFAULT_ADMIN_ROLE`); a model governance switched off can only be switched back on by
///      governance. Governance also *approves* models: only tasks on approved models move reputation (a model anyone
///      registers, with a verifier anyone wrote, must not be a way to earn trust). A ZK_MLP model can only be approved
///      while its verifier's code hash is on the governance allowlist. Everything but the artifact URI, the active
///      and approved flags and the governed minimum execution window is immutable once registered.
interface IModelRegistry {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice A registered model as `getModel` returns it.
    /// @param creator Address that registered the model; receives the creator share of task payments.
    /// @param kind How the model runs and how its results are checked.
    /// @param active Whether new tasks may use the model.
    /// @param approved Whether governance approved the model (only tasks on approved models move reputation).
    /// @param verifier Groth16 verifier for ZK_MLP models; address(0) for ONNX and WASM.
    /// @param weightsCommitment ZK_MLP: Poseidon commitment of the quantised weights (a BN254 field element);
    ///        ONNX/WASM: a content hash of the artifact (e.g. sha256).
    /// @param artifactURI Where workers fetch the artifact (at most 256 bytes).
    /// @param inputSize Number of input elements the model takes.
    /// @param outputSize Number of output elements the model produces.
    /// @param minResources Minimum machine resources a provider needs to run the model.
    /// @param minExecWindow Shortest execution window (seconds) a task on this model may ask for.
    /// @param profile Execution profile and comparison rule.
    /// @param registeredAt Block timestamp of the registration.
    struct Model {
        address creator;
        ModelKind kind;
        bool active;
        bool approved;
        address verifier;
        uint256 weightsCommitment;
        string artifactURI;
        uint32 inputSize;
        uint32 outputSize;
        Resources minResources;
        uint32 minExecWindow;
        ExecutionProfile profile;
        uint40 registeredAt;
    }

    /// @notice What the TaskMarket reads when a task is submitted (four storage slots).
    /// @param kind Model kind.
    /// @param active Whether new tasks may use the model.
    /// @param approved Whether governance approved the model.
    /// @param verifier Groth16 verifier or address(0).
    /// @param creator Creator (fee recipient).
    /// @param weightsCommitment Weights commitment (the model public signal of a ZK proof).
    /// @param minExecWindow Shortest execution window a task may ask for (seconds).
    /// @param minResources Minimum machine resources.
    struct TaskModel {
        ModelKind kind;
        bool active;
        bool approved;
        address verifier;
        address creator;
        uint256 weightsCommitment;
        uint32 minExecWindow;
        Resources minResources;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Emitted when a model is registered (it starts active and not approved).
    /// @param modelId Id of the new model (ids start at 1).
    /// @param creator Address that registered it.
    /// @param kind Model kind.
    /// @param verifier Groth16 verifier (ZK_MLP) or address(0).
    /// @param weightsCommitment Weights commitment or artifact hash.
    /// @param artifactURI Artifact location.
    /// @param inputSize Number of input elements.
    /// @param outputSize Number of output elements.
    /// @param minResources Minimum machine resources.
    /// @param minExecWindow Shortest execution window a task may ask for (seconds).
    /// @param profile Execution profile and comparison rule.
    /// @param registeredAt Block timestamp of the registration.
    event ModelRegistered(
        uint64 indexed modelId,
        address indexed creator,
        ModelKind indexed kind,
        address verifier,
        uint256 weightsCommitment,
        string artifactURI,
        uint32 inputSize,
        uint32 outputSize,
        Resources minResources,
        uint32 minExecWindow,
        ExecutionProfile profile,
        uint40 registeredAt
    );

    /// @notice Emitted when a model is switched on or off.
    /// @param modelId Id of the model.
    /// @param active New status.
    /// @param by Caller: the creator, or a `DEFAULT_ADMIN_ROLE` holder (governance).
    /// @param adminLocked Whether the model is now locked off by governance (only governance can reactivate it).
    event ModelStatusChanged(uint64 indexed modelId, bool active, address indexed by, bool adminLocked);

    /// @notice Emitted when governance approves a model or withdraws its approval.
    /// @param modelId Id of the model.
    /// @param approved New approval.
    event ModelApprovalChanged(uint64 indexed modelId, bool approved);

    /// @notice Emitted when governance allowlists a verifier code hash or removes it.
    /// @param codeHash The runtime code hash (EXTCODEHASH) of a Groth16 verifier.
    /// @param approved Whether ZK_MLP models with a verifier of this code may be approved.
    event VerifierCodeHashApprovalChanged(bytes32 indexed codeHash, bool approved);

    /// @notice Emitted when governance changes a model's minimum execution window.
    /// @param modelId Id of the model.
    /// @param minExecWindow New minimum (seconds).
    event ModelMinExecWindowUpdated(uint64 indexed modelId, uint32 minExecWindow);

    /// @notice Emitted when a model's creator hands the creator role (and the creator fee of later tasks) on.
    /// @param modelId Id of the model.
    /// @param previousCreator The creator before.
    /// @param newCreator The creator now.
    event ModelCreatorChanged(uint64 indexed modelId, address indexed previousCreator, address indexed newCreator);

    /// @notice Emitted when the creator points a model at a new artifact URI.
    /// @param modelId Id of the model.
    /// @param artifactURI New artifact location.
    event ModelArtifactURIUpdated(uint64 indexed modelId, string artifactURI);

    /// @notice Emitted when the verifier of a model's batched circuit for `batchSize` tasks is set or cleared.
    /// @param modelId The model.
    /// @param batchSize Task slots of the circuit (its public signals are 1 + 3 * batchSize).
    /// @param verifier The verifier (address(0) when cleared).
    /// @param by Who set it (the creator or governance).
    event BatchVerifierSet(uint64 indexed modelId, uint8 indexed batchSize, address verifier, address indexed by);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Thrown when a model id was never registered.
    /// @param modelId The unknown id.
    error ModelRegistryUnknownModel(uint64 modelId);

    /// @notice Thrown when the verifier does not fit the kind: ZK_MLP needs a contract, ONNX/WASM need address(0).
    /// @param kind Model kind.
    /// @param verifier Verifier given.
    error ModelRegistryInvalidVerifier(ModelKind kind, address verifier);

    /// @notice Thrown when the weights commitment is zero, or (ZK_MLP) not below the BN254 scalar field.
    /// @param kind Model kind.
    /// @param weightsCommitment Commitment given.
    error ModelRegistryInvalidCommitment(ModelKind kind, uint256 weightsCommitment);

    /// @notice Thrown when an artifact URI is empty or longer than the maximum.
    /// @param length Length of the URI in bytes.
    /// @param maxLength Maximum length in bytes.
    error ModelRegistryInvalidArtifactURI(uint256 length, uint256 maxLength);

    /// @notice Thrown when the input or output size is zero.
    /// @param inputSize Input size given.
    /// @param outputSize Output size given.
    error ModelRegistryInvalidShape(uint32 inputSize, uint32 outputSize);

    /// @notice Thrown when an execution profile does not fit the model kind or is out of range: ZK_MLP and WASM
    ///         compare EXACT; QUANTISED needs a step in [MIN_QUANT_STEP_LOG2, 0]; EXACT needs step 0.
    /// @param kind Model kind.
    /// @param profile The profile given.
    error ModelRegistryInvalidProfile(ModelKind kind, ExecutionProfile profile);

    /// @notice Thrown when a minimum execution window is above `MAX_MIN_EXEC_WINDOW`.
    /// @param minExecWindow The value given.
    /// @param maximum The largest accepted value.
    error ModelRegistryInvalidMinExecWindow(uint32 minExecWindow, uint32 maximum);

    /// @notice Thrown when governance approves a ZK_MLP model whose verifier's code hash is not allowlisted.
    /// @param modelId Id of the model.
    /// @param codeHash The verifier's code hash.
    error ModelRegistryVerifierNotApproved(uint64 modelId, bytes32 codeHash);

    /// @notice Thrown when a caller other than the model's creator calls a creator-only function.
    /// @param modelId Id of the model.
    /// @param caller The caller.
    error ModelRegistryNotCreator(uint64 modelId, address caller);

    /// @notice Thrown when a caller that is neither the creator nor governance changes a model's status.
    /// @param modelId Id of the model.
    /// @param caller The caller.
    error ModelRegistryNotCreatorOrAdmin(uint64 modelId, address caller);

    /// @notice Thrown when the creator tries to reactivate a model that governance switched off.
    /// @param modelId Id of the model.
    error ModelRegistryLockedByAdmin(uint64 modelId);

    /// @notice Thrown when the constructor is given the zero address as admin.
    error ModelRegistryZeroAdmin();

    /// @notice Thrown when the creator role is handed to the zero address.
    error ModelRegistryZeroCreator();

    /// @notice Thrown when a batch size is outside [2, MAX_BATCH_SIZE].
    /// @param batchSize The size given.
    /// @param maximum MAX_BATCH_SIZE.
    error ModelRegistryInvalidBatchSize(uint8 batchSize, uint8 maximum);

    /// @notice Thrown when a batch verifier is set on a model that is not ZK_MLP.
    /// @param modelId The model.
    error ModelRegistryNotZkModel(uint64 modelId);

    /// @notice Thrown when a batch verifier has no code or its code hash is not on the governance allowlist.
    /// @param verifier The verifier.
    /// @param codeHash Its runtime code hash.
    error ModelRegistryBatchVerifierNotApproved(address verifier, bytes32 codeHash);

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers a model; the caller becomes its creator. Permissionless. The model starts active and not
    ///         approved.
    /// @param kind Model kind.
    /// @param weightsCommitment ZK_MLP: nonzero and below `ProofLib.SNARK_SCALAR_FIELD`; ONNX/WASM: nonzero hash.
    /// @param verifier ZK_MLP: a contract implementing `IGroth16Verifier`; ONNX/WASM: address(0).
    /// @param artifactURI Nonempty, at most 256 bytes.
    /// @param inputSize Number of input elements, > 0.
    /// @param outputSize Number of output elements, > 0.
    /// @param minResources Minimum machine resources (zero fields mean no requirement).
    /// @param minExecWindow Shortest execution window (seconds) a task may ask for, at most `MAX_MIN_EXEC_WINDOW`
    ///        (the market's governed floor applies on top).
    /// @param profile Execution profile and comparison rule (ZK_MLP and WASM: EXACT).
    /// @return modelId Id of the new model.
    function registerModel(
        ModelKind kind,
        uint256 weightsCommitment,
        address verifier,
        string calldata artifactURI,
        uint32 inputSize,
        uint32 outputSize,
        Resources calldata minResources,
        uint32 minExecWindow,
        ExecutionProfile calldata profile
    ) external returns (uint64 modelId);

    /// @notice Switches a model on or off. Callable by its creator or by governance (`DEFAULT_ADMIN_ROLE`).
    /// @dev Governance switching a model off locks it: the creator can then no longer switch it on, governance
    ///      can. Setting the status it already has is a no-op (no event), so governance proposals stay idempotent.
    /// @param modelId Id of the model.
    /// @param active New status.
    function setModelActive(uint64 modelId, bool active) external;

    /// @notice Approves a model or withdraws its approval (`DEFAULT_ADMIN_ROLE`). Approval is snapshotted into each
    ///         task at submission; withdrawing it affects tasks submitted afterwards.
    /// @dev A ZK_MLP model can be approved only while its verifier's code hash is allowlisted. Withdrawing a code
    ///      hash from the allowlist does not withdraw the approval of models already approved: governance withdraws
    ///      both in one proposal. Setting the approval a model already has is a no-op (no event).
    /// @param modelId Id of the model.
    /// @param approved New approval.
    function setModelApproved(uint64 modelId, bool approved) external;

    /// @notice Allowlists a Groth16 verifier's runtime code hash or removes it (`DEFAULT_ADMIN_ROLE`).
    /// @param codeHash EXTCODEHASH of a verifier generated from a reviewed verification key.
    /// @param approved Whether it is allowlisted.
    function setVerifierCodeHashApproved(bytes32 codeHash, bool approved) external;

    /// @notice Sets a model's minimum execution window (`DEFAULT_ADMIN_ROLE`), e.g. when its real execution or
    ///         proving time is longer than the creator declared.
    /// @param modelId Id of the model.
    /// @param minExecWindow New minimum in seconds, at most `MAX_MIN_EXEC_WINDOW`.
    function setMinExecWindow(uint64 modelId, uint32 minExecWindow) external;

    /// @notice Hands the creator role to `newCreator` (creator only): it receives the creator share of tasks
    ///         submitted from now on (tasks already submitted keep the creator in their spec) and may change the URI.
    /// @param modelId Id of the model.
    /// @param newCreator The new creator (not the zero address).
    function setModelCreator(uint64 modelId, address newCreator) external;

    /// @notice Points a model at a new artifact URI (e.g. a new mirror). Creator only.
    /// @param modelId Id of the model.
    /// @param uri New artifact URI, nonempty and at most 256 bytes.
    function setArtifactURI(uint64 modelId, string calldata uri) external;

    /// @notice Sets (or clears, with address(0)) the verifier of the model's batched circuit that proves
    ///         `batchSize` tasks at once. The market settles up to `batchSize` tasks of this model with one proof
    ///         against it (`TaskMarket.submitProofBatch`).
    /// @dev The creator or governance may call it. Unlike the single-task verifier (which anyone may register and
    ///      only approval gates), a batch verifier's runtime code hash must be on the governance allowlist when it is
    ///      set, and the market only uses it while it still is ({batchVerifierOf}): a batch verifier added after a
    ///      task was submitted can settle that task, so it must be code governance reviewed. Public signals of the
    ///      circuit: [0] model commitment, [1 + i] input commitment, [1 + k + i] output word, [1 + 2k + i] task
    ///      binding of slot i (ProofLib).
    /// @param modelId A ZK_MLP model.
    /// @param batchSize Task slots, 2 ..= MAX_BATCH_SIZE.
    /// @param verifier The verifier, or address(0) to clear.
    function setBatchVerifier(uint64 modelId, uint8 batchSize, address verifier) external;

    /// @notice The verifier for `batchSize` tasks of the model, or address(0) when none is set or its code hash is
    ///         no longer on the governance allowlist.
    /// @param modelId The model.
    /// @param batchSize Task slots.
    /// @return verifier The usable verifier, or address(0).
    function batchVerifierOf(uint64 modelId, uint8 batchSize) external view returns (address verifier);

    /// @notice Largest batch size a verifier can be set for (bounds the market's settlement loop).
    function MAX_BATCH_SIZE() external view returns (uint8);

    /// @notice Returns a model in full.
    /// @param modelId Id of the model.
    /// @return model The model.
    function getModel(uint64 modelId) external view returns (Model memory model);

    /// @notice The fields the TaskMarket checks when a task is submitted.
    /// @param modelId Id of the model.
    /// @return model The fields (reverts for unknown ids).
    function modelForTask(uint64 modelId) external view returns (TaskModel memory model);

    /// @notice Whether governance switched the model off, so that only governance can switch it back on.
    /// @param modelId Id of the model.
    /// @return locked True while locked by governance.
    function isAdminLocked(uint64 modelId) external view returns (bool locked);

    /// @notice Whether a verifier code hash is allowlisted.
    /// @param codeHash The code hash.
    /// @return approved True when allowlisted.
    function isVerifierCodeHashApproved(bytes32 codeHash) external view returns (bool approved);

    /// @notice Number of models registered so far (also the highest id).
    /// @return count The count.
    function modelCount() external view returns (uint64 count);

    /// @notice Maximum artifact URI length in bytes.
    /// @return The limit (256).
    function MAX_ARTIFACT_URI_LENGTH() external view returns (uint256);

    /// @notice Largest minimum execution window a model may declare or governance may set.
    /// @return The limit in seconds (1 day).
    function MAX_MIN_EXEC_WINDOW() external view returns (uint32);

    /// @notice Smallest quantisation step exponent a QUANTISED profile may declare.
    /// @return The limit (-24: a step of 2^-24).
    function MIN_QUANT_STEP_LOG2() external view returns (int8);
}
