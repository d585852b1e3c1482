"use client";
import Link from "next/link";
import { formatDuration, formatTime, formatToken, shortAddress } from "@/lib/format.ts";
import { useIndexerRest } from "@/lib/indexer.ts";
import { parser } from "@/lib/indexer-views.ts";
import {
  challengeWindowState,
  optimisticStatusText,
  optimisticTaskListSchema,
  type OptimisticTaskList as OptimisticTaskListData,
} from "@/lib/optimistic-views.ts";
import { indexerErrorMessage } from "@/lib/read-state.ts";
import { useChainNow } from "./[id]/optimistic-task.tsx";

/** The challenge window of a row, in a few words. */
export function windowCell(t: OptimisticTaskListData["tasks"][number], now: number): string {
  const w = challengeWindowState(t, now);
  if (w.kind === "open") return `${formatDuration(w.secondsLeft)} left`;
  if (w.kind === "challenged") return "challenged";
  if (w.kind === "ended") return "ended";
  return "—";
}

export function OptimisticTaskTable({ tasks, now }: { tasks: OptimisticTaskListData["tasks"]; now: number }) {
  if (tasks.length === 0) return <p className="muted">No OPTIMISTIC task yet.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">OPTIMISTIC tasks</caption>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Posted</th>
            <th scope="col">Reward</th>
            <th scope="col">Provider</th>
            <th scope="col">Status</th>
            <th scope="col">Challenge window</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr key={t.id}>
              <td>
                <Link href={`/tasks/optimistic/${t.id}`}>Task #{t.id}</Link>
              </td>
              <td>{formatTime(t.createdAt)}</td>
              <td>{formatToken(t.reward)}</td>
              <td>
                {t.provider ? <Link href={`/providers/${t.provider}`}>{shortAddress(t.provider)}</Link> : "—"}
              </td>
              <td>{optimisticStatusText(t.status)}</td>
              <td>{windowCell(t, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Loads `/optimistic/tasks` (the newest 50) and renders them with ticking windows. */
export function OptimisticTaskList() {
  const q = useIndexerRest("/optimistic/tasks?limit=50", parser(optimisticTaskListSchema));
  const now = useChainNow(q.data?.head.timestamp, q.dataUpdatedAt);
  if (q.data && now !== undefined) return <OptimisticTaskTable tasks={q.data.tasks} now={now} />;
  if (q.error)
    return (
      <p role="alert" className="error">
        {indexerErrorMessage(q.error)}
      </p>
    );
  return <p className="muted">Loading the tasks…</p>;
}
