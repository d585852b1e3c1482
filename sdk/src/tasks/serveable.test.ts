import { describe, expect, it } from "vitest";

import { checkServeable, type ServeableRequest } from "./serveable.ts";
import { encodeTensors } from "./tensors.ts";

const onnx = { kind: 1, active: true, approved: true, inputSize: 4, minExecWindow: 0 };
const zk = { kind: 0, active: true, approved: true, inputSize: 49, minExecWindow: 0 };
const rows = (n: number) =>
  encodeTensors([{ name: "x", dtype: "float32", dims: [n, 4], data: new Float32Array(4 * n) }]);

const base: ServeableRequest = {
  modelId: 2n,
  model: onnx,
  mode: "redundant",
  execWindow: 3600,
  marketMinExecWindow: 120,
  private: false,
  input: rows(2),
  redundancy: 3,
  eligibleProviders: 3,
};

describe("checkServeable", () => {
  it("accepts a well-formed REDUNDANT request", () => {
    expect(checkServeable(base)).toEqual({ errors: [], warnings: [] });
  });

  it("refuses a ZK model in REDUNDANT mode and an ONNX model in ZK mode", () => {
    expect(checkServeable({ ...base, model: zk }).errors[0]).toMatch(/is a ZK model/);
    expect(checkServeable({ ...base, mode: "zk" }).errors[0]).toMatch(/is not a ZK model/);
  });

  it("refuses a private REDUNDANT task", () => {
    expect(checkServeable({ ...base, private: true }).errors).toEqual([
      expect.stringMatching(/encrypted to one provider's key/),
    ]);
  });

  it("refuses an input the ONNX model cannot read, on both sides of the row size", () => {
    expect(checkServeable({ ...base, input: new Uint8Array([1, 2, 3]) }).errors[0]).toMatch(
      /takes EAIT tensors/,
    );
    const five = encodeTensors([{ name: "x", dtype: "float32", dims: [5], data: new Float32Array(5) }]);
    expect(checkServeable({ ...base, input: five }).errors[0]).toMatch(
      /rows of 4 input element\(s\); the input has 5/,
    );
    const eight = encodeTensors([{ name: "x", dtype: "float32", dims: [8], data: new Float32Array(8) }]);
    expect(checkServeable({ ...base, input: eight }).errors).toEqual([]);
    expect(checkServeable({ ...base, input: new Uint8Array() }).errors).toEqual(["the input is empty"]);
  });

  it("checks the execution window against the market's and the model's minimum, both sides", () => {
    expect(checkServeable({ ...base, execWindow: 119 }).errors[0]).toMatch(/below the minimum of 120 s/);
    expect(checkServeable({ ...base, execWindow: 120 }).errors).toEqual([]);
    const slow = { ...onnx, minExecWindow: 900 };
    expect(checkServeable({ ...base, model: slow, execWindow: 899 }).errors[0]).toMatch(/minimum of 900 s/);
    expect(checkServeable({ ...base, model: slow, execWindow: 900 }).errors).toEqual([]);
  });

  it("warns when redundancy exceeds the eligible providers, or nobody can claim", () => {
    expect(checkServeable({ ...base, eligibleProviders: 2 }).warnings[0]).toMatch(/several votes/);
    expect(checkServeable({ ...base, eligibleProviders: 0 }).warnings[0]).toMatch(/no registered provider/);
    expect(checkServeable({ ...base, eligibleProviders: 3 }).warnings).toEqual([]);
  });

  it("says when the outcome is not rated", () => {
    expect(checkServeable({ ...base, model: { ...onnx, approved: false } }).warnings[0]).toMatch(
      /not approved/,
    );
    const cheap = checkServeable({ ...base, rewardValue: 10n ** 18n, minRatedValue: 10n ** 19n });
    expect(cheap.warnings[0]).toMatch(/below the governed minimum/);
  });

  it("refuses an inactive model", () => {
    expect(checkServeable({ ...base, model: { ...onnx, active: false } }).errors[0]).toMatch(/inactive/);
  });
});
