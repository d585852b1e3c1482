// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {ProofLib} from "../libraries/ProofLib.sol";
import {ModelKind, Resources} from "../types/Resources.sol";

/// @title ModelRegistry
/// @notice Permissionless registry of the models EAI tasks run. See {IModelRegistry}.
/// @dev Storage is laid out for the TaskMarket's hot path, {modelForTask}: four slots per model
///      (slot 0: creator, kind, active, adminLocked, inputSize, outputSize; slot 1: verifier, registeredAt;
///      slot 2: weightsCommitment; slot 3: minResources, which packs into one slot). Artifact URIs live in a separate
///      mapping so the hot path never touches them.
contract ModelRegistry is IModelRegistry, AccessControl {
    /// @inheritdoc IModelRegistry
    uint256 public constant MAX_ARTIFACT_URI_LENGTH = 256;

    /// @dev One registered model, packed into four slots (see the contract NatSpec).
    struct StoredModel {
        // slot 0 (248 bits)
        address creator;
        ModelKind kind;
        bool active;
        bool adminLocked;
        uint32 inputSize;
        uint32 outputSize;
        // slot 1 (200 bits)
        address verifier;
        uint40 registeredAt;
        // slot 2
        uint256 weightsCommitment;
        // slot 3 (208 bits)
        Resources minResources;
    }

    /// @dev Models by id; ids start at 1, so `creator == address(0)` marks an unknown id.
    mapping(uint64 modelId => StoredModel model) private _models;

    /// @dev Artifact URIs by model id, kept apart from the packed record.
    mapping(uint64 modelId => string uri) private _artifactURIs;

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
        Resources calldata minResources
    ) external returns (uint64 modelId) {
        _checkModel(kind, weightsCommitment, verifier, inputSize, outputSize);
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
            inputSize: inputSize,
            outputSize: outputSize,
            verifier: verifier,
            registeredAt: registeredAt,
            weightsCommitment: weightsCommitment,
            minResources: minResources
        });
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
    function setArtifactURI(uint64 modelId, string calldata uri) external {
        StoredModel storage m = _stored(modelId);
        if (msg.sender != m.creator) revert ModelRegistryNotCreator(modelId, msg.sender);
        _checkURI(uri);
        _artifactURIs[modelId] = uri;
        emit ModelArtifactURIUpdated(modelId, uri);
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
            verifier: m.verifier,
            weightsCommitment: m.weightsCommitment,
            artifactURI: _artifactURIs[modelId],
            inputSize: m.inputSize,
            outputSize: m.outputSize,
            minResources: m.minResources,
            registeredAt: m.registeredAt
        });
    }

    /// @inheritdoc IModelRegistry
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
        )
    {
        StoredModel storage m = _models[modelId];
        creator = m.creator;
        if (creator == address(0)) revert ModelRegistryUnknownModel(modelId);
        kind = m.kind;
        active = m.active;
        verifier = m.verifier;
        weightsCommitment = m.weightsCommitment;
        minResources = m.minResources;
    }

    /// @inheritdoc IModelRegistry
    function isAdminLocked(uint64 modelId) external view returns (bool locked) {
        locked = _stored(modelId).adminLocked;
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

    /// @dev Reverts unless `uri` is nonempty and at most `MAX_ARTIFACT_URI_LENGTH` bytes.
    function _checkURI(string calldata uri) private pure {
        uint256 length = bytes(uri).length;
        if (length == 0 || length > MAX_ARTIFACT_URI_LENGTH) {
            revert ModelRegistryInvalidArtifactURI(length, MAX_ARTIFACT_URI_LENGTH);
        }
    }
}
