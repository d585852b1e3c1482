"use client";
import Link from "next/link";
import { formatTime, formatToken, shortAddress } from "@/lib/format.ts";
import { useIndexerRest } from "@/lib/indexer.ts";
import { parser } from "@/lib/indexer-views.ts";
import { auditOutcomeText, providerAuditsSchema, type ProviderAudits } from "@/lib/optimistic-views.ts";
import { indexerErrorMessage } from "@/lib/read-state.ts";
import styles from "../providers.module.css";

/** A provider's OPTIMISTIC audit history: as auditor (taken, confirmed, overturned, missed) and as audited provider. */
export function ProviderAuditsView({ a }: { a: ProviderAudits }) {
  const s = a.summary;
  const rows = [
    ...a.asAuditor.map((r) => ({ ...r, role: "auditor" as const })),
    ...a.asProvider.map((r) => ({ ...r, role: "audited" as const })),
  ].sort((x, y) => y.selectedAt - x.selectedAt || Number(BigInt(y.taskId) - BigInt(x.taskId)));
  return (
    <>
      <dl className="facts">
        <dt>As auditor</dt>
        <dd>
          {s.asAuditor.taken} taken: {s.asAuditor.passed} confirmed and stood, {s.asAuditor.overturned}{" "}
          overturned, {s.asAuditor.missed} missed, {s.asAuditor.upheld} challenge
          {s.asAuditor.upheld === 1 ? "" : "s"} upheld, {s.asAuditor.rejected} rejected, {s.asAuditor.pending}{" "}
          pending · fees {formatToken(s.asAuditor.fees)}, slashed {formatToken(s.asAuditor.slashed)}
        </dd>
        <dt>Audited</dt>
        <dd>
          {s.asProvider.audited} result{s.asProvider.audited === 1 ? "" : "s"} audited: {s.asProvider.passed}{" "}
          confirmed, {s.asProvider.failed} failed, {s.asProvider.unclaimed} not checked,{" "}
          {s.asProvider.pending} pending
        </dd>
      </dl>
      {rows.length === 0 ? (
        <p className="muted">No OPTIMISTIC audit yet.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Audits</caption>
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col">Role</th>
                <th scope="col">Selected</th>
                <th scope="col">Other party</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const other = r.role === "auditor" ? r.provider : r.auditor;
                return (
                  <tr key={`${r.role}-${r.taskId}`}>
                    <td>
                      <Link href={`/tasks/optimistic/${r.taskId}`}>Task #{r.taskId}</Link>
                    </td>
                    <td>{r.role === "auditor" ? "auditor" : "audited provider"}</td>
                    <td>{formatTime(r.selectedAt)}</td>
                    <td>
                      {other ? <Link href={`/providers/${other}`}>{shortAddress(other)}</Link> : "no auditor"}
                    </td>
                    <td>
                      {auditOutcomeText(r.outcome)}
                      {r.disputeId ? (
                        <>
                          {" "}
                          (<Link href={`/disputes/${r.disputeId}`}>dispute #{r.disputeId}</Link>)
                        </>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** Loads `/providers/:address/audits` (an indexer without the OPTIMISTIC routes answers 404: said so). */
export function ProviderAuditsSection({ address }: { address: string }) {
  const q = useIndexerRest(`/providers/${address}/audits`, parser(providerAuditsSchema), {
    refetchInterval: 5_000,
  });
  return (
    <section className={styles.section} aria-labelledby="audits-heading">
      <h2 id="audits-heading">Audits (OPTIMISTIC)</h2>
      {q.data ? (
        <ProviderAuditsView a={q.data} />
      ) : q.error ? (
        <p role="alert" className="error">
          {indexerErrorMessage(q.error)}
        </p>
      ) : (
        <p className="muted">Loading the audits…</p>
      )}
    </section>
  );
}
