/**
 * Schemas of the indexer's OPTIMISTIC answers (`/optimistic/tasks/:id`, `/disputes/:id`,
 * `/providers/:address/audits`, as `indexer/src/api/index.ts` produces them) and the words the pages show for their
 * states. Amounts stay decimal strings. Written with `zod/mini`, as `indexer-views.ts`; the pages wrap them with its
 * `parser`.
 */
import * as z from "zod/mini";

// Self-contained (zod/mini only): indexer/test/optimistic.test.ts parses the real indexer's answers with these
// schemas, from the root tsconfig, which cannot resolve the app's "@/" imports of indexer-views.ts → indexer.ts.

/** A uint256 as a decimal string (as indexer-views.ts). */
const uintString = z.string().check(z.regex(/^\d+$/, "expected a decimal integer string"));

const hex = z.string().check(z.regex(/^0x[0-9a-fA-F]*$/, "expected 0x-prefixed hex"));
const address = z.string().check(z.regex(/^0x[0-9a-fA-F]{40}$/, "expected an address"));
const headSchema = z.object({ block: uintString, timestamp: z.number() });
const opt = <T extends z.ZodMiniType>(s: T) => z.nullable(s);

export const OPTIMISTIC_STATUS_NAMES = [
  "Open",
  "Claimed",
  "Committed",
  "Challenged",
  "Settled",
  "Refunded",
  "Overturned",
  "Voided",
  "Faulted",
] as const;
export type OptimisticStatusName = (typeof OPTIMISTIC_STATUS_NAMES)[number];

export const AUDIT_STATE_NAMES = [
  "Undrawn",
  "NotSelected",
  "Selected",
  "Taken",
  "Passed",
  "Missed",
  "Disputed",
  "Unclaimed",
] as const;

export const auditRecordSchema = z.object({
  taskId: uintString,
  provider: address,
  auditor: opt(address),
  bond: opt(uintString),
  state: z.enum(AUDIT_STATE_NAMES),
  outcome: z.string(),
  fallbackUsed: z.boolean(),
  selectedAt: z.number(),
  deadline: z.number(),
  takenAt: opt(z.number()),
  closedAt: opt(z.number()),
  fee: opt(uintString),
  slashed: opt(uintString),
  disputeId: opt(uintString),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

const window = z.object({ endsAt: z.number(), open: z.boolean(), secondsLeft: z.number() });

export const disputeSummarySchema = z.object({
  id: uintString,
  taskId: uintString,
  provider: address,
  challenger: address,
  byAuditor: z.boolean(),
  providerResult: hex,
  providerBond: uintString,
  challengeBond: uintString,
  status: z.enum(["open", "resolved"]),
  round: z.number(),
  rounds: z.number(),
  failedRounds: z.number(),
  roundStart: z.number(),
  verdict: opt(z.enum(["ProviderWins", "ChallengerWins", "Void"])),
  majorityResult: opt(hex),
  toWinner: opt(uintString),
  toJurors: opt(uintString),
  toTreasury: opt(uintString),
  forfeited: uintString,
  openedAt: z.number(),
  resolvedAt: opt(z.number()),
});
export type DisputeSummary = z.infer<typeof disputeSummarySchema>;

export const optimisticTaskSchema = z.object({
  head: headSchema,
  id: uintString,
  requester: address,
  modelId: uintString,
  reward: uintString,
  deadline: z.number(),
  minTier: z.number(),
  inputUri: z.string(),
  status: z.enum(OPTIMISTIC_STATUS_NAMES),
  provider: opt(address),
  bond: opt(uintString),
  claimedAt: opt(z.number()),
  resultHash: opt(hex),
  resultUri: opt(z.string()),
  committedAt: opt(z.number()),
  challengeEnds: opt(z.number()),
  audit: opt(z.enum(AUDIT_STATE_NAMES)),
  auditDeadline: opt(z.number()),
  auditor: opt(address),
  challenger: opt(address),
  challengeBond: opt(uintString),
  challengedByAuditor: opt(z.boolean()),
  disputeId: opt(uintString),
  verdict: opt(z.enum(["ProviderWins", "ChallengerWins", "Void"])),
  providerAmount: opt(uintString),
  creatorAmount: opt(uintString),
  treasuryAmount: opt(uintString),
  auditFee: opt(uintString),
  refundAmount: opt(uintString),
  closedAt: opt(z.number()),
  createdAt: z.number(),
  challengeWindow: opt(window),
  auditWindow: opt(z.object({ deadline: z.number(), open: z.boolean(), secondsLeft: z.number() })),
  auditRecord: opt(auditRecordSchema),
  disputes: z.array(disputeSummarySchema),
  timeline: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      account: opt(address),
      timestamp: z.number(),
      txHash: hex,
    }),
  ),
});
export type OptimisticTask = z.infer<typeof optimisticTaskSchema>;

/** `/optimistic/tasks`: the newest tasks (the list page shows these fields). */
export const optimisticTaskListSchema = z.object({
  head: headSchema,
  tasks: z.array(
    z.object({
      id: uintString,
      requester: address,
      modelId: uintString,
      reward: uintString,
      status: z.enum(OPTIMISTIC_STATUS_NAMES),
      provider: opt(address),
      challengeEnds: opt(z.number()),
      challenger: opt(address),
      createdAt: z.number(),
    }),
  ),
});
export type OptimisticTaskList = z.infer<typeof optimisticTaskListSchema>;

export const jurySeatSchema = z.object({
  round: z.number(),
  juror: address,
  draws: z.number(),
  votes: z.number(),
  seatedAt: z.number(),
  commitment: opt(hex),
  committedAt: opt(z.number()),
  result: opt(hex),
  revealedAt: opt(z.number()),
  penalized: z.boolean(),
  penalty: opt(uintString),
  penaltyRevealed: opt(z.boolean()),
  paid: uintString,
});
export type JurySeat = z.infer<typeof jurySeatSchema>;

export const disputeDetailSchema = z.object({
  ...disputeSummarySchema.shape,
  head: headSchema,
  task: opt(z.object({ id: uintString, status: z.enum(OPTIMISTIC_STATUS_NAMES), reward: uintString })),
  juryRounds: z.array(
    z.object({
      round: z.number(),
      seedBlock: uintString,
      startedAt: z.number(),
      restarts: z.number(),
      jurors: z.number(),
      draws: z.number(),
      commits: z.number(),
      reveals: z.number(),
      outcome: z.enum(["open", "failed", "decided"]),
      endedAt: opt(z.number()),
      voteEnds: z.number(),
      revealEnds: z.number(),
      seats: z.array(jurySeatSchema),
    }),
  ),
  credits: z.array(z.object({ id: z.string(), account: address, amount: uintString, timestamp: z.number() })),
});
export type DisputeDetail = z.infer<typeof disputeDetailSchema>;

export const providerAuditsSchema = z.object({
  head: headSchema,
  address,
  summary: z.object({
    asAuditor: z.object({
      taken: z.number(),
      confirmed: z.number(),
      passed: z.number(),
      overturned: z.number(),
      missed: z.number(),
      challenged: z.number(),
      upheld: z.number(),
      rejected: z.number(),
      pending: z.number(),
      fees: uintString,
      slashed: uintString,
    }),
    asProvider: z.object({
      audited: z.number(),
      passed: z.number(),
      failed: z.number(),
      unclaimed: z.number(),
      missedByAuditor: z.number(),
      pending: z.number(),
    }),
  }),
  asAuditor: z.array(auditRecordSchema),
  asProvider: z.array(auditRecordSchema),
});
export type ProviderAudits = z.infer<typeof providerAuditsSchema>;

// ─── words ───

const STATUS_TEXT: Record<OptimisticStatusName, string> = {
  Open: "Open (waiting for the drawn provider)",
  Claimed: "Claimed (the provider is computing)",
  Committed: "Result posted (challenge window)",
  Challenged: "Challenged (a jury decides)",
  Settled: "Settled (the result stood)",
  Refunded: "Refunded (no result in time)",
  Overturned: "Overturned (the jury rejected the result)",
  Voided: "Voided (the jury reached no majority)",
  Faulted: "Faulted (task fault reported)",
};

export function optimisticStatusText(status: OptimisticStatusName): string {
  return STATUS_TEXT[status];
}

const AUDIT_TEXT: Record<(typeof AUDIT_STATE_NAMES)[number], string> = {
  Undrawn: "not drawn yet",
  NotSelected: "not selected",
  Selected: "selected, waiting for an auditor",
  Taken: "taken by an auditor",
  Passed: "passed (the auditor confirmed the result)",
  Missed: "missed (the auditor let the deadline pass)",
  Disputed: "disputed (the auditor challenged the result)",
  Unclaimed: "closed without an auditor",
};

export function auditStateText(state: (typeof AUDIT_STATE_NAMES)[number]): string {
  return AUDIT_TEXT[state];
}

/**
 * Where the challenge window stands at `now` (unix seconds of the chain): before the commit, open with the
 * seconds left, or closed and why (challenged, or ended: the task can be settled).
 */
export function challengeWindowState(
  task: Pick<OptimisticTask, "status" | "challengeEnds" | "challenger">,
  now: number,
): { kind: "none" | "open" | "challenged" | "ended"; secondsLeft: number } {
  if (task.challengeEnds === null) return { kind: "none", secondsLeft: 0 };
  if (task.challenger !== null) return { kind: "challenged", secondsLeft: 0 };
  const left = task.challengeEnds - now;
  if (task.status === "Committed" && left >= 0) return { kind: "open", secondsLeft: left };
  return { kind: "ended", secondsLeft: 0 };
}

/** A juror's draws as "draws 0, 2 (2 votes)". */
export function drawsText(mask: number, votes: number): string {
  const draws: number[] = [];
  for (let j = 0; j < 16; j++) if (mask & (1 << j)) draws.push(j);
  return `draw${draws.length === 1 ? "" : "s"} ${draws.join(", ")} (${votes} vote${votes === 1 ? "" : "s"})`;
}

const OUTCOME_TEXT: Record<string, string> = {
  pending: "pending",
  passed: "confirmed, the result stood",
  overturned: "confirmed, then overturned by a jury (bond slashed)",
  missed: "missed (bond slashed)",
  unclaimed: "nobody audited",
  disputed: "challenged by the auditor, jury deciding",
  upheld: "challenge upheld (failed audit)",
  rejected: "challenge rejected",
  void: "dispute void",
};

export function auditOutcomeText(outcome: string): string {
  return OUTCOME_TEXT[outcome] ?? outcome;
}
