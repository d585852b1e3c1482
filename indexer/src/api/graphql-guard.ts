/**
 * Checks a GraphQL request before ponder executes it, so that no single request can occupy the database for long:
 *
 *  - size: the body at most {@link MAX_BODY_BYTES}, one JSON object `{ query, variables?, operationName? }`;
 *  - tokens, depth (nested fields) and aliases at most the configured limits;
 *  - page sizes: `limit` 0–1000 (ponder's maximum) and `offset` ≥ 0, literal or from variables;
 *  - estimated cost at most the configured maximum. The estimate follows how ponder resolves a query: a list field
 *    (a query field such as `tasks`, or a `many` relation such as `events`) is one SQL query per parent row
 *    ({@link COST.query}) reading `limit + offset` rows; its `items` multiply what they select by `limit`;
 *    `totalCount` is one more query ({@link COST.count}); a `one` relation or a singular field is a batched row. A
 *    list that filters or sorts by a column no index leads with (or counts such a filter) may scan its table:
 *    {@link COST.scan}.
 *
 * A request that passes is `heavy` when it may scan or its estimate exceeds {@link HEAVY_COST}: the API runs only a
 * few heavy requests at a time.
 *
 * Introspection (`__schema`, `__type`) touches no table but runs in the API's process: a query that walks from a
 * field to its type's fields again (`types { inputFields { type { inputFields … } } } }`) multiplies the schema's
 * size (hundreds of filter fields per table) by itself and keeps the process busy for seconds. So a path may visit
 * a type's member lists ({@link MEMBER_LISTS}) once, which the standard introspection query (GraphiQL, codegen)
 * does, within a depth of {@link INTROSPECTION_MAX_DEPTH}.
 */
import {
  GraphQLError,
  Kind,
  parse,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { z } from "zod";

import type { Catalog } from "./catalog.ts";
import type { GraphqlLimits } from "./settings.ts";

export const MAX_BODY_BYTES = 64 * 1024;
/** ponder's default and maximum page sizes. */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;
export const COST = { row: 1, query: 10, count: 250, scan: 1000 } as const;
export const HEAVY_COST = 2500;
export const INTROSPECTION_MAX_DEPTH = 16;
/** Lists of a type's members in introspection: at most one of them per path. */
export const MEMBER_LISTS: ReadonlySet<string> = new Set([
  "fields",
  "inputFields",
  "enumValues",
  "interfaces",
  "possibleTypes",
]);
/** Comparisons ponder turns into conditions an index on the column can serve. */
const INDEXABLE_SUFFIXES = ["", "_in", "_gt", "_lt", "_gte", "_lte"] as const;

export type Verdict =
  | { ok: true; cost: number; depth: number; aliases: number; heavy: boolean }
  | { ok: false; status: 400 | 413 | 415; code: string; message: string };

const bodySchema = z.object({
  query: z.string({ error: "expected a string field `query`" }),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
  extensions: z.record(z.string(), z.unknown()).nullish(),
});

class Refusal extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Checks the body (the request's raw text) of a GraphQL POST. */
export function inspectGraphqlRequest(
  contentType: string | undefined,
  text: string,
  limits: GraphqlLimits,
  catalog: Catalog,
): Verdict {
  if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES)
    return refuse(413, "BODY_TOO_LARGE", `the request body exceeds ${MAX_BODY_BYTES} bytes`);
  if (!/^application\/(graphql-response\+)?json\b/i.test(contentType ?? ""))
    return refuse(415, "UNSUPPORTED_MEDIA_TYPE", "expected Content-Type: application/json");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return refuse(400, "BAD_JSON", "the request body is not valid JSON");
  }
  const body = bodySchema.safeParse(json);
  if (!body.success) {
    const detail = body.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
    return refuse(
      400,
      "BAD_REQUEST",
      `expected one operation { query, variables?, operationName? }: ${detail}`,
    );
  }
  let document: DocumentNode;
  try {
    document = parse(body.data.query, { maxTokens: limits.maxTokens, noLocation: true });
  } catch (err) {
    const message = err instanceof GraphQLError ? err.message : String(err);
    const tooMany = /more tha[nt] \d+ tokens/.test(message); // graphql-js 16 spells it "more that"
    return refuse(
      400,
      tooMany ? "TOO_MANY_TOKENS" : "GRAPHQL_PARSE_FAILED",
      tooMany ? `the query has more than ${limits.maxTokens} tokens` : message,
    );
  }
  try {
    return { ok: true, ...estimate(document, body.data.variables ?? {}, limits, catalog) };
  } catch (err) {
    if (err instanceof Refusal) return refuse(400, err.code, err.message);
    throw err;
  }
}

function refuse(status: 400 | 413 | 415, code: string, message: string): Verdict {
  return { ok: false, status, code, message };
}

interface Walk {
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  catalog: Catalog;
  limits: GraphqlLimits;
  aliases: number;
  depth: number;
  cost: number;
  scans: number;
}

/** Where a selection set sits: on the Query type, on a row of a table, inside introspection, or elsewhere. */
type Place =
  | { kind: "query" }
  | { kind: "row"; table: string }
  | { kind: "introspection"; members: number }
  | { kind: "opaque" };

function estimate(
  document: DocumentNode,
  provided: Record<string, unknown>,
  limits: GraphqlLimits,
  catalog: Catalog,
): { cost: number; depth: number; aliases: number; heavy: boolean } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    else if (def.kind === Kind.OPERATION_DEFINITION) operations.push(def);
  }
  let worst = { cost: 0, depth: 0, aliases: 0, scans: 0 };
  for (const op of operations) {
    const variables: Record<string, unknown> = {};
    for (const v of op.variableDefinitions ?? []) {
      if (v.defaultValue) variables[v.variable.name.value] = valueFromASTUntyped(v.defaultValue);
    }
    Object.assign(variables, provided);
    const walk: Walk = { fragments, variables, catalog, limits, aliases: 0, depth: 0, cost: 0, scans: 0 };
    selections(walk, op.selectionSet, { kind: "query" }, 1, 1, new Set());
    if (walk.aliases > limits.maxAliases)
      throw new Refusal(
        "TOO_MANY_ALIASES",
        `the query has ${walk.aliases} aliases; at most ${limits.maxAliases}`,
      );
    if (walk.cost > limits.maxCost)
      throw new Refusal(
        "QUERY_TOO_COMPLEX",
        `the query's estimated cost is ${walk.cost}; at most ${limits.maxCost} (lower the limits of nested lists, ` +
          `select fewer relations, filter and sort by indexed columns, or page with cursors instead of offsets)`,
      );
    worst = {
      cost: Math.max(worst.cost, walk.cost),
      depth: Math.max(worst.depth, walk.depth),
      aliases: Math.max(worst.aliases, walk.aliases),
      scans: Math.max(worst.scans, walk.scans),
    };
  }
  return {
    cost: worst.cost,
    depth: worst.depth,
    aliases: worst.aliases,
    heavy: worst.scans > 0 || worst.cost > HEAVY_COST,
  };
}

/** Walks a selection set at nesting `depth`, each of its fields resolved `times` times. */
function selections(
  walk: Walk,
  set: SelectionSetNode,
  place: Place,
  depth: number,
  times: number,
  spreading: Set<string>,
): void {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) field(walk, sel, place, depth, times, spreading);
    else if (sel.kind === Kind.INLINE_FRAGMENT)
      selections(walk, sel.selectionSet, place, depth, times, spreading);
    else {
      const name = sel.name.value;
      const def = fragment(walk, name, spreading);
      selections(walk, def.selectionSet, place, depth, times, new Set([...spreading, name]));
    }
  }
}

function field(
  walk: Walk,
  node: FieldNode,
  place: Place,
  depth: number,
  times: number,
  spreading: Set<string>,
): void {
  const name = node.name.value;
  if (node.alias) walk.aliases++;
  if (name === "__typename") return;

  if (place.kind === "introspection" || name === "__schema" || name === "__type") {
    const members = (place.kind === "introspection" ? place.members : 0) + (MEMBER_LISTS.has(name) ? 1 : 0);
    if (depth > INTROSPECTION_MAX_DEPTH)
      throw new Refusal(
        "QUERY_TOO_DEEP",
        `introspection nests ${depth} fields; at most ${INTROSPECTION_MAX_DEPTH}`,
      );
    if (members > 1)
      throw new Refusal(
        "QUERY_TOO_COMPLEX",
        "introspection may list a type's members (fields, inputFields, enumValues, interfaces, possibleTypes) " +
          "once per path, as the standard introspection query does",
      );
    if (node.selectionSet)
      selections(walk, node.selectionSet, { kind: "introspection", members }, depth + 1, times, spreading);
    return;
  }

  if (depth > walk.limits.maxDepth)
    throw new Refusal("QUERY_TOO_DEEP", `the query nests ${depth} fields; at most ${walk.limits.maxDepth}`);
  walk.depth = Math.max(walk.depth, depth);
  const set = node.selectionSet;
  if (!set) return; // a scalar (or a field ponder's validation will reject)

  const next = (p: Place, t: number) => selections(walk, set, p, depth + 1, t, spreading);
  if (place.kind === "query") {
    if (name === "_meta") {
      walk.cost += COST.row;
      return next({ kind: "opaque" }, times);
    }
    const target = walk.catalog.queryFields[name];
    if (!target) return next({ kind: "opaque" }, times);
    if (!target.list) {
      walk.cost += times * COST.row;
      return next({ kind: "row", table: target.table }, times);
    }
    return list(walk, node, target.table, "query", true, depth, times, spreading);
  }
  if (place.kind === "row") {
    const relation = walk.catalog.tables[place.table]?.relations[name];
    if (!relation) return next({ kind: "opaque" }, times);
    if (!relation.many) {
      walk.cost += times * COST.row;
      return next({ kind: "row", table: relation.table }, times);
    }
    return list(walk, node, relation.table, "relation", relation.indexed, depth, times, spreading);
  }
  return next({ kind: "opaque" }, times);
}

/**
 * A page of `table`: a query field (`from: "query"`, rows looked up by the filter alone) or a `many` relation
 * (rows looked up by the parent's key, through an index when `keyed`).
 */
function list(
  walk: Walk,
  node: FieldNode,
  table: string,
  from: "query" | "relation",
  keyed: boolean,
  depth: number,
  times: number,
  spreading: Set<string>,
): void {
  const args = argumentsOf(walk, node);
  const limit = intArg(args.limit, "limit", DEFAULT_LIMIT);
  const offset = intArg(args.offset, "offset", 0);
  if (limit > MAX_LIMIT) throw new Refusal("PAGE_TOO_LARGE", `limit ${limit} exceeds ${MAX_LIMIT}`);
  const indexed = walk.catalog.tables[table]?.indexed ?? new Set<string>();
  const filtered = hasFilter(args.where);
  // Rows are found through an index when the relation's key or the filter leads an index.
  const lookupScans = from === "relation" ? !keyed : filtered && !whereIsIndexed(args.where, indexed);
  // Within the parent's rows, a further filter on a column without index is checked row by row.
  const filterScans = lookupScans || (filtered && !whereIsIndexed(args.where, indexed));
  const orderBy = typeof args.orderBy === "string" ? args.orderBy : undefined;
  const sortScans = orderBy !== undefined && !indexed.has(orderBy);

  walk.cost += times * (COST.query + limit + offset);
  if (filterScans || sortScans) scan(walk, times);
  forEachField(walk, node.selectionSet?.selections ?? [], spreading, (f) => {
    if (f.alias) walk.aliases++;
    const inner = depth + 1;
    if (inner > walk.limits.maxDepth)
      throw new Refusal("QUERY_TOO_DEEP", `the query nests ${inner} fields; at most ${walk.limits.maxDepth}`);
    walk.depth = Math.max(walk.depth, inner);
    if (f.name.value === "totalCount") {
      // count(*) over the matching rows: every row of the table for an unfiltered query field.
      if (filterScans || (from === "query" && !filtered)) scan(walk, times);
      else walk.cost += times * COST.count;
    } else if (f.name.value === "items" && f.selectionSet) {
      selections(
        walk,
        f.selectionSet,
        { kind: "row", table },
        inner + 1,
        times * Math.max(limit, 1),
        spreading,
      );
    } else if (f.selectionSet) {
      selections(walk, f.selectionSet, { kind: "opaque" }, inner + 1, times, spreading);
    }
  });
}

function scan(walk: Walk, times: number) {
  walk.cost += times * COST.scan;
  walk.scans++;
}

/** Calls `visit` for each field of `set`, through inline fragments and fragment spreads. */
function forEachField(
  walk: Walk,
  set: SelectionSetNode["selections"],
  spreading: Set<string>,
  visit: (f: FieldNode) => void,
): void {
  for (const s of set) {
    if (s.kind === Kind.FIELD) visit(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) forEachField(walk, s.selectionSet.selections, spreading, visit);
    else
      forEachField(
        walk,
        fragment(walk, s.name.value, spreading).selectionSet.selections,
        new Set([...spreading, s.name.value]),
        visit,
      );
  }
}

function fragment(walk: Walk, name: string, spreading: Set<string>): FragmentDefinitionNode {
  const found = walk.fragments.get(name);
  if (!found) throw new Refusal("UNKNOWN_FRAGMENT", `unknown fragment "${name}"`);
  if (spreading.has(name)) throw new Refusal("FRAGMENT_CYCLE", `fragment "${name}" spreads itself`);
  return found;
}

function argumentsOf(walk: Walk, node: FieldNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const arg of node.arguments ?? [])
    out[arg.name.value] = valueFromASTUntyped(arg.value, walk.variables);
  return out;
}

function intArg(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0)
    throw new Refusal("BAD_PAGE", `${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return value;
}

function hasFilter(where: unknown): boolean {
  return typeof where === "object" && where !== null && Object.keys(where).length > 0;
}

/** Whether ponder's `where` has a condition an index can serve (every branch of an OR must have one). */
export function whereIsIndexed(where: unknown, indexed: ReadonlySet<string>): boolean {
  if (!hasFilter(where)) return true;
  const entries = Object.entries(where as Record<string, unknown>);
  return entries.some(([key, value]) => {
    if (key === "AND")
      return Array.isArray(value) && value.some((w) => hasFilter(w) && whereIsIndexed(w, indexed));
    if (key === "OR")
      return (
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((w) => hasFilter(w) && whereIsIndexed(w, indexed))
      );
    return INDEXABLE_SUFFIXES.some(
      (suffix) => key.endsWith(suffix) && indexed.has(suffix === "" ? key : key.slice(0, -suffix.length)),
    );
  });
}
