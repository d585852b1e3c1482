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
    input: new TextEncoder().encode(`input ${Math.random()}`),
    reward: parseEther("3"),
    mode: "redundant",
  });
  await p.connection.networkHelpers.time.increaseTo(spec.priorityUntil);
  const { market } = p.contracts;
  const providers = p.wallets.providers.map((w) => w.account);
  for (const account of providers) await p.send(market.write.claimTask([taskId, spec], { account }));
  const reveals: { hash: Hex; salt: Hex; uri: string }[] = [];
  for (const [i, account] of providers.entries()) {
    const bytes = results[i] as Uint8Array;
    const hash = keccak256(bytes);
    const salt = toHex(1000n + BigInt(i), { size: 32 });
    const uri = uris[i] ?? (await uploadBlob(store.url, bytes)).uri;
    const commitment = await market.read.resultCommitment([taskId, account.address, hash, salt]);
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
      input: bytes("never run"),
      reward: parseEther("1"),
      mode: "redundant",
    });
    const err = await requester.waitForResult(taskId, { timeoutMs: 60, pollMs: 20 }).catch((e: unknown) => e);
    expect((err as EaiError).code).toBe("timeout");
    expect((err as Error).message).toBe(`task ${taskId} is still Open after 60 ms`);
  });
});
