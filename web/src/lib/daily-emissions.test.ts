import { describe, expect, it } from "vitest";
import { emissionsPerDay } from "./daily-series.ts";

describe("emissionsPerDay", () => {
  it("aligns the minted EAI with the chart's days, zero where nothing was minted", () => {
    const days = ["2026-12-01", "2026-12-02", "2026-12-03"];
    const rows = [{ day: "2026-12-02", minted: "1500000000000000000" }];
    expect(emissionsPerDay(days, rows)).toEqual([0, 1.5, 0]);
  });
});
