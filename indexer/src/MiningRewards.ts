/**
 * MiningRewards: epochs (fees, close, root, bound, multiplier, compute), claims and emissions per day. Every figure is
 * taken from the event that changed it; counters are added to in the write.
 */
import { ponder } from "ponder:registry";
import schema from "ponder:schema";

import { dayOf, eventId, lower, seconds, type Db } from "./lib.ts";

const EMPTY_EPOCH = {
  status: "open",
  fees: 0n,
  total: 0n,
  vetoes: 0,
  claimed: 0n,
  claims: 0,
} as const;

async function upsertEpoch(db: Db, epoch: bigint, values: Partial<typeof schema.rewardEpoch.$inferInsert>) {
  await db
    .insert(schema.rewardEpoch)
    .values({ epoch, ...EMPTY_EPOCH, ...values })
    .onConflictDoUpdate(values);
}

async function bumpRewardDay(
  db: Db,
  timestamp: number,
  delta: { minted?: bigint; claims?: number; fees?: bigint },
) {
  const day = dayOf(timestamp);
  const minted = delta.minted ?? 0n;
  const claims = delta.claims ?? 0;
  const fees = delta.fees ?? 0n;
  await db
    .insert(schema.rewardDaily)
    .values({ day, minted, claims, fees })
    .onConflictDoUpdate((row) => ({
      minted: row.minted + minted,
      claims: row.claims + claims,
      fees: row.fees + fees,
    }));
}

ponder.on("MiningRewards:FeesCollected", async ({ event, context }) => {
  const { epoch, amount, epochFees } = event.args;
  await upsertEpoch(context.db, epoch, { fees: epochFees });
  await bumpRewardDay(context.db, seconds(event), { fees: amount });
});

ponder.on("MiningRewards:EpochClosed", async ({ event, context }) => {
  const { epoch, fees, closeBlock } = event.args;
  await upsertEpoch(context.db, epoch, { status: "closed", fees, closeBlock, closedAt: seconds(event) });
});

ponder.on("MiningRewards:RootProposed", async ({ event, context }) => {
  const a = event.args;
  await upsertEpoch(context.db, a.epoch, {
    status: "proposed",
    root: a.root,
    total: a.total,
    payable: a.payable_,
    schedule: a.schedule,
    multiplierWad: a.multiplierWad,
    computeSeconds: a.computeSeconds,
    proposer: lower(a.proposer),
    challenger: null,
    proposedAt: seconds(event),
  });
});

ponder.on("MiningRewards:RootChallenged", async ({ event, context }) => {
  await upsertEpoch(context.db, event.args.epoch, {
    status: "challenged",
    challenger: lower(event.args.challenger),
  });
});

ponder.on("MiningRewards:RootVetoed", async ({ event, context }) => {
  await context.db
    .insert(schema.rewardEpoch)
    .values({ epoch: event.args.epoch, ...EMPTY_EPOCH, status: "closed", vetoes: 1 })
    .onConflictDoUpdate((row) => ({
      status: "closed",
      root: null,
      total: 0n,
      proposer: null,
      challenger: null,
      vetoes: row.vetoes + 1,
    }));
});

ponder.on("MiningRewards:RootFinalized", async ({ event, context }) => {
  const { epoch, carry, cumulativeComputeSeconds } = event.args;
  await upsertEpoch(context.db, epoch, {
    status: "finalized",
    carry,
    cumulativeComputeSeconds,
    finalizedAt: seconds(event),
  });
});

ponder.on("MiningRewards:RewardClaimed", async ({ event, context }) => {
  const { epoch, owner, amount, caller } = event.args;
  const ts = seconds(event);
  await context.db.insert(schema.rewardClaim).values({
    id: eventId(event),
    epoch,
    owner: lower(owner),
    amount,
    caller: lower(caller),
    timestamp: ts,
    txHash: event.transaction.hash,
  });
  await context.db
    .insert(schema.rewardEpoch)
    .values({ epoch, ...EMPTY_EPOCH, claimed: amount, claims: 1 })
    .onConflictDoUpdate((row) => ({ claimed: row.claimed + amount, claims: row.claims + 1 }));
  await bumpRewardDay(context.db, ts, { minted: amount, claims: 1 });
});
