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
  faultFeeBps: 1000,
  fillTimeout: 900,
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
      "The claimant locks 1 EAI of its provider's stake: 10% of the reward, at least the bond floor of 1 EAI",
    );
    expect(text).toContain(
      "misses its execution window loses its bond; a slashed bond goes to the treasury in full, never to the requester",
    );
    expect(text).not.toContain("task fault");
    expect(screen.queryByTestId("rated")).toBeNull();
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
      "Providers 2.4 EAI (80%, paid by votes to the majority: 0.8 EAI per vote if the majority holds 3 of the 5 votes)",
    );
    expect(text).toContain("150% of the reward");
    expect(text).toContain("5 votes are drawn by stake");
    expect(text).toContain("then a reveal window of 10m");
    expect(text).toContain("also when no strict majority agrees");
    expect(text).toContain("the reward back minus the fault fee of 10% (0.3 EAI)");
    expect(text).toContain("not all drawn within 15m may leave it");
    expect(text).toContain("Deadline —");
  });

  it("says whether the task will be rated, and why not", () => {
    const { rerender } = render(
      <PriceRules rules={rules} mode="zk" redundancy={1} minTier={1} rated={{ rated: true }} />,
    );
    expect(screen.getByTestId("rated").textContent).toMatch(/^This task is rated/);
    rerender(
      <PriceRules
        rules={rules}
        mode="zk"
        redundancy={1}
        minTier={1}
        rated={{ rated: false, reason: "the reward is below the governed minimum of 10 EAI" }}
      />,
    );
    expect(screen.getByTestId("rated").textContent).toBe(
      "This task is not rated: the reward is below the governed minimum of 10 EAI. Its outcome moves nobody's reputation; payments and bonds work as usual.",
    );
  });
});
