/**
 * WASM ABI v1 resource limits: modules that declare too much are refused before any process compiles them (a task
 * fault), tables are capped identically on every worker, and a module that slips past the limits still cannot take
 * the worker down (its sandbox process dies instead).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "@eai/sdk/storage";
import { checkUntrustedWasm, WasmExecutor } from "./wasm.ts";
import { abiViolations, capTables, inspectWasm, leb, WASM_ABI_LIMITS } from "./wasm-inspect.ts";
import { ExecutionError, type ModelArtifact } from "./types.ts";

// --- raw module building ---
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
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const RUN_TYPE = section(1, [1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f]);
const MEMORY_IMPORT = section(2, [1, ...str("env"), ...str("memory"), 0x02, 0x00, 1]);
const ONE_FUNC = section(3, [1, 0]);
const EXPORT_RUN = section(7, [1, ...str("run"), 0x00, 0]);
/** run: writes [len = 4][value] at 0 where value is what `body` leaves on the stack (local 2 is free). */
const codeWith = (body: number[]) => {
  const fn = [
    1,
    1,
    0x7f, // one i32 local (index 2)
    ...body,
    0x21,
    2, // local.set 2
    0x41,
    0,
    0x41,
    4,
    0x36,
    2,
    0, // mem[0] = 4
    0x41,
    4,
    0x20,
    2,
    0x36,
    2,
    0, // mem[4] = local 2
    0x41,
    0, // return 0
    0x0b,
  ];
  return section(10, [1, ...leb(fn.length), ...fn]);
};
const tableSection = (tables: [number, number?][]) =>
  section(4, [
    ...leb(tables.length),
    ...tables.flatMap(([min, max]) =>
      max === undefined ? [0x70, 0, ...leb(min)] : [0x70, 1, ...leb(min), ...leb(max)],
    ),
  ]);
const module = (...sections: number[][]) => new Uint8Array([...HEADER, ...sections.flat()]);

/** The module: one 4,000,000-entry funcref table (aborted the worker when instantiated in a thread). */
const TABLE_4M = module(
  RUN_TYPE,
  MEMORY_IMPORT,
  ONE_FUNC,
  tableSection([[4_000_000]]),
  EXPORT_RUN,
  codeWith([0x41, 0]),
);
/** A table without a maximum; run returns table.grow(ref.null func, 200000): −1 when the grow is refused. */
const TABLE_GROW = module(
  RUN_TYPE,
  MEMORY_IMPORT,
  ONE_FUNC,
  tableSection([[1]]),
  EXPORT_RUN,
  codeWith([0xd0, 0x70, 0x41, ...sleb(200_000), 0xfc, 0x0f, 0x00]),
);
const ECHO_LEN = module(RUN_TYPE, MEMORY_IMPORT, ONE_FUNC, EXPORT_RUN, codeWith([0x20, 1]));

let dir: string;
const artifacts: Record<string, ModelArtifact> = {};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eai-wasm-limits-"));
  for (const [name, bytes] of Object.entries({ TABLE_4M, TABLE_GROW, ECHO_LEN })) {
    const path = join(dir, `${name}.wasm`);
    await writeFile(path, bytes);
    artifacts[name] = { id: name, kind: "wasm", path, sha256: sha256Hex(bytes) };
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const a = (name: string) => artifacts[name] as ModelArtifact;
const u32 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(0, true);

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

describe("WASM ABI v1 limits (static)", () => {
  it("refuses the 4,000,000-entry table as a task fault, before any process compiles it", async () => {
    expect(inspectWasm(TABLE_4M).tables).toEqual([{ min: 4_000_000, max: undefined }]);
    expect(() => checkUntrustedWasm(TABLE_4M, [], 16)).toThrow(
      /table entries \(initial sizes, all tables\) 4000000 exceeds the limit of 100000/,
    );
    const executor = new WasmExecutor({ memoryMiB: 8, timeoutMs: 5_000, spares: 0 });
    try {
      const err = await failure(executor.execute(new Uint8Array(1), a("TABLE_4M")));
      expect(err.code).toBe("limit");
      expect(err.taskFault).toBe(true);
    } finally {
      await executor.close();
    }
  });

  it("checks every declared count at its bound", () => {
    const counts = (id: number, n: number) => section(id, leb(n));
    const funcTypes = (n: number) =>
      section(1, [...leb(n), ...Array.from({ length: n }, () => [0x60, 0, 0]).flat()]);
    const cases: [string, Uint8Array, Uint8Array][] = [
      [
        "functions",
        module(counts(3, WASM_ABI_LIMITS.maxFunctions)),
        module(counts(3, WASM_ABI_LIMITS.maxFunctions + 1)),
      ],
      [
        "globals",
        module(counts(6, WASM_ABI_LIMITS.maxGlobals)),
        module(counts(6, WASM_ABI_LIMITS.maxGlobals + 1)),
      ],
      [
        "element segments",
        module(counts(9, WASM_ABI_LIMITS.maxElementSegments)),
        module(counts(9, WASM_ABI_LIMITS.maxElementSegments + 1)),
      ],
      [
        "data segments",
        module(counts(11, WASM_ABI_LIMITS.maxDataSegments)),
        module(counts(11, WASM_ABI_LIMITS.maxDataSegments + 1)),
      ],
      ["types", module(funcTypes(WASM_ABI_LIMITS.maxTypes)), module(funcTypes(WASM_ABI_LIMITS.maxTypes + 1))],
      [
        "tables",
        module(tableSection(Array.from({ length: 16 }, () => [1, 1] as [number, number]))),
        module(tableSection(Array.from({ length: 17 }, () => [1, 1] as [number, number]))),
      ],
      [
        "table entries",
        module(tableSection([[60_000], [40_000]])),
        module(tableSection([[60_000], [40_001]])),
      ],
    ];
    for (const [what, atLimit, over] of cases) {
      expect(abiViolations(inspectWasm(atLimit), atLimit.length), what).toEqual([]);
      expect(abiViolations(inspectWasm(over), over.length).join(), what).toMatch(new RegExp(`^${what}`));
    }
    expect(abiViolations(inspectWasm(ECHO_LEN), WASM_ABI_LIMITS.maxModuleBytes + 1).join()).toMatch(
      /module size \(bytes\) 67108865 exceeds the limit of 67108864/,
    );
  });

  it("refuses GC types, duplicate sections, memory64 and shared memories", () => {
    const struct = module(section(1, [1, 0x5f, 0]));
    expect(inspectWasm(struct).unsupported).toEqual([
      "non-function types (GC structs, arrays, recursion groups)",
    ]);
    expect(() => checkUntrustedWasm(struct, [], 16)).toThrow(/unsupported features: non-function types/);
    expect(() => checkUntrustedWasm(module(ONE_FUNC, ONE_FUNC), [], 16)).toThrow(
      /section 3 appears more than once/,
    );
    const mem64 = module(section(2, [1, ...str("env"), ...str("memory"), 0x02, 0x04, 1]));
    expect(inspectWasm(mem64).unsupported).toEqual(["memory64"]);
    const shared = module(section(2, [1, ...str("env"), ...str("memory"), 0x02, 0x03, 1, 2]));
    expect(inspectWasm(shared).unsupported).toEqual(["shared memory"]);
  });

  it("caps table maximums to the ABI limit and leaves conforming modules untouched", () => {
    const within = module(tableSection([[1, 10]]));
    expect(capTables(within, inspectWasm(within), 100_000)).toBe(within);
    const capped = capTables(TABLE_GROW, inspectWasm(TABLE_GROW), 100_000);
    expect(inspectWasm(capped).tables).toEqual([{ min: 1, max: 100_000 }]);
    const over = module(tableSection([[5, 1_000_000], [2]]));
    expect(inspectWasm(capTables(over, inspectWasm(over), 1000)).tables).toEqual([
      { min: 5, max: 1000 },
      { min: 2, max: 1000 },
    ]);
    expect(WebAssembly.validate(new Uint8Array(capped))).toBe(true);
    // What the executor sends to its sandbox is the capped module.
    expect(inspectWasm(checkUntrustedWasm(TABLE_GROW, [], 16).bytes).tables).toEqual([
      { min: 1, max: 100_000 },
    ]);
  });
});

describe("WASM ABI v1 limits (in the sandbox)", () => {
  it("table.grow past the capped maximum fails (−1, also refused by V8's --wasm-max-table-size); lifted, it succeeds", async () => {
    const executor = new WasmExecutor({ memoryMiB: 8, timeoutMs: 10_000 });
    const loose = new WasmExecutor({
      memoryMiB: 8,
      timeoutMs: 10_000,
      abiLimits: { maxTableEntries: 1_000_000 },
    });
    try {
      expect(u32((await executor.execute(new Uint8Array(0), a("TABLE_GROW"))).output) | 0).toBe(-1);
      expect(u32((await loose.execute(new Uint8Array(0), a("TABLE_GROW"))).output)).toBe(1); // old size
    } finally {
      await Promise.all([executor.close(), loose.close()]);
    }
  });

  it("with the limits lifted, the 4M-entry table kills its sandbox process, not the worker", async () => {
    const executor = new WasmExecutor({
      memoryMiB: 8,
      timeoutMs: 30_000,
      heapMiB: 48,
      abiLimits: { maxTableEntries: 10_000_000 },
    });
    try {
      const err = await failure(executor.execute(new Uint8Array(1), a("TABLE_4M")));
      expect(err.taskFault).toBe(false);
      expect(["memory-limit", "crashed"]).toContain(err.code);
      // This process (the worker) is still here, and the executor still works.
      const ok = await executor.execute(new Uint8Array(77), a("ECHO_LEN"));
      expect(u32(ok.output)).toBe(77);
    } finally {
      await executor.close();
    }
  });
});
