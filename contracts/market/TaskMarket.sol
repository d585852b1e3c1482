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

/// @title TaskMarket
/// @notice Escrowed AI tasks checked by Groth16 proofs (ZK mode) or by a commit-reveal majority of independent
///         providers (REDUNDANT mode). Payouts are credited and pulled with {withdraw}.
/// @dev Storage per task is one slot (a 24-byte spec hash, status, claim count, phase deadline) plus the ZK
///      claimant; the full spec travels in the `TaskSubmitted` event and comes back as calldata. Every parameter is
///      governed by the admin (the timelock). The guardian can only pause submissions and claims.
contract TaskMarket is ITaskMarket, AccessControl, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using ResourcesLib for Resources;

    /// @notice Role that may pause (and unpause) new submissions and claims, and nothing else.
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @notice Basis-point denominator.
    uint256 public constant BPS = 10_000;
    /// @notice Highest tier a provider can reach; required during a task's priority window.
    uint8 public constant TOP_TIER = 3;
    /// @notice Upper bound of `maxRedundancy`; bounds every loop over a task's claimants.
    uint8 public constant MAX_REDUNDANCY_LIMIT = 15;
    /// @notice Upper bound of both bond ratios (500% of the reward's EAI value).
    uint16 public constant MAX_BOND_RATIO_BPS = 50_000;
    /// @notice Upper bound of the priority window.
    uint32 public constant MAX_PRIORITY_WINDOW = 1 hours;
    /// @notice Lower bound of the reveal window.
    uint32 public constant MIN_REVEAL_WINDOW = 1 minutes;
    /// @notice Upper bound of the reveal window.
    uint32 public constant MAX_REVEAL_WINDOW = 7 days;

    /// @dev Allowlist entry of a payment token; `eaiPerToken` is EAI wei per 1e18 token units.
    struct TokenConfig {
        bool allowed;
        uint248 eaiPerToken;
    }

    /// @dev REDUNDANT bookkeeping that does not fit the task slot.
    struct RedundantCounters {
        uint8 commits;
        uint8 reveals;
    }

    IStakingVault private immutable _vault;
    IProviderRegistry private immutable _providers;
    IModelRegistry private immutable _models;
    IReputation private immutable _reputation;

    uint256 private _taskCount;
    MarketParams private _params;
    uint128 private _bondFloor;
    uint128 private _minProviderStake;
    address private _treasury;

    mapping(address token => TokenConfig) private _tokens;
    mapping(uint256 taskId => TaskState) private _tasks;
    mapping(uint256 taskId => address) private _zkClaimant;
    mapping(uint256 taskId => address[]) private _claimants;
    mapping(uint256 taskId => RedundantCounters) private _counters;
    mapping(uint256 taskId => mapping(address provider => RedundantClaim)) private _redundant;
    mapping(uint256 taskId => mapping(address provider => bool)) private _hasClaimed;
    mapping(address account => mapping(address token => uint256)) private _credits;

    /// @param admin Holder of DEFAULT_ADMIN_ROLE (the deployer during wiring, then the timelock).
    /// @param vault Staking vault that holds bonds (this market needs its MARKET_ROLE).
    /// @param providers Provider registry.
    /// @param models Model registry.
    /// @param reputation Reputation (this market needs its REPORTER_ROLE).
    /// @param eai The EAI token, allowlisted as payment token at a 1:1 bond rate.
    /// @param treasury_ Receiver of the treasury fee.
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
                maxRedundancy: 9
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
        _credits[spec.requester][spec.paymentToken] += spec.reward;
        emit TaskCancelled(taskId, spec.requester, spec.reward);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Providers
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITaskMarket
    function claimTask(uint256 taskId, TaskSpec calldata spec) external override whenNotPaused {
        TaskState storage st = _load(taskId, spec);
        if (st.status != TaskStatus.Open) revert TaskMarketWrongStatus(taskId, st.status);
        uint256 latestStart = uint256(spec.deadline) - spec.execWindow;
        if (spec.mode == VerificationMode.REDUNDANT) latestStart -= spec.revealWindow;
        if (block.timestamp > latestStart) revert TaskMarketTooLate(taskId, latestStart);

        address provider = _eligibleProvider(msg.sender, spec);
        uint8 claims = st.claims + 1;
        uint40 phaseDeadline;
        st.claims = claims;
        if (spec.mode == VerificationMode.ZK) {
            phaseDeadline = uint40(block.timestamp + spec.execWindow);
            st.status = TaskStatus.Claimed;
            st.phaseDeadline = phaseDeadline;
            _zkClaimant[taskId] = provider;
        } else {
            if (_hasClaimed[taskId][provider]) revert TaskMarketAlreadyClaimed(taskId, provider);
            _hasClaimed[taskId][provider] = true;
            _claimants[taskId].push(provider);
            if (claims == spec.redundancy) {
                phaseDeadline = uint40(block.timestamp + spec.execWindow);
                st.status = TaskStatus.Claimed;
                st.phaseDeadline = phaseDeadline;
            }
        }
        emit TaskClaimed(taskId, provider, msg.sender, spec.bond, claims, phaseDeadline);
        _vault.lockBond(provider, spec.bond);
    }

    /// @inheritdoc ITaskMarket
    function submitProof(
        uint256 taskId,
        TaskSpec calldata spec,
        uint256 outputCommitment,
        bytes calldata output,
        ProofLib.Proof calldata proof
    ) external override nonReentrant {
        TaskState storage st = _load(taskId, spec);
        if (spec.mode != VerificationMode.ZK) revert TaskMarketWrongMode(taskId, spec.mode);
        if (block.timestamp > spec.deadline) revert TaskMarketTooLate(taskId, spec.deadline);
        if (outputCommitment == 0 || outputCommitment >= ProofLib.SNARK_SCALAR_FIELD) {
            revert TaskMarketInvalidCommitment(outputCommitment);
        }

        (address provider, bool claimed) = _proofProvider(taskId, spec, st);
        _checkProof(taskId, spec, provider, outputCommitment, proof);

        st.status = TaskStatus.Completed;
        // The claim is spent: clearing it keeps the state small and refunds part of this transaction's gas.
        if (claimed) delete _zkClaimant[taskId];
        emit ProofAccepted(taskId, provider, outputCommitment, output);
        address[] memory winners = new address[](1);
        winners[0] = provider;
        _creditPayouts(taskId, spec, winners, 1, bytes32(outputCommitment));

        if (claimed) _vault.releaseBond(provider, spec.bond);
        _reputation.record(provider, IReputation.Outcome.Success);
    }

    /// @inheritdoc ITaskMarket
    function commitResult(uint256 taskId, TaskSpec calldata spec, bytes32 commitment) external override {
        TaskState storage st = _load(taskId, spec);
        if (spec.mode != VerificationMode.REDUNDANT) revert TaskMarketWrongMode(taskId, spec.mode);
        if (st.status != TaskStatus.Open && st.status != TaskStatus.Claimed) {
            revert TaskMarketWrongStatus(taskId, st.status);
        }
        if (st.phaseDeadline != 0 && block.timestamp > st.phaseDeadline) {
            revert TaskMarketTooLate(taskId, st.phaseDeadline);
        }
        if (commitment == 0) revert TaskMarketInvalidCommitment(0);
        address provider = _claimantFor(taskId, msg.sender);
        RedundantClaim storage c = _redundant[taskId][provider];
        if (c.commitment != 0) revert TaskMarketAlreadyCommitted(taskId, provider);

        c.commitment = commitment;
        uint8 commits = ++_counters[taskId].commits;
        emit ResultCommitted(taskId, provider, commitment, commits);
    }

    /// @inheritdoc ITaskMarket
    function revealResult(
        uint256 taskId,
        TaskSpec calldata spec,
        bytes32 resultHash,
        bytes32 salt,
        string calldata resultURI
    ) external override nonReentrant {
        TaskState storage st = _load(taskId, spec);
        if (spec.mode != VerificationMode.REDUNDANT) revert TaskMarketWrongMode(taskId, spec.mode);
        if (st.status != TaskStatus.Claimed) revert TaskMarketWrongStatus(taskId, st.status);
        RedundantCounters storage counters = _counters[taskId];
        if (counters.commits < spec.redundancy && block.timestamp <= st.phaseDeadline) {
            revert TaskMarketTooEarly(taskId, st.phaseDeadline);
        }
        uint256 revealDeadline = uint256(st.phaseDeadline) + spec.revealWindow;
        if (block.timestamp > revealDeadline) revert TaskMarketTooLate(taskId, revealDeadline);
        if (resultHash == 0) revert TaskMarketZeroResult();

        address provider = _claimantFor(taskId, msg.sender);
        RedundantClaim storage c = _redundant[taskId][provider];
        if (c.commitment == 0) revert TaskMarketNotCommitted(taskId, provider);
        if (c.resultHash != 0) revert TaskMarketAlreadyRevealed(taskId, provider);
        if (_commitment(taskId, provider, resultHash, salt) != c.commitment) {
            revert TaskMarketCommitmentMismatch(taskId, provider);
        }

        c.resultHash = resultHash;
        uint8 reveals = ++counters.reveals;
        emit ResultRevealed(taskId, provider, resultHash, resultURI, reveals);
        if (reveals == spec.redundancy) _finalize(taskId, spec, st);
    }

    /// @inheritdoc ITaskMarket
    function finalizeTask(uint256 taskId, TaskSpec calldata spec) external override nonReentrant {
        TaskState storage st = _load(taskId, spec);
        if (spec.mode != VerificationMode.REDUNDANT) revert TaskMarketWrongMode(taskId, spec.mode);
        if (st.status != TaskStatus.Claimed) revert TaskMarketWrongStatus(taskId, st.status);
        uint256 revealDeadline = uint256(st.phaseDeadline) + spec.revealWindow;
        if (_counters[taskId].reveals < spec.redundancy && block.timestamp <= revealDeadline) {
            revert TaskMarketTooEarly(taskId, revealDeadline + 1);
        }
        _finalize(taskId, spec, st);
    }

    /// @inheritdoc ITaskMarket
    function expireTask(uint256 taskId, TaskSpec calldata spec) external override nonReentrant {
        TaskState storage st = _load(taskId, spec);
        if (st.status == TaskStatus.Claimed && spec.mode == VerificationMode.ZK) {
            if (block.timestamp <= st.phaseDeadline) revert TaskMarketTooEarly(taskId, uint256(st.phaseDeadline) + 1);
            address provider = _zkClaimant[taskId];
            delete _zkClaimant[taskId];
            bool reopen = block.timestamp + spec.execWindow <= spec.deadline;
            if (reopen) {
                st.status = TaskStatus.Open;
                st.claims = 0;
                st.phaseDeadline = 0;
            } else {
                _refund(taskId, spec, st, false);
            }
            emit TaskExpired(taskId, provider, reopen);
            emit ProviderPenalized(taskId, provider, spec.bond, IReputation.Outcome.MissedDeadline);
            _vault.slashBond(provider, spec.bond, spec.requester);
            _reputation.record(provider, IReputation.Outcome.MissedDeadline);
        } else if (st.status == TaskStatus.Open) {
            if (block.timestamp <= spec.deadline) revert TaskMarketTooEarly(taskId, uint256(spec.deadline) + 1);
            _refund(taskId, spec, st, false);
            // REDUNDANT slots that were taken but never all filled: the claimants did nothing wrong.
            address[] storage claimants = _claimants[taskId];
            uint256 n = claimants.length;
            for (uint256 i; i < n; ++i) {
                emit BondReturned(taskId, claimants[i], spec.bond);
            }
            for (uint256 i; i < n; ++i) {
                _vault.releaseBond(claimants[i], spec.bond);
            }
        } else {
            revert TaskMarketWrongStatus(taskId, st.status);
        }
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Payments
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ITaskMarket
    function withdraw(address token) external override nonReentrant {
        uint256 amount = _credits[msg.sender][token];
        if (amount == 0) revert TaskMarketNothingToWithdraw(msg.sender, token);
        _credits[msg.sender][token] = 0;
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
        return _tasks[taskId];
    }

    /// @inheritdoc ITaskMarket
    function claimantOf(uint256 taskId) external view override returns (address) {
        return _zkClaimant[taskId];
    }

    /// @inheritdoc ITaskMarket
    function claimantsOf(uint256 taskId) external view override returns (address[] memory) {
        return _claimants[taskId];
    }

    /// @inheritdoc ITaskMarket
    function redundantClaimOf(uint256 taskId, address provider) external view override returns (RedundantClaim memory) {
        return _redundant[taskId][provider];
    }

    /// @inheritdoc ITaskMarket
    function creditOf(address account, address token) external view override returns (uint256) {
        return _credits[account][token];
    }

    /// @inheritdoc ITaskMarket
    function hashSpec(TaskSpec calldata spec) public pure override returns (bytes24) {
        return bytes24(keccak256(abi.encode(spec)));
    }

    /// @inheritdoc ITaskMarket
    function bondFor(address token, uint256 reward, VerificationMode mode) external view override returns (uint256) {
        TokenConfig memory cfg = _tokens[token];
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
        return _commitment(taskId, provider, resultHash, salt);
    }

    /// @inheritdoc ITaskMarket
    function taskCount() external view override returns (uint256) {
        return _taskCount;
    }

    /// @inheritdoc ITaskMarket
    function marketParams() external view override returns (MarketParams memory) {
        return _params;
    }

    /// @inheritdoc ITaskMarket
    function stakeParams() external view override returns (uint256 bondFloor, uint256 minProviderStake) {
        return (_bondFloor, _minProviderStake);
    }

    /// @inheritdoc ITaskMarket
    function paymentToken(address token) external view override returns (bool allowed, uint256 eaiPerToken) {
        TokenConfig memory cfg = _tokens[token];
        return (cfg.allowed, cfg.eaiPerToken);
    }

    /// @inheritdoc ITaskMarket
    function treasury() external view override returns (address) {
        return _treasury;
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Internals
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Validates a request, stores the task, emits its spec and pulls the reward (last: checks-effects-
    ///      interactions).
    function _submit(TaskRequest calldata request) private returns (uint256 taskId) {
        TaskSpec memory spec = _buildSpec(request);
        // Cannot overflow: one id per transaction.
        unchecked {
            taskId = ++_taskCount;
        }
        _tasks[taskId] = TaskState({
            specHash: bytes24(keccak256(abi.encode(spec))),
            status: TaskStatus.Open,
            claims: 0,
            phaseDeadline: 0
        });
        emit TaskSubmitted(taskId, msg.sender, request.modelId, spec, request.inputURI);
        IERC20(request.paymentToken).safeTransferFrom(msg.sender, address(this), request.reward);
    }

    /// @dev Turns a request into the spec that is hashed and emitted; reverts on every invalid field.
    function _buildSpec(TaskRequest calldata request) private view returns (TaskSpec memory spec) {
        TokenConfig memory cfg = _tokens[request.paymentToken];
        if (!cfg.allowed) revert TaskMarketTokenNotAllowed(request.paymentToken);
        if (request.reward == 0) revert TaskMarketZeroReward();
        if (request.execWindow == 0) revert TaskMarketZeroExecWindow();
        if (request.minTier == 0 || request.minTier > TOP_TIER) revert TaskMarketInvalidTier(request.minTier);
        MarketParams memory p = _params;
        if (request.mode == VerificationMode.ZK) {
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

        _applyModel(spec, request);

        uint256 priorityUntil = block.timestamp + p.priorityWindow;
        uint256 revealWindow = request.mode == VerificationMode.REDUNDANT ? p.revealWindow : 0;
        uint256 earliest = priorityUntil + request.execWindow + revealWindow;
        if (request.deadline < earliest) revert TaskMarketDeadlineTooSoon(request.deadline, earliest);

        spec.requester = msg.sender;
        spec.paymentToken = request.paymentToken;
        spec.reward = request.reward;
        spec.bond = SafeCast.toUint128(_bondFor(cfg.eaiPerToken, request.reward, request.mode));
        spec.createdAt = uint40(block.timestamp);
        spec.priorityUntil = uint40(priorityUntil);
        spec.deadline = request.deadline;
        spec.execWindow = request.execWindow;
        spec.revealWindow = uint32(revealWindow);
        spec.mode = request.mode;
        spec.redundancy = request.redundancy;
        spec.minTier = request.minTier;
        spec.inputCommitment = request.inputCommitment;
    }

    /// @dev Checks the model against the request and snapshots what settlement needs from it into the spec.
    function _applyModel(TaskSpec memory spec, TaskRequest calldata request) private view {
        (
            ModelKind kind,
            bool active,
            address verifier,
            address creator,
            uint256 modelCommitment,
            Resources memory modelMin
        ) = _models.modelForTask(request.modelId);
        if (!active) revert TaskMarketModelInactive(request.modelId);
        if (request.mode == VerificationMode.ZK && kind != ModelKind.ZK_MLP) {
            revert TaskMarketModelKindMismatch(request.modelId, kind, request.mode);
        }
        Resources memory minResources = request.minResources;
        if (!minResources.meets(modelMin)) revert TaskMarketBelowModelMinimum(request.modelId);
        spec.modelId = request.modelId;
        spec.modelCreator = creator;
        spec.verifier = verifier;
        spec.modelCommitment = modelCommitment;
        spec.minResources = minResources;
    }

    /// @dev Loads a task and checks the spec passed back against its stored hash.
    function _load(uint256 taskId, TaskSpec calldata spec) private view returns (TaskState storage st) {
        st = _tasks[taskId];
        if (st.status == TaskStatus.None) revert TaskMarketUnknownTask(taskId);
        if (st.specHash != hashSpec(spec)) revert TaskMarketSpecMismatch(taskId);
    }

    /// @dev Resolves the caller to its provider and checks everything a claim needs except the bond, which the
    ///      vault checks when it locks it.
    function _eligibleProvider(address account, TaskSpec calldata spec) private view returns (address provider) {
        provider = _providers.resolveProvider(account);
        if (provider == address(0)) revert TaskMarketNotProvider(account);
        (bool active, Resources memory resources) = _providers.eligibilityOf(provider);
        (uint8 tier, bool eligible) = _reputation.standingOf(provider);
        if (!active || !eligible) revert TaskMarketProviderIneligible(provider);
        uint8 required = block.timestamp < spec.priorityUntil ? TOP_TIER : spec.minTier;
        if (tier < required) revert TaskMarketTierTooLow(provider, tier, required);
        if (!resources.meets(spec.minResources)) revert TaskMarketInsufficientResources(provider);
        uint256 stake = _vault.stakeOf(provider);
        if (stake < _minProviderStake) revert TaskMarketInsufficientStake(provider, stake, _minProviderStake);
    }

    /// @dev The provider holding a REDUNDANT claim on `taskId` that `account` acts for.
    function _claimantFor(uint256 taskId, address account) private view returns (address provider) {
        if (_hasClaimed[taskId][account]) return account;
        provider = _providers.resolveProvider(account);
        if (provider == address(0) || !_hasClaimed[taskId][provider]) revert TaskMarketNotClaimant(taskId, provider);
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
            provider = _zkClaimant[taskId];
            if (msg.sender != provider) {
                address actingFor = _providers.resolveProvider(msg.sender);
                if (actingFor != provider) revert TaskMarketNotClaimant(taskId, actingFor);
            }
        } else if (st.status == TaskStatus.Open) {
            // Settling an unclaimed task is a claim and a delivery in one: it stops while paused.
            _requireNotPaused();
            provider = _eligibleProvider(msg.sender, spec);
        } else {
            revert TaskMarketWrongStatus(taskId, st.status);
        }
    }

    /// @dev Verifies a ZK task's proof against the verifier and weights commitment snapshot in its spec.
    function _checkProof(
        uint256 taskId,
        TaskSpec calldata spec,
        address provider,
        uint256 outputCommitment,
        ProofLib.Proof calldata proof
    ) private view {
        uint256[4] memory signals = ProofLib.publicSignals(
            spec.modelCommitment,
            spec.inputCommitment,
            outputCommitment,
            ProofLib.taskBinding(address(this), taskId, provider)
        );
        _verifyProof(taskId, spec.verifier, signals, proof);
    }

    /// @dev Calls the model's verifier; a false result, a revert (malformed points) or an out-of-gas pairing all
    ///      count as an invalid proof.
    function _verifyProof(
        uint256 taskId,
        address verifier,
        uint256[4] memory signals,
        ProofLib.Proof calldata proof
    ) private view {
        try IGroth16Verifier(verifier).verifyProof(proof.a, proof.b, proof.c, signals) returns (bool ok) {
            if (!ok) revert TaskMarketInvalidProof(taskId);
        } catch {
            revert TaskMarketInvalidProof(taskId);
        }
    }

    /// @dev Tallies the reveals of a REDUNDANT task and settles it. All state changes happen before the calls to
    ///      the vault and the reputation contract.
    function _finalize(uint256 taskId, TaskSpec calldata spec, TaskState storage st) private {
        address[] memory claimants = _claimants[taskId];
        uint256 n = claimants.length;
        bytes32[] memory results = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            results[i] = _redundant[taskId][claimants[i]].resultHash;
        }
        (bytes32 majority, uint256 votes) = _plurality(results);
        bool hasMajority = votes * 2 > spec.redundancy;

        if (hasMajority) {
            st.status = TaskStatus.Completed;
            address[] memory winners = new address[](votes);
            uint256 w;
            for (uint256 i; i < n; ++i) {
                if (results[i] == majority) winners[w++] = claimants[i];
            }
            _creditPayouts(taskId, spec, winners, votes, majority);
        } else {
            _refund(taskId, spec, st, true);
        }

        for (uint256 i; i < n; ++i) {
            address provider = claimants[i];
            if (results[i] == 0) {
                _penalize(taskId, spec, provider, IReputation.Outcome.NoReveal);
            } else if (!hasMajority) {
                emit BondReturned(taskId, provider, spec.bond);
                _vault.releaseBond(provider, spec.bond);
            } else if (results[i] == majority) {
                emit BondReturned(taskId, provider, spec.bond);
                _vault.releaseBond(provider, spec.bond);
                _reputation.record(provider, IReputation.Outcome.Success);
            } else {
                _penalize(taskId, spec, provider, IReputation.Outcome.WrongResult);
            }
        }
    }

    /// @dev Most frequent non-zero result and its count (ties keep the first seen; a tie never forms a strict
    ///      majority). Quadratic in n, and n ≤ MAX_REDUNDANCY_LIMIT.
    function _plurality(bytes32[] memory results) private pure returns (bytes32 best, uint256 bestVotes) {
        uint256 n = results.length;
        for (uint256 i; i < n; ++i) {
            bytes32 r = results[i];
            if (r == 0) continue;
            uint256 votes;
            for (uint256 j; j < n; ++j) {
                if (results[j] == r) ++votes;
            }
            if (votes > bestVotes) {
                best = r;
                bestVotes = votes;
            }
        }
    }

    /// @dev Slashes a bond (the requester is the harmed party) and records the failure.
    function _penalize(uint256 taskId, TaskSpec calldata spec, address provider, IReputation.Outcome outcome) private {
        emit ProviderPenalized(taskId, provider, spec.bond, outcome);
        _vault.slashBond(provider, spec.bond, spec.requester);
        _reputation.record(provider, outcome);
    }

    /// @dev Credits the reward: providers share `providerBps` equally, the creator gets `creatorBps`, the treasury
    ///      the rest (its share plus rounding dust), so the three always sum to the reward.
    function _creditPayouts(
        uint256 taskId,
        TaskSpec calldata spec,
        address[] memory winners,
        uint256 count,
        bytes32 result
    ) private {
        MarketParams memory p = _params;
        address token = spec.paymentToken;
        uint256 reward = spec.reward;
        uint256 perProvider = (reward * p.providerBps) / BPS / count;
        uint256 creatorFee = (reward * p.creatorBps) / BPS;
        uint256 providerTotal = perProvider * count;
        uint256 treasuryFee = reward - providerTotal - creatorFee;
        for (uint256 i; i < count; ++i) {
            _credits[winners[i]][token] += perProvider;
            emit ProviderPaid(taskId, winners[i], token, perProvider);
        }
        _credits[spec.modelCreator][token] += creatorFee;
        _credits[_treasury][token] += treasuryFee;
        emit TaskCompleted(taskId, result, token, providerTotal, treasuryFee, creatorFee, uint8(count));
    }

    /// @dev Marks the task refunded and credits the reward back to the requester.
    function _refund(uint256 taskId, TaskSpec calldata spec, TaskState storage st, bool noMajority) private {
        st.status = TaskStatus.Refunded;
        _credits[spec.requester][spec.paymentToken] += spec.reward;
        emit TaskRefunded(taskId, spec.requester, spec.reward, noMajority);
    }

    /// @dev Bond for a reward: the reward's EAI value times the mode's ratio, at least the floor.
    function _bondFor(uint256 eaiPerToken, uint256 reward, VerificationMode mode) private view returns (uint256) {
        uint256 ratio = mode == VerificationMode.ZK ? _params.zkBondRatioBps : _params.redundantBondRatioBps;
        uint256 bond = Math.mulDiv(Math.mulDiv(reward, eaiPerToken, 1 ether), ratio, BPS);
        return Math.max(bond, _bondFloor);
    }

    /// @dev The REDUNDANT commitment; binding chain, market, task and provider stops a reveal from being replayed
    ///      on another task or copied by another provider.
    function _commitment(
        uint256 taskId,
        address provider,
        bytes32 resultHash,
        bytes32 salt
    ) private view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), taskId, provider, resultHash, salt));
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
        _params = params;
        emit MarketParamsUpdated(params);
    }

    function _setStakeParams(uint128 bondFloor_, uint128 minProviderStake_) private {
        if (bondFloor_ == 0) revert TaskMarketInvalidParam(MarketParam.BondFloor, 0);
        _bondFloor = bondFloor_;
        _minProviderStake = minProviderStake_;
        emit StakeParamsUpdated(bondFloor_, minProviderStake_);
    }

    function _setPaymentToken(address token, bool allowed, uint256 eaiPerToken) private {
        if (token == address(0)) revert TaskMarketZeroAddress();
        if (allowed && (eaiPerToken == 0 || eaiPerToken > type(uint128).max)) {
            revert TaskMarketInvalidParam(MarketParam.EaiPerToken, eaiPerToken);
        }
        _tokens[token] = TokenConfig({allowed: allowed, eaiPerToken: uint248(eaiPerToken)});
        emit PaymentTokenUpdated(token, allowed, eaiPerToken);
    }

    function _setTreasury(address treasury_) private {
        if (treasury_ == address(0)) revert TaskMarketZeroAddress();
        _treasury = treasury_;
        emit TreasuryUpdated(treasury_);
    }
}
