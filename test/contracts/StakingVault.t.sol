// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {EAIToken} from "../../contracts/token/EAIToken.sol";
import {StakingVault} from "../../contracts/staking/StakingVault.sol";
import {IStakingVault} from "../../contracts/interfaces/IStakingVault.sol";
import {ReentrantERC20} from "../../contracts/mocks/ReentrantERC20.sol";

contract StakingVaultTest is Test {
    uint64 private constant PERIOD = 7 days;
    uint16 private constant BPS = 1_000; // 10% to the treasury

    EAIToken private token;
    StakingVault private vault;

    address private admin = makeAddr("admin");
    address private treasury = makeAddr("treasury");
    address private market = makeAddr("market");
    address private slasher = makeAddr("slasher");
    address private alice = makeAddr("alice");
    address private bob = makeAddr("bob");
    address private requester = makeAddr("requester");

    bytes32 private marketRole;
    bytes32 private slasherRole;
    bytes32 private adminRole;

    function setUp() public {
        vm.warp(1_700_000_000);
        token = new EAIToken(admin, address(this), 1_000_000 ether, 1_000_000_000 ether);
        vault = new StakingVault(token, admin, treasury, PERIOD, BPS);
        marketRole = vault.MARKET_ROLE();
        slasherRole = vault.SLASHER_ROLE();
        adminRole = vault.DEFAULT_ADMIN_ROLE();
        vm.startPrank(admin);
        vault.grantRole(marketRole, market);
        vault.grantRole(slasherRole, slasher);
        vm.stopPrank();

        address[2] memory users = [alice, bob];
        for (uint256 i; i < users.length; ++i) {
            token.transfer(users[i], 10_000 ether);
            vm.prank(users[i]);
            token.approve(address(vault), type(uint256).max);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _stake(address who, uint256 amount) private {
        vm.prank(who);
        vault.stake(amount);
    }

    function _lock(address who, uint256 amount) private {
        vm.prank(market);
        vault.lockBond(who, amount);
    }

    function _requestUnstake(address who, uint256 amount) private {
        vm.prank(who);
        vault.requestUnstake(amount);
    }

    function _unauthorized(address caller, bytes32 role) private pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, role);
    }

    /// @dev INV-06 for the accounts these tests touch.
    function _assertBalanceMatchesAccounting() private view {
        address[5] memory accts = [alice, bob, treasury, requester, admin];
        uint256 sum;
        for (uint256 i; i < accts.length; ++i) {
            (uint256 unbonding, ) = vault.unbondingOf(accts[i]);
            sum += vault.stakeOf(accts[i]) + unbonding + vault.creditOf(accts[i]);
        }
        assertEq(token.balanceOf(address(vault)), sum, "INV-06");
        assertEq(vault.totalStake(), vault.stakeOf(alice) + vault.stakeOf(bob), "INV-13");
    }

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    function test_constructor_SetsParametersAndRoles() public view {
        assertEq(address(vault.stakeToken()), address(token));
        assertEq(vault.treasury(), treasury);
        assertEq(vault.unbondingPeriod(), PERIOD);
        assertEq(vault.slashTreasuryBps(), BPS);
        assertTrue(vault.hasRole(adminRole, admin));
        assertEq(marketRole, keccak256("MARKET_ROLE"));
        assertEq(slasherRole, keccak256("SLASHER_ROLE"));
        assertFalse(vault.hasRole(marketRole, admin));
        assertFalse(vault.hasRole(slasherRole, admin));
    }

    function test_constructor_EmitsParameterEvents() public {
        vm.expectEmit();
        emit IStakingVault.TreasuryUpdated(address(0), treasury);
        vm.expectEmit();
        emit IStakingVault.UnbondingPeriodUpdated(0, PERIOD);
        vm.expectEmit();
        emit IStakingVault.SlashTreasuryBpsUpdated(0, BPS);
        new StakingVault(token, admin, treasury, PERIOD, BPS);
    }

    function test_constructor_RevertWhen_TokenZero() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.StakingVaultZeroAddress.selector, "stakeToken"));
        new StakingVault(IERC20(address(0)), admin, treasury, PERIOD, BPS);
    }

    function test_constructor_RevertWhen_AdminZero() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.StakingVaultZeroAddress.selector, "admin"));
        new StakingVault(token, address(0), treasury, PERIOD, BPS);
    }

    function test_constructor_RevertWhen_TreasuryZero() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.StakingVaultInvalidTreasury.selector, address(0)));
        new StakingVault(token, admin, address(0), PERIOD, BPS);
    }

    function test_constructor_RevertWhen_TreasuryIsVault() public {
        address next = vm.computeCreateAddress(address(this), vm.getNonce(address(this)));
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.StakingVaultInvalidTreasury.selector, next));
        new StakingVault(token, admin, next, PERIOD, BPS);
    }

    function test_constructor_RevertWhen_PeriodOutOfBounds() public {
        uint64 min = vault.MIN_UNBONDING_PERIOD();
        uint64 max = vault.MAX_UNBONDING_PERIOD();
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.StakingVaultInvalidUnbondingPeriod.selector, min - 1, min, max)
        );
        new StakingVault(token, admin, treasury, min - 1, BPS);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.StakingVaultInvalidUnbondingPeriod.selector, max + 1, min, max)
        );
        new StakingVault(token, admin, treasury, max + 1, BPS);
    }

    function test_constructor_RevertWhen_BpsAboveMax() public {
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.StakingVaultInvalidSlashTreasuryBps.selector, 10_001, 10_000)
        );
        new StakingVault(token, admin, treasury, PERIOD, 10_001);
    }

    /*//////////////////////////////////////////////////////////////
                                 STAKE
    //////////////////////////////////////////////////////////////*/

    function test_stake_AddsActiveStake() public {
        vm.expectEmit(address(vault));
        emit IStakingVault.Staked(alice, alice, 100 ether, 100 ether);
        _stake(alice, 100 ether);
        vm.expectEmit(address(vault));
        emit IStakingVault.Staked(alice, alice, 50 ether, 150 ether);
        _stake(alice, 50 ether);

        assertEq(vault.stakeOf(alice), 150 ether);
        assertEq(vault.freeStakeOf(alice), 150 ether);
        assertEq(vault.lockedOf(alice), 0);
        assertEq(token.balanceOf(address(vault)), 150 ether);
        assertEq(token.balanceOf(alice), 10_000 ether - 150 ether);
    }

    function test_stake_RevertWhen_ZeroAmount() public {
        vm.expectRevert(IStakingVault.StakingVaultZeroAmount.selector);
        _stake(alice, 0);
    }

    function test_stake_RevertWhen_NoAllowance() public {
        address carol = makeAddr("carol");
        token.transfer(carol, 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(vault), 0, 1 ether)
        );
        _stake(carol, 1 ether);
    }

    function test_stake_RevertWhen_Above128Bits() public {
        ReentrantERC20 big = new ReentrantERC20();
        StakingVault v = new StakingVault(big, admin, treasury, PERIOD, BPS);
        uint256 max = type(uint128).max;
        big.mint(alice, max + 1);
        vm.startPrank(alice);
        big.approve(address(v), type(uint256).max);
        v.stake(max);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.StakingVaultStakeOverflow.selector, alice, max + 1));
        v.stake(1);
        vm.stopPrank();
        assertEq(v.totalStake(), max);
    }

    function test_stakeFor_FundedByCaller() public {
        vm.expectEmit(address(vault));
        emit IStakingVault.Staked(alice, bob, 70 ether, 70 ether);
        vm.prank(bob);
        vault.stakeFor(alice, 70 ether);
        assertEq(vault.stakeOf(alice), 70 ether);
        assertEq(vault.stakeOf(bob), 0);
        assertEq(token.balanceOf(bob), 10_000 ether - 70 ether);
        assertEq(token.balanceOf(alice), 10_000 ether);
    }

    function test_stakeFor_RevertWhen_ProviderZero() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.StakingVaultZeroAddress.selector, "provider"));
        vm.prank(bob);
        vault.stakeFor(address(0), 1 ether);
    }

    function test_stakeFor_RevertWhen_ZeroAmount() public {
        vm.expectRevert(IStakingVault.StakingVaultZeroAmount.selector);
        vm.prank(bob);
        vault.stakeFor(alice, 0);
    }

    /*//////////////////////////////////////////////////////////////
                            STAKE WITH PERMIT
    //////////////////////////////////////////////////////////////*/

    /// @dev An ERC-2612 permit signature of `pk`'s owner for `spender`.
    function _permitSig(
        uint256 pk,
        address spender,
        uint256 value,
        uint256 deadline
    ) private view returns (uint8 v, bytes32 r, bytes32 s) {
        address owner = vm.addr(pk);
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                spender,
                value,
                token.nonces(owner),
                deadline
            )
        );
        return vm.sign(pk, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
    }

    /// @dev A funded account that has approved nothing.
    function _permitUser(string memory name) private returns (address who, uint256 pk) {
        (who, pk) = makeAddrAndKey(name);
        token.transfer(who, 1_000 ether);
    }

    function test_stakeWithPermit_StakesInOneTransaction() public {
        (address carol, uint256 pk) = _permitUser("carol");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permitSig(pk, address(vault), 300 ether, deadline);
        vm.expectEmit(address(vault));
        emit IStakingVault.Staked(carol, carol, 300 ether, 300 ether);
        vm.prank(carol);
        vault.stakeWithPermit(300 ether, deadline, v, r, s);
        assertEq(vault.stakeOf(carol), 300 ether);
        assertEq(token.balanceOf(carol), 700 ether);
        assertEq(token.allowance(carol, address(vault)), 0); // exactly the stake was permitted and spent
        assertEq(token.nonces(carol), 1);
        assertEq(token.balanceOf(address(vault)), 300 ether);
    }

    function test_stakeWithPermit_SurvivesFrontRunPermit() public {
        (address carol, uint256 pk) = _permitUser("carol");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permitSig(pk, address(vault), 300 ether, deadline);
        // Someone copies the permit from the mempool and submits it first: the nonce is spent, the allowance set.
        vm.prank(bob);
        token.permit(carol, address(vault), 300 ether, deadline, v, r, s);
        vm.prank(carol);
        vault.stakeWithPermit(300 ether, deadline, v, r, s);
        assertEq(vault.stakeOf(carol), 300 ether);
    }

    function test_stakeWithPermit_RevertWhen_SignatureCopiedByAnotherAccount() public {
        (address carol, uint256 pk) = _permitUser("carol");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permitSig(pk, address(vault), 300 ether, deadline);
        // The permit's owner is always the caller: carol's signature cannot stake carol's tokens for anyone else.
        address thief = makeAddr("thief");
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.StakingVaultPermitInsufficient.selector, 0, 300 ether));
        vm.prank(thief);
        vault.stakeWithPermit(300 ether, deadline, v, r, s);
        assertEq(token.balanceOf(carol), 1_000 ether);
        assertEq(token.nonces(carol), 0); // the signature is still carol's to use
    }

    function test_stakeWithPermit_RevertWhen_PermitForAnotherSpenderOrAmount() public {
        (address carol, uint256 pk) = _permitUser("carol");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permitSig(pk, market, 300 ether, deadline);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.StakingVaultPermitInsufficient.selector, 0, 300 ether));
        vm.prank(carol);
        vault.stakeWithPermit(300 ether, deadline, v, r, s);

        // Signed for 100 EAI, used for 300: the permit does not verify, nothing is pulled.
        (v, r, s) = _permitSig(pk, address(vault), 100 ether, deadline);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.StakingVaultPermitInsufficient.selector, 0, 300 ether));
        vm.prank(carol);
        vault.stakeWithPermit(300 ether, deadline, v, r, s);
        assertEq(token.balanceOf(carol), 1_000 ether);
    }

    function test_stakeWithPermit_RevertWhen_Expired() public {
        (address carol, uint256 pk) = _permitUser("carol");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permitSig(pk, address(vault), 300 ether, deadline);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.StakingVaultPermitInsufficient.selector, 0, 300 ether));
        vm.prank(carol);
        vault.stakeWithPermit(300 ether, deadline, v, r, s);
    }

    function test_stakeWithPermit_UsesAnEarlierApprovalWhenThePermitFails() public {
        // alice approved the vault in setUp: a garbage signature does not stop her stake.
        vm.prank(alice);
        vault.stakeWithPermit(50 ether, block.timestamp, 27, bytes32(uint256(1)), bytes32(uint256(2)));
        assertEq(vault.stakeOf(alice), 50 ether);
    }

    function test_stakeWithPermit_RevertWhen_ZeroAmount() public {
        vm.expectRevert(IStakingVault.StakingVaultZeroAmount.selector);
        vm.prank(alice);
        vault.stakeWithPermit(0, block.timestamp, 27, bytes32(uint256(1)), bytes32(uint256(2)));
    }

    function testFuzz_stakeWithPermit_StakesExactlyThePermittedAmount(uint256 amount) public {
        (address carol, uint256 pk) = _permitUser("carol");
        amount = bound(amount, 1, 1_000 ether);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permitSig(pk, address(vault), amount, deadline);
        vm.prank(carol);
        vault.stakeWithPermit(amount, deadline, v, r, s);
        assertEq(vault.stakeOf(carol), amount);
        assertEq(token.balanceOf(carol), 1_000 ether - amount);
        assertEq(token.allowance(carol, address(vault)), 0);
    }

    /*//////////////////////////////////////////////////////////////
                                UNSTAKE
    //////////////////////////////////////////////////////////////*/

    function test_requestUnstake_MovesFreeStakeToUnbonding() public {
        _stake(alice, 100 ether);
        uint64 releaseAt = uint64(block.timestamp) + PERIOD;
        vm.expectEmit(address(vault));
        emit IStakingVault.UnstakeRequested(alice, 40 ether, 60 ether, 40 ether, releaseAt);
        _requestUnstake(alice, 40 ether);

        assertEq(vault.stakeOf(alice), 60 ether);
        assertEq(vault.freeStakeOf(alice), 60 ether);
        (uint256 amount, uint64 gotReleaseAt) = vault.unbondingOf(alice);
        assertEq(amount, 40 ether);
        assertEq(gotReleaseAt, releaseAt);
        assertEq(token.balanceOf(address(vault)), 100 ether);
    }

    function test_requestUnstake_AddsUpAndResetsReleaseAt() public {
        _stake(alice, 100 ether);
        _requestUnstake(alice, 40 ether);
        vm.warp(block.timestamp + 3 days);
        uint64 releaseAt = uint64(block.timestamp) + PERIOD;
        vm.expectEmit(address(vault));
        emit IStakingVault.UnstakeRequested(alice, 10 ether, 50 ether, 50 ether, releaseAt);
        _requestUnstake(alice, 10 ether);
        (uint256 amount, uint64 gotReleaseAt) = vault.unbondingOf(alice);
        assertEq(amount, 50 ether);
        assertEq(gotReleaseAt, releaseAt);
    }

    function test_requestUnstake_RevertWhen_ZeroAmount() public {
        _stake(alice, 100 ether);
        vm.expectRevert(IStakingVault.StakingVaultZeroAmount.selector);
        _requestUnstake(alice, 0);
    }

    function test_requestUnstake_RevertWhen_AboveFreeStake() public {
        _stake(alice, 100 ether);
        _lock(alice, 30 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.StakingVaultInsufficientFreeStake.selector, alice, 70 ether, 71 ether)
        );
        _requestUnstake(alice, 71 ether);
    }

    function test_requestUnstake_RevertWhen_NoStake() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.StakingVaultInsufficientFreeStake.selector, bob, 0, 1));
        _requestUnstake(bob, 1);
    }

    function test_cancelUnstake_PartialKeepsReleaseAt() public {
        _stake(alice, 100 ether);
        _requestUnstake(alice, 40 ether);
        uint64 releaseAt = uint64(block.timestamp) + PERIOD;
        vm.warp(block.timestamp + 1 days);

        vm.expectEmit(address(vault));
        emit IStakingVault.UnstakeCancelled(alice, 15 ether, 75 ether, 25 ether, releaseAt);
        vm.prank(alice);
        vault.cancelUnstake(15 ether);
        assertEq(vault.stakeOf(alice), 75 ether);
        (uint256 amount, uint64 gotReleaseAt) = vault.unbondingOf(alice);
        assertEq(amount, 25 ether);
        assertEq(gotReleaseAt, releaseAt);
    }

    function test_cancelUnstake_FullClearsReleaseAt() public {
        _stake(alice, 100 ether);
        _requestUnstake(alice, 40 ether);
        vm.expectEmit(address(vault));
        emit IStakingVault.UnstakeCancelled(alice, 40 ether, 100 ether, 0, 0);
        vm.prank(alice);
        vault.cancelUnstake(40 ether);
        (uint256 amount, uint64 gotReleaseAt) = vault.unbondingOf(alice);
        assertEq(amount, 0);
        assertEq(gotReleaseAt, 0);
        assertEq(vault.stakeOf(alice), 100 ether);
    }

    function test_cancelUnstake_RevertWhen_ZeroAmount() public {
        vm.expectRevert(IStakingVault.StakingVaultZeroAmount.selector);
        vm.prank(alice);
        vault.cancelUnstake(0);
    }

    function test_cancelUnstake_RevertWhen_AboveUnbonding() public {
        _stake(alice, 100 ether);
        _requestUnstake(alice, 40 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStakingVault.StakingVaultInsufficientUnbonding.selector,
                alice,
                40 ether,
                40 ether + 1
            )
        );
        vm.prank(alice);
        vault.cancelUnstake(40 ether + 1);
    }

    function test_withdraw_AfterReleaseAt() public {
        _stake(alice, 100 ether);
        _requestUnstake(alice, 40 ether);
        vm.warp(block.timestamp + PERIOD);

        vm.expectEmit(address(vault));
        emit IStakingVault.Withdrawn(alice, 40 ether);
        vm.prank(alice);
        vault.withdraw();
        assertEq(token.balanceOf(alice), 10_000 ether - 60 ether);
        (uint256 amount, uint64 gotReleaseAt) = vault.unbondingOf(alice);
        assertEq(amount, 0);
        assertEq(gotReleaseAt, 0);
        assertEq(vault.stakeOf(alice), 60 ether);
        _assertBalanceMatchesAccounting();
    }

    function test_withdraw_RevertWhen_NotMatured() public {
        _stake(alice, 100 ether);
        _requestUnstake(alice, 40 ether);
        uint64 releaseAt = uint64(block.timestamp) + PERIOD;
        vm.warp(releaseAt - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStakingVault.StakingVaultUnbondingNotMatured.selector,
                alice,
                releaseAt,
                releaseAt - 1
            )
        );
        vm.prank(alice);
        vault.withdraw();
    }

    function test_withdraw_RevertWhen_NothingUnbonding() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.StakingVaultNothingToWithdraw.selector, alice));
        vm.prank(alice);
        vault.withdraw();
    }

    function test_withdraw_UsesPeriodAtRequestTime() public {
        _stake(alice, 100 ether);
        _requestUnstake(alice, 40 ether);
        vm.prank(admin);
        vault.setUnbondingPeriod(30 days);
        vm.warp(block.timestamp + PERIOD);
        vm.prank(alice);
        vault.withdraw();
        assertEq(token.balanceOf(alice), 10_000 ether - 60 ether);
    }

    /*//////////////////////////////////////////////////////////////
                                 BONDS
    //////////////////////////////////////////////////////////////*/

    function test_lockBond_LocksFreeStake() public {
        _stake(alice, 100 ether);
        vm.expectEmit(address(vault));
        emit IStakingVault.BondLocked(alice, market, 30 ether, 30 ether);
        _lock(alice, 30 ether);
        vm.expectEmit(address(vault));
        emit IStakingVault.BondLocked(alice, market, 70 ether, 100 ether);
        _lock(alice, 70 ether);
        assertEq(vault.stakeOf(alice), 100 ether);
        assertEq(vault.lockedOf(alice), 100 ether);
        assertEq(vault.freeStakeOf(alice), 0);
    }

    function test_lockBond_RevertWhen_AboveFreeStake() public {
        _stake(alice, 100 ether);
        _lock(alice, 60 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.StakingVaultInsufficientFreeStake.selector, alice, 40 ether, 41 ether)
        );
        _lock(alice, 41 ether);
    }

    function test_lockBond_RevertWhen_OnlyUnbondingStake() public {
        _stake(alice, 100 ether);
        _requestUnstake(alice, 100 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.StakingVaultInsufficientFreeStake.selector, alice, 0, 1 ether)
        );
        _lock(alice, 1 ether);
    }

    function test_lockBond_RevertWhen_ZeroAmount() public {
        _stake(alice, 100 ether);
        vm.expectRevert(IStakingVault.StakingVaultZeroAmount.selector);
        _lock(alice, 0);
    }

    function test_lockBond_RevertWhen_CallerNotMarket() public {
        _stake(alice, 100 ether);
        address[3] memory callers = [admin, slasher, alice];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(_unauthorized(callers[i], marketRole));
            vm.prank(callers[i]);
            vault.lockBond(alice, 1 ether);
        }
    }

    function test_releaseBond_ReturnsToFreeStake() public {
        _stake(alice, 100 ether);
        _lock(alice, 30 ether);
        vm.expectEmit(address(vault));
        emit IStakingVault.BondReleased(alice, market, 20 ether, 10 ether);
        vm.prank(market);
        vault.releaseBond(alice, 20 ether);
        assertEq(vault.lockedOf(alice), 10 ether);
        assertEq(vault.freeStakeOf(alice), 90 ether);
        assertEq(vault.stakeOf(alice), 100 ether);
    }

    function test_releaseBond_RevertWhen_AboveLocked() public {
        _stake(alice, 100 ether);
        _lock(alice, 30 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.StakingVaultInsufficientLocked.selector, alice, 30 ether, 31 ether)
        );
        vm.prank(market);
        vault.releaseBond(alice, 31 ether);
    }

    function test_releaseBond_RevertWhen_ZeroAmount() public {
        vm.expectRevert(IStakingVault.StakingVaultZeroAmount.selector);
        vm.prank(market);
        vault.releaseBond(alice, 0);
    }

    function test_releaseBond_RevertWhen_CallerNotMarket() public {
        _stake(alice, 100 ether);
        _lock(alice, 30 ether);
        vm.expectRevert(_unauthorized(admin, marketRole));
        vm.prank(admin);
        vault.releaseBond(alice, 1 ether);
        vm.expectRevert(_unauthorized(alice, marketRole));
        vm.prank(alice);
        vault.releaseBond(alice, 1 ether);
    }

    /*//////////////////////////////////////////////////////////////
                               SLASH BOND
    //////////////////////////////////////////////////////////////*/

    function test_slashBond_AllToTreasury() public {
        _stake(alice, 100 ether);
        _requestUnstake(alice, 20 ether);
        _lock(alice, 30 ether);

        vm.expectEmit(address(vault));
        emit IStakingVault.ProviderSlashed(
            alice,
            address(0),
            market,
            marketRole,
            30 ether,
            0,
            30 ether,
            IStakingVault.ProviderBalances({stake: 50 ether, locked: 0, unbonding: 20 ether})
        );
        vm.expectEmit(address(vault));
        emit IStakingVault.Credited(treasury, 30 ether, 30 ether);
        vm.recordLogs();
        vm.prank(market);
        vault.slashBond(alice, 30 ether);
        assertEq(vm.getRecordedLogs().length, 2, "one slash and one credit event");

        assertEq(vault.stakeOf(alice), 50 ether);
        assertEq(vault.lockedOf(alice), 0);
        assertEq(vault.creditOf(treasury), 30 ether);
        assertEq(vault.creditOf(requester), 0);
        assertEq(vault.creditOf(address(0)), 0);
        (uint256 unbonding, ) = vault.unbondingOf(alice);
        assertEq(unbonding, 20 ether);
        _assertBalanceMatchesAccounting();
    }

    function test_slashBond_IgnoresTreasuryBps() public {
        _stake(alice, 100 ether);
        _lock(alice, 40 ether);
        uint16[2] memory bpsValues = [uint16(0), uint16(10_000)];
        for (uint256 i; i < bpsValues.length; ++i) {
            vm.prank(admin);
            vault.setSlashTreasuryBps(bpsValues[i]);
            vm.prank(market);
            vault.slashBond(alice, 20 ether);
        }
        assertEq(vault.creditOf(treasury), 40 ether, "the whole bond, whatever the split of stake slashes");
        assertEq(vault.stakeOf(alice), 60 ether);
        _assertBalanceMatchesAccounting();
    }

    function test_slashBond_PartOfLockedBond() public {
        _stake(alice, 100 ether);
        _lock(alice, 30 ether);
        vm.prank(market);
        vault.slashBond(alice, 10 ether);
        assertEq(vault.lockedOf(alice), 20 ether);
        assertEq(vault.stakeOf(alice), 90 ether);
        assertEq(vault.freeStakeOf(alice), 70 ether);
        assertEq(vault.creditOf(treasury), 10 ether);
    }

    function test_slashBond_RevertWhen_AboveLocked() public {
        _stake(alice, 100 ether);
        _lock(alice, 30 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.StakingVaultInsufficientLocked.selector, alice, 30 ether, 31 ether)
        );
        vm.prank(market);
        vault.slashBond(alice, 31 ether);
    }

    function test_slashBond_RevertWhen_ZeroAmount() public {
        vm.expectRevert(IStakingVault.StakingVaultZeroAmount.selector);
        vm.prank(market);
        vault.slashBond(alice, 0);
    }

    function test_slashBond_RevertWhen_CallerNotMarket() public {
        _stake(alice, 100 ether);
        _lock(alice, 30 ether);
        address[3] memory callers = [admin, slasher, requester];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(_unauthorized(callers[i], marketRole));
            vm.prank(callers[i]);
            vault.slashBond(alice, 1 ether);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 SLASH
    //////////////////////////////////////////////////////////////*/

    function test_slash_TakesFreeStakeFirst() public {
        _stake(alice, 100 ether);
        _lock(alice, 30 ether);
        _requestUnstake(alice, 20 ether);

        vm.expectEmit(address(vault));
        emit IStakingVault.ProviderSlashed(
            alice,
            requester,
            slasher,
            slasherRole,
            40 ether,
            36 ether,
            4 ether,
            IStakingVault.ProviderBalances({stake: 40 ether, locked: 30 ether, unbonding: 20 ether})
        );
        vm.prank(slasher);
        uint256 slashed = vault.slash(alice, 40 ether, requester);
        assertEq(slashed, 40 ether);
        assertEq(vault.freeStakeOf(alice), 10 ether);
        assertEq(vault.lockedOf(alice), 30 ether);
        _assertBalanceMatchesAccounting();
    }

    function test_slash_ThenUnbondingAndCapsAtAvailable() public {
        _stake(alice, 100 ether);
        _lock(alice, 30 ether);
        _requestUnstake(alice, 20 ether);
        // free = 50, unbonding = 20, locked = 30 (untouchable by slash)

        vm.prank(slasher);
        uint256 slashed = vault.slash(alice, 1_000 ether, address(0));
        assertEq(slashed, 70 ether);
        assertEq(vault.stakeOf(alice), 30 ether);
        assertEq(vault.lockedOf(alice), 30 ether);
        assertEq(vault.freeStakeOf(alice), 0);
        (uint256 unbonding, uint64 releaseAt) = vault.unbondingOf(alice);
        assertEq(unbonding, 0);
        assertEq(releaseAt, 0);
        assertEq(vault.creditOf(treasury), 70 ether);
        _assertBalanceMatchesAccounting();
    }

    function test_slash_PartiallyFromUnbondingKeepsReleaseAt() public {
        _stake(alice, 100 ether);
        _requestUnstake(alice, 60 ether);
        uint64 releaseAt = uint64(block.timestamp) + PERIOD;
        vm.prank(slasher);
        uint256 slashed = vault.slash(alice, 50 ether, requester);
        assertEq(slashed, 50 ether);
        assertEq(vault.stakeOf(alice), 0);
        (uint256 unbonding, uint64 gotReleaseAt) = vault.unbondingOf(alice);
        assertEq(unbonding, 50 ether);
        assertEq(gotReleaseAt, releaseAt);
    }

    function test_slash_NothingAvailableReturnsZero() public {
        _stake(alice, 100 ether);
        _lock(alice, 100 ether);
        vm.recordLogs();
        vm.prank(slasher);
        uint256 slashed = vault.slash(alice, 10 ether, requester);
        assertEq(slashed, 0);
        assertEq(vm.getRecordedLogs().length, 0);
        assertEq(vault.stakeOf(alice), 100 ether);
        assertEq(vault.creditOf(requester), 0);
    }

    function test_slash_RevertWhen_ZeroAmount() public {
        vm.expectRevert(IStakingVault.StakingVaultZeroAmount.selector);
        vm.prank(slasher);
        vault.slash(alice, 0, requester);
    }

    function test_slash_RevertWhen_CallerNotSlasher() public {
        _stake(alice, 100 ether);
        address[3] memory callers = [admin, market, requester];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(_unauthorized(callers[i], slasherRole));
            vm.prank(callers[i]);
            vault.slash(alice, 1 ether, callers[i]);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                CREDITS
    //////////////////////////////////////////////////////////////*/

    function test_claimCredit_TransfersWholeCredit() public {
        _stake(alice, 100 ether);
        vm.startPrank(slasher);
        vault.slash(alice, 20 ether, requester);
        vault.slash(alice, 10 ether, requester);
        vm.stopPrank();
        assertEq(vault.creditOf(requester), 27 ether); // 90% of 30 with BPS = 10%

        vm.expectEmit(address(vault));
        emit IStakingVault.CreditClaimed(requester, 27 ether);
        vm.prank(requester);
        vault.claimCredit();
        assertEq(token.balanceOf(requester), 27 ether);
        assertEq(vault.creditOf(requester), 0);

        vm.prank(treasury);
        vault.claimCredit();
        assertEq(token.balanceOf(treasury), 3 ether);
        _assertBalanceMatchesAccounting();
    }

    function test_claimCredit_RevertWhen_NoCredit() public {
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.StakingVaultNoCredit.selector, requester));
        vm.prank(requester);
        vault.claimCredit();
    }

    function test_setTreasury_OldTreasuryKeepsCredit() public {
        _stake(alice, 100 ether);
        _lock(alice, 10 ether);
        vm.prank(market);
        vault.slashBond(alice, 10 ether);
        address newTreasury = makeAddr("newTreasury");
        vm.prank(admin);
        vault.setTreasury(newTreasury);
        assertEq(vault.creditOf(treasury), 10 ether);
        vm.prank(treasury);
        vault.claimCredit();
        assertEq(token.balanceOf(treasury), 10 ether);
    }

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    function test_setUnbondingPeriod_UpdatesWithinBounds() public {
        uint64 min = vault.MIN_UNBONDING_PERIOD();
        uint64 max = vault.MAX_UNBONDING_PERIOD();
        vm.startPrank(admin);
        vm.expectEmit(address(vault));
        emit IStakingVault.UnbondingPeriodUpdated(PERIOD, min);
        vault.setUnbondingPeriod(min);
        vault.setUnbondingPeriod(max);
        vm.stopPrank();
        assertEq(vault.unbondingPeriod(), max);
    }

    function test_setUnbondingPeriod_RevertWhen_OutOfBounds() public {
        uint64 min = vault.MIN_UNBONDING_PERIOD();
        uint64 max = vault.MAX_UNBONDING_PERIOD();
        vm.startPrank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.StakingVaultInvalidUnbondingPeriod.selector, min - 1, min, max)
        );
        vault.setUnbondingPeriod(min - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.StakingVaultInvalidUnbondingPeriod.selector, max + 1, min, max)
        );
        vault.setUnbondingPeriod(max + 1);
        vm.stopPrank();
    }

    function test_setUnbondingPeriod_RevertWhen_CallerNotAdmin() public {
        vm.expectRevert(_unauthorized(market, adminRole));
        vm.prank(market);
        vault.setUnbondingPeriod(2 days);
    }

    function test_setSlashTreasuryBps_Updates() public {
        vm.expectEmit(address(vault));
        emit IStakingVault.SlashTreasuryBpsUpdated(BPS, 10_000);
        vm.prank(admin);
        vault.setSlashTreasuryBps(10_000);
        assertEq(vault.slashTreasuryBps(), 10_000);
    }

    function test_setSlashTreasuryBps_RevertWhen_AboveMax() public {
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.StakingVaultInvalidSlashTreasuryBps.selector, 10_001, 10_000)
        );
        vm.prank(admin);
        vault.setSlashTreasuryBps(10_001);
    }

    function test_setSlashTreasuryBps_RevertWhen_CallerNotAdmin() public {
        vm.expectRevert(_unauthorized(slasher, adminRole));
        vm.prank(slasher);
        vault.setSlashTreasuryBps(0);
    }

    function test_setTreasury_Updates() public {
        address newTreasury = makeAddr("newTreasury");
        vm.expectEmit(address(vault));
        emit IStakingVault.TreasuryUpdated(treasury, newTreasury);
        vm.prank(admin);
        vault.setTreasury(newTreasury);
        assertEq(vault.treasury(), newTreasury);
    }

    function test_setTreasury_RevertWhen_ZeroOrVault() public {
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.StakingVaultInvalidTreasury.selector, address(0)));
        vault.setTreasury(address(0));
        vm.expectRevert(abi.encodeWithSelector(IStakingVault.StakingVaultInvalidTreasury.selector, address(vault)));
        vault.setTreasury(address(vault));
        vm.stopPrank();
    }

    function test_setTreasury_RevertWhen_CallerNotAdmin() public {
        vm.expectRevert(_unauthorized(alice, adminRole));
        vm.prank(alice);
        vault.setTreasury(alice);
    }

    /*//////////////////////////////////////////////////////////////
                               REENTRANCY
    //////////////////////////////////////////////////////////////*/

    function _reentrantSetup() private returns (ReentrantERC20 evil, StakingVault v) {
        evil = new ReentrantERC20();
        v = new StakingVault(evil, admin, treasury, PERIOD, BPS);
        bytes32 role = v.MARKET_ROLE();
        vm.prank(admin);
        v.grantRole(role, market);
        evil.mint(alice, 1_000 ether);
        vm.prank(alice);
        evil.approve(address(v), type(uint256).max);
    }

    function test_stake_RevertWhen_TokenReentersWithdraw() public {
        (ReentrantERC20 evil, StakingVault v) = _reentrantSetup();
        evil.arm(address(v), abi.encodeCall(IStakingVault.withdraw, ()));
        vm.expectRevert(ReentrancyGuard.ReentrancyGuardReentrantCall.selector);
        vm.prank(alice);
        v.stake(100 ether);
        assertEq(v.stakeOf(alice), 0);
    }

    function test_withdraw_RevertWhen_TokenReentersWithdraw() public {
        (ReentrantERC20 evil, StakingVault v) = _reentrantSetup();
        vm.startPrank(alice);
        v.stake(100 ether);
        v.requestUnstake(100 ether);
        vm.stopPrank();
        vm.warp(block.timestamp + PERIOD);

        evil.arm(address(v), abi.encodeCall(IStakingVault.withdraw, ()));
        vm.expectRevert(ReentrancyGuard.ReentrancyGuardReentrantCall.selector);
        vm.prank(alice);
        v.withdraw();
        (uint256 unbonding, ) = v.unbondingOf(alice);
        assertEq(unbonding, 100 ether);
        assertEq(evil.balanceOf(address(v)), 100 ether);
    }

    function test_claimCredit_RevertWhen_TokenReentersClaim() public {
        (ReentrantERC20 evil, StakingVault v) = _reentrantSetup();
        vm.prank(alice);
        v.stake(100 ether);
        vm.startPrank(market);
        v.lockBond(alice, 100 ether);
        v.slashBond(alice, 100 ether);
        vm.stopPrank();

        evil.arm(address(v), abi.encodeCall(IStakingVault.claimCredit, ()));
        vm.expectRevert(ReentrancyGuard.ReentrancyGuardReentrantCall.selector);
        vm.prank(treasury);
        v.claimCredit();
        assertEq(v.creditOf(treasury), 100 ether);
        assertEq(evil.balanceOf(treasury), 0);
    }

    /*//////////////////////////////////////////////////////////////
                          TOTAL STAKE (INV-13)
    //////////////////////////////////////////////////////////////*/

    /// @dev Every path that moves active stake, with the expected total kept here by hand.
    function test_totalStake_FollowsEveryPath() public {
        assertEq(vault.totalStake(), 0);
        uint256 expected;

        _stake(alice, 100 ether);
        expected += 100 ether;
        assertEq(vault.totalStake(), expected, "stake");

        vm.prank(alice);
        vault.stakeFor(bob, 50 ether);
        expected += 50 ether;
        assertEq(vault.totalStake(), expected, "stakeFor");

        _requestUnstake(alice, 30 ether);
        expected -= 30 ether;
        assertEq(vault.totalStake(), expected, "requestUnstake");

        vm.prank(alice);
        vault.cancelUnstake(10 ether);
        expected += 10 ether;
        assertEq(vault.totalStake(), expected, "cancelUnstake");

        _lock(alice, 40 ether);
        assertEq(vault.totalStake(), expected, "lockBond: locked stake is still active stake");
        vm.prank(market);
        vault.releaseBond(alice, 5 ether);
        assertEq(vault.totalStake(), expected, "releaseBond");

        vm.prank(market);
        vault.slashBond(alice, 15 ether);
        expected -= 15 ether;
        assertEq(vault.totalStake(), expected, "slashBond");

        vm.warp(block.timestamp + PERIOD);
        vm.prank(alice);
        vault.withdraw(); // 20 EAI that were already out of the active stake
        assertEq(vault.totalStake(), expected, "withdraw");

        vm.prank(treasury);
        vault.claimCredit();
        assertEq(vault.totalStake(), expected, "claimCredit");

        assertEq(expected, 115 ether); // 100 + 50 - 30 + 10 - 15
        _assertBalanceMatchesAccounting();
    }

    function test_totalStake_StakeWithPermit() public {
        (address carol, uint256 pk) = _permitUser("carol");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permitSig(pk, address(vault), 300 ether, deadline);
        _stake(alice, 1 ether);
        vm.prank(carol);
        vault.stakeWithPermit(300 ether, deadline, v, r, s);
        assertEq(vault.totalStake(), 301 ether);
    }

    function test_totalStake_SlashFromFreeStakeOnly() public {
        _stake(alice, 100 ether);
        _stake(bob, 7 ether);
        vm.prank(slasher);
        vault.slash(alice, 40 ether, requester);
        assertEq(vault.totalStake(), 67 ether);
        _assertBalanceMatchesAccounting();
    }

    /// @dev Unbonding stake is already out of the total, so a slash that takes only unbonding stake leaves it alone.
    function test_totalStake_SlashFromUnbondingDoesNotChangeIt() public {
        _stake(alice, 100 ether);
        _lock(alice, 60 ether);
        _requestUnstake(alice, 40 ether); // free = 0: a slash can only reach the unbonding 40
        assertEq(vault.totalStake(), 60 ether);
        vm.prank(slasher);
        uint256 slashed = vault.slash(alice, 25 ether, requester);
        assertEq(slashed, 25 ether);
        (uint256 unbonding, ) = vault.unbondingOf(alice);
        assertEq(unbonding, 15 ether);
        assertEq(vault.totalStake(), 60 ether, "unbonding slash must not touch the total");
        _assertBalanceMatchesAccounting();
    }

    function test_totalStake_SlashAcrossFreeAndUnbonding() public {
        _stake(alice, 100 ether);
        _lock(alice, 50 ether);
        _requestUnstake(alice, 20 ether); // free 30, unbonding 20
        vm.prank(slasher);
        uint256 slashed = vault.slash(alice, 45 ether, requester);
        assertEq(slashed, 45 ether);
        assertEq(vault.totalStake(), 80 ether - 30 ether, "only the 30 taken from free stake");
        _assertBalanceMatchesAccounting();
    }

    function test_totalStake_SlashOfNothingLeavesIt() public {
        _stake(alice, 100 ether);
        _lock(alice, 100 ether);
        vm.prank(slasher);
        assertEq(vault.slash(alice, 10 ether, requester), 0);
        assertEq(vault.totalStake(), 100 ether);
    }

    function test_totalStake_UnchangedByRevertedCalls() public {
        _stake(alice, 100 ether);
        _lock(alice, 30 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.StakingVaultInsufficientFreeStake.selector, alice, 70 ether, 71 ether)
        );
        _requestUnstake(alice, 71 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IStakingVault.StakingVaultInsufficientLocked.selector, alice, 30 ether, 31 ether)
        );
        vm.prank(market);
        vault.slashBond(alice, 31 ether);
        assertEq(vault.totalStake(), 100 ether);
    }

    /// @dev Random sequences over two providers against a model kept in the test: the total equals the model and
    ///      Σ stakeOf after every step.
    function testFuzz_totalStake_MatchesModel(uint256 seed) public {
        address[2] memory who = [alice, bob];
        uint256[2] memory active;
        uint256[2] memory locked;
        uint256[2] memory unbonding;
        for (uint256 step; step < 40; ++step) {
            seed = uint256(keccak256(abi.encode(seed, step)));
            uint256 i = seed % 2;
            uint256 action = (seed >> 8) % 7;
            uint256 x = seed >> 16;
            address p = who[i];
            uint256 free = active[i] - locked[i];
            if (action == 0) {
                uint256 amount = bound(x, 1, 500 ether);
                _stake(p, amount);
                active[i] += amount;
            } else if (action == 1 && free > 0) {
                uint256 amount = bound(x, 1, free);
                _requestUnstake(p, amount);
                active[i] -= amount;
                unbonding[i] += amount;
            } else if (action == 2 && unbonding[i] > 0) {
                uint256 amount = bound(x, 1, unbonding[i]);
                vm.prank(p);
                vault.cancelUnstake(amount);
                unbonding[i] -= amount;
                active[i] += amount;
            } else if (action == 3 && free > 0) {
                uint256 amount = bound(x, 1, free);
                _lock(p, amount);
                locked[i] += amount;
            } else if (action == 4 && locked[i] > 0) {
                uint256 amount = bound(x, 1, locked[i]);
                vm.prank(market);
                vault.slashBond(p, amount);
                locked[i] -= amount;
                active[i] -= amount;
            } else if (action == 5) {
                uint256 amount = bound(x, 1, 1_000 ether);
                uint256 fromActive = amount < free ? amount : free;
                uint256 rest = amount - fromActive;
                uint256 fromUnbonding = rest < unbonding[i] ? rest : unbonding[i];
                vm.prank(slasher);
                vault.slash(p, amount, requester);
                active[i] -= fromActive;
                unbonding[i] -= fromUnbonding;
            } else if (action == 6 && unbonding[i] > 0) {
                vm.warp(block.timestamp + PERIOD);
                vm.prank(p);
                vault.withdraw();
                unbonding[i] = 0;
            }
            assertEq(vault.totalStake(), active[0] + active[1], "INV-13: model");
            assertEq(vault.totalStake(), vault.stakeOf(alice) + vault.stakeOf(bob), "INV-13: views");
            assertEq(vault.stakeOf(p), active[i]);
            assertEq(vault.lockedOf(p), locked[i]);
        }
        _assertBalanceMatchesAccounting();
    }

    /*//////////////////////////////////////////////////////////////
                                  FUZZ
    //////////////////////////////////////////////////////////////*/

    function testFuzz_stake_UnstakeWithdrawRoundTrip(uint256 stakeAmount, uint256 unstakeAmount) public {
        stakeAmount = bound(stakeAmount, 1, 10_000 ether);
        unstakeAmount = bound(unstakeAmount, 1, stakeAmount);
        _stake(alice, stakeAmount);
        _requestUnstake(alice, unstakeAmount);
        assertEq(vault.stakeOf(alice), stakeAmount - unstakeAmount);
        vm.warp(block.timestamp + PERIOD);
        vm.prank(alice);
        vault.withdraw();
        assertEq(token.balanceOf(alice), 10_000 ether - stakeAmount + unstakeAmount);
        assertEq(token.balanceOf(address(vault)), stakeAmount - unstakeAmount);
        _assertBalanceMatchesAccounting();
    }

    function testFuzz_lockBond_UpdatesFreeStake(uint256 stakeAmount, uint256 lock1, uint256 lock2, uint256 rel) public {
        stakeAmount = bound(stakeAmount, 1, 10_000 ether);
        lock1 = bound(lock1, 1, stakeAmount);
        _stake(alice, stakeAmount);
        _lock(alice, lock1);
        assertEq(vault.freeStakeOf(alice), stakeAmount - lock1);

        lock2 = bound(lock2, 1, type(uint128).max);
        if (lock2 > stakeAmount - lock1) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IStakingVault.StakingVaultInsufficientFreeStake.selector,
                    alice,
                    stakeAmount - lock1,
                    lock2
                )
            );
            _lock(alice, lock2);
            lock2 = 0;
        } else {
            _lock(alice, lock2);
        }
        uint256 locked = lock1 + lock2;
        assertEq(vault.lockedOf(alice), locked);

        rel = bound(rel, 1, locked);
        vm.prank(market);
        vault.releaseBond(alice, rel);
        assertEq(vault.lockedOf(alice), locked - rel);
        assertEq(vault.freeStakeOf(alice), stakeAmount - locked + rel);
        assertEq(vault.stakeOf(alice), stakeAmount);
    }

    function testFuzz_slashBond_AllToTreasury(uint256 amount, uint256 locked, uint16 bps) public {
        bps = uint16(bound(bps, 0, 10_000));
        locked = bound(locked, 1, 10_000 ether);
        amount = bound(amount, 1, locked);
        vm.prank(admin);
        vault.setSlashTreasuryBps(bps);
        _stake(alice, 10_000 ether);
        _lock(alice, locked);

        vm.prank(market);
        vault.slashBond(alice, amount);
        assertEq(vault.creditOf(treasury), amount);
        assertEq(vault.stakeOf(alice), 10_000 ether - amount);
        assertEq(vault.lockedOf(alice), locked - amount);
        assertEq(vault.totalStake(), 10_000 ether - amount, "INV-13");
        _assertBalanceMatchesAccounting();
    }

    function testFuzz_slash_TakesFreeThenUnbonding(
        uint256 stakeAmount,
        uint256 locked,
        uint256 unbond,
        uint256 amount,
        uint16 bps
    ) public {
        bps = uint16(bound(bps, 0, 10_000));
        vm.prank(admin);
        vault.setSlashTreasuryBps(bps);
        stakeAmount = bound(stakeAmount, 1, 10_000 ether);
        unbond = bound(unbond, 0, stakeAmount);
        locked = bound(locked, 0, stakeAmount - unbond);
        amount = bound(amount, 1, 20_000 ether);
        _stake(alice, stakeAmount);
        if (unbond > 0) _requestUnstake(alice, unbond);
        if (locked > 0) _lock(alice, locked);

        uint256 free = stakeAmount - unbond - locked;
        uint256 expectedActive = amount < free ? amount : free;
        uint256 rest = amount - expectedActive;
        uint256 expectedUnbonding = rest < unbond ? rest : unbond;

        vm.prank(slasher);
        uint256 slashed = vault.slash(alice, amount, requester);
        assertEq(slashed, expectedActive + expectedUnbonding);
        assertEq(vault.stakeOf(alice), stakeAmount - unbond - expectedActive);
        assertEq(vault.totalStake(), stakeAmount - unbond - expectedActive, "INV-13");
        assertEq(vault.lockedOf(alice), locked);
        (uint256 unbondingLeft, ) = vault.unbondingOf(alice);
        assertEq(unbondingLeft, unbond - expectedUnbonding);
        assertEq(vault.creditOf(requester) + vault.creditOf(treasury), slashed);
        assertEq(vault.creditOf(treasury), (slashed * bps) / 10_000);
        assertLe(vault.lockedOf(alice), vault.stakeOf(alice), "INV-03");
        _assertBalanceMatchesAccounting();
    }

    /*//////////////////////////////////////////////////////////////
                          STAKE HISTORY (stakeAt)
    //////////////////////////////////////////////////////////////*/

    function test_stakeAt_RisesCountFromTheirBlock() public {
        vm.roll(10);
        _stake(alice, 100 ether);
        vm.roll(12);
        _stake(alice, 50 ether);
        assertEq(vault.stakeAt(alice, 9), 0, "before the first stake");
        assertEq(vault.stakeAt(alice, 10), 100 ether);
        assertEq(vault.stakeAt(alice, 11), 100 ether);
        assertEq(vault.stakeAt(alice, 12), 150 ether);
        assertEq(vault.stakeAt(alice, 1_000), 150 ether, "a future block reads the latest");
        assertEq(vault.stakeAt(alice, type(uint256).max), 150 ether, "past 48 bits it is clamped");
        assertEq(vault.stakeAt(bob, 12), 0);
    }

    function test_stakeAt_SameBlockChangesKeepTheBlockEnd() public {
        vm.roll(10);
        _stake(alice, 100 ether);
        _requestUnstake(alice, 60 ether);
        _stake(alice, 10 ether);
        assertEq(vault.stakeAt(alice, 10), 50 ether);
        assertEq(vault.stakeAt(alice, 9), 0);
    }

    /// @notice A fall lowers the span it happens in (back to the last rise): those blocks report the stake after
    ///         the fall, a lower bound, never more than was there.
    function test_stakeAt_FallsLowerTheSpanSinceTheLastRise() public {
        vm.roll(10);
        _stake(alice, 100 ether);
        vm.roll(15);
        _requestUnstake(alice, 70 ether);
        assertEq(vault.stakeAt(alice, 12), 30 ether, "lower bound for the span");
        assertEq(vault.stakeAt(alice, 15), 30 ether);
        _lock(alice, 20 ether);
        vm.roll(16);
        vm.prank(market);
        vault.slashBond(alice, 20 ether);
        assertEq(vault.stakeAt(alice, 16), 10 ether);
        assertEq(vault.stakeAt(alice, 10), 10 ether);
    }

    /// @notice The attack this history exists for: unstake before a task, cancel once its draw seed is out. The
    ///         cancelled amount counts only from the block it came back in.
    function test_stakeAt_CancelledUnstakeCountsOnlyFromItsBlock() public {
        vm.roll(10);
        _stake(alice, 100 ether);
        _requestUnstake(alice, 90 ether);
        vm.roll(20);
        vm.prank(alice);
        vault.cancelUnstake(90 ether);
        assertEq(vault.stakeAt(alice, 19), 10 ether);
        assertEq(vault.stakeAt(alice, 20), 100 ether);
    }

    /// @notice Neither stakeFor nor slash escapes the history.
    function test_stakeAt_StakeForAndSlash() public {
        vm.roll(10);
        _stake(alice, 100 ether);
        vm.roll(11);
        vm.prank(bob);
        vault.stakeFor(alice, 40 ether);
        assertEq(vault.stakeAt(alice, 10), 100 ether);
        assertEq(vault.stakeAt(alice, 11), 140 ether);
        vm.roll(12);
        vm.prank(slasher);
        vault.slash(alice, 30 ether, requester);
        assertEq(vault.stakeAt(alice, 11), 110 ether);
        assertEq(vault.stakeAt(alice, 12), 110 ether);
        assertEq(vault.stakeAt(alice, 10), 100 ether, "the earlier span is untouched");
    }

    /// @notice Against a reference kept here: after random rises and falls over several blocks, every ended block
    ///         reads at most its end-of-block stake and at least the least stake held since, and now is exact.
    function testFuzz_stakeAt_LowerBoundOfEveryEndedBlock(uint256 seed) public {
        uint256 n = 24;
        uint256[] memory blockOf = new uint256[](n);
        uint256[] memory endOf = new uint256[](n);
        uint256[] memory lowOf = new uint256[](n);
        uint256 current;
        vm.roll(100);
        for (uint256 i; i < n; ++i) {
            uint256 low = current;
            uint256 ops = (seed >> (i * 2)) % 3;
            for (uint256 k; k <= ops; ++k) {
                uint256 r = uint256(keccak256(abi.encode(seed, i, k)));
                if (r % 2 == 0 || current == 0) {
                    uint256 amount = ((r >> 8) % 100 ether) + 1;
                    _stake(alice, amount);
                    current += amount;
                } else {
                    uint256 amount = ((r >> 8) % current) + 1;
                    _requestUnstake(alice, amount);
                    current -= amount;
                    if (current < low) low = current;
                }
            }
            blockOf[i] = block.number;
            endOf[i] = current;
            lowOf[i] = low;
            vm.roll(block.number + 1 + ((seed >> (i + 100)) % 2));
        }
        assertEq(vault.stakeAt(alice, block.number), current);
        uint256 leastSince = current;
        for (uint256 i = n; i > 0; --i) {
            uint256 at = vault.stakeAt(alice, blockOf[i - 1]);
            assertLe(at, endOf[i - 1], "above the end-of-block stake");
            assertGe(at, leastSince, "below the least stake held since");
            if (lowOf[i - 1] < leastSince) leastSince = lowOf[i - 1];
        }
    }
}
