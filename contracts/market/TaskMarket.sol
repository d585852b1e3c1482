// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {IReputation} from "../interfaces/IReputation.sol";
import {IStakingVault} from "../interfaces/IStakingVault.sol";
import {ITaskMarket} from "../interfaces/ITaskMarket.sol";
import {IGroth16Verifier, ProofLib} from "../libraries/ProofLib.sol";
import {ModelKind, Resources, ResourcesLib} from "../types/Resources.sol";
import {MarketStorage} from "./MarketStorage.sol";
import {RedundantLib} from "./RedundantLib.sol";
import {ZkLib} from "./ZkLib.sol";

/// @title TaskMarket
/// @notice Escrowed AI tasks checked by Groth16 proofs whose output is a public signal (ZK mode) or by a
///         commit-reveal majority of stake-weighted draws (REDUNDANT mode). Payouts are credited and pulled with
///         {withdraw}; slashed bonds go to the treasury.
/// @dev Storage per task is one slot (a 24-byte spec hash, status, claim count, phase deadline) plus the ZK claimant
///      or the REDUNDANT round; the full spec travels in the `TaskSubmitted` event and comes back as calldata.
///      Batched ZK settlement lives in the linked library {ZkLib}, REDUNDANT settlement in {RedundantLib}
///      (DELEGATECALL: same storage, events from this address), which keeps this contract under the EIP-170 size
///      limit; a single proof settles here (through the library it cost ~11k gas more). Every parameter is governed
///      by the admin (the timelock). The guardian can only pause submissions and claims.
contract TaskMarket is ITaskMarket, AccessControl, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using ResourcesLib for Resources;

    /// @notice Role that may pause (and unpause) new submissions and claims, and nothing else.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @notice Basis-point denominator.
    uint256 public constant BPS = 10_000;
    /// @notice Highest tier a provider can reach; required during a task's priority window.
    uint8 public constant TOP_TIER = 3;
    /// @notice Upper bound of `maxRedundancy`; bounds every loop over a task's draws and claimants.
    uint8 public constant MAX_REDUNDANCY_LIMIT = 15;
    /// @notice Upper bound of both bond ratios (500% of the reward's EAI value).
    uint16 public constant MAX_BOND_RATIO_BPS = 50_000;
    /// @notice Upper bound of the priority window.
    uint32 public constant MAX_PRIORITY_WINDOW = 1 hours;
    /// @notice Lower bound of the reveal window.
    uint32 public constant MIN_REVEAL_WINDOW = 1 minutes;
    /// @notice Upper bound of the reveal window.
    uint32 public constant MAX_REVEAL_WINDOW = 7 days;
    /// @notice Lower bound of the governed minimum execution window.
    uint32 public constant MIN_EXEC_WINDOW_FLOOR = 30 seconds;
    /// @notice Upper bound of the governed minimum execution window.
    uint32 public constant MAX_EXEC_WINDOW_FLOOR = 1 days;
    /// @notice Upper bound of the maximum task lifetime.
    uint32 public constant MAX_TASK_LIFETIME = 90 days;
    /// @notice Upper bound of the draw step.
    uint32 public constant MAX_DRAW_STEP = 10 minutes;
    /// @notice Upper bound of the fill timeout.
    uint32 public constant MAX_FILL_TIMEOUT = 7 days;
    /// @notice Upper bound of the fault fee (50% of the reward).
    uint16 public constant MAX_FAULT_FEE_BPS = 5_000;
    /// @notice Most tasks one {submitTasks} call may submit (bounds its loop).
    uint256 public constant MAX_SUBMIT_BATCH = 64;

    /// @inheritdoc ITaskMarket
    bytes32 public constant TASK_FAULT_RESULT = RedundantLib.TASK_FAULT_RESULT;

    IStakingVault private immutable _vault;
    IProviderRegistry private immutable _providers;
    IModelRegistry private immutable _models;
    IReputation private immutable _reputation;

    MarketStorage.Layout private _s;

    /// @param admin Holder of DEFAULT_ADMIN_ROLE (the deployer during wiring, then the timelock).
    /// @param vault Staking vault that holds bonds (this market needs its MARKET_ROLE).
    /// @param providers Provider registry.
    /// @param models Model registry.
    /// @param reputation Reputation (this market needs its REPORTER_ROLE).
    /// @param eai The EAI token, allowlisted as payment token at a 1:1 bond rate.
    /// @param treasury_ Receiver of the treasury fee and of slashed bonds' market share.
    constructor(
        address admin,
        IStakingVault vault,
        IProviderRegistry providers,
        IModelRegistry models,
        IReputation reputation,
        IERC20 eai,
        address treasury_
    ) {
        if (
            admin == address(0) ||
            address(vault) == address(0) ||
            address(providers) == address(0) ||
            address(models) == address(0) ||
            address(reputation) == address(0) ||
            address(eai) == address(0) ||
            treasury_ == address(0)
        ) revert TaskMarketZeroAddress();
        _vault = vault;
        _providers = providers;
        _models = models;
        _reputation = reputation;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);

        _setTreasury(treasury_);
        _setMarketParams(
            MarketParams({
                providerBps: 8000,
                treasuryBps: 1500,
                creatorBps: 500,
                zkBondRatioBps: 1000,
                redundantBondRatioBps: 15_000,
                priorityWindow: 30 seconds,
                revealWindow: 10 minutes,
                maxRedundancy: 9,
                minExecWindow: 2 minutes,
                maxTaskLifetime: 7 days
            })
        );
        _setSettlementParams(
            SettlementParams({
                drawStep: 10 seconds,
                fillTimeout: 15 minutes,
                faultFeeBps: 1000,
                minRatedValue: 10 ether
            })
        );
        _setStakeParams(1 ether, 100 ether);
        _setPaymentToken(address(eai), true, 1 ether);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Requesters
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITaskMarket
    function submitTask(
        TaskRequest calldata request
    ) external override whenNotPaused nonReentrant returns (uint256 taskId) {
        taskId = _submit(request);
    }

    /// @inheritdoc ITaskMarket
    function submitTasks(
        TaskRequest[] calldata requests
    ) external override whenNotPaused nonReentrant returns (uint256 firstTaskId) {
        uint256 n = requests.length;
        if (n == 0 || n > MAX_SUBMIT_BATCH) revert TaskMarketInvalidBatch(n, MAX_SUBMIT_BATCH);
        address token = requests[0].paymentToken;
        uint256 total;
        firstTaskId = _s.taskCount + 1;
        for (uint256 i; i < n; ++i) {
            TaskRequest calldata request = requests[i];
            if (request.paymentToken != token) revert TaskMarketBatchTokenMismatch(token, request.paymentToken);
            _store(request, firstTaskId + i);
            total += request.reward;
        }
        // The count is written once for the whole batch (the ids above are firstTaskId .. firstTaskId + n - 1).
        _s.taskCount = firstTaskId + n - 1;
        IERC20(token).safeTransferFrom(msg.sender, address(this), total);
    }

    /// @inheritdoc ITaskMarket
    function submitTaskWithPermit(
        TaskRequest calldata request,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external override whenNotPaused nonReentrant returns (uint256 taskId) {
        // A permit can be front-run by anyone who copies it from the mempool; that only spends the nonce, so a
        // failing permit is ignored as long as the allowance it was meant to give is there.
        try
            IERC20Permit(request.paymentToken).permit(
                msg.sender,
                address(this),
                request.reward,
                permitDeadline,
                v,
                r,
                s
            )
        {} catch {} // solhint-disable-line no-empty-blocks
        uint256 allowance = IERC20(request.paymentToken).allowance(msg.sender, address(this));
        if (allowance < request.reward) revert TaskMarketPermitInsufficient(allowance, request.reward);
        taskId = _submit(request);
    }

    /// @inheritdoc ITaskMarket
    function cancelTask(uint256 taskId, TaskSpec calldata spec) external override {
        TaskState storage st = _load(taskId, spec);
        if (msg.sender != spec.requester) revert TaskMarketNotRequester(taskId, msg.sender);
        if (st.status != TaskStatus.Open) revert TaskMarketWrongStatus(taskId, st.status);
        if (st.claims != 0) revert TaskMarketAlreadyClaimedByOthers(taskId, st.claims);
        st.status = TaskStatus.Cancelled;
        _s.credits[spec.requester][spec.paymentToken] += spec.reward;
        emit TaskCancelled(taskId, spec.requester, spec.reward);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Providers
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITaskMarket
    function claimTask(uint256 taskId, TaskSpec calldata spec) external override whenNotPaused {
        TaskState storage st = _load(taskId, spec);
        if (st.status != TaskStatus.Open) revert TaskMarketWrongStatus(taskId, st.status);
        uint256 latestStart = uint256(spec.deadline) - spec.execWindow - spec.revealWindow;
        if (block.timestamp > latestStart) revert TaskMarketTooLate(taskId, latestStart);

        (address provider, uint256 stake) = _eligibleProvider(msg.sender, spec);
        if (spec.mode == VerificationMode.REDUNDANT) {
            RedundantLib.claim(_s, _vault, taskId, spec, provider, stake);
            return;
        }
        uint40 phaseDeadline = uint40(block.timestamp + spec.execWindow);
        st.claims = 1;
        st.status = TaskStatus.Claimed;
        st.phaseDeadline = phaseDeadline;
        _s.zkClaimant[taskId] = provider;
        emit TaskClaimed(taskId, provider, msg.sender, spec.bond, 1, phaseDeadline);
        _vault.lockBond(provider, spec.bond);
    }

    /// @inheritdoc ITaskMarket
    function submitProof(
        uint256 taskId,
        TaskSpec calldata spec,
        uint256 output,
        ProofLib.Proof calldata proof
    ) external override nonReentrant {
        TaskState storage st = _load(taskId, spec);
        if (spec.mode != VerificationMode.ZK) revert TaskMarketWrongMode(taskId, spec.mode);
        if (block.timestamp > spec.deadline) revert TaskMarketTooLate(taskId, spec.deadline);
        if (output >= ProofLib.SNARK_SCALAR_FIELD) revert TaskMarketInvalidCommitment(output);

        (address provider, bool claimed) = _proofProvider(taskId, spec, st);
        uint256[4] memory signals = ProofLib.publicSignals(
            spec.modelCommitment,
            spec.inputCommitment,
            output,
            ProofLib.taskBinding(address(this), taskId, provider)
        );
        try IGroth16Verifier(spec.verifier).verifyProof(proof.a, proof.b, proof.c, signals) returns (bool ok) {
            if (!ok) revert TaskMarketInvalidProof(taskId);
        } catch {
            // A revert (malformed points) or an out-of-gas pairing counts as an invalid proof.
            revert TaskMarketInvalidProof(taskId);
        }

        // The claim is spent: clearing it keeps the state small and refunds part of this transaction's gas.
        if (claimed) delete _s.zkClaimant[taskId];
        emit ProofAccepted(taskId, provider, output);
        address[] memory winners = new address[](1);
        winners[0] = provider;
        uint256[] memory weights = new uint256[](1);
        weights[0] = 1;
        MarketStorage.creditPayouts(_s, taskId, spec, winners, weights, 1, bytes32(output));

        if (claimed) _vault.releaseBond(provider, spec.bond);
        if (spec.rated) _reputation.record(provider, IReputation.Outcome.Success);
    }

    /// @inheritdoc ITaskMarket
    function submitProofBatch(
        uint64 modelId,
        uint8 batchSize,
        BatchItem[] calldata items,
        uint256 padOutput,
        ProofLib.Proof calldata proof
    ) external override nonReentrant returns (uint256 settled) {
        settled = ZkLib.submitProofBatch(_s, _zkDeps(), paused(), modelId, batchSize, items, padOutput, proof);
    }

    /// @inheritdoc ITaskMarket
    function commitResult(uint256 taskId, TaskSpec calldata spec, bytes32 commitment) external override {
        _loadRedundant(taskId, spec);
        RedundantLib.commit(_s, _providers, taskId, commitment);
    }

    /// @inheritdoc ITaskMarket
    function revealResult(
        uint256 taskId,
        TaskSpec calldata spec,
        bytes32 resultHash,
        bytes32 salt,
        string calldata resultURI
    ) external override nonReentrant {
        _loadRedundant(taskId, spec);
        RedundantLib.reveal(_s, _deps(), taskId, spec, resultHash, salt, resultURI);
    }

    /// @inheritdoc ITaskMarket
    function finalizeTask(uint256 taskId, TaskSpec calldata spec) external override nonReentrant {
        _loadRedundant(taskId, spec);
        RedundantLib.finalize(_s, _deps(), taskId, spec);
    }

    /// @inheritdoc ITaskMarket
    function leaveTask(uint256 taskId, TaskSpec calldata spec) external override nonReentrant {
        _loadRedundant(taskId, spec);
        RedundantLib.leaveTask(_s, _deps(), taskId, spec);
    }

    /// @inheritdoc ITaskMarket
    function expireTask(uint256 taskId, TaskSpec calldata spec) external override nonReentrant {
        TaskState storage st = _load(taskId, spec);
        if (st.status == TaskStatus.Claimed && spec.mode == VerificationMode.ZK) {
            if (block.timestamp <= st.phaseDeadline) revert TaskMarketTooEarly(taskId, uint256(st.phaseDeadline) + 1);
            address provider = _s.zkClaimant[taskId];
            delete _s.zkClaimant[taskId];
            bool reopen = block.timestamp + spec.execWindow <= spec.deadline;
            if (reopen) {
                st.status = TaskStatus.Open;
                st.claims = 0;
                st.phaseDeadline = 0;
            } else {
                MarketStorage.refund(_s, taskId, spec, false);
            }
            emit TaskExpired(taskId, provider, reopen);
            MarketStorage.penalize(
                _vault,
                _reputation,
                taskId,
                spec,
                provider,
                spec.bond,
                IReputation.Outcome.MissedDeadline
            );
        } else if (st.status == TaskStatus.Open) {
            if (block.timestamp <= spec.deadline) revert TaskMarketTooEarly(taskId, uint256(spec.deadline) + 1);
            MarketStorage.refund(_s, taskId, spec, false);
            // REDUNDANT draws that were taken but never all filled: the claimants did nothing wrong.
            if (st.claims != 0) RedundantLib.releaseAll(_s, _vault, taskId, spec);
        } else {
            revert TaskMarketWrongStatus(taskId, st.status);
        }
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Payments
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITaskMarket
    function withdraw(address token) external override nonReentrant {
        uint256 amount = _s.credits[msg.sender][token];
        if (amount == 0) revert TaskMarketNothingToWithdraw(msg.sender, token);
        _s.credits[msg.sender][token] = 0;
        emit Withdrawn(msg.sender, token, amount);
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Guardian and governance
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITaskMarket
    function pause() external override onlyRole(GUARDIAN_ROLE) {
        _pause();
    }

    /// @inheritdoc ITaskMarket
    function unpause() external override {
        if (!hasRole(GUARDIAN_ROLE, msg.sender) && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert AccessControlUnauthorizedAccount(msg.sender, GUARDIAN_ROLE);
        }
        _unpause();
    }

    /// @inheritdoc ITaskMarket
    function setMarketParams(MarketParams calldata params) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMarketParams(params);
    }

    /// @inheritdoc ITaskMarket
    function setSettlementParams(SettlementParams calldata params) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setSettlementParams(params);
    }

    /// @inheritdoc ITaskMarket
    function setStakeParams(
        uint128 bondFloor_,
        uint128 minProviderStake_
    ) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setStakeParams(bondFloor_, minProviderStake_);
    }

    /// @inheritdoc ITaskMarket
    function setPaymentToken(
        address token,
        bool allowed,
        uint256 eaiPerToken
    ) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setPaymentToken(token, allowed, eaiPerToken);
    }

    /// @inheritdoc ITaskMarket
    function setTreasury(address treasury_) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setTreasury(treasury_);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Views
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITaskMarket
    function getTaskState(uint256 taskId) external view override returns (TaskState memory) {
        return _s.tasks[taskId];
    }

    /// @inheritdoc ITaskMarket
    function claimantOf(uint256 taskId) external view override returns (address) {
        return _s.zkClaimant[taskId];
    }

    /// @inheritdoc ITaskMarket
    function claimantsOf(uint256 taskId) external view override returns (address[] memory) {
        return _s.claimants[taskId];
    }

    /// @inheritdoc ITaskMarket
    function roundOf(uint256 taskId) external view override returns (Round memory) {
        return _s.rounds[taskId];
    }

    /// @inheritdoc ITaskMarket
    function claimableAt(
        uint256 taskId,
        TaskSpec calldata spec,
        address provider
    ) external view override returns (uint8 draw, uint256 notBefore) {
        _loadRedundant(taskId, spec);
        return RedundantLib.claimableAt(_s, _vault, taskId, spec, provider);
    }

    /// @inheritdoc ITaskMarket
    function redundantClaimOf(uint256 taskId, address provider) external view override returns (RedundantClaim memory) {
        return _s.claims[taskId][provider];
    }

    /// @inheritdoc ITaskMarket
    function creditOf(address account, address token) external view override returns (uint256) {
        return _s.credits[account][token];
    }

    /// @inheritdoc ITaskMarket
    function hashSpec(TaskSpec calldata spec) public pure override returns (bytes24) {
        return bytes24(keccak256(abi.encode(spec)));
    }

    /// @inheritdoc ITaskMarket
    function bondFor(address token, uint256 reward, VerificationMode mode) external view override returns (uint256) {
        MarketStorage.TokenConfig memory cfg = _s.tokens[token];
        if (!cfg.allowed) revert TaskMarketTokenNotAllowed(token);
        return _bondFor(cfg.eaiPerToken, reward, mode);
    }

    /// @inheritdoc ITaskMarket
    function resultCommitment(
        uint256 taskId,
        address provider,
        bytes32 resultHash,
        bytes32 salt
    ) external view override returns (bytes32) {
        return RedundantLib.commitmentOf(taskId, provider, resultHash, salt);
    }

    /// @inheritdoc ITaskMarket
    function taskCount() external view override returns (uint256) {
        return _s.taskCount;
    }

    /// @inheritdoc ITaskMarket
    function marketParams() external view override returns (MarketParams memory) {
        return _s.params;
    }

    /// @inheritdoc ITaskMarket
    function settlementParams() external view override returns (SettlementParams memory) {
        return _s.settlement;
    }

    /// @inheritdoc ITaskMarket
    function stakeParams() external view override returns (uint256 bondFloor, uint256 minProviderStake) {
        return (_s.bondFloor, _s.minProviderStake);
    }

    /// @inheritdoc ITaskMarket
    function paymentToken(address token) external view override returns (bool allowed, uint256 eaiPerToken) {
        MarketStorage.TokenConfig memory cfg = _s.tokens[token];
        return (cfg.allowed, cfg.eaiPerToken);
    }

    /// @inheritdoc ITaskMarket
    function treasury() external view override returns (address) {
        return _s.treasury;
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Internals
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev {_store}, then pulls the reward (last: checks-effects-interactions).
    function _submit(TaskRequest calldata request) private returns (uint256 taskId) {
        // Cannot overflow: one id per transaction.
        unchecked {
            taskId = ++_s.taskCount;
        }
        _store(request, taskId);
        IERC20(request.paymentToken).safeTransferFrom(msg.sender, address(this), request.reward);
    }

    /// @dev Validates a request, stores the task and emits its spec; the caller pulls the reward.
    function _store(TaskRequest calldata request, uint256 taskId) private {
        TaskSpec memory spec = _buildSpec(request);
        _s.tasks[taskId] = TaskState({
            specHash: bytes24(keccak256(abi.encode(spec))),
            status: TaskStatus.Open,
            claims: 0,
            phaseDeadline: 0
        });
        emit TaskSubmitted(taskId, msg.sender, request.modelId, spec, request.inputURI);
    }

    /// @dev Turns a request into the spec that is hashed and emitted; reverts on every invalid field.
    function _buildSpec(TaskRequest calldata request) private view returns (TaskSpec memory spec) {
        MarketStorage.TokenConfig memory cfg = _s.tokens[request.paymentToken];
        if (!cfg.allowed) revert TaskMarketTokenNotAllowed(request.paymentToken);
        if (request.reward == 0) revert TaskMarketZeroReward();
        if (request.minTier == 0 || request.minTier > TOP_TIER) revert TaskMarketInvalidTier(request.minTier);
        MarketParams memory p = _s.params;
        bool zk = request.mode == VerificationMode.ZK;
        if (zk) {
            if (request.redundancy != 1) revert TaskMarketInvalidRedundancy(request.mode, request.redundancy);
            if (request.inputCommitment == 0 || request.inputCommitment >= ProofLib.SNARK_SCALAR_FIELD) {
                revert TaskMarketInvalidCommitment(request.inputCommitment);
            }
        } else {
            if (request.redundancy < 3 || request.redundancy % 2 == 0 || request.redundancy > p.maxRedundancy) {
                revert TaskMarketInvalidRedundancy(request.mode, request.redundancy);
            }
            if (request.inputCommitment == 0) revert TaskMarketInvalidCommitment(0);
        }

        uint256 minExec = _applyModel(spec, request, p.minExecWindow);
        if (request.execWindow < minExec) revert TaskMarketExecWindowTooShort(request.execWindow, minExec);

        uint256 priorityUntil = block.timestamp + p.priorityWindow;
        uint256 revealWindow = zk ? 0 : p.revealWindow;
        uint256 earliest = priorityUntil + request.execWindow + revealWindow;
        if (request.deadline < earliest) revert TaskMarketDeadlineTooSoon(request.deadline, earliest);
        uint256 latest = block.timestamp + p.maxTaskLifetime;
        if (request.deadline > latest) revert TaskMarketDeadlineTooLate(request.deadline, latest);

        spec.requester = msg.sender;
        spec.paymentToken = request.paymentToken;
        spec.reward = request.reward;
        uint256 value = Math.mulDiv(request.reward, cfg.eaiPerToken, 1 ether);
        spec.bond = SafeCast.toUint128(_bondFor(cfg.eaiPerToken, request.reward, request.mode));
        spec.createdAt = uint40(block.timestamp);
        spec.createdBlock = uint64(block.number);
        spec.priorityUntil = uint40(priorityUntil);
        spec.deadline = request.deadline;
        spec.execWindow = request.execWindow;
        spec.revealWindow = uint32(revealWindow);
        spec.mode = request.mode;
        spec.redundancy = request.redundancy;
        spec.minTier = request.minTier;
        spec.inputCommitment = request.inputCommitment;
        // `rated` was set to the model's approval by _applyModel; the reward must also be worth enough.
        spec.rated = spec.rated && value >= _s.settlement.minRatedValue;
    }

    /// @dev Checks the model against the request, snapshots what settlement needs from it into the spec (`rated`
    ///      holds the model's approval for now) and returns the shortest execution window the task may ask for.
    function _applyModel(
        TaskSpec memory spec,
        TaskRequest calldata request,
        uint256 marketMinExec
    ) private view returns (uint256 minExec) {
        IModelRegistry.TaskModel memory m = _models.modelForTask(request.modelId);
        if (!m.active) revert TaskMarketModelInactive(request.modelId);
        if ((request.mode == VerificationMode.ZK) != (m.kind == ModelKind.ZK_MLP)) {
            revert TaskMarketModelKindMismatch(request.modelId, m.kind, request.mode);
        }
        Resources memory minResources = request.minResources;
        if (!minResources.meets(m.minResources)) revert TaskMarketBelowModelMinimum(request.modelId);
        spec.modelId = request.modelId;
        spec.modelCreator = m.creator;
        spec.verifier = m.verifier;
        spec.modelCommitment = m.weightsCommitment;
        spec.minResources = minResources;
        spec.rated = m.approved;
        minExec = Math.max(marketMinExec, m.minExecWindow);
    }

    /// @dev Loads a task and checks the spec passed back against its stored hash.
    function _load(uint256 taskId, TaskSpec calldata spec) private view returns (TaskState storage st) {
        st = _s.tasks[taskId];
        if (st.status == TaskStatus.None) revert TaskMarketUnknownTask(taskId);
        if (st.specHash != hashSpec(spec)) revert TaskMarketSpecMismatch(taskId);
    }

    /// @dev {_load} for the REDUNDANT-only entry points.
    function _loadRedundant(uint256 taskId, TaskSpec calldata spec) private view {
        _load(taskId, spec);
        if (spec.mode != VerificationMode.REDUNDANT) revert TaskMarketWrongMode(taskId, spec.mode);
    }

    /// @dev The dependencies ZkLib calls.
    function _zkDeps() private view returns (ZkLib.Deps memory) {
        return ZkLib.Deps({vault: _vault, providers: _providers, reputation: _reputation, models: _models});
    }

    /// @dev The dependencies RedundantLib calls.
    function _deps() private view returns (RedundantLib.Deps memory) {
        return RedundantLib.Deps({vault: _vault, providers: _providers, reputation: _reputation});
    }

    /// @dev Resolves the caller to its provider and checks everything a claim needs except the bond, which the
    ///      vault checks when it locks it. Returns the provider's active stake (REDUNDANT draws are weighted by it).
    function _eligibleProvider(
        address account,
        TaskSpec calldata spec
    ) private view returns (address provider, uint256 stake) {
        provider = _providers.resolveProvider(account);
        if (provider == address(0)) revert TaskMarketNotProvider(account);
        (bool active, Resources memory resources) = _providers.eligibilityOf(provider);
        (uint8 tier, bool eligible) = _reputation.standingOf(provider);
        if (!active || !eligible) revert TaskMarketProviderIneligible(provider);
        uint8 required = block.timestamp < spec.priorityUntil ? TOP_TIER : spec.minTier;
        if (tier < required) revert TaskMarketTierTooLow(provider, tier, required);
        if (!resources.meets(spec.minResources)) revert TaskMarketInsufficientResources(provider);
        stake = _vault.stakeOf(provider);
        uint256 minStake = _s.minProviderStake;
        if (stake < minStake || stake == 0) revert TaskMarketInsufficientStake(provider, stake, minStake);
    }

    /// @dev Who settles a ZK task: its claimant (or the claimant's operator), or, while unclaimed and not paused,
    ///      any eligible provider.
    function _proofProvider(
        uint256 taskId,
        TaskSpec calldata spec,
        TaskState storage st
    ) private view returns (address provider, bool claimed) {
        claimed = st.status == TaskStatus.Claimed;
        if (claimed) {
            provider = _s.zkClaimant[taskId];
            if (msg.sender != provider) {
                address actingFor = _providers.resolveProvider(msg.sender);
                if (actingFor != provider) revert TaskMarketNotClaimant(taskId, actingFor);
            }
        } else if (st.status == TaskStatus.Open) {
            // Settling an unclaimed task is a claim and a delivery in one: it stops while paused.
            _requireNotPaused();
            (provider, ) = _eligibleProvider(msg.sender, spec);
        } else {
            revert TaskMarketWrongStatus(taskId, st.status);
        }
    }

    /// @dev Bond for a reward: the reward's EAI value times the mode's ratio, at least the floor.
    function _bondFor(uint256 eaiPerToken, uint256 reward, VerificationMode mode) private view returns (uint256) {
        uint256 ratio = mode == VerificationMode.ZK ? _s.params.zkBondRatioBps : _s.params.redundantBondRatioBps;
        uint256 bond = Math.mulDiv(Math.mulDiv(reward, eaiPerToken, 1 ether), ratio, BPS);
        return Math.max(bond, _s.bondFloor);
    }

    function _setMarketParams(MarketParams memory params) private {
        if (uint256(params.providerBps) + params.treasuryBps + params.creatorBps != BPS) {
            revert TaskMarketInvalidFeeSplit(params.providerBps, params.treasuryBps, params.creatorBps);
        }
        if (params.zkBondRatioBps > MAX_BOND_RATIO_BPS) {
            revert TaskMarketInvalidParam(MarketParam.ZkBondRatioBps, params.zkBondRatioBps);
        }
        if (params.redundantBondRatioBps > MAX_BOND_RATIO_BPS) {
            revert TaskMarketInvalidParam(MarketParam.RedundantBondRatioBps, params.redundantBondRatioBps);
        }
        if (params.priorityWindow > MAX_PRIORITY_WINDOW) {
            revert TaskMarketInvalidParam(MarketParam.PriorityWindow, params.priorityWindow);
        }
        if (params.revealWindow < MIN_REVEAL_WINDOW || params.revealWindow > MAX_REVEAL_WINDOW) {
            revert TaskMarketInvalidParam(MarketParam.RevealWindow, params.revealWindow);
        }
        if (params.maxRedundancy < 3 || params.maxRedundancy > MAX_REDUNDANCY_LIMIT) {
            revert TaskMarketInvalidParam(MarketParam.MaxRedundancy, params.maxRedundancy);
        }
        if (params.minExecWindow < MIN_EXEC_WINDOW_FLOOR || params.minExecWindow > MAX_EXEC_WINDOW_FLOOR) {
            revert TaskMarketInvalidParam(MarketParam.MinExecWindow, params.minExecWindow);
        }
        // A task must be able to live through the priority window, an execution window and a reveal window.
        uint256 shortest = uint256(params.priorityWindow) + params.minExecWindow + params.revealWindow;
        if (params.maxTaskLifetime < shortest || params.maxTaskLifetime > MAX_TASK_LIFETIME) {
            revert TaskMarketInvalidParam(MarketParam.MaxTaskLifetime, params.maxTaskLifetime);
        }
        _s.params = params;
        emit MarketParamsUpdated(params);
    }

    function _setSettlementParams(SettlementParams memory params) private {
        if (params.drawStep == 0 || params.drawStep > MAX_DRAW_STEP) {
            revert TaskMarketInvalidParam(MarketParam.DrawStep, params.drawStep);
        }
        if (params.fillTimeout == 0 || params.fillTimeout > MAX_FILL_TIMEOUT) {
            revert TaskMarketInvalidParam(MarketParam.FillTimeout, params.fillTimeout);
        }
        if (params.faultFeeBps > MAX_FAULT_FEE_BPS) {
            revert TaskMarketInvalidParam(MarketParam.FaultFeeBps, params.faultFeeBps);
        }
        _s.settlement = params;
        emit SettlementParamsUpdated(params);
    }

    function _setStakeParams(uint128 bondFloor_, uint128 minProviderStake_) private {
        if (bondFloor_ == 0) revert TaskMarketInvalidParam(MarketParam.BondFloor, 0);
        _s.bondFloor = bondFloor_;
        _s.minProviderStake = minProviderStake_;
        emit StakeParamsUpdated(bondFloor_, minProviderStake_);
    }

    function _setPaymentToken(address token, bool allowed, uint256 eaiPerToken) private {
        if (token == address(0)) revert TaskMarketZeroAddress();
        if (allowed && (eaiPerToken == 0 || eaiPerToken > type(uint128).max)) {
            revert TaskMarketInvalidParam(MarketParam.EaiPerToken, eaiPerToken);
        }
        _s.tokens[token] = MarketStorage.TokenConfig({allowed: allowed, eaiPerToken: uint248(eaiPerToken)});
        emit PaymentTokenUpdated(token, allowed, eaiPerToken);
    }

    function _setTreasury(address treasury_) private {
        if (treasury_ == address(0)) revert TaskMarketZeroAddress();
        _s.treasury = treasury_;
        emit TreasuryUpdated(treasury_);
    }
}
