// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";

import {EAIToken} from "../../../../contracts/token/EAIToken.sol";
import {StakingVault} from "../../../../contracts/staking/StakingVault.sol";
import {Reputation} from "../../../../contracts/reputation/Reputation.sol";
import {TaskMarket} from "../../../../contracts/market/TaskMarket.sol";
import {ModelRegistry} from "../../../../contracts/registry/ModelRegistry.sol";
import {IReputation} from "../../../../contracts/interfaces/IReputation.sol";
import {ITaskMarketTypes} from "../../../../contracts/interfaces/ITaskMarketTypes.sol";
import {ProofLib} from "../../../../contracts/libraries/ProofLib.sol";

/// @notice Drives the market through random submits, claims, proofs, commit-reveal rounds, cancels, expiries,
///         withdrawals, pauses and unauthorised attempts, and keeps the ghost values the invariants compare with.
contract TaskMarketHandler is Test {
    EAIToken internal immutable _token;
    StakingVault internal immutable _vault;
    Reputation internal immutable _reputation;
    TaskMarket internal immutable _market;
    ModelRegistry internal immutable _models;
    address internal immutable _guardian;
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
    /// @notice Set when an unauthorised slash, bond move, reputation write or parameter change succeeded (INV-04).
    bool public ghostUnauthorisedSucceeded;
    /// @notice Number of completions observed per task (INV-02).
    mapping(uint256 taskId => uint256) public ghostCompletions;

    constructor(
        EAIToken token,
        StakingVault vault,
        Reputation reputation,
        TaskMarket market,
        ModelRegistry models,
        address guardian,
        uint256 weights,
        uint64 zkModel,
        uint64 onnxModel,
        address[] memory providers_,
        address[] memory accounts_
    ) {
        _token = token;
        _vault = vault;
        _reputation = reputation;
        _market = market;
        _models = models;
        _guardian = guardian;
        _weights = weights;
        _zkModel = zkModel;
        _onnxModel = onnxModel;
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

    function submit(uint128 reward, bool redundant) external {
        if (_market.paused()) return;
        reward = uint128(bound(reward, 1, 50 ether));
        ITaskMarketTypes.TaskRequest memory r;
        r.modelId = redundant ? _onnxModel : _zkModel;
        r.paymentToken = address(_token);
        r.reward = reward;
        r.deadline = uint40(block.timestamp + 3 hours);
        r.execWindow = 1 hours;
        r.mode = redundant ? ITaskMarketTypes.VerificationMode.REDUNDANT : ITaskMarketTypes.VerificationMode.ZK;
        r.redundancy = redundant ? 3 : 1;
        r.minTier = 1;
        r.inputCommitment = 42;
        uint256 id = _market.submitTask(r);
        ITaskMarketTypes.TaskSpec storage s = _specs[id];
        s.requester = address(this);
        s.paymentToken = address(_token);
        s.reward = reward;
        s.bond = uint128(_market.bondFor(address(_token), reward, r.mode));
        s.modelId = r.modelId;
        (, , s.verifier, s.modelCreator, s.modelCommitment, ) = _models.modelForTask(r.modelId);
        s.createdAt = uint40(block.timestamp);
        s.priorityUntil = uint40(block.timestamp + _market.marketParams().priorityWindow);
        s.deadline = r.deadline;
        s.execWindow = r.execWindow;
        s.revealWindow = redundant ? _market.marketParams().revealWindow : 0;
        s.mode = r.mode;
        s.redundancy = r.redundancy;
        s.minTier = 1;
        s.inputCommitment = 42;
        taskIds.push(id);
    }

    function claim(uint256 taskSeed, uint256 providerSeed) external {
        (bool ok, uint256 id) = _pick(taskSeed);
        if (!ok) return;
        ITaskMarketTypes.TaskSpec memory spec = _specs[id];
        if (block.timestamp < spec.priorityUntil) vm.warp(spec.priorityUntil);
        vm.prank(providers[providerSeed % providers.length]);
        try _market.claimTask(id, spec) {} catch {} // solhint-disable-line no-empty-blocks
    }

    function prove(uint256 taskSeed, uint256 providerSeed, bool useClaimant) external {
        (bool ok, uint256 id) = _pick(taskSeed);
        if (!ok) return;
        ITaskMarketTypes.TaskSpec memory spec = _specs[id];
        address provider = providers[providerSeed % providers.length];
        address claimant = _market.claimantOf(id);
        if (useClaimant && claimant != address(0)) provider = claimant;
        uint256[4] memory s;
        s[0] = _weights;
        s[1] = spec.inputCommitment;
        s[2] = 7;
        s[3] =
            uint256(keccak256(abi.encode(block.chainid, address(_market), id, provider))) % ProofLib.SNARK_SCALAR_FIELD;
        ProofLib.Proof memory proof;
        proof.a[0] = uint256(keccak256(abi.encode(s)));
        vm.prank(provider);
        try _market.submitProof(id, spec, 7, "", proof) {
            ++ghostCompletions[id];
        } catch {} // solhint-disable-line no-empty-blocks
    }

    /// @dev A whole REDUNDANT round: three providers claim, commit and (maybe) reveal; one may lie.
    function redundantRound(uint128 reward, bool liar, bool silent) external {
        if (_market.paused()) return;
        this.submit(reward, true);
        uint256 id = taskIds[taskIds.length - 1];
        ITaskMarketTypes.TaskSpec memory spec = _specs[id];
        vm.warp(spec.priorityUntil);
        bytes32[3] memory salts;
        bytes32[3] memory results;
        for (uint256 i; i < 3; ++i) {
            vm.prank(providers[i]);
            try _market.claimTask(id, spec) {} catch {
                return; // not enough free stake left after slashes: leave the task open
            }
        }
        for (uint256 i; i < 3; ++i) {
            results[i] = (liar && i == 2) ? keccak256("lie") : keccak256("truth");
            salts[i] = keccak256(abi.encode(id, i));
            bytes32 c = _market.resultCommitment(id, providers[i], results[i], salts[i]);
            vm.prank(providers[i]);
            _market.commitResult(id, spec, c);
        }
        uint256 revealers = silent ? 2 : 3;
        for (uint256 i; i < revealers; ++i) {
            vm.prank(providers[i]);
            _market.revealResult(id, spec, results[i], salts[i], "");
        }
        if (silent) {
            vm.warp(uint256(_market.getTaskState(id).phaseDeadline) + spec.revealWindow + 1);
            _market.finalizeTask(id, spec);
        }
        if (_market.getTaskState(id).status == ITaskMarketTypes.TaskStatus.Completed) ++ghostCompletions[id];
    }

    function cancel(uint256 taskSeed) external {
        (bool ok, uint256 id) = _pick(taskSeed);
        if (!ok) return;
        try _market.cancelTask(id, _specs[id]) {} catch {} // solhint-disable-line no-empty-blocks
    }

    function expire(uint256 taskSeed, uint32 dt) external {
        (bool ok, uint256 id) = _pick(taskSeed);
        if (!ok) return;
        vm.warp(block.timestamp + bound(dt, 0, 4 hours));
        try _market.expireTask(id, _specs[id]) {} catch {} // solhint-disable-line no-empty-blocks
    }

    function withdraw(uint256 accountSeed) external {
        address account = accounts[accountSeed % accounts.length];
        uint256 credit = _market.creditOf(account, address(_token));
        if (credit == 0) return;
        vm.prank(account);
        try _market.withdraw(address(_token)) {
            ghostWithdrawn += credit;
        } catch {
            ghostWithdrawFailed = true;
        }
    }

    function togglePause() external {
        vm.prank(_guardian);
        if (_market.paused()) _market.unpause();
        else _market.pause();
    }

    /// @dev Unauthorised callers try every privileged path that moves value or changes rules.
    function attack(uint256 seed) external {
        address attacker = seed % 2 == 0 ? _guardian : address(uint160(seed | 1));
        address victim = providers[seed % providers.length];
        vm.startPrank(attacker);
        try _vault.slashBond(victim, 1, attacker) {
            ghostUnauthorisedSucceeded = true;
        } catch {} // solhint-disable-line no-empty-blocks
        try _vault.slash(victim, 1, attacker) {
            ghostUnauthorisedSucceeded = true;
        } catch {} // solhint-disable-line no-empty-blocks
        try _vault.releaseBond(victim, 1) {
            ghostUnauthorisedSucceeded = true;
        } catch {} // solhint-disable-line no-empty-blocks
        try _reputation.record(victim, IReputation.Outcome.WrongResult) {
            ghostUnauthorisedSucceeded = true;
        } catch {} // solhint-disable-line no-empty-blocks
        try _market.setTreasury(attacker) {
            ghostUnauthorisedSucceeded = true;
        } catch {} // solhint-disable-line no-empty-blocks
        vm.stopPrank();
    }

    function _pick(uint256 seed) internal view returns (bool, uint256) {
        if (taskIds.length == 0) return (false, 0);
        return (true, taskIds[seed % taskIds.length]);
    }
}
