import Link from "next/link";
import { ModelLabel } from "./model-label.tsx";
import { formatTime, formatToken } from "@/lib/format.ts";
import type { TaskRow } from "@/lib/indexer-views.ts";
import { taskStatusText } from "@/lib/task-status.ts";

/**
 * A table of tasks from the indexer, one row each linking to its page: status, mode, model, reward and submission
 * time, and with `settled` also when it was settled. `empty` is shown in the table when there are no rows. Models
 * are named from `modelNames` (id → name, `useModelNames`) and fall back to "Model <id>".
 */
export function TasksTable({
  caption,
  captionClassName,
  tasks,
  settled = false,
  empty,
  modelNames,
}: {
  caption: string;
  captionClassName?: string;
  tasks: readonly TaskRow[];
  settled?: boolean;
  empty?: string;
  modelNames?: ReadonlyMap<string, string>;
}) {
  return (
    <table>
      <caption className={captionClassName}>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Task</th>
          <th scope="col">Status</th>
          <th scope="col">Mode</th>
          <th scope="col">Model</th>
          <th scope="col">Reward</th>
          <th scope="col">Submitted</th>
          {settled && <th scope="col">Settled</th>}
        </tr>
      </thead>
      <tbody>
        {tasks.length === 0 && empty !== undefined ? (
          <tr>
            <td colSpan={settled ? 7 : 6} className="muted">
              {empty}
            </td>
          </tr>
        ) : (
          tasks.map((t) => (
            <tr key={t.id}>
              <td>
                <Link href={`/tasks/${t.id}`}>Task #{t.id}</Link>
              </td>
              <td className="nowrap">{taskStatusText(t.status)}</td>
              <td>{t.mode}</td>
              <td>
                <ModelLabel id={t.modelId} name={modelNames?.get(t.modelId)} />
              </td>
              <td>{formatToken(t.reward)}</td>
              <td>{formatTime(t.createdAt)}</td>
              {settled && <td>{t.settledAt ? formatTime(t.settledAt) : "—"}</td>}
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
