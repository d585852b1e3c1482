// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {BridgeFixture} from "./BridgeFixture.sol";
import {BridgeVault} from "../../contracts/bridge/BridgeVault.sol";
import {SpokeBridge} from "../../contracts/bridge/SpokeBridge.sol";
import {EAISpokeToken} from "../../contracts/bridge/EAISpokeToken.sol";
import {EAIToken} from "../../contracts/token/EAIToken.sol";
import {BridgeBase} from "../../contracts/bridge/BridgeBase.sol";
import {IBridgeBase} from "../../contracts/bridge/IBridgeBase.sol";
import {BridgeMessageLib} from "../../contracts/bridge/BridgeMessageLib.sol";

/// @notice Moves EAI hub ↔ spoke in random order and sizes (dust, zero, over-balance and over-limit included), delivers
///         messages out of order, completes queued transfers and replays delivered ones. Every call's outcome is
///         checked against the model: a revert other than the one the model predicts fails the campaign.
contract BridgeHandler is Test {
    uint64 internal constant HUB = 31337;
    uint64 internal constant SPOKE = 31338;

    EAIToken internal token;
    BridgeVault internal vault;
    EAISpokeToken internal spokeToken;
    SpokeBridge internal spoke;
    uint256[] internal keys;
    address[] internal actors;

    BridgeMessageLib.Message[] internal toSpoke; // emitted on the hub, not delivered
    BridgeMessageLib.Message[] internal toHub; // emitted on the spoke, not delivered
    BridgeMessageLib.Message[] internal delivered;
    bytes32[] internal hubQueue;
    bytes32[] internal spokeQueue;

    uint256 public pendToSpoke;
    uint256 public pendToHub;
    uint256 public qHubOut;
    uint256 public qHubIn;
    uint256 public qSpokeOut;
    uint256 public qSpokeIn;
    mapping(string action => uint256 count) public calls;

    constructor(
        EAIToken token_,
        BridgeVault vault_,
        EAISpokeToken spokeToken_,
        SpokeBridge spoke_,
        uint256[] memory keys_,
        address[] memory actors_
    ) {
        token = token_;
        vault = vault_;
        spokeToken = spokeToken_;
        spoke = spoke_;
        keys = keys_;
        actors = actors_;
    }

    function actionSelectors() external pure returns (bytes4[] memory s) {
        s = new bytes4[](7);
        s[0] = this.lock.selector;
        s[1] = this.burn.selector;
        s[2] = this.deliverToSpoke.selector;
        s[3] = this.deliverToHub.selector;
        s[4] = this.complete.selector;
        s[5] = this.wait.selector;
        s[6] = this.replay.selector;
    }

    function _sigs(BridgeBase b, BridgeMessageLib.Message memory m) internal view returns (bytes[] memory out) {
        bytes32 d = b.digest(m);
        out = new bytes[](4);
        for (uint256 i; i < 4; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], d);
            out[i] = abi.encodePacked(r, s, v);
        }
    }

    function _amount(uint256 seed) internal pure returns (uint256) {
        // mostly whole units, sometimes dust or zero; up to 2.5M (over the 1M bucket)
        uint256 a = bound(seed, 0, 2_500_000e18);
        if (seed % 7 == 0) return a; // arbitrary wei: dust unless lucky
        return a - (a % 1e10);
    }

    function _send(BridgeBase bridge, address from, uint64 dst, uint256 amount, uint256 bal) internal returns (bool) {
        uint64 nonceBefore = bridge.outboundNonce(dst);
        vm.prank(from);
        try bridge.bridgeOut(dst, bytes32(uint256(uint160(from))), amount) returns (bytes32 id) {
            assertTrue(amount != 0 && amount % 1e10 == 0 && amount <= bal, "send succeeded against the model");
            assertEq(bridge.outboundNonce(dst), nonceBefore + 1, "nonce +1");
            IBridgeBase.QueuedTransfer memory q = bridge.queued(id);
            bool isHub = address(bridge) == address(vault);
            if (q.chain != 0) {
                if (isHub) {
                    hubQueue.push(id);
                    qHubOut += amount;
                } else {
                    spokeQueue.push(id);
                    qSpokeOut += amount;
                }
            } else {
                BridgeMessageLib.Message memory m = BridgeMessageLib.Message({
                    version: 1,
                    srcChain: isHub ? HUB : SPOKE,
                    dstChain: dst,
                    nonce: nonceBefore + 1,
                    sender: bytes32(uint256(uint160(from))),
                    recipient: bytes32(uint256(uint160(from))),
                    amount8: uint64(amount / 1e10)
                });
                assertEq(bridge.messageId(m), id, "emitted message id");
                _pushPending(isHub, m, amount);
            }
            return true;
        } catch (bytes memory err) {
            bytes4 sel = bytes4(err);
            if (amount == 0) assertEq(sel, BridgeMessageLib.BridgeMessageZeroAmount.selector, "zero");
            else if (amount % 1e10 != 0) assertEq(sel, BridgeMessageLib.BridgeMessageDust.selector, "dust");
            else {
                assertGt(amount, bal, "only an over-balance send may fail");
                assertEq(sel, IERC20Errors.ERC20InsufficientBalance.selector, "insufficient balance");
            }
            return false;
        }
    }

    function _pushPending(bool fromHub, BridgeMessageLib.Message memory m, uint256 amount) internal {
        if (fromHub) {
            toSpoke.push(m);
            pendToSpoke += amount;
        } else {
            toHub.push(m);
            pendToHub += amount;
        }
    }

    function lock(uint256 actorSeed, uint256 amountSeed) external {
        vm.chainId(HUB);
        address a = actors[actorSeed % actors.length];
        if (_send(vault, a, SPOKE, _amount(amountSeed), token.balanceOf(a))) ++calls["lock"];
    }

    function burn(uint256 actorSeed, uint256 amountSeed) external {
        vm.chainId(SPOKE);
        address a = actors[actorSeed % actors.length];
        uint256 bal = spokeToken.balanceOf(a);
        uint256 amount = amountSeed % 3 == 0 ? bal - (bal % 1e10) : _amount(amountSeed);
        if (_send(spoke, a, HUB, amount, bal)) ++calls["burn"];
    }

    function _take(
        BridgeMessageLib.Message[] storage list,
        uint256 idx
    ) internal returns (BridgeMessageLib.Message memory m) {
        idx %= list.length;
        m = list[idx];
        list[idx] = list[list.length - 1];
        list.pop();
    }

    function _receive(BridgeBase bridge, BridgeMessageLib.Message memory m, bool onHub) internal {
        uint256 amount = uint256(m.amount8) * 1e10;
        bytes32 id = bridge.bridgeIn(m, _sigs(bridge, m)); // must never revert: signed, covered, unpaused
        delivered.push(m);
        if (bridge.queued(id).chain != 0) {
            if (onHub) {
                hubQueue.push(id);
                qHubIn += amount;
            } else {
                spokeQueue.push(id);
                qSpokeIn += amount;
            }
        }
    }

    function deliverToSpoke(uint256 idx) external {
        if (toSpoke.length == 0) return;
        vm.chainId(SPOKE);
        BridgeMessageLib.Message memory m = _take(toSpoke, idx);
        pendToSpoke -= uint256(m.amount8) * 1e10;
        _receive(spoke, m, false);
        ++calls["deliverToSpoke"];
    }

    function deliverToHub(uint256 idx) external {
        if (toHub.length == 0) return;
        vm.chainId(HUB);
        BridgeMessageLib.Message memory m = _take(toHub, idx);
        pendToHub -= uint256(m.amount8) * 1e10;
        _receive(vault, m, true);
        ++calls["deliverToHub"];
    }

    function complete(uint256 idx, bool onHub) external {
        bytes32[] storage q = onHub ? hubQueue : spokeQueue;
        if (q.length == 0) return;
        vm.chainId(onHub ? HUB : SPOKE);
        BridgeBase bridge = onHub ? BridgeBase(address(vault)) : BridgeBase(address(spoke));
        idx %= q.length;
        bytes32 id = q[idx];
        IBridgeBase.QueuedTransfer memory t = bridge.queued(id);
        try bridge.completeQueued(id) {
            q[idx] = q[q.length - 1];
            q.pop();
            if (t.inbound) {
                if (onHub) qHubIn -= t.amount;
                else qSpokeIn -= t.amount;
            } else {
                if (onHub) qHubOut -= t.amount;
                else qSpokeOut -= t.amount;
                _pushPending(onHub, t.message, t.amount);
            }
            ++calls["complete"];
        } catch (bytes memory err) {
            assertEq(bytes4(err), IBridgeBase.BridgeQueueNotReady.selector, "only not-ready may fail");
            (uint256 inAvail, uint256 outAvail) = bridge.availableLimits(onHub ? SPOKE : HUB);
            assertLt(t.inbound ? inAvail : outAvail, t.amount, "bucket had room");
            assertLt(block.timestamp, t.queuedAt + bridge.queueDelay(), "delay had passed");
        }
    }

    function wait(uint256 secs) external {
        skip(bound(secs, 1, 2 days));
    }

    function replay(uint256 idx) external {
        if (delivered.length == 0) return;
        BridgeMessageLib.Message memory m = delivered[idx % delivered.length];
        bool onHub = m.dstChain == HUB;
        vm.chainId(m.dstChain);
        BridgeBase bridge = onHub ? BridgeBase(address(vault)) : BridgeBase(address(spoke));
        bytes[] memory s = _sigs(bridge, m);
        try bridge.bridgeIn(m, s) {
            fail();
        } catch (bytes memory err) {
            assertEq(bytes4(err), IBridgeBase.BridgeAlreadyExecuted.selector, "replay");
        }
        ++calls["replay"];
    }
}

/// @notice INV-BR1 vault balance == spoke supply + in flight (emitted, not delivered) + queued on either side, so the
///         vault always holds at least the spoke supply plus what is in flight. INV-BR2 the accountant's outstanding
///         balance toward the spoke == spoke supply + what the spoke owes or is owed in flight.
contract BridgeInvariantTest is BridgeFixture {
    BridgeHandler internal handler;

    function setUp() public override {
        super.setUp();
        token.transfer(bob, 10_000_000e18);
        vm.prank(bob);
        token.approve(address(vault), type(uint256).max);
        address[] memory actors = new address[](2);
        (actors[0], actors[1]) = (alice, bob);
        handler = new BridgeHandler(token, vault, spokeToken, spoke, keys, actors);
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: handler.actionSelectors()}));
    }

    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_INVB1_VaultCoversSpokeSupplyAndInFlight() public view {
        uint256 inFlight = handler.pendToSpoke() + handler.pendToHub();
        uint256 queued = handler.qHubOut() + handler.qHubIn() + handler.qSpokeOut() + handler.qSpokeIn();
        uint256 locked = token.balanceOf(address(vault));
        assertEq(locked, spokeToken.totalSupply() + inFlight + queued, "INV-BR1");
        assertGe(locked, spokeToken.totalSupply() + inFlight, "INV-BR1 (>=)");
    }

    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_INVB2_AccountantMatchesSpoke() public view {
        assertEq(
            vault.outstanding(SPOKE),
            spokeToken.totalSupply() +
                handler.pendToSpoke() +
                handler.pendToHub() +
                handler.qSpokeOut() +
                handler.qSpokeIn(),
            "INV-BR2"
        );
    }
}
