/**
 * Helpers shared by the handler files: ids, days, task / provider / holder rows (written only through the helpers
 * here, which keep the network totals of `network_stats` in step), credits, daily statistics.
 */
import type { Context } from "ponder:registry";
import schema from "ponder:schema";
import type { Address, Hex } from "viem";

import {
  EMPTY_DAY,
  EMPTY_NETWORK,
  NETWORK_ID,
  addCounters,
  difference,
  holderFigures,
  isEmpty,
  providerFigures,
  taskFigures,
  type DailyCounters,
  type NetworkCounters,
} from "./figures.ts";

export type Db = Context["db"];

/** What every handler gets about the log it handles. */
export interface LogMeta {
  block: { number: bigint; timestamp: bigint };
  log: { logIndex: number };
  transaction: { hash: Hex };
}

/** `<txHash>-<logIndex>`: unique per log, stable across restarts and re-indexing. */
export function eventId(event: LogMeta): string {
  return `${event.transaction.hash}-${event.log.logIndex}`;
}

export function seconds(event: LogMeta): number {
  return Number(event.block.timestamp);
}

/** UTC day (YYYY-MM-DD) of a unix time in seconds. */
export function dayOf(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

export const lower = (a: Address | Hex): Hex => a.toLowerCase() as Hex;

export const REPUTATION_OUTCOMES = [
  "Success",
  "WrongResult",
  "MissedDeadline",
  "NoReveal",
  "FailedAudit",
  "MissedAudit",
] as const;
export function outcomeName(outcome: number) {
  const name = REPUTATION_OUTCOMES[outcome];
  if (!name) throw new Error(`unknown reputation outcome ${outcome}`);
  return name;
}

// ─── rows that the network totals sum over (figures.ts): written only through these helpers ───

type TaskRow = typeof schema.task.$inferSelect;
type ProviderRow = typeof schema.provider.$inferSelect;
type Setter<R> = Partial<R> | ((row: R) => Partial<R>);

/** Adds `delta` to the network totals (one row, created on first use). */
export async function bumpNetwork(db: Db, delta: Partial<NetworkCounters>) {
  if (isEmpty(delta)) return;
  await db
    .insert(schema.networkStat)
    .values({ id: NETWORK_ID, ...addCounters(EMPTY_NETWORK, EMPTY_NETWORK, delta) })
    .onConflictDoUpdate((row) => addCounters(EMPTY_NETWORK, row, delta));
}

/** Updates a row with `set` and returns it with what the row contributed before the change. */
async function tracked<R>(
  update: (set: (row: R) => Partial<R>) => Promise<R>,
  figures: (row: R) => Partial<NetworkCounters>,
  set: Setter<R>,
): Promise<{ row: R; before: Partial<NetworkCounters> }> {
  let before: Partial<NetworkCounters> = {};
  const row = await update((current) => {
    // Read here: `current` is a view of the cached row, which the store overwrites once this returns.
    before = figures(current);
    return typeof set === "function" ? set(current) : set;
  });
  return { row, before };
}

export async function insertTask(db: Db, values: typeof schema.task.$inferInsert): Promise<TaskRow> {
  const row = await db.insert(schema.task).values(values);
  await bumpNetwork(db, taskFigures(row));
  return row;
}

/** `db.update(tasks)` that keeps the network totals (status counts, volumes, fees, latencies) in step. */
export async function updateTask(db: Db, id: bigint, set: Setter<TaskRow>): Promise<TaskRow> {
  const { row, before } = await tracked<TaskRow>(
    (fn) => db.update(schema.task, { id }).set(fn),
    taskFigures,
    set,
  );
  await bumpNetwork(db, difference(before, taskFigures(row)));
  return row;
}

/** The row of a provider, created with empty defaults on first sight (stake may come before registration). */
export async function ensureProvider(db: Db, address: Address, timestamp: number) {
  const row = await db
    .insert(schema.provider)
    .values({
      address: lower(address),
      registered: false,
      active: false,
      operatorCount: 0,
      heartbeats: 0,
      stake: 0n,
      locked: 0n,
      unbonding: 0n,
      unbondingReleaseAt: 0,
      slashed: 0n,
      slashCount: 0,
      tier: 1,
      completed: 0,
      failed: 0,
      violations: 0,
      reputationUpdatedAt: 0,
      firstRecordedAt: 0,
      suspendedUntil: 0,
      banned: false,
      earningsEai: 0n,
      tasksClaimed: 0,
      updatedAt: timestamp,
    })
    .onConflictDoNothing();
  if (row) await bumpNetwork(db, providerFigures(row));
  return row;
}

/** `db.update(providers)` that keeps the network totals (registered / active counts, stake, earnings) in step. */
export async function updateProvider(
  db: Db,
  address: Address,
  set: Setter<ProviderRow>,
): Promise<ProviderRow> {
  const { row, before } = await tracked<ProviderRow>(
    (fn) => db.update(schema.provider, { address: lower(address) }).set(fn),
    providerFigures,
    set,
  );
  await bumpNetwork(db, difference(before, providerFigures(row)));
  return row;
}

/** Adds `delta` to an EAI balance (creating the holder) and keeps the holder count in step. */
export async function addHolderBalance(db: Db, account: Address, delta: bigint, timestamp: number) {
  let before: Partial<NetworkCounters> = {};
  const row = await db
    .insert(schema.tokenHolder)
    .values({ address: lower(account), balance: delta, updatedAt: timestamp })
    .onConflictDoUpdate((current) => {
      before = holderFigures(current);
      return { balance: current.balance + delta, updatedAt: timestamp };
    });
  await bumpNetwork(db, difference(before, holderFigures(row)));
}

/** Records `delegate` as the holder's delegate (a new holder starts with a zero balance: no holder counted). */
export async function setHolderDelegate(db: Db, account: Address, delegate: Address, timestamp: number) {
  await db
    .insert(schema.tokenHolder)
    .values({ address: lower(account), balance: 0n, delegate: lower(delegate), updatedAt: timestamp })
    .onConflictDoUpdate({ delegate: lower(delegate), updatedAt: timestamp });
}

// ─── daily statistics ───

/** Adds `delta` to the statistics of the day of `timestamp`. */
export async function bumpDaily(
  db: Db,
  timestamp: number,
  delta: Partial<Omit<DailyCounters, "activeProviders">>,
) {
  const day = dayOf(timestamp);
  await db
    .insert(schema.dailyStat)
    .values({ day, ...addCounters<DailyCounters>(EMPTY_DAY, EMPTY_DAY, delta) })
    .onConflictDoUpdate((row) => addCounters<DailyCounters>(EMPTY_DAY, row, delta));
}

/** Counts `provider` once among the active providers of the day of `timestamp`. */
export async function markActive(db: Db, provider: Address, timestamp: number) {
  const day = dayOf(timestamp);
  const added = await db
    .insert(schema.dailyActiveProvider)
    .values({ day, provider: lower(provider) })
    .onConflictDoNothing();
  if (!added) return; // already counted that day
  await db
    .insert(schema.dailyStat)
    .values({ day, ...EMPTY_DAY, activeProviders: 1 })
    .onConflictDoUpdate((row) => ({ activeProviders: row.activeProviders + 1 }));
}

/** Adds to (or, with `set`, replaces) a credited balance of the market or the vault. */
export async function changeCredit(
  db: Db,
  ledger: "market" | "vault",
  account: Address,
  token: Address,
  timestamp: number,
  change: { add: bigint } | { set: bigint } | { withdraw: bigint },
) {
  const key = { ledger, account: lower(account), token: lower(token) };
  const existing = await db.find(schema.credit, key);
  const before = existing ?? { amount: 0n, totalCredited: 0n, totalWithdrawn: 0n };
  let next: { amount: bigint; totalCredited: bigint; totalWithdrawn: bigint };
  if ("add" in change) {
    next = {
      ...before,
      amount: before.amount + change.add,
      totalCredited: before.totalCredited + change.add,
    };
  } else if ("set" in change) {
    const added = change.set > before.amount ? change.set - before.amount : 0n;
    next = { ...before, amount: change.set, totalCredited: before.totalCredited + added };
  } else {
    next = { ...before, amount: 0n, totalWithdrawn: before.totalWithdrawn + change.withdraw };
  }
  const values = {
    amount: next.amount,
    totalCredited: next.totalCredited,
    totalWithdrawn: next.totalWithdrawn,
    updatedAt: timestamp,
  };
  if (existing) await db.update(schema.credit, key).set(values);
  else await db.insert(schema.credit).values({ ...key, ...values });
}

/** Converts a token amount to EAI with the governed rate (`eaiPerToken` EAI wei per 1e18 token units). */
export async function toEai(db: Db, token: Address, amount: bigint): Promise<bigint> {
  const row = await db.find(schema.paymentToken, { address: lower(token) });
  if (!row) return 0n;
  return (amount * row.eaiPerToken) / 10n ** 18n;
}

/** Records an administrative event in the audit log and, with `param`, the contract's current parameters. */
export async function adminEvent(
  db: Db,
  event: LogMeta,
  contract: string,
  name: string,
  args: Record<string, unknown>,
  param?: { key: string; value: Record<string, string | number | boolean>; merge?: boolean },
) {
  const timestamp = seconds(event);
  await db.insert(schema.adminEvent).values({
    id: eventId(event),
    contract,
    event: name,
    args: jsonSafe(args),
    timestamp,
    blockNumber: event.block.number,
    txHash: event.transaction.hash,
  });
  if (param) {
    const { key, value, merge } = param;
    await db
      .insert(schema.protocolParam)
      .values({ key, value, updatedAt: timestamp })
      .onConflictDoUpdate((row) => ({
        value: merge ? { ...row.value, ...value } : value,
        updatedAt: timestamp,
      }));
  }
}

/** bigint → decimal string, recursively, so that values fit a JSON column. */
export function jsonSafe(value: Record<string, unknown>): Record<string, unknown> {
  const convert = (v: unknown): unknown => {
    if (typeof v === "bigint") return v.toString();
    if (Array.isArray(v)) return v.map(convert);
    if (v && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(x)]));
    return v;
  };
  return convert(value) as Record<string, unknown>;
}

/** Numbers of a struct as a flat JSON object of strings/numbers. */
export function flat(value: Record<string, unknown>): Record<string, string | number | boolean> {
  return jsonSafe(value) as Record<string, string | number | boolean>;
}

type RoleName = "RoleGranted" | "RoleRevoked" | "RoleAdminChanged";

/** AccessControl events (every protocol contract but the governor). */
export async function roleEvent(
  db: Db,
  event: LogMeta & { args: { role: Hex; account?: Address } },
  contract: string,
  name: RoleName,
) {
  await adminEvent(db, event, contract, name, event.args);
  if (name === "RoleAdminChanged" || !event.args.account) return;
  const key = { contract, role: event.args.role, account: lower(event.args.account) };
  const granted = name === "RoleGranted";
  await db
    .insert(schema.roleMember)
    .values({ ...key, granted, updatedAt: seconds(event) })
    .onConflictDoUpdate({ granted, updatedAt: seconds(event) });
}
