/**
 * REDUNDANT mode end to end on a local hardhat node: three workers run the ONNX test model (tiny-mlp, fetched from
 * the blob store by its ModelRegistry URI), one of them lies about the result. The two honest results win: their
 * providers are paid, the liar's bond is slashed. Then a worker stopped between commit and reveal resumes from its
 * persisted salt and reveals after a restart.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseEther, parseEventLogs } from "viem";
import { TaskStatus } from "../../sdk/src/tasks/index.ts";
import { encodeTensors } from "@eai/sdk/tasks/tensors";
import { OnnxExecutor } from "../src/executors/onnx.ts";
import type { Executor } from "../src/executors/types.ts";
import { ACCOUNT, counterValue, startHarness, waitFor, type Harness } from "./harness.ts";

let h: Harness;
let onnx: OnnxExecutor;
/** One draw per worker: three workers, three draws, three independent votes (the outcome the test checks). */
const ONE_VOTE = { maxVotesPerTask: 1 };

beforeAll(async () => {
  h = await startHarness();
  onnx = await OnnxExecutor.create({ gpuAvailable: false, intraOpThreads: 1 });
});
afterEach(async () => {
  await h?.stopWorkers();
});
afterAll(async () => {
  await onnx?.close();
  await h?.close();
});

/** Runs the real executor, then flips the first output byte: a provider that lies. */
function lying(inner: Executor): Executor {
  return {
    kind: inner.kind,
    supports: (m) => inner.supports(m),
    execute: async (input, model) => {
      const r = await inner.execute(input, model);
      const output = new Uint8Array(r.output);
      output[output.length - 1] = (output[output.length - 1] ?? 0) ^ 0xff;
      return { ...r, output };
    },
    close: () => inner.close(),
  };
}

const input = (seed: number) =>
  encodeTensors([{ name: "x", dtype: "float32", dims: [1, 4], data: Float32Array.from([seed, 0.5, -1, 2]) }]);

describe("worker, REDUNDANT mode", () => {
  it("three workers, one lying: the liar is slashed and the honest two are paid", async () => {
    const { market, token, vault } = h.p.contracts;
    const [alice, bob, carol] = h.p.wallets.providers.map((w) => w.account) as [
      (typeof h.p.wallets.providers)[0]["account"],
      (typeof h.p.wallets.providers)[0]["account"],
      (typeof h.p.wallets.providers)[0]["account"],
    ];
    const workers = [
      await h.worker("r-alice", ACCOUNT.alice, { executors: { onnx }, config: ONE_VOTE }),
      await h.worker("r-bob", ACCOUNT.bob, { executors: { onnx }, config: ONE_VOTE }),
      await h.worker("r-carol", ACCOUNT.carol, { executors: { onnx: lying(onnx) }, config: ONE_VOTE }),
    ];
    const stakeBefore = await vault.read.stakeOf([carol.address]);
    for (const w of workers) w.start();
    const { taskId, spec } = await h.submit({ mode: 1, modelId: h.onnxModel, input: input(1) });
    await waitFor("settlement", async () => (await h.taskStatus(taskId)) === TaskStatus.Completed, 90_000);

    const logs = await h.p.publicClient.getContractEvents({
      address: market.address,
      abi: market.abi,
      fromBlock: 0n,
    });
    const paid = parseEventLogs({ abi: market.abi, logs, eventName: "ProviderPaid" }).filter(
      (e) => e.args.taskId === taskId,
    );
    const penalized = parseEventLogs({ abi: market.abi, logs, eventName: "ProviderPenalized" }).filter(
      (e) => e.args.taskId === taskId,
    );
    expect(paid.map((e) => e.args.provider.toLowerCase()).sort()).toEqual(
      [alice.address, bob.address].map((a) => a.toLowerCase()).sort(),
    );
    expect(paid.every((e) => e.args.amount === parseEther("4"))).toBe(true); // 80% of 10 EAI split in two
    expect(penalized.map((e) => [e.args.provider.toLowerCase(), e.args.outcome])).toEqual([
      [carol.address.toLowerCase(), 1],
    ]); // WrongResult
    expect(await vault.read.stakeOf([carol.address])).toBe(stakeBefore - spec.bond);
    for (const a of [alice, bob] as const)
      expect(await market.read.creditOf([a.address, token.address])).toBe(parseEther("4"));
    await waitFor("states cleaned", async () =>
      workers.every((w) => Object.keys(w.store.get().tasks).length === 0),
    );
    // The state goes once a chain read shows the task settled; the ProviderPaid event may be processed later.
    await waitFor(
      "payment counted",
      async () => (await counterValue(workers[0]!.metrics.tasksCompleted)) === 1,
    );
    const completed = await workers[0]!.metrics.tasksCompleted.get();
    expect(completed.values).toEqual([expect.objectContaining({ labels: { executor: "onnx" }, value: 1 })]);
    await waitFor("penalty counted", async () => (await counterValue(workers[2]!.metrics.tasksFailed)) === 1);
    expect((await workers[2]!.metrics.tasksFailed.get()).values).toEqual([
      expect.objectContaining({ labels: { executor: "onnx", reason: "slashed-wrong-result" }, value: 1 }),
    ]);
    for (const w of workers) await w.stop(0);
  });

  it("a worker stopped after committing reveals from its persisted salt after a restart", async () => {
    const workers = [
      await h.worker("r2-alice", ACCOUNT.alice, { executors: { onnx }, config: ONE_VOTE }),
      await h.worker("r2-bob", ACCOUNT.bob, { executors: { onnx }, config: ONE_VOTE }),
    ];
    let carol = await h.worker("r2-carol", ACCOUNT.carol, { executors: { onnx }, config: ONE_VOTE });
    carol.start();
    const { taskId } = await h.submit({ mode: 1, modelId: h.onnxModel, input: input(2) });
    const id = taskId.toString();
    await waitFor("carol committed", async () => carol.store.get().tasks[id]?.phase === "committed");
    await carol.stop(0);
    const salt = carol.store.get().tasks[id]?.salt;
    expect(salt).toMatch(/^0x[0-9a-f]{64}$/);

    for (const w of workers) w.start();
    // Alice and Bob reveal; the task waits for Carol (reveals are open once all three committed).
    await waitFor(
      "two reveals",
      async () => workers.every((w) => w.store.get().tasks[id]?.phase === "revealed"),
      90_000,
    );
    expect(await h.taskStatus(taskId)).toBe(TaskStatus.Claimed);

    carol = await h.worker("r2-carol", ACCOUNT.carol, { executors: { onnx }, config: ONE_VOTE });
    expect(carol.store.get().tasks[id]?.salt).toBe(salt);
    carol.start();
    await waitFor("settlement", async () => (await h.taskStatus(taskId)) === TaskStatus.Completed, 90_000);
    for (const w of [...workers, carol]) await w.stop(0);
  });
});
