// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {OptimisticFixture} from "./utils/OptimisticFixture.sol";
import {OptimisticMarket} from "../../contracts/optimistic/OptimisticMarket.sol";
import {IOptimisticMarket} from "../../contracts/interfaces/IOptimisticMarket.sol";
import {IReputation} from "../../contracts/interfaces/IReputation.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

contract OptimisticMarketTest is OptimisticFixture {
    // ─────────────────────────────────────────── happy path ───────────────────────────────────────────

    /// @notice Unchallenged, not audited: settles after the window with the governed split, bond back, success.
    function test_settle_UnchallengedPaysSplit() public {
        uint256 id = _postCommitted(p1, RIGHT);
        IOptimisticMarket.Task memory t = opt.getTask(id);
        assertEq(vault.lockedOf(p1), 20 ether, "bond = 2x reward");
        vm.warp(uint256(t.challengeEnds));
        vm.expectRevert(
            abi.encodeWithSelector(IOptimisticMarket.OptimisticTooEarly.selector, id, uint256(t.challengeEnds) + 1)
        );
        opt.settle(id);
        vm.warp(uint256(t.challengeEnds) + 1);
        vm.roll(uint256(t.commitBlock) + 2);
        bool audited = _auditSelected(id, t.commitBlock, 1_000);
        opt.settle(id);
        if (audited) {
            // drawn for audit: the settlement waits; let it pass unclaimed
            assertEq(uint8(opt.getTask(id).audit), uint8(IOptimisticMarket.AuditState.Selected));
            vm.warp(opt.getTask(id).auditDeadline + 1);
            opt.settle(id);
        }
        assertEq(uint8(opt.getTask(id).status), uint8(IOptimisticMarket.Status.Settled));
        assertEq(opt.creditOf(p1), 8 ether, "80%");
        assertEq(opt.creditOf(creator), 0.5 ether, "5%");
        assertEq(opt.creditOf(treasury), 1.5 ether, "15%");
        assertEq(vault.lockedOf(p1), 0);
        assertEq(reputation.getRecord(p1).completed, 1);
        _balanceInvariant();
        vm.prank(p1);
        opt.withdraw();
        assertEq(token.balanceOf(p1), 500 ether + 8 ether);
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticNothingToWithdraw.selector, p1));
        opt.withdraw();
        _balanceInvariant();
    }

    // ─────────────────────────────────────────── posting ───────────────────────────────────────────

    function test_post_RevertWhen_BadRequest() public {
        vm.startPrank(requester);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticInvalidRequest.selector, "reward"));
        opt.postTask(onnxModel, INPUT_C, "", 0, uint40(block.timestamp + 1 days), 1);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticInvalidRequest.selector, "minTier"));
        opt.postTask(onnxModel, INPUT_C, "", 1, uint40(block.timestamp + 1 days), 4);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticInvalidRequest.selector, "deadline"));
        opt.postTask(onnxModel, INPUT_C, "", 1, uint40(block.timestamp + 30 days + 1), 1);
        opt.postTask(onnxModel, INPUT_C, "", 1, uint40(block.timestamp + 30 days), 1);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticInvalidRequest.selector, "deadline"));
        opt.postTask(onnxModel, INPUT_C, "", 1, uint40(block.timestamp), 1);
        vm.stopPrank();
        vm.prank(creator);
        models.setModelActive(onnxModel, false);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticModelInactive.selector, onnxModel));
        opt.postTask(onnxModel, INPUT_C, "", 1, uint40(block.timestamp + 1 days), 1);
    }

    // ─────────────────────────────────────────── assignment ───────────────────────────────────────────

    /// @notice Both sides of the draw turn, computed independently from the block hash and the stakes.
    function test_claim_TurnBoundary() public {
        uint256 id = _post();
        IOptimisticMarket.Task memory t = opt.getTask(id);
        vm.prank(p2);
        vm.expectRevert(
            abi.encodeWithSelector(IOptimisticMarket.OptimisticDrawPending.selector, id, uint256(t.createdBlock) + 1)
        );
        opt.claim(id);
        vm.roll(uint256(t.createdBlock) + 2);
        uint256 seed = uint256(keccak256(abi.encode(blockhash(uint256(t.createdBlock) + 1), id)));
        uint256 expected = _turnOf(seed, 0, p2, PROVIDER_STAKE, t.createdAt);
        assertEq(opt.claimableAt(id, p2), expected);
        if (expected > block.timestamp) {
            vm.warp(expected - 1);
            vm.prank(p2);
            vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticNotYourTurn.selector, id, p2, expected));
            opt.claim(id);
        }
        vm.warp(expected);
        vm.prank(p2);
        opt.claim(id);
        assertEq(opt.getTask(id).provider, p2);
    }

    function test_claim_RevertWhen_TierTooLowOrIneligible() public {
        vm.prank(requester);
        uint256 id = opt.postTask(onnxModel, INPUT_C, "", uint96(REWARD), uint40(block.timestamp + 1 days), 2);
        vm.roll(block.number + 2);
        vm.warp(block.timestamp + 1 days - 1);
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticTierTooLow.selector, p1, 1, 2));
        opt.claim(id);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticIneligible.selector, stranger));
        opt.claim(id);
        // suspended provider: four failures push trust below the threshold
        for (uint256 i; i < 5; ++i) reputation.record(p3, IReputation.Outcome.WrongResult);
        assertTrue(reputation.isSuspended(p3));
        vm.prank(p3);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticIneligible.selector, p3));
        opt.claim(id);
    }

    /// @notice The requester cannot serve its own task (it would farm reputation on work it checks itself).
    function test_claim_RevertWhen_RequesterIsProvider() public {
        vm.prank(p2);
        uint256 id = opt.postTask(onnxModel, INPUT_C, "", uint96(REWARD), uint40(block.timestamp + 1 days), 1);
        vm.roll(block.number + 2);
        vm.warp(block.timestamp + 1 days - 1);
        vm.prank(p2);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticIneligible.selector, p2));
        opt.claim(id);
    }

    /// @notice An operator claims and commits for its owner; others cannot commit.
    function test_commit_ByOperatorAndRevertWhenStranger() public {
        uint256 id = _post();
        _claimAs(operator1, id);
        assertEq(opt.getTask(id).provider, p1);
        vm.prank(p2);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticNotAssigned.selector, id, p2));
        opt.commitResult(id, RIGHT, "");
        vm.prank(operator1);
        vm.expectRevert(IOptimisticMarket.OptimisticZeroResult.selector);
        opt.commitResult(id, 0, "");
        vm.prank(operator1);
        opt.commitResult(id, RIGHT, "");
        assertEq(opt.getTask(id).resultHash, RIGHT);
    }

    /// @notice No result by the deadline: the requester is refunded, the bond goes to the treasury (via the vault).
    function test_settle_MissedDeadlineSlashesToTreasury() public {
        uint256 id = _post();
        _claimAs(p1, id);
        IOptimisticMarket.Task memory t = opt.getTask(id);
        vm.warp(t.deadline);
        vm.expectRevert(
            abi.encodeWithSelector(IOptimisticMarket.OptimisticTooEarly.selector, id, uint256(t.deadline) + 1)
        );
        opt.settle(id);
        vm.warp(uint256(t.deadline) + 1);
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticTooLate.selector, id, t.deadline));
        opt.commitResult(id, RIGHT, "");
        opt.settle(id);
        assertEq(opt.creditOf(requester), REWARD);
        assertEq(vault.stakeOf(p1), PROVIDER_STAKE - 20 ether);
        assertEq(vault.creditOf(treasury), 20 ether, "all of it to the treasury: the requester chose the deadline");
        assertEq(reputation.getRecord(p1).failed, 1);
        _balanceInvariant();
    }

    // ─────────────────────────────────────────── challenges ───────────────────────────────────────────

    function test_challenge_RevertWhen_SelfOrLowTierOrLate() public {
        uint256 id = _postCommitted(p1, WRONG);
        vm.prank(operator1);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticSelfChallenge.selector, id, operator1));
        opt.challenge(id);
        vm.prank(p2); // tier 1 < minChallengerTier 2
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticTierTooLow.selector, p2, 1, 2));
        opt.challenge(id);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticIneligible.selector, stranger));
        opt.challenge(id);
        uint40 ends = opt.getTask(id).challengeEnds;
        vm.warp(uint256(ends) + 1);
        vm.prank(p3);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticTooLate.selector, id, ends));
        opt.challenge(id);
    }

    /// @notice At the last second of the window a tier-2 provider may challenge; its bond moves to the dispute manager.
    function test_challenge_AtWindowEndMovesBond() public {
        uint256 id = _postCommitted(p1, WRONG);
        vm.warp(opt.getTask(id).challengeEnds);
        uint256 before = token.balanceOf(p3);
        uint256 disputeId = _challengeAs(p3, id);
        assertEq(before - token.balanceOf(p3), 20 ether);
        assertEq(dm.totalHeld(), 20 ether);
        assertEq(uint8(opt.getTask(id).status), uint8(IOptimisticMarket.Status.Challenged));
        assertEq(dm.getDispute(disputeId).challenger, p3);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOptimisticMarket.OptimisticWrongStatus.selector,
                id,
                IOptimisticMarket.Status.Challenged
            )
        );
        opt.settle(id);
        _balanceInvariant();
    }

    function test_applyVerdict_RevertWhen_NotDisputeManager() public {
        uint256 id = _postCommitted(p1, RIGHT);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticNotDisputeManager.selector, address(this)));
        opt.applyVerdict(id, IOptimisticMarket.Verdict.ChallengerWins);
    }

    // ─────────────────────────────────────────── audits ───────────────────────────────────────────

    /// @notice The audit draw equals an independent computation from the hash of the block after the commit.
    function testFuzz_drawAudit_MatchesReference(uint16 bps, uint8 rolls) public {
        bps = uint16(bound(bps, 0, 5_000));
        IOptimisticMarket.Params memory p = _optParams();
        p.auditBps = bps;
        vm.prank(admin);
        opt.setParams(p);
        vm.roll(block.number + rolls);
        uint256 id = _postCommitted(p1, RIGHT);
        uint48 cb = opt.getTask(id).commitBlock;
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticDrawPending.selector, id, uint256(cb) + 1));
        opt.drawAudit(id);
        vm.roll(uint256(cb) + 2);
        opt.drawAudit(id);
        bool selected = opt.getTask(id).audit == IOptimisticMarket.AuditState.Selected;
        assertEq(selected, _auditSelected(id, cb, bps));
        if (bps == 0) assertFalse(selected);
    }

    /// @notice Fail closed: once the seed block's hash is unreadable the task is always audited, so a provider gains
    ///         nothing by hoping nobody reads the draw in time.
    function test_drawAudit_FallbackSelects() public {
        IOptimisticMarket.Params memory p = _optParams();
        p.auditBps = 0;
        vm.prank(admin);
        opt.setParams(p);
        uint256 id = _postCommitted(p1, RIGHT);
        vm.roll(block.number + 300);
        vm.expectEmit(true, false, false, false, address(opt));
        emit IOptimisticMarket.AuditDrawn(id, true, true, 0);
        opt.drawAudit(id);
        assertEq(uint8(opt.getTask(id).audit), uint8(IOptimisticMarket.AuditState.Selected));
    }

    function _selectedTask() internal returns (uint256 id) {
        id = _postCommitted(p1, RIGHT);
        vm.roll(block.number + 300);
        opt.drawAudit(id);
    }

    function _takeAuditAs(address who, uint256 id) internal {
        uint256 at = opt.auditableAt(id, who);
        if (block.timestamp < at) vm.warp(at);
        vm.prank(who);
        opt.takeAudit(id);
    }

    /// @notice A passed audit pays the auditor its fee out of the treasury share, never from the requester; its bond
    ///         stays locked from the confirmation until the settlement.
    function test_audit_PassPaysFeeFromTreasuryShare() public {
        uint256 id = _selectedTask();
        vm.prank(p2); // tier 1 cannot audit a tier-1 provider
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticTierTooLow.selector, p2, 1, 2));
        opt.takeAudit(id);
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticIneligible.selector, p1));
        opt.takeAudit(id);
        _takeAuditAs(a1, id);
        assertEq(vault.lockedOf(a1), 20 ether);
        vm.prank(a1);
        opt.confirmAudit(id);
        assertEq(vault.lockedOf(a1), 20 ether, "the auditor vouches for the result until the task closes");
        vm.warp(uint256(opt.getTask(id).challengeEnds) + 1);
        opt.settle(id);
        assertEq(vault.lockedOf(a1), 0, "released once the result stands");
        assertEq(uint8(opt.getTask(id).status), uint8(IOptimisticMarket.Status.Settled));
        assertEq(opt.creditOf(a1), 1 ether, "10% of the reward");
        assertEq(opt.creditOf(treasury), 0.5 ether, "15% - 10%");
        assertEq(opt.creditOf(p1), 8 ether, "the provider's share is untouched");
        _balanceInvariant();
    }

    /// @notice An auditor that takes an audit and never reports is slashed (to the treasury) and recorded MissedAudit;
    ///         the honest provider still gets paid.
    function test_audit_MissedSlashesAuditor() public {
        uint256 id = _selectedTask();
        _takeAuditAs(a1, id);
        IOptimisticMarket.Task memory t = opt.getTask(id);
        uint256 end = t.auditDeadline > t.challengeEnds ? t.auditDeadline : t.challengeEnds;
        vm.warp(end);
        vm.expectRevert();
        opt.settle(id);
        vm.warp(end + 1);
        uint32 availBefore = reputation.getRecord(a1).failed;
        opt.settle(id);
        assertEq(uint8(opt.getTask(id).audit), uint8(IOptimisticMarket.AuditState.Missed));
        assertEq(vault.stakeOf(a1), PROVIDER_STAKE - 20 ether);
        assertEq(reputation.getRecord(a1).failed, availBefore + 1);
        assertEq(opt.creditOf(p1), 8 ether);
        assertEq(opt.creditOf(a1), 0);
    }

    /// @notice Parameter bounds, both sides of each, and only the admin (timelock).
    function test_setParams_Bounds() public {
        IOptimisticMarket.Params memory p = _optParams();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, address(this), bytes32(0))
        );
        opt.setParams(p);
        vm.startPrank(admin);
        p.challengeWindow = 10 minutes;
        opt.setParams(p);
        p.challengeWindow = 10 minutes - 1;
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticInvalidParam.selector, 0, 10 minutes - 1));
        opt.setParams(p);
        p.challengeWindow = 7 days;
        opt.setParams(p);
        p.challengeWindow = 7 days + 1;
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticInvalidParam.selector, 0, 7 days + 1));
        opt.setParams(p);
        p = _optParams();
        p.bondBps = 9_999;
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticInvalidParam.selector, 3, 9_999));
        opt.setParams(p);
        p.bondBps = 100_001;
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticInvalidParam.selector, 3, 100_001));
        opt.setParams(p);
        p = _optParams();
        p.challengeBondBps = 1_999;
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticInvalidParam.selector, 4, 1_999));
        opt.setParams(p);
        p.challengeBondBps = 20_001;
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticInvalidParam.selector, 4, 20_001));
        opt.setParams(p);
        p = _optParams();
        p.auditBps = 5_001;
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticInvalidParam.selector, 5, 5_001));
        opt.setParams(p);
        p.auditBps = 5_000;
        opt.setParams(p);
        p = _optParams();
        p.auditFeeBps = p.protocolFeeBps + 1;
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticInvalidParam.selector, 8, p.auditFeeBps));
        opt.setParams(p);
        p = _optParams();
        p.minChallengerTier = 0;
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticInvalidParam.selector, 9, 0));
        opt.setParams(p);
        p.minChallengerTier = 4;
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticInvalidParam.selector, 9, 4));
        opt.setParams(p);
        p = _optParams();
        p.minBond = 1e15 - 1;
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticInvalidParam.selector, 11, 1e15 - 1));
        opt.setParams(p);
        p.minBond = 1e24 + 1;
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticInvalidParam.selector, 11, 1e24 + 1));
        opt.setParams(p);
        vm.expectRevert(IOptimisticMarket.OptimisticDisputeManagerAlreadySet.selector);
        opt.setDisputeManager(address(1));
        vm.stopPrank();
    }

    /// @notice The bond is never below the reward (cheating never pays) over the whole parameter range.
    function testFuzz_bondFor_AtLeastReward(uint96 reward, uint32 bondBps, uint128 minBond) public {
        IOptimisticMarket.Params memory p = _optParams();
        p.bondBps = uint32(bound(bondBps, 10_000, 100_000));
        p.minBond = uint128(bound(minBond, 1e15, 1e24));
        vm.prank(admin);
        opt.setParams(p);
        uint128 bond = opt.bondFor(reward);
        assertGe(bond, reward);
        assertGe(bond, p.minBond);
        assertEq(bond, _max((uint256(reward) * p.bondBps) / 10_000, p.minBond));
    }

    function _max(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > b ? a : b;
    }

    function test_constructor_RevertWhen_ZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IOptimisticMarket.OptimisticZeroAddress.selector, "admin"));
        new OptimisticMarket(address(0), vault, providers, models, reputation, _optParams());
    }
}
