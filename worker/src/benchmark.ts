/**
 * Start-up benchmark (≈1 s, deterministic workload) producing the integer `benchmarkScore` declared
 * on-chain.
 *
 *   jsMflops   = 2·n³ / t_js   / 10⁶   n = 128, t_js   = median time of a float32 matmul in plain JS
 *   onnxMflops = F     / t_onnx / 10⁶   F = 2·256·(4·8 + 8·3) FLOPs, t_onnx = median run of the tiny MLP
 *                                       (fixtures/tiny-mlp.onnx) on a [256, 4] batch, CPU provider
 *   score      = round(jsMflops + onnxMflops)
 *
 * Each part runs at least 3 and at most 200 times and stops after its share of the time budget. The
 * ONNX part measures runtime overhead as much as arithmetic, which is what small tasks pay. GPUs are not
 * benchmarked yet: their resources are declared through vramMiB and computeCapability.
 */
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";

export const DEFAULT_BENCHMARK_MODEL = fileURLToPath(new URL("../fixtures/tiny-mlp.onnx", import.meta.url));

export interface BenchmarkResult {
  score: number;
  jsMflops: number;
  onnxMflops: number;
  jsMedianMs: number;
  onnxMedianMs: number;
  totalMs: number;
}

export interface BenchmarkOptions {
  /** Total time budget (default 1000 ms; the run ends within roughly this). */
  budgetMs?: number;
  onnxModelPath?: string;
}

const N = 128;
const BATCH = 256;
const ONNX_FLOPS = 2 * BATCH * (4 * 8 + 8 * 3);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** C = A·B for n×n row-major float32 matrices (i-k-j order). */
export function matmul(a: Float32Array, b: Float32Array, c: Float32Array, n: number): void {
  c.fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k] as number;
      const row = k * n;
      const out = i * n;
      for (let j = 0; j < n; j++) c[out + j] = (c[out + j] as number) + aik * (b[row + j] as number);
    }
  }
}

async function timeRuns(fn: () => unknown, budgetMs: number): Promise<number[]> {
  const times: number[] = [];
  const deadline = performance.now() + budgetMs;
  while (times.length < 3 || (times.length < 200 && performance.now() < deadline)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times;
}

export async function runBenchmark(options: BenchmarkOptions = {}): Promise<BenchmarkResult> {
  const budget = options.budgetMs ?? 1000;
  const started = performance.now();
  const a = Float32Array.from({ length: N * N }, (_, i) => ((i * 7) % 13) / 13 - 0.5);
  const b = Float32Array.from({ length: N * N }, (_, i) => ((i * 5) % 11) / 11 - 0.5);
  const c = new Float32Array(N * N);
  matmul(a, b, c, N); // warm-up (JIT)
  const jsMedianMs = median(await timeRuns(() => matmul(a, b, c, N), budget / 2));

  const session = await ort.InferenceSession.create(options.onnxModelPath ?? DEFAULT_BENCHMARK_MODEL, {
    executionProviders: ["cpu"],
    intraOpNumThreads: 1,
  });
  try {
    const x = new ort.Tensor(
      "float32",
      Float32Array.from({ length: BATCH * 4 }, (_, i) => (i % 17) / 17),
      [BATCH, 4],
    );
    await session.run({ x });
    const onnxMedianMs = median(await timeRuns(() => session.run({ x }), budget / 2));
    const jsMflops = (2 * N ** 3) / (jsMedianMs / 1000) / 1e6;
    const onnxMflops = ONNX_FLOPS / (onnxMedianMs / 1000) / 1e6;
    return {
      score: Math.round(jsMflops + onnxMflops),
      jsMflops,
      onnxMflops,
      jsMedianMs,
      onnxMedianMs,
      totalMs: performance.now() - started,
    };
  } finally {
    await session.release();
  }
}
