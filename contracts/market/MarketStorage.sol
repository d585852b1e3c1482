// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IReputation} from "../interfaces/IReputation.sol";
import {IStakingVault} from "../interfaces/IStakingVault.sol";
import {ITaskMarketEvents} from "../interfaces/ITaskMarketEvents.sol";
import {ITaskMarketTypes} from "../interfaces/ITaskMarketTypes.sol";

/// @title MarketStorage
/// @notice The TaskMarket's storage layout and the settlement steps shared by the market (ZK) and RedundantLib
///         (REDUNDANT, delegatecalled, so it runs on this same storage and emits from the market's address).
/// @dev Internal functions only: they are compiled into each caller. Every function here changes state first and
///      makes no external call except those named in its NatSpec, which come last.
library MarketStorage {
    /// @notice Basis-point denominator.
    uint256 internal constant BPS = 10_000;

    /// @dev Allowlist entry of a payment token; `eaiPerToken` is EAI wei per 1e18 token units.
    struct TokenConfig {
        bool allowed;
        uint248 eaiPerToken;
    }

    /// @dev Everything the market stores. Per task: one `TaskState` slot; ZK: the claimant while claimed;
    ///      REDUNDANT: one `Round` slot, the claimant list (at most `redundancy` entries) and one `RedundantClaim`
    ///      (three slots) per claimant.
    struct Layout {
        uint256 taskCount;
        ITaskMarketTypes.MarketParams params;
        ITaskMarketTypes.SettlementParams settlement;
        uint128 bondFloor;
        uint128 minProviderStake;
        address treasury;
        mapping(address token => TokenConfig) tokens;
        mapping(uint256 taskId => ITaskMarketTypes.TaskState) tasks;
        mapping(uint256 taskId => address) zkClaimant;
        mapping(uint256 taskId => ITaskMarketTypes.Round) rounds;
        mapping(uint256 taskId => address[]) claimants;
        mapping(uint256 taskId => mapping(address provider => ITaskMarketTypes.RedundantClaim)) claims;
        mapping(address account => mapping(address token => uint256)) credits;
    }

    /// @notice Credits a completed task's reward: the winners share `providerBps` in proportion to their votes, the
    ///         creator gets `creatorBps`, the treasury the rest (its share plus rounding dust), so the three always
    ///         sum to the reward. Marks the task Completed.
    /// @param s Storage.
    /// @param taskId The task.
    /// @param spec Its spec.
    /// @param winners Winning providers.
    /// @param weights Votes of each winner.
    /// @param totalWeight Sum of `weights` (non-zero).
    /// @param result The settled result (ZK: the output word; REDUNDANT: the majority result hash).
    function creditPayouts(
        Layout storage s,
        uint256 taskId,
        ITaskMarketTypes.TaskSpec calldata spec,
        address[] memory winners,
        uint256[] memory weights,
        uint256 totalWeight,
        bytes32 result
    ) internal {
        s.tasks[taskId].status = ITaskMarketTypes.TaskStatus.Completed;
        uint256 perVote = (uint256(spec.reward) * s.params.providerBps) / BPS / totalWeight;
        for (uint256 i; i < winners.length; ++i) {
            s.credits[winners[i]][spec.paymentToken] += perVote * weights[i];
            emit ITaskMarketEvents.ProviderPaid(taskId, winners[i], spec.paymentToken, perVote * weights[i]);
        }
        uint256 creatorFee = (uint256(spec.reward) * s.params.creatorBps) / BPS;
        // providerBps + creatorBps <= 10_000, so perVote * totalWeight + creatorFee <= reward.
        uint256 treasuryFee = spec.reward - perVote * totalWeight - creatorFee;
        s.credits[spec.modelCreator][spec.paymentToken] += creatorFee;
        s.credits[s.treasury][spec.paymentToken] += treasuryFee;
        emit ITaskMarketEvents.TaskCompleted(
            taskId,
            result,
            spec.paymentToken,
            perVote * totalWeight,
            treasuryFee,
            creatorFee,
            uint8(winners.length)
        );
    }

    /// @notice Marks the task Refunded and credits the whole reward back to the requester.
    /// @param s Storage.
    /// @param taskId The task.
    /// @param spec Its spec.
    /// @param noMajority True when a REDUNDANT tally found no strict majority.
    function refund(
        Layout storage s,
        uint256 taskId,
        ITaskMarketTypes.TaskSpec calldata spec,
        bool noMajority
    ) internal {
        s.tasks[taskId].status = ITaskMarketTypes.TaskStatus.Refunded;
        s.credits[spec.requester][spec.paymentToken] += spec.reward;
        emit ITaskMarketEvents.TaskRefunded(taskId, spec.requester, spec.reward, noMajority);
    }

    /// @notice Slashes `amount` of `provider`'s locked bond to the treasury and, when the task is rated, records the
    ///         failure. External calls: the vault, then the reputation contract.
    /// @param vault The staking vault.
    /// @param reputation The reputation contract.
    /// @param taskId The task.
    /// @param spec Its spec.
    /// @param provider The provider.
    /// @param amount Bond to slash.
    /// @param outcome Why.
    function penalize(
        IStakingVault vault,
        IReputation reputation,
        uint256 taskId,
        ITaskMarketTypes.TaskSpec calldata spec,
        address provider,
        uint256 amount,
        IReputation.Outcome outcome
    ) internal {
        emit ITaskMarketEvents.ProviderPenalized(taskId, provider, amount, outcome);
        vault.slashBond(provider, amount);
        if (spec.rated) reputation.record(provider, outcome);
    }
}
