"use client";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { useConnection, useReadContract } from "wagmi";
import { taskMarketAbi } from "@eai/sdk/abis";
import { useWebConfig } from "@/components/config-context.tsx";
import { ModelLabel } from "@/components/model-label.tsx";
import { TaskLive } from "@/components/task-live.tsx";
import { TxStatus } from "@/components/tx-status.tsx";
import { formatDuration, formatTime, formatToken, shortAddress } from "@/lib/format.ts";
import { IndexerError, useIndexerRest } from "@/lib/indexer.ts";
import { taskDetailSchema, type TaskDetail as TaskDetailData, parser } from "@/lib/indexer-views.ts";
import { indexerErrorMessage } from "@/lib/read-state.ts";
import { blobDownloadPath } from "@/lib/blob-uri.ts";
import { describeResources } from "@/lib/resources.ts";
import { isFinalStatus, useChainTaskState, useClaimDraws, useSubmittedTask } from "@/lib/task-chain.ts";
import { outputWordHex } from "@/lib/task-output.ts";
import { useModelNames } from "@/lib/use-model-names.ts";
import { useTx } from "@/lib/use-tx.ts";
import styles from "../tasks.module.css";
import { SettleTask } from "./settle-task.tsx";

function Hash({ value }: { value: string }) {
  return (
    <span className="mono" title={value}>
      {value.length > 20 ? `${value.slice(0, 10)}…${value.slice(-8)}` : value}
    </span>
  );
}

/** What the task asked for (its spec as indexed). */
export function TaskSummary({
  task,
  eaiToken,
  modelName,
}: {
  task: TaskDetailData;
  eaiToken: string;
  /** The model's name (`useModelNames`), when known. */
  modelName?: string;
}) {
  const isEai = task.paymentToken.toLowerCase() === eaiToken.toLowerCase();
  const amount = (v: string) =>
    isEai ? formatToken(v) : `${formatToken(v, "")} of token ${shortAddress(task.paymentToken)}`;
  const inputPath = blobDownloadPath(task.inputUri);
  return (
    <dl className="facts">
      <dt>Requester</dt>
      <dd className="mono">{task.requester}</dd>
      <dt>Model</dt>
      <dd>
        <ModelLabel id={task.modelId} name={modelName} link />
      </dd>
      <dt>Verification</dt>
      <dd>
        {task.mode === "ZK"
          ? "ZK proof (Groth16)"
          : `Redundant execution: ${task.redundancy} votes drawn by stake (a provider may hold several), a strict majority of the votes wins`}
      </dd>
      {task.rated !== undefined && task.rated !== null && (
        <>
          <dt>Rated</dt>
          <dd>
            {task.rated
              ? "yes: the outcome moves the providers' reputation"
              : "no: an unapproved model or a reward below the governed minimum, so the outcome moves no reputation"}
          </dd>
        </>
      )}
      <dt>Reward</dt>
      <dd>{amount(task.reward)}</dd>
      <dt>Provider bond</dt>
      <dd>{formatToken(task.bond)}</dd>
      <dt>Minimum tier</dt>
      <dd>{task.minTier}</dd>
      <dt>Minimum resources</dt>
      <dd>{describeResources(task.minResources)}</dd>
      <dt>Submitted</dt>
      <dd>{formatTime(task.createdAt)}</dd>
      <dt>Deadline</dt>
      <dd>{formatTime(task.deadline)}</dd>
      <dt>Execution window</dt>
      <dd>{formatDuration(task.execWindow)}</dd>
      {task.mode === "REDUNDANT" && (
        <>
          <dt>Reveal window</dt>
          <dd>{formatDuration(task.revealWindow)}</dd>
        </>
      )}
      <dt>Input</dt>
      <dd>
        <span className="mono">{task.inputUri}</span>
        {inputPath && (
          <>
            {" "}
            (
            <a href={inputPath} download={`task-${task.id}-input`}>
              download input
            </a>
            )
          </>
        )}
      </dd>
      <dt>Input commitment</dt>
      <dd>
        <Hash value={task.inputCommitment} />
      </dd>
      <dt>Model commitment</dt>
      <dd>
        <Hash value={task.modelCommitment} />
      </dd>
      <dt>Verifier</dt>
      <dd className="mono">{task.verifier}</dd>
      <dt>Submission transaction</dt>
      <dd>
        <Hash value={task.submittedTx} /> (block {task.submittedBlock})
      </dd>
    </dl>
  );
}

/**
 * The proven output word as 32-byte hex, however the indexer stores it (a decimal uint256 since the word became a
 * public signal, 0x-hex before); "—" when there is none.
 */
export function outputWordText(value: string | number | boolean | null | undefined): string {
  if (typeof value !== "string" || value === "") return "—";
  if (/^\d+$/.test(value)) return outputWordHex(BigInt(value));
  return value;
}

/** Draw indices of a `draws` bitmask (bit i: draw i). */
export function drawIndices(draws: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 16; i++) if ((draws >> i) & 1) out.push(i);
  return out;
}

/** A claimant's draws and votes in words: "draws 0, 2 (2 votes)", "none (left)" or "—" when unknown. */
export function describeDraws(draws: number | null | undefined): string {
  if (draws === null || draws === undefined) return "—";
  const list = drawIndices(draws);
  if (list.length === 0) return "none (left)";
  return `draw${list.length === 1 ? "" : "s"} ${list.join(", ")} (${list.length} vote${list.length === 1 ? "" : "s"})`;
}

/**
 * ZK: the accepted proof; REDUNDANT: commits, reveals, the majority and each claimant with its draws and votes.
 * `draws` (by lower-case provider, from `redundantClaimOf` on the chain) and `faultResult`
 * (`TaskMarket.TASK_FAULT_RESULT`) are optional: without them the claimants' draws come from the indexer when it
 * records them, and a task-fault reveal shows as its hash.
 */
export function ProofStatus({
  task,
  draws,
  faultResult,
}: {
  task: TaskDetailData;
  draws?: Record<string, number>;
  faultResult?: string;
}) {
  const isFault = (hash: string | null) =>
    hash !== null && faultResult !== undefined && hash.toLowerCase() === faultResult.toLowerCase();
  if (task.mode === "ZK") {
    const proven = [...task.timeline].reverse().find((e) => e.kind === "proven");
    if (!proven) {
      return (
        <p>
          No proof yet.{" "}
          {task.status === "Claimed" && task.phaseDeadline > 0
            ? `The claimant must deliver by ${formatTime(task.phaseDeadline)}.`
            : task.status === "Open"
              ? "Waiting for a provider to claim the task."
              : null}
        </p>
      );
    }
    return (
      <dl className="facts">
        <dt>Proof</dt>
        <dd className="success">Accepted on chain by the verifier</dd>
        <dt>Verifier</dt>
        <dd className="mono">{task.verifier}</dd>
        <dt>Provider</dt>
        <dd>
          <Link href={`/providers/${proven.provider ?? ""}`}>{shortAddress(proven.provider ?? "")}</Link>
        </dd>
        <dt>Output word (public signal 2)</dt>
        <dd>
          <Hash value={outputWordText(proven.data.output ?? task.output)} />
        </dd>
        <dt>When</dt>
        <dd>
          {formatTime(proven.timestamp)}, transaction <Hash value={proven.txHash} />
        </dd>
      </dl>
    );
  }
  return (
    <>
      <dl className="facts">
        <dt>Commits</dt>
        <dd>
          {task.commits} of {task.redundancy}
        </dd>
        <dt>Reveals</dt>
        <dd>
          {task.reveals} of {task.redundancy}
        </dd>
        <dt>Majority result</dt>
        <dd>
          {task.status === "Faulted" ? (
            "a task fault (the reward was refunded minus the fault fee)"
          ) : task.result ? (
            <Hash value={task.result} />
          ) : task.noMajority ? (
            "no majority (refunded)"
          ) : (
            "not settled yet"
          )}
          {task.winners !== null && ` — ${task.winners} provider${task.winners === 1 ? "" : "s"} agreed`}
        </dd>
      </dl>
      <div className="table-wrap">
        <table>
          <caption className={styles.caption}>Claimants</caption>
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Claimed</th>
              <th scope="col">Draws (votes)</th>
              <th scope="col">Committed</th>
              <th scope="col">Revealed result</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {task.claimants.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  No claims yet.
                </td>
              </tr>
            ) : (
              task.claimants.map((c) => {
                const resultPath = c.resultUri ? blobDownloadPath(c.resultUri) : null;
                const majority = task.result && c.resultHash?.toLowerCase() === task.result.toLowerCase();
                return (
                  <tr key={c.provider}>
                    <td>
                      <Link href={`/providers/${c.provider}`}>{shortAddress(c.provider)}</Link>
                    </td>
                    <td>{formatTime(c.claimedAt)}</td>
                    <td>{describeDraws(draws?.[c.provider.toLowerCase()] ?? c.draws)}</td>
                    <td>{c.committedAt ? formatTime(c.committedAt) : "—"}</td>
                    <td>
                      {isFault(c.resultHash) ? (
                        "task fault reported"
                      ) : c.resultHash ? (
                        <Hash value={c.resultHash} />
                      ) : (
                        "—"
                      )}
                      {majority && " (majority)"}
                      {resultPath && (
                        <>
                          {" "}
                          <a href={resultPath} download={`task-${task.id}-result-${c.provider.slice(2, 8)}`}>
                            download
                          </a>
                        </>
                      )}
                    </td>
                    <td>
                      {c.outcome.replace("_", " ")}
                      {c.penalty ? ` (${c.penalty})` : ""}
                      {c.payout ? `, ${formatToken(c.payout)}` : ""}
                    </td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}

const PAYMENT_KINDS: Record<string, string> = {
  provider: "Provider payment",
  treasury_fee: "Treasury fee",
  creator_fee: "Model creator fee",
  refund: "Refund to requester",
};

/** Credits of the settlement (caption "Payments", not shown: the section's heading says it). */
export function PaymentsTable({ task }: { task: TaskDetailData }) {
  if (task.payments.length === 0) return <p className="muted">Nothing credited yet.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">Payments</caption>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Account</th>
            <th scope="col">Amount</th>
            <th scope="col">When</th>
          </tr>
        </thead>
        <tbody>
          {task.payments.map((p) => (
            <tr key={p.id}>
              <td>{PAYMENT_KINDS[p.kind] ?? p.kind}</td>
              <td className="mono" title={p.account}>
                {shortAddress(p.account)}
              </td>
              <td>{formatToken(p.amount)}</td>
              <td>{formatTime(p.timestamp)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "Cancel task" for the requester while the task is Open and unclaimed; the spec comes from TaskSubmitted. */
function CancelTask({ taskId, requester }: { taskId: bigint; requester: string }) {
  const { address } = useConnection();
  const { deployment } = useWebConfig();
  const chain = useChainTaskState(taskId);
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const isRequester = mounted && !!address && address.toLowerCase() === requester.toLowerCase();
  const cancellable = chain.state?.status === "Open" && chain.state.claims === 0;
  const submitted = useSubmittedTask(taskId, isRequester && cancellable);
  const tx = useTx();
  if (!isRequester) return null;
  if (!cancellable && tx.state.phase === "idle") return null;
  const spec = submitted.data?.spec;
  return (
    <section className={styles.section} aria-labelledby="cancel-heading">
      <h2 id="cancel-heading">Cancel</h2>
      {cancellable && (
        <>
          <p className="hint">Nobody has claimed this task yet: cancelling credits the reward back to you.</p>
          <button
            type="button"
            className="btn btn-danger"
            disabled={!spec || ["simulating", "signing", "pending"].includes(tx.state.phase)}
            onClick={() => {
              if (!spec) return;
              void tx.run("Cancel task", {
                address: deployment.contracts.TaskMarket.address,
                abi: taskMarketAbi,
                functionName: "cancelTask",
                args: [taskId, spec],
              });
            }}
          >
            Cancel task
          </button>
          {submitted.error && (
            <p className="error">
              Could not read the task&apos;s spec from the chain: {submitted.error.message}
            </p>
          )}
          {submitted.data === null && (
            <p className="error">The chain has no TaskSubmitted event for this task.</p>
          )}
        </>
      )}
      <TxStatus state={tx.state} />
      {tx.state.phase === "confirmed" && (
        <p className="hint">
          The reward is credited to you in the market: withdraw it from the{" "}
          <Link href="/stake">Stake and provide</Link> page.
        </p>
      )}
    </section>
  );
}

/** {@link ProofStatus} of a REDUNDANT task with each claimant's draws read from the chain. */
function RedundantStatus({ task }: { task: TaskDetailData }) {
  const { chainId, deployment } = useWebConfig();
  const taskId = BigInt(task.id);
  const final = isFinalStatus(task.status);
  const providers = useMemo(() => task.claimants.map((c) => c.provider), [task.claimants]);
  const draws = useClaimDraws(taskId, providers, true, final);
  const fault = useReadContract({
    address: deployment.contracts.TaskMarket.address,
    abi: taskMarketAbi,
    functionName: "TASK_FAULT_RESULT",
    chainId,
    query: { staleTime: Infinity },
  });
  return <ProofStatus task={task} draws={draws} faultResult={fault.data} />;
}

/** The task page's client part (the page renders its `<h1>` on the server). */
export function TaskDetail({ id }: { id: string }) {
  const taskId = BigInt(id);
  const { deployment } = useWebConfig();
  const indexed = useIndexerRest(`/tasks/${id}`, parser(taskDetailSchema));
  const chain = useChainTaskState(taskId);
  const task = indexed.data;
  const notIndexed = indexed.error instanceof IndexerError && indexed.error.status === 404;
  const missing = chain.state?.status === "None";
  const modelNames = useModelNames();

  return (
    <>
      {missing ? (
        <p role="alert" className="error">
          Task #{id} does not exist on this chain. <Link href="/tasks">Back to my tasks</Link>
        </p>
      ) : (
        <>
          <TaskLive taskId={taskId} />
          <SettleTask taskId={taskId} />
          {task && <CancelTask taskId={taskId} requester={task.requester} />}
          <section className={styles.section} aria-labelledby="summary-heading">
            <h2 id="summary-heading">Request</h2>
            {task ? (
              <TaskSummary
                task={task}
                eaiToken={deployment.contracts.EAIToken.address}
                modelName={modelNames.get(task.modelId)}
              />
            ) : notIndexed ? (
              <p className="muted">
                The indexer has not recorded this task yet; it appears here within a few seconds.
              </p>
            ) : indexed.error ? (
              <p role="alert" className="error">
                {indexerErrorMessage(indexed.error)}
              </p>
            ) : (
              <p className="muted">Loading the task…</p>
            )}
          </section>
          {task && (
            <>
              <section className={styles.section} aria-labelledby="proof-heading">
                <h2 id="proof-heading">{task.mode === "ZK" ? "Proof" : "Commits and reveals"}</h2>
                {task.mode === "ZK" ? <ProofStatus task={task} /> : <RedundantStatus task={task} />}
              </section>
              <section className={styles.section} aria-labelledby="payments-heading">
                <h2 id="payments-heading">Payments</h2>
                <PaymentsTable task={task} />
              </section>
            </>
          )}
        </>
      )}
    </>
  );
}
