// The bridge message as the TON side builds it. The id is hashed like the shared `messageId` (bridge/src/message.ts;
// message.test.ts checks they agree), and this schema is looser than the shared one (zero amounts and recipients are allowed) so that tests can send the minter the
// messages it must refuse. See docs/bridge/TON.md.
import { encodePacked, keccak256, type Hex } from "viem";
import { z } from "zod";
import { MAX_UINT64 } from "../chains.ts";
import { MESSAGE_TAG, MESSAGE_VERSION } from "../message.ts";

export const BRIDGE_TAG = MESSAGE_TAG;
export const BRIDGE_VERSION = MESSAGE_VERSION;

const u64 = z.bigint().min(0n).max(MAX_UINT64);
const bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/, "bytes32: 0x + 64 lowercase hex digits");

export const bridgeMessageSchema = z.object({
  version: z.literal(BRIDGE_VERSION),
  srcChain: u64,
  dstChain: u64,
  nonce: u64,
  sender: bytes32,
  recipient: bytes32,
  amount8: u64,
});
export type BridgeMessage = z.infer<typeof bridgeMessageSchema> & { sender: Hex; recipient: Hex };

/** keccak256 of the 110 packed bytes: the 13-byte tag, then the fields big-endian. */
export function msgId(m: BridgeMessage): Hex {
  return keccak256(
    encodePacked(
      ["string", "uint8", "uint64", "uint64", "uint64", "bytes32", "bytes32", "uint64"],
      [BRIDGE_TAG, m.version, m.srcChain, m.dstChain, m.nonce, m.sender, m.recipient, m.amount8],
    ),
  );
}

/** Parse untrusted input into a message (throws a ZodError on any out-of-range field). */
export function parseBridgeMessage(input: unknown): BridgeMessage {
  return bridgeMessageSchema.parse(input) as BridgeMessage;
}
