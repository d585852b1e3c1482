// The bridge jetton's wallets (TEP-74 transfers, TEP-89 discovery) and burns: a burn emits the
// bridge message as an external-out message; a burn the minter refuses bounces back to the wallet.
import { beforeEach, describe, expect, it } from "vitest";
import { Address, beginCell, Cell, toNano } from "@ton/core";
import { type SendMessageResult } from "@ton/sandbox";
import { type Hex } from "viem";
import { CHAIN_IDS } from "../src/ton/chains.ts";
import {
  burnBody,
  burnDestinationCell,
  parseBridgeOutEvent,
  pauseBody,
  tonAccountToBytes32,
  type BridgeOutEvent,
} from "../src/ton/cells.ts";
import { msgId } from "../src/ton/message.ts";
import {
  balanceOf,
  exitCode,
  fixture,
  inbound,
  minterExit,
  sendMint,
  TOKEN,
  transferBody,
  txTo,
  type Fixture,
} from "./ton-fixture.ts";

const EVM_RECIPIENT: Hex = `0x${"00".repeat(12)}${"c0".repeat(20)}`;
const SOL_RECIPIENT: Hex = `0x${"5a".repeat(32)}`;

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
  expect(minterExit(f, await sendMint(f, inbound(f, f.alice.address, 100n * TOKEN)))).toBe(0);
});

async function burn(
  amount: bigint,
  destination: Cell | null,
  value = toNano("0.1"),
): Promise<SendMessageResult> {
  const wallet = await f.master.getWalletAddress(f.alice.address);
  return f.alice.send({ to: wallet, value, body: burnBody(1n, amount, f.alice.address, destination) });
}

const events = (r: SendMessageResult): BridgeOutEvent[] =>
  r.externals.flatMap((e) => {
    const parsed = parseBridgeOutEvent(e.body);
    return parsed ? [parsed] : [];
  });

describe("bridge jetton: TEP-74 wallets", () => {
  it("transfers between wallets, notifies the receiver and returns the excess (read with @ton/ton)", async () => {
    const wallet = await f.master.getWalletAddress(f.alice.address);
    const note = beginCell().storeUint(0, 32).storeStringTail("hi").endCell();
    const r = await f.alice.send({
      to: wallet,
      value: toNano("0.2"),
      body: transferBody(30n * TOKEN, f.bob.address, f.alice.address, toNano("0.01"), note),
    });
    expect(exitCode(txTo(r, wallet))).toBe(0);
    expect(await balanceOf(f, f.alice.address)).toBe(70n * TOKEN);
    expect(await balanceOf(f, f.bob.address)).toBe(30n * TOKEN);
    // JettonNotification (0x7362d09c) to bob and JettonExcesses (0xd53276db) back to alice.
    const ops = (to: Address) =>
      r.transactions
        .filter((t) => t.inMessage?.info.dest instanceof Address && t.inMessage.info.dest.equals(to))
        .map((t) => t.inMessage!.body.beginParse().loadUint(32));
    expect(ops(f.bob.address)).toContain(0x7362d09c);
    expect(ops(f.alice.address)).toContain(0xd53276db);
    expect((await f.master.getJettonData()).totalSupply).toBe(100n * TOKEN);
  });

  it("refuses transfers by a non-owner, above the balance or of zero", async () => {
    const wallet = await f.master.getWalletAddress(f.alice.address);
    const bobTries = await f.bob.send({
      to: wallet,
      value: toNano("0.2"),
      body: transferBody(TOKEN, f.bob.address, null),
    });
    expect(exitCode(txTo(bobTries, wallet))).toBe(1000);
    const tooMuch = await f.alice.send({
      to: wallet,
      value: toNano("0.2"),
      body: transferBody(101n * TOKEN, f.bob.address, null),
    });
    expect(exitCode(txTo(tooMuch, wallet))).toBe(1024);
    const zero = await f.alice.send({
      to: wallet,
      value: toNano("0.2"),
      body: transferBody(0n, f.bob.address, null),
    });
    expect(exitCode(txTo(zero, wallet))).toBe(1004);
    expect(await balanceOf(f, f.alice.address)).toBe(100n * TOKEN);
  });

  it("rejects a forged internal transfer from a contract that is not a wallet of this jetton", async () => {
    const forged = beginCell()
      .storeUint(0x178d4519, 32)
      .storeUint(0, 64)
      .storeCoins(1_000n * TOKEN)
      .storeAddress(f.bob.address)
      .storeAddress(null)
      .storeCoins(0)
      .storeBit(0)
      .endCell();
    const aliceWallet = await f.master.getWalletAddress(f.alice.address);
    const r = await f.bob.send({ to: aliceWallet, value: toNano("0.2"), body: forged });
    expect(exitCode(txTo(r, aliceWallet))).toBe(1000);
    expect(await balanceOf(f, f.alice.address)).toBe(100n * TOKEN);
  });

  it("answers TEP-89 ProvideWalletAddress with the wallet @ton/ton computes", async () => {
    const body = beginCell()
      .storeUint(0x2c76b973, 32)
      .storeUint(9, 64)
      .storeAddress(f.bob.address)
      .storeBit(true)
      .endCell();
    const r = await f.alice.send({ to: f.minter.address, value: toNano("0.05"), body });
    const reply = txTo(r, f.alice.address).inMessage!.body.beginParse();
    expect(reply.loadUint(32)).toBe(0xd1735400);
    expect(reply.loadUintBig(64)).toBe(9n);
    expect(reply.loadAddress().equals(await f.master.getWalletAddress(f.bob.address))).toBe(true);
    expect(reply.loadMaybeRef()!.beginParse().loadAddress().equals(f.bob.address)).toBe(true);
  });
});

describe("bridge jetton: burns", () => {
  it("burns into an external-out bridge message, nonce 1, 2, … per destination chain", async () => {
    const r1 = await burn(3n * TOKEN, burnDestinationCell(CHAIN_IDS.hub, EVM_RECIPIENT));
    expect(minterExit(f, r1)).toBe(0);
    const [e1] = events(r1);
    expect(e1!.message).toEqual({
      version: 1,
      srcChain: CHAIN_IDS.tonLocal,
      dstChain: CHAIN_IDS.hub,
      nonce: 1n,
      sender: tonAccountToBytes32(f.alice.address),
      recipient: EVM_RECIPIENT,
      amount8: 3n * TOKEN,
    });
    // The id the contract computed on chain (keccak256 in TVM) equals the TypeScript one.
    expect(e1!.msgId).toBe(msgId(e1!.message));

    const r2 = await burn(TOKEN, burnDestinationCell(CHAIN_IDS.hub, EVM_RECIPIENT));
    expect(events(r2)[0]!.message.nonce).toBe(2n);
    const r3 = await burn(TOKEN, burnDestinationCell(CHAIN_IDS.solanaLocal, SOL_RECIPIENT));
    expect(events(r3)[0]!.message).toMatchObject({
      dstChain: CHAIN_IDS.solanaLocal,
      nonce: 1n,
      recipient: SOL_RECIPIENT,
    });
    expect(await f.minter.getOutNonce(CHAIN_IDS.hub)).toBe(2n);
    expect(await balanceOf(f, f.alice.address)).toBe(95n * TOKEN);
    expect((await f.master.getJettonData()).totalSupply).toBe(95n * TOKEN);
    // The excess TON goes back to the response destination.
    const excess = txTo(r1, f.alice.address).inMessage!.body.beginParse();
    expect(excess.loadUint(32)).toBe(0xd53276db);
  });

  const malformed: [string, () => Cell | null, number][] = [
    ["no destination", () => null, 1018],
    [
      "a destination with extra bits",
      () => beginCell().storeUint(CHAIN_IDS.hub, 64).storeUint(1n, 256).storeBit(1).endCell(),
      1019,
    ],
    ["a truncated destination", () => beginCell().storeUint(CHAIN_IDS.hub, 64).endCell(), 1019],
    ["this chain as destination", () => burnDestinationCell(CHAIN_IDS.tonLocal, SOL_RECIPIENT), 1020],
    ["an unknown chain", () => burnDestinationCell(777n, EVM_RECIPIENT), 1020],
    ["a zero recipient", () => burnDestinationCell(CHAIN_IDS.hub, `0x${"00".repeat(32)}`), 1005],
    ["an EVM recipient wider than 20 bytes", () => burnDestinationCell(CHAIN_IDS.hub, SOL_RECIPIENT), 1019],
  ];
  for (const [name, destination, code] of malformed) {
    it(`bounces a burn with ${name} back to the wallet (exit ${code})`, async () => {
      const r = await burn(5n * TOKEN, destination());
      expect(minterExit(f, r)).toBe(code);
      expect(events(r)).toEqual([]);
      expect(await balanceOf(f, f.alice.address)).toBe(100n * TOKEN);
      expect((await f.master.getJettonData()).totalSupply).toBe(100n * TOKEN);
      expect(await f.minter.getOutNonce(CHAIN_IDS.hub)).toBe(0n);
    });
  }

  it("bounces burns while paused", async () => {
    await f.guardian.send({ to: f.minter.address, value: toNano("0.05"), body: pauseBody(0n) });
    const r = await burn(TOKEN, burnDestinationCell(CHAIN_IDS.hub, EVM_RECIPIENT));
    expect(minterExit(f, r)).toBe(1001);
    expect(await balanceOf(f, f.alice.address)).toBe(100n * TOKEN);
  });

  it("refuses a burn notification that does not come from the burner's wallet", async () => {
    const forged = beginCell()
      .storeUint(0x7bdd97de, 32)
      .storeUint(0, 64)
      .storeCoins(50n * TOKEN)
      .storeAddress(f.bob.address)
      .storeAddress(f.bob.address)
      .storeMaybeRef(burnDestinationCell(CHAIN_IDS.hub, EVM_RECIPIENT))
      .endCell();
    const r = await f.bob.send({ to: f.minter.address, value: toNano("0.1"), body: forged });
    expect(minterExit(f, r)).toBe(1000);
    expect(events(r)).toEqual([]);
  });
});
