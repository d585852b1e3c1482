"use client";
/**
 * Models: every model registered in the ModelRegistry, from the indexer, with what the indexer does not record
 * (approval, minimum execution window, execution profile) read from the registry itself.
 */
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useConfig } from "wagmi";
import { useWebConfig } from "@/components/config-context.tsx";
import type { ChainModelInfo } from "@/lib/models.ts";
import { useIndexerGraphql } from "@/lib/indexer.ts";
import { MODELS_QUERY, modelListSchema, parser } from "@/lib/indexer-views.ts";
import { indexerErrorMessage } from "@/lib/read-state.ts";
import { ModelsTable } from "./models-table.tsx";

/**
 * `ModelRegistry.getModel(id)` of each listed model: approval, minimum execution window, profile (by id). The read
 * code is loaded on first use (lib/chain-models.ts), after the page has rendered from the indexer.
 */
function useChainModels(ids: readonly string[]): Record<string, ChainModelInfo> | undefined {
  const { chainId, deployment } = useWebConfig();
  const config = useConfig();
  const registry = deployment.contracts.ModelRegistry.address;
  const reads = useQuery({
    queryKey: ["chain", "models", chainId, registry, ids],
    enabled: ids.length > 0,
    refetchInterval: 15_000,
    queryFn: async () => {
      const { readChainModels } = await import("@/lib/chain-models.ts");
      return readChainModels(config, chainId, registry, ids);
    },
  });
  return reads.data;
}

export default function ModelsPage() {
  const { deployment } = useWebConfig();
  const models = useIndexerGraphql(MODELS_QUERY, {}, parser(modelListSchema), { refetchInterval: 10_000 });
  const ids = useMemo(() => (models.data?.models.items ?? []).map((m) => m.id), [models.data]);
  const chain = useChainModels(ids);
  return (
    <>
      <h1>Models</h1>
      <p className="hint">
        ZK models are proven with a Groth16 proof checked on chain by their verifier; other models run on
        providers drawn by stake and a strict majority of their votes wins, comparing results by the
        model&apos;s execution profile. Only tasks on models governance approved move the providers&apos;
        reputation.
      </p>
      {models.data ? (
        <ModelsTable
          models={models.data.models.items}
          digitsVerifier={deployment.contracts.MnistMlpVerifier.address}
          chain={chain}
        />
      ) : models.error ? (
        <p role="alert" className="error">
          {indexerErrorMessage(models.error)}
        </p>
      ) : (
        <p className="muted">Loading models…</p>
      )}
    </>
  );
}
