import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { modelBounds, parseModel } from "./model.ts";
import { MNIST_MLP_SPEC } from "./spec.ts";

const raw = JSON.parse(
  readFileSync(new URL("../../../circuits/models/mnist-mlp.json", import.meta.url), "utf8"),
) as {
  w1: number[][];
  b1: number[];
  architecture: { nHidden: number };
};

describe("parseModel", () => {
  it("accepts the committed model, whose accumulators fit the circuit's slots", () => {
    const model = parseModel(raw);
    expect(model.accuracy.fixedPoint).toBeGreaterThanOrEqual(0.9);
    const b = modelBounds(model);
    for (const { min, max } of b.z1) expect(Math.max(-min, max)).toBeLessThan(2 ** (MNIST_MLP_SPEC.k1 - 1));
    for (const { min, max } of b.logits)
      expect(Math.max(-min, max)).toBeLessThan(2 ** (MNIST_MLP_SPEC.k2 - 1));
  });

  it("rejects a wrong architecture, shape, weight range or an accumulator that overflows its slot", () => {
    expect(() => parseModel({ ...raw, architecture: { ...raw.architecture, nHidden: 17 } })).toThrow(
      /nHidden/,
    );
    expect(() => parseModel({ ...raw, w1: raw.w1.slice(1) })).toThrow(/w1 must be/);
    const outOfRange = structuredClone(raw);
    (outOfRange.w1[0] as number[])[0] = 32;
    expect(() => parseModel(outOfRange)).toThrow(/outside \[-32, 32\)/);
    const overflow = structuredClone(raw);
    overflow.b1[0] = 2 ** 13;
    expect(() => parseModel(overflow)).toThrow(/exceeds k1/);
    expect(() => parseModel({ ...raw, w1: "x" })).toThrow();
  });
});
