import { describe, expect, it } from "vitest";
import { checkInput, quantiseImage, unitToBytes } from "./image.ts";

describe("quantiseImage", () => {
  it("maps a blank image to zeros and a full one to 15s", () => {
    expect(quantiseImage(new Uint8Array(784))).toEqual(new Array(64).fill(0));
    expect(quantiseImage(new Uint8Array(784).fill(255))).toEqual(new Array(64).fill(15));
  });

  it("ignores the 2-pixel border and pools 3 x 3 blocks with floor(sum / 144)", () => {
    const img = new Uint8Array(784);
    for (let i = 0; i < 28; i++) {
      img[i] = 255; // top border row: cropped
      img[i * 28] = 255; // left border column: cropped
    }
    expect(quantiseImage(img)).toEqual(new Array(64).fill(0));
    // block (0, 0) covers rows 2..4, cols 2..4
    img[2 * 28 + 2] = 143;
    expect(quantiseImage(img)[0]).toBe(0);
    img[2 * 28 + 3] = 1; // sum 144
    expect(quantiseImage(img)[0]).toBe(1);
    // block (7, 7) covers rows 23..25, cols 23..25
    img[25 * 28 + 25] = 255;
    img[23 * 28 + 23] = 255;
    expect(quantiseImage(img)[63]).toBe(3); // 510 / 144
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

  it("accepts 64 values in 0..15 only", () => {
    expect(checkInput(new Array(64).fill(15))).toHaveLength(64);
    expect(() => checkInput(new Array(64).fill(16))).toThrow(/outside \[0, 16\)/);
    expect(() => checkInput([...new Array(63).fill(0), -1])).toThrow(/input\[63\]/);
    expect(() => checkInput(new Array(63).fill(0))).toThrow(/64 values/);
    expect(() => checkInput([...new Array(63).fill(0), 0.5])).toThrow(/integer/);
  });
});
