/**
 * ONNX executor (onnxruntime-node). At start it chooses the execution provider: CUDA when a GPU was
 * detected and the CUDA provider loads (probed with a one-node Identity model), CPU otherwise. The
 * choice and its reason are logged and exposed as `backend` / `backendReason` (the metrics gauge).
 *
 * Input and output bytes are EAIT v1 named tensors (`@eai/sdk/tasks/tensors`); inputs must name exactly the
 * model's inputs; outputs come in the model's output order.
 */
import * as ort from "onnxruntime-node";
import type { Logger } from "../logger.ts";
import { silentLogger } from "../logger.ts";
import {
  decodeTensors,
  encodeTensors,
  TensorCodecError,
  type NamedTensor,
  type TensorDType,
  type TensorData,
} from "@eai/sdk/tasks/tensors";
import { ExecutionError, type ExecutionResult, type Executor, type ModelArtifact } from "./types.ts";

export type OnnxBackend = "cuda" | "cpu";

/** Identity over float32[1] (built by worker/scripts/build-test-model.ts; a test checks it matches). */
export const PROBE_MODEL_BASE64 =
  "CAgSG2VhaS13b3JrZXIvYnVpbGQtdGVzdC1tb2RlbBoBMTo/ChQKAXgSAXkaAmlkIghJZGVudGl0eRIFcHJvYmVaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAR";

export interface OnnxExecutorOptions {
  /** A GPU was detected (hardware.ts); only then is CUDA tried. */
  gpuAvailable: boolean;
  logger?: Logger;
  /** Intra-op threads for CPU sessions (default: onnxruntime's choice). */
  intraOpThreads?: number;
  /** Compiled sessions kept (LRU by artifact sha256); default 8. */
  maxSessions?: number;
}

/** Tries to create a session on `provider`; resolves null when it works, else the error text. */
export async function probeExecutionProvider(provider: string): Promise<string | null> {
  try {
    const session = await ort.InferenceSession.create(Buffer.from(PROBE_MODEL_BASE64, "base64"), {
      executionProviders: [provider],
      logSeverityLevel: 4,
    });
    const result = await session.run({ x: new ort.Tensor("float32", new Float32Array([1]), [1]) });
    const ok = (result.y?.data as Float32Array | undefined)?.[0] === 1;
    await session.release();
    return ok ? null : `${provider} probe returned a wrong result`;
  } catch (err) {
    return (err as Error).message.split("\n")[0] ?? "unknown error";
  }
}

function toOrtTensor(t: NamedTensor): ort.Tensor {
  return new ort.Tensor(t.dtype, t.data, t.dims);
}

function fromOrtTensor(name: string, t: ort.Tensor): NamedTensor {
  const dtype = t.type as TensorDType;
  const supported: readonly string[] = ["float32", "float64", "int8", "uint8", "int32", "int64", "bool"];
  if (!supported.includes(t.type))
    throw new ExecutionError("output", `output ${name}: dtype ${t.type} cannot be encoded`);
  return { name, dtype, dims: [...t.dims], data: t.data as TensorData };
}

export class OnnxExecutor implements Executor {
  readonly kind = "onnx" as const;
  readonly backend: OnnxBackend;
  readonly backendReason: string;
  readonly #log: Logger;
  readonly #options: OnnxExecutorOptions;
  readonly #sessions = new Map<string, Promise<ort.InferenceSession>>();
  #closed = false;

  private constructor(backend: OnnxBackend, reason: string, options: OnnxExecutorOptions) {
    this.backend = backend;
    this.backendReason = reason;
    this.#options = options;
    this.#log = options.logger ?? silentLogger();
  }

  /** Probes the execution provider and returns a ready executor. */
  static async create(options: OnnxExecutorOptions): Promise<OnnxExecutor> {
    const log = options.logger ?? silentLogger();
    let backend: OnnxBackend = "cpu";
    let reason = "no GPU detected";
    if (options.gpuAvailable) {
      const cudaError = await probeExecutionProvider("cuda");
      if (cudaError === null) {
        backend = "cuda";
        reason = "GPU detected and the CUDA execution provider loaded";
      } else {
        reason = `GPU detected but the CUDA execution provider failed: ${cudaError}`;
      }
    }
    const cpuError = backend === "cpu" ? await probeExecutionProvider("cpu") : null;
    if (cpuError !== null)
      throw new ExecutionError("runtime", `onnxruntime CPU provider failed: ${cpuError}`);
    log.info({ executor: "onnx", backend, reason }, "onnx execution provider chosen");
    return new OnnxExecutor(backend, reason, options);
  }

  supports(model: ModelArtifact): boolean {
    return model.kind === "onnx";
  }

  #session(model: ModelArtifact): Promise<ort.InferenceSession> {
    const cached = this.#sessions.get(model.sha256);
    if (cached) {
      // LRU: move to the end.
      this.#sessions.delete(model.sha256);
      this.#sessions.set(model.sha256, cached);
      return cached;
    }
    const created = ort.InferenceSession.create(model.path, {
      executionProviders: this.backend === "cuda" ? ["cuda", "cpu"] : ["cpu"],
      // onnxruntime rejects an explicit `undefined`: leave the field out to get its default thread count.
      ...(this.#options.intraOpThreads === undefined
        ? {}
        : { intraOpNumThreads: this.#options.intraOpThreads }),
      graphOptimizationLevel: "all",
      logSeverityLevel: 3,
    });
    created.catch(() => this.#sessions.delete(model.sha256));
    this.#sessions.set(model.sha256, created);
    const max = this.#options.maxSessions ?? 8;
    while (this.#sessions.size > max) {
      const oldest = this.#sessions.keys().next().value as string;
      const evicted = this.#sessions.get(oldest);
      this.#sessions.delete(oldest);
      void evicted?.then((s) => s.release()).catch(() => {});
    }
    return created;
  }

  async execute(input: Uint8Array, model: ModelArtifact): Promise<ExecutionResult> {
    if (this.#closed) throw new ExecutionError("closed", "onnx executor is closed");
    if (!this.supports(model))
      throw new ExecutionError("bad-model", `onnx executor cannot run a ${model.kind} model`);
    let tensors: NamedTensor[];
    try {
      tensors = decodeTensors(input);
    } catch (err) {
      if (err instanceof TensorCodecError) throw new ExecutionError("bad-input", err.message);
      throw err;
    }
    let session: ort.InferenceSession;
    try {
      session = await this.#session(model);
    } catch (err) {
      throw new ExecutionError(
        "bad-model",
        `model ${model.id}: onnxruntime cannot load ${model.path}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const given = tensors.map((t) => t.name).sort();
    const wanted = [...session.inputNames].sort();
    if (given.join("\u0000") !== wanted.join("\u0000")) {
      throw new ExecutionError(
        "bad-input",
        `model ${model.id} expects inputs [${wanted.join(", ")}], got [${given.join(", ")}]`,
      );
    }
    const feeds: Record<string, ort.Tensor> = {};
    for (const t of tensors) feeds[t.name] = toOrtTensor(t);
    const started = performance.now();
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await session.run(feeds);
    } catch (err) {
      throw new ExecutionError(
        "bad-input",
        `model ${model.id}: inference failed: ${(err as Error).message.split("\n")[0]}`,
        { cause: err },
      );
    }
    const elapsedMs = performance.now() - started;
    const outputs = session.outputNames.map((name) => {
      const t = results[name];
      if (!t) throw new ExecutionError("output", `model ${model.id}: output ${name} missing`);
      return fromOrtTensor(name, t);
    });
    this.#log.debug({ executor: "onnx", model: model.id, elapsedMs }, "onnx inference done");
    return { output: encodeTensors(outputs), elapsedMs };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map((p) => p.then((s) => s.release()).catch(() => {})));
  }
}
