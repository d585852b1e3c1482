// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Resources} from "../types/Resources.sol";

/// @title ITaskMarketTypes
/// @notice Enums and structs of the EAI task market.
interface ITaskMarketTypes {
    /// @notice How a task's result is checked.
    /// @dev ZK: one provider submits a Groth16 proof that the model's verifier accepts. REDUNDANT: `redundancy`
    ///      providers commit and reveal a result hash; the strict majority of `redundancy` wins.
    enum VerificationMode {
        ZK,
        REDUNDANT
    }

    /// @notice Life-cycle state of a task.
    /// @dev None: unknown id. Open: claimable (a REDUNDANT task stays Open until every slot is claimed).
    ///      Claimed: a ZK task's claimant is working, or every REDUNDANT slot is taken (commit/reveal phase).
    ///      Completed: paid out. Cancelled: withdrawn by its requester before any claim. Refunded: expired or no
    ///      majority; the reward was credited back to the requester.
    enum TaskStatus {
        None,
        Open,
        Claimed,
        Completed,
        Cancelled,
        Refunded
    }

    /// @notice What a requester submits.
    /// @param modelId Model to run (ModelRegistry id).
    /// @param paymentToken ERC-20 the reward is paid in; must be allowlisted by governance.
    /// @param reward Amount escrowed and paid out on success (provider/treasury/creator split).
    /// @param deadline Absolute time by which the task must be settled; afterwards it can only be refunded.
    /// @param execWindow Seconds a claimant has to deliver (ZK) or to commit (REDUNDANT, counted from the claim
    ///        that fills the last slot).
    /// @param mode Verification mode; ZK requires a ZK_MLP model.
    /// @param redundancy Providers that must agree: 1 for ZK, odd and ≥ 3 for REDUNDANT.
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
    /// @param requester Who submitted and paid; receives refunds and the harmed share of slashed bonds.
    /// @param paymentToken Token of the reward.
    /// @param reward Escrowed reward.
    /// @param bond EAI each claimant locks from free stake (snapshot of the bond rules at submission).
    /// @param modelId Model to run.
    /// @param modelCreator The model's creator (receives the creator share), snapshot at submission.
    /// @param verifier ZK: the model's Groth16 verifier, snapshot at submission (0 for other kinds).
    /// @param modelCommitment The model's weights commitment (public signal 0 of ZK proofs).
    /// @param createdAt Submission time.
    /// @param priorityUntil Until this time only top-tier providers may claim.
    /// @param deadline Settlement deadline.
    /// @param execWindow Delivery window after a claim (see TaskRequest).
    /// @param revealWindow REDUNDANT: reveal window after the commit deadline (snapshot of the governed value).
    /// @param mode Verification mode.
    /// @param redundancy Number of providers.
    /// @param minTier Minimum tier.
    /// @param minResources Minimum resources (at least the model's minimum).
    /// @param inputCommitment Input commitment.
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
        uint40 priorityUntil;
        uint40 deadline;
        uint32 execWindow;
        uint32 revealWindow;
        VerificationMode mode;
        uint8 redundancy;
        uint8 minTier;
        Resources minResources;
        uint256 inputCommitment;
    }

    /// @notice What the market stores per task: one slot.
    /// @param specHash First 24 bytes of keccak256(abi.encode(spec)).
    /// @param status Current status.
    /// @param claims Number of providers holding a claim (0 or 1 for ZK).
    /// @param phaseDeadline ZK: the claimant's delivery deadline. REDUNDANT: the commit deadline, set when the
    ///        last slot is claimed (0 before).
    struct TaskState {
        bytes24 specHash;
        TaskStatus status;
        uint8 claims;
        uint40 phaseDeadline;
    }

    /// @notice A provider's position in a REDUNDANT task.
    /// @param commitment keccak256(abi.encode(chainid, market, taskId, provider, resultHash, salt)); 0 until committed.
    /// @param resultHash Revealed result hash; 0 until revealed.
    struct RedundantClaim {
        bytes32 commitment;
        bytes32 resultHash;
    }

    /// @notice Names of the bounded governed parameters, for {ITaskMarketErrors.TaskMarketInvalidParam}.
    enum MarketParam {
        ZkBondRatioBps,
        RedundantBondRatioBps,
        PriorityWindow,
        RevealWindow,
        MaxRedundancy,
        BondFloor,
        EaiPerToken
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
    /// @param maxRedundancy Largest allowed redundancy; bounds every loop over claimants (default 9, max 15).
    struct MarketParams {
        uint16 providerBps;
        uint16 treasuryBps;
        uint16 creatorBps;
        uint16 zkBondRatioBps;
        uint16 redundantBondRatioBps;
        uint32 priorityWindow;
        uint32 revealWindow;
        uint8 maxRedundancy;
    }
}
