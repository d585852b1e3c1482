"use client";
import { TasksTable } from "@/components/tasks-table.tsx";
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
      <TasksTable caption="My tasks" captionClassName={styles.caption} tasks={tasks} settled />
    </div>
  );
}
