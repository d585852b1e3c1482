import { describe, expect, it } from "vitest";
import { decodeTensors, encodeTensors, TensorCodecError, type NamedTensor } from "./tensors.ts";

const header = (obj: unknown, data = new Uint8Array(0)) => {
  const h = new TextEncoder().encode(JSON.stringify(obj));
  const out = new Uint8Array(12 + h.length + data.length);
  out.set(new TextEncoder().encode("EAIT"));
  out[4] = 1;
  new DataView(out.buffer).setUint32(8, h.length, true);
  out.set(h, 12);
  out.set(data, 12 + h.length);
  return out;
};

describe("EAIT tensor codec", () => {
  it("round-trips every dtype", () => {
    const tensors: NamedTensor[] = [
      { name: "f32", dtype: "float32", dims: [2, 2], data: new Float32Array([1.5, -2, 3, 4]) },
      { name: "f64", dtype: "float64", dims: [1], data: new Float64Array([Math.PI]) },
      { name: "i8", dtype: "int8", dims: [3], data: new Int8Array([-1, 0, 1]) },
      { name: "u8", dtype: "uint8", dims: [1, 1, 1], data: new Uint8Array([255]) },
      { name: "i32", dtype: "int32", dims: [2], data: new Int32Array([-5, 7]) },
      { name: "i64", dtype: "int64", dims: [2], data: new BigInt64Array([-(2n ** 40n), 3n]) },
      { name: "b", dtype: "bool", dims: [0], data: new Uint8Array(0) },
    ];
    expect(decodeTensors(encodeTensors(tensors))).toEqual(tensors);
  });

  it("decodes data at unaligned offsets", () => {
    const bytes = encodeTensors([{ name: "abc", dtype: "float32", dims: [1], data: new Float32Array([7]) }]);
    expect(decodeTensors(bytes)[0]?.data).toEqual(new Float32Array([7]));
  });

  it("rejects malformed encodings with clear errors", () => {
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(5), /at least 12 bytes/],
      [new Uint8Array(12), /expected magic "EAIT"/],
      [header({ tensors: [{ name: "x", dtype: "float16", dims: [1] }] }), /tensors.0.dtype: expected one of/],
      [
        header({ tensors: [{ name: "x", dtype: "float32", dims: [-1] }] }),
        /tensors.0.dims.0: expected a non-negative integer/,
      ],
      [
        header({ tensors: [{ name: "x", dtype: "float32", dims: [2] }] }, new Uint8Array(4)),
        /need 8 bytes, only 4 left/,
      ],
      [
        header({ tensors: [{ name: "x", dtype: "uint8", dims: [1] }] }, new Uint8Array(2)),
        /1 trailing bytes/,
      ],
      [
        header({
          tensors: [
            { name: "x", dtype: "uint8", dims: [0] },
            { name: "x", dtype: "uint8", dims: [0] },
          ],
        }),
        /duplicate tensor name "x"/,
      ],
      [header({ tensors: [] }), /expected at least one tensor/],
      [header({ tensors: [{ name: "x", dtype: "uint8", dims: [0], extra: 1 }] }), /Unrecognized key/],
    ];
    for (const [bytes, message] of cases)
      expect(() => decodeTensors(bytes), String(message)).toThrow(message);
    const v2 = header({ tensors: [] });
    v2[4] = 2;
    expect(() => decodeTensors(v2)).toThrow(/version 2 is not supported/);
    const longHeader = header({ tensors: [] });
    new DataView(longHeader.buffer).setUint32(8, 1_000_000, true);
    expect(() => decodeTensors(longHeader)).toThrow(TensorCodecError);
  });

  it("refuses to encode data that disagrees with dims or dtype", () => {
    expect(() =>
      encodeTensors([{ name: "x", dtype: "float32", dims: [3], data: new Float32Array(2) }]),
    ).toThrow(/2 elements given/);
    expect(() =>
      encodeTensors([{ name: "x", dtype: "int32", dims: [1], data: new Float32Array(1) }]),
    ).toThrow(/does not match dtype/);
  });
});
