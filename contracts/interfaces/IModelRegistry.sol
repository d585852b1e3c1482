// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ModelKind, Resources} from "../types/Resources.sol";

/// @title IModelRegistry
/// @notice Registry of the models EAI tasks run: their kind, weights commitment, artifact, Groth16 verifier (ZK
///         kinds), creator (who receives the creator fee share), input/output shape and minimum resources.
/// @dev Registration is permissionless. A model can be switched off by its creator or by governance (the
///      timelock, which holds `DEFAULT_ADMIN_ROLE`); a model governance switched off can only be switched back on by
///      governance. Everything but the artifact URI and the active flag is immutable once registered.
interface IModelRegistry {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice A registered model as `getModel` returns it.
    /// @param creator Address that registered the model; receives the creator share of task payments.
    /// @param kind How the model runs and how its results are checked.
    /// @param active Whether new tasks may use the model.
    /// @param verifier Groth16 verifier for ZK_MLP models; address(0) for ONNX and WASM.
    /// @param weightsCommitment ZK_MLP: Poseidon commitment of the quantised weights (a BN254 field element);
    ///        ONNX/WASM: a content hash of the artifact (e.g. sha256).
    /// @param artifactURI Where workers fetch the artifact (at most 256 bytes).
    /// @param inputSize Number of input elements the model takes.
    /// @param outputSize Number of output elements the model produces.
    /// @param minResources Minimum machine resources a provider needs to run the model.
    /// @param registeredAt Block timestamp of the registration.
    struct Model {
        address creator;
        ModelKind kind;
        bool active;
        address verifier;
        uint256 weightsCommitment;
        string artifactURI;
        uint32 inputSize;
        uint32 outputSize;
        Resources minResources;
        uint40 registeredAt;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Emitted when a model is registered (it starts active).
    /// @param modelId Id of the new model (ids start at 1).
    /// @param creator Address that registered it.
    /// @param kind Model kind.
    /// @param verifier Groth16 verifier (ZK_MLP) or address(0).
    /// @param weightsCommitment Weights commitment or artifact hash.
    /// @param artifactURI Artifact location.
    /// @param inputSize Number of input elements.
    /// @param outputSize Number of output elements.
    /// @param minResources Minimum machine resources.
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
        uint40 registeredAt
    );

    /// @notice Emitted when a model is switched on or off.
    /// @param modelId Id of the model.
    /// @param active New status.
    /// @param by Caller: the creator, or a `DEFAULT_ADMIN_ROLE` holder (governance).
    /// @param adminLocked Whether the model is now locked off by governance (only governance can reactivate it).
    event ModelStatusChanged(uint64 indexed modelId, bool active, address indexed by, bool adminLocked);

    /// @notice Emitted when the creator points a model at a new artifact URI.
    /// @param modelId Id of the model.
    /// @param artifactURI New artifact location.
    event ModelArtifactURIUpdated(uint64 indexed modelId, string artifactURI);

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

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers a model; the caller becomes its creator. Permissionless.
    /// @param kind Model kind.
    /// @param weightsCommitment ZK_MLP: nonzero and below `ProofLib.SNARK_SCALAR_FIELD`; ONNX/WASM: nonzero hash.
    /// @param verifier ZK_MLP: a contract implementing `IGroth16Verifier`; ONNX/WASM: address(0).
    /// @param artifactURI Nonempty, at most 256 bytes.
    /// @param inputSize Number of input elements, > 0.
    /// @param outputSize Number of output elements, > 0.
    /// @param minResources Minimum machine resources (zero fields mean no requirement).
    /// @return modelId Id of the new model.
    function registerModel(
        ModelKind kind,
        uint256 weightsCommitment,
        address verifier,
        string calldata artifactURI,
        uint32 inputSize,
        uint32 outputSize,
        Resources calldata minResources
    ) external returns (uint64 modelId);

    /// @notice Switches a model on or off. Callable by its creator or by governance (`DEFAULT_ADMIN_ROLE`).
    /// @dev Governance switching a model off locks it: the creator can then no longer switch it on, governance
    ///      can. Setting the status it already has is a no-op (no event), so governance proposals stay idempotent.
    /// @param modelId Id of the model.
    /// @param active New status.
    function setModelActive(uint64 modelId, bool active) external;

    /// @notice Points a model at a new artifact URI (e.g. a new mirror). Creator only.
    /// @param modelId Id of the model.
    /// @param uri New artifact URI, nonempty and at most 256 bytes.
    function setArtifactURI(uint64 modelId, string calldata uri) external;

    /// @notice Returns a model in full.
    /// @param modelId Id of the model.
    /// @return model The model.
    function getModel(uint64 modelId) external view returns (Model memory model);

    /// @notice The fields the TaskMarket checks when a task is submitted or settled (four storage reads).
    /// @param modelId Id of the model.
    /// @return kind Model kind.
    /// @return active Whether new tasks may use the model.
    /// @return verifier Groth16 verifier or address(0).
    /// @return creator Creator (fee recipient).
    /// @return weightsCommitment Weights commitment (the model public signal of a ZK proof).
    /// @return minResources Minimum machine resources.
    function modelForTask(
        uint64 modelId
    )
        external
        view
        returns (
            ModelKind kind,
            bool active,
            address verifier,
            address creator,
            uint256 weightsCommitment,
            Resources memory minResources
        );

    /// @notice Whether governance switched the model off, so that only governance can switch it back on.
    /// @param modelId Id of the model.
    /// @return locked True while locked by governance.
    function isAdminLocked(uint64 modelId) external view returns (bool locked);

    /// @notice Number of models registered so far (also the highest id).
    /// @return count The count.
    function modelCount() external view returns (uint64 count);

    /// @notice Maximum artifact URI length in bytes.
    /// @return The limit (256).
    function MAX_ARTIFACT_URI_LENGTH() external view returns (uint256);
}
