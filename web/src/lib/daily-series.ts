/**
 * The overview's daily series: the indexer stores a `daily_stats` row only for days with activity, so the charts
 * fill the missing days (zero counts, no latency) to keep the time axis even.
 */
import { formatUnits } from "viem";
import type { DailyStat } from "./indexer-views.ts";

const DAY_MS = 86_400_000;

/** Series per day, aligned with `days`. */
export interface DailySeries {
  days: string[];
  tasksSubmitted: number[];
  tasksCompleted: number[];
  /** EAI (not wei), for drawing. */
  volumeSubmitted: number[];
  activeProviders: number[];
  /** Mean claim→completion seconds; null on days without a completed task. */
  latency: (number | null)[];
}

function dayIndex(day: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(ms) ? null : Math.round(ms / DAY_MS);
}

function dayLabel(index: number): string {
  return new Date(index * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Every day from the first row (or `lastDay - maxDays + 1`, whichever is later) to `lastDay` (default: the last
 * row's day), with zeros where the indexer has no row. Rows with a malformed day are ignored.
 */
export function fillDailySeries(rows: readonly DailyStat[], lastDay?: string, maxDays = 30): DailySeries {
  const byDay = new Map<number, DailyStat>();
  for (const row of rows) {
    const i = dayIndex(row.day);
    if (i !== null) byDay.set(i, row);
  }
  const out: DailySeries = {
    days: [],
    tasksSubmitted: [],
    tasksCompleted: [],
    volumeSubmitted: [],
    activeProviders: [],
    latency: [],
  };
  if (byDay.size === 0) return out;
  const indices = [...byDay.keys()];
  const last = Math.max(...indices, (lastDay !== undefined ? dayIndex(lastDay) : null) ?? -Infinity);
  const first = Math.max(Math.min(...indices), last - maxDays + 1);
  for (let i = first; i <= last; i++) {
    const row = byDay.get(i);
    out.days.push(dayLabel(i));
    out.tasksSubmitted.push(row?.tasksSubmitted ?? 0);
    out.tasksCompleted.push(row?.tasksCompleted ?? 0);
    out.volumeSubmitted.push(row ? Number(formatUnits(BigInt(row.volumeSubmitted), 18)) : 0);
    out.activeProviders.push(row?.activeProviders ?? 0);
    out.latency.push(row?.meanSubmitToCompletionSeconds ?? null);
  }
  return out;
}

/** EAI minted by mining-reward claims on each of `days` (0 where the indexer has no row). */
export function emissionsPerDay(
  days: readonly string[],
  rows: readonly { day: string; minted: string }[],
): number[] {
  const byDay = new Map(rows.map((r) => [r.day, r.minted]));
  return days.map((d) => {
    const minted = byDay.get(d);
    return minted === undefined ? 0 : Number(formatUnits(BigInt(minted), 18));
  });
}
