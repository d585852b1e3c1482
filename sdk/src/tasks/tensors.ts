/**
 * EAIT v1: the byte encoding of named tensors used for ONNX task inputs and outputs.
 *
 *   offset  size  field
 *   0       4     magic "EAIT"
 *   4       1     version = 1
 *   5       3     reserved, zero
 *   8       4     header length H (uint32 little-endian)
 *   12      H     header: UTF-8 JSON {"tensors":[{"name":"x","dtype":"float32","dims":[1,4]}, …]}
 *   12+H    …     tensor data in header order, little-endian, row-major, tightly packed
 *
 * The total length must be exactly 12 + H + Σ elements(dims) × size(dtype).
 */
import { z } from "zod";
import { formatIssues } from "../zod-errors.ts";

export const TENSOR_DTYPES = {
  float32: 4,
  float64: 8,
  int8: 1,
  uint8: 1,
  int32: 4,
  int64: 8,
  bool: 1,
} as const;

export type TensorDType = keyof typeof TENSOR_DTYPES;

export type TensorData = Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

export interface NamedTensor {
  name: string;
  dtype: TensorDType;
  dims: number[];
  data: TensorData;
}

const MAGIC = "EAIT";
const HEADER_MAX = 64 * 1024;

const headerSchema = z
  .object({
    tensors: z
      .array(
        z
          .object({
            name: z.string().min(1, { error: "expected a non-empty name" }).max(256),
            dtype: z.enum(Object.keys(TENSOR_DTYPES) as [TensorDType, ...TensorDType[]], {
              error: `expected one of ${Object.keys(TENSOR_DTYPES).join(", ")}`,
            }),
            dims: z
              .array(
                z
                  .number()
                  .int({ error: "expected a non-negative integer" })
                  .min(0, { error: "expected a non-negative integer" })
                  .max(2 ** 31),
              )
              .max(16, { error: "expected at most 16 dimensions" }),
          })
          .strict(),
      )
      .min(1, { error: "expected at least one tensor" })
      .max(64, { error: "expected at most 64 tensors" }),
  })
  .strict();

export class TensorCodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TensorCodecError";
  }
}

function elements(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** The typed array that holds each dtype's data (bool as one byte per value). */
const ARRAY_TYPES = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int32: Int32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
} as const satisfies Record<TensorDType, new (buffer: ArrayBuffer) => TensorData>;

function makeArray(dtype: TensorDType, bytes: Uint8Array): TensorData {
  return new ARRAY_TYPES[dtype](bytes.slice().buffer); // aligned copy
}

function expectedArray(dtype: TensorDType, data: TensorData): boolean {
  return data instanceof ARRAY_TYPES[dtype];
}

/** Encodes named tensors as EAIT v1. @throws TensorCodecError when data and dims disagree. */
export function encodeTensors(tensors: readonly NamedTensor[]): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({ tensors: tensors.map(({ name, dtype, dims }) => ({ name, dtype, dims })) }),
  );
  let dataLen = 0;
  for (const t of tensors) {
    if (!expectedArray(t.dtype, t.data))
      throw new TensorCodecError(`tensor ${t.name}: data does not match dtype ${t.dtype}`);
    if (t.data.length !== elements(t.dims)) {
      throw new TensorCodecError(
        `tensor ${t.name}: ${t.data.length} elements given, dims [${t.dims.join(", ")}] need ${elements(t.dims)}`,
      );
    }
    dataLen += t.data.byteLength;
  }
  const out = new Uint8Array(12 + header.length + dataLen);
  out.set(new TextEncoder().encode(MAGIC), 0);
  out[4] = 1;
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  let offset = 12 + header.length;
  for (const t of tensors) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), offset);
    offset += t.data.byteLength;
  }
  return out;
}

/** Decodes EAIT v1. @throws TensorCodecError saying which part is malformed. */
export function decodeTensors(bytes: Uint8Array): NamedTensor[] {
  if (bytes.length < 12)
    throw new TensorCodecError(`tensors: expected at least 12 bytes, got ${bytes.length}`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== MAGIC)
    throw new TensorCodecError(`tensors: expected magic "EAIT", got ${JSON.stringify(magic)}`);
  if (bytes[4] !== 1)
    throw new TensorCodecError(`tensors: version ${bytes[4]} is not supported (expected 1)`);
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (headerLen > HEADER_MAX || 12 + headerLen > bytes.length) {
    throw new TensorCodecError(
      `tensors: header length ${headerLen} is out of range for ${bytes.length} bytes`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(12, 12 + headerLen)));
  } catch {
    throw new TensorCodecError("tensors: header is not UTF-8 JSON");
  }
  const parsed = headerSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new TensorCodecError(`tensors header: ${formatIssues(parsed.error.issues)}`);
  const names = new Set<string>();
  let offset = 12 + headerLen;
  const out: NamedTensor[] = [];
  for (const t of parsed.data.tensors) {
    if (names.has(t.name))
      throw new TensorCodecError(`tensors header: duplicate tensor name ${JSON.stringify(t.name)}`);
    names.add(t.name);
    const size = elements(t.dims) * TENSOR_DTYPES[t.dtype];
    if (!Number.isSafeInteger(size) || offset + size > bytes.length) {
      throw new TensorCodecError(
        `tensor ${t.name}: dims [${t.dims.join(", ")}] need ${size} bytes, only ${bytes.length - offset} left`,
      );
    }
    out.push({
      name: t.name,
      dtype: t.dtype,
      dims: t.dims,
      data: makeArray(t.dtype, bytes.subarray(offset, offset + size)),
    });
    offset += size;
  }
  if (offset !== bytes.length)
    throw new TensorCodecError(`tensors: ${bytes.length - offset} trailing bytes after the last tensor`);
  return out;
}
