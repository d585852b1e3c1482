/**
 * Presentation helpers for a verified result: the JSON a requester downloads and a text preview.
 */
import type { ZkVerified } from "./task-verification.ts";

/**
 * Logits and prediction as the JSON a requester downloads for a verified ZK task.
 */
export function zkOutputJson(taskId: bigint, v: ZkVerified): string {
  return JSON.stringify(
    {
      taskId: taskId.toString(),
      provider: v.provider,
      outputCommitment: v.outputCommitment.toString(),
      output: v.output,
      logits: v.logits,
      prediction: v.prediction,
      proofTx: v.proof.txHash,
      verifier: v.proof.verifier,
    },
    null,
    2,
  );
}

/** A short readable preview of result bytes: pretty JSON, else UTF-8 text, else null (binary). */
export function resultPreview(bytes: Uint8Array, maxChars = 2000): string | null {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 9 || (c > 13 && c < 32)) return null; // control characters: binary data
  }
  try {
    text = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: keep the text
  }
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}

const EAIT_DTYPE_SIZES: Record<string, number> = {
  float32: 4,
  float64: 8,
  int8: 1,
  uint8: 1,
  int32: 4,
  int64: 8,
  bool: 1,
};

/**
 * A readable summary of an EAIT v1 tensor blob (the ONNX executor's output encoding, see docs/WORKER.md): one line
 * per tensor with its dtype, shape and first `maxValues` values. Null when the bytes are not a well-formed EAIT blob.
 */
export function eaitPreview(bytes: Uint8Array, maxValues = 32): string | null {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== "EAIT" || bytes[4] !== 1)
    return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length || headerLength > 64 * 1024) return null;
  let tensors: { name: string; dtype: string; dims: number[] }[];
  try {
    const header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(12, 12 + headerLength)),
    );
    tensors = header.tensors;
    if (!Array.isArray(tensors)) return null;
  } catch {
    return null;
  }
  const lines: string[] = [];
  let offset = 12 + headerLength;
  for (const t of tensors) {
    const size = EAIT_DTYPE_SIZES[t?.dtype];
    if (!size || typeof t.name !== "string" || !Array.isArray(t.dims)) return null;
    if (!t.dims.every((d) => Number.isSafeInteger(d) && d >= 0)) return null;
    const count = t.dims.reduce((a, d) => a * d, 1);
    if (offset + count * size > bytes.length) return null;
    const values: string[] = [];
    for (let i = 0; i < Math.min(count, maxValues); i++) {
      const at = offset + i * size;
      const v =
        t.dtype === "float32"
          ? view.getFloat32(at, true)
          : t.dtype === "float64"
            ? view.getFloat64(at, true)
            : t.dtype === "int8"
              ? view.getInt8(at)
              : t.dtype === "uint8"
                ? view.getUint8(at)
                : t.dtype === "int32"
                  ? view.getInt32(at, true)
                  : t.dtype === "int64"
                    ? view.getBigInt64(at, true)
                    : view.getUint8(at) !== 0;
      values.push(
        typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(6)).toString() : String(v),
      );
    }
    const more = count > maxValues ? `, … (${count} values)` : "";
    lines.push(`${t.name} (${t.dtype}, ${t.dims.join("×") || "scalar"}): ${values.join(", ")}${more}`);
    offset += count * size;
  }
  return offset === bytes.length ? lines.join("\n") : null;
}
