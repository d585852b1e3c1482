/**
 * Batched ZK proving end to end on Hardhat's in-process network (issue #13):
 *
 *   node bench/zk-batch.ts [--tasks 88] [--lone 10]
 *
 * Deploys the protocol (Ignition module: the MNIST model with its k = 1, 4, 11 verifiers), sets the priority window
 * to 0 (as a local deployment would; the default 30 s keeps tier-1 providers out of fresh tasks), and runs the
 * worker's batch pipeline (worker/src/zk-batch.ts) with real BatchProvers, one provider, one process:
 *  1. throughput: --tasks tasks submitted up front with submitTasks, then proven and settled (submitProofBatch or,
 *     for a lone task, submitProof); verified tasks per minute from the first proof to the last settlement, and the
 *     ratio to the same prover proving full batches of the size used back to back (measured in this run);
 *  2. lone-task latency: --lone tasks one at a time on a quiet market, submit → ProofAccepted, p50 / p95.
 * Not measured here: several workers (separate processes) and the worker's task loop around the pipeline (its
 * persisted states, RPC polling). Prints the figures and the load average; writes bench/results/zk-batch-<date>.json.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { network } from "hardhat";
import { parseEventLogs } from "viem";
import { z } from "zod";

import { percentile, median } from "./stats.ts";
import { Mode, NO_RESOURCES, asTimelock, setupProtocol, taskBinding } from "../test/integration/fixture.ts";
import {
  BatchProver,
  MNIST_BATCH_SIZES,
  inputCommitment,
  loadMnistMlpModel,
  releaseProverThreads,
  type BatchProof,
  type BatchWitness,
} from "../sdk/src/zk/index.ts";
import { BatchPipeline, type QueuedTask } from "../worker/src/zk-batch.ts";

const args = z
  .object({
    tasks: z.coerce.number().int().min(1).max(640).default(88),
    lone: z.coerce.number().int().min(1).max(100).default(10),
  })
  .parse(parseArgs({ options: { tasks: { type: "string" }, lone: { type: "string" } } }).values);

const load0 = loadavg()[0] ?? 0;
const p = await setupProtocol(await network.create());
const { market, token, models } = p.contracts;
const bob = p.wallets.providers[1];
const requester = p.wallets.requester;
const params = await market.read.marketParams();
await asTimelock(p.connection, p.contracts.timelock.address, async (account) => {
  await p.send(market.write.setMarketParams([{ ...params, priorityWindow: 0 }], { account }));
});
const model = await loadMnistMlpModel();
const provers = new Map<number, BatchProver>();
for (const k of MNIST_BATCH_SIZES) provers.set(k, await BatchProver.load({ model, batchSize: k }));
for (const [k, v] of provers) {
  if (
    k !== 1 &&
    (await models.read.batchVerifierOf([1n, k])) === "0x0000000000000000000000000000000000000000"
  )
    throw new Error(`no batch verifier for k = ${k}`);
  await v.prove([{ input: new Array<number>(49).fill(1), taskBinding: 1n }]); // warm-up
}
// Measured cost per size (warm), for the planner and the back-to-back reference.
const proveMs = new Map<number, number>();
for (const [k, v] of provers) {
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const slots = Array.from({ length: k }, (_, i) => ({
      input: new Array<number>(49).fill(0).map((_, j) => (i + j + r) % 16),
      taskBinding: BigInt(1000 * r + i + 1),
    }));
    const proof = await v.prove(slots);
    times.push(proof.timings.witnessMs + proof.timings.proveMs);
  }
  proveMs.set(k, median(times));
}

interface Task extends QueuedTask {
  spec: Awaited<ReturnType<typeof submitMany>>[number]["spec"];
  x: number[];
  submittedAt: number;
}

const inputOf = (i: number): number[] => new Array<number>(49).fill(0).map((_, j) => (i * 7 + j * 3) % 16);

async function submitMany(first: number, n: number) {
  const now = BigInt(await p.connection.networkHelpers.time.latest());
  const requests = await Promise.all(
    Array.from({ length: n }, async (_, i) => ({
      modelId: 1n,
      paymentToken: token.address,
      reward: 10n * 10n ** 18n,
      deadline: Number(now + 86_400n),
      execWindow: 3600,
      mode: Mode.ZK,
      redundancy: 1,
      minTier: 1,
      minResources: NO_RESOURCES,
      inputCommitment: await inputCommitment(inputOf(first + i)),
      inputURI: "eai://blob/sha256-input",
    })),
  );
  const receipt = await p.send(market.write.submitTasks([requests], { account: requester.account }));
  return parseEventLogs({ abi: market.abi, logs: receipt.logs, eventName: "TaskSubmitted" }).map((e, i) => ({
    id: e.args.taskId,
    spec: e.args.spec,
    x: inputOf(first + i),
  }));
}

const settledAt = new Map<bigint, number>();
let skipped = 0;
const sizesUsed: number[] = [];
function pipeline(): BatchPipeline<Task, BatchWitness, BatchProof> {
  return new BatchPipeline<Task, BatchWitness, BatchProof>({
    options: { sizes: MNIST_BATCH_SIZES, proveMs, submitMarginMs: 10_000, flushMs: 3_000 },
    stillOpen: async (tasks) => {
      const states = await Promise.all(tasks.map((t) => market.read.getTaskState([t.id])));
      return tasks.filter((_, i) => states[i]?.status === 1);
    },
    witness: async (k, tasks) =>
      (provers.get(k) as BatchProver).witness(
        tasks.map((t) => ({
          input: t.x,
          taskBinding: taskBinding(p.chainId, market.address, t.id, bob.account.address),
        })),
      ),
    prove: async (w) => (provers.get(w.batchSize) as BatchProver).proveWitness(w),
    submit: async (k, tasks, proof) => {
      sizesUsed.push(k);
      const receipt =
        k === 1
          ? await p.send(
              market.write.submitProof(
                [tasks[0]!.id, tasks[0]!.spec, proof.slots[0]!.outputWord, proof.calldata.proof],
                {
                  account: bob.account,
                  gas: 1_000_000n,
                },
              ),
            )
          : await p.send(
              market.write.submitProofBatch(
                [
                  1n,
                  k,
                  tasks.map((t, i) => ({ taskId: t.id, spec: t.spec, output: proof.slots[i]!.outputWord })),
                  proof.padOutput,
                  proof.calldata.proof,
                ],
                { account: bob.account, gas: 5_000_000n },
              ),
            );
      const now = Date.now();
      for (const e of parseEventLogs({ abi: market.abi, logs: receipt.logs, eventName: "ProofAccepted" }))
        settledAt.set(e.args.taskId, now);
      skipped += parseEventLogs({
        abi: market.abi,
        logs: receipt.logs,
        eventName: "ProofBatchTaskSkipped",
      }).length;
    },
    onError: (err) => console.error("batch failed:", err),
  });
}

// ── 1. throughput ─────────────────────────────────────────────────────────────────────────────────────────────────
const backlog: Task[] = [];
for (let done = 0; done < args.tasks; done += 64) {
  const n = Math.min(64, args.tasks - done);
  for (const t of await submitMany(done, n))
    backlog.push({
      ...t,
      modelId: 1n,
      deadline: Number(t.spec.deadline),
      queuedAt: Date.now(),
      submittedAt: Date.now(),
    });
}
const pipe = pipeline();
const t0 = Date.now();
for (const t of backlog) pipe.add(t);
await pipe.drain();
const elapsedMs = Date.now() - t0;
const verified = backlog.filter((t) => settledAt.has(t.id)).length;
const perMinute = (verified * 60_000) / elapsedMs;
const throughputSizes = [...sizesUsed];
const mainK = Math.max(...throughputSizes);
const backToBack = (60_000 * mainK) / (proveMs.get(mainK) as number);

// ── 2. lone-task latency on a quiet market ────────────────────────────────────────────────────────────────────────
const latencies: number[] = [];
const lonePipe = pipeline();
for (let i = 0; i < args.lone; i++) {
  const start = Date.now();
  const [t] = await submitMany(10_000 + i, 1);
  lonePipe.add({
    ...t!,
    modelId: 1n,
    deadline: Number(t!.spec.deadline),
    queuedAt: Date.now(),
    submittedAt: start,
  });
  await lonePipe.drain();
  latencies.push((settledAt.get(t!.id) as number) - start);
}
await releaseProverThreads();

const load1 = loadavg()[0] ?? 0;
const result = {
  date: new Date().toISOString(),
  loadAverage1m: [load0, load1].map((l) => Math.round(l * 100) / 100),
  priorityWindow: 0,
  workers: 1,
  proveMsPerBatch: Object.fromEntries([...proveMs].map(([k, v]) => [k, Math.round(v)])),
  throughput: {
    tasks: args.tasks,
    verified,
    skipped,
    elapsedMs,
    verifiedPerMinute: Math.round(perMinute * 10) / 10,
    batchSizesUsed: Object.fromEntries(
      MNIST_BATCH_SIZES.map((k) => [k, throughputSizes.filter((s) => s === k).length]),
    ),
    proverBackToBackPerMinute: Math.round(backToBack * 10) / 10,
    ratioToProver: Math.round((perMinute / backToBack) * 100) / 100,
  },
  loneLatencyMs: {
    runs: latencies.length,
    p50: Math.round(percentile(latencies, 50)),
    p95: Math.round(percentile(latencies, 95)),
    samples: latencies.map(Math.round),
  },
};
console.log(
  `prove ms per batch (witness + prove, warm, median of 3): ${JSON.stringify(result.proveMsPerBatch)}`,
);
console.log(
  `throughput: ${verified}/${args.tasks} verified in ${(elapsedMs / 1000).toFixed(1)} s = ${result.throughput.verifiedPerMinute} tasks/min (target ≥ 400), batches ${JSON.stringify(result.throughput.batchSizesUsed)}`,
);
console.log(
  `prover back to back at k = ${mainK}: ${result.throughput.proverBackToBackPerMinute} tasks/min; pipeline / prover = ${result.throughput.ratioToProver} (target ≥ 0.8)`,
);
console.log(
  `lone task submit → ProofAccepted, priority window 0: p50 ${result.loneLatencyMs.p50} ms, p95 ${result.loneLatencyMs.p95} ms (target p50 ≤ 3 s)`,
);
console.log(`load average (1 min) before / after: ${result.loadAverage1m.join(" / ")}`);
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
const file = new URL(`./results/zk-batch-${result.date.slice(0, 10)}.json`, import.meta.url);
await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
process.exit(0);
