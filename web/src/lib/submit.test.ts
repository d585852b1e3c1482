import { parseEther } from "viem";
import { describe, expect, it, vi } from "vitest";
import { contentAddress } from "@eai/sdk/tasks/request";
import { parseAddress, parseTokenAmount } from "./form-values.ts";
import type { LeaderboardEntry } from "./indexer-views.ts";
import {
  MAX_INPUT_BYTES,
  countEligibleProviders,
  defaultExecMinutes,
  minimumExecWindow,
  parseSubmitForm,
  ratedStatus,
  rewardValueOf,
  uploadInput,
  type SubmitContext,
  type SubmitFormValues,
} from "./submit.ts";

const values: SubmitFormValues = {
  reward: "2",
  deadlineHours: "24",
  execMinutes: "60",
  redundancy: "3",
  minTier: "1",
};
const zk: SubmitContext = { mode: "zk", priorityWindow: 30, revealWindow: 600, maxRedundancy: 9 };

describe("form values", () => {
  it("parses token amounts with 18 decimals and bounds", () => {
    expect(parseTokenAmount("1.5")).toEqual({ value: parseEther("1.5") });
    expect(parseTokenAmount("").error).toMatch(/Enter an amount/);
    expect(parseTokenAmount("1e3").error).toMatch(/such as 1 or 0.25/);
    expect(parseTokenAmount("0").error).toMatch(/above zero/);
    expect(parseTokenAmount("0.1234567890123456789").error).toMatch(/18 decimal/);
    expect(parseTokenAmount("5", { max: parseEther("4"), maxLabel: "your balance" }).error).toBe(
      "That is more than your balance (4 EAI).",
    );
  });

  it("parses addresses, rejecting bad checksums and the zero address", () => {
    const a = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";
    expect(parseAddress(a)).toEqual({ value: a });
    expect(parseAddress(a.toLowerCase())).toEqual({ value: a.toLowerCase() });
    expect(parseAddress("0x976eA74026E726554dB657fA54763abd0C3a0aa9").error).toMatch(/checksum/);
    expect(parseAddress("0x1234").error).toMatch(/40 hex digits/);
    expect(parseAddress(`0x${"0".repeat(40)}`).error).toMatch(/zero address/);
  });
});

describe("parseSubmitForm", () => {
  it("turns the form into wei and seconds", () => {
    expect(parseSubmitForm(values, { ...zk, balance: parseEther("10") })).toEqual({
      ok: true,
      value: { reward: parseEther("2"), deadlineIn: 86_400, execWindow: 3600, redundancy: 1, minTier: 1 },
    });
    const redundant = parseSubmitForm({ ...values, redundancy: "5" }, { ...zk, mode: "redundant" });
    expect(redundant.ok && redundant.value.redundancy).toBe(5);
  });

  it("names each invalid field with what is expected", () => {
    const errors = (v: Partial<SubmitFormValues>, ctx: Partial<SubmitContext> = {}) => {
      const r = parseSubmitForm({ ...values, ...v }, { ...zk, ...ctx });
      return r.ok ? {} : r.errors;
    };
    expect(errors({}, { balance: parseEther("1") }).reward).toMatch(/more than your balance/);
    expect(errors({ execMinutes: "0" }).execMinutes).toMatch(/between 1 min/);
    expect(errors({ minTier: "4" }).minTier).toMatch(/between 1 and 3/);
    expect(errors({ redundancy: "4" }, { mode: "redundant" }).redundancy).toMatch(/odd/);
    expect(errors({ redundancy: "11" }, { mode: "redundant" }).redundancy).toMatch(/between 3 and 9/);
    // 1 h exec window + 30 s priority + 2 min slack > 1 h deadline.
    expect(errors({ deadlineHours: "1" }).deadlineHours).toMatch(/at least 1h 2m/);
    // REDUNDANT adds the reveal window.
    expect(errors({ deadlineHours: "1.05" }, { mode: "redundant" }).deadlineHours).toMatch(/reveal window/);
    expect(errors({ deadlineHours: "1.05" }).deadlineHours).toBeUndefined();
  });

  it("keeps the deadline within the market's maximum task lifetime (less the slack), both sides", () => {
    const lifetime = 7 * 86_400;
    const at = (hours: string) =>
      parseSubmitForm({ ...values, deadlineHours: hours }, { ...zk, maxTaskLifetime: lifetime });
    // 7 days - 2 minutes = 167.9666… h: 167.96 h fits, 167.97 h does not
    expect(at("167.96").ok).toBe(true);
    const late = at("167.97");
    expect(!late.ok && late.errors.deadlineHours).toMatch(
      /at most 6d 23h from now: the market's maximum task lifetime is 7d/,
    );
    expect(parseSubmitForm({ ...values, deadlineHours: "500" }, zk).ok).toBe(true);
  });
});

describe("execution window minimums and the rated flag", () => {
  it("takes the larger minimum and proposes an hour unless the minimum is longer", () => {
    expect(minimumExecWindow(120, 0)).toBe(120);
    expect(minimumExecWindow(120, 7200)).toBe(7200);
    expect(defaultExecMinutes(120)).toBe("60");
    expect(defaultExecMinutes(3600)).toBe("60");
    expect(defaultExecMinutes(3601)).toBe("61");
    expect(defaultExecMinutes(7200)).toBe("120");
  });

  it("rates a task on an approved model with a reward worth at least the minimum, both sides", () => {
    const min = parseEther("10");
    expect(ratedStatus({ approved: true, rewardValue: min, minRatedValue: min })).toEqual({ rated: true });
    expect(ratedStatus({ approved: true, rewardValue: min - 1n, minRatedValue: min })).toMatchObject({
      rated: false,
      reason: expect.stringMatching(/below the governed minimum of 10 EAI/),
    });
    expect(ratedStatus({ approved: false, rewardValue: min, minRatedValue: min })).toEqual({
      rated: false,
      reason: "the model is not approved by governance",
    });
    expect(ratedStatus({ approved: true, rewardValue: undefined, minRatedValue: min })).toBeUndefined();
    // the reward's worth at the token's bond rate: 4 tokens at 2.5 EAI each
    expect(rewardValueOf(parseEther("4"), parseEther("2.5"))).toBe(parseEther("10"));
  });
});

describe("countEligibleProviders", () => {
  const NONE = {
    vramMiB: 0,
    computeCapability: 0,
    cpuCores: 0,
    ramMiB: 0,
    storageGiB: 0,
    bandwidthMbps: 0,
    benchmarkScore: 0,
    region: 0,
  };
  function entry(
    n: number,
    extra: {
      active?: boolean;
      tier?: number;
      suspended?: boolean;
      eligible?: boolean;
      stake?: string;
      cpuCores?: number | null;
      region?: number;
    } = {},
  ): LeaderboardEntry {
    return {
      rank: n,
      address: `0x${n.toString(16).padStart(40, "0")}`,
      registered: true,
      active: extra.active ?? true,
      registeredAt: 1,
      profile: {
        gpuModel: null,
        x25519PublicKey: null,
        metadataUri: null,
        benchmarkClass: "Low",
        resources: {
          ...NONE,
          cpuCores: extra.cpuCores === undefined ? 4 : extra.cpuCores,
          region: extra.region ?? 276,
        },
      },
      operatorCount: 0,
      lastHeartbeat: null,
      heartbeats: 0,
      stake: {
        active: extra.stake ?? parseEther("100").toString(),
        locked: "0",
        free: "0",
        unbonding: "0",
        releaseAt: 0,
      },
      slashed: "0",
      slashCount: 0,
      reputation: {
        trust: 5000,
        availability: 5000,
        tier: extra.tier ?? 1,
        suspended: extra.suspended ?? false,
        banned: false,
        eligible: extra.eligible ?? !(extra.suspended ?? false),
        completed: 0,
        failed: 0,
        violations: 0,
        suspendedUntil: 0,
        lastUpdate: 0,
      },
      earningsEai: "0",
      tasksClaimed: 0,
    };
  }
  const need = { minTier: 1, minResources: { ...NONE, cpuCores: 2 }, minProviderStake: parseEther("100") };

  it("counts active, unsuspended providers of the tier with the stake and the resources", () => {
    const providers = [
      entry(1),
      entry(2, { active: false }),
      entry(3, { suspended: true }),
      entry(4, { stake: (parseEther("100") - 1n).toString() }),
      entry(5, { cpuCores: 1 }),
      entry(6, { cpuCores: null }),
      entry(7, { tier: 3 }),
    ];
    expect(countEligibleProviders({ total: 7, providers }, need)).toBe(2);
    expect(countEligibleProviders({ total: 7, providers }, { ...need, minTier: 2 })).toBe(1);
    // a region requirement must match exactly
    expect(
      countEligibleProviders(
        { total: 7, providers },
        { ...need, minResources: { ...need.minResources, region: 40 } },
      ),
    ).toBe(0);
    expect(
      countEligibleProviders(
        { total: 7, providers },
        { ...need, minResources: { ...need.minResources, region: 276 } },
      ),
    ).toBe(2);
  });

  it("gives no count from an incomplete list unless it already has enough", () => {
    const providers = [entry(1), entry(2)];
    expect(countEligibleProviders({ total: 900, providers }, need, 3)).toBeUndefined();
    expect(countEligibleProviders({ total: 900, providers }, need, 2)).toBe(2);
  });
});

describe("uploadInput", () => {
  it("PUTs the bytes to /api/blobs/<sha256> and checks the acknowledgement", async () => {
    const bytes = new TextEncoder().encode('{"v":1}');
    const ref = await contentAddress(bytes);
    const fetchImpl = vi.fn(async (url: string, init?: RequestInit) => {
      expect(url).toBe(`/api/blobs/${ref.sha256}`);
      expect(init?.method).toBe("PUT");
      expect(new Uint8Array(init?.body as Uint8Array)).toEqual(bytes);
      return new Response(JSON.stringify({ sha256: ref.sha256, size: bytes.length }), { status: 201 });
    });
    expect(await uploadInput(bytes, fetchImpl as unknown as typeof fetch)).toEqual({
      ...ref,
      size: bytes.length,
    });
  });

  it("reports the store's error and a mismatched acknowledgement", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const failing = async () => new Response(JSON.stringify({ error: "store full" }), { status: 507 });
    await expect(uploadInput(bytes, failing as unknown as typeof fetch)).rejects.toThrow(
      /HTTP 507\): store full/,
    );
    const lying = async () => new Response(JSON.stringify({ sha256: "00", size: 3 }), { status: 201 });
    await expect(uploadInput(bytes, lying as unknown as typeof fetch)).rejects.toThrow(/different blob/);
    await expect(uploadInput(new Uint8Array(0))).rejects.toThrow(/empty/);
    await expect(uploadInput(new Uint8Array(MAX_INPUT_BYTES + 1))).rejects.toThrow(/limit is/);
  });
});
