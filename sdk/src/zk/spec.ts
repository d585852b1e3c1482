/**
 * Architecture of the `mnist_mlp` circuit. These constants are the circuit's template parameters
 * (`circuits/circuits.json`, `params`); a test checks both agree.
 */
export const MNIST_MLP_SPEC = {
  /** Side of the source image (MNIST: 28 x 28, row-major, one byte per pixel). */
  imageSide: 28,
  /** First row and column of the pooled window: rows/columns 3..23 (21 x 21, the digit's 20 x 20 box). */
  crop: 3,
  /** Side of the average-pooling window (21 / 3 = 7). */
  pool: 3,
  /** Side of the quantised input grid. */
  gridSide: 7,
  /** Input pixels: 7 x 7, row-major. */
  nIn: 49,
  /** Hidden ReLU neurons. */
  nHidden: 18,
  /** Logits (digits 0..9). */
  nOut: 10,
  /** Bits per input pixel: 0 <= x < 16. */
  xBits: 4,
  /** Signed slot width of a hidden pre-activation z (|z| < 2^(k1-1)). */
  k1: 14,
  /** Requantisation shift: h = ReLU(floor(z / 2^shift)). */
  shift: 4,
  /** Signed slot width of a logit (|logit| < 2^(k2-1)). */
  k2: 18,
} as const;

export type MnistMlpSpec = typeof MNIST_MLP_SPEC;

/** The circuit's template parameters in declaration order: [N_IN, N_HID, N_OUT, X_BITS, K1, SHIFT, K2]. */
export function circuitParams(spec: MnistMlpSpec = MNIST_MLP_SPEC): readonly number[] {
  return [spec.nIn, spec.nHidden, spec.nOut, spec.xBits, spec.k1, spec.shift, spec.k2];
}

/** Order of the BN254 scalar field (snarkjs `bn128`, ProofLib.SNARK_SCALAR_FIELD). */
export const SNARK_SCALAR_FIELD =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Names of the public signals in the order snarkjs emits them and ProofLib.sol reads them. */
export const PUBLIC_SIGNAL_NAMES = [
  "modelCommitment",
  "inputCommitment",
  "outputWord",
  "taskBinding",
] as const;

export type PublicSignalName = (typeof PUBLIC_SIGNAL_NAMES)[number];
