/**
 * Network figures as sums over rows, kept incrementally.
 *
 * Each `*Figures` function says what one row contributes to the network totals (`network_stats`). A handler that
 * writes a row adds `difference(before, after)` of that row's contributions (lib.ts: `insertTask`, `updateTask`,
 * `ensureProvider`, `updateProvider`, `addHolderBalance`), so every total equals the aggregate over its table at
 * every block, whatever the event — a new event that changes a task or a provider needs nothing here. A new figure
 * is a column of `networkStat` plus one line in the function of the table it sums.
 *
 * Pure: no ponder imports (unit tested in indexer/test/figures.test.ts; files under src/ other than src/api/ are
 * loaded by ponder as indexing files, so tests cannot live next to this one).
 */
import type { dailyStat, networkStat, provider, task, tokenHolder } from "../ponder.schema.ts";

/** A row of numeric counters (integer columns as numbers, uint256 columns as bigints). */
export type Counters = Record<string, number | bigint>;

export type NetworkCounters = Omit<typeof networkStat.$inferSelect, "id">;
export type DailyCounters = Omit<typeof dailyStat.$inferSelect, "day">;

export const NETWORK_ID = "network";

export const EMPTY_NETWORK: NetworkCounters = {
  tasksOpen: 0,
  tasksClaimed: 0,
  tasksCompleted: 0,
  tasksCancelled: 0,
  tasksRefunded: 0,
  tasksFaulted: 0,
  volumeSubmitted: 0n,
  volumeCompleted: 0n,
  fees: 0n,
  latencySum: 0n,
  latencyCount: 0,
  settleSum: 0n,
  settleCount: 0,
  providersRegistered: 0,
  providersActive: 0,
  stake: 0n,
  locked: 0n,
  unbonding: 0n,
  slashed: 0n,
  providerEarnings: 0n,
  models: 0,
  proposals: 0,
  holders: 0,
  totalSupply: 0n,
};

export const EMPTY_DAY: DailyCounters = {
  tasksSubmitted: 0,
  tasksCompleted: 0,
  tasksRefunded: 0,
  tasksCancelled: 0,
  tasksExpired: 0,
  tasksFaulted: 0,
  volumeSubmitted: 0n,
  volumeCompleted: 0n,
  providerPayouts: 0n,
  fees: 0n,
  slashed: 0n,
  activeProviders: 0,
  latencySum: 0n,
  latencyCount: 0,
  settleSum: 0n,
  settleCount: 0,
};

const STATUS_COUNTER = {
  Open: "tasksOpen",
  Claimed: "tasksClaimed",
  Completed: "tasksCompleted",
  Cancelled: "tasksCancelled",
  Refunded: "tasksRefunded",
  Faulted: "tasksFaulted",
} as const satisfies Record<(typeof task.$inferSelect)["status"], keyof NetworkCounters>;

type TaskFields = Pick<
  typeof task.$inferSelect,
  "status" | "rewardEai" | "treasuryFee" | "creatorFee" | "claimToCompletion" | "submitToCompletion"
>;
type ProviderFields = Pick<
  typeof provider.$inferSelect,
  "registered" | "active" | "stake" | "locked" | "unbonding" | "slashed" | "earningsEai"
>;
type HolderFields = Pick<typeof tokenHolder.$inferSelect, "balance">;

/** What a task row contributes: its status count, volumes, fees and latencies (nothing for no row). */
export function taskFigures(t: TaskFields | null | undefined): Partial<NetworkCounters> {
  if (!t) return {};
  const completed = t.status === "Completed";
  return {
    [STATUS_COUNTER[t.status]]: 1,
    volumeSubmitted: t.rewardEai,
    volumeCompleted: completed ? t.rewardEai : 0n,
    fees: (t.treasuryFee ?? 0n) + (t.creatorFee ?? 0n),
    latencySum: BigInt(t.claimToCompletion ?? 0),
    latencyCount: t.claimToCompletion === null ? 0 : 1,
    settleSum: BigInt(t.submitToCompletion ?? 0),
    settleCount: t.submitToCompletion === null ? 0 : 1,
  };
}

/** What a provider row contributes: registered / active counts and its balances. */
export function providerFigures(p: ProviderFields | null | undefined): Partial<NetworkCounters> {
  if (!p) return {};
  return {
    providersRegistered: p.registered ? 1 : 0,
    providersActive: p.registered && p.active ? 1 : 0,
    stake: p.stake,
    locked: p.locked,
    unbonding: p.unbonding,
    slashed: p.slashed,
    providerEarnings: p.earningsEai,
  };
}

/** What a token holder row contributes: one holder while its balance is positive. */
export function holderFigures(h: HolderFields | null | undefined): Partial<NetworkCounters> {
  if (!h) return {};
  return { holders: h.balance > 0n ? 1 : 0 };
}

/** `after − before`, key by key; keys whose difference is zero are left out (an empty result means no change). */
export function difference<C extends Counters>(before: Partial<C>, after: Partial<C>): Partial<C> {
  const out: Counters = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = after[key];
    const b = before[key];
    const sample = a ?? b;
    if (typeof sample === "bigint") {
      const d = ((a as bigint | undefined) ?? 0n) - ((b as bigint | undefined) ?? 0n);
      if (d !== 0n) out[key] = d;
    } else {
      const d = ((a as number | undefined) ?? 0) - ((b as number | undefined) ?? 0);
      if (d !== 0) out[key] = d;
    }
  }
  return out as Partial<C>;
}

/** True when `delta` changes nothing. */
export function isEmpty(delta: Counters): boolean {
  return Object.keys(delta).length === 0;
}

/**
 * `row + delta` over the keys of `empty` (the full counter set): the value an insert starts from (`row = empty`)
 * or an `onConflictDoUpdate` sets. A key of `delta` that `empty` lacks is a programming error and throws.
 */
export function addCounters<C extends Counters>(empty: C, row: C, delta: Partial<C>): C {
  for (const key of Object.keys(delta)) {
    if (!(key in empty)) throw new Error(`unknown counter "${key}"`);
  }
  const out: Counters = {};
  for (const key of Object.keys(empty)) {
    const base = row[key];
    const add = delta[key];
    if (typeof base === "bigint") out[key] = base + ((add as bigint | undefined) ?? 0n);
    else out[key] = (base as number) + ((add as number | undefined) ?? 0);
  }
  return out as C;
}
