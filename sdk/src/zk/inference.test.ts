import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { argmax, infer, requantise } from "./inference.ts";
import { parseModel } from "./model.ts";
import { quantiseImage } from "./image.ts";

const model = parseModel(
  JSON.parse(readFileSync(new URL("../../../circuits/models/mnist-mlp.json", import.meta.url), "utf8")),
);
const samples = (
  JSON.parse(readFileSync(new URL("../../../data/mnist-test-samples.json", import.meta.url), "utf8")) as {
    samples: { label: number; image: string }[];
  }
).samples;

describe("requantise", () => {
  it("floors toward -infinity with 0 <= r < 2^shift, like the circuit", () => {
    expect(requantise(0, 4)).toEqual({ q: 0, r: 0 });
    expect(requantise(15, 4)).toEqual({ q: 0, r: 15 });
    expect(requantise(16, 4)).toEqual({ q: 1, r: 0 });
    expect(requantise(-1, 4)).toEqual({ q: -1, r: 15 });
    expect(requantise(-16, 4)).toEqual({ q: -1, r: 0 });
    expect(requantise(-17, 4)).toEqual({ q: -2, r: 15 });
    for (let z = -300; z <= 300; z++) {
      const { q, r } = requantise(z, 4);
      expect(q).toBe(z >> 4); // arithmetic shift
      expect(q * 16 + r).toBe(z);
    }
  });
});

describe("argmax", () => {
  it("returns the first maximum", () => {
    expect(argmax([1, 5, 5, 2])).toBe(1);
    expect(argmax([-3, -1, -2])).toBe(1);
  });
});

describe("infer (committed model)", () => {
  it("keeps every intermediate consistent and classifies the committed samples", () => {
    let correct = 0;
    for (const s of samples) {
      const t = infer(model, quantiseImage(new Uint8Array(Buffer.from(s.image, "base64"))));
      t.z1.forEach((z, i) => expect((t.q1[i] as number) * 16 + (t.r1[i] as number)).toBe(z));
      t.hidden.forEach((h, i) => expect(h).toBe(Math.max(0, t.q1[i] as number)));
      expect(t.logits).toHaveLength(10);
      if (t.predicted === s.label) correct++;
    }
    expect(correct / samples.length).toBeGreaterThanOrEqual(0.85);
  });

  it("rejects out-of-range inputs", () => {
    expect(() => infer(model, new Array(49).fill(16))).toThrow(/outside/);
  });
});
