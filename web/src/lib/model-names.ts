/**
 * Model names. The ModelRegistry stores no name, only a content-addressed artifact (`eai://blob/sha256-…`), so the
 * app names the models the project deploys by their artifact's sha256 (deploy/ignition/modules/EAIProtocol.ts
 * registers mnist-mlp, deploy/demo-models.ts tiny-mlp and byte-sum; `model-names.test.ts` recomputes each digest
 * from the artifact files) and any other model by its kind and id ("ONNX model 4"). The same bytes give the same
 * name on every deployment; a changed artifact is a different model and loses the name.
 */

/** What the app knows about a model the project ships. */
export interface KnownModel {
  name: string;
  /** One line: what it computes. */
  description: string;
  /** How its task inputs are encoded, for the task page's input view. */
  input: "zk-mlp" | "eait" | "bytes";
}

/** The project's models by the sha256 (hex) of their artifact. */
export const KNOWN_MODELS: Readonly<Record<string, KnownModel>> = {
  "34a9ec0231dfa11ddfb5367540476194ff59a8147c56ac8bdda96b649a396ddf": {
    name: "mnist-mlp",
    description: "MNIST digits, 7 × 7 pixels → 10 logits, Groth16-proven",
    input: "zk-mlp",
  },
  "5c9463134b5e94b077e84749d1448530bbf6a8b7cc06a90f805cbbac18b34c7c": {
    name: "tiny-mlp",
    description: "ONNX MLP 4 → 8 → 3 (float32 tensor x [N, 4])",
    input: "eait",
  },
  "92daa3718920c5aa293ab9be81fb26e493bd9fdd718512e7f9caf2272af8e366": {
    name: "byte-sum",
    description: "WASM: the u32 little-endian sum of the input bytes",
    input: "bytes",
  },
};

const BLOB_URI = /^eai:\/\/blob\/sha256-([0-9a-f]{64})$/;

const KIND_WORDS: Readonly<Record<string, string>> = { ZK_MLP: "ZK", ONNX: "ONNX", WASM: "WASM" };

/** The project model an artifact URI names, if any. */
export function knownModelOf(artifactUri: string): KnownModel | undefined {
  const sha = BLOB_URI.exec(artifactUri)?.[1];
  return sha ? KNOWN_MODELS[sha] : undefined;
}

/** What naming a model needs of the indexer's row. */
export interface NameableModel {
  id: string;
  kind: string;
  artifactUri: string;
}

/** "mnist-mlp" for a project model, else "ONNX model 4". */
export function modelName(model: NameableModel): string {
  return knownModelOf(model.artifactUri)?.name ?? `${KIND_WORDS[model.kind] ?? model.kind} model ${model.id}`;
}
