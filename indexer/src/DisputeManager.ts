/**
 * DisputeManager: disputes of OPTIMISTIC results, their jury rounds, each juror's seat (draws, commitment, revealed
 * result, penalty, pay) and the credits of a verdict. The market's side of a verdict (`DisputeVerdictApplied`, the
 * refund or settlement) is indexed by the OptimisticMarket handlers.
 */
import { ponder } from "ponder:registry";
import schema from "ponder:schema";

import { adminEvent, eventId, flat, lower, seconds } from "./lib.ts";
import { verdictName } from "./optimistic-names.ts";

ponder.on("DisputeManager:DisputeOpened", async ({ event, context }) => {
  const a = event.args;
  const ts = seconds(event);
  // JuryRoundStarted (emitted right after, in the same call) fills the round fields.
  await context.db.insert(schema.dispute).values({
    id: a.disputeId,
    taskId: a.taskId,
    provider: lower(a.provider),
    challenger: lower(a.challenger),
    byAuditor: a.byAuditor,
    providerResult: a.providerResult,
    providerBond: a.providerBond,
    challengeBond: a.challengeBond,
    status: "open",
    round: 0,
    rounds: 0,
    failedRounds: 0,
    roundStart: ts,
    seedBlock: 0n,
    forfeited: 0n,
    openedAt: ts,
    openedTx: event.transaction.hash,
    updatedAt: ts,
  });
});

ponder.on("DisputeManager:JuryRoundStarted", async ({ event, context }) => {
  const { disputeId, round, seedBlock, roundStart } = event.args;
  const ts = seconds(event);
  const existing = await context.db.find(schema.juryRound, { disputeId, round });
  if (existing) {
    // the seed block became unreadable before anyone sat: the same round restarts on a new seed
    await context.db.update(schema.juryRound, { disputeId, round }).set((r) => ({
      seedBlock: BigInt(seedBlock),
      startedAt: Number(roundStart),
      restarts: r.restarts + 1,
    }));
  } else {
    await context.db.insert(schema.juryRound).values({
      disputeId,
      round,
      seedBlock: BigInt(seedBlock),
      startedAt: Number(roundStart),
      restarts: 0,
      jurors: 0,
      draws: 0,
      commits: 0,
      reveals: 0,
      outcome: "open",
    });
  }
  await context.db.update(schema.dispute, { id: disputeId }).set((d) => ({
    round,
    rounds: existing ? d.rounds : d.rounds + 1,
    roundStart: Number(roundStart),
    seedBlock: BigInt(seedBlock),
    updatedAt: ts,
  }));
});

ponder.on("DisputeManager:SeatTaken", async ({ event, context }) => {
  const { disputeId, round, juror, draw, votes } = event.args;
  const ts = seconds(event);
  const key = { disputeId, round, juror: lower(juror) };
  const bit = 1 << draw;
  const seat = await context.db.find(schema.jurySeat, key);
  if (seat) {
    const draws = seat.draws | bit;
    await context.db.update(schema.jurySeat, key).set({ draws, votes, updatedAt: ts });
  } else {
    await context.db.insert(schema.jurySeat).values({
      ...key,
      draws: bit,
      votes,
      seatedAt: ts,
      penalized: false,
      paid: 0n,
      updatedAt: ts,
    });
  }
  await context.db.update(schema.juryRound, { disputeId, round }).set((r) => ({
    jurors: seat ? r.jurors : r.jurors + 1,
    draws: r.draws + 1,
  }));
});

ponder.on("DisputeManager:VoteCommitted", async ({ event, context }) => {
  const { disputeId, round, juror, commitment } = event.args;
  const ts = seconds(event);
  await context.db
    .update(schema.jurySeat, { disputeId, round, juror: lower(juror) })
    .set({ commitment, committedAt: ts, updatedAt: ts });
  await context.db.update(schema.juryRound, { disputeId, round }).set((r) => ({ commits: r.commits + 1 }));
});

ponder.on("DisputeManager:VoteRevealed", async ({ event, context }) => {
  const { disputeId, round, juror, result } = event.args;
  const ts = seconds(event);
  await context.db
    .update(schema.jurySeat, { disputeId, round, juror: lower(juror) })
    .set({ result, revealedAt: ts, updatedAt: ts });
  await context.db.update(schema.juryRound, { disputeId, round }).set((r) => ({ reveals: r.reveals + 1 }));
});

ponder.on("DisputeManager:JurorPenalized", async ({ event, context }) => {
  const { disputeId, round, juror, amount, revealed } = event.args;
  const ts = seconds(event);
  await context.db
    .update(schema.jurySeat, { disputeId, round, juror: lower(juror) })
    .set({ penalized: true, penalty: amount, penaltyRevealed: revealed, updatedAt: ts });
  await context.db
    .update(schema.dispute, { id: disputeId })
    .set((d) => ({ forfeited: d.forfeited + amount, updatedAt: ts }));
});

ponder.on("DisputeManager:JuryRoundFailed", async ({ event, context }) => {
  const { disputeId, round } = event.args;
  const ts = seconds(event);
  await context.db.update(schema.juryRound, { disputeId, round }).set({ outcome: "failed", endedAt: ts });
  await context.db
    .update(schema.dispute, { id: disputeId })
    .set((d) => ({ failedRounds: d.failedRounds + 1, updatedAt: ts }));
});

ponder.on("DisputeManager:DisputeResolved", async ({ event, context }) => {
  const { disputeId, verdict, majorityResult, toWinner, toJurors, toTreasury } = event.args;
  const ts = seconds(event);
  const d = await context.db.update(schema.dispute, { id: disputeId }).set({
    status: "resolved",
    verdict: verdictName(verdict),
    majorityResult: /^0x0+$/.test(majorityResult) ? null : majorityResult,
    toWinner,
    toJurors,
    toTreasury,
    resolvedAt: ts,
    resolvedTx: event.transaction.hash,
    updatedAt: ts,
  });
  await context.db
    .update(schema.juryRound, { disputeId, round: d.round })
    .set({ outcome: "decided", endedAt: ts });
});

ponder.on("DisputeManager:Credited", async ({ event, context }) => {
  const { disputeId, account, amount } = event.args;
  const ts = seconds(event);
  await context.db.insert(schema.disputeCredit).values({
    id: eventId(event),
    disputeId,
    account: lower(account),
    amount,
    timestamp: ts,
    txHash: event.transaction.hash,
  });
  // Majority jurors are paid in the deciding call: the seat of the current round.
  const d = await context.db.find(schema.dispute, { id: disputeId });
  if (!d) return;
  const key = { disputeId, round: d.round, juror: lower(account) };
  const seat = await context.db.find(schema.jurySeat, key);
  if (seat) await context.db.update(schema.jurySeat, key).set({ paid: seat.paid + amount, updatedAt: ts });
});

ponder.on("DisputeManager:Withdrawn", async ({ event, context }) => {
  await context.db.insert(schema.optimisticWithdrawal).values({
    id: eventId(event),
    source: "dispute_manager",
    account: lower(event.args.account),
    amount: event.args.amount,
    timestamp: seconds(event),
    txHash: event.transaction.hash,
  });
});

ponder.on("DisputeManager:ParamsUpdated", async ({ event, context }) => {
  await adminEvent(context.db, event, "DisputeManager", "ParamsUpdated", event.args, {
    key: "disputes",
    value: flat(event.args.params),
  });
});
