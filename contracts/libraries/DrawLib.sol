// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title DrawLib
/// @notice Stake-weighted draws by exponential race: who may take a REDUNDANT draw, and from when.
/// @dev For each draw `j` of a task and each provider `p`, a 64-bit ticket `t = uint64(keccak256(seed, j, p))` is
///      uniform, so `key = -log2((t + 1) / 2^64)` is exponentially distributed with the same rate for everyone. A
///      provider with stake `w` out of a total `W` may take draw `j` from
///
///          turn = createdAt + key * (W / w) * drawStep
///
///      i.e. its key is scaled by the inverse of its stake share. The minimum of independent exponentials with rates
///      `w_i` is exponential with rate `Σ w_i`, so the first turn on a draw belongs to provider `p` with probability
///      exactly `w_p / Σ w` among the providers that are online and eligible: splitting a stake over many identities
///      neither raises nor lowers a party's chance of each draw, and a party with a share `f` of the eligible stake
///      wins each of the `n` draws independently with probability `f` (a binomial, docs/PROTOCOL.md, "Draws").
///      Keys are computed in Q64.64 fixed point with 32 exact fractional bits of log2 (truncated), so every result
///      is reproducible off-chain bit for bit (`sdk/src/tasks/draw.ts`).
library DrawLib {
    /// @notice Fractional bits of the binary logarithm that are computed (the rest are zero).
    uint256 internal constant LOG2_FRACTION_BITS = 32;

    /// @notice The 64-bit ticket of `provider` for draw `draw` under `seed`.
    /// @param seed The task's draw seed.
    /// @param draw Draw index.
    /// @param provider Provider (the owner, never an operator).
    /// @return The ticket.
    function ticket(uint256 seed, uint256 draw, address provider) internal pure returns (uint64) {
        return uint64(uint256(keccak256(abi.encode(seed, draw, provider))));
    }

    /// @notice `-log2((t + 1) / 2^64)` in Q64.64: in [0, 64], exponentially distributed for a uniform `t`.
    /// @param t A ticket.
    /// @return The key.
    function key(uint64 t) internal pure returns (uint256) {
        // log2 of a value in [1, 2^64] is at most 64, so the subtraction cannot underflow.
        return (uint256(64) << 64) - log2Q64(uint256(t) + 1);
    }

    /// @notice `log2(x)` in Q64.64 for `1 <= x <= 2^64`, with `LOG2_FRACTION_BITS` fractional bits (truncated).
    /// @dev Integer part from the most significant bit; fractional bits by repeated squaring of `x / 2^n` held in
    ///      Q1.127 (each square of a value below 2^128 fits 256 bits).
    /// @param x The argument.
    /// @return r The logarithm.
    function log2Q64(uint256 x) internal pure returns (uint256 r) {
        uint256 n = Math.log2(x);
        r = n << 64;
        uint256 y = x << (127 - n);
        for (uint256 i = 1; i <= LOG2_FRACTION_BITS; ++i) {
            y = (y * y) >> 127;
            if (y >= 1 << 128) {
                y >>= 1;
                r |= 1 << (64 - i);
            }
        }
    }

    /// @notice Seconds after submission from which a provider's turn on a draw comes.
    /// @param k The provider's key for the draw (from {key}).
    /// @param stake The provider's active stake (non-zero).
    /// @param totalStake Total active stake in the vault (at least `stake`).
    /// @param step Seconds per unit of key at full stake (`SettlementParams.drawStep`).
    /// @return The delay, rounded down.
    function turnDelay(uint256 k, uint256 stake, uint256 totalStake, uint256 step) internal pure returns (uint256) {
        return Math.mulDiv(k * step, totalStake, stake << 64);
    }

    /// @notice Number of set bits of a draw mask (a provider's votes).
    /// @param mask The mask.
    /// @return count The number of set bits.
    function popcount(uint16 mask) internal pure returns (uint8 count) {
        uint256 m = mask;
        while (m != 0) {
            m &= m - 1;
            // unchecked: at most 16 increments.
            unchecked {
                ++count;
            }
        }
    }
}
