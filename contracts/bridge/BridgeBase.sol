// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {BridgeMessageLib} from "./BridgeMessageLib.sol";
import {IBridgeBase} from "./IBridgeBase.sol";
import {RateLimitLib} from "./RateLimitLib.sol";

/// @title BridgeBase
/// @notice The checks every EVM end of the EAI bridge applies; {BridgeVault} (hub: lock/unlock) and {SpokeBridge}
///         (L2: burn/mint) supply how tokens are taken and given and the hub's accountant.
/// @dev Signatures are checked over the EIP-712 digest of the message in the domain {name "EAI Bridge", version "1",
///      chainId, this contract}, so a signature for another chain, another bridge or another version never verifies
///      here. Signers must be strictly ascending (no duplicates), recover without error (OpenZeppelin ECDSA rejects
///      high-s and zero), and belong to the current set: membership is stored as the set id, which starts at 1 and
///      increments per rotation, so no default value means "member" and every removed key stops counting at once.
abstract contract BridgeBase is IBridgeBase, EIP712, Pausable, ReentrancyGuardTransient {
    using RateLimitLib for RateLimitLib.Bucket;
    using BridgeMessageLib for BridgeMessageLib.Message;

    /// @notice Most validators in a set (bounds the gas of a rotation and of a verification).
    uint256 public constant MAX_VALIDATORS = 32;
    /// @notice Least queue delay: time for guardians to see and pause a large queued transfer.
    uint64 public constant MIN_QUEUE_DELAY = 1 hours;
    /// @notice Largest queue delay.
    uint64 public constant MAX_QUEUE_DELAY = 30 days;

    address private immutable _timelock;

    uint64 private _setId;
    uint8 private _threshold;
    address[] private _validators;
    /// @dev validator => the set id it belongs to (0: never; stale ids mean removed).
    mapping(address validator => uint64 setId) private _memberOf;

    uint64 private _queueDelay;
    mapping(address guardian => bool enabled) private _guardians;
    mapping(uint64 chain => bool enabled) private _chainEnabled;
    mapping(uint64 chain => RateLimitLib.Bucket bucket) private _inBuckets;
    mapping(uint64 chain => RateLimitLib.Bucket bucket) private _outBuckets;
    mapping(uint64 chain => uint64 nonce) private _outNonce;
    mapping(uint64 chain => uint64 nonce) private _highestIn;
    mapping(bytes32 msgId => bool done) private _executed;
    mapping(bytes32 msgId => QueuedTransfer transfer) private _queue;

    modifier onlyTimelock() {
        if (msg.sender != _timelock) revert BridgeNotTimelock(msg.sender);
        _;
    }

    /// @param timelock_ The governance timelock (rotation, limits, guardians, unpause).
    /// @param guardian An initial guardian (may pause; address(0) for none).
    /// @param validators The initial validator set (strictly ascending).
    /// @param threshold The initial threshold (⌈2N/3⌉ … N).
    /// @param queueDelay_ The initial queue delay.
    constructor(
        address timelock_,
        address guardian,
        address[] memory validators,
        uint8 threshold,
        uint64 queueDelay_
    ) EIP712("EAI Bridge", "1") {
        if (timelock_ == address(0)) revert BridgeZeroAddress("timelock");
        _timelock = timelock_;
        _setValidators(validators, threshold);
        _setQueueDelay(queueDelay_);
        if (guardian != address(0)) {
            _guardians[guardian] = true;
            emit GuardianSet(guardian, true);
        }
    }

    /*//////////////////////////////////////////////////////////////
                             TRANSFERS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IBridgeBase
    function bridgeOut(
        uint64 dstChain,
        bytes32 recipient,
        uint256 amount
    ) external whenNotPaused nonReentrant returns (bytes32 msgId) {
        if (!_chainEnabled[dstChain]) revert BridgeUnknownChain(dstChain);
        if (
            recipient == bytes32(0) ||
            (dstChain < BridgeMessageLib.FIRST_NON_EVM_CHAIN && !BridgeMessageLib.isEvmAddress(recipient))
        ) revert BridgeInvalidRecipient(recipient);
        uint64 amount8 = BridgeMessageLib.toAmount8(amount);
        // A nonce per destination, 1, 2, 3…: 2^64 messages cannot be sent.
        uint64 nonce;
        unchecked {
            nonce = ++_outNonce[dstChain];
        }
        BridgeMessageLib.Message memory m = BridgeMessageLib.Message({
            version: BridgeMessageLib.VERSION,
            srcChain: uint64(block.chainid),
            dstChain: dstChain,
            nonce: nonce,
            sender: BridgeMessageLib.toBytes32(msg.sender),
            recipient: recipient,
            amount8: amount8
        });
        msgId = m.id();
        if (_outBuckets[dstChain].tryConsume(amount)) {
            _emitSent(msgId, m, amount);
        } else {
            _enqueue(msgId, dstChain, false, msg.sender, amount, m);
        }
        _take(msg.sender, amount);
    }

    /// @inheritdoc IBridgeBase
    function bridgeIn(
        BridgeMessageLib.Message calldata message,
        bytes[] calldata signatures
    ) external whenNotPaused nonReentrant returns (bytes32 msgId) {
        if (message.version != BridgeMessageLib.VERSION) revert BridgeWrongVersion(message.version);
        if (message.dstChain != block.chainid) revert BridgeWrongDestination(message.dstChain);
        if (!_chainEnabled[message.srcChain]) revert BridgeUnknownChain(message.srcChain);
        if (message.nonce == 0) revert BridgeZeroNonce();
        if (message.amount8 == 0) revert BridgeZeroAmount();
        if (!BridgeMessageLib.isEvmAddress(message.recipient)) revert BridgeInvalidRecipient(message.recipient);
        BridgeMessageLib.Message memory m = message;
        msgId = m.id();
        if (_executed[msgId]) revert BridgeAlreadyExecuted(msgId);
        _verify(_hashTypedDataV4(m.structHash()), signatures);

        _executed[msgId] = true;
        if (message.nonce > _highestIn[message.srcChain]) _highestIn[message.srcChain] = message.nonce;
        uint256 amount = BridgeMessageLib.toWei(message.amount8);
        address recipient = address(uint160(uint256(message.recipient)));
        _accountInbound(message.srcChain, amount);
        bool fits = _inBuckets[message.srcChain].tryConsume(amount);
        emit BridgeMessageReceived(msgId, message.srcChain, message.nonce, recipient, amount, !fits);
        if (fits) {
            _give(recipient, amount);
        } else {
            _enqueue(msgId, message.srcChain, true, recipient, amount, m);
        }
    }

    /// @inheritdoc IBridgeBase
    function completeQueued(bytes32 msgId) external whenNotPaused nonReentrant {
        QueuedTransfer memory q = _queue[msgId];
        if (q.chain == 0) revert BridgeNotQueued(msgId);
        RateLimitLib.Bucket storage bucket = q.inbound ? _inBuckets[q.chain] : _outBuckets[q.chain];
        bool byDelay;
        if (!bucket.tryConsume(q.amount)) {
            uint64 releasableAt = q.queuedAt + _queueDelay;
            if (block.timestamp < releasableAt) revert BridgeQueueNotReady(msgId, bucket.available(), releasableAt);
            byDelay = true;
        }
        delete _queue[msgId];
        emit QueuedTransferCompleted(msgId, msg.sender, byDelay);
        if (q.inbound) {
            _give(q.account, q.amount);
        } else {
            _emitSent(msgId, q.message, q.amount);
        }
    }

    /// @inheritdoc IBridgeBase
    function cancelQueuedInbound(bytes32 msgId) external onlyTimelock {
        QueuedTransfer storage q = _queue[msgId];
        if (q.chain == 0 || !q.inbound) revert BridgeNotQueued(msgId);
        uint64 chain = q.chain;
        uint256 amount = q.amount;
        delete _queue[msgId];
        _unaccountInbound(chain, amount);
        emit QueuedInboundCancelled(msgId);
    }

    /*//////////////////////////////////////////////////////////////
                             GOVERNANCE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IBridgeBase
    function setValidators(address[] calldata validators, uint8 threshold) external onlyTimelock {
        _setValidators(validators, threshold);
    }

    /// @inheritdoc IBridgeBase
    function setChainLimits(
        uint64 chain,
        uint128 inCapacity,
        uint128 inRatePerSecond,
        uint128 outCapacity,
        uint128 outRatePerSecond
    ) external onlyTimelock {
        if (chain == 0 || chain == block.chainid) revert BridgeUnknownChain(chain);
        bool first = !_chainEnabled[chain];
        _chainEnabled[chain] = true;
        _inBuckets[chain].configure(inCapacity, inRatePerSecond, first);
        _outBuckets[chain].configure(outCapacity, outRatePerSecond, first);
        emit ChainLimitsSet(chain, inCapacity, inRatePerSecond, outCapacity, outRatePerSecond);
    }

    /// @inheritdoc IBridgeBase
    function setQueueDelay(uint64 delay) external onlyTimelock {
        _setQueueDelay(delay);
    }

    /// @inheritdoc IBridgeBase
    function setGuardian(address guardian, bool enabled) external onlyTimelock {
        if (guardian == address(0)) revert BridgeZeroAddress("guardian");
        _guardians[guardian] = enabled;
        emit GuardianSet(guardian, enabled);
    }

    /// @inheritdoc IBridgeBase
    function pause() external {
        if (!_guardians[msg.sender]) revert BridgeNotGuardian(msg.sender);
        _pause();
    }

    /// @inheritdoc IBridgeBase
    function unpause() external onlyTimelock {
        _unpause();
    }

    /*//////////////////////////////////////////////////////////////
                               VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IBridgeBase
    function digest(BridgeMessageLib.Message calldata message) external view returns (bytes32) {
        BridgeMessageLib.Message memory m = message;
        return _hashTypedDataV4(m.structHash());
    }

    /// @inheritdoc IBridgeBase
    function messageId(BridgeMessageLib.Message calldata message) external pure returns (bytes32) {
        BridgeMessageLib.Message memory m = message;
        return m.id();
    }

    /// @inheritdoc IBridgeBase
    function validatorSet() external view returns (uint64 setId, address[] memory validators, uint8 threshold) {
        return (_setId, _validators, _threshold);
    }

    /// @inheritdoc IBridgeBase
    function executed(bytes32 msgId) external view returns (bool) {
        return _executed[msgId];
    }

    /// @inheritdoc IBridgeBase
    function outboundNonce(uint64 chain) external view returns (uint64) {
        return _outNonce[chain];
    }

    /// @inheritdoc IBridgeBase
    function highestInboundNonce(uint64 chain) external view returns (uint64) {
        return _highestIn[chain];
    }

    /// @inheritdoc IBridgeBase
    function availableLimits(uint64 chain) external view returns (uint256 inbound, uint256 outbound) {
        return (_inBuckets[chain].available(), _outBuckets[chain].available());
    }

    /// @inheritdoc IBridgeBase
    function queued(bytes32 msgId) external view returns (QueuedTransfer memory) {
        return _queue[msgId];
    }

    /// @inheritdoc IBridgeBase
    function chainEnabled(uint64 chain) external view returns (bool) {
        return _chainEnabled[chain];
    }

    /// @inheritdoc IBridgeBase
    function timelock() external view returns (address) {
        return _timelock;
    }

    /// @inheritdoc IBridgeBase
    function queueDelay() external view returns (uint64) {
        return _queueDelay;
    }

    /// @dev Whether `chain` is enabled (for subclasses).
    function _isChainEnabled(uint64 chain) internal view returns (bool) {
        return _chainEnabled[chain];
    }

    /// @notice Whether `account` may pause.
    /// @param account The account.
    /// @return True for a guardian.
    function isGuardian(address account) external view returns (bool) {
        return _guardians[account];
    }

    /*//////////////////////////////////////////////////////////////
                               HOOKS
    //////////////////////////////////////////////////////////////*/

    /// @dev Takes `amount` from `from` (hub: transfer into the vault; spoke: burn). Called last in {bridgeOut}.
    function _take(address from, uint256 amount) internal virtual;

    /// @dev Gives `amount` to `to` (hub: transfer out of the vault; spoke: mint).
    function _give(address to, uint256 amount) internal virtual;

    /// @dev Records that a message of `amount` was sent toward `dstChain` (hub: the accountant).
    function _accountOutbound(uint64 dstChain, uint256 amount) internal virtual {}

    /// @dev Records an accepted inbound claim of `amount` from `srcChain`; must revert when it is not covered.
    function _accountInbound(uint64 srcChain, uint256 amount) internal virtual {}

    /// @dev Undoes {_accountInbound} for a cancelled queued claim.
    function _unaccountInbound(uint64 srcChain, uint256 amount) internal virtual {}

    /*//////////////////////////////////////////////////////////////
                              INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev Verifies `signatures` over `hash`: each recovers (low-s, nonzero), signers strictly ascending, each in
    ///      the current set, at least `threshold` of them.
    function _verify(bytes32 hash, bytes[] calldata signatures) internal view {
        uint64 setId = _setId;
        address last;
        uint256 n = signatures.length;
        for (uint256 i; i < n; ++i) {
            (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(hash, signatures[i]);
            if (err != ECDSA.RecoverError.NoError) revert BridgeBadSignature(i);
            if (signer <= last) revert BridgeSignersNotAscending(i);
            if (_memberOf[signer] != setId) revert BridgeUnknownSigner(signer);
            last = signer;
        }
        if (n < _threshold) revert BridgeTooFewSignatures(n, _threshold);
    }

    function _emitSent(bytes32 msgId, BridgeMessageLib.Message memory m, uint256 amount) private {
        _accountOutbound(m.dstChain, amount);
        emit BridgeMessageSent(msgId, m.dstChain, m.nonce, m);
    }

    function _enqueue(
        bytes32 msgId,
        uint64 chain,
        bool inbound,
        address account,
        uint256 amount,
        BridgeMessageLib.Message memory m
    ) private {
        _queue[msgId] = QueuedTransfer({
            chain: chain,
            queuedAt: uint64(block.timestamp),
            inbound: inbound,
            account: account,
            amount: amount,
            message: m
        });
        emit TransferQueued(msgId, inbound, chain, amount, uint64(block.timestamp) + _queueDelay);
    }

    function _setValidators(address[] memory validators, uint8 threshold) private {
        uint256 n = validators.length;
        if (n == 0 || n > MAX_VALIDATORS) revert BridgeInvalidValidatorSet(n);
        uint256 min = (2 * n + 2) / 3; // ⌈2n/3⌉
        if (threshold < min || threshold > n) revert BridgeInvalidThreshold(threshold, min, n);
        // The set id cannot reach 2^64 rotations.
        uint64 setId;
        unchecked {
            setId = _setId + 1;
        }
        address last;
        for (uint256 i; i < n; ++i) {
            address v = validators[i];
            if (v <= last) revert BridgeInvalidValidatorSet(i); // zero, unsorted or duplicate
            _memberOf[v] = setId;
            last = v;
        }
        _setId = setId;
        _validators = validators;
        _threshold = threshold;
        emit ValidatorSetUpdated(setId, validators, threshold);
    }

    function _setQueueDelay(uint64 delay) private {
        if (delay < MIN_QUEUE_DELAY || delay > MAX_QUEUE_DELAY) revert BridgeInvalidQueueDelay(delay);
        _queueDelay = delay;
        emit QueueDelaySet(delay);
    }
}
