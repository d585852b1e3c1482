// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {BridgeFixture} from "./BridgeFixture.sol";
import {SpokeBridge} from "../../contracts/bridge/SpokeBridge.sol";
import {EAISpokeToken} from "../../contracts/bridge/EAISpokeToken.sol";
import {IBridgeBase} from "../../contracts/bridge/IBridgeBase.sol";
import {BridgeMessageLib} from "../../contracts/bridge/BridgeMessageLib.sol";

/// @notice Spoke bridge and token: mint on inbound, burn on outbound, minter-only token, the shared checks on the
///         spoke's own domain, and hub ↔ spoke round trips with 8-decimal trimming.
contract BridgeSpokeTest is BridgeFixture {
    function _deliverToSpoke(BridgeMessageLib.Message memory m) internal {
        vm.chainId(SPOKE);
        spoke.bridgeIn(m, _first(spoke, m, 4));
    }

    function test_spoke_MintsOnInboundBurnsOnOutbound() public {
        BridgeMessageLib.Message memory m = _lock(SPOKE, bob, 7e18);
        _deliverToSpoke(m);
        assertEq(spokeToken.balanceOf(bob), 7e18);
        assertEq(spokeToken.totalSupply(), 7e18);
        assertEq(spokeToken.decimals(), 18);
        vm.prank(bob);
        spoke.bridgeOut(HUB, bytes32(uint256(uint160(alice))), 3e18);
        assertEq(spokeToken.totalSupply(), 4e18);
        assertEq(spoke.outboundNonce(HUB), 1);
        // the hub releases it
        BridgeMessageLib.Message memory back = BridgeMessageLib.Message({
            version: 1,
            srcChain: SPOKE,
            dstChain: HUB,
            nonce: 1,
            sender: bytes32(uint256(uint160(bob))),
            recipient: bytes32(uint256(uint160(alice))),
            amount8: 3e8
        });
        vm.chainId(HUB);
        uint256 before = token.balanceOf(alice);
        vault.bridgeIn(back, _first(vault, back, 4));
        assertEq(token.balanceOf(alice) - before, 3e18);
        assertEq(token.balanceOf(address(vault)), spokeToken.totalSupply());
    }

    function test_spokeToken_OnlyBridgeMintsAndBurns() public {
        vm.expectRevert(abi.encodeWithSelector(EAISpokeToken.EAISpokeTokenNotMinter.selector, address(this)));
        spokeToken.mint(address(this), 1);
        vm.expectRevert(abi.encodeWithSelector(EAISpokeToken.EAISpokeTokenNotMinter.selector, timelock));
        vm.prank(timelock);
        spokeToken.burn(bob, 1);
        assertEq(spokeToken.minter(), address(spoke));
        vm.expectRevert(EAISpokeToken.EAISpokeTokenZeroMinter.selector);
        new EAISpokeToken(address(0));
        EAISpokeToken wrong = new EAISpokeToken(address(0xdead));
        vm.expectRevert(abi.encodeWithSelector(SpokeBridge.SpokeBridgeNotTokenMinter.selector, address(0xdead)));
        new SpokeBridge(wrong, timelock, guardian, vals, 4, DELAY);
    }

    function test_spoke_RejectsHubDomainSignaturesReplayAndPause() public {
        BridgeMessageLib.Message memory m = _lock(SPOKE, bob, 7e18);
        vm.chainId(SPOKE);
        // signatures made for the hub vault's domain do not count on the spoke
        bytes[] memory hubSigs = new bytes[](4);
        bytes32 wrong = vault.digest(m); // computed with chainid SPOKE but verifyingContract = vault
        for (uint256 i; i < 4; ++i) hubSigs[i] = _sig(keys[i], wrong);
        vm.expectRevert();
        spoke.bridgeIn(m, hubSigs);
        bytes[] memory s = _first(spoke, m, 4);
        vm.expectRevert(abi.encodeWithSelector(IBridgeBase.BridgeTooFewSignatures.selector, 3, 4));
        spoke.bridgeIn(m, _first(spoke, m, 3));
        vm.prank(guardian);
        spoke.pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        spoke.bridgeIn(m, s);
        vm.prank(timelock);
        spoke.unpause();
        spoke.bridgeIn(m, s);
        vm.expectRevert(abi.encodeWithSelector(IBridgeBase.BridgeAlreadyExecuted.selector, spoke.messageId(m)));
        spoke.bridgeIn(m, s);
        // a message for the hub's chain id is refused here
        BridgeMessageLib.Message memory forHub = _msg(SOLANA, HUB, 1, bob, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IBridgeBase.BridgeWrongDestination.selector, HUB));
        spoke.bridgeIn(forHub, _first(spoke, forHub, 4));
    }

    function test_spoke_InboundOverLimitQueuesMint() public {
        vm.chainId(SPOKE);
        BridgeMessageLib.Message memory m = _msg(SOLANA, SPOKE, 1, bob, 1_500_000e18);
        spoke.bridgeIn(m, _first(spoke, m, 4));
        assertEq(spokeToken.totalSupply(), 0);
        bytes32 id = spoke.messageId(m);
        vm.expectRevert(
            abi.encodeWithSelector(IBridgeBase.BridgeQueueNotReady.selector, id, CAP, uint64(block.timestamp) + DELAY)
        );
        spoke.completeQueued(id);
        skip(DELAY);
        spoke.completeQueued(id);
        assertEq(spokeToken.balanceOf(bob), 1_500_000e18);
    }

    function test_spoke_RotationOnlyTimelockOldSetFails() public {
        vm.chainId(SPOKE);
        uint256[] memory oldKeys = keys;
        _makeKeys(0x5EED, 7);
        vm.expectRevert(abi.encodeWithSelector(IBridgeBase.BridgeNotTimelock.selector, address(this)));
        spoke.setValidators(vals, 5);
        vm.prank(timelock);
        spoke.setValidators(vals, 5);
        BridgeMessageLib.Message memory m = _msg(SOLANA, SPOKE, 1, bob, 1e18);
        bytes[] memory old = new bytes[](4);
        for (uint256 i; i < 4; ++i) old[i] = _sig(oldKeys[i], spoke.digest(m));
        vm.expectRevert();
        spoke.bridgeIn(m, old);
        spoke.bridgeIn(m, _first(spoke, m, 5));
        assertEq(spokeToken.balanceOf(bob), 1e18);
    }

    /// @notice Round trip hub → spoke → hub of any amount: dust is refused at the source (never rounded), and what
    ///         arrives equals what left.
    function testFuzz_roundTrip_TrimsTo8Decimals(uint256 amount) public {
        amount = bound(amount, 1, 900_000e18);
        if (amount % 1e10 != 0) {
            vm.prank(alice);
            vm.expectRevert(abi.encodeWithSelector(BridgeMessageLib.BridgeMessageDust.selector, amount));
            vault.bridgeOut(SPOKE, bytes32(uint256(uint160(bob))), amount);
            amount -= amount % 1e10;
            if (amount == 0) return;
        }
        _deliverToSpoke(_lock(SPOKE, bob, amount));
        assertEq(spokeToken.balanceOf(bob), amount);
        vm.prank(bob);
        spoke.bridgeOut(HUB, bytes32(uint256(uint160(bob))), amount);
        BridgeMessageLib.Message memory back = _msg(SPOKE, HUB, 1, bob, amount);
        back.sender = bytes32(uint256(uint160(bob)));
        vm.chainId(HUB);
        vault.bridgeIn(back, _first(vault, back, 4));
        assertEq(token.balanceOf(bob), amount);
        assertEq(spokeToken.totalSupply(), 0);
        assertEq(vault.outstanding(SPOKE), 0);
    }
}
