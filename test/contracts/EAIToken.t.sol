// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Votes} from "@openzeppelin/contracts/governance/utils/Votes.sol";
import {EAIToken} from "../../contracts/token/EAIToken.sol";
import {IEAIToken} from "../../contracts/interfaces/IEAIToken.sol";

contract EAITokenTest is Test {
    bytes32 private constant PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );

    uint256 private constant CAP = 1_000_000_000 ether;
    uint256 private constant INITIAL = 400_000_000 ether;

    EAIToken private token;
    address private admin = makeAddr("admin");
    address private holder = makeAddr("holder");
    address private minter = makeAddr("minter");
    address private spender = makeAddr("spender");
    uint256 private ownerKey = 0xA11CE;
    address private owner;

    function setUp() public {
        vm.warp(1_700_000_000);
        token = new EAIToken(admin, holder, INITIAL, CAP);
        owner = vm.addr(ownerKey);
        vm.prank(holder);
        token.transfer(owner, 1_000 ether);
    }

    /*//////////////////////////////////////////////////////////////
                               DEPLOYMENT
    //////////////////////////////////////////////////////////////*/

    function test_constructor_SetsMetadataSupplyAndRoles() public view {
        assertEq(token.name(), "Elastic AI");
        assertEq(token.symbol(), "EAI");
        assertEq(token.decimals(), 18);
        assertEq(token.cap(), CAP);
        assertEq(token.totalSupply(), INITIAL);
        assertEq(token.balanceOf(holder), INITIAL - 1_000 ether);
        assertTrue(token.hasRole(token.DEFAULT_ADMIN_ROLE(), admin));
        assertFalse(token.hasRole(token.MINTER_ROLE(), admin));
        assertEq(token.MINTER_ROLE(), keccak256("MINTER_ROLE"));
    }

    function test_constructor_AllowsZeroInitialSupply() public {
        EAIToken t = new EAIToken(admin, holder, 0, CAP);
        assertEq(t.totalSupply(), 0);
    }

    function test_constructor_RevertWhen_InitialSupplyAboveCap() public {
        vm.expectRevert(abi.encodeWithSelector(ERC20Capped.ERC20ExceededCap.selector, CAP + 1, CAP));
        new EAIToken(admin, holder, CAP + 1, CAP);
    }

    function test_constructor_RevertWhen_CapZero() public {
        vm.expectRevert(abi.encodeWithSelector(ERC20Capped.ERC20InvalidCap.selector, 0));
        new EAIToken(admin, holder, 0, 0);
    }

    function test_constructor_RevertWhen_CapAboveVotesLimit() public {
        uint256 tooBig = uint256(type(uint208).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(IEAIToken.EAITokenCapTooLarge.selector, tooBig, type(uint208).max));
        new EAIToken(admin, holder, 0, tooBig);
    }

    function test_constructor_RevertWhen_AdminZero() public {
        vm.expectRevert(abi.encodeWithSelector(IEAIToken.EAITokenZeroAddress.selector, "admin"));
        new EAIToken(address(0), holder, INITIAL, CAP);
    }

    function test_constructor_RevertWhen_InitialHolderZero() public {
        vm.expectRevert(abi.encodeWithSelector(IEAIToken.EAITokenZeroAddress.selector, "initialHolder"));
        new EAIToken(admin, address(0), INITIAL, CAP);
    }

    /*//////////////////////////////////////////////////////////////
                                 CLOCK
    //////////////////////////////////////////////////////////////*/

    function test_clock_IsTimestamp() public {
        assertEq(token.clock(), uint48(block.timestamp));
        assertEq(token.CLOCK_MODE(), "mode=timestamp");
        vm.warp(block.timestamp + 12345);
        assertEq(token.clock(), uint48(block.timestamp));
    }

    /*//////////////////////////////////////////////////////////////
                                  MINT
    //////////////////////////////////////////////////////////////*/

    function _grantMinter() private {
        bytes32 role = token.MINTER_ROLE();
        vm.prank(admin);
        token.grantRole(role, minter);
    }

    function test_mint_ByMinter() public {
        _grantMinter();
        address to = makeAddr("to");
        vm.expectEmit(address(token));
        emit IEAIToken.TokensMinted(minter, to, 5 ether, INITIAL + 5 ether);
        vm.prank(minter);
        token.mint(to, 5 ether);
        assertEq(token.balanceOf(to), 5 ether);
        assertEq(token.totalSupply(), INITIAL + 5 ether);
    }

    function test_mint_UpToCapExactly() public {
        _grantMinter();
        vm.prank(minter);
        token.mint(holder, CAP - INITIAL);
        assertEq(token.totalSupply(), CAP);
    }

    function test_mint_RevertWhen_AboveCap() public {
        _grantMinter();
        vm.expectRevert(abi.encodeWithSelector(ERC20Capped.ERC20ExceededCap.selector, CAP + 1, CAP));
        vm.prank(minter);
        token.mint(holder, CAP - INITIAL + 1);
    }

    function test_mint_RevertWhen_CallerNotMinter() public {
        bytes32 role = token.MINTER_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, holder, role));
        vm.prank(holder);
        token.mint(holder, 1);
    }

    function test_mint_RevertWhen_AdminWithoutMinterRole() public {
        bytes32 role = token.MINTER_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, admin, role));
        vm.prank(admin);
        token.mint(admin, 1);
    }

    function test_grantRole_RevertWhen_CallerNotAdmin() public {
        bytes32 role = token.MINTER_ROLE();
        bytes32 adminRole = token.DEFAULT_ADMIN_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, minter, adminRole)
        );
        vm.prank(minter);
        token.grantRole(role, minter);
    }

    function test_mint_RevertWhen_RoleRevoked() public {
        _grantMinter();
        bytes32 role = token.MINTER_ROLE();
        vm.prank(admin);
        token.revokeRole(role, minter);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, minter, role));
        vm.prank(minter);
        token.mint(minter, 1);
    }

    /*//////////////////////////////////////////////////////////////
                                 PERMIT
    //////////////////////////////////////////////////////////////*/

    function _permitDigest(
        address owner_,
        address spender_,
        uint256 value,
        uint256 nonce,
        uint256 deadline
    ) private view returns (bytes32) {
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner_, spender_, value, nonce, deadline));
        return keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
    }

    function test_permit_SetsAllowanceAndBumpsNonce() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKey, _permitDigest(owner, spender, 100 ether, 0, deadline));
        token.permit(owner, spender, 100 ether, deadline, v, r, s);
        assertEq(token.allowance(owner, spender), 100 ether);
        assertEq(token.nonces(owner), 1);

        vm.prank(spender);
        token.transferFrom(owner, spender, 60 ether);
        assertEq(token.balanceOf(spender), 60 ether);
        assertEq(token.allowance(owner, spender), 40 ether);
    }

    function test_permit_RevertWhen_Expired() public {
        uint256 deadline = block.timestamp - 1;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKey, _permitDigest(owner, spender, 1 ether, 0, deadline));
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, deadline));
        token.permit(owner, spender, 1 ether, deadline, v, r, s);
    }

    function test_permit_RevertWhen_WrongSigner() public {
        uint256 otherKey = 0xB0B;
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(otherKey, _permitDigest(owner, spender, 1 ether, 0, deadline));
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, vm.addr(otherKey), owner));
        token.permit(owner, spender, 1 ether, deadline, v, r, s);
    }

    function test_permit_RevertWhen_Replayed() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKey, _permitDigest(owner, spender, 1 ether, 0, deadline));
        token.permit(owner, spender, 1 ether, deadline, v, r, s);

        // The replay is checked against nonce 1, so the signature recovers to some other address.
        address recovered = ecrecover(_permitDigest(owner, spender, 1 ether, 1, deadline), v, r, s);
        assertTrue(recovered != owner);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, recovered, owner));
        token.permit(owner, spender, 1 ether, deadline, v, r, s);
    }

    /*//////////////////////////////////////////////////////////////
                                 VOTES
    //////////////////////////////////////////////////////////////*/

    function test_votes_NoVotesWithoutDelegation() public view {
        assertEq(token.getVotes(holder), 0);
        assertEq(token.delegates(holder), address(0));
    }

    function test_delegate_GetPastVotesAtTimestamps() public {
        uint256 t0 = block.timestamp;
        vm.prank(owner);
        token.delegate(owner);
        assertEq(token.getVotes(owner), 1_000 ether);

        vm.warp(t0 + 100);
        vm.prank(holder);
        token.transfer(owner, 500 ether);
        assertEq(token.getVotes(owner), 1_500 ether);

        vm.warp(t0 + 200);
        address delegatee = makeAddr("delegatee");
        vm.prank(owner);
        token.delegate(delegatee);
        assertEq(token.getVotes(owner), 0);
        assertEq(token.getVotes(delegatee), 1_500 ether);

        vm.warp(t0 + 300);
        assertEq(token.getPastVotes(owner, t0 - 1), 0);
        assertEq(token.getPastVotes(owner, t0), 1_000 ether);
        assertEq(token.getPastVotes(owner, t0 + 99), 1_000 ether);
        assertEq(token.getPastVotes(owner, t0 + 100), 1_500 ether);
        assertEq(token.getPastVotes(owner, t0 + 200), 0);
        assertEq(token.getPastVotes(delegatee, t0 + 199), 0);
        assertEq(token.getPastVotes(delegatee, t0 + 200), 1_500 ether);
        assertEq(token.getPastTotalSupply(t0 + 200), INITIAL);
    }

    function test_getPastVotes_RevertWhen_TimepointNotPast() public {
        uint48 now_ = uint48(block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(Votes.ERC5805FutureLookup.selector, now_, now_));
        token.getPastVotes(owner, now_);
    }

    function test_getPastTotalSupply_TracksMints() public {
        _grantMinter();
        uint256 t0 = block.timestamp;
        vm.warp(t0 + 10);
        vm.prank(minter);
        token.mint(holder, 7 ether);
        vm.warp(t0 + 20);
        assertEq(token.getPastTotalSupply(t0 + 9), INITIAL);
        assertEq(token.getPastTotalSupply(t0 + 10), INITIAL + 7 ether);
    }

    /*//////////////////////////////////////////////////////////////
                                  FUZZ
    //////////////////////////////////////////////////////////////*/

    /// @dev With every holder self-delegated, votes equal balances and sum to the total supply after any transfers.
    function testFuzz_transfer_KeepsSupplyAndVotesConsistent(uint256 a1, uint256 a2, uint256 a3, uint8 order) public {
        address alice = makeAddr("alice");
        address bob = makeAddr("bob");
        vm.prank(owner);
        token.transfer(alice, 300 ether);
        vm.prank(owner);
        token.transfer(bob, 200 ether);
        address[4] memory accts = [holder, owner, alice, bob];
        for (uint256 i; i < accts.length; ++i) {
            vm.prank(accts[i]);
            token.delegate(accts[i]);
        }

        uint256[3] memory amounts = [a1, a2, a3];
        for (uint256 i; i < 3; ++i) {
            address from = accts[(order + i) % 4];
            address to = accts[(order / 4 + i + 1) % 4];
            uint256 amount = bound(amounts[i], 0, token.balanceOf(from));
            vm.prank(from);
            token.transfer(to, amount);
            vm.warp(block.timestamp + 1);
        }

        uint256 sumVotes;
        uint256 sumBalances;
        for (uint256 i; i < accts.length; ++i) {
            assertEq(token.getVotes(accts[i]), token.balanceOf(accts[i]));
            sumVotes += token.getVotes(accts[i]);
            sumBalances += token.balanceOf(accts[i]);
        }
        assertEq(sumBalances, token.totalSupply());
        assertEq(sumVotes, INITIAL);
        assertEq(token.totalSupply(), INITIAL);
        assertEq(token.getPastTotalSupply(block.timestamp - 1), INITIAL);
    }

    function testFuzz_mint_NeverExceedsCap(uint256 amount) public {
        _grantMinter();
        amount = bound(amount, 0, CAP);
        if (INITIAL + amount > CAP) {
            vm.expectRevert(abi.encodeWithSelector(ERC20Capped.ERC20ExceededCap.selector, INITIAL + amount, CAP));
        }
        vm.prank(minter);
        token.mint(holder, amount);
        assertLe(token.totalSupply(), CAP);
    }
}
