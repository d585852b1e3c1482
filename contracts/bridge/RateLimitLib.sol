// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title RateLimitLib
/// @notice A token bucket: it holds at most `capacity` wei and refills at `ratePerSecond` wei per second. A transfer
///         consumes its amount from the bucket; one that does not fit is queued by the bridge (not consumed).
library RateLimitLib {
    /// @notice The bucket's state.
    /// @param capacity Maximum level in wei (the largest burst).
    /// @param ratePerSecond Refill in wei per second.
    /// @param level Level at `updatedAt`.
    /// @param updatedAt Timestamp of the last change.
    struct Bucket {
        uint128 capacity;
        uint128 ratePerSecond;
        uint128 level;
        uint64 updatedAt;
    }

    /// @notice The level at `nowTs` of a bucket that held `level` at `updatedAt` (capped at `capacity`).
    /// @param level Level at `updatedAt`.
    /// @param capacity Maximum level.
    /// @param ratePerSecond Refill per second.
    /// @param updatedAt Timestamp of `level`.
    /// @param nowTs The current timestamp (not before `updatedAt`).
    /// @return The available amount.
    function availableAt(
        uint256 level,
        uint256 capacity,
        uint256 ratePerSecond,
        uint256 updatedAt,
        uint256 nowTs
    ) internal pure returns (uint256) {
        // level, capacity and rate are uint128 and the elapsed time a uint64: the sum fits in uint256.
        uint256 filled = level + (nowTs - updatedAt) * ratePerSecond;
        return filled < capacity ? filled : capacity;
    }

    /// @notice The amount available now.
    /// @param b The bucket.
    /// @return The available amount.
    function available(Bucket storage b) internal view returns (uint256) {
        return availableAt(b.level, b.capacity, b.ratePerSecond, b.updatedAt, block.timestamp);
    }

    /// @notice Consumes `amount` if it fits.
    /// @param b The bucket.
    /// @param amount The amount to consume.
    /// @return ok Whether it fit (nothing changes when it did not).
    function tryConsume(Bucket storage b, uint256 amount) internal returns (bool ok) {
        uint256 avail = available(b);
        if (avail < amount) return false;
        // avail ≤ capacity ≤ type(uint128).max and amount ≤ avail.
        b.level = uint128(avail - amount);
        b.updatedAt = uint64(block.timestamp);
        return true;
    }

    /// @notice Sets capacity and rate; the level is carried over (capped at the new capacity) or, when `fill`, set
    ///         to the capacity (a chain's first configuration).
    /// @param b The bucket.
    /// @param capacity New capacity.
    /// @param ratePerSecond New refill per second.
    /// @param fill Whether to start full.
    function configure(Bucket storage b, uint128 capacity, uint128 ratePerSecond, bool fill) internal {
        uint256 avail = fill ? capacity : available(b);
        b.level = uint128(avail < capacity ? avail : capacity);
        b.capacity = capacity;
        b.ratePerSecond = ratePerSecond;
        b.updatedAt = uint64(block.timestamp);
    }
}
