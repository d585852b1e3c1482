/**
 * Status and claims of mining rewards for one owner, shared by `eai rewards` and the worker's auto-claim. Claims need
 * no proof file: the tree of every final epoch is recomputed from the chain (sdk/src/rewards/chain.ts), and its root
 * is checked against the one on chain before anything is sent.
 */
import type { Account, Address, Hex, PublicClient, WalletClient } from "viem";

import type { Deployment } from "../deployments.ts";
import { miningRewardsAbi } from "../generated/abis.ts";
import { computeEpochFromChain, EpochStatus, type RewardsAddresses } from "./chain.ts";

/** The addresses the rewards script reads, from a deployment record that has a MiningRewards entry. */
export function rewardsAddresses(deployment: Deployment): RewardsAddresses {
  const c = deployment.contracts;
  const rewards = c.MiningRewards;
  if (!rewards) throw new Error("this deployment has no MiningRewards contract (redeploy: npm run deploy)");
  return {
    rewards: rewards.address,
    market: c.TaskMarket.address,
    vault: c.StakingVault.address,
    providers: c.ProviderRegistry.address,
    models: c.ModelRegistry.address,
    reputation: c.Reputation.address,
    token: c.EAIToken.address,
    fromBlock: BigInt(c.TaskMarket.startBlock),
  };
}

export interface ClaimableEpoch {
  epoch: bigint;
  amount: bigint;
  proof: Hex[];
}

/** Final epochs (the last `lookback`) in which `owner` has an unclaimed, non-zero leaf. */
export async function claimableEpochs(
  client: PublicClient,
  addr: RewardsAddresses,
  owner: Address,
  lookback = 30n,
): Promise<ClaimableEpoch[]> {
  const next = await client.readContract({
    address: addr.rewards,
    abi: miningRewardsAbi,
    functionName: "nextEpochToSettle",
  });
  const from = next > lookback ? next - lookback : 0n;
  const out: ClaimableEpoch[] = [];
  for (let e = from; e < next; e++) {
    const claimed = await client.readContract({
      address: addr.rewards,
      abi: miningRewardsAbi,
      functionName: "isClaimed",
      args: [e, owner],
    });
    if (claimed) continue;
    const result = await computeEpochFromChain(client, addr, e);
    if (result.status !== EpochStatus.Finalized) continue;
    if (result.tree.root !== result.postedRoot) {
      throw new Error(
        `epoch ${e}: the posted root ${result.postedRoot} is not the one the events give (${result.tree.root})`,
      );
    }
    const leaf = result.tree.proofs.get(owner.toLowerCase() as Address);
    if (leaf && leaf.amount > 0n) out.push({ epoch: e, amount: leaf.amount, proof: leaf.proof });
  }
  return out;
}

export interface RewardsStatus {
  currentEpoch: bigint;
  nextEpochToSettle: bigint;
  epochLength: bigint;
  multiplierWad: bigint;
  cumulativeComputeSeconds: bigint;
  carry: bigint;
  totalClaimed: bigint;
  owner: Address;
  claimable: ClaimableEpoch[];
  claimableTotal: bigint;
}

export async function rewardsStatus(
  client: PublicClient,
  addr: RewardsAddresses,
  owner: Address,
  lookback = 30n,
): Promise<RewardsStatus> {
  const read = <
    F extends
      | "nextEpochToSettle"
      | "epochLength"
      | "currentMultiplier"
      | "cumulativeComputeSeconds"
      | "carry"
      | "totalClaimed",
  >(
    functionName: F,
  ) => client.readContract({ address: addr.rewards, abi: miningRewardsAbi, functionName }) as Promise<bigint>;
  const block = await client.getBlock({ blockTag: "latest" });
  const [
    currentEpoch,
    nextEpochToSettle,
    epochLength,
    multiplierWad,
    cumulativeComputeSeconds,
    carry,
    totalClaimed,
  ] = await Promise.all([
    client.readContract({
      address: addr.rewards,
      abi: miningRewardsAbi,
      functionName: "epochAt",
      args: [block.timestamp],
    }),
    read("nextEpochToSettle"),
    read("epochLength"),
    read("currentMultiplier"),
    read("cumulativeComputeSeconds"),
    read("carry"),
    read("totalClaimed"),
  ]);
  const claimable = await claimableEpochs(client, addr, owner, lookback);
  return {
    currentEpoch,
    nextEpochToSettle,
    epochLength,
    multiplierWad,
    cumulativeComputeSeconds,
    carry,
    totalClaimed,
    owner,
    claimable,
    claimableTotal: claimable.reduce((s, c) => s + c.amount, 0n),
  };
}

/** Claims every claimable epoch of `owner` (sent by the wallet's account; the reward is minted to `owner`). */
export async function claimRewards(
  client: PublicClient,
  wallet: WalletClient & { account: Account },
  addr: RewardsAddresses,
  owner: Address,
  lookback = 30n,
): Promise<{ epoch: bigint; amount: bigint; txHash: Hex }[]> {
  const out: { epoch: bigint; amount: bigint; txHash: Hex }[] = [];
  for (const c of await claimableEpochs(client, addr, owner, lookback)) {
    const { request } = await client.simulateContract({
      address: addr.rewards,
      abi: miningRewardsAbi,
      functionName: "claim",
      args: [c.epoch, owner, c.amount, c.proof],
      account: wallet.account,
      chain: wallet.chain,
    });
    const txHash = await wallet.writeContract(request);
    const receipt = await client.waitForTransactionReceipt({ hash: txHash });
    if (receipt.status !== "success")
      throw new Error(`claim of epoch ${c.epoch}: transaction ${txHash} reverted`);
    out.push({ epoch: c.epoch, amount: c.amount, txHash });
  }
  return out;
}
