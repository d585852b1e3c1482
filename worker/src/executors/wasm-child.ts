/**
 * Sandbox child of the WASM executor (one run per process): compiles the module it is sent, instantiates it with a
 * host-created memory capped at `maximumPages`, copies the input in, calls `run`, copies the output out and replies.
 * Started by wasm.ts through sandbox.ts (operating-system limits); the worker kills it after the reply.
 * Kept free of TypeScript-only runtime syntax so Node runs it directly.
 */
import { serveSandbox, type Reply } from "./sandbox-child.ts";
import type { Frame } from "./ipc.ts";

const PAGE = 65536;

interface RunJob {
  type: "run";
  moduleBytes: number;
  initialPages: number;
  maximumPages: number;
  maxOutputBytes: number;
  hostFunctions: string[];
}

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

const fail = (code: string, message: string, extra: Record<string, unknown> = {}): Reply => ({
  header: { type: "result", ok: false, code, message, ...extra },
});

async function run(frame: Frame): Promise<Reply> {
  const job = frame.header as unknown as RunJob;
  if (job.type !== "run") return fail("runtime", `unknown request ${String(job.type)}`);
  const moduleBytes = frame.payload.subarray(0, job.moduleBytes);
  const input = frame.payload.subarray(job.moduleBytes);
  const compileStarted = performance.now();
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(moduleBytes);
  } catch (err) {
    return fail("bad-model", `invalid module: ${(err as Error).message}`);
  }
  const compileMs = performance.now() - compileStarted;
  const memory = new WebAssembly.Memory({ initial: job.initialPages, maximum: job.maximumPages });
  const pages = () => memory.buffer.byteLength / PAGE;
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, { env: { memory, ...hostImports(job.hostFunctions) } });
  } catch (err) {
    const message = (err as Error).message;
    if (err instanceof RangeError && /stack/i.test(message))
      return fail("memory-limit", `call stack exhausted during instantiation: ${message}`, {
        taskFault: false,
      });
    return fail(
      err instanceof WebAssembly.RuntimeError ? "trap" : "bad-model",
      `instantiation failed: ${message}`,
    );
  }
  const runFn = instance.exports.run;
  if (typeof runFn !== "function")
    return fail("bad-model", "module does not export a function run(inPtr, inLen)");
  // The input goes into fresh pages after the module's own initial memory.
  const inPtr = memory.buffer.byteLength;
  const inputPages = Math.ceil(input.length / PAGE);
  if (inputPages > 0) {
    try {
      memory.grow(inputPages);
    } catch {
      return fail(
        "memory-limit",
        `input of ${input.length} bytes does not fit under the memory cap of ${job.maximumPages} pages`,
      );
    }
  }
  new Uint8Array(memory.buffer, inPtr, input.length).set(input);
  const started = performance.now();
  let outPtr: number;
  try {
    outPtr = Number((runFn as (a: number, b: number) => number)(inPtr, input.length)) >>> 0;
  } catch (err) {
    const message = (err as Error).message;
    if (err instanceof RangeError && /stack/i.test(message)) {
      // How deep a recursion gets depends on frame sizes (V8 version and tier): not the same on every worker.
      return fail("memory-limit", `call stack exhausted: ${message}`, { taskFault: false });
    }
    if (err instanceof RangeError && /memory|allocation/i.test(message))
      return fail("memory-limit", `module ran out of memory: ${message}`, { memoryPages: pages() });
    const atCap = pages() >= job.maximumPages;
    return atCap
      ? fail(
          "memory-limit",
          `module trapped after reaching the memory cap of ${job.maximumPages} pages: ${message}`,
        )
      : fail("trap", `module trapped: ${message}`);
  }
  const elapsedMs = performance.now() - started;
  const size = memory.buffer.byteLength;
  if (outPtr + 4 > size)
    return fail("output", `run returned pointer ${outPtr}, outside memory of ${size} bytes`);
  const outLen = new DataView(memory.buffer).getUint32(outPtr, true);
  if (outLen > job.maxOutputBytes)
    return fail("output", `output of ${outLen} bytes exceeds the limit of ${job.maxOutputBytes}`);
  if (outPtr + 4 + outLen > size)
    return fail("output", `output [${outPtr + 4}, +${outLen}) lies outside memory of ${size} bytes`);
  return {
    header: { type: "result", ok: true, elapsedMs, compileMs, memoryPages: pages() },
    payload: new Uint8Array(memory.buffer, outPtr + 4, outLen),
  };
}

serveSandbox(run);
