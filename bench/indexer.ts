/**
 * Indexer benchmark on a local Hardhat node (127.0.0.1, ports 8600–8649 / 42100–42149).
 *
 *   node bench/indexer.ts [--samples 60] [--tasks 10000]
 *
 * 1. Event-to-visible lag: with the indexer following the chain (PGlite, 250 ms polling), submit a task, then poll
 *    the REST API (`/tasks/:id`) until it shows; reported from the receipt (block mined) and from the send.
 * 2. Backfill: create `--tasks` tasks fast (automine off, many transactions per block), start a fresh indexer and
 *    time it until it has processed the chain head; events per second = protocol logs indexed / time.
 * 3. Restart: stop that indexer and start it again on the same PGlite database (as `npm start` does with its kept
 *    state), `--restarts` times (default 3), and time each until `/ready` and until it is at the head again; the
 *    phases of each restart are read from ponder's JSON log (milliseconds from the start of the process).
 * Prints a table and writes bench/results/indexer-<date>.json (`--out` names another file).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { Hex } from "viem";

import { INPUT, Mode, NO_RESOURCES, setupProtocol } from "../test/integration/fixture.ts";
import {
  startChain,
  startIndexer,
  tempDir,
  writeDeployment,
  type Chain,
  type Indexer,
} from "../indexer/test/harness.ts";
import { connect } from "../indexer/test/scenario.ts";
import { percentile } from "./stats.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = parseArgs({
  options: {
    samples: { type: "string", default: "60" },
    tasks: { type: "string", default: "10000" },
    restarts: { type: "string", default: "3" },
    out: { type: "string" },
  },
});
const SAMPLES = z.coerce.number().int().min(50).max(10_000).parse(args.values.samples);
const TASKS = z.coerce.number().int().min(100).max(1_000_000).parse(args.values.tasks);
const RESTARTS = z.coerce.number().int().min(1).max(20).parse(args.values.restarts);
const PER_BLOCK = 100;

const TARGETS = { lagP50Ms: 300, lagP95Ms: 1000 };

const stops: (() => Promise<unknown>)[] = [];
async function cleanup() {
  for (const stop of stops.reverse()) await stop().catch(() => {});
}
process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));

interface Restart {
  readySeconds: number;
  headSeconds: number;
  /** 1-minute load average when the restart began. */
  load1: number;
  /** ponder's info-level log lines of the restart, in ms from its start (first occurrence of each message). */
  phases: { msg: string; ms: number }[];
}

/** First occurrence of each message in ponder's JSON log (`--log-format json`: `time` in ms, `msg`). */
function phasesOf(output: string, start: number): { msg: string; ms: number }[] {
  const seen = new Map<string, number>();
  for (const line of output.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as { time?: number; msg?: string; level?: number | string };
      if (typeof entry.time !== "number" || typeof entry.msg !== "string") continue;
      if (!seen.has(entry.msg)) seen.set(entry.msg, entry.time - start);
    } catch {
      /* not a log line */
    }
  }
  return [...seen].map(([msg, ms]) => ({ msg, ms }));
}

async function main() {
  const chain: Chain = await startChain();
  stops.push(() => chain.stop());
  const connection = await connect(chain.url);
  const p = await setupProtocol(connection);
  const dir = await tempDir("eai-bench-indexer-");
  stops.push(dir.remove);
  const deploymentsDir = join(dir.path, "deployments");
  await writeDeployment(deploymentsDir, p.deployment);
  const { market, token } = p.contracts;
  const requester = p.wallets.requester.account;
  const zkModel = p.zkModel;

  let nonce = await p.publicClient.getTransactionCount({ address: requester.address, blockTag: "pending" });
  // One deadline for every task, 5 days after the chain's time now: within the market's maximum task lifetime
  // (7 days) for the whole run (its blocks are seconds apart).
  const deadline = Number((await p.publicClient.getBlock()).timestamp) + 5 * 86_400;
  async function submit(reward: bigint): Promise<Hex> {
    return market.write.submitTask(
      [
        {
          modelId: zkModel,
          paymentToken: token.address,
          reward,
          deadline,
          execWindow: 3600,
          mode: Mode.ZK,
          redundancy: 1,
          minTier: 1,
          minResources: NO_RESOURCES,
          inputCommitment: INPUT,
          inputURI: "eai://blob/bench",
        },
      ],
      { account: requester, gas: 500_000n, nonce: nonce++ },
    );
  }

  // ── 1. lag ──
  const bootStart = Date.now();
  const live: Indexer = await startIndexer({
    rpcUrl: chain.url,
    deploymentsDir,
    schema: "bench_live",
    pgliteDir: join(dir.path, "pglite-live"),
  });
  stops.push(() => live.stop());
  const bootMs = Date.now() - bootStart;
  await live.waitForBlock(await chain.blockNumber());
  const fromMined: number[] = [];
  const fromSent: number[] = [];
  let taskId = await market.read.taskCount();
  for (let i = 0; i < SAMPLES; i++) {
    taskId += 1n;
    const sent = performance.now();
    const hash = await submit(1_000_000_000_000_000n + BigInt(i));
    await p.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 5 });
    const mined = performance.now();
    for (;;) {
      const res = await fetch(`${live.url}/tasks/${taskId}`);
      if (res.status === 200) break;
      await res.body?.cancel();
      if (performance.now() - sent > 30_000) throw new Error(`task ${taskId} not visible after 30 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const visible = performance.now();
    fromMined.push(visible - mined);
    fromSent.push(visible - sent);
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 230)); // spread samples over the polling cycle
  }
  await live.stop();

  // ── 2. backfill ──
  const createStart = Date.now();
  await chain.rpc("evm_setAutomine", [false]);
  for (let done = 0; done < TASKS; done += PER_BLOCK) {
    const batch = Math.min(PER_BLOCK, TASKS - done);
    await Promise.all(
      Array.from({ length: batch }, (_, i) => submit(2_000_000_000_000_000n + BigInt(done + i))),
    );
    await chain.rpc("evm_mine");
  }
  await chain.rpc("evm_setAutomine", [true]);
  const head = await chain.blockNumber();
  const count = await market.read.taskCount();
  const createMs = Date.now() - createStart;
  const logs = await p.publicClient.getLogs({
    address: Object.values(p.deployment.contracts).map((c) => c.address),
    fromBlock: BigInt(Math.min(...Object.values(p.deployment.contracts).map((c) => c.startBlock))),
    toBlock: head,
  });

  const syncStart = Date.now();
  const fresh = await startIndexer({
    rpcUrl: chain.url,
    deploymentsDir,
    schema: "bench_backfill",
    pgliteDir: join(dir.path, "pglite-backfill"),
    readyTimeoutMs: 1_800_000,
  });
  stops.push(() => fresh.stop());
  await fresh.waitForBlock(head, 1_800_000);
  if (process.env.BENCH_DEBUG) console.log(fresh.proc.output(120));
  const syncMs = Date.now() - syncStart;
  const check = (await (await fetch(`${fresh.url}/stats`)).json()) as { tasks: { total: number } };
  if (check.tasks.total !== Number(count))
    throw new Error(`indexed ${check.tasks.total} tasks, chain has ${count}`);
  await fresh.stop();

  // ── 3. restart on the kept database (what `npm start` does with its kept index): Ponder resumes from its
  // checkpoint, and on this chain's own PGlite directory its RPC cache holds the history (src/rpc-cache.ts).
  const restarts: Restart[] = [];
  for (let i = 0; i < RESTARTS; i++) {
    const load = loadavg()[0]!;
    const start = Date.now();
    const again = await startIndexer({
      rpcUrl: chain.url,
      deploymentsDir,
      schema: "bench_backfill",
      pgliteDir: join(dir.path, "pglite-backfill"),
      readyTimeoutMs: 1_800_000,
    });
    const readyMs = Date.now() - start;
    await again.waitForBlock(head, 1_800_000);
    const headMs = Date.now() - start;
    const recheck = (await (await fetch(`${again.url}/stats`)).json()) as { tasks: { total: number } };
    if (recheck.tasks.total !== Number(count))
      throw new Error(`after restart ${i + 1}: ${recheck.tasks.total} tasks, chain has ${count}`);
    const phases = phasesOf(again.proc.output(400), start);
    await again.stop();
    restarts.push({ readySeconds: readyMs / 1000, headSeconds: headMs / 1000, load1: load, phases });
    if (process.env.BENCH_DEBUG) console.log(again.proc.output(400));
  }
  const restartMs = percentile(
    restarts.map((r) => r.headSeconds * 1000),
    50,
  );

  const result = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.version },
    database: "pglite",
    pollingIntervalMs: 250,
    lag: {
      samples: SAMPLES,
      fromMinedMs: {
        p50: percentile(fromMined, 50),
        p95: percentile(fromMined, 95),
        max: Math.max(...fromMined),
      },
      fromSentMs: {
        p50: percentile(fromSent, 50),
        p95: percentile(fromSent, 95),
        max: Math.max(...fromSent),
      },
      targets: TARGETS,
    },
    backfill: {
      tasks: Number(count),
      blocks: Number(head),
      events: logs.length,
      createSeconds: createMs / 1000,
      indexerBootSeconds: bootMs / 1000,
      syncSeconds: syncMs / 1000,
      eventsPerSecond: Math.round(logs.length / (syncMs / 1000)),
      eventsPerSecondExcludingBoot: Math.round(logs.length / Math.max(0.001, (syncMs - bootMs) / 1000)),
      /** Same database, same chain: start to synced at the head again, median (target ≤ 30 s at 100k tasks). */
      restartSeconds: restartMs / 1000,
      restarts,
    },
  };

  const r = (n: number) => n.toFixed(0).padStart(7);
  console.log("\nEAI indexer benchmark (local Hardhat node, PGlite, 250 ms polling)\n");
  console.log("measure                               value      target");
  console.log(`lag mined→visible p50 (ms)          ${r(result.lag.fromMinedMs.p50)}   ≤ ${TARGETS.lagP50Ms}`);
  console.log(`lag mined→visible p95 (ms)          ${r(result.lag.fromMinedMs.p95)}   ≤ ${TARGETS.lagP95Ms}`);
  console.log(`lag sent→visible p50 (ms)           ${r(result.lag.fromSentMs.p50)}`);
  console.log(`lag sent→visible p95 (ms)           ${r(result.lag.fromSentMs.p95)}`);
  console.log(`backfill: tasks / events            ${r(result.backfill.tasks)} / ${result.backfill.events}`);
  console.log(
    `backfill: time to synced (s)        ${r(result.backfill.syncSeconds)}   (boot ≈ ${result.backfill.indexerBootSeconds.toFixed(1)} s)`,
  );
  console.log(
    `restart on the kept index (s)       ${r(result.backfill.restartSeconds)}   ≤ 30 at 100k tasks (median of ${RESTARTS})`,
  );
  for (const [i, x] of restarts.entries())
    console.log(
      `  restart ${i + 1}: ready ${x.readySeconds.toFixed(1)} s, head ${x.headSeconds.toFixed(1)} s, load ${x.load1.toFixed(2)}; ` +
        x.phases.map((p) => `${p.msg} @${(p.ms / 1000).toFixed(1)}`).join(" · "),
    );
  console.log(
    `backfill: events/s                  ${r(result.backfill.eventsPerSecond)}   (${result.backfill.eventsPerSecondExcludingBoot} excluding boot)`,
  );

  const out = args.values.out
    ? resolve(ROOT, args.values.out)
    : join(ROOT, "bench/results", `indexer-${result.date.slice(0, 10)}.json`);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

try {
  await main();
} finally {
  await cleanup();
}
process.exit(0);
