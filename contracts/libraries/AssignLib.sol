// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {IReputation} from "../interfaces/IReputation.sol";
import {IStakingVault} from "../interfaces/IStakingVault.sol";
import {DrawLib} from "./DrawLib.sol";

/// @title AssignLib
/// @notice Who may be assigned OPTIMISTIC work (provider, auditor, juror) and when its draw turn comes: the same
///         eligibility (registered and active, neither suspended nor banned, tier) and the same stake-weighted
///         exponential race ({DrawLib}) as REDUNDANT slots, with a provider's weight capped by its stake at a block
///         fixed before the seed was known.
library AssignLib {
    /// @notice The provider `account` acts for, its tier, and whether it may be assigned work now.
    /// @param providers The provider registry (resolves operators to their owner).
    /// @param reputation The reputation contract (tier, suspension, ban).
    /// @param account The caller.
    /// @return provider The owner (0 when `account` is neither a provider nor an operator).
    /// @return tier Its tier (1-3).
    /// @return ok Registered, active, not suspended, not banned.
    function standing(
        IProviderRegistry providers,
        IReputation reputation,
        address account
    ) internal view returns (address provider, uint8 tier, bool ok) {
        provider = providers.resolveProvider(account);
        if (provider == address(0)) return (address(0), 0, false);
        (bool active, ) = providers.eligibilityOf(provider);
        bool eligible;
        (tier, eligible) = reputation.standingOf(provider);
        ok = active && eligible;
    }

    /// @notice A provider's draw weight: its stake now, but no more than it had at `snapshotBlock` (a block mined
    ///         before the draw's seed was known), so stake moved onto an identity after the seed came out buys
    ///         nothing.
    /// @param vault The staking vault.
    /// @param provider The provider.
    /// @param snapshotBlock The block.
    /// @return The weight.
    function weight(IStakingVault vault, address provider, uint256 snapshotBlock) internal view returns (uint256) {
        uint256 now_ = vault.stakeOf(provider);
        uint256 then = vault.stakeAt(provider, snapshotBlock);
        return now_ < then ? now_ : then;
    }

    /// @notice When `provider` may take draw `draw` of a race that started at `start`.
    /// @param seed The race seed.
    /// @param draw The draw index.
    /// @param provider The provider.
    /// @param w Its weight (0: never).
    /// @param totalStake The vault's total stake.
    /// @param step Seconds per unit of key at full stake.
    /// @param start The race's start.
    /// @return The time (type(uint256).max when `w` is zero).
    function turn(
        uint256 seed,
        uint256 draw,
        address provider,
        uint256 w,
        uint256 totalStake,
        uint256 step,
        uint256 start
    ) internal pure returns (uint256) {
        if (w == 0) return type(uint256).max;
        uint256 k = DrawLib.key(DrawLib.ticket(seed, draw, provider));
        return start + DrawLib.turnDelay(k, w, totalStake, step);
    }
}
