"use client";
/** Models: every model registered in the ModelRegistry, from the indexer. */
import { useWebConfig } from "@/components/config-context.tsx";
import { useIndexerGraphql } from "@/lib/indexer.ts";
import { MODELS_QUERY, modelListSchema, parser } from "@/lib/indexer-views.ts";
import { indexerErrorMessage } from "@/lib/read-state.ts";
import { ModelsTable } from "./models-table.tsx";

export default function ModelsPage() {
  const { deployment } = useWebConfig();
  const models = useIndexerGraphql(MODELS_QUERY, {}, parser(modelListSchema), { refetchInterval: 10_000 });
  return (
    <>
      <h1>Models</h1>
      <p className="hint">
        ZK models are proven with a Groth16 proof checked on chain by their verifier; other models run on
        several providers and the majority result wins.
      </p>
      {models.data ? (
        <ModelsTable
          models={models.data.models.items}
          digitsVerifier={deployment.contracts.MnistMlpVerifier.address}
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
