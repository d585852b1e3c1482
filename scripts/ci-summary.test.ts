import { describe, expect, it } from "vitest";
import { summarize } from "./ci-summary.ts";

describe("summarize", () => {
  it("adds Hardhat and Vitest totals", () => {
    const log = [
      "  212 passing (201 solidity, 11 nodejs)",
      "  2 failing",
      "\u001b[2m      Tests \u001b[22m \u001b[1m\u001b[31m1 failed\u001b[39m\u001b[22m\u001b[2m | \u001b[22m\u001b[1m\u001b[32m30 passed\u001b[39m\u001b[22m (31)",
    ].join("\n");
    expect(summarize(log, 1)).toEqual({ passed: 242, failed: 3 });
  });

  it("counts a step that failed without tests as one failure", () => {
    expect(summarize("eslint: 3 problems", 1)).toEqual({ passed: 0, failed: 1 });
    expect(summarize("", 0)).toEqual({ passed: 0, failed: 0 });
  });
});
