/**
 * What the GraphQL guard needs to know of the ponder schema: the GraphQL fields ponder generates for each table
 * (`task` and `tasks` for the `task` export), its relations, and which columns an index can look up (the leading
 * column of an index or of the primary key). Built from the drizzle tables the way ponder builds its GraphQL schema.
 */
import {
  Many,
  One,
  createTableRelationsHelpers,
  extractTablesRelationalConfig,
  getTableColumns,
  is,
  type Column,
  type Relation,
  type TableRelationalConfig,
} from "drizzle-orm";
import { PgTable, getTableConfig } from "drizzle-orm/pg-core";

export interface CatalogRelation {
  /** ts name of the referenced table */
  table: string;
  /** `many`: a page of rows (a query per parent row); `one`: a single row (batched) */
  many: boolean;
  /** For `many`: the foreign key the rows are looked up by is an index's leading column. */
  indexed: boolean;
}

export interface CatalogTable {
  /** Columns an index can look up (by ts name). */
  indexed: ReadonlySet<string>;
  relations: Readonly<Record<string, CatalogRelation>>;
}

export interface Catalog {
  tables: Readonly<Record<string, CatalogTable>>;
  /** Query fields: `tasks` → { table: "task", list: true }, `task` → { table: "task", list: false }. */
  queryFields: Readonly<Record<string, { table: string; list: boolean }>>;
}

const lcFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** The catalog of a ponder schema module (`import * as schema from "ponder.schema.ts"`). */
export function buildCatalog(schema: Record<string, unknown>): Catalog {
  const config = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
  const byDbName = new Map<string, TableRelationalConfig>();
  for (const t of Object.values(config.tables)) byDbName.set(t.dbName, t);

  const indexedColumns = new Map<string, Set<string>>();
  for (const [tsName, value] of Object.entries(schema)) {
    if (!is(value, PgTable)) continue;
    // Index and key definitions hold their own column objects: match them by SQL name.
    const names = new Map<string, string>();
    for (const [key, column] of Object.entries(getTableColumns(value))) names.set(column.name, key);
    const indexed = new Set<string>();
    const lead = (columns: readonly unknown[]) => {
      const first = columns[0] as { name?: unknown } | undefined;
      const name = typeof first?.name === "string" ? names.get(first.name) : undefined;
      if (name) indexed.add(name);
    };
    for (const [key, column] of Object.entries(getTableColumns(value))) if (column.primary) indexed.add(key);
    const tableConfig = getTableConfig(value);
    for (const pk of tableConfig.primaryKeys) lead(pk.columns);
    for (const index of tableConfig.indexes) lead(index.config.columns);
    indexedColumns.set(tsName, indexed);
  }

  const tables: Record<string, CatalogTable> = {};
  const queryFields: Record<string, { table: string; list: boolean }> = {};
  for (const table of Object.values(config.tables)) {
    const relations: Record<string, CatalogRelation> = {};
    for (const [name, relation] of Object.entries(table.relations)) {
      const target = byDbName.get(relation.referencedTableName);
      if (!target)
        throw new Error(`relation ${table.tsName}.${name}: unknown table ${relation.referencedTableName}`);
      if (is(relation, Many)) {
        const fk = foreignKeyOf(relation, table, target);
        const targetColumns = new Map<string, string>();
        for (const [key, column] of Object.entries(target.columns)) targetColumns.set(column.name, key);
        const lead = fk[0] === undefined ? undefined : targetColumns.get(fk[0].name);
        relations[name] = {
          table: target.tsName,
          many: true,
          indexed: lead !== undefined && (indexedColumns.get(target.tsName)?.has(lead) ?? false),
        };
      } else {
        relations[name] = { table: target.tsName, many: false, indexed: true };
      }
    }
    tables[table.tsName] = { indexed: indexedColumns.get(table.tsName) ?? new Set(), relations };
    const singular = lcFirst(table.tsName);
    queryFields[singular] = { table: table.tsName, list: false };
    queryFields[`${singular}s`] = { table: table.tsName, list: true };
  }
  return { tables, queryFields };
}

/** The columns of `target` a `many` relation of `table` filters on (found as ponder finds them). */
function foreignKeyOf(
  relation: Relation,
  table: TableRelationalConfig,
  target: TableRelationalConfig,
): Column[] {
  for (const candidate of Object.values(target.relations)) {
    if (!is(candidate, One)) continue;
    const matches =
      relation.relationName !== undefined
        ? candidate.relationName === relation.relationName
        : candidate.referencedTableName === table.dbName;
    if (matches) return candidate.config?.fields ?? [];
  }
  return [];
}
