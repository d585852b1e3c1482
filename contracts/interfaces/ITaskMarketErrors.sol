// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITaskMarketTypes} from "./ITaskMarketTypes.sol";
import {ModelKind} from "../types/Resources.sol";

/// @title ITaskMarketErrors
/// @notice Custom errors of the EAI task market.
interface ITaskMarketErrors is ITaskMarketTypes {
    /// @notice Thrown when a task id is unknown.
    /// @param taskId The id.
    error TaskMarketUnknownTask(uint256 taskId);

    /// @notice Thrown when the spec passed back does not hash to the stored one.
    /// @param taskId The task.
    error TaskMarketSpecMismatch(uint256 taskId);

    /// @notice Thrown when the task is not in a status that allows the call.
    /// @param taskId The task.
    /// @param status Its current status.
    error TaskMarketWrongStatus(uint256 taskId, TaskStatus status);

    /// @notice Thrown when a call is made for the other verification mode.
    /// @param taskId The task.
    /// @param mode The task's mode.
    error TaskMarketWrongMode(uint256 taskId, VerificationMode mode);

    /// @notice Thrown when the payment token is not allowlisted.
    /// @param token The token.
    error TaskMarketTokenNotAllowed(address token);

    /// @notice Thrown when the reward is zero.
    error TaskMarketZeroReward();

    /// @notice Thrown when the deadline leaves too little time (priority window, execution and reveal windows).
    /// @param deadline The requested deadline.
    /// @param earliest The earliest acceptable deadline.
    error TaskMarketDeadlineTooSoon(uint40 deadline, uint256 earliest);

    /// @notice Thrown when the execution window is shorter than the market's or the model's minimum.
    /// @param execWindow The window asked for.
    /// @param minimum The shortest accepted window.
    error TaskMarketExecWindowTooShort(uint32 execWindow, uint256 minimum);

    /// @notice Thrown when the deadline is further away than the governed maximum task lifetime.
    /// @param deadline The deadline asked for.
    /// @param latest The latest accepted deadline.
    error TaskMarketDeadlineTooLate(uint40 deadline, uint256 latest);

    /// @notice Thrown when a provider claims a REDUNDANT task before its turn on any free draw has come.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param notBefore The earliest time (seconds) at which one of the free draws becomes the provider's, at the
    ///        current stakes; type(uint256).max when no draw is free.
    error TaskMarketNotYourTurn(uint256 taskId, address provider, uint256 notBefore);

    /// @notice Thrown when the draw seed of a REDUNDANT task is not known yet (its seed block is not mined).
    /// @param taskId The task.
    /// @param seedBlock The block whose hash seeds the draws (createdBlock + 1).
    error TaskMarketDrawPending(uint256 taskId, uint256 seedBlock);

    /// @notice Thrown when nobody claimed a REDUNDANT task while its seed block hash was available (256 blocks): its
    ///         draws can no longer be made; the requester can cancel it.
    /// @param taskId The task.
    /// @param seedBlock The block whose hash would have seeded the draws.
    error TaskMarketDrawExpired(uint256 taskId, uint256 seedBlock);

    /// @notice Thrown when the redundancy does not fit the mode (1 for ZK, odd ≥ 3 and ≤ maxRedundancy otherwise).
    /// @param mode The requested mode.
    /// @param redundancy The requested redundancy.
    error TaskMarketInvalidRedundancy(VerificationMode mode, uint8 redundancy);

    /// @notice Thrown when the minimum tier is not 1, 2 or 3.
    /// @param minTier The requested tier.
    error TaskMarketInvalidTier(uint8 minTier);

    /// @notice Thrown when the model is inactive.
    /// @param modelId The model.
    error TaskMarketModelInactive(uint64 modelId);

    /// @notice Thrown when the mode needs another model kind (ZK needs ZK_MLP; REDUNDANT needs ONNX or WASM).
    /// @param modelId The model.
    /// @param kind Its kind.
    /// @param mode The requested mode.
    error TaskMarketModelKindMismatch(uint64 modelId, ModelKind kind, VerificationMode mode);

    /// @notice Thrown when the requested minimum resources are below the model's minimum.
    /// @param modelId The model.
    error TaskMarketBelowModelMinimum(uint64 modelId);

    /// @notice Thrown when a commitment is zero or, for ZK tasks, not a field element.
    /// @param commitment The commitment.
    error TaskMarketInvalidCommitment(uint256 commitment);

    /// @notice Thrown when the caller is neither a registered provider nor an authorised operator of one.
    /// @param account The caller.
    error TaskMarketNotProvider(address account);

    /// @notice Thrown when the provider is deactivated, suspended or banned.
    /// @param provider The provider.
    error TaskMarketProviderIneligible(address provider);

    /// @notice Thrown when the provider's tier is below what the task (or its priority window) requires.
    /// @param provider The provider.
    /// @param tier Its tier.
    /// @param required The tier required now.
    error TaskMarketTierTooLow(address provider, uint8 tier, uint8 required);

    /// @notice Thrown when the provider's declared resources do not meet the task's minimum.
    /// @param provider The provider.
    error TaskMarketInsufficientResources(address provider);

    /// @notice Thrown when the provider's active stake is below the governed minimum.
    /// @param provider The provider.
    /// @param stake Its active stake.
    /// @param required The minimum.
    error TaskMarketInsufficientStake(address provider, uint256 stake, uint256 required);

    /// @notice Thrown when the provider already holds a claim on the task.
    /// @param taskId The task.
    /// @param provider The provider.
    error TaskMarketAlreadyClaimed(uint256 taskId, address provider);

    /// @notice Thrown when it is too late for the call.
    /// @param taskId The task.
    /// @param limit The time limit that passed (or would pass during the work).
    error TaskMarketTooLate(uint256 taskId, uint256 limit);

    /// @notice Thrown when it is too early for the call.
    /// @param taskId The task.
    /// @param notBefore The time from which the call is allowed.
    error TaskMarketTooEarly(uint256 taskId, uint256 notBefore);

    /// @notice Thrown when the caller does not hold a claim on the task.
    /// @param taskId The task.
    /// @param provider The provider the caller acts for.
    error TaskMarketNotClaimant(uint256 taskId, address provider);

    /// @notice Thrown when the proof does not verify (including malformed points and tampered signals).
    /// @param taskId The task.
    error TaskMarketInvalidProof(uint256 taskId);

    /// @notice Thrown when someone else than the requester tries to cancel.
    /// @param taskId The task.
    /// @param caller The caller.
    error TaskMarketNotRequester(uint256 taskId, address caller);

    /// @notice Thrown when a cancel comes after a claim.
    /// @param taskId The task.
    /// @param claims Claims held.
    error TaskMarketAlreadyClaimedByOthers(uint256 taskId, uint8 claims);

    /// @notice Thrown when a provider commits twice.
    /// @param taskId The task.
    /// @param provider The provider.
    error TaskMarketAlreadyCommitted(uint256 taskId, address provider);

    /// @notice Thrown when a provider reveals without a commitment.
    /// @param taskId The task.
    /// @param provider The provider.
    error TaskMarketNotCommitted(uint256 taskId, address provider);

    /// @notice Thrown when a provider reveals twice.
    /// @param taskId The task.
    /// @param provider The provider.
    error TaskMarketAlreadyRevealed(uint256 taskId, address provider);

    /// @notice Thrown when a reveal does not open the provider's commitment for this task.
    /// @param taskId The task.
    /// @param provider The provider.
    error TaskMarketCommitmentMismatch(uint256 taskId, address provider);

    /// @notice Thrown when the result hash is zero.
    error TaskMarketZeroResult();

    /// @notice Thrown when there is nothing to withdraw.
    /// @param account The caller.
    /// @param token The token.
    error TaskMarketNothingToWithdraw(address account, address token);

    /// @notice Thrown when the permit left an allowance below the reward.
    /// @param allowance The allowance after the permit.
    /// @param needed The reward.
    error TaskMarketPermitInsufficient(uint256 allowance, uint256 needed);

    /// @notice Thrown when the fee split does not sum to 10 000 basis points.
    /// @param providerBps Provider share.
    /// @param treasuryBps Treasury share.
    /// @param creatorBps Creator share.
    error TaskMarketInvalidFeeSplit(uint16 providerBps, uint16 treasuryBps, uint16 creatorBps);

    /// @notice Thrown when a governed parameter is outside its bounds.
    /// @param param Which parameter.
    /// @param value The rejected value.
    error TaskMarketInvalidParam(MarketParam param, uint256 value);

    /// @notice Thrown when an address parameter is zero.
    error TaskMarketZeroAddress();

    /// @notice Thrown when a batch is empty or larger than its circuit (proofs) or than MAX_SUBMIT_BATCH (tasks).
    /// @param size Items given.
    /// @param maximum The most allowed.
    error TaskMarketInvalidBatch(uint256 size, uint256 maximum);

    /// @notice Thrown when a model has no usable verifier for the batch size (ModelRegistry.batchVerifierOf).
    /// @param modelId The model.
    /// @param batchSize The batch size.
    error TaskMarketNoBatchVerifier(uint64 modelId, uint8 batchSize);

    /// @notice Thrown when the verifier rejects a batched proof (any slot's signal wrong fails the whole proof).
    error TaskMarketInvalidBatchProof();

    /// @notice Thrown when a task of a batch runs another model than the batch's.
    /// @param taskId The task.
    /// @param modelId Its model.
    error TaskMarketBatchWrongModel(uint256 taskId, uint64 modelId);

    /// @notice Thrown when a verified batch settles no task at all (every task was skipped, e.g. a replay).
    error TaskMarketBatchSettledNothing();

    /// @notice Thrown when the tasks of one `submitTasks` call do not all pay in the same token.
    /// @param token The first request's token.
    /// @param other The differing token.
    error TaskMarketBatchTokenMismatch(address token, address other);
}
