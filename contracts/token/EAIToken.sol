// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Votes} from "@openzeppelin/contracts/governance/utils/Votes.sol";
import {IEAIToken} from "../interfaces/IEAIToken.sol";

/// @title EAIToken
/// @notice The Elastic AI token (EAI): ERC-20, ERC-2612 permit, ERC-5805 votes on a timestamp clock and a capped
///         supply. Minting is only possible through `MINTER_ROLE`, which only the admin (the governance timelock) grants.
/// @dev The timestamp clock lets the Governor express voting delay and period in seconds, which stays correct across
///      the L2s EAI is deployed on (block times differ and can change).
contract EAIToken is ERC20, ERC20Permit, ERC20Votes, ERC20Capped, AccessControl, IEAIToken {
    /// @inheritdoc IEAIToken
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @notice Deploys the token and mints the initial supply.
    /// @param admin Receives `DEFAULT_ADMIN_ROLE` (deployment hands it to the timelock and renounces).
    /// @param initialHolder Receives `initialSupply`.
    /// @param initialSupply Tokens minted at deployment (must not exceed `cap_`).
    /// @param cap_ Maximum total supply (non-zero, at most `type(uint208).max`).
    constructor(
        address admin,
        address initialHolder,
        uint256 initialSupply,
        uint256 cap_
    ) ERC20("Elastic AI", "EAI") ERC20Permit("Elastic AI") ERC20Capped(cap_) {
        if (admin == address(0)) revert EAITokenZeroAddress("admin");
        if (initialHolder == address(0)) revert EAITokenZeroAddress("initialHolder");
        if (cap_ > type(uint208).max) revert EAITokenCapTooLarge(cap_, type(uint208).max);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (initialSupply > 0) _mint(initialHolder, initialSupply);
    }

    /// @inheritdoc IEAIToken
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
        emit TokensMinted(msg.sender, to, amount, totalSupply());
    }

    /// @inheritdoc IEAIToken
    function cap() public view override(ERC20Capped, IEAIToken) returns (uint256) {
        return super.cap();
    }

    /// @notice Current timepoint of the vote checkpoints: the block timestamp (ERC-6372).
    /// @return The block timestamp as `uint48`.
    function clock() public view override(IERC6372, Votes) returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice Description of the clock (ERC-6372).
    /// @return The string "mode=timestamp".
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override(IERC6372, Votes) returns (string memory) {
        return "mode=timestamp";
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, IERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @dev Balance changes go through the cap check (mints only) and the vote checkpoints.
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes, ERC20Capped) {
        super._update(from, to, value);
    }
}
