import { getIntrospectionQuery } from "graphql";
import { describe, expect, it } from "vitest";

import * as schema from "../../ponder.schema.ts";
import { buildCatalog } from "./catalog.ts";
import {
  COST,
  DEFAULT_LIMIT,
  HEAVY_COST,
  MAX_BODY_BYTES,
  inspectGraphqlRequest,
  whereIsIndexed,
  type Verdict,
} from "./graphql-guard.ts";

const catalog = buildCatalog(schema as unknown as Record<string, unknown>);
const LIMITS = { maxDepth: 8, maxAliases: 10, maxTokens: 1000, maxCost: 5000 };

function check(query: string, variables?: Record<string, unknown>, limits = LIMITS): Verdict {
  return inspectGraphqlRequest("application/json", JSON.stringify({ query, variables }), limits, catalog);
}
function accepted(v: Verdict) {
  if (!v.ok) throw new Error(`refused: ${v.code} ${v.message}`);
  return v;
}
function refused(v: Verdict) {
  if (v.ok) throw new Error(`accepted with cost ${v.cost}`);
  return v;
}

describe("catalog", () => {
  it("knows ponder's query fields, relations and the columns an index leads with", () => {
    expect(catalog.queryFields.tasks).toEqual({ table: "task", list: true });
    expect(catalog.queryFields.task).toEqual({ table: "task", list: false });
    expect(catalog.queryFields.taskEvents).toEqual({ table: "taskEvent", list: true });
    expect([...(catalog.tables.task?.indexed ?? [])].sort()).toEqual([
      "id",
      "modelId",
      "provider",
      "requester",
      "status",
    ]);
    // composite primary key (taskId, provider) and an index on provider
    expect([...(catalog.tables.taskClaim?.indexed ?? [])].sort()).toEqual(["provider", "taskId"]);
    expect(catalog.tables.task?.relations.events).toEqual({ table: "taskEvent", many: true, indexed: true });
    expect(catalog.tables.task?.relations.model).toEqual({ table: "model", many: false, indexed: true });
    expect(catalog.tables.provider?.relations.claims).toEqual({
      table: "taskClaim",
      many: true,
      indexed: true,
    });
    expect(catalog.tables.model?.relations.taskList).toEqual({ table: "task", many: true, indexed: true });
  });
});

describe("GraphQL guard: what the web app and the tests send passes", () => {
  it("the overview's recent tasks: one indexed page", () => {
    const v = accepted(
      check(
        `query RecentTasks($limit: Int!) { tasks(orderBy: "id", orderDirection: "desc", limit: $limit) {
        items { id requester modelId mode status reward paymentToken createdAt settledAt } } }`,
        { limit: 10 },
      ),
    );
    expect(v).toMatchObject({ cost: COST.query + 10, depth: 3, heavy: false });
  });

  it("my tasks: an indexed filter with its count", () => {
    const v = accepted(
      check(
        `query MyTasks($requester: String!, $limit: Int!) { tasks(where: { requester: $requester }, orderBy: "id",
        orderDirection: "desc", limit: $limit) { totalCount items { id } } }`,
        { requester: "0xabc", limit: 100 },
      ),
    );
    expect(v).toMatchObject({ cost: COST.query + 100 + COST.count, heavy: false });
  });

  it("a relation under a page multiplies by the page size", () => {
    const v = accepted(
      check(`{ tasks(where: { status: "Completed" }, orderBy: "id", orderDirection: "desc", limit: 10) {
        items { id events { items { kind } } } } }`),
    );
    expect(v.cost).toBe(COST.query + 10 + 10 * (COST.query + DEFAULT_LIMIT));
    expect(v.depth).toBe(5);
  });

  it("the models list, a page of 1000 and the standard introspection query", () => {
    accepted(
      check(
        `{ models(orderBy: "id", orderDirection: "asc", limit: 1000) { items { id tasks completedTasks } } }`,
      ),
    );
    expect(accepted(check(`{ tasks(limit: 1000, orderBy: "id") { items { id status } } }`)).heavy).toBe(
      false,
    );
    expect(accepted(check(getIntrospectionQuery())).cost).toBe(0);
  });

  it("fragments and inline fragments are followed", () => {
    const v = accepted(
      check(`query { tasks(limit: 20) { ...Page } } fragment Page on taskPage { items { ... on task { id events(limit: 5)
        { items { kind } } } } }`),
    );
    expect(v.cost).toBe(COST.query + 20 + 20 * (COST.query + 5));
  });
});

describe("GraphQL guard: refusals", () => {
  it("too deep, with the limit in the message", () => {
    const v = refused(
      check(`{ providers { items { claims { items { task { events { items { task { id } } } } } } } } }`),
    );
    expect(v).toMatchObject({ status: 400, code: "QUERY_TOO_DEEP" });
    expect(v.message).toMatch(/nests 9 fields; at most 8/);
    // one level less passes
    accepted(
      check(
        `{ providers(limit: 2) { items { claims(limit: 2) { items { task { events(limit: 2) { items { id } } } } } } } }`,
      ),
    );
  });

  it("too costly: fan-out of relations, and both sides of the budget", () => {
    const v = refused(check(`{ tasks(limit: 1000) { items { events(limit: 1000) { items { id } } } } }`));
    expect(v).toMatchObject({ status: 400, code: "QUERY_TOO_COMPLEX" });
    expect(v.message).toMatch(/estimated cost is \d+; at most 5000/);
    // exactly at the budget passes, one over does not
    const at = (limit: number) =>
      check(`{ tasks(limit: ${limit}) { items { id } } }`, undefined, { ...LIMITS, maxCost: 510 });
    accepted(at(500));
    refused(at(501));
  });

  it("pages: limit above 1000, negative or fractional values, offsets counted as rows", () => {
    expect(refused(check(`{ tasks(limit: 1001) { items { id } } }`)).code).toBe("PAGE_TOO_LARGE");
    expect(refused(check(`query($n: Int) { tasks(limit: $n) { items { id } } }`, { n: 5000 })).code).toBe(
      "PAGE_TOO_LARGE",
    );
    expect(refused(check(`{ tasks(offset: -1) { items { id } } }`)).code).toBe("BAD_PAGE");
    expect(refused(check(`query($n: Int) { tasks(limit: $n) { items { id } } }`, { n: 2.5 })).code).toBe(
      "BAD_PAGE",
    );
    expect(refused(check(`{ tasks(offset: 10000) { items { id } } }`)).code).toBe("QUERY_TOO_COMPLEX");
    // a variable's default counts when the variable is not sent
    expect(refused(check(`query($n: Int = 2000) { tasks(limit: $n) { items { id } } }`)).code).toBe(
      "PAGE_TOO_LARGE",
    );
  });

  it("aliases, tokens, size, media type, JSON shape, fragments", () => {
    const aliases = Array.from({ length: 11 }, (_, i) => `a${i}: tasks(limit: 1) { items { id } }`).join(" ");
    expect(refused(check(`{ ${aliases} }`)).code).toBe("TOO_MANY_ALIASES");
    expect(refused(check(`{ tasks { items { ${"id ".repeat(1000)} } } }`)).code).toBe("TOO_MANY_TOKENS");
    const big = inspectGraphqlRequest("application/json", " ".repeat(MAX_BODY_BYTES + 1), LIMITS, catalog);
    expect(refused(big)).toMatchObject({ status: 413, code: "BODY_TOO_LARGE" });
    expect(refused(inspectGraphqlRequest("text/plain", "{}", LIMITS, catalog))).toMatchObject({
      status: 415,
    });
    expect(refused(inspectGraphqlRequest("application/json", "{", LIMITS, catalog)).code).toBe("BAD_JSON");
    expect(refused(inspectGraphqlRequest("application/json", "[{}]", LIMITS, catalog)).code).toBe(
      "BAD_REQUEST",
    );
    expect(refused(check(`{ tasks {`)).code).toBe("GRAPHQL_PARSE_FAILED");
    expect(refused(check(`{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }`)).code).toBe(
      "FRAGMENT_CYCLE",
    );
  });

  it("introspection that lists a type's members twice on a path", () => {
    const v = refused(check(`{ __schema { types { fields { type { fields { name } } } } } }`));
    expect(v.code).toBe("QUERY_TOO_COMPLEX");
    refused(check(`{ __type(name: "task") { fields { type { ofType { fields { name } } } } } }`));
    accepted(check(`{ __schema { types { name fields { name args { name } } inputFields { name } } } }`));
  });
});

describe("GraphQL guard: heavy requests (the API runs few at once)", () => {
  it("a filter or sort on a column no index leads with, or a count of a whole table", () => {
    expect(accepted(check(`{ taskEvents(where: { kind: "paid" }) { items { id } } }`)).heavy).toBe(true);
    expect(accepted(check(`{ tasks(orderBy: "reward") { items { id } } }`)).heavy).toBe(true);
    expect(accepted(check(`{ tasks { totalCount } }`)).heavy).toBe(true);
    expect(accepted(check(`{ tasks(where: { status_not: "Open" }) { items { id } } }`)).heavy).toBe(true);
    expect(accepted(check(`{ tasks(where: { status: "Open" }) { totalCount } }`)).heavy).toBe(false);
    expect(accepted(check(`{ task(id: "1") { id events { items { kind } } } }`)).heavy).toBe(false);
  });

  it("an estimate above the heavy threshold", () => {
    const v = accepted(check(`{ tasks(limit: 100) { items { events(limit: 20) { items { id } } } } }`));
    expect(v.cost).toBeGreaterThan(HEAVY_COST);
    expect(v.heavy).toBe(true);
  });

  it("which filters an index serves", () => {
    const indexed = new Set(["id", "status"]);
    expect(whereIsIndexed(undefined, indexed)).toBe(true);
    expect(whereIsIndexed({ status: "Open" }, indexed)).toBe(true);
    expect(whereIsIndexed({ id_gte: "5", reward_gt: "1" }, indexed)).toBe(true);
    expect(whereIsIndexed({ status_in: ["Open"] }, indexed)).toBe(true);
    expect(whereIsIndexed({ reward_gt: "1" }, indexed)).toBe(false);
    expect(whereIsIndexed({ status_not: "Open" }, indexed)).toBe(false);
    expect(whereIsIndexed({ inputUri_contains: "x" }, indexed)).toBe(false);
    expect(whereIsIndexed({ OR: [{ status: "Open" }, { reward_gt: "1" }] }, indexed)).toBe(false);
    expect(whereIsIndexed({ OR: [{ status: "Open" }, { id: "1" }] }, indexed)).toBe(true);
    expect(whereIsIndexed({ AND: [{ reward_gt: "1" }, { id: "1" }] }, indexed)).toBe(true);
  });
});
