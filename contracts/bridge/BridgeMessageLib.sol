// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title BridgeMessageLib
/// @notice The EAI bridge message shared by the EVM, Solana and TON sides (docs/BRIDGE.md): its fields, its message id
///         (the replay key on every destination), its EIP-712 struct hash, and the 18 ↔ 8 decimal conversion.
library BridgeMessageLib {
    /// @notice A bridge message. Amounts are in 8-decimal units; addresses are bytes32 (an EVM address left-padded).
    /// @param version Format version (1).
    /// @param srcChain Source chain id (EIP-155 id for EVM chains, 1_000_000_00x for Solana and TON).
    /// @param dstChain Destination chain id.
    /// @param nonce Outbound nonce of the source toward `dstChain` (1, 2, 3…; Solana: slot * 65536 + index).
    /// @param sender Sender on the source chain.
    /// @param recipient Recipient on the destination chain.
    /// @param amount8 Amount in 8-decimal units.
    struct Message {
        uint8 version;
        uint64 srcChain;
        uint64 dstChain;
        uint64 nonce;
        bytes32 sender;
        bytes32 recipient;
        uint64 amount8;
    }

    /// @notice The only message format version.
    uint8 internal constant VERSION = 1;

    /// @notice One 8-decimal unit in 18-decimal wei.
    uint256 internal constant UNIT = 1e10;

    /// @notice Chain ids at or above this are non-EVM (Solana 1_000_000_001/101, TON 1_000_000_002/102).
    uint64 internal constant FIRST_NON_EVM_CHAIN = 1_000_000_000;

    /// @notice EIP-712 type hash of {Message}.
    bytes32 internal constant TYPEHASH = keccak256(
        "BridgeMessage(uint8 version,uint64 srcChain,uint64 dstChain,uint64 nonce,bytes32 sender,bytes32 recipient,uint64 amount8)"
    );

    /// @notice Thrown when an 18-decimal amount has a nonzero remainder below one 8-decimal unit (dust).
    /// @param amount The amount in wei.
    error BridgeMessageDust(uint256 amount);

    /// @notice Thrown when an amount is zero.
    error BridgeMessageZeroAmount();

    /// @notice Thrown when an amount does not fit a uint64 of 8-decimal units.
    /// @param amount The amount in wei.
    error BridgeMessageAmountTooLarge(uint256 amount);

    /// @notice The message id: keccak256 of the 13-byte tag "EAI-BRIDGE-v1" and the packed big-endian fields (110 bytes).
    /// @param m The message.
    /// @return The message id.
    function id(Message memory m) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encodePacked(
                    "EAI-BRIDGE-v1",
                    m.version,
                    m.srcChain,
                    m.dstChain,
                    m.nonce,
                    m.sender,
                    m.recipient,
                    m.amount8
                )
            );
    }

    /// @notice The EIP-712 struct hash of the message (to be wrapped in the destination bridge's domain).
    /// @param m The message.
    /// @return The struct hash.
    function structHash(Message memory m) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(TYPEHASH, m.version, m.srcChain, m.dstChain, m.nonce, m.sender, m.recipient, m.amount8)
            );
    }

    /// @notice Converts an 18-decimal amount to 8-decimal units, rejecting zero, dust (never rounded) and overflow.
    /// @param amount The amount in wei.
    /// @return amount8 The amount in 8-decimal units.
    function toAmount8(uint256 amount) internal pure returns (uint64 amount8) {
        if (amount == 0) revert BridgeMessageZeroAmount();
        if (amount % UNIT != 0) revert BridgeMessageDust(amount);
        uint256 units = amount / UNIT;
        if (units > type(uint64).max) revert BridgeMessageAmountTooLarge(amount);
        amount8 = uint64(units);
    }

    /// @notice Converts 8-decimal units to 18-decimal wei (exact: at most 2^64 · 1e10 < 2^98).
    /// @param amount8 The amount in 8-decimal units.
    /// @return The amount in wei.
    function toWei(uint64 amount8) internal pure returns (uint256) {
        return uint256(amount8) * UNIT;
    }

    /// @notice Left-pads an EVM address to bytes32.
    /// @param a The address.
    /// @return The bytes32 form.
    function toBytes32(address a) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(a)));
    }

    /// @notice Whether a bytes32 is a left-padded nonzero EVM address.
    /// @param b The bytes32 form.
    /// @return True when the upper 12 bytes are zero and the address is not zero.
    function isEvmAddress(bytes32 b) internal pure returns (bool) {
        return uint256(b) >> 160 == 0 && b != bytes32(0);
    }
}
