import { describe, expect, it } from "vitest";
import { checkInput, quantiseImage, unitToBytes } from "./image.ts";

describe("quantiseImage", () => {
  it("maps a blank image to zeros and a full one to 15s", () => {
    expect(quantiseImage(new Uint8Array(784))).toEqual(new Array(49).fill(0));
    expect(quantiseImage(new Uint8Array(784).fill(255))).toEqual(new Array(49).fill(15));
  });

  it("uses rows and columns 3..23 only and pools 3 x 3 blocks with floor(sum / 144)", () => {
    const img = new Uint8Array(784);
    for (let i = 0; i < 28; i++) {
      img[2 * 28 + i] = 255; // row 2: outside
      img[i * 28 + 24] = 255; // column 24: outside
    }
    expect(quantiseImage(img)).toEqual(new Array(49).fill(0));
    // block (0, 0) covers rows 3..5, cols 3..5
    img[3 * 28 + 3] = 143;
    expect(quantiseImage(img)[0]).toBe(0);
    img[3 * 28 + 4] = 1; // sum 144
    expect(quantiseImage(img)[0]).toBe(1);
    // block (6, 6) covers rows 21..23, cols 21..23
    img[23 * 28 + 23] = 255;
    img[21 * 28 + 21] = 255;
    expect(quantiseImage(img)[48]).toBe(3); // 510 / 144
  });

  it("rejects images of the wrong size", () => {
    expect(() => quantiseImage(new Uint8Array(783))).toThrow(/784 pixels/);
  });
});

describe("unitToBytes / checkInput", () => {
  it("rounds [0, 1] intensities to bytes and clamps", () => {
    expect([...unitToBytes([0, 0.5, 0.992, 1, 1.2, -0.1])]).toEqual([0, 128, 253, 255, 255, 0]);
    expect(() => unitToBytes([Number.NaN])).toThrow(/finite/);
  });

  it("accepts 49 values in 0..15 only", () => {
    expect(checkInput(new Array(49).fill(15))).toHaveLength(49);
    expect(() => checkInput(new Array(49).fill(16))).toThrow(/outside \[0, 16\)/);
    expect(() => checkInput([...new Array(48).fill(0), -1])).toThrow(/input\[48\]/);
    expect(() => checkInput(new Array(48).fill(0))).toThrow(/49 values/);
    expect(() => checkInput([...new Array(48).fill(0), 0.5])).toThrow(/integer/);
  });
});
