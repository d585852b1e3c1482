"use client";
import { useQuery, type UseQueryResult } from "@tanstack/react-query";
import { useWebConfig } from "@/components/config-context.tsx";

/** Default refresh of indexer reads: the local chain mines a block a second. */
export const INDEXER_REFRESH_MS = 2_000;

async function fetchJson(url: string, init?: RequestInit): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    throw new Error(`indexer unreachable (${url}): ${(err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try {
      const body = JSON.parse(text) as { error?: unknown };
      if (typeof body.error === "string") message = body.error;
    } catch {
      // not JSON: keep the text
    }
    throw new IndexerError(res.status, `indexer answered ${res.status} for ${url}: ${message.slice(0, 200)}`);
  }
  return JSON.parse(text);
}

/** What the hooks need of a schema: classic zod and zod/mini schemas both fit. */
export interface Parser<T> {
  parse(value: unknown): T;
}

export class IndexerError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "IndexerError";
    this.status = status;
  }
}

/** GET `<indexer>/<path>` validated with `schema`; refreshed every {@link INDEXER_REFRESH_MS}. */
export function useIndexerRest<T>(
  path: string | null,
  schema: Parser<T>,
  options: { refetchInterval?: number | false } = {},
): UseQueryResult<T> {
  const { indexerUrl } = useWebConfig();
  return useQuery({
    queryKey: ["indexer", "rest", indexerUrl, path],
    enabled: path !== null,
    refetchInterval: options.refetchInterval ?? INDEXER_REFRESH_MS,
    queryFn: async () => schema.parse(await fetchJson(`${indexerUrl}${path}`)),
  });
}

/** POST a GraphQL query to `<indexer>/graphql`, validating `data` with `schema`. */
export function useIndexerGraphql<T>(
  query: string,
  variables: Record<string, unknown>,
  schema: Parser<T>,
  options: { enabled?: boolean; refetchInterval?: number | false } = {},
): UseQueryResult<T> {
  const { indexerUrl } = useWebConfig();
  return useQuery({
    queryKey: ["indexer", "graphql", indexerUrl, query, variables],
    enabled: options.enabled ?? true,
    refetchInterval: options.refetchInterval ?? INDEXER_REFRESH_MS,
    queryFn: async () => {
      const body = (await fetchJson(`${indexerUrl}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      })) as { data?: unknown; errors?: { message: string }[] };
      if (body.errors?.length)
        throw new Error(`indexer GraphQL: ${body.errors.map((e) => e.message).join("; ")}`);
      return schema.parse(body.data);
    },
  });
}
