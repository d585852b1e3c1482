import { describe, expect, it } from "vitest";
import { decodeTensors, encodeTensors, type NamedTensor } from "@eai/sdk/tasks/tensors";
import {
  canonicalOutput,
  canonicalTensors,
  DEFAULT_PROFILE,
  defaultProfile,
  parseExecutionProfile,
  ProfileError,
  profileFromRegistry,
  quantise,
  roundHalfEven,
  type ExecutionProfile,
} from "./profile.ts";

const q12: ExecutionProfile = { ...DEFAULT_PROFILE, comparison: "quantised", quantStepLog2: -12 };
const STEP = 2 ** -12;

describe("roundHalfEven and quantise", () => {
  it("rounds ties to even, everything else to nearest", () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001, -3.5].map(roundHalfEven)).toEqual([
      0, 2, 2, 0, -2, -2, 2, 3, -4,
    ]);
    expect(roundHalfEven(2 ** 60 + 2 ** 9)).toBe(2 ** 60 + 2 ** 9);
    expect(roundHalfEven(Infinity)).toBe(Infinity);
    expect(roundHalfEven(Number.NaN)).toBeNaN();
  });

  it("snaps to the grid, with −0 as +0", () => {
    expect(quantise(1 + 0.5 * STEP, STEP)).toBe(1); // tie → even multiple
    expect(quantise(1 + 1.5 * STEP, STEP)).toBe(1 + 2 * STEP);
    expect(quantise(1 + 0.51 * STEP, STEP)).toBe(1 + STEP);
    expect(Object.is(quantise(-0.2 * STEP, STEP), 0)).toBe(true);
    expect(Object.is(quantise(-0, STEP), 0)).toBe(true);
    expect(quantise(-Infinity, STEP)).toBe(-Infinity);
  });
});

describe("canonical tensors", () => {
  const f32 = (...v: number[]) => Float32Array.from(v);
  const tensors = (): NamedTensor[] => [
    {
      name: "a",
      dtype: "float32",
      dims: [6],
      data: f32(0.1, -0.1 * STEP, 3.000_12, 1e30, -Infinity, 2 ** -30),
    },
    { name: "b", dtype: "float64", dims: [3], data: Float64Array.from([Math.PI, -0, 1 + 0.5 * STEP]) },
    { name: "c", dtype: "int32", dims: [2], data: Int32Array.from([7, -7]) },
    { name: "d", dtype: "uint8", dims: [1], data: Uint8Array.from([255]) },
  ];

  it("quantises float32/float64 in float64, stored back in the dtype; other tensors unchanged", () => {
    const [a, b, c, d] = canonicalTensors(tensors(), q12);
    const expectA = [0.1, -0.1 * STEP, 3.000_12, 1e30, -Infinity, 2 ** -30].map((x) =>
      Math.fround(quantise(Math.fround(x), STEP)),
    );
    expect([...(a!.data as Float32Array)]).toEqual(expectA);
    expect(Object.is((a!.data as Float32Array)[1], 0)).toBe(true);
    expect((a!.data as Float32Array)[5]).toBe(0);
    expect([...(b!.data as Float64Array)]).toEqual([quantise(Math.PI, STEP), 0, 1]);
    expect(Object.is((b!.data as Float64Array)[1], 0)).toBe(true);
    expect([...(c!.data as Int32Array)]).toEqual([7, -7]);
    expect([...(d!.data as Uint8Array)]).toEqual([255]);
    expect(a!.dims).toEqual([6]);
    // the canonical values are exactly representable: re-quantising changes nothing (idempotent)
    const twice = canonicalTensors(canonicalTensors(tensors(), q12), q12);
    expect(encodeTensors(twice)).toEqual(encodeTensors(canonicalTensors(tensors(), q12)));
  });

  it("maps every NaN payload to one canonical quiet NaN", () => {
    const nan32 = new Float32Array(3);
    new Uint32Array(nan32.buffer).set([0x7fc0_0001, 0xffc0_0000, 0x7f80_0001]); // quiet+payload, negative, signalling
    const nan64 = new Float64Array(2);
    new BigUint64Array(nan64.buffer).set([0x7ff8_0000_0000_0001n, 0xfff8_0000_0000_0000n]);
    const [a, b] = canonicalTensors(
      [
        { name: "a", dtype: "float32", dims: [3], data: nan32 },
        { name: "b", dtype: "float64", dims: [2], data: nan64 },
      ],
      q12,
    );
    expect([...new Uint32Array((a!.data as Float32Array).buffer)]).toEqual([
      0x7fc0_0000, 0x7fc0_0000, 0x7fc0_0000,
    ]);
    expect([...new BigUint64Array((b!.data as Float64Array).buffer)]).toEqual([
      0x7ff8_0000_0000_0000n,
      0x7ff8_0000_0000_0000n,
    ]);
  });

  it("makes outputs that differ by less than the grid's resolution identical, and keeps larger differences", () => {
    const base = f32(0.123_456, 1.5, -2.25);
    const noisy = f32(0.123_456 + 1e-7, 1.5 - 1e-7, -2.25 + 5e-8);
    const liar = f32(0.123_456 + 1.01 * STEP, 1.5, -2.25);
    const enc = (data: Float32Array) => encodeTensors([{ name: "y", dtype: "float32", dims: [3], data }]);
    expect(Buffer.from(enc(base)).equals(Buffer.from(enc(noisy)))).toBe(false);
    expect(canonicalOutput(enc(base), q12)).toEqual(canonicalOutput(enc(noisy), q12));
    expect(canonicalOutput(enc(base), q12)).not.toEqual(canonicalOutput(enc(liar), q12));
    // the canonical bytes are EAIT the requester decodes as usual
    expect(decodeTensors(canonicalOutput(enc(base), q12))[0]?.dims).toEqual([3]);
  });

  it("leaves exact outputs byte for byte (even non-EAIT bytes)", () => {
    const raw = Uint8Array.from([1, 2, 3]);
    expect(canonicalOutput(raw, DEFAULT_PROFILE)).toBe(raw);
    expect(() => canonicalOutput(raw, q12)).toThrow(/expected at least 12 bytes/);
  });
});

describe("execution profiles", () => {
  it("defaults models without one to exact, the worker's threads, full optimisation, any provider, any runtime", () => {
    expect(defaultProfile("onnx")).toEqual({
      comparison: "exact",
      quantStepLog2: -12,
      intraOpThreads: 0,
      graphOptimizationLevel: "all",
      executionProvider: "any",
      runtimeVersion: "",
    });
    expect(defaultProfile("wasm")).not.toBe(DEFAULT_PROFILE);
  });

  it("validates a registry profile, naming each bad field", () => {
    const good = { ...q12, intraOpThreads: 2n, runtimeVersion: "1.30.0" };
    expect(parseExecutionProfile(good)).toEqual({ ...q12, intraOpThreads: 2, runtimeVersion: "1.30.0" });
    expect(parseExecutionProfile({ ...q12, quantStepLog2: -24 }).quantStepLog2).toBe(-24);
    expect(() => parseExecutionProfile({ ...q12, quantStepLog2: -25 })).toThrow(
      /quantStepLog2: expected an integer between -24 and 0/,
    );
    expect(() => parseExecutionProfile({ ...q12, quantStepLog2: 1 })).toThrow(ProfileError);
    expect(() => parseExecutionProfile({ ...q12, comparison: "fuzzy" })).toThrow(
      /comparison: expected "exact" or "quantised", got "fuzzy"/,
    );
    expect(() =>
      parseExecutionProfile({
        ...q12,
        graphOptimizationLevel: "max",
        executionProvider: "gpu",
        runtimeVersion: "x",
      }),
    ).toThrow(/graphOptimizationLevel: .*; executionProvider: .*; runtimeVersion: expected "" or a version/);
    expect(() => parseExecutionProfile({ ...q12, intraOpThreads: -1 })).toThrow(/intraOpThreads/);
    expect(() => parseExecutionProfile("exact")).toThrow(ProfileError);
  });
});

describe("profileFromRegistry", () => {
  it("reads ModelRegistry's numeric encoding", () => {
    expect(
      parseExecutionProfile(
        profileFromRegistry({
          comparison: 1,
          quantStepLog2: -12,
          intraOpThreads: 2,
          graphOptimization: 1,
          target: 0,
          runtimeVersion: 1_030_000,
        }),
      ),
    ).toEqual({
      comparison: "quantised",
      quantStepLog2: -12,
      intraOpThreads: 2,
      graphOptimizationLevel: "basic",
      executionProvider: "cpu",
      runtimeVersion: "1.30.0",
    });
    expect(
      parseExecutionProfile(
        profileFromRegistry({
          comparison: 0,
          quantStepLog2: 0,
          intraOpThreads: 0,
          graphOptimization: 3,
          target: 1,
          runtimeVersion: 0,
        }),
      ),
    ).toMatchObject({
      comparison: "exact",
      graphOptimizationLevel: "all",
      executionProvider: "any",
      runtimeVersion: "",
    });
  });

  it("leaves an encoding it does not know to the validator", () => {
    expect(() => parseExecutionProfile(profileFromRegistry({ comparison: 7, graphOptimization: 9 }))).toThrow(
      ProfileError,
    );
  });
});
