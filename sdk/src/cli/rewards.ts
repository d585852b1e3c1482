/**
 * `eai rewards status|claim|root`: mining rewards from the CLI (docs/PROTOCOL.md, "Mining rewards"). Kept apart from
 * main.ts, which lists this group; the shapes below are the subset of main.ts's Command and Context it uses.
 */
import { formatEther, type Address } from "viem";

import type { EaiClient } from "../client/client.ts";
import { computeEpochFromChain, EpochStatus } from "../rewards/chain.ts";
import { claimRewards, rewardsAddresses, rewardsStatus } from "../rewards/claim.ts";

interface RewardsContext {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  client: () => Promise<EaiClient>;
}

interface RewardsCommand {
  summary: string;
  usage: string;
  options: Record<string, { type: "string" | "boolean" }>;
  run: (ctx: RewardsContext) => Promise<unknown>;
}

class RewardsUsageError extends Error {
  override name = "UsageError";
}

function ownerOf(ctx: RewardsContext, client: EaiClient): Address {
  const v = ctx.values.owner;
  if (typeof v === "string") {
    if (!/^0x[0-9a-fA-F]{40}$/.test(v))
      throw new RewardsUsageError("--owner: expected a 0x-prefixed 20-byte address");
    return v as Address;
  }
  return client.address;
}

function lookback(ctx: RewardsContext): bigint {
  const v = ctx.values.epochs;
  if (v === undefined) return 30n;
  if (typeof v !== "string" || !/^\d+$/.test(v))
    throw new RewardsUsageError("--epochs: expected a non-negative integer");
  return BigInt(v);
}

const STATUS_NAMES = ["Open", "Closed", "Proposed", "Challenged", "Finalized"] as const;

export const REWARDS_COMMANDS: Record<string, RewardsCommand> = {
  status: {
    summary: "mining rewards: epoch, multiplier and what an owner can claim",
    usage: `eai rewards status [--owner ADDRESS] [--epochs N]
  --owner ADDRESS   the provider (stake owner); default the key's account
  --epochs N        how many final epochs back to look for unclaimed rewards (default 30)`,
    options: { owner: { type: "string" }, epochs: { type: "string" } },
    run: async (ctx) => {
      const client = await ctx.client();
      const s = await rewardsStatus(
        client.publicClient,
        rewardsAddresses(client.deployment),
        ownerOf(ctx, client),
        lookback(ctx),
      );
      return {
        ...s,
        multiplier: Number(s.multiplierWad) / 1e18,
        claimable: s.claimable.map((c) => ({ epoch: c.epoch, amount: c.amount })),
        claimableTotalEai: formatEther(s.claimableTotal),
      };
    },
  },
  claim: {
    summary: "claim every unclaimed mining reward of an owner (minted to the owner)",
    usage: `eai rewards claim [--owner ADDRESS] [--epochs N]
  Recomputes each final epoch's tree from the chain, checks it against the posted root and claims.`,
    options: { owner: { type: "string" }, epochs: { type: "string" } },
    run: async (ctx) => {
      const client = await ctx.client();
      const wallet = client.walletClient;
      if (!wallet?.account)
        throw new RewardsUsageError("claim sends transactions: give --key or EAI_PRIVATE_KEY");
      const claims = await claimRewards(
        client.publicClient,
        wallet as typeof wallet & { account: NonNullable<typeof wallet.account> },
        rewardsAddresses(client.deployment),
        ownerOf(ctx, client),
        lookback(ctx),
      );
      return { claims, amount: claims.reduce((s, c) => s + c.amount, 0n) };
    },
  },
  root: {
    summary: "recompute a closed epoch's allocation and root from events; compare with the posted root",
    usage: `eai rewards root EPOCH
  Anyone can run this to check a proposed root before its challenge window ends (then: MiningRewards.challengeRoot).`,
    options: {},
    run: async (ctx) => {
      const raw = ctx.positionals[0];
      if (raw === undefined || !/^\d+$/.test(raw))
        throw new RewardsUsageError("EPOCH: expected a decimal integer");
      const client = await ctx.client();
      const r = await computeEpochFromChain(
        client.publicClient,
        rewardsAddresses(client.deployment),
        BigInt(raw),
      );
      const posted = r.status >= EpochStatus.Proposed;
      return {
        epoch: r.epoch,
        status: STATUS_NAMES[r.status] ?? String(r.status),
        root: r.tree.root,
        postedRoot: posted ? r.postedRoot : null,
        matches: posted ? r.postedRoot === r.tree.root : null,
        total: r.total,
        payable: r.payable,
        computeSeconds: r.computeSeconds,
        allocations: r.allocations.map((a) => ({
          owner: a.owner,
          amount: a.amount,
          points: a.points,
          uptimeHours: a.uptimeHours,
          established: a.established,
        })),
      };
    },
  },
};
