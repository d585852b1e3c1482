/**
 * TaskMarket: the task state machine, escrow and credits. Each task row mirrors `getTaskState(id)` (status, claims,
 * phase deadline); `task_events` is its timeline; `task_claims` the position of each provider (REDUNDANT: the
 * draws it holds, its votes and bonds).
 */
import { ponder } from "ponder:registry";
import schema from "ponder:schema";
import type { Address } from "viem";

import {
  adminEvent,
  bumpDaily,
  changeCredit,
  ensureProvider,
  eventId,
  insertTask,
  flat,
  lower,
  markActive,
  outcomeName,
  roleEvent,
  seconds,
  toEai,
  updateProvider,
  updateTask,
  type Db,
  type LogMeta,
} from "./lib.ts";

const MODES = ["ZK", "REDUNDANT"] as const;

/** A refund to the requester: its market credit and a `refund` payment row (cancel, no-majority refund, fault). */
async function refundRequester(
  db: Db,
  event: LogMeta,
  taskId: bigint,
  requester: Address,
  token: Address,
  amount: bigint,
  ts: number,
) {
  await changeCredit(db, "market", requester, token, ts, { add: amount });
  await db.insert(schema.payment).values({
    id: eventId(event),
    taskId,
    kind: "refund",
    account: lower(requester),
    token,
    amount,
    timestamp: ts,
    txHash: event.transaction.hash,
  });
}

async function timeline(
  db: Db,
  event: LogMeta,
  taskId: bigint,
  kind: (typeof schema.taskEvent.$inferInsert)["kind"],
  fields: { provider?: Address; amount?: bigint; data?: Record<string, string | number | boolean | null> },
) {
  await db.insert(schema.taskEvent).values({
    id: eventId(event),
    taskId,
    kind,
    provider: fields.provider ? lower(fields.provider) : null,
    amount: fields.amount ?? null,
    data: fields.data ?? {},
    blockNumber: event.block.number,
    logIndex: event.log.logIndex,
    timestamp: seconds(event),
    txHash: event.transaction.hash,
  });
}

ponder.on("TaskMarket:TaskSubmitted", async ({ event, context }) => {
  const { taskId, requester, spec, inputURI } = event.args;
  const db = context.db;
  const ts = seconds(event);
  const rewardEai = await toEai(db, spec.paymentToken, spec.reward);
  await insertTask(db, {
    id: taskId,
    requester: lower(requester),
    modelId: spec.modelId,
    paymentToken: lower(spec.paymentToken),
    reward: spec.reward,
    rewardEai,
    bond: spec.bond,
    modelCreator: lower(spec.modelCreator),
    verifier: lower(spec.verifier),
    modelCommitment: spec.modelCommitment,
    mode: MODES[spec.mode] ?? "ZK",
    redundancy: spec.redundancy,
    minTier: spec.minTier,
    minResources: { ...spec.minResources },
    inputCommitment: spec.inputCommitment,
    inputUri: inputURI,
    rated: spec.rated,
    createdAt: spec.createdAt,
    createdBlock: spec.createdBlock,
    priorityUntil: spec.priorityUntil,
    deadline: spec.deadline,
    execWindow: spec.execWindow,
    revealWindow: spec.revealWindow,
    status: "Open",
    claims: 0,
    phaseDeadline: 0,
    commits: 0,
    reveals: 0,
    submittedBlock: event.block.number,
    submittedTx: event.transaction.hash,
    updatedAt: ts,
  });
  await timeline(db, event, taskId, "submitted", {
    amount: spec.reward,
    data: {
      requester: lower(requester),
      modelId: spec.modelId.toString(),
      mode: MODES[spec.mode] ?? "ZK",
      rated: spec.rated,
    },
  });
  // The market accepts only registered models, so the row exists.
  await db.update(schema.model, { id: spec.modelId }).set((row) => ({ tasks: row.tasks + 1 }));
  await bumpDaily(db, ts, { tasksSubmitted: 1, volumeSubmitted: rewardEai });
});

ponder.on("TaskMarket:TaskClaimed", async ({ event, context }) => {
  const { taskId, provider, operator, bond, claims, phaseDeadline } = event.args;
  const db = context.db;
  const ts = seconds(event);
  await updateTask(db, taskId, (row) => {
    const full = row.mode === "ZK" || claims === row.redundancy;
    return {
      claims,
      status: full ? "Claimed" : row.status,
      phaseDeadline: phaseDeadline !== 0 ? phaseDeadline : row.phaseDeadline,
      firstClaimedAt: row.firstClaimedAt ?? ts,
      provider: row.mode === "ZK" ? lower(provider) : null,
      updatedAt: ts,
    };
  });
  const key = { taskId, provider: lower(provider) };
  const fresh = {
    operator: lower(operator),
    bond,
    draws: 0,
    votes: 0,
    claimedAt: ts,
    commitment: null,
    committedAt: null,
    resultHash: null,
    resultUri: null,
    revealedAt: null,
    outcome: "pending" as const,
    penalty: null,
    payout: null,
    updatedAt: ts,
  };
  // A REDUNDANT provider may take several draws (DrawClaimed follows with the draw): each adds a bond to the
  // position it holds. Anything else (a ZK re-claim after expiry, a claim after leaving) starts afresh.
  const existing = await db.find(schema.taskClaim, key);
  if (existing && existing.outcome === "pending" && existing.draws !== 0) {
    await db.update(schema.taskClaim, key).set({ bond: existing.bond + bond, updatedAt: ts });
  } else {
    await db
      .insert(schema.taskClaim)
      .values({ ...key, ...fresh, attempts: 1 })
      .onConflictDoUpdate((row) => ({ ...fresh, attempts: row.attempts + 1 }));
  }
  await ensureProvider(db, provider, ts);
  await updateProvider(db, provider, (row) => ({ tasksClaimed: row.tasksClaimed + 1, updatedAt: ts }));
  await timeline(db, event, taskId, "claimed", {
    provider,
    amount: bond,
    data: { operator: lower(operator), claims, phaseDeadline },
  });
  await markActive(db, provider, ts);
});

ponder.on("TaskMarket:TaskCancelled", async ({ event, context }) => {
  const { taskId, requester, refund } = event.args;
  const db = context.db;
  const ts = seconds(event);
  const task = await updateTask(db, taskId, {
    status: "Cancelled",
    refundAmount: refund,
    settledAt: ts,
    updatedAt: ts,
  });
  await refundRequester(db, event, taskId, requester, task.paymentToken as Address, refund, ts);
  await timeline(db, event, taskId, "cancelled", { amount: refund, data: { requester: lower(requester) } });
  await bumpDaily(db, ts, { tasksCancelled: 1 });
});

ponder.on("TaskMarket:DrawClaimed", async ({ event, context }) => {
  const { taskId, provider, draw, votes } = event.args;
  const ts = seconds(event);
  await context.db
    .update(schema.taskClaim, { taskId, provider: lower(provider) })
    .set((row) => ({ draws: row.draws | (1 << draw), votes, updatedAt: ts }));
});

ponder.on("TaskMarket:ClaimantLeft", async ({ event, context }) => {
  const { taskId, provider, votes, bond } = event.args;
  const db = context.db;
  const ts = seconds(event);
  const key = { taskId, provider: lower(provider) };
  const claim = await db.find(schema.taskClaim, key);
  await updateTask(db, taskId, (row) => ({
    claims: row.claims - votes,
    commits: claim?.commitment ? row.commits - 1 : row.commits,
    updatedAt: ts,
  }));
  await db.update(schema.taskClaim, key).set({ outcome: "left", draws: 0, votes: 0, updatedAt: ts });
  await timeline(db, event, taskId, "left", { provider, amount: bond, data: { votes } });
});

ponder.on("TaskMarket:ProofAccepted", async ({ event, context }) => {
  const { taskId, provider, output } = event.args;
  const ts = seconds(event);
  await updateTask(context.db, taskId, { output, provider: lower(provider), updatedAt: ts });
  await timeline(context.db, event, taskId, "proven", { provider, data: { output: output.toString() } });
});

/** `ITaskMarketTypes.BatchSkip` and `TaskStatus`, by value. */
const BATCH_SKIPS = ["None", "NotOpen", "PastDeadline", "ClaimedByOther"] as const;
const CHAIN_STATUSES = ["None", "Open", "Claimed", "Completed", "Cancelled", "Refunded", "Faulted"] as const;

// submitProofBatch: each task it settles has its own ProofAccepted, ProviderPaid and TaskCompleted (handled as for a
// single proof; a task settled without a claim has no TaskClaimed), each it skips a ProofBatchTaskSkipped (the task
// is unchanged), then one ProofBatchSettled.
ponder.on("TaskMarket:ProofBatchTaskSkipped", async ({ event, context }) => {
  const { taskId, provider, reason, status } = event.args;
  await timeline(context.db, event, taskId, "batch_skipped", {
    provider,
    data: { reason: BATCH_SKIPS[reason] ?? String(reason), status: CHAIN_STATUSES[status] ?? String(status) },
  });
});

ponder.on("TaskMarket:ProofBatchSettled", async ({ event, context }) => {
  const { provider, modelId, batchSize, tasks, settled } = event.args;
  await context.db.insert(schema.proofBatch).values({
    id: eventId(event),
    provider: lower(provider),
    modelId,
    batchSize,
    tasks,
    settled,
    skipped: tasks - settled,
    blockNumber: event.block.number,
    timestamp: seconds(event),
    txHash: event.transaction.hash,
  });
});

ponder.on("TaskMarket:ResultCommitted", async ({ event, context }) => {
  const { taskId, provider, commitment, commits } = event.args;
  const ts = seconds(event);
  await updateTask(context.db, taskId, { commits, updatedAt: ts });
  await context.db
    .update(schema.taskClaim, { taskId, provider: lower(provider) })
    .set({ commitment, committedAt: ts, updatedAt: ts });
  await timeline(context.db, event, taskId, "committed", { provider, data: { commitment, commits } });
});

ponder.on("TaskMarket:ResultRevealed", async ({ event, context }) => {
  const { taskId, provider, resultHash, resultURI, reveals } = event.args;
  const ts = seconds(event);
  await updateTask(context.db, taskId, { reveals, updatedAt: ts });
  await context.db
    .update(schema.taskClaim, { taskId, provider: lower(provider) })
    .set({ resultHash, resultUri: resultURI, revealedAt: ts, updatedAt: ts });
  await timeline(context.db, event, taskId, "revealed", {
    provider,
    data: { resultHash, resultURI, reveals },
  });
});

ponder.on("TaskMarket:ProviderPaid", async ({ event, context }) => {
  const { taskId, provider, token, amount } = event.args;
  const db = context.db;
  const ts = seconds(event);
  await changeCredit(db, "market", provider, token, ts, { add: amount });
  await db.insert(schema.payment).values({
    id: eventId(event),
    taskId,
    kind: "provider",
    account: lower(provider),
    token: lower(token),
    amount,
    timestamp: ts,
    txHash: event.transaction.hash,
  });
  const key = { taskId, provider: lower(provider) };
  if (await db.find(schema.taskClaim, key)) {
    await db.update(schema.taskClaim, key).set({ outcome: "paid", payout: amount, updatedAt: ts });
  } else {
    // A valid proof may settle an unclaimed ZK task directly.
    await db.insert(schema.taskClaim).values({
      ...key,
      operator: lower(provider),
      bond: 0n,
      draws: 0,
      votes: 0,
      attempts: 0,
      claimedAt: ts,
      outcome: "paid",
      payout: amount,
      updatedAt: ts,
    });
  }
  const earned = await toEai(db, token, amount);
  await ensureProvider(db, provider, ts);
  await updateProvider(db, provider, (row) => ({ earningsEai: row.earningsEai + earned, updatedAt: ts }));
  await timeline(db, event, taskId, "paid", { provider, amount, data: { token: lower(token) } });
  await markActive(db, provider, ts);
});

ponder.on("TaskMarket:TaskCompleted", async ({ event, context }) => {
  const { taskId, result, token, providerPayout, treasuryFee, creatorFee, winners } = event.args;
  const db = context.db;
  const ts = seconds(event);
  const task = await updateTask(db, taskId, (row) => ({
    status: "Completed",
    result,
    providerPayout,
    treasuryFee,
    creatorFee,
    winners,
    settledAt: ts,
    claimToCompletion: row.firstClaimedAt === null ? null : ts - row.firstClaimedAt,
    submitToCompletion: ts - row.createdAt,
    updatedAt: ts,
  }));
  const market = await db.find(schema.protocolParam, { key: "market" });
  const treasury = (market?.value.treasury ?? "0x0000000000000000000000000000000000000000") as Address;
  await changeCredit(db, "market", treasury, token, ts, { add: treasuryFee });
  await changeCredit(db, "market", task.modelCreator as Address, token, ts, { add: creatorFee });
  const base = { taskId, token: lower(token), timestamp: ts, txHash: event.transaction.hash };
  await db.insert(schema.payment).values([
    {
      ...base,
      id: `${eventId(event)}-treasury`,
      kind: "treasury_fee",
      account: lower(treasury),
      amount: treasuryFee,
    },
    {
      ...base,
      id: `${eventId(event)}-creator`,
      kind: "creator_fee",
      account: task.modelCreator,
      amount: creatorFee,
    },
  ]);
  await db
    .update(schema.model, { id: task.modelId })
    .set((row) => ({ completedTasks: row.completedTasks + 1 }));
  await timeline(db, event, taskId, "completed", {
    amount: providerPayout + treasuryFee + creatorFee,
    data: {
      result,
      token: lower(token),
      providerPayout: providerPayout.toString(),
      treasuryFee: treasuryFee.toString(),
      creatorFee: creatorFee.toString(),
      winners,
    },
  });
  const latency = task.claimToCompletion;
  await bumpDaily(db, ts, {
    tasksCompleted: 1,
    volumeCompleted: task.rewardEai,
    providerPayouts: await toEai(db, token, providerPayout),
    fees: await toEai(db, token, treasuryFee + creatorFee),
    ...(latency === null ? {} : { latencySum: BigInt(latency), latencyCount: 1 }),
    ...(task.submitToCompletion === null
      ? {}
      : { settleSum: BigInt(task.submitToCompletion), settleCount: 1 }),
  });
});

ponder.on("TaskMarket:ProviderPenalized", async ({ event, context }) => {
  const { taskId, provider, bond, outcome } = event.args;
  const db = context.db;
  const ts = seconds(event);
  const penalty = outcomeName(outcome);
  await db
    .update(schema.taskClaim, { taskId, provider: lower(provider) })
    .set({ outcome: "penalized", penalty, updatedAt: ts });
  await ensureProvider(db, provider, ts);
  await updateProvider(db, provider, {
    lastPenaltyTx: event.transaction.hash,
    lastPenaltyTask: taskId,
    lastPenaltyOutcome: penalty,
  });
  await timeline(db, event, taskId, "penalized", { provider, amount: bond, data: { outcome: penalty } });
  await markActive(db, provider, ts);
});

ponder.on("TaskMarket:BondReturned", async ({ event, context }) => {
  const { taskId, provider, bond } = event.args;
  const ts = seconds(event);
  await context.db
    .update(schema.taskClaim, { taskId, provider: lower(provider) })
    .set((row) => ({ outcome: row.outcome === "paid" ? "paid" : "bond_returned", updatedAt: ts }));
  await timeline(context.db, event, taskId, "bond_returned", { provider, amount: bond });
});

ponder.on("TaskMarket:TaskExpired", async ({ event, context }) => {
  const { taskId, provider, reopened } = event.args;
  const db = context.db;
  const ts = seconds(event);
  await updateTask(db, taskId, (row) =>
    reopened
      ? { status: "Open", claims: 0, phaseDeadline: 0, provider: null, updatedAt: ts }
      : { status: row.status, provider: row.mode === "ZK" ? null : row.provider, updatedAt: ts },
  );
  await timeline(db, event, taskId, "expired", { provider, data: { reopened } });
  await bumpDaily(db, ts, { tasksExpired: 1 });
});

ponder.on("TaskMarket:TaskRefunded", async ({ event, context }) => {
  const { taskId, requester, amount, noMajority } = event.args;
  const db = context.db;
  const ts = seconds(event);
  const task = await updateTask(db, taskId, {
    status: "Refunded",
    refundAmount: amount,
    noMajority,
    settledAt: ts,
    updatedAt: ts,
  });
  await refundRequester(db, event, taskId, requester, task.paymentToken as Address, amount, ts);
  await timeline(db, event, taskId, "refunded", {
    amount,
    data: { requester: lower(requester), noMajority },
  });
  await bumpDaily(db, ts, { tasksRefunded: 1 });
});

ponder.on("TaskMarket:TaskFaulted", async ({ event, context }) => {
  const { taskId, requester, refund, fee, votes } = event.args;
  const db = context.db;
  const ts = seconds(event);
  const task = await updateTask(db, taskId, {
    status: "Faulted",
    refundAmount: refund,
    faultFee: fee,
    faultVotes: votes,
    settledAt: ts,
    updatedAt: ts,
  });
  // The reporters' shares of the fee arrive as ProviderPaid (emitted before this event).
  await refundRequester(db, event, taskId, requester, task.paymentToken as Address, refund, ts);
  await timeline(db, event, taskId, "faulted", {
    amount: refund,
    data: { requester: lower(requester), refund: refund.toString(), fee: fee.toString(), votes },
  });
  await bumpDaily(db, ts, { tasksFaulted: 1 });
});

ponder.on("TaskMarket:Withdrawn", async ({ event, context }) => {
  const { account, token, amount } = event.args;
  const ts = seconds(event);
  await changeCredit(context.db, "market", account, token, ts, { withdraw: amount });
  await context.db.insert(schema.withdrawal).values({
    id: eventId(event),
    source: "market",
    account: lower(account),
    token: lower(token),
    amount,
    timestamp: ts,
    txHash: event.transaction.hash,
  });
});

// ─── governance of the market ───

ponder.on("TaskMarket:MarketParamsUpdated", async ({ event, context }) => {
  await adminEvent(context.db, event, "TaskMarket", "MarketParamsUpdated", event.args, {
    key: "market",
    value: flat(event.args.params),
    merge: true,
  });
});

ponder.on("TaskMarket:SettlementParamsUpdated", async ({ event, context }) => {
  await adminEvent(context.db, event, "TaskMarket", "SettlementParamsUpdated", event.args, {
    key: "settlement",
    value: flat(event.args.params),
    merge: true,
  });
});

ponder.on("TaskMarket:StakeParamsUpdated", async ({ event, context }) => {
  await adminEvent(context.db, event, "TaskMarket", "StakeParamsUpdated", event.args, {
    key: "market",
    value: flat(event.args),
    merge: true,
  });
});

ponder.on("TaskMarket:TreasuryUpdated", async ({ event, context }) => {
  await adminEvent(context.db, event, "TaskMarket", "TreasuryUpdated", event.args, {
    key: "market",
    value: { treasury: lower(event.args.treasury) },
    merge: true,
  });
});

ponder.on("TaskMarket:PaymentTokenUpdated", async ({ event, context }) => {
  const { token, allowed, eaiPerToken } = event.args;
  const ts = seconds(event);
  await adminEvent(context.db, event, "TaskMarket", "PaymentTokenUpdated", event.args);
  await context.db
    .insert(schema.paymentToken)
    .values({ address: lower(token), allowed, eaiPerToken, updatedAt: ts })
    .onConflictDoUpdate({ allowed, eaiPerToken, updatedAt: ts });
});

ponder.on("TaskMarket:Paused", async ({ event, context }) => {
  await adminEvent(context.db, event, "TaskMarket", "Paused", event.args, {
    key: "market",
    value: { paused: true },
    merge: true,
  });
});

ponder.on("TaskMarket:Unpaused", async ({ event, context }) => {
  await adminEvent(context.db, event, "TaskMarket", "Unpaused", event.args, {
    key: "market",
    value: { paused: false },
    merge: true,
  });
});

ponder.on("TaskMarket:RoleGranted", ({ event, context }) =>
  roleEvent(context.db, event, "TaskMarket", "RoleGranted"),
);
ponder.on("TaskMarket:RoleRevoked", ({ event, context }) =>
  roleEvent(context.db, event, "TaskMarket", "RoleRevoked"),
);
ponder.on("TaskMarket:RoleAdminChanged", ({ event, context }) =>
  roleEvent(context.db, event, "TaskMarket", "RoleAdminChanged"),
);
