// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IMiningRewards
/// @notice Epoch-based mining emissions for verified work (docs/PROTOCOL.md, "Mining rewards"). The contract is the
///         TaskMarket's treasury: `collectFees` pulls the market's EAI fee credit, counts it into the current epoch
///         and forwards it to the real treasury. Once an epoch has ended anyone closes it (snapshotting its fees, the
///         parameters and a block for stake reads); anyone may then propose a Merkle root of per-owner amounts,
///         computed from the market's events by the SDK script (`sdk/src/rewards`), with a bond. The root is
///         bounded on-chain: its total never exceeds `min(schedule, fees × feeFactorBps / 10 000)` and no owner can
///         claim more than `ownerCapBps` of its stake at the close block. Anyone may challenge a root within the
///         challenge window with an equal bond; governance (the timelock) may veto a root until it is final. Owners
///         (or anyone for them) claim from final roots; the amount is minted to the owner.
/// @dev Holds the token's `MINTER_ROLE`. Holds no user funds besides posted bonds (pull credits).
interface IMiningRewards {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice Where an epoch stands.
    /// @dev Open: running or ended but not closed. Closed: fees and parameters snapshotted, no root (or a vetoed one).
    ///      Proposed: a root awaits its challenge window. Challenged: a root awaits governance's decision until its
    ///      resolution deadline. Finalized: claims are open.
    enum EpochStatus {
        Open,
        Closed,
        Proposed,
        Challenged,
        Finalized
    }

    /// @notice Governed parameters; bounds in docs/PARAMETERS.md and the `MAX_*`/`MIN_*` constants.
    /// @param emissionPerEpoch EAI scheduled per epoch at multiplier 1 (scaled by the contribution curve).
    /// @param feeFactorBps An epoch pays at most its collected treasury fees times this (strictly below 10 000).
    /// @param ownerCapBps An owner claims at most this share of its stake (at the close block) per epoch.
    /// @param newcomerBps Share of its points a provider below tier 2 keeps (off-chain rule of the root script).
    /// @param uptimeSecondsPerHour Compute-second points per checked online hour (off-chain rule of the root script).
    /// @param gpuWeight Compute weight of a model that needs a GPU relative to one CPU core (off-chain rule).
    /// @param posterBond EAI bond of a root proposal and of a challenge.
    /// @param challengeWindow Seconds after a proposal during which anyone may challenge it.
    /// @param resolutionWindow Seconds after the challenge window during which governance may veto a challenged root.
    struct RewardParams {
        uint128 emissionPerEpoch;
        uint16 feeFactorBps;
        uint16 ownerCapBps;
        uint16 newcomerBps;
        uint32 uptimeSecondsPerHour;
        uint16 gpuWeight;
        uint128 posterBond;
        uint32 challengeWindow;
        uint32 resolutionWindow;
    }

    /// @notice Which field of `RewardParams` a rejected {setParams} got wrong.
    enum ParamField {
        EmissionPerEpoch,
        FeeFactorBps,
        OwnerCapBps,
        NewcomerBps,
        UptimeSecondsPerHour,
        GpuWeight,
        PosterBond,
        ChallengeWindow,
        ResolutionWindow
    }

    /// @notice One epoch's state.
    /// @param status Where the epoch stands.
    /// @param closeBlock Block of the close (stake caps and tiers are read at it).
    /// @param challengeEnds End of the challenge window of the current root.
    /// @param fees EAI fees collected while the epoch ran.
    /// @param payable_ Largest total a root may allocate (set at proposal).
    /// @param schedule Scheduled emission of the epoch, carry included (set at proposal).
    /// @param total Total the current root allocates.
    /// @param claimed Total claimed so far.
    /// @param computeSeconds Verified compute of the epoch the root reports (CPU-seconds).
    /// @param root Merkle root of `(epoch, owner, amount)` leaves.
    /// @param proposer Who posted the current root (and its bond).
    /// @param challenger Who challenged it (address(0): nobody).
    /// @param params Parameters in force at the close.
    struct Epoch {
        EpochStatus status;
        uint64 closeBlock;
        uint40 challengeEnds;
        uint256 fees;
        uint256 payable_;
        uint256 schedule;
        uint256 total;
        uint256 claimed;
        uint64 computeSeconds;
        bytes32 root;
        address proposer;
        address challenger;
        RewardParams params;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Emitted when market fees are collected into an epoch and forwarded to the treasury.
    /// @param epoch The epoch the fees count for.
    /// @param amount EAI collected.
    /// @param epochFees The epoch's fees afterwards.
    event FeesCollected(uint256 indexed epoch, uint256 amount, uint256 epochFees);

    /// @notice Emitted when a non-EAI fee token is withdrawn from the market and forwarded (it earns no emission).
    /// @param token The token.
    /// @param amount Amount forwarded.
    event FeesSwept(address indexed token, uint256 amount);

    /// @notice Emitted when an ended epoch is closed.
    /// @param epoch The epoch.
    /// @param fees Its collected fees.
    /// @param closeBlock The block stake caps and tiers are read at.
    /// @param params The parameters in force, which the root script uses.
    event EpochClosed(uint256 indexed epoch, uint256 fees, uint64 closeBlock, RewardParams params);

    /// @notice Emitted when a root is proposed.
    /// @param epoch The epoch.
    /// @param proposer The poster (bonded).
    /// @param root The Merkle root.
    /// @param total The total it allocates.
    /// @param computeSeconds Verified compute of the epoch it reports.
    /// @param payable_ The epoch's bound on `total`.
    /// @param schedule The epoch's scheduled emission (carry included).
    /// @param multiplierWad Contribution multiplier of the epoch (1e18 = 1).
    /// @param challengeEnds End of the challenge window.
    event RootProposed(
        uint256 indexed epoch,
        address indexed proposer,
        bytes32 root,
        uint256 total,
        uint64 computeSeconds,
        uint256 payable_,
        uint256 schedule,
        uint256 multiplierWad,
        uint40 challengeEnds
    );

    /// @notice Emitted when a root is challenged.
    /// @param epoch The epoch.
    /// @param challenger The challenger (bonded).
    event RootChallenged(uint256 indexed epoch, address indexed challenger);

    /// @notice Emitted when governance vetoes a root; the epoch can be proposed again.
    /// @param epoch The epoch.
    /// @param root The vetoed root.
    /// @param bondTo Who was credited the proposer's bond (the challenger, else the treasury).
    event RootVetoed(uint256 indexed epoch, bytes32 root, address bondTo);

    /// @notice Emitted when a root becomes final.
    /// @param epoch The epoch.
    /// @param root The root.
    /// @param carry Scheduled emission not allocated, rolled over to the next epochs.
    /// @param cumulativeComputeSeconds Verified compute of the network so far.
    event RootFinalized(uint256 indexed epoch, bytes32 root, uint256 carry, uint256 cumulativeComputeSeconds);

    /// @notice Emitted when an owner's reward is claimed (minted to the owner).
    /// @param epoch The epoch.
    /// @param owner The provider (stake owner) paid.
    /// @param amount EAI minted.
    /// @param caller Who sent the claim.
    event RewardClaimed(uint256 indexed epoch, address indexed owner, uint256 amount, address caller);

    /// @notice Emitted when a bond credit changes.
    /// @param account The account.
    /// @param amount Amount credited.
    /// @param newCredit Its bond credit afterwards.
    event BondCredited(address indexed account, uint256 amount, uint256 newCredit);

    /// @notice Emitted when bond credit is withdrawn.
    /// @param account The account.
    /// @param amount Amount withdrawn.
    event BondWithdrawn(address indexed account, uint256 amount);

    /// @notice Emitted when governance changes the parameters.
    /// @param params The new parameters.
    event ParamsUpdated(RewardParams params);

    /// @notice Emitted when governance changes where fees are forwarded.
    /// @param treasury The new treasury.
    event TreasuryUpdated(address indexed treasury);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Thrown when a constructor address is zero.
    /// @param parameter Its name.
    error MiningRewardsZeroAddress(string parameter);

    /// @notice Thrown when the epoch length is outside its bounds.
    /// @param length The given length.
    error MiningRewardsInvalidEpochLength(uint256 length);

    /// @notice Thrown when a parameter is outside its bounds.
    /// @param field The parameter.
    error MiningRewardsInvalidParam(ParamField field);

    /// @notice Thrown when the treasury would be zero or this contract.
    /// @param treasury The rejected address.
    error MiningRewardsInvalidTreasury(address treasury);

    /// @notice Thrown when an epoch is not in the status a call needs.
    /// @param epoch The epoch.
    /// @param status Its status.
    error MiningRewardsWrongStatus(uint256 epoch, EpochStatus status);

    /// @notice Thrown when an epoch has not ended yet.
    /// @param epoch The epoch.
    /// @param endsAt When it ends.
    error MiningRewardsEpochNotEnded(uint256 epoch, uint256 endsAt);

    /// @notice Thrown when a root is proposed out of order (the previous epoch's root is not final).
    /// @param epoch The epoch given.
    /// @param next The epoch whose root must be proposed next.
    error MiningRewardsOutOfOrder(uint256 epoch, uint256 next);

    /// @notice Thrown when a root's total exceeds the epoch's bound.
    /// @param total The root's total.
    /// @param payable_ The bound.
    error MiningRewardsOverBound(uint256 total, uint256 payable_);

    /// @notice Thrown when a root's total would not fit under the token's cap with everything still unclaimed.
    /// @param needed Outstanding plus the new total.
    /// @param headroom Cap minus total supply.
    error MiningRewardsOverCap(uint256 needed, uint256 headroom);

    /// @notice Thrown when a challenge comes after its window, or a finalization before it.
    /// @param epoch The epoch.
    /// @param deadline The window's end.
    error MiningRewardsWindow(uint256 epoch, uint256 deadline);

    /// @notice Thrown when an owner claims an epoch a second time.
    /// @param epoch The epoch.
    /// @param owner The owner.
    error MiningRewardsAlreadyClaimed(uint256 epoch, address owner);

    /// @notice Thrown when a Merkle proof does not prove the leaf.
    /// @param epoch The epoch.
    /// @param owner The owner.
    /// @param amount The amount claimed.
    error MiningRewardsInvalidProof(uint256 epoch, address owner, uint256 amount);

    /// @notice Thrown when a claim exceeds the owner's per-epoch cap.
    /// @param owner The owner.
    /// @param amount The amount claimed.
    /// @param cap Its cap (ownerCapBps of its stake at the close block).
    error MiningRewardsOverOwnerCap(address owner, uint256 amount, uint256 cap);

    /// @notice Thrown when claims would exceed the root's declared total (a malformed root).
    /// @param epoch The epoch.
    /// @param claimed Claimed including this claim.
    /// @param total The root's total.
    error MiningRewardsOverTotal(uint256 epoch, uint256 claimed, uint256 total);

    /// @notice Thrown when an account withdraws without bond credit.
    /// @param account The account.
    error MiningRewardsNoCredit(address account);

    /// @notice Thrown when `sweep` is asked for EAI (EAI goes through `collectFees`).
    error MiningRewardsSweepEai();

    /*//////////////////////////////////////////////////////////////
                                FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Pulls the market's EAI fee credit of this contract, counts it into the current epoch and forwards it
    ///         to the treasury. Anyone may call; without credit it does nothing.
    /// @return amount EAI collected.
    function collectFees() external returns (uint256 amount);

    /// @notice Pulls a non-EAI fee token's credit from the market and forwards it to the treasury (no emission).
    /// @param token The token.
    /// @return amount Amount forwarded.
    function sweep(address token) external returns (uint256 amount);

    /// @notice Closes an ended epoch: snapshots its fees, the parameters and the block. Anyone may call.
    /// @param epoch The epoch.
    function closeEpoch(uint256 epoch) external;

    /// @notice Proposes the root of the next epoch to settle, pulling `posterBond` EAI from the caller.
    /// @param epoch The epoch (closed, and every earlier epoch final).
    /// @param root Merkle root of `(epoch, owner, amount)` leaves (OpenZeppelin standard tree, double-hashed).
    /// @param total Sum of the leaves' amounts.
    /// @param computeSeconds Verified compute of the epoch (CPU-seconds) the root was computed with.
    function proposeRoot(uint256 epoch, bytes32 root, uint256 total, uint64 computeSeconds) external;

    /// @notice Challenges the proposed root within its window, pulling `posterBond` EAI from the caller. The root
    ///         then waits `resolutionWindow` for governance's veto.
    /// @param epoch The epoch.
    function challengeRoot(uint256 epoch) external;

    /// @notice Governance (timelock) discards a root that is not final. The proposer's bond goes to the challenger
    ///         (else the treasury); the challenger's bond is returned. The epoch can be proposed again.
    /// @param epoch The epoch.
    function vetoRoot(uint256 epoch) external;

    /// @notice Makes a root final after its window (challenged: after the resolution window, the challenger's bond
    ///         going to the proposer). Anyone may call.
    /// @param epoch The epoch.
    function finalizeRoot(uint256 epoch) external;

    /// @notice Claims an owner's reward of a final epoch; the amount is minted to the owner. Anyone may send it.
    /// @param epoch The epoch.
    /// @param owner The provider (stake owner).
    /// @param amount Its leaf amount.
    /// @param proof Merkle proof of the leaf.
    function claim(uint256 epoch, address owner, uint256 amount, bytes32[] calldata proof) external;

    /// @notice Withdraws the caller's bond credit.
    function withdrawBond() external;

    /// @notice Sets the parameters (timelock only; bounds in docs/PARAMETERS.md). Applies from the next close.
    /// @param params The new parameters.
    function setParams(RewardParams calldata params) external;

    /// @notice Sets where collected fees are forwarded (timelock only).
    /// @param treasury The new treasury.
    function setTreasury(address treasury) external;

    /// @notice The epoch running at `timestamp` (0 before genesis).
    /// @param timestamp A time.
    /// @return The epoch index.
    function epochAt(uint256 timestamp) external view returns (uint256);

    /// @notice Start time of an epoch (its end is the next epoch's start).
    /// @param epoch The epoch.
    /// @return Its start.
    function epochStart(uint256 epoch) external view returns (uint256);

    /// @notice An epoch's state.
    /// @param epoch The epoch.
    /// @return The state.
    function getEpoch(uint256 epoch) external view returns (Epoch memory);

    /// @notice Fees collected into an epoch so far (final once the epoch has ended).
    /// @param epoch The epoch.
    /// @return EAI fees.
    function feesOf(uint256 epoch) external view returns (uint256);

    /// @notice Whether an owner has claimed an epoch.
    /// @param epoch The epoch.
    /// @param owner The owner.
    /// @return True once claimed.
    function isClaimed(uint256 epoch, address owner) external view returns (bool);

    /// @notice What a root of `epoch` may allocate if proposed now: (payable, schedule, multiplier).
    /// @param epoch A closed epoch.
    /// @return payable_ The bound on a root's total.
    /// @return schedule Scheduled emission including carry.
    /// @return multiplierWad The contribution multiplier (1e18 = 1).
    function payableOf(uint256 epoch) external view returns (uint256 payable_, uint256 schedule, uint256 multiplierWad);

    /// @notice The contribution multiplier now (from the compute of every final epoch).
    /// @return The multiplier, 1e18 = 1.
    function currentMultiplier() external view returns (uint256);

    /// @notice The next epoch whose root must be proposed.
    /// @return The epoch index.
    function nextEpochToSettle() external view returns (uint256);

    /// @notice Verified compute of every final epoch (CPU-seconds).
    /// @return CPU-seconds.
    function cumulativeComputeSeconds() external view returns (uint256);

    /// @notice Scheduled emission not allocated by final roots, rolled into the next schedule.
    /// @return EAI.
    function carry() external view returns (uint256);

    /// @notice Allocated by proposed or final roots and not yet claimed (reserved under the token cap).
    /// @return EAI.
    function outstanding() external view returns (uint256);

    /// @notice Total minted by claims.
    /// @return EAI.
    function totalClaimed() external view returns (uint256);

    /// @notice A bond credit.
    /// @param account The account.
    /// @return EAI.
    function bondCreditOf(address account) external view returns (uint256);

    /// @notice The current parameters.
    /// @return The parameters.
    function params() external view returns (RewardParams memory);

    /// @notice Where fees are forwarded.
    /// @return The treasury.
    function treasury() external view returns (address);

    /// @notice The reward token (EAI).
    /// @return Its address.
    function token() external view returns (address);

    /// @notice The market whose fees are collected.
    /// @return Its address.
    function market() external view returns (address);

    /// @notice The stake vault read for owner caps.
    /// @return Its address.
    function vault() external view returns (address);

    /// @notice Start of epoch 0.
    /// @return Timestamp.
    function genesis() external view returns (uint256);

    /// @notice Length of every epoch in seconds.
    /// @return Seconds.
    function epochLength() external view returns (uint256);
}
