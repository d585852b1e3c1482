"use client";
import Link from "next/link";
import { formatTime, shortAddress } from "@/lib/format.ts";
import type { ModelRow } from "@/lib/indexer-views.ts";
import { blobDownloadPath } from "@/lib/blob-uri.ts";
import { describeResources } from "@/lib/resources.ts";
import { knownModelOf, modelName } from "@/lib/model-names.ts";
import { describeProfile, minExecWindowText, type ChainModelInfo } from "@/lib/models.ts";
import styles from "./models.module.css";

const KIND_LABELS: Record<ModelRow["kind"], string> = {
  ZK_MLP: "ZK MLP (Groth16-proven)",
  ONNX: "ONNX",
  WASM: "WASM",
};

/**
 * Every registered model (caption "Registered models"). `chain` holds what the indexer does not record (approval,
 * minimum execution window, execution profile), read from the ModelRegistry by model id; "…" while it is read.
 */
export function ModelsTable({
  models,
  digitsVerifier,
  chain,
}: {
  models: readonly ModelRow[];
  digitsVerifier?: string;
  chain?: Readonly<Record<string, ChainModelInfo>>;
}) {
  return (
    <div className="table-wrap">
      <table>
        <caption className={styles.caption}>Registered models</caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Kind</th>
            <th scope="col">Input → output</th>
            <th scope="col">Minimum resources</th>
            <th scope="col">Minimum execution window</th>
            <th scope="col">Execution profile</th>
            <th scope="col">Weights commitment</th>
            <th scope="col">Verifier</th>
            <th scope="col">Creator</th>
            <th scope="col">Artifact</th>
            <th scope="col">Tasks</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {models.length === 0 ? (
            <tr>
              <td colSpan={12} className="muted">
                No models registered yet.
              </td>
            </tr>
          ) : (
            models.map((m) => {
              const artifactPath = blobDownloadPath(m.artifactUri);
              const zeroVerifier = /^0x0{40}$/.test(m.verifier);
              const info = chain?.[m.id];
              const known = knownModelOf(m.artifactUri);
              return (
                <tr key={m.id}>
                  <th scope="row" className={styles.name}>
                    <span className="nowrap">{modelName(m)}</span>{" "}
                    <span className="muted nowrap">#{m.id}</span>
                    {known ? (
                      <span className={styles.description}>{known.description}</span>
                    ) : (
                      digitsVerifier &&
                      m.verifier.toLowerCase() === digitsVerifier.toLowerCase() && (
                        <span className={styles.description}>MNIST digits verifier</span>
                      )
                    )}
                  </th>
                  <td>{KIND_LABELS[m.kind]}</td>
                  <td className="nowrap">
                    {m.inputSize} → {m.outputSize}
                  </td>
                  <td>{describeResources(m.minResources)}</td>
                  <td>{info ? minExecWindowText(info.minExecWindow) : "…"}</td>
                  <td className={styles.profile}>{info ? describeProfile(m.kind, info.profile) : "…"}</td>
                  <td>
                    <span className={`mono ${styles.commitment}`} title={m.weightsCommitment}>
                      {m.weightsCommitment}
                    </span>
                  </td>
                  <td title={m.verifier}>
                    {zeroVerifier ? (
                      "none (redundant execution)"
                    ) : (
                      <span className="mono nowrap">{shortAddress(m.verifier)}</span>
                    )}
                  </td>
                  <td>
                    <Link href={`/providers/${m.creator}`} title={m.creator}>
                      {shortAddress(m.creator)}
                    </Link>
                  </td>
                  <td>
                    {artifactPath ? (
                      <a href={artifactPath} download={`model-${m.id}-artifact`} title={m.artifactUri}>
                        download
                      </a>
                    ) : (
                      <span className="mono">{m.artifactUri}</span>
                    )}
                  </td>
                  <td>
                    {m.completedTasks} of {m.tasks} completed
                  </td>
                  <td>
                    {m.active ? "Active" : "Inactive"}
                    {m.adminLocked && ", locked by governance"}
                    {info &&
                      (info.approved
                        ? ", approved by governance"
                        : ", not approved by governance (its tasks move no reputation)")}
                    <span className="muted"> · registered {formatTime(m.registeredAt)}</span>
                  </td>
                </tr>
              );
            })
          )}
        </tbody>
      </table>
    </div>
  );
}
