/**
 * Deterministic training of the mnist_mlp model: a 49-18-10 ReLU MLP trained in float (Adam, seeded PRNG), then
 * quantised to integers with power-of-two scales. Writes circuits/models/mnist-mlp.json and the committed test
 * samples data/mnist-test-samples.json.
 *
 *   npx node --experimental-strip-types circuits/scripts/train.ts [--seed 42] [--epochs 40] [--check]
 *
 * --check retrains and fails unless the result equals the committed model byte for byte.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import {
  MNIST_MLP_SPEC as SPEC,
  argmax,
  infer,
  modelCommitment,
  parseModel,
  quantiseImage,
  type QuantisedModel,
} from "../../sdk/src/zk/index.ts";
import { DATASET_SOURCE, loadMnist, type Sample } from "./dataset.ts";
import { repoPath } from "./lib.ts";

const args = z
  .object({
    seed: z.coerce.number().int().nonnegative().default(42),
    epochs: z.coerce.number().int().positive().default(40),
    check: z.boolean().default(false),
  })
  .parse(
    parseArgs({
      options: { seed: { type: "string" }, epochs: { type: "string" }, check: { type: "boolean" } },
    }).values,
  );

const WEIGHT_BITS = 6;
const BATCH = 32;
const LR = 0.003;
const WEIGHT_DECAY = 1e-4;
const TEST_SAMPLES_PER_DIGIT = 4;

/** mulberry32: small, seedable, deterministic. */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const { train, test } = loadMnist();
const NI = SPEC.nIn;
const H = SPEC.nHidden;
const NO = SPEC.nOut;
const X_SCALE_LOG2 = SPEC.xBits; // x_real = x / 16
const prep = (s: Sample): { x: number[]; xf: number[]; y: number } => {
  const x = quantiseImage(s.image);
  return { x, xf: x.map((v) => v / 2 ** X_SCALE_LOG2), y: s.label };
};
const trainSet = train.map(prep);
const testSet = test.map(prep);
console.log(`dataset: ${trainSet.length} train, ${testSet.length} test`);

// ---- float model and Adam ------------------------------------------------------------------------------------------
const rand = mulberry32(args.seed);
const gauss = (): number => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
const W1 = Array.from({ length: H * NI }, () => gauss() * Math.sqrt(2 / NI));
const B1 = new Array<number>(H).fill(0);
const W2 = Array.from({ length: NO * H }, () => gauss() * Math.sqrt(2 / H));
const B2 = new Array<number>(NO).fill(0);
const params = [W1, B1, W2, B2];
const m = params.map((p) => new Array<number>(p.length).fill(0));
const v = params.map((p) => new Array<number>(p.length).fill(0));

function forward(x: readonly number[]): { h: number[]; o: number[] } {
  const h = new Array<number>(H);
  for (let j = 0; j < H; j++) {
    let s = B1[j] as number;
    for (let i = 0; i < NI; i++) s += (W1[j * NI + i] as number) * (x[i] as number);
    h[j] = Math.max(0, s);
  }
  const o = new Array<number>(NO);
  for (let k = 0; k < NO; k++) {
    let s = B2[k] as number;
    for (let j = 0; j < H; j++) s += (W2[k * H + j] as number) * (h[j] as number);
    o[k] = s;
  }
  return { h, o };
}

const floatAccuracy = (set: typeof testSet): number =>
  set.filter((s) => argmax(forward(s.xf).o) === s.y).length / set.length;

const order = trainSet.map((_, i) => i);
let step = 0;
for (let epoch = 0; epoch < args.epochs; epoch++) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const lr = LR * (epoch < args.epochs * 0.6 ? 1 : epoch < args.epochs * 0.85 ? 0.3 : 0.1);
  for (let start = 0; start < order.length; start += BATCH) {
    const grads = params.map((p) => new Array<number>(p.length).fill(0));
    const [gW1, gB1, gW2, gB2] = grads as [number[], number[], number[], number[]];
    const batch = order.slice(start, start + BATCH);
    for (const bi of batch) {
      const { xf, y } = trainSet[bi] as (typeof trainSet)[number];
      const { h, o } = forward(xf);
      const max = Math.max(...o);
      const e = o.map((z) => Math.exp(z - max));
      const sum = e.reduce((a, b) => a + b, 0);
      const d = e.map((z, k) => z / sum - (k === y ? 1 : 0));
      const dh = new Array<number>(H).fill(0);
      for (let k = 0; k < NO; k++) {
        gB2[k] = (gB2[k] as number) + (d[k] as number);
        for (let j = 0; j < H; j++) {
          gW2[k * H + j] = (gW2[k * H + j] as number) + (d[k] as number) * (h[j] as number);
          dh[j] = (dh[j] as number) + (d[k] as number) * (W2[k * H + j] as number);
        }
      }
      for (let j = 0; j < H; j++) {
        if ((h[j] as number) <= 0) continue;
        gB1[j] = (gB1[j] as number) + (dh[j] as number);
        for (let i = 0; i < NI; i++)
          gW1[j * NI + i] = (gW1[j * NI + i] as number) + (dh[j] as number) * (xf[i] as number);
      }
    }
    step++;
    params.forEach((p, pi) => {
      const g = grads[pi] as number[];
      const mp = m[pi] as number[];
      const vp = v[pi] as number[];
      for (let i = 0; i < p.length; i++) {
        const gr = (g[i] as number) / batch.length + (pi % 2 === 0 ? WEIGHT_DECAY * (p[i] as number) : 0);
        mp[i] = 0.9 * (mp[i] as number) + 0.1 * gr;
        vp[i] = 0.999 * (vp[i] as number) + 0.001 * gr * gr;
        const mh = (mp[i] as number) / (1 - 0.9 ** step);
        const vh = (vp[i] as number) / (1 - 0.999 ** step);
        p[i] = (p[i] as number) - (lr * mh) / (Math.sqrt(vh) + 1e-8);
      }
    });
  }
  if (epoch % 10 === 9 || epoch === args.epochs - 1) {
    console.log(
      `epoch ${epoch + 1}/${args.epochs}: float test accuracy ${floatAccuracy(testSet).toFixed(4)}`,
    );
  }
}

// ---- quantisation: power-of-two scales ------------------------------------------------------------------------------
const wLim = 2 ** (WEIGHT_BITS - 1);
const maxAbs = (a: readonly number[]): number => a.reduce((mx, w) => Math.max(mx, Math.abs(w)), 0);
const fracBits = (a: readonly number[]): number => Math.floor(Math.log2((wLim - 1) / maxAbs(a)));
const w1Scale = fracBits(W1);
const w2Scale = fracBits(W2);
const b1Scale = w1Scale + X_SCALE_LOG2;
const hiddenScale = b1Scale - SPEC.shift;
const b2Scale = w2Scale + hiddenScale;
const q = (w: number, f: number): number => Math.round(w * 2 ** f);
const clampW = (w: number): number => Math.max(-wLim, Math.min(wLim - 1, w));

const floatTest = floatAccuracy(testSet);
const draft = {
  name: "mnist-mlp-49-18-10",
  version: 1 as const,
  circuit: "mnist_mlp" as const,
  architecture: {
    nIn: SPEC.nIn,
    nHidden: SPEC.nHidden,
    nOut: SPEC.nOut,
    xBits: SPEC.xBits,
    k1: SPEC.k1,
    shift: SPEC.shift,
    k2: SPEC.k2,
  },
  quantisation: {
    weightBits: WEIGHT_BITS,
    inputScaleLog2: X_SCALE_LOG2,
    w1ScaleLog2: w1Scale,
    b1ScaleLog2: b1Scale,
    hiddenScaleLog2: hiddenScale,
    w2ScaleLog2: w2Scale,
    b2ScaleLog2: b2Scale,
    note: "real = integer / 2^scaleLog2. Weights: round(w * 2^s) clamped to weightBits; z = b1 + W1 x at scale 2^b1ScaleLog2; h = ReLU(floor(z / 2^shift)) at scale 2^hiddenScaleLog2; logits = b2 + W2 h at scale 2^b2ScaleLog2",
  },
  w1: Array.from({ length: H }, (_, i) =>
    Array.from({ length: NI }, (_, j) => clampW(q(W1[i * NI + j] as number, w1Scale))),
  ),
  b1: B1.map((b) => q(b, b1Scale)),
  w2: Array.from({ length: NO }, (_, k) =>
    Array.from({ length: H }, (_, i) => clampW(q(W2[k * H + i] as number, w2Scale))),
  ),
  b2: B2.map((b) => q(b, b2Scale)),
  accuracy: {
    float: floatTest,
    fixedPoint: 0,
    trainFixedPoint: 0,
    testSamples: testSet.length,
    trainSamples: trainSet.length,
  },
  dataset: { ...DATASET_SOURCE },
  training: {
    script: "circuits/scripts/train.ts",
    seed: args.seed,
    prng: "mulberry32",
    epochs: args.epochs,
    batchSize: BATCH,
    optimizer: "Adam(0.9, 0.999, 1e-8), lr 0.003 x [1, 0.3, 0.1] at 60% / 85% of epochs",
    weightDecay: WEIGHT_DECAY,
    init: "He normal (Box-Muller over the PRNG)",
    loss: "softmax cross-entropy",
  },
  commitment: "0",
};

const fixedAccuracy = (model: QuantisedModel, set: typeof testSet): number =>
  set.filter((s) => infer(model, s.x).predicted === s.y).length / set.length;
const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
let model = parseModel(draft);
model.accuracy.float = round4(floatTest);
model.accuracy.fixedPoint = round4(fixedAccuracy(model, testSet));
model.accuracy.trainFixedPoint = round4(fixedAccuracy(model, trainSet));
model.commitment = (await modelCommitment(model)).toString();
model = parseModel(model);
console.log(
  `accuracy: float ${model.accuracy.float}, fixed-point ${model.accuracy.fixedPoint} (test), fixed-point ${model.accuracy.trainFixedPoint} (train)`,
);
console.log(`scales: w1 2^${w1Scale}, w2 2^${w2Scale}; model commitment ${model.commitment}`);
if (model.accuracy.fixedPoint < 0.9) throw new Error("fixed-point accuracy below 90%");

// ---- committed test samples -------------------------------------------------------------------------------------------
const samples = [];
for (let label = 0; label < 10; label++) {
  for (const s of test.filter((t) => t.label === label).slice(0, TEST_SAMPLES_PER_DIGIT)) {
    samples.push({ label: s.label, index: s.index, image: Buffer.from(s.image).toString("base64") });
  }
}
const samplesJson = {
  source: DATASET_SOURCE.package,
  note: "held-out test split; image = base64 of 784 bytes (28 x 28, row-major), byte = round(v * 255)",
  samples,
};

const modelPath = repoPath("circuits/models/mnist-mlp.json");
const samplesPath = repoPath("data/mnist-test-samples.json");
const modelText = `${JSON.stringify(model, null, 2)}\n`;
const samplesText = `${JSON.stringify(samplesJson, null, 2)}\n`;
if (args.check) {
  const same =
    readFileSync(modelPath, "utf8") === modelText && readFileSync(samplesPath, "utf8") === samplesText;
  if (!same) throw new Error("retrained model differs from the committed one");
  console.log("retrained model equals the committed model");
} else {
  writeFileSync(modelPath, modelText);
  writeFileSync(samplesPath, samplesText);
  console.log(`wrote ${modelPath} and ${samplesPath} (${samples.length} samples)`);
}
