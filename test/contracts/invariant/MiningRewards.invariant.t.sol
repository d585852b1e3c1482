// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {EAIToken} from "../../../contracts/token/EAIToken.sol";
import {StakingVault} from "../../../contracts/staking/StakingVault.sol";
import {MiningRewards} from "../../../contracts/rewards/MiningRewards.sol";
import {IMiningRewards} from "../../../contracts/interfaces/IMiningRewards.sol";
import {ITaskMarket} from "../../../contracts/interfaces/ITaskMarket.sol";
import {MiningRewardsHandler, FeeMarketStub} from "./handlers/MiningRewardsHandler.sol";

/// @notice Invariants of MiningRewards (docs/INVARIANTS.md INV-15 – INV-17). Run with its handler file:
///         `npx hardhat test solidity test/contracts/invariant/MiningRewards.invariant.t.sol
///         test/contracts/invariant/handlers/MiningRewardsHandler.sol`.
contract MiningRewardsInvariantTest is Test {
    uint256 private constant INITIAL = 10_000_000 ether;
    EAIToken private token;
    StakingVault private vault;
    MiningRewards private rewards;
    MiningRewardsHandler private handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        address admin = makeAddr("admin");
        token = new EAIToken(admin, address(this), INITIAL, 1_000_000_000 ether);
        vault = new StakingVault(token, admin, makeAddr("treasury"), 7 days, 5000);
        FeeMarketStub market = new FeeMarketStub(token);
        rewards = new MiningRewards(
            admin,
            token,
            ITaskMarket(address(market)),
            vault,
            makeAddr("treasury"),
            1 days,
            IMiningRewards.RewardParams({
                emissionPerEpoch: 1000 ether,
                feeFactorBps: 9000,
                ownerCapBps: 1000,
                newcomerBps: 1000,
                uptimeSecondsPerHour: 360,
                gpuWeight: 10,
                posterBond: 10 ether,
                challengeWindow: 1 hours,
                resolutionWindow: 1 days
            })
        );
        bytes32 minter = token.MINTER_ROLE();
        vm.prank(admin);
        token.grantRole(minter, address(rewards));
        handler = new MiningRewardsHandler(token, vault, rewards, market, admin);
        address[3] memory owners = handler.owners();
        for (uint256 i; i < 3; ++i) {
            token.transfer(owners[i], 1000 ether);
            vm.startPrank(owners[i]);
            token.approve(address(vault), type(uint256).max);
            vault.stake(1000 ether);
            vm.stopPrank();
        }
        token.transfer(address(handler), 5_000_000 ether);
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: handler.actionSelectors()}));
    }

    /// @notice INV-15: everything minted beyond the initial supply was claimed, and no more was claimed than final
    ///         roots allocated, nor than the fee factor (at most 90%) of every fee collected.
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_INV15_MintedWithinTheFeeBound() public view {
        assertEq(token.totalSupply(), INITIAL + handler.ghostClaimed(), "supply = initial + claims");
        assertEq(rewards.totalClaimed(), handler.ghostClaimed());
        assertLe(handler.ghostClaimed(), handler.ghostAllocatedFinal(), "claims <= final allocations");
        assertLe(handler.ghostClaimed() * 10_000, handler.ghostFees() * 9000, "claims <= 90% of fees");
    }

    /// @notice INV-16: per epoch, claims never exceed the root's total, the total never exceeds the bound, and each
    ///         owner is paid at most once.
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_INV16_EpochClaimsWithinTotalAndOncePerOwner() public view {
        address[3] memory owners = handler.owners();
        uint256 settled = rewards.nextEpochToSettle();
        for (uint256 e; e <= settled; ++e) {
            IMiningRewards.Epoch memory ep = rewards.getEpoch(e);
            assertLe(ep.claimed, ep.total);
            assertLe(ep.total, ep.payable_);
            assertLe(ep.total * 10_000, ep.fees * ep.params.feeFactorBps, "total <= fees x factor");
            for (uint256 i; i < 3; ++i) assertLe(handler.paidCount(e, owners[i]), 1);
        }
    }

    /// @notice INV-17: the contract holds exactly the bonds it owes (credits plus bonds of pending roots) and the
    ///         reserve of allocated-but-unclaimed rewards matches the epochs' figures.
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_INV17_BondsAndOutstandingAccounted() public {
        uint256 settled = rewards.nextEpochToSettle();
        uint256 outstanding;
        for (uint256 e; e <= settled; ++e) {
            IMiningRewards.Epoch memory ep = rewards.getEpoch(e);
            if (ep.status >= IMiningRewards.EpochStatus.Proposed) outstanding += ep.total - ep.claimed;
        }
        assertEq(rewards.outstanding(), outstanding);
        IMiningRewards.Epoch memory next = rewards.getEpoch(settled);
        uint256 held =
            next.status == IMiningRewards.EpochStatus.Proposed
                ? next.params.posterBond
                : (next.status == IMiningRewards.EpochStatus.Challenged ? 2 * next.params.posterBond : 0);
        address[3] memory bonders = [makeAddr("hposter"), makeAddr("hchallenger"), makeAddr("treasury")];
        for (uint256 i; i < 3; ++i) held += rewards.bondCreditOf(bonders[i]);
        assertEq(token.balanceOf(address(rewards)), held, "bonds held = owed");
    }

    /// @notice Every action of the handler succeeded at least once in a deterministic walk (no property is vacuous).
    function test_walk_EveryActionSucceeds() public {
        handler.payFees(500 ether);
        handler.warp(1 days);
        handler.close(0);
        handler.propose(1, false);
        handler.challenge();
        handler.veto();
        handler.propose(2, false);
        handler.warp(2 hours);
        handler.finalize();
        handler.claim(0, 0);
        handler.claim(0, 1);
        handler.claim(0, 2);
        bytes4[8] memory actions = [
            handler.payFees.selector,
            handler.warp.selector,
            handler.close.selector,
            handler.propose.selector,
            handler.challenge.selector,
            handler.veto.selector,
            handler.finalize.selector,
            handler.claim.selector
        ];
        for (uint256 i; i < 8; ++i) assertGt(handler.successes(actions[i]), 0);
    }
}
