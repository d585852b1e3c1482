import { encodeAbiParameters, keccak256, type Address } from "viem";
import { describe, expect, it } from "vitest";

import {
  computeEpoch,
  multiplierFloat,
  workSeconds,
  type EpochInputs,
  type RewardParams,
} from "./compute.ts";
import { buildTree } from "./merkle.ts";

const PARAMS: RewardParams = {
  emissionPerEpoch: 50_000n * 10n ** 18n,
  feeFactorBps: 5000,
  ownerCapBps: 1000,
  newcomerBps: 1000,
  uptimeSecondsPerHour: 360,
  gpuWeight: 10,
  posterBond: 0n,
  challengeWindow: 60,
  resolutionWindow: 3600,
};
const A = "0x00000000000000000000000000000000000000aa" as Address;
const B = "0x00000000000000000000000000000000000000bb" as Address;
const E = 10n ** 18n;
const CPU = { minExecWindow: 60, cpuCores: 0, needsGpu: false };

function inputs(over: Partial<EpochInputs> = {}): EpochInputs {
  return {
    epoch: 3n,
    params: PARAMS,
    payable: 100n * E,
    work: [],
    heartbeats: [],
    models: new Map([[1n, CPU]]),
    tiers: new Map([
      [A, 3],
      [B, 3],
    ]),
    stakes: new Map([
      [A, 10_000n * E],
      [B, 10_000n * E],
    ]),
    ...over,
  };
}

describe("computeEpoch", () => {
  it("weighs work by the model's declared window, cores and GPU need", () => {
    expect(workSeconds(CPU, 10)).toBe(60n);
    expect(workSeconds({ minExecWindow: 120, cpuCores: 4, needsGpu: true }, 10)).toBe(4800n);
    expect(workSeconds({ minExecWindow: 0, cpuCores: 0, needsGpu: false }, 10)).toBe(1n);
  });

  it("splits the bound by points, capped by each owner's fee bound", () => {
    const work = [
      { taskId: 1n, provider: A, modelId: 1n, timestamp: 7200n, treasuryFee: 1000n * E },
      { taskId: 2n, provider: B, modelId: 1n, timestamp: 7200n, treasuryFee: 1n * E },
    ];
    const r = computeEpoch(inputs({ work }));
    const [a, b] = r.allocations;
    expect(r.computeSeconds).toBe(120n);
    expect(a!.amount).toBe(50n * E); // half the points, fee bound 500 EAI
    expect(b!.amount).toBe(E / 2n); // half the points, but its fee bound is 0.5 EAI
    expect(r.total).toBe(50n * E + E / 2n);
  });

  it("counts an online hour only when a verified task (a passed probe) falls in it", () => {
    const work = [{ taskId: 1n, provider: A, modelId: 1n, timestamp: 3600n * 5n + 10n, treasuryFee: E }];
    const heartbeats = [
      { provider: A, timestamp: 3600n * 5n + 100n }, // same hour as the task: counts
      { provider: A, timestamp: 3600n * 6n }, // no probe in hour 6: does not count
      { provider: B, timestamp: 3600n * 5n }, // B did no verified work: nothing
    ];
    const r = computeEpoch(inputs({ work, heartbeats }));
    expect(r.allocations).toHaveLength(1);
    expect(r.allocations[0]!.uptimeHours).toBe(1);
    expect(r.allocations[0]!.points).toBe(60n + 360n);
  });

  it("gives a provider below tier 2 the newcomer share of its points", () => {
    const work = [
      { taskId: 1n, provider: A, modelId: 1n, timestamp: 0n, treasuryFee: 1000n * E },
      { taskId: 2n, provider: B, modelId: 1n, timestamp: 0n, treasuryFee: 1000n * E },
    ];
    const r = computeEpoch(inputs({ work, tiers: new Map([[A, 3]]) }));
    expect(r.allocations[0]!.points).toBe(60n);
    expect(r.allocations[1]!.points).toBe(6n);
    expect(r.allocations[1]!.established).toBe(false);
  });

  it("caps an owner at ownerCapBps of its stake", () => {
    const work = [{ taskId: 1n, provider: A, modelId: 1n, timestamp: 0n, treasuryFee: 1000n * E }];
    const r = computeEpoch(inputs({ work, stakes: new Map([[A, 300n * E]]) }));
    expect(r.allocations[0]!.amount).toBe(30n * E);
  });

  it("never allocates more than the bound, and is independent of event order (random cases)", () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let c = 0; c < 200; c++) {
      const owners = Array.from(
        { length: 1 + rnd(6) },
        (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}` as Address,
      );
      const work = Array.from({ length: 1 + rnd(20) }, (_, i) => ({
        taskId: BigInt(i),
        provider: owners[rnd(owners.length)]!,
        modelId: 1n,
        timestamp: BigInt(rnd(86_400)),
        treasuryFee: BigInt(rnd(1_000_000)) * 10n ** BigInt(rnd(19)),
      }));
      const payable = BigInt(rnd(1_000_000_007)) * 10n ** BigInt(rnd(12));
      const tiers = new Map(owners.map((o) => [o, 1 + rnd(3)]));
      const stakes = new Map(owners.map((o) => [o, BigInt(rnd(1_000_000)) * E]));
      const one = computeEpoch(inputs({ work, payable, tiers, stakes }));
      const two = computeEpoch(inputs({ work: [...work].reverse(), payable, tiers, stakes }));
      expect(one.total).toBeLessThanOrEqual(payable);
      for (const a of one.allocations) {
        expect(a.amount).toBeLessThanOrEqual(a.feeBound);
        expect(a.amount).toBeLessThanOrEqual(a.cap);
      }
      expect(buildTree(two).root).toBe(buildTree(one).root);
    }
  });
});

describe("buildTree", () => {
  it("makes the leaf MiningRewards.claim verifies", () => {
    const r = computeEpoch(
      inputs({ work: [{ taskId: 1n, provider: A, modelId: 1n, timestamp: 0n, treasuryFee: 1000n * E }] }),
    );
    const tree = buildTree(r);
    const inner = keccak256(
      encodeAbiParameters([{ type: "uint256" }, { type: "address" }, { type: "uint256" }], [3n, A, 100n * E]),
    );
    // a one-leaf tree's root is its leaf: keccak256(bytes.concat(keccak256(abi.encode(epoch, owner, amount))))
    expect(tree.root).toBe(keccak256(inner));
    expect(tree.proofs.get(A)?.proof).toEqual([]);
  });
});

describe("multiplierFloat", () => {
  it("is 10 at zero compute and 1 + 9/e at one decay", () => {
    expect(multiplierFloat(0)).toBe(10);
    expect(multiplierFloat(3.6e9)).toBeCloseTo(1 + 9 / Math.E, 15);
  });
});
