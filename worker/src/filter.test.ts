import { describe, expect, it } from "vitest";
import { evaluateTask, type FilterContext } from "./filter.ts";
import type { TaskSpec } from "../../sdk/src/tasks/index.ts";

const TOKEN = "0x00000000000000000000000000000000000000aa";
const ZERO = {
  vramMiB: 0,
  computeCapability: 0,
  cpuCores: 0,
  ramMiB: 0,
  storageGiB: 0,
  bandwidthMbps: 0,
  benchmarkScore: 0,
  region: 0,
};
const spec: TaskSpec = {
  requester: "0x0000000000000000000000000000000000000001",
  paymentToken: TOKEN,
  reward: 10n,
  bond: 5n,
  modelId: 1n,
  modelCreator: "0x0000000000000000000000000000000000000002",
  verifier: "0x0000000000000000000000000000000000000003",
  modelCommitment: 1n,
  createdAt: 1000,
  createdBlock: 10n,
  priorityUntil: 1030,
  deadline: 10_000,
  execWindow: 600,
  revealWindow: 600,
  mode: 1,
  redundancy: 3,
  minTier: 1,
  minResources: ZERO,
  inputCommitment: 7n,
  rated: true,
};
const ctx: FilterContext = {
  now: 1100,
  model: { kind: "onnx", active: true },
  executors: new Set(["onnx"]),
  resources: { ...ZERO, cpuCores: 4, ramMiB: 8192 },
  standing: { tier: 1, eligible: true },
  minReward: new Map([[TOKEN, 5n]]),
  maxBond: 100n,
  freeStake: 100n,
  deadlineMarginSec: 30,
  activeTasks: 0,
  maxConcurrentTasks: 2,
};

describe("evaluateTask", () => {
  it("claims a task that meets every condition", () => {
    expect(evaluateTask(spec, ctx)).toEqual({ action: "claim", executor: "onnx" });
  });
  it.each([
    [{ model: undefined }, "unknown-model"],
    [{ model: { kind: "onnx" as const, active: false } }, "model-inactive"],
    [{ executors: new Set(["wasm" as const]) }, "unsupported-model"],
    [{ standing: { tier: 1, eligible: false } }, "provider-ineligible"],
    [{ minReward: new Map() }, "token-not-accepted"],
    [{ minReward: new Map([[TOKEN, 11n]]) }, "reward-too-low"],
    [{ maxBond: 4n }, "bond-too-high"],
    [{ now: 10_000 - 1200 - 29 }, "too-late"],
  ])("skips when %o (%s)", (patch, reason) => {
    expect(evaluateTask(spec, { ...ctx, ...patch })).toMatchObject({ action: "skip", reason });
  });
  it("skips when resources fall short, naming the field", () => {
    const d = evaluateTask({ ...spec, minResources: { ...ZERO, vramMiB: 8000 } }, ctx);
    expect(d).toMatchObject({ action: "skip", reason: "insufficient-resources", detail: "vramMiB 0 < 8000" });
    expect(evaluateTask({ ...spec, minResources: { ...ZERO, region: 276 } }, ctx)).toMatchObject({
      reason: "insufficient-resources",
    });
  });
  it("skips a tier it does not have, defers the priority window, capacity and locked stake", () => {
    expect(evaluateTask({ ...spec, minTier: 2 }, ctx)).toMatchObject({
      action: "skip",
      reason: "tier-too-low",
    });
    expect(evaluateTask(spec, { ...ctx, now: 1010 })).toMatchObject({
      action: "defer",
      reason: "priority-window",
    });
    expect(evaluateTask(spec, { ...ctx, now: 1010, standing: { tier: 3, eligible: true } })).toMatchObject({
      action: "claim",
    });
    expect(evaluateTask(spec, { ...ctx, activeTasks: 2 })).toMatchObject({
      action: "defer",
      reason: "at-capacity",
    });
    expect(evaluateTask(spec, { ...ctx, freeStake: 4n })).toMatchObject({
      action: "defer",
      reason: "insufficient-free-stake",
    });
  });
  it("leaves ZK tasks no reveal window", () => {
    expect(evaluateTask({ ...spec, mode: 0 }, { ...ctx, now: 10_000 - 600 - 30 })).toMatchObject({
      action: "claim",
    });
  });

  it("direct ZK settlement: no bond checks, and the deadline (less the margin) is the only time limit", () => {
    const zk = { ...spec, mode: 0, redundancy: 1, bond: 500n };
    const direct = { ...ctx, direct: true, freeStake: 0n };
    expect(evaluateTask(zk, { ...ctx, freeStake: 0n })).toMatchObject({
      action: "skip",
      reason: "bond-too-high",
    });
    expect(evaluateTask(zk, direct)).toMatchObject({ action: "claim" });
    expect(evaluateTask(zk, { ...direct, now: 10_000 - 30 })).toMatchObject({ action: "claim" });
    expect(evaluateTask(zk, { ...direct, now: 10_000 - 29 })).toMatchObject({
      action: "skip",
      reason: "too-late",
    });
    // Everything else still applies: priority window, capacity, reward floor; REDUNDANT tasks ignore the flag.
    expect(evaluateTask(zk, { ...direct, now: 1010 })).toMatchObject({
      action: "defer",
      reason: "priority-window",
    });
    expect(evaluateTask(zk, { ...direct, activeTasks: 4 })).toMatchObject({
      action: "defer",
      reason: "at-capacity",
    });
    expect(evaluateTask({ ...zk, reward: 1n }, direct)).toMatchObject({
      action: "skip",
      reason: "reward-too-low",
    });
    expect(evaluateTask({ ...spec, bond: 500n }, direct)).toMatchObject({
      action: "skip",
      reason: "bond-too-high",
    });
  });
});
