/**
 * Results in words, for every kind of model the demo network runs (browser-safe):
 *
 * - ZK_MLP (the digits model): the proven output word packs ten signed logits (18-bit slots, docs/CIRCUITS.md);
 *   the digit is their argmax, the scores are the logits by digit, best first.
 * - ONNX: the result blob is EAIT named tensors (docs/WORKER.md); each tensor is listed with its values, and a
 *   2-D float tensor also with the argmax of each row (tiny-mlp: the class of each input row).
 * - WASM: raw bytes; shown as hex, as UTF-8 when they are printable text, and as little-endian u32 words when
 *   their length is a multiple of 4 (byte-sum: one word, the sum of the input bytes).
 */
import { toHex } from "viem";

import { unpackOutput } from "../zk/commitment.ts";
import { argmax } from "../zk/inference.ts";
import { decodeTensors, TensorCodecError } from "./tensors.ts";

export interface DecodedZkResult {
  kind: "ZK_MLP";
  digit: number;
  /** Logit of each digit 0..9. */
  logits: number[];
  /** `[digit, logit]` pairs, highest logit first. */
  scores: [number, number][];
}

export interface DecodedTensor {
  name: string;
  dtype: string;
  dims: number[];
  values: (number | string)[];
  /** 2-D float tensors: argmax of each row. */
  rowArgmax?: number[];
}

export interface DecodedOnnxResult {
  kind: "ONNX";
  tensors: DecodedTensor[];
}

export interface DecodedBytesResult {
  kind: "WASM";
  size: number;
  hex: string;
  /** The bytes as UTF-8, when they decode and are printable. */
  text?: string;
  /** Little-endian u32 words, when the size is a multiple of 4 (at most 64 words). */
  u32le?: number[];
}

export type DecodedResult = DecodedZkResult | DecodedOnnxResult | DecodedBytesResult;

/** The digits model's output word as a digit and its scores. */
export function decodeZkOutput(output: bigint): DecodedZkResult {
  const logits = unpackOutput(output);
  const scores = logits.map((l, d) => [d, l] as [number, number]).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return { kind: "ZK_MLP", digit: argmax(logits), logits, scores };
}

/**
 * An ONNX result blob's tensors. @throws TensorCodecError when the bytes are not EAIT v1 (the message says what is
 * wrong).
 */
export function decodeOnnxResult(bytes: Uint8Array): DecodedOnnxResult {
  return {
    kind: "ONNX",
    tensors: decodeTensors(bytes).map((t) => {
      const values = Array.from(t.data as ArrayLike<number | bigint>, (v) =>
        typeof v === "bigint" ? v.toString() : v,
      );
      const out: DecodedTensor = { name: t.name, dtype: t.dtype, dims: [...t.dims], values };
      if (t.dims.length === 2 && (t.dtype === "float32" || t.dtype === "float64")) {
        const [rows, cols] = t.dims as [number, number];
        out.rowArgmax = Array.from({ length: rows }, (_, r) =>
          argmax((values as number[]).slice(r * cols, (r + 1) * cols)),
        );
      }
      return out;
    }),
  };
}

/** A WASM result's bytes, shown several ways. */
export function decodeBytesResult(bytes: Uint8Array): DecodedBytesResult {
  const out: DecodedBytesResult = { kind: "WASM", size: bytes.byteLength, hex: toHex(bytes) };
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    if (text.length > 0 && /^[\p{L}\p{N}\p{P}\p{Zs}\n\t]*$/u.test(text)) out.text = text;
  } catch {
    // not UTF-8
  }
  if (bytes.byteLength > 0 && bytes.byteLength % 4 === 0 && bytes.byteLength <= 256) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    out.u32le = Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getUint32(i * 4, true));
  }
  return out;
}

/**
 * A REDUNDANT result decoded by its model's kind (`ONNX` → tensors, else bytes). An ONNX result that is not EAIT
 * is shown as bytes, with `error` saying why.
 */
export function decodeRedundantResult(
  kind: "ONNX" | "WASM" | "ZK_MLP",
  bytes: Uint8Array,
): DecodedOnnxResult | (DecodedBytesResult & { error?: string }) {
  if (kind === "ONNX") {
    try {
      return decodeOnnxResult(bytes);
    } catch (err) {
      if (!(err instanceof TensorCodecError)) throw err;
      return { ...decodeBytesResult(bytes), error: `not EAIT tensors: ${err.message}` };
    }
  }
  return decodeBytesResult(bytes);
}
