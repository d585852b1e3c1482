// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title EAISpokeToken
/// @notice EAI on an EVM L2 (a spoke): an 18-decimal ERC-20 with ERC-2612 permit whose only minter and burner is the
///         spoke bridge, fixed at deployment. It has no votes: governance stays on the hub (docs/BRIDGE.md).
contract EAISpokeToken is ERC20, ERC20Permit {
    /// @notice Thrown when a caller other than the bridge mints or burns.
    /// @param caller The caller.
    error EAISpokeTokenNotMinter(address caller);

    /// @notice Thrown when the minter is the zero address.
    error EAISpokeTokenZeroMinter();

    /// @notice The spoke bridge (only minter and burner).
    address public immutable minter;

    /// @param minter_ The spoke bridge (its address is predicted before it is deployed).
    constructor(address minter_) ERC20("Elastic AI", "EAI") ERC20Permit("Elastic AI") {
        if (minter_ == address(0)) revert EAISpokeTokenZeroMinter();
        minter = minter_;
    }

    /// @notice Mints `amount` to `to` (the bridge, for an inbound message).
    /// @param to The recipient.
    /// @param amount Amount in wei.
    function mint(address to, uint256 amount) external {
        if (msg.sender != minter) revert EAISpokeTokenNotMinter(msg.sender);
        _mint(to, amount);
    }

    /// @notice Burns `amount` from `from` (the bridge, for `from`'s own outbound transfer).
    /// @param from The holder.
    /// @param amount Amount in wei.
    function burn(address from, uint256 amount) external {
        if (msg.sender != minter) revert EAISpokeTokenNotMinter(msg.sender);
        _burn(from, amount);
    }
}
