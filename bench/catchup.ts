/**
 * Worker catch-up: how long a worker joining a chain with a long task history takes to pick up its first new task.
 *
 *   npm run bench:catchup     (LEVELS=1000,10000,100000 JOINS=3 BASELINE=<git ref, default main; "none" to skip>)
 *
 * Starts a real `hardhat node` with the protocol (worker/test/harness.ts), then builds one history and grows it level
 * by level (100 tasks per block, automine off while building): ZK tasks on the mock ZK model whose deadlines have
 * passed by the time a worker joins (chain time is moved 2 hours on after each level), so every one of them is read
 * and decoded but none can be taken, and all of them lie within the market's maximum task lifetime (the history is
 * minutes of chain time old): the case where no window can shorten the scan. At each level, JOINS joins of each
 * implementation, alternating (old, new, old, new, …) so that both see the same load:
 *   - a fresh worker (empty state directory, claim mode, mock ZK executor) is created, started, and a new task is
 *     submitted at once;
 *   - first pickup: from `start()` to the moment the new task is in the worker's state store (written before the
 *     claim is signed);
 *   - catch-up: from `start()` until the worker has read every block up to the head seen at the join (the new
 *     worker reads the history newest first: it picks up before it has caught up);
 *   - CPU: this process's user + system CPU time over the catch-up (the worker runs in it) and the node's
 *     (/proc/<pid>/stat), plus the 1-minute load average at the join.
 * The old implementation is the worker of BASELINE (`git archive <ref> worker/src` into .bench-baseline/, loaded from
 * there; it shares the SDK and node_modules of this tree).
 * Prints a table and writes bench/results/catchup-<date>.json. The machine is shared: the load average is recorded
 * next to every figure, and ratios compare joins measured one after the other on the same history.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { z } from "zod";

import {
  ACCOUNT,
  WORKER_RESOURCES,
  buildExpiredHistory,
  signerFor,
  startHarness,
  type Harness,
} from "../worker/test/harness.ts";
import { MockZkExecutor } from "../worker/test/mock-zk.ts";
import { ProviderWorker } from "../worker/src/worker.ts";
import { createLogger } from "../worker/src/logger.ts";
import { median } from "./stats.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const LEVELS = z
  .array(z.coerce.number().int().min(100).max(1_000_000))
  .parse((process.env.LEVELS ?? "1000,10000,100000").split(","));
const JOINS = z.coerce
  .number()
  .int()
  .min(1)
  .max(20)
  .parse(process.env.JOINS ?? 3);
const BASELINE = process.env.BASELINE ?? "main";
const PER_BLOCK = 100;
const PICKUP_TIMEOUT_MS = 600_000;

type WorkerClass = typeof ProviderWorker;

/** Loads the worker of `ref` from a copy of its worker/src (same depth as worker/src, so its relative imports hold). */
async function baselineWorker(ref: string): Promise<{ commit: string; Worker: WorkerClass } | undefined> {
  if (ref === "none") return undefined;
  const commit = execFileSync("git", ["rev-parse", "--short", ref], { cwd: ROOT, encoding: "utf8" }).trim();
  const dir = join(ROOT, ".bench-baseline");
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const tar = execFileSync("git", ["archive", "--format=tar", ref, "worker/src"], { cwd: ROOT });
  execFileSync("tar", ["-x", "--strip-components=1", "-C", dir], { input: tar });
  const mod = (await import(pathToFileURL(join(dir, "src/worker.ts")).href)) as {
    ProviderWorker: WorkerClass;
  };
  return { commit, Worker: mod.ProviderWorker };
}

/** The hardhat node's pid (the harness spawns it with `--port <port>`). */
async function nodePid(port: number): Promise<number | undefined> {
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    const argv = cmd.split("\0");
    if (argv.includes("node") === false && !cmd.includes("hardhat")) continue;
    const i = argv.indexOf("--port");
    if (i >= 0 && argv[i + 1] === String(port) && argv.some((a) => a.endsWith("hardhat")))
      return Number(entry);
  }
  return undefined;
}

/** CPU seconds (user + system) of a process and its threads, from /proc/<pid>/stat. */
async function procCpuSeconds(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[11] = utime, fields[12] = stime (clock ticks; 100 per second on Linux)
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Join {
  impl: "old" | "new";
  /** History level (tasks built for it) and the market's task count at the join. */
  level: number;
  tasks: number;
  firstPickupMs: number;
  catchUpMs: number;
  workerCpuMs: number;
  nodeCpuMs: number;
  loadAverage1m: number;
}

async function join1(
  h: Harness,
  Worker: WorkerClass,
  impl: "old" | "new",
  level: number,
  tasks: number,
  n: number,
  pid: number | undefined,
): Promise<Join> {
  const name = `${impl}-${tasks}-${n}`;
  const w = await Worker.create({
    config: h.config(name, { zkSettlement: "claim", stakeTarget: "1000000000000000000000" }),
    signer: signerFor(ACCOUNT.alice),
    resources: WORKER_RESOURCES,
    gpuModel: "cpu",
    logger: createLogger({ level: "silent", name }),
    backoff: undefined, // the worker's defaults, as in production
    zkExecutor: new MockZkExecutor(),
  });
  try {
    const joinHead = await h.p.publicClient.getBlockNumber();
    const load = loadavg()[0] ?? 0;
    const cpu0 = process.cpuUsage();
    const node0 = await procCpuSeconds(pid);
    const t0 = performance.now();
    w.start();
    const { taskId } = await h.submitMockZk(`catch-up ${name}`);
    const id = taskId.toString();
    let pickup: number | undefined;
    let caughtUp: number | undefined;
    let cpuMs = 0;
    let nodeMs = 0;
    while (pickup === undefined || caughtUp === undefined) {
      const t = performance.now();
      if (t - t0 > PICKUP_TIMEOUT_MS) throw new Error(`${name}: no pickup after ${PICKUP_TIMEOUT_MS} ms`);
      if (pickup === undefined && w.store.get().tasks[id]) pickup = t - t0;
      // the old worker has no `caughtUp` (it reads in chain order: past the join head is caught up)
      const st = w.status() as { nextBlock: bigint; caughtUp?: boolean };
      if (caughtUp === undefined && (st.caughtUp ?? st.nextBlock > joinHead)) {
        caughtUp = t - t0;
        const c = process.cpuUsage(cpu0);
        cpuMs = (c.user + c.system) / 1000;
        nodeMs = ((await procCpuSeconds(pid)) - node0) * 1000;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const j: Join = {
      impl,
      level,
      tasks,
      firstPickupMs: Math.round(pickup),
      catchUpMs: Math.round(caughtUp),
      workerCpuMs: Math.round(cpuMs),
      nodeCpuMs: Math.round(nodeMs),
      loadAverage1m: Math.round(load * 100) / 100,
    };
    console.log(
      `  ${impl} join ${n + 1}: pickup ${j.firstPickupMs} ms, caught up ${j.catchUpMs} ms, CPU worker ${j.workerCpuMs} ms / node ${j.nodeCpuMs} ms, load ${j.loadAverage1m}`,
    );
    return j;
  } finally {
    await w.stop(2_000);
  }
}

const loadBefore = loadavg()[0] ?? 0;
const baseline = await baselineWorker(BASELINE);
const h = await startHarness();
const joins: Join[] = [];
try {
  const pid = await nodePid(h.rpcPort);
  let built = 0;
  for (const level of LEVELS) {
    console.log(`history of ${level} tasks…`);
    await buildExpiredHistory(h, level - built, PER_BLOCK);
    built = level;
    const total = Number(await h.p.contracts.market.read.taskCount());
    for (let n = 0; n < JOINS; ++n) {
      if (baseline) joins.push(await join1(h, baseline.Worker, "old", level, total, n, pid));
      joins.push(await join1(h, ProviderWorker, "new", level, total, n, pid));
    }
  }
} finally {
  await h.close();
  if (existsSync(join(ROOT, ".bench-baseline")))
    await rm(join(ROOT, ".bench-baseline"), { recursive: true, force: true });
}

const rows = [];
for (const level of LEVELS) {
  const at = (impl: "old" | "new") => joins.filter((j) => j.impl === impl && j.level === level);
  const summary = (impl: "old" | "new") => {
    const js = at(impl);
    if (js.length === 0) return undefined;
    return {
      joins: js.length,
      firstPickupMsMedian: median(js.map((j) => j.firstPickupMs)),
      catchUpMsMedian: median(js.map((j) => j.catchUpMs)),
      workerCpuMsMedian: median(js.map((j) => j.workerCpuMs)),
      nodeCpuMsMedian: median(js.map((j) => j.nodeCpuMs)),
      loadAverage1mMedian: median(js.map((j) => j.loadAverage1m)),
    };
  };
  const oldS = summary("old");
  const newS = summary("new")!;
  rows.push({
    tasks: level,
    old: oldS,
    new: newS,
    pickupSpeedup: oldS
      ? Math.round((oldS.firstPickupMsMedian / newS.firstPickupMsMedian) * 10) / 10
      : undefined,
    cpuRatio: oldS ? Math.round((newS.workerCpuMsMedian / oldS.workerCpuMsMedian) * 100) / 100 : undefined,
  });
}

console.log(
  `\n${"tasks".padStart(7)} ${"impl".padStart(4)} ${"pickup ms".padStart(10)} ${"catch-up ms".padStart(12)} ${"worker CPU ms".padStart(14)} ${"node CPU ms".padStart(12)} ${"load".padStart(5)}`,
);
for (const r of rows) {
  for (const [impl, s] of [
    ["old", r.old],
    ["new", r.new],
  ] as const) {
    if (!s) continue;
    console.log(
      `${String(r.tasks).padStart(7)} ${impl.padStart(4)} ${String(s.firstPickupMsMedian).padStart(10)} ${String(s.catchUpMsMedian).padStart(12)} ${String(s.workerCpuMsMedian).padStart(14)} ${String(s.nodeCpuMsMedian).padStart(12)} ${s.loadAverage1mMedian.toFixed(2).padStart(5)}`,
    );
  }
  if (r.pickupSpeedup !== undefined)
    console.log(`${"".padStart(7)} first pickup ${r.pickupSpeedup}× faster, worker CPU × ${r.cpuRatio}`);
}
const date = new Date().toISOString().slice(0, 10);
const file = join(ROOT, `bench/results/catchup-${date}.json`);
await mkdir(dirname(file), { recursive: true });
const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? "unknown",
  node: process.version,
  loadAverage1m: [loadBefore, loadavg()[0] ?? 0].map((l) => Math.round(l * 100) / 100),
};
await writeFile(
  file,
  `${JSON.stringify({ date, machine, perBlock: PER_BLOCK, baseline: baseline?.commit ?? null, rows, joins }, null, 2)}\n`,
);
console.log(`\nwrote ${file}`);
process.exit(0);
