import { describe, expect, it } from "vitest";
import { quantiseImage } from "./image.ts";
import { readZkInput, writeZkInput, ZkInputError } from "./input.ts";
import { SNARK_SCALAR_FIELD } from "./spec.ts";

const x = Array.from({ length: 49 }, (_, i) => i % 16);
const utf8 = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe("zk-mlp input v1", () => {
  it("round-trips quantised pixels and the salt", () => {
    const salt = SNARK_SCALAR_FIELD - 1n;
    const blob = writeZkInput(x, salt);
    expect(JSON.parse(new TextDecoder().decode(blob))).toEqual({ v: 1, x, salt: salt.toString() });
    expect(readZkInput(blob)).toEqual({ x, salt });
  });

  it("quantises an image on read and defaults the salt to 0", () => {
    const image = Array.from({ length: 784 }, (_, i) => (i * 7) % 256);
    expect(readZkInput(utf8({ v: 1, image }))).toEqual({
      x: quantiseImage(Uint8Array.from(image)),
      salt: 0n,
    });
  });

  it("refuses malformed blobs, saying which field is wrong", () => {
    const bad: [unknown, RegExp][] = [
      [[1, 2], /expected an object/],
      [{ v: 2, x }, /expected v = 1, got 2/],
      [{ v: 1, x: x.slice(1) }, /x: expected 49 integers in 0\.\.15/],
      [{ v: 1, x: [...x.slice(1), 16] }, /x: expected 49 integers in 0\.\.15/],
      [{ v: 1, x: [...x.slice(1), 1.5] }, /x: expected 49 integers/],
      [{ v: 1, image: new Array(784).fill(256) }, /image: expected 784 integers in 0\.\.255/],
      [{ v: 1 }, /expected x \(49 pixels\) or image/],
      [{ v: 1, x, salt: 5 }, /salt: expected a decimal string/],
      [{ v: 1, x, salt: "-1" }, /salt: expected a decimal string/],
      [{ v: 1, x, salt: SNARK_SCALAR_FIELD.toString() }, /below the field modulus/],
    ];
    for (const [value, message] of bad) {
      expect(() => readZkInput(utf8(value)), JSON.stringify(value).slice(0, 60)).toThrow(message);
      expect(() => readZkInput(utf8(value))).toThrow(ZkInputError);
    }
    expect(() => readZkInput(new Uint8Array([0xff, 0xfe]))).toThrow(/expected UTF-8 JSON/);
  });

  it("refuses to write pixels or a salt out of range", () => {
    expect(() => writeZkInput([...x.slice(1), 16])).toThrow(/x: expected 49 integers in 0\.\.15/);
    expect(() => writeZkInput(x, -1n)).toThrow(/salt: expected a field element/);
    expect(() => writeZkInput(x, SNARK_SCALAR_FIELD)).toThrow(ZkInputError);
  });
});
