// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {MarketFixture} from "./utils/MarketFixture.sol";
import {TaskMarket} from "../../contracts/market/TaskMarket.sol";
import {ReentrantERC20} from "../../contracts/mocks/ReentrantERC20.sol";
import {ITaskMarketEvents} from "../../contracts/interfaces/ITaskMarketEvents.sol";
import {ITaskMarketErrors} from "../../contracts/interfaces/ITaskMarketErrors.sol";
import {ITaskMarketTypes} from "../../contracts/interfaces/ITaskMarketTypes.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {IProviderRegistry} from "../../contracts/interfaces/IProviderRegistry.sol";
import {IModelRegistry} from "../../contracts/interfaces/IModelRegistry.sol";
import {IReputation} from "../../contracts/interfaces/IReputation.sol";
import {ProofLib} from "../../contracts/libraries/ProofLib.sol";
import {ModelKind, Resources} from "../../contracts/types/Resources.sol";

contract TaskMarketTest is MarketFixture {
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // constructor and defaults
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    function test_constructor_SetsDefaults() public view {
        ITaskMarketTypes.MarketParams memory p = market.marketParams();
        assertEq(p.providerBps, 8000);
        assertEq(p.treasuryBps, 1500);
        assertEq(p.creatorBps, 500);
        assertEq(p.maxRedundancy, 9);
        assertEq(p.minExecWindow, 2 minutes);
        assertEq(p.maxTaskLifetime, 7 days);
        ITaskMarketTypes.SettlementParams memory sp = market.settlementParams();
        assertEq(sp.drawStep, 10 seconds);
        assertEq(sp.fillTimeout, 15 minutes);
        assertEq(sp.faultFeeBps, 1000);
        assertEq(sp.minRatedValue, 10 ether);
        assertEq(market.TASK_FAULT_RESULT(), keccak256("eai.task-fault.v1"));
        (uint256 floor, uint256 minStake) = market.stakeParams();
        assertEq(floor, 1 ether);
        assertEq(minStake, 100 ether);
        assertEq(market.treasury(), treasury);
        (bool allowed, uint256 rate) = market.paymentToken(address(token));
        assertTrue(allowed);
        assertEq(rate, 1 ether);
        assertTrue(market.hasRole(market.DEFAULT_ADMIN_ROLE(), admin));
    }

    function test_constructor_RevertWhen_ZeroAddress() public {
        vm.expectRevert(ITaskMarketErrors.TaskMarketZeroAddress.selector);
        new TaskMarket(admin, vault, providers, models, reputation, IERC20(address(token)), address(0));
        vm.expectRevert(ITaskMarketErrors.TaskMarketZeroAddress.selector);
        new TaskMarket(address(0), vault, providers, models, reputation, IERC20(address(token)), treasury);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // submitTask
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    function test_submitTask_EscrowsRewardAndStoresHash() public {
        uint256 before = token.balanceOf(requester);
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        assertEq(id, 1);
        assertEq(market.taskCount(), 1);
        assertEq(token.balanceOf(address(market)), REWARD);
        assertEq(token.balanceOf(requester), before - REWARD);
        ITaskMarketTypes.TaskState memory st = market.getTaskState(id);
        assertEq(uint8(st.status), uint8(ITaskMarketTypes.TaskStatus.Open));
        assertEq(st.specHash, market.hashSpec(spec));
        assertEq(spec.requester, requester);
        assertEq(spec.bond, 1 ether, "10% of 10 EAI = floor");
        assertEq(spec.priorityUntil, block.timestamp + 30);
        assertEq(spec.revealWindow, 0);
    }

    function test_submitTask_RedundantBondIs150Percent() public {
        (, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        assertEq(spec.bond, 15 ether);
        assertEq(spec.revealWindow, 600);
    }

    function test_submitTask_RevertWhen_BelowModelMinimumResources() public {
        Resources memory modelMin;
        modelMin.vramMiB = 8000;
        modelMin.region = 840;
        uint64 id = _registerModel(ModelKind.ONNX, 0xdef, address(0), 16, 4, modelMin);
        ITaskMarketTypes.TaskRequest memory r = _redundantRequest();
        r.modelId = id;
        r.minResources.cpuCores = 8;
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketBelowModelMinimum.selector, id));
        market.submitTask(r);

        r.minResources.vramMiB = 8000;
        r.minResources.region = 840;
        (, ITaskMarketTypes.TaskSpec memory spec) = _submit(r);
        assertEq(spec.minResources.vramMiB, 8000);
        assertEq(spec.minResources.cpuCores, 8);
        assertEq(spec.minResources.region, 840);
    }

    function test_submitTask_RevertWhen_Paused() public {
        vm.prank(guardian);
        market.pause();
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        vm.prank(requester);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        market.submitTask(r);
    }

    function test_submitTask_RevertWhen_TokenNotAllowed() public {
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.paymentToken = address(0xBEEF);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketTokenNotAllowed.selector, address(0xBEEF)));
        market.submitTask(r);
    }

    function test_submitTask_RevertWhen_ZeroReward() public {
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.reward = 0;
        vm.prank(requester);
        vm.expectRevert(ITaskMarketErrors.TaskMarketZeroReward.selector);
        market.submitTask(r);
    }

    /// @notice Both sides of the market's minimum execution window (120 s) and of a model's own, longer minimum.
    function test_submitTask_RevertWhen_ExecWindowBelowMarketOrModelMinimum() public {
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.execWindow = 0;
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketExecWindowTooShort.selector, 0, 120));
        market.submitTask(r);
        r.execWindow = 119;
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketExecWindowTooShort.selector, 119, 120));
        market.submitTask(r);
        r.execWindow = 120;
        (, ITaskMarketTypes.TaskSpec memory spec) = _submit(r);
        assertEq(spec.execWindow, 120);

        vm.prank(admin);
        models.setMinExecWindow(zkModel, 15 minutes);
        r.execWindow = 15 minutes - 1;
        vm.prank(requester);
        vm.expectRevert(
            abi.encodeWithSelector(ITaskMarketErrors.TaskMarketExecWindowTooShort.selector, 15 minutes - 1, 15 minutes)
        );
        market.submitTask(r);
        r.execWindow = 15 minutes;
        (, spec) = _submit(r);
        assertEq(spec.execWindow, 15 minutes);
    }

    /// @notice Both sides of the maximum task lifetime (7 days): no reward or bond is held longer.
    function test_submitTask_RevertWhen_DeadlineBeyondMaxLifetime() public {
        ITaskMarketTypes.TaskRequest memory r = _redundantRequest();
        r.deadline = uint40(block.timestamp + 7 days + 1);
        vm.prank(requester);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketDeadlineTooLate.selector,
                r.deadline,
                block.timestamp + 7 days
            )
        );
        market.submitTask(r);
        r.deadline = uint40(block.timestamp + 7 days);
        (, ITaskMarketTypes.TaskSpec memory spec) = _submit(r);
        assertEq(spec.deadline, block.timestamp + 7 days);
    }

    /// @notice Finding 5: a ZK model in REDUNDANT mode can never be settled; the chain refuses it at submission.
    function test_submitTask_RevertWhen_RedundantOnZkModel() public {
        ITaskMarketTypes.TaskRequest memory r = _redundantRequest();
        r.modelId = zkModel;
        vm.prank(requester);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketModelKindMismatch.selector,
                zkModel,
                ModelKind.ZK_MLP,
                ITaskMarketTypes.VerificationMode.REDUNDANT
            )
        );
        market.submitTask(r);
    }

    /// @notice A task is rated only on an approved model and at a reward worth at least `minRatedValue`.
    function test_submitTask_RatedOnlyOnApprovedModelAboveMinimumValue() public {
        (, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        assertTrue(spec.rated, "approved model, 10 EAI = minimum");
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.reward = 10 ether - 1;
        (, spec) = _submit(r);
        assertFalse(spec.rated, "one wei below the minimum");
        vm.prank(admin);
        models.setModelApproved(zkModel, false);
        (, spec) = _submitZk();
        assertFalse(spec.rated, "model no longer approved");
        assertEq(spec.createdBlock, block.number);
    }

    function test_submitTask_RevertWhen_InvalidTier() public {
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.minTier = 0;
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidTier.selector, 0));
        market.submitTask(r);
        r.minTier = 4;
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidTier.selector, 4));
        market.submitTask(r);
    }

    function test_submitTask_RevertWhen_ZkRedundancyNotOne() public {
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.redundancy = 3;
        vm.prank(requester);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketInvalidRedundancy.selector,
                ITaskMarketTypes.VerificationMode.ZK,
                3
            )
        );
        market.submitTask(r);
    }

    function test_submitTask_RevertWhen_RedundancyEvenTooSmallOrTooLarge() public {
        uint8[3] memory bad = [uint8(2), 1, 11];
        for (uint256 i; i < bad.length; ++i) {
            ITaskMarketTypes.TaskRequest memory r = _redundantRequest();
            r.redundancy = bad[i];
            vm.prank(requester);
            vm.expectRevert(
                abi.encodeWithSelector(
                    ITaskMarketErrors.TaskMarketInvalidRedundancy.selector,
                    ITaskMarketTypes.VerificationMode.REDUNDANT,
                    bad[i]
                )
            );
            market.submitTask(r);
        }
    }

    function test_submitTask_RevertWhen_InputCommitmentInvalid() public {
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.inputCommitment = ProofLib.SNARK_SCALAR_FIELD;
        vm.prank(requester);
        vm.expectRevert(
            abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidCommitment.selector, ProofLib.SNARK_SCALAR_FIELD)
        );
        market.submitTask(r);
        r = _redundantRequest();
        r.inputCommitment = 0;
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidCommitment.selector, 0));
        market.submitTask(r);
    }

    function test_submitTask_RevertWhen_ModelInactive() public {
        vm.prank(creator);
        models.setModelActive(zkModel, false);
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketModelInactive.selector, zkModel));
        market.submitTask(r);
    }

    function test_submitTask_RevertWhen_ZkOnNonZkModel() public {
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.modelId = onnxModel;
        vm.prank(requester);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketModelKindMismatch.selector,
                onnxModel,
                ModelKind.ONNX,
                ITaskMarketTypes.VerificationMode.ZK
            )
        );
        market.submitTask(r);
    }

    function test_submitTask_RevertWhen_UnknownModel() public {
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.modelId = 99;
        vm.prank(requester);
        vm.expectRevert();
        market.submitTask(r);
    }

    function test_submitTask_RevertWhen_DeadlineTooSoon() public {
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.deadline = uint40(block.timestamp + 1 hours); // needs priority (30 s) + exec (1 h)
        vm.prank(requester);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketDeadlineTooSoon.selector,
                r.deadline,
                block.timestamp + 30 + 1 hours
            )
        );
        market.submitTask(r);
    }

    function test_submitTask_RevertWhen_AllowanceMissing() public {
        vm.prank(requester);
        token.approve(address(market), 0);
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        vm.prank(requester);
        vm.expectRevert();
        market.submitTask(r);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // submitTaskWithPermit
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    function _permitSig(
        uint256 pk,
        address owner,
        uint256 value,
        uint256 deadline
    ) internal view returns (uint8 v, bytes32 r, bytes32 s) {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                address(market),
                value,
                token.nonces(owner),
                deadline
            )
        );
        return vm.sign(pk, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
    }

    function test_submitTaskWithPermit_SubmitsInOneTransaction() public {
        (address alice, uint256 pk) = makeAddrAndKey("alice");
        token.transfer(alice, 100 ether);
        (uint8 v, bytes32 r, bytes32 s) = _permitSig(pk, alice, REWARD, block.timestamp + 1 hours);
        ITaskMarketTypes.TaskRequest memory req = _zkRequest();
        vm.prank(alice);
        uint256 id = market.submitTaskWithPermit(req, block.timestamp + 1 hours, v, r, s);
        assertEq(id, 1);
        assertEq(token.balanceOf(address(market)), REWARD);
    }

    function test_submitTaskWithPermit_SurvivesFrontRunPermit() public {
        (address alice, uint256 pk) = makeAddrAndKey("alice");
        token.transfer(alice, 100 ether);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permitSig(pk, alice, REWARD, deadline);
        // An attacker copies the permit from the mempool and uses it first.
        vm.prank(stranger);
        token.permit(alice, address(market), REWARD, deadline, v, r, s);
        ITaskMarketTypes.TaskRequest memory req = _zkRequest();
        vm.prank(alice);
        market.submitTaskWithPermit(req, deadline, v, r, s);
        assertEq(token.balanceOf(address(market)), REWARD);
    }

    function test_submitTaskWithPermit_RevertWhen_PermitInvalidAndNoAllowance() public {
        (address alice, ) = makeAddrAndKey("alice");
        token.transfer(alice, 100 ether);
        ITaskMarketTypes.TaskRequest memory req = _zkRequest();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketPermitInsufficient.selector, 0, REWARD));
        market.submitTaskWithPermit(req, block.timestamp + 1, 27, bytes32(uint256(1)), bytes32(uint256(2)));
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // cancelTask
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    function test_cancelTask_CreditsRefund() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.TaskCancelled(id, requester, REWARD);
        vm.prank(requester);
        market.cancelTask(id, spec);
        assertEq(uint8(market.getTaskState(id).status), uint8(ITaskMarketTypes.TaskStatus.Cancelled));
        assertEq(market.creditOf(requester, address(token)), REWARD);
        uint256 before = token.balanceOf(requester);
        vm.prank(requester);
        market.withdraw(address(token));
        assertEq(token.balanceOf(requester), before + REWARD);
    }

    function test_cancelTask_RevertWhen_NotRequester() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketNotRequester.selector, id, stranger));
        market.cancelTask(id, spec);
    }

    /// @notice Attack: a requester tries to pull the reward back after a provider claimed (and started work).
    function test_cancelTask_RevertWhen_AfterClaim() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        _claim(p1, id, spec);
        vm.prank(requester);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketWrongStatus.selector,
                id,
                ITaskMarketTypes.TaskStatus.Claimed
            )
        );
        market.cancelTask(id, spec);
    }

    function test_cancelTask_RevertWhen_RedundantSlotClaimed() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _afterPriority(spec);
        _claim(p1, id, spec);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketAlreadyClaimedByOthers.selector, id, 1));
        market.cancelTask(id, spec);
    }

    function test_cancelTask_RevertWhen_SpecTampered() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        spec.reward = REWARD * 2;
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketSpecMismatch.selector, id));
        market.cancelTask(id, spec);
    }

    function test_cancelTask_RevertWhen_UnknownTask() public {
        (, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketUnknownTask.selector, 42));
        market.cancelTask(42, spec);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // claimTask
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    function test_claimTask_LocksBondAndSetsDeadline() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.TaskClaimed(id, p1, p1, spec.bond, 1, uint40(block.timestamp + 1 hours));
        _claim(p1, id, spec);
        ITaskMarketTypes.TaskState memory st = market.getTaskState(id);
        assertEq(uint8(st.status), uint8(ITaskMarketTypes.TaskStatus.Claimed));
        assertEq(st.phaseDeadline, block.timestamp + 1 hours);
        assertEq(market.claimantOf(id), p1);
        assertEq(vault.lockedOf(p1), spec.bond);
    }

    function test_claimTask_ByOperatorBondsTheOwner() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        _claim(operator1, id, spec);
        assertEq(market.claimantOf(id), p1);
        assertEq(vault.lockedOf(p1), spec.bond);
    }

    function test_claimTask_RevertWhen_Paused() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        vm.prank(guardian);
        market.pause();
        vm.prank(p1);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        market.claimTask(id, spec);
    }

    function test_claimTask_RevertWhen_AlreadyClaimed() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        _claim(p1, id, spec);
        vm.prank(p2);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketWrongStatus.selector,
                id,
                ITaskMarketTypes.TaskStatus.Claimed
            )
        );
        market.claimTask(id, spec);
    }

    function test_claimTask_RevertWhen_TooLate() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        vm.warp(uint256(spec.deadline) - spec.execWindow + 1);
        vm.prank(p1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketTooLate.selector,
                id,
                uint256(spec.deadline) - spec.execWindow
            )
        );
        market.claimTask(id, spec);
    }

    function test_claimTask_RevertWhen_NotProvider() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketNotProvider.selector, stranger));
        market.claimTask(id, spec);
    }

    function test_claimTask_RevertWhen_ProviderDeactivated() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        vm.prank(p1);
        providers.deactivate();
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketProviderIneligible.selector, p1));
        market.claimTask(id, spec);
    }

    function test_claimTask_RevertWhen_ProviderSuspended() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        vm.startPrank(admin);
        reputation.grantRole(reputation.REPORTER_ROLE(), admin);
        for (uint256 i; i < 4; ++i) reputation.record(p1, IReputation.Outcome.WrongResult);
        vm.stopPrank();
        assertTrue(reputation.isSuspended(p1));
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketProviderIneligible.selector, p1));
        market.claimTask(id, spec);
    }

    function test_claimTask_RevertWhen_TierTooLow() public {
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.minTier = 2;
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submit(r);
        _afterPriority(spec);
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketTierTooLow.selector, p1, 1, 2));
        market.claimTask(id, spec);
    }

    /// @notice Attack: an ineligible (low-tier) provider front-runs a claim during the priority window.
    function test_claimTask_RevertWhen_LowTierInPriorityWindow() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketTierTooLow.selector, p1, 1, 3));
        market.claimTask(id, spec);
    }

    function test_claimTask_RevertWhen_InsufficientResources() public {
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.minResources.vramMiB = 80_000;
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submit(r);
        _afterPriority(spec);
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInsufficientResources.selector, p1));
        market.claimTask(id, spec);
    }

    function test_claimTask_RevertWhen_StakeBelowMinimum() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        vm.prank(p1);
        vault.requestUnstake(450 ether);
        vm.prank(p1);
        vm.expectRevert(
            abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInsufficientStake.selector, p1, 50 ether, 100 ether)
        );
        market.claimTask(id, spec);
    }

    function test_claimTask_RevertWhen_FreeStakeBelowBond() public {
        ITaskMarketTypes.TaskRequest memory r = _redundantRequest();
        r.reward = 400 ether; // bond 600 EAI > 500 staked
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submit(r);
        _afterPriority(spec);
        vm.prank(p1);
        vm.expectRevert();
        market.claimTask(id, spec);
    }

    function test_claimTask_RevertWhen_SpecTamperedToLowerBond() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        spec.bond = 0;
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketSpecMismatch.selector, id));
        market.claimTask(id, spec);
    }

    function test_claimTask_RedundantFillsSlotsThenCloses() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _afterPriority(spec);
        _claim(p1, id, spec);
        _claim(p2, id, spec);
        assertEq(uint8(market.getTaskState(id).status), uint8(ITaskMarketTypes.TaskStatus.Open));
        _claim(p3, id, spec);
        ITaskMarketTypes.TaskState memory st = market.getTaskState(id);
        assertEq(uint8(st.status), uint8(ITaskMarketTypes.TaskStatus.Claimed));
        assertEq(st.claims, 3);
        assertEq(st.phaseDeadline, block.timestamp + spec.execWindow);
        assertEq(market.claimantsOf(id).length, 3);
        vm.prank(p4);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketWrongStatus.selector,
                id,
                ITaskMarketTypes.TaskStatus.Claimed
            )
        );
        market.claimTask(id, spec);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // submitProof
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    function test_submitProof_PaysSplitReleasesBondAndRecordsSuccess() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        _claim(p1, id, spec);
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.ProofAccepted(id, p1, OUTPUT);
        _prove(p1, id, spec, p1);
        assertEq(uint8(market.getTaskState(id).status), uint8(ITaskMarketTypes.TaskStatus.Completed));
        assertEq(market.creditOf(p1, address(token)), 8 ether);
        assertEq(market.creditOf(treasury, address(token)), 1.5 ether);
        assertEq(market.creditOf(creator, address(token)), 0.5 ether);
        assertEq(vault.lockedOf(p1), 0);
        assertEq(reputation.getRecord(p1).completed, 1);
        assertEq(market.claimantOf(id), address(0)); // the spent claim is cleared
    }

    function test_submitProof_ByOperator() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        _claim(operator1, id, spec);
        _prove(operator1, id, spec, p1);
        assertEq(market.creditOf(p1, address(token)), 8 ether);
    }

    function test_submitProof_SettlesUnclaimedTaskDirectly() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        _prove(p2, id, spec, p2);
        assertEq(uint8(market.getTaskState(id).status), uint8(ITaskMarketTypes.TaskStatus.Completed));
        assertEq(market.creditOf(p2, address(token)), 8 ether);
        assertEq(vault.lockedOf(p2), 0);
    }

    function test_submitProof_ClaimedTaskSettlesWhilePaused() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        _claim(p1, id, spec);
        vm.prank(guardian);
        market.pause();
        _prove(p1, id, spec, p1);
        assertEq(market.creditOf(p1, address(token)), 8 ether);
    }

    function test_submitProof_RevertWhen_UnclaimedWhilePaused() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        vm.prank(guardian);
        market.pause();
        ProofLib.Proof memory proof = _proof(id, p1);
        vm.prank(p1);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        market.submitProof(id, spec, OUTPUT, proof);
    }

    function test_submitProof_RevertWhen_RedundantTask() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        ProofLib.Proof memory proof = _proof(id, p1);
        vm.prank(p1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketWrongMode.selector,
                id,
                ITaskMarketTypes.VerificationMode.REDUNDANT
            )
        );
        market.submitProof(id, spec, OUTPUT, proof);
    }

    function test_submitProof_RevertWhen_PastDeadline() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        vm.warp(uint256(spec.deadline) + 1);
        ProofLib.Proof memory proof = _proof(id, p1);
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketTooLate.selector, id, spec.deadline));
        market.submitProof(id, spec, OUTPUT, proof);
    }

    function test_submitProof_RevertWhen_OutputOutOfField() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        ProofLib.Proof memory proof = _proof(id, p1);
        vm.prank(p1);
        vm.expectRevert(
            abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidCommitment.selector, ProofLib.SNARK_SCALAR_FIELD)
        );
        market.submitProof(id, spec, ProofLib.SNARK_SCALAR_FIELD, proof);
    }

    function test_submitProof_RevertWhen_NotClaimant() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        _claim(p1, id, spec);
        ProofLib.Proof memory proof = _proof(id, p2);
        vm.prank(p2);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketNotClaimant.selector, id, p2));
        market.submitProof(id, spec, OUTPUT, proof);
    }

    /// @notice Attack: the provider reports another output than the one it proved.
    function test_submitProof_RevertWhen_OutputTampered() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        _claim(p1, id, spec);
        ProofLib.Proof memory proof = _proof(id, p1);
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidProof.selector, id));
        market.submitProof(id, spec, OUTPUT + 1, proof);
    }

    /// @notice Attack: a valid proof for task A is replayed on task B with the same model and input.
    function test_submitProof_RevertWhen_ReplayedOnAnotherTask() public {
        (uint256 a, ITaskMarketTypes.TaskSpec memory specA) = _submitZk();
        (uint256 b, ITaskMarketTypes.TaskSpec memory specB) = _submitZk();
        _afterPriority(specA);
        _prove(p1, a, specA, p1);
        ProofLib.Proof memory proofA = _proof(a, p1);
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidProof.selector, b));
        market.submitProof(b, specB, OUTPUT, proofA);
    }

    /// @notice Attack: another provider copies a pending proof from the mempool and submits it first.
    function test_submitProof_RevertWhen_CopiedByAnotherProvider() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        ProofLib.Proof memory proofOfP1 = _proof(id, p1);
        vm.prank(p2);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidProof.selector, id));
        market.submitProof(id, spec, OUTPUT, proofOfP1);
        _prove(p1, id, spec, p1); // the honest provider still gets paid
        assertEq(market.creditOf(p1, address(token)), 8 ether);
    }

    /// @notice Attack: a proof made with another model's weights.
    function test_submitProof_RevertWhen_ProofForAnotherModel() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        ProofLib.Proof memory proof = _proofFor(_signals(WEIGHTS + 1, INPUT, OUTPUT, id, p1));
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidProof.selector, id));
        market.submitProof(id, spec, OUTPUT, proof);
    }

    /// @notice Malformed proof points: the verifier rejects them.
    function test_submitProof_RevertWhen_MalformedProof() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        ProofLib.Proof memory proof;
        proof.a[0] = type(uint256).max;
        proof.b[0][0] = type(uint256).max;
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidProof.selector, id));
        market.submitProof(id, spec, OUTPUT, proof);
    }

    /// @notice A task pays at most once.
    function test_submitProof_RevertWhen_AlreadyCompleted() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        _prove(p1, id, spec, p1);
        ProofLib.Proof memory proof = _proof(id, p2);
        vm.prank(p2);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketWrongStatus.selector,
                id,
                ITaskMarketTypes.TaskStatus.Completed
            )
        );
        market.submitProof(id, spec, OUTPUT, proof);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // commit / reveal / finalize
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    function _claimAll(uint256 id, ITaskMarketTypes.TaskSpec memory spec) internal {
        _afterPriority(spec);
        _claim(p1, id, spec);
        _claim(p2, id, spec);
        _claim(p3, id, spec);
    }

    function test_redundant_UnanimousResultPaysAll() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _claimAll(id, spec);
        bytes32 h = keccak256("result");
        bytes32 s1 = _commit(p1, id, spec, h);
        bytes32 s2 = _commit(p2, id, spec, h);
        bytes32 s3 = _commit(p3, id, spec, h);
        _reveal(p1, id, spec, h, s1);
        _reveal(p2, id, spec, h, s2);
        _reveal(p3, id, spec, h, s3);
        assertEq(uint8(market.getTaskState(id).status), uint8(ITaskMarketTypes.TaskStatus.Completed));
        uint256 each = (uint256(REWARD) * 8000) / 10_000 / 3;
        assertEq(market.creditOf(p1, address(token)), each);
        assertEq(market.creditOf(p3, address(token)), each);
        assertEq(market.creditOf(creator, address(token)), 0.5 ether);
        assertEq(market.creditOf(treasury, address(token)), REWARD - 3 * each - 0.5 ether);
        assertEq(vault.lockedOf(p1) + vault.lockedOf(p2) + vault.lockedOf(p3), 0);
    }

    function test_redundant_MinoritySlashedMajorityPaid() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _claimAll(id, spec);
        bytes32 good = keccak256("good");
        bytes32 bad = keccak256("lie");
        bytes32 s1 = _commit(p1, id, spec, good);
        bytes32 s2 = _commit(p2, id, spec, bad);
        bytes32 s3 = _commit(p3, id, spec, good);
        _reveal(p1, id, spec, good, s1);
        _reveal(p2, id, spec, bad, s2);
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.ProviderPenalized(id, p2, spec.bond, IReputation.Outcome.WrongResult);
        _reveal(p3, id, spec, good, s3);
        assertEq(market.creditOf(p1, address(token)), 4 ether);
        assertEq(market.creditOf(p3, address(token)), 4 ether);
        assertEq(market.creditOf(p2, address(token)), 0);
        assertEq(vault.stakeOf(p2), PROVIDER_STAKE - spec.bond);
        assertEq(vault.lockedOf(p2), 0);
        // the whole slashed bond goes to the treasury: the requester, who chose model and input, gets nothing of it
        assertEq(vault.creditOf(treasury), spec.bond);
        assertEq(vault.creditOf(requester), 0);
        assertEq(reputation.getRecord(p2).violations, 1);
    }

    function test_redundant_NoMajorityRefundsRequester() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _claimAll(id, spec);
        bytes32 s1 = _commit(p1, id, spec, keccak256("a"));
        bytes32 s2 = _commit(p2, id, spec, keccak256("b"));
        bytes32 s3 = _commit(p3, id, spec, keccak256("c"));
        _reveal(p1, id, spec, keccak256("a"), s1);
        _reveal(p2, id, spec, keccak256("b"), s2);
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.TaskRefunded(id, requester, REWARD, true);
        _reveal(p3, id, spec, keccak256("c"), s3);
        assertEq(uint8(market.getTaskState(id).status), uint8(ITaskMarketTypes.TaskStatus.Refunded));
        assertEq(market.creditOf(requester, address(token)), REWARD);
        assertEq(vault.stakeOf(p1), PROVIDER_STAKE);
        assertEq(vault.lockedOf(p1), 0);
    }

    function test_finalizeTask_SlashesNonRevealers() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _claimAll(id, spec);
        bytes32 h = keccak256("result");
        bytes32 s1 = _commit(p1, id, spec, h);
        bytes32 s2 = _commit(p2, id, spec, h);
        _commit(p3, id, spec, h);
        _reveal(p1, id, spec, h, s1);
        _reveal(p2, id, spec, h, s2);
        uint256 revealDeadline = uint256(market.getTaskState(id).phaseDeadline) + spec.revealWindow;
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketTooEarly.selector, id, revealDeadline + 1));
        market.finalizeTask(id, spec);
        vm.warp(revealDeadline + 1);
        vm.prank(stranger);
        market.finalizeTask(id, spec);
        assertEq(market.creditOf(p1, address(token)), 4 ether);
        assertEq(vault.stakeOf(p3), PROVIDER_STAKE - spec.bond);
        assertEq(reputation.getRecord(p3).violations, 1);
    }

    function test_finalizeTask_NonCommitterCountsAsNonRevealer() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _claimAll(id, spec);
        bytes32 h = keccak256("result");
        bytes32 s1 = _commit(p1, id, spec, h);
        bytes32 s2 = _commit(p2, id, spec, h);
        // p3 never commits: reveals open once the commit deadline passes
        uint40 commitDeadline = market.getTaskState(id).phaseDeadline;
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketTooEarly.selector, id, commitDeadline));
        market.revealResult(id, spec, h, s1, "");
        vm.warp(uint256(commitDeadline) + 1);
        _reveal(p1, id, spec, h, s1);
        _reveal(p2, id, spec, h, s2);
        vm.warp(uint256(commitDeadline) + spec.revealWindow + 1);
        market.finalizeTask(id, spec);
        assertEq(uint8(market.getTaskState(id).status), uint8(ITaskMarketTypes.TaskStatus.Completed));
        assertEq(vault.stakeOf(p3), PROVIDER_STAKE - spec.bond);
    }

    /// @notice Attack: a reveal from task A replayed on task B (same model and input) does not open B's commitment.
    function test_revealResult_RevertWhen_ReplayedOnAnotherTask() public {
        (uint256 a, ITaskMarketTypes.TaskSpec memory specA) = _submitRedundant();
        (uint256 b, ITaskMarketTypes.TaskSpec memory specB) = _submitRedundant();
        _claimAll(a, specA);
        _claim(p1, b, specB);
        _claim(p2, b, specB);
        _claim(p3, b, specB);
        bytes32 h = keccak256("result");
        // p1 copies its task-A commitment into task B
        bytes32 salt = keccak256(abi.encode("salt", p1, a));
        bytes32 commitA = _commitmentOf(a, p1, h, salt);
        vm.prank(p1);
        market.commitResult(b, specB, commitA);
        _commit(p2, b, specB, h);
        _commit(p3, b, specB, h);
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketCommitmentMismatch.selector, b, p1));
        market.revealResult(b, specB, h, salt, "");
    }

    /// @notice Attack: a provider copies another's commitment; it cannot open it with its own address.
    function test_revealResult_RevertWhen_CommitmentCopiedFromOtherProvider() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _claimAll(id, spec);
        bytes32 h = keccak256("result");
        bytes32 s1 = _commit(p1, id, spec, h);
        bytes32 copied = market.redundantClaimOf(id, p1).commitment;
        vm.prank(p2);
        market.commitResult(id, spec, copied);
        _commit(p3, id, spec, h);
        vm.prank(p2);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketCommitmentMismatch.selector, id, p2));
        market.revealResult(id, spec, h, s1, "");
    }

    function test_commitResult_RevertWhen_Twice() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _claimAll(id, spec);
        _commit(p1, id, spec, keccak256("x"));
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketAlreadyCommitted.selector, id, p1));
        market.commitResult(id, spec, keccak256("y"));
    }

    function test_commitResult_RevertWhen_NotClaimant() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _claimAll(id, spec);
        vm.prank(p4);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketNotClaimant.selector, id, p4));
        market.commitResult(id, spec, keccak256("y"));
    }

    function test_commitResult_RevertWhen_Zero() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _claimAll(id, spec);
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidCommitment.selector, 0));
        market.commitResult(id, spec, bytes32(0));
    }

    function test_commitResult_RevertWhen_AfterCommitDeadline() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _claimAll(id, spec);
        uint40 d = market.getTaskState(id).phaseDeadline;
        vm.warp(uint256(d) + 1);
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketTooLate.selector, id, d));
        market.commitResult(id, spec, keccak256("y"));
    }

    function test_commitResult_RevertWhen_ZkTask() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        vm.prank(p1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketWrongMode.selector,
                id,
                ITaskMarketTypes.VerificationMode.ZK
            )
        );
        market.commitResult(id, spec, keccak256("y"));
    }

    function test_commitResult_ByOperatorBeforeAllSlotsFilled() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _afterPriority(spec);
        _claim(operator1, id, spec);
        vm.prank(operator1);
        market.commitResult(id, spec, keccak256("c"));
        assertEq(market.redundantClaimOf(id, p1).commitment, keccak256("c"));
    }

    function test_revealResult_RevertWhen_NotAllSlotsClaimed() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _afterPriority(spec);
        _claim(p1, id, spec);
        bytes32 s = _commit(p1, id, spec, keccak256("r"));
        vm.prank(p1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketWrongStatus.selector,
                id,
                ITaskMarketTypes.TaskStatus.Open
            )
        );
        market.revealResult(id, spec, keccak256("r"), s, "");
    }

    function test_revealResult_RevertWhen_AfterRevealWindow() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _claimAll(id, spec);
        bytes32 h = keccak256("r");
        bytes32 s1 = _commit(p1, id, spec, h);
        _commit(p2, id, spec, h);
        _commit(p3, id, spec, h);
        uint256 limit = uint256(market.getTaskState(id).phaseDeadline) + spec.revealWindow;
        vm.warp(limit + 1);
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketTooLate.selector, id, limit));
        market.revealResult(id, spec, h, s1, "");
    }

    function test_revealResult_RevertWhen_ZeroOrUncommittedOrTwice() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _claimAll(id, spec);
        bytes32 h = keccak256("r");
        bytes32 s1 = _commit(p1, id, spec, h);
        _commit(p2, id, spec, h);
        vm.warp(uint256(market.getTaskState(id).phaseDeadline) + 1);
        vm.prank(p1);
        vm.expectRevert(ITaskMarketErrors.TaskMarketZeroResult.selector);
        market.revealResult(id, spec, bytes32(0), s1, "");
        vm.prank(p3);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketNotCommitted.selector, id, p3));
        market.revealResult(id, spec, h, s1, "");
        _reveal(p1, id, spec, h, s1);
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketAlreadyRevealed.selector, id, p1));
        market.revealResult(id, spec, h, s1, "");
    }

    function test_finalizeTask_RevertWhen_WrongModeOrStatus() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketWrongMode.selector,
                id,
                ITaskMarketTypes.VerificationMode.ZK
            )
        );
        market.finalizeTask(id, spec);
        (uint256 r, ITaskMarketTypes.TaskSpec memory rspec) = _submitRedundant();
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketWrongStatus.selector,
                r,
                ITaskMarketTypes.TaskStatus.Open
            )
        );
        market.finalizeTask(r, rspec);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // expireTask
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Attack: a provider claims and never delivers. Its bond is slashed and the task reopens.
    function test_expireTask_SlashesSilentClaimantAndReopens() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        _claim(p1, id, spec);
        vm.warp(uint256(market.getTaskState(id).phaseDeadline) + 1);
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.TaskExpired(id, p1, true);
        vm.prank(stranger);
        market.expireTask(id, spec);
        ITaskMarketTypes.TaskState memory st = market.getTaskState(id);
        assertEq(uint8(st.status), uint8(ITaskMarketTypes.TaskStatus.Open));
        assertEq(st.claims, 0);
        assertEq(market.claimantOf(id), address(0));
        assertEq(vault.stakeOf(p1), PROVIDER_STAKE - spec.bond);
        assertEq(reputation.getRecord(p1).failed, 1);
        // someone else can now deliver
        _claim(p2, id, spec);
        _prove(p2, id, spec, p2);
        assertEq(market.creditOf(p2, address(token)), 8 ether);
    }

    function test_expireTask_RefundsWhenNoTimeLeft() public {
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.deadline = uint40(block.timestamp + 30 + 1 hours + 10 minutes);
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submit(r);
        _afterPriority(spec);
        _claim(p1, id, spec);
        vm.warp(uint256(market.getTaskState(id).phaseDeadline) + 1);
        market.expireTask(id, spec);
        assertEq(uint8(market.getTaskState(id).status), uint8(ITaskMarketTypes.TaskStatus.Refunded));
        assertEq(market.creditOf(requester, address(token)), REWARD);
    }

    function test_expireTask_RefundsOpenTaskAfterDeadlineAndReturnsBonds() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
        _afterPriority(spec);
        _claim(p1, id, spec);
        vm.warp(uint256(spec.deadline) + 1);
        market.expireTask(id, spec);
        assertEq(uint8(market.getTaskState(id).status), uint8(ITaskMarketTypes.TaskStatus.Refunded));
        assertEq(market.creditOf(requester, address(token)), REWARD);
        assertEq(vault.lockedOf(p1), 0);
        assertEq(vault.stakeOf(p1), PROVIDER_STAKE);
    }

    function test_expireTask_RevertWhen_TooEarly() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        vm.expectRevert(
            abi.encodeWithSelector(ITaskMarketErrors.TaskMarketTooEarly.selector, id, uint256(spec.deadline) + 1)
        );
        market.expireTask(id, spec);
        _afterPriority(spec);
        _claim(p1, id, spec);
        uint40 d = market.getTaskState(id).phaseDeadline;
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketTooEarly.selector, id, uint256(d) + 1));
        market.expireTask(id, spec);
    }

    function test_expireTask_RevertWhen_Completed() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        _prove(p1, id, spec, p1);
        vm.warp(uint256(spec.deadline) + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketWrongStatus.selector,
                id,
                ITaskMarketTypes.TaskStatus.Completed
            )
        );
        market.expireTask(id, spec);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // withdraw
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    function test_withdraw_SendsCreditOnce() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        _afterPriority(spec);
        _prove(p1, id, spec, p1);
        uint256 before = token.balanceOf(p1);
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.Withdrawn(p1, address(token), 8 ether);
        vm.prank(p1);
        market.withdraw(address(token));
        assertEq(token.balanceOf(p1), before + 8 ether);
        vm.prank(p1);
        vm.expectRevert(
            abi.encodeWithSelector(ITaskMarketErrors.TaskMarketNothingToWithdraw.selector, p1, address(token))
        );
        market.withdraw(address(token));
    }

    function test_withdraw_WorksWhilePaused() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        vm.prank(requester);
        market.cancelTask(id, spec);
        vm.prank(guardian);
        market.pause();
        vm.prank(requester);
        market.withdraw(address(token));
        assertEq(market.creditOf(requester, address(token)), 0);
    }

    /// @notice Attack: an allowlisted token re-enters `withdraw` while paying out; the guard stops it and the
    ///         credit stays intact.
    function test_withdraw_RevertWhen_ReentrantToken() public {
        ReentrantERC20 evil = new ReentrantERC20();
        vm.prank(admin);
        market.setPaymentToken(address(evil), true, 1 ether);
        evil.mint(requester, 100 ether);
        vm.prank(requester);
        evil.approve(address(market), type(uint256).max);
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.paymentToken = address(evil);
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submit(r);
        vm.prank(requester);
        market.cancelTask(id, spec);

        evil.arm(address(market), abi.encodeCall(market.withdraw, (address(evil))));
        vm.prank(requester);
        vm.expectRevert(ReentrancyGuard.ReentrancyGuardReentrantCall.selector);
        market.withdraw(address(evil));
        assertEq(market.creditOf(requester, address(evil)), REWARD);
        assertEq(evil.balanceOf(address(market)), REWARD);
    }

    /// @notice Attack: a token re-enters `submitTask` while the reward is pulled.
    function test_submitTask_RevertWhen_ReentrantToken() public {
        ReentrantERC20 evil = new ReentrantERC20();
        vm.prank(admin);
        market.setPaymentToken(address(evil), true, 1 ether);
        evil.mint(requester, 100 ether);
        vm.prank(requester);
        evil.approve(address(market), type(uint256).max);
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.paymentToken = address(evil);
        evil.arm(address(market), abi.encodeCall(market.submitTask, (r)));
        vm.prank(requester);
        vm.expectRevert(ReentrancyGuard.ReentrancyGuardReentrantCall.selector);
        market.submitTask(r);
        assertEq(market.taskCount(), 0);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // guardian and governance
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    function test_pause_RevertWhen_NotGuardian() public {
        bytes32 role = market.GUARDIAN_ROLE();
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        market.pause();
    }

    function test_unpause_ByGuardianOrAdminOnly() public {
        bytes32 role = market.GUARDIAN_ROLE();
        vm.prank(guardian);
        market.pause();
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role)
        );
        market.unpause();
        vm.prank(admin);
        market.unpause();
        assertFalse(market.paused());
    }

    /// @notice Attack: the guardian (or anyone but the admin) tries to change a parameter.
    function test_setters_RevertWhen_NotAdmin() public {
        address[2] memory callers = [guardian, stranger];
        for (uint256 i; i < 2; ++i) {
            bytes memory err = abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                callers[i],
                bytes32(0)
            );
            ITaskMarketTypes.MarketParams memory p = market.marketParams();
            vm.startPrank(callers[i]);
            vm.expectRevert(err);
            market.setMarketParams(p);
            ITaskMarketTypes.SettlementParams memory sp = market.settlementParams();
            vm.expectRevert(err);
            market.setSettlementParams(sp);
            vm.expectRevert(err);
            market.setStakeParams(1, 1);
            vm.expectRevert(err);
            market.setPaymentToken(address(1), true, 1);
            vm.expectRevert(err);
            market.setTreasury(callers[i]);
            vm.stopPrank();
        }
    }

    function test_setMarketParams_UpdatesAndValidates() public {
        ITaskMarketTypes.MarketParams memory p = market.marketParams();
        p.providerBps = 7000;
        p.treasuryBps = 2000;
        p.creatorBps = 1000;
        vm.expectEmit(false, false, false, true, address(market));
        emit ITaskMarketEvents.MarketParamsUpdated(p);
        vm.prank(admin);
        market.setMarketParams(p);
        assertEq(market.marketParams().providerBps, 7000);

        p.creatorBps = 1001;
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidFeeSplit.selector, 7000, 2000, 1001));
        market.setMarketParams(p);

        p = market.marketParams();
        p.maxRedundancy = 17;
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketInvalidParam.selector,
                ITaskMarketTypes.MarketParam.MaxRedundancy,
                17
            )
        );
        market.setMarketParams(p);

        p = market.marketParams();
        p.revealWindow = 10;
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketInvalidParam.selector,
                ITaskMarketTypes.MarketParam.RevealWindow,
                10
            )
        );
        market.setMarketParams(p);

        p = market.marketParams();
        p.priorityWindow = 2 hours;
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketInvalidParam.selector,
                ITaskMarketTypes.MarketParam.PriorityWindow,
                2 hours
            )
        );
        market.setMarketParams(p);

        p = market.marketParams();
        p.zkBondRatioBps = 50_001;
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketInvalidParam.selector,
                ITaskMarketTypes.MarketParam.ZkBondRatioBps,
                50_001
            )
        );
        market.setMarketParams(p);
    }

    /// @notice Both sides of the bounds of the minimum execution window and the maximum task lifetime.
    function test_setMarketParams_WindowBounds() public {
        ITaskMarketTypes.MarketParams memory p = market.marketParams();
        uint32[4] memory badExec = [uint32(0), 29, 1 days + 1, type(uint32).max];
        for (uint256 i; i < badExec.length; ++i) {
            p = market.marketParams();
            p.minExecWindow = badExec[i];
            vm.prank(admin);
            vm.expectRevert(
                abi.encodeWithSelector(
                    ITaskMarketErrors.TaskMarketInvalidParam.selector,
                    ITaskMarketTypes.MarketParam.MinExecWindow,
                    badExec[i]
                )
            );
            market.setMarketParams(p);
        }
        p = market.marketParams();
        p.minExecWindow = 30;
        vm.prank(admin);
        market.setMarketParams(p);
        p.minExecWindow = 1 days;
        vm.prank(admin);
        market.setMarketParams(p);

        // the lifetime must hold priority (30 s) + min exec (1 day) + reveal (10 min), and at most 90 days
        p = market.marketParams();
        uint32 shortest = 30 + 1 days + 10 minutes;
        p.maxTaskLifetime = shortest - 1;
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketInvalidParam.selector,
                ITaskMarketTypes.MarketParam.MaxTaskLifetime,
                shortest - 1
            )
        );
        market.setMarketParams(p);
        p.maxTaskLifetime = shortest;
        vm.prank(admin);
        market.setMarketParams(p);
        p.maxTaskLifetime = 90 days + 1;
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketInvalidParam.selector,
                ITaskMarketTypes.MarketParam.MaxTaskLifetime,
                90 days + 1
            )
        );
        market.setMarketParams(p);
        p.maxTaskLifetime = 90 days;
        vm.prank(admin);
        market.setMarketParams(p);
        assertEq(market.marketParams().maxTaskLifetime, 90 days);
    }

    /// @notice Settlement parameters: event, and both sides of every bound.
    function test_setSettlementParams_UpdatesAndValidates() public {
        ITaskMarketTypes.SettlementParams memory sp = ITaskMarketTypes.SettlementParams({
            drawStep: 10 minutes,
            fillTimeout: 7 days,
            faultFeeBps: 5000,
            minRatedValue: 0
        });
        vm.expectEmit(false, false, false, true, address(market));
        emit ITaskMarketEvents.SettlementParamsUpdated(sp);
        vm.prank(admin);
        market.setSettlementParams(sp);
        assertEq(market.settlementParams().faultFeeBps, 5000);

        sp.drawStep = 10 minutes + 1;
        _expectInvalidSettlement(sp, ITaskMarketTypes.MarketParam.DrawStep, 10 minutes + 1);
        sp.drawStep = 0;
        _expectInvalidSettlement(sp, ITaskMarketTypes.MarketParam.DrawStep, 0);
        sp.drawStep = 1;
        sp.fillTimeout = 0;
        _expectInvalidSettlement(sp, ITaskMarketTypes.MarketParam.FillTimeout, 0);
        sp.fillTimeout = 7 days + 1;
        _expectInvalidSettlement(sp, ITaskMarketTypes.MarketParam.FillTimeout, 7 days + 1);
        sp.fillTimeout = 1;
        sp.faultFeeBps = 5001;
        _expectInvalidSettlement(sp, ITaskMarketTypes.MarketParam.FaultFeeBps, 5001);
        sp.faultFeeBps = 0;
        vm.prank(admin);
        market.setSettlementParams(sp);
        assertEq(market.settlementParams().drawStep, 1);
    }

    function _expectInvalidSettlement(
        ITaskMarketTypes.SettlementParams memory sp,
        ITaskMarketTypes.MarketParam which,
        uint256 value
    ) internal {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidParam.selector, which, value));
        market.setSettlementParams(sp);
    }

    /// @notice The priority window on both sides: at priorityUntil - 1 only tier 3 may claim, at priorityUntil
    ///         tier 1 may.
    function test_claimTask_PriorityWindowBoundary() public {
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
        vm.warp(uint256(spec.priorityUntil) - 1);
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketTierTooLow.selector, p1, 1, 3));
        market.claimTask(id, spec);
        vm.warp(spec.priorityUntil);
        _claim(p1, id, spec);
        assertEq(market.claimantOf(id), p1);
    }

    function test_setStakeParams_UpdatesAndValidates() public {
        vm.prank(admin);
        market.setStakeParams(2 ether, 50 ether);
        (uint256 floor, uint256 minStake) = market.stakeParams();
        assertEq(floor, 2 ether);
        assertEq(minStake, 50 ether);
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketInvalidParam.selector,
                ITaskMarketTypes.MarketParam.BondFloor,
                0
            )
        );
        market.setStakeParams(0, 50 ether);
    }

    function test_setPaymentToken_AllowlistsAndSizesBonds() public {
        address usdc = address(0x05DC);
        vm.prank(admin);
        market.setPaymentToken(usdc, true, 2 ether); // 1 token unit (1e18) is worth 2 EAI
        (bool allowed, uint256 rate) = market.paymentToken(usdc);
        assertTrue(allowed);
        assertEq(rate, 2 ether);
        assertEq(market.bondFor(usdc, 100 ether, ITaskMarketTypes.VerificationMode.ZK), 20 ether);
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketInvalidParam.selector,
                ITaskMarketTypes.MarketParam.EaiPerToken,
                0
            )
        );
        market.setPaymentToken(usdc, true, 0);
        vm.prank(admin);
        vm.expectRevert(ITaskMarketErrors.TaskMarketZeroAddress.selector);
        market.setPaymentToken(address(0), true, 1);
        vm.prank(admin);
        market.setPaymentToken(usdc, false, 0);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketTokenNotAllowed.selector, usdc));
        market.bondFor(usdc, 1, ITaskMarketTypes.VerificationMode.ZK);
    }

    function test_setTreasury_UpdatesAndValidates() public {
        vm.prank(admin);
        market.setTreasury(stranger);
        assertEq(market.treasury(), stranger);
        vm.prank(admin);
        vm.expectRevert(ITaskMarketErrors.TaskMarketZeroAddress.selector);
        market.setTreasury(address(0));
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // fuzz
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Fee split: for any reward and any valid split, ZK payouts sum exactly to the reward.
    function testFuzz_submitProof_PayoutsSumToReward(uint128 reward, uint16 providerBps, uint16 creatorBps) public {
        reward = uint128(bound(reward, 1, 1_000_000 ether));
        providerBps = uint16(bound(providerBps, 0, 10_000));
        creatorBps = uint16(bound(creatorBps, 0, 10_000 - providerBps));
        ITaskMarketTypes.MarketParams memory p = market.marketParams();
        p.providerBps = providerBps;
        p.creatorBps = creatorBps;
        p.treasuryBps = 10_000 - providerBps - creatorBps;
        vm.prank(admin);
        market.setMarketParams(p);

        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.reward = reward;
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submit(r);
        _afterPriority(spec);
        _prove(p1, id, spec, p1);
        uint256 paid =
            market.creditOf(p1, address(token)) +
                market.creditOf(treasury, address(token)) +
                market.creditOf(creator, address(token));
        assertEq(paid, reward);
        assertEq(market.creditOf(p1, address(token)), (uint256(reward) * providerBps) / 10_000);
    }

    /// @notice Bond: never below the floor, proportional to the reward's EAI value above it, and monotonic.
    function testFuzz_bondFor_FloorAndMonotonic(uint128 a, uint128 b, uint16 ratio, uint128 rate) public {
        ratio = uint16(bound(ratio, 0, 50_000));
        rate = uint128(bound(rate, 1, 1e30));
        ITaskMarketTypes.MarketParams memory p = market.marketParams();
        p.zkBondRatioBps = ratio;
        vm.startPrank(admin);
        market.setMarketParams(p);
        market.setPaymentToken(address(0xCAFE), true, rate);
        vm.stopPrank();
        (uint128 lo, uint128 hi) = a < b ? (a, b) : (b, a);
        uint256 bondLo = market.bondFor(address(0xCAFE), lo, ITaskMarketTypes.VerificationMode.ZK);
        uint256 bondHi = market.bondFor(address(0xCAFE), hi, ITaskMarketTypes.VerificationMode.ZK);
        (uint256 floor, ) = market.stakeParams();
        assertGe(bondLo, floor);
        assertLe(bondLo, bondHi);
        uint256 expected = (((uint256(hi) * rate) / 1e18) * ratio) / 10_000;
        assertEq(bondHi, expected > 1 ether ? expected : 1 ether);
    }

    /// @notice Redundant payouts: with any odd redundancy and any honest majority, winners share exactly the
    ///         provider part and payouts sum to the reward; every loser is slashed exactly its bond.
    function testFuzz_redundant_MajorityPayoutsSumToReward(uint128 reward, uint8 liars) public {
        reward = uint128(bound(reward, 1, 100 ether));
        liars = uint8(bound(liars, 0, 1));
        ITaskMarketTypes.TaskRequest memory r = _redundantRequest();
        r.reward = reward;
        (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submit(r);
        _claimAll(id, spec);
        bytes32 good = keccak256("good");
        bytes32 s1 = _commit(p1, id, spec, good);
        bytes32 s2 = _commit(p2, id, spec, good);
        bytes32 h3 = liars == 1 ? keccak256("bad") : good;
        bytes32 s3 = _commit(p3, id, spec, h3);
        _reveal(p1, id, spec, good, s1);
        _reveal(p2, id, spec, good, s2);
        _reveal(p3, id, spec, h3, s3);
        uint256 paid =
            market.creditOf(p1, address(token)) +
                market.creditOf(p2, address(token)) +
                market.creditOf(p3, address(token)) +
                market.creditOf(treasury, address(token)) +
                market.creditOf(creator, address(token));
        assertEq(paid, reward);
        assertEq(vault.stakeOf(p3), liars == 1 ? PROVIDER_STAKE - spec.bond : PROVIDER_STAKE);
    }
}
