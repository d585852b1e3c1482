// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {DrawLib} from "../../../contracts/libraries/DrawLib.sol";

/// @notice DrawLib: the fixed-point logarithm against exact values computed outside (Python `decimal`, 80 digits),
///         the key and turn formulas, and a small on-chain simulation of the draw's fairness (the large one runs on
///         the bit-identical TypeScript port, sdk/src/tasks/draw.test.ts).
contract DrawLibTest is Test {
    uint256 internal constant ULP = 1 << 32; // one unit of the 32nd fractional bit, in Q64.64

    /// @dev floor(log2(x) * 2^32) << 32, computed exactly with Python's decimal module (80 digits).
    function _exact(uint256 x) internal pure returns (uint256) {
        if (x == 3) return 29237397613004718080;
        if (x == 5) return 42832013323063525376;
        if (x == 7) return 51786557769109209088;
        if (x == 10) return 61278757396773076992;
        if (x == 1000) return 183836272190319230976;
        if (x == 2 ** 63 + 1) return 1162144876643701751808;
        if (x == 2 ** 64 - 1) return 1180591620713116336128;
        if (x == 12345678901234567) return 986068042445083377664;
        revert("no reference");
    }

    function test_log2Q64_ExactAtPowersOfTwo() public pure {
        for (uint256 k; k <= 64; ++k) assertEq(DrawLib.log2Q64(1 << k), k << 64);
    }

    function test_log2Q64_MatchesExactReference() public pure {
        uint256[8] memory xs = [uint256(3), 5, 7, 10, 1000, 2 ** 63 + 1, 2 ** 64 - 1, 12345678901234567];
        for (uint256 i; i < xs.length; ++i) {
            uint256 got = DrawLib.log2Q64(xs[i]);
            uint256 want = _exact(xs[i]);
            // truncating squarings can only lose, by at most one unit of the last computed bit
            assertLe(got, want, "never above the exact floor");
            assertGe(got + ULP, want, "at most one unit below");
            assertEq(got % ULP, 0, "bits below the 32nd are zero");
        }
    }

    /// @notice Monotonic, and log2(2x) = log2(x) + 1 exactly (the fraction depends only on the mantissa).
    function testFuzz_log2Q64_MonotonicAndDoubling(uint64 a, uint64 b) public pure {
        uint256 x = bound(a, 1, 2 ** 63);
        uint256 y = bound(b, 1, 2 ** 64);
        (uint256 lo, uint256 hi) = x < y ? (x, y) : (y, x);
        assertLe(DrawLib.log2Q64(lo), DrawLib.log2Q64(hi));
        assertEq(DrawLib.log2Q64(2 * x), DrawLib.log2Q64(x) + (1 << 64));
    }

    function test_key_Bounds() public pure {
        assertEq(DrawLib.key(type(uint64).max), 0, "u = 1: key 0");
        assertEq(DrawLib.key(0), 64 << 64, "u = 2^-64: key 64");
        assertEq(DrawLib.key(2 ** 63 - 1), 1 << 64, "u = 1/2: key 1");
    }

    /// @notice turn = key * W * step / (w * 2^64): halving the stake share doubles the turn.
    function testFuzz_turnDelay_ScalesWithStakeShare(uint64 t, uint96 w, uint8 stepSeconds) public pure {
        uint256 stake = bound(w, 1 ether, 1e9 ether);
        uint256 step = bound(stepSeconds, 1, 120);
        uint256 k = DrawLib.key(t);
        uint256 full = DrawLib.turnDelay(k, stake, stake, step);
        assertEq(full, (k * step) >> 64);
        uint256 half = DrawLib.turnDelay(k, stake, 2 * stake, step);
        assertEq(half, (k * step * 2) >> 64);
    }

    function test_popcount() public pure {
        assertEq(DrawLib.popcount(0), 0);
        assertEq(DrawLib.popcount(1), 1);
        assertEq(DrawLib.popcount(0x8001), 2);
        assertEq(DrawLib.popcount(0xffff), 16);
    }

    /// @notice A small simulation on the real library: a party with 30% of the stake, split over 12 identities,
    ///         against 3 honest providers; 400 tasks of 3 draws; the winner of each draw is the earliest turn. The
    ///         party's share of draws stays within 4 standard deviations of 30%, and its majorities within 4
    ///         deviations of the binomial 3f^2(1-f) + f^3 = 21.6%.
    function test_simulation_DrawsFollowStake() public pure {
        uint256 partyDraws;
        uint256 partyMajorities;
        for (uint256 trial; trial < 400; ++trial) {
            uint256 seed = uint256(keccak256(abi.encode("seed", trial)));
            uint256 votes;
            for (uint256 j; j < 3; ++j) {
                if (_winner(seed, j) >= 3) ++votes;
            }
            partyDraws += votes;
            if (votes >= 2) ++partyMajorities;
        }
        // draws: n = 1200 Bernoulli(0.3): sd = sqrt(1200 * 0.21) = 15.9
        assertApproxEqAbs(partyDraws, 360, 64, "party draws ~ 30%");
        // majorities: n = 400 Bernoulli(0.216): sd = sqrt(400 * 0.216 * 0.784) = 8.2
        assertApproxEqAbs(partyMajorities, 86, 33, "party majorities ~ binomial");
    }

    /// @dev Identities 0..2 are honest with 700/3 EAI each, 3..14 the party with 25 EAI each (total 1000 EAI); the
    ///      winner of draw `j` is the earliest turn (full precision: step 2^32, so ties are negligible).
    function _winner(uint256 seed, uint256 j) internal pure returns (uint256 winner) {
        uint256 total = 3 * (uint256(700 ether) / 3) + 12 * 25 ether;
        uint256 best = type(uint256).max;
        for (uint256 i; i < 15; ++i) {
            uint256 stake = i < 3 ? uint256(700 ether) / 3 : 25 ether;
            uint256 k = DrawLib.key(DrawLib.ticket(seed, j, address(uint160(0x1000 + i))));
            uint256 at = DrawLib.turnDelay(k, stake, total, 1 << 32);
            if (at < best) (best, winner) = (at, i);
        }
    }
}
