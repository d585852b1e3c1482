// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IReputation
/// @notice Per-provider reputation: a trust score (are results right?) and an availability score (are tasks
///         delivered on time?), both in basis points (0..10_000), time-weighted and decaying toward a neutral score;
///         completed/failed/violation counts; a tier 1-3 from governed thresholds; suspension when trust falls below a
///         threshold; a permanent ban after repeated violations.
/// @dev Written only by `REPORTER_ROLE` holders (the TaskMarket, later the dispute contracts). Parameters are governed
///      (`DEFAULT_ADMIN_ROLE`, held by the timelock).
interface IReputation {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice How a task ended for one provider.
    /// @dev Success: trust and availability up, completed + 1. WrongResult: trust down. MissedDeadline: availability
    ///      down. NoReveal: trust and availability down. FailedAudit (a random audit found the result wrong, confirmed
    ///      by a jury): trust and availability down. MissedAudit (an auditor took an audit and did not report):
    ///      availability down. Every non-success outcome adds one failure and one violation.
    enum Outcome {
        Success,
        WrongResult,
        MissedDeadline,
        NoReveal,
        FailedAudit,
        MissedAudit
    }

    /// @notice Which parameter a rejected {setParams} call got wrong.
    enum ParamField {
        InitialScore,
        SuccessWeight,
        FailureWeight,
        HalfLife,
        Tier2Trust,
        Tier2Availability,
        Tier3Trust,
        Tier3Availability,
        Tier3Completed,
        SuspendThreshold,
        SuspensionPeriod,
        MaxViolations
    }

    /// @notice A provider's reputation record; packed into one storage slot (240 bits).
    /// @param trust Trust score in basis points (decayed to the time of reading in views).
    /// @param availability Availability score in basis points (decayed to the time of reading in views).
    /// @param completed Number of successful tasks (saturates at 2^32 - 1).
    /// @param failed Number of failed tasks (saturates at 2^32 - 1).
    /// @param violations Number of violations (saturates at 2^16 - 1); reaching `maxViolations` bans.
    /// @param lastUpdate Timestamp of the last recorded outcome; 0 for a provider never recorded.
    /// @param suspendedUntil The provider is suspended while `block.timestamp < suspendedUntil`.
    /// @param banned Whether the provider is permanently banned.
    /// @param firstRecordedAt Timestamp of the first recorded outcome (the start of the provider's age); 0 before.
    struct Record {
        uint16 trust;
        uint16 availability;
        uint32 completed;
        uint32 failed;
        uint16 violations;
        uint40 lastUpdate;
        uint40 suspendedUntil;
        bool banned;
        uint40 firstRecordedAt;
    }

    /// @notice Minimum age for each tier: time since a provider's first recorded outcome; one slot.
    /// @param tier2MinAge Seconds of age tier 2 needs (at most `MAX_TIER_AGE`).
    /// @param tier3MinAge Seconds of age tier 3 needs (at least `tier2MinAge`, at most `MAX_TIER_AGE`).
    struct TierAges {
        uint32 tier2MinAge;
        uint32 tier3MinAge;
    }

    /// @notice Governed reputation parameters; packed into one storage slot (256 bits).
    /// @param initialScore Score of a new provider and the neutral score both scores decay toward (bps).
    /// @param successWeightBps A success raises a score by this share of its gap to 10_000 (rounded down).
    /// @param failureWeightBps A failure lowers a score by this share of the score (rounded up); must exceed
    ///        `successWeightBps`.
    /// @param halfLife Seconds of inactivity after which a score's deviation from `initialScore` has halved.
    /// @param tier2Trust Minimum trust for tier 2 (bps).
    /// @param tier2Availability Minimum availability for tier 2 (bps).
    /// @param tier2Completed Minimum completed tasks for tier 2.
    /// @param tier3Trust Minimum trust for tier 3 (bps).
    /// @param tier3Availability Minimum availability for tier 3 (bps).
    /// @param tier3Completed Minimum completed tasks for tier 3.
    /// @param suspendThreshold A failure leaving trust below this suspends the provider (bps).
    /// @param suspensionPeriod Length of a suspension in seconds; 0 switches suspensions off.
    /// @param maxViolations Number of violations at which a provider is banned for good.
    struct Params {
        uint16 initialScore;
        uint16 successWeightBps;
        uint16 failureWeightBps;
        uint32 halfLife;
        uint16 tier2Trust;
        uint16 tier2Availability;
        uint16 tier2Completed;
        uint16 tier3Trust;
        uint16 tier3Availability;
        uint16 tier3Completed;
        uint16 suspendThreshold;
        uint32 suspensionPeriod;
        uint16 maxViolations;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Emitted for every recorded outcome, with the provider's record after it.
    /// @param provider The provider.
    /// @param outcome The recorded outcome.
    /// @param trust Trust score after decay and the outcome (bps).
    /// @param availability Availability score after decay and the outcome (bps).
    /// @param tier Tier after the outcome (1-3).
    /// @param completed Completed count after the outcome.
    /// @param failed Failed count after the outcome.
    /// @param violations Violation count after the outcome.
    event ReputationUpdated(
        address indexed provider,
        Outcome outcome,
        uint16 trust,
        uint16 availability,
        uint8 tier,
        uint32 completed,
        uint32 failed,
        uint16 violations
    );

    /// @notice Emitted when a failure leaves trust below the suspend threshold and starts or extends a suspension.
    /// @param provider The provider.
    /// @param until The provider is suspended while `block.timestamp < until`.
    event ProviderSuspended(address indexed provider, uint40 until);

    /// @notice Emitted once, when a provider reaches `maxViolations` and is banned for good.
    /// @param provider The provider.
    /// @param violations Its violation count.
    event ProviderBanned(address indexed provider, uint16 violations);

    /// @notice Emitted when governance changes the parameters.
    /// @param params The new parameters.
    event ParamsUpdated(Params params);

    /// @notice Emitted when governance changes the minimum tier ages.
    /// @param ages The new ages.
    event TierAgesUpdated(TierAges ages);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Thrown when {setParams} gets a parameter outside its bounds.
    /// @param field The offending parameter.
    /// @param value Its value.
    /// @param bound The bound it broke (a maximum, or the value it must exceed or reach; see {setParams}).
    error ReputationInvalidParams(ParamField field, uint256 value, uint256 bound);

    /// @notice Thrown when {setTierAges} gets ages out of order or above `MAX_TIER_AGE`.
    /// @param tier2MinAge Rejected tier-2 age.
    /// @param tier3MinAge Rejected tier-3 age.
    error ReputationInvalidTierAges(uint32 tier2MinAge, uint32 tier3MinAge);

    /// @notice Thrown when an outcome is recorded for the zero address.
    error ReputationZeroProvider();

    /// @notice Thrown when the constructor is given the zero address as admin.
    error ReputationZeroAdmin();

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Records how a task ended for `provider`. `REPORTER_ROLE` only.
    /// @dev Decays both scores to now, applies the outcome, updates counts, then suspends (a failure leaving trust
    ///      below `suspendThreshold`) or bans (violations reaching `maxViolations`). Never reverts for a banned or
    ///      suspended provider, so in-flight tasks always settle.
    /// @param provider The provider (the registered owner, not an operator).
    /// @param outcome How the task ended.
    function record(address provider, Outcome outcome) external;

    /// @notice Replaces the parameters. `DEFAULT_ADMIN_ROLE` only.
    /// @dev Bounds: initialScore, tier and suspend thresholds <= 10_000; 0 < successWeightBps < failureWeightBps
    ///      <= 10_000; MIN_HALF_LIFE <= halfLife <= MAX_HALF_LIFE; tier3Trust >= tier2Trust > suspendThreshold;
    ///      tier3Availability >= tier2Availability; tier3Completed >= tier2Completed; suspensionPeriod <=
    ///      MAX_SUSPENSION_PERIOD; maxViolations > 0. New values apply to every provider from the next read, including
    ///      the decay since each provider's last update.
    /// @param newParams The new parameters.
    function setParams(Params calldata newParams) external;

    /// @notice Replaces the minimum tier ages. `DEFAULT_ADMIN_ROLE` only.
    /// @dev Bounds: tier2MinAge <= tier3MinAge <= MAX_TIER_AGE. New values apply from the next read.
    /// @param ages The new ages.
    function setTierAges(TierAges calldata ages) external;

    /// @notice The current parameters.
    /// @return The parameters.
    function params() external view returns (Params memory);

    /// @notice The current minimum tier ages.
    /// @return The ages.
    function tierAges() external view returns (TierAges memory);

    /// @notice Tier and eligibility to claim: the TaskMarket's hot path.
    /// @param provider The provider.
    /// @return tier Tier 1-3 (1 for unknown providers).
    /// @return eligible True unless suspended or banned (true for unknown providers).
    function standingOf(address provider) external view returns (uint8 tier, bool eligible);

    /// @notice The provider's record with both scores decayed to now (unknown providers: `initialScore`, zeros).
    /// @param provider The provider.
    /// @return The record.
    function getRecord(address provider) external view returns (Record memory);

    /// @notice Trust score decayed to now.
    /// @param provider The provider.
    /// @return Trust in basis points.
    function trustScore(address provider) external view returns (uint16);

    /// @notice Availability score decayed to now.
    /// @param provider The provider.
    /// @return Availability in basis points.
    function availabilityScore(address provider) external view returns (uint16);

    /// @notice Tier 1-3 from the decayed scores, the completed count, the age and the governed thresholds.
    /// @param provider The provider.
    /// @return The tier.
    function tierOf(address provider) external view returns (uint8);

    /// @notice Whether the provider is suspended now.
    /// @param provider The provider.
    /// @return True while `block.timestamp < suspendedUntil`.
    function isSuspended(address provider) external view returns (bool);

    /// @notice Whether the provider is banned for good.
    /// @param provider The provider.
    /// @return True once banned.
    function isBanned(address provider) external view returns (bool);

    /// @notice Highest score, in basis points.
    /// @return 10_000.
    function MAX_SCORE() external view returns (uint16);

    /// @notice Shortest half-life {setParams} accepts.
    /// @return 1 day, in seconds.
    function MIN_HALF_LIFE() external view returns (uint32);

    /// @notice Longest half-life {setParams} accepts.
    /// @return 730 days, in seconds.
    function MAX_HALF_LIFE() external view returns (uint32);

    /// @notice Longest minimum tier age {setTierAges} accepts.
    /// @return 365 days, in seconds.
    function MAX_TIER_AGE() external view returns (uint32);

    /// @notice Longest suspension period {setParams} accepts.
    /// @return 365 days, in seconds.
    function MAX_SUSPENSION_PERIOD() external view returns (uint32);

    /// @notice Role allowed to {record} outcomes.
    /// @return keccak256("REPORTER_ROLE").
    function REPORTER_ROLE() external view returns (bytes32);
}
