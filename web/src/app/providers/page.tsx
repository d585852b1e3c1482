"use client";
/** Providers: the leaderboard from the indexer's `/leaderboard`, sorted by the endpoint. */
import { useState } from "react";
import { useIndexerRest } from "@/lib/indexer.ts";
import { leaderboardSchema, type LeaderboardSort, parser } from "@/lib/indexer-views.ts";
import { indexerErrorMessage } from "@/lib/read-state.ts";
import { LeaderboardTable, type SortOrder } from "./leaderboard-table.tsx";
import styles from "./providers.module.css";

const LIMIT = 100;

export default function ProvidersPage() {
  const [sort, setSort] = useState<LeaderboardSort>("tier");
  const [order, setOrder] = useState<SortOrder>("desc");
  const [activeOnly, setActiveOnly] = useState(false);
  const query = new URLSearchParams({ sort, order, limit: String(LIMIT) });
  if (activeOnly) query.set("active", "true");
  const board = useIndexerRest(`/leaderboard?${query}`, parser(leaderboardSchema), {
    refetchInterval: 5_000,
  });

  return (
    <>
      <h1>Providers</h1>
      <p className="hint">
        Standing is computed at the last indexed block: scores decay toward the initial score over time, and
        the tier follows the current thresholds.
      </p>
      <div className={styles.controls}>
        <label className={styles.checkbox}>
          <input type="checkbox" checked={activeOnly} onChange={(e) => setActiveOnly(e.target.checked)} />
          Show only active providers
        </label>
        {board.data && (
          <span className="muted" aria-live="polite">
            {board.data.total} provider{board.data.total === 1 ? "" : "s"}
            {board.data.total > LIMIT ? ` (top ${LIMIT} shown)` : ""}
          </span>
        )}
      </div>
      {board.data ? (
        <LeaderboardTable
          providers={board.data.providers}
          sort={sort}
          order={order}
          onSort={(key) => {
            if (key === sort) setOrder(order === "desc" ? "asc" : "desc");
            else {
              setSort(key);
              setOrder("desc");
            }
          }}
        />
      ) : board.error ? (
        <p role="alert" className="error">
          {indexerErrorMessage(board.error)}
        </p>
      ) : (
        <p className="muted">Loading the leaderboard…</p>
      )}
    </>
  );
}
