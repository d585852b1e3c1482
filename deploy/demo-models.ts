/**
 * The demo models `npm start` registers next to the MNIST ZK model (id 1, registered by the Ignition module), so a
 * fresh local network also runs REDUNDANT tasks:
 *
 *   id 2  tiny-mlp   ONNX   worker/fixtures/tiny-mlp.onnx: y = relu(x·W1 + b1)·W2 + b2, x float32 [N, 4] named
 *                           "x" → 3 float32 logits per row; input and output are EAIT tensor blobs (docs/WORKER.md)
 *   id 3  byte-sum  WASM   a 106-byte module (ABI v1): output = the u32 little-endian sum of the input bytes
 *
 * The ModelRegistry is permissionless: each model's artifact is uploaded to the blob store and registered with its
 * `eai://blob/sha256-…` URI (what workers download and check) and `weightsCommitment = uint256(sha256(artifact))`.
 * A REDUNDANT task has `redundancy` (odd, ≥ 3) stake-weighted draws; one provider may hold several, so fewer workers
 * still serve it, but only 3 or more make the votes independent. The demo models are not approved by governance,
 * so their tasks do not move reputation (the MNIST model, approved in the deployment, does).
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import {
  parseEventLogs,
  zeroAddress,
  type Account,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";

import { modelRegistryAbi } from "../sdk/src/generated/abis.ts";
import { uploadBlob } from "../sdk/src/storage/index.ts";
import { encodeTensors } from "@eai/sdk/tasks/tensors";
import { EXACT_PROFILE, NO_RESOURCES } from "./ignition/modules/EAIProtocol.ts";

/**
 * The ONNX demo model's profile: float outputs compared on a 2^-12 grid (docs/WORKER.md, "Deterministic results"),
 * any thread count and execution provider, full graph optimisation.
 */
export const QUANTISED_PROFILE = { ...EXACT_PROFILE, comparison: 1, quantStepLog2: -12 } as const;

/** ModelKind (contracts/types/Resources.sol). */
const ModelKind = { ONNX: 1, WASM: 2 } as const;

/**
 * byte-sum.wasm, assembled by hand (WASM ABI v1): imports `env.memory`, exports `run(inPtr, inLen) -> outPtr`;
 * sums the input bytes into a u32 and writes `[len = 4][sum]` (little-endian) at address 0.
 */
const BYTE_SUM_WASM_HEX =
  "0061736d0100000001070160027f7f017f020f0103656e76066d656d6f7279020001030201000707010372756e00000a39013701" +
  "027f02400340200220014f0d012003200020026a2d00006a2103200241016a21020c000b0b410041043602004104200336020041000b";

/** One demo model: what it is and how to build its artifact and a sample input. */
export interface DemoModel {
  name: string;
  kind: "onnx" | "wasm";
  inputSize: number;
  outputSize: number;
  description: string;
  /** The artifact file's bytes. */
  artifact(): Promise<Uint8Array>;
  /** A valid task input, and its file name in the demo folder. */
  sampleInput: { file: string; bytes: () => Uint8Array };
}

export const DEMO_MODELS: readonly DemoModel[] = [
  {
    name: "tiny-mlp",
    kind: "onnx",
    inputSize: 4,
    outputSize: 3,
    description: "ONNX MLP 4→8→3 (float32 tensor x [N, 4], EAIT blobs)",
    artifact: async () =>
      new Uint8Array(
        await readFile(fileURLToPath(new URL("../worker/fixtures/tiny-mlp.onnx", import.meta.url))),
      ),
    sampleInput: {
      file: "tiny-mlp-input.eait",
      bytes: () =>
        encodeTensors([
          { name: "x", dtype: "float32", dims: [1, 4], data: Float32Array.from([1, 0.5, -1, 2]) },
        ]),
    },
  },
  {
    name: "byte-sum",
    kind: "wasm",
    inputSize: 1,
    outputSize: 4,
    description: "WASM: u32 little-endian sum of the input bytes",
    artifact: async () => Uint8Array.from(Buffer.from(BYTE_SUM_WASM_HEX, "hex")),
    sampleInput: { file: "byte-sum-input.bin", bytes: () => new TextEncoder().encode("hello, EAI") },
  },
];

export interface RegisteredDemoModel {
  name: string;
  kind: DemoModel["kind"];
  modelId: bigint;
  artifactURI: string;
  description: string;
}

/**
 * Uploads each demo model's artifact to the blob store and registers it in the ModelRegistry from `wallet`'s
 * account (permissionless; the account becomes the model's creator and earns its creator fee).
 * @throws Error when the blob store refuses an upload or a registration reverts.
 */
export async function registerDemoModels(opts: {
  publicClient: PublicClient;
  wallet: WalletClient<Transport, Chain, Account>;
  modelRegistry: Address;
  blobStoreUrl: string;
}): Promise<RegisteredDemoModel[]> {
  const out: RegisteredDemoModel[] = [];
  for (const m of DEMO_MODELS) {
    const bytes = await m.artifact();
    const blob = await uploadBlob(opts.blobStoreUrl, bytes);
    const commitment = BigInt(`0x${createHash("sha256").update(bytes).digest("hex")}`);
    const hash = await opts.wallet.writeContract({
      address: opts.modelRegistry,
      abi: modelRegistryAbi,
      functionName: "registerModel",
      args: [
        m.kind === "onnx" ? ModelKind.ONNX : ModelKind.WASM,
        commitment,
        zeroAddress,
        blob.uri,
        m.inputSize,
        m.outputSize,
        NO_RESOURCES,
        0,
        m.kind === "onnx" ? QUANTISED_PROFILE : EXACT_PROFILE,
      ],
    });
    const receipt = await opts.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`registering the ${m.name} model reverted (${hash})`);
    const [event] = parseEventLogs({
      abi: modelRegistryAbi,
      logs: receipt.logs,
      eventName: "ModelRegistered",
    });
    if (!event) throw new Error(`registering the ${m.name} model emitted no ModelRegistered (${hash})`);
    out.push({
      name: m.name,
      kind: m.kind,
      modelId: event.args.modelId,
      artifactURI: blob.uri,
      description: m.description,
    });
  }
  return out;
}
