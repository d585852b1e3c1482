/**
 * Pre-check of an untrusted ONNX file before onnxruntime loads it, by walking the protobuf wire format (no schema
 * library; unknown fields are skipped):
 *
 * - **no external data**: a TensorProto with `data_location = EXTERNAL` or `external_data` entries would make
 *   onnxruntime read files named by the model from the worker's disk (the model could then return them as output);
 *   refused wherever it appears (initializers, sparse initializers, attribute tensors, subgraphs of If/Loop/Scan,
 *   model-local functions, training graphs);
 * - bounded structure: at most `maxNodes` nodes over all graphs and functions, subgraphs nested at most
 *   `maxDepth` deep;
 * - a graph present, and the file well-formed as far as it is read (no truncated fields, no groups).
 *
 * Runtime cost (an Expand to a huge shape, a chain of large MatMuls) cannot be read from the file; the sandbox's
 * memory, CPU and wall-clock limits bound it. Kept free of TypeScript-only runtime syntax (runs in the child).
 */

export interface OnnxLimits {
  maxNodes: number;
  maxDepth: number;
}

export const ONNX_LIMITS: Readonly<OnnxLimits> = Object.freeze({ maxNodes: 100_000, maxDepth: 16 });

export interface OnnxInspection {
  nodes: number;
  initializers: number;
  graphs: number;
  functions: number;
  opsetDomains: string[];
}

export class OnnxCheckError extends Error {
  /** "bad-model": malformed or refused content; "limit": over `OnnxLimits`. */
  readonly code: "bad-model" | "limit";
  constructor(code: "bad-model" | "limit", message: string) {
    super(message);
    this.name = "OnnxCheckError";
    this.code = code;
  }
}

type Visit = (field: number, wire: number, start: number, end: number) => void;

class Walker {
  readonly bytes: Uint8Array;
  readonly limits: OnnxLimits;
  readonly out: OnnxInspection = { nodes: 0, initializers: 0, graphs: 0, functions: 0, opsetDomains: [] };
  constructor(bytes: Uint8Array, limits: OnnxLimits) {
    this.bytes = bytes;
    this.limits = limits;
  }

  varint(pos: number, end: number): [number, number] {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new OnnxCheckError("bad-model", "onnx: truncated varint");
      const b = this.bytes[pos++] as number;
      if (shift < 53) result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return [result, pos];
      shift += 7;
    }
    throw new OnnxCheckError("bad-model", "onnx: varint too long");
  }

  /** Calls `visit` for every field of the message in [start, end). */
  fields(start: number, end: number, visit: Visit): void {
    let pos = start;
    while (pos < end) {
      const [tag, afterTag] = this.varint(pos, end);
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      pos = afterTag;
      let valueEnd: number;
      if (wire === 0) valueEnd = this.varint(pos, end)[1];
      else if (wire === 1) valueEnd = pos + 8;
      else if (wire === 5) valueEnd = pos + 4;
      else if (wire === 2) {
        const [len, afterLen] = this.varint(pos, end);
        pos = afterLen;
        valueEnd = pos + len;
      } else throw new OnnxCheckError("bad-model", `onnx: unsupported protobuf wire type ${wire}`);
      if (valueEnd > end)
        throw new OnnxCheckError("bad-model", "onnx: a field runs past the end of its message");
      if (field === 0) throw new OnnxCheckError("bad-model", "onnx: field number 0");
      visit(field, wire, pos, valueEnd);
      pos = valueEnd;
    }
  }

  string(start: number, end: number): string {
    return new TextDecoder().decode(this.bytes.subarray(start, end));
  }

  model(start: number, end: number): void {
    let graphs = 0;
    this.fields(start, end, (f, w, s, e) => {
      if (w !== 2) return;
      if (f === 7) {
        graphs++;
        this.graph(s, e, 1);
      } else if (f === 8) this.opset(s, e);
      else if (f === 25) this.func(s, e, 1);
      else if (f === 20) this.training(s, e, 1);
    });
    if (graphs === 0) throw new OnnxCheckError("bad-model", "onnx: the model has no graph");
  }

  opset(start: number, end: number): void {
    this.fields(start, end, (f, w, s, e) => {
      if (f === 1 && w === 2) {
        const domain = this.string(s, e);
        if (!this.out.opsetDomains.includes(domain)) this.out.opsetDomains.push(domain);
      }
    });
  }

  depth(depth: number): void {
    if (depth > this.limits.maxDepth)
      throw new OnnxCheckError("limit", `onnx: subgraphs nested deeper than ${this.limits.maxDepth}`);
  }

  graph(start: number, end: number, depth: number): void {
    this.depth(depth);
    this.out.graphs++;
    this.fields(start, end, (f, w, s, e) => {
      if (w !== 2) return;
      if (f === 1) this.node(s, e, depth);
      else if (f === 5) {
        this.out.initializers++;
        this.tensor(s, e);
      } else if (f === 15) this.sparse(s, e);
    });
  }

  node(start: number, end: number, depth: number): void {
    if (++this.out.nodes > this.limits.maxNodes)
      throw new OnnxCheckError("limit", `onnx: more than ${this.limits.maxNodes} nodes`);
    this.fields(start, end, (f, w, s, e) => {
      if (f === 5 && w === 2) this.attribute(s, e, depth);
    });
  }

  attribute(start: number, end: number, depth: number): void {
    this.fields(start, end, (f, w, s, e) => {
      if (w !== 2) return;
      if (f === 5 || f === 10) this.tensor(s, e);
      else if (f === 6 || f === 11) this.graph(s, e, depth + 1);
      else if (f === 22 || f === 23) this.sparse(s, e);
    });
  }

  func(start: number, end: number, depth: number): void {
    this.depth(depth);
    this.out.functions++;
    this.fields(start, end, (f, w, s, e) => {
      if (f === 7 && w === 2) this.node(s, e, depth);
    });
  }

  training(start: number, end: number, depth: number): void {
    this.fields(start, end, (f, w, s, e) => {
      if ((f === 1 || f === 2) && w === 2) this.graph(s, e, depth);
    });
  }

  sparse(start: number, end: number): void {
    this.fields(start, end, (f, w, s, e) => {
      if ((f === 1 || f === 2) && w === 2) this.tensor(s, e);
    });
  }

  tensor(start: number, end: number): void {
    let name = "";
    this.fields(start, end, (f, w, s, e) => {
      if (f === 8 && w === 2) name = this.string(s, e);
      else if (f === 13 && w === 2) this.external(name);
      else if (f === 14 && w === 0 && this.varint(s, e)[0] === 1) this.external(name);
    });
  }

  external(name: string): never {
    throw new OnnxCheckError(
      "bad-model",
      `onnx: tensor ${JSON.stringify(name)} refers to external data; models must carry all their data inline`,
    );
  }
}

/** Walks an ONNX ModelProto. @throws OnnxCheckError saying what is refused or malformed. */
export function inspectOnnx(bytes: Uint8Array, limits: OnnxLimits = ONNX_LIMITS): OnnxInspection {
  const w = new Walker(bytes, limits);
  w.model(0, bytes.length);
  return w.out;
}
