// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {Reputation} from "../../../contracts/reputation/Reputation.sol";
import {IReputation} from "../../../contracts/interfaces/IReputation.sol";
import {ReputationHandler} from "./handlers/ReputationHandler.sol";

/// @notice Invariants of Reputation under random outcomes, time warps and parameter changes.
contract ReputationInvariantTest is Test {
    Reputation internal rep;
    ReputationHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        address admin = makeAddr("admin");
        address reporter = makeAddr("reporter");
        rep = new Reputation(admin);
        handler = new ReputationHandler(rep, reporter, admin);
        bytes32 reporterRole = rep.REPORTER_ROLE();
        vm.startPrank(admin);
        rep.grantRole(reporterRole, reporter);
        vm.stopPrank();
        targetContract(address(handler));
    }

    /// @notice INV-07: scores stay within [0, 10000] and a banned provider is never eligible.
    function invariant_INV07_ScoresBoundedAndBannedNeverEligible() public view {
        address[] memory providers = handler.providers();
        for (uint256 i = 0; i < providers.length; ++i) {
            address p = providers[i];
            IReputation.Record memory r = rep.getRecord(p);
            assertLe(r.trust, 10_000, "trust above 10000");
            assertLe(r.availability, 10_000, "availability above 10000");
            (uint8 tier, bool eligible) = rep.standingOf(p);
            assertTrue(tier >= 1 && tier <= 3, "tier out of range");
            if (r.banned) assertFalse(eligible, "banned provider eligible");
        }
    }

    /// @notice A ban is permanent: once seen banned, a provider stays banned.
    function invariant_BanIsPermanent() public view {
        address[] memory providers = handler.providers();
        for (uint256 i = 0; i < providers.length; ++i) {
            if (handler.ghostBanned(providers[i])) assertTrue(rep.isBanned(providers[i]), "ban lifted");
        }
    }

    /// @notice Counts match what was recorded (no counter can saturate within a run), and a provider is banned
    ///         exactly when it once reached the violation limit in force at a recorded failure.
    function invariant_CountsMatchGhost() public view {
        address[] memory providers = handler.providers();
        for (uint256 i = 0; i < providers.length; ++i) {
            address p = providers[i];
            IReputation.Record memory r = rep.getRecord(p);
            assertEq(uint256(r.completed) + r.failed, handler.ghostRecorded(p), "completed + failed");
            assertEq(r.failed, handler.ghostFailed(p), "failed");
            assertEq(r.violations, r.failed, "violations");
            if (r.banned) assertGt(r.violations, 0, "banned without violations");
        }
    }
}
