// The EAI bridge message and its id, identical on every chain (EVM Solidity, Solana, TON):
// msgId = keccak256(abi.encodePacked("EAI-BRIDGE-v1", uint8 version, uint64 srcChain, uint64 dstChain, uint64 nonce,
//                                    bytes32 sender, bytes32 recipient, uint64 amount8))   (110 bytes, big-endian)
import { encodePacked, keccak256, type Hex } from "viem";
import { z } from "zod";
import { MAX_UINT64 } from "./chains.ts";

/** ASCII tag that starts every packed message (13 bytes). */
export const MESSAGE_TAG = "EAI-BRIDGE-v1";
/** The only message version. */
export const MESSAGE_VERSION = 1;
/** Length of the packed message in bytes: 13 + 1 + 8 + 8 + 8 + 32 + 32 + 8. */
export const PACKED_MESSAGE_LENGTH = 110;

const uint64 = z.bigint().min(0n, "must be a uint64 (≥ 0)").max(MAX_UINT64, "must be a uint64 (< 2^64)");
const bytes32 = z
  .string()
  .regex(/^0x[0-9a-f]{64}$/, "must be 0x followed by 64 lowercase hex digits (bytes32)")
  .transform((s) => s as Hex);

/** zod schema of a bridge message (validates untrusted input at the edges). */
export const bridgeMessageSchema = z.object({
  version: z.literal(MESSAGE_VERSION),
  srcChain: uint64.refine((v) => v > 0n, "srcChain must be nonzero"),
  dstChain: uint64.refine((v) => v > 0n, "dstChain must be nonzero"),
  nonce: uint64,
  sender: bytes32,
  recipient: bytes32.refine((v) => !/^0x0{64}$/.test(v), "recipient must not be zero"),
  amount8: uint64.refine((v) => v > 0n, "amount8 must be nonzero"),
});

export type BridgeMessage = z.infer<typeof bridgeMessageSchema>;

/** Parses and validates a message; throws a ZodError that names the bad field. */
export function parseBridgeMessage(input: unknown): BridgeMessage {
  return bridgeMessageSchema.parse(input);
}

/** The 110 packed bytes hashed into the message id. */
export function encodeMessage(message: BridgeMessage): Hex {
  const m = bridgeMessageSchema.parse(message);
  return encodePacked(
    ["string", "uint8", "uint64", "uint64", "uint64", "bytes32", "bytes32", "uint64"],
    [MESSAGE_TAG, m.version, m.srcChain, m.dstChain, m.nonce, m.sender, m.recipient, m.amount8],
  );
}

/** The message id: replay key on every destination and tracking id everywhere. */
export function messageId(message: BridgeMessage): Hex {
  return keccak256(encodeMessage(message));
}

/** bytes32 from 32 raw bytes (lowercase hex). */
export function bytes32FromBytes(bytes: Uint8Array): Hex {
  if (bytes.length !== 32) throw new Error(`expected 32 bytes, got ${bytes.length}`);
  return `0x${Buffer.from(bytes).toString("hex")}`;
}

/** 32 raw bytes from a bytes32 hex string. */
export function bytesFromBytes32(value: Hex): Uint8Array {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new Error(`expected bytes32 hex, got ${value}`);
  return Uint8Array.from(Buffer.from(value.slice(2), "hex"));
}

/** An EVM address as bytes32 (left-padded with zeros). */
export function evmAddressToBytes32(address: Hex): Hex {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new Error(`expected a 20-byte EVM address, got ${address}`);
  return `0x${"0".repeat(24)}${address.slice(2).toLowerCase()}`;
}
