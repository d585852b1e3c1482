import { describe, expect, it } from "vitest";

import {
  ADAPTIVE,
  BOUNDS_OK,
  BOUNDS_TOO_TIGHT,
  DEFAULT_WORLD,
  EXACT_HASH,
  REPUTATION_DEFAULTS,
  WITHIN,
  auditRate,
  createRng,
  detection,
  honestCost,
  inverseNormal,
  lowerTrust,
  newReputation,
  policy,
  raiseTrust,
  recordOutcome,
  runProvider,
  simulate,
  uniformAudits,
  type World,
} from "./audit-sim.ts";

/** Auditors, peers and jurors all honest: detection then has a closed form. */
const CLEAN: World = { ...DEFAULT_WORLD, cheaterShare: 0 };
const N = 4000;

/** |observed − expected| within 4.5 binomial standard errors (a sampler that is wrong by a few points fails). */
function expectShare(observed: number | undefined, expected: number, n: number): void {
  const se = Math.sqrt((expected * (1 - expected)) / n);
  expect(observed).toBeDefined();
  expect(Math.abs(observed! - expected)).toBeLessThanOrEqual(4.5 * se + 1e-9);
}

describe("random numbers", () => {
  it("is deterministic for a seed and uniform on [0, 1)", () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 20_000 }, () => a());
    expect(Array.from({ length: 20_000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs.slice(0, 5));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4.5 * Math.sqrt(1 / 12 / xs.length));
    const lowDecile = xs.filter((v) => v < 0.1).length / xs.length;
    expectShare(lowDecile, 0.1, xs.length);
  });

  it("inverts the normal CDF", () => {
    expect(inverseNormal(0.5)).toBeCloseTo(0, 9);
    expect(inverseNormal(0.975)).toBeCloseTo(1.959964, 5);
    expect(inverseNormal(0.01)).toBeCloseTo(-2.326348, 5);
    expect(inverseNormal(0.9)).toBeCloseTo(1.281552, 5);
    expect(() => inverseNormal(0)).toThrow(RangeError);
  });
});

describe("reputation replica (Reputation.sol arithmetic)", () => {
  it("raises by 5% of the gap (rounded down) and lowers by 20% (rounded up)", () => {
    expect(raiseTrust(5000, 500)).toBe(5250);
    expect(raiseTrust(9999, 500)).toBe(9999);
    expect(lowerTrust(5000, 2000)).toBe(4000);
    expect(lowerTrust(1, 2000)).toBe(0);
  });

  it("suspends a new provider on its third failure and bans on the fifth violation", () => {
    const r = newReputation();
    recordOutcome(r, false);
    recordOutcome(r, false);
    expect(r).toMatchObject({ trust: 3200, violations: 2, suspended: false });
    recordOutcome(r, false);
    expect(r).toMatchObject({ trust: 2560, violations: 3, suspended: true, banned: false });
    recordOutcome(r, false);
    recordOutcome(r, false);
    expect(r.banned).toBe(true);
  });

  it("a trusted provider is banned (5 violations) before its trust falls below the suspension threshold", () => {
    const r = newReputation();
    for (let i = 0; i < 200; i++) recordOutcome(r, true);
    for (let i = 0; i < 4; i++) recordOutcome(r, false);
    expect(r.trust).toBeGreaterThan(REPUTATION_DEFAULTS.suspendThreshold);
    expect(r.suspended).toBe(false);
    recordOutcome(r, false);
    expect(r.banned).toBe(true);
  });
});

describe("audit schedules", () => {
  it("uniform rates are constant; the adaptive schedule holds, decays and floors", () => {
    expect(auditRate(uniformAudits(0.1), 0)).toBe(0.1);
    expect(auditRate(uniformAudits(0.1), 10_000)).toBe(0.1);
    expect(auditRate(ADAPTIVE, 0)).toBe(1);
    expect(auditRate(ADAPTIVE, ADAPTIVE.probation - 1)).toBe(1);
    expect(auditRate(ADAPTIVE, ADAPTIVE.probation)).toBe(1);
    expect(auditRate(ADAPTIVE, ADAPTIVE.probation + 1)).toBeCloseTo(0.95, 12);
    expect(auditRate(ADAPTIVE, ADAPTIVE.probation + 10)).toBeCloseTo(0.95 ** 10, 12);
    expect(auditRate(ADAPTIVE, 10_000)).toBe(ADAPTIVE.floor);
  });
});

describe("detection against closed forms", () => {
  it("uniform audits at rate a catch a cheater at rate c within n tasks with probability 1 − (1 − a·c)^n", () => {
    for (const [a, c] of [
      [0.1, 0.1],
      [0.2, 0.05],
    ] as const) {
      const row = detection(
        CLEAN,
        policy("u", { audits: uniformAudits(a) }),
        { kind: "uniform", rate: c },
        N,
        createRng(1),
      );
      for (const n of WITHIN) expectShare(row.caughtWithin[String(n)], 1 - (1 - a * c) ** n, N);
    }
  });

  it("known-answer tasks at share q catch like audits at rate q, scaled by what leaks", () => {
    for (const leak of [0, 0.5]) {
      const pol = policy("ka", { knownAnswerShare: 0.1, knownAnswerLeak: leak });
      const row = detection(CLEAN, pol, { kind: "uniform", rate: 0.2 }, N, createRng(2));
      for (const n of WITHIN)
        expectShare(row.caughtWithin[String(n)], 1 - (1 - 0.1 * 0.2 * (1 - leak)) ** n, N);
    }
  });

  it("REDUNDANT ×3 catches a cheat when both peers are honest: 1 − (1 − c·(1 − s)²)^n", () => {
    const world = { ...DEFAULT_WORLD, cheaterShare: 0.2 };
    const row = detection(
      world,
      policy("r", { redundancy: 3 }),
      { kind: "uniform", rate: 0.05 },
      N,
      createRng(3),
    );
    for (const n of [25, 50]) expectShare(row.caughtWithin[String(n)], 1 - (1 - 0.05 * 0.8 ** 2) ** n, N);
  });

  it("REDUNDANT ×3 records an honest provider's success whenever one peer agrees: 1 − s² of tasks", () => {
    const world = { ...DEFAULT_WORLD, cheaterShare: 0.5 };
    const r = runProvider(world, policy("r", { redundancy: 3 }), { kind: "honest" }, createRng(16), {
      maxTasks: 4000,
      stopWhenRemoved: false,
    });
    expect(r.falseFailures).toBe(0);
    expectShare(r.successes / r.tasks, 1 - 0.5 ** 2, r.tasks);
    expect(r.trust).toBeGreaterThan(9000);
  });

  it("challenges add detection on unaudited results: 1 − (1 − c·(a + (1 − a)·p))^n", () => {
    const pol = policy("c", { audits: uniformAudits(0.1), challengeRate: 0.3 });
    const row = detection(CLEAN, pol, { kind: "uniform", rate: 0.1 }, N, createRng(4));
    const perTask = 0.1 * (0.1 + 0.9 * 0.3);
    for (const n of WITHIN) expectShare(row.caughtWithin[String(n)], 1 - (1 - perTask) ** n, N);
  });

  it("a sleeper waits for the floor of the adaptive schedule, then is caught at the floor rate", () => {
    const row = detection(
      CLEAN,
      policy("a", { audits: ADAPTIVE }),
      { kind: "sleeper", rate: 0.5, warmup: 50 },
      N,
      createRng(5),
    );
    // All results are audited during probation, so the streak reaches the floor (30 + 45 checks) after ≥ 75 tasks.
    expect(row.warmupTasks).toBeGreaterThanOrEqual(75);
    expect(row.turned).toBe(N);
    for (const n of [25, 50])
      expectShare(row.caughtWithin[String(n)], 1 - (1 - ADAPTIVE.floor * 0.5) ** n, N);
  });

  it("the break-even slash under uniform audits is e/a − provider share", () => {
    const row = detection(
      CLEAN,
      policy("u", { audits: uniformAudits(0.2) }),
      { kind: "uniform", rate: 0.2 },
      N,
      createRng(6),
    );
    expect(row.breakEvenBond).toBeGreaterThan(0.8 / 0.2 - 0.8 - 0.3);
    expect(row.breakEvenBond).toBeLessThan(0.8 / 0.2 - 0.8 + 0.3);
  });

  it("reward-weighted audits catch high-reward cheaters faster and low-reward cheaters slower", () => {
    const pol = policy("w", { audits: uniformAudits(0.1), rewardWeighted: true });
    const high = detection(CLEAN, pol, { kind: "highReward", rate: 0.1 }, 1000, createRng(7));
    const low = detection(CLEAN, pol, { kind: "lowReward", rate: 0.1 }, 1000, createRng(8));
    const plain = 1 - (1 - 0.1 * 0.1) ** 100;
    expect(high.caughtWithin["100"]!).toBeGreaterThan(plain + 0.15);
    expect(low.caughtWithin["100"]!).toBeLessThan(plain - 0.15);
  });
});

describe("cost per verified task", () => {
  it("counts one execution per task plus audits, peers and known-answer tasks with their answers", () => {
    const rng = createRng(9);
    expect(honestCost(CLEAN, policy("r", { redundancy: 3 }), 500, 20, rng).executionsPerTask).toBe(3);
    expect(honestCost(CLEAN, policy("none", {}), 500, 20, rng).executionsPerTask).toBe(1);
    const audited = honestCost(CLEAN, policy("u", { audits: uniformAudits(0.2) }), 1000, 100, rng);
    expect(Math.abs(audited.executionsPerTask - 1.2)).toBeLessThan(4.5 * Math.sqrt((0.2 * 0.8) / 100_000));
    // Known-answer share q: (1 + q / reuse) executions per task over (1 − q) organic tasks.
    const ka = honestCost(CLEAN, policy("ka", { knownAnswerShare: 0.1 }), 1000, 100, rng);
    expect(ka.executionsPerTask).toBeCloseTo(1.1 / 0.9, 1);
  });

  it("a failed audit costs a jury; a frivolous challenge costs a jury and clears the honest provider", () => {
    const pol = policy("f", { frivolousRate: 0.1 });
    const r = honestCost(CLEAN, pol, 1000, 50, createRng(10));
    expect(Math.abs(r.executionsPerTask - (1 + 0.1 * CLEAN.jurySize))).toBeLessThan(0.02);
    expect(r.falselyFlagged).toBe(0);
  });
});

describe("false positives", () => {
  const pols = [
    policy("r", { redundancy: 3 }),
    policy("u", { audits: uniformAudits(0.2), challengeRate: 0.5, frivolousRate: 0.05 }),
    policy("a", { audits: ADAPTIVE, knownAnswerShare: 0.05 }),
  ];

  it("are zero when every configuration lies inside the comparison bounds (even with cheating auditors)", () => {
    for (const pol of pols) {
      const r = honestCost(
        { ...DEFAULT_WORLD, cheaterShare: 0.2, comparison: BOUNDS_OK },
        pol,
        1000,
        50,
        createRng(11),
      );
      expect(r.falselyFlagged).toBe(0);
    }
  });

  it("follow from exact-hash comparison across configurations: a mismatch on 1 − Σ share² of audits", () => {
    const r = honestCost(
      { ...CLEAN, comparison: EXACT_HASH },
      policy("u", { audits: uniformAudits(1) }),
      200,
      400,
      createRng(12),
    );
    const mismatch = 1 - EXACT_HASH.classes.reduce((s, c) => s + c.share ** 2, 0);
    expectShare(r.disputesPerTask, mismatch, 400 * 20); // providers' classes are the dominant source of variance
    expect(r.falselyFlagged).toBeGreaterThan(0.9);
  });

  it("follow from bounds narrower than a class's jitter, and from lazy jurors", () => {
    const tight = honestCost(
      { ...CLEAN, comparison: BOUNDS_TOO_TIGHT },
      policy("u", { audits: uniformAudits(0.1) }),
      1000,
      100,
      createRng(13),
    );
    expect(tight.falselyFlagged).toBeGreaterThan(0.1);
    const lazy = honestCost(
      { ...CLEAN, cheaterShare: 0.3, lazyJurorShare: 0.3 },
      policy("u", { audits: uniformAudits(0.2) }),
      1000,
      100,
      createRng(14),
    );
    expect(lazy.falselyFlagged).toBeGreaterThan(0);
  });
});

describe("the simulation", () => {
  it("is deterministic for a seed and changes with it", () => {
    const pols = [policy("u", { audits: uniformAudits(0.1) }), policy("a", { audits: ADAPTIVE })];
    const a = simulate({ seed: 1, providers: 60, policies: pols });
    const b = simulate({ seed: 1, providers: 60, policies: pols });
    const c = simulate({ seed: 2, providers: 60, policies: pols });
    expect(b).toEqual(a);
    expect(c.detection).not.toEqual(a.detection);
    expect(a.target.map((t) => t.policy)).toEqual(["u", "a"]);
  });

  it("a provider run stops at removal only when asked", () => {
    const pol = policy("u", { audits: uniformAudits(1) });
    const stop = runProvider(CLEAN, pol, { kind: "uniform", rate: 1 }, createRng(15), {
      maxTasks: 100,
      stopWhenRemoved: true,
    });
    expect(stop.tasks).toBe(3); // suspended on the third upheld failure (5000 → 4000 → 3200 → 2560)
    expect(stop.suspendedAt).toBe(2);
    const go = runProvider(CLEAN, pol, { kind: "uniform", rate: 1 }, createRng(15), {
      maxTasks: 100,
      stopWhenRemoved: false,
    });
    expect(go.tasks).toBe(100);
    expect(go.bannedAt).toBe(4);
  });
});
