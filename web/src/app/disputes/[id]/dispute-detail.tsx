"use client";
import Link from "next/link";
import { formatTime, formatToken, shortAddress } from "@/lib/format.ts";
import { IndexerError, useIndexerRest } from "@/lib/indexer.ts";
import { parser } from "@/lib/indexer-views.ts";
import {
  disputeDetailSchema,
  drawsText,
  optimisticStatusText,
  type DisputeDetail,
  type JurySeat,
} from "@/lib/optimistic-views.ts";
import { indexerErrorMessage } from "@/lib/read-state.ts";

function Hash({ value }: { value: string }) {
  return (
    <span className="mono" title={value}>
      {value.length > 20 ? `${value.slice(0, 10)}…${value.slice(-8)}` : value}
    </span>
  );
}

const VERDICT_TEXT = {
  ProviderWins: "the provider's result stands",
  ChallengerWins: "the challenger wins: the result is overturned",
  Void: "void: no majority, both bonds back and the requester refunded",
} as const;

/** A juror's vote in words: not committed, committed (sealed), or the result it revealed and whether it matches. */
export function voteText(seat: JurySeat, providerResult: string): string {
  if (seat.result) {
    return seat.result.toLowerCase() === providerResult.toLowerCase()
      ? "revealed: the provider's result"
      : "revealed: another result";
  }
  if (seat.commitment) return "committed (sealed)";
  return "no vote yet";
}

/** What happened to a juror's bonds and pay. */
export function seatOutcomeText(seat: JurySeat): string {
  if (seat.penalized)
    return `penalised ${formatToken(seat.penalty ?? "0")} (${seat.penaltyRevealed ? "voted with the minority" : "did not reveal"})`;
  if (BigInt(seat.paid) > 0n) return `paid ${formatToken(seat.paid)}`;
  return "—";
}

export function DisputeView({ d }: { d: DisputeDetail }) {
  return (
    <>
      <section aria-labelledby="dispute-state-heading">
        <h2 id="dispute-state-heading">Dispute</h2>
        <dl className="facts">
          <dt>Task</dt>
          <dd>
            <Link href={`/tasks/optimistic/${d.taskId}`}>OPTIMISTIC task #{d.taskId}</Link>
            {d.task ? ` — ${optimisticStatusText(d.task.status)}` : ""}
          </dd>
          <dt>Status</dt>
          <dd>
            {d.status === "open"
              ? `open: jury round ${d.round + 1}`
              : `resolved ${d.resolvedAt ? formatTime(d.resolvedAt) : ""}: ${d.verdict ? VERDICT_TEXT[d.verdict] : "—"}`}
          </dd>
          <dt>Provider</dt>
          <dd>
            <Link href={`/providers/${d.provider}`}>{shortAddress(d.provider)}</Link>, bond{" "}
            {formatToken(d.providerBond)}, result <Hash value={d.providerResult} />
          </dd>
          <dt>Challenger</dt>
          <dd>
            <span className="mono">{shortAddress(d.challenger)}</span>
            {d.byAuditor ? " (the task's auditor)" : ""}, bond {formatToken(d.challengeBond)}
          </dd>
          {d.majorityResult && (
            <>
              <dt>Majority result</dt>
              <dd>
                <Hash value={d.majorityResult} />
              </dd>
            </>
          )}
          {d.status === "resolved" && (
            <>
              <dt>Payouts</dt>
              <dd>
                {formatToken(d.toWinner ?? "0")} to the winner, {formatToken(d.toJurors ?? "0")} to the
                majority jurors, {formatToken(d.toTreasury ?? "0")} to the treasury
              </dd>
            </>
          )}
          <dt>Juror bonds forfeited</dt>
          <dd>{formatToken(d.forfeited)}</dd>
        </dl>
      </section>

      {d.juryRounds.map((r) => (
        <section key={r.round} aria-labelledby={`round-${r.round}-heading`}>
          <h2 id={`round-${r.round}-heading`}>Jury round {r.round + 1}</h2>
          <p>
            Started {formatTime(r.startedAt)}; votes until {formatTime(r.voteEnds)}, reveals until{" "}
            {formatTime(r.revealEnds)}. {r.jurors} juror{r.jurors === 1 ? "" : "s"}, {r.draws} draw
            {r.draws === 1 ? "" : "s"} taken, {r.commits} committed, {r.reveals} revealed —{" "}
            {r.outcome === "open"
              ? "in progress"
              : r.outcome === "failed"
                ? "no majority: a new jury"
                : "decided"}
            .
          </p>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Votes of jury round {r.round + 1}</caption>
              <thead>
                <tr>
                  <th scope="col">Juror</th>
                  <th scope="col">Draws</th>
                  <th scope="col">Vote</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {r.seats.length === 0 ? (
                  <tr>
                    <td colSpan={4} className="muted">
                      No juror has taken a seat yet.
                    </td>
                  </tr>
                ) : (
                  r.seats.map((s) => (
                    <tr key={s.juror}>
                      <td>
                        <Link href={`/providers/${s.juror}`}>{shortAddress(s.juror)}</Link>
                      </td>
                      <td>{drawsText(s.draws, s.votes)}</td>
                      <td>{voteText(s, d.providerResult)}</td>
                      <td>{seatOutcomeText(s)}</td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </>
  );
}

/** The page's client part: loads `/disputes/:id` and renders it. */
export function DisputeDetailPage({ id }: { id: string }) {
  const q = useIndexerRest(`/disputes/${id}`, parser(disputeDetailSchema));
  if (q.data) return <DisputeView d={q.data} />;
  if (q.error instanceof IndexerError && q.error.status === 404)
    return (
      <p role="alert" className="error">
        Dispute not found: dispute #{id} is not indexed (yet).
      </p>
    );
  if (q.error)
    return (
      <p role="alert" className="error">
        {indexerErrorMessage(q.error)}
      </p>
    );
  return <p className="muted">Loading the dispute…</p>;
}
