/**
 * Executor overhead of the sandboxed child-process design (issue #12), per execution (wall clock around
 * `execute()`, in the caller), medians over RUNS runs:
 *
 *   wasm byte-sum (demo model, 32-byte input)   warm: a spare process is ready      cold: no spare, started per run
 *   onnx tiny-mlp (demo model, [1, 4] input)    warm: session loaded in its child   cold: new executor: probe + child
 *                                                                                         start + load + run
 *
 * With `--baseline <git ref>` the same runs are made with the executors of that commit (extracted with git archive
 * into a temp folder), e.g. `--baseline 8bbb14a` for the design before the sandbox (a worker thread per WASM run,
 * onnxruntime in the worker process).
 *
 *   npx node bench/executors.ts [--runs 25] [--baseline <ref>]      → bench/results/executors-<date>.json
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { encodeTensors } from "@eai/sdk/tasks/tensors";
import { DEMO_MODELS } from "../deploy/demo-models.ts";
import { median } from "./stats.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({
  options: { runs: { type: "string", default: "25" }, baseline: { type: "string" } },
});
const RUNS = Number(values.runs);

interface Artifact {
  id: string;
  kind: "onnx" | "wasm";
  path: string;
  sha256: string;
}
interface AnyExecutor {
  execute(input: Uint8Array, model: Artifact): Promise<{ output: Uint8Array }>;
  close(): Promise<void>;
}
interface Impl {
  wasm(options: Record<string, unknown>): AnyExecutor;
  onnx(): Promise<AnyExecutor>;
}

async function load(dir: string): Promise<Impl> {
  const wasmMod = (await import(pathToFileURL(join(dir, "wasm.ts")).href)) as {
    WasmExecutor: new (o: Record<string, unknown>) => AnyExecutor;
  };
  const onnxMod = (await import(pathToFileURL(join(dir, "onnx.ts")).href)) as {
    OnnxExecutor: { create(o: Record<string, unknown>): Promise<AnyExecutor> };
  };
  return {
    wasm: (o) => new wasmMod.WasmExecutor({ memoryMiB: 16, timeoutMs: 10_000, ...o }),
    onnx: () => onnxMod.OnnxExecutor.create({ gpuAvailable: false, intraOpThreads: 1 }),
  };
}

/** The executors of `ref`, extracted next to a node_modules link so that their imports resolve. */
async function baseline(ref: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const tmp = await mkdtemp(join(tmpdir(), "eai-bench-baseline-"));
  const tar = execFileSync("git", ["archive", ref, "worker/src"], { cwd: ROOT, maxBuffer: 1 << 28 });
  await writeFile(join(tmp, "src.tar"), tar);
  execFileSync("tar", ["-xf", "src.tar"], { cwd: tmp });
  await symlink(join(ROOT, "node_modules"), join(tmp, "node_modules"));
  return { dir: join(tmp, "worker/src/executors"), cleanup: () => rm(tmp, { recursive: true, force: true }) };
}

async function artifact(
  name: string,
  kind: "onnx" | "wasm",
  bytes: Uint8Array,
  dir: string,
): Promise<Artifact> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return { id: name, kind, path, sha256: createHash("sha256").update(bytes).digest("hex") };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(impl: Impl, dir: string) {
  const byteSum = DEMO_MODELS.find((m) => m.name === "byte-sum")!;
  const tinyMlp = DEMO_MODELS.find((m) => m.name === "tiny-mlp")!;
  const wasmModel = await artifact("byte-sum.wasm", "wasm", await byteSum.artifact(), dir);
  const onnxModel = await artifact("tiny-mlp.onnx", "onnx", await tinyMlp.artifact(), dir);
  const wasmInput = new Uint8Array(32).fill(7);
  const onnxInput = encodeTensors([
    { name: "x", dtype: "float32", dims: [1, 4], data: Float32Array.from([1, 0.5, -1, 2]) },
  ]);
  const out: Record<string, { medianMs: number; runs: number }> = {};

  // WASM warm: the spare (if the design has one) gets time to start between runs.
  const warm = impl.wasm({});
  await warm.execute(wasmInput, wasmModel);
  const wasmWarm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await pause(300);
    wasmWarm.push(await time(() => warm.execute(wasmInput, wasmModel)));
  }
  await warm.close();
  out["wasm byte-sum, warm"] = { medianMs: median(wasmWarm), runs: RUNS };
  // WASM back to back: runs follow each other with no pause (a spare may still be starting).
  const b2b = impl.wasm({});
  await b2b.execute(wasmInput, wasmModel);
  const wasmB2b: number[] = [];
  for (let i = 0; i < RUNS; i++) wasmB2b.push(await time(() => b2b.execute(wasmInput, wasmModel)));
  await b2b.close();
  out["wasm byte-sum, back to back"] = { medianMs: median(wasmB2b), runs: RUNS };
  // WASM cold: nothing started ahead (spares: 0 is ignored by designs without spares).
  const cold = impl.wasm({ spares: 0 });
  const wasmCold: number[] = [];
  for (let i = 0; i < RUNS; i++) wasmCold.push(await time(() => cold.execute(wasmInput, wasmModel)));
  await cold.close();
  out["wasm byte-sum, cold (no spare)"] = { medianMs: median(wasmCold), runs: RUNS };

  // ONNX warm.
  const onnx = await impl.onnx();
  await onnx.execute(onnxInput, onnxModel);
  const onnxWarm: number[] = [];
  for (let i = 0; i < RUNS; i++) onnxWarm.push(await time(() => onnx.execute(onnxInput, onnxModel)));
  await onnx.close();
  out["onnx tiny-mlp, warm"] = { medianMs: median(onnxWarm), runs: RUNS };
  // ONNX cold: a first execution (executor created just before; its creation is not counted).
  const onnxCold: number[] = [];
  const onnxCreate: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 10); i++) {
    let e: AnyExecutor | undefined;
    onnxCreate.push(
      await time(async () => {
        e = await impl.onnx();
      }),
    );
    onnxCold.push(await time(() => e!.execute(onnxInput, onnxModel)));
    await e!.close();
  }
  out["onnx tiny-mlp, cold (first run: session load)"] = {
    medianMs: median(onnxCold),
    runs: onnxCold.length,
  };
  out["onnx executor create (provider probe)"] = { medianMs: median(onnxCreate), runs: onnxCreate.length };
  return out;
}

const work = await mkdtemp(join(tmpdir(), "eai-bench-executors-"));
const loadBefore = loadavg();
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: (await import("node:os")).availableParallelism(),
  runs: RUNS,
};
try {
  results.sandboxed = await measure(await load(join(ROOT, "worker/src/executors")), work);
  if (values.baseline) {
    const b = await baseline(values.baseline);
    try {
      results.baseline = { ref: values.baseline, ...(await measure(await load(b.dir), work)) };
    } finally {
      await b.cleanup();
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
results.loadAverage = {
  before: loadBefore.map((l) => +l.toFixed(2)),
  after: loadavg().map((l) => +l.toFixed(2)),
};

for (const section of ["sandboxed", "baseline"] as const) {
  const rows = results[section] as Record<string, unknown> | undefined;
  if (!rows) continue;
  console.log(`\n${section}${section === "baseline" ? ` (${String(rows.ref)})` : ""}`);
  for (const [k, v] of Object.entries(rows))
    if (typeof v === "object" && v)
      console.log(`  ${k.padEnd(48)} ${(v as { medianMs: number }).medianMs.toFixed(2)} ms`);
}
console.log(
  `\nload average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
await mkdir(join(ROOT, "bench/results"), { recursive: true });
const file = join(ROOT, "bench/results", `executors-${new Date().toISOString().slice(0, 10)}.json`);
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote ${file}`);
