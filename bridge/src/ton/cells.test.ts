import { describe, expect, it } from "vitest";
import { Address, beginCell } from "@ton/core";
import { keyPairFromSeed, signVerify } from "@ton/crypto";
import { CHAIN_IDS } from "./chains.ts";
import {
  bridgeMessageCell,
  bytes32ToTonAccount,
  mintSigningCell,
  OP,
  parseBridgeMessageCell,
  parseBridgeOutEvent,
  signaturesCell,
  signCell,
  TAG_INT,
  tonAccountToBytes32,
} from "./cells.ts";
import { msgId, type BridgeMessage } from "./message.ts";

const m: BridgeMessage = {
  version: 1,
  srcChain: CHAIN_IDS.hub,
  dstChain: CHAIN_IDS.tonLocal,
  nonce: 1n,
  sender: `0x${"00".repeat(12)}${"11".repeat(20)}`,
  recipient: `0x${"22".repeat(32)}`,
  amount8: 5n,
};
const minter = new Address(0, Buffer.alloc(32, 9));

describe("TON bridge cells", () => {
  it("round-trips the 776-bit message cell", () => {
    const cell = bridgeMessageCell(m);
    expect(cell.bits.length).toBe(776);
    expect(parseBridgeMessageCell(cell)).toEqual(m);
  });

  it("encodes the tag as the 13 ASCII bytes of EAI-BRIDGE-v1", () => {
    expect(TAG_INT.toString(16)).toBe(Buffer.from("EAI-BRIDGE-v1").toString("hex"));
  });

  it("separates domains: minter, set id and message all change the signed hash", () => {
    const base = mintSigningCell(minter, 1n, m).hash();
    expect(
      mintSigningCell(new Address(0, Buffer.alloc(32, 8)), 1n, m)
        .hash()
        .equals(base),
    ).toBe(false);
    expect(mintSigningCell(minter, 2n, m).hash().equals(base)).toBe(false);
    expect(
      mintSigningCell(minter, 1n, { ...m, amount8: 6n })
        .hash()
        .equals(base),
    ).toBe(false);
    const key = keyPairFromSeed(Buffer.alloc(32, 1));
    expect(signVerify(base, signCell(mintSigningCell(minter, 1n, m), key.secretKey), key.publicKey)).toBe(
      true,
    );
  });

  it("chains signatures in the given order", () => {
    const sig = (b: number) => Buffer.alloc(64, b);
    const head = signaturesCell([
      { index: 0, signature: sig(1) },
      { index: 2, signature: sig(2) },
    ]).beginParse();
    expect(head.loadUint(8)).toBe(0);
    expect(head.loadBuffer(64).equals(sig(1))).toBe(true);
    const next = head.loadMaybeRef()!.beginParse();
    expect(next.loadUint(8)).toBe(2);
    next.skip(512);
    expect(next.loadMaybeRef()).toBeNull();
    expect(() => signaturesCell([{ index: 0, signature: Buffer.alloc(63) }])).toThrow();
  });

  it("maps basechain accounts to bytes32 and rejects other workchains", () => {
    const a = new Address(0, Buffer.alloc(32, 0xab));
    expect(tonAccountToBytes32(a)).toBe(`0x${"ab".repeat(32)}`);
    expect(bytes32ToTonAccount(tonAccountToBytes32(a)).equals(a)).toBe(true);
    expect(() => tonAccountToBytes32(new Address(-1, Buffer.alloc(32, 1)))).toThrow(/basechain/);
  });

  it("parses the bridge-out event and rejects one whose id does not match", () => {
    const event = (id: bigint) =>
      beginCell()
        .storeUint(OP.bridgeOutEvent, 32)
        .storeUint(id, 256)
        .storeRef(bridgeMessageCell(m))
        .endCell();
    expect(parseBridgeOutEvent(event(BigInt(msgId(m))))).toEqual({ msgId: msgId(m), message: m });
    expect(() => parseBridgeOutEvent(event(1n))).toThrow(/does not match/);
    expect(parseBridgeOutEvent(beginCell().storeUint(1, 32).endCell())).toBeNull();
  });
});
