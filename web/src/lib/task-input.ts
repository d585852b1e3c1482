/**
 * A task's input, decoded for the task page: the digit a requester drew (the "zk-mlp input v1" JSON blob of the
 * digits model: 49 quantised pixels 0–15, or a 28 × 28 image quantised on read, `@eai/sdk/zk/input`), the tensors
 * of an EAIT blob (the ONNX models' input), else UTF-8 text, else the first bytes in hex. Loaded with the task
 * page's lazy verification code (the tensor codec and zod stay out of the first load).
 */
import { readZkInput } from "@eai/sdk/zk/input";
import { eaitPreview, resultPreview } from "./result-preview.ts";
import type { KnownModel } from "./model-names.ts";

export type DecodedInput =
  | { kind: "digit"; pixels: number[]; salt: bigint; bytes: number }
  | { kind: "text"; text: string; what: "tensors" | "text"; bytes: number }
  | { kind: "binary"; hex: string; bytes: number }
  | { kind: "unreadable"; reason: string; bytes: number };

/** How many bytes of a binary input are shown in hex. */
export const HEX_PREVIEW_BYTES = 64;

function hexPreview(bytes: Uint8Array): string {
  const shown = [...bytes.subarray(0, HEX_PREVIEW_BYTES)].map((b) => b.toString(16).padStart(2, "0"));
  const lines: string[] = [];
  for (let i = 0; i < shown.length; i += 16) lines.push(shown.slice(i, i + 16).join(" "));
  return lines.join("\n") + (bytes.length > HEX_PREVIEW_BYTES ? "\n…" : "");
}

/**
 * Decodes `bytes` for the model's input format (`KnownModel.input`; a ZK_MLP model of unknown name is read as
 * zk-mlp input too). A digits input that does not parse is "unreadable" with the reader's reason.
 */
export function decodeTaskInput(
  bytes: Uint8Array,
  format: KnownModel["input"] | undefined,
  modelKind: string | undefined,
): DecodedInput {
  const n = bytes.length;
  if (format === "zk-mlp" || (format === undefined && modelKind === "ZK_MLP")) {
    try {
      const input = readZkInput(bytes);
      return { kind: "digit", pixels: input.x, salt: input.salt, bytes: n };
    } catch (err) {
      return { kind: "unreadable", reason: (err as Error).message, bytes: n };
    }
  }
  if (format === "eait" || format === undefined) {
    const tensors = eaitPreview(bytes);
    if (tensors !== null) return { kind: "text", text: tensors, what: "tensors", bytes: n };
  }
  const text = resultPreview(bytes);
  if (text !== null) return { kind: "text", text, what: "text", bytes: n };
  return { kind: "binary", hex: hexPreview(bytes), bytes: n };
}

/** The sha256 (hex) of `bytes`, with the browser's (or Node's) WebCrypto. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
