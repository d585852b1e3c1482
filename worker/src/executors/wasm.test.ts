import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "@eai/sdk/storage";
import { checkUntrustedWasm, WasmExecutor } from "./wasm.ts";
import { inspectWasm } from "./wasm-inspect.ts";
import { ExecutionError, type ModelArtifact } from "./types.ts";

// --- a tiny WebAssembly assembler (just enough for these modules) ---
const I32 = 0x7f;
const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
};
const str = (s: string) => [...leb(s.length), ...new TextEncoder().encode(s)];
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const limits = (min: number, max?: number) =>
  max === undefined ? [0x00, ...leb(min)] : [0x01, ...leb(min), ...leb(max)];

interface Func {
  params: number[];
  results: number[];
  locals?: number; // extra i32 locals
  body: number[];
  export?: string;
}
interface ModuleSpec {
  memoryImport?: [number, number?] | null; // null: none
  ownMemory?: [number, number?];
  funcImports?: { module: string; name: string; params: number[]; results: number[] }[];
  funcs: Func[];
}

function assemble(spec: ModuleSpec): Uint8Array {
  const imports = spec.funcImports ?? [];
  const types = [
    ...imports.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec(f.results.map((r) => [r]))]),
    ...spec.funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec(f.results.map((r) => [r]))]),
  ];
  const importEntries: number[][] = imports.map((f, i) => [
    ...str(f.module),
    ...str(f.name),
    0x00,
    ...leb(i),
  ]);
  if (spec.memoryImport !== null) {
    const [min, max] = spec.memoryImport ?? [1];
    importEntries.push([...str("env"), ...str("memory"), 0x02, ...limits(min, max)]);
  }
  const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  bytes.push(...section(1, vec(types)));
  bytes.push(...section(2, vec(importEntries)));
  bytes.push(...section(3, vec(spec.funcs.map((_, i) => leb(imports.length + i)))));
  if (spec.ownMemory) bytes.push(...section(5, vec([limits(spec.ownMemory[0], spec.ownMemory[1])])));
  const exports = spec.funcs.flatMap((f, i) =>
    f.export ? [[...str(f.export), 0x00, ...leb(imports.length + i)]] : [],
  );
  bytes.push(...section(7, vec(exports)));
  const bodies = spec.funcs.map((f) => {
    const body = [...(f.locals ? vec([[...leb(f.locals), I32]]) : [0x00]), ...f.body, 0x0b];
    return [...leb(body.length), ...body];
  });
  bytes.push(...section(10, vec(bodies)));
  return new Uint8Array(bytes);
}

const op = {
  get: (i: number) => [0x20, i],
  set: (i: number) => [0x21, i],
  const: (n: number) => [0x41, ...sleb(n)],
  add: [0x6a],
  sub: [0x6b],
  eq: [0x46],
  geU: [0x4f],
  store: [0x36, 0x02, 0x00],
  load8u: [0x2d, 0x00, 0x00],
  grow: [0x40, 0x00],
  unreachable: [0x00],
};
const run = (body: number[], locals = 0): Func => ({
  params: [I32, I32],
  results: [I32],
  locals,
  body,
  export: "run",
});

/** Output = input: writes inLen at inPtr-4 and returns inPtr-4. */
const ECHO = assemble({
  funcs: [
    run([
      ...op.get(0),
      ...op.const(4),
      ...op.sub,
      ...op.get(1),
      ...op.store,
      ...op.get(0),
      ...op.const(4),
      ...op.sub,
    ]),
  ],
});
/** Output = u32 sum of input bytes, written at 0 as [len=4][sum]. Locals: 2 = i, 3 = acc. */
const SUM = assemble({
  funcs: [
    run(
      [
        0x02,
        0x40,
        0x03,
        0x40, // block, loop
        ...op.get(2),
        ...op.get(1),
        ...op.geU,
        0x0d,
        0x01, // br_if 1 when i >= len
        ...op.get(3),
        ...op.get(0),
        ...op.get(2),
        ...op.add,
        ...op.load8u,
        ...op.add,
        ...op.set(3),
        ...op.get(2),
        ...op.const(1),
        ...op.add,
        ...op.set(2),
        0x0c,
        0x00,
        0x0b,
        0x0b, // br 0, end loop, end block
        ...op.const(0),
        ...op.const(4),
        ...op.store,
        ...op.const(4),
        ...op.get(3),
        ...op.store,
        ...op.const(0),
      ],
      2,
    ),
  ],
});
const INFINITE_LOOP = assemble({ funcs: [run([0x03, 0x40, 0x0c, 0x00, 0x0b, ...op.const(0)])] });
/** Grows memory one page at a time; traps (unreachable) once grow fails. */
const GROW_BOMB = assemble({
  funcs: [
    run([
      0x03,
      0x40,
      ...op.const(1),
      ...op.grow,
      ...op.const(-1),
      ...op.eq,
      0x04,
      0x40,
      ...op.unreachable,
      0x0b,
      0x0c,
      0x00,
      0x0b,
      ...op.const(0),
    ]),
  ],
});
const FORBIDDEN_IMPORT = assemble({
  funcImports: [
    { module: "wasi_snapshot_preview1", name: "fd_write", params: [I32, I32, I32, I32], results: [I32] },
  ],
  funcs: [run(op.const(0))],
});
const ABORTS = assemble({
  funcImports: [{ module: "env", name: "abort", params: [I32, I32, I32, I32], results: [] }],
  funcs: [run([...op.const(0), ...op.const(0), ...op.const(7), ...op.const(3), 0x10, 0x00, ...op.const(0)])],
});
const OWN_MEMORY = assemble({ memoryImport: null, ownMemory: [1], funcs: [run(op.const(0))] });
const SECOND_MEMORY = assemble({ ownMemory: [1], funcs: [run(op.const(0))] });
const TRAPS = assemble({ funcs: [run([...op.unreachable, ...op.const(0)])] });
const BAD_POINTER = assemble({ funcs: [run(op.const(-8))] });
const NO_RUN = assemble({ funcs: [{ params: [], results: [], body: [], export: "main" }] });
const BIG_MIN = assemble({ memoryImport: [10_000], funcs: [run(op.const(0))] });

let dir: string;
const models: Record<string, ModelArtifact> = {};
let executor: WasmExecutor;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eai-wasm-"));
  const all = {
    ECHO,
    SUM,
    INFINITE_LOOP,
    GROW_BOMB,
    FORBIDDEN_IMPORT,
    ABORTS,
    OWN_MEMORY,
    SECOND_MEMORY,
    TRAPS,
    BAD_POINTER,
    NO_RUN,
    BIG_MIN,
  };
  for (const [name, bytes] of Object.entries(all)) {
    const path = join(dir, `${name}.wasm`);
    await writeFile(path, bytes);
    models[name] = { id: name, kind: "wasm", path, sha256: sha256Hex(bytes) };
  }
  executor = new WasmExecutor({ memoryMiB: 8, timeoutMs: 1_000 });
});

afterAll(async () => {
  await executor.close();
  await rm(dir, { recursive: true, force: true });
});

const m = (name: string): ModelArtifact => {
  const model = models[name];
  if (!model) throw new Error(`no test module ${name}`);
  return model;
};

async function failure(promise: Promise<unknown>): Promise<ExecutionError> {
  const err = await promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ExecutionError);
  return err as ExecutionError;
}

describe("wasm executor", () => {
  it("echoes its input", async () => {
    const input = new TextEncoder().encode("hello wasm");
    const { output, elapsedMs } = await executor.execute(input, m("ECHO"));
    expect(new TextDecoder().decode(output)).toBe("hello wasm");
    expect(elapsedMs).toBeGreaterThanOrEqual(0);
  });

  it("echoes an input spanning several pages and an empty input", async () => {
    const big = new Uint8Array(200_000).map((_, i) => i % 256);
    expect(Buffer.from((await executor.execute(big, m("ECHO"))).output).equals(Buffer.from(big))).toBe(true);
    expect((await executor.execute(new Uint8Array(0), m("ECHO"))).output).toEqual(new Uint8Array(0));
  });

  it("sums input bytes", async () => {
    const { output } = await executor.execute(new Uint8Array([1, 2, 3, 250]), m("SUM"));
    expect(new DataView(output.buffer, output.byteOffset).getUint32(0, true)).toBe(256);
  });

  it("stops an infinite loop at the time limit and keeps working", async () => {
    const t0 = performance.now();
    const err = await failure(executor.execute(new Uint8Array(1), m("INFINITE_LOOP")));
    expect(err.code).toBe("timeout");
    expect(err.message).toMatch(/exceeded the time limit of 1000 ms/);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect((await executor.execute(new Uint8Array([9]), m("ECHO"))).output).toEqual(new Uint8Array([9]));
  });

  it("stops a memory-grow bomb at the cap", async () => {
    const err = await failure(executor.execute(new Uint8Array(1), m("GROW_BOMB")));
    expect(err.code).toBe("memory-limit");
    expect(err.message).toMatch(/reaching the memory cap of 128 pages/);
    expect((await executor.execute(new Uint8Array([1]), m("SUM"))).output.length).toBe(4);
  });

  it("rejects a forbidden import before running anything", async () => {
    const err = await failure(executor.execute(new Uint8Array(1), m("FORBIDDEN_IMPORT")));
    expect(err.code).toBe("forbidden-import");
    expect(err.message).toMatch(
      /import wasi_snapshot_preview1.fd_write \(function\) is not allowed; allowed: env.memory$/,
    );
  });

  it("allows env.abort only when allowlisted, and reports the abort", async () => {
    expect((await failure(executor.execute(new Uint8Array(1), m("ABORTS")))).code).toBe("forbidden-import");
    const permissive = new WasmExecutor({ memoryMiB: 8, timeoutMs: 1_000, allowedHostFunctions: ["abort"] });
    try {
      const err = await failure(permissive.execute(new Uint8Array(1), m("ABORTS")));
      expect(err.code).toBe("trap");
      expect(err.message).toMatch(/module called abort \(line 7, column 3\)/);
    } finally {
      await permissive.close();
    }
  });

  it("rejects modules that declare their own memory", async () => {
    expect(inspectWasm(OWN_MEMORY).declaredMemories).toBe(1);
    expect((await failure(executor.execute(new Uint8Array(1), m("OWN_MEMORY")))).message).toMatch(
      /declares its own memory/,
    );
    expect((await failure(executor.execute(new Uint8Array(1), m("SECOND_MEMORY")))).message).toMatch(
      /declares its own memory/,
    );
  });

  it("reports traps, bad output pointers, a missing run export and oversized minimum memory", async () => {
    expect(await failure(executor.execute(new Uint8Array(1), m("TRAPS")))).toMatchObject({ code: "trap" });
    expect((await failure(executor.execute(new Uint8Array(1), m("BAD_POINTER")))).message).toMatch(
      /outside memory/,
    );
    expect((await failure(executor.execute(new Uint8Array(1), m("NO_RUN")))).message).toMatch(
      /must export a function run/,
    );
    expect((await failure(executor.execute(new Uint8Array(1), m("BIG_MIN")))).code).toBe("memory-limit");
    expect(() => checkUntrustedWasm(new Uint8Array([1, 2, 3]), [], 10)).toThrow(/not a WebAssembly binary/);
    expect((await failure(executor.execute(new Uint8Array(9 * 1024 * 1024), m("ECHO")))).message).toMatch(
      /does not fit under the memory cap/,
    );
  });

  it("measures the per-execution overhead (fresh process per run, one started ahead)", async () => {
    const input = new Uint8Array(64);
    await executor.execute(input, m("ECHO"));
    const totals: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      await executor.execute(input, m("ECHO"));
      totals.push(performance.now() - t0);
    }
    totals.sort((a, b) => a - b);
    console.log(
      `wasm executor overhead (echo, 64 B, back to back): median ${((totals[4] as number) + (totals[5] as number)) / 2} ms over 10 runs`,
    );
    expect(totals[5]).toBeLessThan(1_000);
  });
});
