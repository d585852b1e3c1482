import { z } from "zod";
import { MNIST_MLP_SPEC, type MnistMlpSpec } from "./spec.ts";

const int = z.number().int();

/** Schema of a quantised model file (`circuits/models/mnist-mlp.json`). */
export const quantisedModelSchema = z.object({
  name: z.string(),
  version: z.literal(1),
  circuit: z.literal("mnist_mlp"),
  architecture: z.object({
    nIn: int,
    nHidden: int,
    nOut: int,
    xBits: int,
    k1: int,
    shift: int,
    k2: int,
  }),
  quantisation: z.object({
    /** Weights are signed integers in [-2^(weightBits-1), 2^(weightBits-1)). */
    weightBits: int.min(2).max(16),
    /** Real value = integer / 2^scaleLog2 for each tensor. */
    inputScaleLog2: int,
    w1ScaleLog2: int,
    b1ScaleLog2: int,
    hiddenScaleLog2: int,
    w2ScaleLog2: int,
    b2ScaleLog2: int,
    note: z.string().optional(),
  }),
  /** w1[i][j]: hidden neuron i, input pixel j. */
  w1: z.array(z.array(int)),
  b1: z.array(int),
  /** w2[k][i]: logit k, hidden neuron i. */
  w2: z.array(z.array(int)),
  b2: z.array(int),
  accuracy: z.object({
    float: z.number(),
    fixedPoint: z.number(),
    trainFixedPoint: z.number().optional(),
    testSamples: int,
    trainSamples: int,
  }),
  dataset: z.record(z.string(), z.unknown()),
  training: z.record(z.string(), z.unknown()),
  /** Decimal model commitment (recomputed and checked by tests). */
  commitment: z.string().regex(/^[0-9]+$/),
});

export type QuantisedModel = z.infer<typeof quantisedModelSchema>;

/** Bounds of the values the circuit unpacks, computed from the weights for the worst input. */
export interface ModelBounds {
  /** Per hidden neuron: min and max pre-activation z over all inputs in [0, 2^xBits). */
  z1: { min: number; max: number }[];
  /** Per logit: min and max over all reachable hidden activations. */
  logits: { min: number; max: number }[];
}

/** Worst-case accumulator bounds (interval arithmetic over every valid input). */
export function modelBounds(model: QuantisedModel, spec: MnistMlpSpec = MNIST_MLP_SPEC): ModelBounds {
  const xMax = 2 ** spec.xBits - 1;
  const z1 = model.w1.map((row, i) => {
    let min = model.b1[i] as number;
    let max = min;
    for (const w of row) {
      if (w > 0) max += w * xMax;
      else min += w * xMax;
    }
    return { min, max };
  });
  const hMax = z1.map(({ max }) => Math.max(0, Math.floor(max / 2 ** spec.shift)));
  const logits = model.w2.map((row, k) => {
    let min = model.b2[k] as number;
    let max = min;
    row.forEach((w, i) => {
      if (w > 0) max += w * (hMax[i] as number);
      else min += w * (hMax[i] as number);
    });
    return { min, max };
  });
  return { z1, logits };
}

/**
 * Parses and validates a model: schema, shapes equal to the circuit's, weights within `weightBits`, and every
 * accumulator the circuit unpacks fits its slot for every valid input (so an honest prover can always prove).
 */
export function parseModel(json: unknown, spec: MnistMlpSpec = MNIST_MLP_SPEC): QuantisedModel {
  const model = quantisedModelSchema.parse(json);
  const a = model.architecture;
  for (const key of ["nIn", "nHidden", "nOut", "xBits", "k1", "shift", "k2"] as const) {
    if (a[key] !== spec[key]) {
      throw new Error(`model architecture.${key} = ${a[key]}, the circuit expects ${spec[key]}`);
    }
  }
  const shape = (name: string, m: number[][], rows: number, cols: number): void => {
    if (m.length !== rows || m.some((r) => r.length !== cols)) {
      throw new Error(`model ${name} must be ${rows} x ${cols}`);
    }
  };
  shape("w1", model.w1, spec.nHidden, spec.nIn);
  shape("w2", model.w2, spec.nOut, spec.nHidden);
  if (model.b1.length !== spec.nHidden) throw new Error(`model b1 must have ${spec.nHidden} values`);
  if (model.b2.length !== spec.nOut) throw new Error(`model b2 must have ${spec.nOut} values`);
  const wLim = 2 ** (model.quantisation.weightBits - 1);
  for (const [name, m] of [
    ["w1", model.w1],
    ["w2", model.w2],
  ] as const) {
    m.forEach((row, i) =>
      row.forEach((w, j) => {
        if (w < -wLim || w >= wLim) {
          throw new RangeError(`model ${name}[${i}][${j}] = ${w} is outside [${-wLim}, ${wLim})`);
        }
      }),
    );
  }
  const bounds = modelBounds(model, spec);
  const fits = (b: { min: number; max: number }, k: number): boolean =>
    b.min >= -(2 ** (k - 1)) && b.max < 2 ** (k - 1);
  bounds.z1.forEach((b, i) => {
    if (!fits(b, spec.k1))
      throw new RangeError(`hidden neuron ${i} range [${b.min}, ${b.max}] exceeds k1 = ${spec.k1}`);
  });
  bounds.logits.forEach((b, k) => {
    if (!fits(b, spec.k2))
      throw new RangeError(`logit ${k} range [${b.min}, ${b.max}] exceeds k2 = ${spec.k2}`);
  });
  return model;
}
