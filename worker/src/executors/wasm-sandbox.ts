/**
 * Worker-thread side of the WASM executor: instantiates one untrusted module with the host-provided,
 * capped memory, copies the input in, calls `run`, copies the output out and posts the result.
 * Runs once per task in a fresh thread; the parent terminates it on timeout. Kept free of TypeScript-only
 * runtime syntax so Node can run it directly.
 */
import { parentPort, workerData } from "node:worker_threads";

const PAGE = 65536;

interface SandboxJob {
  module: WebAssembly.Module;
  input: Uint8Array;
  initialPages: number;
  maximumPages: number;
  maxOutputBytes: number;
  hostFunctions: string[];
}

type SandboxReply =
  | { ok: true; output: Uint8Array; elapsedMs: number }
  | { ok: false; code: string; message: string; memoryPages: number };

function hostImports(names: string[]): Record<string, (...args: number[]) => number | undefined> {
  const all: Record<string, (...args: number[]) => number | undefined> = {
    abort: (_msg, _file, line, column) => {
      throw new Error(`module called abort (line ${line ?? 0}, column ${column ?? 0})`);
    },
  };
  const out: Record<string, (...args: number[]) => number | undefined> = {};
  for (const name of names) {
    const fn = all[name];
    if (fn) out[name] = fn;
  }
  return out;
}

function run(job: SandboxJob): SandboxReply {
  const memory = new WebAssembly.Memory({ initial: job.initialPages, maximum: job.maximumPages });
  const pages = () => memory.buffer.byteLength / PAGE;
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(job.module, { env: { memory, ...hostImports(job.hostFunctions) } });
  } catch (err) {
    return {
      ok: false,
      code: "bad-model",
      message: `instantiation failed: ${(err as Error).message}`,
      memoryPages: pages(),
    };
  }
  const runFn = instance.exports.run;
  if (typeof runFn !== "function") {
    return {
      ok: false,
      code: "bad-model",
      message: "module does not export a function run(inPtr, inLen)",
      memoryPages: pages(),
    };
  }
  // The input goes into fresh pages after the module's own initial memory.
  const inPtr = memory.buffer.byteLength;
  const inputPages = Math.ceil(job.input.length / PAGE);
  if (inputPages > 0) {
    try {
      memory.grow(inputPages);
    } catch {
      return {
        ok: false,
        code: "memory-limit",
        message: `input of ${job.input.length} bytes does not fit under the memory cap of ${job.maximumPages} pages`,
        memoryPages: pages(),
      };
    }
  }
  new Uint8Array(memory.buffer, inPtr, job.input.length).set(job.input);
  const started = performance.now();
  let outPtr: number;
  try {
    outPtr = Number((runFn as (a: number, b: number) => number)(inPtr, job.input.length)) >>> 0;
  } catch (err) {
    const atCap = pages() >= job.maximumPages;
    const message = (err as Error).message;
    if (err instanceof RangeError && /memory|allocation/i.test(message)) {
      return {
        ok: false,
        code: "memory-limit",
        message: `module ran out of memory: ${message}`,
        memoryPages: pages(),
      };
    }
    return {
      ok: false,
      code: atCap ? "memory-limit" : "trap",
      message: atCap
        ? `module trapped after reaching the memory cap of ${job.maximumPages} pages: ${message}`
        : `module trapped: ${message}`,
      memoryPages: pages(),
    };
  }
  const elapsedMs = performance.now() - started;
  const size = memory.buffer.byteLength;
  if (outPtr + 4 > size) {
    return {
      ok: false,
      code: "output",
      message: `run returned pointer ${outPtr}, outside memory of ${size} bytes`,
      memoryPages: pages(),
    };
  }
  const outLen = new DataView(memory.buffer).getUint32(outPtr, true);
  if (outLen > job.maxOutputBytes) {
    return {
      ok: false,
      code: "output",
      message: `output of ${outLen} bytes exceeds the limit of ${job.maxOutputBytes}`,
      memoryPages: pages(),
    };
  }
  if (outPtr + 4 + outLen > size) {
    return {
      ok: false,
      code: "output",
      message: `output [${outPtr + 4}, +${outLen}) lies outside memory of ${size} bytes`,
      memoryPages: pages(),
    };
  }
  const output = new Uint8Array(memory.buffer.slice(outPtr + 4, outPtr + 4 + outLen));
  return { ok: true, output, elapsedMs };
}

const reply = run(workerData as SandboxJob);
parentPort?.postMessage(reply, reply.ok ? [reply.output.buffer as ArrayBuffer] : []);
