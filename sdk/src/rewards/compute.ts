/**
 * The mining-rewards allocation of one epoch, as a pure function of what the chain recorded (docs/PROTOCOL.md,
 * "Mining rewards"). Everything here is integer arithmetic on bigints, rounded down, in a fixed order (owners sorted
 * by address), so anyone who feeds it the same events gets the same leaves and the same root.
 */
import type { Address } from "viem";

/** MiningRewards.RewardParams as snapshotted at the epoch's close. */
export interface RewardParams {
  emissionPerEpoch: bigint;
  feeFactorBps: number;
  ownerCapBps: number;
  newcomerBps: number;
  uptimeSecondsPerHour: number;
  gpuWeight: number;
  posterBond: bigint;
  challengeWindow: number;
  resolutionWindow: number;
}

/** One provider's share of one verified task (a ZK proof accepted, or a REDUNDANT majority position). */
export interface VerifiedWork {
  taskId: bigint;
  /** The provider (stake owner) paid for the task. */
  provider: Address;
  modelId: bigint;
  /** Timestamp of the settling block. */
  timestamp: bigint;
  /** The part of the task's treasury fee attributable to this provider (split by its payout share). */
  treasuryFee: bigint;
}

/** What a model declares about the work it costs (ModelRegistry, read at the close block). */
export interface ModelCost {
  /** The model's minimum execution window in seconds (set by its creator, approved by governance). */
  minExecWindow: number;
  /** The model's minimum CPU cores (0 counts as 1). */
  cpuCores: number;
  /** Whether the model needs a GPU (its minimum VRAM is above zero). */
  needsGpu: boolean;
}

export interface EpochInputs {
  epoch: bigint;
  params: RewardParams;
  /** What the epoch may pay (MiningRewards.payableOf, or the stored bound of a proposed root). */
  payable: bigint;
  work: readonly VerifiedWork[];
  /** Heartbeats in the epoch (ProviderRegistry.HeartbeatRecorded). */
  heartbeats: readonly { provider: Address; timestamp: bigint }[];
  models: ReadonlyMap<bigint, ModelCost>;
  /** Reputation tier of each provider at the close block. */
  tiers: ReadonlyMap<Address, number>;
  /** Stake of each provider at the close block (StakingVault.stakeAt). */
  stakes: ReadonlyMap<Address, bigint>;
}

export interface Allocation {
  owner: Address;
  amount: bigint;
  points: bigint;
  workSeconds: bigint;
  uptimeHours: number;
  established: boolean;
  feeBound: bigint;
  cap: bigint;
}

export interface EpochAllocation {
  epoch: bigint;
  allocations: Allocation[];
  total: bigint;
  /** Verified compute of the epoch (CPU-seconds), before any newcomer scaling: it moves the curve. */
  computeSeconds: bigint;
  totalPoints: bigint;
}

const BPS = 10_000n;

/**
 * CPU-seconds one verified task is worth: the model's declared minimum window × its minimum cores × the GPU weight
 * when it needs a GPU. Declared by the model (not the requester), and only approved models' tasks are rated, so a
 * requester cannot inflate it by asking for a long window; governance vets the declaration when it approves a model.
 */
export function workSeconds(model: ModelCost, gpuWeight: number): bigint {
  const window = BigInt(Math.max(1, model.minExecWindow));
  const cores = BigInt(Math.max(1, model.cpuCores));
  return window * cores * (model.needsGpu ? BigInt(gpuWeight) : 1n);
}

/** Lower-cased address, the sort key and map key used throughout. */
function key(a: Address): Address {
  return a.toLowerCase() as Address;
}

/** The epoch's allocations: each owner gets min(points share of the bound, its fee bound, its stake cap). */
export function computeEpoch(inputs: EpochInputs): EpochAllocation {
  const { params } = inputs;
  interface Acc {
    work: bigint;
    fees: bigint;
    probeHours: Set<bigint>;
    beatHours: Set<bigint>;
  }
  const acc = new Map<Address, Acc>();
  const get = (p: Address): Acc => {
    const k = key(p);
    let a = acc.get(k);
    if (!a) {
      a = { work: 0n, fees: 0n, probeHours: new Set(), beatHours: new Set() };
      acc.set(k, a);
    }
    return a;
  };
  let computeSeconds = 0n;
  for (const w of inputs.work) {
    const model = inputs.models.get(w.modelId);
    if (!model) throw new Error(`model ${w.modelId} of task ${w.taskId} is unknown`);
    const s = workSeconds(model, params.gpuWeight);
    const a = get(w.provider);
    a.work += s;
    a.fees += w.treasuryFee;
    // a verified task is a passed liveness probe for the hour it settled in
    a.probeHours.add(w.timestamp / 3600n);
    computeSeconds += s;
  }
  for (const h of inputs.heartbeats) {
    const a = acc.get(key(h.provider));
    // heartbeats of providers without verified work in the epoch earn nothing: an hour needs a passed probe
    if (a) a.beatHours.add(h.timestamp / 3600n);
  }

  const sorted = [...acc.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  const rows = sorted.map(([owner, a]) => {
    let uptimeHours = 0;
    for (const h of a.beatHours) if (a.probeHours.has(h)) uptimeHours++;
    const tier = inputs.tiers.get(owner) ?? 1;
    const established = tier >= 2;
    const raw = a.work + BigInt(uptimeHours) * BigInt(params.uptimeSecondsPerHour);
    const points = established ? raw : (raw * BigInt(params.newcomerBps)) / BPS;
    const feeBound = (a.fees * BigInt(params.feeFactorBps)) / BPS;
    const cap = ((inputs.stakes.get(owner) ?? 0n) * BigInt(params.ownerCapBps)) / BPS;
    return { owner, points, workSeconds: a.work, uptimeHours, established, feeBound, cap };
  });
  const totalPoints = rows.reduce((s, r) => s + r.points, 0n);
  const allocations: Allocation[] = rows.map((r) => {
    const share = totalPoints === 0n ? 0n : (inputs.payable * r.points) / totalPoints;
    let amount = share;
    if (r.feeBound < amount) amount = r.feeBound;
    if (r.cap < amount) amount = r.cap;
    return { ...r, amount };
  });
  const total = allocations.reduce((s, a) => s + a.amount, 0n);
  if (total > inputs.payable) throw new Error("internal: allocations exceed the bound");
  return { epoch: inputs.epoch, allocations, total, computeSeconds, totalPoints };
}

/** The closed form of the contribution curve in float64: 1 + 9·e^(−C / 1,000,000 CPU-hours). */
export function multiplierFloat(computeSeconds: number): number {
  return 1 + 9 * Math.exp(-computeSeconds / 3.6e9);
}
