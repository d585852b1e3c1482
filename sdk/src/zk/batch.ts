/**
 * Batched proving (issue #13): one Groth16 proof for k inferences of one model with the `mnist_mlp_b<k>` circuits
 * (k = 1 is the single-task `mnist_mlp` circuit). Public signals, 1 + 3k, in this order (ProofLib.sol):
 *   [0] model commitment, [1 + i] input commitment of slot i, [1 + k + i] output word of slot i,
 *   [1 + 2k + i] task binding of slot i.
 * Slots past the tasks are padding: the all-zero input, salt 0 and binding 0 (TaskMarket settles nothing for them).
 *
 * A `BatchProver` keeps what a provider would otherwise redo for every proof: the witness calculator (the circuit's
 * wasm compiled once, instead of per proof as snarkjs' `wtns.calculate` does) and the proving key read into memory.
 */
import { WitnessCalculatorBuilder } from "circom_runtime";
import * as snarkjs from "snarkjs";
import type { Groth16Proof } from "snarkjs";
import { buildCircuitInput, type BuiltCircuitInput } from "./circuit-input.ts";
import { quantiseImage } from "./image.ts";
import type { InferenceTrace } from "./inference.ts";
import type { QuantisedModel } from "./model.ts";
import { toSolidityProof, type SolidityProof } from "./prover.ts";
import { MNIST_MLP_SPEC } from "./spec.ts";

/** Batch sizes with a committed circuit (circuits/circuits.json); 1 is the single-task circuit. */
export const MNIST_BATCH_SIZES = [1, 4, 11] as const;
export type MnistBatchSize = (typeof MNIST_BATCH_SIZES)[number];

/** The task binding of a padding slot (ZkLib.PADDING_BINDING). */
export const PADDING_BINDING = 0n;

/** One task of a batch. */
export interface BatchSlot {
  /** Either a quantised input (49 values 0..15) or a 28 x 28 byte image. */
  input: readonly number[] | Uint8Array;
  taskBinding: bigint;
  inputSalt?: bigint;
}

/** Where a batch circuit's witness generator and proving key are (paths or bytes). */
export interface BatchArtifacts {
  wasm: string | Uint8Array;
  zkey: string | Uint8Array;
}

export interface BatchProof {
  batchSize: number;
  /** Tasks proven (the other batchSize - tasks slots are padding). */
  tasks: number;
  proof: Groth16Proof;
  /** All 1 + 3k public signals as decimal strings, in circuit order. */
  publicSignals: string[];
  calldata: { proof: SolidityProof; publicSignals: readonly bigint[] };
  /** Per task slot: the output word (public signal 1 + k + i) and the reference trace (logits, digit). */
  slots: { outputWord: bigint; inputCommitment: bigint; taskBinding: bigint; trace: InferenceTrace }[];
  /** Output word of a padding slot (the model on the all-zero input): `padOutput` of submitProofBatch. */
  padOutput: bigint;
  /** Milliseconds spent: witness (inference + witness generation) and Groth16 proving. */
  timings: { witnessMs: number; proveMs: number };
}

/** A witness computed for a batch, ready to prove (lets a pipeline overlap witness and proving steps). */
export interface BatchWitness {
  batchSize: number;
  tasks: number;
  wtns: Uint8Array;
  built: BuiltCircuitInput[];
  pad: BuiltCircuitInput | undefined;
  witnessMs: number;
}

type Signals = Record<string, bigint | bigint[] | bigint[][]>;

interface WitnessCalculator {
  calculateWTNSBin(input: Signals, sanityCheck: number): Promise<Uint8Array>;
}

const ZERO_INPUT: readonly number[] = new Array<number>(MNIST_MLP_SPEC.nIn).fill(0);

/** Node: file paths of the committed artifacts of the circuit for `batchSize` tasks. */
export async function mnistBatchArtifacts(batchSize: MnistBatchSize): Promise<BatchArtifacts> {
  const { fileURLToPath } = await import("node:url");
  const base = batchSize === 1 ? "mnist_mlp" : `mnist_mlp_b${batchSize}`;
  const at = (f: string): string =>
    fileURLToPath(new URL(`../../../circuits/artifacts/${f}`, import.meta.url));
  return { wasm: at(`${base}.wasm`), zkey: at(`${base}_final.zkey`) };
}

/** Node: the committed verification key of the circuit for `batchSize` tasks. */
export async function loadMnistBatchVerificationKey(
  batchSize: MnistBatchSize,
): Promise<import("snarkjs").VerificationKey> {
  const { readFile } = await import("node:fs/promises");
  const file = batchSize === 1 ? "verification_key.json" : `mnist_mlp_b${batchSize}_verification_key.json`;
  return JSON.parse(
    await readFile(new URL(`../../../circuits/artifacts/${file}`, import.meta.url), "utf8"),
  ) as import("snarkjs").VerificationKey;
}

async function bytesOf(source: string | Uint8Array): Promise<Uint8Array> {
  if (typeof source !== "string") return source;
  const { readFile } = await import("node:fs/promises");
  return new Uint8Array(await readFile(source));
}

/** Proves up to `batchSize` inferences of one model per proof, reusing the witness calculator and the zkey. */
export class BatchProver {
  readonly batchSize: number;
  readonly model: QuantisedModel;
  private readonly calculator: WitnessCalculator;
  private readonly zkey: Uint8Array;

  private constructor(
    batchSize: number,
    model: QuantisedModel,
    calculator: WitnessCalculator,
    zkey: Uint8Array,
  ) {
    this.batchSize = batchSize;
    this.model = model;
    this.calculator = calculator;
    this.zkey = zkey;
  }

  /** Loads the circuit's wasm (compiled once) and its proving key (kept in memory). */
  static async load(params: {
    model: QuantisedModel;
    batchSize: MnistBatchSize;
    artifacts?: BatchArtifacts;
  }): Promise<BatchProver> {
    const artifacts = params.artifacts ?? (await mnistBatchArtifacts(params.batchSize));
    const [wasm, zkey] = await Promise.all([bytesOf(artifacts.wasm), bytesOf(artifacts.zkey)]);
    const calculator = (await WitnessCalculatorBuilder(wasm)) as WitnessCalculator;
    return new BatchProver(params.batchSize, params.model, calculator, zkey);
  }

  /** Runs the reference inference of every slot (padding included) and computes the witness. */
  async witness(slots: readonly BatchSlot[]): Promise<BatchWitness> {
    const k = this.batchSize;
    if (slots.length === 0 || slots.length > k) {
      throw new RangeError(`a batch of the ${k}-slot circuit holds 1..${k} tasks, got ${slots.length}`);
    }
    const start = performance.now();
    const built = await Promise.all(
      slots.map((s) =>
        buildCircuitInput({
          model: this.model,
          input: s.input instanceof Uint8Array ? quantiseImage(s.input) : s.input,
          taskBinding: s.taskBinding,
          inputSalt: s.inputSalt ?? 0n,
        }),
      ),
    );
    const pad =
      slots.length < k
        ? await buildCircuitInput({ model: this.model, input: ZERO_INPUT, taskBinding: PADDING_BINDING })
        : undefined;
    const all = [...built];
    while (all.length < k) all.push(pad as BuiltCircuitInput);
    const input = k === 1 ? singleSignals(all[0] as BuiltCircuitInput) : batchSignals(all);
    const wtns = await this.calculator.calculateWTNSBin(input, 0);
    return { batchSize: k, tasks: slots.length, wtns, built, pad, witnessMs: performance.now() - start };
  }

  /** Proves a witness from {witness} and checks the public signals the prover returns against the reference. */
  async proveWitness(w: BatchWitness): Promise<BatchProof> {
    const k = this.batchSize;
    const start = performance.now();
    const { proof, publicSignals } = await snarkjs.groth16.prove(this.zkey, { type: "mem", data: w.wtns });
    const proveMs = performance.now() - start;
    const slot = (i: number): BuiltCircuitInput => (w.built[i] ?? w.pad) as BuiltCircuitInput;
    const expected: bigint[] = [slot(0).publicSignals.modelCommitment];
    for (let i = 0; i < k; i++) expected.push(slot(i).publicSignals.inputCommitment);
    for (let i = 0; i < k; i++) expected.push(slot(i).publicSignals.outputWord);
    for (let i = 0; i < k; i++) expected.push(slot(i).publicSignals.taskBinding);
    if (publicSignals.length !== 1 + 3 * k || publicSignals.some((s, i) => s !== String(expected[i]))) {
      throw new Error(`prover returned unexpected public signals ${JSON.stringify(publicSignals)}`);
    }
    return {
      batchSize: k,
      tasks: w.tasks,
      proof,
      publicSignals,
      calldata: { proof: toSolidityProof(proof), publicSignals: expected },
      slots: w.built.map((b) => ({
        outputWord: b.publicSignals.outputWord,
        inputCommitment: b.publicSignals.inputCommitment,
        taskBinding: b.publicSignals.taskBinding,
        trace: b.trace,
      })),
      padOutput: w.pad?.publicSignals.outputWord ?? 0n,
      timings: { witnessMs: w.witnessMs, proveMs },
    };
  }

  /** {witness} then {proveWitness}. */
  async prove(slots: readonly BatchSlot[]): Promise<BatchProof> {
    return this.proveWitness(await this.witness(slots));
  }
}

/** Input signals of the single-task circuit from a built input. */
function singleSignals(b: BuiltCircuitInput): Signals {
  const out: Signals = {};
  for (const [name, value] of Object.entries(b.circuitInput)) {
    out[name] = Array.isArray(value) ? value.map(BigInt) : BigInt(value);
  }
  return out;
}

/** Input signals of a batch circuit: the model once, every per-task signal as an array over the slots. */
function batchSignals(all: readonly BuiltCircuitInput[]): Signals {
  const first = (all[0] as BuiltCircuitInput).circuitInput;
  const scalars = (name: "inputCommitment" | "outputWord" | "taskBinding" | "inputSalt"): bigint[] =>
    all.map((b) => BigInt(b.circuitInput[name]));
  const rows = (name: "x" | "q1" | "r1" | "logits"): bigint[][] =>
    all.map((b) => b.circuitInput[name].map(BigInt));
  return {
    modelCommitment: BigInt(first.modelCommitment),
    inputCommitment: scalars("inputCommitment"),
    outputWord: scalars("outputWord"),
    taskBinding: scalars("taskBinding"),
    w1Packed: first.w1Packed.map(BigInt),
    b1Packed: BigInt(first.b1Packed),
    w2Packed: first.w2Packed.map(BigInt),
    b2Packed: BigInt(first.b2Packed),
    x: rows("x"),
    inputSalt: scalars("inputSalt"),
    q1: rows("q1"),
    r1: rows("r1"),
    logits: rows("logits"),
  };
}
