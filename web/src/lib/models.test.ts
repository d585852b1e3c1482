import { describe, expect, it } from "vitest";
import { comparisonText, describeProfile, minExecWindowText, runtimeVersionText } from "./models.ts";

const base = {
  comparison: 0,
  quantStepLog2: 0,
  intraOpThreads: 0,
  graphOptimization: 0,
  target: 1,
  runtimeVersion: 0,
};

describe("execution profiles in words", () => {
  it("names the comparison rule", () => {
    expect(comparisonText(base)).toBe("exact bytes");
    expect(comparisonText({ comparison: 1, quantStepLog2: -24 })).toMatch(/rounded to 2\^-24 steps/);
    expect(comparisonText({ comparison: 7, quantStepLog2: 0 })).toMatch(/unknown/);
  });

  it("gives ONNX models every pinned setting, others only what applies", () => {
    expect(describeProfile("ONNX", base)).toBe(
      "results compared as exact bytes; threads: each provider's choice; graph optimisation disabled; CPU or an accelerator; any onnxruntime version",
    );
    expect(describeProfile("ONNX", { ...base, intraOpThreads: 4, graphOptimization: 1 })).toContain(
      "4 intra-op threads; graph optimisation basic",
    );
    expect(describeProfile("WASM", { ...base, target: 0 })).toBe("results compared as exact bytes; CPU only");
    expect(describeProfile("ZK_MLP", { ...base, intraOpThreads: 4 })).toBe("results compared as exact bytes");
  });

  it("decodes runtime versions and minimum windows", () => {
    expect(runtimeVersionText(1_030_000)).toBe("1.30.0");
    expect(runtimeVersionText(2_001_017)).toBe("2.1.17");
    expect(minExecWindowText(0)).toMatch(/market's minimum applies/);
    expect(minExecWindowText(3600)).toBe("1h");
  });
});
