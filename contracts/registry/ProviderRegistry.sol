// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {BenchmarkClass, Resources} from "../types/Resources.sol";

/// @title ProviderRegistry
/// @notice Provider profiles, operators and heartbeats. Providers register themselves, declare their machine and
///         benchmark score, publish an X25519 key and may authorise operator addresses (e.g. a mining farm's hot
///         wallets) to act for them. The benchmark class is derived from governed thresholds at read time.
/// @dev Storage per provider is split so the market's claim check reads two slots: `Resources` (one packed slot)
///      and `Status` (active flag, timestamps, operator count). Strings and the key live in a third mapping that
///      only profile reads and writes touch.
contract ProviderRegistry is AccessControl, IProviderRegistry {
    /// @notice Longest GPU model name in bytes.
    uint256 public constant MAX_GPU_MODEL_LENGTH = 64;
    /// @notice Longest metadata URI in bytes.
    uint256 public constant MAX_METADATA_URI_LENGTH = 256;

    /// @dev Flags and timestamps of one provider, packed into one slot (8 + 48 + 48 + 32 bits).
    struct Status {
        bool active;
        uint48 registeredAt;
        uint48 lastHeartbeat;
        uint32 operatorCount;
    }

    /// @dev The parts of a profile the market never reads.
    struct Profile {
        bytes32 x25519PublicKey;
        string gpuModel;
        string metadataURI;
    }

    /// @dev Packed into one slot with `_highScore`.
    uint32 private _mediumScore;
    uint32 private _highScore;

    mapping(address provider => Resources) private _resources;
    mapping(address provider => Status) private _status;
    mapping(address provider => Profile) private _profiles;
    mapping(address operator => address provider) private _operatorOwner;
    mapping(address provider => mapping(address operator => bool)) private _operatorOffers;

    /// @notice Deploys the registry.
    /// @param admin Receives `DEFAULT_ADMIN_ROLE` (handed to the governance timelock after deployment).
    /// @param mediumScore Minimum benchmark score of the Medium class.
    /// @param highScore Minimum benchmark score of the High class (strictly above `mediumScore`).
    constructor(address admin, uint32 mediumScore, uint32 highScore) {
        if (admin == address(0)) revert ProviderRegistryZeroAdmin();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setClassThresholds(mediumScore, highScore);
    }

    /*//////////////////////////////////////////////////////////////
                               PROVIDERS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IProviderRegistry
    function register(
        Resources calldata resources,
        string calldata gpuModel,
        bytes32 x25519PublicKey,
        string calldata metadataURI
    ) external {
        if (_status[msg.sender].registeredAt != 0) revert ProviderRegistryAlreadyRegistered(msg.sender);
        address owner = _operatorOwner[msg.sender];
        if (owner != address(0)) revert ProviderRegistryAccountIsOperator(msg.sender, owner);
        _validateProfile(resources, gpuModel, x25519PublicKey, metadataURI);

        _status[msg.sender] = Status({
            active: true,
            registeredAt: uint48(block.timestamp),
            lastHeartbeat: 0,
            operatorCount: 0
        });
        _writeProfile(resources, gpuModel, x25519PublicKey, metadataURI);
        emit ProviderRegistered(
            msg.sender,
            resources,
            _classOf(resources.benchmarkScore),
            gpuModel,
            x25519PublicKey,
            metadataURI
        );
    }

    /// @inheritdoc IProviderRegistry
    function updateProfile(
        Resources calldata resources,
        string calldata gpuModel,
        bytes32 x25519PublicKey,
        string calldata metadataURI
    ) external {
        _requireRegistered(msg.sender);
        _validateProfile(resources, gpuModel, x25519PublicKey, metadataURI);
        _writeProfile(resources, gpuModel, x25519PublicKey, metadataURI);
        emit ProviderUpdated(
            msg.sender,
            resources,
            _classOf(resources.benchmarkScore),
            gpuModel,
            x25519PublicKey,
            metadataURI
        );
    }

    /// @inheritdoc IProviderRegistry
    function deactivate() external {
        Status storage status = _requireRegistered(msg.sender);
        if (!status.active) revert ProviderRegistryAlreadyInactive(msg.sender);
        status.active = false;
        emit ProviderDeactivated(msg.sender);
    }

    /// @inheritdoc IProviderRegistry
    function reactivate() external {
        Status storage status = _requireRegistered(msg.sender);
        if (status.active) revert ProviderRegistryAlreadyActive(msg.sender);
        status.active = true;
        emit ProviderReactivated(msg.sender);
    }

    /// @inheritdoc IProviderRegistry
    function authorizeOperator(address operator) external {
        _requireRegistered(msg.sender);
        if (operator == address(0)) revert ProviderRegistryZeroOperator();
        _checkOperatorCandidate(operator);
        _operatorOffers[msg.sender][operator] = true;
        emit OperatorOffered(msg.sender, operator);
    }

    /// @inheritdoc IProviderRegistry
    function acceptOperator(address provider) external {
        if (!_operatorOffers[provider][msg.sender]) revert ProviderRegistryNoOperatorOffer(msg.sender, provider);
        Status storage status = _requireRegistered(provider);
        _checkOperatorCandidate(msg.sender);
        delete _operatorOffers[provider][msg.sender];
        _operatorOwner[msg.sender] = provider;
        // Checked: a uint32 count would need 4 billion authorisations to overflow; reverting then is fine.
        uint32 count = status.operatorCount + 1;
        status.operatorCount = count;
        emit OperatorAuthorized(provider, msg.sender, count);
    }

    /// @inheritdoc IProviderRegistry
    function revokeOperator(address operator) external {
        _endOperator(msg.sender, operator);
    }

    /// @inheritdoc IProviderRegistry
    function renounceOperator(address provider) external {
        _endOperator(provider, msg.sender);
    }

    /// @inheritdoc IProviderRegistry
    function heartbeat() external {
        address provider = _resolveProvider(msg.sender);
        if (provider == address(0)) revert ProviderRegistryNotProviderOrOperator(msg.sender);
        Status storage status = _status[provider];
        if (!status.active) revert ProviderRegistryProviderInactive(provider);
        uint48 timestamp = uint48(block.timestamp);
        status.lastHeartbeat = timestamp;
        emit HeartbeatRecorded(provider, msg.sender, timestamp);
    }

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IProviderRegistry
    function setClassThresholds(uint32 mediumScore, uint32 highScore) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setClassThresholds(mediumScore, highScore);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IProviderRegistry
    function resolveProvider(address account) external view returns (address provider) {
        return _resolveProvider(account);
    }

    /// @inheritdoc IProviderRegistry
    function eligibilityOf(address provider) external view returns (bool active, Resources memory resources) {
        return (_status[provider].active, _resources[provider]);
    }

    /// @inheritdoc IProviderRegistry
    function getProvider(address provider) external view returns (ProviderInfo memory info) {
        Status memory status = _status[provider];
        Profile storage profile = _profiles[provider];
        Resources memory resources = _resources[provider];
        info = ProviderInfo({
            resources: resources,
            benchmarkClass: _classOf(resources.benchmarkScore),
            x25519PublicKey: profile.x25519PublicKey,
            gpuModel: profile.gpuModel,
            metadataURI: profile.metadataURI,
            active: status.active,
            registeredAt: status.registeredAt,
            lastHeartbeat: status.lastHeartbeat,
            operatorCount: status.operatorCount
        });
    }

    /// @inheritdoc IProviderRegistry
    function isRegistered(address account) external view returns (bool) {
        return _status[account].registeredAt != 0;
    }

    /// @inheritdoc IProviderRegistry
    function isOperatorOffered(address provider, address operator) external view returns (bool) {
        return _operatorOffers[provider][operator];
    }

    /// @inheritdoc IProviderRegistry
    function operatorOwnerOf(address operator) external view returns (address) {
        return _operatorOwner[operator];
    }

    /// @inheritdoc IProviderRegistry
    function classOf(uint32 score) external view returns (BenchmarkClass) {
        return _classOf(score);
    }

    /// @inheritdoc IProviderRegistry
    function x25519KeyOf(address provider) external view returns (bytes32) {
        return _profiles[provider].x25519PublicKey;
    }

    /// @inheritdoc IProviderRegistry
    function classThresholds() external view returns (uint32 mediumScore, uint32 highScore) {
        return (_mediumScore, _highScore);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev The status slot of `account`, reverting when it is not a registered provider.
    function _requireRegistered(address account) private view returns (Status storage status) {
        status = _status[account];
        if (status.registeredAt == 0) revert ProviderRegistryNotRegistered(account);
    }

    /// @dev Reverts unless `account` could become an operator: not a registered provider, no one's operator.
    function _checkOperatorCandidate(address account) private view {
        if (_status[account].registeredAt != 0) revert ProviderRegistryOperatorIsProvider(account);
        address current = _operatorOwner[account];
        if (current != address(0)) revert ProviderRegistryOperatorAlreadyAuthorized(account, current);
    }

    /// @dev Ends the accepted link `operator` → `provider`, or else withdraws the open offer between them; reverts
    ///      when there is neither. The caller is one of the two (checked by the public entry points' arguments).
    function _endOperator(address provider, address operator) private {
        address current = _operatorOwner[operator];
        if (current == provider && provider != address(0)) {
            delete _operatorOwner[operator];
            Status storage status = _status[provider];
            uint32 count;
            // The operator was accepted for `provider`, so its count is at least one.
            unchecked {
                count = status.operatorCount - 1;
            }
            status.operatorCount = count;
            emit OperatorRevoked(provider, operator, count, msg.sender);
        } else if (_operatorOffers[provider][operator]) {
            delete _operatorOffers[provider][operator];
            emit OperatorOfferWithdrawn(provider, operator, msg.sender);
        } else {
            revert ProviderRegistryNotOperatorOf(operator, provider, current);
        }
    }

    /// @dev `account` itself when registered, else the provider it operates for (zero address when none).
    function _resolveProvider(address account) private view returns (address) {
        if (_status[account].registeredAt != 0) return account;
        return _operatorOwner[account];
    }

    /// @dev Class of `score` under the current thresholds (one storage slot).
    function _classOf(uint32 score) private view returns (BenchmarkClass) {
        if (score >= _highScore) return BenchmarkClass.High;
        if (score >= _mediumScore) return BenchmarkClass.Medium;
        return BenchmarkClass.Low;
    }

    /// @dev Checks string lengths, a non-zero key, and non-zero CPU cores and RAM.
    function _validateProfile(
        Resources calldata resources,
        string calldata gpuModel,
        bytes32 x25519PublicKey,
        string calldata metadataURI
    ) private pure {
        if (bytes(gpuModel).length > MAX_GPU_MODEL_LENGTH) {
            revert ProviderRegistryGpuModelTooLong(bytes(gpuModel).length, MAX_GPU_MODEL_LENGTH);
        }
        if (bytes(metadataURI).length > MAX_METADATA_URI_LENGTH) {
            revert ProviderRegistryMetadataURITooLong(bytes(metadataURI).length, MAX_METADATA_URI_LENGTH);
        }
        if (x25519PublicKey == bytes32(0)) revert ProviderRegistryZeroX25519Key();
        if (resources.cpuCores == 0 || resources.ramMiB == 0) {
            revert ProviderRegistryInvalidResources(resources.cpuCores, resources.ramMiB);
        }
    }

    /// @dev Stores the caller's resources (one slot) and its key and strings.
    function _writeProfile(
        Resources calldata resources,
        string calldata gpuModel,
        bytes32 x25519PublicKey,
        string calldata metadataURI
    ) private {
        _resources[msg.sender] = resources;
        _profiles[msg.sender] = Profile({
            x25519PublicKey: x25519PublicKey,
            gpuModel: gpuModel,
            metadataURI: metadataURI
        });
    }

    /// @dev Validates `mediumScore < highScore`, stores both in one slot, emits.
    function _setClassThresholds(uint32 mediumScore, uint32 highScore) private {
        if (mediumScore >= highScore) revert ProviderRegistryInvalidThresholds(mediumScore, highScore);
        (uint32 oldMedium, uint32 oldHigh) = (_mediumScore, _highScore);
        (_mediumScore, _highScore) = (mediumScore, highScore);
        emit ClassThresholdsUpdated(oldMedium, oldHigh, mediumScore, highScore);
    }
}
