/**
 * Static checks of an untrusted WebAssembly binary, done by reading its sections (the worker never compiles an
 * untrusted module in its own process): imports and exports, the limits of the memory import, memories the module
 * declares itself (which would escape the host's cap), and everything whose size the module declares and V8 would
 * allocate at instantiation — types, functions, tables and their entries, globals, element and data segments.
 *
 * `WASM_ABI_LIMITS` are part of WASM ABI v1 (docs/WORKER.md), the same on every worker, so a module over them is
 * the task's fault everywhere. Tables are the one resource that is capped rather than only checked: a table whose
 * declared maximum is absent or above `maxTableEntries` gets that maximum written into its limits (`capTables`), so
 * `table.grow` past it fails (returns −1) identically on every worker.
 */

export interface MemoryLimits {
  min: number;
  max: number | undefined;
}

export interface TableLimits {
  min: number;
  max: number | undefined;
}

export interface WasmImport {
  module: string;
  name: string;
  kind: "function" | "table" | "memory" | "global" | "tag";
}

export interface WasmExport {
  name: string;
  kind: "function" | "table" | "memory" | "global" | "tag";
}

export interface WasmInspection {
  /** Memories declared in the memory section (must be 0: memory has to be imported). */
  declaredMemories: number;
  /** Limits of each imported memory, in import order. */
  memoryImports: MemoryLimits[];
  /** Features the host refuses ("shared memory", "memory64", "table64", "GC types", …). */
  unsupported: string[];
  imports: WasmImport[];
  exports: WasmExport[];
  types: number;
  /** Defined functions plus imported ones. */
  functions: number;
  /** Tables the module defines (table imports are refused by the import allowlist). */
  tables: TableLimits[];
  globals: number;
  elementSegments: number;
  dataSegments: number;
  /** Where the table section is ([start of its id byte, end)), for `capTables`. */
  tableSection: { start: number; end: number } | undefined;
}

/** Resource limits of WASM ABI v1 (constants: every worker applies the same). */
export interface WasmAbiLimits {
  /** Module size in bytes. */
  maxModuleBytes: number;
  maxTypes: number;
  maxImports: number;
  maxExports: number;
  /** Defined plus imported functions. */
  maxFunctions: number;
  maxTables: number;
  /** Entries over all tables (initial sizes; each table's maximum is capped to this too). */
  maxTableEntries: number;
  maxGlobals: number;
  maxElementSegments: number;
  maxDataSegments: number;
}

export const WASM_ABI_LIMITS: Readonly<WasmAbiLimits> = Object.freeze({
  maxModuleBytes: 64 * 1024 * 1024,
  maxTypes: 10_000,
  maxImports: 64,
  maxExports: 10_000,
  maxFunctions: 100_000,
  maxTables: 16,
  maxTableEntries: 100_000,
  maxGlobals: 10_000,
  maxElementSegments: 10_000,
  maxDataSegments: 10_000,
});

export class WasmFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WasmFormatError";
  }
}

class Reader {
  pos = 0;
  readonly bytes: Uint8Array;
  readonly end: number;
  constructor(bytes: Uint8Array, end = bytes.length) {
    this.bytes = bytes;
    this.end = end;
  }
  byte(): number {
    if (this.pos >= this.end) throw new WasmFormatError("unexpected end of section");
    return this.bytes[this.pos++] as number;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    throw new WasmFormatError("LEB128 integer too long");
  }
  u64(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    throw new WasmFormatError("LEB128 integer too long");
  }
  /** Skips a signed LEB128 (s33 heap types). */
  skipLeb(): void {
    for (let i = 0; i < 10; i++) if ((this.byte() & 0x80) === 0) return;
    throw new WasmFormatError("LEB128 integer too long");
  }
  skip(n: number): void {
    if (this.pos + n > this.end) throw new WasmFormatError("unexpected end of section");
    this.pos += n;
  }
  name(): string {
    const len = this.u32();
    const start = this.pos;
    this.skip(len);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(this.bytes.subarray(start, start + len));
    } catch {
      throw new WasmFormatError("a name is not valid UTF-8");
    }
  }
}

const KINDS = ["function", "table", "memory", "global", "tag"] as const;

function kindOf(b: number): WasmImport["kind"] {
  const kind = KINDS[b];
  if (kind === undefined) throw new WasmFormatError(`unknown import/export kind 0x${b.toString(16)}`);
  return kind;
}

/** A value type: one byte, or `(ref null? ht)` = 0x63/0x64 followed by a heap type (s33). */
function valueType(r: Reader): void {
  const b = r.byte();
  if (b === 0x63 || b === 0x64) r.skipLeb();
}

function memoryLimits(r: Reader, unsupported: Set<string>): MemoryLimits {
  const flags = r.byte();
  if (flags & 0x02) unsupported.add("shared memory");
  const is64 = (flags & 0x04) !== 0;
  if (is64) unsupported.add("memory64");
  const read = () => (is64 ? r.u64() : r.u32());
  const min = read();
  const max = flags & 0x01 ? read() : undefined;
  return { min, max };
}

function tableType(r: Reader, unsupported: Set<string>): TableLimits {
  if (r.bytes[r.pos] === 0x40) {
    unsupported.add("tables with initialiser expressions");
    throw new StopScan();
  }
  valueType(r); // the reference type
  const flags = r.byte();
  if (flags & 0x04) {
    unsupported.add("table64");
    throw new StopScan();
  }
  if (flags & ~0x01) throw new WasmFormatError(`invalid table limits flags 0x${flags.toString(16)}`);
  const min = r.u32();
  const max = flags & 0x01 ? r.u32() : undefined;
  return { min, max };
}

/** Thrown when a refused feature makes the rest of a section unreadable (the module is refused anyway). */
class StopScan extends Error {}

/** Reads every section the checks need. @throws WasmFormatError when the binary is malformed. */
export function inspectWasm(bytes: Uint8Array): WasmInspection {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new WasmFormatError("not a WebAssembly binary (bad magic)");
  }
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new WasmFormatError("unsupported WebAssembly binary version");
  }
  const r = new Reader(bytes);
  r.pos = 8;
  const unsupported = new Set<string>();
  const out: WasmInspection = {
    declaredMemories: 0,
    memoryImports: [],
    unsupported: [],
    imports: [],
    exports: [],
    types: 0,
    functions: 0,
    tables: [],
    globals: 0,
    elementSegments: 0,
    dataSegments: 0,
    tableSection: undefined,
  };
  const seen = new Set<number>();
  while (r.pos < bytes.length) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (end > bytes.length) throw new WasmFormatError(`section ${id} runs past the end of the module`);
    if (id !== 0) {
      if (seen.has(id)) throw new WasmFormatError(`section ${id} appears more than once`);
      seen.add(id);
    }
    const s = new Reader(bytes, end);
    s.pos = r.pos;
    try {
      switch (id) {
        case 1: {
          out.types = s.u32();
          for (let i = 0; i < out.types; i++) {
            const form = s.byte();
            if (form !== 0x60) {
              unsupported.add("non-function types (GC structs, arrays, recursion groups)");
              throw new StopScan();
            }
            for (let k = 0; k < 2; k++) {
              const n = s.u32(); // params, then results
              for (let j = 0; j < n; j++) valueType(s);
            }
          }
          break;
        }
        case 2: {
          const count = s.u32();
          for (let i = 0; i < count; i++) {
            const module = s.name();
            const name = s.name();
            const kind = kindOf(s.byte());
            out.imports.push({ module, name, kind });
            if (kind === "function") {
              s.u32();
              out.functions++;
            } else if (kind === "table") tableType(s, unsupported);
            else if (kind === "memory") out.memoryImports.push(memoryLimits(s, unsupported));
            else if (kind === "global") {
              valueType(s);
              s.byte();
              out.globals++;
            } else {
              s.byte();
              s.u32();
            }
          }
          break;
        }
        case 3:
          out.functions += s.u32();
          break;
        case 4: {
          out.tableSection = { start, end };
          const count = s.u32();
          for (let i = 0; i < count; i++) out.tables.push(tableType(s, unsupported));
          break;
        }
        case 5:
          out.declaredMemories += s.u32();
          break;
        case 6:
          out.globals += s.u32();
          break;
        case 7: {
          const count = s.u32();
          for (let i = 0; i < count; i++) {
            const name = s.name();
            const kind = kindOf(s.byte());
            s.u32();
            out.exports.push({ name, kind });
          }
          break;
        }
        case 9:
          out.elementSegments = s.u32();
          break;
        case 11:
          out.dataSegments = s.u32();
          break;
        default:
          break;
      }
    } catch (err) {
      if (!(err instanceof StopScan)) throw err;
    }
    r.pos = end;
  }
  out.unsupported = [...unsupported];
  return out;
}

/** Every ABI limit `inspection` (of a `byteLength`-byte module) exceeds, as readable sentences; empty when none. */
export function abiViolations(
  inspection: WasmInspection,
  byteLength: number,
  limits: WasmAbiLimits = WASM_ABI_LIMITS,
): string[] {
  const out: string[] = [];
  const over = (what: string, got: number, max: number) => {
    if (got > max) out.push(`${what} ${got} exceeds the limit of ${max}`);
  };
  over("module size (bytes)", byteLength, limits.maxModuleBytes);
  over("types", inspection.types, limits.maxTypes);
  over("imports", inspection.imports.length, limits.maxImports);
  over("exports", inspection.exports.length, limits.maxExports);
  over("functions", inspection.functions, limits.maxFunctions);
  over("tables", inspection.tables.length, limits.maxTables);
  over(
    "table entries (initial sizes, all tables)",
    inspection.tables.reduce((a, t) => a + t.min, 0),
    limits.maxTableEntries,
  );
  over("globals", inspection.globals, limits.maxGlobals);
  over("element segments", inspection.elementSegments, limits.maxElementSegments);
  over("data segments", inspection.dataSegments, limits.maxDataSegments);
  return out;
}

/** Unsigned LEB128, as WASM encodes counts and sizes (also used by the tests and hostile-models.ts to build modules). */
export const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};

/**
 * The module with every table's maximum set to min(declared maximum, `maxEntries`) (a table without a maximum gets
 * `maxEntries`); the same bytes when nothing changes. Only the table section is rewritten.
 * @throws WasmFormatError when the table section cannot be re-read.
 */
export function capTables(bytes: Uint8Array, inspection: WasmInspection, maxEntries: number): Uint8Array {
  const section = inspection.tableSection;
  if (!section || inspection.tables.every((t) => t.max !== undefined && t.max <= maxEntries)) return bytes;
  const r = new Reader(bytes, section.end);
  r.pos = section.start + 1;
  r.u32(); // section size
  const count = r.u32();
  const body: number[] = [...leb(count)];
  for (let i = 0; i < count; i++) {
    const typeStart = r.pos;
    valueType(r);
    const refType = [...bytes.subarray(typeStart, r.pos)];
    const flags = r.byte();
    const min = r.u32();
    const max = flags & 0x01 ? r.u32() : undefined;
    const capped = Math.min(max ?? maxEntries, maxEntries);
    body.push(...refType, 0x01, ...leb(min), ...leb(Math.max(min, capped)));
  }
  const header = [4, ...leb(body.length)];
  const out = new Uint8Array(section.start + header.length + body.length + (bytes.length - section.end));
  out.set(bytes.subarray(0, section.start), 0);
  out.set(header, section.start);
  out.set(body, section.start + header.length);
  out.set(bytes.subarray(section.end), section.start + header.length + body.length);
  return out;
}
