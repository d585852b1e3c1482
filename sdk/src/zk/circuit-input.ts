import { inputCommitment, packModel, packOutput, poseidonChain } from "./commitment.ts";
import { toField } from "./field.ts";
import { infer, type InferenceTrace } from "./inference.ts";
import type { QuantisedModel } from "./model.ts";
import { MNIST_MLP_SPEC, SNARK_SCALAR_FIELD, type MnistMlpSpec } from "./spec.ts";

/** The `mnist_mlp` circuit's input signals as decimal strings (snarkjs' input format). */
export interface MnistMlpCircuitInput {
  [signal: string]: string | string[];
  modelCommitment: string;
  inputCommitment: string;
  outputWord: string;
  taskBinding: string;
  w1Packed: string[];
  b1Packed: string;
  w2Packed: string[];
  b2Packed: string;
  x: string[];
  inputSalt: string;
  q1: string[];
  r1: string[];
  logits: string[];
}

/** The four public signals in circuit order (ProofLib: model, input, output, binding). */
export interface MnistMlpPublicSignals {
  modelCommitment: bigint;
  inputCommitment: bigint;
  /** The output itself: the logits packed as unsigned slots (packOutput), proven as public signal 2. */
  outputWord: bigint;
  taskBinding: bigint;
}

export interface BuildCircuitInputParams {
  model: QuantisedModel;
  /** Quantised input (49 values in 0..15), e.g. from quantiseImage. */
  input: readonly number[];
  /** Task binding (taskBinding()) already reduced below p. */
  taskBinding: bigint;
  /** Salt of the input commitment; 0 when the requester did not use one. */
  inputSalt?: bigint;
}

export interface BuiltCircuitInput {
  circuitInput: MnistMlpCircuitInput;
  publicSignals: MnistMlpPublicSignals;
  trace: InferenceTrace;
}

const dec = (v: bigint | number): string => toField(v).toString();

/** Runs the reference inference and assembles every circuit input signal, public signals included. */
export async function buildCircuitInput(
  { model, input, taskBinding, inputSalt = 0n }: BuildCircuitInputParams,
  spec: MnistMlpSpec = MNIST_MLP_SPEC,
): Promise<BuiltCircuitInput> {
  if (taskBinding < 0n || taskBinding >= SNARK_SCALAR_FIELD)
    throw new RangeError("taskBinding must be below p");
  const trace = infer(model, input, spec);
  const packed = packModel(model, spec);
  const publicSignals: MnistMlpPublicSignals = {
    modelCommitment: await poseidonChain(packed.elements),
    inputCommitment: await inputCommitment(trace.input, inputSalt, spec),
    outputWord: packOutput(trace.logits, spec),
    taskBinding,
  };
  const circuitInput: MnistMlpCircuitInput = {
    modelCommitment: publicSignals.modelCommitment.toString(),
    inputCommitment: publicSignals.inputCommitment.toString(),
    outputWord: publicSignals.outputWord.toString(),
    taskBinding: taskBinding.toString(),
    w1Packed: packed.w1Packed.map(dec),
    b1Packed: dec(packed.b1Packed),
    w2Packed: packed.w2Packed.map(dec),
    b2Packed: dec(packed.b2Packed),
    x: trace.input.map(dec),
    inputSalt: dec(inputSalt),
    q1: trace.q1.map(dec),
    r1: trace.r1.map(dec),
    logits: trace.logits.map(dec),
  };
  return { circuitInput, publicSignals, trace };
}

/** The public signals as the decimal array snarkjs returns and the verifier takes. */
export function publicSignalsArray(s: MnistMlpPublicSignals): [string, string, string, string] {
  return [
    s.modelCommitment.toString(),
    s.inputCommitment.toString(),
    s.outputWord.toString(),
    s.taskBinding.toString(),
  ];
}
