/**
 * The all-tasks page's filters and queries: the filters live in the URL (`/tasks/all?status=Completed&mode=ZK&
 * model=1&requester=0x…&provider=0x…`), become a ponder `where` for the indexer's GraphQL `tasks` list, and pages
 * are walked with ponder's cursors (newest first). The task row has no provider; a provider filter reads the
 * provider's claims (`taskClaims`, newest {@link PROVIDER_CLAIMS_LIMIT}) and filters the tasks by their ids.
 */
import * as z from "zod/mini";
import { TASK_STATUS_NAMES, taskRowSchema, type TaskModeName, type TaskStatusName } from "./indexer-views.ts";

/** Rows per page. */
export const PAGE_SIZE = 25;
/** How many of a provider's claims (newest first) the provider filter reads. */
export const PROVIDER_CLAIMS_LIMIT = 500;

export const TASK_MODES = ["ZK", "REDUNDANT"] as const satisfies readonly TaskModeName[];

export interface TaskFilters {
  status?: TaskStatusName;
  mode?: TaskModeName;
  /** Model id (decimal). */
  model?: string;
  /** Lower-case addresses. */
  requester?: string;
  provider?: string;
}

export const FILTER_KEYS = ["status", "mode", "model", "requester", "provider"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const MODEL_ID = /^[1-9]\d{0,19}$/;

/** What one filter's text means: its value, or why it is not one (`error`), or nothing (`undefined`: no filter). */
export function parseFilter(
  key: FilterKey,
  raw: string | undefined,
): { value?: string; error?: string } | undefined {
  const text = raw?.trim() ?? "";
  if (text === "") return undefined;
  switch (key) {
    case "status":
      return (TASK_STATUS_NAMES as readonly string[]).includes(text)
        ? { value: text }
        : { error: `Status: expected one of ${TASK_STATUS_NAMES.join(", ")}.` };
    case "mode":
      return (TASK_MODES as readonly string[]).includes(text)
        ? { value: text }
        : { error: "Mode: expected ZK or REDUNDANT." };
    case "model":
      return MODEL_ID.test(text) ? { value: text } : { error: "Model: expected a model id such as 1." };
    case "requester":
    case "provider":
      return ADDRESS.test(text)
        ? { value: text.toLowerCase() }
        : {
            error: `${key === "requester" ? "Requester" : "Provider"}: expected an address, 0x and 40 hex digits.`,
          };
  }
}

/** The filters in a URL's search parameters; a bad value is left out and said in `errors` (by key). */
export function filtersFromSearch(search: Readonly<Record<string, string | string[] | undefined>>): {
  filters: TaskFilters;
  errors: Partial<Record<FilterKey, string>>;
} {
  const filters: Record<string, string> = {};
  const errors: Partial<Record<FilterKey, string>> = {};
  for (const key of FILTER_KEYS) {
    const raw = search[key];
    const parsed = parseFilter(key, Array.isArray(raw) ? raw[0] : raw);
    if (parsed?.value !== undefined) filters[key] = parsed.value;
    else if (parsed?.error) errors[key] = parsed.error;
  }
  return { filters: filters as TaskFilters, errors };
}

/** The query string of `filters` ("" for none), keys in a fixed order. */
export function filtersToSearch(filters: TaskFilters): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/**
 * The ponder `where` of the tasks list. `providerTaskIds` are the ids of the provider filter's tasks (required
 * when it is set; an empty list matches nothing).
 */
export function taskWhere(
  filters: TaskFilters,
  providerTaskIds?: readonly string[],
): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  if (filters.status) where.status = filters.status;
  if (filters.mode) where.mode = filters.mode;
  if (filters.model) where.modelId = filters.model;
  if (filters.requester) where.requester = filters.requester;
  if (filters.provider) where.id_in = [...(providerTaskIds ?? [])];
  return where;
}

const TASK_ROW_FIELDS = "id requester modelId mode status reward paymentToken createdAt settledAt";

/** One page of tasks, newest first, after a cursor (null: the first page). */
export const ALL_TASKS_QUERY = `query AllTasks($where: taskFilter, $limit: Int!, $after: String) {
  tasks(where: $where, orderBy: "id", orderDirection: "desc", limit: $limit, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    items { ${TASK_ROW_FIELDS} }
  }
}`;

export const taskPageSchema = z.object({
  tasks: z.object({
    totalCount: z.number(),
    pageInfo: z.object({
      hasNextPage: z.boolean(),
      hasPreviousPage: z.boolean(),
      startCursor: z.nullable(z.string()),
      endCursor: z.nullable(z.string()),
    }),
    items: z.array(taskRowSchema),
  }),
});
export type TaskPage = z.infer<typeof taskPageSchema>;

/** The ids of the tasks a provider claimed, newest first. */
export const PROVIDER_TASKS_QUERY = `query ProviderTasks($provider: String!, $limit: Int!) {
  taskClaims(where: { provider: $provider }, orderBy: "taskId", orderDirection: "desc", limit: $limit) {
    items { taskId }
  }
}`;

export const providerTasksSchema = z.object({
  taskClaims: z.object({ items: z.array(z.object({ taskId: z.string() })) }),
});

/** "Tasks 26–50 of 120" for page `index` (0-based) of `rows` rows. */
export function pageRangeText(index: number, rows: number, total: number): string {
  if (rows === 0) return `No tasks of ${total}`;
  const first = index * PAGE_SIZE + 1;
  return `Tasks ${first}–${first + rows - 1} of ${total}`;
}
