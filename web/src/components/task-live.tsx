"use client";
/**
 * A task followed live: its status from the chain (polled every second; the indexer lags a fraction of a second),
 * its timeline from the indexer and, once it completed, the verification of its output in the browser against
 * what the chain settled (see `lib/task-verification.ts`). The presentational parts are exported as pure
 * components fed with data.
 */
import type { ReactNode } from "react";
import { formatDuration, formatTime, formatToken, shortAddress } from "@/lib/format.ts";
import { IndexerError, useIndexerRest } from "@/lib/indexer.ts";
import { taskDetailSchema, type TaskEventView, parser } from "@/lib/indexer-views.ts";
import {
  isFinalStatus,
  useChainTaskState,
  useTaskFault,
  useTaskVerification,
  type TaskFault,
} from "@/lib/task-chain.ts";
import { finalStatusMeaning, taskStatusText } from "@/lib/task-status.ts";
import { outputWordHex, zkOutputJson } from "@/lib/task-output.ts";
import type { TaskVerification } from "@/lib/task-verification.ts";
import { useModelCatalogue } from "@/lib/use-model-names.ts";
import { TaskInput } from "./task-input.tsx";
import styles from "./task-live.module.css";

const EVENT_LABELS: Record<string, string> = {
  submitted: "Submitted",
  claimed: "Claimed",
  committed: "Result committed",
  revealed: "Result revealed",
  proven: "Proof accepted",
  completed: "Completed",
  expired: "Claim expired",
  cancelled: "Cancelled",
  refunded: "Refunded",
  paid: "Provider paid",
  penalized: "Provider penalised",
  bond_returned: "Bond returned",
  faulted: "Task fault reported",
  draw_claimed: "Draw claimed",
  claimant_left: "Claimant left",
};

/** "Task fault reported by 2 votes: 9 EAI refunded, 1 EAI fee" (the settlement of a Faulted task). */
export function faultSummary(fault: {
  votes: number | string;
  refund: bigint | string;
  fee: bigint | string;
}): string {
  const votes = Number(fault.votes);
  return `Task fault reported by ${votes} vote${votes === 1 ? "" : "s"}: ${formatToken(fault.refund)} refunded, ${formatToken(fault.fee)} fee`;
}

const isUint = (v: string | undefined): v is string => v !== undefined && /^\d+$/.test(v);

function str(v: string | number | boolean | null | undefined): string | undefined {
  return v === null || v === undefined ? undefined : String(v);
}

/** One timeline entry in words: what happened and the details that matter. */
export function describeTaskEvent(event: TaskEventView): { title: string; detail: string | null } {
  const title = EVENT_LABELS[event.kind] ?? event.kind;
  const who = event.provider ? shortAddress(event.provider) : null;
  const d = event.data;
  const amount = event.amount ? formatToken(event.amount) : null;
  switch (event.kind) {
    case "submitted":
      return { title, detail: amount ? `reward ${amount}` : null };
    case "claimed": {
      const claims = str(d.claims);
      return {
        title,
        detail: [who && `by ${who}`, claims && `claim ${claims}`].filter(Boolean).join(", ") || null,
      };
    }
    case "committed":
      return { title, detail: who ? `by ${who}` : null };
    case "revealed": {
      const hash = str(d.resultHash);
      return {
        title,
        detail: [who && `by ${who}`, hash && `result ${shortAddress(hash)}`].filter(Boolean).join(", "),
      };
    }
    case "proven":
      return { title, detail: who ? `from ${who}` : null };
    case "completed": {
      const payout = str(d.providerPayout);
      const winners = str(d.winners);
      const parts = [payout && `${formatToken(payout)} to providers`, winners && `${winners} paid`];
      return { title, detail: parts.filter(Boolean).join(", ") || null };
    }
    case "expired":
      return {
        title,
        detail: [who && `claim of ${who}`, d.reopened ? "task reopened" : null].filter(Boolean).join(", "),
      };
    case "cancelled":
    case "refunded":
      return {
        title,
        detail:
          [amount && `${amount} refunded`, d.noMajority ? "no majority" : null].filter(Boolean).join(", ") ||
          null,
      };
    case "paid":
      return { title, detail: [who, amount].filter(Boolean).join(" ") || null };
    case "penalized": {
      const outcome = str(d.outcome);
      return {
        title,
        detail: [who, outcome && `(${outcome})`, amount && `slashed ${amount}`].filter(Boolean).join(" "),
      };
    }
    case "bond_returned":
      return { title, detail: [who, amount].filter(Boolean).join(" ") || null };
    case "faulted": {
      const refund = str(d.refund) ?? event.amount ?? undefined;
      const fee = str(d.fee);
      const votes = str(d.votes);
      if (isUint(refund) && isUint(fee) && isUint(votes)) {
        return { title, detail: faultSummary({ votes, refund, fee }).replace(/^Task fault reported /, "") };
      }
      return { title, detail: null };
    }
    case "draw_claimed": {
      const draw = str(d.draw);
      const votes = str(d.votes);
      return {
        title,
        detail:
          [
            who && `by ${who}`,
            draw && `draw ${draw}`,
            votes && `${votes} vote${votes === "1" ? "" : "s"} now`,
          ]
            .filter(Boolean)
            .join(", ") || null,
      };
    }
    case "claimant_left": {
      const votes = str(d.votes);
      return {
        title,
        detail:
          [who, votes && `gave up ${votes} vote${votes === "1" ? "" : "s"}`].filter(Boolean).join(" ") ||
          null,
      };
    }
    default:
      return { title, detail: null };
  }
}

/**
 * The indexed timeline with the chain's `TaskFaulted` settlement in its place when the indexer has no "faulted"
 * entry (an indexer of the old protocol does not know the event), so a Faulted task's timeline always says why.
 */
export function withFaultEvent(
  events: readonly TaskEventView[],
  fault: TaskFault | null | undefined,
): readonly TaskEventView[] {
  if (!fault || events.some((e) => e.kind === "faulted")) return events;
  const entry: TaskEventView = {
    id: `${fault.txHash}-${fault.logIndex}`,
    kind: "faulted",
    provider: null,
    amount: fault.refund.toString(),
    data: { refund: fault.refund.toString(), fee: fault.fee.toString(), votes: fault.votes },
    blockNumber: fault.blockNumber.toString(),
    logIndex: fault.logIndex,
    timestamp: fault.timestamp,
    txHash: fault.txHash,
  };
  const key = (e: TaskEventView) => [BigInt(e.blockNumber), e.logIndex] as const;
  return [...events, entry].sort((a, b) => {
    const [ba, la] = key(a);
    const [bb, lb] = key(b);
    return ba === bb ? la - lb : ba < bb ? -1 : 1;
  });
}

/** The task's timeline, oldest first, with times and transaction hashes. */
export function TaskTimeline({ events }: { events: readonly TaskEventView[] }) {
  if (events.length === 0) return <p className="muted">No events indexed yet.</p>;
  return (
    <ol className={styles.timeline}>
      {events.map((e) => {
        const { title, detail } = describeTaskEvent(e);
        return (
          <li key={e.id} data-kind={e.kind}>
            <span className={styles.eventTitle}>{title}</span>
            {detail && <span> — {detail}</span>}
            <span className={styles.eventMeta}>
              <time dateTime={new Date(e.timestamp * 1000).toISOString()}>{formatTime(e.timestamp)}</time>
              {" · block "}
              {e.blockNumber}
              {" · tx "}
              <span className="mono" title={e.txHash}>
                {shortAddress(e.txHash)}
              </span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}

export interface TaskStatusViewProps {
  /** From the chain when it answered, else from the indexer. */
  status: string | undefined;
  claims?: number;
  /** ZK: delivery deadline; REDUNDANT: commit deadline (unix seconds, 0 = none). */
  phaseDeadline?: number;
  mode?: "ZK" | "REDUNDANT";
  /** Seconds, for the "ends in" text. */
  now?: number;
}

/** Status line of a task (a polite live region: changes are announced). */
export function TaskStatusView(props: TaskStatusViewProps) {
  const { status, claims, phaseDeadline, mode } = props;
  let phase: string | null = null;
  if (status === "Claimed" && phaseDeadline) {
    const what = mode === "REDUNDANT" ? "commit deadline" : "delivery deadline";
    const left = props.now !== undefined ? phaseDeadline - props.now : null;
    phase = `${what} ${formatTime(phaseDeadline)}${left !== null && left > 0 ? ` (in ${formatDuration(left)})` : ""}`;
  }
  return (
    <div className={styles.statusRow} aria-live="polite">
      <span className={styles.badge} data-status={status ?? "unknown"}>
        {status === undefined ? "Loading status…" : `Status: ${taskStatusText(status)}`}
      </span>
      {claims !== undefined && status !== "None" && (
        <span className="muted">
          {claims} claim{claims === 1 ? "" : "s"}
        </span>
      )}
      {phase && <span className="muted">{phase}</span>}
    </div>
  );
}

export interface VerificationViewProps {
  taskId: bigint;
  status: string | undefined;
  verification: TaskVerification | undefined;
  /** The check could not run (RPC or blob store unreachable), as opposed to a mismatch. */
  error?: Error | null;
  onRetry?: () => void;
  /** A Faulted task's settlement (`TaskFaulted`), once read from the chain. */
  fault?: TaskFault | null;
}

/** Outcome of the in-browser verification (`data-testid="task-verification"`). */
export function VerificationView({
  taskId,
  status,
  verification,
  error,
  onRetry,
  fault,
}: VerificationViewProps) {
  let body: ReactNode;
  if (status === "Cancelled" || status === "Refunded") {
    body = <p className="muted">No output: the task was {status.toLowerCase()}.</p>;
  } else if (status === "Faulted") {
    body = (
      <>
        <p>No output: {finalStatusMeaning("Faulted")}</p>
        {fault ? (
          <p data-testid="task-fault">
            {faultSummary(fault)} (block {fault.blockNumber.toString()}).
          </p>
        ) : fault === null ? (
          <p className="error">The chain has no TaskFaulted event for this task.</p>
        ) : (
          <p className="muted">Reading the fault settlement from the chain…</p>
        )}
      </>
    );
  } else if (status !== "Completed") {
    body = <p className="muted">The output is verified here against the chain once the task completes.</p>;
  } else if (error) {
    body = (
      <>
        <p className="error">Could not run the verification: {error.message}</p>
        {onRetry && (
          <button type="button" className="btn btn-secondary" onClick={onRetry}>
            Retry verification
          </button>
        )}
      </>
    );
  } else if (!verification) {
    body = <p>Verifying the output against the chain…</p>;
  } else if (!verification.ok) {
    body = <p className="error">Verification failed: {verification.reason}</p>;
  } else if (verification.mode === "ZK") {
    const json = zkOutputJson(taskId, verification);
    body = (
      <>
        <p className="success">Output verified against the on-chain proof.</p>
        {verification.digits && (
          <p className={styles.prediction}>Predicted digit: {verification.prediction}</p>
        )}
        <p className="hint">
          The output word <span className="mono">{outputWordHex(verification.output)}</span> is public signal
          2 of the Groth16 proof the market verified, and it is what the task settled on.{" "}
          {verification.proof.checked
            ? `The Groth16 proof was checked again with verifier ${shortAddress(verification.proof.verifier)}: valid.`
            : `The proof was accepted on chain by verifier ${shortAddress(verification.proof.verifier)}; ${verification.proof.note}.`}
        </p>
        <div className="table-wrap">
          <table className={styles.logits}>
            <caption>Logits</caption>
            <thead>
              <tr>
                <th scope="col">{verification.digits ? "Digit" : "Class"}</th>
                <th scope="col">Logit</th>
              </tr>
            </thead>
            <tbody>
              {verification.logits.map((l, i) => (
                <tr key={i} aria-current={i === verification.prediction ? "true" : undefined}>
                  <th scope="row">{i}</th>
                  <td>{l}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <a
          className="btn btn-secondary"
          href={`data:application/json;charset=utf-8,${encodeURIComponent(json)}`}
          download={`task-${taskId}-output.json`}
        >
          Download output (JSON)
        </a>
      </>
    );
  } else {
    const preview = verification.preview;
    body = (
      <>
        <p className="success">Output verified against the on-chain majority hash.</p>
        <p className="hint">
          keccak256 of the result ({verification.bytes.length} bytes) equals the majority hash{" "}
          <span className="mono">{verification.resultHash}</span> settled on chain ({verification.winners}{" "}
          provider{verification.winners === 1 ? "" : "s"} agreed).
        </p>
        {preview !== null ? (
          <pre className={styles.preview} aria-label="Result preview">
            {preview}
          </pre>
        ) : (
          <p className="muted">The result is binary data.</p>
        )}
        <a
          className="btn btn-secondary"
          href={`/api/blobs/${verification.sha256}`}
          download={`task-${taskId}-result`}
        >
          Download result
        </a>
      </>
    );
  }
  return (
    <div className={styles.verification} data-testid="task-verification">
      {body}
    </div>
  );
}

/** Follows a task live and verifies its output in the browser once it completed. */
export function TaskLive({ taskId }: { taskId: bigint }) {
  const chain = useChainTaskState(taskId);
  const chainStatus = chain.state?.status;
  const final = isFinalStatus(chainStatus);
  const indexed = useIndexerRest(`/tasks/${taskId}`, parser(taskDetailSchema), {
    refetchInterval: final ? 10_000 : 1_000,
  });
  const task = indexed.data;
  const status = chainStatus ?? task?.status;
  const completed = status === "Completed";
  const verification = useTaskVerification(taskId, completed);
  const fault = useTaskFault(taskId, status === "Faulted");
  const notIndexed = indexed.error instanceof IndexerError && indexed.error.status === 404;
  const timeline = task ? withFaultEvent(task.timeline, fault.data) : undefined;
  const models = useModelCatalogue();
  const model = task ? models.get(task.modelId) : undefined;

  return (
    <section className={styles.live} aria-labelledby={`task-live-${taskId}`}>
      <h2 id={`task-live-${taskId}`}>Live status</h2>
      <TaskStatusView
        status={status}
        claims={chain.state?.claims ?? task?.claims}
        phaseDeadline={chain.state?.phaseDeadline ?? task?.phaseDeadline}
        mode={task?.mode}
        now={Math.floor(Date.now() / 1000)}
      />
      {chain.error && !task && (
        <p className="error">Could not read the task from the chain: {chain.error.message.split("\n")[0]}</p>
      )}
      {chainStatus === "None" && (
        <p className="error">Task #{taskId.toString()} does not exist on this chain.</p>
      )}
      <div className={styles.io}>
        <div>
          <h3>Input</h3>
          <TaskInput inputUri={task?.inputUri} modelKind={model?.kind} format={model?.known?.input} />
        </div>
        <div>
          <h3>Verification</h3>
          <VerificationView
            taskId={taskId}
            status={status}
            verification={verification.data}
            error={verification.error}
            onRetry={() => void verification.refetch()}
            fault={fault.data}
          />
        </div>
      </div>
      <h3>Timeline</h3>
      {timeline ? (
        <TaskTimeline events={timeline} />
      ) : indexed.isLoading || (notIndexed && chainStatus !== "None") ? (
        <p className="muted">Waiting for the indexer…</p>
      ) : indexed.error && !notIndexed ? (
        <p className="error">The timeline is unavailable: {indexed.error.message}</p>
      ) : null}
    </section>
  );
}
