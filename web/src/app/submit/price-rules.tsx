import { rewardSplit, type VerificationModeName } from "@eai/sdk/tasks/request";
import { formatDuration, formatTime, formatToken } from "@/lib/format.ts";

/** The governed numbers the rules depend on (TaskMarket.marketParams / stakeParams, StakingVault.slashTreasuryBps). */
export interface MarketRules {
  providerBps: number;
  treasuryBps: number;
  creatorBps: number;
  zkBondRatioBps: number;
  redundantBondRatioBps: number;
  priorityWindow: number;
  revealWindow: number;
  bondFloor: bigint;
  slashTreasuryBps: number;
}

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
}

const pct = (bps: number) => `${(bps / 100).toLocaleString(undefined, { maximumFractionDigits: 2 })}%`;

/**
 * What a submission costs and promises, in words, from the market's governed parameters: the escrow, the fee
 * split on completion, the bond each claimant locks, who may claim and when, and what happens on expiry.
 */
export function PriceRules(props: PriceRulesProps) {
  const { rules, mode, reward, bond, redundancy, minTier, deadlineIn, execWindow, now } = props;
  const winners = mode === "zk" ? 1 : Math.floor(redundancy / 2) + 1;
  const split = reward !== undefined ? rewardSplit(reward, rules, winners) : undefined;
  const ratio = mode === "zk" ? rules.zkBondRatioBps : rules.redundantBondRatioBps;
  const harmedPct = pct(10_000 - rules.slashTreasuryBps);
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
              ? `, shared equally by the majority: ${formatToken(split.perProvider)} each if ${winners} of ${redundancy} agree`
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
        Each claimant locks {fmt(bond)} of its stake: {pct(ratio)} of the reward, at least the bond floor of{" "}
        {formatToken(rules.bondFloor)}. It is fixed in the task now.{" "}
        {mode === "zk"
          ? "A claimant that misses its execution window loses its bond"
          : "A provider in the minority or that does not reveal loses its bond"}
        ; {harmedPct} of a slashed bond is credited to you.
      </dd>
      <dt>Who may claim</dt>
      <dd>
        Providers of tier {minTier} or higher whose resources meet the model&apos;s minimum; during the first{" "}
        {formatDuration(rules.priorityWindow)} only tier-3 providers.
        {mode === "zk"
          ? " One provider proves the result (Groth16, checked on-chain)."
          : ` ${redundancy} providers each commit and then reveal a result; a strict majority decides.`}
      </dd>
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
        Refunds are credits: withdraw them on Stake and provide (Withdraw earnings).
      </dd>
    </dl>
  );
}
