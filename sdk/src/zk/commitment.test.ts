import { readFileSync } from "node:fs";
import { buildPoseidon } from "circomlibjs";
import { describe, expect, it } from "vitest";
import {
  inputCommitment,
  modelCommitment,
  modelHeader,
  packInput,
  packModel,
  packOutput,
  packSigned,
  poseidon,
  poseidonChain,
  unpackOutput,
} from "./commitment.ts";
import { parseModel } from "./model.ts";
import { SNARK_SCALAR_FIELD } from "./spec.ts";

const model = parseModel(
  JSON.parse(readFileSync(new URL("../../../circuits/models/mnist-mlp.json", import.meta.url), "utf8")),
);

describe("Poseidon", () => {
  it("matches circomlib's reference vector Poseidon([1, 2])", async () => {
    expect(await poseidon([1n, 2n])).toBe(
      7853200120776062878684798364095072458815029376092732009249414926327459813530n,
    );
  });

  it("equals circomlibjs's Poseidon for every arity 1..16, at field edges too", async () => {
    const reference = await buildPoseidon();
    const p = SNARK_SCALAR_FIELD;
    for (let n = 1; n <= 16; n++) {
      const inputs = Array.from({ length: n }, (_, i) =>
        i % 3 === 0 ? p - 1n - BigInt(i) : BigInt(i * 7919 + n),
      );
      expect(await poseidon(inputs), `arity ${n}`).toBe(reference.F.toObject(reference(inputs)));
    }
    await expect(poseidon([])).rejects.toThrow(/1\.\.16/);
    await expect(poseidon(Array.from({ length: 17 }, () => 1n))).rejects.toThrow(/1\.\.16/);
  });

  it("chains: plain up to 16 elements, then absorbs 15 per step behind the accumulator", async () => {
    const e = Array.from({ length: 32 }, (_, i) => BigInt(i + 1));
    expect(await poseidonChain(e.slice(0, 16))).toBe(await poseidon(e.slice(0, 16)));
    const first = await poseidon(e.slice(0, 16));
    expect(await poseidonChain(e.slice(0, 17))).toBe(await poseidon([first, 17n]));
    const second = await poseidon([first, ...e.slice(16, 31)]);
    expect(await poseidonChain(e)).toBe(await poseidon([second, 32n]));
  });
});

describe("packing", () => {
  it("packs signed slots and maps negatives into the field as p - |v|", () => {
    expect(packSigned([1, 2], 14)).toBe(1n + (2n << 14n));
    expect(packSigned([-1], 14)).toBe(SNARK_SCALAR_FIELD - 1n);
    expect(packSigned([0, -1], 14)).toBe(SNARK_SCALAR_FIELD - (1n << 14n));
    expect(() => packSigned([8192], 14)).toThrow(/signed 14-bit/);
  });

  it("packs the model as [header, 49 columns, b1, 18 columns, b2]", () => {
    const p = packModel(model);
    expect(p.elements).toHaveLength(1 + 49 + 1 + 18 + 1);
    expect(p.header).toBe(modelHeader());
    expect(p.header & 0xffffn).toBe(1n);
    expect((p.header >> 16n) & 0xffffn).toBe(49n);
    expect(p.elements.every((e) => e >= 0n && e < SNARK_SCALAR_FIELD)).toBe(true);
  });

  it("packs the input as 4-bit pixels, first pixel lowest, in one element (63 pixels per element)", () => {
    const x = Array.from({ length: 49 }, (_, i) => i % 16);
    const [c0 = -1n, c1] = packInput(x);
    expect(c0 & 0xfn).toBe(0n);
    expect((c0 >> 4n) & 0xfn).toBe(1n);
    expect(c1).toBeUndefined();
    expect(c0 >> 192n).toBe(48n % 16n);
  });

  it("round-trips logits through the unsigned output packing", () => {
    const logits = [-131072, 131071, 0, -1, 1, 100, -100, 7, 8, 9];
    expect(unpackOutput(packOutput(logits))).toEqual(logits);
    expect(() => packOutput([131072, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toThrow(/18-bit/);
  });
});

describe("commitments", () => {
  it("the committed model's commitment equals the one recorded in its JSON", async () => {
    expect((await modelCommitment(model)).toString()).toBe(model.commitment);
  });

  it("input commitment depends on every pixel and the salt; the output word on every logit", async () => {
    const x = new Array(49).fill(3);
    const base = await inputCommitment(x);
    expect(await inputCommitment(x, 1n)).not.toBe(base);
    expect(await inputCommitment([...x.slice(0, 48), 4])).not.toBe(base);
    const logits = new Array(10).fill(0);
    // slot k holds logit_k + 2^17 in 18 bits (independent reference of the packing)
    expect(packOutput(logits)).toBe(
      [...Array(10).keys()].reduce((acc, k) => acc + ((2n ** 17n) << BigInt(18 * k)), 0n),
    );
    expect(packOutput([...logits.slice(0, 9), 1])).not.toBe(packOutput(logits));
    expect(unpackOutput(packOutput([-5, 7, 0, 1, 2, 3, 4, 5, 6, -131072]))).toEqual([
      -5, 7, 0, 1, 2, 3, 4, 5, 6, -131072,
    ]);
  });
});
