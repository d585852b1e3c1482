import { describe, expect, it } from "vitest";

import {
  Gate,
  GateFullError,
  keyMatches,
  limitStatements,
  presentedKey,
  type StatementClient,
} from "./access.ts";
import { ApiSettingsError, parseApiSettings } from "./settings.ts";

const KEY = "k".repeat(40);

describe("SQL over HTTP key", () => {
  it("is read from a Bearer header first, else from ?key=", () => {
    expect(presentedKey(`Bearer ${KEY}`, "other")).toBe(KEY);
    expect(presentedKey(`bearer   ${KEY} `, undefined)).toBe(KEY);
    expect(presentedKey(undefined, KEY)).toBe(KEY);
    expect(presentedKey("Basic abc", "")).toBeUndefined();
    expect(presentedKey(undefined, undefined)).toBeUndefined();
  });

  it("matches only the exact key", () => {
    expect(keyMatches(KEY, KEY)).toBe(true);
    expect(keyMatches(`${KEY}x`, KEY)).toBe(false);
    expect(keyMatches(KEY.slice(1), KEY)).toBe(false);
    expect(keyMatches("", KEY)).toBe(false);
    expect(keyMatches(undefined, KEY)).toBe(false);
  });
});

describe("statement timeout", () => {
  function fakePool() {
    const listeners: ((c: StatementClient) => void)[] = [];
    const pool = {
      options: { statement_timeout: 30_000 } as { statement_timeout?: number | false },
      on: (_: "acquire", l: (c: StatementClient) => void) => listeners.push(l),
    };
    const acquire = (c: StatementClient) => listeners.forEach((l) => l(c));
    return { pool, acquire };
  }

  it("new connections start with it; an older connection gets a SET once, before its first query", () => {
    const { pool, acquire } = fakePool();
    limitStatements(pool, 1500.7, () => {});
    expect(pool.options.statement_timeout).toBe(1500);
    const queries: string[] = [];
    const older = {
      connectionParameters: { statement_timeout: 30_000 },
      query: async (q: string) => void queries.push(q),
    };
    acquire(older);
    queries.push("SELECT 1"); // what the caller runs once it has the client
    acquire(older);
    expect(queries).toEqual(["SET statement_timeout = 1500", "SELECT 1"]);
    const newer = {
      connectionParameters: { statement_timeout: 1500 },
      query: async (q: string) => void queries.push(q),
    };
    acquire(newer);
    expect(queries).toHaveLength(2);
  });
});

describe("gate of heavy requests", () => {
  it("runs at most `concurrency` at once, in order, and refuses beyond the queue", async () => {
    const gate = new Gate(2, 2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const task = (i: number) =>
      gate.run(async () => {
        running++;
        peak = Math.max(peak, running);
        order.push(i);
        await new Promise<void>((r) => releases.push(r));
        running--;
        return i;
      });
    const runs = [0, 1, 2, 3].map(task);
    await expect(task(4)).rejects.toBeInstanceOf(GateFullError);
    expect(gate.active).toBe(2);
    expect(gate.queued).toBe(2);
    while (releases.length || gate.active) {
      releases.shift()?.();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(order).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
    expect(gate.active).toBe(0);
  });

  it("frees the slot when a task throws", async () => {
    const gate = new Gate(1, 0);
    await expect(gate.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await gate.run(async () => 7)).toBe(7);
  });
});

describe("API settings", () => {
  it("defaults: SQL off, 5 s statements, GraphQL limits, one heavy query at a time on PGlite", () => {
    expect(parseApiSettings({})).toEqual({
      database: "pglite",
      sqlKey: undefined,
      statementTimeoutMs: 5000,
      graphql: { maxDepth: 8, maxAliases: 10, maxTokens: 1000, maxCost: 5000 },
      heavyConcurrency: 1,
      cacheMs: 1000,
    });
    expect(parseApiSettings({ DATABASE_URL: "postgres://x", EAI_SQL_API_KEY: KEY })).toMatchObject({
      database: "postgres",
      sqlKey: KEY,
      heavyConcurrency: 4,
    });
  });

  it("refuses SQL over HTTP on PGlite, with what to do instead", () => {
    expect(() => parseApiSettings({ EAI_SQL_API_KEY: KEY })).toThrow(ApiSettingsError);
    expect(() => parseApiSettings({ EAI_SQL_API_KEY: KEY, DATABASE_URL: "" })).toThrow(
      /runs on PGlite.*cannot interrupt a query.*set DATABASE_URL.*or unset EAI_SQL_API_KEY/s,
    );
  });

  it("names each bad variable and what was expected", () => {
    expect(() => parseApiSettings({ DATABASE_URL: "postgres://x", EAI_SQL_API_KEY: "short" })).toThrow(
      /EAI_SQL_API_KEY: expected at least 32 characters/,
    );
    expect(() => parseApiSettings({ EAI_API_STATEMENT_TIMEOUT_MS: "10" })).toThrow(
      /EAI_API_STATEMENT_TIMEOUT_MS/,
    );
    expect(() => parseApiSettings({ EAI_GRAPHQL_MAX_DEPTH: "deep" })).toThrow(/EAI_GRAPHQL_MAX_DEPTH/);
    expect(parseApiSettings({ EAI_GRAPHQL_MAX_COST: "", EAI_GRAPHQL_MAX_DEPTH: "12" }).graphql).toMatchObject(
      {
        maxCost: 5000,
        maxDepth: 12,
      },
    );
  });
});
