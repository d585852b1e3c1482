// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

import {BridgeBase} from "./BridgeBase.sol";
import {BridgeMessageLib} from "./BridgeMessageLib.sol";

/// @title BridgeVault
/// @notice The hub end of the EAI bridge (the governance chain): locks EAI sent to other chains and unlocks it for
///         validator-signed messages coming back, without any change to EAIToken (no mint or burn role). An
///         accountant keeps, per remote chain, the EAI locked toward it and not yet claimed back: the vault never
///         releases to a chain's claims more than was locked toward it, so keys that forge messages from one chain
///         can at most drain what that chain holds (and the inbound rate limit slows even that).
/// @dev The vault delegates its votes to itself at deployment: its locked balance is then checkpointed as votes that
///      no one can cast, which {EAIGovernor} subtracts from the quorum base once governance points it here
///      (docs/BRIDGE.md, "Governor quorum").
contract BridgeVault is BridgeBase {
    using SafeERC20 for IERC20;
    using BridgeMessageLib for BridgeMessageLib.Message;

    /// @notice Emitted when the accountant's balance of a chain changes.
    /// @param chain The remote chain.
    /// @param outstanding EAI locked toward it and not yet claimed back (wei).
    event OutstandingUpdated(uint64 indexed chain, uint256 outstanding);

    /// @notice Emitted when a spoke-to-spoke message is recorded in the accountant.
    /// @param msgId The message id.
    /// @param srcChain The source spoke.
    /// @param dstChain The destination spoke.
    /// @param amount Amount in wei.
    event TransitRecorded(bytes32 indexed msgId, uint64 indexed srcChain, uint64 indexed dstChain, uint256 amount);

    /// @notice Thrown when a claim from `chain` exceeds what was locked toward it.
    /// @param chain The remote chain.
    /// @param outstanding What it can claim.
    /// @param amount The claim.
    error BridgeVaultAccountantExceeded(uint64 chain, uint256 outstanding, uint256 amount);

    /// @notice Thrown when a transit is not between two enabled remote chains.
    /// @param srcChain The source.
    /// @param dstChain The destination.
    error BridgeVaultNotATransit(uint64 srcChain, uint64 dstChain);

    /// @notice Thrown when a transit was already recorded.
    /// @param msgId The message id.
    error BridgeVaultTransitRecorded(bytes32 msgId);

    /// @notice The hub token (EAI).
    IERC20 public immutable token;

    mapping(uint64 chain => uint256 amount) private _outstanding;
    mapping(bytes32 msgId => bool done) private _transits;

    /// @param token_ The EAI token.
    /// @param timelock_ The governance timelock.
    /// @param guardian An initial guardian (address(0) for none).
    /// @param validators The initial validators (ascending).
    /// @param threshold The initial threshold.
    /// @param queueDelay_ The queue delay.
    constructor(
        IERC20 token_,
        address timelock_,
        address guardian,
        address[] memory validators,
        uint8 threshold,
        uint64 queueDelay_
    ) BridgeBase(timelock_, guardian, validators, threshold, queueDelay_) {
        if (address(token_) == address(0)) revert BridgeZeroAddress("token");
        token = token_;
        IVotes(address(token_)).delegate(address(this));
    }

    /// @notice Records a validator-signed spoke-to-spoke message in the accountant (moves the outstanding balance from
    ///         its source to its destination), so that the tokens can later come back to the hub from where they
    ///         are. Anyone may submit; signatures are over the message's digest in this vault's domain.
    /// @param message A message between two enabled remote chains.
    /// @param signatures Signatures of the current set over {digest}(message), ascending.
    function recordTransit(
        BridgeMessageLib.Message calldata message,
        bytes[] calldata signatures
    ) external whenNotPaused {
        if (message.version != BridgeMessageLib.VERSION) revert BridgeWrongVersion(message.version);
        uint64 src = message.srcChain;
        uint64 dst = message.dstChain;
        if (src == dst || !_isChainEnabled(src) || !_isChainEnabled(dst)) revert BridgeVaultNotATransit(src, dst);
        if (message.nonce == 0) revert BridgeZeroNonce();
        if (message.amount8 == 0) revert BridgeZeroAmount();
        BridgeMessageLib.Message memory m = message;
        bytes32 msgId = m.id();
        if (_transits[msgId]) revert BridgeVaultTransitRecorded(msgId);
        _verify(_hashTypedDataV4(m.structHash()), signatures);
        _transits[msgId] = true;
        uint256 amount = BridgeMessageLib.toWei(message.amount8);
        _accountInbound(src, amount);
        _accountOutbound(dst, amount);
        emit TransitRecorded(msgId, src, dst, amount);
    }

    /// @notice EAI locked toward `chain` and not yet claimed back.
    /// @param chain The remote chain.
    /// @return The outstanding amount (wei).
    function outstanding(uint64 chain) external view returns (uint256) {
        return _outstanding[chain];
    }

    /// @notice Whether a transit was recorded.
    /// @param msgId The message id.
    /// @return True when recorded.
    function transitRecorded(bytes32 msgId) external view returns (bool) {
        return _transits[msgId];
    }

    /// @dev Locks: pulls `amount` from `from` (allowance needed).
    function _take(address from, uint256 amount) internal override {
        token.safeTransferFrom(from, address(this), amount);
    }

    /// @dev Unlocks: sends `amount` to `to`.
    function _give(address to, uint256 amount) internal override {
        token.safeTransfer(to, amount);
    }

    /// @dev Adds a sent message to its destination's outstanding balance.
    function _accountOutbound(uint64 dstChain, uint256 amount) internal override {
        uint256 next = _outstanding[dstChain] + amount;
        _outstanding[dstChain] = next;
        emit OutstandingUpdated(dstChain, next);
    }

    /// @dev Takes an accepted claim off its source's outstanding balance; reverts when it is not covered.
    function _accountInbound(uint64 srcChain, uint256 amount) internal override {
        uint256 have = _outstanding[srcChain];
        if (amount > have) revert BridgeVaultAccountantExceeded(srcChain, have, amount);
        // amount ≤ have.
        unchecked {
            _outstanding[srcChain] = have - amount;
        }
        emit OutstandingUpdated(srcChain, have - amount);
    }

    /// @dev Gives a cancelled claim back to its source's outstanding balance.
    function _unaccountInbound(uint64 srcChain, uint256 amount) internal override {
        _accountOutbound(srcChain, amount);
    }
}
