/**
 * A provider's standing in words, for `eai provider status`, `eai-worker status` and the farm view: trust and
 * availability (Reputation scores out of 10 000), tier, whether it is online (its last ProviderRegistry heartbeat),
 * stake, credits waiting to be withdrawn, what it earned and lost to slashes (TaskMarket events), and its latest
 * failures. Amounts are in EAI, never wei.
 */
import { formatEther, type Address, type PublicClient } from "viem";
import { providerRegistryAbi, reputationAbi, stakingVaultAbi, taskMarketAbi } from "../generated/abis.ts";

/** Outcome names of ProviderPenalized (TaskMarket's Outcome enum). */
export const PENALTY_OUTCOMES = ["success", "wrong-result", "missed-deadline", "no-reveal"] as const;

export interface ProviderSummaryAddresses {
  TaskMarket: Address;
  ProviderRegistry: Address;
  StakingVault: Address;
  Reputation: Address;
  EAIToken: Address;
}

export interface ProviderSummary {
  provider: Address;
  registered: boolean;
  active: boolean;
  tier: number;
  eligible: boolean;
  suspended: boolean;
  banned: boolean;
  /** 0..10 000 (Reputation.MAX_SCORE). */
  trust: number;
  availability: number;
  completed: number;
  failed: number;
  violations: number;
  lastHeartbeat: number;
  /** Chain time the summary was read at. */
  now: number;
  stake: bigint;
  free: bigint;
  credit: bigint;
  earned: bigint;
  paidTasks: number;
  slashed: bigint;
  slashes: number;
  /** Newest last. */
  recentFailures: { taskId: bigint; outcome: string; bond: bigint; block: bigint }[];
}

/** Heartbeat ages for the availability word (seconds): ≤ online → online, ≤ idle → idle, else offline. */
export const AVAILABILITY_LIMITS = { onlineSec: 1_800, idleSec: 6 * 3_600 } as const;

export function availabilityOf(
  lastHeartbeat: number,
  now: number,
): "online" | "idle" | "offline" | "never seen" {
  if (lastHeartbeat === 0) return "never seen";
  const age = now - lastHeartbeat;
  if (age <= AVAILABILITY_LIMITS.onlineSec) return "online";
  if (age <= AVAILABILITY_LIMITS.idleSec) return "idle";
  return "offline";
}

export async function providerSummary(
  pc: PublicClient,
  a: ProviderSummaryAddresses,
  provider: Address,
  options: { fromBlock?: bigint; recent?: number } = {},
): Promise<ProviderSummary> {
  const fromBlock = options.fromBlock ?? 0n;
  const [registered, stake, free, credit, standing, record, suspended, banned, block] = await Promise.all([
    pc.readContract({
      address: a.ProviderRegistry,
      abi: providerRegistryAbi,
      functionName: "isRegistered",
      args: [provider],
    }),
    pc.readContract({
      address: a.StakingVault,
      abi: stakingVaultAbi,
      functionName: "stakeOf",
      args: [provider],
    }),
    pc.readContract({
      address: a.StakingVault,
      abi: stakingVaultAbi,
      functionName: "freeStakeOf",
      args: [provider],
    }),
    pc.readContract({
      address: a.TaskMarket,
      abi: taskMarketAbi,
      functionName: "creditOf",
      args: [provider, a.EAIToken],
    }),
    pc.readContract({
      address: a.Reputation,
      abi: reputationAbi,
      functionName: "standingOf",
      args: [provider],
    }),
    pc.readContract({
      address: a.Reputation,
      abi: reputationAbi,
      functionName: "getRecord",
      args: [provider],
    }),
    pc.readContract({
      address: a.Reputation,
      abi: reputationAbi,
      functionName: "isSuspended",
      args: [provider],
    }),
    pc.readContract({
      address: a.Reputation,
      abi: reputationAbi,
      functionName: "isBanned",
      args: [provider],
    }),
    pc.getBlock({ blockTag: "latest" }),
  ]);
  const info = registered
    ? await pc.readContract({
        address: a.ProviderRegistry,
        abi: providerRegistryAbi,
        functionName: "getProvider",
        args: [provider],
      })
    : undefined;
  const [paid, penalized] = await Promise.all([
    pc.getContractEvents({
      address: a.TaskMarket,
      abi: taskMarketAbi,
      eventName: "ProviderPaid",
      args: { provider },
      fromBlock,
      toBlock: block.number,
    }),
    pc.getContractEvents({
      address: a.TaskMarket,
      abi: taskMarketAbi,
      eventName: "ProviderPenalized",
      args: { provider },
      fromBlock,
      toBlock: block.number,
    }),
  ]);
  const inEai = paid.filter((e) => e.args.token?.toLowerCase() === a.EAIToken.toLowerCase());
  return {
    provider,
    registered,
    active: info?.active ?? false,
    tier: standing[0],
    eligible: standing[1],
    suspended,
    banned,
    trust: record.trust,
    availability: record.availability,
    completed: record.completed,
    failed: record.failed,
    violations: record.violations,
    lastHeartbeat: info ? Number(info.lastHeartbeat) : 0,
    now: Number(block.timestamp),
    stake,
    free,
    credit,
    earned: inEai.reduce((s, e) => s + (e.args.amount ?? 0n), 0n),
    paidTasks: inEai.length,
    slashed: penalized.reduce((s, e) => s + (e.args.bond ?? 0n), 0n),
    slashes: penalized.length,
    recentFailures: penalized.slice(-(options.recent ?? 5)).map((e) => ({
      taskId: e.args.taskId ?? 0n,
      outcome: PENALTY_OUTCOMES[e.args.outcome ?? 0] ?? "penalized",
      bond: e.args.bond ?? 0n,
      block: e.blockNumber,
    })),
  };
}

/** "12.5 EAI" (trailing zeros dropped, at most 4 decimals shown). */
export function eai(wei: bigint): string {
  const [whole, frac = ""] = formatEther(wei).split(".");
  const f = frac.slice(0, 4).replace(/0+$/, "");
  return `${whole}${f ? `.${f}` : ""} EAI`;
}

function ago(seconds: number): string {
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5_400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3_600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}

const pct = (score: number) => `${(score / 100).toFixed(score % 100 === 0 ? 0 : 1)} %`;

/** The summary as sentences, one a line. */
export function describeProvider(s: ProviderSummary): string[] {
  if (!s.registered) return [`${s.provider} is not registered as a provider.`, `Stake: ${eai(s.stake)}.`];
  const state = s.banned
    ? "banned"
    : s.suspended
      ? "suspended"
      : !s.active
        ? "deactivated"
        : s.eligible
          ? "eligible for tasks"
          : "not eligible for tasks";
  const avail = availabilityOf(s.lastHeartbeat, s.now);
  const lines = [
    `Provider ${s.provider}: ${state}, tier ${s.tier} of 3.`,
    `Trust ${pct(s.trust)}, availability ${pct(s.availability)} (${s.completed} tasks completed, ${s.failed} failed, ${s.violations} violations).`,
    avail === "never seen"
      ? "Availability now: no heartbeat yet."
      : `Availability now: ${avail} (last heartbeat ${ago(Math.max(0, s.now - s.lastHeartbeat))}).`,
    `Stake ${eai(s.stake)}, of which ${eai(s.free)} free (not locked in bonds).`,
    `Earned ${eai(s.earned)} over ${s.paidTasks} paid task${s.paidTasks === 1 ? "" : "s"}; credits waiting to be withdrawn: ${eai(s.credit)}.`,
    s.slashes === 0
      ? "Never slashed."
      : `Slashed ${s.slashes} time${s.slashes === 1 ? "" : "s"}, ${eai(s.slashed)} in all.`,
  ];
  if (s.recentFailures.length === 0) lines.push("Recent failures: none.");
  else {
    lines.push("Recent failures:");
    for (const f of s.recentFailures)
      lines.push(
        `  task #${f.taskId}: ${f.outcome.replaceAll("-", " ")}, bond of ${eai(f.bond)} slashed (block ${f.block}).`,
      );
  }
  return lines;
}
