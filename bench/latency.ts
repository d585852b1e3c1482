/**
 * Submit → verified latency on `npm start`'s network, as a requester sees it.
 *
 *   flock /tmp/eai-net.lock npm run bench:latency     (TASKS=20 per mode; PORT_BASE=8951 → chain 8951, blob 8952,
 *                                                      indexer 42451, metrics 9751–9753)
 *
 * Starts scripts/start.ts (local chain, deployment with its local parameters, demo models, blob store, indexer,
 * 3 workers; no web app) in a fresh state folder through test/support/network.ts, then submits tasks one at a time
 * through the SDK, as a requester would with `eai task submit` + `eai task result --wait`:
 *   - ZK: the MNIST model (id 1) on held-out digits; verified = `waitForResult` returned the proof-checked output;
 *   - REDUNDANT: the tiny ONNX model (id 2, redundancy 3, the 3 workers); verified = `waitForResult` returned the
 *     majority result, fetched and checked against the revealed hash.
 * Each latency runs from just before `submitTask` (blob upload, approve, submit) to `waitForResult`'s return
 * (100 ms polling). Also reports the market's priority window as deployed (0 on the local network) and the chain
 * clock's drift from wall time at the end. Prints p50/p95 and the 1-minute load average before and after (the
 * machine may be shared: the figures are only meaningful next to it), and writes bench/results/latency-<date>.json.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { createPublicClient, defineChain, http, parseEther, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";

import { createEaiClient } from "../sdk/src/client/index.ts";
import { DEMO_MODELS } from "../deploy/demo-models.ts";
import { taskMarketAbi } from "../sdk/src/generated/abis.ts";
import { DEV_KEYS, rpc, startNetwork } from "../test/support/network.ts";
import { median, percentile } from "./stats.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TASKS = z.coerce
  .number()
  .int()
  .min(1)
  .max(1000)
  .parse(process.env.TASKS ?? 20);
const BASE = z.coerce
  .number()
  .int()
  .min(1024)
  .max(60_000)
  .parse(process.env.PORT_BASE ?? 8951);
const PORTS = { chain: BASE, blob: BASE + 1, indexer: BASE + 33_500, metrics: BASE + 800 };
/** A task not verified within this long counts as timed out (reported, left out of the percentiles). */
const TASK_TIMEOUT_MS = 90_000;
/** Targets of issue #17 (p50, seconds). */
const TARGET_S = { zk: 3, redundant: 5 } as const;

const load = () => Math.round((loadavg()[0] ?? 0) * 100) / 100;
const loadBefore = load();
console.log(`load average (1 min) before: ${loadBefore} on ${cpus().length} CPU(s)`);

const stateDir = await mkdtemp(join(tmpdir(), "eai-bench-latency-"));
const started = performance.now();
const network = await startNetwork({ ports: PORTS, stateDir, workers: 3, web: false, timeoutMs: 400_000 });
const startupS = (performance.now() - started) / 1000;
console.log(`network up in ${startupS.toFixed(1)} s`);

interface Sample {
  taskId: string;
  /** Seconds from before submitTask to waitForResult's return. */
  totalS: number;
  /** Seconds submitTask took (upload, approve, submission mined). */
  submitS: number;
}

try {
  const chain = defineChain({
    id: network.chainId,
    name: "local",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [network.rpcUrl] } },
  });
  const client = createEaiClient({
    chain,
    transport: http(network.rpcUrl),
    account: privateKeyToAccount(DEV_KEYS.deployer as Hex),
    deployment: network.deployment,
    blobStoreUrl: network.blobUrl,
  });
  const params = await createPublicClient({ chain, transport: http(network.rpcUrl) }).readContract({
    address: network.deployment.contracts.TaskMarket.address,
    abi: taskMarketAbi,
    functionName: "marketParams",
  });
  console.log(`priority window as deployed: ${params.priorityWindow} s`);

  const digits = z
    .object({ samples: z.array(z.object({ label: z.number().int(), image: z.base64() })).min(1) })
    .parse(JSON.parse(await readFile(join(ROOT, "data/mnist-test-samples.json"), "utf8"))).samples;
  const onnx = DEMO_MODELS.find((m) => m.kind === "onnx");
  if (!onnx) throw new Error("no ONNX demo model");
  const onnxId = BigInt(
    z
      .string()
      .regex(/^\d+$/)
      .parse(new RegExp(`^\\s+(\\d+)\\s+${onnx.name}\\s`, "m").exec(network.output())?.[1]),
  );

  async function measure(mode: "zk" | "redundant", i: number): Promise<Sample> {
    const t0 = performance.now();
    const digit = digits[i % digits.length]!;
    const submitted = await client.submitTask(
      mode === "zk"
        ? {
            model: 1n,
            mode,
            reward: parseEther("5"),
            input: { image: [...Buffer.from(digit.image, "base64")] },
          }
        : { model: onnxId, mode, reward: parseEther("5"), input: onnx!.sampleInput.bytes(), redundancy: 3 },
    );
    const t1 = performance.now();
    const result = await client.waitForResult(submitted.taskId, { pollMs: 100, timeoutMs: TASK_TIMEOUT_MS });
    const t2 = performance.now();
    if (result.mode !== mode) throw new Error(`task ${submitted.taskId}: ${result.mode} result`);
    if (result.mode === "zk" && result.prediction !== digit.label) {
      console.log(`  note: task ${submitted.taskId} predicted ${result.prediction}, label ${digit.label}`);
    }
    return { taskId: submitted.taskId.toString(), totalS: (t2 - t0) / 1000, submitS: (t1 - t0) / 1000 };
  }

  const results: Record<string, unknown> = {};
  const rows: string[] = [];
  for (const mode of ["zk", "redundant"] as const) {
    const samples: Sample[] = [];
    const timedOut: string[] = [];
    for (let i = 0; i < TASKS; i++) {
      let s: Sample;
      try {
        s = await measure(mode, i);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (!/after \d+ ms/.test(message)) throw err;
        timedOut.push(message);
        console.log(`  ${mode}: ${message}`);
        continue;
      }
      samples.push(s);
      console.log(`  ${mode} task ${s.taskId}: ${s.totalS.toFixed(2)} s (submit ${s.submitS.toFixed(2)} s)`);
    }
    const totals = samples.map((s) => s.totalS);
    const summary = {
      tasks: samples.length,
      p50S: median(totals),
      p95S: percentile(totals, 95),
      submitP50S: median(samples.map((s) => s.submitS)),
      targetP50S: TARGET_S[mode],
      met: median(totals) <= TARGET_S[mode] && timedOut.length === 0,
      timedOut,
      samples,
    };
    results[mode] = summary;
    rows.push(
      `| ${mode.toUpperCase().padEnd(9)} | ${summary.p50S.toFixed(2).padStart(6)} | ${summary.p95S
        .toFixed(2)
        .padStart(6)} | ${summary.submitP50S.toFixed(2).padStart(6)} | ≤ ${TARGET_S[mode]} s | ${
        summary.met ? "yes" : "**no**"
      } | ${timedOut.length} |`,
    );
  }

  const block = z
    .object({ timestamp: z.string() })
    .parse(await rpc(network.rpcUrl, "eth_getBlockByNumber", ["latest", false]));
  const driftS = Number(BigInt(block.timestamp)) - Math.floor(Date.now() / 1000);
  const loadAfter = load();

  console.log("\n| mode      | p50 s  | p95 s  | submit | target | met | timed out |");
  console.log("|-----------|-------:|-------:|-------:|--------|-----|----------:|");
  for (const r of rows) console.log(r);
  console.log(
    `\n${TASKS} tasks per mode, one at a time; priority window ${params.priorityWindow} s; chain clock − wall clock ` +
      `at the end: ${driftS} s; load average (1 min) ${loadBefore} before, ${loadAfter} after`,
  );

  const date = new Date().toISOString().slice(0, 10);
  const file = join(ROOT, "bench/results", `latency-${date}.json`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(
    file,
    `${JSON.stringify(
      {
        date,
        machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "", node: process.version },
        loadAverage1m: [loadBefore, loadAfter],
        startupS,
        priorityWindowS: params.priorityWindow,
        chainClockDriftS: driftS,
        ...results,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${file}`);
} finally {
  await network.stop();
  await rm(stateDir, { recursive: true, force: true });
}
