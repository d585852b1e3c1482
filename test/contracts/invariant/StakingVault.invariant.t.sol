// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {EAIToken} from "../../../contracts/token/EAIToken.sol";
import {StakingVault} from "../../../contracts/staking/StakingVault.sol";
import {StakingVaultHandler} from "./handlers/StakingVaultHandler.sol";

/// @notice Invariants of the StakingVault under random sequences of stake, unstake, withdraw, bond, slash, claim,
///         parameter and unauthorised calls (see docs/INVARIANTS.md):
///         INV-03 free stake never negative and locked bonds never exceed stake;
///         INV-04 (vault part) only the roles can move bonds, slash or change parameters;
///         INV-06 vault token balance == Σ active stake + Σ unbonding + Σ credits;
///         INV-13 totalStake() == Σ stakeOf;
///         INV-14 stakeAt is exact now and a lower bound of every earlier block's stake.
/// @dev The handler asserts every call's outcome against its model (success, or the exact expected error), so the
///      campaigns run with `fail-on-revert = true`: an unexpected revert or a failed handler assertion fails them.
///      Run this file together with its handler file
///      (`npx hardhat test solidity <this file> test/contracts/invariant/handlers/StakingVaultHandler.sol`): a single
///      test file as argument compiles the handler without an artifact, and the fuzzer then finds no contract to call.
contract StakingVaultInvariantTest is Test {
    EAIToken private token;
    StakingVault private vault;
    StakingVaultHandler private handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        address admin = makeAddr("admin");
        address market = makeAddr("market");
        address slasher = makeAddr("slasher");
        token = new EAIToken(admin, address(this), 3_000_000 ether, 1_000_000_000 ether);
        vault = new StakingVault(token, admin, makeAddr("treasury"), 7 days, 1_000);
        vm.startPrank(admin);
        vault.grantRole(vault.MARKET_ROLE(), market);
        vault.grantRole(vault.SLASHER_ROLE(), slasher);
        vm.stopPrank();

        address[] memory providers = new address[](3);
        providers[0] = makeAddr("provider0");
        providers[1] = makeAddr("provider1");
        providers[2] = makeAddr("provider2");
        for (uint256 i; i < providers.length; ++i) {
            token.transfer(providers[i], 1_000_000 ether);
            vm.prank(providers[i]);
            token.approve(address(vault), type(uint256).max);
        }

        handler = new StakingVaultHandler(vault, market, slasher, admin, providers);
        targetContract(address(handler)); // only the handler: the contracts it drives are never called directly
        targetSelector(FuzzSelector({addr: address(handler), selectors: handler.actionSelectors()}));
    }

    /// @notice INV-03: for every provider, locked <= stake, so free stake (stake - locked) is never negative; the
    ///         bonds equal the model's.
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_INV03_LockedNeverExceedsStake() public view {
        address[] memory providers = handler.providers();
        for (uint256 i; i < providers.length; ++i) {
            uint256 staked = vault.stakeOf(providers[i]);
            uint256 locked = vault.lockedOf(providers[i]);
            assertLe(locked, staked, "INV-03: locked > stake");
            assertEq(vault.freeStakeOf(providers[i]), staked - locked, "INV-03: free != stake - locked");
            assertEq(locked, handler.modelOf(providers[i]).locked, "INV-03: locked != model");
        }
    }

    /// @notice INV-06: the vault's token balance equals Σ active stake + Σ unbonding + Σ credits, both summed over
    ///         the views and as the handler's model has them; and it equals deposits minus payouts.
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_INV06_BalanceEqualsAccounting() public view {
        address[] memory accounts = handler.accounts();
        uint256 sumActive;
        uint256 sumUnbonding;
        uint256 sumCredits;
        for (uint256 i; i < accounts.length; ++i) {
            sumActive += vault.stakeOf(accounts[i]);
            (uint256 unbonding, ) = vault.unbondingOf(accounts[i]);
            sumUnbonding += unbonding;
            sumCredits += vault.creditOf(accounts[i]);
        }
        (uint256 modelActive, , uint256 modelUnbonding, uint256 modelCredits) = handler.modelSums();
        uint256 balance = token.balanceOf(address(vault));
        assertEq(balance, sumActive + sumUnbonding + sumCredits, "INV-06: balance != sum of views");
        assertEq(sumActive, modelActive, "INV-06: active != model");
        assertEq(sumUnbonding, modelUnbonding, "INV-06: unbonding != model");
        assertEq(sumCredits, modelCredits, "INV-06: credits != model");
        assertEq(balance, handler.ghostDeposited() - handler.ghostPaidOut(), "INV-06: deposits - payouts");
    }

    /// @notice INV-13: the vault's running total of active stake equals Σ stakeOf over every account and the model.
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_INV13_TotalStakeEqualsSumOfStakes() public view {
        address[] memory accounts = handler.accounts();
        uint256 sum;
        for (uint256 i; i < accounts.length; ++i) sum += vault.stakeOf(accounts[i]);
        (uint256 modelActive, , , ) = handler.modelSums();
        assertEq(vault.totalStake(), sum, "INV-13: totalStake != sum of stakeOf");
        assertEq(vault.totalStake(), modelActive, "INV-13: totalStake != model");
    }

    /// @notice INV-14: `stakeAt` is exact for the current block, and for every block the run ended it is a lower
    ///         bound of the stake at that block's end and no lower than the least stake held at any moment since
    ///         (so stake added after a block never counts for it, and stake that stayed put always does).
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_INV14_StakeHistoryIsALowerBound() public view {
        address[] memory providers = handler.providers();
        for (uint256 i; i < providers.length; ++i) {
            address p = providers[i];
            assertEq(vault.stakeAt(p, block.number), vault.stakeOf(p), "INV-14: stakeAt(now) != stakeOf");
            (uint256[] memory blocks, uint256[] memory stakes, uint256[] memory lows, uint256 leastSince) = handler
                .stakeHistory(p);
            for (uint256 k = blocks.length; k > 0; --k) {
                uint256 at = vault.stakeAt(p, blocks[k - 1]);
                assertLe(at, stakes[k - 1], "INV-14: stakeAt above the stake at that block's end");
                assertGe(at, leastSince, "INV-14: stakeAt below the least stake held since");
                if (lows[k - 1] < leastSince) leastSince = lows[k - 1];
            }
        }
    }

    /// @notice Every account's stake, bonds, unbonding entry and credit equal the model's (which applies the slash
    ///         formulas: bonds wholly to the treasury, stake slashes free-first and split by the treasury share).
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_AccountsMatchModel() public view {
        address[] memory accounts = handler.accounts();
        for (uint256 i; i < accounts.length; ++i) {
            StakingVaultHandler.Model memory m = handler.modelOf(accounts[i]);
            (uint256 unbonding, uint64 releaseAt) = vault.unbondingOf(accounts[i]);
            assertEq(vault.stakeOf(accounts[i]), m.active, "stake");
            assertEq(vault.lockedOf(accounts[i]), m.locked, "locked");
            assertEq(unbonding, m.unbonding, "unbonding");
            assertEq(releaseAt, m.releaseAt, "releaseAt");
            assertEq(vault.creditOf(accounts[i]), m.credit, "credit");
            if (unbonding == 0) assertEq(releaseAt, 0, "empty unbonding with release time");
        }
        assertEq(vault.slashTreasuryBps(), handler.modelBps(), "bps");
        assertEq(vault.unbondingPeriod(), handler.modelPeriod(), "period");
    }

    /// @notice A run in which calls were made but none succeeded would prove nothing (a failing call rolls its own
    ///         count back, so this never masks the handler's own assertion). Per-action coverage is checked
    ///         deterministically below, since a run of 32 calls need not reach every action.
    function afterInvariant() public view {
        assertTrue(handler.calls() == 0 || handler.totalOk() > 0, "calls were made but none succeeded");
    }

    /// @notice Every action of the handler can both succeed and (where it has a failure mode) revert exactly as the
    ///         model predicts, so no invariant above rests on an action that always bails out.
    function test_handler_EveryActionSucceedsAndRevertsAsModelled() public {
        address[] memory providers = handler.providers();
        // Successes, in an order where each has something to act on.
        handler.stake(0, 1_000 ether);
        handler.stakeFor(1, 0, 500 ether);
        handler.requestUnstake(0, 100 ether);
        handler.cancelUnstake(0, 40 ether);
        handler.lockBond(0, 300 ether);
        handler.releaseBond(0, 50 ether);
        handler.slashBond(0, 20 ether);
        handler.slash(0, 10 ether, 3); // to harmed1
        handler.withdraw(0, true);
        handler.claimCredit(5); // the treasury
        // Governed values go through the handler's edge picker: seed % 8 of 0, 1, 2, 3 picks lo - 1, lo, hi, hi + 1.
        handler.setSlashTreasuryBps(2); // 10_000
        handler.setSlashTreasuryBps(4 + (2_500 << 3)); // 2_500
        handler.setUnbondingPeriod(1); // 1 day
        handler.warp(1 hours);
        assertEq(vault.slashTreasuryBps(), 2_500);
        for (uint256 a; a < handler.ACTION_COUNT() - 1; ++a) {
            assertGt(handler.ok(a), 0, string.concat("action did not succeed: ", vm.toString(a)));
        }

        // Expected reverts: zero amounts, one past each bound, nothing to withdraw, bad parameters, no role.
        handler.stake(1, 0);
        handler.stake(1, token.balanceOf(providers[1]) + 1);
        handler.stakeFor(1, 0, 0);
        uint256 free = vault.freeStakeOf(providers[0]);
        handler.requestUnstake(0, free + 1);
        handler.cancelUnstake(0, 1);
        handler.withdraw(0, false);
        handler.lockBond(2, 1);
        handler.releaseBond(0, vault.lockedOf(providers[0]) + 1);
        handler.slashBond(2, 1);
        handler.slash(0, 0, 0);
        handler.claimCredit(5);
        handler.setSlashTreasuryBps(3); // 10_001
        handler.setUnbondingPeriod(3); // 90 days + 1
        handler.setUnbondingPeriod(0); // 1 day - 1
        for (uint256 w; w < 5; ++w) handler.attack(w, w, 0);
        assertEq(handler.reverted(uint256(StakingVaultHandler.Action.Stake)), 2);
        assertEq(handler.reverted(uint256(StakingVaultHandler.Action.SetUnbondingPeriod)), 2);
        assertEq(handler.reverted(uint256(StakingVaultHandler.Action.Attack)), 5);
        uint256 revertedActions;
        for (uint256 a; a < handler.ACTION_COUNT(); ++a) if (handler.reverted(a) > 0) ++revertedActions;
        assertEq(revertedActions, handler.ACTION_COUNT() - 1, "every action but warp has a modelled revert");
    }
}
