"use client";
/** "My tasks": the tasks the connected account submitted, from the indexer. */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useState, type ReactNode } from "react";
import { useConnection } from "wagmi";
import { useIndexerGraphql } from "@/lib/indexer.ts";
import { MY_TASKS_QUERY, taskListSchema, parser } from "@/lib/indexer-views.ts";
import { indexerErrorMessage } from "@/lib/read-state.ts";
import { parseTaskId } from "@/lib/route-params.ts";
import { useModelNames } from "@/lib/use-model-names.ts";
import { MyTasksTable } from "./my-tasks-table.tsx";
import styles from "./tasks.module.css";

const LIMIT = 100;

export default function MyTasksPage() {
  const { address, status } = useConnection();
  // The wallet reconnects after hydration; render the same markup as the server until then.
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const requester = address?.toLowerCase() ?? "";
  const tasks = useIndexerGraphql(MY_TASKS_QUERY, { requester, limit: LIMIT }, parser(taskListSchema), {
    enabled: mounted && requester !== "",
  });
  const modelNames = useModelNames();

  let body: ReactNode;
  if (!mounted || status === "reconnecting" || status === "connecting") {
    body = <p className="muted">Checking your wallet…</p>;
  } else if (!address) {
    body = (
      <p>
        Connect your wallet with the “Connect wallet” button at the top of the page to see the tasks you
        submitted.
      </p>
    );
  } else if (tasks.error) {
    body = (
      <p role="alert" className="error">
        {indexerErrorMessage(tasks.error)}
      </p>
    );
  } else if (!tasks.data) {
    body = <p className="muted">Loading your tasks…</p>;
  } else if (tasks.data.tasks.items.length === 0) {
    body = (
      <p>
        You have not submitted a task from this account yet. <Link href="/submit">Submit a task</Link>, or see{" "}
        <Link href="/tasks/all">all tasks</Link>.
      </p>
    );
  } else {
    body = (
      <MyTasksTable
        tasks={tasks.data.tasks.items}
        total={tasks.data.tasks.totalCount}
        modelNames={modelNames}
      />
    );
  }

  return (
    <>
      <h1>My tasks</h1>
      {body}
      <OpenTaskForm />
    </>
  );
}

/** Opens any task by its number. */
function OpenTaskForm() {
  const router = useRouter();
  const inputId = useId();
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className={styles.openForm}
      onSubmit={(e) => {
        e.preventDefault();
        const id = parseTaskId(value.trim());
        if (id === null) {
          setError("Enter a task number: a whole number such as 12.");
          return;
        }
        setError(null);
        router.push(`/tasks/${id}`);
      }}
    >
      <div>
        <label htmlFor={inputId}>Task number</label>
        <input
          id={inputId}
          inputMode="numeric"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={error !== null}
          aria-describedby={error ? `${inputId}-error` : undefined}
        />
      </div>
      <button type="submit" className="btn btn-secondary">
        Open task
      </button>
      {error && (
        <p id={`${inputId}-error`} className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
