// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test, Vm} from "forge-std/Test.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {EAIToken} from "../../../../contracts/token/EAIToken.sol";
import {StakingVault} from "../../../../contracts/staking/StakingVault.sol";
import {Reputation} from "../../../../contracts/reputation/Reputation.sol";
import {TaskMarket} from "../../../../contracts/market/TaskMarket.sol";
import {ProviderRegistry} from "../../../../contracts/registry/ProviderRegistry.sol";
import {IReputation} from "../../../../contracts/interfaces/IReputation.sol";
import {ITaskMarketErrors} from "../../../../contracts/interfaces/ITaskMarketErrors.sol";
import {ITaskMarketEvents} from "../../../../contracts/interfaces/ITaskMarketEvents.sol";
import {ITaskMarketTypes} from "../../../../contracts/interfaces/ITaskMarketTypes.sol";
import {ProofLib} from "../../../../contracts/libraries/ProofLib.sol";
import {RevertReasons} from "./RevertReasons.sol";

/// @dev Task slots of the batched verifier the invariant test registers for the ZK model (the handler's proveBatch).
uint8 constant BATCH_SIZE = 4;

/// @notice Drives the market through random submits, claims (REDUNDANT: at the drawn turn), proofs, commit-reveal
///         rounds with honest, lying, silent and task-fault voters, leaves, cancels, expiries, withdrawals, pauses
///         and unauthorised attempts. Every revert is checked against the reasons the state allows (nothing is
///         swallowed), successful calls are counted per action, and ghost values feed the invariants.
contract TaskMarketHandler is Test {
    bytes32 internal constant FAULT = keccak256("eai.task-fault.v1");

    EAIToken internal immutable _token;
    StakingVault internal immutable _vault;
    Reputation internal immutable _reputation;
    TaskMarket internal immutable _market;
    ProviderRegistry internal immutable _registry;
    address internal immutable _guardian;
    RevertReasons internal immutable _reasons;
    uint256 internal immutable _weights;
    uint64 internal immutable _zkModel;
    uint64 internal immutable _onnxModel;

    address[] public providers;
    address[] public accounts;
    uint256[] public taskIds;
    mapping(uint256 taskId => ITaskMarketTypes.TaskSpec) internal _specs;

    /// @notice Total ever withdrawn from the market.
    uint256 public ghostWithdrawn;
    /// @notice Set when a withdrawal of a positive credit failed (INV-05).
    bool public ghostWithdrawFailed;
    /// @notice Set when the pause stopped something it must not stop: withdraw, cancel, expire, finalize, leave,
    ///         or a proof/commit/reveal on work already claimed (INV-05).
    bool public ghostBlockedByPause;
    /// @notice Set when an unauthorised slash, bond move, reputation write or parameter change succeeded (INV-04).
    bool public ghostUnauthorisedSucceeded;
    /// @notice Set when a requester's credits grew by more than its own refunds (no slash may enrich it, INV-08).
    bool public ghostRequesterEnriched;
    /// @notice Number of completions observed per task (INV-02).
    mapping(uint256 taskId => uint256) public ghostCompletions;
    /// @notice Σ rewards refunded to the requester (Refunded, Cancelled) and fault refunds (Faulted).
    uint256 public ghostRefunded;
    /// @notice Successful calls per action name, so a property that never ran shows up in the summary.
    mapping(bytes32 action => uint256) public successes;
    /// @notice Reverts per action name (each one checked against the allowed reasons).
    mapping(bytes32 action => uint256) public reverts;

    /// @notice Everything the handler drives.
    struct Setup {
        EAIToken token;
        StakingVault vault;
        Reputation reputation;
        TaskMarket market;
        ProviderRegistry registry;
        address guardian;
        uint256 weights;
        uint64 zkModel;
        uint64 onnxModel;
        RevertReasons reasons;
    }

    constructor(Setup memory setup, address[] memory providers_, address[] memory accounts_) {
        _token = setup.token;
        _vault = setup.vault;
        _reputation = setup.reputation;
        _market = setup.market;
        _registry = setup.registry;
        _guardian = setup.guardian;
        _weights = setup.weights;
        _zkModel = setup.zkModel;
        _onnxModel = setup.onnxModel;
        _reasons = setup.reasons;
        providers = providers_;
        accounts = accounts_;
    }

    function taskCount() external view returns (uint256) {
        return taskIds.length;
    }

    function specOf(uint256 taskId) external view returns (ITaskMarketTypes.TaskSpec memory) {
        return _specs[taskId];
    }

    // ── actions ──────────────────────────────────────────────────────────────────────────────────────────────

    function submit(uint128 reward, bool redundant, uint8 size) public {
        reward = uint128(bound(reward, 1, 50 ether));
        ITaskMarketTypes.TaskRequest memory r;
        r.modelId = redundant ? _onnxModel : _zkModel;
        r.paymentToken = address(_token);
        r.reward = reward;
        r.deadline = uint40(block.timestamp + 3 hours);
        r.execWindow = 1 hours;
        r.mode = redundant ? ITaskMarketTypes.VerificationMode.REDUNDANT : ITaskMarketTypes.VerificationMode.ZK;
        r.redundancy = redundant ? uint8(3 + 2 * (size % 2)) : 1; // 3 or 5
        r.minTier = 1;
        r.inputCommitment = 42;
        vm.recordLogs();
        try _market.submitTask(r) returns (uint256 id) {
            _specs[id] = _specFromLogs(id);
            taskIds.push(id);
            ++successes["submit"];
        } catch (bytes memory err) {
            assertTrue(_market.paused() && bytes4(err) == Pausable.EnforcedPause.selector, "submit: only the pause");
        }
    }

    function claim(uint256 taskSeed, uint256 providerSeed, bool waitTurn) external {
        (bool ok, uint256 id) = _pick(taskSeed);
        if (!ok) return;
        ITaskMarketTypes.TaskSpec memory spec = _specs[id];
        address provider = providers[providerSeed % providers.length];
        if (block.timestamp < spec.priorityUntil) vm.warp(spec.priorityUntil);
        if (spec.mode == ITaskMarketTypes.VerificationMode.REDUNDANT && waitTurn) _awaitTurn(provider, id, spec);
        vm.prank(provider);
        try _market.claimTask(id, spec) {
            ++successes["claim"];
        } catch (bytes memory err) {
            ++reverts["claim"];
            bool notOpen = _market.getTaskState(id).status != ITaskMarketTypes.TaskStatus.Open;
            assertTrue(_reasons.claimAllowed(bytes4(err), notOpen), "claim: unexpected revert");
        }
    }

    function prove(uint256 taskSeed, uint256 providerSeed, bool useClaimant) external {
        (bool ok, uint256 id) = _pick(taskSeed);
        if (!ok) return;
        ITaskMarketTypes.TaskSpec memory spec = _specs[id];
        if (spec.mode != ITaskMarketTypes.VerificationMode.ZK) return;
        address provider = providers[providerSeed % providers.length];
        address claimant = _market.claimantOf(id);
        if (useClaimant && claimant != address(0)) provider = claimant;
        if (block.timestamp < spec.priorityUntil) vm.warp(spec.priorityUntil);
        ITaskMarketTypes.TaskStatus before = _market.getTaskState(id).status;
        uint256[4] memory s;
        s[0] = _weights;
        s[1] = spec.inputCommitment;
        s[2] = 7;
        s[3] =
            uint256(keccak256(abi.encode(block.chainid, address(_market), id, provider))) % ProofLib.SNARK_SCALAR_FIELD;
        ProofLib.Proof memory proof;
        proof.a[0] = uint256(keccak256(abi.encode(s)));
        vm.prank(provider);
        try _market.submitProof(id, spec, 7, proof) {
            ++ghostCompletions[id];
            ++successes["prove"];
        } catch (bytes memory err) {
            ++reverts["prove"];
            bool claimedByOther = before == ITaskMarketTypes.TaskStatus.Claimed && claimant != provider;
            bytes4 sel = bytes4(err);
            assertTrue(
                _reasons.proveAllowed(sel, before, claimedByOther, block.timestamp > spec.deadline),
                "prove: unexpected revert"
            );
            if (sel == Pausable.EnforcedPause.selector && before == ITaskMarketTypes.TaskStatus.Claimed) {
                ghostBlockedByPause = true;
            }
        }
    }

    /// @dev Poseidon(0, 0), the input commitment of a padding slot (computed off-chain, as in TaskMarketBatch.t.sol).
    uint256 internal constant PAD_INPUT = 14744269619966411208579211824598458697587494354926760081771325075741142829156;
    uint256 internal constant PAD_OUTPUT = 0x5eed;

    /// @dev One batched proof over up to BATCH_SIZE ZK tasks (newest first from a seed, a task now and then named
    ///      twice), by any provider. Which tasks settle is worked out here from the state before the call, by the
    ///      rules of ITaskMarket.submitProofBatch, and checked against the returned count and every task's status
    ///      after: a claimed task only for its claimant, an open one for an eligible provider when not paused,
    ///      nothing past its deadline or already settled, and nothing twice.
    function proveBatch(uint256 taskSeed, uint256 providerSeed, uint8 count) external {
        address provider = providers[providerSeed % providers.length];
        // one call in three: a provider proving only its own claims (the batch that must work while paused)
        bool ownClaims = (providerSeed >> 8) % 3 == 0;
        uint256[] memory ids = _batchIds(taskSeed, 1 + (count % BATCH_SIZE), ownClaims ? provider : address(0));
        if (ids.length == 0) return;
        if (!ownClaims && (providerSeed >> 16) % 2 == 0 && _market.claimantOf(ids[0]) != address(0)) {
            provider = _market.claimantOf(ids[0]);
        }
        ITaskMarketTypes.BatchItem[] memory items = new ITaskMarketTypes.BatchItem[](ids.length);
        uint256[] memory signals = new uint256[](1 + 3 * uint256(BATCH_SIZE));
        signals[0] = _weights;
        bool[] memory expectSettle = new bool[](ids.length);
        ITaskMarketTypes.TaskStatus[] memory before = new ITaskMarketTypes.TaskStatus[](ids.length);
        uint256 expected;
        bool needsOpen; // some task would be claimed and delivered by the batch itself (pause and standing apply)
        for (uint256 i; i < BATCH_SIZE; ++i) {
            if (i < ids.length) {
                ITaskMarketTypes.TaskSpec memory spec = _specs[ids[i]];
                if (block.timestamp < spec.priorityUntil) vm.warp(spec.priorityUntil);
                items[i] = ITaskMarketTypes.BatchItem({taskId: ids[i], spec: spec, output: 7 + i});
                signals[1 + i] = spec.inputCommitment;
                signals[1 + BATCH_SIZE + i] = 7 + i;
                signals[1 + 2 * BATCH_SIZE + i] =
                    uint256(keccak256(abi.encode(block.chainid, address(_market), ids[i], provider))) %
                    ProofLib.SNARK_SCALAR_FIELD;
            } else {
                signals[1 + i] = PAD_INPUT;
                signals[1 + BATCH_SIZE + i] = PAD_OUTPUT;
            }
        }
        for (uint256 i; i < ids.length; ++i) {
            before[i] = _market.getTaskState(ids[i]).status;
            bool named = false;
            for (uint256 j; j < i; ++j) named = named || (ids[j] == ids[i] && expectSettle[j]);
            if (named || block.timestamp > _specs[ids[i]].deadline) continue;
            if (before[i] == ITaskMarketTypes.TaskStatus.Claimed) {
                expectSettle[i] = _market.claimantOf(ids[i]) == provider;
            } else if (before[i] == ITaskMarketTypes.TaskStatus.Open) {
                expectSettle[i] = true;
                needsOpen = true;
            }
            if (expectSettle[i]) ++expected;
        }
        ProofLib.Proof memory proof;
        proof.a[0] = uint256(keccak256(abi.encodePacked(signals)));
        proof.a[1] = 1;
        vm.prank(provider);
        try _market.submitProofBatch(_zkModel, BATCH_SIZE, items, PAD_OUTPUT, proof) returns (uint256 settled) {
            assertEq(settled, expected, "proveBatch: settled count");
            for (uint256 i; i < ids.length; ++i) {
                ITaskMarketTypes.TaskStatus afterwards = _market.getTaskState(ids[i]).status;
                if (expectSettle[i]) {
                    assertEq(
                        uint8(afterwards),
                        uint8(ITaskMarketTypes.TaskStatus.Completed),
                        "proveBatch: not settled"
                    );
                    ++ghostCompletions[ids[i]];
                } else {
                    bool settledEarlierInBatch = false;
                    for (uint256 j; j < i; ++j) settledEarlierInBatch = settledEarlierInBatch || ids[j] == ids[i];
                    if (!settledEarlierInBatch) assertEq(uint8(afterwards), uint8(before[i]), "proveBatch: skip moved");
                }
            }
            ++successes["proveBatch"];
            if (settled < ids.length) ++successes["proveBatch:skip"];
            if (_market.paused()) ++successes["proveBatch:paused"];
        } catch (bytes memory err) {
            ++reverts["proveBatch"];
            bytes4 sel = bytes4(err);
            if (sel == ITaskMarketErrors.TaskMarketBatchSettledNothing.selector) {
                assertEq(expected, 0, "proveBatch: settled nothing although some task was settleable");
            } else if (sel == Pausable.EnforcedPause.selector) {
                assertTrue(_market.paused(), "proveBatch: EnforcedPause while not paused");
                if (!needsOpen) ghostBlockedByPause = true; // only claimed work in the batch: INV-05 fails
            } else {
                // the caller's own standing, met only while claiming an open task
                assertTrue(
                    needsOpen &&
                        (sel == ITaskMarketErrors.TaskMarketProviderIneligible.selector ||
                            sel == ITaskMarketErrors.TaskMarketInsufficientStake.selector),
                    "proveBatch: unexpected revert"
                );
            }
        }
    }

    /// @dev Up to `count` ZK tasks, newest first from an offset the seed picks (only those `claimant` holds, unless it
    ///      is zero); one draw in four names a task twice.
    function _batchIds(uint256 seed, uint256 count, address claimant) internal view returns (uint256[] memory ids) {
        uint256 n = taskIds.length;
        uint256[] memory found = new uint256[](count);
        uint256 m;
        uint256 offset = n == 0 ? 0 : (seed % 2 == 0 ? 0 : (seed >> 1) % n);
        for (uint256 j = offset; j < n && m < count; ++j) {
            uint256 id = taskIds[n - 1 - j];
            if (_specs[id].mode != ITaskMarketTypes.VerificationMode.ZK) continue;
            if (claimant != address(0) && _market.claimantOf(id) != claimant) continue;
            found[m++] = id;
        }
        if (m > 0 && m < count && (seed >> 32) % 4 == 0) found[m++] = found[0]; // named twice
        ids = new uint256[](m);
        for (uint256 i; i < m; ++i) ids[i] = found[i];
    }

    /// @dev A whole REDUNDANT round: providers take the draws at their turns, commit and reveal; voters may lie,
    ///      stay silent, or report a task fault.
    function redundantRound(uint128 reward, uint8 size, uint256 behaviour) external {
        if (_market.paused()) return;
        // mostly below the 10 EAI rating minimum, so that liars do not suspend every provider within a few rounds
        submit(uint128(bound(reward, 1, 12 ether)), true, size);
        uint256 id = taskIds[taskIds.length - 1];
        ITaskMarketTypes.TaskSpec memory spec = _specs[id];
        vm.warp(spec.priorityUntil);
        // one round in five never fills: a single draw is taken and the task waits for leave, cancel or expiry
        uint256 attempts = behaviour % 5 == 4 ? 1 : spec.redundancy * 3;
        for (uint256 i; i < attempts && _market.getTaskState(id).status == ITaskMarketTypes.TaskStatus.Open; ++i) {
            address p = providers[uint256(keccak256(abi.encode(behaviour, i))) % providers.length];
            _awaitTurn(p, id, spec);
            vm.prank(p);
            try _market.claimTask(id, spec) {} catch (bytes memory err) {
                assertTrue(_reasons.roundClaimAllowed(bytes4(err)), "round claim: unexpected revert");
            }
        }
        if (_market.getTaskState(id).status != ITaskMarketTypes.TaskStatus.Claimed) return; // left open
        address[] memory members = _market.claimantsOf(id);
        uint256 requesterBefore = _market.creditOf(address(this), address(_token));
        bool revealedAll = true;
        bytes32[] memory results = new bytes32[](members.length);
        bytes32[] memory salts = new bytes32[](members.length);
        for (uint256 i; i < members.length; ++i) {
            uint256 b = uint256(keccak256(abi.encode(behaviour, "vote", i))) % 16;
            results[i] =
                b == 0
                    ? keccak256("lie")
                    : b == 1
                        ? FAULT
                        : keccak256("truth");
            if (behaviour % 3 == 0) results[i] = FAULT; // a whole task fault now and then
            salts[i] = keccak256(abi.encode(id, i));
            bytes32 c = keccak256(abi.encode(block.chainid, address(_market), id, members[i], results[i], salts[i]));
            vm.prank(members[i]);
            _market.commitResult(id, spec, c);
        }
        for (uint256 i; i < members.length; ++i) {
            if (uint256(keccak256(abi.encode(behaviour, "silent", i))) % 16 == 0) {
                revealedAll = false;
                continue;
            }
            vm.prank(members[i]);
            _market.revealResult(id, spec, results[i], salts[i], "");
        }
        if (!revealedAll) {
            vm.warp(uint256(_market.getTaskState(id).phaseDeadline) + spec.revealWindow + 1);
            _market.finalizeTask(id, spec);
        }
        ITaskMarketTypes.TaskStatus end = _market.getTaskState(id).status;
        uint256 requesterGain = _market.creditOf(address(this), address(_token)) - requesterBefore;
        if (end == ITaskMarketTypes.TaskStatus.Completed) {
            ++ghostCompletions[id];
            if (requesterGain != 0) ghostRequesterEnriched = true;
        } else {
            ghostRefunded += requesterGain;
            if (requesterGain > spec.reward) ghostRequesterEnriched = true;
        }
        ++successes[end == ITaskMarketTypes.TaskStatus.Faulted ? bytes32("round:fault") : bytes32("round")];
    }

    function leave(uint256 taskSeed, uint256 providerSeed, uint32 dt) external {
        (bool ok, uint256 id) = _pick(taskSeed);
        if (!ok) return;
        ITaskMarketTypes.TaskSpec memory spec = _specs[id];
        if (spec.mode != ITaskMarketTypes.VerificationMode.REDUNDANT) return;
        uint256 fillTimeout = uint256(spec.createdAt) + _market.settlementParams().fillTimeout;
        if (dt % 2 == 0 && block.timestamp < fillTimeout) vm.warp(fillTimeout);
        else vm.warp(block.timestamp + bound(dt, 0, 30 minutes));
        address provider = providers[providerSeed % providers.length];
        address[] memory members = _market.claimantsOf(id);
        if (members.length != 0 && providerSeed % 4 != 0) provider = members[(providerSeed >> 2) % members.length];
        ITaskMarketTypes.TaskStatus status = _market.getTaskState(id).status;
        bool member = _market.redundantClaimOf(id, provider).draws != 0;
        vm.prank(provider);
        try _market.leaveTask(id, spec) {
            ++successes["leave"];
            if (_market.paused()) ++successes["leave:paused"];
        } catch (bytes memory err) {
            ++reverts["leave"];
            bytes4 sel = bytes4(err);
            if (sel == Pausable.EnforcedPause.selector) ghostBlockedByPause = true;
            bool early = block.timestamp < uint256(spec.createdAt) + 15 minutes;
            bool notOpen = status != ITaskMarketTypes.TaskStatus.Open;
            assertTrue(_reasons.leaveAllowed(sel, notOpen, early, member), "leave: unexpected revert");
        }
    }

    function cancel(uint256 taskSeed) external {
        (bool ok, uint256 id) = _pick(taskSeed);
        if (!ok) return;
        ITaskMarketTypes.TaskState memory st = _market.getTaskState(id);
        try _market.cancelTask(id, _specs[id]) {
            ghostRefunded += _specs[id].reward;
            ++successes["cancel"];
            if (_market.paused()) ++successes["cancel:paused"];
        } catch (bytes memory err) {
            ++reverts["cancel"];
            bytes4 sel = bytes4(err);
            if (sel == Pausable.EnforcedPause.selector) ghostBlockedByPause = true;
            bool notOpen = st.status != ITaskMarketTypes.TaskStatus.Open;
            assertTrue(_reasons.cancelAllowed(sel, notOpen, st.claims != 0), "cancel: unexpected revert");
        }
    }

    function expire(uint256 taskSeed, uint32 dt) external {
        (bool ok, uint256 id) = _pick(taskSeed);
        if (!ok) return;
        vm.warp(block.timestamp + (dt % 4 == 0 ? bound(dt, 0, 4 hours) : bound(dt, 0, 10 minutes)));
        ITaskMarketTypes.TaskSpec memory spec = _specs[id];
        ITaskMarketTypes.TaskState memory st = _market.getTaskState(id);
        uint256 before = _market.creditOf(address(this), address(_token));
        try _market.expireTask(id, spec) {
            ++successes["expire"];
            if (_market.paused()) ++successes["expire:paused"];
            uint256 gain = _market.creditOf(address(this), address(_token)) - before;
            if (gain > spec.reward) ghostRequesterEnriched = true;
            ghostRefunded += gain;
        } catch (bytes memory err) {
            ++reverts["expire"];
            bytes4 sel = bytes4(err);
            if (sel == Pausable.EnforcedPause.selector) ghostBlockedByPause = true;
            bool zkClaimed =
                st.status == ITaskMarketTypes.TaskStatus.Claimed && spec.mode == ITaskMarketTypes.VerificationMode.ZK;
            bool tooEarly =
                zkClaimed
                    ? block.timestamp <= st.phaseDeadline
                    : st.status == ITaskMarketTypes.TaskStatus.Open && block.timestamp <= spec.deadline;
            bool expirable = zkClaimed || st.status == ITaskMarketTypes.TaskStatus.Open;
            assertTrue(_reasons.expireAllowed(sel, tooEarly, expirable), "expire: unexpected revert");
        }
    }

    function withdraw(uint256 accountSeed) external {
        address account = accounts[accountSeed % accounts.length];
        uint256 credit = _market.creditOf(account, address(_token));
        if (credit == 0) return;
        vm.prank(account);
        try _market.withdraw(address(_token)) {
            ghostWithdrawn += credit;
            ++successes["withdraw"];
            if (_market.paused()) ++successes["withdraw:paused"];
        } catch {
            ghostWithdrawFailed = true;
        }
    }

    /// @dev (The handler of wave 1 pranked before reading `paused()`, so the prank went to the view call and the
    ///      pause itself reverted, unnoticed: the market was never paused in its runs.)
    ///      Unpauses on every call, pauses on one in four, so the market is paused about a fifth of the time.
    function togglePause(uint8 seed) external {
        bool paused = _market.paused();
        if (!paused && seed % 4 != 0) return;
        vm.prank(_guardian);
        if (paused) _market.unpause();
        else _market.pause();
        ++successes["togglePause"];
    }

    /// @dev Unauthorised callers try every privileged path that moves value or changes rules; each must revert
    ///      with the access-control error (any other outcome is a finding).
    function attack(uint256 seed) external {
        address attacker = seed % 2 == 0 ? _guardian : address(uint160(seed | 1));
        address victim = providers[seed % providers.length];
        vm.startPrank(attacker);
        try _vault.slashBond(victim, 1) {
            ghostUnauthorisedSucceeded = true;
        } catch (bytes memory err) {
            _expectAccessControl(err);
        }
        try _vault.slash(victim, 1, attacker) {
            ghostUnauthorisedSucceeded = true;
        } catch (bytes memory err) {
            _expectAccessControl(err);
        }
        try _vault.releaseBond(victim, 1) {
            ghostUnauthorisedSucceeded = true;
        } catch (bytes memory err) {
            _expectAccessControl(err);
        }
        try _reputation.record(victim, IReputation.Outcome.WrongResult) {
            ghostUnauthorisedSucceeded = true;
        } catch (bytes memory err) {
            _expectAccessControl(err);
        }
        try _market.setTreasury(attacker) {
            ghostUnauthorisedSucceeded = true;
        } catch (bytes memory err) {
            _expectAccessControl(err);
        }
        vm.stopPrank();
        ++successes["attack"];
    }

    // ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Half the time one of the four newest tasks (still live), else any task.
    function _pick(uint256 seed) internal view returns (bool, uint256) {
        uint256 n = taskIds.length;
        if (n == 0) return (false, 0);
        if (seed % 2 == 0) return (true, taskIds[n - 1 - ((seed >> 1) % (n < 4 ? n : 4))]);
        return (true, taskIds[(seed >> 1) % n]);
    }

    function _awaitTurn(address provider, uint256 id, ITaskMarketTypes.TaskSpec memory spec) internal {
        if (block.number <= uint256(spec.createdBlock) + 1) vm.roll(uint256(spec.createdBlock) + 2);
        if (_market.getTaskState(id).status != ITaskMarketTypes.TaskStatus.Open) return;
        try _market.claimableAt(id, spec, provider) returns (uint8, uint256 notBefore) {
            if (block.timestamp < notBefore && notBefore < spec.deadline) vm.warp(notBefore);
        } catch (bytes memory err) {
            // the seed block's hash is gone (nobody claimed for 256 blocks): no draw can be made any more
            assertEq(bytes4(err), ITaskMarketErrors.TaskMarketDrawExpired.selector, "claimableAt: unexpected");
        }
    }

    function _specFromLogs(uint256 taskId) internal returns (ITaskMarketTypes.TaskSpec memory spec) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] == ITaskMarketEvents.TaskSubmitted.selector && uint256(logs[i].topics[1]) == taskId) {
                (spec, ) = abi.decode(logs[i].data, (ITaskMarketTypes.TaskSpec, string));
                return spec;
            }
        }
        revert("TaskSubmitted not found");
    }

    function _expectAccessControl(bytes memory err) internal pure {
        assertEq(
            bytes4(err),
            IAccessControl.AccessControlUnauthorizedAccount.selector,
            "attack: reverted for another reason"
        );
    }
}
