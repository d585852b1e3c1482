// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title EAITimelock
/// @notice The governance timelock of EAI. It holds every parameter role of the protocol (`DEFAULT_ADMIN_ROLE` of
///         Reputation, ModelRegistry, ProviderRegistry, StakingVault, TaskMarket, and the minter roles of the token),
///         so every parameter change is proposed and voted in {EAIGovernor} and then waits `minDelay` here before it
///         executes, giving participants time to react (e.g. to unstake) before it takes effect.
/// @dev A thin subclass of OpenZeppelin's TimelockController, so that deployment has an artifact of its own. In the
///      deployed configuration the EAIGovernor is the only proposer and canceller, executors are open
///      (`address(0)`: anyone may execute a ready operation), and the optional `admin` is renounced once roles are
///      wired, leaving the timelock to administer itself.
contract EAITimelock is TimelockController {
    /// @param minDelay Minimum delay in seconds between queueing and executing an operation.
    /// @param proposers Accounts granted the proposer and canceller roles (the governor).
    /// @param executors Accounts granted the executor role; `address(0)` lets anyone execute.
    /// @param admin Optional bootstrap admin (address(0) for none); must be renounced after set-up.
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {}
}
