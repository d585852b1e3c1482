// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title MockVotesToken
/// @notice TEST DOUBLE ONLY, never deploy to a live network: an ERC-20 with permit and votes on a timestamp clock
///         (ERC-6372 `mode=timestamp`, like EAIToken) whose `mint` anyone can call. Used by the governance tests.
contract MockVotesToken is ERC20, ERC20Permit, ERC20Votes {
    constructor() ERC20("Mock EAI Votes", "mEAI") ERC20Permit("Mock EAI Votes") {}

    /// @notice Mints `amount` to `to`; unrestricted (test double).
    /// @param to Recipient.
    /// @param amount Amount in wei.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice The token's clock: the block timestamp (ERC-6372).
    /// @return The current timestamp as a uint48.
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice Describes the clock (ERC-6372).
    /// @return "mode=timestamp".
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @dev Moves votes along with balances.
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
