// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";

/// @title RewardsMath
/// @notice The pure arithmetic of mining emissions: the contribution curve
///         `m(C) = 1 + (MAX_BONUS − 1)·e^(−C / DECAY)` on cumulative verified compute C, an epoch's payable bound and an
///         owner's cap. Every rounding goes against the payee: the curve's exponent is rounded toward −∞ and every
///         product is floored, so no result is above its exact value.
library RewardsMath {
    /// @notice 1.0 in WAD fixed point.
    uint256 internal constant WAD = 1e18;
    /// @notice The curve's starting multiplier (10×).
    uint256 internal constant MAX_BONUS_WAD = 10e18;
    /// @notice The curve's decay, 1,000,000 CPU-hours, in CPU-seconds.
    uint256 internal constant DECAY_SECONDS = 1_000_000 * 3600;
    /// @notice Basis-point denominator.
    uint256 internal constant BPS = 10_000;
    /// @dev Below −41.45e18 solady's `expWad` returns 0; from 42 decays on the bonus is 0 (and the exponent cannot
    ///      overflow).
    uint256 private constant _FLAT_FROM = 42 * DECAY_SECONDS;

    /// @notice The contribution multiplier at `computeSeconds` of cumulative verified compute, in WAD.
    /// @param computeSeconds Cumulative verified compute (CPU-seconds).
    /// @return The multiplier: 10e18 at 0, falling toward 1e18.
    function multiplierWad(uint256 computeSeconds) internal pure returns (uint256) {
        if (computeSeconds >= _FLAT_FROM) return WAD;
        // x = −ceil(C·1e18 / DECAY) ≤ −C/DECAY exactly, so e^x never exceeds the exact value. C < 42·DECAY, so
        // C·1e18 < 1.6e29 fits and x ≥ −42e18 fits int256.
        uint256 x = FixedPointMathLib.divUp(computeSeconds * WAD, DECAY_SECONDS);
        uint256 e = uint256(FixedPointMathLib.expWad(-int256(x)));
        return WAD + ((MAX_BONUS_WAD - WAD) * e) / WAD;
    }

    /// @notice An epoch's scheduled emission: `emission × multiplier` plus what earlier epochs left unallocated.
    /// @param emissionPerEpoch Base emission at multiplier 1.
    /// @param multiplier The contribution multiplier (WAD).
    /// @param carry_ Carry from earlier epochs.
    /// @return The scheduled emission.
    function schedule(uint256 emissionPerEpoch, uint256 multiplier, uint256 carry_) internal pure returns (uint256) {
        return (emissionPerEpoch * multiplier) / WAD + carry_;
    }

    /// @notice What an epoch may pay: its schedule, never more than its treasury fees times `feeFactorBps`.
    /// @param schedule_ The epoch's scheduled emission.
    /// @param fees Treasury fees collected in the epoch.
    /// @param feeFactorBps The fee factor (below 10 000).
    /// @return The bound on the epoch's allocations.
    function payableBound(uint256 schedule_, uint256 fees, uint256 feeFactorBps) internal pure returns (uint256) {
        uint256 feeBound = (fees * feeFactorBps) / BPS;
        return schedule_ < feeBound ? schedule_ : feeBound;
    }

    /// @notice An owner's cap per epoch: `ownerCapBps` of its stake. Linear in stake, so splitting a stake over
    ///         several identities never raises the sum of their caps.
    /// @param stake The owner's stake at the epoch's close block.
    /// @param ownerCapBps The cap in basis points of stake.
    /// @return The cap.
    function ownerCap(uint256 stake, uint256 ownerCapBps) internal pure returns (uint256) {
        return (stake * ownerCapBps) / BPS;
    }
}
