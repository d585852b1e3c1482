// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Reputation} from "../../contracts/reputation/Reputation.sol";
import {IReputation} from "../../contracts/interfaces/IReputation.sol";

contract ReputationTest is Test {
    Reputation internal rep;

    address internal admin = makeAddr("admin");
    address internal market = makeAddr("market");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    uint256 internal constant T0 = 1_700_000_000;
    /// @dev The documented default tier ages and bound, written out rather than read from the contract.
    uint32 internal constant TIER2_AGE = 7 days;
    uint32 internal constant TIER3_AGE = 30 days;
    uint32 internal constant MAX_AGE = 365 days;

    function setUp() public {
        vm.warp(T0);
        rep = new Reputation(admin);
        bytes32 reporterRole = rep.REPORTER_ROLE();
        vm.prank(admin);
        rep.grantRole(reporterRole, market);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _defaults() internal pure returns (IReputation.Params memory) {
        return
            IReputation.Params({
                initialScore: 5_000,
                successWeightBps: 500,
                failureWeightBps: 2_000,
                halfLife: 30 days,
                tier2Trust: 7_000,
                tier2Availability: 7_000,
                tier2Completed: 10,
                tier3Trust: 8_500,
                tier3Availability: 8_500,
                tier3Completed: 50,
                suspendThreshold: 3_000,
                suspensionPeriod: 7 days,
                maxViolations: 5
            });
    }

    function _record(address provider, IReputation.Outcome outcome) internal {
        vm.prank(market);
        rep.record(provider, outcome);
    }

    function _recordN(address provider, IReputation.Outcome outcome, uint256 n) internal {
        vm.startPrank(market);
        for (uint256 i = 0; i < n; ++i) rep.record(provider, outcome);
        vm.stopPrank();
    }

    function _setParams(IReputation.Params memory p) internal {
        vm.prank(admin);
        rep.setParams(p);
    }

    function _hash(IReputation.Params memory p) internal pure returns (bytes32) {
        return keccak256(abi.encode(p));
    }

    function _setAges(uint32 tier2, uint32 tier3) internal {
        vm.prank(admin);
        rep.setTierAges(IReputation.TierAges({tier2MinAge: tier2, tier3MinAge: tier3}));
    }

    /// @dev Reference rule of a success with the default weight (5% of the gap to 10_000, rounded down).
    function _refRaise(uint256 score) internal pure returns (uint256) {
        return score + ((10_000 - score) * 500) / 10_000;
    }

    /// @dev Reference decay (docs: the deviation from the neutral score halves every half-life, linearly in between).
    function _refDecay(
        uint256 score,
        uint256 target,
        uint256 elapsed,
        uint256 halfLife
    ) internal pure returns (uint256) {
        uint256 halvings = elapsed / halfLife;
        if (halvings >= 14) return target;
        uint256 dev = score >= target ? score - target : target - score;
        dev >>= halvings;
        dev -= (dev * (elapsed % halfLife)) / (2 * halfLife);
        return score >= target ? target + dev : target - dev;
    }

    function _outcome(uint256 seed) internal pure returns (IReputation.Outcome) {
        return IReputation.Outcome(seed % 4);
    }

    /// @dev Storage slot of `provider`'s record: `_records` is the first variable after AccessControl's `_roles`.
    function _recordSlot(address provider) internal pure returns (bytes32) {
        return keccak256(abi.encode(provider, uint256(1)));
    }

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    function test_constructor_SetsDefaultsAndAdmin() public {
        vm.expectEmit(false, false, false, true);
        emit IReputation.ParamsUpdated(_defaults());
        vm.expectEmit(false, false, false, true);
        emit IReputation.TierAgesUpdated(IReputation.TierAges({tier2MinAge: TIER2_AGE, tier3MinAge: TIER3_AGE}));
        Reputation fresh = new Reputation(admin);
        assertEq(_hash(fresh.params()), _hash(_defaults()));
        assertEq(fresh.tierAges().tier2MinAge, TIER2_AGE);
        assertEq(fresh.tierAges().tier3MinAge, TIER3_AGE);
        assertEq(fresh.MAX_TIER_AGE(), MAX_AGE);
        assertTrue(fresh.hasRole(fresh.DEFAULT_ADMIN_ROLE(), admin));
        assertFalse(fresh.hasRole(fresh.DEFAULT_ADMIN_ROLE(), address(this)));
        assertEq(fresh.REPORTER_ROLE(), keccak256("REPORTER_ROLE"));
    }

    function test_constructor_RevertWhen_ZeroAdmin() public {
        vm.expectRevert(IReputation.ReputationZeroAdmin.selector);
        new Reputation(address(0));
    }

    /*//////////////////////////////////////////////////////////////
                                 RECORD
    //////////////////////////////////////////////////////////////*/

    function test_record_RevertWhen_NotReporter() public {
        bytes32 role = rep.REPORTER_ROLE();
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, admin, role));
        rep.record(alice, IReputation.Outcome.Success);
    }

    function test_record_RevertWhen_ZeroProvider() public {
        vm.prank(market);
        vm.expectRevert(IReputation.ReputationZeroProvider.selector);
        rep.record(address(0), IReputation.Outcome.Success);
    }

    function test_record_Success_RaisesBothScores() public {
        vm.expectEmit(true, false, false, true, address(rep));
        emit IReputation.ReputationUpdated(alice, IReputation.Outcome.Success, 5_250, 5_250, 1, 1, 0, 0);
        _record(alice, IReputation.Outcome.Success);
        IReputation.Record memory r = rep.getRecord(alice);
        assertEq(r.trust, 5_250);
        assertEq(r.availability, 5_250);
        assertEq(r.completed, 1);
        assertEq(r.failed, 0);
        assertEq(r.violations, 0);
        assertEq(r.lastUpdate, T0);
        assertEq(r.suspendedUntil, 0);
        assertFalse(r.banned);
        assertEq(r.firstRecordedAt, T0);
    }

    function test_record_WrongResult_LowersTrustOnly() public {
        vm.expectEmit(true, false, false, true, address(rep));
        emit IReputation.ReputationUpdated(alice, IReputation.Outcome.WrongResult, 4_000, 5_000, 1, 0, 1, 1);
        _record(alice, IReputation.Outcome.WrongResult);
        assertEq(rep.trustScore(alice), 4_000);
        assertEq(rep.availabilityScore(alice), 5_000);
    }

    function test_record_MissedDeadline_LowersAvailabilityOnly() public {
        vm.expectEmit(true, false, false, true, address(rep));
        emit IReputation.ReputationUpdated(alice, IReputation.Outcome.MissedDeadline, 5_000, 4_000, 1, 0, 1, 1);
        _record(alice, IReputation.Outcome.MissedDeadline);
        assertEq(rep.trustScore(alice), 5_000);
        assertEq(rep.availabilityScore(alice), 4_000);
    }

    function test_record_NoReveal_LowersBothScores() public {
        vm.expectEmit(true, false, false, true, address(rep));
        emit IReputation.ReputationUpdated(alice, IReputation.Outcome.NoReveal, 4_000, 4_000, 1, 0, 1, 1);
        _record(alice, IReputation.Outcome.NoReveal);
        IReputation.Record memory r = rep.getRecord(alice);
        assertEq(r.trust, 4_000);
        assertEq(r.availability, 4_000);
        assertEq(r.failed, 1);
        assertEq(r.violations, 1);
    }

    function test_record_RoundsFailureUpAndSuccessDown() public {
        IReputation.Params memory p = _defaults();
        p.initialScore = 4; // a failure of 20% of 4 = 0.8 still costs a point
        _setParams(p);
        _record(alice, IReputation.Outcome.WrongResult);
        assertEq(rep.trustScore(alice), 3);

        p.initialScore = 9_999; // a success of 5% of a 1-point gap = 0.05 rounds to nothing
        _setParams(p);
        _record(bob, IReputation.Outcome.Success);
        assertEq(rep.trustScore(bob), 9_999);
    }

    function test_record_ReachesZeroAndMaxScore() public {
        IReputation.Params memory p = _defaults();
        p.initialScore = 1;
        _setParams(p);
        _record(alice, IReputation.Outcome.WrongResult);
        assertEq(rep.trustScore(alice), 0);
        _record(alice, IReputation.Outcome.WrongResult);
        assertEq(rep.trustScore(alice), 0);

        p.initialScore = 10_000;
        p.successWeightBps = 9_999;
        p.failureWeightBps = 10_000;
        _setParams(p);
        _record(bob, IReputation.Outcome.Success);
        assertEq(rep.trustScore(bob), 10_000);
        _record(bob, IReputation.Outcome.NoReveal);
        assertEq(rep.trustScore(bob), 0);
        assertEq(rep.availabilityScore(bob), 0);
    }

    function test_record_AppliesDecayBeforeTheOutcome() public {
        _record(alice, IReputation.Outcome.WrongResult); // 4_000
        vm.warp(T0 + 30 days); // deviation -1_000 halves: 4_500
        _record(alice, IReputation.Outcome.Success); // 4_500 + 5_500 * 5% = 4_775
        assertEq(rep.trustScore(alice), 4_775);
        assertEq(rep.getRecord(alice).lastUpdate, T0 + 30 days);
    }

    function test_record_CountersSaturateInsteadOfReverting() public {
        // Whitebox: completed = failed = 2^32 - 1, violations = 2^16 - 1, trust = availability = 5_000,
        // lastUpdate = T0, banned, firstRecordedAt = T0 - 40 days.
        uint256 packed =
            uint256(5_000) |
                (uint256(5_000) << 16) |
                (uint256(type(uint32).max) << 32) |
                (uint256(type(uint32).max) << 64) |
                (uint256(type(uint16).max) << 96) |
                (uint256(T0) << 112) |
                (uint256(1) << 192) |
                (uint256(T0 - 40 days) << 200);
        vm.store(address(rep), _recordSlot(alice), bytes32(packed));
        IReputation.Record memory r = rep.getRecord(alice);
        assertEq(r.completed, type(uint32).max);
        assertEq(r.violations, type(uint16).max);
        assertTrue(r.banned);

        _record(alice, IReputation.Outcome.Success);
        _record(alice, IReputation.Outcome.NoReveal);
        r = rep.getRecord(alice);
        assertEq(r.completed, type(uint32).max);
        assertEq(r.failed, type(uint32).max);
        assertEq(r.violations, type(uint16).max);
        assertEq(r.firstRecordedAt, T0 - 40 days, "first record time is kept");
    }

    /*//////////////////////////////////////////////////////////////
                                 DECAY
    //////////////////////////////////////////////////////////////*/

    function test_decay_HalvesDeviationEveryHalfLifeAndInterpolates() public {
        _record(alice, IReputation.Outcome.Success); // 5_250 (deviation +250)
        _record(bob, IReputation.Outcome.WrongResult); // 4_000 (deviation -1_000)

        vm.warp(T0 + 15 days); // half-way through the first half-life: linear 250 -> 125 gives 188 (rounded down)
        assertEq(rep.trustScore(alice), 5_188);
        assertEq(rep.trustScore(bob), 4_250);

        vm.warp(T0 + 30 days);
        assertEq(rep.trustScore(alice), 5_125);
        assertEq(rep.trustScore(bob), 4_500);

        vm.warp(T0 + 45 days);
        assertEq(rep.trustScore(alice), 5_094);
        assertEq(rep.trustScore(bob), 4_625);

        vm.warp(T0 + 60 days);
        assertEq(rep.trustScore(alice), 5_062);
        assertEq(rep.trustScore(bob), 4_750);

        vm.warp(T0 + 14 * 30 days);
        assertEq(rep.trustScore(alice), 5_000);
        assertEq(rep.trustScore(bob), 5_000);
        vm.warp(T0 + 100 * 365 days);
        assertEq(rep.trustScore(bob), 5_000);
        assertEq(rep.availabilityScore(bob), 5_000);
    }

    function test_decay_FromTheTopFadesTierAway() public {
        _setAges(0, 0); // this test is about the scores; ages have their own tests
        _recordN(alice, IReputation.Outcome.Success, 50);
        assertEq(rep.tierOf(alice), 3);
        vm.warp(block.timestamp + 60 days); // 9_606 -> deviation 4_606 / 4 -> 6_151
        assertEq(rep.trustScore(alice), 6_151);
        assertEq(rep.tierOf(alice), 1);
    }

    function testFuzz_decay_MovesTowardInitialScoreAndNeverOvershoots(
        uint16 start,
        uint16 target,
        uint8 outcomeSeed,
        uint32 halfLife,
        uint40 dt1,
        uint40 dt2
    ) public {
        IReputation.Params memory p = _defaults();
        p.initialScore = uint16(bound(start, 0, 10_000));
        _setParams(p);
        _record(alice, _outcome(outcomeSeed));
        uint256 before = rep.trustScore(alice);

        // A new neutral score and half-life apply to the decay of every existing record.
        p.initialScore = uint16(bound(target, 0, 10_000));
        p.halfLife = uint32(bound(halfLife, rep.MIN_HALF_LIFE(), rep.MAX_HALF_LIFE()));
        _setParams(p);
        dt1 = uint40(bound(dt1, 0, 20 * 730 days));
        dt2 = uint40(bound(dt2, dt1, 20 * 730 days));

        vm.warp(T0 + dt1);
        uint256 at1 = rep.trustScore(alice);
        vm.warp(T0 + dt2);
        uint256 at2 = rep.trustScore(alice);

        uint256 t = p.initialScore;
        // Never past the neutral score, and never further from it than before (monotone in time).
        if (before >= t) {
            assertLe(at1, before);
            assertGe(at2, t);
            assertLe(at2, at1);
        } else {
            assertGe(at1, before);
            assertLe(at2, t);
            assertGe(at2, at1);
        }
        // Exact at whole half-lives.
        if (dt2 % p.halfLife == 0) {
            uint256 n = dt2 / p.halfLife;
            uint256 dev = before >= t ? before - t : t - before;
            uint256 expected = n >= 14 ? 0 : dev >> n;
            assertEq(at2 >= t ? at2 - t : t - at2, expected);
        }
    }

    /*//////////////////////////////////////////////////////////////
                              SCORE RULES
    //////////////////////////////////////////////////////////////*/

    function testFuzz_record_ScoresStayWithinBounds(uint256 seed, uint16 initialScore) public {
        IReputation.Params memory p = _defaults();
        p.initialScore = uint16(bound(initialScore, 0, 10_000));
        _setParams(p);
        for (uint256 i = 0; i < 40; ++i) {
            seed = uint256(keccak256(abi.encode(seed, i)));
            vm.warp(block.timestamp + ((seed >> 200) % 90 days));
            _record(alice, _outcome(seed));
            IReputation.Record memory r = rep.getRecord(alice);
            assertLe(r.trust, 10_000);
            assertLe(r.availability, 10_000);
        }
    }

    /// @dev The defaults make a failure cost four successes at the neutral score.
    function test_record_FailureCostsMoreThanSuccessAtNeutralScore() public {
        _record(alice, IReputation.Outcome.Success);
        _record(bob, IReputation.Outcome.NoReveal);
        assertEq(rep.trustScore(alice) - 5_000, 250);
        assertEq(5_000 - rep.trustScore(bob), 1_000);
    }

    /// @dev From the same score s (gap g = 10_000 - s), one failure lowers it more than one success raises it whenever
    ///      s * failureWeight > g * successWeight, i.e. for s above 10_000 * w / (w + f) (2_000 with the defaults,
    ///      already below the suspend threshold). Below that point no proportional rule can do it, since a score can
    ///      fall by at most s; there the failure still removes a larger share of the distance to its bound (0) than
    ///      the success closes of the distance to its bound (10_000): drop / s > raise / g, asserted for every s.
    function testFuzz_record_FailureOutweighsSuccessFromSamePoint(
        uint16 s,
        uint16 successWeight,
        uint16 failureWeight,
        uint8 failureKind
    ) public {
        IReputation.Params memory p = _defaults();
        p.initialScore = uint16(bound(s, 0, 10_000));
        p.successWeightBps = uint16(bound(successWeight, 1, 9_999));
        p.failureWeightBps = uint16(bound(failureWeight, p.successWeightBps + 1, 10_000));
        _setParams(p);
        IReputation.Outcome failure = IReputation.Outcome(1 + (failureKind % 3));

        _record(alice, IReputation.Outcome.Success);
        _record(bob, failure);
        bool trustMoves = failure != IReputation.Outcome.MissedDeadline;
        uint256 up = trustMoves ? rep.trustScore(alice) : rep.availabilityScore(alice);
        uint256 down = trustMoves ? rep.trustScore(bob) : rep.availabilityScore(bob);
        uint256 start = p.initialScore;
        uint256 gap = 10_000 - start;
        uint256 raise = up - start;
        uint256 drop = start - down;

        if (start * p.failureWeightBps > gap * p.successWeightBps) assertGt(drop, raise);
        if (start > 0 && gap > 0) assertGt(drop * gap, raise * start);
        // Defaults in absolute terms: strictly worse from every score above 2_000.
        if (p.successWeightBps == 500 && p.failureWeightBps == 2_000 && start > 2_000) assertGt(drop, raise);
    }

    /*//////////////////////////////////////////////////////////////
                                 TIERS
    //////////////////////////////////////////////////////////////*/

    function test_tier_UnknownProviderIsTierOneAndEligible() public view {
        (uint8 tier, bool eligible) = rep.standingOf(alice);
        assertEq(tier, 1);
        assertTrue(eligible);
        IReputation.Record memory r = rep.getRecord(alice);
        assertEq(r.trust, 5_000);
        assertEq(r.availability, 5_000);
        assertEq(r.lastUpdate, 0);
        assertEq(rep.trustScore(alice), 5_000);
        assertEq(rep.availabilityScore(alice), 5_000);
        assertEq(rep.tierOf(alice), 1);
        assertFalse(rep.isSuspended(alice));
        assertFalse(rep.isBanned(alice));
    }

    function test_tier_DefaultCompletedBoundaries() public {
        _setAges(0, 0); // the score and count thresholds alone; ages are tested below
        _recordN(alice, IReputation.Outcome.Success, 9); // trust 6_844 < 7_000
        assertEq(rep.tierOf(alice), 1);
        _record(alice, IReputation.Outcome.Success); // 10 completed, trust 7_002
        assertEq(rep.trustScore(alice), 7_002);
        assertEq(rep.tierOf(alice), 2);
        _recordN(alice, IReputation.Outcome.Success, 39); // 49 completed, trust >= 8_500
        assertGe(rep.trustScore(alice), 8_500);
        assertEq(rep.tierOf(alice), 2);
        _record(alice, IReputation.Outcome.Success); // 50 completed
        assertEq(rep.tierOf(alice), 3);
        (uint8 tier, bool eligible) = rep.standingOf(alice);
        assertEq(tier, 3);
        assertTrue(eligible);
    }

    function test_tier_ExactThresholdBoundaries() public {
        _setAges(0, 0); // the score and count thresholds alone; ages are tested below
        _recordN(alice, IReputation.Outcome.Success, 12);
        _record(alice, IReputation.Outcome.MissedDeadline); // separates availability from trust
        IReputation.Record memory r = rep.getRecord(alice);
        assertGt(r.trust, r.availability);

        IReputation.Params memory p = _defaults();
        p.tier2Trust = r.trust;
        p.tier2Availability = r.availability;
        p.tier2Completed = uint16(r.completed);
        p.tier3Trust = r.trust;
        p.tier3Availability = r.availability;
        p.tier3Completed = uint16(r.completed);
        _setParams(p);
        assertEq(rep.tierOf(alice), 3, "all at threshold");

        p.tier3Trust = r.trust + 1;
        _setParams(p);
        assertEq(rep.tierOf(alice), 2, "trust one below tier 3");
        p.tier3Trust = r.trust;
        p.tier3Availability = r.availability + 1;
        _setParams(p);
        assertEq(rep.tierOf(alice), 2, "availability one below tier 3");
        p.tier3Availability = r.availability;
        p.tier3Completed = uint16(r.completed + 1);
        _setParams(p);
        assertEq(rep.tierOf(alice), 2, "completed one below tier 3");

        p.tier2Trust = r.trust + 1;
        p.tier3Trust = r.trust + 1;
        _setParams(p);
        assertEq(rep.tierOf(alice), 1, "trust one below tier 2");
        p.tier2Trust = r.trust;
        p.tier2Availability = r.availability + 1;
        p.tier3Availability = r.availability + 1;
        _setParams(p);
        assertEq(rep.tierOf(alice), 1, "availability one below tier 2");
        p.tier2Availability = r.availability;
        p.tier2Completed = uint16(r.completed + 1);
        _setParams(p);
        assertEq(rep.tierOf(alice), 1, "completed one below tier 2");
    }

    function testFuzz_tier_MatchesThresholds(uint256 seed) public {
        uint256 firstAt = block.timestamp; // the first outcome is recorded in the first iteration
        for (uint256 i = 0; i < 60; ++i) {
            seed = uint256(keccak256(abi.encode(seed, i)));
            // Mostly successes so that higher tiers are reached.
            _record(alice, seed % 5 == 0 ? _outcome(seed >> 8) : IReputation.Outcome.Success);
            vm.warp(block.timestamp + ((seed >> 128) % 2 days));
            IReputation.Record memory r = rep.getRecord(alice);
            IReputation.Params memory p = _defaults();
            uint256 age = block.timestamp - firstAt;
            uint8 expected = 1;
            if (
                r.trust >= p.tier2Trust &&
                r.availability >= p.tier2Availability &&
                r.completed >= p.tier2Completed &&
                age >= TIER2_AGE
            ) {
                expected = 2;
            }
            if (
                r.trust >= p.tier3Trust &&
                r.availability >= p.tier3Availability &&
                r.completed >= p.tier3Completed &&
                age >= TIER3_AGE
            ) {
                expected = 3;
            }
            (uint8 tier, bool eligible) = rep.standingOf(alice);
            assertEq(tier, expected);
            assertEq(rep.tierOf(alice), expected);
            assertEq(eligible, !rep.isSuspended(alice) && !rep.isBanned(alice));
        }
    }

    /*//////////////////////////////////////////////////////////////
                               TIER AGES
    //////////////////////////////////////////////////////////////*/

    function test_firstRecordedAt_SetOnceByTheFirstOutcome() public {
        assertEq(rep.getRecord(alice).firstRecordedAt, 0, "never recorded");
        vm.warp(T0 + 5);
        _record(alice, IReputation.Outcome.WrongResult); // a failure starts the age too
        assertEq(rep.getRecord(alice).firstRecordedAt, T0 + 5);
        vm.warp(T0 + 40 days);
        _record(alice, IReputation.Outcome.Success);
        _record(alice, IReputation.Outcome.MissedDeadline);
        IReputation.Record memory r = rep.getRecord(alice);
        assertEq(r.firstRecordedAt, T0 + 5, "later outcomes keep it");
        assertEq(r.lastUpdate, T0 + 40 days);
        assertEq(rep.getRecord(bob).firstRecordedAt, 0, "per provider");
    }

    /// @dev Tier 2 needs 7 days since the first outcome, with every other tier-2 threshold met well before.
    function test_tier_Tier2OnlyAtExactlyTier2MinAge() public {
        _record(alice, IReputation.Outcome.Success); // first outcome at T0
        vm.warp(T0 + TIER2_AGE - 1);
        _recordN(alice, IReputation.Outcome.Success, 10);

        // Independently: 5_250 decays for 7 days - 1 s, then ten successes.
        uint256 expectedTrust = _refDecay(5_250, 5_000, TIER2_AGE - 1, 30 days);
        for (uint256 i; i < 10; ++i) expectedTrust = _refRaise(expectedTrust);
        IReputation.Record memory r = rep.getRecord(alice);
        assertEq(r.trust, expectedTrust);
        assertEq(r.availability, expectedTrust);
        assertGe(expectedTrust, 7_000, "trust threshold met");
        assertLt(expectedTrust, 8_500, "not a tier-3 score");
        assertEq(r.completed, 11);
        assertEq(rep.tierOf(alice), 1, "one second short of 7 days");
        (uint8 tier, ) = rep.standingOf(alice);
        assertEq(tier, 1);

        vm.warp(T0 + TIER2_AGE);
        assertEq(rep.getRecord(alice).trust, expectedTrust, "one second of decay rounds to nothing");
        assertEq(rep.tierOf(alice), 2, "exactly 7 days");
        (tier, ) = rep.standingOf(alice);
        assertEq(tier, 2);
    }

    /// @dev Tier 3 needs 30 days since the first outcome; at 30 days - 1 s every other tier-3 threshold is met.
    function test_tier_Tier3OnlyAtExactlyTier3MinAge() public {
        _record(alice, IReputation.Outcome.Success); // first outcome at T0
        vm.warp(T0 + TIER3_AGE - 1);
        _recordN(alice, IReputation.Outcome.Success, 49);

        uint256 expectedTrust = _refDecay(5_250, 5_000, TIER3_AGE - 1, 30 days);
        for (uint256 i; i < 49; ++i) expectedTrust = _refRaise(expectedTrust);
        IReputation.Record memory r = rep.getRecord(alice);
        assertEq(r.trust, expectedTrust);
        assertEq(r.availability, expectedTrust);
        assertGe(expectedTrust, 8_500, "tier-3 trust and availability met");
        assertEq(r.completed, 50, "tier-3 count met");
        assertEq(rep.tierOf(alice), 2, "one second short of 30 days: tier 2, not 3");
        (uint8 tier, bool eligible) = rep.standingOf(alice);
        assertEq(tier, 2);
        assertTrue(eligible);

        vm.warp(T0 + TIER3_AGE);
        assertEq(rep.getRecord(alice).trust, expectedTrust);
        assertEq(rep.tierOf(alice), 3, "exactly 30 days");
        (tier, ) = rep.standingOf(alice);
        assertEq(tier, 3);
    }

    function test_tier_EventCarriesTierWithAgeAtRecordTime() public {
        _record(alice, IReputation.Outcome.Success);
        vm.warp(T0 + TIER3_AGE - 1);
        _recordN(alice, IReputation.Outcome.Success, 48);
        vm.warp(T0 + TIER3_AGE);
        uint256 t = _refDecay(5_250, 5_000, TIER3_AGE - 1, 30 days);
        for (uint256 i; i < 49; ++i) t = _refRaise(t);
        vm.expectEmit(true, false, false, true, address(rep));
        emit IReputation.ReputationUpdated(alice, IReputation.Outcome.Success, uint16(t), uint16(t), 3, 50, 0, 0);
        _record(alice, IReputation.Outcome.Success);
    }

    function test_tier_AgeAloneIsNotEnough() public {
        _record(alice, IReputation.Outcome.Success);
        vm.warp(T0 + 300 days);
        assertEq(rep.tierOf(alice), 1, "old but with one task");
    }

    function test_setTierAges_UpdatesAndEmits() public {
        IReputation.TierAges memory ages = IReputation.TierAges({tier2MinAge: 1 days, tier3MinAge: 2 days});
        vm.expectEmit(false, false, false, true, address(rep));
        emit IReputation.TierAgesUpdated(ages);
        _setAges(1 days, 2 days);
        assertEq(rep.tierAges().tier2MinAge, 1 days);
        assertEq(rep.tierAges().tier3MinAge, 2 days);
    }

    function test_setTierAges_AppliesFromTheNextRead() public {
        _setAges(0, 0);
        _recordN(alice, IReputation.Outcome.Success, 50);
        assertEq(rep.tierOf(alice), 3);
        _setAges(0, 1);
        assertEq(rep.tierOf(alice), 2, "raised tier-3 age demotes at once");
        _setAges(1, 1);
        assertEq(rep.tierOf(alice), 1);
        vm.warp(T0 + 1);
        assertEq(rep.tierOf(alice), 3);
    }

    function test_setTierAges_AcceptsBoundsInclusive() public {
        _setAges(0, 0);
        _setAges(MAX_AGE, MAX_AGE);
        assertEq(rep.tierAges().tier2MinAge, MAX_AGE);
        assertEq(rep.tierAges().tier3MinAge, MAX_AGE);
        _setAges(5 days, 5 days); // equal ages are allowed
        assertEq(rep.tierAges().tier2MinAge, 5 days);
    }

    function _expectInvalidAges(uint32 tier2, uint32 tier3) internal {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IReputation.ReputationInvalidTierAges.selector, tier2, tier3));
        rep.setTierAges(IReputation.TierAges({tier2MinAge: tier2, tier3MinAge: tier3}));
    }

    function test_setTierAges_RevertWhen_OutOfBounds() public {
        _expectInvalidAges(TIER3_AGE + 1, TIER3_AGE); // tier 2 above tier 3
        _expectInvalidAges(1, 0);
        _expectInvalidAges(0, MAX_AGE + 1); // tier 3 above the maximum
        _expectInvalidAges(MAX_AGE + 1, MAX_AGE + 1);
        _expectInvalidAges(type(uint32).max, type(uint32).max);
        assertEq(rep.tierAges().tier2MinAge, TIER2_AGE, "unchanged");
        assertEq(rep.tierAges().tier3MinAge, TIER3_AGE, "unchanged");
    }

    function test_setTierAges_RevertWhen_NotAdmin() public {
        address[2] memory callers = [market, alice];
        for (uint256 i; i < callers.length; ++i) {
            vm.prank(callers[i]);
            vm.expectRevert(
                abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, callers[i], bytes32(0))
            );
            rep.setTierAges(IReputation.TierAges({tier2MinAge: 0, tier3MinAge: 0}));
        }
    }

    function testFuzz_setTierAges_Bounds(uint32 tier2, uint32 tier3) public {
        if (tier2 > tier3 || tier3 > MAX_AGE) {
            _expectInvalidAges(tier2, tier3);
        } else {
            _setAges(tier2, tier3);
            assertEq(rep.tierAges().tier2MinAge, tier2);
            assertEq(rep.tierAges().tier3MinAge, tier3);
        }
    }

    /// @dev With every score and count threshold met, the tier is decided by the age alone, at any governed ages.
    function testFuzz_tier_AgeBoundaries(uint32 tier2, uint32 tier3, uint32 elapsed) public {
        tier3 = uint32(bound(tier3, 0, MAX_AGE));
        tier2 = uint32(bound(tier2, 0, tier3));
        elapsed = uint32(bound(elapsed, 0, MAX_AGE + 1));
        IReputation.Params memory p = _defaults();
        p.halfLife = 730 days; // keep the scores of 50 successes above tier 3 for the whole range
        _setParams(p);
        _setAges(tier2, tier3);
        _record(alice, IReputation.Outcome.Success);
        vm.warp(T0 + elapsed);
        _recordN(alice, IReputation.Outcome.Success, 49);
        uint8 expected = elapsed >= tier3 ? 3 : (elapsed >= tier2 ? 2 : 1);
        assertEq(rep.tierOf(alice), expected);
    }

    /*//////////////////////////////////////////////////////////////
                          SUSPENSION AND BAN
    //////////////////////////////////////////////////////////////*/

    function test_suspension_WhenTrustFallsBelowThreshold() public {
        _recordN(alice, IReputation.Outcome.WrongResult, 2); // 3_200: not yet
        assertFalse(rep.isSuspended(alice));

        uint40 until = uint40(T0 + 7 days);
        vm.expectEmit(true, false, false, true, address(rep));
        emit IReputation.ProviderSuspended(alice, until);
        _record(alice, IReputation.Outcome.WrongResult); // 2_560 < 3_000
        assertTrue(rep.isSuspended(alice));
        assertEq(rep.getRecord(alice).suspendedUntil, until);
        (uint8 tier, bool eligible) = rep.standingOf(alice);
        assertEq(tier, 1);
        assertFalse(eligible);

        vm.warp(until - 1);
        assertTrue(rep.isSuspended(alice));
        vm.warp(until);
        assertFalse(rep.isSuspended(alice));
        (, eligible) = rep.standingOf(alice);
        assertTrue(eligible);
    }

    function test_suspension_ExtendedByFurtherFailure() public {
        _recordN(alice, IReputation.Outcome.WrongResult, 3);
        vm.warp(T0 + 1 days);
        vm.expectEmit(true, false, false, true, address(rep));
        emit IReputation.ProviderSuspended(alice, uint40(T0 + 8 days));
        _record(alice, IReputation.Outcome.MissedDeadline);
        assertEq(rep.getRecord(alice).suspendedUntil, T0 + 8 days);
    }

    function test_suspension_SuccessNeverSuspends() public {
        _recordN(alice, IReputation.Outcome.WrongResult, 4); // 2_048, suspended until T0 + 7 days
        vm.warp(T0 + 7 days);
        vm.recordLogs();
        _record(alice, IReputation.Outcome.Success); // still below 3_000 but a success
        assertEq(vm.getRecordedLogs().length, 1); // only ReputationUpdated
        assertLt(rep.trustScore(alice), 3_000);
        assertFalse(rep.isSuspended(alice));
    }

    function test_suspension_ZeroPeriodSwitchesSuspensionsOff() public {
        IReputation.Params memory p = _defaults();
        p.suspensionPeriod = 0;
        _setParams(p);
        vm.recordLogs();
        _recordN(alice, IReputation.Outcome.WrongResult, 4); // trust 2_048
        assertEq(vm.getRecordedLogs().length, 4); // ReputationUpdated only
        assertEq(rep.getRecord(alice).suspendedUntil, 0);
        (, bool eligible) = rep.standingOf(alice);
        assertTrue(eligible);
    }

    function test_ban_AtMaxViolationsIsPermanent() public {
        _recordN(alice, IReputation.Outcome.MissedDeadline, 4);
        assertFalse(rep.isBanned(alice));

        vm.expectEmit(true, false, false, true, address(rep));
        emit IReputation.ProviderBanned(alice, 5);
        _record(alice, IReputation.Outcome.MissedDeadline);
        assertTrue(rep.isBanned(alice));
        assertTrue(rep.getRecord(alice).banned);

        // Outcomes of in-flight tasks still record, the ban is not announced twice and never lifts.
        vm.recordLogs();
        _recordN(alice, IReputation.Outcome.Success, 60);
        assertEq(vm.getRecordedLogs().length, 60);
        vm.warp(T0 + 50 * 365 days);
        (uint8 tier, bool eligible) = rep.standingOf(alice);
        assertEq(tier, 1); // 60 successes decayed back to neutral
        assertFalse(eligible);
        assertTrue(rep.isBanned(alice));
    }

    function test_ban_WhenGovernanceLowersMaxViolations() public {
        _recordN(alice, IReputation.Outcome.MissedDeadline, 3);
        IReputation.Params memory p = _defaults();
        p.maxViolations = 2;
        _setParams(p);
        assertFalse(rep.isBanned(alice)); // applies at the next violation
        vm.expectEmit(true, false, false, true, address(rep));
        emit IReputation.ProviderBanned(alice, 4);
        _record(alice, IReputation.Outcome.WrongResult);
        assertTrue(rep.isBanned(alice));
    }

    /*//////////////////////////////////////////////////////////////
                               SET PARAMS
    //////////////////////////////////////////////////////////////*/

    function test_setParams_UpdatesAndEmits() public {
        IReputation.Params memory p = _defaults();
        p.initialScore = 6_000;
        p.halfLife = 10 days;
        p.maxViolations = 9;
        vm.expectEmit(false, false, false, true, address(rep));
        emit IReputation.ParamsUpdated(p);
        _setParams(p);
        assertEq(_hash(rep.params()), _hash(p));
        assertEq(rep.trustScore(alice), 6_000); // unknown providers start at the new neutral score
    }

    function test_setParams_RevertWhen_NotAdmin() public {
        IReputation.Params memory p = _defaults();
        vm.prank(market);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, market, bytes32(0))
        );
        rep.setParams(p);
    }

    function _expectInvalid(
        IReputation.Params memory p,
        IReputation.ParamField field,
        uint256 value,
        uint256 bound_
    ) internal {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IReputation.ReputationInvalidParams.selector, field, value, bound_));
        rep.setParams(p);
    }

    function test_setParams_RevertWhen_OutOfBounds() public {
        IReputation.Params memory p;

        p = _defaults();
        p.initialScore = 10_001;
        _expectInvalid(p, IReputation.ParamField.InitialScore, 10_001, 10_000);

        p = _defaults();
        p.successWeightBps = 0;
        _expectInvalid(p, IReputation.ParamField.SuccessWeight, 0, 1);

        p = _defaults();
        p.failureWeightBps = 10_001;
        _expectInvalid(p, IReputation.ParamField.FailureWeight, 10_001, 10_000);

        p = _defaults();
        p.failureWeightBps = 500; // must exceed the success weight
        _expectInvalid(p, IReputation.ParamField.FailureWeight, 500, 500);

        p = _defaults();
        p.halfLife = 1 days - 1;
        _expectInvalid(p, IReputation.ParamField.HalfLife, 1 days - 1, 1 days);

        p = _defaults();
        p.halfLife = 730 days + 1;
        _expectInvalid(p, IReputation.ParamField.HalfLife, 730 days + 1, 730 days);

        p = _defaults();
        p.tier3Trust = 10_001;
        _expectInvalid(p, IReputation.ParamField.Tier3Trust, 10_001, 10_000);

        p = _defaults();
        p.tier2Trust = 8_501;
        _expectInvalid(p, IReputation.ParamField.Tier2Trust, 8_501, 8_500);

        p = _defaults();
        p.tier3Availability = 10_001;
        _expectInvalid(p, IReputation.ParamField.Tier3Availability, 10_001, 10_000);

        p = _defaults();
        p.tier2Availability = 8_501;
        _expectInvalid(p, IReputation.ParamField.Tier2Availability, 8_501, 8_500);

        p = _defaults();
        p.tier3Completed = 9;
        _expectInvalid(p, IReputation.ParamField.Tier3Completed, 9, 10);

        p = _defaults();
        p.suspendThreshold = 7_000; // must stay below tier 2 trust
        _expectInvalid(p, IReputation.ParamField.SuspendThreshold, 7_000, 7_000);

        p = _defaults();
        p.suspensionPeriod = 365 days + 1;
        _expectInvalid(p, IReputation.ParamField.SuspensionPeriod, 365 days + 1, 365 days);

        p = _defaults();
        p.maxViolations = 0;
        _expectInvalid(p, IReputation.ParamField.MaxViolations, 0, 1);
    }

    function test_setParams_AcceptsExtremesWithinBounds() public {
        IReputation.Params memory p = IReputation.Params({
            initialScore: 10_000,
            successWeightBps: 9_999,
            failureWeightBps: 10_000,
            halfLife: 730 days,
            tier2Trust: 10_000,
            tier2Availability: 10_000,
            tier2Completed: type(uint16).max,
            tier3Trust: 10_000,
            tier3Availability: 10_000,
            tier3Completed: type(uint16).max,
            suspendThreshold: 9_999,
            suspensionPeriod: 365 days,
            maxViolations: type(uint16).max
        });
        _setParams(p);
        assertEq(_hash(rep.params()), _hash(p));
        p.initialScore = 0;
        p.successWeightBps = 1;
        p.failureWeightBps = 2;
        p.halfLife = 1 days;
        p.tier2Trust = 1;
        p.tier2Availability = 0;
        p.tier2Completed = 0;
        p.suspendThreshold = 0;
        p.suspensionPeriod = 0;
        p.maxViolations = 1;
        _setParams(p);
        assertEq(_hash(rep.params()), _hash(p));
    }

    /*//////////////////////////////////////////////////////////////
                                  GAS
    //////////////////////////////////////////////////////////////*/

    /// @dev `record` on a known provider with warm storage, the shape of the call inside a market transaction that
    ///      already touched the provider. Measured inside one call of a probe contract, so the figure is the same
    ///      whether or not the runner isolates top-level calls into transactions (it does under --gas-stats).
    ///      Target: <= 15k gas.
    function test_gas_recordWarm() public {
        RecordGasProbe probe = new RecordGasProbe(rep);
        bytes32 reporterRole = rep.REPORTER_ROLE();
        vm.prank(admin);
        rep.grantRole(reporterRole, address(probe));
        _record(alice, IReputation.Outcome.Success);
        vm.warp(block.timestamp + 1 days);
        uint256 used = probe.measure(alice);
        emit log_named_uint("record (warm) gas", used);
        assertGt(used, 0);
        assertLe(used, 15_000);
    }
}

/// @dev Calls `record` twice in one call frame and returns the gas of the second (warm) call.
contract RecordGasProbe {
    Reputation internal immutable _rep;

    constructor(Reputation rep_) {
        _rep = rep_;
    }

    function measure(address provider) external returns (uint256 used) {
        _rep.record(provider, IReputation.Outcome.Success); // warms the record, params and role slots
        uint256 g = gasleft();
        _rep.record(provider, IReputation.Outcome.WrongResult);
        used = g - gasleft();
    }
}
