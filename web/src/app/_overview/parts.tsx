"use client";
/**
 * Presentational parts of the network overview ("/"), fed with data (tested without a network).
 */
import type { ReactNode } from "react";
import { BarChart, LineChart } from "@/components/charts.tsx";
import { emissionsPerDay, fillDailySeries } from "@/lib/daily-series.ts";
import { formatDuration, formatToken } from "@/lib/format.ts";
import { TASK_STATUS_NAMES, type Stats, type TaskRow } from "@/lib/indexer-views.ts";
import { TasksTable } from "@/components/tasks-table.tsx";
import { taskStatusText } from "@/lib/task-status.ts";
import styles from "../page.module.css";

/** Days of history the overview charts. */
export const DAYS = 30;

function Figure({ label, value, children }: { label: string; value: string; children?: ReactNode }) {
  return (
    <div className="card">
      <dt className={styles.label}>{label}</dt>
      <dd className={styles.value}>
        <span className="stat-value">{value}</span>
        {children}
      </dd>
    </div>
  );
}

/** The network's figures as a description list of cards. */
export function NetworkFigures({ stats }: { stats: Stats }) {
  const latency = stats.meanSubmitToCompletionSeconds;
  const claimLatency = stats.meanClaimToCompletionSeconds;
  return (
    <dl className={`grid ${styles.figures}`}>
      <Figure label="Tasks" value={stats.tasks.total.toLocaleString("en-US")}>
        <ul className={styles.breakdown} aria-label="Tasks by status">
          {TASK_STATUS_NAMES.map((s) => (
            <li key={s}>
              {taskStatusText(s)}: {(stats.tasks.byStatus[s] ?? 0).toLocaleString("en-US")}
            </li>
          ))}
        </ul>
      </Figure>
      <Figure label="Volume submitted" value={formatToken(stats.volumeEai.submitted, "EAI", 2)}>
        <p className={styles.sub}>Completed: {formatToken(stats.volumeEai.completed, "EAI", 2)}</p>
      </Figure>
      <Figure label="Providers" value={`${stats.providers.active} active`}>
        <p className={styles.sub}>{stats.providers.registered} registered</p>
      </Figure>
      <Figure label="Stake" value={formatToken(stats.stake.active, "EAI", 0)}>
        <p className={styles.sub}>
          Locked in bonds: {formatToken(stats.stake.locked, "EAI", 2)} · slashed:{" "}
          {formatToken(stats.stake.slashed, "EAI", 2)}
        </p>
      </Figure>
      <Figure label="Fees" value={formatToken(stats.fees, "EAI", 2)}>
        <p className={styles.sub}>
          Provider earnings: {formatToken(stats.volumeEai.providerEarnings, "EAI", 2)}
        </p>
      </Figure>
      <Figure
        label="Mean submit → completion"
        value={latency === null ? "no completed task yet" : formatDuration(latency)}
      >
        <p className={styles.sub}>
          Claimed tasks, claim → completion:{" "}
          {claimLatency === null ? "none yet" : formatDuration(claimLatency)}
        </p>
      </Figure>
      <Figure label="Models" value={stats.models.toLocaleString("en-US")} />
      <Figure label="Proposals" value={stats.proposals.toLocaleString("en-US")} />
    </dl>
  );
}

/** The four daily charts of the overview. */
export function DailyCharts({ stats }: { stats: Stats }) {
  const headDay = new Date(stats.head.timestamp * 1000).toISOString().slice(0, 10);
  const series = fillDailySeries(stats.daily, stats.head.timestamp > 0 ? headDay : undefined, DAYS);
  const count = (v: number) => v.toLocaleString("en-US", { maximumFractionDigits: 0 });
  const eai = (v: number) => `${v.toLocaleString("en-US", { maximumFractionDigits: 2 })} EAI`;
  return (
    <div className={styles.charts}>
      <LineChart
        title="Tasks per day"
        labels={series.days}
        series={[
          { name: "Submitted", values: series.tasksSubmitted },
          { name: "Completed", values: series.tasksCompleted },
        ]}
        format={count}
      />
      <BarChart
        title="Volume per day"
        labels={series.days}
        series={[{ name: "Rewards submitted", values: series.volumeSubmitted }]}
        format={eai}
      />
      <BarChart
        title="Active providers per day"
        labels={series.days}
        series={[{ name: "Active providers", values: series.activeProviders }]}
        format={count}
      />
      {stats.emissionsDaily?.length ? (
        <BarChart
          title="Mining emissions per day"
          labels={series.days}
          series={[{ name: "EAI minted", values: emissionsPerDay(series.days, stats.emissionsDaily) }]}
          format={eai}
        />
      ) : null}
      <LineChart
        title="Mean submit → completion time per day"
        labels={series.days}
        series={[{ name: "Latency", values: series.latency }]}
        format={(v) => formatDuration(v)}
      />
    </div>
  );
}

/** The newest tasks (caption "Recent tasks", not shown: the section's heading says it). */
export function RecentTasksTable({
  tasks,
  modelNames,
}: {
  tasks: readonly TaskRow[];
  modelNames?: ReadonlyMap<string, string>;
}) {
  return (
    <div className="table-wrap">
      <TasksTable
        caption="Recent tasks"
        captionClassName="visually-hidden"
        tasks={tasks}
        empty="No tasks yet."
        modelNames={modelNames}
      />
    </div>
  );
}
