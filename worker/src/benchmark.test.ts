import { describe, expect, it } from "vitest";
import { matmul, runBenchmark } from "./benchmark.ts";

describe("benchmark", () => {
  it("multiplies matrices correctly", () => {
    const a = new Float32Array([1, 2, 3, 4]);
    const b = new Float32Array([5, 6, 7, 8]);
    const c = new Float32Array(4);
    matmul(a, b, c, 2);
    expect([...c]).toEqual([19, 22, 43, 50]);
  });

  it("produces a positive integer score within the time budget", async () => {
    const result = await runBenchmark({ budgetMs: 400 });
    console.log(`benchmark: ${JSON.stringify(result)}`);
    expect(Number.isInteger(result.score)).toBe(true);
    expect(result.score).toBeGreaterThan(0);
    expect(result.score).toBeLessThan(2 ** 32);
    expect(result.score).toBe(Math.round(result.jsMflops + result.onnxMflops));
    expect(result.totalMs).toBeLessThan(2_000);
  });
});
