// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Reputation} from "../../../../contracts/reputation/Reputation.sol";
import {IReputation} from "../../../../contracts/interfaces/IReputation.sol";

/// @notice Drives Reputation with random outcomes (mostly successes, in bursts, so that tiers are reached), time
///         warps, governed parameter and tier-age changes (some out of bounds) and unauthorised writes, and keeps a
///         model of what the contract must hold for the invariants.
/// @dev Every call goes through try/catch and asserts the outcome the model predicts: success, or the exact error
///      with its arguments. The suite runs with `fail-on-revert = true`, so a failed assertion here fails the run.
///      The model's parameters and tier ages start at the documented defaults, written out here.
contract ReputationHandler is CommonBase, StdCheats, StdUtils {
    /// @notice The actions, indexing `ok` and `reverted`.
    enum Action {
        Record,
        RecordBurst,
        Warp,
        SetParams,
        SetTierAges,
        Attack
    }

    uint256 public constant ACTION_COUNT = 6;

    Reputation public immutable rep;
    address public immutable reporter;
    address public immutable admin;

    address[] internal _providers;

    /// @notice Model: every provider that was ever seen banned.
    mapping(address provider => bool banned) public ghostBanned;
    /// @notice Model: number of outcomes recorded per provider.
    mapping(address provider => uint256 count) public ghostRecorded;
    /// @notice Model: number of non-success outcomes recorded per provider.
    mapping(address provider => uint256 count) public ghostFailed;
    /// @notice Model: time of each provider's first recorded outcome (0 before).
    mapping(address provider => uint256 time) public ghostFirstRecordedAt;

    /// @notice Model of the governed parameters and tier ages.
    IReputation.Params internal _params;
    IReputation.TierAges internal _ages;

    /// @notice Successful calls and expected reverts per action.
    uint256[ACTION_COUNT] public ok;
    uint256[ACTION_COUNT] public reverted;
    /// @notice Calls that reached an action (a reverted call would roll this back; none may under fail-on-revert).
    uint256 public calls;

    constructor(Reputation rep_, address reporter_, address admin_) {
        rep = rep_;
        reporter = reporter_;
        admin = admin_;
        for (uint256 i = 0; i < 5; ++i) _providers.push(address(uint160(0xA11CE + i)));
        _params = IReputation.Params({
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
        _ages = IReputation.TierAges({tier2MinAge: 7 days, tier3MinAge: 30 days});
    }

    function providers() external view returns (address[] memory) {
        return _providers;
    }

    function modelParams() external view returns (IReputation.Params memory) {
        return _params;
    }

    function modelAges() external view returns (IReputation.TierAges memory) {
        return _ages;
    }

    function totalOk() external view returns (uint256 sum) {
        for (uint256 i; i < ACTION_COUNT; ++i) sum += ok[i];
    }

    /// @notice The action selectors the fuzzer should call (views excluded).
    function actionSelectors() external pure returns (bytes4[] memory s) {
        s = new bytes4[](ACTION_COUNT);
        s[0] = this.record.selector;
        s[1] = this.recordBurst.selector;
        s[2] = this.warp.selector;
        s[3] = this.setParams.selector;
        s[4] = this.setTierAges.selector;
        s[5] = this.attack.selector;
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Records one outcome (5 in 8 successes) for a provider, or for the zero address (1 in 16), which must
    ///         revert.
    function record(uint256 providerSeed, uint8 outcomeSeed) external {
        ++calls;
        address provider = providerSeed % 16 == 15 ? address(0) : _providers[providerSeed % _providers.length];
        IReputation.Outcome outcome =
            outcomeSeed % 8 < 5 ? IReputation.Outcome.Success : IReputation.Outcome(1 + (outcomeSeed % 3));
        bytes memory expected =
            provider == address(0) ? abi.encodeWithSelector(IReputation.ReputationZeroProvider.selector) : bytes("");
        vm.prank(reporter);
        try rep.record(provider, outcome) {
            _succeeded(Action.Record, expected);
            _recorded(provider, outcome);
        } catch (bytes memory err) {
            _reverted(Action.Record, err, expected);
        }
    }

    /// @notice Records up to 30 successes in one go for one provider, so that tier thresholds are reached.
    function recordBurst(uint256 providerSeed, uint256 n) external {
        ++calls;
        address provider = _providers[providerSeed % _providers.length];
        n = bound(n, 1, 30);
        for (uint256 i; i < n; ++i) {
            vm.prank(reporter);
            rep.record(provider, IReputation.Outcome.Success);
            _recorded(provider, IReputation.Outcome.Success);
        }
        ++ok[uint256(Action.RecordBurst)];
    }

    /// @notice Moves time forward by up to 40 days (past both default tier ages, and well inside a half-life range).
    function warp(uint256 seconds_) external {
        ++calls;
        vm.warp(block.timestamp + bound(seconds_, 1, 40 days));
        ++ok[uint256(Action.Warp)];
    }

    /// @notice Governance changes weights, half-life (reaching one past either bound), initial score and the
    ///         violation limit.
    function setParams(
        uint16 initialScore,
        uint16 successWeight,
        uint16 failureWeight,
        uint32 halfLife,
        uint16 maxV
    ) external {
        ++calls;
        IReputation.Params memory p = _params;
        p.initialScore = uint16(bound(initialScore, 0, 10_000));
        p.successWeightBps = uint16(bound(successWeight, 1, 9_999));
        p.failureWeightBps = uint16(bound(failureWeight, p.successWeightBps + 1, 10_000));
        p.halfLife = uint32(_edge(halfLife, 1 days, 730 days));
        p.maxViolations = uint16(bound(maxV, 1, 20));
        bytes memory expected;
        if (p.halfLife < 1 days) {
            expected = _invalidParams(IReputation.ParamField.HalfLife, p.halfLife, 1 days);
        } else if (p.halfLife > 730 days) {
            expected = _invalidParams(IReputation.ParamField.HalfLife, p.halfLife, 730 days);
        }
        vm.prank(admin);
        try rep.setParams(p) {
            _succeeded(Action.SetParams, expected);
            _params = p;
        } catch (bytes memory err) {
            _reverted(Action.SetParams, err, expected);
        }
    }

    /// @notice Governance changes the tier ages; either may reach one past `MAX_TIER_AGE` and they may be out of
    ///         order, both of which must revert.
    function setTierAges(uint32 tier2, uint32 tier3) external {
        ++calls;
        tier2 = uint32(_edge(tier2, 0, 365 days));
        tier3 = uint32(_edge(tier3, 0, 365 days));
        bytes memory expected =
            tier2 > tier3 || tier3 > 365 days
                ? abi.encodeWithSelector(IReputation.ReputationInvalidTierAges.selector, tier2, tier3)
                : bytes("");
        IReputation.TierAges memory ages = IReputation.TierAges({tier2MinAge: tier2, tier3MinAge: tier3});
        vm.prank(admin);
        try rep.setTierAges(ages) {
            _succeeded(Action.SetTierAges, expected);
            _ages = ages;
        } catch (bytes memory err) {
            _reverted(Action.SetTierAges, err, expected);
        }
    }

    /// @notice INV-04 on Reputation: only `REPORTER_ROLE` writes outcomes, only the admin changes parameters.
    function attack(uint256 which, uint256 providerSeed) external {
        ++calls;
        address provider = _providers[providerSeed % _providers.length];
        address caller = which % 2 == 0 ? admin : address(0xBAD);
        uint256 w = which % 3;
        bytes memory data;
        bytes32 role;
        if (w == 0) {
            data = abi.encodeCall(IReputation.record, (provider, IReputation.Outcome.Success));
            role = rep.REPORTER_ROLE(); // the admin does not hold it either
        } else {
            caller = reporter; // the market cannot govern
            role = rep.DEFAULT_ADMIN_ROLE();
            data =
                w == 1
                    ? abi.encodeCall(IReputation.setParams, (_params))
                    : abi.encodeCall(IReputation.setTierAges, (IReputation.TierAges(0, 0)));
        }
        vm.prank(caller);
        (bool success, bytes memory err) = address(rep).call(data);
        vm.assertFalse(success, "attack: a call without the role succeeded");
        _reverted(
            Action.Attack,
            err,
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, role)
        );
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _recorded(address provider, IReputation.Outcome outcome) private {
        ++ghostRecorded[provider];
        if (outcome != IReputation.Outcome.Success) ++ghostFailed[provider];
        if (ghostFirstRecordedAt[provider] == 0) ghostFirstRecordedAt[provider] = block.timestamp;
        if (rep.isBanned(provider)) ghostBanned[provider] = true;
    }

    function _invalidParams(
        IReputation.ParamField field,
        uint256 value,
        uint256 bound_
    ) private pure returns (bytes memory) {
        return abi.encodeWithSelector(IReputation.ReputationInvalidParams.selector, field, value, bound_);
    }

    /// @dev The call succeeded: the model must have expected that (an empty expected error).
    function _succeeded(Action action, bytes memory expected) private {
        vm.assertEq(
            expected,
            "",
            string.concat("succeeded but the model expected a revert: action ", vm.toString(uint256(action)))
        );
        ++ok[uint256(action)];
    }

    /// @dev The call reverted: with exactly the error (and arguments) the model expected.
    function _reverted(Action action, bytes memory err, bytes memory expected) private {
        vm.assertEq(
            err,
            expected,
            string.concat("revert differs from the model: action ", vm.toString(uint256(action)))
        );
        ++reverted[uint256(action)];
    }

    /// @dev A value in [lo - 1, hi + 1] that lands on one of the four edges (lo - 1, lo, hi, hi + 1) half of the
    ///      time, so both sides of each bound are hit in every campaign, not only when the fuzzer happens to.
    function _edge(uint256 seed, uint256 lo, uint256 hi) private pure returns (uint256) {
        uint256 below = lo == 0 ? 0 : lo - 1;
        uint256 r = seed % 8;
        if (r == 0) return below;
        if (r == 1) return lo;
        if (r == 2) return hi;
        if (r == 3) return hi + 1;
        return bound(seed >> 3, below, hi + 1);
    }
}
