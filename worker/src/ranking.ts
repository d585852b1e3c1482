/**
 * Direct ZK settlement without a coordination channel: every worker ranks the providers able to settle a task by
 * `keccak256(abi.encode(taskId, provider))` (ascending) and waits `rank × directStaggerMs` before proving. All
 * workers compute the same order from public data, so in the normal case only the rank-0 provider proves and the
 * others find the task settled when their turn comes (docs/WORKER.md, "ZK settlement modes").
 *
 * `ProviderDirectory` is the chain-backed list of providers the ranking runs over: the addresses from
 * ProviderRegistry's `ProviderRegistered` events (read incrementally), each with its eligibility (active,
 * resources, last heartbeat; Reputation standing; StakingVault stake), refreshed every `refreshMs`.
 */
import { providerRegistryAbi, reputationAbi, stakingVaultAbi, taskMarketAbi } from "@eai/sdk/abis";
import { encodeAbiParameters, getAbiItem, keccak256, type Address, type Hex } from "viem";
import type { TaskSpec } from "../../sdk/src/tasks/index.ts";
import type { ChainContext } from "./chain/client.ts";
import { resourceShortfalls, TOP_TIER } from "./filter.ts";
import type { Resources } from "./hardware.ts";

/** The ranking key of `provider` for `taskId`: keccak256(abi.encode(uint256 taskId, address provider)). */
export function rankKey(taskId: bigint, provider: Address): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "address" }],
      [taskId, provider.toLowerCase() as Address],
    ),
  );
}

/**
 * `self`'s rank among `providers` for `taskId`: how many of the other providers have a smaller key, capped at
 * `maxRank` (only the first `maxRank` places matter: a worker further down waits `maxRank` steps at most).
 * `self` counts whether or not it is in `providers`; duplicates are ignored.
 */
export function rankOf(taskId: bigint, self: Address, providers: Iterable<Address>, maxRank: number): number {
  const me = self.toLowerCase();
  const own = BigInt(rankKey(taskId, self));
  const seen = new Set<string>([me]);
  let rank = 0;
  for (const p of providers) {
    const lower = p.toLowerCase();
    if (seen.has(lower)) continue;
    seen.add(lower);
    if (BigInt(rankKey(taskId, p)) < own) {
      rank += 1;
      if (rank >= maxRank) return maxRank;
    }
  }
  return rank;
}

/** The provider ranked first for `taskId` among `providers` (undefined for an empty list). */
export function firstRanked(taskId: bigint, providers: Iterable<Address>): Address | undefined {
  let best: Address | undefined;
  let bestKey = 0n;
  for (const p of providers) {
    const key = BigInt(rankKey(taskId, p));
    if (best === undefined || key < bestKey) {
      best = p;
      bestKey = key;
    }
  }
  return best;
}

/**
 * How long (in stagger steps) a provider ranked `rank` for a task waits: its rank, plus the tasks the rank-0
 * provider has to get through first (`backlog`: earlier open tasks it is also ranked first for, as every worker can
 * count from public data), capped at `maxBacklog`. Without the backlog term a burst of tasks would make the
 * next-ranked providers start on tasks the first-ranked one has merely not reached yet.
 */
export function turnSteps(rank: number, backlog: number, maxBacklog: number): number {
  return rank === 0 ? 0 : rank + Math.min(backlog, maxBacklog);
}

/** The ZK settlement modes (WorkerConfig.zkSettlement). */
export type ZkSettlement = "hybrid" | "direct" | "claim";

/**
 * Whether a provider ranked `rank` for a ZK task claims it when its turn comes (rather than proving the Open task
 * directly): always in "claim" mode, never in "direct" mode, and in "hybrid" mode unless it is first-ranked. A
 * hybrid claimant locks the task, so at most the first-ranked provider's proof is ever wasted.
 */
export function claimsWhenRanked(mode: ZkSettlement, rank: number): boolean {
  if (mode === "claim") return true;
  if (mode === "direct") return false;
  return rank > 0;
}

/** What the directory knows about one provider (as of its last refresh). */
export interface ProviderEntry {
  address: Address;
  active: boolean;
  resources: Resources;
  /** Reputation tier and whether the provider is not suspended or banned. */
  tier: number;
  eligible: boolean;
  stake: bigint;
  /** ProviderRegistry's last heartbeat (chain seconds; 0 = never). */
  lastHeartbeat: number;
}

export interface ProviderDirectoryOptions {
  ctx: ChainContext;
  /** How often eligibility is re-read (ms). */
  refreshMs: number;
  /** A provider whose last heartbeat is older than this (chain seconds) is presumed offline; 0 = no check. */
  livenessSec: number;
  /** Largest block range per eth_getLogs request. */
  logRangeBlocks: number;
  /** Most providers tracked (the first registered are kept). */
  maxProviders?: number;
  /** Reads in parallel during a refresh. */
  concurrency?: number;
}

const REGISTERED = getAbiItem({ abi: providerRegistryAbi, name: "ProviderRegistered" });

/** The providers a direct-mode worker ranks itself against, read from the chain and cached. */
export class ProviderDirectory {
  readonly #opts: ProviderDirectoryOptions;
  readonly #addresses = new Set<Address>();
  #entries: ProviderEntry[] = [];
  #minStake = 0n;
  #nextBlock: bigint;
  #refreshedAt = Number.NEGATIVE_INFINITY;
  #refreshing: Promise<void> | undefined;

  constructor(options: ProviderDirectoryOptions) {
    this.#opts = options;
    this.#nextBlock = options.ctx.startBlock;
  }

  /** The cached entries (refresh() first). */
  get entries(): readonly ProviderEntry[] {
    return this.#entries;
  }

  /** Re-reads the chain when the cache is older than `refreshMs` (concurrent callers share one refresh). */
  async refresh(force = false): Promise<void> {
    if (!force && Date.now() - this.#refreshedAt < this.#opts.refreshMs) return;
    this.#refreshing ??= this.#load().finally(() => {
      this.#refreshing = undefined;
    });
    await this.#refreshing;
  }

  async #load(): Promise<void> {
    const { publicClient, addresses } = this.#opts.ctx;
    const max = this.#opts.maxProviders ?? 1_000;
    const latest = await publicClient.getBlockNumber();
    const range = BigInt(this.#opts.logRangeBlocks);
    for (let from = this.#nextBlock; from <= latest; from += range) {
      const to = from + range - 1n < latest ? from + range - 1n : latest;
      const logs = await publicClient.getLogs({
        address: addresses.ProviderRegistry,
        event: REGISTERED,
        fromBlock: from,
        toBlock: to,
      });
      for (const log of logs) {
        const p = log.args.provider;
        if (p && this.#addresses.size < max) this.#addresses.add(p);
      }
      this.#nextBlock = to + 1n;
    }
    const [, minStake] = await publicClient.readContract({
      address: addresses.TaskMarket,
      abi: taskMarketAbi,
      functionName: "stakeParams",
    });
    const all = [...this.#addresses];
    const entries: ProviderEntry[] = [];
    const concurrency = this.#opts.concurrency ?? 8;
    for (let i = 0; i < all.length; i += concurrency) {
      entries.push(...(await Promise.all(all.slice(i, i + concurrency).map((p) => this.#read(p)))));
    }
    this.#entries = entries;
    this.#minStake = minStake;
    this.#refreshedAt = Date.now();
  }

  async #read(address: Address): Promise<ProviderEntry> {
    const { publicClient, addresses } = this.#opts.ctx;
    const [info, standing, stake] = await Promise.all([
      publicClient.readContract({
        address: addresses.ProviderRegistry,
        abi: providerRegistryAbi,
        functionName: "getProvider",
        args: [address],
      }),
      publicClient.readContract({
        address: addresses.Reputation,
        abi: reputationAbi,
        functionName: "standingOf",
        args: [address],
      }),
      publicClient.readContract({
        address: addresses.StakingVault,
        abi: stakingVaultAbi,
        functionName: "stakeOf",
        args: [address],
      }),
    ]);
    return {
      address,
      active: info.active,
      resources: { ...info.resources },
      tier: standing[0],
      eligible: standing[1],
      stake,
      lastHeartbeat: Number(info.lastHeartbeat),
    };
  }

  /**
   * The providers that could settle `spec` at chain time `now` as far as the cache knows: active, not suspended,
   * staked at least the market minimum, meeting the spec's resources and tier (the top tier during the priority
   * window) and, with a liveness window, heard from recently.
   */
  candidatesFor(spec: TaskSpec, now: number): Address[] {
    const required = now < spec.priorityUntil ? TOP_TIER : spec.minTier;
    const live = this.#opts.livenessSec;
    return this.#entries
      .filter(
        (e) =>
          e.active &&
          e.eligible &&
          e.tier >= required &&
          e.stake >= this.#minStake &&
          (live === 0 || now - e.lastHeartbeat <= live) &&
          resourceShortfalls(e.resources, spec.minResources).length === 0,
      )
      .map((e) => e.address);
  }
}
