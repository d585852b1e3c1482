import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { writeZkInput } from "@eai/sdk/zk/input";
import { encodeTensors } from "@eai/sdk/tasks/tensors";
import { quantiseImage } from "@eai/sdk/zk/image";
import { HEX_PREVIEW_BYTES, decodeTaskInput, sha256Hex } from "./task-input.ts";

const PIXELS = Array.from({ length: 49 }, (_, i) => i % 16);

describe("decodeTaskInput", () => {
  it("reads the digit a requester drew from a zk-mlp input blob (49 quantised pixels and the salt)", () => {
    const decoded = decodeTaskInput(writeZkInput(PIXELS, 7n), "zk-mlp", "ZK_MLP");
    expect(decoded).toEqual({ kind: "digit", pixels: PIXELS, salt: 7n, bytes: expect.any(Number) });
  });

  it("quantises a 28 × 28 image input, and reads a ZK_MLP model of unknown name the same way", () => {
    // A white bar in the middle rows of a black 28 × 28 image.
    const image = Array.from({ length: 784 }, (_, i) =>
      Math.floor(i / 28) >= 12 && Math.floor(i / 28) < 16 ? 255 : 0,
    );
    const bytes = new TextEncoder().encode(JSON.stringify({ v: 1, image }));
    const decoded = decodeTaskInput(bytes, undefined, "ZK_MLP");
    expect(decoded.kind).toBe("digit");
    if (decoded.kind !== "digit") return;
    expect(decoded.pixels).toEqual(quantiseImage(Uint8Array.from(image)));
    expect(decoded.pixels.some((v) => v > 0)).toBe(true);
    expect(decoded.salt).toBe(0n);
  });

  it("says why a digits input cannot be read (e.g. an encrypted blob)", () => {
    const decoded = decodeTaskInput(Uint8Array.from([1, 2, 3, 250]), "zk-mlp", "ZK_MLP");
    expect(decoded).toMatchObject({ kind: "unreadable", bytes: 4 });
    if (decoded.kind === "unreadable") expect(decoded.reason).toMatch(/zk-mlp input: expected UTF-8 JSON/);
    const wrong = decodeTaskInput(new TextEncoder().encode('{"v":1,"x":[1,2]}'), "zk-mlp", "ZK_MLP");
    expect(wrong).toMatchObject({ kind: "unreadable" });
  });

  it("summarises an ONNX model's EAIT tensors", () => {
    const bytes = encodeTensors([
      { name: "x", dtype: "float32", dims: [1, 4], data: Float32Array.from([1, 0.5, -1, 2]) },
    ]);
    const decoded = decodeTaskInput(bytes, "eait", "ONNX");
    expect(decoded).toMatchObject({ kind: "text", what: "tensors" });
    if (decoded.kind === "text") {
      expect(decoded.text).toContain("x");
      expect(decoded.text).toContain("float32");
      expect(decoded.text).toMatch(/1, 0\.5, -1, 2/);
    }
  });

  it("shows text inputs as text and other bytes as the first bytes in hex", () => {
    expect(decodeTaskInput(new TextEncoder().encode("hello, EAI"), "bytes", "WASM")).toEqual({
      kind: "text",
      text: "hello, EAI",
      what: "text",
      bytes: 10,
    });
    const binary = Uint8Array.from({ length: 100 }, (_, i) => (i === 0 ? 0 : 255 - i));
    const decoded = decodeTaskInput(binary, "bytes", "WASM");
    expect(decoded.kind).toBe("binary");
    if (decoded.kind !== "binary") return;
    expect(decoded.hex.split("\n")[0]).toBe("00 fe fd fc fb fa f9 f8 f7 f6 f5 f4 f3 f2 f1 f0");
    expect(decoded.hex.replace(/\s|…/g, "")).toHaveLength(HEX_PREVIEW_BYTES * 2);
    expect(decoded.hex.endsWith("…")).toBe(true);
  });
});

describe("sha256Hex", () => {
  it("matches Node's sha256", async () => {
    const bytes = new TextEncoder().encode("abc");
    expect(await sha256Hex(bytes)).toBe(createHash("sha256").update(bytes).digest("hex"));
  });
});
