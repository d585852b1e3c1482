// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {Reputation} from "../../../../contracts/reputation/Reputation.sol";
import {IReputation} from "../../../../contracts/interfaces/IReputation.sol";

/// @notice Drives Reputation with random outcomes for a fixed set of providers, random time warps and occasional
///         governed parameter changes, and keeps ghost state for the invariants.
contract ReputationHandler is CommonBase, StdCheats, StdUtils {
    Reputation public immutable rep;
    address public immutable reporter;
    address public immutable admin;

    address[] internal _providers;

    /// @notice Ghost: every provider that was ever seen banned.
    mapping(address provider => bool banned) public ghostBanned;
    /// @notice Ghost: number of outcomes recorded per provider.
    mapping(address provider => uint256 count) public ghostRecorded;
    /// @notice Ghost: number of non-success outcomes recorded per provider.
    mapping(address provider => uint256 count) public ghostFailed;
    /// @notice Calls per action, for the run summary.
    uint256 public records;
    uint256 public warps;
    uint256 public paramChanges;

    constructor(Reputation rep_, address reporter_, address admin_) {
        rep = rep_;
        reporter = reporter_;
        admin = admin_;
        for (uint256 i = 0; i < 5; ++i) _providers.push(address(uint160(0xA11CE + i)));
    }

    function providers() external view returns (address[] memory) {
        return _providers;
    }

    /// @notice Records a random outcome for one of the providers.
    function record(uint256 providerSeed, uint8 outcomeSeed) external {
        address provider = _providers[providerSeed % _providers.length];
        IReputation.Outcome outcome = IReputation.Outcome(outcomeSeed % 4);
        vm.prank(reporter);
        rep.record(provider, outcome);
        ++records;
        ++ghostRecorded[provider];
        if (outcome != IReputation.Outcome.Success) ++ghostFailed[provider];
        if (rep.isBanned(provider)) ghostBanned[provider] = true;
    }

    /// @notice Moves time forward by up to a year.
    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 365 days));
        ++warps;
    }

    /// @notice Governance changes weights, half-life, initial score and the violation limit within bounds.
    function setParams(
        uint16 initialScore,
        uint16 successWeight,
        uint16 failureWeight,
        uint32 halfLife,
        uint16 maxV
    ) external {
        IReputation.Params memory p = rep.params();
        p.initialScore = uint16(bound(initialScore, 0, 10_000));
        p.successWeightBps = uint16(bound(successWeight, 1, 9_999));
        p.failureWeightBps = uint16(bound(failureWeight, p.successWeightBps + 1, 10_000));
        p.halfLife = uint32(bound(halfLife, 1 days, 730 days));
        p.maxViolations = uint16(bound(maxV, 1, 20));
        vm.prank(admin);
        rep.setParams(p);
        ++paramChanges;
    }
}
