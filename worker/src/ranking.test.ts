import { describe, expect, it } from "vitest";
import { encodeAbiParameters, keccak256, type Address } from "viem";
import { claimsWhenRanked, firstRanked, rankKey, rankOf, turnSteps } from "./ranking.ts";

const providers: Address[] = Array.from(
  { length: 12 },
  (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}` as Address,
);

describe("direct settlement ranking", () => {
  it("keys are keccak256(abi.encode(taskId, provider)), case-insensitive in the address", () => {
    const p = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;
    const expected = keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "address" }], [7n, p]));
    expect(rankKey(7n, p)).toBe(expected);
    expect(rankKey(7n, p.toLowerCase() as Address)).toBe(expected);
    expect(rankKey(8n, p)).not.toBe(expected);
  });

  it("gives every provider a distinct rank, in ascending key order, the same for every observer", () => {
    for (const taskId of [1n, 2n, 99n, 2n ** 200n]) {
      const ranks = providers.map((p) => rankOf(taskId, p, providers, 1_000));
      expect([...ranks].sort((a, b) => a - b)).toEqual(providers.map((_, i) => i));
      const byKey = [...providers].sort((a, b) =>
        BigInt(rankKey(taskId, a)) < BigInt(rankKey(taskId, b)) ? -1 : 1,
      );
      byKey.forEach((p, i) => expect(rankOf(taskId, p, providers, 1_000)).toBe(i));
      // Order of the list and duplicates do not matter.
      const shuffled = [...providers].reverse().concat(providers.slice(0, 3));
      providers.forEach((p, i) => expect(rankOf(taskId, p, shuffled, 1_000)).toBe(ranks[i]));
    }
  });

  it("counts self even when missing from the list, and caps the rank", () => {
    const [self, ...others] = providers as [Address, ...Address[]];
    expect(rankOf(5n, self, others, 1_000)).toBe(rankOf(5n, self, providers, 1_000));
    expect(rankOf(5n, self, [], 8)).toBe(0);
    const ranks = providers.map((p) => rankOf(5n, p, providers, 3));
    expect(Math.max(...ranks)).toBe(3);
    expect(ranks.filter((r) => r < 3).sort()).toEqual([0, 1, 2]);
  });

  it("spreads rank 0 across providers over many tasks", () => {
    const firsts = new Map<Address, number>();
    for (let t = 0n; t < 600n; ++t) {
      const first = providers.find((p) => rankOf(t, p, providers, 1) === 0)!;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    expect(firsts.size).toBe(providers.length);
    for (const n of firsts.values()) expect(n).toBeGreaterThan(20);
  });

  it("names the first-ranked provider, the one whose rank is 0", () => {
    for (const taskId of [3n, 4n, 5n]) {
      const first = firstRanked(taskId, providers);
      expect(first).toBeDefined();
      expect(rankOf(taskId, first!, providers, 1_000)).toBe(0);
    }
    expect(firstRanked(1n, [])).toBeUndefined();
  });

  it("turns: rank 0 at once, rank r after r steps plus the first-ranked provider's backlog (capped)", () => {
    expect(turnSteps(0, 10, 32)).toBe(0);
    expect(turnSteps(1, 0, 32)).toBe(1);
    expect(turnSteps(2, 3, 32)).toBe(5);
    expect(turnSteps(1, 100, 32)).toBe(33);
  });
});

describe("which path a ranked provider takes", () => {
  it("hybrid: rank 0 proves directly, every lower rank claims; direct never claims; claim always does", () => {
    expect(claimsWhenRanked("hybrid", 0)).toBe(false);
    expect(claimsWhenRanked("hybrid", 1)).toBe(true);
    expect(claimsWhenRanked("hybrid", 7)).toBe(true);
    expect(claimsWhenRanked("direct", 0)).toBe(false);
    expect(claimsWhenRanked("direct", 3)).toBe(false);
    expect(claimsWhenRanked("claim", 0)).toBe(true);
    expect(claimsWhenRanked("claim", 2)).toBe(true);
  });
});
