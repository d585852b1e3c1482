// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {TallyLib} from "../../../contracts/libraries/TallyLib.sol";

/// @notice TallyLib fuzzed directly over its whole range, against a reference tally written here.
contract TallyLibTest is Test {
    bytes32 internal constant FAULT = keccak256("eai.task-fault.v1");

    function _tally(
        bytes32[] memory results,
        uint256[] memory votes,
        uint256 total
    ) internal pure returns (TallyLib.Verdict, bytes32, uint256) {
        return TallyLib.tally(results, votes, total, FAULT);
    }

    function _one(bytes32[] memory a, uint256 i, bytes32 v) internal pure {
        a[i] = v;
    }

    function test_tally_UnanimousThree() public pure {
        bytes32[] memory r = new bytes32[](3);
        uint256[] memory v = new uint256[](3);
        for (uint256 i; i < 3; ++i) (r[i], v[i]) = (keccak256("a"), 1);
        (TallyLib.Verdict verdict, bytes32 w, uint256 wv) = _tally(r, v, 3);
        assertEq(uint8(verdict), uint8(TallyLib.Verdict.Majority));
        assertEq(w, keccak256("a"));
        assertEq(wv, 3);
    }

    /// @notice Redundancy 5, split 2 / 2 / 1: a plurality of two is not a majority.
    function test_tally_PluralityOfTwoAtFiveDoesNotWin() public pure {
        bytes32[] memory r = new bytes32[](5);
        uint256[] memory v = new uint256[](5);
        bytes32[5] memory vals = [keccak256("a"), keccak256("a"), keccak256("b"), keccak256("b"), keccak256("c")];
        for (uint256 i; i < 5; ++i) (r[i], v[i]) = (vals[i], 1);
        (TallyLib.Verdict verdict, , uint256 wv) = _tally(r, v, 5);
        assertEq(uint8(verdict), uint8(TallyLib.Verdict.NoMajority));
        assertEq(wv, 2);
        // 3 of 5 wins
        r[4] = keccak256("a");
        (verdict, , wv) = _tally(r, v, 5);
        assertEq(uint8(verdict), uint8(TallyLib.Verdict.Majority));
        assertEq(wv, 3);
    }

    /// @notice Redundancy 7 held by three providers with 3 / 2 / 2 votes: 3 of 7 is no majority, 4 of 7 is.
    function test_tally_WeightedVotesAtSeven() public pure {
        bytes32[] memory r = new bytes32[](3);
        uint256[] memory v = new uint256[](3);
        (r[0], v[0]) = (keccak256("a"), 3);
        (r[1], v[1]) = (keccak256("b"), 2);
        (r[2], v[2]) = (keccak256("c"), 2);
        (TallyLib.Verdict verdict, bytes32 w, uint256 wv) = _tally(r, v, 7);
        assertEq(uint8(verdict), uint8(TallyLib.Verdict.NoMajority));
        assertEq(w, keccak256("a"));
        assertEq(wv, 3);
        r[1] = keccak256("a"); // 5 of 7
        (verdict, w, wv) = _tally(r, v, 7);
        assertEq(uint8(verdict), uint8(TallyLib.Verdict.Majority));
        assertEq(wv, 5);
        // a provider holding 4 of 7 votes decides alone (its stake drew them: that is chance, not a race)
        (r[0], v[0]) = (keccak256("z"), 4);
        (r[1], v[1]) = (keccak256("y"), 2);
        (r[2], v[2]) = (keccak256("x"), 1);
        (verdict, w, wv) = _tally(r, v, 7);
        assertEq(uint8(verdict), uint8(TallyLib.Verdict.Majority));
        assertEq(w, keccak256("z"));
    }

    /// @notice Silence never helps: unrevealed votes count in the denominator.
    function test_tally_NonRevealersCountAgainstTheMajority() public pure {
        bytes32[] memory r = new bytes32[](3);
        uint256[] memory v = new uint256[](3);
        (r[0], v[0]) = (keccak256("a"), 1);
        (r[1], v[1]) = (bytes32(0), 1);
        (r[2], v[2]) = (bytes32(0), 1);
        (TallyLib.Verdict verdict, , ) = _tally(r, v, 3);
        assertEq(uint8(verdict), uint8(TallyLib.Verdict.NoMajority));
        (TallyLib.Verdict none, bytes32 w, uint256 wv) = _tally(new bytes32[](3), v, 3);
        assertEq(uint8(none), uint8(TallyLib.Verdict.NoMajority));
        assertEq(w, bytes32(0));
        assertEq(wv, 0);
    }

    function test_tally_FaultMajorityIsTaskFault() public pure {
        bytes32[] memory r = new bytes32[](3);
        uint256[] memory v = new uint256[](3);
        (r[0], v[0]) = (FAULT, 1);
        (r[1], v[1]) = (FAULT, 1);
        (r[2], v[2]) = (keccak256("a"), 1);
        (TallyLib.Verdict verdict, bytes32 w, uint256 wv) = _tally(r, v, 3);
        assertEq(uint8(verdict), uint8(TallyLib.Verdict.TaskFault));
        assertEq(w, FAULT);
        assertEq(wv, 2);
        r[1] = keccak256("a");
        (verdict, w, ) = _tally(r, v, 3);
        assertEq(uint8(verdict), uint8(TallyLib.Verdict.Majority));
        assertEq(w, keccak256("a"));
    }

    /// @notice Any slots (1..15), any votes (1..15 each), results drawn from a small alphabet (so ties and
    ///         majorities happen): the verdict, winner votes and (when unique) the winner match a reference count.
    function testFuzz_tally_MatchesReference(uint256 seed, uint8 slots) public pure {
        uint256 n = bound(slots, 1, 15);
        bytes32[] memory r = new bytes32[](n);
        uint256[] memory v = new uint256[](n);
        uint256 total;
        for (uint256 i; i < n; ++i) {
            uint256 x = uint256(keccak256(abi.encode(seed, i)));
            uint256 pick = x % 5; // 0: silent, 1: fault, 2..4: three results
            r[i] =
                pick == 0
                    ? bytes32(0)
                    : pick == 1
                        ? FAULT
                        : keccak256(abi.encode(pick));
            v[i] = 1 + ((x >> 8) % 3);
            total += v[i];
        }
        // reference: sum of votes per distinct non-zero result
        uint256 best;
        uint256 bestCount; // how many distinct results reach `best`
        bytes32 bestResult;
        for (uint256 a; a < 5; ++a) {
            bytes32 candidate = a == 0 ? FAULT : keccak256(abi.encode(a + 1));
            if (a == 4) break;
            uint256 sum;
            for (uint256 i; i < n; ++i) if (r[i] == candidate) sum += v[i];
            if (sum > best) {
                best = sum;
                bestCount = 1;
                bestResult = candidate;
            } else if (sum == best && sum != 0) {
                ++bestCount;
            }
        }
        (TallyLib.Verdict verdict, bytes32 w, uint256 wv) = _tally(r, v, total);
        assertEq(wv, best, "winner votes");
        if (bestCount == 1) assertEq(w, bestResult, "unique winner");
        bool majority = best * 2 > total;
        if (!majority) assertEq(uint8(verdict), uint8(TallyLib.Verdict.NoMajority));
        else if (bestResult == FAULT) assertEq(uint8(verdict), uint8(TallyLib.Verdict.TaskFault));
        else assertEq(uint8(verdict), uint8(TallyLib.Verdict.Majority));
    }
}
