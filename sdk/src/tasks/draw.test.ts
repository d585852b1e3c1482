import { keccak256, toHex, type Address } from "viem";
import { describe, expect, it } from "vitest";

import { bestTurn, drawKey, drawSeed, drawTicket, log2Q64, turnDelay } from "./draw.ts";

/** P(Binomial(n, f) > n / 2), computed exactly: the chance a party with share f of the stake wins a majority. */
function binomialMajority(n: number, f: number): number {
  let p = 0;
  let choose = 1;
  for (let k = 0; k <= n; k++) {
    if (k > 0) choose = (choose * (n - k + 1)) / k;
    if (2 * k > n) p += choose * f ** k * (1 - f) ** (n - k);
  }
  return p;
}

interface Identity {
  address: Address;
  stake: bigint;
  party: boolean;
}

/** Stakes in EAI; the party's stake is split evenly (in wei) over `partySplit` identities. */
function identities(partyStake: bigint, partySplit: number, honest: bigint[]): Identity[] {
  const out: Identity[] = [];
  const wei = 10n ** 18n;
  for (let i = 0; i < partySplit; i++) {
    out.push({
      address: toHex(0x1000 + i, { size: 20 }),
      stake: (partyStake * wei) / BigInt(partySplit),
      party: true,
    });
  }
  honest.forEach((stake, i) =>
    out.push({ address: toHex(0x2000 + i, { size: 20 }), stake: stake * wei, party: false }),
  );
  return out;
}

/** Runs `trials` tasks of `n` draws; each draw goes to the earliest turn (everyone online). */
function simulate(ids: Identity[], n: number, trials: number): { majorities: number; draws: number } {
  const total = ids.reduce((s, i) => s + i.stake, 0n);
  let majorities = 0;
  let draws = 0;
  for (let t = 0; t < trials; t++) {
    const seed = drawSeed(keccak256(toHex(`block-${t}`)), BigInt(t + 1));
    let votes = 0;
    for (let j = 0; j < n; j++) {
      let best = -1n;
      let winner: Identity | undefined;
      for (const id of ids) {
        // full resolution (step 2^32 s) so that equal turns, which a real chain breaks by inclusion order, vanish
        const at = turnDelay(drawKey(drawTicket(seed, j, id.address)), id.stake, total, 2n ** 32n);
        if (winner === undefined || at < best) [best, winner] = [at, id];
      }
      if (winner?.party) votes += 1;
    }
    draws += votes;
    if (2 * votes > n) majorities += 1;
  }
  return { majorities, draws };
}

describe("log2Q64 (bit-identical with DrawLib)", () => {
  it("is exact at powers of two and matches the exact floor within one unit of the 32nd bit", () => {
    for (let k = 0n; k <= 64n; k++) expect(log2Q64(1n << k)).toBe(k << 64n);
    // floor(log2(x) * 2^32) << 32 from Python's decimal module (the same constants as DrawLib.t.sol)
    const exact: [bigint, bigint][] = [
      [3n, 29237397613004718080n],
      [10n, 61278757396773076992n],
      [2n ** 64n - 1n, 1180591620713116336128n],
    ];
    for (const [x, want] of exact) {
      const got = log2Q64(x);
      expect(got <= want && got + (1n << 32n) >= want).toBe(true);
    }
    expect(() => log2Q64(0n)).toThrow(RangeError);
  });

  it("stays within 2^-31 of Math.log2 on random 64-bit inputs", () => {
    for (let i = 0; i < 500; i++) {
      const x = BigInt(keccak256(toHex(i))) & (2n ** 64n - 1n);
      if (x === 0n) continue;
      const got = Number(log2Q64(x)) / 2 ** 64;
      expect(Math.abs(got - Math.log2(Number(x)))).toBeLessThan(2 ** -31 + 2 ** -40);
    }
  });
});

describe("bestTurn", () => {
  it("takes the earliest free draw, skips taken ones, and returns null when none is free", () => {
    const seed = drawSeed(`0x${"ab".repeat(32)}`, 5n);
    const p = {
      seed,
      createdAt: 1000,
      redundancy: 3,
      drawsTaken: 0,
      provider: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address,
      stake: 10n ** 20n,
      totalStake: 4n * 10n ** 20n,
      drawStep: 10,
    };
    const all = [0, 1, 2].map(
      (j) => 1000 + Number(turnDelay(drawKey(drawTicket(seed, j, p.provider)), p.stake, p.totalStake, 10)),
    );
    const first = bestTurn(p);
    expect(first?.notBefore).toBe(Math.min(...all));
    const taken = bestTurn({ ...p, drawsTaken: 1 << (first?.draw ?? 0) });
    expect(taken?.draw).not.toBe(first?.draw);
    expect(bestTurn({ ...p, drawsTaken: 0b111 })).toBeNull();
  });
});

/**
 * The fairness simulation of issue #11: a party holding a share f of the eligible stake wins a majority of a
 * task's votes no more often than chance allows (the binomial tail), whether it splits its stake over many
 * identities or not, and whether the honest stake is concentrated or spread.
 */
describe("draw fairness (simulation on the bit-identical port)", () => {
  const trials = 1500;
  const tolerance = (p: number) => 4 * Math.sqrt((p * (1 - p)) / trials) + 0.005;

  const cases: { name: string; n: number; ids: () => Identity[]; f: number }[] = [
    {
      name: "f = 0.3 split over 12 identities, 3 honest of equal stake",
      n: 3,
      f: 0.3,
      ids: () => identities(300n, 12, [233n, 233n, 234n]),
    },
    {
      name: "f = 0.3 in one identity, 3 honest",
      n: 3,
      f: 0.3,
      ids: () => identities(300n, 1, [233n, 233n, 234n]),
    },
    {
      name: "f = 0.4 split over 10 against one concentrated honest provider",
      n: 3,
      f: 0.4,
      ids: () => identities(400n, 10, [600n]),
    },
    {
      name: "f = 0.25 split over 8, redundancy 5, 6 honest",
      n: 5,
      f: 0.25,
      ids: () => identities(250n, 8, [125n, 125n, 125n, 125n, 125n, 125n]),
    },
  ];

  for (const c of cases) {
    it(`${c.name}: majority rate ≈ the binomial tail, draw share ≈ f`, () => {
      const ids = c.ids();
      const total = ids.reduce((s, i) => s + i.stake, 0n);
      const f =
        Number((ids.filter((i) => i.party).reduce((s, i) => s + i.stake, 0n) * 10_000n) / total) / 10_000;
      expect(Math.abs(f - c.f)).toBeLessThan(0.001);
      const { majorities, draws } = simulate(ids, c.n, trials);
      const chance = binomialMajority(c.n, f);
      const rate = majorities / trials;
      // no more often than chance allows ...
      expect(rate).toBeLessThanOrEqual(chance + tolerance(chance));
      // ... and not less either: the votes really are independent stake-weighted draws
      expect(rate).toBeGreaterThanOrEqual(chance - tolerance(chance));
      expect(Math.abs(draws / (trials * c.n) - f)).toBeLessThan(tolerance(f));
    });
  }

  it("binomialMajority is the textbook value (3f²(1−f) + f³)", () => {
    for (const f of [0.1, 0.3, 0.5])
      expect(binomialMajority(3, f)).toBeCloseTo(3 * f * f * (1 - f) + f ** 3, 12);
  });
});
