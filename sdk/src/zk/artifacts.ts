import { parseModel, type QuantisedModel } from "./model.ts";
import type { ProverArtifacts } from "./prover.ts";

const at = (rel: string): URL => new URL(`../../../circuits/${rel}`, import.meta.url);

/** URLs of the committed circuit artifacts and model inside this repository. */
export const MNIST_MLP_FILES = {
  wasm: at("artifacts/mnist_mlp.wasm"),
  zkey: at("artifacts/mnist_mlp_final.zkey"),
  verificationKey: at("artifacts/verification_key.json"),
  manifest: at("artifacts/manifest.json"),
  model: at("models/mnist-mlp.json"),
} as const;

/** Node: file paths of the committed wasm and zkey, for proveInference. */
export async function mnistMlpArtifacts(): Promise<ProverArtifacts> {
  const { fileURLToPath } = await import("node:url");
  return { wasm: fileURLToPath(MNIST_MLP_FILES.wasm), zkey: fileURLToPath(MNIST_MLP_FILES.zkey) };
}

/** Node: reads and validates the committed quantised model. */
export async function loadMnistMlpModel(): Promise<QuantisedModel> {
  const { readFile } = await import("node:fs/promises");
  return parseModel(JSON.parse(await readFile(MNIST_MLP_FILES.model, "utf8")));
}

/** Node: reads the committed verification key. */
export async function loadMnistMlpVerificationKey(): Promise<import("snarkjs").VerificationKey> {
  const { readFile } = await import("node:fs/promises");
  return JSON.parse(
    await readFile(MNIST_MLP_FILES.verificationKey, "utf8"),
  ) as import("snarkjs").VerificationKey;
}
