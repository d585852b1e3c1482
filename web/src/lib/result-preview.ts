/**
 * Text previews of a verified REDUNDANT result: EAIT tensors summarised, else pretty JSON or UTF-8 text. Imported
 * only by the verification module, which the task page loads lazily: the tensor codec (and zod) stay out of the
 * page's first load.
 */
import { decodeTensors, TensorCodecError, type NamedTensor } from "@eai/sdk/tasks/tensors";

/** The preview the task page shows: the tensors of an EAIT blob, else text, else null (binary). */
export function previewOf(bytes: Uint8Array): string | null {
  return eaitPreview(bytes) ?? resultPreview(bytes);
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

/**
 * A readable summary of an EAIT v1 tensor blob (the ONNX executor's output encoding, decoded by the SDK's
 * `decodeTensors`; see docs/WORKER.md): one line per tensor with its dtype, shape and first `maxValues` values.
 * Null when the bytes are not a well-formed EAIT blob.
 */
export function eaitPreview(bytes: Uint8Array, maxValues = 32): string | null {
  let tensors: NamedTensor[];
  try {
    tensors = decodeTensors(bytes);
  } catch (err) {
    if (err instanceof TensorCodecError) return null;
    throw err;
  }
  return tensors
    .map((t) => {
      const count = t.data.length;
      const values = Array.from(t.data.subarray(0, maxValues), (v: number | bigint) =>
        t.dtype === "bool"
          ? String(v !== 0)
          : typeof v === "number" && !Number.isInteger(v)
            ? Number(v.toPrecision(6)).toString()
            : String(v),
      );
      const more = count > maxValues ? `, … (${count} values)` : "";
      return `${t.name} (${t.dtype}, ${t.dims.join("×") || "scalar"}): ${values.join(", ")}${more}`;
    })
    .join("\n");
}
