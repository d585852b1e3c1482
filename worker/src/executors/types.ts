/** The common executor contract: one per model kind (zk-mlp, onnx, wasm). */
import type { ExecutorKind } from "../config.ts";

export type { ExecutorKind } from "../config.ts";

/** A model whose artifact the caller has already fetched and verified (sha256) to a local file. */
export interface ModelArtifact {
  /** ModelRegistry id (decimal string). */
  id: string;
  kind: ExecutorKind;
  /** Local path of the artifact (ONNX file, WASM module, …). */
  path: string;
  /** sha256 (hex) of the artifact; the executors cache compiled models by it. */
  sha256: string;
}

export interface ExecutionResult {
  output: Uint8Array;
  /** Wall-clock time of the run itself (model loading excluded when cached). */
  elapsedMs: number;
}

export interface Executor {
  readonly kind: ExecutorKind;
  /** Whether this executor can run `model` (kind and, where cheap to know, format). */
  supports(model: ModelArtifact): boolean;
  /** Runs `model` on `input` (encoding per kind: see docs/WORKER.md). Rejects with `ExecutionError`. */
  execute(input: Uint8Array, model: ModelArtifact): Promise<ExecutionResult>;
  /** Releases sessions, threads and caches. */
  close(): Promise<void>;
}

export type ExecutionErrorCode =
  | "bad-input"
  | "bad-model"
  | "forbidden-import"
  | "timeout"
  | "memory-limit"
  | "trap"
  | "output"
  | "crashed"
  | "closed"
  | "runtime";

/** Every executor failure; `code` tells the task pipeline whether the task or the worker is at fault. */
export class ExecutionError extends Error {
  readonly code: ExecutionErrorCode;
  constructor(code: ExecutionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ExecutionError";
    this.code = code;
  }
}
