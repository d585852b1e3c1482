import { describe, expect, it } from "vitest";
import { keccak256, toHex } from "viem";
import { CHAIN_IDS, isEvmChain } from "./chains.ts";
import { msgId, parseBridgeMessage, type BridgeMessage } from "./message.ts";
import { messageId } from "../message.ts";

const m: BridgeMessage = {
  version: 1,
  srcChain: CHAIN_IDS.hub,
  dstChain: CHAIN_IDS.tonLocal,
  nonce: 7n,
  sender: `0x${"00".repeat(12)}${"11".repeat(20)}`,
  recipient: `0x${"22".repeat(32)}`,
  amount8: 123_456_789n,
};

const be = (v: bigint, bytes: number): Buffer => Buffer.from(v.toString(16).padStart(bytes * 2, "0"), "hex");

describe("bridge message (TON copy)", () => {
  it("hashes a valid message exactly like the shared messageId", () => {
    expect(msgId(m)).toBe(messageId(m));
  });

  it("pins the shared chain ids", () => {
    expect(CHAIN_IDS).toEqual({
      hub: 31337n,
      l2: 31338n,
      solanaMainnet: 1_000_000_001n,
      solanaLocal: 1_000_000_101n,
      tonMainnet: 1_000_000_002n,
      tonLocal: 1_000_000_102n,
    });
    expect([isEvmChain(31337n), isEvmChain(CHAIN_IDS.tonLocal), isEvmChain(0n)]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it("computes msgId over the 110 packed bytes (independent byte-by-byte reference)", () => {
    const packed = Buffer.concat([
      Buffer.from("EAI-BRIDGE-v1", "ascii"),
      be(1n, 1),
      be(m.srcChain, 8),
      be(m.dstChain, 8),
      be(m.nonce, 8),
      Buffer.from(m.sender.slice(2), "hex"),
      Buffer.from(m.recipient.slice(2), "hex"),
      be(m.amount8, 8),
    ]);
    expect(packed.length).toBe(110);
    expect(msgId(m)).toBe(keccak256(toHex(packed)));
    expect(msgId({ ...m, nonce: 8n })).not.toBe(msgId(m));
  });

  it("parses untrusted input strictly", () => {
    expect(parseBridgeMessage(m)).toEqual(m);
    expect(() => parseBridgeMessage({ ...m, amount8: 1n << 64n })).toThrow();
    expect(() => parseBridgeMessage({ ...m, version: 2 })).toThrow();
    expect(() => parseBridgeMessage({ ...m, recipient: "0x1234" })).toThrow();
    expect(() => parseBridgeMessage({ ...m, nonce: -1n })).toThrow();
  });
});
