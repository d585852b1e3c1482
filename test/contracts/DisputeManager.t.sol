// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Vm} from "forge-std/Vm.sol";
import {OptimisticFixture} from "./utils/OptimisticFixture.sol";
import {DisputeManager} from "../../contracts/optimistic/DisputeManager.sol";
import {OptimisticMarket} from "../../contracts/optimistic/OptimisticMarket.sol";
import {StakingVault} from "../../contracts/staking/StakingVault.sol";
import {ReentrantERC20} from "../../contracts/mocks/ReentrantERC20.sol";
import {IOptimisticMarket} from "../../contracts/interfaces/IOptimisticMarket.sol";
import {IDisputeManager} from "../../contracts/interfaces/IDisputeManager.sol";
import {IReputation} from "../../contracts/interfaces/IReputation.sol";
import {DrawLib} from "../../contracts/libraries/DrawLib.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @notice Attack tests: in each, the attacker ends with less than it started with (or than honest play gives).
contract DisputeManagerTest is OptimisticFixture {
    /// @dev Total value of an account across wallet, stake, vault credit and both contracts' credits.
    function _worth(address a) internal view returns (uint256) {
        return token.balanceOf(a) + vault.stakeOf(a) + vault.creditOf(a) + opt.creditOf(a) + dm.creditOf(a);
    }

    function _draws(uint256 disputeId, address j) internal view returns (uint256) {
        return DrawLib.popcount(dm.seatOf(disputeId, dm.getDispute(disputeId).round, j).draws);
    }

    // ─────────────────────────────────────────── wrong result ───────────────────────────────────────────

    /// @notice A provider posting a wrong result is challenged and loses its bond; the challenger profits.
    function test_wrongResult_ProviderLosesBond() public {
        uint256 id = _postCommitted(p1, WRONG);
        uint256 p1Before = _worth(p1);
        uint256 p3Before = _worth(p3);
        uint256 disputeId = _challengeAs(p3, id);
        _runRound(disputeId, _votes(5, RIGHT));

        assertEq(uint8(opt.getTask(id).status), uint8(IOptimisticMarket.Status.Overturned));
        assertEq(vault.stakeOf(p1), PROVIDER_STAKE - 20 ether, "bond slashed");
        assertEq(vault.lockedOf(p1), 0);
        assertEq(opt.creditOf(requester), REWARD, "refunded");
        // 20 slashed: 50% vault treasury share, of the other 10: 30% to jurors, 7 to the challenger
        assertEq(dm.creditOf(p3), 20 ether + 7 ether);
        assertEq(_worth(p1), p1Before - 20 ether);
        assertEq(_worth(p3), p3Before + 7 ether);
        assertEq(reputation.getRecord(p1).failed, 1, "WrongResult recorded");
        _balanceInvariant();
        vm.prank(p3);
        dm.withdraw();
        _balanceInvariant();
    }

    /// @notice A frivolous challenger loses its bond to the provider, jurors and treasury; the provider is paid.
    function test_frivolousChallenger_LosesBond() public {
        uint256 id = _postCommitted(p1, RIGHT);
        uint256 p3Before = _worth(p3);
        uint256 disputeId = _challengeAs(p3, id);
        address[] memory m = _runRound(disputeId, _votes(5, RIGHT));
        assertEq(uint8(opt.getTask(id).status), uint8(IOptimisticMarket.Status.Settled));
        assertEq(_worth(p3), p3Before - 20 ether);
        assertEq(dm.creditOf(p1), 7 ether);
        assertEq(opt.creditOf(p1), 8 ether);
        assertEq(dm.creditOf(treasury), 10 ether);
        uint256 paid;
        for (uint256 i; i < m.length; ++i) paid += dm.creditOf(m[i]);
        assertEq(paid, 3 ether, "jurors share 30% of the rest, by draws");
        assertEq(vault.lockedOf(p1), 0);
        _balanceInvariant();
    }

    /// @notice A requester cannot farm honest bonds: challenging a right result costs it the bond, and it still pays.
    function test_requesterFarming_LosesMoney() public {
        uint256 id = _postCommitted(p1, RIGHT);
        uint256 before = _worth(requester);
        uint256 disputeId = _challengeAs(requester, id);
        _runRound(disputeId, _votes(5, RIGHT));
        assertEq(_worth(requester), before - 20 ether);
        assertEq(opt.creditOf(requester), 0, "no refund");
        assertEq(vault.stakeOf(p1), PROVIDER_STAKE, "honest bond intact");
    }

    /// @notice Provider + challenger collusion (self-challenge through a second identity) never profits: either way
    ///         the pair ends below what not challenging gives.
    function test_selfChallenge_DoesNotProfit() public {
        // right result, friend challenges: friend loses 20, provider gains 7
        uint256 id = _postCommitted(p1, RIGHT);
        uint256 pairBefore = _worth(p1) + _worth(p3);
        uint256 disputeId = _challengeAs(p3, id);
        _runRound(disputeId, _votes(5, RIGHT));
        uint256 baseline = pairBefore + 8 ether; // the reward share it would have had anyway
        assertLt(_worth(p1) + _worth(p3), baseline);

        // wrong result, friend challenges to "recycle" the bond: the pair loses the treasury and juror shares
        id = _postCommitted(p1, WRONG);
        pairBefore = _worth(p1) + _worth(p3);
        disputeId = _challengeAs(p3, id);
        _runRound(disputeId, _votes(5, RIGHT));
        assertEq(_worth(p1) + _worth(p3), pairBefore - 13 ether);
    }

    // ─────────────────────────────────────────── jurors ───────────────────────────────────────────

    /// @notice A cheating juror minority is slashed and recorded; the majority is paid out of the loser's bond and
    ///         the minority's forfeits.
    function test_cheatingMinority_Slashed() public {
        uint256 id = _postCommitted(p1, RIGHT);
        uint256 disputeId = _challengeAs(p3, id);
        _seatJury(disputeId, jurors);
        address[] memory m = _members(disputeId, jurors);
        // the member with the fewest draws cheats (at most 2 of 5 when there are at least 3 members)
        uint256 cheat;
        for (uint256 i; i < m.length; ++i) if (_draws(disputeId, m[i]) < _draws(disputeId, m[cheat])) cheat = i;
        uint256 cheatDraws = _draws(disputeId, m[cheat]);
        require(cheatDraws * 2 < 5, "fixture: no minority member");
        uint256 cheatBefore = _worth(m[cheat]);
        for (uint256 i; i < m.length; ++i) _commitVote(disputeId, m[i], i == cheat ? WRONG : RIGHT);
        // every draw taken and committed: reveals may start early
        for (uint256 i; i < m.length; ++i) _revealVote(disputeId, m[i], i == cheat ? WRONG : RIGHT);
        dm.resolve(disputeId);

        assertEq(_worth(m[cheat]), cheatBefore - 20 ether * cheatDraws, "minority slashed");
        assertEq(reputation.getRecord(m[cheat]).failed, 1);
        // majority pool: 3 (challenger bond) + half of the minority's bonds (vault treasury share taken)
        uint256 pool = 3 ether + (20 ether * cheatDraws) / 2;
        uint256 perVote = pool / (5 - cheatDraws);
        for (uint256 i; i < m.length; ++i) {
            if (i == cheat) continue;
            assertEq(dm.creditOf(m[i]), perVote * _draws(disputeId, m[i]));
            assertEq(vault.lockedOf(m[i]), 0);
        }
        _balanceInvariant();
    }

    /// @notice Griefing by never revealing: the silent juror forfeits; a round with no majority re-draws, and after
    ///         `maxRounds` the dispute is void (both bonds back, requester refunded, nobody rewarded for stalling).
    function test_neverRevealing_VoidAfterRounds() public {
        uint256 id = _postCommitted(p1, RIGHT);
        uint256 p3Before = _worth(p3);
        uint256 disputeId = _challengeAs(p3, id);
        address[] memory m1 = _runRound(disputeId, _votes(5, 0));
        assertEq(dm.getDispute(disputeId).round, 1, "re-drawn");
        assertTrue(dm.getDispute(disputeId).open);
        for (uint256 i; i < m1.length; ++i) assertEq(vault.lockedOf(m1[i]), 0);
        for (uint256 i; i < m1.length; ++i) assertEq(reputation.getRecord(m1[i]).failed, 1, "NoReveal");
        _balanceInvariant(); // forfeits held across rounds
        // the penalised jurors fell below tier 2; bring them back so the second round can be seated
        for (uint256 i; i < m1.length; ++i) _promote(m1[i], 20);
        _runRound(disputeId, _votes(5, 0));
        assertFalse(dm.getDispute(disputeId).open);
        assertEq(uint8(opt.getTask(id).status), uint8(IOptimisticMarket.Status.Voided));
        assertEq(_worth(p3), p3Before, "challenger bond back");
        assertEq(opt.creditOf(requester), REWARD, "requester refunded");
        assertEq(vault.stakeOf(p1), PROVIDER_STAKE);
        assertEq(vault.lockedOf(p1), 0);
        _balanceInvariant();
    }

    /// @notice One silent juror does not stop a majority; it alone is slashed.
    function test_oneSilentJuror_MajorityStillDecides() public {
        uint256 id = _postCommitted(p1, WRONG);
        uint256 disputeId = _challengeAs(p3, id);
        _seatJury(disputeId, jurors);
        address[] memory m = _members(disputeId, jurors);
        uint256 silent;
        for (uint256 i; i < m.length; ++i) if (_draws(disputeId, m[i]) < _draws(disputeId, m[silent])) silent = i;
        bytes32[] memory v = _votes(m.length, RIGHT);
        v[silent] = 0;
        for (uint256 i; i < m.length; ++i) if (v[i] != 0) _commitVote(disputeId, m[i], v[i]);
        IDisputeManager.Dispute memory d = dm.getDispute(disputeId);
        vm.warp(uint256(d.roundStart) + d.params.voteWindow + 1);
        for (uint256 i; i < m.length; ++i) if (v[i] != 0) _revealVote(disputeId, m[i], v[i]);
        vm.warp(uint256(d.roundStart) + d.params.voteWindow + d.params.revealWindow);
        vm.expectRevert();
        dm.resolve(disputeId);
        vm.warp(uint256(d.roundStart) + d.params.voteWindow + d.params.revealWindow + 1);
        uint256 before = _worth(m[silent]);
        dm.resolve(disputeId);
        assertEq(uint8(opt.getTask(id).status), uint8(IOptimisticMarket.Status.Overturned));
        assertEq(_worth(m[silent]), before - 20 ether * _draws(disputeId, m[silent]));
    }

    /// @notice Front-running: a copied commitment is useless (it binds the juror), and nobody can reveal before every
    ///         draw is committed or the vote window ends.
    function test_frontRunning_CopiedCommitAndEarlyReveal() public {
        uint256 id = _postCommitted(p1, RIGHT);
        uint256 disputeId = _challengeAs(p3, id);
        _seatJury(disputeId, jurors);
        address[] memory m = _members(disputeId, jurors);
        require(m.length >= 2, "fixture: one member");
        bytes32 c0 = _voteC(disputeId, 0, m[0], RIGHT);
        vm.prank(m[0]);
        dm.commitVote(disputeId, c0);
        vm.prank(m[1]);
        dm.commitVote(disputeId, c0); // copies m[0]'s commitment
        IDisputeManager.Dispute memory d = dm.getDispute(disputeId);
        vm.prank(m[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDisputeManager.DisputeTooEarly.selector,
                disputeId,
                uint256(d.roundStart) + d.params.voteWindow + 1
            )
        );
        dm.revealVote(disputeId, RIGHT, _salt(m[0], disputeId));
        vm.warp(uint256(d.roundStart) + d.params.voteWindow + 1);
        _revealVote(disputeId, m[0], RIGHT);
        vm.prank(m[1]);
        vm.expectRevert(abi.encodeWithSelector(IDisputeManager.DisputeBadReveal.selector, disputeId, m[1]));
        dm.revealVote(disputeId, RIGHT, _salt(m[0], disputeId));
        vm.prank(m[0]);
        vm.expectRevert(abi.encodeWithSelector(IDisputeManager.DisputeBadReveal.selector, disputeId, m[0]));
        dm.revealVote(disputeId, RIGHT, _salt(m[0], disputeId));
        // committing after the vote window is too late
        vm.prank(m[1]);
        vm.expectRevert();
        dm.commitVote(disputeId, bytes32(uint256(1)));
    }

    /// @notice Parties, their operators, low tiers and suspended providers cannot sit on the jury.
    function test_takeSeat_RevertWhen_PartyOrIneligible() public {
        // p3 (tier 2) challenges p1's task; operator1 acts for p1
        uint256 id = _postCommitted(p1, WRONG);
        uint256 disputeId = _challengeAs(p3, id);
        IDisputeManager.Dispute memory d = dm.getDispute(disputeId);
        vm.prank(jurors[0]);
        vm.expectRevert(abi.encodeWithSelector(IDisputeManager.DisputeDrawPending.selector, disputeId, d.seedBlock));
        dm.takeSeat(disputeId);
        vm.roll(uint256(d.seedBlock) + 1);
        vm.warp(block.timestamp + 1 hours);
        address[4] memory bad = [p1, operator1, p3, p2];
        for (uint256 i; i < 4; ++i) {
            vm.prank(bad[i]);
            vm.expectRevert(abi.encodeWithSelector(IDisputeManager.DisputeJurorIneligible.selector, disputeId, bad[i]));
            dm.takeSeat(disputeId);
        }
        for (uint256 i; i < 5; ++i) reputation.record(jurors[6], IReputation.Outcome.WrongResult);
        vm.prank(jurors[6]);
        vm.expectRevert(abi.encodeWithSelector(IDisputeManager.DisputeJurorIneligible.selector, disputeId, jurors[6]));
        dm.takeSeat(disputeId);
    }

    /// @notice Sybils: an operator's seat is its owner's seat (one holder per owner), and stake added after the seed
    ///         is known buys no earlier turn.
    function test_sybil_OperatorIsOwnerAndLateStakeIgnored() public {
        uint256 id = _postCommitted(p2, WRONG);
        uint256 disputeId = _challengeAs(p3, id);
        IDisputeManager.Dispute memory d = dm.getDispute(disputeId);
        vm.roll(uint256(d.seedBlock) + 1);
        address j = jurors[0];
        uint256 at = dm.seatableAt(disputeId, j);
        token.transfer(j, 10_000 ether);
        vm.startPrank(j);
        vault.stake(10_000 ether);
        vm.stopPrank();
        assertGe(dm.seatableAt(disputeId, j), at, "late stake does not advance the turn");
        // p1 is promoted; its operator takes a draw that lands on p1
        _promote(p1, 20);
        vm.warp(dm.seatableAt(disputeId, p1));
        vm.prank(operator1);
        dm.takeSeat(disputeId);
        assertEq(_draws(disputeId, p1), 1);
        assertEq(_draws(disputeId, operator1), 0);
        vm.warp(dm.seatableAt(disputeId, p1));
        vm.prank(operator1);
        dm.takeSeat(disputeId);
        assertEq(_draws(disputeId, p1), 2, "the same owner, more draws by its stake's turns, one seat holder");
        assertEq(dm.getDispute(disputeId).members, 1);
    }

    /// @notice A sybil set (one party's stake split over many identities) gets the same share of draws as one
    ///         identity with that stake: the party's share of draws tracks its share of stake, whatever the split.
    function test_sybil_SplitDoesNotRaiseDrawShare() public pure {
        uint256 honest = 7;
        uint256 honestStake = 500 ether;
        uint256 attackerStake = 500 ether; // 1/8 of the total
        uint256 total = honest * honestStake + attackerStake;
        uint256 splitWins;
        uint256 soloWins;
        uint256 draws;
        for (uint256 seed = 1; seed <= 150; ++seed) {
            for (uint256 j; j < 5; ++j) {
                uint256 bestHonest = type(uint256).max;
                for (uint256 h; h < honest; ++h) {
                    address who = address(uint160(0x1000 + h));
                    uint256 t = DrawLib.turnDelay(DrawLib.key(DrawLib.ticket(seed, j, who)), honestStake, total, 30);
                    if (t < bestHonest) bestHonest = t;
                }
                uint256 bestSplit = type(uint256).max;
                for (uint256 s; s < 5; ++s) {
                    address who = address(uint160(0x2000 + s));
                    uint256 t = DrawLib.turnDelay(
                        DrawLib.key(DrawLib.ticket(seed, j, who)),
                        attackerStake / 5,
                        total,
                        30
                    );
                    if (t < bestSplit) bestSplit = t;
                }
                uint256 solo = DrawLib.turnDelay(
                    DrawLib.key(DrawLib.ticket(seed, j, address(0x3000))),
                    attackerStake,
                    total,
                    30
                );
                if (bestSplit < bestHonest) ++splitWins;
                if (solo < bestHonest) ++soloWins;
                ++draws;
            }
        }
        // expected 1/8 = 12.5% of 750 draws (sd ~1.2%): both within 8%..17%
        assertGt(splitWins * 100, draws * 8);
        assertLt(splitWins * 100, draws * 17);
        assertGt(soloWins * 100, draws * 8);
        assertLt(soloWins * 100, draws * 17);
    }

    /// @notice Conservation over the parameter range: every token of both bonds ends credited to someone (parties,
    ///         jurors, treasury) or back in stake; nothing is created.
    function testFuzz_resolve_Conserves(uint16 jurorShareBps, uint16 slashTreasuryBps, bool providerRight) public {
        IDisputeManager.Params memory p = _dmParams();
        p.jurorShareBps = uint16(bound(jurorShareBps, 0, 5_000));
        vm.startPrank(admin);
        dm.setParams(p);
        vault.setSlashTreasuryBps(uint16(bound(slashTreasuryBps, 0, 10_000)));
        vm.stopPrank();
        uint256 id = _postCommitted(p1, providerRight ? RIGHT : WRONG);
        uint256 systemBefore =
            token.balanceOf(address(vault)) + token.balanceOf(address(opt)) + token.balanceOf(address(dm));
        uint256 disputeId = _challengeAs(p3, id);
        _runRound(disputeId, _votes(5, RIGHT));
        uint256 systemAfter =
            token.balanceOf(address(vault)) + token.balanceOf(address(opt)) + token.balanceOf(address(dm));
        assertEq(systemAfter, systemBefore + 20 ether, "only the challenge bond entered");
        _balanceInvariant();
        assertEq(token.balanceOf(address(vault)), vault.totalStake() + _vaultCredits(), "vault holds stake + credits");
    }

    function _vaultCredits() internal view returns (uint256 s) {
        s = vault.creditOf(treasury) + vault.creditOf(address(dm));
    }

    /// @notice Reentrancy on payouts: a token that calls back into withdraw during the transfer is rejected.
    function test_withdraw_RejectsReentrancy() public {
        ReentrantERC20 rt = new ReentrantERC20();
        StakingVault v2 = new StakingVault(IERC20(address(rt)), admin, treasury, 7 days, 5000);
        OptimisticMarket o2 = new OptimisticMarket(admin, v2, providers, models, reputation, _optParams());
        rt.mint(requester, 100 ether);
        vm.startPrank(requester);
        rt.approve(address(o2), type(uint256).max);
        uint256 id = o2.postTask(onnxModel, INPUT_C, "", 10 ether, uint40(block.timestamp + 1 hours), 1);
        vm.stopPrank();
        vm.warp(block.timestamp + 2 hours);
        o2.settle(id); // no claim: refund credited
        rt.arm(address(o2), abi.encodeCall(IOptimisticMarket.withdraw, ()));
        vm.prank(requester);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        o2.withdraw();
        // the failed call rolled the arming back: re-arm with a harmless callback, then withdraw normally
        rt.arm(address(rt), abi.encodeCall(IERC20.totalSupply, ()));
        vm.prank(requester);
        o2.withdraw();
        assertEq(rt.balanceOf(requester), 100 ether);
    }

    function test_setParams_Bounds() public {
        IDisputeManager.Params memory p = _dmParams();
        vm.startPrank(admin);
        p.jurySize = 4;
        vm.expectRevert(abi.encodeWithSelector(IDisputeManager.DisputeInvalidParam.selector, 0, 4));
        dm.setParams(p);
        p.jurySize = 17;
        vm.expectRevert(abi.encodeWithSelector(IDisputeManager.DisputeInvalidParam.selector, 0, 17));
        dm.setParams(p);
        p.jurySize = 15;
        dm.setParams(p);
        p.jurySize = 3;
        dm.setParams(p);
        p.jurySize = 1;
        vm.expectRevert(abi.encodeWithSelector(IDisputeManager.DisputeInvalidParam.selector, 0, 1));
        dm.setParams(p);
        p = _dmParams();
        p.maxRounds = 4;
        vm.expectRevert(abi.encodeWithSelector(IDisputeManager.DisputeInvalidParam.selector, 2, 4));
        dm.setParams(p);
        p.maxRounds = 0;
        vm.expectRevert(abi.encodeWithSelector(IDisputeManager.DisputeInvalidParam.selector, 2, 0));
        dm.setParams(p);
        p = _dmParams();
        p.jurorShareBps = 5_001;
        vm.expectRevert(abi.encodeWithSelector(IDisputeManager.DisputeInvalidParam.selector, 6, 5_001));
        dm.setParams(p);
        p = _dmParams();
        p.voteWindow = 10 minutes - 1;
        vm.expectRevert(abi.encodeWithSelector(IDisputeManager.DisputeInvalidParam.selector, 3, 10 minutes - 1));
        dm.setParams(p);
        p.voteWindow = 3 days + 1;
        vm.expectRevert(abi.encodeWithSelector(IDisputeManager.DisputeInvalidParam.selector, 3, 3 days + 1));
        dm.setParams(p);
        p = _dmParams();
        p.jurorBond = 1e15 - 1;
        vm.expectRevert(abi.encodeWithSelector(IDisputeManager.DisputeInvalidParam.selector, 7, 1e15 - 1));
        dm.setParams(p);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(IDisputeManager.DisputeNotMarket.selector, address(this)));
        dm.open(1, p1, p3, p3, requester, RIGHT, 1, 1, false);
    }

    /// @notice A jury of 3 and of 7 decide the same way (parameter range).
    function test_jurySizes_3And7() public {
        uint8[2] memory sizes = [3, 7];
        for (uint256 k; k < 2; ++k) {
            IDisputeManager.Params memory p = _dmParams();
            p.jurySize = sizes[k];
            vm.prank(admin);
            dm.setParams(p);
            uint256 id = _postCommitted(p1, WRONG);
            uint256 disputeId = _challengeAs(p3, id);
            _runRound(disputeId, _votes(7, RIGHT));
            assertEq(uint8(opt.getTask(id).status), uint8(IOptimisticMarket.Status.Overturned));
            _balanceInvariant();
        }
    }

    /// @dev Draws the audit of a committed task past its readable seed (so it is selected) and takes it as a1.
    function _auditAsA1(uint256 id) internal {
        vm.roll(block.number + 300);
        opt.drawAudit(id);
        uint256 at = opt.auditableAt(id, a1);
        if (block.timestamp < at) vm.warp(at);
        vm.prank(a1);
        opt.takeAudit(id);
    }

    /// @notice A failed audit: the auditor challenges, the jury agrees, the provider is recorded FailedAudit and the
    ///         auditor gets the finder's share.
    function test_audit_FailedAuditPaysFinder() public {
        uint256 id = _postCommitted(p1, WRONG);
        _auditAsA1(id);
        uint256 before = _worth(a1);
        vm.prank(a1);
        uint256 disputeId = opt.challenge(id);
        assertTrue(dm.getDispute(disputeId).byAuditor);
        assertEq(vault.lockedOf(a1), 0, "audit bond released, challenge bond paid");
        vm.recordLogs();
        _runRound(disputeId, _votes(5, RIGHT));
        assertEq(uint8(opt.getTask(id).audit), uint8(IOptimisticMarket.AuditState.Disputed));
        assertEq(_worth(a1), before + 7 ether, "finder fee");
        assertEq(reputation.getRecord(p1).failed, 1);
        _balanceInvariant();
    }

    /// @notice A passed audit keeps its fee when someone else later challenges and the provider wins: the auditor
    ///         checked the result and was right, so it is paid as an unchallenged settlement would pay it.
    function test_audit_PassedAuditFeePaidWhenProviderWinsLaterChallenge() public {
        uint256 id = _postCommitted(p1, RIGHT);
        _auditAsA1(id);
        vm.prank(a1);
        opt.confirmAudit(id);
        assertLe(block.timestamp, opt.getTask(id).challengeEnds, "still inside the challenge window");
        uint256 disputeId = _challengeAs(requester, id);
        _runRound(disputeId, _votes(5, RIGHT));
        assertEq(uint8(opt.getTask(id).status), uint8(IOptimisticMarket.Status.Settled));
        assertEq(uint8(opt.getTask(id).audit), uint8(IOptimisticMarket.AuditState.Passed));
        // the split of test_audit_PassPaysFeeFromTreasuryShare: 10% to the auditor out of the 15% treasury share
        assertEq(opt.creditOf(a1), 1 ether, "audit fee");
        assertEq(opt.creditOf(treasury), 0.5 ether, "15% - 10%");
        assertEq(opt.creditOf(p1), 8 ether, "the provider's share is untouched");
        _balanceInvariant();
    }

    // ─────────────────────────────────────────── task faults ───────────────────────────────────────────

    /// @dev Settles a committed task once its windows have passed (letting a selected audit run out unclaimed).
    function _settleAfterWindows(uint256 id) internal {
        IOptimisticMarket.Task memory t = opt.getTask(id);
        vm.warp(uint256(t.challengeEnds) + 1);
        vm.roll(uint256(t.commitBlock) + 2);
        opt.settle(id);
        if (opt.getTask(id).audit == IOptimisticMarket.AuditState.Selected) {
            vm.warp(uint256(opt.getTask(id).auditDeadline) + 1);
            opt.settle(id);
        }
    }

    /// @notice Attack: a lazy provider claims tasks and reports a task fault on each without running anything. An
    ///         unchallenged fault refunds the requester less the protocol fee and pays the provider nothing (before this
    ///         rule it was paid the full provider share, 80% of the reward, for no work), records no success, and
    ///         returns the bond. The same work done honestly earns 8 EAI per task.
    function test_fault_LazyProviderReportingFaultsEarnsNothing() public {
        bytes32 fault = dm.TASK_FAULT_RESULT();
        uint256 before = _worth(p1);
        uint256 requesterBefore = _worth(requester);
        for (uint256 i; i < 3; ++i) {
            uint256 id = _postCommitted(p1, fault);
            _settleAfterWindows(id);
            assertEq(uint8(opt.getTask(id).status), uint8(IOptimisticMarket.Status.Faulted));
        }
        assertEq(_worth(p1), before, "the provider earns nothing and loses nothing");
        assertEq(vault.lockedOf(p1), 0, "bonds back");
        assertEq(reputation.getRecord(p1).completed, 0, "no success for a fault");
        // each fault costs the requester the 15% protocol fee; the creator gets nothing (its model did not run)
        assertEq(opt.creditOf(requester), 3 * 8.5 ether, "refund = reward - protocol fee");
        assertEq(_worth(requester), requesterBefore - 3 * 1.5 ether);
        assertEq(opt.creditOf(treasury), 3 * 1.5 ether);
        assertEq(opt.creditOf(creator), 0);
        _balanceInvariant();
    }

    /// @notice A real fault challenged by the requester: the jury re-executes, also finds the fault, and the
    ///         provider wins. The task still ends Faulted (no reward paid for a fault); the frivolous challenger's
    ///         bond pays the provider, the jurors and the treasury as in any ProviderWins.
    function test_fault_UpheldByJuryEndsFaulted() public {
        bytes32 fault = dm.TASK_FAULT_RESULT();
        uint256 id = _postCommitted(p1, fault);
        uint256 disputeId = _challengeAs(requester, id);
        _runRound(disputeId, _votes(5, fault));
        assertEq(uint8(opt.getTask(id).status), uint8(IOptimisticMarket.Status.Faulted));
        assertEq(opt.creditOf(p1), 0, "no reward for a fault");
        assertEq(opt.creditOf(requester), 8.5 ether);
        assertEq(dm.creditOf(p1), 7 ether, "the challenge bond's provider share (20: 10 treasury, 3 jurors)");
        assertEq(vault.lockedOf(p1), 0);
        _balanceInvariant();
    }

    /// @notice A false fault (the input was fine): a challenger's jury finds the real result and the provider loses
    ///         its bond, as for any wrong result.
    function test_fault_FalseFaultOverturnedAndSlashed() public {
        uint256 id = _postCommitted(p1, dm.TASK_FAULT_RESULT());
        uint256 disputeId = _challengeAs(p3, id);
        _runRound(disputeId, _votes(5, RIGHT));
        assertEq(uint8(opt.getTask(id).status), uint8(IOptimisticMarket.Status.Overturned));
        assertEq(vault.stakeOf(p1), PROVIDER_STAKE - 20 ether, "bond slashed");
        assertEq(opt.creditOf(requester), REWARD, "refunded in full");
        assertEq(dm.creditOf(p3), 20 ether + 7 ether, "bond back plus the finder's share");
        _balanceInvariant();
    }

    /// @notice A passed audit of a fault is paid its fee out of the protocol fee, like a passed audit of a result.
    function test_fault_PassedAuditFeeComesOutOfTheProtocolFee() public {
        uint256 id = _postCommitted(p1, dm.TASK_FAULT_RESULT());
        _auditAsA1(id);
        vm.prank(a1);
        opt.confirmAudit(id);
        vm.warp(uint256(opt.getTask(id).challengeEnds) + 1);
        vm.expectEmit(true, true, false, true, address(opt));
        emit IOptimisticMarket.TaskFaulted(id, p1, 8.5 ether, 0.5 ether, 1 ether);
        opt.settle(id);
        assertEq(opt.creditOf(a1), 1 ether);
        assertEq(opt.creditOf(treasury), 0.5 ether);
        assertEq(opt.creditOf(requester), 8.5 ether, "the requester's refund does not pay for the audit");
        _balanceInvariant();
    }

    /// @notice Attack: a lazy auditor confirms a wrong result without re-executing, hoping nobody challenges. A
    ///         watcher does; the jury overturns the result, and the auditor's bond (held since it confirmed) is
    ///         slashed to the treasury, with WrongResult recorded. Before this rule its bond came back at
    ///         confirmation and nothing happened to it. The challenger gets no share of the auditor's bond.
    function test_audit_LazyAuditorPassingWrongResultIsSlashedWhenOverturned() public {
        uint256 id = _postCommitted(p1, WRONG);
        _auditAsA1(id);
        vm.prank(a1);
        opt.confirmAudit(id);
        uint256 a1Before = _worth(a1);
        uint32 failedBefore = reputation.getRecord(a1).failed;
        uint256 disputeId = _challengeAs(p3, id);
        vm.recordLogs();
        _runRound(disputeId, _votes(5, RIGHT));
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 found;
        for (uint256 i; i < logs.length; ++i) {
            if (
                logs[i].emitter != address(opt) || logs[i].topics[0] != IOptimisticMarket.PassedAuditOverturned.selector
            ) continue;
            ++found;
            assertEq(logs[i].topics[1], bytes32(id));
            assertEq(logs[i].topics[2], bytes32(uint256(uint160(a1))));
            assertEq(abi.decode(logs[i].data, (uint128)), 20 ether);
        }
        assertEq(found, 1, "PassedAuditOverturned emitted once");
        assertEq(uint8(opt.getTask(id).status), uint8(IOptimisticMarket.Status.Overturned));
        assertEq(vault.stakeOf(a1), PROVIDER_STAKE - 20 ether, "the auditor's bond is slashed");
        assertEq(vault.lockedOf(a1), 0);
        assertEq(_worth(a1), a1Before - 20 ether, "and no fee");
        assertEq(reputation.getRecord(a1).failed, failedBefore + 1, "WrongResult recorded");
        assertEq(dm.creditOf(p3), 20 ether + 7 ether, "the challenger's share comes from the provider's bond only");
        _balanceInvariant();
    }

    /// @notice A void dispute proves nothing: a passed audit's bond comes back, without a fee.
    function test_audit_PassedAuditBondReleasedWhenDisputeVoid() public {
        uint256 id = _postCommitted(p1, RIGHT);
        _auditAsA1(id);
        vm.prank(a1);
        opt.confirmAudit(id);
        uint256 a1Before = _worth(a1);
        uint256 disputeId = _challengeAs(p3, id);
        address[] memory m1 = _runRound(disputeId, _votes(5, 0));
        // the silent jurors fell below tier 2; bring them back so the second round can be seated
        for (uint256 i; i < m1.length; ++i) _promote(m1[i], 20);
        _runRound(disputeId, _votes(5, 0));
        assertEq(uint8(opt.getTask(id).status), uint8(IOptimisticMarket.Status.Voided));
        assertEq(vault.lockedOf(a1), 0, "released");
        assertEq(_worth(a1), a1Before, "nothing lost, nothing earned");
        _balanceInvariant();
    }
}
