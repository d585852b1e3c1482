// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {EAIToken} from "../../../contracts/token/EAIToken.sol";
import {StakingVault} from "../../../contracts/staking/StakingVault.sol";
import {StakingVaultHandler} from "./handlers/StakingVaultHandler.sol";

/// @notice Invariants of the StakingVault under random sequences of stake, unstake, withdraw, bond, slash and claim
///         calls (see docs/INVARIANTS.md):
///         INV-03 free stake never negative and locked bonds never exceed stake;
///         INV-06 vault token balance == Σ active stake + Σ unbonding + Σ credits.
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
        targetContract(address(handler));
    }

    /// @notice INV-03: for every provider, locked <= stake, so free stake (stake - locked) is never negative.
    function invariant_INV03_LockedNeverExceedsStake() public view {
        address[] memory providers = handler.providers();
        uint256 sumLocked;
        for (uint256 i; i < providers.length; ++i) {
            uint256 staked = vault.stakeOf(providers[i]);
            uint256 locked = vault.lockedOf(providers[i]);
            assertLe(locked, staked, "INV-03: locked > stake");
            assertEq(vault.freeStakeOf(providers[i]), staked - locked, "INV-03: free != stake - locked");
            sumLocked += locked;
        }
        assertEq(sumLocked, handler.ghostLocked(), "INV-03: locked ghost");
    }

    /// @notice INV-06: the vault's token balance equals Σ active stake + Σ unbonding + Σ credits, both summed over
    ///         the views and as tracked by the handler's ghost sums; and it equals deposits minus payouts.
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
        uint256 balance = token.balanceOf(address(vault));
        assertEq(balance, sumActive + sumUnbonding + sumCredits, "INV-06: balance != sum of views");
        assertEq(sumActive, handler.ghostActive(), "INV-06: active ghost");
        assertEq(sumUnbonding, handler.ghostUnbonding(), "INV-06: unbonding ghost");
        assertEq(sumCredits, handler.ghostCredits(), "INV-06: credit ghost");
        assertEq(balance, handler.ghostDeposited() - handler.ghostPaidOut(), "INV-06: deposits - payouts");
    }

    /// @notice Every slash took exactly what the formula says and split it into shares that sum to the amount.
    function invariant_SlashesFollowFormula() public view {
        assertEq(handler.ghostSlashErrors(), 0, "slash outcome differs from the formula");
    }

    /// @notice Unbonding entries are consistent: an empty entry has no release time.
    function invariant_EmptyUnbondingHasNoReleaseTime() public view {
        address[] memory providers = handler.providers();
        for (uint256 i; i < providers.length; ++i) {
            (uint256 amount, uint64 releaseAt) = vault.unbondingOf(providers[i]);
            if (amount == 0) assertEq(releaseAt, 0, "empty unbonding with release time");
        }
    }
}
