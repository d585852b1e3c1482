import * as snarkjs from "snarkjs";
import type { Groth16Proof, VerificationKey } from "snarkjs";
import { buildCircuitInput, type MnistMlpPublicSignals } from "./circuit-input.ts";
import { quantiseImage } from "./image.ts";
import type { InferenceTrace } from "./inference.ts";
import type { QuantisedModel } from "./model.ts";
import { PUBLIC_SIGNAL_NAMES } from "./spec.ts";

export type { Groth16Proof, VerificationKey } from "snarkjs";

/** Where the witness generator and proving key are: file paths (Node) or their bytes (browser). */
export interface ProverArtifacts {
  wasm: string | Uint8Array;
  zkey: string | Uint8Array;
}

/** A Groth16 proof in ProofLib.Proof layout (b's limbs swapped), ready for `verifyProof` / `submitProof`. */
export interface SolidityProof {
  a: readonly [bigint, bigint];
  b: readonly [readonly [bigint, bigint], readonly [bigint, bigint]];
  c: readonly [bigint, bigint];
}

export interface InferenceProof {
  /** snarkjs proof object (for off-chain verification). */
  proof: Groth16Proof;
  /** Public signals as decimal strings, in circuit order. */
  publicSignals: string[];
  /** The same public signals by name. */
  signals: MnistMlpPublicSignals;
  /** Proof and public signals as the on-chain verifier takes them. */
  calldata: { proof: SolidityProof; publicSignals: readonly [bigint, bigint, bigint, bigint] };
  /** Every intermediate value of the inference (logits, predicted digit, ...). */
  trace: InferenceTrace;
}

export interface ProveInferenceParams {
  model: QuantisedModel;
  /** Either a quantised input (49 values 0..15) or a 28 x 28 byte image. */
  input: readonly number[] | Uint8Array;
  taskBinding: bigint;
  inputSalt?: bigint;
  artifacts: ProverArtifacts;
}

/** Computes the witness of a circuit input into memory (snarkjs .wtns format). */
export async function computeWitness(
  circuitInput: snarkjs.CircuitSignals,
  wasm: string | Uint8Array,
): Promise<Uint8Array> {
  const wtns: { type: "mem"; data?: Uint8Array } = { type: "mem" };
  await snarkjs.wtns.calculate(circuitInput, wasm, wtns);
  if (!wtns.data) throw new Error("witness calculation produced no data");
  return wtns.data;
}

/** Converts a snarkjs proof to the Solidity verifier layout (swaps the G2 limbs of b). */
export function toSolidityProof(proof: Groth16Proof): SolidityProof {
  const n = (s: string | undefined): bigint => {
    if (s === undefined) throw new Error("malformed proof");
    return BigInt(s);
  };
  const [a, b, c] = [proof.pi_a, proof.pi_b, proof.pi_c];
  return {
    a: [n(a[0]), n(a[1])],
    b: [
      [n(b[0]?.[1]), n(b[0]?.[0])],
      [n(b[1]?.[1]), n(b[1]?.[0])],
    ],
    c: [n(c[0]), n(c[1])],
  };
}

/**
 * Runs the reference inference, computes the witness and a Groth16 proof bound to `taskBinding`.
 * This is what a provider calls; the result's `calldata` goes to TaskMarket.submitProof.
 */
export async function proveInference(params: ProveInferenceParams): Promise<InferenceProof> {
  const input = params.input instanceof Uint8Array ? quantiseImage(params.input) : params.input;
  const built = await buildCircuitInput({
    model: params.model,
    input,
    taskBinding: params.taskBinding,
    inputSalt: params.inputSalt ?? 0n,
  });
  const wtns = await computeWitness(built.circuitInput, params.artifacts.wasm);
  const { proof, publicSignals } = await snarkjs.groth16.prove(params.artifacts.zkey, {
    type: "mem",
    data: wtns,
  });
  const expected = PUBLIC_SIGNAL_NAMES.map((name) => built.publicSignals[name].toString());
  if (publicSignals.length !== 4 || publicSignals.some((s, i) => s !== expected[i])) {
    throw new Error(`prover returned unexpected public signals ${JSON.stringify(publicSignals)}`);
  }
  const s = built.publicSignals;
  return {
    proof,
    publicSignals,
    signals: s,
    calldata: {
      proof: toSolidityProof(proof),
      publicSignals: [s.modelCommitment, s.inputCommitment, s.outputWord, s.taskBinding],
    },
    trace: built.trace,
  };
}

/** Verifies a proof off-chain against a verification key (verification_key.json). */
export async function verifyInferenceProof(
  vkey: VerificationKey,
  publicSignals: readonly string[],
  proof: Groth16Proof,
): Promise<boolean> {
  return snarkjs.groth16.verify(vkey, [...publicSignals], proof);
}

/**
 * Stops the worker threads snarkjs keeps for the BN254 curve (cached on `globalThis.curve_bn128`), so a process
 * that has finished proving can exit. Proving again afterwards builds the curve anew.
 */
export async function releaseProverThreads(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  const curve = g.curve_bn128;
  g.curve_bn128 = null;
  await curve?.terminate();
}
