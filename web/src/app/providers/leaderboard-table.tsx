"use client";
import Link from "next/link";
import { formatBps, formatToken, shortAddress } from "@/lib/format.ts";
import type { LeaderboardEntry, LeaderboardSort } from "@/lib/indexer-views.ts";
import { StandingBadge, standingOf } from "./standing.tsx";
import styles from "./providers.module.css";

export type SortOrder = "asc" | "desc";

const SORTABLE: { key: LeaderboardSort; label: string }[] = [
  { key: "tier", label: "Tier" },
  { key: "trust", label: "Trust" },
  { key: "availability", label: "Availability" },
  { key: "completed", label: "Completed tasks" },
  { key: "earnings", label: "Earnings" },
  { key: "stake", label: "Stake" },
];

export interface LeaderboardTableProps {
  providers: readonly LeaderboardEntry[];
  sort: LeaderboardSort;
  order: SortOrder;
  /** Called with the column to sort by (the same column again flips the order). */
  onSort: (sort: LeaderboardSort) => void;
}

function cell(p: LeaderboardEntry, key: LeaderboardSort): string {
  switch (key) {
    case "tier":
      return String(p.reputation.tier);
    case "trust":
      return formatBps(p.reputation.trust);
    case "availability":
      return formatBps(p.reputation.availability);
    case "completed":
      return p.reputation.completed.toLocaleString("en-US");
    case "earnings":
      return formatToken(p.earningsEai, "EAI", 2);
    case "stake":
      return formatToken(p.stake.active, "EAI", 2);
  }
}

/** Ranked providers (caption "Provider leaderboard"); column headers are sort buttons. */
export function LeaderboardTable({ providers, sort, order, onSort }: LeaderboardTableProps) {
  return (
    <div className="table-wrap">
      <p className="hint">
        Sorted by {SORTABLE.find((s) => s.key === sort)?.label.toLowerCase()},{" "}
        {order === "desc" ? "highest first" : "lowest first"}. Choose a column heading to sort by it.
      </p>
      <table>
        <caption className={styles.caption}>Provider leaderboard</caption>
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Provider</th>
            {SORTABLE.map(({ key, label }) => (
              <th
                scope="col"
                key={key}
                aria-sort={sort === key ? (order === "desc" ? "descending" : "ascending") : undefined}
              >
                <button type="button" className={styles.sortButton} onClick={() => onSort(key)}>
                  {label}
                  {sort === key && <span aria-hidden="true">{order === "desc" ? " ▼" : " ▲"}</span>}
                </button>
              </th>
            ))}
            <th scope="col">Class</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {providers.length === 0 ? (
            <tr>
              <td colSpan={10} className="muted">
                No providers registered yet.
              </td>
            </tr>
          ) : (
            providers.map((p) => (
              <tr key={p.address}>
                <td>{p.rank}</td>
                <td>
                  <Link href={`/providers/${p.address}`} title={p.address}>
                    {shortAddress(p.address)}
                  </Link>
                </td>
                {SORTABLE.map(({ key }) => (
                  <td key={key}>{cell(p, key)}</td>
                ))}
                <td>{p.profile.benchmarkClass ?? "—"}</td>
                <td>
                  <StandingBadge standing={standingOf(p)} />
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
