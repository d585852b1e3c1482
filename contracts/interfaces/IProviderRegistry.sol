// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BenchmarkClass, Resources} from "../types/Resources.sol";

/// @title IProviderRegistry
/// @notice Profiles of compute providers: declared resources and benchmark class, X25519 key for encrypted inputs,
///         metadata, active flag, heartbeats, and the operator addresses a provider authorises to act for it.
/// @dev An account is either a provider ("owner"), the operator of exactly one provider, or neither. Operators are
///      authorised in two steps: the provider offers, the operator accepts; until it accepts, an offer binds nobody
///      (naming someone else's address cannot block its registration). Either side can end the link at any time.
///      There is no on-chain enumeration: indexers rebuild provider and operator lists from the events.
interface IProviderRegistry {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice Everything the registry knows about a provider.
    /// @param resources Declared machine resources (including the benchmark score).
    /// @param benchmarkClass Class of the benchmark score under the current thresholds.
    /// @param x25519PublicKey Key requesters encrypt private inputs to.
    /// @param gpuModel GPU model name (empty without a GPU).
    /// @param metadataURI Off-chain metadata (endpoint, description).
    /// @param active Whether the provider accepts work.
    /// @param registeredAt Registration time (0: not registered).
    /// @param lastHeartbeat Time of the last heartbeat (0: none yet).
    /// @param operatorCount Number of currently authorised operators.
    struct ProviderInfo {
        Resources resources;
        BenchmarkClass benchmarkClass;
        bytes32 x25519PublicKey;
        string gpuModel;
        string metadataURI;
        bool active;
        uint48 registeredAt;
        uint48 lastHeartbeat;
        uint32 operatorCount;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Emitted when an account registers as a provider (it starts active).
    /// @param provider The new provider.
    /// @param resources Declared resources.
    /// @param benchmarkClass Class of the benchmark score at registration.
    /// @param gpuModel GPU model name.
    /// @param x25519PublicKey Key for encrypted inputs.
    /// @param metadataURI Off-chain metadata.
    event ProviderRegistered(
        address indexed provider,
        Resources resources,
        BenchmarkClass benchmarkClass,
        string gpuModel,
        bytes32 x25519PublicKey,
        string metadataURI
    );

    /// @notice Emitted when a provider replaces its profile.
    /// @param provider The provider.
    /// @param resources New declared resources.
    /// @param benchmarkClass Class of the new benchmark score.
    /// @param gpuModel New GPU model name.
    /// @param x25519PublicKey New key for encrypted inputs.
    /// @param metadataURI New off-chain metadata.
    event ProviderUpdated(
        address indexed provider,
        Resources resources,
        BenchmarkClass benchmarkClass,
        string gpuModel,
        bytes32 x25519PublicKey,
        string metadataURI
    );

    /// @notice Emitted when a provider stops accepting work.
    /// @param provider The provider.
    event ProviderDeactivated(address indexed provider);

    /// @notice Emitted when a provider accepts work again.
    /// @param provider The provider.
    event ProviderReactivated(address indexed provider);

    /// @notice Emitted when a provider offers an account to act as its operator (not yet binding).
    /// @param provider The provider.
    /// @param operator The account offered the role.
    event OperatorOffered(address indexed provider, address indexed operator);

    /// @notice Emitted when an offer is withdrawn by the provider or declined by the offered account.
    /// @param provider The provider.
    /// @param operator The account the offer was made to.
    /// @param by Who withdrew it (the provider or the operator).
    event OperatorOfferWithdrawn(address indexed provider, address indexed operator, address by);

    /// @notice Emitted when an operator accepts a provider's offer and now acts for it.
    /// @param provider The provider.
    /// @param operator The operator now acting for it.
    /// @param operatorCount The provider's operator count afterwards.
    event OperatorAuthorized(address indexed provider, address indexed operator, uint32 operatorCount);

    /// @notice Emitted when the provider revokes an operator or the operator renounces the role.
    /// @param provider The provider.
    /// @param operator The operator no longer acting for it.
    /// @param operatorCount The provider's operator count afterwards.
    /// @param by Who ended the link (the provider or the operator).
    event OperatorRevoked(address indexed provider, address indexed operator, uint32 operatorCount, address by);

    /// @notice Emitted on every heartbeat.
    /// @param provider Provider the heartbeat is recorded for.
    /// @param sender The provider itself or one of its operators.
    /// @param timestamp Recorded time (the block timestamp).
    event HeartbeatRecorded(address indexed provider, address indexed sender, uint48 timestamp);

    /// @notice Emitted when the admin changes the benchmark class thresholds (classes are derived, so every
    ///         provider's class may change).
    /// @param oldMediumScore Previous minimum score of the Medium class.
    /// @param oldHighScore Previous minimum score of the High class.
    /// @param newMediumScore New minimum score of the Medium class.
    /// @param newHighScore New minimum score of the High class.
    event ClassThresholdsUpdated(
        uint32 oldMediumScore,
        uint32 oldHighScore,
        uint32 newMediumScore,
        uint32 newHighScore
    );

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Thrown when the constructor's admin is the zero address.
    error ProviderRegistryZeroAdmin();

    /// @notice Thrown when an already registered account registers again.
    /// @param provider The account.
    error ProviderRegistryAlreadyRegistered(address provider);

    /// @notice Thrown when the caller (or a given account) is not a registered provider.
    /// @param account The account.
    error ProviderRegistryNotRegistered(address account);

    /// @notice Thrown when an account that is another provider's operator tries to register.
    /// @param account The account.
    /// @param provider The provider it operates for.
    error ProviderRegistryAccountIsOperator(address account, address provider);

    /// @notice Thrown when the GPU model name is longer than `MAX_GPU_MODEL_LENGTH` bytes.
    /// @param length Its length in bytes.
    /// @param maxLength The maximum.
    error ProviderRegistryGpuModelTooLong(uint256 length, uint256 maxLength);

    /// @notice Thrown when the metadata URI is longer than `MAX_METADATA_URI_LENGTH` bytes.
    /// @param length Its length in bytes.
    /// @param maxLength The maximum.
    error ProviderRegistryMetadataURITooLong(uint256 length, uint256 maxLength);

    /// @notice Thrown when the X25519 public key is zero.
    error ProviderRegistryZeroX25519Key();

    /// @notice Thrown when the declared resources have no CPU cores or no RAM.
    /// @param cpuCores Declared CPU cores.
    /// @param ramMiB Declared RAM in MiB.
    error ProviderRegistryInvalidResources(uint16 cpuCores, uint32 ramMiB);

    /// @notice Thrown when deactivating a provider that is already inactive.
    /// @param provider The provider.
    error ProviderRegistryAlreadyInactive(address provider);

    /// @notice Thrown when reactivating a provider that is already active.
    /// @param provider The provider.
    error ProviderRegistryAlreadyActive(address provider);

    /// @notice Thrown when a heartbeat is sent for an inactive provider.
    /// @param provider The provider.
    error ProviderRegistryProviderInactive(address provider);

    /// @notice Thrown when the operator to authorise is the zero address.
    error ProviderRegistryZeroOperator();

    /// @notice Thrown when the operator to authorise is a registered provider (including the caller itself).
    /// @param operator The operator.
    error ProviderRegistryOperatorIsProvider(address operator);

    /// @notice Thrown when the operator to authorise already operates for a provider (at most one).
    /// @param operator The operator.
    /// @param provider The provider it already operates for.
    error ProviderRegistryOperatorAlreadyAuthorized(address operator, address provider);

    /// @notice Thrown when revoking or renouncing a link that is neither an accepted operator role nor an open offer.
    /// @param operator The operator.
    /// @param provider The provider named.
    /// @param actualProvider The provider it operates for (zero address: none).
    error ProviderRegistryNotOperatorOf(address operator, address provider, address actualProvider);

    /// @notice Thrown when an account accepts an operator role it was not offered.
    /// @param operator The caller.
    /// @param provider The provider named.
    error ProviderRegistryNoOperatorOffer(address operator, address provider);

    /// @notice Thrown when the heartbeat sender is neither a registered provider nor an authorised operator.
    /// @param sender The caller.
    error ProviderRegistryNotProviderOrOperator(address sender);

    /// @notice Thrown when class thresholds are not strictly increasing (`mediumScore < highScore`).
    /// @param mediumScore Rejected Medium threshold.
    /// @param highScore Rejected High threshold.
    error ProviderRegistryInvalidThresholds(uint32 mediumScore, uint32 highScore);

    /*//////////////////////////////////////////////////////////////
                               PROVIDERS
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers the caller as an active provider.
    /// @dev Reverts if the caller is registered or is someone's operator, or on an invalid profile: `gpuModel` over
    ///      64 bytes, `metadataURI` over 256 bytes, zero key, zero CPU cores or zero RAM.
    /// @param resources Declared resources (including the benchmark score).
    /// @param gpuModel GPU model name (may be empty).
    /// @param x25519PublicKey Non-zero X25519 public key for encrypted inputs.
    /// @param metadataURI Off-chain metadata (may be empty).
    function register(
        Resources calldata resources,
        string calldata gpuModel,
        bytes32 x25519PublicKey,
        string calldata metadataURI
    ) external;

    /// @notice Replaces the caller's profile (same validation as `register`).
    /// @param resources Declared resources.
    /// @param gpuModel GPU model name.
    /// @param x25519PublicKey Non-zero X25519 public key.
    /// @param metadataURI Off-chain metadata.
    function updateProfile(
        Resources calldata resources,
        string calldata gpuModel,
        bytes32 x25519PublicKey,
        string calldata metadataURI
    ) external;

    /// @notice Stops the caller (a provider) from accepting work.
    function deactivate() external;

    /// @notice Lets the caller (a provider) accept work again.
    function reactivate() external;

    /// @notice Offers `operator` the role of acting for the caller (claim tasks, submit results, heartbeat). Nothing
    ///         changes for `operator` until it calls {acceptOperator}.
    /// @param operator An account that is neither a provider nor another provider's operator.
    function authorizeOperator(address operator) external;

    /// @notice Accepts `provider`'s offer: from now on the caller acts for `provider`.
    /// @dev The caller must not be registered or another provider's operator, and `provider` must still be
    ///      registered.
    /// @param provider The provider that made the offer.
    function acceptOperator(address provider) external;

    /// @notice Revokes one of the caller's operators, or withdraws an offer the operator has not accepted.
    /// @param operator An operator of the caller, or an account it offered the role to.
    function revokeOperator(address operator) external;

    /// @notice Ends the caller's operator role for `provider`, or declines `provider`'s open offer.
    /// @param provider The provider the caller operates for, or that offered it the role.
    function renounceOperator(address provider) external;

    /// @notice Records a heartbeat for the caller's provider (the caller itself or the provider it operates for).
    function heartbeat() external;

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets the benchmark class thresholds. Only the admin.
    /// @param mediumScore Minimum score of the Medium class.
    /// @param highScore Minimum score of the High class (strictly above `mediumScore`).
    function setClassThresholds(uint32 mediumScore, uint32 highScore) external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The provider an account acts for.
    /// @param account Any account.
    /// @return provider `account` if it is a registered provider, else the provider that authorised it as
    ///         operator, else the zero address.
    function resolveProvider(address account) external view returns (address provider);

    /// @notice What the market checks on claim, in two storage reads.
    /// @param provider A provider.
    /// @return active Whether it is registered and active.
    /// @return resources Its declared resources (zero when not registered).
    function eligibilityOf(address provider) external view returns (bool active, Resources memory resources);

    /// @notice The full profile of `provider` (all fields zero when not registered).
    /// @param provider A provider.
    /// @return info The profile.
    function getProvider(address provider) external view returns (ProviderInfo memory info);

    /// @notice Whether `account` is a registered provider.
    /// @param account Any account.
    /// @return True when registered.
    function isRegistered(address account) external view returns (bool);

    /// @notice Whether `provider` has an open (not accepted) operator offer to `operator`.
    /// @param provider The provider.
    /// @param operator The account.
    /// @return True while the offer is open.
    function isOperatorOffered(address provider, address operator) external view returns (bool);

    /// @notice The provider `operator` acts for.
    /// @param operator Any account.
    /// @return The provider, or the zero address when it is no one's operator.
    function operatorOwnerOf(address operator) external view returns (address);

    /// @notice The class of a benchmark score under the current thresholds.
    /// @param score A benchmark score.
    /// @return High if `score >= highScore`, Medium if `score >= mediumScore`, else Low.
    function classOf(uint32 score) external view returns (BenchmarkClass);

    /// @notice The X25519 public key of `provider`.
    /// @param provider A provider.
    /// @return The key (zero when not registered).
    function x25519KeyOf(address provider) external view returns (bytes32);

    /// @notice The current class thresholds.
    /// @return mediumScore Minimum score of the Medium class.
    /// @return highScore Minimum score of the High class.
    function classThresholds() external view returns (uint32 mediumScore, uint32 highScore);
}
