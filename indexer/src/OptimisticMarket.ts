/**
 * OptimisticMarket: OPTIMISTIC tasks (post, claim, commit, challenge window, random audit, settlement or refund),
 * their timeline and the audits of each provider. Every field comes from the event that changed it (no RPC reads).
 * The vault's bond locks and slashes and the reputation outcomes these calls cause are indexed by the StakingVault and
 * Reputation handlers, as for TaskMarket.
 */
import { ponder } from "ponder:registry";
import schema from "ponder:schema";
import type { Address } from "viem";

import { adminEvent, eventId, flat, jsonSafe, lower, seconds, type Db, type LogMeta } from "./lib.ts";
import { auditStateName, statusName, verdictName } from "./optimistic-names.ts";

type TaskRow = typeof schema.optimisticTask.$inferSelect;
type AuditRow = typeof schema.optimisticAudit.$inferSelect;

/** A timeline entry of the task: `kind` is the event name, `data` its arguments (decimal strings for integers). */
async function timeline(
  db: Db,
  event: LogMeta & { args: Record<string, unknown> },
  taskId: bigint,
  kind: string,
  account?: Address,
) {
  await db.insert(schema.optimisticTaskEvent).values({
    id: eventId(event),
    taskId,
    kind,
    account: account ? lower(account) : null,
    data: jsonSafe(event.args),
    blockNumber: event.block.number,
    logIndex: event.log.logIndex,
    timestamp: seconds(event),
    txHash: event.transaction.hash,
  });
}

async function updateTask(
  db: Db,
  id: bigint,
  event: LogMeta,
  set: Partial<TaskRow> | ((row: TaskRow) => Partial<TaskRow>),
) {
  return db
    .update(schema.optimisticTask, { id })
    .set((row) => ({ ...(typeof set === "function" ? set(row) : set), updatedAt: seconds(event) }));
}

/** Updates the audit row of a task, if the task was selected for audit. */
async function updateAudit(db: Db, taskId: bigint, event: LogMeta, set: Partial<AuditRow>) {
  const row = await db.find(schema.optimisticAudit, { taskId });
  if (!row) return undefined;
  return db.update(schema.optimisticAudit, { taskId }).set({ ...set, updatedAt: seconds(event) });
}

ponder.on("OptimisticMarket:TaskPosted", async ({ event, context }) => {
  const a = event.args;
  const ts = seconds(event);
  await context.db.insert(schema.optimisticTask).values({
    id: a.taskId,
    requester: lower(a.requester),
    modelId: a.modelId,
    reward: a.reward,
    deadline: Number(a.deadline),
    minTier: a.minTier,
    inputCommitment: a.inputCommitment,
    inputUri: a.inputURI,
    status: "Open",
    createdAt: ts,
    createdBlock: event.block.number,
    postedTx: event.transaction.hash,
    updatedAt: ts,
  });
  await timeline(context.db, event, a.taskId, "TaskPosted", a.requester);
});

ponder.on("OptimisticMarket:TaskClaimed", async ({ event, context }) => {
  const { taskId, provider, sender, bond } = event.args;
  await updateTask(context.db, taskId, event, {
    status: "Claimed",
    provider: lower(provider),
    claimedBy: lower(sender),
    bond,
    claimedAt: seconds(event),
  });
  await timeline(context.db, event, taskId, "TaskClaimed", provider);
});

ponder.on("OptimisticMarket:ResultPosted", async ({ event, context }) => {
  const { taskId, provider, resultHash, resultURI, challengeEnds } = event.args;
  await updateTask(context.db, taskId, event, {
    status: "Committed",
    resultHash,
    resultUri: resultURI,
    committedAt: seconds(event),
    challengeEnds: Number(challengeEnds),
    audit: "Undrawn",
  });
  await timeline(context.db, event, taskId, "ResultPosted", provider);
});

ponder.on("OptimisticMarket:AuditDrawn", async ({ event, context }) => {
  const { taskId, selected, fallbackUsed, auditDeadline } = event.args;
  const task = await updateTask(context.db, taskId, event, {
    audit: selected ? "Selected" : "NotSelected",
    auditFallback: fallbackUsed,
    auditDeadline: selected ? Number(auditDeadline) : null,
  });
  if (selected) {
    const ts = seconds(event);
    await context.db.insert(schema.optimisticAudit).values({
      taskId,
      provider: task.provider ?? "0x0000000000000000000000000000000000000000",
      state: "Selected",
      outcome: "pending",
      fallbackUsed,
      selectedAt: ts,
      deadline: Number(auditDeadline),
      updatedAt: ts,
    });
  }
  await timeline(context.db, event, taskId, "AuditDrawn");
});

ponder.on("OptimisticMarket:AuditTaken", async ({ event, context }) => {
  const { taskId, auditor, bond } = event.args;
  await updateTask(context.db, taskId, event, { audit: "Taken", auditor: lower(auditor), auditorBond: bond });
  await updateAudit(context.db, taskId, event, {
    state: "Taken",
    auditor: lower(auditor),
    bond,
    takenAt: seconds(event),
  });
  await timeline(context.db, event, taskId, "AuditTaken", auditor);
});

ponder.on("OptimisticMarket:AuditClosed", async ({ event, context }) => {
  const { taskId, auditor, state } = event.args;
  const name = auditStateName(state);
  await updateTask(context.db, taskId, event, { audit: name });
  const outcome = name === "Passed" ? "passed" : name === "Missed" ? "missed" : "unclaimed";
  const audit = await context.db.find(schema.optimisticAudit, { taskId });
  // a missed audit's bond is slashed to the treasury right after (settle)
  await updateAudit(context.db, taskId, event, {
    state: name,
    outcome,
    closedAt: seconds(event),
    ...(name === "Missed" ? { slashed: audit?.bond ?? null } : {}),
  });
  await timeline(context.db, event, taskId, "AuditClosed", auditor);
});

ponder.on("OptimisticMarket:PassedAuditOverturned", async ({ event, context }) => {
  const { taskId, auditor, bond } = event.args;
  await updateAudit(context.db, taskId, event, { outcome: "overturned", slashed: bond });
  await timeline(context.db, event, taskId, "PassedAuditOverturned", auditor);
});

ponder.on("OptimisticMarket:TaskChallenged", async ({ event, context }) => {
  const { taskId, challenger, disputeId, challengeBond, byAuditor } = event.args;
  await updateTask(context.db, taskId, event, {
    status: "Challenged",
    challenger: lower(challenger),
    challengeBond,
    challengedByAuditor: byAuditor,
    challengedAt: seconds(event),
    disputeId,
    ...(byAuditor ? { audit: "Disputed" as const } : {}),
  });
  if (byAuditor) {
    await updateAudit(context.db, taskId, event, {
      state: "Disputed",
      outcome: "disputed",
      disputeId,
      closedAt: seconds(event),
    });
  }
  await timeline(context.db, event, taskId, "TaskChallenged", challenger);
});

ponder.on("OptimisticMarket:DisputeVerdictApplied", async ({ event, context }) => {
  const { taskId, verdict } = event.args;
  const name = verdictName(verdict);
  const task = await updateTask(context.db, taskId, event, { verdict: name });
  if (task.audit === "Disputed") {
    await updateAudit(context.db, taskId, event, {
      outcome: name === "ChallengerWins" ? "upheld" : name === "ProviderWins" ? "rejected" : "void",
    });
  }
  await timeline(context.db, event, taskId, "DisputeVerdictApplied");
});

ponder.on("OptimisticMarket:TaskSettled", async ({ event, context }) => {
  const { taskId, provider, providerAmount, creatorAmount, treasuryAmount, auditFee } = event.args;
  await updateTask(context.db, taskId, event, {
    status: "Settled",
    providerAmount,
    creatorAmount,
    treasuryAmount,
    auditFee,
    closedAt: seconds(event),
  });
  if (auditFee > 0n) await updateAudit(context.db, taskId, event, { fee: auditFee });
  await timeline(context.db, event, taskId, "TaskSettled", provider);
});

ponder.on("OptimisticMarket:TaskFaulted", async ({ event, context }) => {
  const { taskId, provider, refund, treasuryAmount, auditFee } = event.args;
  await updateTask(context.db, taskId, event, {
    status: "Faulted",
    refundAmount: refund,
    treasuryAmount,
    auditFee,
    closedAt: seconds(event),
  });
  if (auditFee > 0n) await updateAudit(context.db, taskId, event, { fee: auditFee });
  await timeline(context.db, event, taskId, "TaskFaulted", provider);
});

ponder.on("OptimisticMarket:TaskRefunded", async ({ event, context }) => {
  const { taskId, requester, amount, status } = event.args;
  await updateTask(context.db, taskId, event, {
    status: statusName(status),
    refundAmount: amount,
    closedAt: seconds(event),
  });
  await timeline(context.db, event, taskId, "TaskRefunded", requester);
});

ponder.on("OptimisticMarket:Withdrawn", async ({ event, context }) => {
  await context.db.insert(schema.optimisticWithdrawal).values({
    id: eventId(event),
    source: "optimistic_market",
    account: lower(event.args.account),
    amount: event.args.amount,
    timestamp: seconds(event),
    txHash: event.transaction.hash,
  });
});

ponder.on("OptimisticMarket:ParamsUpdated", async ({ event, context }) => {
  await adminEvent(context.db, event, "OptimisticMarket", "ParamsUpdated", event.args, {
    key: "optimistic",
    value: flat(event.args.params),
    merge: true, // keeps `disputeManager`
  });
});

ponder.on("OptimisticMarket:DisputeManagerSet", async ({ event, context }) => {
  await adminEvent(context.db, event, "OptimisticMarket", "DisputeManagerSet", event.args, {
    key: "optimistic",
    value: { disputeManager: lower(event.args.disputes) },
    merge: true,
  });
});
