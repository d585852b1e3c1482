"use client";
/** The all-tasks list: filters (kept in the URL), the table and cursor paging, from the indexer's GraphQL. */
import { useRouter } from "next/navigation";
import { useEffect, useId, useMemo, useState } from "react";
import { TasksTable } from "@/components/tasks-table.tsx";
import {
  ALL_TASKS_QUERY,
  FILTER_KEYS,
  PAGE_SIZE,
  PROVIDER_CLAIMS_LIMIT,
  PROVIDER_TASKS_QUERY,
  TASK_MODES,
  filtersToSearch,
  pageRangeText,
  parseFilter,
  providerTasksSchema,
  taskPageSchema,
  taskWhere,
  type FilterKey,
  type TaskFilters,
} from "@/lib/all-tasks.ts";
import { useIndexerGraphql } from "@/lib/indexer.ts";
import { TASK_STATUS_NAMES, parser } from "@/lib/indexer-views.ts";
import { indexerErrorMessage } from "@/lib/read-state.ts";
import { taskStatusText } from "@/lib/task-status.ts";
import { useModelNames } from "@/lib/use-model-names.ts";
import styles from "../tasks.module.css";

type Drafts = Record<FilterKey, string>;

const draftsOf = (f: TaskFilters): Drafts => ({
  status: f.status ?? "",
  mode: f.mode ?? "",
  model: f.model ?? "",
  requester: f.requester ?? "",
  provider: f.provider ?? "",
});

/** The filter form (applied on submit; the selects apply at once). */
export function TaskFiltersForm({
  filters,
  errors,
  modelNames,
  onApply,
}: {
  filters: TaskFilters;
  errors: Partial<Record<FilterKey, string>>;
  modelNames: ReadonlyMap<string, string>;
  onApply: (drafts: Drafts) => void;
}) {
  const id = useId();
  const [drafts, setDrafts] = useState<Drafts>(() => draftsOf(filters));
  useEffect(() => setDrafts(draftsOf(filters)), [filters]);
  const set = (key: FilterKey, value: string, apply = false) => {
    const next = { ...drafts, [key]: value };
    setDrafts(next);
    if (apply) onApply(next);
  };
  const field = (key: FilterKey) => ({
    id: `${id}-${key}`,
    "aria-invalid": errors[key] ? true : undefined,
    "aria-describedby": errors[key] ? `${id}-${key}-error` : undefined,
  });
  const models = [...modelNames.entries()];
  if (drafts.model && !modelNames.has(drafts.model)) models.push([drafts.model, `Model ${drafts.model}`]);
  return (
    <form
      className={styles.filters}
      aria-label="Filter tasks"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(drafts);
      }}
    >
      <div>
        <label htmlFor={`${id}-status`}>Status</label>
        <select
          {...field("status")}
          value={drafts.status}
          onChange={(e) => set("status", e.target.value, true)}
        >
          <option value="">Any status</option>
          {TASK_STATUS_NAMES.map((s) => (
            <option key={s} value={s}>
              {taskStatusText(s)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-mode`}>Mode</label>
        <select {...field("mode")} value={drafts.mode} onChange={(e) => set("mode", e.target.value, true)}>
          <option value="">Any mode</option>
          {TASK_MODES.map((m) => (
            <option key={m} value={m}>
              {m === "ZK" ? "ZK proof" : "Redundant execution"}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-model`}>Model</label>
        <select {...field("model")} value={drafts.model} onChange={(e) => set("model", e.target.value, true)}>
          <option value="">Any model</option>
          {models.map(([modelId, name]) => (
            <option key={modelId} value={modelId}>
              {name} (#{modelId})
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-requester`}>Requester</label>
        <input
          {...field("requester")}
          placeholder="0x…"
          spellCheck={false}
          autoComplete="off"
          value={drafts.requester}
          onChange={(e) => set("requester", e.target.value)}
        />
      </div>
      <div>
        <label htmlFor={`${id}-provider`}>Provider</label>
        <input
          {...field("provider")}
          placeholder="0x…"
          spellCheck={false}
          autoComplete="off"
          value={drafts.provider}
          onChange={(e) => set("provider", e.target.value)}
        />
      </div>
      <div className={styles.filterButtons}>
        <button type="submit" className="btn btn-secondary">
          Apply filters
        </button>
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => onApply(draftsOf({}))}
          disabled={FILTER_KEYS.every((k) => drafts[k] === "")}
        >
          Clear
        </button>
      </div>
      {FILTER_KEYS.map((k) =>
        errors[k] ? (
          <p key={k} id={`${id}-${k}-error`} className="error" role="alert">
            {errors[k]}
          </p>
        ) : null,
      )}
    </form>
  );
}

/** The list for `initialFilters` (from the URL); changing a filter rewrites the URL and starts at page 1. */
export function AllTasks({
  initialFilters,
  initialErrors = {},
}: {
  initialFilters: TaskFilters;
  initialErrors?: Partial<Record<FilterKey, string>>;
}) {
  const router = useRouter();
  const [filters, setFilters] = useState<TaskFilters>(initialFilters);
  const [errors, setErrors] = useState<Partial<Record<FilterKey, string>>>(initialErrors);
  // Cursor of each page shown so far (null: the first page); the last one is the current page.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const modelNames = useModelNames();

  const providerTasks = useIndexerGraphql(
    PROVIDER_TASKS_QUERY,
    { provider: filters.provider ?? "", limit: PROVIDER_CLAIMS_LIMIT },
    parser(providerTasksSchema),
    { enabled: filters.provider !== undefined, refetchInterval: 5_000 },
  );
  const providerIds = useMemo(
    () => providerTasks.data?.taskClaims.items.map((c) => c.taskId),
    [providerTasks.data],
  );
  const waitingForProvider = filters.provider !== undefined && providerIds === undefined;
  const cursor = cursors[cursors.length - 1] ?? null;
  const page = useIndexerGraphql(
    ALL_TASKS_QUERY,
    { where: taskWhere(filters, providerIds), limit: PAGE_SIZE, after: cursor },
    parser(taskPageSchema),
    { enabled: !waitingForProvider, refetchInterval: 5_000 },
  );

  const apply = (drafts: Record<FilterKey, string>) => {
    const next: Record<string, string> = {};
    const nextErrors: Partial<Record<FilterKey, string>> = {};
    for (const key of FILTER_KEYS) {
      const parsed = parseFilter(key, drafts[key]);
      if (parsed?.value !== undefined) next[key] = parsed.value;
      else if (parsed?.error) nextErrors[key] = parsed.error;
    }
    setErrors(nextErrors);
    if (Object.keys(nextErrors).length > 0) return;
    setFilters(next as TaskFilters);
    setCursors([null]);
    router.replace(`/tasks/all${filtersToSearch(next as TaskFilters)}`, { scroll: false });
  };

  const data = page.data?.tasks;
  const error = page.error ?? providerTasks.error;
  const index = cursors.length - 1;
  const truncatedProvider = providerIds !== undefined && providerIds.length >= PROVIDER_CLAIMS_LIMIT;

  return (
    <>
      <TaskFiltersForm filters={filters} errors={errors} modelNames={modelNames} onApply={apply} />
      {truncatedProvider && (
        <p className="hint">
          The provider filter reads the provider&apos;s newest {PROVIDER_CLAIMS_LIMIT} claims: older tasks are
          not listed.
        </p>
      )}
      {error ? (
        <p role="alert" className="error">
          {indexerErrorMessage(error)}
        </p>
      ) : !data ? (
        <p className="muted">Loading tasks…</p>
      ) : (
        <div className="table-wrap">
          <p className="hint" role="status">
            {pageRangeText(index, data.items.length, data.totalCount)}
          </p>
          <TasksTable
            caption="All tasks"
            captionClassName="visually-hidden"
            tasks={data.items}
            settled
            modelNames={modelNames}
            empty={
              FILTER_KEYS.some((k) => filters[k] !== undefined)
                ? "No task matches these filters."
                : "No tasks yet."
            }
          />
          <nav className={styles.pager} aria-label="Pages">
            <button
              type="button"
              className="btn btn-secondary"
              disabled={index === 0}
              onClick={() => setCursors((c) => c.slice(0, -1))}
            >
              Newer tasks
            </button>
            <span className="muted">Page {index + 1}</span>
            <button
              type="button"
              className="btn btn-secondary"
              disabled={!data.pageInfo.hasNextPage || data.pageInfo.endCursor === null}
              onClick={() => {
                const end = data.pageInfo.endCursor;
                if (end !== null) setCursors((c) => [...c, end]);
              }}
            >
              Older tasks
            </button>
          </nav>
        </div>
      )}
    </>
  );
}
