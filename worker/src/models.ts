/**
 * Models from ModelRegistry: kind and status (cached), and their artifacts fetched by URI into
 * `<stateDir>/models/<sha256>` (size cap, sha256 checked for `eai://` URIs, atomic write) for the executors.
 */
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { modelRegistryAbi } from "@eai/sdk/abis";
import { digestOfUri, sha256Hex, type BlobStorage } from "@eai/sdk/storage";
import type { ExecutorKind } from "./config.ts";
import type { ModelArtifact } from "./executors/types.ts";
import {
  defaultProfile,
  parseExecutionProfile,
  profileFromRegistry,
  type ExecutionProfile,
} from "./executors/profile.ts";
import type { ChainContext } from "./chain/client.ts";

/** ModelKind (contracts/types/Resources.sol) → executor kind. */
export const MODEL_KINDS: readonly ExecutorKind[] = ["zk-mlp", "onnx", "wasm"];

export interface ModelInfo {
  id: bigint;
  kind: ExecutorKind;
  active: boolean;
  weightsCommitment: bigint;
  artifactURI: string;
  inputSize: number;
  outputSize: number;
  /**
   * How the model's results are produced and compared (ModelRegistry's execution profile, `defaultProfile(kind)` for
   * a model registered without one). Absent only when the registry's profile is invalid: see `profileError`.
   */
  profile?: ExecutionProfile;
  /** Why the registry's profile was refused (no task of this model can be run comparably). */
  profileError?: string;
}

/**
 * The execution profile of a model as ModelRegistry gives it (a plain object; absent on registries without
 * profiles, then defaulted), or the reason it is refused.
 */
export function profileOf(
  kind: ExecutorKind,
  raw: unknown,
): { profile: ExecutionProfile } | { profileError: string } {
  if (raw === undefined || raw === null) return { profile: defaultProfile(kind) };
  try {
    return { profile: parseExecutionProfile(profileFromRegistry(raw)) };
  } catch (err) {
    return { profileError: (err as Error).message };
  }
}

export class ModelError extends Error {
  readonly code: "unknown-model" | "artifact-unavailable" | "artifact-invalid";
  constructor(code: ModelError["code"], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ModelError";
    this.code = code;
  }
}

export interface ModelStoreOptions {
  ctx: ChainContext;
  stateDir: string;
  /** Where artifacts are fetched from (the worker's storage backend). */
  storage: BlobStorage;
  maxModelBytes: number;
  /** How long a model's `active` flag is trusted (default 60 s). Kind and commitment never change. */
  ttlMs?: number;
}

export class ModelStore {
  readonly #o: ModelStoreOptions;
  readonly #info = new Map<string, { info: ModelInfo | undefined; at: number }>();
  readonly #artifacts = new Map<string, Promise<ModelArtifact>>();

  constructor(options: ModelStoreOptions) {
    this.#o = options;
  }

  /** The model, or undefined when the registry does not know it. */
  async info(modelId: bigint): Promise<ModelInfo | undefined> {
    const key = modelId.toString();
    const cached = this.#info.get(key);
    if (cached && Date.now() - cached.at < (this.#o.ttlMs ?? 60_000)) return cached.info;
    const count = await this.#o.ctx.publicClient.readContract({
      address: this.#o.ctx.addresses.ModelRegistry,
      abi: modelRegistryAbi,
      functionName: "modelCount",
    });
    let info: ModelInfo | undefined;
    if (modelId >= 1n && modelId <= count) {
      const m = await this.#o.ctx.publicClient.readContract({
        address: this.#o.ctx.addresses.ModelRegistry,
        abi: modelRegistryAbi,
        functionName: "getModel",
        args: [modelId],
      });
      const kind = MODEL_KINDS[m.kind];
      if (kind !== undefined) {
        info = {
          id: modelId,
          kind,
          active: m.active,
          weightsCommitment: m.weightsCommitment,
          artifactURI: m.artifactURI,
          inputSize: m.inputSize,
          outputSize: m.outputSize,
          ...profileOf(kind, m.profile),
        };
      }
    }
    this.#info.set(key, { info, at: Date.now() });
    return info;
  }

  /** The model's artifact as a local, verified file (downloaded once, then cached on disk and in memory). */
  artifact(model: ModelInfo): Promise<ModelArtifact> {
    const key = `${model.id}:${model.artifactURI}`;
    let p = this.#artifacts.get(key);
    if (!p) {
      p = this.#fetch(model);
      this.#artifacts.set(key, p);
      p.catch(() => this.#artifacts.delete(key));
    }
    return p;
  }

  async #fetch(model: ModelInfo): Promise<ModelArtifact> {
    const dir = join(this.#o.stateDir, "models");
    await mkdir(dir, { recursive: true });
    let expected: string | undefined;
    try {
      expected = digestOfUri(model.artifactURI); // undefined for an http(s) URL: hash computed after download
    } catch {
      expected = undefined; // malformed: the fetch below says so
    }
    if (expected !== undefined) {
      const path = join(dir, expected);
      if (
        await stat(path).then(
          (s) => s.isFile(),
          () => false,
        )
      ) {
        return { id: model.id.toString(), kind: model.kind, path, sha256: expected, profile: model.profile };
      }
    }
    let bytes: Uint8Array;
    try {
      bytes = await this.#o.storage.fetch(model.artifactURI, {
        expectedSha256: expected,
        maxBytes: this.#o.maxModelBytes,
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new ModelError(
        code === "network" || code === "http" ? "artifact-unavailable" : "artifact-invalid",
        `model ${model.id} artifact ${model.artifactURI}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const sha256 = sha256Hex(bytes);
    const path = join(dir, sha256);
    const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await writeFile(tmp, bytes, { mode: 0o600 });
      await rename(tmp, path);
    } finally {
      await rm(tmp, { force: true });
    }
    return { id: model.id.toString(), kind: model.kind, path, sha256, profile: model.profile };
  }
}
