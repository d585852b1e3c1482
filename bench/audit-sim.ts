/**
 * Detection-and-cost simulation of verification policies for results without a proof (issue #14): how soon a cheating
 * provider is caught, how often an honest one is wrongly flagged, and how many executions a verified task costs.
 *
 *   npm run bench:audit-sim
 *   node bench/audit-sim.ts [--seed N] [--providers N] [--no-write] [--date YYYY-MM-DD] [--results DIR]
 *
 * Pure TypeScript, no chain: a seeded PRNG (xoshiro128**) drives a Monte Carlo over providers, one task at a time.
 * Each task may be a known-answer ("ringer") task, may be audited (re-executed by a staked auditor after the result is
 * committed), challenged (a requester or peer re-checks it) or, in REDUNDANT mode, executed by two more providers. A
 * check that disagrees goes to a jury (`jurySize` re-executions, majority). Upheld failures feed a replica of
 * `contracts/reputation/Reputation.sol` (success +5% of the gap to 10 000, failure −20%, suspension below 3000, ban
 * after 5 violations). Costs count executions: 1 = the provider's own run; audits, jurors, peers, known-answer tasks
 * and their reference answers add to it; the cost per verified task divides by the organic tasks delivered.
 * Assumptions and what is not modelled: docs/AUDITS.md.
 */
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";

// ─── random numbers ──────────────────────────────────────────────────────────────

/** A uniform sampler on [0, 1). */
export type Rng = () => number;

/** xoshiro128** seeded through splitmix32: deterministic for a seed, 2^128 − 1 period, 32-bit resolution. */
export function createRng(seed: number): Rng {
  let x = seed >>> 0;
  const split = (): number => {
    x = (x + 0x9e3779b9) >>> 0;
    let z1 = x;
    z1 = Math.imul(z1 ^ (z1 >>> 16), 0x85ebca6b);
    z1 = Math.imul(z1 ^ (z1 >>> 13), 0xc2b2ae35);
    return (z1 ^ (z1 >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  if ((a | b | c | d) === 0) a = 1;
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result / 4_294_967_296;
  };
}

function rotl(v: number, k: number): number {
  return (v << k) | (v >>> (32 - k));
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function inverseNormal(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`inverseNormal: p must lie in (0, 1), got ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -inverseNormal(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

// ─── reputation (a replica of contracts/reputation/Reputation.sol, without time decay) ────────────────

export interface ReputationParams {
  initialScore: number;
  successWeightBps: number;
  failureWeightBps: number;
  suspendThreshold: number;
  maxViolations: number;
}

/** Reputation.sol's constructor defaults. */
export const REPUTATION_DEFAULTS: ReputationParams = {
  initialScore: 5000,
  successWeightBps: 500,
  failureWeightBps: 2000,
  suspendThreshold: 3000,
  maxViolations: 5,
};

const MAX_SCORE = 10_000;
const BPS = 10_000;

/** `_raise`: a success moves trust `weightBps` of the way to 10 000 (rounded down). */
export function raiseTrust(score: number, weightBps: number): number {
  return score + Math.floor(((MAX_SCORE - score) * weightBps) / BPS);
}

/** `_lower`: a failure takes `weightBps` of the score (rounded up). */
export function lowerTrust(score: number, weightBps: number): number {
  return score - Math.ceil((score * weightBps) / BPS);
}

export interface ReputationState {
  trust: number;
  violations: number;
  suspended: boolean;
  banned: boolean;
}

export function newReputation(p: ReputationParams = REPUTATION_DEFAULTS): ReputationState {
  return { trust: p.initialScore, violations: 0, suspended: false, banned: false };
}

/** `record(provider, Success | WrongResult)`: trust, violations, suspension (after a failure below the threshold), ban. */
export function recordOutcome(
  r: ReputationState,
  success: boolean,
  p: ReputationParams = REPUTATION_DEFAULTS,
): void {
  if (success) {
    r.trust = raiseTrust(r.trust, p.successWeightBps);
    return;
  }
  r.trust = lowerTrust(r.trust, p.failureWeightBps);
  r.violations += 1;
  if (r.trust < p.suspendThreshold) r.suspended = true;
  if (r.violations >= p.maxViolations) r.banned = true;
}

// ─── the world: hardware classes, comparison rule, population ─────────────────────────

/** A hardware/runtime configuration. Runs on one class reproduce each other byte for byte (docs/RECIPES: each
 * onnxruntime configuration reproduces itself); across classes each output deviates from the exact value by a
 * uniform error in [−jitter, +jitter] (in units of the comparison tolerance). */
export interface HardwareClass {
  name: string;
  share: number;
  jitter: number;
}

export interface Comparison {
  name: string;
  /** `bounds`: two results agree when they differ by at most `tolerance` (TAO-style per-model bounds); `exact`:
   * when their bytes (hashes) are equal. */
  rule: "bounds" | "exact";
  tolerance: number;
  classes: HardwareClass[];
}

export interface World {
  comparison: Comparison;
  /** Share of the other providers (REDUNDANT peers, auditors, jurors) that cheat; their wrong results never agree. */
  cheaterShare: number;
  /** Share of jurors that vote without executing (at random); 0 by default, a false-positive scenario otherwise. */
  lazyJurorShare: number;
  /** Re-executions per dispute (a jury drawn like REDUNDANT slots, majority vote). */
  jurySize: number;
  /** σ of the log-normal task reward (mean exp(σ²/2)); rewards of known-answer tasks follow the same distribution. */
  rewardSigma: number;
  reputation: ReputationParams;
}

/** Bounds wide enough for every class: |e₁ − e₂| ≤ 0.4 + 0.5 < 1 tolerance. */
export const BOUNDS_OK: Comparison = {
  name: "bounds, all classes inside",
  rule: "bounds",
  tolerance: 1,
  classes: [
    { name: "cpu-1-thread", share: 0.5, jitter: 0.4 },
    { name: "cpu-8-threads", share: 0.3, jitter: 0.5 },
    { name: "gpu", share: 0.2, jitter: 0.5 },
  ],
};

/** The same population compared by output hash: any two classes differ (onnxruntime bytes change with threads). */
export const EXACT_HASH: Comparison = { ...BOUNDS_OK, name: "exact hash, 3 configurations", rule: "exact" };

/** Bounds calibrated on CPUs only: the GPU class deviates by up to 2 tolerances. */
export const BOUNDS_TOO_TIGHT: Comparison = {
  ...BOUNDS_OK,
  name: "bounds too tight for the GPU class",
  classes: [
    { name: "cpu-1-thread", share: 0.5, jitter: 0.4 },
    { name: "cpu-8-threads", share: 0.3, jitter: 0.5 },
    { name: "gpu", share: 0.2, jitter: 2 },
  ],
};

export const DEFAULT_WORLD: World = {
  comparison: BOUNDS_OK,
  cheaterShare: 0.05,
  lazyJurorShare: 0,
  jurySize: 3,
  rewardSigma: 1,
  reputation: REPUTATION_DEFAULTS,
};

interface Result {
  wrong: boolean;
  cls: number;
  error: number;
}

function drawClass(classes: readonly HardwareClass[], rng: Rng): number {
  let u = rng();
  for (let i = 0; i < classes.length - 1; i++) {
    u -= classes[i]!.share;
    if (u < 0) return i;
  }
  return classes.length - 1;
}

/** One execution's result, written into `out` (the simulation reuses a few result objects instead of allocating). */
function execute(world: World, cls: number, wrong: boolean, rng: Rng, out: Result): Result {
  out.wrong = wrong;
  out.cls = cls;
  out.error = (2 * rng() - 1) * world.comparison.classes[cls]!.jitter;
  return out;
}

const newResult = (): Result => ({ wrong: false, cls: 0, error: 0 });

/** Whether two results agree under the world's comparison rule. Wrong results agree with nothing (no collusion). */
export function agree(world: World, x: Result, y: Result): boolean {
  if (x.wrong || y.wrong) return false;
  if (x.cls === y.cls) return true;
  const { rule, tolerance, classes } = world.comparison;
  if (rule === "exact") return classes[x.cls]!.jitter === 0 && classes[y.cls]!.jitter === 0;
  return Math.abs(x.error - y.error) <= tolerance;
}

/** A result from another provider drawn from the population (cheaters among them return garbage). */
function otherResult(world: World, rng: Rng, out: Result): Result {
  const wrong = rng() < world.cheaterShare;
  return execute(world, drawClass(world.comparison.classes, rng), wrong, rng, out);
}

/** A jury re-executes and votes; the provider's result is found wrong when a majority disagrees with it. Lazy
 * jurors (share `lazyJurorShare`) do not execute and vote at random. */
const jurorResult = newResult();
function juryUpholds(world: World, provider: Result, rng: Rng): boolean {
  let against = 0;
  for (let j = 0; j < world.jurySize; j++) {
    if (world.lazyJurorShare > 0 && rng() < world.lazyJurorShare) {
      if (rng() < 0.5) against++;
    } else if (
      !agree(
        world,
        provider,
        execute(world, drawClass(world.comparison.classes, rng), false, rng, jurorResult),
      )
    ) {
      against++;
    }
  }
  return 2 * against > world.jurySize;
}

// ─── policies and strategies ────────────────────────────────────────────────────────────

/** Audit rate as a function of the provider's streak of consecutive checked-and-valid results (reset by a failure):
 * `newRate` during `probation` checks, then `newRate · decay^(streak − probation)`, never below `floor`. A uniform
 * rate a is { newRate: a, probation: 0, decay: 1, floor: a }. */
export interface AuditSchedule {
  newRate: number;
  probation: number;
  decay: number;
  floor: number;
}

export function auditRate(s: AuditSchedule, streak: number): number {
  if (streak < s.probation) return s.newRate;
  return Math.max(s.floor, s.newRate * s.decay ** (streak - s.probation));
}

export const uniformAudits = (rate: number): AuditSchedule => ({
  newRate: rate,
  probation: 0,
  decay: 1,
  floor: rate,
});
export const NO_AUDITS: AuditSchedule = uniformAudits(0);

export interface Policy {
  name: string;
  /** 1: OPTIMISTIC (one provider); 3: REDUNDANT ×3 (hash/bounds majority of three, no audits needed). */
  redundancy: 1 | 3;
  audits: AuditSchedule;
  /** Audit probability scaled by the task's reward relative to the mean (capped at 1). */
  rewardWeighted: boolean;
  /** Share q of a provider's tasks that are known-answer tasks (their reference answer costs 1/`answerReuse`). */
  knownAnswerShare: number;
  answerReuse: number;
  /** Probability a cheater recognises a known-answer task (and then answers it honestly). */
  knownAnswerLeak: number;
  /** Probability a wrong, unaudited result is challenged by its requester or a peer. */
  challengeRate: number;
  /** Probability a correct, unaudited result is challenged anyway (frivolously). */
  frivolousRate: number;
}

const BASE_POLICY: Omit<Policy, "name"> = {
  redundancy: 1,
  audits: NO_AUDITS,
  rewardWeighted: false,
  knownAnswerShare: 0,
  answerReuse: 1,
  knownAnswerLeak: 0,
  challengeRate: 0,
  frivolousRate: 0,
};

export function policy(name: string, p: Partial<Omit<Policy, "name">>): Policy {
  return { ...BASE_POLICY, ...p, name };
}

/** The adaptive schedule recommended in docs/AUDITS.md: every result of a new (or just failed) provider is audited
 * for 30 checks, then the rate decays by 5% per valid check to a 10% floor (reached after ~75 checks). */
export const ADAPTIVE: AuditSchedule = { newRate: 1, probation: 30, decay: 0.95, floor: 0.1 };

export const POLICIES: readonly Policy[] = [
  policy("REDUNDANT ×3", { redundancy: 3 }),
  policy("uniform audits 5%", { audits: uniformAudits(0.05) }),
  policy("uniform audits 10%", { audits: uniformAudits(0.1) }),
  policy("uniform audits 20%", { audits: uniformAudits(0.2) }),
  policy("uniform audits 46%", { audits: uniformAudits(0.46) }),
  policy("known-answer 10%", { knownAnswerShare: 0.1 }),
  policy("uniform 10% + challenges 20%", {
    audits: uniformAudits(0.1),
    challengeRate: 0.2,
    frivolousRate: 0.01,
  }),
  policy("adaptive (1 → 5%)", { audits: { ...ADAPTIVE, floor: 0.05 } }),
  policy("adaptive (1 → 10%)", { audits: ADAPTIVE }),
  policy("adaptive (1 → 20%)", { audits: { ...ADAPTIVE, floor: 0.2 } }),
  policy("adaptive + reward-weighted", { audits: ADAPTIVE, rewardWeighted: true }),
  policy("adaptive + known-answer 2%", { audits: ADAPTIVE, knownAnswerShare: 0.02 }),
];

export type Strategy =
  | { kind: "honest" }
  /** Cheats on each task with probability `rate`, from its first task. */
  | { kind: "uniform"; rate: number }
  /** Behaves while new or watched: cheats (with probability `rate`) only after `warmup` tasks and while its audit
   * rate (public schedule, its own public record) is at the floor; after a caught cheat it behaves again. */
  | { kind: "sleeper"; rate: number; warmup: number }
  /** Cheats exactly on the share `rate` of tasks with the highest rewards. */
  | { kind: "highReward"; rate: number }
  /** Cheats exactly on the share `rate` of tasks with the lowest rewards (the answer to reward-weighted audits). */
  | { kind: "lowReward"; rate: number };

// ─── one provider ─────────────────────────────────────────────────────────────────────

export interface ProviderRun {
  /** Tasks executed (organic and known-answer). */
  tasks: number;
  /** Organic tasks delivered (the denominator of the cost). */
  organicTasks: number;
  executions: number;
  audits: number;
  disputes: number;
  /** Task index (0-based, counted from `turnedAt`) of the first upheld failure; null if none. */
  caughtAt: number | null;
  suspendedAt: number | null;
  bannedAt: number | null;
  /** First task on which the strategy was willing to cheat; null if it never was. */
  turnedAt: number | null;
  cheats: number;
  detectedCheats: number;
  /** Σ reward (in units of the mean reward) of cheated tasks, and of the detected ones. */
  cheatedReward: number;
  detectedReward: number;
  /** Upheld failures on correct results (false positives). */
  falseFailures: number;
  /** Successes recorded in the reputation (an unchecked OPTIMISTIC result counts once its window passes). */
  successes: number;
  /** Trust at the end of the run. */
  trust: number;
}

export interface RunOptions {
  /** Stop after this many tasks. */
  maxTasks: number;
  /** Also stop this many tasks after the strategy turned (detection horizon). */
  horizonAfterTurn?: number;
  /** Stop at suspension or ban (otherwise the provider keeps working with its reputation as it is). */
  stopWhenRemoved: boolean;
}

/** The task's reward relative to the mean reward, from its quantile `u` (log-normal with σ = `rewardSigma`). */
function relativeReward(world: World, u: number, meanReward: number): number {
  if (world.rewardSigma === 0) return 1;
  return Math.exp(world.rewardSigma * inverseNormal(Math.min(Math.max(u, 1e-12), 1 - 1e-12))) / meanReward;
}

/** `auditRate` for streaks 0, 1, … up to the first streak at the floor (the last entry holds for longer streaks). */
const rateTables = new WeakMap<AuditSchedule, number[]>();
function rateTable(s: AuditSchedule): number[] {
  let table = rateTables.get(s);
  if (!table) {
    table = [];
    for (let k = 0; k < 100_000; k++) {
      const r = auditRate(s, k);
      table.push(r);
      if (k >= s.probation && r <= s.floor) break;
    }
    rateTables.set(s, table);
  }
  return table;
}

/** Simulates one provider, task by task, under a policy. */
export function runProvider(
  world: World,
  pol: Policy,
  strategy: Strategy,
  rng: Rng,
  opts: RunOptions,
): ProviderRun {
  const classes = world.comparison.classes;
  const cls = strategy.kind === "honest" ? drawClass(classes, rng) : 0;
  const meanReward = Math.exp((world.rewardSigma * world.rewardSigma) / 2);
  const rep = newReputation(world.reputation);
  const run: ProviderRun = {
    tasks: 0,
    organicTasks: 0,
    executions: 0,
    audits: 0,
    disputes: 0,
    caughtAt: null,
    suspendedAt: null,
    bannedAt: null,
    turnedAt: null,
    cheats: 0,
    detectedCheats: 0,
    cheatedReward: 0,
    detectedReward: 0,
    falseFailures: 0,
    successes: 0,
    trust: rep.trust,
  };
  let streak = 0;
  const rates = rateTable(pol.audits);
  const own = newResult();
  const peer1 = newResult();
  const peer2 = newResult();
  for (let t = 0; t < opts.maxTasks; t++) {
    if (
      opts.horizonAfterTurn !== undefined &&
      run.turnedAt !== null &&
      t - run.turnedAt >= opts.horizonAfterTurn
    )
      break;
    run.tasks++;
    const knownAnswer = pol.knownAnswerShare > 0 && rng() < pol.knownAnswerShare;
    // The task's reward quantile; the reward itself (relative to the mean) is computed only where it matters.
    const u = rng();
    let reward = -1;
    const scheduled = rates[Math.min(streak, rates.length - 1)]!;

    // Would the strategy cheat on this task?
    let willing = false;
    let cheat = false;
    switch (strategy.kind) {
      case "honest":
        break;
      case "uniform":
        willing = true;
        cheat = rng() < strategy.rate;
        break;
      case "highReward":
        willing = true;
        cheat = u >= 1 - strategy.rate;
        break;
      case "lowReward":
        willing = true;
        cheat = u < strategy.rate;
        break;
      case "sleeper":
        willing = t >= strategy.warmup && scheduled <= pol.audits.floor + 1e-12;
        cheat = willing && rng() < strategy.rate;
        break;
    }
    if (willing && run.turnedAt === null) run.turnedAt = t;
    if (cheat && knownAnswer && rng() < pol.knownAnswerLeak) cheat = false;

    execute(world, cls, cheat, rng, own);
    run.executions += pol.redundancy;
    if (knownAnswer) run.executions += 1 / pol.answerReuse;
    else run.organicTasks++;
    if (cheat) {
      run.cheats++;
      if (reward < 0) reward = relativeReward(world, u, meanReward);
      run.cheatedReward += reward;
    }

    // Checks of this result: null = not checked, true = upheld failure, false = checked and valid.
    let failed: boolean | null = null;
    if (pol.redundancy === 3) {
      const p1 = otherResult(world, rng, peer1);
      const p2 = otherResult(world, rng, peer2);
      const with1 = agree(world, own, p1);
      const with2 = agree(world, own, p2);
      if (with1 || with2) failed = false;
      else if (agree(world, p1, p2)) failed = true;
      // otherwise no majority: refunded, no outcome
    } else if (knownAnswer) {
      // The treasury's reference answer (class 0, honest); a mismatch may be disputed before a jury.
      if (!agree(world, own, execute(world, 0, false, rng, peer1))) {
        run.disputes++;
        run.executions += world.jurySize;
        failed = juryUpholds(world, own, rng);
      } else failed = false;
    } else {
      if (pol.rewardWeighted && reward < 0) reward = relativeReward(world, u, meanReward);
      const rate = pol.rewardWeighted ? Math.min(1, scheduled * reward) : scheduled;
      if (rng() < rate) {
        run.audits++;
        run.executions += 1;
        const auditor = otherResult(world, rng, peer1);
        if (!agree(world, own, auditor)) {
          run.disputes++;
          run.executions += world.jurySize;
          failed = juryUpholds(world, own, rng);
        } else failed = false;
      } else if (rng() < (cheat ? pol.challengeRate : pol.frivolousRate)) {
        run.disputes++;
        run.executions += world.jurySize;
        failed = juryUpholds(world, own, rng);
      }
    }

    if (failed === true) {
      streak = 0;
      if (cheat) {
        run.detectedCheats++;
        if (reward < 0) reward = relativeReward(world, u, meanReward);
        run.detectedReward += reward;
      } else run.falseFailures++;
      if (run.caughtAt === null) run.caughtAt = t - (run.turnedAt ?? 0);
      recordOutcome(rep, false, world.reputation);
      if (rep.suspended && run.suspendedAt === null) run.suspendedAt = t - (run.turnedAt ?? 0);
      if (rep.banned && run.bannedAt === null) run.bannedAt = t - (run.turnedAt ?? 0);
      if (opts.stopWhenRemoved && (rep.suspended || rep.banned)) break;
    } else {
      if (failed === false) streak++;
      // An unchecked result settles after the challenge window: a success, like a checked one.
      if (pol.redundancy === 1 || failed === false) {
        recordOutcome(rep, true, world.reputation);
        run.successes++;
      }
    }
  }
  run.trust = rep.trust;
  return run;
}

// ─── aggregates ───────────────────────────────────────────────────────────────────────

export const WITHIN = [25, 50, 100, 200] as const;

export interface DetectionRow {
  policy: string;
  strategy: Strategy["kind"];
  cheatRate: number;
  providers: number;
  /** Providers whose strategy ever turned to cheating within the run (sleepers may never turn). */
  turned: number;
  /** Share of turned cheaters with an upheld failure within N tasks of turning. */
  caughtWithin: Record<string, number>;
  suspendedOrBannedWithin: Record<string, number>;
  /** Mean wrong results accepted (not detected) per cheater within the horizon. */
  undetectedCheats: number;
  /** Slash per detected cheat, as a multiple of that task's reward, that makes cheating unprofitable:
   * e · R_cheated / R_detected − providerShare, with e the share of the reward the cheater saves by not executing and
   * R the sums of the (relative) rewards of cheated and detected tasks. Infinity if none was detected. */
  breakEvenBond: number;
  /** The same for a flat slash (in mean rewards) per detected cheat: (e · R_cheated − providerShare · R_detected) / D. */
  breakEvenFlatBond: number;
  /** Tasks before turning (sleepers), mean. */
  warmupTasks: number;
}

export interface Economics {
  /** Provider share of a reward (TaskMarket `providerBps`). */
  providerShare: number;
  /** Execution cost the cheater saves, as a share of the reward (worst case: all of the provider share). */
  savedShare: number;
}

export const ECONOMICS: Economics = { providerShare: 0.8, savedShare: 0.8 };

export function detection(
  world: World,
  pol: Policy,
  strategy: Exclude<Strategy, { kind: "honest" }>,
  providers: number,
  rng: Rng,
  econ: Economics = ECONOMICS,
): DetectionRow {
  const horizon = WITHIN[WITHIN.length - 1]!;
  const caught = WITHIN.map(() => 0);
  const removed = WITHIN.map(() => 0);
  let turned = 0;
  let undetected = 0;
  let cheated = 0;
  let detected = 0;
  let detectedCount = 0;
  let warmup = 0;
  for (let i = 0; i < providers; i++) {
    const r = runProvider(world, pol, strategy, rng, {
      maxTasks: 20_000,
      horizonAfterTurn: horizon,
      stopWhenRemoved: true,
    });
    if (r.turnedAt === null) continue;
    turned++;
    warmup += r.turnedAt;
    undetected += r.cheats - r.detectedCheats;
    cheated += r.cheatedReward;
    detected += r.detectedReward;
    detectedCount += r.detectedCheats;
    WITHIN.forEach((n, k) => {
      if (r.caughtAt !== null && r.caughtAt < n) caught[k]!++;
      const out = Math.min(r.suspendedAt ?? Infinity, r.bannedAt ?? Infinity);
      if (out < n) removed[k]!++;
    });
  }
  const share = (v: number) => (turned ? v / turned : Number.NaN);
  return {
    policy: pol.name,
    strategy: strategy.kind,
    cheatRate: strategy.rate,
    providers,
    turned,
    caughtWithin: Object.fromEntries(WITHIN.map((n, k) => [String(n), share(caught[k]!)])),
    suspendedOrBannedWithin: Object.fromEntries(WITHIN.map((n, k) => [String(n), share(removed[k]!)])),
    undetectedCheats: share(undetected),
    breakEvenBond: detected > 0 ? (econ.savedShare * cheated) / detected - econ.providerShare : Infinity,
    breakEvenFlatBond:
      detectedCount > 0
        ? (econ.savedShare * cheated - econ.providerShare * detected) / detectedCount
        : Infinity,
    warmupTasks: share(warmup),
  };
}

export interface CostRow {
  policy: string;
  comparison: string;
  lifetime: number;
  /** Executions per organic task delivered by honest providers over `lifetime` tasks. */
  executionsPerTask: number;
  auditsPerTask: number;
  disputesPerTask: number;
  /** Share of honest providers with at least one upheld failure within the lifetime. */
  falselyFlagged: number;
  /** Share of honest providers suspended or banned within the lifetime. */
  falselyRemoved: number;
}

export function honestCost(
  world: World,
  pol: Policy,
  lifetime: number,
  providers: number,
  rng: Rng,
): CostRow {
  let executions = 0;
  let organic = 0;
  let audits = 0;
  let disputes = 0;
  let flagged = 0;
  let removed = 0;
  for (let i = 0; i < providers; i++) {
    const r = runProvider(world, pol, { kind: "honest" }, rng, {
      maxTasks: lifetime,
      stopWhenRemoved: false,
    });
    executions += r.executions;
    organic += r.organicTasks;
    audits += r.audits;
    disputes += r.disputes;
    if (r.falseFailures > 0) flagged++;
    if (r.suspendedAt !== null || r.bannedAt !== null) removed++;
  }
  return {
    policy: pol.name,
    comparison: world.comparison.name,
    lifetime,
    executionsPerTask: executions / organic,
    auditsPerTask: audits / organic,
    disputesPerTask: disputes / organic,
    falselyFlagged: flagged / providers,
    falselyRemoved: removed / providers,
  };
}

/** Cost over `slotTasks` tasks of a market slot held by cheaters that re-enter under a new identity (new stake, new
 * reputation) each time one is suspended or banned: what sybil churn costs the audit budget. */
export function churnCost(
  world: World,
  pol: Policy,
  strategy: Strategy,
  slotTasks: number,
  slots: number,
  rng: Rng,
): number {
  let executions = 0;
  let organic = 0;
  for (let i = 0; i < slots; i++) {
    let left = slotTasks;
    while (left > 0) {
      const r = runProvider(world, pol, strategy, rng, { maxTasks: left, stopWhenRemoved: true });
      executions += r.executions;
      organic += r.organicTasks;
      left -= r.tasks;
    }
  }
  return executions / organic;
}

// ─── the bench ──────────────────────────────────────────────────────────────────────────

export const CHEAT_RATES = [0.05, 0.1, 0.2, 0.5] as const;
export const LIFETIMES = [200, 500, 1000, 5000] as const;
/** Sleepers wait at least for tier 3's completed-task count (Reputation.sol `tier3Completed`). */
export const SLEEPER_WARMUP = 50;
/** False-positive scenario: this share of jurors votes at random instead of executing. */
export const LAZY_JURORS = 0.1;

/** A stricter reputation for upheld wrong results (a proved cheat, unlike a missed deadline): a failure halves trust
 * and the second violation bans. `setParams` accepts these values, but Reputation.sol applies them to every failure outcome (missed deadlines too). */
export const STRICT_REPUTATION: ReputationParams = {
  ...REPUTATION_DEFAULTS,
  failureWeightBps: 5000,
  maxViolations: 2,
};

export interface SimResult {
  date: string;
  commit: string | null;
  seed: number;
  providers: number;
  runtimeMs: number;
  machine: { node: string; cpus: number; loadAverage1m: number[] };
  world: World;
  economics: Economics;
  policies: Policy[];
  detection: DetectionRow[];
  cost: CostRow[];
  falsePositives: CostRow[];
  churn: {
    policy: string;
    strategy: string;
    slotTasks: number;
    executionsPerTask: number;
    populationExecutionsPerTask: number;
  }[];
  target: { policy: string; caught10pctWithin100: number; executionsPerTask: number; met: boolean }[];
  /** The same detection rows under Reputation.sol's defaults and under STRICT_REPUTATION (removal = suspension or ban). */
  reputation: (DetectionRow & { reputation: "default" | "strict" })[];
}

export interface SimOptions {
  seed: number;
  providers: number;
  policies?: readonly Policy[];
}

export function simulate(opts: SimOptions): Omit<SimResult, "date" | "commit" | "runtimeMs" | "machine"> {
  const world = DEFAULT_WORLD;
  const pols = opts.policies ?? POLICIES;
  // One stream per table cell, derived from the seed, so adding a cell does not change the others.
  let cell = 0;
  const next = () => createRng((opts.seed * 1_000_003 + ++cell * 7919) >>> 0);
  const rows: DetectionRow[] = [];
  for (const pol of pols) {
    for (const rate of CHEAT_RATES)
      rows.push(detection(world, pol, { kind: "uniform", rate }, opts.providers, next()));
    for (const rate of [0.1, 0.5])
      rows.push(
        detection(world, pol, { kind: "sleeper", rate, warmup: SLEEPER_WARMUP }, opts.providers, next()),
      );
    rows.push(detection(world, pol, { kind: "highReward", rate: 0.1 }, opts.providers, next()));
    rows.push(detection(world, pol, { kind: "lowReward", rate: 0.1 }, opts.providers, next()));
  }
  const costProviders = Math.max(50, Math.round(opts.providers / 10));
  const cost: CostRow[] = [];
  for (const pol of pols)
    for (const lifetime of LIFETIMES) cost.push(honestCost(world, pol, lifetime, costProviders, next()));
  const falsePositives: CostRow[] = [];
  for (const comparison of [BOUNDS_OK, EXACT_HASH, BOUNDS_TOO_TIGHT]) {
    for (const pol of pols)
      falsePositives.push(honestCost({ ...world, comparison }, pol, 1000, costProviders, next()));
  }
  for (const pol of pols) {
    const row = honestCost({ ...world, lazyJurorShare: LAZY_JURORS }, pol, 1000, costProviders, next());
    falsePositives.push({ ...row, comparison: `${row.comparison} + ${LAZY_JURORS * 100}% lazy jurors` });
  }
  const churn = pols.map((pol) => {
    const strategy: Strategy = { kind: "uniform", rate: 0.1 };
    const slot = churnCost(world, pol, strategy, 1000, Math.max(20, Math.round(costProviders / 5)), next());
    const honest = cost.find((c) => c.policy === pol.name && c.lifetime === 1000)!.executionsPerTask;
    return {
      policy: pol.name,
      strategy: "uniform 10%, re-entering",
      slotTasks: 1000,
      executionsPerTask: slot,
      populationExecutionsPerTask: (1 - world.cheaterShare) * honest + world.cheaterShare * slot,
    };
  });
  const target = pols.map((pol) => {
    const caught = rows.find((r) => r.policy === pol.name && r.strategy === "uniform" && r.cheatRate === 0.1)!
      .caughtWithin["100"]!;
    const executionsPerTask = cost.find(
      (c) => c.policy === pol.name && c.lifetime === 1000,
    )!.executionsPerTask;
    return {
      policy: pol.name,
      caught10pctWithin100: caught,
      executionsPerTask,
      met: caught >= 0.99 && executionsPerTask <= 1.3,
    };
  });
  const reputation: SimResult["reputation"] = [];
  for (const pol of pols.filter((p) => p.redundancy === 1 && p.audits.newRate > p.audits.floor)) {
    for (const strategy of [
      { kind: "uniform", rate: 0.1 },
      { kind: "sleeper", rate: 0.1, warmup: SLEEPER_WARMUP },
    ] as const) {
      for (const [name, params] of [
        ["default", REPUTATION_DEFAULTS],
        ["strict", STRICT_REPUTATION],
      ] as const) {
        const row = detection({ ...world, reputation: params }, pol, strategy, opts.providers, next());
        reputation.push({ ...row, reputation: name });
      }
    }
  }
  return {
    seed: opts.seed,
    providers: opts.providers,
    world,
    economics: ECONOMICS,
    policies: [...pols],
    detection: rows,
    cost,
    falsePositives,
    churn,
    target,
    reputation,
  };
}

const pct = (v: number | undefined) =>
  v === undefined || Number.isNaN(v) ? "–" : `${(v * 100).toFixed(1)}%`;
const x2 = (v: number) => `${v.toFixed(2)}×`;

export function printTables(r: Omit<SimResult, "date" | "commit" | "runtimeMs" | "machine">): void {
  const label = (d: DetectionRow) =>
    `${d.policy} · ${d.strategy === "uniform" ? "" : `${d.strategy} `}${Math.round(d.cheatRate * 100)}%`;
  console.log(
    `\nShare of cheaters caught (upheld failure) within N tasks of starting to cheat; ${r.providers} per row`,
  );
  console.table(
    Object.fromEntries(
      r.detection.map((d) => [
        label(d),
        {
          ...Object.fromEntries(WITHIN.map((n) => [`≤${n}`, pct(d.caughtWithin[String(n)])])),
          "removed ≤100": pct(d.suspendedOrBannedWithin["100"]),
          "removed ≤200": pct(d.suspendedOrBannedWithin["200"]),
          "undetected/200": d.undetectedCheats.toFixed(1),
          "bond ×R": Number.isFinite(d.breakEvenBond) ? d.breakEvenBond.toFixed(1) : "∞",
          "flat bond": Number.isFinite(d.breakEvenFlatBond) ? d.breakEvenFlatBond.toFixed(1) : "∞",
          warmup: d.strategy === "sleeper" ? Math.round(d.warmupTasks) : "",
        },
      ]),
    ),
  );
  console.log("\nExecutions per verified task, honest providers (1 = one execution), by lifetime in tasks");
  const byPolicy = new Map<string, Record<string, string>>();
  for (const c of r.cost) {
    const row = byPolicy.get(c.policy) ?? {};
    row[`L=${c.lifetime}`] = x2(c.executionsPerTask);
    if (c.lifetime === 1000) row["audits/task (L=1000)"] = c.auditsPerTask.toFixed(3);
    byPolicy.set(c.policy, row);
  }
  for (const ch of r.churn) {
    const row = byPolicy.get(ch.policy) ?? {};
    row["re-entering cheater slot"] = x2(ch.executionsPerTask);
    row[`population (${pct(r.world.cheaterShare)} such slots)`] = x2(ch.populationExecutionsPerTask);
  }
  console.table(Object.fromEntries(byPolicy));
  console.log("\nHonest providers wrongly flagged / removed within 1000 tasks, by comparison rule");
  console.table(
    Object.fromEntries(
      r.falsePositives.map((f) => [
        `${f.policy} · ${f.comparison}`,
        {
          flagged: pct(f.falselyFlagged),
          "suspended/banned": pct(f.falselyRemoved),
          "disputes/task": f.disputesPerTask.toFixed(4),
        },
      ]),
    ),
  );
  console.log(
    "\nRemoval (suspension or ban) of cheaters at 10%: Reputation.sol defaults vs a strict rule for upheld cheats",
  );
  console.table(
    Object.fromEntries(
      r.reputation.map((d) => [
        `${label(d)} · ${d.reputation}`,
        {
          "caught ≤100": pct(d.caughtWithin["100"]),
          "removed ≤50": pct(d.suspendedOrBannedWithin["50"]),
          "removed ≤100": pct(d.suspendedOrBannedWithin["100"]),
          "removed ≤200": pct(d.suspendedOrBannedWithin["200"]),
          "undetected/200": d.undetectedCheats.toFixed(1),
        },
      ]),
    ),
  );
  console.log(
    "\nTarget (#14): ≥ 99% of 10% cheaters caught within 100 tasks at ≤ 1.3× (honest lifetime 1000 tasks)",
  );
  console.table(
    Object.fromEntries(
      r.target.map((t) => [
        t.policy,
        { caught: pct(t.caught10pctWithin100), cost: x2(t.executionsPerTask), met: t.met ? "yes" : "no" },
      ]),
    ),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: "string", default: "14" },
      providers: { type: "string", default: "2000" },
      "no-write": { type: "boolean", default: false },
      date: { type: "string" },
      results: { type: "string" },
    },
  });
  const args = z
    .object({
      seed: z.coerce
        .number()
        .int()
        .min(0)
        .max(2 ** 32 - 1),
      providers: z.coerce.number().int().min(10).max(1_000_000),
      date: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
        .optional(),
    })
    .parse({ seed: values.seed, providers: values.providers, date: values.date });
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const load = loadavg().map((v) => Math.round(v * 100) / 100);
  const started = performance.now();
  const core = simulate({ seed: args.seed, providers: args.providers });
  const runtimeMs = Math.round(performance.now() - started);
  let commit: string | null = null;
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  } catch {
    commit = null;
  }
  const date = args.date ?? new Date().toISOString().slice(0, 10);
  const result: SimResult = {
    date,
    commit,
    runtimeMs,
    machine: {
      node: process.version,
      cpus: cpus().length,
      loadAverage1m: [load[0] ?? 0, Math.round((loadavg()[0] ?? 0) * 100) / 100],
    },
    ...core,
  };
  printTables(core);
  console.log(
    `\nseed ${args.seed}, ${args.providers} cheaters per row, ${runtimeMs} ms, load ${result.machine.loadAverage1m.join(" → ")}`,
  );
  if (!values["no-write"]) {
    const dir = values.results ? resolve(values.results) : join(root, "bench", "results");
    await mkdir(dir, { recursive: true });
    const file = join(dir, `audit-sim-${date}.json`);
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${file}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
