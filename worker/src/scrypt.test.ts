import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { scryptJs, scryptKey } from "./scrypt.ts";

const te = (s: string) => new TextEncoder().encode(s);

describe("scrypt", () => {
  it("matches RFC 7914 §12 vectors", () => {
    expect(scryptJs(te(""), te(""), 16, 1, 1, 64).toString("hex")).toBe(
      "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906",
    );
    expect(scryptJs(te("password"), te("NaCl"), 1024, 8, 16, 64).toString("hex")).toBe(
      "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640",
    );
  });

  it("agrees with node:crypto on random inputs", () => {
    for (const [n, r, p] of [
      [2, 8, 1],
      [256, 2, 3],
      [64, 5, 2],
    ] as const) {
      const pw = randomBytes(13);
      const salt = randomBytes(32);
      expect(scryptJs(pw, salt, n, r, p, 32).equals(scryptSync(pw, salt, 32, { N: n, r, p }))).toBe(true);
    }
  });

  it("falls back to JS where OpenSSL refuses N ≥ 2^(16r)", async () => {
    const key = await scryptKey(te("pw"), te("salt"), 1 << 16, 1, 1, 32);
    expect(key.equals(scryptJs(te("pw"), te("salt"), 1 << 16, 1, 1, 32))).toBe(true);
  });
});
