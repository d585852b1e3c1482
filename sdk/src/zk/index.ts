export { MNIST_MLP_SPEC, PUBLIC_SIGNAL_NAMES, SNARK_SCALAR_FIELD, circuitParams } from "./spec.ts";
export type { MnistMlpSpec, PublicSignalName } from "./spec.ts";
export { toField } from "./field.ts";
export { checkInput, quantiseImage, unitToBytes } from "./image.ts";
export { readZkInput, writeZkInput, ZkInputError } from "./input.ts";
export type { ZkInput } from "./input.ts";
export { modelBounds, parseModel, quantisedModelSchema } from "./model.ts";
export type { ModelBounds, QuantisedModel } from "./model.ts";
export { argmax, infer, requantise } from "./inference.ts";
export type { InferenceTrace } from "./inference.ts";
export {
  inputCommitment,
  modelCommitment,
  modelHeader,
  packInput,
  packModel,
  packOutput,
  packSigned,
  poseidon,
  poseidonChain,
  unpackOutput,
} from "./commitment.ts";
export { taskBinding } from "./binding.ts";
export type { TaskBindingParams } from "./binding.ts";
export { buildCircuitInput, publicSignalsArray } from "./circuit-input.ts";
export type {
  BuildCircuitInputParams,
  BuiltCircuitInput,
  MnistMlpCircuitInput,
  MnistMlpPublicSignals,
} from "./circuit-input.ts";
export {
  computeWitness,
  proveInference,
  releaseProverThreads,
  toSolidityProof,
  verifyInferenceProof,
} from "./prover.ts";
export type {
  Groth16Proof,
  InferenceProof,
  ProveInferenceParams,
  ProverArtifacts,
  SolidityProof,
  VerificationKey,
} from "./prover.ts";
export {
  MNIST_MLP_FILES,
  loadMnistMlpModel,
  loadMnistMlpVerificationKey,
  mnistMlpArtifacts,
} from "./artifacts.ts";
export {
  BatchProver,
  MNIST_BATCH_SIZES,
  PADDING_BINDING,
  loadMnistBatchVerificationKey,
  mnistBatchArtifacts,
} from "./batch.ts";
export type { BatchArtifacts, BatchProof, BatchSlot, BatchWitness, MnistBatchSize } from "./batch.ts";
