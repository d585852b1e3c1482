import superjson from "superjson";
import { describe, expect, it } from "vitest";

import { loadPonderValidator, runSql, type QueryPool } from "./sql.ts";

const accept = async () => {};
function pool(answer: (text: string, values: unknown[]) => unknown): QueryPool & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    query: async ({ text, values }) => {
      calls.push([text, values]);
      return answer(text, values);
    },
  };
}

describe("SQL over HTTP", () => {
  it("runs the query once with its parameters (bigints decoded from superjson) and returns pg's result", async () => {
    const p = pool(() => ({ rows: [{ n: "3" }] }));
    const raw = superjson.stringify({ sql: "select count(*) as n from tasks where id > $1", params: [5n] });
    expect(await runSql(raw, accept, p, 1000)).toEqual({ status: 200, body: { rows: [{ n: "3" }] } });
    expect(p.calls).toEqual([["select count(*) as n from tasks where id > $1", [5n]]]);
  });

  it("answers a cancelled statement with 503, once: no retry", async () => {
    const p = pool(() => {
      throw Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" });
    });
    const answer = await runSql(superjson.stringify({ sql: "select 1", params: [] }), accept, p, 1500);
    expect(answer).toEqual({
      status: 503,
      body: { error: "the query ran longer than 1500 ms and was cancelled (statement_timeout)" },
    });
    expect(p.calls).toHaveLength(1);
  });

  it("refuses with 400 what is not one allowed SELECT, without running it", async () => {
    const p = pool(() => ({ rows: [] }));
    const validate = await loadPonderValidator();
    const refused = async (raw: string | undefined) => {
      const a = await runSql(raw, validate, p, 1000);
      expect(a.status, raw).toBe(400);
      return (a.body as { error: string }).error;
    };
    expect(await refused(undefined)).toMatch(/missing "sql"/);
    expect(await refused("not json")).toMatch(/not superjson/);
    expect(await refused(superjson.stringify({ sql: "" }))).toMatch(/sql: expected a non-empty SQL string/);
    expect(await refused(superjson.stringify({ sql: "delete from tasks" }))).toMatch(/query refused/);
    expect(await refused(superjson.stringify({ sql: "select pg_sleep(100)" }))).toMatch(
      /Function call not supported/,
    );
    expect(await refused(superjson.stringify({ sql: "select 1; select 2" }))).toMatch(/query refused/);
    expect(p.calls).toHaveLength(0);
    // ponder's allow-list lets the comma join through: only the statement timeout stops it
    const join = "select count(*) from admin_events a, admin_events b, admin_events c";
    expect((await runSql(superjson.stringify({ sql: join, params: [] }), validate, p, 1000)).status).toBe(
      200,
    );
  });
});
