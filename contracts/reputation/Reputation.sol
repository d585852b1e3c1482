// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IReputation} from "../interfaces/IReputation.sol";

/// @title Reputation
/// @notice Trust and availability scores, counts, tiers, suspensions and bans of EAI providers. See {IReputation}.
/// @dev Scoring (all in basis points, `MAX_SCORE` = 10_000):
///        success: score += (MAX_SCORE - score) * successWeightBps / 10_000   (rounded down)
///        failure: score -= score * failureWeightBps / 10_000                  (rounded up, so it always bites)
///      With the defaults a success closes 5% of the gap to 10_000 and a failure removes 20% of the score, so the
///      score of a provider that fails a share p of its tasks settles near 10_000 * (1-p)*5 / ((1-p)*5 + p*20):
///      5_000 at p = 20%, about 6_900 at p = 10%, about 9_000 at p = 2.5%.
///
///      Time weighting: before every update, and in every view, a score's deviation from `initialScore` decays with
///      half-life `halfLife`. For elapsed time t = n * halfLife + r (0 <= r < halfLife) the deviation d becomes
///        d' = (d >> n) - (d >> n) * r / (2 * halfLife)
///      i.e. exact halving at whole half-lives and linear interpolation inside the current one (an approximation of
///      d * 2^(-t/halfLife) that, up to integer rounding, never decays faster than the exact curve and lags it by at
///      most 4.4% of the deviation at the start of the current half-life; constant gas, no loop over time). Rounding
///      is toward `initialScore`, so decay never overshoots it; after 14 half-lives every deviation (< 2^14) is gone.
///
///      Defaults (set by the constructor, changeable by governance through {setParams}):
///        initialScore 5_000, successWeightBps 500, failureWeightBps 2_000, halfLife 30 days,
///        tier 2: trust >= 7_000, availability >= 7_000, completed >= 10,
///        tier 3: trust >= 8_500, availability >= 8_500, completed >= 50,
///        suspendThreshold 3_000, suspensionPeriod 7 days, maxViolations 5;
///        tier ages ({setTierAges}): tier 2 needs 7 days since the first recorded outcome, tier 3 needs 30 days.
///
///      Only outcomes the TaskMarket rates are recorded: tasks on governance-approved models whose reward is worth at
///      least the market's governed minimum (docs/PROTOCOL.md, "What reputation costs"). Counts and scores therefore
///      cannot be bought with dust tasks on a model of one's own, and the age bound means tier 3 also takes time.
///
///      Storage: a provider's {Record} and the {Params} each pack into one slot, so {record} costs two reads and one
///      write. Counters saturate instead of overflowing, so {record} never reverts for a well-formed call and a
///      provider's history can never block the settlement of a task.
contract Reputation is IReputation, AccessControl {
    /// @inheritdoc IReputation
    bytes32 public constant REPORTER_ROLE = keccak256("REPORTER_ROLE");

    /// @inheritdoc IReputation
    uint16 public constant MAX_SCORE = 10_000;
    /// @inheritdoc IReputation
    uint32 public constant MIN_HALF_LIFE = 1 days;
    /// @inheritdoc IReputation
    uint32 public constant MAX_HALF_LIFE = 730 days;
    /// @inheritdoc IReputation
    uint32 public constant MAX_SUSPENSION_PERIOD = 365 days;
    /// @inheritdoc IReputation
    uint32 public constant MAX_TIER_AGE = 365 days;
    /// @dev Denominator of the weights (basis points).
    uint256 private constant _BPS = 10_000;
    /// @notice Number of whole half-lives after which every deviation (< 2^14) has decayed to zero.
    uint256 private constant _FULL_DECAY_HALVINGS = 14;

    /// @dev Reputation records by provider.
    mapping(address provider => Record rec) private _records;

    /// @dev Governed parameters (one slot).
    Params private _params;
    /// @dev Governed minimum tier ages (one slot).
    TierAges private _ages;

    /// @param admin Initial `DEFAULT_ADMIN_ROLE` holder (the deployer, who grants `REPORTER_ROLE` to the TaskMarket
    ///        and hands admin to the governance timelock). Parameters start at the defaults in the contract NatSpec.
    constructor(address admin) {
        if (admin == address(0)) revert ReputationZeroAdmin();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        Params memory p = Params({
            initialScore: 5_000,
            successWeightBps: 500,
            failureWeightBps: 2_000,
            halfLife: 30 days,
            tier2Trust: 7_000,
            tier2Availability: 7_000,
            tier2Completed: 10,
            tier3Trust: 8_500,
            tier3Availability: 8_500,
            tier3Completed: 50,
            suspendThreshold: 3_000,
            suspensionPeriod: 7 days,
            maxViolations: 5
        });
        _validate(p);
        _params = p;
        emit ParamsUpdated(p);
        _setTierAges(TierAges({tier2MinAge: 7 days, tier3MinAge: 30 days}));
    }

    /*//////////////////////////////////////////////////////////////
                                 WRITES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IReputation
    function record(address provider, Outcome outcome) external onlyRole(REPORTER_ROLE) {
        if (provider == address(0)) revert ReputationZeroProvider();
        Params memory p = _params;
        Record memory r = _current(_records[provider], p);

        if (outcome == Outcome.Success) {
            r.trust = _raise(r.trust, p.successWeightBps);
            r.availability = _raise(r.availability, p.successWeightBps);
            if (r.completed != type(uint32).max) {
                // unchecked: strictly below the maximum, so the increment fits.
                unchecked {
                    ++r.completed;
                }
            }
        } else {
            // Missed work says nothing about correctness, a wrong result nothing about availability.
            if (!_isMissed(outcome)) r.trust = _lower(r.trust, p.failureWeightBps);
            if (outcome != Outcome.WrongResult) r.availability = _lower(r.availability, p.failureWeightBps);
            // unchecked: each counter is strictly below its maximum before its increment.
            unchecked {
                if (r.failed != type(uint32).max) ++r.failed;
                if (r.violations != type(uint16).max) ++r.violations;
            }
        }
        r.lastUpdate = uint40(block.timestamp);
        if (r.firstRecordedAt == 0) r.firstRecordedAt = uint40(block.timestamp);

        // A failure leaving trust below the threshold suspends, or extends a running suspension; a zero
        // suspension period switches suspensions off.
        bool suspend;
        if (outcome != Outcome.Success && r.trust < p.suspendThreshold) {
            uint40 until = uint40(block.timestamp + p.suspensionPeriod);
            suspend = until > r.suspendedUntil && p.suspensionPeriod != 0;
            if (suspend) r.suspendedUntil = until;
        }
        bool ban = !r.banned && r.violations >= p.maxViolations;
        if (ban) r.banned = true;

        _records[provider] = r;

        emit ReputationUpdated(
            provider,
            outcome,
            r.trust,
            r.availability,
            _tier(r, p, _ages),
            r.completed,
            r.failed,
            r.violations
        );
        if (suspend) emit ProviderSuspended(provider, r.suspendedUntil);
        if (ban) emit ProviderBanned(provider, r.violations);
    }

    /// @inheritdoc IReputation
    function setParams(Params calldata newParams) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _validate(newParams);
        _params = newParams;
        emit ParamsUpdated(newParams);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IReputation
    function setTierAges(TierAges calldata ages) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setTierAges(ages);
    }

    /// @inheritdoc IReputation
    function params() external view returns (Params memory) {
        return _params;
    }

    /// @inheritdoc IReputation
    function tierAges() external view returns (TierAges memory) {
        return _ages;
    }

    /// @inheritdoc IReputation
    function standingOf(address provider) external view returns (uint8 tier, bool eligible) {
        Params memory p = _params;
        Record memory r = _current(_records[provider], p);
        tier = _tier(r, p, _ages);
        eligible = !r.banned && block.timestamp >= r.suspendedUntil;
    }

    /// @inheritdoc IReputation
    function getRecord(address provider) external view returns (Record memory) {
        return _current(_records[provider], _params);
    }

    /// @inheritdoc IReputation
    function trustScore(address provider) external view returns (uint16) {
        return _current(_records[provider], _params).trust;
    }

    /// @inheritdoc IReputation
    function availabilityScore(address provider) external view returns (uint16) {
        return _current(_records[provider], _params).availability;
    }

    /// @inheritdoc IReputation
    function tierOf(address provider) external view returns (uint8) {
        Params memory p = _params;
        return _tier(_current(_records[provider], p), p, _ages);
    }

    /// @inheritdoc IReputation
    function isSuspended(address provider) external view returns (bool) {
        return block.timestamp < _records[provider].suspendedUntil;
    }

    /// @inheritdoc IReputation
    function isBanned(address provider) external view returns (bool) {
        return _records[provider].banned;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev The stored record with both scores decayed to now; a provider never recorded starts at `initialScore`.
    function _current(Record storage stored, Params memory p) private view returns (Record memory r) {
        r = stored;
        if (r.lastUpdate == 0) {
            r.trust = p.initialScore;
            r.availability = p.initialScore;
        } else {
            uint256 elapsed = block.timestamp - r.lastUpdate;
            r.trust = _decay(r.trust, p.initialScore, elapsed, p.halfLife);
            r.availability = _decay(r.availability, p.initialScore, elapsed, p.halfLife);
        }
    }

    /// @dev Moves `score` toward `target` for `elapsed` seconds of inactivity (see the contract NatSpec).
    function _decay(uint16 score, uint16 target, uint256 elapsed, uint256 halfLife) private pure returns (uint16) {
        if (score == target || elapsed == 0) return score;
        uint256 halvings = elapsed / halfLife;
        if (halvings >= _FULL_DECAY_HALVINGS) return target;
        bool above = score > target;
        // unchecked: `dev` is the absolute difference of two uint16 (< 2^16); `rem` < halfLife < 2^32, so
        // `dev * rem` < 2^48; `dev * rem / (2 * halfLife)` < `dev`, so the subtraction cannot underflow; adding or
        // subtracting a `dev` not larger than the original distance to `target` keeps the result between score and
        // target, inside uint16.
        unchecked {
            uint256 dev = above ? score - target : target - score;
            dev >>= halvings;
            dev -= (dev * (elapsed % halfLife)) / (2 * halfLife);
            return uint16(above ? target + dev : target - dev);
        }
    }

    /// @dev A success: closes `weightBps` of the gap to `MAX_SCORE`, rounded down.
    function _raise(uint16 score, uint16 weightBps) private pure returns (uint16) {
        // unchecked: score <= MAX_SCORE and weightBps <= _BPS, so the gain is at most the gap and the sum is at
        // most MAX_SCORE.
        unchecked {
            return score + uint16((uint256(MAX_SCORE - score) * weightBps) / _BPS);
        }
    }

    /// @dev A failure: removes `weightBps` of the score, rounded up (a positive score always drops).
    function _lower(uint16 score, uint16 weightBps) private pure returns (uint16) {
        // unchecked: score <= MAX_SCORE and weightBps <= _BPS, so the loss (rounded up) is at most the score.
        unchecked {
            return score - uint16((uint256(score) * weightBps + _BPS - 1) / _BPS);
        }
    }

    /// @dev Tier 1-3 of a (decayed) record; a provider never recorded has age 0.
    function _tier(Record memory r, Params memory p, TierAges memory ages) private view returns (uint8) {
        uint256 age = r.firstRecordedAt == 0 ? 0 : block.timestamp - r.firstRecordedAt;
        if (
            r.trust >= p.tier3Trust &&
            r.availability >= p.tier3Availability &&
            r.completed >= p.tier3Completed &&
            age >= ages.tier3MinAge
        ) {
            return 3;
        }
        if (
            r.trust >= p.tier2Trust &&
            r.availability >= p.tier2Availability &&
            r.completed >= p.tier2Completed &&
            age >= ages.tier2MinAge
        ) {
            return 2;
        }
        return 1;
    }

    /// @dev Outcomes that are missed work (a deadline, an audit the provider took), not a wrong result.
    function _isMissed(Outcome outcome) private pure returns (bool) {
        return outcome == Outcome.MissedDeadline || outcome == Outcome.MissedAudit;
    }

    /// @dev Validates `tier2MinAge <= tier3MinAge <= MAX_TIER_AGE`, stores, emits.
    function _setTierAges(TierAges memory ages) private {
        if (ages.tier2MinAge > ages.tier3MinAge || ages.tier3MinAge > MAX_TIER_AGE) {
            revert ReputationInvalidTierAges(ages.tier2MinAge, ages.tier3MinAge);
        }
        _ages = ages;
        emit TierAgesUpdated(ages);
    }

    /// @dev Reverts with {ReputationInvalidParams} on the first parameter outside its bounds.
    function _validate(Params memory p) private pure {
        if (p.initialScore > MAX_SCORE) _invalid(ParamField.InitialScore, p.initialScore, MAX_SCORE);
        if (p.successWeightBps == 0) _invalid(ParamField.SuccessWeight, 0, 1);
        if (p.failureWeightBps > _BPS) _invalid(ParamField.FailureWeight, p.failureWeightBps, _BPS);
        if (p.failureWeightBps <= p.successWeightBps) {
            _invalid(ParamField.FailureWeight, p.failureWeightBps, p.successWeightBps);
        }
        if (p.halfLife < MIN_HALF_LIFE) _invalid(ParamField.HalfLife, p.halfLife, MIN_HALF_LIFE);
        if (p.halfLife > MAX_HALF_LIFE) _invalid(ParamField.HalfLife, p.halfLife, MAX_HALF_LIFE);
        if (p.tier3Trust > MAX_SCORE) _invalid(ParamField.Tier3Trust, p.tier3Trust, MAX_SCORE);
        if (p.tier2Trust > p.tier3Trust) _invalid(ParamField.Tier2Trust, p.tier2Trust, p.tier3Trust);
        if (p.tier3Availability > MAX_SCORE) _invalid(ParamField.Tier3Availability, p.tier3Availability, MAX_SCORE);
        if (p.tier2Availability > p.tier3Availability) {
            _invalid(ParamField.Tier2Availability, p.tier2Availability, p.tier3Availability);
        }
        if (p.tier3Completed < p.tier2Completed) {
            _invalid(ParamField.Tier3Completed, p.tier3Completed, p.tier2Completed);
        }
        if (p.suspendThreshold >= p.tier2Trust) {
            _invalid(ParamField.SuspendThreshold, p.suspendThreshold, p.tier2Trust);
        }
        if (p.suspensionPeriod > MAX_SUSPENSION_PERIOD) {
            _invalid(ParamField.SuspensionPeriod, p.suspensionPeriod, MAX_SUSPENSION_PERIOD);
        }
        if (p.maxViolations == 0) _invalid(ParamField.MaxViolations, 0, 1);
    }

    /// @dev Reverts with {ReputationInvalidParams}.
    function _invalid(ParamField field, uint256 value, uint256 bound) private pure {
        revert ReputationInvalidParams(field, value, bound);
    }
}
