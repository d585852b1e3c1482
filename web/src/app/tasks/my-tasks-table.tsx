"use client";
import { TasksTable } from "@/components/tasks-table.tsx";
import type { TaskRow } from "@/lib/indexer-views.ts";

/** The connected account's tasks (caption "My tasks", not shown: the page's heading says it), newest first. */
export function MyTasksTable({
  tasks,
  total,
  modelNames,
}: {
  tasks: readonly TaskRow[];
  total?: number;
  modelNames?: ReadonlyMap<string, string>;
}) {
  return (
    <div className="table-wrap">
      {total !== undefined && total > tasks.length && (
        <p className="hint">
          The newest {tasks.length} of your {total} tasks.
        </p>
      )}
      <TasksTable
        caption="My tasks"
        captionClassName="visually-hidden"
        tasks={tasks}
        settled
        modelNames={modelNames}
      />
    </div>
  );
}
