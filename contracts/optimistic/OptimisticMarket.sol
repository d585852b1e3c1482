// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IDisputeManager} from "../interfaces/IDisputeManager.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IOptimisticMarket} from "../interfaces/IOptimisticMarket.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {IReputation} from "../interfaces/IReputation.sol";
import {IStakingVault} from "../interfaces/IStakingVault.sol";
import {AssignLib} from "../libraries/AssignLib.sol";

/// @title OptimisticMarket
/// @notice OPTIMISTIC tasks with challenges and random audits (see {IOptimisticMarket} and docs/PROTOCOL.md,
///         "OPTIMISTIC mode, disputes and audits").
/// @dev Holds the vault's `MARKET_ROLE` (provider and auditor bonds) and the reputation's `REPORTER_ROLE`. Every
///      function changes state before it calls the vault, the reputation contract, the token or the dispute manager.
///      Balance invariant (OPT-01): token balance == `totalEscrow` + `totalCredits`.
contract OptimisticMarket is IOptimisticMarket, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Basis-point denominator.
    uint256 public constant BPS = 10_000;
    /// @notice Bounds of the challenge window: long enough for a watcher to re-execute and land a transaction under
    ///         congestion, short enough that honest bonds are not locked for days.
    uint32 public constant MIN_CHALLENGE_WINDOW = 10 minutes;
    /// @notice See {MIN_CHALLENGE_WINDOW}.
    uint32 public constant MAX_CHALLENGE_WINDOW = 7 days;
    /// @notice Bounds of the audit window.
    uint32 public constant MIN_AUDIT_WINDOW = 10 minutes;
    /// @notice See {MIN_AUDIT_WINDOW}.
    uint32 public constant MAX_AUDIT_WINDOW = 3 days;
    /// @notice Bounds of the draw step.
    uint32 public constant MAX_DRAW_STEP = 1 hours;
    /// @notice Provider bond bounds as a share of the reward: at least the reward (cheating never pays), at most 10x.
    uint32 public constant MIN_BOND_BPS = 10_000;
    /// @notice See {MIN_BOND_BPS}.
    uint32 public constant MAX_BOND_BPS = 100_000;
    /// @notice Challenger bond bounds as a share of the provider bond.
    uint16 public constant MIN_CHALLENGE_BOND_BPS = 2_000;
    /// @notice See {MIN_CHALLENGE_BOND_BPS}.
    uint16 public constant MAX_CHALLENGE_BOND_BPS = 20_000;
    /// @notice Largest audit share.
    uint16 public constant MAX_AUDIT_BPS = 5_000;
    /// @notice Largest protocol plus creator fee.
    uint16 public constant MAX_FEES_BPS = 5_000;
    /// @notice Bounds of the provider bond floor (token units, 18 decimals).
    uint128 public constant MIN_MIN_BOND = 1e15;
    /// @notice See {MIN_MIN_BOND}.
    uint128 public constant MAX_MIN_BOND = 1e24;
    /// @notice Longest time between posting and the commit deadline.
    uint256 public constant MAX_DEADLINE = 30 days;
    /// @notice Top tier.
    uint8 public constant TOP_TIER = 3;
    /// @dev The reserved result that reports a task fault (as DisputeManager.TASK_FAULT_RESULT and REDUNDANT's).
    bytes32 private constant TASK_FAULT_RESULT = keccak256("eai.task-fault.v1");

    IERC20 private immutable _token;
    IStakingVault private immutable _vault;
    IProviderRegistry private immutable _providers;
    IModelRegistry private immutable _models;
    IReputation private immutable _reputation;

    IDisputeManager private _disputes;
    Params private _params;
    uint256 private _taskCount;
    uint256 private _totalEscrow;
    uint256 private _totalCredits;
    mapping(uint256 taskId => Task) private _tasks;
    mapping(address account => uint256) private _credits;

    /// @param admin `DEFAULT_ADMIN_ROLE` holder (the timelock).
    /// @param vault The staking vault; its stake token is the payment token.
    /// @param providers The provider registry.
    /// @param models The model registry.
    /// @param reputation The reputation contract.
    /// @param initialParams The first parameters (checked like {setParams}).
    constructor(
        address admin,
        IStakingVault vault,
        IProviderRegistry providers,
        IModelRegistry models,
        IReputation reputation,
        Params memory initialParams
    ) {
        if (admin == address(0)) revert OptimisticZeroAddress("admin");
        if (address(vault) == address(0)) revert OptimisticZeroAddress("vault");
        if (address(providers) == address(0)) revert OptimisticZeroAddress("providers");
        if (address(models) == address(0)) revert OptimisticZeroAddress("models");
        if (address(reputation) == address(0)) revert OptimisticZeroAddress("reputation");
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _vault = vault;
        _token = vault.stakeToken();
        _providers = providers;
        _models = models;
        _reputation = reputation;
        _setParams(initialParams);
    }

    /*//////////////////////////////////////////////////////////////
                              REQUESTER
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOptimisticMarket
    function postTask(
        uint64 modelId,
        bytes32 inputCommitment,
        string calldata inputURI,
        uint96 reward,
        uint40 deadline,
        uint8 minTier
    ) external nonReentrant returns (uint256 taskId) {
        if (reward == 0) revert OptimisticInvalidRequest("reward");
        if (inputCommitment == 0) revert OptimisticInvalidRequest("inputCommitment");
        if (minTier == 0 || minTier > TOP_TIER) revert OptimisticInvalidRequest("minTier");
        if (deadline <= block.timestamp || deadline > block.timestamp + MAX_DEADLINE) {
            revert OptimisticInvalidRequest("deadline");
        }
        IModelRegistry.TaskModel memory m = _models.modelForTask(modelId);
        if (!m.active) revert OptimisticModelInactive(modelId);

        taskId = ++_taskCount;
        Task storage t = _tasks[taskId];
        t.requester = msg.sender;
        t.reward = reward;
        t.deadline = deadline;
        t.minTier = minTier;
        t.status = Status.Open;
        t.rated = m.approved;
        t.modelId = modelId;
        t.createdAt = uint40(block.timestamp);
        t.createdBlock = uint48(block.number);
        t.inputCommitment = inputCommitment;
        _totalEscrow += reward;
        emit TaskPosted(taskId, msg.sender, modelId, reward, deadline, minTier, inputCommitment, inputURI);
        _token.safeTransferFrom(msg.sender, address(this), reward);
    }

    /*//////////////////////////////////////////////////////////////
                              PROVIDER
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOptimisticMarket
    function claim(uint256 taskId) external nonReentrant {
        Task storage t = _tasks[taskId];
        if (t.status != Status.Open) revert OptimisticWrongStatus(taskId, t.status);
        if (block.timestamp > t.deadline) revert OptimisticTooLate(taskId, t.deadline);
        (address provider, uint8 tier, bool ok) = AssignLib.standing(_providers, _reputation, msg.sender);
        if (!ok) revert OptimisticIneligible(msg.sender);
        if (tier < t.minTier) revert OptimisticTierTooLow(provider, tier, t.minTier);
        // The requester may not serve its own task (it would farm reputation on work it checks itself).
        if (provider == t.requester || _providers.resolveProvider(t.requester) == provider) {
            revert OptimisticIneligible(provider);
        }
        uint256 notBefore = _claimableAt(taskId, t, provider);
        if (block.timestamp < notBefore) revert OptimisticNotYourTurn(taskId, provider, notBefore);

        uint128 bond = _bondFor(t.reward);
        t.provider = provider;
        t.bond = bond;
        t.status = Status.Claimed;
        emit TaskClaimed(taskId, provider, msg.sender, bond);
        _vault.lockBond(provider, bond);
    }

    /// @inheritdoc IOptimisticMarket
    function commitResult(uint256 taskId, bytes32 resultHash, string calldata resultURI) external {
        Task storage t = _tasks[taskId];
        if (t.status != Status.Claimed) revert OptimisticWrongStatus(taskId, t.status);
        if (block.timestamp > t.deadline) revert OptimisticTooLate(taskId, t.deadline);
        _requireActsFor(taskId, t.provider);
        if (resultHash == 0) revert OptimisticZeroResult();
        uint40 ends = uint40(block.timestamp + _params.challengeWindow);
        t.resultHash = resultHash;
        t.commitBlock = uint48(block.number);
        t.challengeEnds = ends;
        t.auditBps = _params.auditBps;
        t.status = Status.Committed;
        emit ResultPosted(taskId, t.provider, resultHash, resultURI, ends);
    }

    /*//////////////////////////////////////////////////////////////
                              CHALLENGES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOptimisticMarket
    function challenge(uint256 taskId) external nonReentrant returns (uint256 disputeId) {
        Task storage t = _tasks[taskId];
        if (t.status != Status.Committed) revert OptimisticWrongStatus(taskId, t.status);
        address owner = _providers.resolveProvider(msg.sender);
        bool byAuditor = t.audit == AuditState.Taken && owner == t.auditor && owner != address(0);
        if (byAuditor) {
            if (block.timestamp > t.auditDeadline) revert OptimisticTooLate(taskId, t.auditDeadline);
        } else {
            if (block.timestamp > t.challengeEnds) revert OptimisticTooLate(taskId, t.challengeEnds);
            if (owner == t.provider) revert OptimisticSelfChallenge(taskId, msg.sender);
            if (msg.sender != t.requester) {
                (, uint8 tier, bool ok) = AssignLib.standing(_providers, _reputation, msg.sender);
                if (!ok) revert OptimisticIneligible(msg.sender);
                uint8 minTier = _params.minChallengerTier;
                if (tier < minTier) revert OptimisticTierTooLow(owner, tier, minTier);
            }
        }

        uint128 challengeBond = _challengeBondFor(t.bond);
        t.status = Status.Challenged;
        AuditState audit = t.audit;
        address auditor = t.auditor;
        uint128 auditorBond = t.auditorBond;
        if (byAuditor) {
            t.audit = AuditState.Disputed;
        } else if (audit == AuditState.Selected || audit == AuditState.Taken) {
            // Another party's challenge makes the audit moot: the jury re-executes anyway.
            t.audit = AuditState.Unclaimed;
            emit AuditClosed(taskId, audit == AuditState.Taken ? auditor : address(0), AuditState.Unclaimed);
        }
        if (audit == AuditState.Taken) t.auditorBond = 0;

        IDisputeManager disputes = _disputes;
        _token.safeTransferFrom(msg.sender, address(disputes), challengeBond);
        disputeId = disputes.open(
            taskId,
            t.provider,
            msg.sender,
            owner,
            t.requester,
            t.resultHash,
            t.bond,
            challengeBond,
            byAuditor
        );
        emit TaskChallenged(taskId, msg.sender, disputeId, challengeBond, byAuditor);
        if (audit == AuditState.Taken) _vault.releaseBond(auditor, auditorBond);
    }

    /// @inheritdoc IOptimisticMarket
    function applyVerdict(uint256 taskId, Verdict verdict) external nonReentrant {
        if (msg.sender != address(_disputes)) revert OptimisticNotDisputeManager(msg.sender);
        Task storage t = _tasks[taskId];
        if (t.status != Status.Challenged) revert OptimisticWrongStatus(taskId, t.status);
        emit DisputeVerdictApplied(taskId, verdict);
        // A passed audit's bond is still locked (see confirmAudit): it follows the result it vouched for.
        address passedAuditor = t.audit == AuditState.Passed ? t.auditor : address(0);
        uint128 passedBond = t.auditorBond;
        if (passedAuditor != address(0)) t.auditorBond = 0;
        if (verdict == Verdict.ProviderWins) {
            // A passed audit was right: its fee is paid as an unchallenged settlement pays it.
            _close(taskId, t, passedAuditor != address(0) ? _auditFee(t.reward) : 0);
            if (passedAuditor != address(0)) _vault.releaseBond(passedAuditor, passedBond);
            return;
        }
        address provider = t.provider;
        bool failedAudit = t.audit == AuditState.Disputed;
        bool overturned = verdict == Verdict.ChallengerWins;
        _refund(taskId, t, overturned ? Status.Overturned : Status.Voided);
        if (overturned && passedAuditor != address(0)) emit PassedAuditOverturned(taskId, passedAuditor, passedBond);
        // Void: the bond goes back. ChallengerWins: the dispute manager releases and slashes it right after this call.
        if (verdict == Verdict.Void) _vault.releaseBond(provider, t.bond);
        if (overturned && t.rated) {
            _reputation.record(
                provider,
                failedAudit ? IReputation.Outcome.FailedAudit : IReputation.Outcome.WrongResult
            );
        }
        if (passedAuditor == address(0)) return;
        if (overturned) {
            // It passed a result a jury overturned: its bond goes to the treasury (no finder profits from it), and
            // it is recorded as having vouched for a wrong result.
            _vault.slashBond(passedAuditor, passedBond);
            if (t.rated) _reputation.record(passedAuditor, IReputation.Outcome.WrongResult);
        } else {
            _vault.releaseBond(passedAuditor, passedBond);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                AUDITS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOptimisticMarket
    function drawAudit(uint256 taskId) external {
        Task storage t = _tasks[taskId];
        if (t.status != Status.Committed) revert OptimisticWrongStatus(taskId, t.status);
        if (t.audit != AuditState.Undrawn) revert OptimisticWrongAuditState(taskId, t.audit);
        _drawAudit(taskId, t);
    }

    /// @inheritdoc IOptimisticMarket
    function takeAudit(uint256 taskId) external nonReentrant {
        Task storage t = _tasks[taskId];
        if (t.status != Status.Committed) revert OptimisticWrongStatus(taskId, t.status);
        if (t.audit != AuditState.Selected) revert OptimisticWrongAuditState(taskId, t.audit);
        if (block.timestamp > t.auditDeadline) revert OptimisticTooLate(taskId, t.auditDeadline);
        (address auditor, uint8 tier, bool ok) = AssignLib.standing(_providers, _reputation, msg.sender);
        if (!ok || auditor == t.provider || auditor == t.requester) revert OptimisticIneligible(msg.sender);
        if (_providers.resolveProvider(t.requester) == auditor) revert OptimisticIneligible(msg.sender);
        uint8 required = _auditorTier(t.provider);
        if (tier < required) revert OptimisticTierTooLow(auditor, tier, required);
        uint256 notBefore = _auditableAt(t, auditor);
        if (block.timestamp < notBefore) revert OptimisticNotYourTurn(taskId, auditor, notBefore);

        uint128 bond = t.bond;
        t.audit = AuditState.Taken;
        t.auditor = auditor;
        t.auditorBond = bond;
        emit AuditTaken(taskId, auditor, bond);
        _vault.lockBond(auditor, bond);
    }

    /// @inheritdoc IOptimisticMarket
    function confirmAudit(uint256 taskId) external nonReentrant {
        Task storage t = _tasks[taskId];
        if (t.status != Status.Committed) revert OptimisticWrongStatus(taskId, t.status);
        if (t.audit != AuditState.Taken) revert OptimisticWrongAuditState(taskId, t.audit);
        if (block.timestamp > t.auditDeadline) revert OptimisticTooLate(taskId, t.auditDeadline);
        address auditor = t.auditor;
        _requireActsFor(taskId, auditor);
        // The bond stays locked until the task closes: the auditor vouches for the result until then, and a later
        // challenge that overturns it slashes the bond (an auditor that confirms without re-executing risks it).
        t.audit = AuditState.Passed;
        emit AuditClosed(taskId, auditor, AuditState.Passed);
    }

    /*//////////////////////////////////////////////////////////////
                              SETTLEMENT
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOptimisticMarket
    function settle(uint256 taskId) external nonReentrant {
        Task storage t = _tasks[taskId];
        Status status = t.status;
        if (status == Status.Open || status == Status.Claimed) {
            if (block.timestamp <= t.deadline) revert OptimisticTooEarly(taskId, uint256(t.deadline) + 1);
            address provider = t.provider;
            uint128 bond = t.bond;
            _refund(taskId, t, Status.Refunded);
            if (status == Status.Claimed) {
                // A missed deadline is slashed to the treasury: the requester chose the deadline.
                _vault.slashBond(provider, bond);
                if (t.rated) _reputation.record(provider, IReputation.Outcome.MissedDeadline);
            }
            return;
        }
        if (status != Status.Committed) revert OptimisticWrongStatus(taskId, status);
        if (block.timestamp <= t.challengeEnds) revert OptimisticTooEarly(taskId, uint256(t.challengeEnds) + 1);

        AuditState audit = t.audit;
        if (audit == AuditState.Undrawn) {
            // Reading the draw may start an audit; the settlement then waits for it (no revert: the draw is kept).
            if (_drawAudit(taskId, t)) return;
            audit = AuditState.NotSelected;
        }
        if (audit == AuditState.Selected || audit == AuditState.Taken) {
            if (block.timestamp <= t.auditDeadline) revert OptimisticTooEarly(taskId, uint256(t.auditDeadline) + 1);
        }
        uint256 auditFee;
        uint128 passedBond;
        if (audit == AuditState.Passed) {
            auditFee = _auditFee(t.reward);
            passedBond = t.auditorBond;
            t.auditorBond = 0;
        } else if (audit == AuditState.Selected) {
            t.audit = AuditState.Unclaimed;
            emit AuditClosed(taskId, address(0), AuditState.Unclaimed);
        }
        address missedAuditor;
        uint128 missedBond;
        if (audit == AuditState.Taken) {
            missedAuditor = t.auditor;
            missedBond = t.auditorBond;
            t.audit = AuditState.Missed;
            t.auditorBond = 0;
            emit AuditClosed(taskId, missedAuditor, AuditState.Missed);
        }
        _close(taskId, t, auditFee);
        if (passedBond != 0) _vault.releaseBond(t.auditor, passedBond);
        if (missedAuditor != address(0)) {
            // A missed audit is slashed to the treasury and recorded apart from a failed one.
            _vault.slashBond(missedAuditor, missedBond);
            if (t.rated) _reputation.record(missedAuditor, IReputation.Outcome.MissedAudit);
        }
    }

    /// @inheritdoc IOptimisticMarket
    function withdraw() external nonReentrant {
        uint256 amount = _credits[msg.sender];
        if (amount == 0) revert OptimisticNothingToWithdraw(msg.sender);
        _credits[msg.sender] = 0;
        _totalCredits -= amount;
        emit Withdrawn(msg.sender, amount);
        _token.safeTransfer(msg.sender, amount);
    }

    /*//////////////////////////////////////////////////////////////
                              GOVERNANCE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOptimisticMarket
    function setParams(Params calldata newParams) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setParams(newParams);
    }

    /// @inheritdoc IOptimisticMarket
    function setDisputeManager(address disputes) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (disputes == address(0)) revert OptimisticZeroAddress("disputes");
        if (address(_disputes) != address(0)) revert OptimisticDisputeManagerAlreadySet();
        _disputes = IDisputeManager(disputes);
        emit DisputeManagerSet(disputes);
    }

    /*//////////////////////////////////////////////////////////////
                                VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOptimisticMarket
    function getTask(uint256 taskId) external view returns (Task memory) {
        return _tasks[taskId];
    }

    /// @inheritdoc IOptimisticMarket
    function params() external view returns (Params memory) {
        return _params;
    }

    /// @inheritdoc IOptimisticMarket
    function creditOf(address account) external view returns (uint256) {
        return _credits[account];
    }

    /// @inheritdoc IOptimisticMarket
    function totalEscrow() external view returns (uint256) {
        return _totalEscrow;
    }

    /// @inheritdoc IOptimisticMarket
    function totalCredits() external view returns (uint256) {
        return _totalCredits;
    }

    /// @inheritdoc IOptimisticMarket
    function bondFor(uint256 reward) external view returns (uint128) {
        return _bondFor(reward);
    }

    /// @inheritdoc IOptimisticMarket
    function claimableAt(uint256 taskId, address provider) external view returns (uint256) {
        Task storage t = _tasks[taskId];
        if (t.status != Status.Open || block.number <= uint256(t.createdBlock) + 1) return type(uint256).max;
        return _claimableAt(taskId, t, provider);
    }

    /// @inheritdoc IOptimisticMarket
    function auditableAt(uint256 taskId, address auditor) external view returns (uint256) {
        Task storage t = _tasks[taskId];
        if (t.audit != AuditState.Selected) return type(uint256).max;
        return _auditableAt(t, auditor);
    }

    /// @inheritdoc IOptimisticMarket
    function disputeManager() external view returns (address) {
        return address(_disputes);
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Credits the reward split and releases the provider's bond; marks the task Settled.
    function _pay(uint256 taskId, Task storage t, uint256 auditFee) private {
        Params memory p = _params;
        uint256 reward = t.reward;
        uint256 treasuryAmount = (reward * p.protocolFeeBps) / BPS;
        uint256 creatorAmount = (reward * p.creatorFeeBps) / BPS;
        // The audit fee comes out of the treasury share (the protocol funds audits, not the requester).
        if (auditFee > treasuryAmount) auditFee = treasuryAmount;
        // protocolFeeBps + creatorFeeBps <= MAX_FEES_BPS < BPS, so the provider's share cannot underflow.
        uint256 providerAmount = reward - treasuryAmount - creatorAmount;
        treasuryAmount -= auditFee;
        address provider = t.provider;
        t.status = Status.Settled;
        _totalEscrow -= reward;
        _credit(provider, providerAmount);
        _credit(_models.modelForTask(t.modelId).creator, creatorAmount);
        _credit(_vault.treasury(), treasuryAmount);
        if (auditFee != 0) _credit(t.auditor, auditFee);
        emit TaskSettled(taskId, provider, providerAmount, creatorAmount, treasuryAmount, auditFee);
        _vault.releaseBond(provider, t.bond);
        if (t.rated) _reputation.record(provider, IReputation.Outcome.Success);
    }

    /// @dev Closes a task whose committed result stands: a task fault as `_fault`, any other result as `_pay`.
    function _close(uint256 taskId, Task storage t, uint256 auditFee) private {
        if (t.resultHash == TASK_FAULT_RESULT) _fault(taskId, t, auditFee);
        else _pay(taskId, t, auditFee);
    }

    /// @dev A task fault that stands: the requester is credited the reward minus the protocol fee (a faulty request
    ///      still costs its fee), the fee goes to the treasury less a passed audit's fee, the creator gets nothing
    ///      (its model did not run), and the provider only its bond back, with no success recorded. Reporting a
    ///      fault therefore never pays more than the work would, and a false one loses the bond to a challenger.
    function _fault(uint256 taskId, Task storage t, uint256 auditFee) private {
        uint256 reward = t.reward;
        uint256 fee = (reward * _params.protocolFeeBps) / BPS;
        if (auditFee > fee) auditFee = fee;
        uint256 refund = reward - fee;
        address provider = t.provider;
        t.status = Status.Faulted;
        _totalEscrow -= reward;
        _credit(t.requester, refund);
        _credit(_vault.treasury(), fee - auditFee);
        if (auditFee != 0) _credit(t.auditor, auditFee);
        emit TaskFaulted(taskId, provider, refund, fee - auditFee, auditFee);
        _vault.releaseBond(provider, t.bond);
    }

    /// @dev The fee of a passed audit: `auditFeeBps` of the reward (paid out of the treasury share by `_pay`).
    function _auditFee(uint256 reward) private view returns (uint256) {
        return (reward * _params.auditFeeBps) / BPS;
    }

    /// @dev Credits the reward back to the requester and closes the task with `status`.
    function _refund(uint256 taskId, Task storage t, Status status) private {
        uint256 reward = t.reward;
        t.status = status;
        _totalEscrow -= reward;
        _credit(t.requester, reward);
        emit TaskRefunded(taskId, t.requester, reward, status);
    }

    function _credit(address account, uint256 amount) private {
        if (amount == 0) return;
        _credits[account] += amount;
        _totalCredits += amount;
    }

    /// @dev Reads the audit draw. The seed is the hash of the block after the commit, which the provider could not
    ///      know when it committed. When that hash is no longer readable (256 blocks later) nobody can check the
    ///      draw, so the task is audited: waiting out the hash never helps a cheater. Returns whether it is selected.
    function _drawAudit(uint256 taskId, Task storage t) private returns (bool selected) {
        uint256 seedBlock = uint256(t.commitBlock) + 1;
        if (block.number <= seedBlock) revert OptimisticDrawPending(taskId, seedBlock);
        bytes32 h = blockhash(seedBlock);
        bool fallbackUsed = h == 0;
        uint256 seed;
        if (fallbackUsed) {
            selected = true;
            seed = uint256(keccak256(abi.encode(blockhash(block.number - 1), taskId, "eai.audit.fallback")));
        } else {
            seed = uint256(keccak256(abi.encode(h, taskId, "eai.audit")));
            selected = seed % BPS < t.auditBps;
        }
        uint40 deadline;
        if (selected) {
            deadline = uint40(block.timestamp + _params.auditWindow);
            t.audit = AuditState.Selected;
            t.auditSeed = seed;
            t.auditStart = uint40(block.timestamp);
            t.auditDeadline = deadline;
        } else {
            t.audit = AuditState.NotSelected;
        }
        emit AuditDrawn(taskId, selected, fallbackUsed, deadline);
    }

    /// @dev Assignment draw: one draw seeded by the hash of the block after posting. Once that hash is unreadable
    ///      (256 blocks, far longer than the race takes at the default step) the task is open to any eligible
    ///      provider.
    function _claimableAt(uint256 taskId, Task storage t, address provider) private view returns (uint256) {
        uint256 seedBlock = uint256(t.createdBlock) + 1;
        if (block.number <= seedBlock) revert OptimisticDrawPending(taskId, seedBlock);
        bytes32 h = blockhash(seedBlock);
        uint256 w = AssignLib.weight(_vault, provider, t.createdBlock);
        if (h == 0) return w == 0 ? type(uint256).max : 0;
        uint256 seed = uint256(keccak256(abi.encode(h, taskId)));
        return AssignLib.turn(seed, 0, provider, w, _vault.totalStake(), _params.drawStep, t.createdAt);
    }

    function _auditableAt(Task storage t, address auditor) private view returns (uint256) {
        uint256 w = AssignLib.weight(_vault, auditor, t.commitBlock);
        return AssignLib.turn(t.auditSeed, 0, auditor, w, _vault.totalStake(), _params.drawStep, t.auditStart);
    }

    /// @dev An auditor must rank above the audited provider (tier 3 audits tier 3) and hold the governed minimum.
    function _auditorTier(address provider) private view returns (uint8 required) {
        (uint8 tier, ) = _reputation.standingOf(provider);
        required = tier < TOP_TIER ? tier + 1 : TOP_TIER;
        if (required < _params.minAuditorTier) required = _params.minAuditorTier;
    }

    function _requireActsFor(uint256 taskId, address owner) private view {
        if (msg.sender != owner && _providers.resolveProvider(msg.sender) != owner) {
            revert OptimisticNotAssigned(taskId, msg.sender);
        }
    }

    function _bondFor(uint256 reward) private view returns (uint128) {
        uint256 bond = (reward * _params.bondBps) / BPS;
        uint256 floor = _params.minBond;
        return uint128(bond < floor ? floor : bond);
    }

    function _challengeBondFor(uint128 bond) private view returns (uint128) {
        uint256 c = (uint256(bond) * _params.challengeBondBps) / BPS;
        return uint128(c == 0 ? 1 : c);
    }

    function _setParams(Params memory p) private {
        if (p.challengeWindow < MIN_CHALLENGE_WINDOW || p.challengeWindow > MAX_CHALLENGE_WINDOW) {
            revert OptimisticInvalidParam(0, p.challengeWindow);
        }
        if (p.auditWindow < MIN_AUDIT_WINDOW || p.auditWindow > MAX_AUDIT_WINDOW) {
            revert OptimisticInvalidParam(1, p.auditWindow);
        }
        if (p.drawStep == 0 || p.drawStep > MAX_DRAW_STEP) revert OptimisticInvalidParam(2, p.drawStep);
        if (p.bondBps < MIN_BOND_BPS || p.bondBps > MAX_BOND_BPS) revert OptimisticInvalidParam(3, p.bondBps);
        if (p.challengeBondBps < MIN_CHALLENGE_BOND_BPS || p.challengeBondBps > MAX_CHALLENGE_BOND_BPS) {
            revert OptimisticInvalidParam(4, p.challengeBondBps);
        }
        if (p.auditBps > MAX_AUDIT_BPS) revert OptimisticInvalidParam(5, p.auditBps);
        if (uint256(p.protocolFeeBps) + p.creatorFeeBps > MAX_FEES_BPS) {
            revert OptimisticInvalidParam(6, p.protocolFeeBps);
        }
        if (p.auditFeeBps > p.protocolFeeBps) revert OptimisticInvalidParam(8, p.auditFeeBps);
        if (p.minChallengerTier == 0 || p.minChallengerTier > TOP_TIER) {
            revert OptimisticInvalidParam(9, p.minChallengerTier);
        }
        if (p.minAuditorTier == 0 || p.minAuditorTier > TOP_TIER) revert OptimisticInvalidParam(10, p.minAuditorTier);
        if (p.minBond < MIN_MIN_BOND || p.minBond > MAX_MIN_BOND) revert OptimisticInvalidParam(11, p.minBond);
        _params = p;
        emit ParamsUpdated(p);
    }
}
