import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { quantiseImage, unitToBytes } from "@eai/sdk/zk/image";
import { infer } from "@eai/sdk/zk/inference";
import { parseModel } from "../../../sdk/src/zk/model.ts";
import { SAMPLE_DIGITS, pickSampleDigit } from "./sample-digits.ts";

describe("sample digits", () => {
  it("are held-out MNIST digits from the mnist package, exactly as recorded", () => {
    const root = dirname(createRequire(import.meta.url).resolve("mnist/package.json"));
    const files = new Map<number, number[]>();
    expect(new Set(SAMPLE_DIGITS.map((s) => s.label)).size).toBe(10);
    for (const s of SAMPLE_DIGITS) {
      // The training split keeps index % 5 !== 4 (circuits/scripts/dataset.ts): these were never trained on.
      expect(s.index % 5).toBe(4);
      if (!files.has(s.label)) {
        const file = join(root, "src", "digits", `${s.label}.json`);
        files.set(s.label, (JSON.parse(readFileSync(file, "utf8")) as { data: number[] }).data);
      }
      const data = files.get(s.label) as number[];
      expect(s.image).toEqual(unitToBytes(data.slice(s.index * 784, (s.index + 1) * 784)));
    }
  });

  it("are classified as their label by the committed model", () => {
    const model = parseModel(
      JSON.parse(readFileSync(new URL("../../../circuits/models/mnist-mlp.json", import.meta.url), "utf8")),
    );
    for (const s of SAMPLE_DIGITS) expect(infer(model, quantiseImage(s.image)).predicted).toBe(s.label);
  });

  it("picks a different sample than the previous one", () => {
    const first = pickSampleDigit(undefined, () => 0);
    expect(first).toBe(SAMPLE_DIGITS[0]);
    expect(pickSampleDigit(first, () => 0)).toBe(SAMPLE_DIGITS[1]);
    expect(pickSampleDigit(first, () => 0.999999)).toBe(SAMPLE_DIGITS[SAMPLE_DIGITS.length - 1]);
  });
});
