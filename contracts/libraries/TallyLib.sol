// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title TallyLib
/// @notice The vote count of a REDUNDANT task: a weighted plurality over the revealed results, and whether it is a
///         strict majority of all the task's votes.
library TallyLib {
    /// @notice What a tally decided.
    /// @dev NoMajority: no result holds more than half of the task's votes (the requester is refunded).
    ///      Majority: one result does (its holders are paid). TaskFault: the reserved task-fault result does (the
    ///      requester is refunded minus the fault fee).
    enum Verdict {
        NoMajority,
        Majority,
        TaskFault
    }

    /// @notice Tallies revealed results weighted by votes.
    /// @dev `results[i] == 0` means slot `i` did not reveal; its votes still count in the denominator, so silence can
    ///      never help a minority win. Ties keep the result seen first; a tie is never a strict majority. Quadratic in
    ///      the number of slots, which the market bounds by `MAX_REDUNDANCY_LIMIT`.
    /// @param results Revealed result hash per slot (0: not revealed).
    /// @param votes Votes per slot (same length as `results`).
    /// @param totalVotes All the task's votes (its redundancy).
    /// @param faultResult The reserved result that reports a task fault.
    /// @return verdict The decision.
    /// @return winner The most voted result (0 when nothing was revealed).
    /// @return winnerVotes Its votes.
    function tally(
        bytes32[] memory results,
        uint256[] memory votes,
        uint256 totalVotes,
        bytes32 faultResult
    ) internal pure returns (Verdict verdict, bytes32 winner, uint256 winnerVotes) {
        uint256 n = results.length;
        for (uint256 i; i < n; ++i) {
            bytes32 r = results[i];
            if (r == 0 || r == winner) continue;
            uint256 sum;
            for (uint256 j; j < n; ++j) {
                if (results[j] == r) sum += votes[j];
            }
            if (sum > winnerVotes) {
                winner = r;
                winnerVotes = sum;
            }
        }
        if (winnerVotes * 2 > totalVotes) verdict = winner == faultResult ? Verdict.TaskFault : Verdict.Majority;
    }
}
