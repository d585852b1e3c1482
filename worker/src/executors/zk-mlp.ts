/**
 * zk-mlp: verifiable MNIST MLP inference. Runs the TypeScript reference (sdk/src/zk, bit-identical to the circuit),
 * builds the circuit input with the task binding and proves it in the warm `ProverPool`.
 *
 * Task input (the blob behind `inputURI`, after decryption): "zk-mlp input v1" (sdk/src/zk/input.ts), quantised
 * pixels or a 28 × 28 image and the input commitment's salt. The worker checks Poseidon(x, salt) == spec.inputCommitment
 * before it claims.
 *
 * Output (the `output` bytes of submitProof / ProofAccepted): the packed logits as one 32-byte big-endian word,
 * `packOutput(logits)`; anyone checks `Poseidon(word) == outputCommitment` and reads the logits with `unpackOutput`.
 * Model artifact: the quantised model JSON (`parseModel`), whose Poseidon commitment must equal the spec's.
 */
import { readFile } from "node:fs/promises";
import {
  BatchProver,
  MNIST_BATCH_SIZES,
  buildCircuitInput,
  inputCommitment,
  mnistMlpArtifacts,
  modelCommitment,
  packOutput,
  parseModel,
  toSolidityProof,
  type BatchWitness,
  type MnistBatchSize,
  type QuantisedModel,
  type SolidityProof,
} from "../../../sdk/src/zk/index.ts";
import { readZkInput, ZkInputError, type ZkInput } from "../../../sdk/src/zk/input.ts";
import { ExecutionError, type ModelArtifact } from "./types.ts";
import type { ProverPool } from "./prover-pool.ts";

export type { ZkInput };

export interface ZkProveResult {
  /** The proven output word (public signal 2): the logits packed as unsigned 18-bit slots. */
  outputWord: bigint;
  proof: SolidityProof;
  publicSignals: readonly [bigint, bigint, bigint, bigint];
  inferenceMs: number;
  proofMs: number;
}

/** One task of a batched proof: its input blob, commitment and binding. */
export interface ZkBatchSlot {
  input: Uint8Array;
  inputCommitment: bigint;
  binding: bigint;
}

/** A batch's witness, computed and ready to prove (opaque to the worker). */
export interface ZkBatchWitness {
  readonly batchSize: number;
  readonly tasks: number;
  readonly witnessMs: number;
}

export interface ZkBatchProveResult {
  batchSize: number;
  proof: SolidityProof;
  /** Output word of each task slot, in slot order. */
  outputs: bigint[];
  /** Output word of a padding slot (`padOutput` of submitProofBatch; 0 when no slot is padding). */
  padOutput: bigint;
  witnessMs: number;
  proveMs: number;
}

/**
 * Batched proving (issue #13): k tasks of one model per proof, the witness calculator and the proving key kept in
 * memory per circuit. `witness` and `prove` are separate so that the worker overlaps them (zk-batch.ts).
 */
export interface ZkBatchProving {
  /** Batch sizes with a circuit (1 = the single-task circuit). */
  readonly sizes: readonly number[];
  /** Checks the model, runs the reference inference of every slot and computes the witness. @throws ExecutionError. */
  witness(args: {
    batchSize: number;
    model: ModelArtifact;
    modelCommitment: bigint;
    slots: readonly ZkBatchSlot[];
  }): Promise<ZkBatchWitness>;
  /** Proves a witness from {witness}. @throws ExecutionError. */
  prove(witness: ZkBatchWitness): Promise<ZkBatchProveResult>;
}

/** What the worker needs from a ZK executor (tests substitute one that works with the MockVerifier). */
export interface ZkExecutor {
  readonly kind: "zk-mlp";
  /** Parses the input and checks it against the spec's input commitment. @throws ExecutionError `bad-input`. */
  checkInput(input: Uint8Array, expectedCommitment: bigint): Promise<ZkInput>;
  /** Runs the model and proves it for `binding`. @throws ExecutionError. */
  prove(args: {
    input: Uint8Array;
    model: ModelArtifact;
    modelCommitment: bigint;
    inputCommitment: bigint;
    binding: bigint;
  }): Promise<ZkProveResult>;
  /** Batched proofs, when the executor has batch circuits. */
  readonly batch?: ZkBatchProving;
  close(): Promise<void>;
}

/** Reads "zk-mlp input v1" (`readZkInput` of the SDK). @throws ExecutionError `bad-input` saying what was wrong. */
export function parseZkInput(bytes: Uint8Array): ZkInput {
  try {
    return readZkInput(bytes);
  } catch (err) {
    if (err instanceof ZkInputError) throw new ExecutionError("bad-input", err.message);
    throw err;
  }
}

export interface ZkMlpExecutorOptions {
  pool: ProverPool;
  /** Witness generator and proving key; default the committed circuits/artifacts. */
  artifacts?: { wasm: string; zkey: string };
  /** Batched proofs with the committed mnist_mlp_b<k> circuits (in this process, snarkjs' threads); default true. */
  batch?: boolean;
}

interface MlpBatchWitness extends ZkBatchWitness {
  prover: BatchProver;
  inner: BatchWitness;
}

export class ZkMlpExecutor implements ZkExecutor {
  readonly kind = "zk-mlp" as const;
  readonly #pool: ProverPool;
  readonly #artifacts: Promise<{ wasm: string; zkey: string }>;
  readonly #models = new Map<string, Promise<{ model: QuantisedModel; commitment: bigint }>>();
  /** Batch provers by model artifact hash and batch size (witness calculator compiled once, zkey in memory). */
  readonly #batchProvers = new Map<string, Promise<BatchProver>>();
  readonly batch: ZkBatchProving | undefined;

  constructor(options: ZkMlpExecutorOptions) {
    this.#pool = options.pool;
    this.batch =
      options.batch === false
        ? undefined
        : {
            sizes: MNIST_BATCH_SIZES,
            witness: (args) => this.#batchWitness(args),
            prove: (w) => this.#batchProve(w as MlpBatchWitness),
          };
    this.#artifacts = options.artifacts
      ? Promise.resolve(options.artifacts)
      : mnistMlpArtifacts().then((a) => ({ wasm: String(a.wasm), zkey: String(a.zkey) }));
  }

  async checkInput(input: Uint8Array, expectedCommitment: bigint): Promise<ZkInput> {
    const parsed = parseZkInput(input);
    const actual = await inputCommitment(parsed.x, parsed.salt);
    if (actual !== expectedCommitment)
      throw new ExecutionError(
        "bad-input",
        `zk-mlp input: Poseidon commitment ${actual} does not match the task's ${expectedCommitment}`,
      );
    return parsed;
  }

  #model(artifact: ModelArtifact) {
    let p = this.#models.get(artifact.sha256);
    if (!p) {
      p = (async () => {
        let model: QuantisedModel;
        try {
          model = parseModel(JSON.parse(await readFile(artifact.path, "utf8")));
        } catch (err) {
          throw new ExecutionError("bad-model", `zk-mlp model ${artifact.id}: ${(err as Error).message}`, {
            cause: err,
          });
        }
        return { model, commitment: await modelCommitment(model) };
      })();
      this.#models.set(artifact.sha256, p);
      p.catch(() => this.#models.delete(artifact.sha256));
    }
    return p;
  }

  async prove(args: {
    input: Uint8Array;
    model: ModelArtifact;
    modelCommitment: bigint;
    inputCommitment: bigint;
    binding: bigint;
  }): Promise<ZkProveResult> {
    const { model, commitment } = await this.#model(args.model);
    if (commitment !== args.modelCommitment)
      throw new ExecutionError(
        "bad-model",
        `zk-mlp model ${args.model.id}: weights commitment ${commitment} differs from the task's ${args.modelCommitment}`,
      );
    const input = await this.checkInput(args.input, args.inputCommitment);
    const t0 = performance.now();
    const built = await buildCircuitInput({
      model,
      input: input.x,
      taskBinding: args.binding,
      inputSalt: input.salt,
    });
    const inferenceMs = performance.now() - t0;
    const { wasm, zkey } = await this.#artifacts;
    const result = await this.#pool.prove({ wasmPath: wasm, zkeyPath: zkey, input: built.circuitInput });
    const s = built.publicSignals;
    const expected = [s.modelCommitment, s.inputCommitment, s.outputWord, s.taskBinding].map(String);
    if (result.publicSignals.length !== 4 || result.publicSignals.some((v, i) => v !== expected[i]))
      throw new ExecutionError(
        "output",
        `zk-mlp: prover returned unexpected public signals ${JSON.stringify(result.publicSignals)}`,
      );
    if (s.outputWord !== packOutput(built.trace.logits))
      throw new ExecutionError("output", "zk-mlp: the output word is not the packed logits of the reference");
    return {
      outputWord: s.outputWord,
      proof: toSolidityProof(result.proof as never),
      publicSignals: [s.modelCommitment, s.inputCommitment, s.outputWord, s.taskBinding],
      inferenceMs,
      proofMs: result.elapsedMs,
    };
  }

  #batchProver(artifact: ModelArtifact, model: QuantisedModel, batchSize: number): Promise<BatchProver> {
    if (!(MNIST_BATCH_SIZES as readonly number[]).includes(batchSize))
      throw new ExecutionError("runtime", `zk-mlp: no circuit for batches of ${batchSize}`);
    const key = `${artifact.sha256}:${batchSize}`;
    let p = this.#batchProvers.get(key);
    if (!p) {
      p = BatchProver.load({ model, batchSize: batchSize as MnistBatchSize });
      this.#batchProvers.set(key, p);
      p.catch(() => this.#batchProvers.delete(key));
    }
    return p;
  }

  async #batchWitness(args: {
    batchSize: number;
    model: ModelArtifact;
    modelCommitment: bigint;
    slots: readonly ZkBatchSlot[];
  }): Promise<MlpBatchWitness> {
    const { model, commitment } = await this.#model(args.model);
    if (commitment !== args.modelCommitment)
      throw new ExecutionError(
        "bad-model",
        `zk-mlp model ${args.model.id}: weights commitment ${commitment} differs from the task's ${args.modelCommitment}`,
      );
    const inputs = await Promise.all(args.slots.map((s) => this.checkInput(s.input, s.inputCommitment)));
    const prover = await this.#batchProver(args.model, model, args.batchSize);
    const inner = await prover.witness(
      inputs.map((x, i) => ({
        input: x.x,
        inputSalt: x.salt,
        taskBinding: (args.slots[i] as ZkBatchSlot).binding,
      })),
    );
    return { batchSize: args.batchSize, tasks: inner.tasks, witnessMs: inner.witnessMs, prover, inner };
  }

  async #batchProve(w: MlpBatchWitness): Promise<ZkBatchProveResult> {
    let proof;
    try {
      proof = await w.prover.proveWitness(w.inner);
    } catch (err) {
      throw new ExecutionError("crashed", `zk-mlp batch proof: ${(err as Error).message}`, { cause: err });
    }
    for (const slot of proof.slots)
      if (slot.outputWord !== packOutput(slot.trace.logits))
        throw new ExecutionError(
          "output",
          "zk-mlp: the output word is not the packed logits of the reference",
        );
    return {
      batchSize: w.batchSize,
      proof: proof.calldata.proof,
      outputs: proof.slots.map((s) => s.outputWord),
      padOutput: proof.padOutput,
      witnessMs: proof.timings.witnessMs,
      proveMs: proof.timings.proveMs,
    };
  }

  async close(): Promise<void> {
    // The pool belongs to the caller.
  }
}
