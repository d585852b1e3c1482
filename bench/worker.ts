/**
 * Worker throughput and latency on the local chain.
 *
 *   npm run bench:worker     (ZK_TASKS=10 ZK_BATCH_TASKS=88 REDUNDANT_TASKS=6 REPEATS=3 INFER_RUNS=15 WORKERS=1,2,4
 *                             ZK_SETTLEMENT=hybrid,direct,claim by default)
 *
 * Starts a real `hardhat node`, deploys the protocol, a blob store and real workers (worker/test/harness.ts), then:
 *   - ZK tasks on the MNIST MLP (real proofs, MnistMlpVerifier) with 1, 2 and then 4 workers (each with a prover
 *     pool of one), for each ZK settlement mode: "hybrid" (the default: workers take turns by rank, heartbeats on so
 *     that only running workers are ranked; rank 0 proves the unclaimed task, a later rank claims it first),
 *     "direct" (every rank proves the unclaimed task) and "claim" (claim, then prove), the modes alternating per
 *     worker count;
 *   - batched ZK proofs (issue #13): ZK_BATCH_TASKS tasks (default 88) arriving at once (`submitTasks`, 64 a transaction) on a
 *     second registration of the MNIST model that has its k = 4 and 11 verifiers, with 1, 2 and 4 workers in the
 *     default "hybrid" settlement and `zkBatch` on (its default); tasks per minute from the submission to the last
 *     ProofAccepted (seen by polling the market's logs, one request per 100 ms, not every task's status), the batch
 *     sizes the workers used, and the ratio to one BatchProver proving full k = 11 batches back to back in this
 *     process (the ceiling for any number of workers: they share this process and the machine's cores);
 *   - REDUNDANT tasks on the tiny ONNX model with 3 workers (a REDUNDANT task needs 3 providers);
 * for each setting submits REPEATS batches one after the other, polls every task's status and reports tasks per
 * minute (batch size / time from the batch's first submit to its last settlement; the median over the batches) and
 * latency p50/p95 over all the setting's tasks (wall clock, 100 ms polling):
 *   - available→settled, every mode: from the moment the task is servable (its submission mined and its priority
 *     window over: when the harness's submit returns) to the first poll that sees it Completed;
 *   - claim→settled, REDUNDANT and ZK claim mode only: first poll that sees Claimed to first poll that sees
 *     Completed (a direct-mode task is never Claimed).
 * For hybrid and direct modes also the duplicate work: proofs that lost the race on-chain, and tasks dropped before proving.
 * Also per-executor inference time on this machine's CPU.
 * Prints a table and writes bench/results/worker-<date>.json (with the machine and its load average: the benchmark
 * is CPU bound and shares the cores with whatever else runs).
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

import {
  MNIST_MLP_FILES,
  computeWitness,
  inputCommitment,
  loadMnistMlpModel,
  mnistMlpArtifacts,
  modelCommitment,
  proveInference,
  quantiseImage,
  releaseProverThreads,
  buildCircuitInput,
  BatchProver,
} from "../sdk/src/zk/index.ts";
import { TaskStatus } from "../sdk/src/tasks/index.ts";
import { ProverPool } from "../worker/src/executors/prover-pool.ts";
import { ZkMlpExecutor } from "../worker/src/executors/zk-mlp.ts";
import { writeZkInput } from "../sdk/src/zk/input.ts";
import { OnnxExecutor } from "../worker/src/executors/onnx.ts";
import { encodeTensors } from "@eai/sdk/tasks/tensors";
import { ACCOUNT, signerFor, startHarness, type Harness } from "../worker/test/harness.ts";
import type { ProviderWorker } from "../worker/src/worker.ts";
import type { ZkSettlement } from "../worker/src/ranking.ts";
import { keccak256, parseEther, parseEventLogs, type Address } from "viem";
import { uploadBlob } from "@eai/sdk/storage";
import { buildTaskRequest } from "@eai/sdk/tasks/request";
import { NO_RESOURCES, asTimelock } from "../test/integration/fixture.ts";
import { median, percentile } from "./stats.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const ZK_TASKS = Number(process.env.ZK_TASKS ?? 10);
const REDUNDANT_TASKS = Number(process.env.REDUNDANT_TASKS ?? 6);
const INFER_RUNS = Number(process.env.INFER_RUNS ?? 15);
const REPEATS = Number(process.env.REPEATS ?? 3);
const WORKER_COUNTS = (process.env.WORKERS ?? "1,2,4").split(",").map(Number);
if (WORKER_COUNTS.some((n) => !Number.isInteger(n) || n < 1 || n > 4)) {
  throw new Error(`WORKERS: expected a comma-separated list of 1..4, got ${process.env.WORKERS}`);
}
/** Tasks per batch of the batched-proof scenario (0 skips it); they arrive at once (`submitTasks`). */
const ZK_BATCH_TASKS = Number(process.env.ZK_BATCH_TASKS ?? 88);
if (!Number.isInteger(ZK_BATCH_TASKS) || ZK_BATCH_TASKS < 0 || ZK_BATCH_TASKS > 400) {
  throw new Error(`ZK_BATCH_TASKS: expected an integer 0..400, got ${process.env.ZK_BATCH_TASKS}`);
}
const SETTLEMENTS = (process.env.ZK_SETTLEMENT ?? "hybrid,direct,claim").split(",").map((m) => m.trim());
if (SETTLEMENTS.length === 0 || SETTLEMENTS.some((m) => m !== "hybrid" && m !== "direct" && m !== "claim")) {
  throw new Error(
    `ZK_SETTLEMENT: expected a comma-separated list of hybrid, direct, claim, got ${process.env.ZK_SETTLEMENT}`,
  );
}

interface Batch {
  scenario: string;
  workers: number;
  /** Tasks per batch. */
  tasks: number;
  /** Batches run one after the other with the same workers. */
  repeats: number;
  /** Median over the batches. */
  tasksPerMinute: number;
  tasksPerMinuteRuns: number[];
  /** How ZK tasks were settled (ZK scenarios only). */
  zkSettlement?: ZkSettlement;
  /** What the latency figures measure: "claim→settled" or "available→settled" (see the file comment). */
  latency: "claim→settled" | "available→settled";
  /** Over every task of every batch. */
  latencyP50Ms: number;
  latencyP95Ms: number;
  /** available→settled over every task (also given when `latency` is claim→settled). */
  availableToSettledP50Ms: number;
  availableToSettledP95Ms: number;
  /** Direct mode: proofs sent that lost the race on-chain / tasks dropped before proving (another settled first). */
  lostRaces?: number;
  takenBeforeProof?: number;
  /** Batched scenario: batched proofs sent by size (circuit slots), summed over the workers and batches. */
  proofsBySize?: Record<string, number>;
  /** Batched scenario: one BatchProver proving full batches of `referenceBatchSize` back to back, tasks per minute. */
  proverBackToBackPerMinute?: number;
  referenceBatchSize?: number;
  /**
   * tasksPerMinute / proverBackToBackPerMinute: the workers share this process and the machine's cores with one
   * another and the node, so the machine's one prover back to back is the ceiling for any number of them.
   */
  ratioToProver?: number;
}

/** Polls every task until all are Completed; returns throughput, claim→settled and available→settled latencies. */
async function track(
  h: Harness,
  tasks: { id: bigint; availableAt: number }[],
  started: number,
  timeoutMs: number,
) {
  const ids = tasks.map((t) => t.id);
  const claimedAt = new Map<bigint, number>();
  const doneAt = new Map<bigint, number>();
  const deadline = Date.now() + timeoutMs;
  while (doneAt.size < ids.length) {
    if (Date.now() > deadline) throw new Error(`only ${doneAt.size}/${ids.length} tasks settled in time`);
    const now = performance.now();
    for (const id of ids) {
      if (doneAt.has(id)) continue;
      const status = await h.taskStatus(id);
      if (status === TaskStatus.Claimed && !claimedAt.has(id)) claimedAt.set(id, now);
      if (status === TaskStatus.Completed) {
        if (!claimedAt.has(id)) claimedAt.set(id, now); // settled between two polls
        doneAt.set(id, now);
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const last = Math.max(...doneAt.values());
  return {
    tasksPerMinute: (ids.length / (last - started)) * 60_000,
    latencies: ids.map((id) => doneAt.get(id)! - claimedAt.get(id)!),
    available: tasks.map((t) => doneAt.get(t.id)! - t.availableAt),
  };
}

/** Runs `REPEATS` batches (`submitBatch` submits one and returns the ids) and summarises them. */
async function batches(
  h: Harness,
  scenario: string,
  workers: number,
  tasks: number,
  submitBatch: (batch: number) => Promise<{ id: bigint; availableAt: number }[]>,
  timeoutMs: number,
  zkSettlement?: ZkSettlement,
): Promise<Batch> {
  const ranked = zkSettlement !== undefined && zkSettlement !== "claim";
  const runs: number[] = [];
  const latencies: number[] = [];
  const available: number[] = [];
  for (let b = 0; b < REPEATS; ++b) {
    const started = performance.now();
    const tasks = await submitBatch(b);
    const r = await track(h, tasks, started, timeoutMs);
    runs.push(r.tasksPerMinute);
    latencies.push(...r.latencies);
    available.push(...r.available);
    console.log(`  batch ${b + 1}/${REPEATS}: ${r.tasksPerMinute.toFixed(1)} tasks/min`);
  }
  return {
    scenario,
    workers,
    tasks,
    repeats: REPEATS,
    tasksPerMinute: median(runs),
    tasksPerMinuteRuns: runs,
    ...(zkSettlement ? { zkSettlement } : {}),
    // A direct-mode task is never Claimed (a hybrid one only sometimes): their latency is available→settled.
    latency: ranked ? "available→settled" : "claim→settled",
    latencyP50Ms: percentile(ranked ? available : latencies, 50),
    latencyP95Ms: percentile(ranked ? available : latencies, 95),
    availableToSettledP50Ms: percentile(available, 50),
    availableToSettledP95Ms: percentile(available, 95),
  };
}

/** A ZK outcome counted by the workers (`eai_worker_zk_outcomes_total{outcome}`), summed over them. */
async function zkOutcomeTotal(workers: readonly ProviderWorker[], outcome: string): Promise<number> {
  let n = 0;
  for (const w of workers)
    for (const v of (await w.metrics.zkOutcomes.get()).values) if (v.labels.outcome === outcome) n += v.value;
  return n;
}

/** Submits one task and notes when it became servable (submission mined, priority window skipped). */
async function submitTimed(h: Harness, args: Parameters<Harness["submit"]>[0]) {
  const { taskId } = await h.submit(args);
  return { id: taskId, availableAt: performance.now() };
}

const loadBefore = loadavg()[0] ?? 0;
const h = await startHarness();
const results: { batches: Batch[]; inference: Record<string, { medianMs: number; runs: number }> } = {
  batches: [],
  inference: {},
};
try {
  const model = await loadMnistMlpModel();
  const modelJson = await readFile(fileURLToPath(MNIST_MLP_FILES.model));
  const zkModel = await h.registerModel(
    0,
    await modelCommitment(model),
    h.p.contracts.mnistVerifier.address,
    modelJson,
  );
  const samples = (
    JSON.parse(await readFile(join(ROOT, "data/mnist-test-samples.json"), "utf8")) as {
      samples: { image: string }[];
    }
  ).samples.map((s) => quantiseImage(new Uint8Array(Buffer.from(s.image, "base64"))));

  // A fourth provider for the 4-worker setting: funded by the deployer, the worker stakes on start-up.
  await h.p.send(h.p.contracts.token.write.transfer([signerFor(ACCOUNT.dave).address, parseEther("2000")]));
  const accounts = [ACCOUNT.alice, ACCOUNT.bob, ACCOUNT.carol, ACCOUNT.dave];
  // The modes alternate per worker count, so that both see about the same load on a shared machine.
  for (const workers of ZK_TASKS > 0 ? WORKER_COUNTS : []) {
    for (const [m, settlement] of (SETTLEMENTS as ZkSettlement[]).entries()) {
      const pools = Array.from({ length: workers }, () => new ProverPool({ size: 1, jobTimeoutMs: 120_000 }));
      const running: ProviderWorker[] = [];
      for (let i = 0; i < workers; ++i) {
        const w = await h.worker(`zk-${settlement}-${workers}-${i}`, accounts[i]!, {
          zkExecutor: new ZkMlpExecutor({ pool: pools[i]! }),
          config: {
            stakeTarget: parseEther("1000").toString(),
            zkSettlement: settlement,
            // Hybrid and direct modes rank the providers that sent a heartbeat lately: the running workers here (the chain
            // clock jumps 30 s per task, past each priority window, hence the wide liveness window).
            heartbeatIntervalMs: 10_000,
            directLivenessSec: 3_600,
            directRefreshMs: 2_000,
          },
        });
        w.start();
        running.push(w);
      }
      // Let the start-up heartbeats land before the first task, so that every worker ranks every other.
      await new Promise((r) => setTimeout(r, 1_500));
      console.log(`ZK ${settlement}: ${REPEATS} × ${ZK_TASKS} tasks, ${workers} worker(s)…`);
      const batch = await batches(
        h,
        `ZK ${settlement} (MNIST MLP, real proofs)`,
        workers,
        ZK_TASKS,
        async (b) => {
          const tasks = [];
          for (let i = 0; i < ZK_TASKS; ++i) {
            const x = samples[(b * ZK_TASKS + i) % samples.length]!;
            const salt = BigInt(1_000_000 + m * 100_000 + workers * 10_000 + b * 100 + i);
            tasks.push(
              await submitTimed(h, {
                mode: 0,
                modelId: zkModel,
                input: writeZkInput(x, salt),
                inputCommitment: await inputCommitment(x, salt),
              }),
            );
          }
          return tasks;
        },
        300_000,
        settlement,
      );
      if (settlement !== "claim") {
        batch.lostRaces = await zkOutcomeTotal(running, "lost-race");
        batch.takenBeforeProof = await zkOutcomeTotal(running, "taken-before-proof");
        console.log(`  lost races ${batch.lostRaces}, dropped before proving ${batch.takenBeforeProof}`);
      }
      results.batches.push(batch);
      await h.stopWorkers();
      await Promise.all(pools.map((p) => p.close()));
    }
  }

  if (ZK_BATCH_TASKS > 0) {
    // A second registration of the MNIST model with its batch verifiers (the first keeps the single-proof figures
    // comparable with earlier runs). Governance approves the batch verifiers' code; the creator sets them.
    const { models, market, timelock } = h.p.contracts;
    const batchModel = await h.registerModel(
      0,
      await modelCommitment(model),
      h.p.contracts.mnistVerifier.address,
      modelJson,
    );
    for (const [k, name] of [
      [4, "MnistMlpB4Verifier"],
      [11, "MnistMlpB11Verifier"],
    ] as const) {
      const v = await h.p.connection.viem.deployContract(name, []);
      const code = await h.p.publicClient.getCode({ address: v.address });
      if (!code) throw new Error(`${name} has no code`);
      await asTimelock(h.p.connection, timelock.address, async (account) => {
        await h.p.send(models.write.setVerifierCodeHashApproved([keccak256(code), true], { account }));
      });
      await h.p.send(
        models.write.setBatchVerifier([batchModel, k, v.address as Address], {
          account: h.p.wallets.creator.account,
        }),
      );
    }
    // The reference: one BatchProver, full k = 11 batches back to back (warm), in this process.
    const REFERENCE_K = 11;
    const reference = await BatchProver.load({ model, batchSize: REFERENCE_K });
    const slotsOf = (r: number) =>
      Array.from({ length: REFERENCE_K }, (_, i) => ({
        input: samples[(r * REFERENCE_K + i) % samples.length]!,
        taskBinding: BigInt(r * 100 + i + 1),
      }));
    await reference.prove(slotsOf(0));
    const refMs: number[] = [];
    for (let r = 1; r <= 3; r++) {
      const t = performance.now();
      await reference.prove(slotsOf(r));
      refMs.push(performance.now() - t);
    }
    const proverPerMinute = (REFERENCE_K / median(refMs)) * 60_000;
    console.log(`BatchProver k = ${REFERENCE_K} back to back: ${proverPerMinute.toFixed(1)} tasks/min`);
    await releaseProverThreads();

    for (const workers of WORKER_COUNTS) {
      const pools = Array.from({ length: workers }, () => new ProverPool({ size: 1, jobTimeoutMs: 120_000 }));
      const running: ProviderWorker[] = [];
      for (let i = 0; i < workers; ++i) {
        const w = await h.worker(`zk-batch-${workers}-${i}`, accounts[i]!, {
          zkExecutor: new ZkMlpExecutor({ pool: pools[i]! }),
          config: {
            stakeTarget: parseEther("1000").toString(),
            zkSettlement: "hybrid",
            heartbeatIntervalMs: 10_000,
            directLivenessSec: 3_600,
            directRefreshMs: 2_000,
            zkBatch: { maxQueued: Math.max(64, ZK_BATCH_TASKS) },
          },
        });
        w.start();
        running.push(w);
      }
      await new Promise((r) => setTimeout(r, 1_500));
      console.log(`ZK batched: ${REPEATS} × ${ZK_BATCH_TASKS} tasks at once, ${workers} worker(s)…`);
      const runs: number[] = [];
      const available: number[] = [];
      for (let b = 0; b < REPEATS; ++b) {
        const now = BigInt(await h.p.connection.networkHelpers.time.latest());
        const requests = [];
        for (let i = 0; i < ZK_BATCH_TASKS; ++i) {
          const x = samples[(b * ZK_BATCH_TASKS + i + 7) % samples.length]!;
          const salt = BigInt(5_000_000 + workers * 100_000 + b * 1_000 + i);
          const blob = await uploadBlob(h.blobs.url, writeZkInput(x, salt));
          requests.push(
            buildTaskRequest({
              modelId: batchModel,
              paymentToken: h.p.contracts.token.address,
              reward: parseEther("10"),
              deadline: Number(now + 86_400n),
              mode: "zk",
              modelMinResources: NO_RESOURCES,
              inputCommitment: await inputCommitment(x, salt),
              inputURI: blob.uri,
            }),
          );
        }
        const fromBlock = await h.p.publicClient.getBlockNumber();
        const started = performance.now();
        // submitTasks takes at most MAX_SUBMIT_BATCH (64) tasks a transaction: send them in consecutive ones
        const submitted = [];
        for (let i = 0; i < requests.length; i += 64) {
          const receipt = await h.p.send(
            market.write.submitTasks([requests.slice(i, i + 64)], { account: h.p.wallets.requester.account }),
          );
          submitted.push(
            ...parseEventLogs({ abi: market.abi, logs: receipt.logs, eventName: "TaskSubmitted" }),
          );
        }
        const ids = new Set(submitted.map((e) => e.args.taskId));
        // Past the priority window (as the harness's submit does), so that tier-1 providers may serve them.
        await h.p.connection.networkHelpers.time.increaseTo(submitted.at(-1)!.args.spec.priorityUntil);
        const availableAt = performance.now();
        const doneAt = new Map<bigint, number>();
        const deadline = Date.now() + 600_000;
        let cursor = fromBlock;
        while (doneAt.size < ids.size) {
          if (Date.now() > deadline)
            throw new Error(`only ${doneAt.size}/${ids.size} batched tasks settled in time`);
          const head = await h.p.publicClient.getBlockNumber();
          if (head >= cursor) {
            const seen = performance.now();
            const logs = await h.p.publicClient.getContractEvents({
              address: market.address,
              abi: market.abi,
              eventName: "ProofAccepted",
              fromBlock: cursor,
              toBlock: head,
            });
            for (const e of logs) {
              const id = e.args.taskId;
              if (id !== undefined && ids.has(id) && !doneAt.has(id)) doneAt.set(id, seen);
            }
            cursor = head + 1n;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        const last = Math.max(...doneAt.values());
        const perMinute = (ids.size / (last - started)) * 60_000;
        runs.push(perMinute);
        available.push(...[...doneAt.values()].map((t) => t - availableAt));
        console.log(`  batch ${b + 1}/${REPEATS}: ${perMinute.toFixed(1)} tasks/min`);
      }
      const proofsBySize: Record<string, number> = {};
      const lostRaces = await zkOutcomeTotal(running, "lost-race");
      for (const w of running) {
        for (const v of (await w.metrics.zkBatches.get()).values) {
          const k = String(v.labels.size);
          proofsBySize[k] = (proofsBySize[k] ?? 0) + v.value;
        }
      }
      const tasksPerMinute = median(runs);
      const batch: Batch = {
        scenario: "ZK batched (MNIST MLP, k ≤ 11, hybrid)",
        workers,
        tasks: ZK_BATCH_TASKS,
        repeats: REPEATS,
        tasksPerMinute,
        tasksPerMinuteRuns: runs,
        zkSettlement: "hybrid",
        latency: "available→settled",
        latencyP50Ms: percentile(available, 50),
        latencyP95Ms: percentile(available, 95),
        availableToSettledP50Ms: percentile(available, 50),
        availableToSettledP95Ms: percentile(available, 95),
        lostRaces,
        proofsBySize,
        proverBackToBackPerMinute: proverPerMinute,
        referenceBatchSize: REFERENCE_K,
        ratioToProver: tasksPerMinute / proverPerMinute,
      };
      console.log(
        `  batched proofs by size ${JSON.stringify(proofsBySize)}, lost races ${lostRaces}, ratio to the prover back to back ${batch.ratioToProver!.toFixed(2)}`,
      );
      results.batches.push(batch);
      await h.stopWorkers();
      await Promise.all(pools.map((p) => p.close()));
    }
  }

  console.log(`REDUNDANT: ${REPEATS} × ${REDUNDANT_TASKS} tasks, 3 workers…`);
  const rdOnnx = await OnnxExecutor.create({ gpuAvailable: false });
  for (const [i, account] of [ACCOUNT.alice, ACCOUNT.bob, ACCOUNT.carol].entries()) {
    (await h.worker(`rd-${i}`, account, { executors: { onnx: rdOnnx } })).start();
  }
  results.batches.push(
    await batches(
      h,
      "REDUNDANT (tiny ONNX MLP)",
      3,
      REDUNDANT_TASKS,
      async (b) => {
        const tasks = [];
        for (let i = 0; i < REDUNDANT_TASKS; ++i) {
          const input = encodeTensors([
            { name: "x", dtype: "float32", dims: [1, 4], data: Float32Array.from([b * 100 + i, 0.5, -1, 2]) },
          ]);
          tasks.push(await submitTimed(h, { mode: 1, modelId: h.onnxModel, input }));
        }
        return tasks;
      },
      Number(process.env.REDUNDANT_TIMEOUT_MS ?? 300_000),
    ),
  );
  await h.stopWorkers();
  await rdOnnx.close();

  // Inference time per executor (CPU), medians.
  const onnx = await OnnxExecutor.create({ gpuAvailable: false });
  const onnxPath = join(ROOT, "worker/fixtures/tiny-mlp.onnx");
  const onnxArtifact = {
    id: "bench",
    kind: "onnx" as const,
    path: onnxPath,
    sha256: createHash("sha256")
      .update(await readFile(onnxPath))
      .digest("hex"),
  };
  const onnxInput = encodeTensors([
    { name: "x", dtype: "float32", dims: [1, 4], data: Float32Array.from([1, 0.5, -1, 2]) },
  ]);
  const onnxTimes: number[] = [];
  for (let i = 0; i < INFER_RUNS; ++i) {
    const t = performance.now();
    await onnx.execute(onnxInput, onnxArtifact);
    onnxTimes.push(performance.now() - t);
  }
  await onnx.close();
  results.inference[`onnx (${onnx.backend}, tiny MLP, incl. decode/encode)`] = {
    medianMs: percentile(onnxTimes, 50),
    runs: INFER_RUNS,
  };

  const artifacts = await mnistMlpArtifacts();
  const witness: number[] = [];
  const prove: number[] = [];
  for (let i = 0; i < INFER_RUNS; ++i) {
    const x = samples[i % samples.length]!;
    const built = await buildCircuitInput({ model, input: x, taskBinding: BigInt(i + 1) });
    let t = performance.now();
    await computeWitness(built.circuitInput, artifacts.wasm);
    witness.push(performance.now() - t);
    t = performance.now();
    await proveInference({ model, input: x, taskBinding: BigInt(i + 1), artifacts });
    prove.push(performance.now() - t);
  }
  await releaseProverThreads();
  results.inference["zk-mlp witness (snarkjs wasm)"] = {
    medianMs: percentile(witness, 50),
    runs: INFER_RUNS,
  };
  results.inference["zk-mlp witness + Groth16 proof (warm)"] = {
    medianMs: percentile(prove, 50),
    runs: INFER_RUNS,
  };
} finally {
  await h.close();
}

console.log(
  `\n${"scenario".padEnd(36)} ${"workers".padStart(7)} ${"tasks".padStart(7)} ${"tasks/min".padStart(10)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)}  latency`,
);
for (const b of results.batches) {
  console.log(
    `${b.scenario.padEnd(36)} ${String(b.workers).padStart(7)} ${`${b.repeats}×${b.tasks}`.padStart(7)} ${b.tasksPerMinute.toFixed(1).padStart(10)} ${b.latencyP50Ms.toFixed(0).padStart(8)} ${b.latencyP95Ms.toFixed(0).padStart(8)}  ${b.latency}`,
  );
}
console.log("\ninference (CPU, median)");
for (const [name, r] of Object.entries(results.inference)) {
  console.log(`  ${name.padEnd(45)} ${r.medianMs.toFixed(2).padStart(9)} ms  (${r.runs} runs)`);
}
const date = new Date().toISOString().slice(0, 10);
await mkdir(join(ROOT, "bench/results"), { recursive: true });
const file = join(ROOT, `bench/results/worker-${date}.json`);
const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? "unknown",
  node: process.version,
  // other processes compete for the cores: the 1-minute load average before and after the runs
  loadAverage1m: [loadBefore, loadavg()[0] ?? 0].map((l) => Math.round(l * 100) / 100),
};
await writeFile(file, `${JSON.stringify({ date, machine, ...results }, null, 2)}\n`);
console.log(`\nwrote ${file}`);
process.exit(0);
