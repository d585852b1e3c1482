// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IOptimisticMarket
/// @notice OPTIMISTIC tasks: one drawn provider posts a result with a bond locked from its stake; a challenge window
///         follows in which the requester or a staked provider of a governed minimum tier may challenge with a bond
///         (the dispute is decided by the {IDisputeManager} jury); a seed the provider could not know when it
///         committed selects a governed share of tasks for a random audit by a higher-tier auditor. Unchallenged
///         results settle after the window. Payments are credited and pulled with {withdraw}.
/// @dev Rewards are paid in the staking vault's token (EAI). The dispute manager is set once by governance.
interface IOptimisticMarket {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice Life cycle of an OPTIMISTIC task.
    enum Status {
        None,
        Open,
        Claimed,
        Committed,
        Challenged,
        Settled,
        Refunded,
        Overturned,
        Voided,
        Faulted
    }

    /// @notice Random audit state of a committed task.
    /// @dev Undrawn: the seed block has not been read yet. NotSelected: drawn, no audit. Selected: an auditor may take
    ///      it. Taken: an auditor holds it. Passed: the auditor confirmed the result. Missed: the auditor let the
    ///      deadline pass. Disputed: the auditor challenged (a dispute decides). Unclaimed: nobody took it in time.
    enum AuditState {
        Undrawn,
        NotSelected,
        Selected,
        Taken,
        Passed,
        Missed,
        Disputed,
        Unclaimed
    }

    /// @notice How a dispute ended, as the dispute manager reports it.
    enum Verdict {
        ProviderWins,
        ChallengerWins,
        Void
    }

    /// @notice Governed parameters (one struct, checked on both sides by {setParams}).
    /// @param challengeWindow Seconds after a commit during which a challenge may be opened.
    /// @param auditWindow Seconds after an audit is selected during which an auditor may take and report it.
    /// @param drawStep Seconds per unit of draw key at full stake (assignment and auditor draws, as REDUNDANT).
    /// @param bondBps Provider bond as a share of the reward (bps; at least 100%).
    /// @param challengeBondBps Challenger bond as a share of the provider bond (bps).
    /// @param auditBps Share of committed tasks selected for audit (bps).
    /// @param protocolFeeBps Treasury share of a settled reward (bps).
    /// @param creatorFeeBps Model creator share of a settled reward (bps).
    /// @param auditFeeBps Auditor's fee for a passed audit, as a share of the reward, paid out of the treasury share.
    /// @param minChallengerTier Lowest tier a provider must hold to challenge (the requester always may).
    /// @param minAuditorTier Lowest tier of an auditor (and above the audited provider's tier where one exists).
    /// @param minBond Floor of the provider bond (token units).
    struct Params {
        uint32 challengeWindow;
        uint32 auditWindow;
        uint32 drawStep;
        uint32 bondBps;
        uint16 challengeBondBps;
        uint16 auditBps;
        uint16 protocolFeeBps;
        uint16 creatorFeeBps;
        uint16 auditFeeBps;
        uint8 minChallengerTier;
        uint8 minAuditorTier;
        uint128 minBond;
    }

    /// @notice One task. `bond` is locked in the vault from `provider`'s stake while the task is Claimed..Challenged;
    ///         `auditorBond` from `auditor`'s stake while the audit is Taken. `auditStart` is when the audit was
    ///         selected (the auditor draw's start).
    struct Task {
        address requester;
        uint96 reward;
        address provider;
        uint40 deadline;
        uint8 minTier;
        Status status;
        bool rated;
        uint64 modelId;
        uint40 createdAt;
        uint48 createdBlock;
        uint40 challengeEnds;
        uint48 commitBlock;
        uint128 bond;
        uint16 auditBps;
        AuditState audit;
        uint40 auditStart;
        uint40 auditDeadline;
        address auditor;
        uint128 auditorBond;
        bytes32 inputCommitment;
        bytes32 resultHash;
        uint256 auditSeed;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Emitted when a task is posted and its reward escrowed.
    /// @param taskId The task.
    /// @param requester Who posted and paid.
    /// @param modelId The model.
    /// @param reward The escrowed reward.
    /// @param deadline Time by which a result must be committed.
    /// @param minTier Lowest provider tier that may claim.
    /// @param inputCommitment Commitment to the input.
    /// @param inputURI Where the input blob is.
    event TaskPosted(
        uint256 indexed taskId,
        address indexed requester,
        uint64 indexed modelId,
        uint96 reward,
        uint40 deadline,
        uint8 minTier,
        bytes32 inputCommitment,
        string inputURI
    );

    /// @notice Emitted when the drawn provider claims a task and its bond is locked.
    /// @param taskId The task.
    /// @param provider The provider (owner).
    /// @param sender The caller (the provider or its operator).
    /// @param bond The bond locked.
    event TaskClaimed(uint256 indexed taskId, address indexed provider, address sender, uint128 bond);

    /// @notice Emitted when the provider commits its result; the challenge window starts.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param resultHash keccak256 of the canonical result (or the task-fault result).
    /// @param resultURI Where the result blob is.
    /// @param challengeEnds Last second of the challenge window.
    event ResultPosted(
        uint256 indexed taskId,
        address indexed provider,
        bytes32 resultHash,
        string resultURI,
        uint40 challengeEnds
    );

    /// @notice Emitted when a challenge opens a dispute.
    /// @param taskId The task.
    /// @param challenger The challenger (the address credited).
    /// @param disputeId The dispute in the dispute manager.
    /// @param challengeBond The challenger's bond (held by the dispute manager).
    /// @param byAuditor Whether the challenger is the task's auditor (a failed audit if it wins).
    event TaskChallenged(
        uint256 indexed taskId,
        address indexed challenger,
        uint256 indexed disputeId,
        uint128 challengeBond,
        bool byAuditor
    );

    /// @notice Emitted when the audit draw of a task is read.
    /// @param taskId The task.
    /// @param selected Whether the task is audited.
    /// @param fallbackUsed Whether the seed block was too old (the task is then always audited).
    /// @param auditDeadline End of the audit (0 when not selected).
    event AuditDrawn(uint256 indexed taskId, bool selected, bool fallbackUsed, uint40 auditDeadline);

    /// @notice Emitted when an auditor takes an audit and its bond is locked.
    /// @param taskId The task.
    /// @param auditor The auditor (owner).
    /// @param bond The auditor bond locked.
    event AuditTaken(uint256 indexed taskId, address indexed auditor, uint128 bond);

    /// @notice Emitted when a challenge overturns a result an auditor had passed: its bond (held since confirmAudit)
    ///         is slashed to the treasury and WrongResult is recorded for it.
    /// @param taskId The task.
    /// @param auditor The auditor (owner) that passed the result.
    /// @param bond The auditor bond slashed.
    event PassedAuditOverturned(uint256 indexed taskId, address indexed auditor, uint128 bond);

    /// @notice Emitted when an audit ends without a dispute.
    /// @param taskId The task.
    /// @param auditor The auditor (zero when nobody took it).
    /// @param state Passed, Missed or Unclaimed.
    event AuditClosed(uint256 indexed taskId, address indexed auditor, AuditState state);

    /// @notice Emitted when a task settles for its provider.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param providerAmount Credited to the provider.
    /// @param creatorAmount Credited to the model creator.
    /// @param treasuryAmount Credited to the treasury.
    /// @param auditFee Credited to the auditor of a passed audit.
    event TaskSettled(
        uint256 indexed taskId,
        address indexed provider,
        uint256 providerAmount,
        uint256 creatorAmount,
        uint256 treasuryAmount,
        uint256 auditFee
    );

    /// @notice Emitted when a task fault (the provider's committed `TASK_FAULT_RESULT`) stands: unchallenged, or
    ///         upheld by a jury. The requester gets the reward back less the protocol fee; the provider earns nothing.
    /// @param taskId The task.
    /// @param provider The provider that reported the fault (its bond is released).
    /// @param refund Credited to the requester: the reward minus the protocol fee.
    /// @param treasuryAmount Credited to the treasury: the protocol fee minus the audit fee.
    /// @param auditFee Credited to the auditor of a passed audit (out of the protocol fee).
    event TaskFaulted(
        uint256 indexed taskId,
        address indexed provider,
        uint256 refund,
        uint256 treasuryAmount,
        uint256 auditFee
    );

    /// @notice Emitted when the requester is refunded (no result in time, the result was overturned, or the dispute
    ///         was void).
    /// @param taskId The task.
    /// @param requester The requester.
    /// @param amount The refund.
    /// @param status The task's final status.
    event TaskRefunded(uint256 indexed taskId, address indexed requester, uint256 amount, Status status);

    /// @notice Emitted when a dispute manager verdict reaches the task.
    /// @param taskId The task.
    /// @param verdict The verdict.
    event DisputeVerdictApplied(uint256 indexed taskId, Verdict verdict);

    /// @notice Emitted when an account pulls its credits.
    /// @param account The account.
    /// @param amount The amount.
    event Withdrawn(address indexed account, uint256 amount);

    /// @notice Emitted when governance replaces the parameters.
    /// @param params The new parameters.
    event ParamsUpdated(Params params);

    /// @notice Emitted once, when governance sets the dispute manager.
    /// @param disputes The dispute manager.
    event DisputeManagerSet(address indexed disputes);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Thrown when a constructor argument is the zero address.
    /// @param parameter Its name.
    error OptimisticZeroAddress(string parameter);
    /// @notice Thrown when a parameter is outside its bounds.
    /// @param field Index of the field in {Params} (0-based).
    /// @param value The value given.
    error OptimisticInvalidParam(uint8 field, uint256 value);
    /// @notice Thrown when the dispute manager was already set.
    error OptimisticDisputeManagerAlreadySet();
    /// @notice Thrown when the caller is not the dispute manager.
    /// @param caller The caller.
    error OptimisticNotDisputeManager(address caller);
    /// @notice Thrown when a task request is malformed.
    /// @param reason What is wrong.
    error OptimisticInvalidRequest(string reason);
    /// @notice Thrown when the model is inactive or unknown.
    /// @param modelId The model.
    error OptimisticModelInactive(uint64 modelId);
    /// @notice Thrown when the task is not in the status the call needs.
    /// @param taskId The task.
    /// @param status Its status.
    error OptimisticWrongStatus(uint256 taskId, Status status);
    /// @notice Thrown when an account is not a registered, active, unsuspended, unbanned provider (or operator).
    /// @param account The account.
    error OptimisticIneligible(address account);
    /// @notice Thrown when a provider's tier is below the one required.
    /// @param provider The provider.
    /// @param tier Its tier.
    /// @param required The tier required.
    error OptimisticTierTooLow(address provider, uint8 tier, uint8 required);
    /// @notice Thrown when a provider's draw turn has not come yet.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param notBefore When it comes (type(uint256).max: never).
    error OptimisticNotYourTurn(uint256 taskId, address provider, uint256 notBefore);
    /// @notice Thrown when the seed block of a draw has not been mined yet.
    /// @param taskId The task.
    /// @param seedBlock The block.
    error OptimisticDrawPending(uint256 taskId, uint256 seedBlock);
    /// @notice Thrown when the caller does not act for the task's provider (or auditor).
    /// @param taskId The task.
    /// @param account The caller.
    error OptimisticNotAssigned(uint256 taskId, address account);
    /// @notice Thrown when a call comes too late.
    /// @param taskId The task.
    /// @param until The last allowed second.
    error OptimisticTooLate(uint256 taskId, uint256 until);
    /// @notice Thrown when a call comes too early.
    /// @param taskId The task.
    /// @param from The first allowed second.
    error OptimisticTooEarly(uint256 taskId, uint256 from);
    /// @notice Thrown when a result hash is zero.
    error OptimisticZeroResult();
    /// @notice Thrown when a party may not challenge its own task (the provider or its operators).
    /// @param taskId The task.
    /// @param account The caller.
    error OptimisticSelfChallenge(uint256 taskId, address account);
    /// @notice Thrown when the audit is not in the state the call needs.
    /// @param taskId The task.
    /// @param state Its state.
    error OptimisticWrongAuditState(uint256 taskId, AuditState state);
    /// @notice Thrown when an account has nothing to withdraw.
    /// @param account The account.
    error OptimisticNothingToWithdraw(address account);

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Posts a task and escrows its reward (pulled from the caller; approve first).
    /// @param modelId An active model.
    /// @param inputCommitment Commitment to the input (non-zero).
    /// @param inputURI Where the input blob is.
    /// @param reward Reward (non-zero).
    /// @param deadline Time by which a result must be committed (at most 30 days ahead).
    /// @param minTier Lowest provider tier (1-3).
    /// @return taskId The new task's id.
    function postTask(
        uint64 modelId,
        bytes32 inputCommitment,
        string calldata inputURI,
        uint96 reward,
        uint40 deadline,
        uint8 minTier
    ) external returns (uint256 taskId);

    /// @notice Claims an Open task for the caller's provider once its draw turn has come; locks the bond.
    /// @param taskId The task.
    function claim(uint256 taskId) external;

    /// @notice Commits the claimed task's result; starts the challenge window.
    /// @param taskId The task.
    /// @param resultHash keccak256 of the canonical result under the model's comparison rule (non-zero).
    /// @param resultURI Where the result blob is.
    function commitResult(uint256 taskId, bytes32 resultHash, string calldata resultURI) external;

    /// @notice Challenges a committed result within its window (or, for the task's auditor, within the audit);
    ///         pulls the challenge bond from the caller into the dispute manager and opens a dispute.
    /// @param taskId The task.
    /// @return disputeId The dispute.
    function challenge(uint256 taskId) external returns (uint256 disputeId);

    /// @notice Reads the audit draw of a committed task (anyone; settle does it too).
    /// @param taskId The task.
    function drawAudit(uint256 taskId) external;

    /// @notice Takes a selected audit for the caller's provider once its draw turn has come; locks the auditor bond.
    /// @param taskId The task.
    function takeAudit(uint256 taskId) external;

    /// @notice The auditor confirms the result (its re-execution matched); the task settles once its window ended.
    ///         The auditor bond stays locked until the task closes: released (with the audit fee) when the result
    ///         stands or a dispute is void, slashed when a challenge overturns the result.
    /// @param taskId The task.
    function confirmAudit(uint256 taskId) external;

    /// @notice Settles a committed task after its window (and audit); refunds an expired Open or Claimed task.
    /// @param taskId The task.
    function settle(uint256 taskId) external;

    /// @notice Applies a dispute verdict. Dispute manager only.
    /// @param taskId The task.
    /// @param verdict The verdict.
    function applyVerdict(uint256 taskId, Verdict verdict) external;

    /// @notice Pulls the caller's credits.
    function withdraw() external;

    /// @notice Replaces the parameters. `DEFAULT_ADMIN_ROLE` (the timelock) only.
    /// @param newParams The parameters.
    function setParams(Params calldata newParams) external;

    /// @notice Sets the dispute manager, once. `DEFAULT_ADMIN_ROLE` only.
    /// @param disputes The dispute manager.
    function setDisputeManager(address disputes) external;

    /// @notice A task.
    /// @param taskId The task.
    /// @return The task.
    function getTask(uint256 taskId) external view returns (Task memory);

    /// @notice The parameters.
    /// @return The parameters.
    function params() external view returns (Params memory);

    /// @notice An account's credits.
    /// @param account The account.
    /// @return The amount.
    function creditOf(address account) external view returns (uint256);

    /// @notice Σ rewards escrowed by tasks not yet settled or refunded.
    /// @return The amount.
    function totalEscrow() external view returns (uint256);

    /// @notice Σ credits not yet withdrawn.
    /// @return The amount.
    function totalCredits() external view returns (uint256);

    /// @notice The bond a provider locks for a reward.
    /// @param reward The reward.
    /// @return The bond.
    function bondFor(uint256 reward) external view returns (uint128);

    /// @notice When `provider` may claim the task (type(uint256).max: not drawn or no stake).
    /// @param taskId The task.
    /// @param provider The provider.
    /// @return The time.
    function claimableAt(uint256 taskId, address provider) external view returns (uint256);

    /// @notice When `auditor` may take the task's audit (type(uint256).max: not selected or no stake).
    /// @param taskId The task.
    /// @param auditor The auditor.
    /// @return The time.
    function auditableAt(uint256 taskId, address auditor) external view returns (uint256);

    /// @notice The dispute manager.
    /// @return Its address.
    function disputeManager() external view returns (address);
}
