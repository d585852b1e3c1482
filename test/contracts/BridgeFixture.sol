// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {EAIToken} from "../../contracts/token/EAIToken.sol";
import {BridgeVault} from "../../contracts/bridge/BridgeVault.sol";
import {SpokeBridge} from "../../contracts/bridge/SpokeBridge.sol";
import {EAISpokeToken} from "../../contracts/bridge/EAISpokeToken.sol";
import {BridgeBase} from "../../contracts/bridge/BridgeBase.sol";
import {BridgeMessageLib} from "../../contracts/bridge/BridgeMessageLib.sol";

/// @notice Shared set-up of the bridge tests: a hub (chain 31337: EAIToken + BridgeVault) and an L2 spoke (chain
///         31338: EAISpokeToken + SpokeBridge) in one EVM, switched with `vm.chainId`, and validator keys.
abstract contract BridgeFixture is Test {
    uint64 internal constant HUB = 31337;
    uint64 internal constant SPOKE = 31338;
    uint64 internal constant SOLANA = 1_000_000_101;
    uint64 internal constant TON = 1_000_000_102;
    uint128 internal constant CAP = 1_000_000e18;
    uint128 internal constant RATE = CAP / 1 days;
    uint64 internal constant DELAY = 1 days;

    EAIToken internal token;
    BridgeVault internal vault;
    EAISpokeToken internal spokeToken;
    SpokeBridge internal spoke;

    address internal timelock = makeAddr("timelock");
    address internal guardian = makeAddr("guardian");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    /// @dev Validator keys sorted by address (index i = i-th smallest address).
    uint256[] internal keys;
    address[] internal vals;

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        _makeKeys(0xA11CE, 5);
        vm.chainId(HUB);
        token = new EAIToken(address(this), address(this), 100_000_000e18, 1_000_000_000e18);
        vault = new BridgeVault(token, timelock, guardian, vals, 4, DELAY);
        vm.startPrank(timelock);
        vault.setChainLimits(SPOKE, CAP, RATE, CAP, RATE);
        vault.setChainLimits(SOLANA, CAP, RATE, CAP, RATE);
        vault.setChainLimits(TON, CAP, RATE, CAP, RATE);
        vm.stopPrank();
        token.transfer(alice, 10_000_000e18);
        vm.prank(alice);
        token.approve(address(vault), type(uint256).max);

        vm.chainId(SPOKE);
        address predicted = vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 1);
        spokeToken = new EAISpokeToken(predicted);
        spoke = new SpokeBridge(spokeToken, timelock, guardian, vals, 4, DELAY);
        vm.startPrank(timelock);
        spoke.setChainLimits(HUB, CAP, RATE, CAP, RATE);
        spoke.setChainLimits(SOLANA, CAP, RATE, CAP, RATE);
        vm.stopPrank();
        vm.chainId(HUB);
    }

    /// @dev `n` keys derived from `seed`, sorted by address, into `keys`/`vals`.
    function _makeKeys(uint256 seed, uint256 n) internal {
        delete keys;
        delete vals;
        for (uint256 i; i < n; ++i) {
            uint256 k = (uint256(keccak256(abi.encode(seed, i))) % (type(uint128).max)) + 1;
            address a = vm.addr(k);
            uint256 j = vals.length;
            keys.push(k);
            vals.push(a);
            while (j > 0 && vals[j - 1] > a) {
                (vals[j], vals[j - 1]) = (vals[j - 1], vals[j]);
                (keys[j], keys[j - 1]) = (keys[j - 1], keys[j]);
                --j;
            }
        }
    }

    function _msg(
        uint64 src,
        uint64 dst,
        uint64 nonce,
        address to,
        uint256 amount
    ) internal pure returns (BridgeMessageLib.Message memory) {
        return
            BridgeMessageLib.Message({
                version: 1,
                srcChain: src,
                dstChain: dst,
                nonce: nonce,
                sender: bytes32(uint256(0xabcd)),
                recipient: bytes32(uint256(uint160(to))),
                amount8: uint64(amount / 1e10)
            });
    }

    function _sig(uint256 key, bytes32 d) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, d);
        return abi.encodePacked(r, s, v);
    }

    /// @dev EIP-712 digest of `m` in an arbitrary domain.
    function _foreignDigest(
        BridgeMessageLib.Message memory m,
        string memory version,
        uint256 chainId,
        address verifying
    ) internal pure returns (bytes32) {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("EAI Bridge"),
                keccak256(bytes(version)),
                chainId,
                verifying
            )
        );
        bytes32 sh = keccak256(
            abi.encode(
                BridgeMessageLib.TYPEHASH,
                m.version,
                m.srcChain,
                m.dstChain,
                m.nonce,
                m.sender,
                m.recipient,
                m.amount8
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domain, sh));
    }

    /// @dev Signatures by keys[idx[0]], keys[idx[1]], … (in that order) over `bridge`'s digest of `m`.
    function _sigs(
        BridgeBase bridge,
        BridgeMessageLib.Message memory m,
        uint256[] memory idx
    ) internal view returns (bytes[] memory out) {
        // computed here (independent of the contract, and no external call that a pending expectRevert would catch)
        bytes32 d = _foreignDigest(m, "1", block.chainid, address(bridge));
        out = new bytes[](idx.length);
        for (uint256 i; i < idx.length; ++i) out[i] = _sig(keys[idx[i]], d);
    }

    /// @dev The first `count` validators' signatures, ascending.
    function _first(
        BridgeBase bridge,
        BridgeMessageLib.Message memory m,
        uint256 count
    ) internal view returns (bytes[] memory) {
        uint256[] memory idx = new uint256[](count);
        for (uint256 i; i < count; ++i) idx[i] = i;
        return _sigs(bridge, m, idx);
    }

    /// @dev alice locks `amount` toward `dst` on the hub; returns the emitted message.
    function _lock(uint64 dst, address to, uint256 amount) internal returns (BridgeMessageLib.Message memory m) {
        vm.chainId(HUB);
        uint64 nonce = vault.outboundNonce(dst) + 1;
        vm.prank(alice);
        vault.bridgeOut(dst, bytes32(uint256(uint160(to))), amount);
        m = BridgeMessageLib.Message({
            version: 1,
            srcChain: HUB,
            dstChain: dst,
            nonce: nonce,
            sender: bytes32(uint256(uint160(alice))),
            recipient: bytes32(uint256(uint160(to))),
            amount8: uint64(amount / 1e10)
        });
    }
}
