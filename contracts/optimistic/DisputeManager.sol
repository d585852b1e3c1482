// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IDisputeManager} from "../interfaces/IDisputeManager.sol";
import {IOptimisticMarket} from "../interfaces/IOptimisticMarket.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {IReputation} from "../interfaces/IReputation.sol";
import {IStakingVault} from "../interfaces/IStakingVault.sol";
import {AssignLib} from "../libraries/AssignLib.sol";
import {DrawLib} from "../libraries/DrawLib.sol";
import {TallyLib} from "../libraries/TallyLib.sol";

/// @title DisputeManager
/// @notice Jury disputes over OPTIMISTIC results (see {IDisputeManager} and docs/PROTOCOL.md, "Disputes").
/// @dev Balance invariant (OPT-02): token balance == `totalHeld` + `totalCredits`. Slashes go through the vault's
///      `slash` with this contract as the harmed party; what the vault pays out (its treasury share taken) is
///      measured as a balance difference, so the split never assumes the vault's arithmetic. The vault, the
///      reputation contract and the market are protocol contracts; every entry point is non-reentrant.
contract DisputeManager is IDisputeManager, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using DrawLib for uint16;

    /// @notice Basis-point denominator.
    uint256 public constant BPS = 10_000;
    /// @notice Largest jury.
    uint8 public constant MAX_JURY_SIZE = 15;
    /// @notice Most jury rounds.
    uint8 public constant MAX_ROUNDS = 3;
    /// @notice Bounds of the vote and reveal windows.
    uint32 public constant MIN_WINDOW = 10 minutes;
    /// @notice See {MIN_WINDOW}.
    uint32 public constant MAX_WINDOW = 3 days;
    /// @notice Longest draw step.
    uint32 public constant MAX_DRAW_STEP = 1 hours;
    /// @notice Largest juror share of a forfeit.
    uint16 public constant MAX_JUROR_SHARE_BPS = 5_000;
    /// @notice Bounds of the juror bond (token units, 18 decimals).
    uint128 public constant MIN_JUROR_BOND = 1e15;
    /// @notice See {MIN_JUROR_BOND}.
    uint128 public constant MAX_JUROR_BOND = 1e24;
    /// @notice The reserved result by which a juror reports that the task cannot be executed (as REDUNDANT).
    bytes32 public constant TASK_FAULT_RESULT = keccak256("eai.task-fault.v1");

    IERC20 private immutable _token;
    IStakingVault private immutable _vault;
    IProviderRegistry private immutable _providers;
    IReputation private immutable _reputation;
    IOptimisticMarket private immutable _market;

    Params private _params;
    uint256 private _disputeCount;
    uint256 private _totalHeld;
    uint256 private _totalCredits;
    mapping(uint256 disputeId => Dispute) private _disputes;
    mapping(uint256 disputeId => mapping(uint8 round => mapping(address juror => Seat))) private _seats;
    mapping(uint256 disputeId => mapping(uint8 round => address[])) private _jurors;
    mapping(address account => uint256) private _credits;

    /// @dev What a round's tally decided, kept in memory while it is applied.
    struct Tally {
        bool majority;
        bytes32 winner;
        uint256 winnerVotes;
    }

    /// @param admin `DEFAULT_ADMIN_ROLE` holder (the timelock).
    /// @param market The optimistic market.
    /// @param vault The staking vault (its token is the bond token).
    /// @param providers The provider registry.
    /// @param reputation The reputation contract.
    /// @param initialParams The first parameters (checked like {setParams}).
    constructor(
        address admin,
        IOptimisticMarket market,
        IStakingVault vault,
        IProviderRegistry providers,
        IReputation reputation,
        Params memory initialParams
    ) {
        if (admin == address(0)) revert DisputeZeroAddress("admin");
        if (address(market) == address(0)) revert DisputeZeroAddress("market");
        if (address(vault) == address(0)) revert DisputeZeroAddress("vault");
        if (address(providers) == address(0)) revert DisputeZeroAddress("providers");
        if (address(reputation) == address(0)) revert DisputeZeroAddress("reputation");
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _market = market;
        _vault = vault;
        _token = vault.stakeToken();
        _providers = providers;
        _reputation = reputation;
        _setParams(initialParams);
    }

    /*//////////////////////////////////////////////////////////////
                                OPENING
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDisputeManager
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
    ) external nonReentrant returns (uint256 disputeId) {
        if (msg.sender != address(_market)) revert DisputeNotMarket(msg.sender);
        disputeId = ++_disputeCount;
        Dispute storage d = _disputes[disputeId];
        d.taskId = taskId;
        d.provider = provider;
        d.open = true;
        d.byAuditor = byAuditor;
        d.challenger = challenger;
        d.challengerOwner = challengerOwner;
        d.requester = requester;
        d.providerBond = providerBond;
        d.challengeBond = challengeBond;
        d.providerResult = providerResult;
        d.params = _params;
        _totalHeld += challengeBond;
        emit DisputeOpened(
            disputeId,
            taskId,
            provider,
            challenger,
            providerResult,
            providerBond,
            challengeBond,
            byAuditor
        );
        _startRound(disputeId, d);
    }

    /*//////////////////////////////////////////////////////////////
                                 JURY
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDisputeManager
    function takeSeat(uint256 disputeId) external nonReentrant {
        Dispute storage d = _openDispute(disputeId);
        uint256 voteEnd = uint256(d.roundStart) + d.params.voteWindow;
        if (block.timestamp > voteEnd) revert DisputeTooLate(disputeId, voteEnd);
        if (d.seed == 0) {
            uint256 seedBlock = d.seedBlock;
            if (block.number <= seedBlock) revert DisputeDrawPending(disputeId, seedBlock);
            bytes32 h = blockhash(seedBlock);
            if (h == 0) {
                // Nobody sat within 256 blocks: nothing was drawn, so start the round again on a new seed.
                _startRound(disputeId, d);
                return;
            }
            d.seed = uint256(keccak256(abi.encode(h, disputeId, d.round)));
        }
        address juror = _eligibleJuror(disputeId, d, msg.sender);
        (uint8 draw, uint256 notBefore) = _bestTurn(d, juror);
        if (block.timestamp < notBefore) revert DisputeNotYourTurn(disputeId, juror, notBefore);

        uint8 round = d.round;
        Seat storage s = _seats[disputeId][round][juror];
        if (s.draws == 0) {
            // unchecked: members <= jurySize <= 15.
            unchecked {
                ++d.members;
            }
            _jurors[disputeId][round].push(juror);
        }
        uint16 bit = uint16(1) << draw;
        d.drawsTaken |= bit;
        uint16 draws = s.draws | bit;
        s.draws = draws;
        emit SeatTaken(disputeId, round, juror, draw, draws.popcount());
        _vault.lockBond(juror, d.params.jurorBond);
    }

    /// @inheritdoc IDisputeManager
    function commitVote(uint256 disputeId, bytes32 commitment) external nonReentrant {
        Dispute storage d = _openDispute(disputeId);
        uint256 voteEnd = uint256(d.roundStart) + d.params.voteWindow;
        if (block.timestamp > voteEnd) revert DisputeTooLate(disputeId, voteEnd);
        uint8 round = d.round;
        address juror = _seatHolder(disputeId, round, msg.sender);
        Seat storage s = _seats[disputeId][round][juror];
        if (commitment == 0 || s.commitment != 0) revert DisputeBadCommit(disputeId, juror);
        s.commitment = commitment;
        // unchecked: commits <= members <= 15.
        unchecked {
            ++d.commits;
        }
        emit VoteCommitted(disputeId, round, juror, commitment);
    }

    /// @inheritdoc IDisputeManager
    function revealVote(uint256 disputeId, bytes32 result, bytes32 salt) external nonReentrant {
        Dispute storage d = _openDispute(disputeId);
        uint256 voteEnd = uint256(d.roundStart) + d.params.voteWindow;
        if (block.timestamp <= voteEnd && !_allCommitted(d)) revert DisputeTooEarly(disputeId, voteEnd + 1);
        uint256 revealEnd = voteEnd + d.params.revealWindow;
        if (block.timestamp > revealEnd) revert DisputeTooLate(disputeId, revealEnd);
        uint8 round = d.round;
        address juror = _seatHolder(disputeId, round, msg.sender);
        Seat storage s = _seats[disputeId][round][juror];
        if (
            result == 0 ||
            s.commitment == 0 ||
            s.result != 0 ||
            _voteCommitment(disputeId, round, juror, result, salt) != s.commitment
        ) revert DisputeBadReveal(disputeId, juror);
        s.result = result;
        // unchecked: reveals <= commits <= 15.
        unchecked {
            ++d.reveals;
        }
        emit VoteRevealed(disputeId, round, juror, result);
    }

    /// @inheritdoc IDisputeManager
    function resolve(uint256 disputeId) external nonReentrant {
        Dispute storage d = _openDispute(disputeId);
        uint256 revealEnd = uint256(d.roundStart) + d.params.voteWindow + d.params.revealWindow;
        bool allRevealed = _allCommitted(d) && d.reveals == d.members;
        if (!allRevealed && block.timestamp <= revealEnd) revert DisputeTooEarly(disputeId, revealEnd + 1);

        uint8 round = d.round;
        address[] memory jurors = _jurors[disputeId][round];
        uint256 n = jurors.length;
        bytes32[] memory results = new bytes32[](n);
        uint256[] memory votes = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            Seat storage s = _seats[disputeId][round][jurors[i]];
            results[i] = s.result;
            votes[i] = s.draws.popcount();
        }
        Tally memory tally;
        {
            (TallyLib.Verdict v, bytes32 winner, uint256 winnerVotes) = TallyLib.tally(
                results,
                votes,
                d.params.jurySize,
                TASK_FAULT_RESULT
            );
            tally = Tally({majority: v != TallyLib.Verdict.NoMajority, winner: winner, winnerVotes: winnerVotes});
        }

        // Non-revealers always forfeit; with a majority, so does the minority. The rest get their bonds back.
        _settleJurors(disputeId, d, round, jurors, results, votes, tally);

        if (!tally.majority && round + 1 < d.params.maxRounds) {
            emit JuryRoundFailed(disputeId, round);
            d.round = round + 1;
            _startRound(disputeId, d);
            return;
        }
        _decide(disputeId, d, jurors, results, votes, tally);
    }

    /// @inheritdoc IDisputeManager
    function withdraw() external nonReentrant {
        uint256 amount = _credits[msg.sender];
        if (amount == 0) revert DisputeNothingToWithdraw(msg.sender);
        _credits[msg.sender] = 0;
        _totalCredits -= amount;
        emit Withdrawn(msg.sender, amount);
        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IDisputeManager
    function setParams(Params calldata newParams) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setParams(newParams);
    }

    /*//////////////////////////////////////////////////////////////
                                VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDisputeManager
    function getDispute(uint256 disputeId) external view returns (Dispute memory) {
        return _disputes[disputeId];
    }

    /// @inheritdoc IDisputeManager
    function seatOf(uint256 disputeId, uint8 round, address juror) external view returns (Seat memory) {
        return _seats[disputeId][round][juror];
    }

    /// @inheritdoc IDisputeManager
    function seatableAt(uint256 disputeId, address juror) external view returns (uint256 notBefore) {
        Dispute storage d = _disputes[disputeId];
        if (!d.open) return type(uint256).max;
        Dispute memory m = d;
        if (m.seed == 0) {
            bytes32 h = block.number > m.seedBlock ? blockhash(m.seedBlock) : bytes32(0);
            if (h == 0) return type(uint256).max;
            m.seed = uint256(keccak256(abi.encode(h, disputeId, m.round)));
        }
        (, notBefore) = _bestTurnMem(m, juror);
    }

    /// @inheritdoc IDisputeManager
    function voteCommitment(
        uint256 disputeId,
        uint8 round,
        address juror,
        bytes32 result,
        bytes32 salt
    ) external view returns (bytes32) {
        return _voteCommitment(disputeId, round, juror, result, salt);
    }

    /// @inheritdoc IDisputeManager
    function params() external view returns (Params memory) {
        return _params;
    }

    /// @inheritdoc IDisputeManager
    function creditOf(address account) external view returns (uint256) {
        return _credits[account];
    }

    /// @inheritdoc IDisputeManager
    function totalHeld() external view returns (uint256) {
        return _totalHeld;
    }

    /// @inheritdoc IDisputeManager
    function totalCredits() external view returns (uint256) {
        return _totalCredits;
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _openDispute(uint256 disputeId) private view returns (Dispute storage d) {
        d = _disputes[disputeId];
        if (!d.open) revert DisputeNotOpen(disputeId);
    }

    /// @dev A round's seed is the hash of the block after it started: unknown to both parties when they acted.
    function _startRound(uint256 disputeId, Dispute storage d) private {
        uint48 seedBlock = uint48(block.number + 1);
        uint40 start = uint40(block.timestamp);
        d.seedBlock = seedBlock;
        d.roundStart = start;
        d.seed = 0;
        d.drawsTaken = 0;
        d.members = 0;
        d.commits = 0;
        d.reveals = 0;
        emit JuryRoundStarted(disputeId, d.round, seedBlock, start);
    }

    function _allCommitted(Dispute storage d) private view returns (bool) {
        return d.drawsTaken == (uint16(1) << d.params.jurySize) - 1 && d.commits == d.members;
    }

    /// @dev The provider `account` acts for, if it may sit on this jury: eligible (active, neither suspended nor
    ///      banned), of the juror tier, and none of the parties (provider, challenger, requester, their owners).
    function _eligibleJuror(uint256 disputeId, Dispute storage d, address account) private view returns (address) {
        (address juror, uint8 tier, bool ok) = AssignLib.standing(_providers, _reputation, account);
        if (
            !ok ||
            tier < d.params.jurorMinTier ||
            juror == d.provider ||
            juror == d.challenger ||
            juror == d.challengerOwner ||
            juror == d.requester ||
            juror == _providers.resolveProvider(d.requester)
        ) revert DisputeJurorIneligible(disputeId, account);
        return juror;
    }

    function _bestTurn(Dispute storage d, address juror) private view returns (uint8 draw, uint256 notBefore) {
        Dispute memory m = d;
        return _bestTurnMem(m, juror);
    }

    /// @dev The free draw whose turn comes first for `juror` (weight capped by its stake in the round's opening
    ///      block, mined before the seed block), and when.
    function _bestTurnMem(Dispute memory m, address juror) private view returns (uint8 draw, uint256 notBefore) {
        notBefore = type(uint256).max;
        uint256 w = AssignLib.weight(_vault, juror, uint256(m.seedBlock) - 1);
        if (w == 0) return (0, notBefore);
        uint256 total = _vault.totalStake();
        for (uint8 j; j < m.params.jurySize; ++j) {
            if (m.drawsTaken & (uint16(1) << j) != 0) continue;
            uint256 at = AssignLib.turn(m.seed, j, juror, w, total, m.params.drawStep, m.roundStart);
            if (at < notBefore) {
                notBefore = at;
                draw = j;
            }
        }
    }

    function _seatHolder(uint256 disputeId, uint8 round, address account) private view returns (address juror) {
        if (_seats[disputeId][round][account].draws != 0) return account;
        juror = _providers.resolveProvider(account);
        if (juror == address(0) || _seats[disputeId][round][juror].draws == 0) {
            revert DisputeNotJuror(disputeId, account);
        }
    }

    function _voteCommitment(
        uint256 disputeId,
        uint8 round,
        address juror,
        bytes32 result,
        bytes32 salt
    ) private view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), disputeId, round, juror, result, salt));
    }

    /// @dev Releases the bonds of jurors who revealed (with the majority, or in a round without one) and slashes
    ///      the others' into this contract (`forfeited`), recording NoReveal or WrongResult.
    function _settleJurors(
        uint256 disputeId,
        Dispute storage d,
        uint8 round,
        address[] memory jurors,
        bytes32[] memory results,
        uint256[] memory votes,
        Tally memory tally
    ) private {
        uint256 bondPerVote = d.params.jurorBond;
        for (uint256 i; i < jurors.length; ++i) {
            uint256 bond = bondPerVote * votes[i];
            bool revealed = results[i] != 0;
            if (revealed && (!tally.majority || results[i] == tally.winner)) {
                _vault.releaseBond(jurors[i], bond);
                continue;
            }
            emit JurorPenalized(disputeId, round, jurors[i], bond, revealed);
            uint256 got = _forfeit(jurors[i], bond);
            d.forfeited += got;
            _totalHeld += got;
            _reputation.record(jurors[i], revealed ? IReputation.Outcome.WrongResult : IReputation.Outcome.NoReveal);
        }
    }

    /// @dev Final decision: tells the market, moves the loser's bond, pays the majority jurors.
    function _decide(
        uint256 disputeId,
        Dispute storage d,
        address[] memory jurors,
        bytes32[] memory results,
        uint256[] memory votes,
        Tally memory tally
    ) private {
        d.open = false;
        uint256 challengeBond = d.challengeBond;
        // The challenge bond and the juror forfeits of every round leave the held balance: they are credited below.
        _totalHeld -= challengeBond + d.forfeited;
        IOptimisticMarket.Verdict verdict;
        uint256 toWinner;
        uint256 toTreasury;
        uint256 pool = d.forfeited;
        if (!tally.majority) {
            // Void: nobody proved anything. Both bonds go back, the requester is refunded, forfeits go to the
            // treasury (no majority to pay).
            verdict = IOptimisticMarket.Verdict.Void;
            _credit(disputeId, d.challenger, challengeBond);
            _market.applyVerdict(d.taskId, verdict);
        } else if (tally.winner == d.providerResult) {
            verdict = IOptimisticMarket.Verdict.ProviderWins;
            // The challenger's bond is forfeit: the vault's treasury share to the treasury, the juror share of the
            // rest to the majority, the remainder to the provider.
            uint256 cut = (challengeBond * _vault.slashTreasuryBps()) / BPS;
            uint256 rest = challengeBond - cut;
            uint256 jurorCut = (rest * d.params.jurorShareBps) / BPS;
            toTreasury = cut;
            toWinner = rest - jurorCut;
            pool += jurorCut;
            _credit(disputeId, _vault.treasury(), cut);
            _credit(disputeId, d.provider, toWinner);
            _market.applyVerdict(d.taskId, verdict);
        } else {
            verdict = IOptimisticMarket.Verdict.ChallengerWins;
            // The market releases the provider's bond, then it is slashed here (the vault takes its treasury share).
            _market.applyVerdict(d.taskId, verdict);
            uint256 got = _forfeit(d.provider, d.providerBond);
            uint256 jurorCut = (got * d.params.jurorShareBps) / BPS;
            toWinner = got - jurorCut;
            pool += jurorCut;
            _credit(disputeId, d.challenger, challengeBond + toWinner);
        }
        uint256 paid = _payJurors(disputeId, jurors, results, votes, tally, pool);
        toTreasury += pool - paid;
        emit DisputeResolved(
            disputeId,
            d.taskId,
            verdict,
            tally.majority ? tally.winner : bytes32(0),
            toWinner,
            paid,
            toTreasury
        );
    }

    /// @dev Splits `pool` among the majority by votes (rounded down per vote); the dust, or the whole pool when
    ///      there is no majority, goes to the treasury. Returns what the jurors got.
    function _payJurors(
        uint256 disputeId,
        address[] memory jurors,
        bytes32[] memory results,
        uint256[] memory votes,
        Tally memory tally,
        uint256 pool
    ) private returns (uint256 paid) {
        if (tally.majority && tally.winnerVotes != 0) {
            uint256 perVote = pool / tally.winnerVotes;
            for (uint256 i; i < jurors.length; ++i) {
                if (results[i] != tally.winner) continue;
                uint256 amount = perVote * votes[i];
                paid += amount;
                _credit(disputeId, jurors[i], amount);
            }
        }
        _credit(disputeId, _vault.treasury(), pool - paid);
    }

    /// @dev Releases `amount` of `account`'s locked bond and slashes it (now free) into this contract; returns what
    ///      arrived (the vault keeps its treasury share).
    function _forfeit(address account, uint256 amount) private returns (uint256 got) {
        if (amount == 0) return 0;
        uint256 before = _token.balanceOf(address(this));
        _vault.releaseBond(account, amount);
        _vault.slash(account, amount, address(this));
        if (_vault.creditOf(address(this)) != 0) _vault.claimCredit();
        got = _token.balanceOf(address(this)) - before;
    }

    function _credit(uint256 disputeId, address account, uint256 amount) private {
        if (amount == 0) return;
        _credits[account] += amount;
        _totalCredits += amount;
        emit Credited(disputeId, account, amount);
    }

    function _setParams(Params memory p) private {
        if (p.jurySize < 3 || p.jurySize > MAX_JURY_SIZE || p.jurySize % 2 == 0) {
            revert DisputeInvalidParam(0, p.jurySize);
        }
        if (p.jurorMinTier == 0 || p.jurorMinTier > 3) revert DisputeInvalidParam(1, p.jurorMinTier);
        if (p.maxRounds == 0 || p.maxRounds > MAX_ROUNDS) revert DisputeInvalidParam(2, p.maxRounds);
        if (p.voteWindow < MIN_WINDOW || p.voteWindow > MAX_WINDOW) revert DisputeInvalidParam(3, p.voteWindow);
        if (p.revealWindow < MIN_WINDOW || p.revealWindow > MAX_WINDOW) revert DisputeInvalidParam(4, p.revealWindow);
        if (p.drawStep == 0 || p.drawStep > MAX_DRAW_STEP) revert DisputeInvalidParam(5, p.drawStep);
        if (p.jurorShareBps > MAX_JUROR_SHARE_BPS) revert DisputeInvalidParam(6, p.jurorShareBps);
        if (p.jurorBond < MIN_JUROR_BOND || p.jurorBond > MAX_JUROR_BOND) revert DisputeInvalidParam(7, p.jurorBond);
        _params = p;
        emit ParamsUpdated(p);
    }
}
