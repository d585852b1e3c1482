import { describe, expect, it } from "vitest";

import { packOutput } from "../zk/commitment.ts";
import { decodeBytesResult, decodeRedundantResult, decodeZkOutput } from "./decode.ts";
import { encodeTensors } from "./tensors.ts";

describe("result decoding", () => {
  it("turns the digits model's output word into the digit and the scores, best first", () => {
    const logits = [-5, 10, 3, -131072, 0, 2, 7, 131071, 1, 7];
    const d = decodeZkOutput(packOutput(logits));
    expect(d.logits).toEqual(logits);
    expect(d.digit).toBe(7);
    expect(d.scores.slice(0, 4)).toEqual([
      [7, 131071],
      [1, 10],
      [6, 7],
      [9, 7],
    ]);
    expect(d.scores.at(-1)).toEqual([3, -131072]);
  });

  it("decodes ONNX results as EAIT tensors with each row's argmax", () => {
    const bytes = encodeTensors([
      { name: "y", dtype: "float32", dims: [2, 3], data: Float32Array.from([0.5, 2, -1, 3, 1, 0]) },
    ]);
    const d = decodeRedundantResult("ONNX", bytes);
    expect(d).toEqual({
      kind: "ONNX",
      tensors: [
        { name: "y", dtype: "float32", dims: [2, 3], values: [0.5, 2, -1, 3, 1, 0], rowArgmax: [1, 0] },
      ],
    });
    const bad = decodeRedundantResult("ONNX", Uint8Array.from([1, 2, 3]));
    expect(bad).toMatchObject({ kind: "WASM", size: 3, error: expect.stringMatching(/^not EAIT tensors/) });
  });

  it("decodes the byte-sum WASM result as its u32 little-endian sum", () => {
    const sum = [..."hello, EAI"].reduce((a, c) => a + c.charCodeAt(0), 0);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, sum, true);
    const d = decodeRedundantResult("WASM", bytes);
    expect(d).toMatchObject({ kind: "WASM", size: 4, u32le: [sum] });
    expect(decodeBytesResult(new TextEncoder().encode("ok!"))).toMatchObject({
      text: "ok!",
      hex: "0x6f6b21",
    });
    expect(decodeBytesResult(Uint8Array.from([0xff, 0x00, 0x01]))).not.toHaveProperty("text");
  });
});
