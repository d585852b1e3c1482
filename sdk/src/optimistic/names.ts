/**
 * Words for OPTIMISTIC tasks and disputes (IOptimisticMarket / IDisputeManager enums) and plain-language phases.
 * Pure and browser-safe.
 */
import { formatTime } from "../client/explain.ts";

import { AUDIT_STATE_NAMES, OPTIMISTIC_STATUS_NAMES } from "../client/explain.ts";

export { AUDIT_STATE_NAMES, OPTIMISTIC_STATUS_NAMES };
export type OptimisticStatus = (typeof OPTIMISTIC_STATUS_NAMES)[number];

export type AuditStateName = (typeof AUDIT_STATE_NAMES)[number];

/** `IOptimisticMarket.Verdict` names by value. */
export const VERDICT_NAMES = ["ProviderWins", "ChallengerWins", "Void"] as const;
export type VerdictName = (typeof VERDICT_NAMES)[number];

/** Statuses after which an OPTIMISTIC task never changes again. */
export const FINAL_STATUSES: readonly OptimisticStatus[] = [
  "Settled",
  "Refunded",
  "Overturned",
  "Voided",
  "Faulted",
];

export function optimisticStatusName(value: number | bigint): OptimisticStatus {
  return OPTIMISTIC_STATUS_NAMES[Number(value)] ?? "None";
}

export function auditStateName(value: number | bigint): AuditStateName {
  return AUDIT_STATE_NAMES[Number(value)] ?? "Undrawn";
}

export function verdictName(value: number | bigint): VerdictName {
  return VERDICT_NAMES[Number(value)] ?? "Void";
}

/** What an audit state means for the requester, in a few words. */
export function auditWords(state: AuditStateName, deadline: number, now: number): string {
  switch (state) {
    case "Undrawn":
      return "not drawn yet (the draw is read when the task settles, or by drawAudit)";
    case "NotSelected":
      return "not selected for audit";
    case "Selected":
      return `selected for audit, no auditor yet (audit ends ${formatTime(deadline, now)})`;
    case "Taken":
      return `an auditor is re-executing it (audit ends ${formatTime(deadline, now)})`;
    case "Passed":
      return "audited: the auditor confirmed the result";
    case "Missed":
      return "the auditor let the audit deadline pass (its bond was slashed)";
    case "Disputed":
      return "the auditor challenged the result (a jury decides)";
    case "Unclaimed":
      return "selected for audit, but nobody audited it (or a challenge made the audit moot)";
  }
}

/** Where a task stands, one sentence (`now`: chain time). */
export function taskPhase(
  t: {
    status: OptimisticStatus;
    deadline: number;
    challengeEnds: number;
    provider: string | null;
    audit: { state: AuditStateName; deadline: number };
    disputeId: bigint | null;
  },
  now: number,
): string {
  switch (t.status) {
    case "None":
      return "no such task";
    case "Open":
      return now > t.deadline
        ? `nobody claimed it by its deadline ${formatTime(t.deadline, now)}: settle refunds the requester`
        : `waiting for a drawn provider to claim it (result due by ${formatTime(t.deadline, now)})`;
    case "Claimed":
      return now > t.deadline
        ? `the provider missed its deadline ${formatTime(t.deadline, now)}: settle refunds the requester and slashes its bond`
        : `claimed by ${t.provider}; result due by ${formatTime(t.deadline, now)}`;
    case "Committed": {
      if (now < t.challengeEnds)
        return `result posted; the challenge window is open until ${formatTime(t.challengeEnds, now)}`;
      const audit = t.audit.state;
      if ((audit === "Selected" || audit === "Taken") && now <= t.audit.deadline)
        return `challenge window closed; waiting for the audit (ends ${formatTime(t.audit.deadline, now)})`;
      return "challenge window closed: anyone may settle it now (pays the provider)";
    }
    case "Challenged":
      return `challenged: dispute ${t.disputeId ?? "?"} decides (eai dispute follow ${t.disputeId ?? "ID"})`;
    case "Settled":
      return "settled: the result stood and the provider was paid";
    case "Refunded":
      return "refunded: no result came in time";
    case "Overturned":
      return "overturned: the jury found the result wrong; the requester was refunded";
    case "Voided":
      return "voided: the jury reached no majority; the requester was refunded, both bonds returned";
    case "Faulted":
      return "faulted: the provider reported a task fault; the requester was refunded less the protocol fee";
  }
}
