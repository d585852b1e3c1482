// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BridgeBase} from "./BridgeBase.sol";
import {EAISpokeToken} from "./EAISpokeToken.sol";

/// @title SpokeBridge
/// @notice The EVM L2 end of the EAI bridge: mints {EAISpokeToken} for validator-signed inbound messages and burns it
///         for outbound transfers, with the same signature, replay, rate-limit, queue, pause and rotation rules as the
///         hub vault ({BridgeBase}). Supply on a spoke is bounded by the inbound rate limit here and, globally, by
///         the hub's accountant (a forged mint here cannot be redeemed on the hub beyond what was locked toward this
///         chain) and the watchdog.
contract SpokeBridge is BridgeBase {
    /// @notice Thrown when the token's minter is not this bridge.
    /// @param minter The token's minter.
    error SpokeBridgeNotTokenMinter(address minter);

    /// @notice The spoke token.
    EAISpokeToken public immutable token;

    /// @param token_ The spoke token, deployed with this bridge's (predicted) address as minter.
    /// @param timelock_ The governance timelock (on the spoke: the hub governance's executor there).
    /// @param guardian An initial guardian (address(0) for none).
    /// @param validators The initial validators (ascending).
    /// @param threshold The initial threshold.
    /// @param queueDelay_ The queue delay.
    constructor(
        EAISpokeToken token_,
        address timelock_,
        address guardian,
        address[] memory validators,
        uint8 threshold,
        uint64 queueDelay_
    ) BridgeBase(timelock_, guardian, validators, threshold, queueDelay_) {
        if (address(token_) == address(0)) revert BridgeZeroAddress("token");
        if (token_.minter() != address(this)) revert SpokeBridgeNotTokenMinter(token_.minter());
        token = token_;
    }

    /// @dev Burns the sender's tokens (no allowance: only the bridge burns, and only the caller's own).
    function _take(address from, uint256 amount) internal override {
        token.burn(from, amount);
    }

    /// @dev Mints to the recipient.
    function _give(address to, uint256 amount) internal override {
        token.mint(to, amount);
    }
}
