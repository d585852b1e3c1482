// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {Reputation} from "../../contracts/reputation/Reputation.sol";
import {IReputation} from "../../contracts/interfaces/IReputation.sol";

/// @notice The two audit outcomes added to Reputation: a failed audit lowers trust and availability (the result was
///         wrong and caught), a missed audit lowers availability only; both count as a failure and a violation.
contract AuditOutcomesTest is Test {
    Reputation internal rep;
    address internal admin = makeAddr("admin");
    address internal p = makeAddr("provider");

    function setUp() public {
        rep = new Reputation(admin);
        bytes32 role = rep.REPORTER_ROLE();
        vm.prank(admin);
        rep.grantRole(role, address(this));
    }

    function test_record_FailedAudit_LowersTrustAndAvailability() public {
        rep.record(p, IReputation.Outcome.FailedAudit);
        IReputation.Record memory r = rep.getRecord(p);
        // 5_000 lowered by 20%, rounded up
        assertEq(r.trust, 4_000);
        assertEq(r.availability, 4_000);
        assertEq(r.failed, 1);
        assertEq(r.violations, 1);
        assertEq(r.completed, 0);
    }

    function test_record_MissedAudit_LowersAvailabilityOnly() public {
        rep.record(p, IReputation.Outcome.MissedAudit);
        IReputation.Record memory r = rep.getRecord(p);
        assertEq(r.trust, 5_000);
        assertEq(r.availability, 4_000);
        assertEq(r.failed, 1);
        assertEq(r.violations, 1);
    }

    /// @notice A failure weighs more than a success, for the audit outcomes too.
    function test_record_FailedAuditOutweighsSuccess() public {
        rep.record(p, IReputation.Outcome.Success);
        rep.record(p, IReputation.Outcome.FailedAudit);
        assertLt(rep.getRecord(p).trust, 5_000);
    }
}
