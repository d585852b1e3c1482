// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {OptimisticMarket} from "../../../../contracts/optimistic/OptimisticMarket.sol";
import {DisputeManager} from "../../../../contracts/optimistic/DisputeManager.sol";
import {IOptimisticMarket} from "../../../../contracts/interfaces/IOptimisticMarket.sol";
import {IDisputeManager} from "../../../../contracts/interfaces/IDisputeManager.sol";
import {IStakingVault} from "../../../../contracts/interfaces/IStakingVault.sol";

/// @notice Drives OptimisticMarket and DisputeManager through random posts, claims with honest and wrong results,
///         challenges by the requester and by a tier-2 watcher, audits (taken and confirmed, challenged by the auditor,
///         or missed), whole jury rounds (a lying juror minority, silent jurors), settlements, expiries and
///         withdrawals. Every revert is checked against the reasons the state allows: nothing is swallowed.
/// @dev The truth of every committed result is kept here (ghostWrong), not read from the contracts, so a verdict can
///      be checked against it. `honest` (p1) only ever commits the right result at once; its stake must never fall.
contract OptimisticHandler is Test {
    bytes32 internal constant RIGHT = keccak256("right result");
    bytes32 internal constant WRONG = keccak256("wrong result");
    bytes32 internal constant TASK_FAULT = keccak256("eai.task-fault.v1");
    bytes32 internal constant INPUT_C = keccak256("input");
    uint256 internal constant REWARD_MIN = 1 ether;
    uint256 internal constant REWARD_MAX = 40 ether;

    struct Setup {
        OptimisticMarket opt;
        DisputeManager dm;
        IStakingVault vault;
        IERC20 token;
        uint64 modelId;
        address requester;
        address honest;
        address cheater;
        address watcher;
        address auditor;
        address[] jurors;
        address[] others;
    }

    OptimisticMarket internal immutable _opt;
    DisputeManager internal immutable _dm;
    IStakingVault internal immutable _vault;
    IERC20 internal immutable _token;
    uint64 internal immutable _modelId;
    address internal immutable _requester;
    address internal immutable _honest;
    address internal immutable _cheater;
    address internal immutable _watcher;
    address internal immutable _auditor;
    address[] internal _jurors;
    address[] internal _others;

    uint256[] public taskIds;
    uint256[] public disputeIds;
    /// @notice Whether the committed result of a task is wrong (kept here, independently of the contracts).
    mapping(uint256 taskId => bool) public ghostWrong;
    /// @notice Verdicts that went against the handler's truth while the jury's truthful side held the majority.
    uint256 public ghostWrongVerdicts;
    /// @notice Liars (jurors who revealed against the truth) that kept their whole stake after a decided round.
    uint256 public ghostUnpunishedLiars;
    mapping(bytes32 action => uint256) public successes;
    mapping(bytes32 action => uint256) public reverts;

    constructor(Setup memory s) {
        _opt = s.opt;
        _dm = s.dm;
        _vault = s.vault;
        _token = s.token;
        _modelId = s.modelId;
        _requester = s.requester;
        _honest = s.honest;
        _cheater = s.cheater;
        _watcher = s.watcher;
        _auditor = s.auditor;
        _jurors = s.jurors;
        _others = s.others;
    }

    // ── actions ──────────────────────────────────────────────────────────────────────────────────────────────

    /// @notice The requester posts a task (reward 1–40 EAI, deadline 1–24 h).
    function post(uint256 rewardSeed, uint256 deadlineSeed) external {
        uint96 reward = uint96(bound(rewardSeed, REWARD_MIN, REWARD_MAX));
        uint40 deadline = uint40(block.timestamp + bound(deadlineSeed, 1 hours, 1 days));
        vm.prank(_requester);
        uint256 id = _opt.postTask(_modelId, INPUT_C, "eai://blob/in", reward, deadline, 1);
        taskIds.push(id);
        ++successes["post"];
    }

    /// @notice The honest provider or the cheater claims an open task at its turn and commits at once; the cheater
    ///         commits a wrong result or a false task fault when `lie` (every input here is valid).
    function claimAndCommit(uint256 taskSeed, bool byCheater, bool lie) external {
        (uint256 id, bool any) = _pickIn(taskSeed, IOptimisticMarket.Status.Open);
        if (!any) return;
        address who = byCheater ? _cheater : _honest;
        IOptimisticMarket.Task memory t = _opt.getTask(id);
        if (block.number <= uint256(t.createdBlock) + 1) vm.roll(uint256(t.createdBlock) + 2);
        uint256 at = _opt.claimableAt(id, who);
        if (at != type(uint256).max && block.timestamp < at) vm.warp(at);
        vm.prank(who);
        try _opt.claim(id) {
            ++successes["claim"];
        } catch (bytes memory err) {
            ++reverts["claim"];
            bytes4 sel = bytes4(err);
            bool allowed =
                (sel == IOptimisticMarket.OptimisticWrongStatus.selector &&
                    t.status != IOptimisticMarket.Status.Open) ||
                    (sel == IOptimisticMarket.OptimisticTooLate.selector && block.timestamp > t.deadline) ||
                    sel == IStakingVault.StakingVaultInsufficientFreeStake.selector ||
                    (who == _cheater &&
                        (sel == IOptimisticMarket.OptimisticIneligible.selector ||
                            sel == IOptimisticMarket.OptimisticTierTooLow.selector)) ||
                    (sel == IOptimisticMarket.OptimisticNotYourTurn.selector && at == type(uint256).max);
            _expect(allowed, err);
            return;
        }
        bool wrong = byCheater && lie;
        // a lie is a wrong output, or (one in three) a false task fault
        bytes32 result =
            !wrong
                ? RIGHT
                : (taskSeed >> 128) % 3 == 0
                    ? TASK_FAULT
                    : WRONG;
        vm.prank(who);
        _opt.commitResult(id, result, "eai://blob/out");
        ghostWrong[id] = wrong;
        ++successes["commit"];
    }

    /// @notice The cheater claims and never commits: the task can only expire (slash for a missed deadline).
    function claimAndVanish(uint256 taskSeed) external {
        (uint256 id, bool any) = _pickIn(taskSeed, IOptimisticMarket.Status.Open);
        if (!any) return;
        IOptimisticMarket.Task memory t = _opt.getTask(id);
        if (t.status != IOptimisticMarket.Status.Open || block.timestamp > t.deadline) return;
        if (block.number <= uint256(t.createdBlock) + 1) vm.roll(uint256(t.createdBlock) + 2);
        uint256 at = _opt.claimableAt(id, _cheater);
        if (at == type(uint256).max || at > t.deadline) return;
        if (block.timestamp < at) vm.warp(at);
        vm.prank(_cheater);
        try _opt.claim(id) {
            ++successes["vanish"];
        } catch (bytes memory err) {
            ++reverts["vanish"];
            _expect(_standingRevert(bytes4(err)), err);
        }
    }

    /// @notice The requester or the tier-2 watcher challenges a committed task (a challenge of a right result is
    ///         frivolous and must lose).
    function challenge(uint256 taskSeed, bool byRequester) external {
        (uint256 id, bool any) = _pickIn(taskSeed, IOptimisticMarket.Status.Committed);
        if (!any) return;
        address who = byRequester ? _requester : _watcher;
        IOptimisticMarket.Task memory t = _opt.getTask(id);
        vm.prank(who);
        try _opt.challenge(id) returns (uint256 disputeId) {
            disputeIds.push(disputeId);
            ++successes["challenge"];
        } catch (bytes memory err) {
            ++reverts["challenge"];
            bytes4 sel = bytes4(err);
            bool allowed =
                (sel == IOptimisticMarket.OptimisticWrongStatus.selector &&
                    t.status != IOptimisticMarket.Status.Committed) ||
                    (sel == IOptimisticMarket.OptimisticTooLate.selector && block.timestamp > t.challengeEnds) ||
                    (!byRequester &&
                        (sel == IOptimisticMarket.OptimisticIneligible.selector ||
                            sel == IOptimisticMarket.OptimisticTierTooLow.selector));
            _expect(allowed, err);
        }
    }

    /// @notice Draws the audit of a committed task; when selected, the auditor takes it and then confirms a right
    ///         result and challenges a wrong one; or (behaviour 0 of 4) does nothing and is slashed at settlement; or
    ///         (behaviour 1 of 4) confirms without re-executing, a wrong result too.
    function audit(uint256 taskSeed, uint8 behaviour) external {
        (uint256 id, bool any) = _pickIn(taskSeed, IOptimisticMarket.Status.Committed);
        if (any) _audit(id, behaviour);
    }

    /// @dev Draws, takes and closes the audit of task `id` (see `audit`).
    function _audit(uint256 id, uint8 behaviour) internal {
        IOptimisticMarket.Task memory t = _opt.getTask(id);
        if (t.status != IOptimisticMarket.Status.Committed) return;
        if (block.number <= uint256(t.commitBlock) + 1) vm.roll(uint256(t.commitBlock) + 2);
        if (t.audit == IOptimisticMarket.AuditState.Undrawn) {
            _opt.drawAudit(id);
            ++successes["drawAudit"];
            t = _opt.getTask(id);
        }
        if (t.audit != IOptimisticMarket.AuditState.Selected || block.timestamp > t.auditDeadline) return;
        // the auditor whose turn comes first: the dedicated auditor or any juror
        address who = _auditor;
        uint256 at = _opt.auditableAt(id, _auditor);
        for (uint256 i; i < _jurors.length; ++i) {
            uint256 jAt = _opt.auditableAt(id, _jurors[i]);
            if (jAt < at) (at, who) = (jAt, _jurors[i]);
        }
        if (at == type(uint256).max || at > t.auditDeadline) {
            ++reverts["audit:noTurn"];
            return;
        }
        if (block.timestamp < at) vm.warp(at);
        vm.prank(who);
        try _opt.takeAudit(id) {
            ++successes["takeAudit"];
        } catch (bytes memory err) {
            ++reverts["takeAudit"];
            _expect(_standingRevert(bytes4(err)), err);
            return;
        }
        if (behaviour % 4 == 0) return; // missed
        bool lazy = behaviour % 4 == 1;
        vm.prank(who);
        if (ghostWrong[id] && !lazy) {
            disputeIds.push(_opt.challenge(id));
            ++successes["auditChallenge"];
        } else {
            _opt.confirmAudit(id);
            ++successes["confirmAudit"];
            if (ghostWrong[id]) {
                ++successes["lazyPass"];
            }
        }
    }

    /// @notice Runs one jury round of an open dispute: jurors take the seats at their turns, vote (jurors 6 and 7 lie
    ///         while the liars hold fewer than half the draws; `silentSeed` keeps one juror from voting), reveal, and
    ///         the round is resolved.
    function juryRound(uint256 disputeSeed, uint256 silentSeed) external {
        uint256 n = disputeIds.length;
        if (n == 0) return;
        uint256 disputeId = disputeSeed % 2 == 0 ? disputeIds[n - 1] : disputeIds[(disputeSeed >> 1) % n];
        IDisputeManager.Dispute memory d = _dm.getDispute(disputeId);
        if (!d.open) return;
        bool wrong = ghostWrong[d.taskId];
        if (!_seat(disputeId)) {
            // Nobody (else) can sit: the round runs out and is resolved without a majority.
            d = _dm.getDispute(disputeId);
            _warpTo(uint256(d.roundStart) + d.params.voteWindow + d.params.revealWindow + 1);
            _dm.resolve(disputeId);
            ++successes["juryRound:unseated"];
            assertTrue(_checkUndecided(disputeId, d.taskId), "juryRound: decided without votes");
            return;
        }
        d = _dm.getDispute(disputeId);
        (address[] memory members, bytes32[] memory votes, bool liarsLie) = _ballots(disputeId, d, wrong, silentSeed);
        _vote(disputeId, d, members, votes);
        uint256 m = members.length;
        uint256[] memory stakeBefore = new uint256[](m);
        for (uint256 i; i < m; ++i) stakeBefore[i] = _vault.stakeOf(members[i]);
        _dm.resolve(disputeId);
        ++successes["juryRound"];
        // The truthful side holds the majority unless the silent juror's draws broke it; then only another round
        // or Void is possible.
        if (_checkUndecided(disputeId, d.taskId)) return;
        IOptimisticMarket.Status status = _opt.getTask(d.taskId).status;
        IOptimisticMarket.Status expected =
            wrong ? IOptimisticMarket.Status.Overturned : IOptimisticMarket.Status.Settled;
        if (status != expected) ++ghostWrongVerdicts;
        for (uint256 i; i < m; ++i) {
            bool lied = liarsLie && _isLiar(members[i]) && votes[i] != 0;
            if (lied && _vault.stakeOf(members[i]) >= stakeBefore[i]) ++ghostUnpunishedLiars;
        }
        ++successes[wrong ? bytes32("juryRound:overturned") : bytes32("juryRound:upheld")];
    }

    /// @notice Moves time on and settles a task (refund after the deadline, payment after the windows).
    function settle(uint256 taskSeed, uint32 wait) external {
        (uint256 id, bool any) = _pick(taskSeed);
        if (!any) return;
        vm.warp(block.timestamp + bound(wait, 0, 6 hours));
        vm.roll(block.number + 1 + (wait % 8));
        IOptimisticMarket.Task memory t = _opt.getTask(id);
        try _opt.settle(id) {
            ++successes["settle"];
        } catch (bytes memory err) {
            ++reverts["settle"];
            bytes4 sel = bytes4(err);
            bool live =
                t.status == IOptimisticMarket.Status.Open ||
                    t.status == IOptimisticMarket.Status.Claimed ||
                    t.status == IOptimisticMarket.Status.Committed;
            bool early =
                (t.status != IOptimisticMarket.Status.Committed && block.timestamp <= t.deadline) ||
                    (t.status == IOptimisticMarket.Status.Committed &&
                        (block.timestamp <= t.challengeEnds || block.timestamp <= t.auditDeadline));
            bool allowed =
                (sel == IOptimisticMarket.OptimisticWrongStatus.selector && !live) ||
                    (sel == IOptimisticMarket.OptimisticTooEarly.selector && early) ||
                    (sel == IOptimisticMarket.OptimisticDrawPending.selector &&
                        t.status == IOptimisticMarket.Status.Committed &&
                        block.number <= uint256(t.commitBlock) + 1);
            _expect(allowed, err);
        }
    }

    /// @notice Any party withdraws its credit from the market or from the dispute manager.
    function withdraw(uint256 whoSeed, bool fromDisputes) external {
        address who = _party(whoSeed);
        uint256 credit = fromDisputes ? _dm.creditOf(who) : _opt.creditOf(who);
        uint256 before = _token.balanceOf(who);
        vm.prank(who);
        if (fromDisputes) {
            try _dm.withdraw() {} catch (bytes memory err) {
                assertEq(bytes4(err), IDisputeManager.DisputeNothingToWithdraw.selector, "dm withdraw: revert");
                assertEq(credit, 0, "dm withdraw: refused a credit");
                return;
            }
        } else {
            try _opt.withdraw() {} catch (bytes memory err) {
                assertEq(bytes4(err), IOptimisticMarket.OptimisticNothingToWithdraw.selector, "withdraw: revert");
                assertEq(credit, 0, "withdraw: refused a credit");
                return;
            }
        }
        assertEq(_token.balanceOf(who), before + credit, "withdraw: paid other than the credit");
        ++successes["withdraw"];
    }

    // ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev The current round's members and their votes (0: silent). Jurors 6 and 7 lie while together they hold
    ///      fewer than half the draws (so the truthful side keeps the majority); one juror in four rounds stays silent.
    function _ballots(
        uint256 disputeId,
        IDisputeManager.Dispute memory d,
        bool wrong,
        uint256 silentSeed
    ) internal view returns (address[] memory members, bytes32[] memory votes, bool liarsLie) {
        address[] memory found = new address[](_jurors.length);
        uint256 m;
        uint256 liarVotes;
        for (uint256 i; i < _jurors.length; ++i) {
            uint16 draws = _dm.seatOf(disputeId, d.round, _jurors[i]).draws;
            if (draws == 0) continue;
            found[m++] = _jurors[i];
            if (_isLiar(_jurors[i])) liarVotes += _popcount(draws);
        }
        liarsLie = 2 * liarVotes < d.params.jurySize;
        address silent = m > 0 && silentSeed % 4 == 0 ? found[(silentSeed >> 2) % m] : address(0);
        bytes32 truth = wrong ? bytes32(uint256(1)) : d.providerResult; // "1": the jury's own (right) output
        bytes32 lie = wrong ? d.providerResult : bytes32(uint256(2));
        members = new address[](m);
        votes = new bytes32[](m);
        for (uint256 i; i < m; ++i) {
            members[i] = found[i];
            if (found[i] != silent) votes[i] = liarsLie && _isLiar(found[i]) ? lie : truth;
        }
    }

    /// @dev Every non-silent member commits its vote, then reveals it after the vote window; time ends after the
    ///      reveal window.
    function _vote(
        uint256 disputeId,
        IDisputeManager.Dispute memory d,
        address[] memory members,
        bytes32[] memory votes
    ) internal {
        for (uint256 i; i < members.length; ++i) {
            if (votes[i] == 0) continue;
            vm.prank(members[i]);
            _dm.commitVote(disputeId, _voteC(disputeId, d.round, members[i], votes[i]));
        }
        _warpTo(uint256(d.roundStart) + d.params.voteWindow + 1);
        for (uint256 i; i < members.length; ++i) {
            if (votes[i] == 0) continue;
            vm.prank(members[i]);
            _dm.revealVote(disputeId, votes[i], _salt(members[i], disputeId));
        }
        _warpTo(uint256(d.roundStart) + d.params.voteWindow + d.params.revealWindow + 1);
    }

    /// @dev Time only moves forward.
    function _warpTo(uint256 t) internal {
        if (block.timestamp < t) vm.warp(t);
    }

    /// @dev The reverts a claim or an audit may meet for the caller's own standing: its free stake is spent or locked,
    ///      it is suspended, or its tier fell.
    function _standingRevert(bytes4 sel) internal pure returns (bool) {
        return
            sel == IStakingVault.StakingVaultInsufficientFreeStake.selector ||
            sel == IOptimisticMarket.OptimisticIneligible.selector ||
            sel == IOptimisticMarket.OptimisticTierTooLow.selector;
    }

    /// @dev A revert the state allows passes; any other is re-thrown as it came (its own error, not a generic one).
    function _expect(bool allowed, bytes memory err) internal pure {
        if (!allowed) {
            assembly {
                revert(add(err, 32), mload(err))
            }
        }
    }

    /// @dev After a resolve: true (and counted) when the dispute goes on to another round or ended Void.
    function _checkUndecided(uint256 disputeId, uint256 taskId) internal returns (bool) {
        if (_dm.getDispute(disputeId).open) {
            ++successes["juryRound:again"];
            return true;
        }
        if (_opt.getTask(taskId).status == IOptimisticMarket.Status.Voided) {
            ++successes["juryRound:void"];
            return true;
        }
        return false;
    }

    /// @notice Every party that can hold tokens or credits here (the actors, the jurors, the fee recipients).
    function parties() public view returns (address[] memory all) {
        uint256 j = _jurors.length;
        all = new address[](5 + j + _others.length);
        (all[0], all[1], all[2], all[3], all[4]) = (_requester, _honest, _cheater, _watcher, _auditor);
        for (uint256 i; i < j; ++i) all[5 + i] = _jurors[i];
        for (uint256 i; i < _others.length; ++i) all[5 + j + i] = _others[i];
    }

    function taskCount() external view returns (uint256) {
        return taskIds.length;
    }

    function _party(uint256 seed) internal view returns (address) {
        address[] memory all = parties();
        return all[seed % all.length];
    }

    /// @dev A task, newest first half the time (most actions need a live one).
    function _pick(uint256 seed) internal view returns (uint256 id, bool any) {
        uint256 n = taskIds.length;
        if (n == 0) return (0, false);
        id = seed % 2 == 0 ? taskIds[n - 1] : taskIds[(seed >> 1) % n];
        any = true;
    }

    /// @dev Three calls in four: the newest of the last 24 tasks in `want` (so most calls act on a live task); else,
    ///      or when none is, any task (so the wrong-status reverts are tried too).
    function _pickIn(uint256 seed, IOptimisticMarket.Status want) internal view returns (uint256 id, bool any) {
        uint256 n = taskIds.length;
        if (seed % 4 != 0) {
            for (uint256 j; j < n && j < 24; ++j) {
                uint256 candidate = taskIds[n - 1 - j];
                if (_opt.getTask(candidate).status == want) return (candidate, true);
            }
        }
        return _pick(seed >> 2);
    }

    /// @dev Jurors 6 and 7 lie when they can.
    function _isLiar(address juror) internal view returns (bool) {
        uint256 n = _jurors.length;
        return juror == _jurors[n - 1] || juror == _jurors[n - 2];
    }

    /// @dev Fills every draw of the current round with the juror whose turn comes first; false when nobody can sit
    ///      (every eligible juror's stake is spent or locked).
    function _seat(uint256 disputeId) internal returns (bool) {
        IDisputeManager.Dispute memory d = _dm.getDispute(disputeId);
        uint16 full = uint16((uint256(1) << d.params.jurySize) - 1);
        for (uint256 guard; guard < 32 && d.drawsTaken != full; ++guard) {
            // (a seed older than 256 blocks restarts the round on a new seed block)
            if (block.number <= d.seedBlock) vm.roll(uint256(d.seedBlock) + 1);
            uint256 best = type(uint256).max;
            address who;
            for (uint256 i; i < _jurors.length; ++i) {
                if (_vault.freeStakeOf(_jurors[i]) < d.params.jurorBond) continue;
                uint256 at = _dm.seatableAt(disputeId, _jurors[i]);
                if (at < best) (best, who) = (at, _jurors[i]);
            }
            d = _dm.getDispute(disputeId);
            uint256 voteEnd = uint256(d.roundStart) + d.params.voteWindow;
            if (who == address(0) || best > voteEnd || block.timestamp > voteEnd) return false;
            if (block.timestamp < best) vm.warp(best);
            vm.prank(who);
            try _dm.takeSeat(disputeId) {} catch (bytes memory err) {
                bytes4 sel = bytes4(err);
                _expect(
                    sel == IDisputeManager.DisputeJurorIneligible.selector ||
                        sel == IStakingVault.StakingVaultInsufficientFreeStake.selector,
                    err
                );
                return false;
            }
            d = _dm.getDispute(disputeId);
        }
        return d.drawsTaken == full;
    }

    function _voteC(uint256 disputeId, uint8 round, address juror, bytes32 result) internal view returns (bytes32) {
        return
            keccak256(
                abi.encode(block.chainid, address(_dm), disputeId, round, juror, result, _salt(juror, disputeId))
            );
    }

    function _salt(address juror, uint256 disputeId) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", juror, disputeId));
    }

    function _popcount(uint16 x) internal pure returns (uint256 c) {
        for (; x != 0; x &= x - 1) ++c;
    }
}
