// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITaskMarketErrors} from "./ITaskMarketErrors.sol";
import {ITaskMarketEvents} from "./ITaskMarketEvents.sol";
import {ProofLib} from "../libraries/ProofLib.sol";

/// @title ITaskMarket
/// @notice The EAI task market: escrowed tasks, claims with bonds, ZK proofs whose output is a public signal,
///         stake-weighted draws and commit-reveal majorities for REDUNDANT tasks, task faults, expiry, pull payments
///         and governed fees. Slashed bonds go to the treasury; a requester only ever gets its own reward back.
/// @dev Only a 24-byte hash of each task's spec is stored; every call that needs the spec takes it back as
///      calldata (clients read it from `TaskSubmitted`). A guardian may pause submissions and claims; everything
///      else, withdrawals included, keeps working while paused.
interface ITaskMarket is ITaskMarketErrors, ITaskMarketEvents {
    /// @notice Submits a task and pulls `request.reward` of `request.paymentToken` into escrow.
    /// @param request What to run and under which conditions.
    /// @return taskId The new task's id.
    function submitTask(TaskRequest calldata request) external returns (uint256 taskId);

    /// @notice Like {submitTask}, with an ERC-2612 permit for the reward so no separate approve is needed.
    /// @dev A permit that was front-run (already used) does not make the call fail if the allowance suffices.
    /// @param request What to run.
    /// @param permitDeadline Permit deadline.
    /// @param v Signature v.
    /// @param r Signature r.
    /// @param s Signature s.
    /// @return taskId The new task's id.
    function submitTaskWithPermit(
        TaskRequest calldata request,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 taskId);

    /// @notice Submits several tasks in one transaction with one token transfer: the sum of their rewards is pulled
    ///         once. Every request is checked exactly as by {submitTask}; all must pay in the same token.
    /// @param requests At least 1 and at most MAX_SUBMIT_BATCH requests.
    /// @return firstTaskId Id of the first task; the others follow consecutively in request order.
    function submitTasks(TaskRequest[] calldata requests) external returns (uint256 firstTaskId);

    /// @notice Cancels an Open task that nobody has claimed; the reward is credited back to the requester.
    /// @param taskId The task.
    /// @param spec Its spec.
    function cancelTask(uint256 taskId, TaskSpec calldata spec) external;

    /// @notice Claims a ZK task, or one draw of a REDUNDANT task, for the caller's provider and locks the bond.
    /// @dev The caller may be the provider or an operator it authorised. The provider must be active, neither
    ///      suspended nor banned, hold the minimum stake, meet the tier (tier 3 during the priority window) and the
    ///      resources, and have enough free stake for the bond. REDUNDANT: the provider takes its free draw whose turn
    ///      comes first (DrawLib: stake-weighted, seeded by the hash of the block after submission), and only once
    ///      that turn has come (`TaskMarketNotYourTurn` says when); each draw is one vote and locks one bond. A
    ///      provider may hold several draws of a task: it executes once and votes with all of them.
    function claimTask(uint256 taskId, TaskSpec calldata spec) external;

    /// @notice Settles a ZK task with a Groth16 proof: verifies it on-chain and credits the payouts.
    /// @dev Public signals: the model's weights commitment, `spec.inputCommitment`, `output` and the task binding of
    ///      the caller's provider (ProofLib). The output is proven, so it cannot differ from what the proof shows. A
    ///      claimed task can be settled only by its claimant; an unclaimed one by any eligible provider (first valid
    ///      proof wins; not while paused).
    /// @param taskId The task.
    /// @param spec Its spec.
    /// @param output The output word (below the BN254 scalar field), emitted in `ProofAccepted`.
    /// @param proof The proof.
    function submitProof(
        uint256 taskId,
        TaskSpec calldata spec,
        uint256 output,
        ProofLib.Proof calldata proof
    ) external;

    /// @notice Settles up to `batchSize` ZK tasks of one model with one proof of the model's batched circuit.
    /// @dev The verifier is ModelRegistry.batchVerifierOf(modelId, batchSize) (governance-allowlisted code). Public
    ///      signals: [0] the model commitment, [1 + i] `items[i].spec.inputCommitment`, [1 + k + i]
    ///      `items[i].output`, [1 + 2k + i] the task binding of `items[i].taskId` for the caller's provider; slots from
    ///      `items.length` on are padding (input Poseidon(0, 0), output `padOutput`, binding 0) and settle nothing.
    ///      The whole vector is verified first. Then each task is settled under the rules of {submitProof} (a claimed
    ///      task only by its claimant; an unclaimed one by an eligible provider of the required tier, not while
    ///      paused), except that a task another party made unsettleable since the proof was started (cancelled,
    ///      completed, refunded, past its deadline, claimed by another provider, or named twice) is skipped with a
    ///      `ProofBatchTaskSkipped` instead of reverting the batch. Reverts when every task is skipped, when a task
    ///      runs another model, is not ZK or its spec does not match, and on any rule {submitProof} reverts on for the
    ///      caller's own standing (tier, resources, stake, pause).
    /// @param modelId The model.
    /// @param batchSize Task slots of the circuit.
    /// @param items The tasks in slot order, 1 ..= batchSize of them.
    /// @param padOutput The model's output word on the all-zero input (used only by padding slots).
    /// @param proof The proof.
    /// @return settled Number of tasks settled.
    function submitProofBatch(
        uint64 modelId,
        uint8 batchSize,
        BatchItem[] calldata items,
        uint256 padOutput,
        ProofLib.Proof calldata proof
    ) external returns (uint256 settled);

    /// @notice Commits to a REDUNDANT result: `keccak256(abi.encode(chainid, market, taskId, provider, resultHash, salt))`.
    /// @param taskId The task.
    /// @param spec Its spec.
    /// @param commitment The commitment.
    function commitResult(uint256 taskId, TaskSpec calldata spec, bytes32 commitment) external;

    /// @notice Reveals a committed REDUNDANT result. The last reveal settles the task.
    /// @dev Opens once every draw is taken and every claimant has committed, or the commit deadline has passed;
    ///      closes at the commit deadline plus the reveal window. `resultHash` is keccak256 of the result in the
    ///      model's canonical form (its comparison rule), or `TASK_FAULT_RESULT` when the task cannot be executed.
    /// @param taskId The task.
    /// @param spec Its spec.
    /// @param resultHash keccak256 of the result bytes.
    /// @param salt The salt used in the commitment.
    /// @param resultURI Where the result blob is.
    function revealResult(
        uint256 taskId,
        TaskSpec calldata spec,
        bytes32 resultHash,
        bytes32 salt,
        string calldata resultURI
    ) external;

    /// @notice Settles a REDUNDANT task after its reveal window. A result with more than half of the `redundancy`
    ///         votes wins: its holders are paid by votes, the other revealers are slashed. A task-fault majority
    ///         refunds the requester minus the fault fee (paid to the reporters) and slashes no revealer. Without a
    ///         majority the requester is refunded and no revealer is slashed. Non-revealers are always slashed.
    ///         Slashed bonds go to the treasury.
    /// @param taskId The task.
    /// @param spec Its spec.
    function finalizeTask(uint256 taskId, TaskSpec calldata spec) external;

    /// @notice Handles a missed deadline. ZK claimed past its delivery deadline: slashes the bond (to the treasury)
    ///         and reopens the task (or refunds it when no new claim could finish in time). Open past
    ///         `spec.deadline`: refunds the requester and returns any REDUNDANT bonds. Anyone may call it, paused
    ///         or not.
    /// @param taskId The task.
    /// @param spec Its spec.
    function expireTask(uint256 taskId, TaskSpec calldata spec) external;

    /// @notice Leaves an Open REDUNDANT task whose draws did not all fill within `fillTimeout` of its submission:
    ///         the caller's provider gives up its draws (others may take them) and gets its bonds back.
    /// @param taskId The task.
    /// @param spec Its spec.
    function leaveTask(uint256 taskId, TaskSpec calldata spec) external;

    /// @notice Sends the caller everything credited to it in `token` (payouts, fees, refunds).
    /// @param token The token.
    function withdraw(address token) external;

    /// @notice Pauses submissions and claims (GUARDIAN_ROLE). Nothing else stops.
    function pause() external;

    /// @notice Lifts the pause (GUARDIAN_ROLE or the admin).
    function unpause() external;

    /// @notice Sets the governed market parameters (admin: the timelock).
    /// @param params New parameters; the fee split must sum to 10 000.
    function setMarketParams(MarketParams calldata params) external;

    /// @notice Sets the governed settlement parameters (admin: the timelock).
    /// @param params New parameters (bounds: see the setter's errors and docs/PARAMETERS.md).
    function setSettlementParams(SettlementParams calldata params) external;

    /// @notice Sets the bond floor and the minimum active stake a provider needs to claim (admin).
    /// @param bondFloor Smallest bond in EAI wei.
    /// @param minProviderStake Minimum active stake in EAI wei.
    function setStakeParams(uint128 bondFloor, uint128 minProviderStake) external;

    /// @notice Allowlists or delists a payment token (admin). Fee-on-transfer and rebasing tokens must never be
    ///         allowlisted: escrow accounting assumes exact transfers.
    /// @param token The token.
    /// @param allowed Whether it is accepted for new tasks.
    /// @param eaiPerToken EAI wei per 1e18 units of the token, used to size bonds (1e18 for EAI itself).
    function setPaymentToken(address token, bool allowed, uint256 eaiPerToken) external;

    /// @notice Sets the treasury that receives the treasury fee (admin).
    /// @param treasury New treasury.
    function setTreasury(address treasury) external;

    /// @notice The stored state of a task.
    /// @param taskId The task.
    function getTaskState(uint256 taskId) external view returns (TaskState memory);

    /// @notice The ZK claimant of a task while its claim runs (address(0) when unclaimed, settled, expired or
    /// REDUNDANT; the provider who settled a ZK task is in its ProofAccepted event).
    /// @param taskId The task.
    function claimantOf(uint256 taskId) external view returns (address);

    /// @notice The providers holding REDUNDANT claims on a task, in claim order.
    /// @param taskId The task.
    function claimantsOf(uint256 taskId) external view returns (address[] memory);

    /// @notice The REDUNDANT bookkeeping of a task: draws taken, members, commits, reveals, seed.
    /// @param taskId The task.
    function roundOf(uint256 taskId) external view returns (Round memory);

    /// @notice When `provider` may take a free draw of a REDUNDANT task, at the current stakes (workers call it to
    ///         schedule their claims). A provider's draw weight is `min(stakeOf, stakeAt(createdBlock))` in the
    ///         vault: stake added after the task's creation block does not count. Reverts with
    ///         `TaskMarketDrawPending` / `TaskMarketDrawExpired` like a claim.
    /// @param taskId The task.
    /// @param spec Its spec.
    /// @param provider The provider (the owner, not an operator).
    /// @return draw The free draw whose turn comes first for the provider.
    /// @return notBefore The time from which it may take it; type(uint256).max when no draw is free or the provider
    ///         has no draw weight.
    function claimableAt(
        uint256 taskId,
        TaskSpec calldata spec,
        address provider
    ) external view returns (uint8 draw, uint256 notBefore);

    /// @notice A provider's commit/reveal position on a REDUNDANT task.
    /// @param taskId The task.
    /// @param provider The provider.
    function redundantClaimOf(uint256 taskId, address provider) external view returns (RedundantClaim memory);

    /// @notice Amount of `token` credited to `account` and withdrawable.
    /// @param account The account.
    /// @param token The token.
    function creditOf(address account, address token) external view returns (uint256);

    /// @notice The hash a spec is stored under (first 24 bytes of keccak256(abi.encode(spec))).
    /// @param spec The spec.
    function hashSpec(TaskSpec calldata spec) external pure returns (bytes24);

    /// @notice The bond a task with this reward in this token and mode would require now.
    /// @param token Payment token.
    /// @param reward Reward.
    /// @param mode Verification mode.
    function bondFor(address token, uint256 reward, VerificationMode mode) external view returns (uint256);

    /// @notice The commitment a provider must send for a REDUNDANT result.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param resultHash keccak256 of the result.
    /// @param salt Secret salt.
    function resultCommitment(
        uint256 taskId,
        address provider,
        bytes32 resultHash,
        bytes32 salt
    ) external view returns (bytes32);

    /// @notice Number of tasks submitted so far (ids run from 1 to this value).
    function taskCount() external view returns (uint256);

    /// @notice Current governed market parameters.
    function marketParams() external view returns (MarketParams memory);

    /// @notice Current governed settlement parameters.
    function settlementParams() external view returns (SettlementParams memory);

    /// @notice The reserved result hash that reports a task fault: keccak256("eai.task-fault.v1").
    function TASK_FAULT_RESULT() external view returns (bytes32);

    /// @notice The bond floor and the minimum active stake a provider needs to claim, both in EAI wei.
    /// @return bondFloor Smallest bond.
    /// @return minProviderStake Minimum active stake.
    function stakeParams() external view returns (uint256 bondFloor, uint256 minProviderStake);

    /// @notice Whether `token` is accepted, and its EAI rate for bond sizing.
    /// @param token The token.
    function paymentToken(address token) external view returns (bool allowed, uint256 eaiPerToken);

    /// @notice The treasury.
    function treasury() external view returns (address);
}
