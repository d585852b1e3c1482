import { checkInput } from "./image.ts";
import type { QuantisedModel } from "./model.ts";
import { toField } from "./field.ts";
import { MNIST_MLP_SPEC, type MnistMlpSpec } from "./spec.ts";

/*
 * Commitment encodings (the circuit computes the same in-circuit; see docs/CIRCUITS.md):
 *
 * model   = PoseidonChain([header, w1Packed[0..nIn), b1Packed, w2Packed[0..nHidden), b2Packed])
 *           header     = sum_f field_f * 2^(16 f) over [1, nIn, nHidden, nOut, xBits, k1, shift, k2]
 *           w1Packed[j] = sum_i w1[i][j] * 2^(k1 i) mod p   (one signed k1-bit slot per hidden neuron i)
 *           b1Packed   = sum_i b1[i]    * 2^(k1 i) mod p
 *           w2Packed[i] = sum_k w2[k][i] * 2^(k2 k) mod p   (one signed k2-bit slot per logit k)
 *           b2Packed   = sum_k b2[k]    * 2^(k2 k) mod p
 *           "mod p": the signed integer is reduced into [0, p); a negative one becomes p - |v|.
 * input   = Poseidon([xPacked[0], ..., xPacked[c-1], salt]) with 63 pixels (4 bits each) per chunk (49 pixels: one chunk),
 *           xPacked[c] = sum_k x[63 c + k] * 2^(4 k), salt a private field element (0 = no hiding).
 * output  = Poseidon([sum_k (logit[k] + 2^(k2-1)) * 2^(k2 k)]): the logits as unsigned k2-bit slots.
 *
 * PoseidonChain(e): Poseidon(e) when e has at most 16 elements; otherwise acc = Poseidon(e[0..16)) and then
 * acc = Poseidon([acc, ...next up to 15 elements]) until every element is absorbed.
 */

type PoseidonFn = (inputs: bigint[]) => bigint;

/*
 * Poseidon over BN254 with circomlib's constants (poseidon-lite: plain BigInt arithmetic, no wasm). One module per
 * arity, each loaded on first use, so a browser verifying an output commitment (1 input) or computing an input
 * commitment (2 inputs) fetches only those constants. Checked against circomlibjs in commitment.test.ts.
 */
const POSEIDON_LOADERS: readonly (() => Promise<PoseidonFn>)[] = [
  () => import("poseidon-lite/poseidon1").then((m) => m.poseidon1),
  () => import("poseidon-lite/poseidon2").then((m) => m.poseidon2),
  () => import("poseidon-lite/poseidon3").then((m) => m.poseidon3),
  () => import("poseidon-lite/poseidon4").then((m) => m.poseidon4),
  () => import("poseidon-lite/poseidon5").then((m) => m.poseidon5),
  () => import("poseidon-lite/poseidon6").then((m) => m.poseidon6),
  () => import("poseidon-lite/poseidon7").then((m) => m.poseidon7),
  () => import("poseidon-lite/poseidon8").then((m) => m.poseidon8),
  () => import("poseidon-lite/poseidon9").then((m) => m.poseidon9),
  () => import("poseidon-lite/poseidon10").then((m) => m.poseidon10),
  () => import("poseidon-lite/poseidon11").then((m) => m.poseidon11),
  () => import("poseidon-lite/poseidon12").then((m) => m.poseidon12),
  () => import("poseidon-lite/poseidon13").then((m) => m.poseidon13),
  () => import("poseidon-lite/poseidon14").then((m) => m.poseidon14),
  () => import("poseidon-lite/poseidon15").then((m) => m.poseidon15),
  () => import("poseidon-lite/poseidon16").then((m) => m.poseidon16),
];
const poseidonByArity = new Map<number, Promise<PoseidonFn>>();

/** Poseidon of at most 16 field elements, as a bigint (circomlib's Poseidon template). */
export async function poseidon(inputs: readonly bigint[]): Promise<bigint> {
  if (inputs.length < 1 || inputs.length > 16)
    throw new RangeError(`Poseidon takes 1..16 inputs, got ${inputs.length}`);
  let fn = poseidonByArity.get(inputs.length);
  if (!fn) {
    const load = POSEIDON_LOADERS[inputs.length - 1];
    if (!load) throw new RangeError(`Poseidon takes 1..16 inputs, got ${inputs.length}`);
    fn = load();
    poseidonByArity.set(inputs.length, fn);
  }
  return (await fn)([...inputs]);
}

/** PoseidonChain over any number of elements (see the encoding comment above). */
export async function poseidonChain(elements: readonly bigint[]): Promise<bigint> {
  if (elements.length <= 16) return poseidon(elements);
  let acc = await poseidon(elements.slice(0, 16));
  for (let start = 16; start < elements.length; start += 15) {
    acc = await poseidon([acc, ...elements.slice(start, start + 15)]);
  }
  return acc;
}

/** The architecture header hashed in front of the weights. */
export function modelHeader(spec: MnistMlpSpec = MNIST_MLP_SPEC): bigint {
  const fields = [1, spec.nIn, spec.nHidden, spec.nOut, spec.xBits, spec.k1, spec.shift, spec.k2];
  return fields.reduce((acc, f, i) => acc + (BigInt(f) << BigInt(16 * i)), 0n);
}

/** Packs signed integers into one field element, one signed `slotBits` slot each: sum v_i 2^(slotBits i) mod p. */
export function packSigned(values: readonly number[], slotBits: number): bigint {
  let acc = 0n;
  values.forEach((v, i) => {
    if (v < -(2 ** (slotBits - 1)) || v >= 2 ** (slotBits - 1)) {
      throw new RangeError(`value ${v} at slot ${i} does not fit a signed ${slotBits}-bit slot`);
    }
    acc += BigInt(v) << BigInt(slotBits * i);
  });
  return toField(acc);
}

/** The model as the field elements the circuit takes and hashes: [header, w1Packed..., b1Packed, w2Packed..., b2Packed]. */
export function packModel(
  model: QuantisedModel,
  spec: MnistMlpSpec = MNIST_MLP_SPEC,
): {
  header: bigint;
  w1Packed: bigint[];
  b1Packed: bigint;
  w2Packed: bigint[];
  b2Packed: bigint;
  elements: bigint[];
} {
  const header = modelHeader(spec);
  const w1Packed = Array.from({ length: spec.nIn }, (_, j) =>
    packSigned(
      model.w1.map((row) => row[j] as number),
      spec.k1,
    ),
  );
  const b1Packed = packSigned(model.b1, spec.k1);
  const w2Packed = Array.from({ length: spec.nHidden }, (_, i) =>
    packSigned(
      model.w2.map((row) => row[i] as number),
      spec.k2,
    ),
  );
  const b2Packed = packSigned(model.b2, spec.k2);
  return {
    header,
    w1Packed,
    b1Packed,
    w2Packed,
    b2Packed,
    elements: [header, ...w1Packed, b1Packed, ...w2Packed, b2Packed],
  };
}

/** Model commitment: PoseidonChain of the packed model. */
export async function modelCommitment(
  model: QuantisedModel,
  spec: MnistMlpSpec = MNIST_MLP_SPEC,
): Promise<bigint> {
  return poseidonChain(packModel(model, spec).elements);
}

/** Pixels per input chunk: floor(252 / xBits) = 63. */
export function pixelsPerChunk(spec: MnistMlpSpec = MNIST_MLP_SPEC): number {
  return Math.floor(252 / spec.xBits);
}

/** The quantised input packed into field elements (xBits per pixel, 63 per chunk, first pixel lowest). */
export function packInput(input: readonly number[], spec: MnistMlpSpec = MNIST_MLP_SPEC): bigint[] {
  const x = checkInput(input, spec);
  const per = pixelsPerChunk(spec);
  const chunks: bigint[] = [];
  for (let start = 0; start < x.length; start += per) {
    let acc = 0n;
    x.slice(start, start + per).forEach((v, k) => (acc += BigInt(v) << BigInt(spec.xBits * k)));
    chunks.push(acc);
  }
  return chunks;
}

/** Input commitment: Poseidon(packed input chunks, salt). A random salt makes it hiding; 0 is allowed. */
export async function inputCommitment(
  input: readonly number[],
  salt: bigint = 0n,
  spec: MnistMlpSpec = MNIST_MLP_SPEC,
): Promise<bigint> {
  return poseidon([...packInput(input, spec), toField(salt)]);
}

/** The logits packed as unsigned k2-bit slots: sum_k (logit_k + 2^(k2-1)) 2^(k2 k). */
export function packOutput(logits: readonly number[], spec: MnistMlpSpec = MNIST_MLP_SPEC): bigint {
  if (logits.length !== spec.nOut) throw new RangeError(`expected ${spec.nOut} logits, got ${logits.length}`);
  const offset = 2 ** (spec.k2 - 1);
  let acc = 0n;
  logits.forEach((v, k) => {
    if (!Number.isSafeInteger(v) || v < -offset || v >= offset) {
      throw new RangeError(`logit ${k} = ${v} does not fit a signed ${spec.k2}-bit slot`);
    }
    acc += BigInt(v + offset) << BigInt(spec.k2 * k);
  });
  return acc;
}

/** Inverse of packOutput. */
export function unpackOutput(packed: bigint, spec: MnistMlpSpec = MNIST_MLP_SPEC): number[] {
  const mask = (1n << BigInt(spec.k2)) - 1n;
  const offset = 2 ** (spec.k2 - 1);
  return Array.from({ length: spec.nOut }, (_, k) => Number((packed >> BigInt(spec.k2 * k)) & mask) - offset);
}
