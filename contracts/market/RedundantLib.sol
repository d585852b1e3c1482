// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {IReputation} from "../interfaces/IReputation.sol";
import {IStakingVault} from "../interfaces/IStakingVault.sol";
import {ITaskMarketErrors} from "../interfaces/ITaskMarketErrors.sol";
import {ITaskMarketEvents} from "../interfaces/ITaskMarketEvents.sol";
import {ITaskMarketTypes} from "../interfaces/ITaskMarketTypes.sol";
import {DrawLib} from "../libraries/DrawLib.sol";
import {TallyLib} from "../libraries/TallyLib.sol";
import {MarketStorage} from "./MarketStorage.sol";

/// @title RedundantLib
/// @notice REDUNDANT settlement of the TaskMarket: stake-weighted draws, commit-reveal, the weighted tally, task
///         faults, leaving unfilled tasks. Deployed once and linked; the market DELEGATECALLs it, so it works on the
///         market's storage and its events come from the market's address (declared in {ITaskMarketEvents}).
/// @dev The market checks the spec against its stored hash before every call (`TaskMarket._load`), and passes the
///      contracts it depends on. `msg.sender` is the market's caller. Every function changes state before its
///      external calls (vault, reputation).
library RedundantLib {
    using DrawLib for uint16;

    /// @notice The reserved result hash by which a provider reports a task fault: the model or the input cannot be
    ///         executed (the module traps, the input does not match the model's inputs, a declared limit is hit).
    bytes32 internal constant TASK_FAULT_RESULT = keccak256("eai.task-fault.v1");

    /// @notice Contracts the settlement calls.
    struct Deps {
        IStakingVault vault;
        IProviderRegistry providers;
        IReputation reputation;
    }

    // ─────────────────────────────────────────── draws ───────────────────────────────────────────

    /// @notice Takes the caller's provider's best free draw whose turn has come, locking one bond per draw.
    /// @dev The market has checked status, timing, eligibility and stake. Reverts with `TaskMarketNotYourTurn` when
    ///      no free draw is the provider's yet, `TaskMarketDrawPending` / `TaskMarketDrawExpired` when the seed is
    ///      not or no longer available.
    /// @param s Storage.
    /// @param vault The staking vault (locks the bond).
    /// @param taskId The task.
    /// @param spec Its spec.
    /// @param provider The eligible provider the caller acts for.
    /// @param stake The provider's active stake.
    function claim(
        MarketStorage.Layout storage s,
        IStakingVault vault,
        uint256 taskId,
        ITaskMarketTypes.TaskSpec calldata spec,
        address provider,
        uint256 stake
    ) external {
        ITaskMarketTypes.Round memory round = s.rounds[taskId];
        if (round.seed == 0) round.seed = _seed(taskId, spec);
        (uint8 draw, uint256 notBefore) = _bestTurn(
            round,
            spec,
            provider,
            _weight(vault, spec, provider, stake),
            vault,
            s
        );
        if (block.timestamp < notBefore) revert ITaskMarketErrors.TaskMarketNotYourTurn(taskId, provider, notBefore);

        uint16 bit = uint16(1) << draw;
        ITaskMarketTypes.RedundantClaim storage c = s.claims[taskId][provider];
        if (c.draws == 0) {
            // unchecked: members <= redundancy <= 15.
            unchecked {
                ++round.members;
            }
            s.claimants[taskId].push(provider);
        }
        round.drawsTaken |= bit;
        uint16 draws = c.draws | bit;
        c.draws = draws;
        s.rounds[taskId] = round;

        ITaskMarketTypes.TaskState storage st = s.tasks[taskId];
        uint8 claims = st.claims + 1;
        st.claims = claims;
        uint40 phaseDeadline;
        if (claims == spec.redundancy) {
            phaseDeadline = uint40(block.timestamp + spec.execWindow);
            st.status = ITaskMarketTypes.TaskStatus.Claimed;
            st.phaseDeadline = phaseDeadline;
        }
        emit ITaskMarketEvents.TaskClaimed(taskId, provider, msg.sender, spec.bond, claims, phaseDeadline);
        emit ITaskMarketEvents.DrawClaimed(taskId, provider, draw, draws.popcount());
        vault.lockBond(provider, spec.bond);
    }

    /// @notice When `provider` may take a free draw of the task, at the current stakes (its weight capped by its stake
    ///         at the task's creation block).
    /// @param s Storage.
    /// @param vault The staking vault.
    /// @param taskId The task.
    /// @param spec Its spec.
    /// @param provider The provider.
    /// @return draw The free draw whose turn comes first for the provider.
    /// @return notBefore The time (seconds) from which it may take it; type(uint256).max when no draw is free or the
    ///         provider had no stake at the task's creation block (or has none now).
    function claimableAt(
        MarketStorage.Layout storage s,
        IStakingVault vault,
        uint256 taskId,
        ITaskMarketTypes.TaskSpec calldata spec,
        address provider
    ) external view returns (uint8 draw, uint256 notBefore) {
        ITaskMarketTypes.Round memory round = s.rounds[taskId];
        if (round.seed == 0) round.seed = _seed(taskId, spec);
        return _bestTurn(round, spec, provider, _weight(vault, spec, provider, vault.stakeOf(provider)), vault, s);
    }

    // ─────────────────────────────────────────── commit–reveal ───────────────────────────────────────────

    /// @notice Records the caller's provider's commitment (allowed before every draw is taken).
    /// @param s Storage.
    /// @param providers The provider registry (resolves operators).
    /// @param taskId The task.
    /// @param commitment keccak256(abi.encode(chainid, market, taskId, provider, resultHash, salt)).
    function commit(
        MarketStorage.Layout storage s,
        IProviderRegistry providers,
        uint256 taskId,
        bytes32 commitment
    ) external {
        ITaskMarketTypes.TaskState storage st = s.tasks[taskId];
        if (st.status != ITaskMarketTypes.TaskStatus.Open && st.status != ITaskMarketTypes.TaskStatus.Claimed) {
            revert ITaskMarketErrors.TaskMarketWrongStatus(taskId, st.status);
        }
        if (st.phaseDeadline != 0 && block.timestamp > st.phaseDeadline) {
            revert ITaskMarketErrors.TaskMarketTooLate(taskId, st.phaseDeadline);
        }
        if (commitment == 0) revert ITaskMarketErrors.TaskMarketInvalidCommitment(0);
        address provider = _claimantFor(s, providers, taskId, msg.sender);
        ITaskMarketTypes.RedundantClaim storage c = s.claims[taskId][provider];
        if (c.commitment != 0) revert ITaskMarketErrors.TaskMarketAlreadyCommitted(taskId, provider);

        c.commitment = commitment;
        uint8 commits = ++s.rounds[taskId].commits;
        emit ITaskMarketEvents.ResultCommitted(taskId, provider, commitment, commits);
    }

    /// @notice Reveals the caller's provider's result; the last reveal settles the task.
    /// @param s Storage.
    /// @param deps Contracts the settlement calls.
    /// @param taskId The task.
    /// @param spec Its spec.
    /// @param resultHash keccak256 of the (canonical) result, or `TASK_FAULT_RESULT`.
    /// @param salt The salt of the commitment.
    /// @param resultURI Where the result blob is (empty for a task fault).
    function reveal(
        MarketStorage.Layout storage s,
        Deps memory deps,
        uint256 taskId,
        ITaskMarketTypes.TaskSpec calldata spec,
        bytes32 resultHash,
        bytes32 salt,
        string calldata resultURI
    ) external {
        ITaskMarketTypes.TaskState storage st = s.tasks[taskId];
        if (st.status != ITaskMarketTypes.TaskStatus.Claimed) {
            revert ITaskMarketErrors.TaskMarketWrongStatus(taskId, st.status);
        }
        ITaskMarketTypes.Round storage round = s.rounds[taskId];
        uint40 phaseDeadline = st.phaseDeadline;
        if (round.commits < round.members && block.timestamp <= phaseDeadline) {
            revert ITaskMarketErrors.TaskMarketTooEarly(taskId, phaseDeadline);
        }
        uint256 revealDeadline = uint256(phaseDeadline) + spec.revealWindow;
        if (block.timestamp > revealDeadline) revert ITaskMarketErrors.TaskMarketTooLate(taskId, revealDeadline);
        if (resultHash == 0) revert ITaskMarketErrors.TaskMarketZeroResult();

        address provider = _claimantFor(s, deps.providers, taskId, msg.sender);
        ITaskMarketTypes.RedundantClaim storage c = s.claims[taskId][provider];
        if (c.commitment == 0) revert ITaskMarketErrors.TaskMarketNotCommitted(taskId, provider);
        if (c.resultHash != 0) revert ITaskMarketErrors.TaskMarketAlreadyRevealed(taskId, provider);
        if (commitmentOf(taskId, provider, resultHash, salt) != c.commitment) {
            revert ITaskMarketErrors.TaskMarketCommitmentMismatch(taskId, provider);
        }

        c.resultHash = resultHash;
        uint8 reveals = ++round.reveals;
        emit ITaskMarketEvents.ResultRevealed(taskId, provider, resultHash, resultURI, reveals);
        if (reveals == round.members) _finalize(s, deps, taskId, spec);
    }

    /// @notice Settles the task after its reveal window (or once every member revealed).
    /// @param s Storage.
    /// @param deps Contracts the settlement calls.
    /// @param taskId The task.
    /// @param spec Its spec.
    function finalize(
        MarketStorage.Layout storage s,
        Deps memory deps,
        uint256 taskId,
        ITaskMarketTypes.TaskSpec calldata spec
    ) external {
        ITaskMarketTypes.TaskState storage st = s.tasks[taskId];
        if (st.status != ITaskMarketTypes.TaskStatus.Claimed) {
            revert ITaskMarketErrors.TaskMarketWrongStatus(taskId, st.status);
        }
        ITaskMarketTypes.Round storage round = s.rounds[taskId];
        uint256 revealDeadline = uint256(st.phaseDeadline) + spec.revealWindow;
        if (round.reveals < round.members && block.timestamp <= revealDeadline) {
            revert ITaskMarketErrors.TaskMarketTooEarly(taskId, revealDeadline + 1);
        }
        _finalize(s, deps, taskId, spec);
    }

    // ─────────────────────────────────────────── unfilled tasks ───────────────────────────────────────────

    /// @notice The caller's provider leaves an Open task whose draws did not all fill within `fillTimeout`; its
    ///         draws become free again and its bonds are released.
    /// @param s Storage.
    /// @param deps Contracts the settlement calls.
    /// @param taskId The task.
    /// @param spec Its spec.
    function leaveTask(
        MarketStorage.Layout storage s,
        Deps memory deps,
        uint256 taskId,
        ITaskMarketTypes.TaskSpec calldata spec
    ) external {
        ITaskMarketTypes.TaskState storage st = s.tasks[taskId];
        if (st.status != ITaskMarketTypes.TaskStatus.Open) {
            revert ITaskMarketErrors.TaskMarketWrongStatus(taskId, st.status);
        }
        uint256 from = uint256(spec.createdAt) + s.settlement.fillTimeout;
        if (block.timestamp < from) revert ITaskMarketErrors.TaskMarketTooEarly(taskId, from);
        address provider = _claimantFor(s, deps.providers, taskId, msg.sender);

        ITaskMarketTypes.RedundantClaim storage c = s.claims[taskId][provider];
        uint16 draws = c.draws;
        uint8 votes = draws.popcount();
        ITaskMarketTypes.Round storage round = s.rounds[taskId];
        round.drawsTaken &= ~draws;
        // unchecked: the provider is a member (it holds draws), so members >= 1 and claims >= votes; a commitment
        // of it was counted in commits.
        unchecked {
            --round.members;
            if (c.commitment != 0) --round.commits;
            st.claims -= votes;
        }
        delete s.claims[taskId][provider];
        address[] storage list = s.claimants[taskId];
        uint256 n = list.length;
        for (uint256 i; i < n; ++i) {
            if (list[i] == provider) {
                list[i] = list[n - 1];
                list.pop();
                break;
            }
        }
        uint256 bond = uint256(spec.bond) * votes;
        emit ITaskMarketEvents.ClaimantLeft(taskId, provider, votes, bond);
        deps.vault.releaseBond(provider, bond);
    }

    /// @notice Releases every claimant's bonds of an Open task that passed its deadline (the market refunds it).
    /// @param s Storage.
    /// @param vault The staking vault.
    /// @param taskId The task.
    /// @param spec Its spec.
    function releaseAll(
        MarketStorage.Layout storage s,
        IStakingVault vault,
        uint256 taskId,
        ITaskMarketTypes.TaskSpec calldata spec
    ) external {
        address[] memory list = s.claimants[taskId];
        uint256 n = list.length;
        uint256[] memory bonds = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            bonds[i] = uint256(spec.bond) * s.claims[taskId][list[i]].draws.popcount();
            emit ITaskMarketEvents.BondReturned(taskId, list[i], bonds[i]);
        }
        for (uint256 i; i < n; ++i) {
            vault.releaseBond(list[i], bonds[i]);
        }
    }

    // ─────────────────────────────────────────── views ───────────────────────────────────────────

    /// @notice The REDUNDANT commitment; binding chain, market, task and provider stops a reveal from being replayed
    ///         on another task or copied by another provider.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param resultHash The result hash.
    /// @param salt The salt.
    /// @return The commitment.
    function commitmentOf(
        uint256 taskId,
        address provider,
        bytes32 resultHash,
        bytes32 salt
    ) internal view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), taskId, provider, resultHash, salt));
    }

    // ─────────────────────────────────────────── internals ───────────────────────────────────────────

    /// @dev The draw seed: keccak256(blockhash(createdBlock + 1), taskId), never zero. The block after submission
    ///      was not known when the task was submitted; its hash stays readable for 256 blocks.
    function _seed(uint256 taskId, ITaskMarketTypes.TaskSpec calldata spec) private view returns (uint216 seed) {
        uint256 seedBlock = uint256(spec.createdBlock) + 1;
        if (block.number <= seedBlock) revert ITaskMarketErrors.TaskMarketDrawPending(taskId, seedBlock);
        bytes32 h = blockhash(seedBlock);
        if (h == 0) revert ITaskMarketErrors.TaskMarketDrawExpired(taskId, seedBlock);
        seed = uint216(uint256(keccak256(abi.encode(h, taskId))));
        if (seed == 0) seed = 1;
    }

    /// @dev A provider's draw weight on a task: its active stake, but no more than it had at the end of the task's
    ///      creation block. The seed is the hash of the next block, so stake added (or an unstake cancelled) once the
    ///      seed is known cannot be moved onto the identity whose tickets came out best.
    function _weight(
        IStakingVault vault,
        ITaskMarketTypes.TaskSpec calldata spec,
        address provider,
        uint256 stake
    ) private view returns (uint256) {
        uint256 then = vault.stakeAt(provider, spec.createdBlock);
        return stake < then ? stake : then;
    }

    /// @dev The free draw whose turn comes first for a provider of draw weight `weight`, and when
    ///      (type(uint256).max when none is free or the weight is zero).
    function _bestTurn(
        ITaskMarketTypes.Round memory round,
        ITaskMarketTypes.TaskSpec calldata spec,
        address provider,
        uint256 weight,
        IStakingVault vault,
        MarketStorage.Layout storage s
    ) private view returns (uint8 draw, uint256 notBefore) {
        notBefore = type(uint256).max;
        if (weight == 0) return (0, notBefore);
        uint256 totalStake = vault.totalStake();
        uint256 step = s.settlement.drawStep;
        uint8 n = spec.redundancy;
        for (uint8 j; j < n; ++j) {
            if (round.drawsTaken & (uint16(1) << j) != 0) continue;
            uint256 k = DrawLib.key(DrawLib.ticket(round.seed, j, provider));
            uint256 turn = uint256(spec.createdAt) + DrawLib.turnDelay(k, weight, totalStake, step);
            if (turn < notBefore) {
                notBefore = turn;
                draw = j;
            }
        }
    }

    /// @dev The provider holding draws on `taskId` that `account` acts for (itself or its operator's owner).
    function _claimantFor(
        MarketStorage.Layout storage s,
        IProviderRegistry providers,
        uint256 taskId,
        address account
    ) private view returns (address provider) {
        if (s.claims[taskId][account].draws != 0) return account;
        provider = providers.resolveProvider(account);
        if (provider == address(0) || s.claims[taskId][provider].draws == 0) {
            revert ITaskMarketErrors.TaskMarketNotClaimant(taskId, provider);
        }
    }

    /// @dev Tallies the reveals and settles: Majority pays the majority by votes and slashes the rest of the
    ///      revealers; TaskFault refunds the requester minus the fault fee (to the reporters) and slashes no
    ///      revealer; NoMajority refunds the requester and slashes no revealer. Non-revealers are always slashed.
    ///      All state changes come before the calls to the vault and the reputation contract.
    function _finalize(
        MarketStorage.Layout storage s,
        Deps memory deps,
        uint256 taskId,
        ITaskMarketTypes.TaskSpec calldata spec
    ) private {
        address[] memory claimants = s.claimants[taskId];
        uint256 n = claimants.length;
        bytes32[] memory results = new bytes32[](n);
        uint256[] memory votes = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            ITaskMarketTypes.RedundantClaim storage c = s.claims[taskId][claimants[i]];
            results[i] = c.resultHash;
            votes[i] = c.draws.popcount();
        }
        (TallyLib.Verdict verdict, bytes32 winner, uint256 winnerVotes) = TallyLib.tally(
            results,
            votes,
            spec.redundancy,
            TASK_FAULT_RESULT
        );

        if (verdict == TallyLib.Verdict.NoMajority) {
            MarketStorage.refund(s, taskId, spec, true);
        } else {
            (address[] memory winners, uint256[] memory weights) = _winners(claimants, results, votes, winner);
            if (verdict == TallyLib.Verdict.Majority) {
                MarketStorage.creditPayouts(s, taskId, spec, winners, weights, winnerVotes, winner);
            } else {
                _creditFault(s, taskId, spec, winners, weights, winnerVotes);
            }
        }

        for (uint256 i; i < n; ++i) {
            address provider = claimants[i];
            uint256 bond = uint256(spec.bond) * votes[i];
            if (results[i] == 0) {
                MarketStorage.penalize(
                    deps.vault,
                    deps.reputation,
                    taskId,
                    spec,
                    provider,
                    bond,
                    IReputation.Outcome.NoReveal
                );
            } else if (verdict == TallyLib.Verdict.Majority && results[i] != winner) {
                MarketStorage.penalize(
                    deps.vault,
                    deps.reputation,
                    taskId,
                    spec,
                    provider,
                    bond,
                    IReputation.Outcome.WrongResult
                );
            } else {
                emit ITaskMarketEvents.BondReturned(taskId, provider, bond);
                deps.vault.releaseBond(provider, bond);
                if (verdict == TallyLib.Verdict.Majority && spec.rated) {
                    deps.reputation.record(provider, IReputation.Outcome.Success);
                }
            }
        }
    }

    /// @dev The claimants that revealed `winner`, with their votes.
    function _winners(
        address[] memory claimants,
        bytes32[] memory results,
        uint256[] memory votes,
        bytes32 winner
    ) private pure returns (address[] memory winners, uint256[] memory weights) {
        uint256 n = claimants.length;
        uint256 count;
        for (uint256 i; i < n; ++i) {
            if (results[i] == winner) ++count;
        }
        winners = new address[](count);
        weights = new uint256[](count);
        uint256 w;
        for (uint256 i; i < n; ++i) {
            if (results[i] == winner) {
                winners[w] = claimants[i];
                weights[w++] = votes[i];
            }
        }
    }

    /// @dev Task fault: the reporters share the fault fee by votes (rounded down per vote), the requester is
    ///      credited the rest of the reward, so the two always sum to the reward. Marks the task Faulted.
    function _creditFault(
        MarketStorage.Layout storage s,
        uint256 taskId,
        ITaskMarketTypes.TaskSpec calldata spec,
        address[] memory winners,
        uint256[] memory weights,
        uint256 totalWeight
    ) private {
        s.tasks[taskId].status = ITaskMarketTypes.TaskStatus.Faulted;
        address token = spec.paymentToken;
        uint256 perVote = (uint256(spec.reward) * s.settlement.faultFeeBps) / MarketStorage.BPS / totalWeight;
        uint256 count = winners.length;
        for (uint256 i; i < count; ++i) {
            uint256 amount = perVote * weights[i];
            s.credits[winners[i]][token] += amount;
            emit ITaskMarketEvents.ProviderPaid(taskId, winners[i], token, amount);
        }
        uint256 fee = perVote * totalWeight;
        uint256 back = spec.reward - fee;
        s.credits[spec.requester][token] += back;
        emit ITaskMarketEvents.TaskFaulted(taskId, spec.requester, back, fee, uint8(totalWeight));
    }
}
