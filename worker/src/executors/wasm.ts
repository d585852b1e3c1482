/**
 * WASM executor for untrusted modules.
 *
 * ABI v1 (docs/WORKER.md):
 * - imports: exactly `env.memory` (a memory import, no own memory section, not shared, not memory64)
 *   plus only host functions on the allowlist (available: `env.abort(i32, i32, i32, i32)`); nothing else;
 * - exports: `run(inPtr: i32, inLen: i32) -> i32`;
 * - declared resources within `WASM_ABI_LIMITS` (types, functions, tables and entries, globals, segments, size);
 *   table maximums are capped to `maxTableEntries`; only function types (no GC types);
 * - the host creates the memory with the module's declared minimum and a maximum of the cap, grows it
 *   by enough pages to hold the input and writes the input at `inPtr` = the module's initial size in
 *   bytes (page-aligned, after its data); `run` returns `outPtr`, where a little-endian u32 length is
 *   followed by that many output bytes. The module may `memory.grow` up to the cap; beyond it grow fails.
 *
 * The checks read the binary; the worker itself never compiles or instantiates an untrusted module. Each run is a
 * fresh child process (sandbox.ts: RLIMIT_DATA, RLIMIT_CPU, resident-memory watchdog, wall clock, JS heap cap),
 * started ahead of time so that a run does not wait for Node to boot; the child is killed after its one run, so
 * nothing a module does survives into the next. An infinite loop, a memory bomb, a V8 abort or a trap fails that
 * task and never the worker process.
 */
import { readFile } from "node:fs/promises";
import type { Logger } from "../logger.ts";
import { silentLogger } from "../logger.ts";
import { z } from "zod";
import { SandboxProcess, type SandboxLimits } from "./sandbox.ts";
import {
  abiViolations,
  capTables,
  inspectWasm,
  WASM_ABI_LIMITS,
  WasmFormatError,
  type WasmAbiLimits,
} from "./wasm-inspect.ts";
import {
  ExecutionError,
  type ExecutionErrorCode,
  type ExecutionResult,
  type Executor,
  type ModelArtifact,
} from "./types.ts";

export const WASM_PAGE_BYTES = 65536;
/** Host functions a module may import from `env` when allowed. */
export const AVAILABLE_HOST_FUNCTIONS = ["abort"] as const;
export type HostFunction = (typeof AVAILABLE_HOST_FUNCTIONS)[number];
/** Resident memory a WASM child may use beyond the module's linear memory: Node itself, input and output copies. */
export const WASM_PROCESS_OVERHEAD_MIB = 256;

export interface WasmExecutorOptions {
  /** Linear-memory cap per execution (default 256 MiB). */
  memoryMiB?: number;
  /** Wall-clock limit per execution (default 10 s). */
  timeoutMs?: number;
  /** CPU-time limit per execution (default: the wall-clock limit). */
  cpuMs?: number;
  /** Largest output accepted (default 16 MiB). */
  maxOutputBytes?: number;
  /** Largest input accepted (default 16 MiB); bounds the request frame. */
  maxInputBytes?: number;
  /** Host functions modules may import (default none). */
  allowedHostFunctions?: readonly HostFunction[];
  /** Checked modules kept (by artifact sha256); default 16. */
  maxModules?: number;
  /** Runs at once (each in its own process); more wait. Default 4. */
  maxConcurrent?: number;
  /** JS heap of each child process (MiB; default 256): holds the module's tables and the host's copies. */
  heapMiB?: number;
  /** Processes started ahead of need (default 1; 0 = start one per run). */
  spares?: number;
  /** ABI limits (tests loosen them to show the sandbox holds without them). Default `WASM_ABI_LIMITS`. */
  abiLimits?: Partial<WasmAbiLimits>;
  logger?: Logger;
}

/** A module that passed the checks: the bytes the child compiles (tables capped) and its memory limits. */
export interface CheckedModule {
  bytes: Uint8Array;
  minPages: number;
  maxPages: number | undefined;
  hostFunctions: string[];
}

const replySchema = z.union([
  z
    .object({
      type: z.literal("result"),
      ok: z.literal(true),
      elapsedMs: z.number(),
      compileMs: z.number().optional(),
      memoryPages: z.number().optional(),
    })
    .loose(),
  z
    .object({
      type: z.enum(["result", "error"]),
      ok: z.literal(false).optional(),
      code: z.enum([
        "bad-input",
        "bad-model",
        "limit",
        "trap",
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
    .loose(),
]);

const CHILD_URL = new URL("./wasm-child.ts", import.meta.url);

/**
 * Validates an untrusted module against ABI v1, its limits and the allowlist, without compiling it.
 * @throws ExecutionError `forbidden-import`, `bad-model`, `limit` (task faults) or `memory-limit` (the module needs
 *   more memory than this worker's cap) with the reason.
 */
export function checkUntrustedWasm(
  bytes: Uint8Array,
  allowed: readonly string[],
  capPages: number,
  abiLimits: WasmAbiLimits = WASM_ABI_LIMITS,
): CheckedModule {
  let inspection;
  try {
    inspection = inspectWasm(bytes);
  } catch (err) {
    if (err instanceof WasmFormatError) throw new ExecutionError("bad-model", `wasm: ${err.message}`);
    throw err;
  }
  if (inspection.declaredMemories > 0) {
    throw new ExecutionError(
      "bad-model",
      "wasm: module declares its own memory; it must import env.memory instead",
    );
  }
  if (inspection.unsupported.length > 0)
    throw new ExecutionError("bad-model", `wasm: unsupported features: ${inspection.unsupported.join(", ")}`);
  const violations = abiViolations(inspection, bytes.length, abiLimits);
  if (violations.length > 0)
    throw new ExecutionError("limit", `wasm: module exceeds ABI v1 limits: ${violations.join("; ")}`);
  const hostFunctions: string[] = [];
  let memoryImports = 0;
  for (const imp of inspection.imports) {
    const name = `${imp.module}.${imp.name}`;
    if (imp.kind === "memory" && name === "env.memory") {
      memoryImports++;
      continue;
    }
    if (imp.kind === "function" && imp.module === "env" && allowed.includes(imp.name)) {
      hostFunctions.push(imp.name);
      continue;
    }
    throw new ExecutionError(
      "forbidden-import",
      `wasm: import ${name} (${imp.kind}) is not allowed; allowed: env.memory${allowed.map((a) => `, env.${a}`).join("")}`,
    );
  }
  if (memoryImports !== 1)
    throw new ExecutionError("bad-model", "wasm: module must import exactly one memory as env.memory");
  if (!inspection.exports.some((e) => e.name === "run" && e.kind === "function"))
    throw new ExecutionError("bad-model", "wasm: module must export a function run(inPtr, inLen) -> outPtr");
  const limits = inspection.memoryImports[0] ?? { min: 0, max: undefined };
  if (limits.min > capPages) {
    throw new ExecutionError(
      "memory-limit",
      `wasm: module needs ${limits.min} memory pages, over this worker's cap of ${capPages}`,
    );
  }
  let capped: Uint8Array;
  try {
    capped = capTables(bytes, inspection, abiLimits.maxTableEntries);
  } catch (err) {
    if (err instanceof WasmFormatError) throw new ExecutionError("bad-model", `wasm: ${err.message}`);
    throw err;
  }
  return { bytes: capped, minPages: limits.min, maxPages: limits.max, hostFunctions };
}

export class WasmExecutor implements Executor {
  readonly kind = "wasm" as const;
  readonly capPages: number;
  readonly timeoutMs: number;
  readonly cpuMs: number;
  readonly maxOutputBytes: number;
  readonly maxInputBytes: number;
  readonly abiLimits: WasmAbiLimits;
  readonly heapMiB: number;
  readonly #allowed: readonly string[];
  readonly #log: Logger;
  readonly #maxModules: number;
  readonly #maxConcurrent: number;
  readonly #spareTarget: number;
  readonly #modules = new Map<string, Promise<CheckedModule>>();
  readonly #running = new Set<SandboxProcess>();
  readonly #spares: Promise<SandboxProcess | undefined>[] = [];
  readonly #waiting: (() => void)[] = [];
  #active = 0;
  #closed = false;

  constructor(options: WasmExecutorOptions = {}) {
    this.capPages = Math.floor(((options.memoryMiB ?? 256) * 1024 * 1024) / WASM_PAGE_BYTES);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.cpuMs = options.cpuMs ?? this.timeoutMs;
    this.maxOutputBytes = options.maxOutputBytes ?? 16 * 1024 * 1024;
    this.maxInputBytes = options.maxInputBytes ?? 16 * 1024 * 1024;
    this.abiLimits = { ...WASM_ABI_LIMITS, ...options.abiLimits };
    this.heapMiB = options.heapMiB ?? 256;
    this.#allowed = options.allowedHostFunctions ?? [];
    this.#maxModules = options.maxModules ?? 16;
    this.#maxConcurrent = options.maxConcurrent ?? 4;
    this.#spareTarget = options.spares ?? 1;
    this.#log = options.logger ?? silentLogger();
  }

  /** The limits each child process runs under. */
  get sandboxLimits(): SandboxLimits {
    const memoryMiB = (this.capPages * WASM_PAGE_BYTES) / 2 ** 20 + WASM_PROCESS_OVERHEAD_MIB;
    return {
      memoryMiB,
      heapMiB: this.heapMiB,
      wallMs: this.timeoutMs,
      cpuMs: this.cpuMs,
      // One run per process: its whole life is start-up plus that run.
      lifetimeCpuSec: Math.ceil(this.cpuMs / 1000) + 5,
      maxFrameBytes: this.maxOutputBytes + 64 * 1024,
    };
  }

  supports(model: ModelArtifact): boolean {
    return model.kind === "wasm";
  }

  #checked(model: ModelArtifact): Promise<CheckedModule> {
    const cached = this.#modules.get(model.sha256);
    if (cached) return cached;
    const checked = readFile(model.path).then(
      (bytes) => checkUntrustedWasm(bytes, this.#allowed, this.capPages, this.abiLimits),
      (err: NodeJS.ErrnoException) => {
        throw new ExecutionError("bad-model", `wasm: cannot read ${model.path}: ${err.code ?? err.message}`, {
          taskFault: false,
        });
      },
    );
    checked.catch(() => this.#modules.delete(model.sha256));
    this.#modules.set(model.sha256, checked);
    while (this.#modules.size > this.#maxModules)
      this.#modules.delete(this.#modules.keys().next().value as string);
    return checked;
  }

  #startProcess(): Promise<SandboxProcess> {
    return SandboxProcess.start({
      script: CHILD_URL,
      label: "wasm sandbox",
      limits: this.sandboxLimits,
      nodeFlags: [
        `--wasm-max-table-size=${this.abiLimits.maxTableEntries}`,
        `--wasm-max-mem-pages=${Math.max(1, this.capPages)}`,
      ],
      logger: this.#log,
    });
  }

  /** Keeps `spares` processes starting or ready (failures are dropped: a run then starts its own). */
  #refill(): void {
    while (!this.#closed && this.#spares.length < this.#spareTarget) {
      this.#spares.push(
        this.#startProcess().catch((err: unknown) => {
          this.#log.warn(
            { executor: "wasm", err: (err as Error).message },
            "wasm spare process failed to start",
          );
          return undefined;
        }),
      );
    }
  }

  async #process(): Promise<SandboxProcess> {
    const spare = this.#spares.shift();
    this.#refill();
    const p = spare ? await spare : undefined;
    if (p?.alive) return p;
    return this.#startProcess();
  }

  async #acquire(): Promise<void> {
    while (this.#active >= this.#maxConcurrent) await new Promise<void>((r) => this.#waiting.push(r));
    this.#active++;
  }

  #release(): void {
    this.#active--;
    this.#waiting.shift()?.();
  }

  async execute(input: Uint8Array, model: ModelArtifact): Promise<ExecutionResult> {
    if (this.#closed) throw new ExecutionError("closed", "wasm executor is closed");
    if (!this.supports(model))
      throw new ExecutionError("bad-model", `wasm executor cannot run a ${model.kind} model`, {
        taskFault: false,
      });
    if (input.length > this.maxInputBytes)
      throw new ExecutionError(
        "bad-input",
        `wasm: input of ${input.length} bytes exceeds ${this.maxInputBytes}`,
      );
    const checked = await this.#checked(model);
    const maximumPages =
      checked.maxPages === undefined ? this.capPages : Math.min(this.capPages, checked.maxPages);
    await this.#acquire();
    const started = performance.now();
    let child: SandboxProcess | undefined;
    try {
      if (this.#closed) throw new ExecutionError("closed", "wasm executor is closed");
      child = await this.#process();
      this.#running.add(child);
      const payload = new Uint8Array(checked.bytes.length + input.length);
      payload.set(checked.bytes, 0);
      payload.set(input, checked.bytes.length);
      const frame = await child.request(
        {
          type: "run",
          moduleBytes: checked.bytes.length,
          initialPages: checked.minPages,
          maximumPages,
          maxOutputBytes: this.maxOutputBytes,
          hostFunctions: checked.hostFunctions,
        },
        payload,
      );
      const reply = replySchema.safeParse(frame.header);
      if (!reply.success)
        throw new ExecutionError("crashed", `wasm: model ${model.id}: the sandbox sent an invalid reply`);
      const r = reply.data;
      if (!("elapsedMs" in r) || r.ok !== true) {
        const failure = r as { code: ExecutionErrorCode; message: string; taskFault?: boolean };
        throw new ExecutionError(failure.code, `wasm: model ${model.id}: ${failure.message}`, {
          taskFault: failure.taskFault,
        });
      }
      if (frame.payload.length > this.maxOutputBytes)
        throw new ExecutionError("output", `wasm: output of ${frame.payload.length} bytes exceeds the limit`);
      this.#log.debug(
        {
          executor: "wasm",
          model: model.id,
          elapsedMs: r.elapsedMs,
          compileMs: r.compileMs,
          totalMs: performance.now() - started,
          peakRssMiB: Math.round(child.peakRssBytes / 2 ** 20),
        },
        "wasm run done",
      );
      return { output: frame.payload, elapsedMs: r.elapsedMs, runtime: { comparison: "exact" } };
    } catch (err) {
      if (err instanceof ExecutionError) {
        if (this.#closed && !err.taskFault) throw new ExecutionError("closed", "wasm executor was closed");
        this.#log.warn(
          { executor: "wasm", model: model.id, code: err.code, taskFault: err.taskFault, err: err.message },
          "wasm run failed",
        );
      }
      throw err;
    } finally {
      if (child) {
        this.#running.delete(child);
        void child.kill(); // one run per process
      }
      this.#release();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#modules.clear();
    for (const wake of this.#waiting.splice(0)) wake();
    const spares = await Promise.all(this.#spares.splice(0));
    await Promise.all([...this.#running, ...spares].map((p) => p?.kill()));
  }
}
