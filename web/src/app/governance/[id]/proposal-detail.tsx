"use client";
import Link from "next/link";
import { useId, useState } from "react";
import { keccak256, toBytes, type Address, type Hex } from "viem";
import { useBlock, useReadContracts } from "wagmi";
import { eaiGovernorAbi } from "@eai/sdk/abis";
import { VOTE_SUPPORT, type ProposalStateName, type VoteSupport } from "@eai/sdk/tasks/request";
import { FormField } from "@/components/form-field.tsx";
import { TxStatus } from "@/components/tx-status.tsx";
import { formatDuration, formatTime, formatToken, shortAddress } from "@/lib/format.ts";
import {
  describeCall,
  proposalResponseSchema,
  proposalStateName,
  proposalTitle,
  supportName,
} from "@/lib/governance.ts";
import { IndexerError, useIndexerRest } from "@/lib/indexer.ts";
import { useTx } from "@/lib/use-tx.ts";
import { useWriteGate } from "@/lib/wallet-gate.ts";
import { useProtocolAddresses } from "../governance-data.ts";
import styles from "../page.module.css";
import { useBusy } from "@/lib/use-busy.ts";

const VOTE_BUTTONS: { support: VoteSupport; label: string }[] = [
  { support: "for", label: "Vote for" },
  { support: "against", label: "Vote against" },
  { support: "abstain", label: "Abstain" },
];

/** One proposal: state, tallies, calls, and the vote / queue / execute actions the state allows. */
export function ProposalDetail({ id }: { id: string }) {
  const proposalId = BigInt(id);
  const gate = useWriteGate();
  const addresses = useProtocolAddresses();
  const governor = addresses.EAIGovernor;
  const tx = useTx();
  const { busy, run } = useBusy();
  const [reason, setReason] = useState("");
  const [myVote, setMyVote] = useState<VoteSupport | null>(null);
  const voteReasonId = useId();
  const queueReasonId = useId();
  const executeReasonId = useId();

  const indexed = useIndexerRest(`/proposals/${id}`, proposalResponseSchema);
  const block = useBlock({ watch: true, query: { refetchInterval: 2_000 } });
  const now = block.data ? Number(block.data.timestamp) : undefined;
  const me = gate.account ?? "0x0000000000000000000000000000000000000000";
  const chain = useReadContracts({
    contracts: [
      { address: governor, abi: eaiGovernorAbi, functionName: "state", args: [proposalId] },
      { address: governor, abi: eaiGovernorAbi, functionName: "proposalVotes", args: [proposalId] },
      { address: governor, abi: eaiGovernorAbi, functionName: "proposalSnapshot", args: [proposalId] },
      { address: governor, abi: eaiGovernorAbi, functionName: "proposalDeadline", args: [proposalId] },
      { address: governor, abi: eaiGovernorAbi, functionName: "proposalEta", args: [proposalId] },
      { address: governor, abi: eaiGovernorAbi, functionName: "hasVoted", args: [proposalId, me] },
    ],
    query: { refetchInterval: 2_000 },
  });
  const [stateRead, votesRead, snapshotRead, deadlineRead, etaRead, hasVotedRead] = chain.data ?? [];
  const snapshot = snapshotRead?.result !== undefined ? Number(snapshotRead.result) : undefined;
  // Past-looking reads (votes and supply at the snapshot) only work once the snapshot is in the past.
  const snapshotPast = snapshot !== undefined && now !== undefined && snapshot < now;
  const atSnapshot = useReadContracts({
    contracts: [
      { address: governor, abi: eaiGovernorAbi, functionName: "quorum", args: [BigInt(snapshot ?? 0)] },
      { address: governor, abi: eaiGovernorAbi, functionName: "getVotes", args: [me, BigInt(snapshot ?? 0)] },
    ],
    query: { enabled: snapshotPast },
  });

  const p = indexed.data;
  const exists = stateRead?.status === "success";
  const state: ProposalStateName | undefined = exists
    ? proposalStateName(Number(stateRead.result))
    : p?.state;
  const tallies = votesRead?.result
    ? { against: votesRead.result[0], for: votesRead.result[1], abstain: votesRead.result[2] }
    : p
      ? { against: BigInt(p.againstVotes), for: BigInt(p.forVotes), abstain: BigInt(p.abstainVotes) }
      : undefined;
  const quorum = atSnapshot.data?.[0]?.result ?? (p ? BigInt(p.quorum) : undefined);
  const myWeight = gate.account ? atSnapshot.data?.[1]?.result : undefined;
  const deadline =
    deadlineRead?.result !== undefined ? Number(deadlineRead.result) : p ? Number(p.voteEnd) : undefined;
  const eta = etaRead?.result !== undefined && etaRead.result > 0n ? Number(etaRead.result) : undefined;
  const hasVoted = hasVotedRead?.result === true;
  const indexedVote = gate.account
    ? p?.votes.find((v) => v.voter.toLowerCase() === gate.account?.toLowerCase())
    : undefined;
  const voted: VoteSupport | null = indexedVote ? supportName(indexedVote.support) : myVote;

  if (indexed.error instanceof IndexerError && indexed.error.status === 404 && !exists) {
    return (
      <>
        <p className="error" role="alert">
          No proposal with this id is indexed{chain.isPending ? "" : " or on-chain"}.
        </p>
        <p>
          <Link href="/governance">Back to governance</Link>
        </p>
      </>
    );
  }

  const voteReason =
    gate.reason ??
    (state === undefined
      ? "Reading the proposal…"
      : state !== "Active"
        ? state === "Pending"
          ? `Voting has not started${snapshot !== undefined && now !== undefined && snapshot >= now ? `: it opens in ${formatDuration(snapshot - now + 1)}` : ""}.`
          : `Voting is closed (the proposal is ${state}).`
        : hasVoted || voted
          ? "You have voted on this proposal."
          : myWeight === 0n
            ? "You had no voting power at the snapshot (delegate before a proposal is created to vote on it)."
            : null);
  const finished =
    state === "Executed"
      ? "The proposal has been executed."
      : state === "Defeated" || state === "Canceled" || state === "Expired"
        ? `The proposal is ${state}: there is nothing to queue or execute.`
        : null;
  const queueReason =
    gate.reason ??
    finished ??
    (state === "Succeeded"
      ? null
      : state === "Queued"
        ? "Queued already."
        : "Queue becomes available once the vote has succeeded.");
  const executeReason =
    gate.reason ??
    finished ??
    (state !== "Queued"
      ? "Execute becomes available once the proposal is queued and its timelock delay has passed."
      : eta !== undefined && now !== undefined && now < eta
        ? `The timelock delay runs until ${formatTime(eta)} (in ${formatDuration(eta - now)}).`
        : null);

  const lifecycleArgs = p
    ? ([
        p.targets as Address[],
        p.values.map((v) => BigInt(v)),
        p.calldatas as Hex[],
        keccak256(toBytes(p.description)),
      ] as const)
    : undefined;

  async function vote(support: VoteSupport, label: string) {
    const text = reason.trim();
    const receipt = await run(() =>
      text
        ? tx.run(label, {
            address: governor,
            abi: eaiGovernorAbi,
            functionName: "castVoteWithReason",
            args: [proposalId, VOTE_SUPPORT[support], text],
          })
        : tx.run(label, {
            address: governor,
            abi: eaiGovernorAbi,
            functionName: "castVote",
            args: [proposalId, VOTE_SUPPORT[support]],
          }),
    );
    if (receipt) {
      setMyVote(support);
      setReason("");
    }
  }

  const votedText = voted
    ? `You voted ${voted === "abstain" ? "to abstain" : voted}${indexedVote ? ` (${formatToken(indexedVote.weight)})` : ""}.`
    : hasVoted
      ? "You voted."
      : null;

  return (
    <>
      <section aria-labelledby="summary-title" className={`card ${styles.section}`}>
        <h2 id="summary-title">{p ? proposalTitle(p.description) : "Loading…"}</h2>
        <p data-testid="proposal-state">
          <strong>State: {state ?? "…"}</strong>
        </p>
        <dl className={styles.facts}>
          <dt>Proposer</dt>
          <dd className="mono">{p ? p.proposer : "—"}</dd>
          <dt>Created</dt>
          <dd>{p ? formatTime(p.createdAt) : "—"}</dd>
          <dt>Voting</dt>
          <dd>
            {snapshot !== undefined && deadline !== undefined
              ? `${formatTime(snapshot)} to ${formatTime(deadline)}${now !== undefined && now <= deadline && now >= snapshot ? ` (ends in ${formatDuration(deadline - now)})` : ""}`
              : "—"}
          </dd>
          <dt>For</dt>
          <dd>{tallies ? formatToken(tallies.for) : "—"}</dd>
          <dt>Against</dt>
          <dd>{tallies ? formatToken(tallies.against) : "—"}</dd>
          <dt>Abstain</dt>
          <dd>{tallies ? formatToken(tallies.abstain) : "—"}</dd>
          <dt>Quorum</dt>
          <dd>
            {quorum !== undefined
              ? `${formatToken(quorum)} of for and abstain votes${tallies ? ` (${formatToken(tallies.for + tallies.abstain)} so far)` : ""}`
              : "—"}
          </dd>
          {eta !== undefined ? (
            <>
              <dt>Executable from</dt>
              <dd>{formatTime(eta)}</dd>
            </>
          ) : null}
        </dl>
        <h3>What it does</h3>
        {p ? (
          <ol className={`${styles.calls} mono`}>
            {p.targets.map((target, i) => (
              <li key={i}>
                {describeCall(target, (p.calldatas[i] ?? "0x") as Hex, BigInt(p.values[i] ?? "0"), addresses)}
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">
            {indexed.error ? `Could not load the proposal: ${indexed.error.message}` : "Loading…"}
          </p>
        )}
        <h3>Description</h3>
        <p className={styles.description}>{p?.description ?? "—"}</p>
      </section>

      <section aria-labelledby="vote-title" className={`card ${styles.section}`}>
        <h2 id="vote-title">Vote</h2>
        {myWeight !== undefined ? (
          <p className="hint">Your voting power at the snapshot: {formatToken(myWeight)}.</p>
        ) : null}
        <FormField label="Reason (optional)" hint="Recorded on-chain with your vote.">
          {(control) => (
            <input
              {...control}
              type="text"
              value={reason}
              maxLength={1000}
              disabled={busy || voteReason !== null}
              onChange={(e) => setReason(e.target.value)}
            />
          )}
        </FormField>
        <div className={styles.votes}>
          {VOTE_BUTTONS.map((b) => (
            <button
              key={b.support}
              type="button"
              className={b.support === "for" ? "btn" : "btn btn-secondary"}
              disabled={busy || voteReason !== null}
              aria-describedby={voteReason ? voteReasonId : undefined}
              onClick={() => vote(b.support, b.label)}
            >
              {b.label}
            </button>
          ))}
        </div>
        {voteReason && !votedText ? (
          <p id={voteReasonId} className="hint">
            {voteReason}
          </p>
        ) : null}
        {votedText ? (
          <p id={voteReasonId} className="success">
            {votedText}
          </p>
        ) : null}
        <h3>Queue and execute</h3>
        <p className="hint">
          A proposal that passed is queued in the timelock, then anyone may execute it once the delay has
          passed.
        </p>
        <div className={styles.votes}>
          <button
            type="button"
            className="btn btn-secondary"
            disabled={busy || queueReason !== null || !lifecycleArgs}
            aria-describedby={queueReason ? queueReasonId : undefined}
            onClick={() =>
              lifecycleArgs &&
              run(() =>
                tx.run("Queue", {
                  address: governor,
                  abi: eaiGovernorAbi,
                  functionName: "queue",
                  args: lifecycleArgs,
                }),
              )
            }
          >
            Queue
          </button>
          <button
            type="button"
            className="btn btn-secondary"
            disabled={busy || executeReason !== null || !lifecycleArgs}
            aria-describedby={
              executeReason ? (executeReason === queueReason ? queueReasonId : executeReasonId) : undefined
            }
            onClick={() =>
              lifecycleArgs &&
              run(() =>
                tx.run("Execute", {
                  address: governor,
                  abi: eaiGovernorAbi,
                  functionName: "execute",
                  args: lifecycleArgs,
                }),
              )
            }
          >
            Execute
          </button>
        </div>
        {queueReason ? (
          <p id={queueReasonId} className="hint">
            {queueReason}
          </p>
        ) : null}
        {executeReason && executeReason !== queueReason ? (
          <p id={executeReasonId} className="hint">
            {executeReason}
          </p>
        ) : null}
        <TxStatus state={tx.state} />
      </section>

      {p && p.votes.length > 0 ? (
        <section aria-labelledby="votes-title" className={styles.section}>
          <h2 id="votes-title">Votes</h2>
          <div className="table-wrap">
            <table>
              <caption>Votes cast</caption>
              <thead>
                <tr>
                  <th scope="col">Voter</th>
                  <th scope="col">Vote</th>
                  <th scope="col">Weight</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {p.votes.map((v) => (
                  <tr key={v.voter}>
                    <td className="mono" title={v.voter}>
                      {shortAddress(v.voter)}
                    </td>
                    <td>{supportName(v.support)}</td>
                    <td>{formatToken(v.weight)}</td>
                    <td>{v.reason || "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      <p>
        <Link href="/governance">Back to governance</Link>
      </p>
    </>
  );
}
