// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title EAIGovernor
/// @notice Token-holder governance of EAI: EAI holders (or their delegates) propose and vote on parameter changes,
///         which are queued in and executed by the {EAITimelock} that holds every parameter role.
/// @dev OpenZeppelin Governor with settings (voting delay, voting period, proposal threshold; each changeable by
///      governance), simple counting (for / against / abstain; quorum counts for + abstain), votes from the EAI
///      token, a quorum as a fraction of the total supply at the snapshot, and timelock control.
///      The clock follows the token: EAIToken uses a timestamp clock (ERC-6372 `mode=timestamp`), so the voting delay
///      and voting period are in seconds.
contract EAIGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl
{
    using Checkpoints for Checkpoints.Trace208;

    /// @notice Emitted when governance sets the account whose votes are left out of the quorum base.
    /// @param account The account (the hub BridgeVault), or address(0) for none.
    event QuorumExcludedAccountSet(address indexed account);

    /// @dev History of the excluded account (address as uint208) by clock, so each proposal keeps the quorum of its
    ///      snapshot.
    Checkpoints.Trace208 private _quorumExcluded;

    /// @param token The votes token (EAIToken; its ERC-6372 clock becomes the governor's clock).
    /// @param timelock The timelock that executes proposals and holds the protocol's parameter roles.
    /// @param initialVotingDelay Seconds between a proposal and the start of voting (the vote snapshot).
    /// @param initialVotingPeriod Seconds the vote stays open.
    /// @param initialProposalThreshold Votes a proposer needs at the block before proposing.
    /// @param quorumNumeratorValue Quorum as a percentage of the total supply at the snapshot (denominator 100).
    constructor(
        IVotes token,
        TimelockController timelock,
        uint48 initialVotingDelay,
        uint32 initialVotingPeriod,
        uint256 initialProposalThreshold,
        uint256 quorumNumeratorValue
    )
        Governor("EAI Governor")
        GovernorSettings(initialVotingDelay, initialVotingPeriod, initialProposalThreshold)
        GovernorVotes(token)
        GovernorVotesQuorumFraction(quorumNumeratorValue)
        GovernorTimelockControl(timelock)
    {}

    /// @notice Quorum at `timepoint`: the quorum fraction of the supply minus the votes of the excluded account (the
    ///         bridge vault, which self-delegates its locked EAI: votes no one can cast). Without an excluded account
    ///         it is the plain OpenZeppelin quorum over the total supply.
    /// @param timepoint The snapshot.
    /// @return The quorum in votes.
    function quorum(uint256 timepoint) public view override(Governor, GovernorVotesQuorumFraction) returns (uint256) {
        uint256 supply = token().getPastTotalSupply(timepoint);
        address excluded = quorumExcludedAccount(timepoint);
        if (excluded != address(0)) supply -= token().getPastVotes(excluded, timepoint);
        return Math.mulDiv(supply, quorumNumerator(timepoint), quorumDenominator());
    }

    /// @notice The account whose votes are left out of the quorum base at `timepoint` (address(0): none).
    /// @param timepoint The snapshot.
    /// @return The account.
    function quorumExcludedAccount(uint256 timepoint) public view returns (address) {
        return address(uint160(_quorumExcluded.upperLookupRecent(uint48(timepoint))));
    }

    /// @notice Sets the account whose votes are left out of the quorum base from now on (a governance proposal).
    /// @param account The hub BridgeVault (it self-delegates), or address(0) for none.
    function setQuorumExcludedAccount(address account) external onlyGovernance {
        _quorumExcluded.push(clock(), uint208(uint160(account)));
        emit QuorumExcludedAccountSet(account);
    }

    /// @inheritdoc Governor
    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    /// @inheritdoc Governor
    function state(uint256 proposalId) public view override(Governor, GovernorTimelockControl) returns (ProposalState) {
        return super.state(proposalId);
    }

    /// @inheritdoc Governor
    function proposalNeedsQueuing(
        uint256 proposalId
    ) public view override(Governor, GovernorTimelockControl) returns (bool) {
        return super.proposalNeedsQueuing(proposalId);
    }

    /// @dev Queues the proposal's operations in the timelock.
    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    /// @dev Executes the proposal's operations through the timelock.
    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    /// @dev Cancels the proposal and its timelock operation, if queued.
    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    /// @dev The timelock is the governance executor (the address `onlyGovernance` functions accept).
    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}
