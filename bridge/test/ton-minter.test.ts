// The TON bridge minter in @ton/sandbox: signature checks, replay, rate limit, pause, rotation
// and governance. Exit codes are the ERR_* constants of bridge/ton/messages.tact.
import { beforeEach, describe, expect, it } from "vitest";
import { Address, beginCell, toNano } from "@ton/core";
import { keyPairFromSeed } from "@ton/crypto";
import { CHAIN_IDS } from "../src/ton/chains.ts";
import {
  guardianAction,
  mintSigningCell,
  pauseBody,
  rateLimitAction,
  rotateAction,
  routeAction,
  TAG_INT,
  unpauseAction,
} from "../src/ton/cells.ts";
import { msgId } from "../src/ton/message.ts";
import { readJettonContent } from "../src/ton/content.ts";
import {
  balanceOf,
  CAPACITY,
  fixture,
  firstM,
  inbound,
  minterExit,
  REFILL,
  sendGovern,
  sendMint,
  signBy,
  START,
  threshold,
  TOKEN,
  validatorKeys,
  type Fixture,
} from "./ton-fixture.ts";

const ERR = {
  unauthorized: 1000,
  paused: 1001,
  badVersion: 1002,
  wrongDstChain: 1003,
  zeroAmount: 1004,
  zeroRecipient: 1005,
  alreadyExecuted: 1006,
  unknownSigner: 1007,
  badSignature: 1008,
  duplicateSigner: 1009,
  unsortedSigners: 1010,
  tooFewSignatures: 1011,
  rateLimited: 1012,
  badValidatorSet: 1013,
  badThreshold: 1014,
  badSetId: 1015,
  badGovNonce: 1016,
  insufficientValue: 1023,
  notPaused: 1025,
} as const;

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
});

describe("BridgeJettonMinter: deployment", () => {
  it("exposes TEP-74 data through @ton/ton's JettonMaster with 8 decimals", async () => {
    const data = await f.master.getJettonData();
    expect(data.totalSupply).toBe(0n);
    expect(data.mintable).toBe(true);
    expect(readJettonContent(data.content, "decimals")).toBe("8");
    expect(readJettonContent(data.content, "symbol")).toBe("EAI");
    const state = await f.minter.getBridgeState();
    expect(state.setId).toBe(1n);
    expect(state.threshold).toBe(2n);
    expect(state.validatorCount).toBe(3n);
    expect(state.chainId).toBe(CHAIN_IDS.tonLocal);
  });
});

describe("BridgeJettonMinter: mint", () => {
  it("mints a message signed by M validators to the recipient's wallet", async () => {
    const m = inbound(f, f.alice.address, 5n * TOKEN);
    const r = await sendMint(f, m);
    expect(minterExit(f, r)).toBe(0);
    expect(await balanceOf(f, f.alice.address)).toBe(5n * TOKEN);
    expect((await f.master.getJettonData()).totalSupply).toBe(5n * TOKEN);
    expect(await f.minter.getExecuted(BigInt(msgId(m)))).toBe(true);
    expect(await f.minter.getHighestNonce(CHAIN_IDS.hub)).toBe(1n);
  });

  it("accepts all N signatures and out-of-order nonces, keeping the highest", async () => {
    const m2 = inbound(f, f.alice.address, TOKEN, { nonce: 2n });
    const m1 = inbound(f, f.alice.address, TOKEN, { nonce: 1n });
    expect(
      minterExit(
        f,
        await sendMint(f, m2, signBy(f.keys, [0, 1, 2], mintSigningCell(f.minter.address, 1n, m2))),
      ),
    ).toBe(0);
    expect(minterExit(f, await sendMint(f, m1))).toBe(0);
    expect(await f.minter.getHighestNonce(CHAIN_IDS.hub)).toBe(2n);
    expect(await balanceOf(f, f.alice.address)).toBe(2n * TOKEN);
  });

  it("rejects a forged signature (signed by a key outside the set)", async () => {
    const m = inbound(f, f.alice.address, TOKEN);
    const outsider = keyPairFromSeed(Buffer.alloc(32, 200));
    const cell = mintSigningCell(f.minter.address, 1n, m);
    const sigs = signBy([f.keys[0]!, outsider], [0, 1], cell);
    expect(minterExit(f, await sendMint(f, m, sigs))).toBe(ERR.badSignature);
    expect(await balanceOf(f, f.alice.address)).toBe(0n);
  });

  it("rejects a valid signature over a different message (amount changed by the relayer)", async () => {
    const m = inbound(f, f.alice.address, TOKEN);
    const sigs = signBy(f.keys, firstM(f), mintSigningCell(f.minter.address, 1n, m));
    expect(minterExit(f, await sendMint(f, { ...m, amount8: 100n * TOKEN }, sigs))).toBe(ERR.badSignature);
  });

  it("rejects a duplicate signer and unsorted signers", async () => {
    const m = inbound(f, f.alice.address, TOKEN);
    const cell = mintSigningCell(f.minter.address, 1n, m);
    expect(minterExit(f, await sendMint(f, m, signBy(f.keys, [1, 1], cell)))).toBe(ERR.duplicateSigner);
    expect(minterExit(f, await sendMint(f, m, signBy(f.keys, [1, 0], cell)))).toBe(ERR.unsortedSigners);
    expect(minterExit(f, await sendMint(f, m, signBy(f.keys, [0, 1], cell)))).toBe(0);
  });

  it("rejects a signer index outside the set", async () => {
    const m = inbound(f, f.alice.address, TOKEN);
    const cell = mintSigningCell(f.minter.address, 1n, m);
    const sigs = [
      ...signBy(f.keys, [0], cell),
      { index: 3, signature: signBy(f.keys, [1], cell)[0]!.signature },
    ];
    expect(minterExit(f, await sendMint(f, m, sigs))).toBe(ERR.unknownSigner);
  });

  it("rejects too few signatures (M - 1)", async () => {
    const m = inbound(f, f.alice.address, TOKEN);
    const sigs = signBy(f.keys, [2], mintSigningCell(f.minter.address, 1n, m));
    expect(minterExit(f, await sendMint(f, m, sigs))).toBe(ERR.tooFewSignatures);
  });

  it("rejects signatures from a foreign domain: another minter, set id or tag", async () => {
    const m = inbound(f, f.alice.address, TOKEN);
    const other = new Address(0, Buffer.alloc(32, 7));
    const foreign = [
      mintSigningCell(other, 1n, m),
      mintSigningCell(f.minter.address, 2n, m),
      mintSigningCell(f.minter.address, 1n, m, TAG_INT + 1n),
    ];
    for (const cell of foreign) {
      expect(minterExit(f, await sendMint(f, m, signBy(f.keys, firstM(f), cell)))).toBe(ERR.badSignature);
    }
    // A governance signature cannot stand in for a mint signature (different kind byte).
    expect(await balanceOf(f, f.alice.address)).toBe(0n);
  });

  it("rejects a replayed message, minting once", async () => {
    const m = inbound(f, f.alice.address, TOKEN);
    expect(minterExit(f, await sendMint(f, m))).toBe(0);
    expect(minterExit(f, await sendMint(f, m))).toBe(ERR.alreadyExecuted);
    expect(await balanceOf(f, f.alice.address)).toBe(TOKEN);
  });

  it("rejects a message for another destination chain, version, zero amount or zero recipient", async () => {
    const cases = [
      [inbound(f, f.alice.address, TOKEN, { dstChain: CHAIN_IDS.tonMainnet }), ERR.wrongDstChain],
      [inbound(f, f.alice.address, TOKEN, { version: 2 as 1 }), ERR.badVersion],
      [inbound(f, f.alice.address, 0n), ERR.zeroAmount],
      [inbound(f, f.alice.address, TOKEN, { recipient: `0x${"00".repeat(32)}` }), ERR.zeroRecipient],
    ] as const;
    for (const [m, code] of cases) expect(minterExit(f, await sendMint(f, m))).toBe(code);
  });

  it("rejects a mint that carries too little TON for its storage deposit and the wallet", async () => {
    const m = inbound(f, f.alice.address, TOKEN);
    expect(minterExit(f, await sendMint(f, m, undefined, toNano("0.05")))).toBe(ERR.insufficientValue);
  });

  it("enforces the inbound rate limit and refills it over time", async () => {
    expect(minterExit(f, await sendMint(f, inbound(f, f.alice.address, CAPACITY)))).toBe(0);
    const over = inbound(f, f.alice.address, 10n * REFILL);
    expect(minterExit(f, await sendMint(f, over))).toBe(ERR.rateLimited);
    f.chain.now = START + 9;
    expect(minterExit(f, await sendMint(f, over))).toBe(ERR.rateLimited);
    f.chain.now = START + 10;
    expect(minterExit(f, await sendMint(f, over))).toBe(0);
    expect((await f.minter.getBridgeState()).available).toBe(0n);
    // The bucket never exceeds its capacity however long it idles.
    f.chain.now = START + 1_000_000;
    expect(minterExit(f, await sendMint(f, inbound(f, f.alice.address, CAPACITY + 1n)))).toBe(
      ERR.rateLimited,
    );
  });
});

describe("BridgeJettonMinter: pause", () => {
  it("lets only the guardian pause; a paused minter refuses mints; unpause needs M signatures", async () => {
    expect(
      minterExit(f, await f.alice.send({ to: f.minter.address, value: toNano("0.05"), body: pauseBody(0n) })),
    ).toBe(ERR.unauthorized);
    expect(
      minterExit(
        f,
        await f.guardian.send({ to: f.minter.address, value: toNano("0.05"), body: pauseBody(0n) }),
      ),
    ).toBe(0);
    expect((await f.minter.getBridgeState()).paused).toBe(true);
    const m = inbound(f, f.alice.address, TOKEN);
    expect(minterExit(f, await sendMint(f, m))).toBe(ERR.paused);
    // The guardian cannot unpause: only a validator-signed governance action can.
    expect(minterExit(f, await sendGovern(f, unpauseAction(), { indices: [0] }))).toBe(ERR.tooFewSignatures);
    expect(minterExit(f, await sendGovern(f, unpauseAction()))).toBe(0);
    expect(minterExit(f, await sendMint(f, m))).toBe(0);
    expect(minterExit(f, await sendGovern(f, unpauseAction()))).toBe(ERR.notPaused);
  });
});

describe("BridgeJettonMinter: governance", () => {
  it("rotates the validator set with M signatures of the current set; the old set fails after", async () => {
    const next = validatorKeys(4, 1);
    const r = await sendGovern(
      f,
      rotateAction(
        2n,
        threshold(4),
        next.map((k) => k.publicKey),
      ),
    );
    expect(minterExit(f, r)).toBe(0);
    const state = await f.minter.getBridgeState();
    expect([state.setId, state.threshold, state.validatorCount]).toEqual([2n, 3n, 4n]);

    const m = inbound(f, f.alice.address, TOKEN);
    const old = signBy(f.keys, [0, 1, 2], mintSigningCell(f.minter.address, 1n, m));
    expect(minterExit(f, await sendMint(f, m, old))).toBe(ERR.badSignature);
    // Old keys over the new set id still fail (they are not the new keys).
    const oldNewId = signBy(f.keys, [0, 1, 2], mintSigningCell(f.minter.address, 2n, m));
    expect(minterExit(f, await sendMint(f, m, oldNewId))).toBe(ERR.badSignature);
    f.keys = next;
    f.setId = 2n;
    expect(
      minterExit(f, await sendMint(f, m, signBy(next, [0, 1, 3], mintSigningCell(f.minter.address, 2n, m)))),
    ).toBe(0);
    // Old set cannot govern either.
    expect(
      minterExit(
        f,
        await sendGovern(f, unpauseAction(), { keys: validatorKeys(3), setId: 1n, indices: [0, 1] }),
      ),
    ).toBe(ERR.badSignature);
  });

  it("rejects a rotation with too few signatures, a skipped set id, a weak threshold or unsorted keys", async () => {
    const next = validatorKeys(3, 1).map((k) => k.publicKey);
    expect(minterExit(f, await sendGovern(f, rotateAction(2n, 2, next), { indices: [1] }))).toBe(
      ERR.tooFewSignatures,
    );
    expect(minterExit(f, await sendGovern(f, rotateAction(3n, 2, next)))).toBe(ERR.badSetId);
    expect(minterExit(f, await sendGovern(f, rotateAction(2n, 1, next)))).toBe(ERR.badThreshold);
    expect(minterExit(f, await sendGovern(f, rotateAction(2n, 4, next)))).toBe(ERR.badThreshold);
    expect(minterExit(f, await sendGovern(f, rotateAction(2n, 2, [next[1]!, next[0]!, next[2]!])))).toBe(
      ERR.badValidatorSet,
    );
    expect(minterExit(f, await sendGovern(f, rotateAction(2n, 2, [next[0]!, next[0]!, next[2]!])))).toBe(
      ERR.badValidatorSet,
    );
    expect(
      minterExit(f, await sendGovern(f, rotateAction(2n, 2, [Buffer.alloc(32), next[0]!, next[1]!]))),
    ).toBe(ERR.badValidatorSet);
    expect((await f.minter.getBridgeState()).setId).toBe(1n);
  });

  it("requires the next governance nonce (a signed action cannot be replayed)", async () => {
    expect(minterExit(f, await sendGovern(f, rateLimitAction(10n * TOKEN, 1n)))).toBe(0);
    expect(minterExit(f, await sendGovern(f, rateLimitAction(CAPACITY, REFILL), { nonce: 1n }))).toBe(
      ERR.badGovNonce,
    );
    expect(minterExit(f, await sendGovern(f, rateLimitAction(CAPACITY, REFILL), { nonce: 3n }))).toBe(
      ERR.badGovNonce,
    );
    const state = await f.minter.getBridgeState();
    expect([state.capacity, state.refillPerSecond, state.available, state.govNonce]).toEqual([
      10n * TOKEN,
      1n,
      10n * TOKEN,
      1n,
    ]);
    expect(minterExit(f, await sendMint(f, inbound(f, f.alice.address, 10n * TOKEN + 1n)))).toBe(
      ERR.rateLimited,
    );
  });

  it("changes the guardian and routes only with signatures", async () => {
    expect(minterExit(f, await sendGovern(f, guardianAction(f.bob.address)))).toBe(0);
    expect((await f.minter.getBridgeState()).guardian.equals(f.bob.address)).toBe(true);
    expect(await f.minter.getRoute(CHAIN_IDS.solanaMainnet)).toBe(false);
    expect(minterExit(f, await sendGovern(f, routeAction(CHAIN_IDS.solanaMainnet, true)))).toBe(0);
    expect(await f.minter.getRoute(CHAIN_IDS.solanaMainnet)).toBe(true);
    expect(minterExit(f, await sendGovern(f, routeAction(CHAIN_IDS.tonLocal, true)))).toBe(1020);
    expect(minterExit(f, await sendGovern(f, beginCell().storeUint(99, 8).endCell()))).toBe(1017);
  });
});
