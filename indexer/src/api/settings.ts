/**
 * Settings of the indexer's HTTP API that strangers reach: SQL over HTTP (off unless a key is set, never on
 * PGlite), the statement timeout of the API's PostgreSQL connections, and the GraphQL limits. Read from the
 * environment by `ponder.config.ts` (which refuses to start on a bad value) and by the API.
 *
 *   EAI_SQL_API_KEY               enables `/sql/*` behind this key (≥ 32 characters); unset: `/sql/*` answers 404
 *   EAI_API_STATEMENT_TIMEOUT_MS  PostgreSQL: every statement of the API (SQL, GraphQL, REST) is cancelled after
 *                                 this long (default 5000)
 *   EAI_GRAPHQL_MAX_DEPTH         nested fields per operation (default 8)
 *   EAI_GRAPHQL_MAX_ALIASES       aliases per request (default 10)
 *   EAI_GRAPHQL_MAX_TOKENS        lexical tokens per request (default 1000)
 *   EAI_GRAPHQL_MAX_COST          estimated cost per operation (default 5000; see graphql-guard.ts)
 *   EAI_GRAPHQL_HEAVY_CONCURRENCY heavy GraphQL requests executed at once (default 1 on PGlite, 4 on PostgreSQL)
 *   EAI_API_CACHE_MS              REST and light GraphQL answers are reused while the indexed block is the same, for
 *                                 at most this long (default 1000; 0 turns the cache off)
 */
import { z } from "zod";

/** An empty variable counts as unset. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const SQL_KEY_MIN_LENGTH = 32;

const envSchema = z.object({
  DATABASE_URL: optional(z.string()),
  EAI_SQL_API_KEY: optional(
    z
      .string()
      .min(SQL_KEY_MIN_LENGTH, `expected at least ${SQL_KEY_MIN_LENGTH} characters`)
      .max(512, "expected at most 512 characters")
      .regex(/^[\x21-\x7e]+$/, "expected printable ASCII without spaces"),
  ),
  EAI_API_STATEMENT_TIMEOUT_MS: optional(int(100, 600_000)),
  EAI_GRAPHQL_MAX_DEPTH: optional(int(2, 64)),
  EAI_GRAPHQL_MAX_ALIASES: optional(int(0, 1000)),
  EAI_GRAPHQL_MAX_TOKENS: optional(int(50, 100_000)),
  EAI_GRAPHQL_MAX_COST: optional(int(10, 10_000_000)),
  EAI_GRAPHQL_HEAVY_CONCURRENCY: optional(int(1, 64)),
  EAI_API_CACHE_MS: optional(int(0, 60_000)),
});

export interface GraphqlLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
}

export interface ApiSettings {
  database: "pglite" | "postgres";
  /** The key of `/sql/*`, or undefined when SQL over HTTP is off. */
  sqlKey: string | undefined;
  statementTimeoutMs: number;
  graphql: GraphqlLimits;
  /** Heavy GraphQL requests (scans, large estimates) that may run at once; the others wait in line. */
  heavyConcurrency: number;
  /** How long an answer may be reused while the indexed block is unchanged (0: never). */
  cacheMs: number;
}

export class ApiSettingsError extends Error {
  override name = "ApiSettingsError";
}

/**
 * The API settings of `env`.
 * @throws ApiSettingsError naming each bad variable and what was expected, or refusing SQL over HTTP on PGlite.
 */
export function parseApiSettings(env: Record<string, string | undefined>): ApiSettings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ApiSettingsError(`invalid indexer environment: ${issues}`);
  }
  const e = parsed.data;
  const database = e.DATABASE_URL ? "postgres" : "pglite";
  if (e.EAI_SQL_API_KEY !== undefined && database === "pglite") {
    throw new ApiSettingsError(
      "EAI_SQL_API_KEY is set but the indexer runs on PGlite (DATABASE_URL is unset). PGlite runs inside the " +
        "indexer's process and cannot interrupt a query, so one slow SQL request would stall every other " +
        "request and the indexing itself. Serve SQL over HTTP from PostgreSQL (set DATABASE_URL), or unset " +
        "EAI_SQL_API_KEY.",
    );
  }
  return {
    database,
    sqlKey: e.EAI_SQL_API_KEY,
    statementTimeoutMs: e.EAI_API_STATEMENT_TIMEOUT_MS ?? 5_000,
    graphql: {
      maxDepth: e.EAI_GRAPHQL_MAX_DEPTH ?? 8,
      maxAliases: e.EAI_GRAPHQL_MAX_ALIASES ?? 10,
      maxTokens: e.EAI_GRAPHQL_MAX_TOKENS ?? 1000,
      maxCost: e.EAI_GRAPHQL_MAX_COST ?? 5_000,
    },
    heavyConcurrency: e.EAI_GRAPHQL_HEAVY_CONCURRENCY ?? (database === "pglite" ? 1 : 4),
    cacheMs: e.EAI_API_CACHE_MS ?? 1000,
  };
}
