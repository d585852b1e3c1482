/**
 * Strangers against the indexer: a real indexer process (`ponder start`) on a real Hardhat node holding a few
 * thousand tasks (a real set-up and scenario, then a synthetic history: history.ts).
 *
 *  - PGlite: SQL over HTTP cannot be switched on (the indexer refuses to start), is off by default (the 6-way comma
 *    join that stalled the indexer for 60 s is answered 404), hostile GraphQL (too deep, too costly, too large) is
 *    refused with 400 while honest requests keep answering, and only a few heavy queries run at once.
 *  - PostgreSQL: SQL over HTTP only with the key; the comma join is cancelled by the statement timeout while /stats
 *    and GraphQL keep answering.
 *
 * "Keep answering" is checked against a generous bound (HONEST_BOUND_MS): without the defences the same attacks hold
 * honest requests for tens of seconds on this machine.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { setupProtocol } from "../../test/integration/fixture.ts";
import * as schema from "../ponder.schema.ts";
import { startChain, startIndexer, tempDir, writeDeployment, type Chain, type Indexer } from "./harness.ts";
import { installEmitters } from "./history.ts";
import { startPostgres, type Postgres } from "./postgres.ts";
import { connect, scenario } from "./scenario.ts";
import { sqlTables } from "./tables.ts";

const HONEST_BOUND_MS = 10_000;
const TASKS = 3000;

let chain: Chain;
let deploymentsDir: string;
let dir: string;
let head: bigint;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  chain = await startChain();
  cleanups.push(() => chain.stop());
  const p = await setupProtocol(await connect(chain.url));
  const s = scenario(p);
  await s.zkTask();
  await s.redundantTask();
  const writer = await (await installEmitters(p, chain)).init();
  await writer.tasks(TASKS, 10);
  await writer.finalize(); // past ponder's 30-block finality: the history is backfilled at once
  head = await chain.blockNumber();
  const tmp = await tempDir("eai-indexer-attacks-");
  cleanups.push(tmp.remove);
  dir = tmp.path;
  deploymentsDir = `${dir}/deployments`;
  await writeDeployment(deploymentsDir, p.deployment);
}, 300_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
}, 120_000);

async function indexer(options: Omit<Parameters<typeof startIndexer>[0], "rpcUrl" | "deploymentsDir">) {
  // The answer cache off: the chain is idle during the attacks, so with it on every honest /stats and overview
  // query after the first would be a cached answer and the tests would not show the database still answering.
  const env = { EAI_API_CACHE_MS: "0", ...options.env };
  const idx = await startIndexer({ rpcUrl: chain.url, deploymentsDir, ...options, env });
  cleanups.push(() => idx.stop());
  await idx.waitForBlock(head, 240_000);
  return idx;
}

// ─── requests ───

/** The comma join of issue #12: six copies of a small table, ~10^11 rows. */
const COMMA_JOIN = (salt: number) =>
  `select count(*) from admin_events a, admin_events b, admin_events c, admin_events d, admin_events e, ` +
  `admin_events f where a.id <> '${salt}'`;

/** `/sql/db` as @ponder/client sends it (superjson of { sql, params }). */
function sqlUrl(url: string, query: string, key?: string) {
  const u = new URL(`${url}/sql/db`);
  u.searchParams.set("sql", JSON.stringify({ json: { sql: query, params: [], typings: [] } }));
  if (key) u.searchParams.set("key", key);
  return u;
}

async function postGraphql(url: string, body: unknown, contentType = "application/json") {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: {
    error?: string;
    errors?: { message: string; extensions?: { code?: string } }[];
    data?: unknown;
  };
  try {
    json = JSON.parse(text);
  } catch {
    json = {};
  }
  return { status: res.status, code: json.errors?.[0]?.extensions?.code, body: json };
}

const RECENT_TASKS = {
  query: `query RecentTasks($limit: Int!) {
    tasks(orderBy: "id", orderDirection: "desc", limit: $limit) { items { id requester modelId mode status reward } } }`,
  variables: { limit: 10 },
};

/** Each hostile request and the refusal it must get. */
const HOSTILE: { what: string; body: unknown; contentType?: string; status: number; code: string }[] = [
  {
    what: "relations fanned out three levels (10^9 rows)",
    body: {
      query: `{ tasks(limit: 1000) { items { events(limit: 1000) { items { task { events(limit: 1000) {
        items { id data } } } } } } } }`,
    },
    status: 400,
    code: "QUERY_TOO_COMPLEX",
  },
  {
    what: "nested deeper than the limit",
    body: {
      query: `{ providers { items { claims { items { task { events { items { task { id } } } } } } } } }`,
    },
    status: 400,
    code: "QUERY_TOO_DEEP",
  },
  {
    what: "a page larger than 1000",
    body: { query: `query($n: Int) { taskEvents(limit: $n) { items { id } } }`, variables: { n: 100000 } },
    status: 400,
    code: "PAGE_TOO_LARGE",
  },
  {
    what: "a negative offset",
    body: { query: `{ tasks(offset: -5) { items { id } } }` },
    status: 400,
    code: "BAD_PAGE",
  },
  {
    what: "40 aliases of a scan",
    body: {
      query: `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: taskEvents(where: { kind: "paid" }) { totalCount }`).join(" ")} }`,
    },
    status: 400,
    code: "TOO_MANY_ALIASES",
  },
  {
    what: "5000 tokens",
    body: { query: `{ tasks { items { ${"id ".repeat(5000)} } } }` },
    status: 400,
    code: "TOO_MANY_TOKENS",
  },
  {
    what: "introspection that re-enters a type's members",
    body: { query: `{ __schema { types { inputFields { type { ofType { inputFields { name } } } } } } }` },
    status: 400,
    code: "QUERY_TOO_COMPLEX",
  },
  {
    what: "a batch (JSON array)",
    body: [RECENT_TASKS, RECENT_TASKS],
    status: 400,
    code: "BAD_REQUEST",
  },
  {
    what: "a form body",
    body: "query=%7B__typename%7D",
    contentType: "application/x-www-form-urlencoded",
    status: 415,
    code: "UNSUPPORTED_MEDIA_TYPE",
  },
  {
    what: "a 100 kB body",
    body: { query: `{ tasks { items { id } } }`, variables: { pad: "x".repeat(100_000) } },
    status: 413,
    code: "BODY_TOO_LARGE",
  },
];

/**
 * Runs `attack` from `attackers` concurrent loops `rounds` times each while one honest client alternates `/stats`
 * and the overview's GraphQL query; returns the honest answers' statuses and the slowest one.
 */
async function underAttack(
  url: string,
  attackers: number,
  rounds: number,
  attack: (i: number) => Promise<void>,
) {
  let done = false;
  const honest: { status: number; ms: number }[] = [];
  const honestLoop = (async () => {
    while (!done) {
      for (const request of [
        () => fetch(`${url}/stats?days=30`),
        () =>
          fetch(`${url}/graphql`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(RECENT_TASKS),
          }),
      ]) {
        const start = performance.now();
        const res = await request();
        await res.arrayBuffer();
        honest.push({ status: res.status, ms: performance.now() - start });
      }
    }
  })();
  await Promise.all(
    Array.from({ length: attackers }, async (_, a) => {
      for (let r = 0; r < rounds; r++) await attack(a * rounds + r);
    }),
  );
  done = true;
  await honestLoop;
  return {
    statuses: new Set(honest.map((h) => h.status)),
    slowestMs: Math.max(...honest.map((h) => h.ms)),
    count: honest.length,
  };
}

// ─── PGlite ───

describe("on PGlite (the default)", () => {
  let idx: Indexer;
  beforeAll(async () => {
    idx = await indexer({ schema: "attacks", pgliteDir: `${dir}/pglite` });
  }, 300_000);
  afterAll(() => idx?.stop(), 60_000);

  it("refuses to start with SQL over HTTP switched on", async () => {
    await expect(
      startIndexer({
        rpcUrl: chain.url,
        deploymentsDir,
        schema: "attacks_sql",
        pgliteDir: `${dir}/pglite-sql`,
        env: { EAI_SQL_API_KEY: randomBytes(24).toString("hex") },
      }),
    ).rejects.toThrow(/EAI_SQL_API_KEY is set but the indexer runs on PGlite/);
  }, 120_000);

  it("answers the 6-way comma join on /sql with 404 (SQL over HTTP is off), at once", async () => {
    const res = await fetch(sqlUrl(idx.url, COMMA_JOIN(1)));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toMatch(/SQL over HTTP is off/);
    const stats = await fetch(`${idx.url}/stats`);
    expect(stats.status).toBe(200);
    expect(((await stats.json()) as { tasks: { total: number } }).tasks.total).toBe(TASKS + 2);
  });

  it("refuses each hostile GraphQL request with a clear 4xx", async () => {
    for (const h of HOSTILE) {
      const r = await postGraphql(idx.url, h.body, h.contentType);
      expect({ what: h.what, status: r.status, code: r.code }).toEqual({
        what: h.what,
        status: h.status,
        code: h.code,
      });
      expect(r.body.error, h.what).toEqual(expect.any(String));
    }
    // the standard introspection query (GraphiQL, codegen) and the web app's queries still pass
    const { getIntrospectionQuery } = await import("graphql");
    const introspection = await postGraphql(idx.url, { query: getIntrospectionQuery() });
    expect(introspection.status).toBe(200);
    expect(introspection.body.errors).toBeUndefined();
    const recent = await postGraphql(idx.url, RECENT_TASKS);
    expect(recent.status).toBe(200);
    expect((recent.body.data as { tasks: { items: unknown[] } }).tasks.items).toHaveLength(10);
  });

  it("keeps answering honest requests while strangers flood it with hostile GraphQL", async () => {
    const refused: number[] = [];
    const result = await underAttack(idx.url, 8, 12, async (i) => {
      const h = HOSTILE[i % 2]!; // the fan-out and the deep query: the ones that would run for long
      refused.push((await postGraphql(idx.url, h.body)).status);
    });
    expect(new Set(refused)).toEqual(new Set([400]));
    expect(result.statuses).toEqual(new Set([200]));
    expect(result.count).toBeGreaterThan(0);
    expect(result.slowestMs).toBeLessThan(HONEST_BOUND_MS);
  }, 180_000);

  it("tells light from heavy queries (the heavy ones run one at a time)", async () => {
    const heavy = await fetch(`${idx.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ taskEvents(where: { kind: "paid" }, limit: 100) { items { id } } }` }),
    });
    expect(heavy.status).toBe(200);
    expect(heavy.headers.get("x-eai-graphql-class")).toBe("heavy");
    expect(Number(heavy.headers.get("x-eai-graphql-cost"))).toBe(10 + 100 + 1000);
    const light = await fetch(`${idx.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(RECENT_TASKS),
    });
    expect(light.headers.get("x-eai-graphql-class")).toBe("light");
    expect(light.headers.get("x-eai-graphql-cost")).toBe("20");
  });
});

// ─── PostgreSQL ───

describe("on PostgreSQL with SQL over HTTP behind a key", () => {
  const key = randomBytes(24).toString("hex");
  let pg: Postgres;
  let idx: Indexer;
  beforeAll(async () => {
    pg = await startPostgres();
    cleanups.push(() => pg.stop());
    idx = await indexer({
      schema: "attacks_pg",
      databaseUrl: pg.url,
      env: { EAI_SQL_API_KEY: key, EAI_API_STATEMENT_TIMEOUT_MS: "1000", EAI_GRAPHQL_HEAVY_CONCURRENCY: "1" },
    });
  }, 300_000);

  it("serves SQL only with the key (Bearer header, or ?key= as @ponder/client sends it)", async () => {
    const query = "select count(*) as n from tasks";
    const none = await fetch(sqlUrl(idx.url, query));
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(((await none.json()) as { error: string }).error).toMatch(/needs the indexer's key/);
    // the key with its last character changed (a fixed "0" was the key itself when the key ended in 0: 1 run in 16)
    const wrongKey = `${key.slice(0, -1)}${key.endsWith("0") ? "1" : "0"}`;
    expect((await fetch(sqlUrl(idx.url, query, wrongKey))).status).toBe(401);
    expect(
      (await fetch(sqlUrl(idx.url, query), { headers: { authorization: `Bearer ${key}x` } })).status,
    ).toBe(401);
    const bearer = await fetch(sqlUrl(idx.url, query), { headers: { authorization: `Bearer ${key}` } });
    expect(bearer.status).toBe(200);
    expect(((await bearer.json()) as { rows: { n: string | number }[] }).rows[0]?.n).toEqual(
      String(TASKS + 2),
    );
    const [network] = await sqlTables(idx.url, key)(schema.networkStat);
    expect(network?.tasksCompleted).toBeGreaterThan(0);
  });

  it("runs one heavy GraphQL query at a time here: the rest wait in line, then get 503 BUSY", async () => {
    // a sort by a column without index over every event: heavy; 80 at once against a line of 8
    const heavy = {
      query: `{ taskEvents(orderBy: "txHash", limit: 1000) { totalCount items { id data } } }`,
    };
    const answers = await Promise.all(Array.from({ length: 80 }, () => postGraphql(idx.url, heavy)));
    const statuses = answers.map((a) => a.status);
    expect(new Set(statuses)).toEqual(new Set([200, 503]));
    expect(answers.filter((a) => a.status === 503).every((a) => a.code === "BUSY")).toBe(true);
    const ok = answers.find((a) => a.status === 200);
    expect((ok?.body.data as { taskEvents: { items: unknown[] } }).taskEvents.items).toHaveLength(1000);
  }, 120_000);

  it("cancels the 6-way comma join with the statement timeout while /stats and GraphQL keep answering", async () => {
    const joins: { status: number; error: string; ms: number }[] = [];
    // 12 joins at once: more than the API's pool of PostgreSQL connections (9); distinct, so none is deduplicated
    const result = await underAttack(idx.url, 12, 2, async (i) => {
      const start = performance.now();
      const res = await fetch(sqlUrl(idx.url, COMMA_JOIN(i), key));
      const body = (await res.json()) as { error: string };
      joins.push({ status: res.status, error: body.error, ms: performance.now() - start });
    });
    expect(joins).toHaveLength(24);
    for (const j of joins) {
      expect(j.status).toBe(503);
      expect(j.error).toMatch(/longer than 1000 ms and was cancelled \(statement_timeout\)/);
    }
    expect(Math.max(...joins.map((j) => j.ms))).toBeLessThan(HONEST_BOUND_MS);
    expect(result.statuses).toEqual(new Set([200]));
    expect(result.slowestMs).toBeLessThan(HONEST_BOUND_MS);
  }, 180_000);
});
