// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {IReputation} from "../interfaces/IReputation.sol";
import {IStakingVault} from "../interfaces/IStakingVault.sol";
import {ITaskMarketErrors} from "../interfaces/ITaskMarketErrors.sol";
import {ITaskMarketEvents} from "../interfaces/ITaskMarketEvents.sol";
import {ITaskMarketTypes} from "../interfaces/ITaskMarketTypes.sol";
import {ProofLib} from "../libraries/ProofLib.sol";
import {Resources, ResourcesLib} from "../types/Resources.sol";
import {MarketStorage} from "./MarketStorage.sol";

/// @title ZkLib
/// @notice Batched ZK settlement of the TaskMarket: up to `k` tasks of one model per proof of a batched circuit
///         ({submitProofBatch}), under the rules of TaskMarket.submitProof for each task. Deployed once and linked;
///         the market DELEGATECALLs it, so it works on the market's storage and its events come from the market's
///         address ({ITaskMarketEvents}).
/// @dev `msg.sender` is the market's caller. Every function changes state before its external calls (vault,
///      reputation); the verifier is a `view` call made before any state change.
library ZkLib {
    using ResourcesLib for Resources;

    /// @notice Highest tier a provider can reach; required during a task's priority window (TaskMarket.TOP_TIER).
    uint8 internal constant TOP_TIER = 3;

    /// @notice The task binding of a padding slot of a batched proof (a slot past the last task).
    /// @dev A padding slot never settles anything: the market credits only the slots `0 .. items.length - 1`, each
    ///      for the task id the caller names there with a binding the market computes itself. A real binding is
    ///      0 only if keccak256(abi.encode(chainid, market, taskId, provider)) is one of the 6 multiples of p below
    ///      2^256 (a preimage search with success chance 6 / 2^256 per try), so a padded slot is no task's slot.
    uint256 internal constant PADDING_BINDING = 0;

    /// @notice Input commitment of a padding slot: Poseidon(0, 0), the all-zero image with salt 0 (what the prover
    ///         feeds a padding slot; any model can evaluate it, its output word is given as `padOutput`).
    uint256 internal constant PADDING_INPUT =
        14744269619966411208579211824598458697587494354926760081771325075741142829156;

    /// @dev Size of an ABI-encoded TaskSpec: 19 words of its own and the 8 of its inline Resources.
    uint256 private constant SPEC_BYTES = 27 * 32;

    /// @notice Contracts the settlement calls.
    struct Deps {
        IStakingVault vault;
        IProviderRegistry providers;
        IReputation reputation;
        IModelRegistry models;
    }

    // ─────────────────────────────────────────── a batch ───────────────────────────────────────────

    /// @notice Settles up to `batchSize` ZK tasks of one model with one proof of the model's batched circuit (see
    ///         ITaskMarket.submitProofBatch for the rules).
    /// @param s Storage.
    /// @param d Contracts the settlement calls.
    /// @param paused Whether the market is paused.
    /// @param modelId The model every task runs.
    /// @param batchSize Task slots of the circuit (its verifier is ModelRegistry.batchVerifierOf(modelId, batchSize)).
    /// @param items The tasks, in slot order (slots past `items.length` are padding).
    /// @param padOutput Output word of a padding slot (the model's output on the all-zero input).
    /// @param proof The proof.
    /// @return settled Number of tasks settled (the rest were skipped, each with a `ProofBatchTaskSkipped`).
    function submitProofBatch(
        MarketStorage.Layout storage s,
        Deps memory d,
        bool paused,
        uint64 modelId,
        uint8 batchSize,
        ITaskMarketTypes.BatchItem[] calldata items,
        uint256 padOutput,
        ProofLib.Proof calldata proof
    ) external returns (uint256 settled) {
        Batch memory b = _openBatch(d, modelId, batchSize, items, padOutput, proof);
        b.paused = paused;
        b.providerBps = s.params.providerBps;
        b.creatorBps = s.params.creatorBps;
        b.treasury = s.treasury;
        uint256 n = items.length;
        for (uint256 i; i < n; ++i) {
            _settleOne(s, d, b, items[i]);
        }
        _flushCredits(s, b);
        settled = b.settled;
        if (settled == 0) revert ITaskMarketErrors.TaskMarketBatchSettledNothing();
        emit ITaskMarketEvents.ProofBatchSettled(b.provider, modelId, batchSize, uint8(n), uint8(settled));

        // Interactions last: one bond release for the whole batch, then the reputation of each rated task.
        if (b.bond != 0) d.vault.releaseBond(b.provider, b.bond);
        for (uint256 i; i < b.rated; ++i) {
            d.reputation.record(b.provider, IReputation.Outcome.Success);
        }
    }

    // ─────────────────────────────────────────── internals ───────────────────────────────────────────

    /// @dev What a batch carries from task to task.
    struct Batch {
        bool paused;
        uint64 modelId;
        uint256 commitment;
        address provider;
        Standing standing;
        uint256 settled;
        uint256 bond;
        uint256 rated;
        // Settlement parameters, read once per batch.
        uint256 providerBps;
        uint256 creatorBps;
        address treasury;
        // Credits accrued for consecutive tasks of one (token, creator), written once when either changes.
        address token;
        address creator;
        uint256 providerSum;
        uint256 creatorSum;
        uint256 treasurySum;
    }

    /// @dev Checks the batch's size, finds its verifier and the caller's provider, and verifies the proof against the
    ///      whole signal vector.
    function _openBatch(
        Deps memory d,
        uint64 modelId,
        uint8 batchSize,
        ITaskMarketTypes.BatchItem[] calldata items,
        uint256 padOutput,
        ProofLib.Proof calldata proof
    ) private view returns (Batch memory b) {
        if (items.length == 0 || items.length > batchSize) {
            revert ITaskMarketErrors.TaskMarketInvalidBatch(items.length, batchSize);
        }
        address verifier = d.models.batchVerifierOf(modelId, batchSize);
        if (verifier == address(0)) revert ITaskMarketErrors.TaskMarketNoBatchVerifier(modelId, batchSize);
        b.provider = d.providers.resolveProvider(msg.sender);
        if (b.provider == address(0)) revert ITaskMarketErrors.TaskMarketNotProvider(msg.sender);
        uint256[] memory signals = _batchSignals(items, batchSize, padOutput, b.provider);
        if (!_verifyBatch(verifier, batchSize, proof, signals)) revert ITaskMarketErrors.TaskMarketInvalidBatchProof();
        b.modelId = modelId;
        b.commitment = signals[0];
    }

    /// @dev The public signals of a batch: [0] model, [1 + i] input, [1 + k + i] output, [1 + 2k + i] binding;
    ///      padding slots (i >= items.length) get the padding input, `padOutput` and the padding binding.
    function _batchSignals(
        ITaskMarketTypes.BatchItem[] calldata items,
        uint8 batchSize,
        uint256 padOutput,
        address provider
    ) private view returns (uint256[] memory signals) {
        uint256 k = batchSize;
        uint256 n = items.length;
        signals = new uint256[](1 + 3 * k);
        signals[0] = items[0].spec.modelCommitment;
        for (uint256 i; i < k; ++i) {
            if (i < n) {
                signals[1 + i] = items[i].spec.inputCommitment;
                signals[1 + k + i] = items[i].output;
                signals[1 + 2 * k + i] = ProofLib.taskBinding(address(this), items[i].taskId, provider);
            } else {
                signals[1 + i] = PADDING_INPUT;
                signals[1 + k + i] = padOutput;
                signals[1 + 2 * k + i] = PADDING_BINDING;
            }
        }
    }

    /// @dev Settles one task of a verified batch, or skips it (with an event) when others made it unsettleable.
    function _settleOne(
        MarketStorage.Layout storage s,
        Deps memory d,
        Batch memory b,
        ITaskMarketTypes.BatchItem calldata item
    ) private {
        uint256 taskId = item.taskId;
        ITaskMarketTypes.TaskSpec calldata spec = item.spec;
        ITaskMarketTypes.TaskState storage st = _load(s, taskId, spec);
        // The caller's mistakes revert (they cannot arise from a race): another model, another mode.
        if (spec.modelId != b.modelId || spec.modelCommitment != b.commitment) {
            revert ITaskMarketErrors.TaskMarketBatchWrongModel(taskId, spec.modelId);
        }
        if (spec.mode != ITaskMarketTypes.VerificationMode.ZK) {
            revert ITaskMarketErrors.TaskMarketWrongMode(taskId, spec.mode);
        }
        // What others may have done since the proof was started is skipped, and the rest still settles.
        ITaskMarketTypes.TaskStatus status = st.status;
        bool claimed = status == ITaskMarketTypes.TaskStatus.Claimed;
        ITaskMarketTypes.BatchSkip skip = ITaskMarketTypes.BatchSkip.None;
        if (block.timestamp > spec.deadline) {
            skip = ITaskMarketTypes.BatchSkip.PastDeadline;
        } else if (claimed) {
            if (s.zkClaimant[taskId] != b.provider) skip = ITaskMarketTypes.BatchSkip.ClaimedByOther;
        } else if (status != ITaskMarketTypes.TaskStatus.Open) {
            skip = ITaskMarketTypes.BatchSkip.NotOpen;
        } else {
            // Unclaimed: the batch claims and delivers it at once, under the same rules as a single proof.
            if (b.paused) revert Pausable.EnforcedPause();
            if (b.standing.provider == address(0)) b.standing = _standing(s, d, msg.sender);
            _checkEligible(b.standing, spec);
        }
        if (skip != ITaskMarketTypes.BatchSkip.None) {
            emit ITaskMarketEvents.ProofBatchTaskSkipped(taskId, b.provider, skip, status);
            return;
        }
        _credit(s, st, taskId, spec, b, claimed, item.output);
        if (claimed) b.bond += spec.bond;
        if (spec.rated) ++b.rated;
        ++b.settled;
    }

    /// @dev A provider's standing, read once per call.
    struct Standing {
        address provider;
        uint8 tier;
        Resources resources;
    }

    /// @dev Resolves `account` to its provider and checks what does not depend on the task: registered, active, not
    ///      suspended or banned, at least the minimum stake (the same checks as TaskMarket._eligibleProvider).
    function _standing(
        MarketStorage.Layout storage s,
        Deps memory d,
        address account
    ) private view returns (Standing memory standing) {
        address provider = d.providers.resolveProvider(account);
        if (provider == address(0)) revert ITaskMarketErrors.TaskMarketNotProvider(account);
        (bool active, Resources memory resources) = d.providers.eligibilityOf(provider);
        (uint8 tier, bool eligible) = d.reputation.standingOf(provider);
        if (!active || !eligible) revert ITaskMarketErrors.TaskMarketProviderIneligible(provider);
        uint256 stake = d.vault.stakeOf(provider);
        uint256 minStake = s.minProviderStake;
        if (stake < minStake || stake == 0)
            revert ITaskMarketErrors.TaskMarketInsufficientStake(provider, stake, minStake);
        standing = Standing({provider: provider, tier: tier, resources: resources});
    }

    /// @dev The task's own requirements: the tier (tier 3 during its priority window) and the resources.
    function _checkEligible(Standing memory standing, ITaskMarketTypes.TaskSpec calldata spec) private view {
        uint8 required = block.timestamp < spec.priorityUntil ? TOP_TIER : spec.minTier;
        if (standing.tier < required) {
            revert ITaskMarketErrors.TaskMarketTierTooLow(standing.provider, standing.tier, required);
        }
        if (!standing.resources.meets(spec.minResources)) {
            revert ITaskMarketErrors.TaskMarketInsufficientResources(standing.provider);
        }
    }

    /// @dev Calls `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[1 + 3k])` of a snarkjs verifier; false on
    ///      a revert, on returned false and on anything that is not one ABI-encoded bool.
    function _verifyBatch(
        address verifier,
        uint8 batchSize,
        ProofLib.Proof calldata proof,
        uint256[] memory signals
    ) private view returns (bool) {
        bytes4 selector = bytes4(
            keccak256(
                abi.encodePacked(
                    "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[",
                    Strings.toString(1 + 3 * uint256(batchSize)),
                    "])"
                )
            )
        );
        (bool ok, bytes memory ret) = verifier.staticcall(
            abi.encodePacked(selector, proof.a, proof.b[0], proof.b[1], proof.c, signals)
        );
        return ok && ret.length == 32 && abi.decode(ret, (bool));
    }

    /// @dev Loads a task and checks the spec passed back against its stored hash (TaskMarket._load).
    function _load(
        MarketStorage.Layout storage s,
        uint256 taskId,
        ITaskMarketTypes.TaskSpec calldata spec
    ) private view returns (ITaskMarketTypes.TaskState storage st) {
        st = s.tasks[taskId];
        if (st.status == ITaskMarketTypes.TaskStatus.None) revert ITaskMarketErrors.TaskMarketUnknownTask(taskId);
        if (st.specHash != bytes24(_specHash(spec))) revert ITaskMarketErrors.TaskMarketSpecMismatch(taskId);
    }

    /// @dev keccak256(abi.encode(spec)), hashed from the calldata bytes as they are instead of re-encoding every field.
    ///      TaskSpec is a static struct (SPEC_WORDS words, Resources inline), so its calldata is its ABI encoding. A
    ///      non-canonical encoding (a dirty high bit) hashes to something else and is refused as a spec mismatch:
    ///      matching bytes are the canonical encoding of the stored spec, so the fields read later are that spec.
    function _specHash(ITaskMarketTypes.TaskSpec calldata spec) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, spec, SPEC_BYTES)
            h := keccak256(ptr, SPEC_BYTES)
        }
    }

    /// @dev Effects of settling one proven task, as MarketStorage.creditPayouts does for one winner with one vote (the
    ///      same amounts and events: ProofAccepted, ProviderPaid, TaskCompleted): the claim is spent (clearing it
    ///      refunds gas), the task Completed and its payouts accrued in `b` ({_flushCredits} writes them).
    function _credit(
        MarketStorage.Layout storage s,
        ITaskMarketTypes.TaskState storage st,
        uint256 taskId,
        ITaskMarketTypes.TaskSpec calldata spec,
        Batch memory b,
        bool claimed,
        uint256 output
    ) private {
        if (claimed) delete s.zkClaimant[taskId];
        emit ITaskMarketEvents.ProofAccepted(taskId, b.provider, output);
        st.status = ITaskMarketTypes.TaskStatus.Completed;
        uint256 reward = spec.reward;
        address token = spec.paymentToken;
        uint256 providerAmount = (reward * b.providerBps) / MarketStorage.BPS;
        uint256 creatorFee = (reward * b.creatorBps) / MarketStorage.BPS;
        // providerBps + creatorBps <= 10_000, so providerAmount + creatorFee <= reward.
        uint256 treasuryFee = reward - providerAmount - creatorFee;
        if (token != b.token || spec.modelCreator != b.creator) {
            _flushCredits(s, b);
            b.token = token;
            b.creator = spec.modelCreator;
        }
        b.providerSum += providerAmount;
        b.creatorSum += creatorFee;
        b.treasurySum += treasuryFee;
        emit ITaskMarketEvents.ProviderPaid(taskId, b.provider, token, providerAmount);
        emit ITaskMarketEvents.TaskCompleted(
            taskId,
            bytes32(output),
            token,
            providerAmount,
            treasuryFee,
            creatorFee,
            1
        );
    }

    /// @dev Writes the credits accrued for the current (token, creator) and resets the sums.
    function _flushCredits(MarketStorage.Layout storage s, Batch memory b) private {
        if (b.providerSum == 0 && b.creatorSum == 0 && b.treasurySum == 0) return;
        address token = b.token;
        s.credits[b.provider][token] += b.providerSum;
        s.credits[b.creator][token] += b.creatorSum;
        s.credits[b.treasury][token] += b.treasurySum;
        b.providerSum = 0;
        b.creatorSum = 0;
        b.treasurySum = 0;
    }
}
