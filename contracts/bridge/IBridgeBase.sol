// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BridgeMessageLib} from "./BridgeMessageLib.sol";

/// @title IBridgeBase
/// @notice What the hub vault and the spoke bridges share: M-of-N validator signatures over the EIP-712 digest of a
///         {BridgeMessageLib.Message}, a replay map by message id, per-destination outbound nonces, inbound and
///         outbound token-bucket rate limits per remote chain with a queue, a guardian pause that only governance
///         lifts, and a validator set that only the timelock rotates.
interface IBridgeBase {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice A transfer waiting for its rate limit (or its delay).
    /// @param chain The remote chain (source for inbound, destination for outbound).
    /// @param queuedAt When it was queued.
    /// @param inbound Whether it is an inbound release/mint (else an outbound message to emit).
    /// @param account Inbound: the local recipient. Outbound: the local sender.
    /// @param amount Amount in wei.
    /// @param message Outbound: the message to emit (nonce already assigned). Inbound: the executed message.
    struct QueuedTransfer {
        uint64 chain;
        uint64 queuedAt;
        bool inbound;
        address account;
        uint256 amount;
        BridgeMessageLib.Message message;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Emitted when an outbound message is sent: validators sign it for its destination.
    /// @param msgId The message id.
    /// @param dstChain The destination chain.
    /// @param nonce The outbound nonce toward `dstChain`.
    /// @param message The message.
    event BridgeMessageSent(
        bytes32 indexed msgId,
        uint64 indexed dstChain,
        uint64 nonce,
        BridgeMessageLib.Message message
    );

    /// @notice Emitted when an inbound message is accepted (released/minted now or queued).
    /// @param msgId The message id.
    /// @param srcChain The source chain.
    /// @param nonce The source's nonce.
    /// @param recipient The local recipient.
    /// @param amount Amount in wei.
    /// @param queued Whether it waits in the queue.
    event BridgeMessageReceived(
        bytes32 indexed msgId,
        uint64 indexed srcChain,
        uint64 nonce,
        address indexed recipient,
        uint256 amount,
        bool queued
    );

    /// @notice Emitted when a transfer over its rate limit is queued.
    /// @param msgId The message id.
    /// @param inbound Whether it is inbound.
    /// @param chain The remote chain.
    /// @param amount Amount in wei.
    /// @param releasableAt When it can be completed regardless of the bucket.
    event TransferQueued(
        bytes32 indexed msgId,
        bool inbound,
        uint64 indexed chain,
        uint256 amount,
        uint64 releasableAt
    );

    /// @notice Emitted when a queued transfer is completed.
    /// @param msgId The message id.
    /// @param caller Who completed it.
    /// @param byDelay Whether the delay (rather than the bucket) allowed it.
    event QueuedTransferCompleted(bytes32 indexed msgId, address indexed caller, bool byDelay);

    /// @notice Emitted when governance cancels a queued inbound transfer (response to a compromised validator set).
    /// @param msgId The message id.
    event QueuedInboundCancelled(bytes32 indexed msgId);

    /// @notice Emitted when the validator set is replaced.
    /// @param setId The new set id.
    /// @param validators The new validators, ascending.
    /// @param threshold Signatures required.
    event ValidatorSetUpdated(uint64 indexed setId, address[] validators, uint8 threshold);

    /// @notice Emitted when a remote chain's rate limits are set (first time: the chain is enabled).
    /// @param chain The remote chain.
    /// @param inCapacity Inbound capacity (wei).
    /// @param inRatePerSecond Inbound refill (wei/s).
    /// @param outCapacity Outbound capacity (wei).
    /// @param outRatePerSecond Outbound refill (wei/s).
    event ChainLimitsSet(
        uint64 indexed chain,
        uint128 inCapacity,
        uint128 inRatePerSecond,
        uint128 outCapacity,
        uint128 outRatePerSecond
    );

    /// @notice Emitted when the queue delay changes.
    /// @param delay New delay in seconds.
    event QueueDelaySet(uint64 delay);

    /// @notice Emitted when a guardian is added or removed.
    /// @param guardian The account.
    /// @param enabled Whether it may pause.
    event GuardianSet(address indexed guardian, bool enabled);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Thrown when a governance-only function is called by another account than the timelock.
    /// @param caller The caller.
    error BridgeNotTimelock(address caller);

    /// @notice Thrown when a pause is requested by a non-guardian.
    /// @param caller The caller.
    error BridgeNotGuardian(address caller);

    /// @notice Thrown when a constructor address is zero.
    /// @param parameter The argument's name.
    error BridgeZeroAddress(string parameter);

    /// @notice Thrown when a validator set is empty, too large, unsorted, has duplicates or a zero signer.
    /// @param index Position of the offending entry (or the length for a size error).
    error BridgeInvalidValidatorSet(uint256 index);

    /// @notice Thrown when a threshold is below ⌈2N/3⌉ or above N.
    /// @param threshold The threshold.
    /// @param min The least allowed (⌈2N/3⌉).
    /// @param max The most allowed (N).
    error BridgeInvalidThreshold(uint256 threshold, uint256 min, uint256 max);

    /// @notice Thrown when a signature does not recover (malformed, high-s, bad v).
    /// @param index Its position.
    error BridgeBadSignature(uint256 index);

    /// @notice Thrown when signers are not strictly ascending (covers duplicates).
    /// @param index Position of the first signer out of order.
    error BridgeSignersNotAscending(uint256 index);

    /// @notice Thrown when a signer is not in the current validator set.
    /// @param signer The recovered signer.
    error BridgeUnknownSigner(address signer);

    /// @notice Thrown when fewer valid signatures than the threshold are given.
    /// @param count Valid signatures.
    /// @param threshold Required.
    error BridgeTooFewSignatures(uint256 count, uint256 threshold);

    /// @notice Thrown when a message's version is not 1.
    /// @param version The version.
    error BridgeWrongVersion(uint8 version);

    /// @notice Thrown when a message is not addressed to this chain.
    /// @param dstChain The message's destination.
    error BridgeWrongDestination(uint64 dstChain);

    /// @notice Thrown when a remote chain is not enabled (no limits set), or is this chain.
    /// @param chain The chain.
    error BridgeUnknownChain(uint64 chain);

    /// @notice Thrown when a message id was already executed here.
    /// @param msgId The message id.
    error BridgeAlreadyExecuted(bytes32 msgId);

    /// @notice Thrown when a nonce is zero.
    error BridgeZeroNonce();

    /// @notice Thrown when an inbound amount is zero.
    error BridgeZeroAmount();

    /// @notice Thrown when a recipient is not valid for its chain (zero, or not a padded address on an EVM chain).
    /// @param recipient The recipient.
    error BridgeInvalidRecipient(bytes32 recipient);

    /// @notice Thrown when no queued transfer has this id.
    /// @param msgId The id.
    error BridgeNotQueued(bytes32 msgId);

    /// @notice Thrown when a queued transfer fits neither its bucket nor is past its delay.
    /// @param msgId The id.
    /// @param available The bucket's available amount.
    /// @param releasableAt When the delay ends.
    error BridgeQueueNotReady(bytes32 msgId, uint256 available, uint64 releasableAt);

    /// @notice Thrown when a queue delay is out of range.
    /// @param delay The delay.
    error BridgeInvalidQueueDelay(uint64 delay);

    /*//////////////////////////////////////////////////////////////
                                 FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Sends `amount` wei to `recipient` on `dstChain` (locks on the hub, burns on a spoke). Over the outbound
    ///         limit the transfer is queued: the tokens are taken now and the message is emitted on completion.
    /// @param dstChain The destination chain (enabled).
    /// @param recipient The recipient there (bytes32; a padded address for EVM chains).
    /// @param amount Amount in wei (a nonzero multiple of 1e10).
    /// @return msgId The message id.
    function bridgeOut(uint64 dstChain, bytes32 recipient, uint256 amount) external returns (bytes32 msgId);

    /// @notice Executes an inbound message signed by at least `threshold` validators of the current set, signers
    ///         ascending. Releases/mints now, or queues when over the inbound limit. Anyone may submit.
    /// @param message The message.
    /// @param signatures 65-byte ECDSA signatures over {digest}, ordered by signer address ascending.
    /// @return msgId The message id.
    function bridgeIn(
        BridgeMessageLib.Message calldata message,
        bytes[] calldata signatures
    ) external returns (bytes32 msgId);

    /// @notice Completes a queued transfer once its bucket has room (consumed) or its delay has passed. Anyone may.
    /// @param msgId The queued transfer's id.
    function completeQueued(bytes32 msgId) external;

    /// @notice Cancels a queued inbound transfer (timelock only; for messages signed by a compromised set).
    /// @param msgId The queued transfer's id.
    function cancelQueuedInbound(bytes32 msgId) external;

    /// @notice Replaces the validator set (timelock only). Old signers stop counting at once.
    /// @param validators The new set, strictly ascending, nonzero, 1…{MAX_VALIDATORS}.
    /// @param threshold At least ⌈2N/3⌉ and at most N.
    function setValidators(address[] calldata validators, uint8 threshold) external;

    /// @notice Sets (and on first use enables) a remote chain's inbound and outbound limits (timelock only).
    /// @param chain The remote chain.
    /// @param inCapacity Inbound capacity (wei).
    /// @param inRatePerSecond Inbound refill (wei/s).
    /// @param outCapacity Outbound capacity (wei).
    /// @param outRatePerSecond Outbound refill (wei/s).
    function setChainLimits(
        uint64 chain,
        uint128 inCapacity,
        uint128 inRatePerSecond,
        uint128 outCapacity,
        uint128 outRatePerSecond
    ) external;

    /// @notice Sets the delay after which a queued transfer completes regardless of the bucket (timelock only).
    /// @param delay Seconds, between {MIN_QUEUE_DELAY} and {MAX_QUEUE_DELAY}.
    function setQueueDelay(uint64 delay) external;

    /// @notice Adds or removes a guardian (timelock only).
    /// @param guardian The account.
    /// @param enabled Whether it may pause.
    function setGuardian(address guardian, bool enabled) external;

    /// @notice Pauses inbound, outbound and queue completion (a guardian).
    function pause() external;

    /// @notice Lifts the pause (timelock only).
    function unpause() external;

    /// @notice The EIP-712 digest validators sign for `message` on this bridge.
    /// @param message The message.
    /// @return The digest.
    function digest(BridgeMessageLib.Message calldata message) external view returns (bytes32);

    /// @notice The message id of `message`.
    /// @param message The message.
    /// @return The id.
    function messageId(BridgeMessageLib.Message calldata message) external pure returns (bytes32);

    /// @notice The current validator set.
    /// @return setId The set id (1 at deployment, +1 per rotation).
    /// @return validators The validators, ascending.
    /// @return threshold Signatures required.
    function validatorSet() external view returns (uint64 setId, address[] memory validators, uint8 threshold);

    /// @notice Whether a message id was executed (or queued) here.
    /// @param msgId The id.
    /// @return True when executed.
    function executed(bytes32 msgId) external view returns (bool);

    /// @notice The last outbound nonce toward `chain` (0 before the first).
    /// @param chain The destination.
    /// @return The nonce.
    function outboundNonce(uint64 chain) external view returns (uint64);

    /// @notice The highest inbound nonce executed from `chain` (messages may execute out of order, never twice).
    /// @param chain The source.
    /// @return The nonce.
    function highestInboundNonce(uint64 chain) external view returns (uint64);

    /// @notice Amounts available now in `chain`'s buckets.
    /// @param chain The remote chain.
    /// @return inbound Inbound available (wei).
    /// @return outbound Outbound available (wei).
    function availableLimits(uint64 chain) external view returns (uint256 inbound, uint256 outbound);

    /// @notice A queued transfer (chain 0 when none).
    /// @param msgId The id.
    /// @return The queued transfer.
    function queued(bytes32 msgId) external view returns (QueuedTransfer memory);

    /// @notice Whether `chain` is enabled.
    /// @param chain The chain.
    /// @return True when its limits were set.
    function chainEnabled(uint64 chain) external view returns (bool);

    /// @notice The governance timelock.
    /// @return The timelock address.
    function timelock() external view returns (address);

    /// @notice The queue delay in seconds.
    /// @return The delay.
    function queueDelay() external view returns (uint64);
}
