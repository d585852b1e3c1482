// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Resources} from "../types/Resources.sol";

/// @title ITaskMarketTypes
/// @notice Enums and structs of the EAI task market.
interface ITaskMarketTypes {
    /// @notice How a task's result is checked.
    /// @dev ZK: one provider submits a Groth16 proof that the model's verifier accepts; the output is a public signal.
    ///      REDUNDANT: `redundancy` stake-weighted draws assign votes to providers (one slot per provider, which holds
    ///      as many votes as draws it won); they commit and reveal a result hash; a strict majority of the
    ///      `redundancy` votes wins.
    enum VerificationMode {
        ZK,
        REDUNDANT
    }

    /// @notice Life-cycle state of a task.
    /// @dev None: unknown id. Open: claimable (a REDUNDANT task stays Open until every draw is claimed).
    ///      Claimed: a ZK task's claimant is working, or every REDUNDANT draw is taken (commit/reveal phase).
    ///      Completed: paid out. Cancelled: withdrawn by its requester before any claim. Refunded: expired or no
    ///      majority; the reward was credited back to the requester. Faulted: a majority of the votes reported a
    ///      task fault (the model or the input cannot be executed); the requester got the reward back minus the
    ///      governed fault fee, which went to the providers who reported it.
    enum TaskStatus {
        None,
        Open,
        Claimed,
        Completed,
        Cancelled,
        Refunded,
        Faulted
    }

    /// @notice What a requester submits.
    /// @param modelId Model to run (ModelRegistry id).
    /// @param paymentToken ERC-20 the reward is paid in; must be allowlisted by governance.
    /// @param reward Amount escrowed and paid out on success (provider/treasury/creator split).
    /// @param deadline Absolute time by which the task must be settled; afterwards it can only be refunded.
    /// @param execWindow Seconds a claimant has to deliver (ZK) or to commit (REDUNDANT, counted from the claim
    ///        that fills the last draw); at least the market's `minExecWindow` and the model's `minExecWindow`.
    /// @param mode Verification mode; ZK requires a ZK_MLP model, REDUNDANT an ONNX or WASM model.
    /// @param redundancy Votes (draws): 1 for ZK, odd and ≥ 3 for REDUNDANT.
    /// @param minTier Minimum reputation tier (1-3) a claimant needs.
    /// @param minResources Minimum resources a claimant needs; must meet the model's own minimum field by field
    ///        (clients copy the model's minimum in when they need nothing more).
    /// @param inputCommitment Commitment of the input: a Poseidon field element for ZK tasks, any non-zero hash
    ///        otherwise.
    /// @param inputURI Where the (possibly encrypted) input blob can be fetched; emitted, not stored.
    struct TaskRequest {
        uint64 modelId;
        address paymentToken;
        uint128 reward;
        uint40 deadline;
        uint32 execWindow;
        VerificationMode mode;
        uint8 redundancy;
        uint8 minTier;
        Resources minResources;
        uint256 inputCommitment;
        string inputURI;
    }

    /// @notice The full task specification fixed at submission. Only its hash is stored: every call that
    ///         needs it takes it back as calldata (clients read it from the `TaskSubmitted` event).
    /// @param requester Who submitted and paid; receives refunds (never a share of a slashed bond).
    /// @param paymentToken Token of the reward.
    /// @param reward Escrowed reward.
    /// @param bond EAI each claimant locks from free stake (snapshot of the bond rules at submission).
    /// @param modelId Model to run.
    /// @param modelCreator The model's creator (receives the creator share), snapshot at submission.
    /// @param verifier ZK: the model's Groth16 verifier, snapshot at submission (0 for other kinds).
    /// @param modelCommitment The model's weights commitment (public signal 0 of ZK proofs).
    /// @param createdAt Submission time (REDUNDANT: draw turns count from it).
    /// @param createdBlock Submission block; REDUNDANT draws are seeded by the hash of the block after it.
    /// @param priorityUntil Until this time only top-tier providers may claim.
    /// @param deadline Settlement deadline.
    /// @param execWindow Delivery window after a claim (see TaskRequest).
    /// @param revealWindow REDUNDANT: reveal window after the commit deadline (snapshot of the governed value).
    /// @param mode Verification mode.
    /// @param redundancy Number of providers.
    /// @param minTier Minimum tier.
    /// @param minResources Minimum resources (at least the model's minimum).
    /// @param inputCommitment Input commitment.
    /// @param rated Whether the outcome moves reputation: the model was approved by governance and the reward was
    ///        worth at least the governed `minRatedValue` at submission.
    struct TaskSpec {
        address requester;
        address paymentToken;
        uint128 reward;
        uint128 bond;
        uint64 modelId;
        address modelCreator;
        address verifier;
        uint256 modelCommitment;
        uint40 createdAt;
        uint64 createdBlock;
        uint40 priorityUntil;
        uint40 deadline;
        uint32 execWindow;
        uint32 revealWindow;
        VerificationMode mode;
        uint8 redundancy;
        uint8 minTier;
        Resources minResources;
        uint256 inputCommitment;
        bool rated;
    }

    /// @notice One task of a batched proof (TaskMarket.submitProofBatch).
    /// @param taskId The task.
    /// @param spec Its spec.
    /// @param output The output word of its slot (public signal 1 + k + slot).
    struct BatchItem {
        uint256 taskId;
        TaskSpec spec;
        uint256 output;
    }

    /// @notice Why a task of a verified batch was not settled (the others were; the proof is not wasted).
    /// @dev None: settled. NotOpen: completed, cancelled, refunded or faulted since (also a task named twice).
    ///      PastDeadline: its deadline passed. ClaimedByOther: another provider claimed it.
    enum BatchSkip {
        None,
        NotOpen,
        PastDeadline,
        ClaimedByOther
    }

    /// @notice What the market stores per task: one slot.
    /// @param specHash First 24 bytes of keccak256(abi.encode(spec)).
    /// @param status Current status.
    /// @param claims ZK: 1 while claimed, else 0. REDUNDANT: number of draws taken.
    /// @param phaseDeadline ZK: the claimant's delivery deadline. REDUNDANT: the commit deadline, set when the
    ///        last draw is claimed (0 before).
    struct TaskState {
        bytes24 specHash;
        TaskStatus status;
        uint8 claims;
        uint40 phaseDeadline;
    }

    /// @notice A provider's position (slot) in a REDUNDANT task.
    /// @param commitment keccak256(abi.encode(chainid, market, taskId, provider, resultHash, salt)); 0 until committed.
    /// @param resultHash Revealed result hash; 0 until revealed. `TASK_FAULT_RESULT` reports a task fault.
    /// @param draws Bit i set: the provider holds draw i. Its votes are the number of bits set.
    struct RedundantClaim {
        bytes32 commitment;
        bytes32 resultHash;
        uint16 draws;
    }

    /// @notice REDUNDANT bookkeeping of one task; one slot.
    /// @param drawsTaken Bit i set: draw i is taken.
    /// @param members Number of distinct providers holding draws.
    /// @param commits Members that committed.
    /// @param reveals Members that revealed.
    /// @param seed Draw seed (non-zero once fixed by the first claim): keccak256(blockhash(createdBlock + 1), taskId).
    struct Round {
        uint16 drawsTaken;
        uint8 members;
        uint8 commits;
        uint8 reveals;
        uint216 seed;
    }

    /// @notice Names of the bounded governed parameters, for {ITaskMarketErrors.TaskMarketInvalidParam}.
    enum MarketParam {
        ZkBondRatioBps,
        RedundantBondRatioBps,
        PriorityWindow,
        RevealWindow,
        MaxRedundancy,
        BondFloor,
        EaiPerToken,
        MinExecWindow,
        MaxTaskLifetime,
        DrawStep,
        FillTimeout,
        FaultFeeBps
    }

    /// @notice Governed market parameters, packed into one slot.
    /// @param providerBps Provider share of a reward in basis points (default 8000).
    /// @param treasuryBps Treasury share (default 1500).
    /// @param creatorBps Model creator share (default 500). The three sum to 10 000.
    /// @param zkBondRatioBps ZK claim bond as a share of the reward's EAI value (default 1000 = 10%).
    /// @param redundantBondRatioBps REDUNDANT claim bond as a share of the reward's EAI value (default 15000 = 150%),
    ///        so a wrong answer always costs more than the reward it could earn.
    /// @param priorityWindow Seconds after submission during which only tier-3 providers may claim (default 30).
    /// @param revealWindow Seconds for reveals after the commit deadline (default 600).
    /// @param maxRedundancy Largest allowed redundancy; bounds every loop over draws and claimants (default 9, max 15).
    /// @param minExecWindow Shortest execution window any task may ask for (default 120 s, at least 30 s), so a
    ///        requester cannot make a claim expire before it can be served.
    /// @param maxTaskLifetime Latest deadline a task may set, counted from submission (default 7 days, at most 90
    ///        days), so no reward or bond is locked for longer.
    struct MarketParams {
        uint16 providerBps;
        uint16 treasuryBps;
        uint16 creatorBps;
        uint16 zkBondRatioBps;
        uint16 redundantBondRatioBps;
        uint32 priorityWindow;
        uint32 revealWindow;
        uint8 maxRedundancy;
        uint32 minExecWindow;
        uint32 maxTaskLifetime;
    }

    /// @notice Governed settlement parameters, packed into one slot.
    /// @param drawStep Seconds one unit of draw key is worth: a provider holding all the stake waits on average
    ///        about 1.44 steps for its turn on a draw, one with a share s about 1.44/s steps (default 10 s).
    /// @param fillTimeout Seconds after submission from which claimants of a REDUNDANT task whose draws are not all
    ///        taken may leave it with their bond (default 15 minutes).
    /// @param faultFeeBps Share of the reward paid to the providers whose task-fault report won the majority; the
    ///        requester gets the rest back (default 1000 = 10%, at most 5000).
    /// @param minRatedValue Smallest reward, in EAI wei at the payment token's bond rate, whose outcome moves
    ///        reputation (default 10 EAI).
    struct SettlementParams {
        uint32 drawStep;
        uint32 fillTimeout;
        uint16 faultFeeBps;
        uint128 minRatedValue;
    }
}
