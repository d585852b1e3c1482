import { checkInput } from "./image.ts";
import type { QuantisedModel } from "./model.ts";
import { MNIST_MLP_SPEC, type MnistMlpSpec } from "./spec.ts";

/** Every intermediate value of one inference, exactly as the circuit constrains it. */
export interface InferenceTrace {
  /** Quantised input (0..15). */
  input: number[];
  /** Hidden pre-activations z = b1 + W1 x. */
  z1: number[];
  /** floor(z / 2^shift) (arithmetic shift, rounds toward -infinity). */
  q1: number[];
  /** z - q1 * 2^shift, in [0, 2^shift). */
  r1: number[];
  /** ReLU(q1). */
  hidden: number[];
  /** Logits b2 + W2 hidden (no requantisation). */
  logits: number[];
  /** argmax of the logits; the lowest index wins a tie. */
  predicted: number;
}

/** Floor division by 2^shift with the same semantics as the circuit (q = floor(z / 2^s), 0 <= r < 2^s). */
export function requantise(z: number, shift: number): { q: number; r: number } {
  const d = 2 ** shift;
  const q = Math.floor(z / d);
  return { q, r: z - q * d };
}

/** Index of the largest value; the lowest index wins a tie. */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/**
 * Integer inference, bit-identical to the circuit: z = b1 + W1 x; h = ReLU(floor(z / 2^shift));
 * logits = b2 + W2 h. All values stay far below 2^53 (checked by parseModel's bounds).
 */
export function infer(
  model: QuantisedModel,
  input: readonly number[],
  spec: MnistMlpSpec = MNIST_MLP_SPEC,
): InferenceTrace {
  const x = checkInput(input, spec);
  const z1 = model.w1.map((row, i) =>
    row.reduce((acc, w, j) => acc + w * (x[j] as number), model.b1[i] as number),
  );
  const q1: number[] = [];
  const r1: number[] = [];
  for (const z of z1) {
    const { q, r } = requantise(z, spec.shift);
    q1.push(q);
    r1.push(r);
  }
  const hidden = q1.map((q) => (q > 0 ? q : 0));
  const logits = model.w2.map((row, k) =>
    row.reduce((acc, w, i) => acc + w * (hidden[i] as number), model.b2[k] as number),
  );
  return { input: x, z1, q1, r1, hidden, logits, predicted: argmax(logits) };
}
