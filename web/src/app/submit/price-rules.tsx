import { rewardSplit, type VerificationModeName } from "@eai/sdk/tasks/request";
import { formatDuration, formatTime, formatToken } from "@/lib/format.ts";

/** The governed numbers the rules depend on (TaskMarket.marketParams / settlementParams / stakeParams). */
export interface MarketRules {
  providerBps: number;
  treasuryBps: number;
  creatorBps: number;
  zkBondRatioBps: number;
  redundantBondRatioBps: number;
  priorityWindow: number;
  revealWindow: number;
  bondFloor: bigint;
  /** Share of the reward paid to the providers whose task-fault report won the majority. */
  faultFeeBps: number;
  /** Seconds after submission from which claimants of an unfilled REDUNDANT task may leave it. */
  fillTimeout: number;
}

/** Whether the task's outcome will move reputation (TaskSpec.rated), when known. */
export type RatedStatus = { rated: true } | { rated: false; reason: string };

export interface PriceRulesProps {
  rules: MarketRules;
  mode: VerificationModeName;
  /** Parsed reward in wei (undefined while the field is invalid). */
  reward?: bigint;
  /** TaskMarket.bondFor(token, reward, mode), when read. */
  bond?: bigint;
  redundancy: number;
  minTier: number;
  /** Seconds from now to the deadline, when valid. */
  deadlineIn?: number;
  /** Seconds, when valid. */
  execWindow?: number;
  /** Current chain time (unix seconds) to show the deadline as a date. */
  now?: number;
  /** Whether the task will be rated (undefined while the model or the reward is unknown). */
  rated?: RatedStatus;
}

const pct = (bps: number) => `${(bps / 100).toLocaleString(undefined, { maximumFractionDigits: 2 })}%`;

/**
 * What a submission costs and promises, in words, from the market's governed parameters: the escrow, the fee
 * split on completion, the bond each claimant locks, who may claim and when, and what happens on expiry.
 */
export function PriceRules(props: PriceRulesProps) {
  const { rules, mode, reward, bond, redundancy, minTier, deadlineIn, execWindow, now, rated } = props;
  // REDUNDANT: the reward is paid by votes; the smallest majority holds floor(r / 2) + 1 of the r votes.
  const majorityVotes = mode === "zk" ? 1 : Math.floor(redundancy / 2) + 1;
  const split = reward !== undefined ? rewardSplit(reward, rules, majorityVotes) : undefined;
  const ratio = mode === "zk" ? rules.zkBondRatioBps : rules.redundantBondRatioBps;
  const faultFee = reward !== undefined ? (reward * BigInt(rules.faultFeeBps)) / 10_000n : undefined;
  const fmt = (v: bigint | undefined) => (v === undefined ? "—" : formatToken(v));
  return (
    <dl data-testid="price-rules">
      <dt>You pay now</dt>
      <dd>
        {fmt(reward)}, held in escrow by the TaskMarket until the task settles. Nothing else is charged (gas
        aside).
      </dd>
      <dt>On completion</dt>
      <dd>
        {split ? (
          <>
            Providers {formatToken(split.providerTotal)} ({pct(rules.providerBps)}
            {mode === "redundant"
              ? `, paid by votes to the majority: ${formatToken(split.perProvider)} per vote if the majority holds ${majorityVotes} of the ${redundancy} votes`
              : ""}
            ), the model creator {formatToken(split.creator)} ({pct(rules.creatorBps)}), the treasury{" "}
            {formatToken(split.treasury)} ({pct(rules.treasuryBps)} plus rounding). The split is the one in
            force at settlement.
          </>
        ) : (
          `Providers ${pct(rules.providerBps)}, model creator ${pct(rules.creatorBps)}, treasury ${pct(rules.treasuryBps)}.`
        )}
      </dd>
      <dt>Provider bond</dt>
      <dd>
        {mode === "zk" ? "The claimant locks" : "Each vote locks"} {fmt(bond)} of its provider&apos;s stake:{" "}
        {pct(ratio)} of the reward, at least the bond floor of {formatToken(rules.bondFloor)}. It is fixed in
        the task now.{" "}
        {mode === "zk"
          ? "A claimant that misses its execution window loses its bond"
          : "A provider in the minority or that does not reveal loses its bonds"}
        ; a slashed bond goes to the treasury in full, never to the requester (nobody who can cause a slash
        profits from it).
      </dd>
      <dt>Who may claim</dt>
      <dd>
        Providers of tier {minTier} or higher whose resources meet the model&apos;s minimum; during the first{" "}
        {formatDuration(rules.priorityWindow)} only tier-3 providers.
        {mode === "zk"
          ? " One provider proves the result (Groth16, checked on-chain)."
          : ` ${redundancy} votes are drawn by stake among them (a provider may win several and then votes with all of them); each provider commits and then reveals one result, and a strict majority of the votes decides.`}
      </dd>
      {rated && (
        <>
          <dt>Reputation</dt>
          <dd data-testid="rated">
            {rated.rated
              ? "This task is rated: its outcome moves the providers' reputation (an approved model and a reward of at least the governed minimum)."
              : `This task is not rated: ${rated.reason}. Its outcome moves nobody's reputation; payments and bonds work as usual.`}
          </dd>
        </>
      )}
      <dt>Timing</dt>
      <dd>
        Execution window {execWindow !== undefined ? formatDuration(execWindow) : "—"} after a claim
        {mode === "redundant" ? `, then a reveal window of ${formatDuration(rules.revealWindow)}` : ""}.
        Deadline{" "}
        {deadlineIn !== undefined
          ? now !== undefined
            ? `${formatTime(now + deadlineIn)} (in ${formatDuration(deadlineIn)})`
            : `in ${formatDuration(deadlineIn)}`
          : "—"}
        .
      </dd>
      <dt>If it does not complete</dt>
      <dd>
        Past the deadline anyone can expire the task and the whole reward is credited back to you
        {mode === "redundant" ? " (also when no strict majority agrees)" : ""}; a claim that misses its window
        reopens the task while time remains. While nobody has claimed it you can cancel it for a full refund.
        {mode === "redundant"
          ? ` If a majority of the votes reports a task fault (the model or the input cannot be executed), you get the reward back minus the fault fee of ${pct(rules.faultFeeBps)}${faultFee !== undefined ? ` (${formatToken(faultFee)})` : ""}, paid to the reporting providers. Claimants of a task whose votes are not all drawn within ${formatDuration(rules.fillTimeout)} may leave it.`
          : ""}{" "}
        Refunds are credits: withdraw them on Stake and provide (Withdraw earnings).
      </dd>
    </dl>
  );
}
