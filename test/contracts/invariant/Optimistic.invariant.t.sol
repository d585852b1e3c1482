// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {OptimisticFixture} from "../utils/OptimisticFixture.sol";
import {OptimisticHandler} from "./handlers/OptimisticHandler.sol";
import {IOptimisticMarket} from "../../../contracts/interfaces/IOptimisticMarket.sol";

/// @notice Invariants of the OPTIMISTIC market and its dispute manager under random walks of OptimisticHandler
///         (docs/INVARIANTS.md, OPT-01 to OPT-05). Each runs with fail-on-revert: the handler checks every revert
///         against the reasons the state allows and fails on any other, so a revert fails the run.
contract OptimisticInvariantTest is OptimisticFixture {
    OptimisticHandler internal handler;
    /// @dev Σ balances of every address that can hold the token here (parties, market, dispute manager, vault).
    uint256 internal _inside;

    /// @dev Half of the committed tasks are audited (the governed maximum), so audits happen often in a short walk.
    function _optParams() internal pure override returns (IOptimisticMarket.Params memory p) {
        p = super._optParams();
        p.auditBps = 5_000;
    }

    function setUp() public override {
        super.setUp();
        // challenge bonds for the watcher and the auditor (up to 2x the largest reward per challenge)
        token.transfer(p3, 1_000_000 ether);
        token.transfer(a1, 1_000_000 ether);
        // the auditor and the jurors at tier 3, so they can audit the honest provider once its successes lift it to
        // tier 2
        _promote(a1, 60);
        for (uint256 i; i < jurors.length; ++i) _promote(jurors[i], 40);
        for (uint256 i; i < jurors.length; ++i) {
            // jurors audit too (the earliest turn takes an audit), and an auditor that finds a wrong result challenges
            token.transfer(jurors[i], 100_000 ether);
            vm.prank(jurors[i]);
            token.approve(address(opt), type(uint256).max);
        }
        address[] memory others = new address[](3);
        (others[0], others[1], others[2]) = (creator, treasury, p4);
        handler = new OptimisticHandler(
            OptimisticHandler.Setup({
                opt: opt,
                dm: dm,
                vault: vault,
                token: token,
                modelId: onnxModel,
                requester: requester,
                honest: p1,
                cheater: p2,
                watcher: p3,
                auditor: a1,
                jurors: jurors,
                others: others
            })
        );
        _inside = _insideBalance();

        targetContract(address(handler));
    }

    function _insideBalance() internal view returns (uint256 sum) {
        address[] memory all = handler.parties();
        for (uint256 i; i < all.length; ++i) sum += token.balanceOf(all[i]);
        sum += token.balanceOf(address(opt)) + token.balanceOf(address(dm)) + token.balanceOf(address(vault));
    }

    /// @notice OPT-01: the market holds exactly its escrow plus its credits.
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_OPT01_MarketBalance() public view {
        assertEq(token.balanceOf(address(opt)), opt.totalEscrow() + opt.totalCredits(), "OPT-01");
    }

    /// @notice OPT-02: the dispute manager holds exactly its held bonds plus its credits.
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_OPT02_DisputeManagerBalance() public view {
        assertEq(token.balanceOf(address(dm)), dm.totalHeld() + dm.totalCredits(), "OPT-02");
    }

    /// @notice OPT-03: no token leaves the parties, the two contracts and the vault (nothing paid to a stranger, nothing
    ///         created or lost on any path).
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_OPT03_TokensStayInside() public view {
        assertEq(_insideBalance(), _inside, "OPT-03");
    }

    /// @notice OPT-04: a provider that only commits right results in time never loses stake, however often it is
    ///         challenged or audited.
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_OPT04_HonestProviderNeverSlashed() public view {
        assertGe(vault.stakeOf(p1), PROVIDER_STAKE, "OPT-04");
    }

    /// @notice OPT-05: while the truthful jurors hold the majority, every decided dispute goes the truthful way and every
    ///         juror who revealed against it loses stake.
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_OPT05_TruthfulMajorityDecides() public view {
        assertEq(handler.ghostWrongVerdicts(), 0, "OPT-05: verdict against the truth");
        assertEq(handler.ghostUnpunishedLiars(), 0, "OPT-05: a lying juror kept its stake");
    }

    /// @notice The handler is not vacuous: on one fixed long walk, every action and every outcome happens.
    function test_handler_EveryActionSucceedsOnSomeWalk() public {
        for (uint256 i; i < 1500; ++i) {
            uint256 r = uint256(keccak256(abi.encode("walk", i)));
            uint256 action = r % 8;
            if (action == 0) handler.post(r >> 8, r >> 72);
            else if (action == 1) handler.claimAndCommit(r >> 8, (r >> 72) % 2 == 0, (r >> 80) % 2 == 0);
            else if (action == 2) handler.claimAndVanish(r >> 8);
            else if (action == 3) handler.challenge(r >> 8, (r >> 72) % 2 == 0);
            else if (action == 4) handler.audit(r >> 8, uint8(r >> 72));
            else if (action == 5) handler.juryRound(r >> 8, r >> 72);
            else if (action == 6) handler.settle(r >> 8, uint32(r >> 72));
            else handler.withdraw(r >> 8, (r >> 72) % 2 == 0);
        }
        bytes32[15] memory names = [
            bytes32("post"),
            "claim",
            "commit",
            "vanish",
            "challenge",
            "drawAudit",
            "takeAudit",
            "confirmAudit",
            "juryRound",
            "juryRound:upheld",
            "juryRound:overturned",
            "juryRound:void",
            "settle",
            "withdraw",
            "lazyPass"
        ];
        for (uint256 i; i < names.length; ++i) {
            assertGt(handler.successes(names[i]), 0, string(abi.encodePacked("never succeeded: ", names[i])));
        }
        invariant_OPT01_MarketBalance();
        invariant_OPT02_DisputeManagerBalance();
        invariant_OPT03_TokensStayInside();
        invariant_OPT04_HonestProviderNeverSlashed();
        invariant_OPT05_TruthfulMajorityDecides();
    }
}
