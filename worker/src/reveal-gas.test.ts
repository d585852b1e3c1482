import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";

import { revealMinGas } from "./worker.ts";

/** The measured gas of a reveal that settles a 3-member task (bench:gas, deployed bytecode). */
const measured = z
  .object({ rows: z.array(z.object({ operation: z.string(), txGasMedian: z.number() })) })
  .parse(
    JSON.parse(readFileSync(new URL("../../bench/results/gas-2026-12-02.json", import.meta.url), "utf8")),
  )
  .rows.find((o) => o.operation === "revealResult (last: settles 3 providers)");

describe("revealMinGas", () => {
  it("covers the reveal that settles the task, with headroom, not just a plain reveal", () => {
    expect(measured).toBeDefined();
    const settle = BigInt(measured!.txGasMedian);
    expect(revealMinGas(3)).toBeGreaterThanOrEqual((settle * 115n) / 100n);
  });

  it("grows with the redundancy (the settlement pays, slashes and rates every member)", () => {
    for (let n = 3; n < 15; n += 2) expect(revealMinGas(n + 2)).toBeGreaterThan(revealMinGas(n));
    expect(revealMinGas(15)).toBeLessThan(2_000_000n);
  });
});
