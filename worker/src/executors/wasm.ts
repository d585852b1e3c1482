/**
 * WASM executor for untrusted modules.
 *
 * ABI v1 (docs/WORKER.md):
 * - imports: exactly `env.memory` (a memory import, no own memory section, not shared, not memory64)
 *   plus only host functions on the allowlist (available: `env.abort(i32, i32, i32, i32)`); nothing else;
 * - exports: `run(inPtr: i32, inLen: i32) -> i32`;
 * - the host creates the memory with the module's declared minimum and a maximum of the cap, grows it
 *   by enough pages to hold the input and writes the input at `inPtr` = the module's initial size in
 *   bytes (page-aligned, after its data); `run` returns `outPtr`, where a little-endian u32 length is
 *   followed by that many output bytes. The module may `memory.grow` up to the cap; beyond it grow fails.
 *
 * Each execution runs in a fresh `worker_threads` Worker with a wall-clock limit (terminated on
 * expiry), so an infinite loop, a memory bomb or a trap fails the task and never the worker process.
 */
import { readFile } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import type { Logger } from "../logger.ts";
import { silentLogger } from "../logger.ts";
import { inspectWasm, WasmFormatError } from "./wasm-inspect.ts";
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

export interface WasmExecutorOptions {
  /** Memory cap per execution (default 256 MiB). */
  memoryMiB?: number;
  /** Wall-clock limit per execution (default 10 s). */
  timeoutMs?: number;
  /** Largest output accepted (default 16 MiB). */
  maxOutputBytes?: number;
  /** Host functions modules may import (default none). */
  allowedHostFunctions?: readonly HostFunction[];
  /** Compiled modules kept (by artifact sha256); default 16. */
  maxModules?: number;
  logger?: Logger;
}

interface CompiledModule {
  module: WebAssembly.Module;
  minPages: number;
  maxPages: number | undefined;
  hostFunctions: string[];
}

interface SandboxReply {
  ok: boolean;
  output?: Uint8Array;
  elapsedMs?: number;
  code?: ExecutionErrorCode;
  message?: string;
  memoryPages?: number;
}

const SANDBOX_URL = new URL("./wasm-sandbox.ts", import.meta.url);

/**
 * Validates an untrusted module against ABI v1 and the allowlist.
 * @throws ExecutionError `forbidden-import` or `bad-model` with the reason.
 */
export async function compileUntrustedWasm(
  bytes: Uint8Array,
  allowed: readonly string[],
  capPages: number,
): Promise<CompiledModule> {
  let inspection;
  try {
    inspection = inspectWasm(bytes);
  } catch (err) {
    if (err instanceof WasmFormatError) throw new ExecutionError("bad-model", `wasm: ${err.message}`);
    throw err;
  }
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(new Uint8Array(bytes));
  } catch (err) {
    throw new ExecutionError("bad-model", `wasm: invalid module: ${(err as Error).message}`);
  }
  if (inspection.declaredMemories > 0) {
    throw new ExecutionError(
      "bad-model",
      "wasm: module declares its own memory; it must import env.memory instead",
    );
  }
  if (inspection.unsupported.length > 0) {
    throw new ExecutionError(
      "bad-model",
      `wasm: unsupported memory features: ${inspection.unsupported.join(", ")}`,
    );
  }
  const hostFunctions: string[] = [];
  let memoryImports = 0;
  for (const imp of WebAssembly.Module.imports(module)) {
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
  const run = WebAssembly.Module.exports(module).find((e) => e.name === "run");
  if (run?.kind !== "function")
    throw new ExecutionError("bad-model", "wasm: module must export a function run(inPtr, inLen) -> outPtr");
  const limits = inspection.memoryImports[0] ?? { min: 0, max: undefined };
  if (limits.min > capPages) {
    throw new ExecutionError(
      "memory-limit",
      `wasm: module needs ${limits.min} memory pages, over the cap of ${capPages}`,
    );
  }
  return { module, minPages: limits.min, maxPages: limits.max, hostFunctions };
}

export class WasmExecutor implements Executor {
  readonly kind = "wasm" as const;
  readonly capPages: number;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  readonly #allowed: readonly string[];
  readonly #log: Logger;
  readonly #maxModules: number;
  readonly #modules = new Map<string, Promise<CompiledModule>>();
  readonly #running = new Set<Worker>();
  #closed = false;

  constructor(options: WasmExecutorOptions = {}) {
    this.capPages = Math.floor(((options.memoryMiB ?? 256) * 1024 * 1024) / WASM_PAGE_BYTES);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxOutputBytes = options.maxOutputBytes ?? 16 * 1024 * 1024;
    this.#allowed = options.allowedHostFunctions ?? [];
    this.#maxModules = options.maxModules ?? 16;
    this.#log = options.logger ?? silentLogger();
  }

  supports(model: ModelArtifact): boolean {
    return model.kind === "wasm";
  }

  #compiled(model: ModelArtifact): Promise<CompiledModule> {
    const cached = this.#modules.get(model.sha256);
    if (cached) return cached;
    const compiled = readFile(model.path).then(
      (bytes) => compileUntrustedWasm(bytes, this.#allowed, this.capPages),
      (err: NodeJS.ErrnoException) => {
        throw new ExecutionError("bad-model", `wasm: cannot read ${model.path}: ${err.code ?? err.message}`);
      },
    );
    compiled.catch(() => this.#modules.delete(model.sha256));
    this.#modules.set(model.sha256, compiled);
    while (this.#modules.size > this.#maxModules)
      this.#modules.delete(this.#modules.keys().next().value as string);
    return compiled;
  }

  async execute(input: Uint8Array, model: ModelArtifact): Promise<ExecutionResult> {
    if (this.#closed) throw new ExecutionError("closed", "wasm executor is closed");
    if (!this.supports(model))
      throw new ExecutionError("bad-model", `wasm executor cannot run a ${model.kind} model`);
    const compiled = await this.#compiled(model);
    const maximumPages =
      compiled.maxPages === undefined ? this.capPages : Math.min(this.capPages, compiled.maxPages);
    const started = performance.now();
    const worker = new Worker(SANDBOX_URL, {
      workerData: {
        module: compiled.module,
        input,
        initialPages: compiled.minPages,
        maximumPages,
        maxOutputBytes: this.maxOutputBytes,
        hostFunctions: compiled.hostFunctions,
      },
      // Caps the JS heap of the thread; wasm memory is capped by the Memory maximum above.
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
      stdout: true,
      stderr: true,
    });
    this.#running.add(worker);
    try {
      const reply = await new Promise<SandboxReply>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new ExecutionError(
              "timeout",
              `wasm: model ${model.id} exceeded the time limit of ${this.timeoutMs} ms and was stopped`,
            ),
          );
          void worker.terminate();
        }, this.timeoutMs);
        worker.once("message", (msg: SandboxReply) => {
          clearTimeout(timer);
          resolve(msg);
        });
        worker.once("error", (err) => {
          clearTimeout(timer);
          const code: ExecutionErrorCode = /memory|allocation|heap/i.test(err.message)
            ? "memory-limit"
            : "crashed";
          reject(new ExecutionError(code, `wasm: sandbox thread failed: ${err.message}`, { cause: err }));
        });
        worker.once("exit", (exitCode) => {
          clearTimeout(timer);
          reject(
            new ExecutionError(
              this.#closed ? "closed" : "crashed",
              `wasm: sandbox thread exited (${exitCode}) without a result`,
            ),
          );
        });
      });
      if (!reply.ok || !reply.output) {
        throw new ExecutionError(
          reply.code ?? "runtime",
          `wasm: model ${model.id}: ${reply.message ?? "failed"}`,
        );
      }
      this.#log.debug(
        {
          executor: "wasm",
          model: model.id,
          elapsedMs: reply.elapsedMs,
          totalMs: performance.now() - started,
        },
        "wasm run done",
      );
      return { output: reply.output, elapsedMs: reply.elapsedMs ?? 0 };
    } catch (err) {
      if (err instanceof ExecutionError)
        this.#log.warn(
          { executor: "wasm", model: model.id, code: err.code, err: err.message },
          "wasm run failed",
        );
      throw err;
    } finally {
      this.#running.delete(worker);
      void worker.terminate();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#modules.clear();
    await Promise.all([...this.#running].map((w) => w.terminate()));
  }
}
