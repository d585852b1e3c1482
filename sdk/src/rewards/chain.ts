/**
 * Reads one epoch's inputs from the chain and computes its allocation and Merkle root: the script anyone re-runs to
 * check a proposed root (`eai rewards root EPOCH`). Only events and reads pinned to the epoch's close block are used,
 * so two runs against any archive node agree.
 */
import type { Address, Hex, PublicClient } from "viem";

import {
  miningRewardsAbi,
  modelRegistryAbi,
  providerRegistryAbi,
  reputationAbi,
  stakingVaultAbi,
  taskMarketAbi,
} from "../generated/abis.ts";
import { TASK_FAULT_RESULT } from "../tasks/commitments.ts";
import {
  computeEpoch,
  type EpochAllocation,
  type ModelCost,
  type RewardParams,
  type VerifiedWork,
} from "./compute.ts";
import { buildTree, type EpochTree } from "./merkle.ts";

/** MiningRewards.EpochStatus. */
export const EpochStatus = { Open: 0, Closed: 1, Proposed: 2, Challenged: 3, Finalized: 4 } as const;

export interface RewardsAddresses {
  rewards: Address;
  market: Address;
  vault: Address;
  providers: Address;
  models: Address;
  reputation: Address;
  token: Address;
  /** Block to read events from (the market's deployment block). */
  fromBlock: bigint;
}

export interface EpochResult extends EpochAllocation {
  tree: EpochTree;
  closeBlock: bigint;
  payable: bigint;
  status: number;
  /** The root on chain now (zero when none is proposed). */
  postedRoot: Hex;
}

/**
 * Whether a settled task counts as verified work. ZK: the proof was accepted; REDUNDANT: the provider was in the
 * majority (only majority members are paid, so a `ProviderPaid` of a non-fault result). OPTIMISTIC (not built yet)
 * would count here once its window has passed or an audit confirmed it.
 */
export function isVerified(mode: number, result: Hex): boolean {
  if (result.toLowerCase() === TASK_FAULT_RESULT.toLowerCase()) return false;
  return mode === 0 || mode === 1;
}

/** Computes the epoch's allocation and tree from the chain. The epoch must be closed. */
export async function computeEpochFromChain(
  client: PublicClient,
  addr: RewardsAddresses,
  epoch: bigint,
): Promise<EpochResult> {
  const ep = await client.readContract({
    address: addr.rewards,
    abi: miningRewardsAbi,
    functionName: "getEpoch",
    args: [epoch],
  });
  if (ep.status === EpochStatus.Open)
    throw new Error(`epoch ${epoch} is not closed yet (MiningRewards.closeEpoch)`);
  const closeBlock = ep.closeBlock;
  const [start, end] = await Promise.all([
    client.readContract({
      address: addr.rewards,
      abi: miningRewardsAbi,
      functionName: "epochStart",
      args: [epoch],
    }),
    client.readContract({
      address: addr.rewards,
      abi: miningRewardsAbi,
      functionName: "epochStart",
      args: [epoch + 1n],
    }),
  ]);
  // A proposed root stored its bound; otherwise the bound a proposal would get now (earlier epochs are final).
  let payable: bigint;
  if (ep.status === EpochStatus.Closed) {
    [payable] = await client.readContract({
      address: addr.rewards,
      abi: miningRewardsAbi,
      functionName: "payableOf",
      args: [epoch],
    });
  } else {
    payable = ep.payable_;
  }
  const range = { fromBlock: addr.fromBlock, toBlock: closeBlock, strict: true } as const;
  const [submitted, completed, paid, beats] = await Promise.all([
    client.getContractEvents({
      address: addr.market,
      abi: taskMarketAbi,
      eventName: "TaskSubmitted",
      ...range,
    }),
    client.getContractEvents({
      address: addr.market,
      abi: taskMarketAbi,
      eventName: "TaskCompleted",
      ...range,
    }),
    client.getContractEvents({
      address: addr.market,
      abi: taskMarketAbi,
      eventName: "ProviderPaid",
      ...range,
    }),
    client.getContractEvents({
      address: addr.providers,
      abi: providerRegistryAbi,
      eventName: "HeartbeatRecorded",
      ...range,
    }),
  ]);
  const specs = new Map<bigint, { mode: number; token: Address; rated: boolean; modelId: bigint }>();
  for (const e of submitted) {
    const s = e.args.spec;
    specs.set(e.args.taskId, { mode: s.mode, token: s.paymentToken, rated: s.rated, modelId: s.modelId });
  }
  const timestamps = new Map<bigint, bigint>();
  const timeOf = async (block: bigint): Promise<bigint> => {
    let t = timestamps.get(block);
    if (t === undefined) {
      t = (await client.getBlock({ blockNumber: block })).timestamp;
      timestamps.set(block, t);
    }
    return t;
  };
  const completions = new Map<
    bigint,
    { result: Hex; providerPayout: bigint; treasuryFee: bigint; block: bigint }
  >();
  for (const e of completed) {
    completions.set(e.args.taskId, {
      result: e.args.result,
      providerPayout: e.args.providerPayout,
      treasuryFee: e.args.treasuryFee,
      block: e.blockNumber,
    });
  }
  const work: VerifiedWork[] = [];
  for (const e of paid) {
    const taskId = e.args.taskId;
    const spec = specs.get(taskId);
    const done = completions.get(taskId);
    if (!spec || !done) continue;
    // only rated tasks paid in EAI: their fees are what bounds the emission, their models are approved
    if (!spec.rated || spec.token.toLowerCase() !== addr.token.toLowerCase()) continue;
    if (!isVerified(spec.mode, done.result)) continue;
    const timestamp = await timeOf(e.blockNumber);
    if (timestamp < start || timestamp >= end) continue;
    const treasuryFee =
      done.providerPayout === 0n ? 0n : (done.treasuryFee * e.args.amount) / done.providerPayout;
    work.push({ taskId, provider: e.args.provider, modelId: spec.modelId, timestamp, treasuryFee });
  }
  const heartbeats = beats
    .map((b) => ({ provider: b.args.provider, timestamp: BigInt(b.args.timestamp) }))
    .filter((b) => b.timestamp >= start && b.timestamp < end);

  const models = new Map<bigint, ModelCost>();
  for (const id of new Set(work.map((w) => w.modelId))) {
    const m = await client.readContract({
      address: addr.models,
      abi: modelRegistryAbi,
      functionName: "getModel",
      args: [id],
      blockNumber: closeBlock,
    });
    models.set(id, {
      minExecWindow: m.minExecWindow,
      cpuCores: m.minResources.cpuCores,
      needsGpu: m.minResources.vramMiB > 0,
    });
  }
  const tiers = new Map<Address, number>();
  const stakes = new Map<Address, bigint>();
  for (const owner of new Set(work.map((w) => w.provider.toLowerCase() as Address))) {
    const [tier, stake] = await Promise.all([
      client.readContract({
        address: addr.reputation,
        abi: reputationAbi,
        functionName: "tierOf",
        args: [owner],
        blockNumber: closeBlock,
      }),
      client.readContract({
        address: addr.vault,
        abi: stakingVaultAbi,
        functionName: "stakeAt",
        args: [owner, closeBlock],
        blockNumber: closeBlock,
      }),
    ]);
    tiers.set(owner, tier);
    stakes.set(owner, stake);
  }
  const params: RewardParams = { ...ep.params };
  const allocation = computeEpoch({ epoch, params, payable, work, heartbeats, models, tiers, stakes });
  return {
    ...allocation,
    tree: buildTree(allocation),
    closeBlock,
    payable,
    status: ep.status,
    postedRoot: ep.root,
  };
}
