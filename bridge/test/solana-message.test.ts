// Message encoding and msgId against the shared vectors (bridge/test/fixtures/message-vectors.json), checked with
// an encoder written byte by byte here (independent of viem's encodePacked), and the chain-id constants.
import { describe, expect, it } from "vitest";
import { keccak256, toHex } from "viem";
import vectors from "./fixtures/message-vectors.json" with { type: "json" };
import * as chains from "../src/chains.ts";
import {
  encodeMessage,
  evmAddressToBytes32,
  messageId,
  PACKED_MESSAGE_LENGTH,
  parseBridgeMessage,
} from "../src/message.ts";

function u64be(v: bigint): number[] {
  return Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * (7 - i))) & 0xffn));
}
function hexBytes(h: string): number[] {
  return Array.from(Buffer.from(h.slice(2), "hex"));
}

const parsed = vectors.vectors.map((v) => ({
  ...v,
  msg: parseBridgeMessage({
    version: v.message.version,
    srcChain: BigInt(v.message.srcChain),
    dstChain: BigInt(v.message.dstChain),
    nonce: BigInt(v.message.nonce),
    sender: v.message.sender,
    recipient: v.message.recipient,
    amount8: BigInt(v.message.amount8),
  }),
}));

describe("message vectors", () => {
  it.each(parsed)("$name", ({ msg, packed, msgId }) => {
    const manual = Uint8Array.from([
      ...Buffer.from("EAI-BRIDGE-v1", "ascii"),
      msg.version,
      ...u64be(msg.srcChain),
      ...u64be(msg.dstChain),
      ...u64be(msg.nonce),
      ...hexBytes(msg.sender),
      ...hexBytes(msg.recipient),
      ...u64be(msg.amount8),
    ]);
    expect(manual.length).toBe(PACKED_MESSAGE_LENGTH);
    expect(toHex(manual)).toBe(packed);
    expect(encodeMessage(msg)).toBe(packed);
    expect(keccak256(manual)).toBe(msgId);
    expect(messageId(msg)).toBe(msgId);
  });

  it("every field changes the id", () => {
    const base = parsed[0]!.msg;
    const ids = new Set([
      messageId(base),
      messageId({ ...base, srcChain: base.srcChain + 1n }),
      messageId({ ...base, dstChain: base.dstChain + 1n }),
      messageId({ ...base, nonce: base.nonce + 1n }),
      messageId({ ...base, sender: `0x${"22".repeat(32)}` }),
      messageId({ ...base, recipient: `0x${"33".repeat(32)}` }),
      messageId({ ...base, amount8: base.amount8 + 1n }),
    ]);
    expect(ids.size).toBe(7);
  });

  it.each([
    ["version 2", { version: 2 }],
    ["zero amount", { amount8: 0n }],
    ["amount above u64", { amount8: 1n << 64n }],
    ["zero recipient", { recipient: `0x${"0".repeat(64)}` }],
    ["upper-case hex", { sender: `0x${"AB".repeat(32)}` }],
    ["short bytes32", { sender: `0x${"ab".repeat(20)}` }],
    ["zero srcChain", { srcChain: 0n }],
    ["negative nonce", { nonce: -1n }],
  ])("rejects %s", (_n, patch) => {
    expect(() => parseBridgeMessage({ ...parsed[0]!.msg, ...patch })).toThrow();
  });

  it("left-pads EVM addresses", () => {
    expect(evmAddressToBytes32("0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266")).toBe(
      "0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266",
    );
  });
});

describe("chain ids", () => {
  it("match the shared table", () => {
    expect(chains.CHAIN_HUB_LOCAL).toBe(31337n);
    expect(chains.CHAIN_L2_LOCAL).toBe(31338n);
    expect(chains.CHAIN_SOLANA_MAINNET).toBe(1_000_000_001n);
    expect(chains.CHAIN_SOLANA_LOCAL).toBe(1_000_000_101n);
    expect(chains.CHAIN_TON_MAINNET).toBe(1_000_000_002n);
    expect(chains.CHAIN_TON_LOCAL).toBe(1_000_000_102n);
    expect(chains.chainKind(31337n)).toBe("evm");
    expect(chains.chainKind(1_000_000_101n)).toBe("solana");
    expect(chains.chainKind(1_000_000_002n)).toBe("ton");
    expect(chains.chainKind(1_000_000_500n)).toBeUndefined();
    expect(chains.chainKind(0n)).toBeUndefined();
    expect(chains.chainKind(1n << 64n)).toBeUndefined();
  });
});
