/**
 * The client's REDUNDANT path (waitForResult / verifyResult) against the real TaskMarket on Hardhat's in-process
 * network (test/integration/fixture.ts) and a real blob store: three providers claim, commit and reveal result
 * blobs; the client fetches a majority revealer's blob and checks it against the majority hash the chain settled.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { custom, keccak256, parseEther, toHex, type Hex } from "viem";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { setupProtocol, type Protocol } from "../../../test/integration/fixture.ts";
import { startBlobStore, uploadBlob, type BlobStore } from "../storage/index.ts";
import { resultCommitment } from "../tasks/commitments.ts";
import { encodeTensors } from "../tasks/tensors.ts";
import { createEaiClient, type EaiClient } from "./client.ts";
import { EaiError } from "./errors.ts";

let p: Protocol;
let store: BlobStore;
let dir: string;
let requester: EaiClient;

beforeAll(async () => {
  p = await setupProtocol(await network.create());
  dir = await mkdtemp(join(tmpdir(), "eai-sdk-redundant-"));
  store = await startBlobStore({ dir });
  requester = createEaiClient({
    chain: hardhat,
    transport: custom(p.connection.provider),
    account: p.wallets.requester.account.address,
    deployment: p.deployment,
    blobStoreUrl: store.url,
  });
});

afterAll(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  await p?.connection.close();
});

/**
 * Submits a REDUNDANT task through the client, then has the three fixture providers claim it, commit and reveal:
 * provider i reveals `results[i]` (its keccak256 as the result hash) with the URI `uris[i]` (default: the blob of
 * `results[i]` uploaded to the store).
 */
async function runRedundant(results: Uint8Array[], uris: (string | undefined)[] = []) {
  const { taskId, spec } = await requester.submitTask({
    model: p.onnxModel,
    input: tensorInput(Math.random()),
    reward: parseEther("3"),
    mode: "redundant",
  });
  await p.connection.networkHelpers.time.increaseTo(spec.priorityUntil);
  const { market } = p.contracts;
  const providers = p.wallets.providers.map((w) => w.account);
  for (const account of providers) await p.claimAtTurn(taskId, spec, account);
  const reveals: { hash: Hex; salt: Hex; uri: string }[] = [];
  for (const [i, account] of providers.entries()) {
    const bytes = results[i] as Uint8Array;
    const hash = keccak256(bytes);
    const salt = toHex(1000n + BigInt(i), { size: 32 });
    const uri = uris[i] ?? (await uploadBlob(store.url, bytes)).uri;
    const commitment = resultCommitment(p.chainId, market.address, taskId, account.address, hash, salt);
    await p.send(market.write.commitResult([taskId, spec, commitment], { account }));
    reveals.push({ hash, salt, uri });
  }
  for (const [i, account] of providers.entries()) {
    const r = reveals[i] as (typeof reveals)[number];
    await p.send(market.write.revealResult([taskId, spec, r.hash, r.salt, r.uri], { account }));
  }
  return taskId;
}

const bytes = (s: string) => new TextEncoder().encode(s);

/** An EAIT input the fixture's ONNX model can read (one row of 16 float32), distinct per `seed`. */
function tensorInput(seed: number): Uint8Array {
  return encodeTensors([
    { name: "x", dtype: "float32", dims: [16], data: Float32Array.from({ length: 16 }, (_, i) => seed + i) },
  ]);
}

describe("createEaiClient, REDUNDANT results", () => {
  it("waitForResult returns the majority's verified bytes (two of three agree)", async () => {
    const majority = bytes("EAIT majority result");
    const taskId = await runRedundant([majority, bytes("a dissenting result"), majority]);
    const result = await requester.waitForResult(taskId, { timeoutMs: 5000, pollMs: 50 });
    if (result.mode !== "redundant") throw new Error("expected a REDUNDANT result");
    expect(result.result).toEqual(majority);
    expect(result.resultHash).toBe(keccak256(majority));
    expect(result.winners).toBe(2);
    expect(result.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await requester.verifyResult(taskId)).toEqual(result);
  });

  it("skips a majority revealer whose blob does not hash to the majority and uses the next one", async () => {
    const majority = bytes("the agreed output");
    const wrong = await uploadBlob(store.url, bytes("not what was revealed"));
    const taskId = await runRedundant([majority, majority, majority], [wrong.uri]);
    const result = await requester.waitForResult(taskId, { timeoutMs: 5000, pollMs: 50 });
    if (result.mode !== "redundant") throw new Error("expected a REDUNDANT result");
    expect(result.result).toEqual(majority);
    expect(result.resultURI).not.toBe(wrong.uri);
    expect(result.winners).toBe(3);
  });

  it("fails verification when no majority blob matches (wrong bytes or missing)", async () => {
    const majority = bytes("an output nobody stored");
    const wrong = await uploadBlob(store.url, bytes("something else"));
    const missing = `eai://blob/sha256-${"ab".repeat(32)}`;
    const taskId = await runRedundant([majority, majority, bytes("minority")], [wrong.uri, missing]);
    const err = await requester
      .waitForResult(taskId, { timeoutMs: 5000, pollMs: 50 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EaiError);
    expect((err as EaiError).code).toBe("verification-failed");
    expect((err as Error).message).toMatch(
      new RegExp(`task ${taskId}: no revealed result matches the majority .*is not the majority`),
    );
  });

  it("times out on a task still waiting for reveals, naming its status", async () => {
    const { taskId } = await requester.submitTask({
      model: p.onnxModel,
      input: tensorInput(0),
      reward: parseEther("1"),
      mode: "redundant",
    });
    const err = await requester.waitForResult(taskId, { timeoutMs: 60, pollMs: 20 }).catch((e: unknown) => e);
    expect((err as EaiError).code).toBe("timeout");
    expect((err as Error).message).toBe(`task ${taskId} is still Open after 60 ms`);
  });

  it("settleTask says when nothing can be settled, finalizes after the reveal window, expires past the deadline", async () => {
    const time = p.connection.networkHelpers.time;
    const { taskId, spec } = await requester.submitTask({
      model: p.onnxModel,
      input: tensorInput(7),
      reward: parseEther("10"),
      mode: "redundant",
    });
    const early = await requester.settleTask(taskId);
    expect(early).toMatchObject({ action: "none", status: "Open", notBefore: spec.deadline + 1 });
    if (early.action === "none") expect(early.reason).toMatch(/as its requester you may cancel it now/);

    // all three draws taken, two commit and reveal, one stays silent: finalize only after the reveal window
    const { market } = p.contracts;
    const providers = p.wallets.providers.map((w) => w.account);
    for (const account of providers) await p.claimAtTurn(taskId, spec, account);
    const result = keccak256(bytes("r"));
    for (const [i, account] of providers.slice(0, 2).entries()) {
      const salt = toHex(7n + BigInt(i), { size: 32 });
      const c = resultCommitment(p.chainId, market.address, taskId, account.address, result, salt);
      await p.send(market.write.commitResult([taskId, spec, c], { account }));
    }
    const state = await market.read.getTaskState([taskId]);
    await time.increaseTo(state.phaseDeadline + 1);
    for (const [i, account] of providers.slice(0, 2).entries()) {
      const salt = toHex(7n + BigInt(i), { size: 32 });
      await p.send(market.write.revealResult([taskId, spec, result, salt, ""], { account }));
    }
    const waiting = await requester.settleTask(taskId);
    expect(waiting).toMatchObject({ action: "none", status: "Claimed" });
    if (waiting.action === "none") expect(waiting.reason).toMatch(/2 of 3 providers revealed/);
    await time.increaseTo(state.phaseDeadline + spec.revealWindow + 1);
    const finalized = await requester.settleTask(taskId);
    expect(finalized).toMatchObject({ action: "finalize", status: "Completed" });
    expect(await requester.settleTask(taskId)).toMatchObject({ action: "none", status: "Completed" });

    // an Open task past its deadline is expired (refunded)
    const other = await requester.submitTask({
      model: p.onnxModel,
      input: tensorInput(8),
      reward: parseEther("10"),
      mode: "redundant",
    });
    await time.increaseTo(other.spec.deadline + 1);
    expect(await requester.settleTask(other.taskId)).toMatchObject({ action: "expire", status: "Refunded" });
  });

  it("leaveTask gives a claimant of an unfilled task its bond back after the fill timeout, not before", async () => {
    const time = p.connection.networkHelpers.time;
    const alice = p.wallets.providers[0].account.address;
    const provider = createEaiClient({
      chain: hardhat,
      transport: custom(p.connection.provider),
      account: alice,
      deployment: p.deployment,
    });
    const { taskId, spec } = await requester.submitTask({
      model: p.onnxModel,
      input: tensorInput(9),
      reward: parseEther("10"),
      mode: "redundant",
    });
    await p.claimAtTurn(taskId, spec, p.wallets.providers[0].account);
    const { vault, market } = p.contracts;
    const locked = await vault.read.lockedOf([alice]);
    expect(locked).toBeGreaterThanOrEqual(spec.bond);
    const { fillTimeout } = await market.read.settlementParams();
    const from = spec.createdAt + fillTimeout;
    if ((await time.latest()) < from - 2) {
      await expect(provider.leaveTask(taskId)).rejects.toThrow(/TaskMarketTooEarly/);
    }
    await time.increaseTo(from);
    await provider.leaveTask(taskId);
    expect(await vault.read.lockedOf([alice])).toBe(locked - spec.bond);
    expect((await market.read.getTaskState([taskId])).claims).toBe(0);
    // nobody holds it any more: the requester may cancel
    await requester.cancelTask(taskId);
  });

  it("operators in two steps: an offer binds nothing until accepted; either side ends the link", async () => {
    const alice = p.wallets.providers[0].account.address;
    const candidate = p.wallets.creator.account.address;
    const client = (account: Hex) =>
      createEaiClient({
        chain: hardhat,
        transport: custom(p.connection.provider),
        account,
        deployment: p.deployment,
      });
    const { providers } = p.contracts;
    await client(alice).offerOperator(candidate);
    expect(await providers.read.resolveProvider([candidate])).toBe(
      "0x0000000000000000000000000000000000000000",
    );
    await client(candidate).acceptOperator(alice);
    expect((await providers.read.resolveProvider([candidate])).toLowerCase()).toBe(alice.toLowerCase());
    await client(candidate).renounceOperator(alice);
    expect(await providers.read.resolveProvider([candidate])).toBe(
      "0x0000000000000000000000000000000000000000",
    );
    // accepting an offer that was withdrawn is refused, in words
    await client(alice).offerOperator(candidate);
    await client(alice).revokeOperator(candidate);
    await expect(client(candidate).acceptOperator(alice)).rejects.toThrow(/ProviderRegistryNoOperatorOffer/);
  });
});
