// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";

/// @title IEAIToken
/// @notice The EAI governance and staking token: ERC-20 with ERC-2612 permit, ERC-5805 votes on a timestamp clock
///         (ERC-6372) and a capped supply that only holders of `MINTER_ROLE` (granted by governance) can mint into.
interface IEAIToken is IERC20, IERC20Metadata, IERC20Permit, IERC5805 {
    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Emitted when a minter mints new tokens (in addition to the ERC-20 `Transfer` from the zero address).
    /// @param minter Holder of `MINTER_ROLE` that minted (rewards distributor, bridge, ...).
    /// @param to Recipient of the new tokens.
    /// @param amount Amount minted.
    /// @param totalSupply Total supply after the mint.
    event TokensMinted(address indexed minter, address indexed to, uint256 amount, uint256 totalSupply);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Thrown when a constructor address argument is the zero address.
    /// @param parameter Name of the argument ("admin" or "initialHolder").
    error EAITokenZeroAddress(string parameter);

    /// @notice Thrown when the supply cap is above what the vote checkpoints can hold.
    /// @param cap The requested cap.
    /// @param maxCap The largest allowed cap (`type(uint208).max`).
    error EAITokenCapTooLarge(uint256 cap, uint256 maxCap);

    /*//////////////////////////////////////////////////////////////
                                FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Role allowed to mint (granted and revoked only by the admin, i.e. the governance timelock).
    /// @return The role identifier `keccak256("MINTER_ROLE")`.
    function MINTER_ROLE() external view returns (bytes32);

    /// @notice Maximum total supply; every mint reverts once it would be exceeded.
    /// @return The supply cap in token units.
    function cap() external view returns (uint256);

    /// @notice Mints `amount` new tokens to `to`; only callable by `MINTER_ROLE`, and never past the cap.
    /// @param to Recipient of the new tokens.
    /// @param amount Amount to mint.
    function mint(address to, uint256 amount) external;
}
