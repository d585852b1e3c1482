// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {MarketFixture} from "./utils/MarketFixture.sol";
import {MerkleBuilder} from "./utils/MerkleBuilder.sol";
import {MiningRewards} from "../../contracts/rewards/MiningRewards.sol";
import {IMiningRewards} from "../../contracts/interfaces/IMiningRewards.sol";
import {IEAIToken} from "../../contracts/interfaces/IEAIToken.sol";
import {ITaskMarketTypes} from "../../contracts/interfaces/ITaskMarketTypes.sol";
import {RewardsMath} from "../../contracts/libraries/RewardsMath.sol";

/// @dev Exposes the library so reverts and values can be checked directly.
contract RewardsMathHarness {
    function multiplierWad(uint256 c) external pure returns (uint256) {
        return RewardsMath.multiplierWad(c);
    }
}

/// @notice MiningRewards against the real market, vault and token (only the Groth16 verifier is a test double):
///         fee collection, the epoch life cycle, the root bounds, challenges, claims, parameter bounds, the curve,
///         and the wash-trading property over the governed ranges.
contract MiningRewardsTest is MarketFixture {
    uint256 internal constant EPOCH = 1 days;
    address internal timelock = makeAddr("timelock");
    address internal poster = makeAddr("poster");
    address internal challenger = makeAddr("challenger");
    MiningRewards internal rewards;

    function _defaults() internal pure returns (IMiningRewards.RewardParams memory p) {
        p = IMiningRewards.RewardParams({
            emissionPerEpoch: 50_000 ether,
            feeFactorBps: 5000,
            ownerCapBps: 1000,
            newcomerBps: 1000,
            uptimeSecondsPerHour: 360,
            gpuWeight: 10,
            posterBond: 100 ether,
            challengeWindow: 1 days,
            resolutionWindow: 14 days
        });
    }

    function setUp() public override {
        super.setUp();
        rewards = new MiningRewards(admin, IEAIToken(address(token)), market, vault, timelock, EPOCH, _defaults());
        vm.startPrank(admin);
        token.grantRole(token.MINTER_ROLE(), address(rewards));
        market.setTreasury(address(rewards));
        vm.stopPrank();
        token.transfer(poster, 10_000 ether);
        token.transfer(challenger, 10_000 ether);
        vm.prank(poster);
        token.approve(address(rewards), type(uint256).max);
        vm.prank(challenger);
        token.approve(address(rewards), type(uint256).max);
    }

    // ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev One ZK task of `reward` for `req`, proven by `prover` on the unclaimed path; returns the treasury fee
    ///      computed here from the split (not read from the market).
    function _zkTask(address req, address prover, uint128 reward) internal returns (uint256 fee) {
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.reward = reward;
        vm.recordLogs();
        vm.prank(req);
        uint256 taskId = market.submitTask(r);
        ITaskMarketTypes.TaskSpec memory spec = _specFromLogs(taskId);
        _afterPriority(spec);
        _prove(prover, taskId, spec, prover);
        ITaskMarketTypes.MarketParams memory mp = market.marketParams();
        uint256 providerShare = (uint256(reward) * mp.providerBps) / 10_000;
        uint256 creatorShare = (uint256(reward) * mp.creatorBps) / 10_000;
        fee = uint256(reward) - providerShare - creatorShare;
    }

    function _endEpoch(uint256 epoch) internal {
        uint256 end = rewards.epochStart(epoch + 1);
        if (block.timestamp < end) vm.warp(end);
        vm.roll(block.number + 1);
        rewards.closeEpoch(epoch);
    }

    function _leaves(
        uint256 epoch,
        address[] memory owners,
        uint256[] memory amounts
    ) internal pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](owners.length);
        for (uint256 i; i < owners.length; ++i) leaves[i] = MerkleBuilder.leaf(epoch, owners[i], amounts[i]);
    }

    function _one(address a) internal pure returns (address[] memory o) {
        o = new address[](1);
        o[0] = a;
    }

    function _oneAmount(uint256 a) internal pure returns (uint256[] memory o) {
        o = new uint256[](1);
        o[0] = a;
    }

    /// @dev Closes `epoch`, proposes the given allocation and finalizes it past the window.
    function _settle(
        uint256 epoch,
        address[] memory owners,
        uint256[] memory amounts
    ) internal returns (bytes32[] memory) {
        bytes32[] memory leaves = _leaves(epoch, owners, amounts);
        uint256 total;
        for (uint256 i; i < amounts.length; ++i) total += amounts[i];
        vm.prank(poster);
        rewards.proposeRoot(epoch, MerkleBuilder.root(leaves), total, 3600);
        vm.warp(block.timestamp + 1 days);
        rewards.finalizeRoot(epoch);
        return leaves;
    }

    // ── fees ─────────────────────────────────────────────────────────────────────────────────────────────────

    function test_collectFees_CountsIntoTheRunningEpochAndForwardsToTheTreasury() public {
        uint256 fee = _zkTask(requester, p1, 100 ether);
        assertEq(fee, 15 ether);
        uint256 before = token.balanceOf(timelock);
        assertEq(rewards.collectFees(), fee);
        assertEq(token.balanceOf(timelock) - before, fee, "forwarded");
        assertEq(token.balanceOf(address(rewards)), 0, "holds nothing");
        assertEq(rewards.feesOf(rewards.epochAt(block.timestamp)), fee);
        assertEq(rewards.collectFees(), 0, "nothing twice");
    }

    function test_collectFees_DonationsDoNotCount() public {
        token.transfer(address(rewards), 1000 ether);
        _zkTask(requester, p1, 10 ether);
        assertEq(rewards.collectFees(), 1.5 ether);
        assertEq(rewards.feesOf(0), 1.5 ether);
    }

    function test_sweep_RevertWhen_Eai() public {
        vm.expectRevert(IMiningRewards.MiningRewardsSweepEai.selector);
        rewards.sweep(address(token));
    }

    // ── epochs and roots ─────────────────────────────────────────────────────────────────────────────────────

    function test_closeEpoch_RevertWhen_NotEnded() public {
        vm.warp(rewards.epochStart(1) - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IMiningRewards.MiningRewardsEpochNotEnded.selector, 0, rewards.epochStart(1))
        );
        rewards.closeEpoch(0);
        vm.warp(rewards.epochStart(1));
        rewards.closeEpoch(0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMiningRewards.MiningRewardsWrongStatus.selector,
                0,
                IMiningRewards.EpochStatus.Closed
            )
        );
        rewards.closeEpoch(0);
    }

    function test_proposeRoot_BoundIsTheLesserOfScheduleAndFeeFactor() public {
        uint256 fee = _zkTask(requester, p1, 100 ether);
        rewards.collectFees();
        _endEpoch(0);
        (uint256 payable_, uint256 schedule, uint256 m) = rewards.payableOf(0);
        assertEq(m, 10e18, "no compute yet: 10x");
        assertEq(schedule, 500_000 ether);
        assertEq(payable_, (fee * 5000) / 10_000, "fee-bound");
        vm.startPrank(poster);
        vm.expectRevert(abi.encodeWithSelector(IMiningRewards.MiningRewardsOverBound.selector, payable_ + 1, payable_));
        rewards.proposeRoot(0, bytes32(uint256(1)), payable_ + 1, 0);
        rewards.proposeRoot(0, bytes32(uint256(1)), payable_, 0);
        vm.stopPrank();
        assertEq(rewards.outstanding(), payable_);
    }

    function test_proposeRoot_RevertWhen_OutOfOrder() public {
        _endEpoch(0);
        _endEpoch(1);
        vm.prank(poster);
        vm.expectRevert(abi.encodeWithSelector(IMiningRewards.MiningRewardsOutOfOrder.selector, 1, 0));
        rewards.proposeRoot(1, bytes32(0), 0, 0);
    }

    function test_finalizeRoot_RollsTheUnallocatedScheduleOverAndAddsCompute() public {
        _zkTask(requester, p1, 100 ether);
        rewards.collectFees();
        _endEpoch(0);
        _settle(0, _one(p1), _oneAmount(1 ether));
        assertEq(rewards.carry(), 500_000 ether - 1 ether, "everything not allocated rolls over");
        assertEq(rewards.cumulativeComputeSeconds(), 3600);
        assertEq(rewards.nextEpochToSettle(), 1);
        assertEq(rewards.bondCreditOf(poster), 100 ether, "bond back");
        // epoch 1 has no fees: its bound is 0 however large the carry
        _endEpoch(1);
        (uint256 payable_, uint256 schedule, ) = rewards.payableOf(1);
        assertEq(payable_, 0);
        assertGt(schedule, 500_000 ether);
    }

    function test_finalizeRoot_RevertWhen_WindowOpen() public {
        _endEpoch(0);
        vm.prank(poster);
        rewards.proposeRoot(0, bytes32(0), 0, 0);
        uint256 ends = block.timestamp + 1 days;
        vm.expectRevert(abi.encodeWithSelector(IMiningRewards.MiningRewardsWindow.selector, 0, ends));
        rewards.finalizeRoot(0);
    }

    function test_veto_ChallengerGetsThePostersBondAndTheEpochReopens() public {
        _zkTask(requester, p1, 100 ether);
        rewards.collectFees();
        _endEpoch(0);
        vm.prank(poster);
        rewards.proposeRoot(0, bytes32(uint256(7)), 1 ether, 0);
        vm.prank(challenger);
        rewards.challengeRoot(0);
        bytes32 adminRole = rewards.DEFAULT_ADMIN_ROLE();
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, adminRole)
        );
        rewards.vetoRoot(0);
        vm.prank(admin);
        rewards.vetoRoot(0);
        assertEq(rewards.bondCreditOf(challenger), 200 ether);
        assertEq(rewards.bondCreditOf(poster), 0);
        assertEq(rewards.outstanding(), 0);
        assertEq(uint8(rewards.getEpoch(0).status), uint8(IMiningRewards.EpochStatus.Closed));
        uint256 before = token.balanceOf(challenger);
        vm.prank(challenger);
        rewards.withdrawBond();
        assertEq(token.balanceOf(challenger) - before, 200 ether);
        vm.prank(poster);
        rewards.proposeRoot(0, bytes32(uint256(8)), 0, 0);
    }

    function test_challenge_UnupheldChallengePaysTheProposerAfterTheResolutionWindow() public {
        _endEpoch(0);
        vm.prank(poster);
        rewards.proposeRoot(0, bytes32(0), 0, 0);
        vm.prank(challenger);
        rewards.challengeRoot(0);
        vm.warp(block.timestamp + 1 days);
        vm.expectRevert(
            abi.encodeWithSelector(IMiningRewards.MiningRewardsWindow.selector, 0, block.timestamp + 14 days)
        );
        rewards.finalizeRoot(0);
        vm.warp(block.timestamp + 14 days);
        rewards.finalizeRoot(0);
        assertEq(rewards.bondCreditOf(poster), 200 ether);
    }

    function test_challenge_RevertWhen_WindowOver() public {
        _endEpoch(0);
        vm.prank(poster);
        rewards.proposeRoot(0, bytes32(0), 0, 0);
        uint256 ends = block.timestamp + 1 days;
        vm.warp(ends);
        vm.prank(challenger);
        vm.expectRevert(abi.encodeWithSelector(IMiningRewards.MiningRewardsWindow.selector, 0, ends));
        rewards.challengeRoot(0);
    }

    // ── claims ───────────────────────────────────────────────────────────────────────────────────────────────

    function test_claim_MintsToTheOwnerOnceWhoeverSendsIt() public {
        _zkTask(requester, p1, 100 ether);
        rewards.collectFees();
        _endEpoch(0);
        address[] memory owners = new address[](2);
        owners[0] = p1;
        owners[1] = p2;
        uint256[] memory amounts = new uint256[](2);
        amounts[0] = 5 ether;
        amounts[1] = 2 ether;
        bytes32[] memory leaves = _settle(0, owners, amounts);
        uint256 before = token.balanceOf(p1);
        vm.prank(stranger);
        rewards.claim(0, p1, 5 ether, MerkleBuilder.proof(leaves, 0));
        assertEq(token.balanceOf(p1) - before, 5 ether);
        assertEq(token.balanceOf(stranger), 0);
        bytes32[] memory proof = MerkleBuilder.proof(leaves, 0);
        vm.expectRevert(abi.encodeWithSelector(IMiningRewards.MiningRewardsAlreadyClaimed.selector, 0, p1));
        rewards.claim(0, p1, 5 ether, proof);
        proof = MerkleBuilder.proof(leaves, 1);
        vm.expectRevert(abi.encodeWithSelector(IMiningRewards.MiningRewardsInvalidProof.selector, 0, p2, 3 ether));
        rewards.claim(0, p2, 3 ether, proof);
        rewards.claim(0, p2, 2 ether, proof);
        assertEq(rewards.totalClaimed(), 7 ether);
        assertEq(rewards.outstanding(), 0);
    }

    function test_claim_RevertWhen_OverOwnerCap() public {
        _zkTask(requester, p1, 1000 ether);
        rewards.collectFees();
        _endEpoch(0);
        // p1 has 500 EAI staked: cap 10% = 50 EAI
        bytes32[] memory leaves = _settle(0, _one(p1), _oneAmount(50 ether + 1));
        bytes32[] memory proof = MerkleBuilder.proof(leaves, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IMiningRewards.MiningRewardsOverOwnerCap.selector, p1, 50 ether + 1, 50 ether)
        );
        rewards.claim(0, p1, 50 ether + 1, proof);
    }

    function test_claim_RevertWhen_LeavesExceedTheDeclaredTotal() public {
        _zkTask(requester, p1, 100 ether);
        rewards.collectFees();
        _endEpoch(0);
        address[] memory owners = new address[](2);
        owners[0] = p1;
        owners[1] = p2;
        uint256[] memory amounts = new uint256[](2);
        amounts[0] = 5 ether;
        amounts[1] = 5 ether;
        bytes32[] memory leaves = _leaves(0, owners, amounts);
        vm.prank(poster);
        rewards.proposeRoot(0, MerkleBuilder.root(leaves), 6 ether, 0); // declares less than its leaves hold
        vm.warp(block.timestamp + 1 days);
        rewards.finalizeRoot(0);
        rewards.claim(0, p1, 5 ether, MerkleBuilder.proof(leaves, 0));
        bytes32[] memory proof = MerkleBuilder.proof(leaves, 1);
        vm.expectRevert(abi.encodeWithSelector(IMiningRewards.MiningRewardsOverTotal.selector, 0, 10 ether, 6 ether));
        rewards.claim(0, p2, 5 ether, proof);
    }

    function test_claim_RevertWhen_NotFinal() public {
        _endEpoch(0);
        vm.prank(poster);
        rewards.proposeRoot(0, MerkleBuilder.leaf(0, p1, 0), 0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMiningRewards.MiningRewardsWrongStatus.selector,
                0,
                IMiningRewards.EpochStatus.Proposed
            )
        );
        rewards.claim(0, p1, 0, new bytes32[](0));
    }

    /// @notice Fuzz: whatever the allocation, each owner is paid once, no claim passes its cap, and the epoch's claims
    ///         never exceed the root's total nor the bound.
    function testFuzz_claim_NoDoubleClaimAndCapsHold(uint256 seed, uint128 reward) public {
        reward = uint128(bound(reward, 10 ether, 100_000 ether));
        _zkTask(requester, p1, reward);
        rewards.collectFees();
        _endEpoch(0);
        (uint256 payable_, , ) = rewards.payableOf(0);
        address[] memory owners = new address[](4);
        owners[0] = p1;
        owners[1] = p2;
        owners[2] = p3;
        owners[3] = stranger; // no stake: cap 0
        uint256[] memory amounts = new uint256[](4);
        uint256 total;
        for (uint256 i; i < 4; ++i) {
            amounts[i] = uint256(keccak256(abi.encode(seed, i))) % (payable_ / 4 + 2);
            total += amounts[i];
        }
        if (total > payable_) total = payable_;
        bytes32[] memory leaves = _leaves(0, owners, amounts);
        vm.prank(poster);
        rewards.proposeRoot(0, MerkleBuilder.root(leaves), total, 0);
        vm.warp(block.timestamp + 1 days);
        rewards.finalizeRoot(0);
        uint256 paid;
        for (uint256 i; i < 4; ++i) {
            uint256 cap = (vault.stakeOf(owners[i]) * 1000) / 10_000; // independent of RewardsMath
            bytes32[] memory proof = MerkleBuilder.proof(leaves, i);
            bool shouldPay = amounts[i] <= cap && paid + amounts[i] <= total;
            uint256 before = token.balanceOf(owners[i]);
            if (!shouldPay) vm.expectRevert();
            rewards.claim(0, owners[i], amounts[i], proof);
            if (shouldPay) {
                paid += amounts[i];
                assertEq(token.balanceOf(owners[i]) - before, amounts[i]);
                vm.expectRevert(
                    abi.encodeWithSelector(IMiningRewards.MiningRewardsAlreadyClaimed.selector, 0, owners[i])
                );
                rewards.claim(0, owners[i], amounts[i], proof);
            }
        }
        assertEq(rewards.totalClaimed(), paid);
        assertLe(paid, payable_);
        assertLe(paid * 10_000, rewards.feesOf(0) * 5000, "fee bound, exact");
    }

    // ── parameters ───────────────────────────────────────────────────────────────────────────────────────────

    function test_setParams_BothSidesOfEveryBound() public {
        IMiningRewards.RewardParams memory p = _defaults();
        vm.startPrank(admin);
        p.feeFactorBps = 9000;
        rewards.setParams(p);
        p.feeFactorBps = 9001;
        vm.expectRevert(
            abi.encodeWithSelector(
                IMiningRewards.MiningRewardsInvalidParam.selector,
                IMiningRewards.ParamField.FeeFactorBps
            )
        );
        rewards.setParams(p);
        p = _defaults();
        p.emissionPerEpoch = 10_000_000 ether + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                IMiningRewards.MiningRewardsInvalidParam.selector,
                IMiningRewards.ParamField.EmissionPerEpoch
            )
        );
        rewards.setParams(p);
        p = _defaults();
        p.ownerCapBps = 0;
        vm.expectRevert(
            abi.encodeWithSelector(
                IMiningRewards.MiningRewardsInvalidParam.selector,
                IMiningRewards.ParamField.OwnerCapBps
            )
        );
        rewards.setParams(p);
        p.ownerCapBps = 10_001;
        vm.expectRevert(
            abi.encodeWithSelector(
                IMiningRewards.MiningRewardsInvalidParam.selector,
                IMiningRewards.ParamField.OwnerCapBps
            )
        );
        rewards.setParams(p);
        p = _defaults();
        p.challengeWindow = 59;
        vm.expectRevert(
            abi.encodeWithSelector(
                IMiningRewards.MiningRewardsInvalidParam.selector,
                IMiningRewards.ParamField.ChallengeWindow
            )
        );
        rewards.setParams(p);
        p = _defaults();
        p.resolutionWindow = 60 days + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                IMiningRewards.MiningRewardsInvalidParam.selector,
                IMiningRewards.ParamField.ResolutionWindow
            )
        );
        rewards.setParams(p);
        p = _defaults();
        p.gpuWeight = 0;
        vm.expectRevert(
            abi.encodeWithSelector(
                IMiningRewards.MiningRewardsInvalidParam.selector,
                IMiningRewards.ParamField.GpuWeight
            )
        );
        rewards.setParams(p);
        vm.stopPrank();
        vm.prank(stranger);
        vm.expectRevert();
        rewards.setParams(_defaults());
    }

    function test_setParams_AppliesFromTheNextClose() public {
        _endEpoch(0);
        IMiningRewards.RewardParams memory p = _defaults();
        p.feeFactorBps = 100;
        vm.prank(admin);
        rewards.setParams(p);
        assertEq(rewards.getEpoch(0).params.feeFactorBps, 5000);
    }

    // ── the curve ────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Values of 1 + 9·e^(−C/DECAY) computed in float64 (Python `1 + 9*math.exp(-x)`), to 1e-15 relative.
    function test_multiplier_MatchesTheClosedFormAtFixedPoints() public {
        RewardsMathHarness h = new RewardsMathHarness();
        uint256 decay = 1_000_000 * 3600;
        assertEq(h.multiplierWad(0), 10e18);
        assertApproxEqRel(h.multiplierWad(decay), 4.3109149705429815e18, 1e4);
        assertApproxEqRel(h.multiplierWad(decay / 2), 6.458775937413701e18, 1e4);
        assertApproxEqRel(h.multiplierWad(5 * decay), 1.0606415229917692e18, 1e4);
        assertApproxEqRel(h.multiplierWad(20 * decay), 1.0000000185503826e18, 1e4);
        assertEq(h.multiplierWad(42 * decay), 1e18);
        assertEq(h.multiplierWad(type(uint256).max), 1e18);
    }

    function testFuzz_multiplier_MonotoneAndWithinRange(uint256 a, uint256 b) public {
        RewardsMathHarness h = new RewardsMathHarness();
        a = bound(a, 0, 50 * 1_000_000 * 3600);
        b = bound(b, a, 50 * 1_000_000 * 3600);
        uint256 ma = h.multiplierWad(a);
        uint256 mb = h.multiplierWad(b);
        assertLe(mb, ma);
        assertLe(ma, 10e18);
        assertGe(mb, 1e18);
    }

    // ── wash trading ─────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Property: a party that pays itself for tasks (requester and provider, and optionally the model's
    ///         creator) and then posts the most generous root the contract accepts — everything the epoch may pay,
    ///         all to itself — ends with less EAI than it started, for every market split, fee factor, emission, owner
    ///         cap and carry governance may set. Expected loss computed here from the split, not read from the
    ///         contract: it loses at least `fees − floor(fees × factor / 10 000)` > 0.
    /// forge-config: default.fuzz.runs = 128
    function testFuzz_washTrading_NeverPays(
        uint16 treasuryBps,
        uint16 creatorBps,
        uint16 feeFactorBps,
        uint128 emission,
        uint16 ownerCapBps,
        uint128 reward,
        uint8 tasks,
        bool ownsModel,
        bool carryFirst
    ) public {
        treasuryBps = uint16(bound(treasuryBps, 1, 10_000));
        creatorBps = uint16(bound(creatorBps, 0, 10_000 - treasuryBps));
        feeFactorBps = uint16(bound(feeFactorBps, 0, 9000));
        emission = uint128(bound(emission, 0, 10_000_000 ether));
        ownerCapBps = uint16(bound(ownerCapBps, 1, 10_000));
        reward = uint128(bound(reward, 1, 1_000_000 ether));
        tasks = uint8(bound(tasks, 1, 3));

        _setWashParams(treasuryBps, creatorBps, feeFactorBps, emission, ownerCapBps);
        (uint256 fees, uint256 start, uint256 end) = _washRun(reward, tasks, ownsModel, carryFirst, ownerCapBps);

        uint256 minLoss = fees - (fees * feeFactorBps) / 10_000;
        assertGt(fees, 0);
        assertGt(minLoss, 0);
        assertLe(end + minLoss, start, "the dealer loses at least the unrecovered fees");
    }

    function _setWashParams(
        uint16 treasuryBps,
        uint16 creatorBps,
        uint16 feeFactorBps,
        uint128 emission,
        uint16 ownerCapBps
    ) internal {
        ITaskMarketTypes.MarketParams memory mp = market.marketParams();
        mp.treasuryBps = treasuryBps;
        mp.creatorBps = creatorBps;
        mp.providerBps = 10_000 - treasuryBps - creatorBps;
        IMiningRewards.RewardParams memory p = _defaults();
        p.feeFactorBps = feeFactorBps;
        p.emissionPerEpoch = emission;
        p.ownerCapBps = ownerCapBps;
        p.posterBond = 0;
        p.challengeWindow = 60;
        vm.startPrank(admin);
        market.setMarketParams(mp);
        rewards.setParams(p);
        vm.stopPrank();
    }

    /// @dev The dealer's whole play; returns the fees it paid (computed from the split) and its EAI before/after.
    function _washRun(
        uint128 reward,
        uint8 tasks,
        bool ownsModel,
        bool carryFirst,
        uint16 ownerCapBps
    ) internal returns (uint256 fees, uint256 start, uint256 end) {
        address dealer = p4;
        token.transfer(dealer, uint256(reward) * tasks + 1000 ether);
        vm.startPrank(dealer);
        token.approve(address(market), type(uint256).max);
        token.approve(address(rewards), type(uint256).max);
        vm.stopPrank();
        if (ownsModel) {
            vm.prank(creator);
            models.setModelCreator(zkModel, dealer);
        }
        uint256 epoch;
        if (carryFirst) {
            // an empty epoch first, so a carry sits in the schedule
            _endEpoch(0);
            vm.prank(dealer);
            rewards.proposeRoot(0, bytes32(0), 0, 0);
            vm.warp(block.timestamp + 60);
            rewards.finalizeRoot(0);
            epoch = rewards.epochAt(block.timestamp);
            assertEq(epoch, 1);
        }
        start = token.balanceOf(dealer) + vault.stakeOf(dealer);
        for (uint256 i; i < tasks; ++i) fees += _zkTask(dealer, dealer, reward);
        rewards.collectFees();
        _endEpoch(epoch);
        // it first tries to give itself its whole stake cap; only if the contract refuses does it fall back to the
        // epoch's bound
        uint256 cap = (vault.stakeOf(dealer) * ownerCapBps) / 10_000;
        uint256 take = cap;
        vm.prank(dealer);
        try rewards.proposeRoot(epoch, MerkleBuilder.leaf(epoch, dealer, cap), cap, type(uint64).max) {} catch {
            (uint256 payable_, , ) = rewards.payableOf(epoch);
            take = payable_ < cap ? payable_ : cap;
            vm.prank(dealer);
            rewards.proposeRoot(epoch, MerkleBuilder.leaf(epoch, dealer, take), take, type(uint64).max);
        }
        vm.warp(block.timestamp + 60);
        rewards.finalizeRoot(epoch);
        rewards.claim(epoch, dealer, take, new bytes32[](0));
        if (market.creditOf(dealer, address(token)) != 0) {
            vm.prank(dealer);
            market.withdraw(address(token));
        }
        end = token.balanceOf(dealer) + vault.stakeOf(dealer);
    }
}
