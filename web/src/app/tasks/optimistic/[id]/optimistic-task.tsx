"use client";
import Link from "next/link";
import { Fragment, useEffect, useState } from "react";
import { formatDuration, formatTime, formatToken, shortAddress } from "@/lib/format.ts";
import { IndexerError, useIndexerRest } from "@/lib/indexer.ts";
import { parser } from "@/lib/indexer-views.ts";
import {
  auditStateText,
  challengeWindowState,
  optimisticStatusText,
  optimisticTaskSchema,
  type OptimisticTask,
} from "@/lib/optimistic-views.ts";
import { indexerErrorMessage } from "@/lib/read-state.ts";
import styles from "../../tasks.module.css";

function Hash({ value }: { value: string }) {
  return (
    <span className="mono" title={value}>
      {value.length > 20 ? `${value.slice(0, 10)}…${value.slice(-8)}` : value}
    </span>
  );
}

/**
 * The chain's time now, from the indexed head: its timestamp plus the seconds since the answer arrived, ticking
 * every second (the local chain's clock moves with evm_increaseTime, not with the wall clock).
 */
export function useChainNow(headTimestamp: number | undefined, fetchedAt: number): number | undefined {
  const [tick, setTick] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setTick(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  if (headTimestamp === undefined) return undefined;
  return headTimestamp + Math.max(0, Math.floor((tick - fetchedAt) / 1000));
}

/** The challenge window in words: counting down while open, else why it is closed. */
export function ChallengeWindow({ task, now }: { task: OptimisticTask; now: number }) {
  const w = challengeWindowState(task, now);
  switch (w.kind) {
    case "none":
      return <span className="muted">starts when the provider posts its result</span>;
    case "open":
      return (
        <span>
          <strong>open</strong>: {formatDuration(w.secondsLeft)} left (ends{" "}
          {formatTime(task.challengeEnds ?? 0)})
        </span>
      );
    case "challenged":
      return (
        <span>
          challenged by <span className="mono">{shortAddress(task.challenger ?? "")}</span>
          {task.challengedByAuditor ? " (the task's auditor)" : ""}
        </span>
      );
    case "ended":
      return (
        <span>
          ended {formatTime(task.challengeEnds ?? 0)}
          {task.status === "Committed" ? " without a challenge: the task can be settled" : ""}
        </span>
      );
  }
}

/** Everything the page shows of an OPTIMISTIC task, fed with the indexer's answer and the chain's time. */
export function OptimisticTaskView({ task, now }: { task: OptimisticTask; now: number }) {
  const audit = task.auditRecord;
  return (
    <>
      <section className={styles.section} aria-labelledby="state-heading">
        <h2 id="state-heading">State</h2>
        <dl className="facts">
          <dt>Status</dt>
          <dd>{optimisticStatusText(task.status)}</dd>
          <dt>Challenge window</dt>
          <dd>
            <ChallengeWindow task={task} now={now} />
          </dd>
          <dt>Audit</dt>
          <dd>
            {task.audit === null ? "—" : auditStateText(task.audit)}
            {audit?.auditor ? (
              <>
                {" "}
                by <Link href={`/providers/${audit.auditor}`}>{shortAddress(audit.auditor)}</Link>
              </>
            ) : null}
            {task.auditWindow?.open ? `, ${formatDuration(task.auditWindow.deadline - now)} left` : ""}
          </dd>
          {task.disputes.map((d) => (
            <Fragment key={d.id}>
              <dt>Dispute</dt>
              <dd>
                <Link href={`/disputes/${d.id}`}>Dispute #{d.id}</Link> —{" "}
                {d.status === "open"
                  ? `jury round ${d.round + 1} in progress`
                  : `verdict: ${d.verdict ?? "—"}`}
              </dd>
            </Fragment>
          ))}
        </dl>
      </section>

      <section className={styles.section} aria-labelledby="summary-heading">
        <h2 id="summary-heading">Task</h2>
        <dl className="facts">
          <dt>Requester</dt>
          <dd className="mono">{task.requester}</dd>
          <dt>Model</dt>
          <dd>
            <Link href="/models">Model #{task.modelId}</Link>
          </dd>
          <dt>Reward</dt>
          <dd>{formatToken(task.reward)}</dd>
          <dt>Deadline</dt>
          <dd>{formatTime(task.deadline)}</dd>
          <dt>Provider</dt>
          <dd>
            {task.provider ? (
              <Link href={`/providers/${task.provider}`}>{shortAddress(task.provider)}</Link>
            ) : (
              "not claimed yet"
            )}
            {task.bond ? ` (bond ${formatToken(task.bond)})` : ""}
          </dd>
          <dt>Result</dt>
          <dd>
            {task.resultHash ? <Hash value={task.resultHash} /> : "none yet"}
            {task.resultUri ? (
              <>
                {" "}
                at <span className="mono">{task.resultUri}</span>
              </>
            ) : null}
            {task.committedAt ? `, posted ${formatTime(task.committedAt)}` : ""}
          </dd>
          {task.status === "Settled" && task.providerAmount !== null && (
            <>
              <dt>Settlement</dt>
              <dd>
                {formatToken(task.providerAmount)} to the provider, {formatToken(task.creatorAmount ?? "0")}{" "}
                to the model creator, {formatToken(task.treasuryAmount ?? "0")} to the treasury
                {task.auditFee && BigInt(task.auditFee) > 0n
                  ? `, ${formatToken(task.auditFee)} audit fee`
                  : ""}
              </dd>
            </>
          )}
          {task.refundAmount !== null && (
            <>
              <dt>Refund</dt>
              <dd>{formatToken(task.refundAmount)} to the requester</dd>
            </>
          )}
        </dl>
      </section>

      <section className={styles.section} aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <ol>
          {task.timeline.map((e) => (
            <li key={e.id}>
              {formatTime(e.timestamp)} — {e.kind}
              {e.account ? <span className="mono"> {shortAddress(e.account)}</span> : null}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

/** The page's client part: loads `/optimistic/tasks/:id` and renders it with a ticking countdown. */
export function OptimisticTaskDetail({ id }: { id: string }) {
  const q = useIndexerRest(`/optimistic/tasks/${id}`, parser(optimisticTaskSchema));
  const now = useChainNow(q.data?.head.timestamp, q.dataUpdatedAt);
  const notIndexed = q.error instanceof IndexerError && q.error.status === 404;
  if (q.data && now !== undefined) return <OptimisticTaskView task={q.data} now={now} />;
  if (notIndexed)
    return (
      <p role="alert" className="error">
        Task not found: OPTIMISTIC task #{id} is not indexed (yet).{" "}
        <Link href="/tasks/all">See all tasks</Link>
      </p>
    );
  if (q.error)
    return (
      <p role="alert" className="error">
        {indexerErrorMessage(q.error)}
      </p>
    );
  return <p className="muted">Loading the task…</p>;
}
