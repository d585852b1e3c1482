// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ReentrantERC20
/// @notice Test-only ERC-20 that, once armed, calls back into a target in the middle of its next balance change and
///         bubbles up the callback's revert. Used to prove that token-moving functions reject reentrancy.
contract ReentrantERC20 is ERC20 {
    address private _target;
    bytes private _callData;
    bool private _armed;

    constructor() ERC20("Reentrant", "REENT") {}

    /// @notice Mints `amount` to `to` (test helper, no access control).
    /// @param to Recipient.
    /// @param amount Amount.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms a single callback: the next transfer calls `target` with `callData` before moving balances.
    /// @param target Contract to call back into.
    /// @param callData Calldata of the callback.
    function arm(address target, bytes calldata callData) external {
        _target = target;
        _callData = callData;
        _armed = true;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (_armed) {
            _armed = false;
            (bool ok, bytes memory ret) = _target.call(_callData);
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(ret, 0x20), mload(ret))
                }
            }
        }
        super._update(from, to, value);
    }
}
