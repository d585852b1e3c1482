// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {StakingVault} from "../../../../contracts/staking/StakingVault.sol";

/// @notice Drives a StakingVault through bounded random sequences of every state-changing call and tracks ghost sums
///         of what the vault must hold, for INV-03 and INV-06.
contract StakingVaultHandler is CommonBase, StdCheats, StdUtils {
    StakingVault public immutable vault;
    IERC20 public immutable token;
    address public immutable market;
    address public immutable slasher;
    address public immutable admin;

    address[] private _providers;
    address[] private _accounts; // providers, harmed parties and the treasury: every address that can hold credit

    /// @notice Σ active stake the vault should hold (locked included).
    uint256 public ghostActive;
    /// @notice Σ locked bonds.
    uint256 public ghostLocked;
    /// @notice Σ unbonding amounts.
    uint256 public ghostUnbonding;
    /// @notice Σ unclaimed credits.
    uint256 public ghostCredits;
    /// @notice Tokens that entered the vault (stake, stakeFor).
    uint256 public ghostDeposited;
    /// @notice Tokens that left the vault (withdraw, claimCredit).
    uint256 public ghostPaidOut;

    /// @notice Number of slashes whose outcome broke the vault's formula (split not summing to the amount, or more
    ///         taken than was available). Recorded rather than reverted, since the config does not fail on reverts.
    uint256 public ghostSlashErrors;

    constructor(StakingVault vault_, address market_, address slasher_, address admin_, address[] memory providers_) {
        vault = vault_;
        token = vault_.stakeToken();
        market = market_;
        slasher = slasher_;
        admin = admin_;
        _providers = providers_;
        for (uint256 i; i < providers_.length; ++i) _accounts.push(providers_[i]);
        _accounts.push(makeAddr("harmed1"));
        _accounts.push(makeAddr("harmed2"));
        _accounts.push(vault_.treasury());
    }

    /// @notice Every account that can hold stake, unbonding or credit in this run.
    function accounts() external view returns (address[] memory) {
        return _accounts;
    }

    /// @notice The providers of this run.
    function providers() external view returns (address[] memory) {
        return _providers;
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    function stake(uint256 providerSeed, uint256 amount) external {
        address provider = _provider(providerSeed);
        amount = bound(amount, 0, token.balanceOf(provider));
        if (amount == 0) return;
        vm.prank(provider);
        vault.stake(amount);
        ghostActive += amount;
        ghostDeposited += amount;
    }

    function stakeFor(uint256 funderSeed, uint256 providerSeed, uint256 amount) external {
        address funder = _provider(funderSeed);
        address provider = _provider(providerSeed);
        amount = bound(amount, 0, token.balanceOf(funder));
        if (amount == 0) return;
        vm.prank(funder);
        vault.stakeFor(provider, amount);
        ghostActive += amount;
        ghostDeposited += amount;
    }

    function requestUnstake(uint256 providerSeed, uint256 amount) external {
        address provider = _provider(providerSeed);
        amount = bound(amount, 0, vault.freeStakeOf(provider));
        if (amount == 0) return;
        vm.prank(provider);
        vault.requestUnstake(amount);
        ghostActive -= amount;
        ghostUnbonding += amount;
    }

    function cancelUnstake(uint256 providerSeed, uint256 amount) external {
        address provider = _provider(providerSeed);
        (uint256 unbonding, ) = vault.unbondingOf(provider);
        amount = bound(amount, 0, unbonding);
        if (amount == 0) return;
        vm.prank(provider);
        vault.cancelUnstake(amount);
        ghostUnbonding -= amount;
        ghostActive += amount;
    }

    function withdraw(uint256 providerSeed) external {
        address provider = _provider(providerSeed);
        (uint256 unbonding, uint64 releaseAt) = vault.unbondingOf(provider);
        if (unbonding == 0) return;
        if (block.timestamp < releaseAt) vm.warp(releaseAt);
        vm.prank(provider);
        vault.withdraw();
        ghostUnbonding -= unbonding;
        ghostPaidOut += unbonding;
    }

    function lockBond(uint256 providerSeed, uint256 amount) external {
        address provider = _provider(providerSeed);
        amount = bound(amount, 0, vault.freeStakeOf(provider));
        if (amount == 0) return;
        vm.prank(market);
        vault.lockBond(provider, amount);
        ghostLocked += amount;
    }

    function releaseBond(uint256 providerSeed, uint256 amount) external {
        address provider = _provider(providerSeed);
        amount = bound(amount, 0, vault.lockedOf(provider));
        if (amount == 0) return;
        vm.prank(market);
        vault.releaseBond(provider, amount);
        ghostLocked -= amount;
    }

    function slashBond(uint256 providerSeed, uint256 amount, uint256 harmedSeed) external {
        address provider = _provider(providerSeed);
        amount = bound(amount, 0, vault.lockedOf(provider));
        if (amount == 0) return;
        vm.prank(market);
        (uint256 harmedShare, uint256 treasuryShare) = vault.slashBond(provider, amount, _harmed(harmedSeed));
        if (harmedShare + treasuryShare != amount) ++ghostSlashErrors;
        ghostActive -= amount;
        ghostLocked -= amount;
        ghostCredits += amount;
    }

    function slash(uint256 providerSeed, uint256 amount, uint256 harmedSeed) external {
        address provider = _provider(providerSeed);
        amount = bound(amount, 1, 2_000_000 ether);
        uint256 free = vault.freeStakeOf(provider);
        (uint256 unbondingBefore, ) = vault.unbondingOf(provider);
        vm.prank(slasher);
        uint256 slashed = vault.slash(provider, amount, _harmed(harmedSeed));
        uint256 fromActive = amount < free ? amount : free;
        uint256 rest = amount - fromActive;
        uint256 fromUnbonding = rest < unbondingBefore ? rest : unbondingBefore;
        if (slashed != fromActive + fromUnbonding) ++ghostSlashErrors;
        ghostActive -= fromActive;
        ghostUnbonding -= fromUnbonding;
        ghostCredits += fromActive + fromUnbonding;
    }

    function claimCredit(uint256 accountSeed) external {
        address account = _accounts[accountSeed % _accounts.length];
        uint256 credit = vault.creditOf(account);
        if (credit == 0) return;
        vm.prank(account);
        vault.claimCredit();
        ghostCredits -= credit;
        ghostPaidOut += credit;
    }

    function setSlashTreasuryBps(uint256 bps) external {
        vm.prank(admin);
        vault.setSlashTreasuryBps(uint16(bound(bps, 0, 10_000)));
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 10 days));
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _provider(uint256 seed) private view returns (address) {
        return _providers[seed % _providers.length];
    }

    /// @dev One of the harmed parties, a provider, or the zero address (all to the treasury).
    function _harmed(uint256 seed) private view returns (address) {
        uint256 i = seed % (_accounts.length + 1);
        return i == _accounts.length ? address(0) : _accounts[i];
    }
}
