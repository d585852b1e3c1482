/** The common executor contract: one per model kind (zk-mlp, onnx, wasm). */
import type { ExecutorKind } from "../config.ts";
import type { ExecutionProfile } from "./profile.ts";

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
  /** How results are produced and compared (ModelRegistry); absent = `defaultProfile(kind)`. */
  profile?: ExecutionProfile;
}

/** What an execution actually ran with (logged; part of a task's audit trail). */
export interface ExecutionRuntime {
  /** How the output bytes were canonicalised before hashing ("exact": as produced). */
  comparison: ExecutionProfile["comparison"];
  /** log2 of the quantisation step ("quantised" only). */
  quantStepLog2?: number;
  /** ONNX: execution provider, intra-op threads, graph optimisation level and onnxruntime version used. */
  executionProvider?: "cpu" | "cuda";
  intraOpThreads?: number;
  graphOptimizationLevel?: ExecutionProfile["graphOptimizationLevel"];
  runtimeVersion?: string;
}

export interface ExecutionResult {
  /** The canonical output bytes (docs/WORKER.md, "Deterministic results"): what is uploaded and hashed. */
  output: Uint8Array;
  /** Wall-clock time of the run itself (model loading excluded when cached). */
  elapsedMs: number;
  /** What the run used (absent for executors that have nothing to report). */
  runtime?: ExecutionRuntime;
}

export interface Executor {
  readonly kind: ExecutorKind;
  /** Whether this executor can run `model` (kind and, where cheap to know, format). */
  supports(model: ModelArtifact): boolean;
  /**
   * Why this executor cannot honour `profile` (e.g. another onnxruntime version), or undefined when it can. The worker
   * asks before claiming: such a task is skipped, not faulted.
   */
  refuses?(profile: ExecutionProfile): string | undefined;
  /** Runs `model` on `input` (encoding per kind: see docs/WORKER.md). Rejects with `ExecutionError`. */
  execute(input: Uint8Array, model: ModelArtifact): Promise<ExecutionResult>;
  /** Releases sessions, processes and caches. */
  close(): Promise<void>;
}

export type ExecutionErrorCode =
  | "bad-input"
  | "bad-model"
  | "forbidden-import"
  | "limit"
  | "trap"
  | "output"
  | "timeout"
  | "cpu-limit"
  | "memory-limit"
  | "crashed"
  | "closed"
  | "unsupported-profile"
  | "runtime";

/**
 * Codes that are the task's fault by default: deterministic, the same on every honest machine (the model traps, the
 * input is malformed, a limit of the published ABI is exceeded). Everything else depends on this worker (its
 * memory, CPU and time limits, a crashed or closed executor, a runtime it lacks) and is a worker fault.
 */
export const TASK_FAULT_CODES: ReadonlySet<ExecutionErrorCode> = new Set([
  "bad-input",
  "bad-model",
  "forbidden-import",
  "limit",
  "trap",
  "output",
]);

/** Every executor failure; `code` says what happened, `taskFault` whose fault it is. */
export class ExecutionError extends Error {
  readonly code: ExecutionErrorCode;
  /**
   * True when the failure is deterministic and caused by the task (model or input): every honest worker gets the
   * same. False for failures of this worker (killed under its own memory/CPU/time limit, crashed, closed, missing
   * runtime): those are retried a bounded number of times and never reported as the task's fault.
   */
  readonly taskFault: boolean;
  constructor(code: ExecutionErrorCode, message: string, options?: { cause?: unknown; taskFault?: boolean }) {
    super(message, options);
    this.name = "ExecutionError";
    this.code = code;
    this.taskFault = options?.taskFault ?? TASK_FAULT_CODES.has(code);
  }
}
