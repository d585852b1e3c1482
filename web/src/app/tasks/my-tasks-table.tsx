"use client";
import Link from "next/link";
import { formatTime, formatToken } from "@/lib/format.ts";
import type { TaskRow } from "@/lib/indexer-views.ts";
import styles from "./tasks.module.css";

/** The connected account's tasks (caption "My tasks"), newest first. */
export function MyTasksTable({ tasks, total }: { tasks: readonly TaskRow[]; total?: number }) {
  return (
    <div className="table-wrap">
      {total !== undefined && total > tasks.length && (
        <p className="hint">
          The newest {tasks.length} of your {total} tasks.
        </p>
      )}
      <table>
        <caption className={styles.caption}>My tasks</caption>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Status</th>
            <th scope="col">Mode</th>
            <th scope="col">Model</th>
            <th scope="col">Reward</th>
            <th scope="col">Submitted</th>
            <th scope="col">Settled</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr key={t.id}>
              <td>
                <Link href={`/tasks/${t.id}`}>Task #{t.id}</Link>
              </td>
              <td>{t.status}</td>
              <td>{t.mode}</td>
              <td>#{t.modelId}</td>
              <td>{formatToken(t.reward)}</td>
              <td>{formatTime(t.createdAt)}</td>
              <td>{t.settledAt ? formatTime(t.settledAt) : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
