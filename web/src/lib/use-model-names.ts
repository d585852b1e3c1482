"use client";
/** The registered models' names by id, from the indexer (see `model-names.ts`); empty until they are read. */
import * as z from "zod/mini";
import { useMemo } from "react";
import { useIndexerGraphql } from "./indexer.ts";
import { parser } from "./indexer-views.ts";
import { knownModelOf, modelName, type KnownModel } from "./model-names.ts";

export const MODEL_NAMES_QUERY = `query ModelNames {
  models(orderBy: "id", orderDirection: "asc", limit: 1000) { items { id kind artifactUri } }
}`;

const schema = z.object({
  models: z.object({
    items: z.array(z.object({ id: z.string(), kind: z.string(), artifactUri: z.string() })),
  }),
});

/** A registered model as the app names it. */
export interface ModelEntry {
  name: string;
  kind: string;
  /** Set for the project's own models. */
  known?: KnownModel;
}

const EMPTY_CATALOGUE: ReadonlyMap<string, ModelEntry> = new Map();
const EMPTY_NAMES: ReadonlyMap<string, string> = new Map();

/** Every registered model by id (one indexer query, shared by every caller). */
export function useModelCatalogue(): ReadonlyMap<string, ModelEntry> {
  // A model's artifact URI rarely changes (only its creator may re-point it): refresh once a minute.
  const models = useIndexerGraphql(MODEL_NAMES_QUERY, {}, parser(schema), { refetchInterval: 60_000 });
  return useMemo(
    () =>
      models.data
        ? new Map(
            models.data.models.items.map((m) => [
              m.id,
              { name: modelName(m), kind: m.kind, known: knownModelOf(m.artifactUri) },
            ]),
          )
        : EMPTY_CATALOGUE,
    [models.data],
  );
}

/** Model names by id. */
export function useModelNames(): ReadonlyMap<string, string> {
  const catalogue = useModelCatalogue();
  return useMemo(
    () => (catalogue.size === 0 ? EMPTY_NAMES : new Map([...catalogue].map(([id, m]) => [id, m.name]))),
    [catalogue],
  );
}
