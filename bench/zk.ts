/**
 * Benchmark of the mnist_mlp prover with the committed artifacts:
 *   npx node --experimental-strip-types bench/zk.ts [--runs 10]
 * Prints a table and writes bench/results/zk-<date>.json. Witness and proof times are medians over --runs warm runs
 * (two warm-up proofs first: the first proof in a process is ~2x slower). On-chain verification gas is measured by
 * the contract benchmarks (Hardhat), not here.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import * as snarkjs from "snarkjs";
import { z } from "zod";
import {
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
const dir = new URL("./results/", import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(`zk-${result.date.slice(0, 10)}.json`, dir);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
process.exit(0); // snarkjs keeps curve worker threads alive
