/**
 * Static checks of an untrusted WebAssembly binary that the JS API cannot answer: whether the module
 * declares memories of its own (which would escape the host's cap) and the limits of its memory import.
 */

export interface MemoryLimits {
  min: number;
  max: number | undefined;
}

export interface WasmInspection {
  /** Memories declared in the memory section (must be 0: memory has to be imported). */
  declaredMemories: number;
  /** Limits of each imported memory, in import order. */
  memoryImports: MemoryLimits[];
  /** Features the host refuses: "shared memory", "memory64". */
  unsupported: string[];
}

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
  skip(n: number): void {
    if (this.pos + n > this.end) throw new WasmFormatError("unexpected end of section");
    this.pos += n;
  }
  name(): void {
    this.skip(this.u32());
  }
}

function limits(r: Reader, unsupported: Set<string>): MemoryLimits {
  const flags = r.byte();
  if (flags & 0x02) unsupported.add("shared memory");
  const is64 = (flags & 0x04) !== 0;
  if (is64) unsupported.add("memory64");
  const read = () => (is64 ? r.u64() : r.u32());
  const min = read();
  const max = flags & 0x01 ? read() : undefined;
  return { min, max };
}

/** Scans section headers, the import section and the memory section. @throws WasmFormatError. */
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
  const memoryImports: MemoryLimits[] = [];
  let declaredMemories = 0;
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (end > bytes.length) throw new WasmFormatError(`section ${id} runs past the end of the module`);
    const s = new Reader(bytes, end);
    s.pos = r.pos;
    if (id === 2) {
      const count = s.u32();
      for (let i = 0; i < count; i++) {
        s.name();
        s.name();
        const kind = s.byte();
        if (kind === 0x00) s.u32();
        else if (kind === 0x01) {
          s.byte();
          limits(s, new Set());
        } else if (kind === 0x02) memoryImports.push(limits(s, unsupported));
        else if (kind === 0x03) s.skip(2);
        else if (kind === 0x04) {
          s.byte();
          s.u32();
        } else throw new WasmFormatError(`unknown import kind 0x${kind.toString(16)}`);
      }
    } else if (id === 5) {
      declaredMemories += s.u32();
    }
    r.pos = end;
  }
  return { declaredMemories, memoryImports, unsupported: [...unsupported] };
}
