"use client";
import Link from "next/link";
import { formatTime, shortAddress } from "@/lib/format.ts";
import type { ModelRow } from "@/lib/indexer-views.ts";
import { blobDownloadPath } from "@/lib/blob-uri.ts";
import { describeResources } from "@/lib/resources.ts";
import styles from "./models.module.css";

const KIND_LABELS: Record<ModelRow["kind"], string> = {
  ZK_MLP: "ZK MLP (Groth16-proven)",
  ONNX: "ONNX",
  WASM: "WASM",
};

/** Every registered model (caption "Registered models"). */
export function ModelsTable({
  models,
  digitsVerifier,
}: {
  models: readonly ModelRow[];
  digitsVerifier?: string;
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
              <td colSpan={10} className="muted">
                No models registered yet.
              </td>
            </tr>
          ) : (
            models.map((m) => {
              const artifactPath = blobDownloadPath(m.artifactUri);
              const zeroVerifier = /^0x0{40}$/.test(m.verifier);
              return (
                <tr key={m.id}>
                  <th scope="row">
                    Model #{m.id}
                    {digitsVerifier && m.verifier.toLowerCase() === digitsVerifier.toLowerCase() && (
                      <span className="muted"> (MNIST digits)</span>
                    )}
                  </th>
                  <td>{KIND_LABELS[m.kind]}</td>
                  <td>
                    {m.inputSize} → {m.outputSize}
                  </td>
                  <td>{describeResources(m.minResources)}</td>
                  <td>
                    <span className={`mono ${styles.commitment}`} title={m.weightsCommitment}>
                      {m.weightsCommitment}
                    </span>
                  </td>
                  <td className="mono" title={m.verifier}>
                    {zeroVerifier ? "none (redundant execution)" : shortAddress(m.verifier)}
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
                    {m.completedTasks} of {m.tasks.totalCount} completed
                  </td>
                  <td>
                    {m.active ? "Active" : "Inactive"}
                    {m.adminLocked && ", locked by governance"}
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
