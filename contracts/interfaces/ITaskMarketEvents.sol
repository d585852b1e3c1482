// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITaskMarketTypes} from "./ITaskMarketTypes.sol";
import {IReputation} from "./IReputation.sol";

/// @title ITaskMarketEvents
/// @notice Events of the EAI task market. Each carries what the indexer needs, so it never reads state.
interface ITaskMarketEvents is ITaskMarketTypes {
    /// @notice Emitted when a task is submitted and its reward escrowed.
    /// @param taskId New task id.
    /// @param requester Who pays.
    /// @param modelId Model to run.
    /// @param spec The full spec (pass it back to every later call).
    /// @param inputURI Where the input blob is.
    event TaskSubmitted(
        uint256 indexed taskId,
        address indexed requester,
        uint64 indexed modelId,
        TaskSpec spec,
        string inputURI
    );

    /// @notice Emitted when a provider claims a task (or a REDUNDANT slot) and locks its bond.
    /// @param taskId The task.
    /// @param provider The provider (owner) that is bonded and paid.
    /// @param operator The account that sent the claim (the provider itself or its operator).
    /// @param bond EAI locked.
    /// @param claims Claims held after this one.
    /// @param phaseDeadline ZK: delivery deadline. REDUNDANT: commit deadline once the last slot is taken, else 0.
    event TaskClaimed(
        uint256 indexed taskId,
        address indexed provider,
        address operator,
        uint256 bond,
        uint8 claims,
        uint40 phaseDeadline
    );

    /// @notice Emitted when the requester cancels an unclaimed task; the reward is credited back.
    /// @param taskId The task.
    /// @param requester The requester.
    /// @param refund Amount credited.
    event TaskCancelled(uint256 indexed taskId, address indexed requester, uint256 refund);

    /// @notice Emitted when a Groth16 proof is verified for a ZK task.
    /// @param taskId The task.
    /// @param provider The provider paid for it.
    /// @param output The proven output word (public signal 2): for the digits model the ten logits packed as
    ///        unsigned 18-bit slots (docs/CIRCUITS.md). The proof fixes it: no other value can be published.
    event ProofAccepted(uint256 indexed taskId, address indexed provider, uint256 output);

    /// @notice Emitted once per verified batched proof, after the `ProofAccepted` of each task it settled.
    /// @param provider The provider paid.
    /// @param modelId The model.
    /// @param batchSize Task slots of the circuit.
    /// @param tasks Tasks named in the batch (the other slots were padding).
    /// @param settled Tasks settled (the others have a `ProofBatchTaskSkipped`).
    event ProofBatchSettled(
        address indexed provider,
        uint64 indexed modelId,
        uint8 batchSize,
        uint8 tasks,
        uint8 settled
    );

    /// @notice Emitted for a task of a verified batch that was not settled; the rest of the batch was.
    /// @param taskId The task.
    /// @param provider The provider whose proof it was.
    /// @param reason Why (ITaskMarketTypes.BatchSkip).
    /// @param status The task's status at that moment.
    event ProofBatchTaskSkipped(uint256 indexed taskId, address indexed provider, BatchSkip reason, TaskStatus status);

    /// @notice Emitted when a provider takes one draw of a REDUNDANT task (after `TaskClaimed`).
    /// @param taskId The task.
    /// @param provider The provider (operators count as their provider).
    /// @param draw The draw index (0 .. redundancy - 1).
    /// @param votes The provider's votes on the task afterwards.
    event DrawClaimed(uint256 indexed taskId, address indexed provider, uint8 draw, uint8 votes);

    /// @notice Emitted when a claimant leaves a REDUNDANT task whose draws did not all fill in time.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param votes Votes (draws) it gave up; they can be claimed again.
    /// @param bond Bond released (bond per vote times votes).
    event ClaimantLeft(uint256 indexed taskId, address indexed provider, uint8 votes, uint256 bond);

    /// @notice Emitted when a REDUNDANT task ends with a majority of votes reporting a task fault: the requester is
    ///         credited the reward minus the fault fee, the fee goes to the providers who reported the fault.
    /// @param taskId The task.
    /// @param requester The requester.
    /// @param refund Amount credited back to the requester.
    /// @param fee Fault fee credited to the reporting providers (each also gets a `ProviderPaid`).
    /// @param votes Votes that reported the fault.
    event TaskFaulted(uint256 indexed taskId, address indexed requester, uint256 refund, uint256 fee, uint8 votes);

    /// @notice Emitted when a REDUNDANT claimant commits to a result.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param commitment The commitment.
    /// @param commits Commitments after this one.
    event ResultCommitted(uint256 indexed taskId, address indexed provider, bytes32 commitment, uint8 commits);

    /// @notice Emitted when a REDUNDANT claimant reveals its result.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param resultHash keccak256 of the result bytes.
    /// @param resultURI Where the result blob is.
    /// @param reveals Reveals after this one.
    event ResultRevealed(
        uint256 indexed taskId,
        address indexed provider,
        bytes32 resultHash,
        string resultURI,
        uint8 reveals
    );

    /// @notice Emitted when a task is settled and its payouts credited.
    /// @param taskId The task.
    /// @param result ZK: the output commitment; REDUNDANT: the majority result hash.
    /// @param token Payment token.
    /// @param providerPayout Total credited to providers (split equally among winners).
    /// @param treasuryFee Credited to the treasury (including rounding dust).
    /// @param creatorFee Credited to the model creator.
    /// @param winners Number of providers paid.
    event TaskCompleted(
        uint256 indexed taskId,
        bytes32 result,
        address token,
        uint256 providerPayout,
        uint256 treasuryFee,
        uint256 creatorFee,
        uint8 winners
    );

    /// @notice Emitted for each provider paid for a task.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param token Payment token.
    /// @param amount Credited amount.
    event ProviderPaid(uint256 indexed taskId, address indexed provider, address token, uint256 amount);

    /// @notice Emitted when a provider's bond is slashed for a task.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param bond Amount slashed (the task's bond per vote times the provider's votes), credited to the treasury.
    /// @param outcome Why (wrong result, missed deadline, no reveal).
    event ProviderPenalized(
        uint256 indexed taskId,
        address indexed provider,
        uint256 bond,
        IReputation.Outcome outcome
    );

    /// @notice Emitted when a provider's bond is released without penalty.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param bond Amount released (bond per vote times votes).
    event BondReturned(uint256 indexed taskId, address indexed provider, uint256 bond);

    /// @notice Emitted when a claimant missed its delivery deadline.
    /// @param taskId The task.
    /// @param provider The claimant.
    /// @param reopened True when the task went back to Open; false when it was refunded.
    event TaskExpired(uint256 indexed taskId, address indexed provider, bool reopened);

    /// @notice Emitted when a task's reward is credited back to its requester.
    /// @param taskId The task.
    /// @param requester The requester.
    /// @param amount Amount credited.
    /// @param noMajority True when a REDUNDANT task ended without a strict majority.
    event TaskRefunded(uint256 indexed taskId, address indexed requester, uint256 amount, bool noMajority);

    /// @notice Emitted when an account withdraws its credited balance.
    /// @param account The account.
    /// @param token The token.
    /// @param amount Amount sent.
    event Withdrawn(address indexed account, address indexed token, uint256 amount);

    /// @notice Emitted when governance changes the market parameters.
    /// @param params The new parameters.
    event MarketParamsUpdated(MarketParams params);

    /// @notice Emitted when governance changes the settlement parameters.
    /// @param params The new parameters.
    event SettlementParamsUpdated(SettlementParams params);

    /// @notice Emitted when governance changes the bond floor or the minimum provider stake.
    /// @param bondFloor Smallest bond in EAI.
    /// @param minProviderStake Active stake a provider needs to claim.
    event StakeParamsUpdated(uint256 bondFloor, uint256 minProviderStake);

    /// @notice Emitted when governance allowlists or delists a payment token.
    /// @param token The token.
    /// @param allowed Whether it is accepted.
    /// @param eaiPerToken EAI wei per 1e18 token units, used to size bonds.
    event PaymentTokenUpdated(address indexed token, bool allowed, uint256 eaiPerToken);

    /// @notice Emitted when governance changes the treasury.
    /// @param treasury New treasury.
    event TreasuryUpdated(address treasury);
}
