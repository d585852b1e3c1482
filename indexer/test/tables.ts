/**
 * Whole tables of a running indexer, read the way a stranger can: through GraphQL (pages of 1000 with cursors,
 * values converted back to the column types), or through SQL over HTTP with the indexer's key (PostgreSQL only).
 */
import { createClient } from "@ponder/client";
import { getTableColumns, is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";

import * as schema from "../ponder.schema.ts";
import { buildCatalog } from "../src/api/catalog.ts";
import { gql } from "./harness.ts";

export type TableReader = <T extends PgTable>(table: T) => Promise<T["$inferSelect"][]>;

const exportName = new Map<unknown, string>();
for (const [name, value] of Object.entries(schema)) if (is(value, PgTable)) exportName.set(value, name);
const catalog = buildCatalog(schema as unknown as Record<string, unknown>);

/** The primary-key column of a table with a single-column key (what a `one` relation points at). */
function keyOf(tableName: string): string {
  const table = (schema as unknown as Record<string, PgTable>)[tableName];
  const key = table && Object.entries(getTableColumns(table)).find(([, c]) => c.primary)?.[0];
  if (!key) throw new Error(`${tableName} has no single-column primary key`);
  return key;
}

/** Reads tables through `POST /graphql`. */
export function graphqlTables(url: string): TableReader {
  return async <T extends PgTable>(table: T) => {
    const name = exportName.get(table);
    if (!name) throw new Error("not a table of the indexer's schema");
    const field = `${name.charAt(0).toLowerCase()}${name.slice(1)}s`;
    const columns = Object.entries(getTableColumns(table));
    // A `one` relation named like a column hides that column in ponder's GraphQL (`stakeEvents { provider }` is
    // the provider row): read the key of the row it points at, which is the column's value.
    const relations = catalog.tables[name]?.relations ?? {};
    const shadowed = new Map<string, string>();
    for (const [key] of columns) {
      const r = relations[key];
      if (r && !r.many) shadowed.set(key, keyOf(r.table));
    }
    const select = columns.map(([key]) => (shadowed.has(key) ? `${key} { ${shadowed.get(key)} }` : key));
    const query = `query Rows($after: String) { ${field}(limit: 1000, after: $after) {
      items { ${select.join(" ")} } pageInfo { hasNextPage endCursor } } }`;
    const rows: T["$inferSelect"][] = [];
    let after: string | null = null;
    for (;;) {
      const data: Record<
        string,
        { items: Record<string, unknown>[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }
      > = await gql(url, query, { after });
      const page = data[field];
      if (!page) throw new Error(`GraphQL answered no ${field}`);
      for (const item of page.items) {
        const row: Record<string, unknown> = {};
        for (const [key, column] of columns) {
          const through = shadowed.get(key);
          const value = through ? (item[key] as Record<string, unknown> | null)?.[through] : item[key];
          if (through && value === undefined)
            throw new Error(`${field}.${key}: the row it points at is missing`);
          // GraphQL carries uint256 columns as decimal strings.
          row[key] = column.dataType === "bigint" && typeof value === "string" ? BigInt(value) : value;
        }
        rows.push(row as T["$inferSelect"]);
      }
      if (!page.pageInfo.hasNextPage) return rows;
      after = page.pageInfo.endCursor;
    }
  };
}

/** Reads tables through `/sql/*` with `key` (as `@ponder/client` sends it: in the URL). */
export function sqlTables(url: string, key: string): TableReader {
  const client = createClient(`${url}/sql?key=${encodeURIComponent(key)}`, { schema });
  return async <T extends PgTable>(table: T) =>
    (await client.db.select().from(table as PgTable)) as T["$inferSelect"][];
}
