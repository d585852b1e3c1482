/**
 * Benchmark of the mnist_mlp prover with the committed artifacts:
 *   npx node --experimental-strip-types bench/zk.ts [--runs 10]
 * Prints a table and writes bench/results/zk-<date>.json. Witness and proof times are medians over --runs warm runs
 * (two warm-up proofs first: the first proof in a process is ~2x slower). Then the batched circuits (k = 1, 4, 11)
 * with a BatchProver, full batches back to back: ms per task and tasks per minute of one prover. On-chain
 * verification gas is measured by bench/gas.ts (read here from its latest result file), not here.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import * as snarkjs from "snarkjs";
import { z } from "zod";
import {
  BatchProver,
  MNIST_BATCH_SIZES,
  buildCircuitInput,
  computeWitness,
  loadMnistMlpModel,
  loadMnistMlpVerificationKey,
  MNIST_MLP_FILES,
  quantiseImage,
  toSolidityProof,
} from "../sdk/src/zk/index.ts";
import { median } from "./stats.ts";

const args = z
  .object({ runs: z.coerce.number().int().min(1).max(1000).default(10) })
  .parse(parseArgs({ options: { runs: { type: "string" } } }).values);

const manifest = z
  .object({ constraints: z.number(), wires: z.number(), ptau: z.object({ name: z.string() }) })
  .parse(JSON.parse(readFileSync(MNIST_MLP_FILES.manifest, "utf8")));
const samples = z
  .object({ samples: z.array(z.object({ label: z.number(), image: z.string() })) })
  .parse(
    JSON.parse(readFileSync(new URL("../data/mnist-test-samples.json", import.meta.url), "utf8")),
  ).samples;
const model = await loadMnistMlpModel();
const vkey = await loadMnistMlpVerificationKey();
const wasm = new Uint8Array(readFileSync(MNIST_MLP_FILES.wasm));
const zkey = new Uint8Array(readFileSync(MNIST_MLP_FILES.zkey));

const time = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const r = await f();
  return [r, performance.now() - t];
};

const witnessMs: number[] = [];
const proveMs: number[] = [];
const proveCpuMs: number[] = [];
const verifyMs: number[] = [];
let proofCalldataBytes = 0;
let proofJsonBytes = 0;
const WARMUP = 2;
const loadBefore = loadavg()[0] ?? 0;
for (let run = 0; run < WARMUP + args.runs; run++) {
  const s = samples[run % samples.length] as (typeof samples)[number];
  const built = await buildCircuitInput({
    model,
    input: quantiseImage(new Uint8Array(Buffer.from(s.image, "base64"))),
    taskBinding: BigInt(run + 1),
  });
  const [wtns, tw] = await time(() => computeWitness(built.circuitInput, wasm));
  const cpu0 = process.cpuUsage();
  const [{ proof, publicSignals }, tp] = await time(() =>
    snarkjs.groth16.prove(zkey, { type: "mem", data: wtns }),
  );
  const cpu = process.cpuUsage(cpu0); // all threads of the process: the prover's worker threads included
  const [ok, tv] = await time(() => snarkjs.groth16.verify(vkey, publicSignals, proof));
  if (!ok) throw new Error("proof did not verify");
  const sol = toSolidityProof(proof);
  proofCalldataBytes = 32 * (sol.a.length + sol.b.length * 2 + sol.c.length);
  proofJsonBytes = JSON.stringify(proof).length;
  if (run >= WARMUP) {
    witnessMs.push(tw);
    proveMs.push(tp);
    proveCpuMs.push((cpu.user + cpu.system) / 1000);
    verifyMs.push(tv);
  }
}

// ── Batched circuits (issue #13): a BatchProver per size (witness calculator compiled once, zkey in memory), full
// batches back to back. Tasks per minute = what one prover process sustains proving full batches of that size.
const batched: {
  k: number;
  constraints: number;
  witnessMsMedian: number;
  proveMsMedian: number;
  batchMsMedian: number;
  msPerTask: number;
  tasksPerMinute: number;
  verifyGas?: number;
  verifyGasPerTask?: number;
}[] = [];
const gasFile = readdirSync(new URL("./results/", import.meta.url))
  .filter((f) => /^gas-\d{4}-\d{2}-\d{2}\.json$/.test(f))
  .sort()
  .at(-1);
const gasRows = gasFile
  ? (z
      .object({ batched: z.array(z.object({ k: z.number(), verifyExecGas: z.number() })).optional() })
      .parse(JSON.parse(readFileSync(new URL(`./results/${gasFile}`, import.meta.url), "utf8"))).batched ??
    [])
  : [];
for (const k of MNIST_BATCH_SIZES) {
  const prover = await BatchProver.load({ model, batchSize: k });
  const info = z
    .object({ constraints: z.number() })
    .parse(
      JSON.parse(
        readFileSync(
          new URL(
            `../circuits/artifacts/${k === 1 ? "manifest.json" : `mnist_mlp_b${k}.manifest.json`}`,
            import.meta.url,
          ),
          "utf8",
        ),
      ),
    );
  const w: number[] = [];
  const pr: number[] = [];
  const runs = Math.max(3, Math.ceil(args.runs / Math.sqrt(k)));
  for (let run = 0; run < 1 + runs; run++) {
    const slots = Array.from({ length: k }, (_, i) => {
      const s = samples[(run * k + i) % samples.length] as (typeof samples)[number];
      return {
        input: quantiseImage(new Uint8Array(Buffer.from(s.image, "base64"))),
        taskBinding: BigInt(run * 100 + i + 1),
      };
    });
    const r = await prover.prove(slots);
    if (run > 0) {
      w.push(r.timings.witnessMs);
      pr.push(r.timings.proveMs);
    }
  }
  const batchMs = median(w.map((x, i) => x + (pr[i] as number)));
  const gas = gasRows.find((g) => g.k === k)?.verifyExecGas;
  batched.push({
    k,
    constraints: info.constraints,
    witnessMsMedian: Math.round(median(w)),
    proveMsMedian: Math.round(median(pr)),
    batchMsMedian: Math.round(batchMs),
    msPerTask: Math.round(batchMs / k),
    tasksPerMinute: Math.round((60_000 * k) / batchMs),
    ...(gas === undefined ? {} : { verifyGas: gas, verifyGasPerTask: Math.round(gas / k) }),
  });
}

const result = {
  date: new Date().toISOString(),
  circuit: "mnist_mlp",
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    node: process.version,
    // other processes compete for the cores: the 1-minute load average before and after the runs
    loadAverage1m: [loadBefore, loadavg()[0] ?? 0].map((l) => Math.round(l * 100) / 100),
  },
  runs: args.runs,
  constraints: manifest.constraints,
  wires: manifest.wires,
  ptau: manifest.ptau.name,
  witnessMsMedian: Math.round(median(witnessMs) * 10) / 10,
  proveMsMedian: Math.round(median(proveMs) * 10) / 10,
  /** CPU time of a proof over all threads: independent of other jobs on the machine. */
  proveCpuMsMedian: Math.round(median(proveCpuMs) * 10) / 10,
  verifyMsMedian: Math.round(median(verifyMs) * 10) / 10,
  proofCalldataBytes,
  verifyProofCalldataBytes: 4 + proofCalldataBytes + 32 * 4,
  proofJsonBytes,
  samples: { witnessMs, proveMs, proveCpuMs, verifyMs },
  /** Full batches back to back with one BatchProver per size; verify gas from the latest bench/results/gas-*.json. */
  batched,
  batchedGasSource: gasFile ?? null,
  onChainVerifyGas: "not measured here (Hardhat gas benchmark of MnistMlpVerifier)",
};

console.table({
  constraints: { value: result.constraints },
  "witness ms (median)": { value: result.witnessMsMedian },
  "prove ms (median, warm)": { value: result.proveMsMedian },
  "prove CPU ms, all threads (median)": { value: result.proveCpuMsMedian },
  "verify ms (median, off-chain)": { value: result.verifyMsMedian },
  "proof calldata bytes": { value: result.proofCalldataBytes },
  "verifyProof calldata bytes": { value: result.verifyProofCalldataBytes },
  "load average (1 min, before/after)": { value: result.machine.loadAverage1m.join(" / ") },
});
console.log(
  "\nbatched circuits, full batches back to back (one BatchProver: witness calculator and zkey reused):",
);
console.table(
  Object.fromEntries(
    batched.map((b) => [
      `k = ${b.k}`,
      {
        constraints: b.constraints,
        "witness ms": b.witnessMsMedian,
        "prove ms": b.proveMsMedian,
        "ms per task": b.msPerTask,
        "tasks/min": b.tasksPerMinute,
        "verify gas": b.verifyGas ?? "run bench:gas",
        "verify gas/task": b.verifyGasPerTask ?? "",
      },
    ]),
  ),
);
const dir = new URL("./results/", import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(`zk-${result.date.slice(0, 10)}.json`, dir);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
process.exit(0); // snarkjs keeps curve worker threads alive
