/**
 * SQL over HTTP (`GET /sql/db?sql=…`, what `@ponder/client`'s `db` sends), served here instead of by ponder's
 * `client()` middleware, on PostgreSQL only and behind the key (index.ts):
 *
 *  - the query is checked by ponder's own allow-list (one SELECT; no function calls, no system tables, ...);
 *  - it runs once on the API's read-only pool, whose connections carry `statement_timeout`. Ponder's middleware
 *    runs it through its query builder, which retries a cancelled statement nine times with back-off (a 1 s
 *    timeout became 75 s of holding a connection), so the cancellation would not bound anything;
 *  - the answer is the same JSON (`pg`'s result) that `@ponder/client` reads.
 *
 * Live queries (`/sql/live`) are not served: each one re-runs on every indexed block, an unbounded load that a
 * statement timeout does not cap.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import superjson from "superjson";
import { z } from "zod";

/** What the SQL route needs of the `pg` pool. */
export interface QueryPool {
  query(config: { text: string; values: unknown[] }): Promise<unknown>;
}

export type SqlAnswer = { status: 200; body: unknown } | { status: 400 | 503; body: { error: string } };

const querySchema = z.object({
  sql: z.string().min(1, "expected a non-empty SQL string").max(5000, "expected at most 5000 characters"),
  params: z.array(z.unknown()).max(1000, "expected at most 1000 parameters").default([]),
});

type Validator = (sql: string) => Promise<void>;

/**
 * Ponder's SQL allow-list (`validateAllowableSQLQuery`, the check its `client()` middleware makes). Ponder does not
 * export it; it is loaded from the installed ponder (pinned exactly in package.json) and its absence stops the start.
 */
export async function loadPonderValidator(): Promise<Validator> {
  const require = createRequire(import.meta.url);
  for (const dir of require.resolve.paths("ponder") ?? []) {
    const manifest = join(dir, "ponder", "package.json");
    if (!existsSync(manifest)) continue;
    const version = (JSON.parse(readFileSync(manifest, "utf8")) as { version?: string }).version;
    const file = join(dir, "ponder", "dist", "esm", "utils", "sql-parse.js");
    const module = (await import(pathToFileURL(file).href)) as { validateAllowableSQLQuery?: unknown };
    if (typeof module.validateAllowableSQLQuery !== "function")
      throw new Error(
        `ponder ${version} has no validateAllowableSQLQuery in ${file}: SQL over HTTP cannot be served`,
      );
    return module.validateAllowableSQLQuery as Validator;
  }
  throw new Error("ponder is not installed where the indexer can find it");
}

/** Answers one `/sql/db` request (`raw`: its `sql` parameter, superjson of `{ sql, params }`). */
export async function runSql(
  raw: string | undefined,
  validate: Validator,
  pool: QueryPool,
  timeoutMs: number,
): Promise<SqlAnswer> {
  if (raw === undefined) return bad('missing "sql" query parameter (superjson of { sql, params })');
  let decoded: unknown;
  try {
    decoded = superjson.parse(raw);
  } catch {
    return bad('the "sql" parameter is not superjson of { sql, params }');
  }
  const parsed = querySchema.safeParse(decoded);
  if (!parsed.success)
    return bad(
      `invalid SQL request: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`,
    );
  try {
    await validate(parsed.data.sql);
  } catch (err) {
    return bad(`query refused: ${(err as Error).message}`);
  }
  try {
    return { status: 200, body: await pool.query({ text: parsed.data.sql, values: parsed.data.params }) };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === "57014")
      return {
        status: 503,
        body: { error: `the query ran longer than ${timeoutMs} ms and was cancelled (statement_timeout)` },
      };
    return bad(`query failed: ${e.message ?? String(err)}`);
  }
}

function bad(error: string): SqlAnswer {
  return { status: 400, body: { error } };
}
