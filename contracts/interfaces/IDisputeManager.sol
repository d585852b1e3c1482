// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IOptimisticMarket} from "./IOptimisticMarket.sol";

/// @title IDisputeManager
/// @notice Decides challenged OPTIMISTIC results. A jury is drawn like REDUNDANT slots (stake-weighted exponential race
///         on a seed unknown when the dispute opened, one seat holder per owner, excluding both parties, the requester
///         and their operators, suspended and banned providers); jurors re-execute under the model's execution
///         profile and comparison rule and vote with the result hash they got, by commit-reveal. A strict majority of
///         the jury's draws decides; non-revealers and the losing minority forfeit their juror bonds; the loser's
///         bond pays the winner and the majority jurors, the vault's treasury share goes to the treasury. No majority
///         re-draws a new jury, up to `maxRounds`; then the dispute is void (both bonds back, requester refunded).
/// @dev Holds the vault's `SLASHER_ROLE` (loser and juror forfeits) and `MARKET_ROLE` (juror bonds) and the
///      reputation's `REPORTER_ROLE`, all granted by the timelock. Holds challenger bonds and credits in the vault's
///      token; payments are pulled with {withdraw}.
interface IDisputeManager {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice Governed parameters, checked on both sides by {setParams}.
    /// @param jurySize Draws per jury round (odd, 3..15).
    /// @param jurorMinTier Lowest tier of a juror (1-3).
    /// @param maxRounds Jury rounds before a dispute without a majority is void (1-3).
    /// @param voteWindow Seconds from a round's start during which seats are taken and votes committed.
    /// @param revealWindow Seconds after the vote window during which votes are revealed.
    /// @param drawStep Seconds per unit of draw key at full stake.
    /// @param jurorShareBps Share of the loser's forfeit (after the treasury share) paid to the majority jurors (bps).
    /// @param jurorBond Bond locked per draw a juror takes (token units).
    struct Params {
        uint8 jurySize;
        uint8 jurorMinTier;
        uint8 maxRounds;
        uint32 voteWindow;
        uint32 revealWindow;
        uint32 drawStep;
        uint16 jurorShareBps;
        uint128 jurorBond;
    }

    /// @notice A dispute (the current round's counters included).
    struct Dispute {
        uint256 taskId;
        address provider;
        uint8 round;
        bool open;
        bool byAuditor;
        address challenger;
        address challengerOwner;
        address requester;
        uint128 providerBond;
        uint128 challengeBond;
        bytes32 providerResult;
        uint40 roundStart;
        uint48 seedBlock;
        uint16 drawsTaken;
        uint8 members;
        uint8 commits;
        uint8 reveals;
        uint256 seed;
        uint256 forfeited;
        Params params;
    }

    /// @notice A juror's seat in one round.
    /// @param draws Bit mask of the draws it holds (its votes).
    /// @param commitment Its vote commitment.
    /// @param result Its revealed result hash (0 before).
    struct Seat {
        uint16 draws;
        bytes32 commitment;
        bytes32 result;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Emitted when a challenge opens a dispute.
    /// @param disputeId The dispute.
    /// @param taskId The OPTIMISTIC task.
    /// @param provider The provider whose result is challenged.
    /// @param challenger The challenger.
    /// @param providerResult The challenged result hash.
    /// @param providerBond The provider's bond at stake.
    /// @param challengeBond The challenger's bond at stake.
    /// @param byAuditor Whether the challenger is the task's auditor.
    event DisputeOpened(
        uint256 indexed disputeId,
        uint256 indexed taskId,
        address indexed provider,
        address challenger,
        bytes32 providerResult,
        uint128 providerBond,
        uint128 challengeBond,
        bool byAuditor
    );

    /// @notice Emitted when a jury round starts (or restarts because its seed block became unreadable).
    /// @param disputeId The dispute.
    /// @param round The round (0-based).
    /// @param seedBlock The block whose hash seeds the draw.
    /// @param roundStart Start of the round.
    event JuryRoundStarted(uint256 indexed disputeId, uint8 round, uint48 seedBlock, uint40 roundStart);

    /// @notice Emitted when a juror takes a draw and its bond is locked.
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @param juror The juror (owner).
    /// @param draw The draw index.
    /// @param votes The juror's votes in the round after this draw.
    event SeatTaken(uint256 indexed disputeId, uint8 round, address indexed juror, uint8 draw, uint8 votes);

    /// @notice Emitted when a juror commits its vote.
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @param juror The juror.
    /// @param commitment The commitment.
    event VoteCommitted(uint256 indexed disputeId, uint8 round, address indexed juror, bytes32 commitment);

    /// @notice Emitted when a juror reveals its vote.
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @param juror The juror.
    /// @param result The result hash it got.
    event VoteRevealed(uint256 indexed disputeId, uint8 round, address indexed juror, bytes32 result);

    /// @notice Emitted when a juror forfeits its bond (did not reveal, or voted with the losing minority).
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @param juror The juror.
    /// @param amount The bond slashed.
    /// @param revealed Whether it had revealed (minority) or not (non-revealer).
    event JurorPenalized(uint256 indexed disputeId, uint8 round, address indexed juror, uint256 amount, bool revealed);

    /// @notice Emitted when a round ends without a strict majority and a new jury is drawn.
    /// @param disputeId The dispute.
    /// @param round The round that failed.
    event JuryRoundFailed(uint256 indexed disputeId, uint8 round);

    /// @notice Emitted when a dispute is decided.
    /// @param disputeId The dispute.
    /// @param taskId The task.
    /// @param verdict The verdict.
    /// @param majorityResult The result hash the jury's majority revealed (0 when void).
    /// @param toWinner Credited to the winner on top of its own bond back.
    /// @param toJurors Credited to the majority jurors in total.
    /// @param toTreasury Credited to the treasury by this contract (the vault's slash share comes on top).
    event DisputeResolved(
        uint256 indexed disputeId,
        uint256 indexed taskId,
        IOptimisticMarket.Verdict verdict,
        bytes32 majorityResult,
        uint256 toWinner,
        uint256 toJurors,
        uint256 toTreasury
    );

    /// @notice Emitted when an account is credited.
    /// @param disputeId The dispute.
    /// @param account The account.
    /// @param amount The amount.
    event Credited(uint256 indexed disputeId, address indexed account, uint256 amount);

    /// @notice Emitted when an account pulls its credits.
    /// @param account The account.
    /// @param amount The amount.
    event Withdrawn(address indexed account, uint256 amount);

    /// @notice Emitted when governance replaces the parameters.
    /// @param params The new parameters.
    event ParamsUpdated(Params params);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Thrown when a constructor argument is the zero address.
    /// @param parameter Its name.
    error DisputeZeroAddress(string parameter);
    /// @notice Thrown when a parameter is outside its bounds.
    /// @param field Index of the field in {Params} (0-based).
    /// @param value The value given.
    error DisputeInvalidParam(uint8 field, uint256 value);
    /// @notice Thrown when the caller is not the optimistic market.
    /// @param caller The caller.
    error DisputeNotMarket(address caller);
    /// @notice Thrown when the dispute is unknown or already decided.
    /// @param disputeId The dispute.
    error DisputeNotOpen(uint256 disputeId);
    /// @notice Thrown when an account may not sit on this jury (not an eligible provider, a party, or low tier).
    /// @param disputeId The dispute.
    /// @param account The account.
    error DisputeJurorIneligible(uint256 disputeId, address account);
    /// @notice Thrown when the juror's turn has not come (or no draw is free).
    /// @param disputeId The dispute.
    /// @param juror The juror.
    /// @param notBefore When it comes (type(uint256).max: never).
    error DisputeNotYourTurn(uint256 disputeId, address juror, uint256 notBefore);
    /// @notice Thrown when the seed block has not been mined yet.
    /// @param disputeId The dispute.
    /// @param seedBlock The block.
    error DisputeDrawPending(uint256 disputeId, uint256 seedBlock);
    /// @notice Thrown when the caller holds no seat in the current round.
    /// @param disputeId The dispute.
    /// @param account The caller.
    error DisputeNotJuror(uint256 disputeId, address account);
    /// @notice Thrown when a call comes too late.
    /// @param disputeId The dispute.
    /// @param until The last allowed second.
    error DisputeTooLate(uint256 disputeId, uint256 until);
    /// @notice Thrown when a call comes too early.
    /// @param disputeId The dispute.
    /// @param from The first allowed second.
    error DisputeTooEarly(uint256 disputeId, uint256 from);
    /// @notice Thrown when a juror commits twice, or commits zero.
    /// @param disputeId The dispute.
    /// @param juror The juror.
    error DisputeBadCommit(uint256 disputeId, address juror);
    /// @notice Thrown when a reveal does not match the commitment, repeats, or reveals zero.
    /// @param disputeId The dispute.
    /// @param juror The juror.
    error DisputeBadReveal(uint256 disputeId, address juror);
    /// @notice Thrown when an account has nothing to withdraw.
    /// @param account The account.
    error DisputeNothingToWithdraw(address account);

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Opens a dispute; the challenge bond has already been transferred here. Market only.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param challenger The challenger (credited).
    /// @param challengerOwner The provider the challenger acts for (0 for a requester that is no provider).
    /// @param requester The task's requester (excluded from the jury).
    /// @param providerResult The challenged result hash.
    /// @param providerBond The provider's bond (locked by the market).
    /// @param challengeBond The challenger's bond.
    /// @param byAuditor Whether the challenger is the task's auditor.
    /// @return disputeId The dispute.
    function open(
        uint256 taskId,
        address provider,
        address challenger,
        address challengerOwner,
        address requester,
        bytes32 providerResult,
        uint128 providerBond,
        uint128 challengeBond,
        bool byAuditor
    ) external returns (uint256 disputeId);

    /// @notice Takes the caller's provider's best free draw whose turn has come; locks one juror bond per draw. If
    ///         the round's seed block became unreadable before any seat was taken, restarts the round instead.
    /// @param disputeId The dispute.
    function takeSeat(uint256 disputeId) external;

    /// @notice Commits the caller's juror's vote.
    /// @param disputeId The dispute.
    /// @param commitment {voteCommitment} of the result hash and a secret salt.
    function commitVote(uint256 disputeId, bytes32 commitment) external;

    /// @notice Reveals the caller's juror's vote (after the vote window, or once every draw is taken and committed).
    /// @param disputeId The dispute.
    /// @param result The result hash the juror got.
    /// @param salt The salt.
    function revealVote(uint256 disputeId, bytes32 result, bytes32 salt) external;

    /// @notice Tallies the round after the reveal window (or once every draw is revealed): decides, or re-draws.
    /// @param disputeId The dispute.
    function resolve(uint256 disputeId) external;

    /// @notice Pulls the caller's credits.
    function withdraw() external;

    /// @notice Replaces the parameters (open disputes keep theirs). `DEFAULT_ADMIN_ROLE` only.
    /// @param newParams The parameters.
    function setParams(Params calldata newParams) external;

    /// @notice A dispute.
    /// @param disputeId The dispute.
    /// @return The dispute.
    function getDispute(uint256 disputeId) external view returns (Dispute memory);

    /// @notice A juror's seat in a round.
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @param juror The juror.
    /// @return The seat.
    function seatOf(uint256 disputeId, uint8 round, address juror) external view returns (Seat memory);

    /// @notice When `juror` may take a draw of the current round (type(uint256).max: never).
    /// @param disputeId The dispute.
    /// @param juror The juror.
    /// @return The time.
    function seatableAt(uint256 disputeId, address juror) external view returns (uint256);

    /// @notice The vote commitment; binding chain, contract, dispute, round and juror stops copying and replay.
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @param juror The juror.
    /// @param result The result hash.
    /// @param salt The salt.
    /// @return The commitment.
    function voteCommitment(
        uint256 disputeId,
        uint8 round,
        address juror,
        bytes32 result,
        bytes32 salt
    ) external view returns (bytes32);

    /// @notice The parameters new disputes get.
    /// @return The parameters.
    function params() external view returns (Params memory);

    /// @notice An account's credits.
    /// @param account The account.
    /// @return The amount.
    function creditOf(address account) external view returns (uint256);

    /// @notice Σ challenger bonds and juror forfeits (kept across rounds) of open disputes.
    /// @return The amount.
    function totalHeld() external view returns (uint256);

    /// @notice Σ credits not yet withdrawn.
    /// @return The amount.
    function totalCredits() external view returns (uint256);
}
