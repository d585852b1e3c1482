import { describe, expect, it } from "vitest";
import { exportName } from "./gen-abi.ts";

describe("exportName", () => {
  it("lower-cases a leading acronym and keeps the rest", () => {
    expect(exportName("EAIToken")).toBe("eaiTokenAbi");
    expect(exportName("EAIGovernor")).toBe("eaiGovernorAbi");
    expect(exportName("TaskMarket")).toBe("taskMarketAbi");
    expect(exportName("Groth16Verifier")).toBe("groth16VerifierAbi");
  });
});
