// @vitest-environment jsdom
import { cleanup, render, screen } from "@testing-library/react";
import { parseEther } from "viem";
import { afterEach, describe, expect, it } from "vitest";
import { PriceRules, type MarketRules } from "./price-rules.tsx";

afterEach(cleanup);

const rules: MarketRules = {
  providerBps: 8000,
  treasuryBps: 1500,
  creatorBps: 500,
  zkBondRatioBps: 1000,
  redundantBondRatioBps: 15000,
  priorityWindow: 30,
  revealWindow: 600,
  bondFloor: parseEther("1"),
  slashTreasuryBps: 5000,
};

describe("PriceRules", () => {
  it("states the escrow, the split, the bond and the timing of a ZK task", () => {
    render(
      <PriceRules
        rules={rules}
        mode="zk"
        reward={parseEther("2")}
        bond={parseEther("1")}
        redundancy={1}
        minTier={2}
        deadlineIn={86_400}
        execWindow={3600}
      />,
    );
    const text = screen.getByTestId("price-rules").textContent ?? "";
    expect(text).toContain("You pay now2 EAI, held in escrow");
    expect(text).toContain("Providers 1.6 EAI (80%)");
    expect(text).toContain("the model creator 0.1 EAI (5%), the treasury 0.3 EAI (15% plus rounding)");
    expect(text).toContain(
      "Each claimant locks 1 EAI of its stake: 10% of the reward, at least the bond floor of 1 EAI",
    );
    expect(text).toContain(
      "misses its execution window loses its bond; 50% of a slashed bond is credited to you",
    );
    expect(text).toContain("tier 2 or higher");
    expect(text).toContain("Execution window 1h after a claim. Deadline in 1d.");
    expect(text).not.toContain("reveal window");
  });

  it("splits a REDUNDANT reward among the majority and names the reveal window", () => {
    render(
      <PriceRules
        rules={rules}
        mode="redundant"
        reward={parseEther("3")}
        redundancy={5}
        minTier={1}
        execWindow={60}
      />,
    );
    const text = screen.getByTestId("price-rules").textContent ?? "";
    expect(text).toContain(
      "Providers 2.4 EAI (80%, shared equally by the majority: 0.8 EAI each if 3 of 5 agree)",
    );
    expect(text).toContain("150% of the reward");
    expect(text).toContain("then a reveal window of 10m");
    expect(text).toContain("also when no strict majority agrees");
    expect(text).toContain("Deadline —");
  });
});
