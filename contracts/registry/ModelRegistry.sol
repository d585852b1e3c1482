// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {ProofLib} from "../libraries/ProofLib.sol";
import {ModelKind, Resources} from "../types/Resources.sol";
import {Comparison, ExecutionProfile} from "../types/ExecutionProfile.sol";

/// @title ModelRegistry
/// @notice Permissionless registry of the models EAI tasks run; governance approves models and allowlists verifier
///         code. See {IModelRegistry}.
/// @dev Storage is laid out for the TaskMarket's hot path, {modelForTask}: four slots per model
///      (slot 0: creator, kind, active, adminLocked, approved, inputSize, outputSize; slot 1: verifier, registeredAt,
///      minExecWindow; slot 2: weightsCommitment; slot 3: minResources, which packs into one slot). The execution
///      profile (slot 4) and the artifact URI live apart so the hot path never touches them.
contract ModelRegistry is IModelRegistry, AccessControl {
    /// @inheritdoc IModelRegistry
    uint256 public constant MAX_ARTIFACT_URI_LENGTH = 256;

    /// @inheritdoc IModelRegistry
    uint32 public constant MAX_MIN_EXEC_WINDOW = 1 days;

    /// @inheritdoc IModelRegistry
    int8 public constant MIN_QUANT_STEP_LOG2 = -24;

    /// @inheritdoc IModelRegistry
    uint8 public constant MAX_BATCH_SIZE = 32;

    /// @dev One registered model, packed into four slots (see the contract NatSpec).
    struct StoredModel {
        // slot 0 (256 bits)
        address creator;
        ModelKind kind;
        bool active;
        bool adminLocked;
        bool approved;
        uint32 inputSize;
        uint32 outputSize;
        // slot 1 (232 bits)
        address verifier;
        uint40 registeredAt;
        uint32 minExecWindow;
        // slot 2
        uint256 weightsCommitment;
        // slot 3 (208 bits)
        Resources minResources;
    }

    /// @dev Models by id; ids start at 1, so `creator == address(0)` marks an unknown id.
    mapping(uint64 modelId => StoredModel model) private _models;

    /// @dev Execution profiles by model id (one slot each), read by workers, never by the market.
    mapping(uint64 modelId => ExecutionProfile profile) private _profiles;

    /// @dev Artifact URIs by model id, kept apart from the packed record.
    mapping(uint64 modelId => string uri) private _artifactURIs;

    /// @dev Verifier runtime code hashes governance allowlisted.
    mapping(bytes32 codeHash => bool approved) private _approvedVerifierCode;

    /// @dev Verifiers of each model's batched circuits, by batch size (kept apart from the packed record).
    mapping(uint64 modelId => mapping(uint8 batchSize => address verifier)) private _batchVerifiers;

    /// @dev Number of registered models (the highest id).
    uint64 private _modelCount;

    /// @param admin Initial `DEFAULT_ADMIN_ROLE` holder (the deployer, who hands it to the governance timelock).
    constructor(address admin) {
        if (admin == address(0)) revert ModelRegistryZeroAdmin();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /*//////////////////////////////////////////////////////////////
                                 WRITES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IModelRegistry
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
    ) external returns (uint64 modelId) {
        _checkModel(kind, weightsCommitment, verifier, inputSize, outputSize);
        _checkProfile(kind, profile);
        _checkMinExecWindow(minExecWindow);
        _checkURI(artifactURI);
        // unchecked: one id per transaction cannot reach 2^64 registrations.
        unchecked {
            modelId = ++_modelCount;
        }
        uint40 registeredAt = uint40(block.timestamp);
        _models[modelId] = StoredModel({
            creator: msg.sender,
            kind: kind,
            active: true,
            adminLocked: false,
            approved: false,
            inputSize: inputSize,
            outputSize: outputSize,
            verifier: verifier,
            registeredAt: registeredAt,
            minExecWindow: minExecWindow,
            weightsCommitment: weightsCommitment,
            minResources: minResources
        });
        _profiles[modelId] = profile;
        _artifactURIs[modelId] = artifactURI;
        emit ModelRegistered(
            modelId,
            msg.sender,
            kind,
            verifier,
            weightsCommitment,
            artifactURI,
            inputSize,
            outputSize,
            minResources,
            minExecWindow,
            profile,
            registeredAt
        );
    }

    /// @inheritdoc IModelRegistry
    function setModelActive(uint64 modelId, bool active) external {
        StoredModel storage m = _stored(modelId);
        bool isAdmin = hasRole(DEFAULT_ADMIN_ROLE, msg.sender);
        if (!isAdmin) {
            if (msg.sender != m.creator) revert ModelRegistryNotCreatorOrAdmin(modelId, msg.sender);
            if (active && m.adminLocked) revert ModelRegistryLockedByAdmin(modelId);
        }
        // Governance switching off locks the model; governance switching on unlocks it.
        bool locked = isAdmin ? !active : m.adminLocked;
        if (m.active == active && m.adminLocked == locked) return;
        m.active = active;
        m.adminLocked = locked;
        emit ModelStatusChanged(modelId, active, msg.sender, locked);
    }

    /// @inheritdoc IModelRegistry
    function setModelApproved(uint64 modelId, bool approved) external onlyRole(DEFAULT_ADMIN_ROLE) {
        StoredModel storage m = _stored(modelId);
        if (m.approved == approved) return;
        if (approved && m.kind == ModelKind.ZK_MLP) {
            bytes32 codeHash = m.verifier.codehash;
            if (!_approvedVerifierCode[codeHash]) revert ModelRegistryVerifierNotApproved(modelId, codeHash);
        }
        m.approved = approved;
        emit ModelApprovalChanged(modelId, approved);
    }

    /// @inheritdoc IModelRegistry
    function setVerifierCodeHashApproved(bytes32 codeHash, bool approved) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_approvedVerifierCode[codeHash] == approved) return;
        _approvedVerifierCode[codeHash] = approved;
        emit VerifierCodeHashApprovalChanged(codeHash, approved);
    }

    /// @inheritdoc IModelRegistry
    function setMinExecWindow(uint64 modelId, uint32 minExecWindow) external onlyRole(DEFAULT_ADMIN_ROLE) {
        StoredModel storage m = _stored(modelId);
        _checkMinExecWindow(minExecWindow);
        m.minExecWindow = minExecWindow;
        emit ModelMinExecWindowUpdated(modelId, minExecWindow);
    }

    /// @inheritdoc IModelRegistry
    function setModelCreator(uint64 modelId, address newCreator) external {
        StoredModel storage m = _stored(modelId);
        address previous = m.creator;
        if (msg.sender != previous) revert ModelRegistryNotCreator(modelId, msg.sender);
        if (newCreator == address(0)) revert ModelRegistryZeroCreator();
        m.creator = newCreator;
        emit ModelCreatorChanged(modelId, previous, newCreator);
    }

    /// @inheritdoc IModelRegistry
    function setArtifactURI(uint64 modelId, string calldata uri) external {
        StoredModel storage m = _stored(modelId);
        if (msg.sender != m.creator) revert ModelRegistryNotCreator(modelId, msg.sender);
        _checkURI(uri);
        _artifactURIs[modelId] = uri;
        emit ModelArtifactURIUpdated(modelId, uri);
    }

    /// @inheritdoc IModelRegistry
    function setBatchVerifier(uint64 modelId, uint8 batchSize, address verifier) external {
        StoredModel storage m = _stored(modelId);
        if (msg.sender != m.creator && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert ModelRegistryNotCreatorOrAdmin(modelId, msg.sender);
        }
        if (m.kind != ModelKind.ZK_MLP) revert ModelRegistryNotZkModel(modelId);
        if (batchSize < 2 || batchSize > MAX_BATCH_SIZE)
            revert ModelRegistryInvalidBatchSize(batchSize, MAX_BATCH_SIZE);
        if (verifier != address(0)) {
            bytes32 codeHash = verifier.codehash;
            if (verifier.code.length == 0 || !_approvedVerifierCode[codeHash]) {
                revert ModelRegistryBatchVerifierNotApproved(verifier, codeHash);
            }
        }
        _batchVerifiers[modelId][batchSize] = verifier;
        emit BatchVerifierSet(modelId, batchSize, verifier, msg.sender);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IModelRegistry
    function getModel(uint64 modelId) external view returns (Model memory model) {
        StoredModel storage m = _stored(modelId);
        model = Model({
            creator: m.creator,
            kind: m.kind,
            active: m.active,
            approved: m.approved,
            verifier: m.verifier,
            weightsCommitment: m.weightsCommitment,
            artifactURI: _artifactURIs[modelId],
            inputSize: m.inputSize,
            outputSize: m.outputSize,
            minResources: m.minResources,
            minExecWindow: m.minExecWindow,
            profile: _profiles[modelId],
            registeredAt: m.registeredAt
        });
    }

    /// @inheritdoc IModelRegistry
    function modelForTask(uint64 modelId) external view returns (TaskModel memory model) {
        StoredModel storage m = _stored(modelId);
        model = TaskModel({
            kind: m.kind,
            active: m.active,
            approved: m.approved,
            verifier: m.verifier,
            creator: m.creator,
            weightsCommitment: m.weightsCommitment,
            minExecWindow: m.minExecWindow,
            minResources: m.minResources
        });
    }

    /// @inheritdoc IModelRegistry
    function batchVerifierOf(uint64 modelId, uint8 batchSize) external view returns (address verifier) {
        verifier = _batchVerifiers[modelId][batchSize];
        if (verifier != address(0) && !_approvedVerifierCode[verifier.codehash]) verifier = address(0);
    }

    /// @inheritdoc IModelRegistry
    function isAdminLocked(uint64 modelId) external view returns (bool locked) {
        locked = _stored(modelId).adminLocked;
    }

    /// @inheritdoc IModelRegistry
    function isVerifierCodeHashApproved(bytes32 codeHash) external view returns (bool approved) {
        approved = _approvedVerifierCode[codeHash];
    }

    /// @inheritdoc IModelRegistry
    function modelCount() external view returns (uint64 count) {
        count = _modelCount;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev The stored model, reverting for unknown ids.
    function _stored(uint64 modelId) private view returns (StoredModel storage m) {
        m = _models[modelId];
        if (m.creator == address(0)) revert ModelRegistryUnknownModel(modelId);
    }

    /// @dev Reverts unless the verifier and commitment fit the kind and both sizes are nonzero.
    function _checkModel(
        ModelKind kind,
        uint256 weightsCommitment,
        address verifier,
        uint32 inputSize,
        uint32 outputSize
    ) private view {
        if (kind == ModelKind.ZK_MLP) {
            if (verifier.code.length == 0) revert ModelRegistryInvalidVerifier(kind, verifier);
            if (weightsCommitment == 0 || weightsCommitment >= ProofLib.SNARK_SCALAR_FIELD) {
                revert ModelRegistryInvalidCommitment(kind, weightsCommitment);
            }
        } else {
            if (verifier != address(0)) revert ModelRegistryInvalidVerifier(kind, verifier);
            if (weightsCommitment == 0) revert ModelRegistryInvalidCommitment(kind, weightsCommitment);
        }
        if (inputSize == 0 || outputSize == 0) revert ModelRegistryInvalidShape(inputSize, outputSize);
    }

    /// @dev Reverts unless the profile fits the kind: only ONNX may quantise, the step is in range, EXACT has step 0.
    function _checkProfile(ModelKind kind, ExecutionProfile calldata profile) private pure {
        bool quantised = profile.comparison == Comparison.QUANTISED;
        bool valid =
            quantised
                ? kind == ModelKind.ONNX && profile.quantStepLog2 >= MIN_QUANT_STEP_LOG2 && profile.quantStepLog2 <= 0
                : profile.quantStepLog2 == 0;
        if (!valid) revert ModelRegistryInvalidProfile(kind, profile);
    }

    /// @dev Reverts when a minimum execution window is above `MAX_MIN_EXEC_WINDOW`.
    function _checkMinExecWindow(uint32 minExecWindow) private pure {
        if (minExecWindow > MAX_MIN_EXEC_WINDOW) {
            revert ModelRegistryInvalidMinExecWindow(minExecWindow, MAX_MIN_EXEC_WINDOW);
        }
    }

    /// @dev Reverts unless `uri` is nonempty and at most `MAX_ARTIFACT_URI_LENGTH` bytes.
    function _checkURI(string calldata uri) private pure {
        uint256 length = bytes(uri).length;
        if (length == 0 || length > MAX_ARTIFACT_URI_LENGTH) {
            revert ModelRegistryInvalidArtifactURI(length, MAX_ARTIFACT_URI_LENGTH);
        }
    }
}
