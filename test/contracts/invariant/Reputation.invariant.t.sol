// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {Reputation} from "../../../contracts/reputation/Reputation.sol";
import {IReputation} from "../../../contracts/interfaces/IReputation.sol";
import {ReputationHandler} from "./handlers/ReputationHandler.sol";

/// @notice Invariants of Reputation under random outcomes, time warps, parameter and tier-age changes and
///         unauthorised writes (ids as in docs/INVARIANTS.md).
/// @dev The handler asserts every call's outcome against its model, so the campaigns run with
///      `fail-on-revert = true`. Run this file together with its handler file
///      (`npx hardhat test solidity <this file> test/contracts/invariant/handlers/ReputationHandler.sol`): a single
///      test file as argument compiles the handler without an artifact, and the fuzzer then finds no contract to call.
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
        targetContract(address(handler)); // only the handler: the contracts it drives are never called directly
        targetSelector(FuzzSelector({addr: address(handler), selectors: handler.actionSelectors()}));
    }

    /// @notice INV-07: scores stay within [0, 10000] and a banned provider is never eligible.
    /// forge-config: default.invariant.fail-on-revert = true
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
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_BanIsPermanent() public view {
        address[] memory providers = handler.providers();
        for (uint256 i = 0; i < providers.length; ++i) {
            if (handler.ghostBanned(providers[i])) assertTrue(rep.isBanned(providers[i]), "ban lifted");
        }
    }

    /// @notice Counts match what was recorded (no counter can saturate within a run), and a provider is banned
    ///         only with violations.
    /// forge-config: default.invariant.fail-on-revert = true
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

    /// @notice The age of a provider starts at its first recorded outcome and never restarts, and its tier is the
    ///         highest whose score, count and age thresholds (the model's parameters and ages) it all meets: in
    ///         particular no provider is above tier 1 before `tier2MinAge`, or at tier 3 before `tier3MinAge`.
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_TierNeedsScoresCountsAndAge() public view {
        _checkTiers();
    }

    /// @notice The contract's parameters and tier ages are the model's (no failed governance call changed them).
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_GovernedValuesMatchModel() public view {
        assertEq(keccak256(abi.encode(rep.params())), keccak256(abi.encode(handler.modelParams())), "params");
        assertEq(keccak256(abi.encode(rep.tierAges())), keccak256(abi.encode(handler.modelAges())), "tier ages");
    }

    /// @notice A run in which calls were made but none succeeded would prove nothing (a failing call rolls its own
    ///         count back, so this never masks the handler's own assertion).
    function afterInvariant() public view {
        assertTrue(handler.calls() == 0 || handler.totalOk() > 0, "calls were made but none succeeded");
    }

    function _checkTiers() internal view {
        address[] memory providers = handler.providers();
        IReputation.Params memory p = handler.modelParams();
        IReputation.TierAges memory ages = handler.modelAges();
        for (uint256 i = 0; i < providers.length; ++i) {
            IReputation.Record memory r = rep.getRecord(providers[i]);
            uint256 first = handler.ghostFirstRecordedAt(providers[i]);
            assertEq(r.firstRecordedAt, first, "firstRecordedAt != model");
            uint256 age = first == 0 ? 0 : block.timestamp - first;
            uint8 expected = 1;
            if (
                r.trust >= p.tier3Trust &&
                r.availability >= p.tier3Availability &&
                r.completed >= p.tier3Completed &&
                age >= ages.tier3MinAge
            ) {
                expected = 3;
            } else if (
                r.trust >= p.tier2Trust &&
                r.availability >= p.tier2Availability &&
                r.completed >= p.tier2Completed &&
                age >= ages.tier2MinAge
            ) {
                expected = 2;
            }
            assertEq(rep.tierOf(providers[i]), expected, "tier");
            (uint8 tier, ) = rep.standingOf(providers[i]);
            assertEq(tier, expected, "standingOf tier");
            if (expected > 1) assertGe(age, ages.tier2MinAge, "tier 2+ younger than tier2MinAge");
            if (expected == 3) assertGe(age, ages.tier3MinAge, "tier 3 younger than tier3MinAge");
        }
    }

    /// @notice Every action can succeed and (where it has a failure mode) revert exactly as the model predicts, and
    ///         the tier check above sees all three tiers, so no invariant rests on an action that always bails out.
    function test_handler_EveryActionSucceedsAndRevertsAsModelled() public {
        address p0 = handler.providers()[0];
        handler.record(0, 0); // success for provider 0 at T0
        handler.recordBurst(0, 30);
        assertEq(rep.tierOf(p0), 1, "31 successes but age 0");
        handler.warp(8 days);
        _checkTiers();
        handler.recordBurst(0, 5);
        assertEq(rep.tierOf(p0), 2, "tier 2 after 7 days");
        handler.warp(23 days); // age 31 days
        handler.recordBurst(0, 20);
        assertEq(rep.tierOf(p0), 3, "tier 3 after 30 days");
        _checkTiers();
        // Governed values go through the handler's edge picker: seed % 8 of 0, 1, 2, 3 picks lo - 1, lo, hi, hi + 1.
        handler.setParams(6_000, 400, 3_000, 2, 7); // half-life 730 days
        handler.setParams(6_000, 400, 3_000, 1, 7); // half-life 1 day
        handler.setTierAges(1, 2); // (0, 365 days)
        _checkTiers();
        handler.attack(0, 0); // the admin records: no REPORTER_ROLE
        handler.attack(1, 0); // the reporter sets params: no admin role
        handler.attack(5, 0); // the reporter sets tier ages
        handler.attack(3, 0); // a stranger records
        for (uint256 a; a < handler.ACTION_COUNT() - 1; ++a) {
            assertGt(handler.ok(a), 0, string.concat("action did not succeed: ", vm.toString(a)));
        }

        handler.record(15, 0); // the zero address
        handler.setParams(6_000, 400, 3_000, 0, 7); // half-life 1 day - 1
        handler.setParams(6_000, 400, 3_000, 3, 7); // half-life 730 days + 1
        handler.setTierAges(2, 1); // (365 days, 0): out of order
        handler.setTierAges(0, 3); // (0, 365 days + 1): above the maximum
        assertEq(handler.reverted(uint256(ReputationHandler.Action.Record)), 1);
        assertEq(handler.reverted(uint256(ReputationHandler.Action.SetParams)), 2);
        assertEq(handler.reverted(uint256(ReputationHandler.Action.SetTierAges)), 2);
        assertEq(handler.reverted(uint256(ReputationHandler.Action.Attack)), 4);
        invariant_GovernedValuesMatchModel();
        _checkTiers();
    }
}
