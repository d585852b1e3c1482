// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {RewardsMath} from "../libraries/RewardsMath.sol";

/// @title RewardsMathProbe
/// @notice Test helper only: exposes the contribution curve so the TypeScript tests can compare it with the float64
///         closed form over its whole range. Not part of the protocol.
contract RewardsMathProbe {
    /// @notice The contribution multiplier at `computeSeconds` of cumulative verified compute.
    /// @param computeSeconds Cumulative verified compute (CPU-seconds).
    /// @return The multiplier in WAD.
    function multiplierWad(uint256 computeSeconds) external pure returns (uint256) {
        return RewardsMath.multiplierWad(computeSeconds);
    }

    /// @notice Gas one evaluation of the curve costs (call overhead excluded).
    /// @param computeSeconds Cumulative verified compute (CPU-seconds).
    /// @return gasUsed Gas of the evaluation.
    function measure(uint256 computeSeconds) external view returns (uint256 gasUsed) {
        uint256 start = gasleft();
        RewardsMath.multiplierWad(computeSeconds);
        gasUsed = start - gasleft();
    }
}
