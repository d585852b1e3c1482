/**
 * ONNX executor (onnxruntime-node in sandboxed child processes).
 *
 * At start it chooses the execution provider in a probe child: CUDA when a GPU was detected and the CUDA provider
 * loads (a one-node Identity model), CPU otherwise. The choice and its reason are logged and exposed as `backend` /
 * `backendReason` (the metrics gauge); the probe also tells the onnxruntime version (`runtimeVersion`).
 *
 * Every model runs in a pool of long-lived child processes (onnx-child.ts), one session each, keyed by the model and
 * the runtime settings its profile asks for (provider, intra-op threads, graph optimisation level): sessions are
 * costly to create, so children stay warm. Each child runs under the sandbox's limits (sandbox.ts: resident memory,
 * RLIMIT_DATA, CPU per run and per life, wall clock per load and per run); a child that is killed or crashes fails its
 * run (never the worker) and is replaced for the next. At most `maxSessions` children live at once (the least
 * recently used idle one makes room); `processesPerModel` children may serve one key in parallel; runs wait in FIFO
 * order. The worker process itself never loads an untrusted model.
 *
 * Input and output bytes are EAIT v1 named tensors (`@eai/sdk/tasks/tensors`); inputs must name exactly the
 * model's inputs; outputs come in the model's output order, then in the canonical form of the model's execution
 * profile (profile.ts): what the worker uploads and hashes.
 */
import { availableParallelism } from "node:os";
import { stat } from "node:fs/promises";
import { z } from "zod";
import type { Logger } from "../logger.ts";
import { silentLogger } from "../logger.ts";
import { decodeTensors, TensorCodecError } from "@eai/sdk/tasks/tensors";
import { canonicalOutput, defaultProfile, type ExecutionProfile } from "./profile.ts";
import { ONNX_LIMITS, type OnnxLimits } from "./onnx-inspect.ts";
import { SandboxProcess, type SandboxLimits } from "./sandbox.ts";
import {
  ExecutionError,
  type ExecutionErrorCode,
  type ExecutionResult,
  type ExecutionRuntime,
  type Executor,
  type ModelArtifact,
} from "./types.ts";

export type OnnxBackend = "cuda" | "cpu";

/** Identity over float32[1] (built by worker/scripts/build-test-model.ts; a test checks it matches). */
export const PROBE_MODEL_BASE64 =
  "CAgSG2VhaS13b3JrZXIvYnVpbGQtdGVzdC1tb2RlbBoBMTo/ChQKAXgSAXkaAmlkIghJZGVudGl0eRIFcHJvYmVaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAR";

const CHILD_URL = new URL("./onnx-child.ts", import.meta.url);

export interface OnnxExecutorOptions {
  /** A GPU was detected (hardware.ts); only then is CUDA tried. */
  gpuAvailable: boolean;
  logger?: Logger;
  /** Intra-op threads when a model's profile leaves the choice to the worker (default: available cores). */
  intraOpThreads?: number;
  /** Child processes (one session each) alive at once; default 4. */
  maxSessions?: number;
  /** Children one model (with one runtime setting) may use in parallel; default 1. */
  processesPerModel?: number;
  /** Resident memory per child (MiB); default 2048. */
  memoryMiB?: number;
  /** Wall-clock limit per run, and per model load (ms); default 60 000. */
  timeoutMs?: number;
  /** CPU time per run and per load, all threads (ms); default timeoutMs × the run's intra-op threads. */
  cpuMs?: number;
  /** Largest model file (bytes); default 256 MiB. */
  maxModelBytes?: number;
  /** Largest input and output (bytes); default 16 MiB and 64 MiB. */
  maxInputBytes?: number;
  maxOutputBytes?: number;
  /** Structural limits of the pre-check (onnx-inspect.ts). */
  onnxLimits?: Partial<OnnxLimits>;
}

/** The settings a run uses, resolved from the model's profile and this worker. */
interface Resolved {
  executionProvider: OnnxBackend;
  intraOpThreads: number;
  graphOptimizationLevel: ExecutionProfile["graphOptimizationLevel"];
}

interface Slot {
  key: string;
  process: SandboxProcess | undefined;
  /** Resolves when the session is loaded. */
  ready: Promise<void>;
  loaded: boolean;
  busy: boolean;
  lastUsed: number;
  cpuMs: number;
}

interface Job {
  key: string;
  model: ModelArtifact;
  resolved: Resolved;
  input: Uint8Array;
  resolve: (r: { output: Uint8Array; elapsedMs: number }) => void;
  reject: (e: unknown) => void;
}

const failureSchema = z
  .object({
    type: z.string(),
    ok: z.literal(false).optional(),
    code: z.enum([
      "bad-input",
      "bad-model",
      "limit",
      "output",
      "timeout",
      "cpu-limit",
      "memory-limit",
      "crashed",
      "runtime",
    ]),
    message: z.string().max(4096),
    taskFault: z.boolean().optional(),
  })
  .loose();
const loadedSchema = z.object({ type: z.literal("loaded"), loadMs: z.number() }).loose();
const resultSchema = z
  .object({ type: z.literal("result"), ok: z.literal(true), elapsedMs: z.number() })
  .loose();

function replyError(label: string, header: Record<string, unknown>): ExecutionError {
  const f = failureSchema.safeParse(header);
  if (!f.success) return new ExecutionError("crashed", `${label}: the sandbox sent an invalid reply`);
  return new ExecutionError(f.data.code as ExecutionErrorCode, `${label}: ${f.data.message}`, {
    taskFault: f.data.taskFault,
  });
}

/**
 * Tries `provider` in a throwaway sandbox child; resolves null when it works, else the error text (and the
 * onnxruntime version the child reported).
 */
export async function probeExecutionProvider(provider: string, logger?: Logger): Promise<string | null> {
  return (await probe(provider, logger)).error;
}

async function probe(provider: string, logger?: Logger): Promise<{ error: string | null; version: string }> {
  let child: SandboxProcess | undefined;
  try {
    child = await SandboxProcess.start({
      script: CHILD_URL,
      label: `onnx probe (${provider})`,
      limits: {
        memoryMiB: 2048,
        heapMiB: 256,
        wallMs: 60_000,
        cpuMs: 120_000,
        lifetimeCpuSec: 180,
        maxFrameBytes: 1 << 20,
      },
      logger,
    });
    const reply = await child.request({ type: "probe", provider });
    const version = String(child.info.runtimeVersion ?? "");
    if (reply.header.type !== "probed") return { error: "probe child sent an invalid reply", version };
    return {
      error: reply.header.ok === true ? null : String(reply.header.error ?? "unknown error"),
      version,
    };
  } catch (err) {
    return { error: (err as Error).message, version: "" };
  } finally {
    await child?.kill();
  }
}

export class OnnxExecutor implements Executor {
  readonly kind = "onnx" as const;
  readonly backend: OnnxBackend;
  readonly backendReason: string;
  /** onnxruntime version of the children (`ort.env.versions.common`). */
  readonly runtimeVersion: string;
  readonly timeoutMs: number;
  readonly memoryMiB: number;
  readonly #log: Logger;
  readonly #threads: number;
  readonly #maxSessions: number;
  readonly #perModel: number;
  readonly #cpuMs: number | undefined;
  readonly #maxModelBytes: number;
  readonly #maxInputBytes: number;
  readonly #maxOutputBytes: number;
  readonly #onnxLimits: OnnxLimits;
  readonly #slots = new Set<Slot>();
  readonly #queue: Job[] = [];
  /** Loads that failed deterministically (bad model), by key: not retried by every task. */
  readonly #badModels = new Map<string, ExecutionError>();
  #restarts = 0;
  #closed = false;

  private constructor(backend: OnnxBackend, reason: string, version: string, options: OnnxExecutorOptions) {
    this.backend = backend;
    this.backendReason = reason;
    this.runtimeVersion = version;
    this.#log = options.logger ?? silentLogger();
    this.#threads = options.intraOpThreads ?? availableParallelism();
    this.#maxSessions = options.maxSessions ?? 4;
    this.#perModel = options.processesPerModel ?? 1;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.memoryMiB = options.memoryMiB ?? 2048;
    this.#cpuMs = options.cpuMs;
    this.#maxModelBytes = options.maxModelBytes ?? 256 * 1024 * 1024;
    this.#maxInputBytes = options.maxInputBytes ?? 16 * 1024 * 1024;
    this.#maxOutputBytes = options.maxOutputBytes ?? 64 * 1024 * 1024;
    this.#onnxLimits = { ...ONNX_LIMITS, ...options.onnxLimits };
    for (const [name, v] of [
      ["maxSessions", this.#maxSessions],
      ["processesPerModel", this.#perModel],
      ["intraOpThreads", this.#threads],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${name}: expected a positive integer, got ${v}`);
    }
  }

  /** Probes the execution provider (in a child process) and returns a ready executor. */
  static async create(options: OnnxExecutorOptions): Promise<OnnxExecutor> {
    const log = options.logger ?? silentLogger();
    let backend: OnnxBackend = "cpu";
    let reason = "no GPU detected";
    let version = "";
    if (options.gpuAvailable) {
      const cuda = await probe("cuda", log);
      version = cuda.version;
      if (cuda.error === null) {
        backend = "cuda";
        reason = "GPU detected and the CUDA execution provider loaded";
      } else {
        reason = `GPU detected but the CUDA execution provider failed: ${cuda.error}`;
      }
    }
    if (backend === "cpu") {
      const cpu = await probe("cpu", log);
      version = cpu.version || version;
      if (cpu.error !== null)
        throw new ExecutionError("runtime", `onnxruntime CPU provider failed: ${cpu.error}`);
    }
    log.info(
      { executor: "onnx", backend, reason, runtimeVersion: version },
      "onnx execution provider chosen",
    );
    return new OnnxExecutor(backend, reason, version, options);
  }

  supports(model: ModelArtifact): boolean {
    return model.kind === "onnx";
  }

  refuses(profile: ExecutionProfile): string | undefined {
    if (profile.runtimeVersion !== "" && profile.runtimeVersion !== this.runtimeVersion)
      return `the model requires onnxruntime ${profile.runtimeVersion}; this worker runs ${this.runtimeVersion || "an unknown version"}`;
    return undefined;
  }

  /** Children alive, busy, runs waiting and children replaced after a failure (metrics). */
  stats(): { processes: number; busy: number; queued: number; restarts: number } {
    const slots = [...this.#slots];
    return {
      processes: slots.length,
      busy: slots.filter((s) => s.busy).length,
      queued: this.#queue.length,
      restarts: this.#restarts,
    };
  }

  /** The settings `profile` resolves to on this worker. */
  resolve(profile: ExecutionProfile): Resolved {
    return {
      executionProvider: this.backend === "cuda" && profile.executionProvider === "any" ? "cuda" : "cpu",
      intraOpThreads: profile.intraOpThreads > 0 ? profile.intraOpThreads : this.#threads,
      graphOptimizationLevel: profile.graphOptimizationLevel,
    };
  }

  #limits(resolved: Resolved): SandboxLimits {
    const cpuMs = this.#cpuMs ?? this.timeoutMs * resolved.intraOpThreads;
    return {
      memoryMiB: this.memoryMiB,
      heapMiB: 256,
      wallMs: this.timeoutMs,
      cpuMs,
      // A long-lived child: the kernel's backstop over its whole life; it is retired before a run could reach it.
      lifetimeCpuSec: Math.ceil(Math.max(3_600_000, 8 * cpuMs) / 1000),
      maxFrameBytes: this.#maxOutputBytes + 64 * 1024,
    };
  }

  async execute(input: Uint8Array, model: ModelArtifact): Promise<ExecutionResult> {
    if (this.#closed) throw new ExecutionError("closed", "onnx executor is closed");
    if (!this.supports(model))
      throw new ExecutionError("bad-model", `onnx executor cannot run a ${model.kind} model`, {
        taskFault: false,
      });
    const profile = model.profile ?? defaultProfile("onnx");
    const refusal = this.refuses(profile);
    if (refusal) throw new ExecutionError("unsupported-profile", `model ${model.id}: ${refusal}`);
    if (input.length > this.#maxInputBytes)
      throw new ExecutionError(
        "bad-input",
        `model ${model.id}: input of ${input.length} bytes exceeds ${this.#maxInputBytes}`,
      );
    try {
      decodeTensors(input);
    } catch (err) {
      if (err instanceof TensorCodecError) throw new ExecutionError("bad-input", err.message);
      throw err;
    }
    const size = await stat(model.path).then(
      (s) => s.size,
      (err: NodeJS.ErrnoException) => {
        throw new ExecutionError(
          "bad-model",
          `model ${model.id}: cannot read ${model.path}: ${err.code ?? err.message}`,
          {
            taskFault: false,
          },
        );
      },
    );
    if (size > this.#maxModelBytes)
      throw new ExecutionError(
        "limit",
        `model ${model.id}: model file of ${size} bytes exceeds this worker's limit of ${this.#maxModelBytes}`,
        { taskFault: false },
      );
    const resolved = this.resolve(profile);
    const key = [
      model.sha256,
      resolved.executionProvider,
      resolved.intraOpThreads,
      resolved.graphOptimizationLevel,
    ].join("|");
    const known = this.#badModels.get(key);
    if (known) throw known;
    const raw = await new Promise<{ output: Uint8Array; elapsedMs: number }>((resolve, reject) => {
      this.#queue.push({ key, model, resolved, input, resolve, reject });
      this.#pump();
    });
    let output: Uint8Array;
    try {
      output = canonicalOutput(raw.output, profile);
      if (profile.comparison === "exact") decodeTensors(output); // still checks the child sent EAIT
    } catch (err) {
      throw new ExecutionError(
        "crashed",
        `model ${model.id}: the sandbox returned malformed tensors: ${(err as Error).message}`,
      );
    }
    const runtime: ExecutionRuntime = {
      comparison: profile.comparison,
      ...(profile.comparison === "quantised" ? { quantStepLog2: profile.quantStepLog2 } : {}),
      ...resolved,
      runtimeVersion: this.runtimeVersion,
    };
    this.#log.debug(
      { executor: "onnx", model: model.id, elapsedMs: raw.elapsedMs, ...runtime },
      "onnx inference done",
    );
    return { output, elapsedMs: raw.elapsedMs, runtime };
  }

  /** Starts a child for `job`'s key and loads the model in it. */
  #spawn(job: Job): Slot {
    const limits = this.#limits(job.resolved);
    const label = `onnx model ${job.model.id}`;
    const slot: Slot = {
      key: job.key,
      process: undefined,
      ready: Promise.resolve(),
      loaded: false,
      busy: true,
      lastUsed: Date.now(),
      cpuMs: limits.cpuMs,
    };
    slot.ready = (async () => {
      const p = await SandboxProcess.start({ script: CHILD_URL, label, limits, logger: this.#log });
      slot.process = p;
      if (this.#closed) throw new ExecutionError("closed", "onnx executor is closed");
      const reply = await p.request({
        type: "load",
        path: job.model.path,
        maxModelBytes: this.#maxModelBytes,
        executionProviders: job.resolved.executionProvider === "cuda" ? ["cuda", "cpu"] : ["cpu"],
        intraOpThreads: job.resolved.intraOpThreads,
        graphOptimizationLevel: job.resolved.graphOptimizationLevel,
        limits: this.#onnxLimits,
      });
      const loaded = loadedSchema.safeParse(reply.header);
      if (!loaded.success) {
        const err = replyError(label, reply.header);
        if (err.taskFault) {
          this.#badModels.set(job.key, err);
          while (this.#badModels.size > 64)
            this.#badModels.delete(this.#badModels.keys().next().value as string);
        }
        throw err;
      }
      this.#log.debug(
        { executor: "onnx", model: job.model.id, loadMs: loaded.data.loadMs, pid: p.pid },
        "onnx session loaded",
      );
      slot.loaded = true;
    })();
    slot.ready.then(
      () => {
        slot.busy = false;
        this.#pump();
      },
      (err: unknown) => {
        this.#slots.delete(slot);
        void slot.process?.kill();
        // The load failed: every run waiting for this key fails the same way (unless another child serves it).
        const served = [...this.#slots].some((s) => s.key === slot.key && s.loaded);
        for (const j of served ? [] : this.#queue.filter((q) => q.key === slot.key)) {
          this.#queue.splice(this.#queue.indexOf(j), 1);
          j.reject(err);
        }
        this.#pump();
      },
    );
    this.#slots.add(slot);
    return slot;
  }

  #pump(): void {
    if (this.#closed) return;
    for (const job of [...this.#queue]) {
      const slots = [...this.#slots];
      const idle = slots.find((s) => s.key === job.key && s.loaded && !s.busy && s.process?.alive);
      if (idle) {
        this.#queue.splice(this.#queue.indexOf(job), 1);
        this.#dispatch(job, idle);
        continue;
      }
      const forKey = slots.filter((s) => s.key === job.key);
      if (forKey.some((s) => !s.loaded)) continue; // one is loading: wait for it
      if (forKey.length >= this.#perModel) continue;
      if (slots.length >= this.#maxSessions) {
        const victim = slots
          .filter((s) => !s.busy && s.loaded && s.key !== job.key)
          .sort((a, b) => a.lastUsed - b.lastUsed)[0];
        if (!victim) continue;
        this.#slots.delete(victim);
        void victim.process?.retire();
      }
      this.#spawn(job);
    }
  }

  #dispatch(job: Job, slot: Slot): void {
    const p = slot.process as SandboxProcess;
    slot.busy = true;
    slot.lastUsed = Date.now();
    // Retire a child that could reach its lifetime CPU limit during this run.
    if (p.cpuMs() + 2 * slot.cpuMs > p.limits.lifetimeCpuSec * 1000) {
      this.#slots.delete(slot);
      void p.retire();
      this.#queue.unshift(job);
      this.#pump();
      return;
    }
    const label = `onnx model ${job.model.id}`;
    p.request({ type: "run" }, job.input).then(
      (frame) => {
        slot.busy = false;
        slot.lastUsed = Date.now();
        const ok = resultSchema.safeParse(frame.header);
        if (!ok.success) job.reject(replyError(label, frame.header));
        else if (frame.payload.length > this.#maxOutputBytes)
          job.reject(
            new ExecutionError(
              "output",
              `${label}: output of ${frame.payload.length} bytes exceeds the limit`,
            ),
          );
        else job.resolve({ output: frame.payload, elapsedMs: ok.data.elapsedMs });
        this.#pump();
      },
      (err: unknown) => {
        // The child was killed (limit) or died: it is replaced for the next run.
        this.#slots.delete(slot);
        void p.kill();
        if (!this.#closed) this.#restarts++;
        if (err instanceof ExecutionError)
          this.#log.warn(
            { executor: "onnx", model: job.model.id, code: err.code, err: err.message },
            "onnx run failed",
          );
        job.reject(this.#closed ? new ExecutionError("closed", "onnx executor was closed") : err);
        this.#pump();
      },
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0))
      job.reject(new ExecutionError("closed", "onnx executor closed before the run started"));
    const slots = [...this.#slots];
    this.#slots.clear();
    await Promise.all(
      slots.map(async (s) => {
        void s.process?.kill(); // a load in progress then fails at once
        await s.ready.catch(() => undefined);
        await s.process?.kill();
      }),
    );
  }
}
