// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Vm} from "forge-std/Test.sol";

import {MarketFixture} from "./utils/MarketFixture.sol";
import {MockBatchVerifier} from "../../contracts/mocks/MockBatchVerifier.sol";
import {MockVotesToken} from "../../contracts/mocks/MockVotesToken.sol";
import {ITaskMarketEvents} from "../../contracts/interfaces/ITaskMarketEvents.sol";
import {ITaskMarketErrors} from "../../contracts/interfaces/ITaskMarketErrors.sol";
import {ITaskMarketTypes} from "../../contracts/interfaces/ITaskMarketTypes.sol";
import {IModelRegistry} from "../../contracts/interfaces/IModelRegistry.sol";
import {ProofLib} from "../../contracts/libraries/ProofLib.sol";
import {ModelKind, Resources} from "../../contracts/types/Resources.sol";

/// @notice Batched ZK settlement (TaskMarket.submitProofBatch, ZkLib), batched submission (submitTasks) and the
///         registry's batch verifiers. The verifier is a test double that accepts exactly the signal vector a proof
///         was made for (the real verifiers are exercised by test/integration/zk.test.ts).
contract TaskMarketBatchTest is MarketFixture {
    uint8 internal constant K = 4;
    /// @dev Poseidon(0, 0): the padding slot's input commitment, computed off-chain (sdk inputCommitment of 49 zeros).
    uint256 internal constant PAD_INPUT = 14744269619966411208579211824598458697587494354926760081771325075741142829156;
    uint256 internal constant PAD_OUTPUT = 0x5eed;

    MockBatchVerifier internal batchVerifier;

    function setUp() public override {
        super.setUp();
        batchVerifier = new MockBatchVerifier(K);
        vm.prank(admin);
        models.setVerifierCodeHashApproved(address(batchVerifier).codehash, true);
        vm.prank(creator);
        models.setBatchVerifier(zkModel, K, address(batchVerifier));
    }

    // ── helpers (signals and bindings computed here, independently of the market) ─────────────────────────────

    struct Task {
        uint256 id;
        ITaskMarketTypes.TaskSpec spec;
    }

    function _binding(uint256 taskId, address provider) internal view returns (uint256) {
        return
            uint256(keccak256(abi.encode(block.chainid, address(market), taskId, provider))) %
            ProofLib.SNARK_SCALAR_FIELD;
    }

    /// @dev n ZK tasks with distinct inputs.
    function _tasks(uint256 n) internal returns (Task[] memory tasks) {
        tasks = new Task[](n);
        for (uint256 i; i < n; ++i) {
            ITaskMarketTypes.TaskRequest memory r = _zkRequest();
            r.inputCommitment = INPUT + i;
            (tasks[i].id, tasks[i].spec) = _submit(r);
        }
    }

    function _items(Task[] memory tasks) internal pure returns (ITaskMarketTypes.BatchItem[] memory items) {
        items = new ITaskMarketTypes.BatchItem[](tasks.length);
        for (uint256 i; i < tasks.length; ++i) {
            items[i] = ITaskMarketTypes.BatchItem({taskId: tasks[i].id, spec: tasks[i].spec, output: OUTPUT + i});
        }
    }

    /// @dev The signal vector of a k-slot proof for `items` by `provider` (slots past the items are padding).
    function _signals(
        ITaskMarketTypes.BatchItem[] memory items,
        address provider,
        uint256 k
    ) internal view returns (uint256[] memory s) {
        s = new uint256[](1 + 3 * k);
        s[0] = WEIGHTS;
        for (uint256 i; i < k; ++i) {
            if (i < items.length) {
                s[1 + i] = items[i].spec.inputCommitment;
                s[1 + k + i] = items[i].output;
                s[1 + 2 * k + i] = _binding(items[i].taskId, provider);
            } else {
                s[1 + i] = PAD_INPUT;
                s[1 + k + i] = PAD_OUTPUT;
                s[1 + 2 * k + i] = 0;
            }
        }
    }

    function _batchProof(uint256[] memory signals) internal pure returns (ProofLib.Proof memory proof) {
        proof.a[0] = uint256(keccak256(abi.encodePacked(signals)));
        proof.a[1] = 1;
    }

    function _proveBatch(
        address who,
        ITaskMarketTypes.BatchItem[] memory items,
        address provider
    ) internal returns (uint256 settled) {
        ProofLib.Proof memory proof = _batchProof(_signals(items, provider, K));
        vm.prank(who);
        settled = market.submitProofBatch(zkModel, K, items, PAD_OUTPUT, proof);
    }

    function _status(uint256 id) internal view returns (ITaskMarketTypes.TaskStatus) {
        return market.getTaskState(id).status;
    }

    // ── settlement ────────────────────────────────────────────────────────────────────────────────────────────

    function test_batch_SettlesEveryTaskClaimedAndUnclaimed() public {
        Task[] memory tasks = _tasks(3);
        _afterPriority(tasks[0].spec);
        _claim(p1, tasks[0].id, tasks[0].spec);
        _claim(operator1, tasks[2].id, tasks[2].spec);
        assertEq(vault.lockedOf(p1), 2 * uint256(tasks[0].spec.bond));
        ITaskMarketTypes.BatchItem[] memory items = _items(tasks);

        for (uint256 i; i < 3; ++i) {
            vm.expectEmit(true, true, false, true, address(market));
            emit ITaskMarketEvents.ProofAccepted(tasks[i].id, p1, OUTPUT + i);
        }
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.ProofBatchSettled(p1, zkModel, K, 3, 3);
        assertEq(_proveBatch(operator1, items, p1), 3);

        for (uint256 i; i < 3; ++i) {
            assertEq(uint8(_status(tasks[i].id)), uint8(ITaskMarketTypes.TaskStatus.Completed));
            assertEq(market.claimantOf(tasks[i].id), address(0));
        }
        // 80 / 15 / 5 of 10 EAI per task
        assertEq(market.creditOf(p1, address(token)), 3 * 8 ether);
        assertEq(market.creditOf(treasury, address(token)), 3 * 1.5 ether);
        assertEq(market.creditOf(creator, address(token)), 3 * 0.5 ether);
        assertEq(vault.lockedOf(p1), 0);
        assertEq(reputation.getRecord(p1).completed, 3);
    }

    /// @notice Credits are accrued per (token, creator) run and written once per run: tasks paid in two tokens,
    ///         interleaved, are each credited in their own token, to the unit.
    function test_batch_MixedTokensCreditedPerToken() public {
        MockVotesToken other = new MockVotesToken();
        other.mint(requester, 1000 ether);
        vm.prank(requester);
        other.approve(address(market), type(uint256).max);
        vm.prank(admin);
        market.setPaymentToken(address(other), true, 1 ether);
        Task[] memory tasks = new Task[](4);
        for (uint256 i; i < 4; ++i) {
            ITaskMarketTypes.TaskRequest memory r = _zkRequest();
            r.inputCommitment = INPUT + i;
            if (i % 2 == 1) {
                r.paymentToken = address(other);
                r.reward = 20 ether;
            }
            (tasks[i].id, tasks[i].spec) = _submit(r);
        }
        _afterPriority(tasks[0].spec);
        assertEq(_proveBatch(p1, _items(tasks), p1), 4);
        // 80 / 15 / 5 per task: 2 × 10 EAI and 2 × 20 of the other token
        assertEq(market.creditOf(p1, address(token)), 2 * 8 ether);
        assertEq(market.creditOf(treasury, address(token)), 2 * 1.5 ether);
        assertEq(market.creditOf(creator, address(token)), 2 * 0.5 ether);
        assertEq(market.creditOf(p1, address(other)), 2 * 16 ether);
        assertEq(market.creditOf(treasury, address(other)), 2 * 3 ether);
        assertEq(market.creditOf(creator, address(other)), 2 * 1 ether);
    }

    /// @notice A padded slot stands for no task: a one-task batch settles that task and nothing else, and a proof
    ///         that put another task's binding into a padding slot does not verify.
    function test_batch_PaddingSlotSettlesNothing() public {
        Task[] memory tasks = _tasks(2);
        _afterPriority(tasks[0].spec);
        ITaskMarketTypes.BatchItem[] memory both = _items(tasks);
        ITaskMarketTypes.BatchItem[] memory one = new ITaskMarketTypes.BatchItem[](1);
        one[0] = both[0];

        // The attacker proves both tasks but names only the first: slot 1 is padding for the market.
        ProofLib.Proof memory proofOfBoth = _batchProof(_signals(both, p1, K));
        vm.prank(p1);
        vm.expectRevert(ITaskMarketErrors.TaskMarketInvalidBatchProof.selector);
        market.submitProofBatch(zkModel, K, one, PAD_OUTPUT, proofOfBoth);

        assertEq(_proveBatch(p1, one, p1), 1);
        assertEq(uint8(_status(tasks[0].id)), uint8(ITaskMarketTypes.TaskStatus.Completed));
        assertEq(uint8(_status(tasks[1].id)), uint8(ITaskMarketTypes.TaskStatus.Open));
        assertEq(market.creditOf(p1, address(token)), 8 ether);

        // A padding slot's signals are fixed: another pad output than the one proven fails.
        ITaskMarketTypes.BatchItem[] memory second = new ITaskMarketTypes.BatchItem[](1);
        second[0] = both[1];
        ProofLib.Proof memory proof = _batchProof(_signals(second, p1, K));
        vm.prank(p1);
        vm.expectRevert(ITaskMarketErrors.TaskMarketInvalidBatchProof.selector);
        market.submitProofBatch(zkModel, K, second, PAD_OUTPUT + 1, proof);
    }

    /// @notice Task id 0 (which a padding slot could be mistaken for) is no task.
    function test_batch_RevertWhen_TaskIdZero() public {
        Task[] memory tasks = _tasks(1);
        _afterPriority(tasks[0].spec);
        ITaskMarketTypes.BatchItem[] memory items = _items(tasks);
        items[0].taskId = 0;
        ProofLib.Proof memory proof = _batchProof(_signals(items, p1, K));
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketUnknownTask.selector, 0));
        market.submitProofBatch(zkModel, K, items, PAD_OUTPUT, proof);
    }

    // ── attacks ───────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Attack: a batch slips in a task of another model (same verifier, other weights).
    function test_batch_RevertWhen_TaskOfAnotherModel() public {
        Resources memory none;
        uint64 other = _registerModel(ModelKind.ZK_MLP, WEIGHTS + 1, address(verifier), 64, 10, none);
        Task[] memory tasks = _tasks(2);
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.modelId = other;
        (tasks[1].id, tasks[1].spec) = _submit(r);
        _afterPriority(tasks[0].spec);
        ITaskMarketTypes.BatchItem[] memory items = _items(tasks);
        ProofLib.Proof memory proof = _batchProof(_signals(items, p1, K));
        vm.prank(p1);
        vm.expectRevert(
            abi.encodeWithSelector(ITaskMarketErrors.TaskMarketBatchWrongModel.selector, tasks[1].id, other)
        );
        market.submitProofBatch(zkModel, K, items, PAD_OUTPUT, proof);
    }

    /// @notice Attack: the same task twice in one batch is paid once (the second slot is skipped).
    function test_batch_SameTaskTwicePaidOnce() public {
        Task[] memory tasks = _tasks(1);
        _afterPriority(tasks[0].spec);
        ITaskMarketTypes.BatchItem[] memory items = new ITaskMarketTypes.BatchItem[](2);
        items[0] = ITaskMarketTypes.BatchItem({taskId: tasks[0].id, spec: tasks[0].spec, output: OUTPUT});
        items[1] = items[0];
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.ProofBatchTaskSkipped(
            tasks[0].id,
            p1,
            ITaskMarketTypes.BatchSkip.NotOpen,
            ITaskMarketTypes.TaskStatus.Completed
        );
        assertEq(_proveBatch(p1, items, p1), 1);
        assertEq(market.creditOf(p1, address(token)), 8 ether);
        assertEq(reputation.getRecord(p1).completed, 1);
    }

    /// @notice Attack: provider B submits the batch proof made for provider A (copied from the mempool).
    function test_batch_RevertWhen_ProofOfAnotherProvider() public {
        Task[] memory tasks = _tasks(3);
        _afterPriority(tasks[0].spec);
        ITaskMarketTypes.BatchItem[] memory items = _items(tasks);
        ProofLib.Proof memory proofOfP1 = _batchProof(_signals(items, p1, K));
        vm.prank(p2);
        vm.expectRevert(ITaskMarketErrors.TaskMarketInvalidBatchProof.selector);
        market.submitProofBatch(zkModel, K, items, PAD_OUTPUT, proofOfP1);
        assertEq(_proveBatch(p1, items, p1), 3); // the honest provider still gets paid
        assertEq(market.creditOf(p2, address(token)), 0);
    }

    /// @notice Attack: one output word of the batch differs from the proven one; the whole proof fails.
    function test_batch_RevertWhen_OneOutputWordWrong() public {
        Task[] memory tasks = _tasks(4);
        _afterPriority(tasks[0].spec);
        ITaskMarketTypes.BatchItem[] memory items = _items(tasks);
        ProofLib.Proof memory proof = _batchProof(_signals(items, p1, K));
        items[2].output = OUTPUT + 7; // publishes another digit for task 2
        vm.prank(p1);
        vm.expectRevert(ITaskMarketErrors.TaskMarketInvalidBatchProof.selector);
        market.submitProofBatch(zkModel, K, items, PAD_OUTPUT, proof);
    }

    /// @notice Attack: the whole batch is replayed after it settled: nothing is paid again, the call reverts.
    function test_batch_RevertWhen_ReplayedAfterSettlement() public {
        Task[] memory tasks = _tasks(2);
        _afterPriority(tasks[0].spec);
        ITaskMarketTypes.BatchItem[] memory items = _items(tasks);
        assertEq(_proveBatch(p1, items, p1), 2);
        ProofLib.Proof memory proof = _batchProof(_signals(items, p1, K));
        vm.prank(p1);
        vm.expectRevert(ITaskMarketErrors.TaskMarketBatchSettledNothing.selector);
        market.submitProofBatch(zkModel, K, items, PAD_OUTPUT, proof);
        assertEq(market.creditOf(p1, address(token)), 2 * 8 ether);
    }

    /// @notice A requester cancels one task while the batch is being proven: the others still settle and the
    ///         cancelled task keeps its refund.
    function test_batch_CancelledTaskSkippedOthersSettle() public {
        Task[] memory tasks = _tasks(3);
        _afterPriority(tasks[0].spec);
        ITaskMarketTypes.BatchItem[] memory items = _items(tasks);
        vm.prank(requester);
        market.cancelTask(tasks[1].id, tasks[1].spec);
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.ProofBatchTaskSkipped(
            tasks[1].id,
            p1,
            ITaskMarketTypes.BatchSkip.NotOpen,
            ITaskMarketTypes.TaskStatus.Cancelled
        );
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.ProofBatchSettled(p1, zkModel, K, 3, 2);
        assertEq(_proveBatch(p1, items, p1), 2);
        assertEq(uint8(_status(tasks[1].id)), uint8(ITaskMarketTypes.TaskStatus.Cancelled));
        assertEq(market.creditOf(p1, address(token)), 2 * 8 ether);
        assertEq(market.creditOf(requester, address(token)), REWARD);
    }

    /// @notice Another provider claimed one task after the proof was started: skipped, its claim untouched.
    function test_batch_TaskClaimedByOtherSkipped() public {
        Task[] memory tasks = _tasks(2);
        _afterPriority(tasks[0].spec);
        _claim(p2, tasks[0].id, tasks[0].spec);
        ITaskMarketTypes.BatchItem[] memory items = _items(tasks);
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.ProofBatchTaskSkipped(
            tasks[0].id,
            p1,
            ITaskMarketTypes.BatchSkip.ClaimedByOther,
            ITaskMarketTypes.TaskStatus.Claimed
        );
        assertEq(_proveBatch(p1, items, p1), 1);
        assertEq(market.claimantOf(tasks[0].id), p2);
        assertEq(vault.lockedOf(p2), tasks[0].spec.bond);
    }

    function test_batch_PastDeadlineSkipped() public {
        Task[] memory tasks = _tasks(1);
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.deadline = uint40(block.timestamp + 2 days);
        Task[] memory all = new Task[](2);
        all[0] = tasks[0];
        (all[1].id, all[1].spec) = _submit(r);
        vm.warp(uint256(tasks[0].spec.deadline) + 1);
        ITaskMarketTypes.BatchItem[] memory items = _items(all);
        vm.expectEmit(true, true, false, true, address(market));
        emit ITaskMarketEvents.ProofBatchTaskSkipped(
            all[0].id,
            p1,
            ITaskMarketTypes.BatchSkip.PastDeadline,
            ITaskMarketTypes.TaskStatus.Open
        );
        assertEq(_proveBatch(p1, items, p1), 1);
        assertEq(uint8(_status(all[1].id)), uint8(ITaskMarketTypes.TaskStatus.Completed));
    }

    /// @notice The deadline itself is still in time (the single-proof rule: late only once past it).
    function test_batch_SettlesAtDeadline() public {
        Task[] memory tasks = _tasks(1);
        vm.warp(uint256(tasks[0].spec.deadline));
        assertEq(_proveBatch(p1, _items(tasks), p1), 1);
        assertEq(uint8(_status(tasks[0].id)), uint8(ITaskMarketTypes.TaskStatus.Completed));
    }

    // ── the single-proof rules hold for batched tasks ─────────────────────────────────────────────────────────

    /// @notice A tier-1 provider batches a task that is still in its tier-3 priority window: the batch fails.
    function test_batch_RevertWhen_LowTierInPriorityWindow() public {
        Task[] memory early = _tasks(1);
        ITaskMarketTypes.BatchItem[] memory items = _items(early);
        ProofLib.Proof memory proof = _batchProof(_signals(items, p1, K));
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketTierTooLow.selector, p1, 1, 3));
        market.submitProofBatch(zkModel, K, items, PAD_OUTPUT, proof);
        assertEq(uint8(_status(early[0].id)), uint8(ITaskMarketTypes.TaskStatus.Open));
    }

    function test_batch_RevertWhen_BelowMinTier() public {
        ITaskMarketTypes.TaskRequest memory r = _zkRequest();
        r.minTier = 2;
        Task[] memory tasks = new Task[](1);
        (tasks[0].id, tasks[0].spec) = _submit(r);
        _afterPriority(tasks[0].spec);
        ITaskMarketTypes.BatchItem[] memory items = _items(tasks);
        ProofLib.Proof memory proof = _batchProof(_signals(items, p1, K));
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketTierTooLow.selector, p1, 1, 2));
        market.submitProofBatch(zkModel, K, items, PAD_OUTPUT, proof);
    }

    function test_batch_RevertWhen_UnclaimedWhilePausedClaimedStillSettles() public {
        Task[] memory tasks = _tasks(2);
        _afterPriority(tasks[0].spec);
        _claim(p1, tasks[0].id, tasks[0].spec);
        vm.prank(guardian);
        market.pause();
        ITaskMarketTypes.BatchItem[] memory items = _items(tasks);
        ProofLib.Proof memory proof = _batchProof(_signals(items, p1, K));
        vm.prank(p1);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        market.submitProofBatch(zkModel, K, items, PAD_OUTPUT, proof);
        ITaskMarketTypes.BatchItem[] memory claimedOnly = new ITaskMarketTypes.BatchItem[](1);
        claimedOnly[0] = items[0];
        assertEq(_proveBatch(p1, claimedOnly, p1), 1);
    }

    function test_batch_RevertWhen_NotProvider() public {
        Task[] memory tasks = _tasks(1);
        _afterPriority(tasks[0].spec);
        ITaskMarketTypes.BatchItem[] memory items = _items(tasks);
        ProofLib.Proof memory proof = _batchProof(_signals(items, stranger, K));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketNotProvider.selector, stranger));
        market.submitProofBatch(zkModel, K, items, PAD_OUTPUT, proof);
    }

    function test_batch_RevertWhen_SpecTampered() public {
        Task[] memory tasks = _tasks(2);
        _afterPriority(tasks[0].spec);
        ITaskMarketTypes.BatchItem[] memory items = _items(tasks);
        items[1].spec.reward = REWARD * 2;
        ProofLib.Proof memory proof = _batchProof(_signals(items, p1, K));
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketSpecMismatch.selector, tasks[1].id));
        market.submitProofBatch(zkModel, K, items, PAD_OUTPUT, proof);
    }

    function test_batch_RevertWhen_SizeOutOfRangeOrNoVerifier() public {
        Task[] memory tasks = _tasks(5);
        _afterPriority(tasks[0].spec);
        ITaskMarketTypes.BatchItem[] memory five = _items(tasks);
        ProofLib.Proof memory proof;
        vm.startPrank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidBatch.selector, 5, K));
        market.submitProofBatch(zkModel, K, five, PAD_OUTPUT, proof);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidBatch.selector, 0, K));
        market.submitProofBatch(zkModel, K, new ITaskMarketTypes.BatchItem[](0), PAD_OUTPUT, proof);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketNoBatchVerifier.selector, zkModel, 8));
        market.submitProofBatch(zkModel, 8, five, PAD_OUTPUT, proof);
        vm.stopPrank();

        // Governance withdraws the verifier code from the allowlist: the model's batch verifier stops working.
        vm.prank(admin);
        models.setVerifierCodeHashApproved(address(batchVerifier).codehash, false);
        ITaskMarketTypes.BatchItem[] memory one = new ITaskMarketTypes.BatchItem[](1);
        one[0] = five[0];
        proof = _batchProof(_signals(one, p1, K));
        vm.prank(p1);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketNoBatchVerifier.selector, zkModel, K));
        market.submitProofBatch(zkModel, K, one, PAD_OUTPUT, proof);
    }

    /// @notice A verifier of another size registered under K (wrong selector) rejects every proof.
    function test_batch_RevertWhen_VerifierOfAnotherSize() public {
        MockBatchVerifier wrong = new MockBatchVerifier(K + 1);
        vm.prank(admin);
        models.setVerifierCodeHashApproved(address(wrong).codehash, true);
        vm.prank(creator);
        models.setBatchVerifier(zkModel, K, address(wrong));
        Task[] memory tasks = _tasks(1);
        _afterPriority(tasks[0].spec);
        ITaskMarketTypes.BatchItem[] memory items = _items(tasks);
        ProofLib.Proof memory proof = _batchProof(_signals(items, p1, K));
        vm.prank(p1);
        vm.expectRevert(ITaskMarketErrors.TaskMarketInvalidBatchProof.selector);
        market.submitProofBatch(zkModel, K, items, PAD_OUTPUT, proof);
    }

    /// @notice Whatever subset of a full batch is cancelled first, exactly the rest is settled and paid.
    function testFuzz_batch_SettlesExactlyTheTasksStillOpen(uint8 cancelMask) public {
        Task[] memory tasks = _tasks(K);
        _afterPriority(tasks[0].spec);
        uint256 open;
        for (uint256 i; i < K; ++i) {
            if (cancelMask & (1 << i) != 0) {
                vm.prank(requester);
                market.cancelTask(tasks[i].id, tasks[i].spec);
            } else {
                ++open;
            }
        }
        ITaskMarketTypes.BatchItem[] memory items = _items(tasks);
        ProofLib.Proof memory proof = _batchProof(_signals(items, p1, K));
        vm.prank(p1);
        if (open == 0) {
            vm.expectRevert(ITaskMarketErrors.TaskMarketBatchSettledNothing.selector);
            market.submitProofBatch(zkModel, K, items, PAD_OUTPUT, proof);
            return;
        }
        assertEq(market.submitProofBatch(zkModel, K, items, PAD_OUTPUT, proof), open);
        assertEq(market.creditOf(p1, address(token)), open * 8 ether);
        assertEq(market.creditOf(requester, address(token)), (K - open) * uint256(REWARD));
        for (uint256 i; i < K; ++i) {
            ITaskMarketTypes.TaskStatus want =
                cancelMask & (1 << i) != 0
                    ? ITaskMarketTypes.TaskStatus.Cancelled
                    : ITaskMarketTypes.TaskStatus.Completed;
            assertEq(uint8(_status(tasks[i].id)), uint8(want));
        }
    }

    // ── batched submission ────────────────────────────────────────────────────────────────────────────────────

    function test_submitTasks_OneTransferConsecutiveIdsSameSpecsAsSingle() public {
        ITaskMarketTypes.TaskRequest[] memory requests = new ITaskMarketTypes.TaskRequest[](3);
        for (uint256 i; i < 3; ++i) {
            requests[i] = _zkRequest();
            requests[i].inputCommitment = INPUT + i;
            requests[i].reward = uint128(REWARD + i);
        }
        uint256 before = token.balanceOf(requester);
        uint256 first = market.taskCount() + 1;
        vm.recordLogs();
        vm.prank(requester);
        assertEq(market.submitTasks(requests), first);
        assertEq(market.taskCount(), first + 2);
        assertEq(token.balanceOf(requester), before - (3 * uint256(REWARD) + 3));
        assertEq(token.balanceOf(address(market)), 3 * uint256(REWARD) + 3);
        // exactly one Transfer event (one token transfer)
        bytes32 transferSig = keccak256("Transfer(address,address,uint256)");
        uint256 transfers;
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) if (logs[i].topics[0] == transferSig) ++transfers;
        assertEq(transfers, 1);
        // each task is settleable like a single submission's
        (, ITaskMarketTypes.TaskSpec memory single) = _submit(requests[1]);
        _afterPriority(single);
        ITaskMarketTypes.BatchItem[] memory items = new ITaskMarketTypes.BatchItem[](3);
        for (uint256 i; i < 3; ++i) {
            // a copy of the single submission's spec with this request's own fields
            ITaskMarketTypes.TaskSpec memory spec = abi.decode(abi.encode(single), (ITaskMarketTypes.TaskSpec));
            spec.reward = requests[i].reward;
            spec.inputCommitment = requests[i].inputCommitment;
            assertEq(market.getTaskState(first + i).specHash, market.hashSpec(spec), "spec as a single submit");
            items[i] = ITaskMarketTypes.BatchItem({taskId: first + i, spec: spec, output: OUTPUT + i});
        }
        assertEq(_proveBatch(p1, items, p1), 3);
    }

    function test_submitTasks_RevertWhen_EmptyTooManyOrMixedTokens() public {
        vm.startPrank(requester);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidBatch.selector, 0, 64));
        market.submitTasks(new ITaskMarketTypes.TaskRequest[](0));
        ITaskMarketTypes.TaskRequest[] memory many = new ITaskMarketTypes.TaskRequest[](65);
        vm.expectRevert(abi.encodeWithSelector(ITaskMarketErrors.TaskMarketInvalidBatch.selector, 65, 64));
        market.submitTasks(many);
        ITaskMarketTypes.TaskRequest[] memory mixed = new ITaskMarketTypes.TaskRequest[](2);
        mixed[0] = _zkRequest();
        mixed[1] = _zkRequest();
        mixed[1].paymentToken = address(0xdead);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITaskMarketErrors.TaskMarketBatchTokenMismatch.selector,
                address(token),
                address(0xdead)
            )
        );
        market.submitTasks(mixed);
        // an invalid request anywhere reverts the whole call
        mixed[1] = _zkRequest();
        mixed[1].reward = 0;
        vm.expectRevert(ITaskMarketErrors.TaskMarketZeroReward.selector);
        market.submitTasks(mixed);
        vm.stopPrank();
        vm.prank(guardian);
        market.pause();
        mixed[1].reward = REWARD;
        vm.prank(requester);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        market.submitTasks(mixed);
    }

    // ── registry ──────────────────────────────────────────────────────────────────────────────────────────────

    function test_setBatchVerifier_Rules() public {
        MockBatchVerifier other = new MockBatchVerifier(11);
        vm.prank(creator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.ModelRegistryBatchVerifierNotApproved.selector,
                address(other),
                address(other).codehash
            )
        );
        models.setBatchVerifier(zkModel, 11, address(other));
        vm.prank(admin);
        models.setVerifierCodeHashApproved(address(other).codehash, true);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistryNotCreatorOrAdmin.selector, zkModel, stranger)
        );
        models.setBatchVerifier(zkModel, 11, address(other));
        vm.startPrank(creator);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidBatchSize.selector, 1, 32));
        models.setBatchVerifier(zkModel, 1, address(other));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidBatchSize.selector, 33, 32));
        models.setBatchVerifier(zkModel, 33, address(other));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryNotZkModel.selector, onnxModel));
        models.setBatchVerifier(onnxModel, 11, address(other));
        vm.expectEmit(true, true, true, true, address(models));
        emit IModelRegistry.BatchVerifierSet(zkModel, 11, address(other), creator);
        models.setBatchVerifier(zkModel, 11, address(other));
        vm.stopPrank();
        assertEq(models.batchVerifierOf(zkModel, 11), address(other));
        // governance can clear it
        vm.prank(admin);
        models.setBatchVerifier(zkModel, 11, address(0));
        assertEq(models.batchVerifierOf(zkModel, 11), address(0));
    }
}
