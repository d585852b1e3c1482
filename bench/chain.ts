/**
 * Memory and restart time of a local chain node with a long task history: the figures behind the choice of the
 * node `npm start` runs (docs/OPERATIONS.md, "State across restarts").
 *
 *   flock /tmp/eai-net.lock node bench/chain.ts --node hardhat|anvil [--tasks 10000,50000,100000] [--port 8660]
 *
 * Starts the node (`hardhat node`, or the anvil binary of the npm package `@foundry-rs/anvil` given by
 * ANVIL_BIN, with `--state <file>`), deploys the protocol and a ZK model (test/integration/fixture.ts), then
 * submits ZK tasks 100 to a block (automine off) and, at each checkpoint of --tasks, reads the node's resident memory
 * (the whole process tree, from /proc). For anvil it then stops the node (SIGTERM; anvil writes its state file),
 * restarts it on the state file and reports the time until it answers, its memory, the state file's size, and
 * whether the chain is the same (head block hash, task count, logs of the first task's block).
 * Prints a table and writes bench/results/chain-<node>-<date>.json (with the load average: the machine may be
 * shared).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { z } from "zod";
import type { Hex } from "viem";

import { INPUT, Mode, NO_RESOURCES, setupProtocol } from "../test/integration/fixture.ts";
import { connect } from "../indexer/test/scenario.ts";
import { processTree } from "../scripts/supervisor.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = parseArgs({
  options: {
    node: { type: "string", default: "hardhat" },
    tasks: { type: "string", default: "10000,50000,100000" },
    port: { type: "string", default: "8660" },
  },
});
const NODE = z.enum(["hardhat", "anvil"]).parse(args.values.node);
const CHECKPOINTS = args.values.tasks
  .split(",")
  .map((t) => z.coerce.number().int().min(100).max(1_000_000).parse(t));
const PORT = z.coerce.number().int().min(1024).max(65_535).parse(args.values.port);
const URL_ = `http://127.0.0.1:${PORT}`;
const PER_BLOCK = 100;

async function rpc<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(URL_, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

async function waitUp(child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the node exited (${child.exitCode})`);
    try {
      await rpc("eth_chainId");
      return;
    } catch {
      if (Date.now() > until) throw new Error(`the node did not answer within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Resident memory (MiB) of a process and its descendants. */
async function rssMiB(pid: number): Promise<number> {
  let kib = 0;
  for (const p of processTree(pid)) {
    try {
      const status = await readFile(`/proc/${p.pid}/status`, "utf8");
      kib += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return Math.round(kib / 1024);
}

const stateDir = await mkdtemp(join(tmpdir(), `eai-bench-chain-${NODE}-`));
const stateFile = join(stateDir, "chain.json");

function startNode(): ChildProcess {
  if (NODE === "hardhat") {
    return spawn(
      process.execPath,
      [
        join(ROOT, "node_modules/hardhat/dist/src/cli.js"),
        "node",
        "--hostname",
        "127.0.0.1",
        "--port",
        String(PORT),
      ],
      { cwd: ROOT, stdio: "ignore" },
    );
  }
  const bin = process.env.ANVIL_BIN;
  if (!bin) throw new Error("ANVIL_BIN: the anvil binary of @foundry-rs/anvil-<platform>");
  return spawn(
    bin,
    ["--host", "127.0.0.1", "--port", String(PORT), "--accounts", "20", "--state", stateFile, "--silent"],
    { stdio: "ignore" },
  );
}

async function stopNode(child: ChildProcess): Promise<number> {
  const t = performance.now();
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  return (performance.now() - t) / 1000;
}

const load = () => Math.round((loadavg()[0] ?? 0) * 100) / 100;
const loadBefore = load();
console.log(`${NODE}: load average (1 min) ${loadBefore} on ${cpus().length} CPU(s)`);
let child = startNode();
const startT = performance.now();
await waitUp(child, 120_000);
const coldStartS = (performance.now() - startT) / 1000;
const points: { tasks: number; blocks: number; rssMiB: number; createS: number }[] = [];
const result: Record<string, unknown> = { node: NODE, coldStartS };
try {
  const connection = await connect(URL_);
  const p = await setupProtocol(connection);
  const { market, token } = p.contracts;
  const requester = p.wallets.requester.account;
  let nonce = await p.publicClient.getTransactionCount({ address: requester.address, blockTag: "pending" });
  const deadline = Number((await p.publicClient.getBlock()).timestamp) + 5 * 86_400;
  const submit = (i: number): Promise<Hex> =>
    market.write.submitTask(
      [
        {
          modelId: p.zkModel,
          paymentToken: token.address,
          reward: 1_000_000_000_000_000n + BigInt(i),
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
  const firstBlock = await p.publicClient.getBlockNumber();
  await rpc("evm_setAutomine", [false]);
  let done = 0;
  const createStart = performance.now();
  for (const target of CHECKPOINTS) {
    while (done < target) {
      const batch = Math.min(PER_BLOCK, target - done);
      await Promise.all(Array.from({ length: batch }, (_, i) => submit(done + i)));
      await rpc("evm_mine");
      done += batch;
    }
    const point = {
      tasks: done,
      blocks: Number(await p.publicClient.getBlockNumber()),
      rssMiB: await rssMiB(child.pid!),
      createS: Math.round((performance.now() - createStart) / 100) / 10,
    };
    points.push(point);
    console.log(
      `  ${point.tasks} tasks, ${point.blocks} blocks: ${point.rssMiB} MiB (${point.createS} s so far)`,
    );
  }
  await rpc("evm_setAutomine", [true]);
  result.points = points;

  if (NODE === "anvil") {
    const head = await p.publicClient.getBlock();
    const count = await market.read.taskCount();
    const logsBefore = (
      await p.publicClient.getLogs({
        address: market.address,
        fromBlock: firstBlock + 1n,
        toBlock: firstBlock + 1n,
      })
    ).length;
    const dumpS = await stopNode(child);
    const fileMiB = Math.round(((await stat(stateFile)).size / 2 ** 20) * 10) / 10;
    child = startNode();
    const t = performance.now();
    await waitUp(child, 600_000);
    const restartS = (performance.now() - t) / 1000;
    const rssAfter = await rssMiB(child.pid!);
    const headAfter = await p.publicClient.getBlock({ blockNumber: head.number });
    const countAfter = await market.read.taskCount();
    const logsAfter = (
      await p.publicClient.getLogs({
        address: market.address,
        fromBlock: firstBlock + 1n,
        toBlock: firstBlock + 1n,
      })
    ).length;
    result.restart = {
      stopAndDumpS: dumpS,
      stateFileMiB: fileMiB,
      restartS,
      rssAfterRestartMiB: rssAfter,
      sameHeadHash: headAfter.hash === head.hash,
      taskCount: [count.toString(), countAfter.toString()],
      oldLogs: [logsBefore, logsAfter],
    };
    console.log(`  restart: ${JSON.stringify(result.restart)}`);
  }
} finally {
  await stopNode(child);
  await rm(stateDir, { recursive: true, force: true });
}
result.loadAverage1m = [loadBefore, load()];
const date = new Date().toISOString().slice(0, 10);
const file = join(ROOT, "bench/results", `chain-${NODE}-${date}.json`);
await mkdir(dirname(file), { recursive: true });
await writeFile(
  file,
  `${JSON.stringify({ date, machine: { cpus: cpus().length, node: process.version }, ...result }, null, 2)}\n`,
);
console.log(`wrote ${file}`);
process.exit(0);
