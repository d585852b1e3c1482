// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MarketFixture} from "./utils/MarketFixture.sol";
import {ITaskMarketEvents} from "../../contracts/interfaces/ITaskMarketEvents.sol";
import {ITaskMarketErrors} from "../../contracts/interfaces/ITaskMarketErrors.sol";
import {ITaskMarketTypes} from "../../contracts/interfaces/ITaskMarketTypes.sol";
import {IReputation} from "../../contracts/interfaces/IReputation.sol";
import {DrawLib} from "../../contracts/libraries/DrawLib.sol";

/// @notice REDUNDANT tasks: stake-weighted draws and turns, several votes per provider, weighted tallies at
///         redundancy 3, 5 and 7, task faults, leaving unfilled tasks.
contract TaskMarketRedundantTest is MarketFixture {
    bytes32 internal constant FAULT = keccak256("eai.task-fault.v1");
    bytes32 internal constant A = keccak256("result-a");
    bytes32 internal constant B = keccak256("result-b");
    bytes32 internal constant C = keccak256("result-c");

    address internal p5 = makeAddr("provider5");
    address internal p6 = makeAddr("provider6");
    address internal p7 = makeAddr("provider7");

    function setUp() public override {
        super.setUp();
        _onboard(p5);
        _onboard(p6);
        _onboard(p7);
    }

    function _request(uint8 redundancy) internal view returns (ITaskMarketTypes.TaskRequest memory r) {
        r = _redundantRequest();
        r.redundancy = redundancy;
    }

    /// @dev The turn of `provider` on draw `j`, computed here from the seed definition (not through the market).
    function _turn(
        uint256 taskId,
        ITaskMarketTypes.TaskSpec memory spec,
        address provider,
        uint256 j
    ) internal view returns (uint256) {
        uint256 seed = uint216(uint256(keccak256(abi.encode(blockhash(uint256(spec.createdBlock) + 1), taskId))));
        uint256 t = uint64(uint256(keccak256(abi.encode(seed, j, provider))));
        uint256 k = DrawLib.key(uint64(t));
        return uint256(spec.createdAt) + (k * 10 * vault.totalStake()) / (vault.stakeOf(provider) << 64);
    }

    function _commitReveal(
        address[] memory who,
        bytes32[] memory results,
        uint256 id,
        ITaskMarketTypes.TaskSpec memory spec
    ) internal {
        bytes32[] memory salts = new bytes32[](who.length);
        for (uint256 i; i < who.length; ++i) salts[i] = _commit(who[i], id, spec, results[i]);
        for (uint256 i; i < who.length; ++i) _reveal(who[i], id, spec, results[i], salts[i]);
    }

    function _arr(address a, address b, address c) internal pure returns (address[] memory r) {
        r = new address[](3);
        (r[0], r[1], r[2]) = (a, b, c);
    }

    function _arr(bytes32 a, bytes32 b, bytes32 c) internal pure returns (bytes32[] memory r) {
        r = new bytes32[](3);
        (r[0], r[1], r[2]) = (a, b, c);
    }

    // ─────────────────────────────────────────── draws and turns ───────────────────────────────────────────

    /// @notice Both sides of a turn: one second before it the claim reverts and says when; at it, it succeeds.
    function test_claim_TurnBoundary() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        vm.roll(uint256(spec.createdBlock) + 2);
        (uint8 draw, uint256 notBefore) = market.claimableAt(id, spec, p2);
        uint256 expected = type(uint256).max;
        uint8 expectedDraw;
        for (uint256 j; j < 3; ++j) {
            uint256 t = _turn(id, spec, p2, j);
            if (t < expected) (expected, expectedDraw) = (t, uint8(j));
        }
        assertEq(notBefore, expected, "turn computed independently");
        assertEq(draw, expectedDraw);
        // the priority window must not mask the turn rule: warp past it first if the turn is earlier
        if (notBefore < spec.priorityUntil) {
            vm.warp(spec.priorityUntil);
            _claim(p2, id, spec);
            return;
        }
        vm.warp(notBefore - 1);
        vm.prank(p2);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketNotYourTurn.selector, id, p2, notBefore));
        market.claimTask(id, spec);
        vm.warp(notBefore);
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.DrawClaimed(id, p2, draw, 1);
        vm.prank(p2);
        market.claimTask(id, spec);
        assertEq(market.redundantClaimOf(id, p2).draws, uint16(1) << draw);
    }

    function test_claim_RevertWhen_SeedBlockNotMined() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        vm.warp(uint256(spec.createdAt) + 1 days - 2 hours);
        vm.prank(p1);
        vm.expectRevert(
            abi.encodeWithSelector(ITaskMarketErrors.TaskMarketDrawPending.selector, id, uint256(spec.createdBlock) + 1)
        );
        market.claimTask(id, spec);
        vm.roll(uint256(spec.createdBlock) + 1);
        vm.prank(p1);
        vm.expectRevert(
            abi.encodeWithSelector(ITaskMarketErrors.TaskMarketDrawPending.selector, id, uint256(spec.createdBlock) + 1)
        );
        market.claimTask(id, spec);
        vm.roll(uint256(spec.createdBlock) + 2);
        vm.prank(p1);
        market.claimTask(id, spec); // a day later every turn has come
    }

    /// @notice Nobody claimed while the seed block's hash was readable: no draw can be made, the requester cancels.
    function test_claim_RevertWhen_SeedExpiredAndRequesterCancels() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        vm.warp(spec.priorityUntil);
        vm.roll(uint256(spec.createdBlock) + 1 + 257);
        vm.prank(p1);
        vm.expectRevert(
            abi.encodeWithSelector(ITaskMarketErrors.TaskMarketDrawExpired.selector, id, uint256(spec.createdBlock) + 1)
        );
        market.claimTask(id, spec);
        vm.prank(requester);
        market.cancelTask(id, spec);
        assertEq(market.creditOf(requester, address(token)), REWARD);
    }

    /// @notice The seed is fixed by the first claim: later claims work after the block hash is gone.
    function test_claim_SeedStoredByFirstClaim() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _afterPriority(spec);
        _claim(p1, id, spec);
        uint256 seed = market.roundOf(id).seed;
        assertEq(seed, uint216(uint256(keccak256(abi.encode(blockhash(uint256(spec.createdBlock) + 1), id)))));
        vm.roll(block.number + 300);
        _claim(p2, id, spec);
        _claim(p3, id, spec);
        assertEq(market.roundOf(id).seed, seed);
        assertEq(uint8(market.getTaskState(id).status), uint8(ITaskMarketTypes.TaskStatus.Claimed));
    }

    /// @notice One provider may hold several draws: each is one vote and locks one bond; it executes once.
    function test_claim_SecondDrawAddsAVoteAndABond() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _afterPriority(spec);
        _claim(p1, id, spec);
        _claim(operator1, id, spec); // the operator acts for p1: the same slot
        ITaskMarketTypes.RedundantClaim memory c = market.redundantClaimOf(id, p1);
        assertEq(DrawLib.popcount(c.draws), 2);
        assertEq(vault.lockedOf(p1), 2 * uint256(spec.bond));
        assertEq(market.claimantsOf(id).length, 1);
        assertEq(market.roundOf(id).members, 1);
        assertEq(market.getTaskState(id).claims, 2);
        _claim(p2, id, spec);
        assertEq(uint8(market.getTaskState(id).status), uint8(ITaskMarketTypes.TaskStatus.Claimed));

        // p1 votes with both draws: 2 of 3 is a majority; its two votes are all the winning votes, so it gets the
        // whole provider share
        _commitReveal(_pair(p1, p2), _pair(A, B), id, spec);
        assertEq(uint8(market.getTaskState(id).status), uint8(ITaskMarketTypes.TaskStatus.Completed));
        assertEq(market.creditOf(p1, address(token)), (uint256(REWARD) * 8000) / 10_000);
        assertEq(vault.stakeOf(p2), PROVIDER_STAKE - spec.bond);
        assertEq(vault.lockedOf(p1), 0);
    }

    function _pair(address a, address b) internal pure returns (address[] memory r) {
        r = new address[](2);
        (r[0], r[1]) = (a, b);
    }

    function _pair(bytes32 a, bytes32 b) internal pure returns (bytes32[] memory r) {
        r = new bytes32[](2);
        (r[0], r[1]) = (a, b);
    }

    // ─────────────────────────────────────────── tallies across redundancy ───────────────────────────────────────────

    /// @notice Redundancy 5 split 2 / 2 / 1: no majority, the requester is refunded, no revealer is slashed.
    function test_redundancy5_SplitTwoTwoOneRefundsWithoutSlashing() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submit(_request(5));
        _afterPriority(spec);
        address[5] memory who = [p1, p2, p3, p4, p5];
        for (uint256 i; i < 5; ++i) _claim(who[i], id, spec);
        bytes32[5] memory res = [A, A, B, B, C];
        bytes32[5] memory salts;
        for (uint256 i; i < 5; ++i) salts[i] = _commit(who[i], id, spec, res[i]);
        for (uint256 i; i < 4; ++i) _reveal(who[i], id, spec, res[i], salts[i]);
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.TaskRefunded(id, requester, REWARD, true);
        _reveal(p5, id, spec, C, salts[4]);
        assertEq(uint8(market.getTaskState(id).status), uint8(ITaskMarketTypes.TaskStatus.Refunded));
        for (uint256 i; i < 5; ++i) assertEq(vault.stakeOf(who[i]), PROVIDER_STAKE);
        assertEq(market.creditOf(requester, address(token)), REWARD);
    }

    /// @notice Redundancy 7: 4 against 3 — the four are paid a seventh of the provider share each, the three slashed.
    function test_redundancy7_FourAgainstThree() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submit(_request(7));
        _afterPriority(spec);
        address[7] memory who = [p1, p2, p3, p4, p5, p6, p7];
        for (uint256 i; i < 7; ++i) _claim(who[i], id, spec);
        bytes32[7] memory salts;
        for (uint256 i; i < 7; ++i) salts[i] = _commit(who[i], id, spec, i < 4 ? A : B);
        for (uint256 i; i < 7; ++i) _reveal(who[i], id, spec, i < 4 ? A : B, salts[i]);
        uint256 perVote = (uint256(REWARD) * 8000) / 10_000 / 4;
        for (uint256 i; i < 4; ++i) assertEq(market.creditOf(who[i], address(token)), perVote);
        for (uint256 i = 4; i < 7; ++i) {
            assertEq(market.creditOf(who[i], address(token)), 0);
            assertEq(vault.stakeOf(who[i]), PROVIDER_STAKE - spec.bond);
        }
        assertEq(vault.creditOf(treasury), 3 * uint256(spec.bond), "every slashed bond to the treasury");
    }

    /// @notice Any redundancy 3..9, any split of honest and lying voters, any reward: payouts sum to the reward,
    ///         winners get exactly their votes' share, each loser is slashed exactly its bond, the requester never
    ///         gains anything from a slash.
    function testFuzz_redundant_PayoutsAndSlashesAcrossRedundancy(uint128 reward, uint8 n, uint8 liars) public {
        uint8 redundancy = uint8(3 + 2 * bound(n, 0, 3)); // 3, 5, 7, 9
        address[] memory who = _nine();
        uint256 lying = bound(liars, 0, redundancy);
        reward = uint128(bound(reward, 1, 100 ether));
        ITaskMarketTypes.TaskRequest memory r = _request(redundancy);
        r.reward = reward;
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submit(r);
        _afterPriority(spec);
        for (uint256 i; i < redundancy; ++i) _claim(who[i], id, spec);
        bytes32[] memory results = new bytes32[](redundancy);
        address[] memory voters = new address[](redundancy);
        for (uint256 i; i < redundancy; ++i) (voters[i], results[i]) = (who[i], i < lying ? B : A);
        _commitReveal(voters, results, id, spec);
        _checkSettlement(voters, lying, reward, spec.bond);
    }

    function _nine() internal returns (address[] memory who) {
        who = new address[](9);
        (who[0], who[1], who[2], who[3], who[4], who[5], who[6]) = (p1, p2, p3, p4, p5, p6, p7);
        who[7] = makeAddr("p8");
        who[8] = makeAddr("p9");
        _onboard(who[7]);
        _onboard(who[8]);
    }

    /// @dev Expected credits and stakes, computed here: the side with more than half of the votes wins.
    function _checkSettlement(address[] memory voters, uint256 lying, uint256 reward, uint256 bond) internal view {
        uint256 redundancy = voters.length;
        bool honestWin = (redundancy - lying) * 2 > redundancy;
        uint256 winners = honestWin ? redundancy - lying : lying;
        uint256 perVote = (reward * 8000) / 10_000 / winners;
        uint256 paid = market.creditOf(treasury, address(token)) + market.creditOf(creator, address(token));
        for (uint256 i; i < redundancy; ++i) {
            bool won = (i >= lying) == honestWin;
            paid += market.creditOf(voters[i], address(token));
            assertEq(market.creditOf(voters[i], address(token)), won ? perVote : 0);
            assertEq(vault.stakeOf(voters[i]), won ? PROVIDER_STAKE : PROVIDER_STAKE - bond);
            assertEq(vault.lockedOf(voters[i]), 0);
        }
        assertEq(paid, reward);
        assertEq(market.creditOf(requester, address(token)), 0);
        assertEq(vault.creditOf(requester), 0);
        assertEq(vault.creditOf(treasury), (redundancy - winners) * bond);
    }

    // ─────────────────────────────────────────── task faults ───────────────────────────────────────────

    /// @notice A fault majority: the requester gets the reward back minus the 10% fault fee, shared by the
    ///         reporters; the provider that revealed a result is not slashed; nobody's reputation moves.
    function test_fault_MajorityRefundsMinusFeeAndSlashesNoRevealer() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _afterPriority(spec);
        _claim(p1, id, spec);
        _claim(p2, id, spec);
        _claim(p3, id, spec);
        bytes32[] memory results = _arr(FAULT, FAULT, A);
        bytes32[] memory salts = new bytes32[](3);
        address[] memory who = _arr(p1, p2, p3);
        for (uint256 i; i < 3; ++i) salts[i] = _commit(who[i], id, spec, results[i]);
        _reveal(p1, id, spec, FAULT, salts[0]);
        _reveal(p2, id, spec, FAULT, salts[1]);
        uint256 fee = (uint256(REWARD) * 1000) / 10_000;
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.TaskFaulted(id, requester, REWARD - fee, fee, 2);
        _reveal(p3, id, spec, A, salts[2]);
        assertEq(uint8(market.getTaskState(id).status), uint8(ITaskMarketTypes.TaskStatus.Faulted));
        assertEq(market.creditOf(requester, address(token)), REWARD - fee);
        assertEq(market.creditOf(p1, address(token)), fee / 2);
        assertEq(market.creditOf(p2, address(token)), fee / 2);
        assertEq(market.creditOf(p3, address(token)), 0);
        assertEq(market.creditOf(treasury, address(token)), 0);
        for (uint256 i; i < 3; ++i) {
            assertEq(vault.stakeOf(who[i]), PROVIDER_STAKE);
            assertEq(vault.lockedOf(who[i]), 0);
            assertEq(reputation.getRecord(who[i]).lastUpdate, 0, "no reputation outcome for a task fault");
        }
    }

    /// @notice A fault report in the minority is a wrong result like any other.
    function test_fault_MinorityIsSlashed() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _afterPriority(spec);
        _claim(p1, id, spec);
        _claim(p2, id, spec);
        _claim(p3, id, spec);
        _commitReveal(_arr(p1, p2, p3), _arr(A, A, FAULT), id, spec);
        assertEq(uint8(market.getTaskState(id).status), uint8(ITaskMarketTypes.TaskStatus.Completed));
        assertEq(vault.stakeOf(p3), PROVIDER_STAKE - spec.bond);
        assertEq(uint8(reputation.getRecord(p3).violations), 1);
    }

    /// @notice Fault fee and refund always sum to the reward, for any reward, fee share and vote split.
    function testFuzz_fault_FeeAndRefundSumToReward(uint128 reward, uint16 feeBps, bool twoVotes) public {
        reward = uint128(bound(reward, 1, 150 ether)); // p1 may lock two 150% bonds out of 500 EAI
        feeBps = uint16(bound(feeBps, 0, 5000));
        vm.prank(admin);
        market.setSettlementParams(
            ITaskMarketTypes.SettlementParams({
                drawStep: 10,
                fillTimeout: 15 minutes,
                faultFeeBps: feeBps,
                minRatedValue: 10 ether
            })
        );
        ITaskMarketTypes.TaskRequest memory r = _redundantRequest();
        r.reward = reward;
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submit(r);
        _afterPriority(spec);
        _claim(p1, id, spec);
        _claim(twoVotes ? p1 : p2, id, spec);
        _claim(p3, id, spec);
        if (twoVotes) _commitReveal(_pair(p1, p3), _pair(FAULT, A), id, spec);
        else _commitReveal(_arr(p1, p2, p3), _arr(FAULT, FAULT, A), id, spec);
        uint256 perVote = (uint256(reward) * feeBps) / 10_000 / 2;
        uint256 toProviders = market.creditOf(p1, address(token)) + market.creditOf(p2, address(token));
        assertEq(toProviders, 2 * perVote);
        assertEq(toProviders + market.creditOf(requester, address(token)), reward);
        assertEq(token.balanceOf(address(market)), reward);
    }

    // ─────────────────────────────────────────── unfilled tasks ───────────────────────────────────────────

    /// @notice Both sides of the fill timeout; leaving frees the draws for others and returns every bond.
    function test_leaveTask_AfterFillTimeout() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _afterPriority(spec);
        _claim(p1, id, spec);
        _claim(p1, id, spec);
        _commit(p1, id, spec, A);
        uint256 from = uint256(spec.createdAt) + 15 minutes;
        if (block.timestamp < from - 1) vm.warp(from - 1);
        if (block.timestamp < from) {
            vm.prank(p1);
            vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketTooEarly.selector, id, from));
            market.leaveTask(id, spec);
            vm.warp(from);
        }
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.ClaimantLeft(id, p1, 2, 2 * uint256(spec.bond));
        vm.prank(operator1);
        market.leaveTask(id, spec);
        assertEq(vault.lockedOf(p1), 0);
        assertEq(vault.stakeOf(p1), PROVIDER_STAKE);
        ITaskMarketTypes.Round memory round = market.roundOf(id);
        assertEq(round.drawsTaken, 0);
        assertEq(round.members, 0);
        assertEq(round.commits, 0);
        assertEq(market.getTaskState(id).claims, 0);
        assertEq(market.claimantsOf(id).length, 0);
        // others take the freed draws and settle normally
        _claim(p2, id, spec);
        _claim(p3, id, spec);
        _claim(p4, id, spec);
        _commitReveal(_arr(p2, p3, p4), _arr(A, A, A), id, spec);
        assertEq(uint8(market.getTaskState(id).status), uint8(ITaskMarketTypes.TaskStatus.Completed));
        // and the requester may cancel an unfilled task once everybody left
    }

    function test_leaveTask_RevertWhen_FilledOrNotClaimant() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _afterPriority(spec);
        _claim(p1, id, spec);
        vm.warp(uint256(spec.createdAt) + 1 days - 2 hours);
        vm.prank(p4);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketNotClaimant.selector, id, p4));
        market.leaveTask(id, spec);
        _claim(p2, id, spec);
        _claim(p3, id, spec);
        vm.prank(p1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketWrongStatus.selector,
                id,
                ITaskMarketTypes.TaskStatus.Claimed
            )
        );
        market.leaveTask(id, spec);
    }

    function test_leaveTask_ThenRequesterCancels() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _afterPriority(spec);
        _claim(p1, id, spec);
        vm.warp(uint256(spec.createdAt) + 15 minutes + 1 hours);
        vm.prank(p1);
        market.leaveTask(id, spec);
        vm.prank(requester);
        market.cancelTask(id, spec);
        assertEq(market.creditOf(requester, address(token)), REWARD);
    }

    /// @notice An Open task past its deadline returns every bond, a provider's two draws included.
    function test_expireTask_OpenReturnsBondsPerVote() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _afterPriority(spec);
        _claim(p1, id, spec);
        _claim(p1, id, spec);
        vm.warp(uint256(spec.deadline) + 1);
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.BondReturned(id, p1, 2 * uint256(spec.bond));
        market.expireTask(id, spec);
        assertEq(vault.lockedOf(p1), 0);
        assertEq(market.creditOf(requester, address(token)), REWARD);
    }

    /// @notice Only rated tasks move reputation (an unapproved model leaves every record untouched).
    function test_unratedTask_LeavesReputationUntouched() public {
        vm.prank(admin);
        models.setModelApproved(onnxModel, false);
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        assertFalse(spec.rated);
        _afterPriority(spec);
        _claim(p1, id, spec);
        _claim(p2, id, spec);
        _claim(p3, id, spec);
        _commitReveal(_arr(p1, p2, p3), _arr(A, A, B), id, spec);
        assertEq(reputation.getRecord(p1).completed, 0);
        assertEq(reputation.getRecord(p3).violations, 0);
        assertEq(vault.stakeOf(p3), PROVIDER_STAKE - spec.bond, "the bond is still slashed");
        IReputation.Record memory rec = reputation.getRecord(p1);
        assertEq(rec.firstRecordedAt, 0);
    }
}
