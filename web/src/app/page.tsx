"use client";
/**
 * Network overview: totals from the indexer's `/stats`, daily charts (inline SVG) and the newest tasks. Kept light:
 * no chart library and nothing of the ZK or wallet-write code is imported here.
 */
import { formatTime } from "@/lib/format.ts";
import { useIndexerGraphql, useIndexerRest } from "@/lib/indexer.ts";
import { RECENT_TASKS_QUERY, statsSchema, taskListSchema, parser } from "@/lib/indexer-views.ts";
import { indexerErrorMessage } from "@/lib/read-state.ts";
import { useModelNames } from "@/lib/use-model-names.ts";
import { DAYS, DailyCharts, NetworkFigures, RecentTasksTable } from "./_overview/parts.tsx";
import styles from "./page.module.css";

export default function OverviewPage() {
  const stats = useIndexerRest(`/stats?days=${DAYS}`, parser(statsSchema), { refetchInterval: 5_000 });
  const recent = useIndexerGraphql(RECENT_TASKS_QUERY, { limit: 10 }, parser(taskListSchema));
  const modelNames = useModelNames();
  return (
    <>
      <h1>Network overview</h1>
      <section aria-labelledby="figures-heading">
        <h2 id="figures-heading">Figures</h2>
        {/* The slots keep about the loaded height while loading, so the page does not jump when data arrives. */}
        <div className={styles.figuresSlot}>
          {stats.data ? (
            <>
              <NetworkFigures stats={stats.data} />
              <p className="hint">
                As of block {stats.data.head.block} ({formatTime(stats.data.head.timestamp)}).
              </p>
            </>
          ) : stats.error ? (
            <p role="alert" className="error">
              {indexerErrorMessage(stats.error)}
            </p>
          ) : (
            <p className="muted">Loading network figures…</p>
          )}
        </div>
      </section>
      <section aria-labelledby="activity-heading">
        <h2 id="activity-heading">Activity, last {DAYS} days</h2>
        <div className={styles.chartsSlot}>
          {stats.data ? (
            <DailyCharts stats={stats.data} />
          ) : stats.error ? (
            <p className="muted">Charts appear when the indexer answers.</p>
          ) : (
            <p className="muted">Loading charts…</p>
          )}
        </div>
      </section>
      <section aria-labelledby="recent-heading">
        <h2 id="recent-heading">Recent tasks</h2>
        {recent.data ? (
          <RecentTasksTable tasks={recent.data.tasks.items} modelNames={modelNames} />
        ) : recent.error ? (
          <p role="alert" className="error">
            {indexerErrorMessage(recent.error)}
          </p>
        ) : (
          <p className="muted">Loading recent tasks…</p>
        )}
      </section>
    </>
  );
}
