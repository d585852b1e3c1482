/**
 * What settles a task now, decided from its state alone (browser-safe; the SDK client's settleTask, the `eai task
 * settle` command and the web app's Settle button share it): finalize a REDUNDANT task whose reveals are in or whose
 * reveal window ended, expire a ZK claim past its delivery deadline or an Open task past its deadline, or nothing
 * yet — with the reason and the time from which something can be done.
 */
import { TaskStatus, VerificationMode } from "./spec.ts";

export interface SettleInput {
  status: number;
  mode: number;
  /** TaskState.phaseDeadline (ZK: delivery deadline; REDUNDANT: commit deadline). */
  phaseDeadline: number;
  /** TaskSpec.deadline and revealWindow. */
  deadline: number;
  revealWindow: number;
  /** TaskState.claims (draws taken). */
  claims: number;
  /** REDUNDANT: Round.reveals and Round.members. */
  reveals?: number;
  members?: number;
  /** Chain time (unix seconds). */
  now: number;
}

export type SettleDecision =
  { action: "finalize" | "expire" } | { action: "none"; reason: string; notBefore?: number };

const iso = (t: number) => new Date(t * 1000).toISOString();

/** See the module comment; `taskId` only labels the reasons. */
export function settleDecision(taskId: bigint, t: SettleInput): SettleDecision {
  if (t.status === TaskStatus.Claimed && t.mode === VerificationMode.ZK) {
    if (t.now > t.phaseDeadline) return { action: "expire" };
    return {
      action: "none",
      notBefore: t.phaseDeadline + 1,
      reason: `task ${taskId}: the claimant has until ${iso(t.phaseDeadline)} to deliver`,
    };
  }
  if (t.status === TaskStatus.Claimed) {
    const revealDeadline = t.phaseDeadline + t.revealWindow;
    const reveals = t.reveals ?? 0;
    const members = t.members ?? 0;
    if (reveals >= members || t.now > revealDeadline) return { action: "finalize" };
    return {
      action: "none",
      notBefore: revealDeadline + 1,
      reason: `task ${taskId}: ${reveals} of ${members} providers revealed; it can be finalized after ${iso(revealDeadline)}`,
    };
  }
  if (t.status === TaskStatus.Open) {
    if (t.now > t.deadline) return { action: "expire" };
    return {
      action: "none",
      notBefore: t.deadline + 1,
      reason:
        `task ${taskId} is Open until its deadline ${iso(t.deadline)}` +
        (t.claims === 0 ? "; as its requester you may cancel it now" : ""),
    };
  }
  const name = Object.entries(TaskStatus).find(([, v]) => v === t.status)?.[0] ?? `status ${t.status}`;
  return { action: "none", reason: `task ${taskId} is ${name}: already settled` };
}
