/**
 * StakingVault: stake, unbonding, bonds, slashes and slash credits. Every event carries the provider's balances
 * after the change, so rows are set, never recomputed.
 */
import { ponder } from "ponder:registry";
import schema from "ponder:schema";
import type { Address, Hex } from "viem";

import {
  adminEvent,
  bumpDaily,
  changeCredit,
  ensureProvider,
  eventId,
  lower,
  markActive,
  roleEvent,
  seconds,
  updateProvider,
  type Db,
  type LogMeta,
} from "./lib.ts";

type StakeKind = (typeof schema.stakeEvent.$inferInsert)["kind"];

async function stakeEvent(
  db: Db,
  event: LogMeta,
  provider: Address,
  kind: StakeKind,
  amount: bigint,
  after: {
    stake?: bigint;
    locked?: bigint;
    unbonding?: bigint;
    releaseAt?: number;
    funder?: Address;
  },
) {
  const ts = seconds(event);
  await ensureProvider(db, provider, ts);
  await updateProvider(db, provider, (row) => ({
    stake: after.stake ?? row.stake,
    locked: after.locked ?? row.locked,
    unbonding: after.unbonding ?? row.unbonding,
    unbondingReleaseAt: after.releaseAt ?? row.unbondingReleaseAt,
    updatedAt: ts,
  }));
  await db.insert(schema.stakeEvent).values({
    id: eventId(event),
    provider: lower(provider),
    kind,
    amount,
    funder: after.funder ? lower(after.funder) : null,
    stakeAfter: after.stake ?? null,
    lockedAfter: after.locked ?? null,
    unbondingAfter: after.unbonding ?? null,
    releaseAt: after.releaseAt ?? null,
    timestamp: ts,
    txHash: event.transaction.hash,
  });
}

ponder.on("StakingVault:Staked", async ({ event, context }) => {
  const { provider, funder, amount, newStake } = event.args;
  await stakeEvent(context.db, event, provider, "staked", amount, { stake: newStake, funder });
  await markActive(context.db, provider, seconds(event));
});

ponder.on("StakingVault:UnstakeRequested", async ({ event, context }) => {
  const { provider, amount, newStake, newUnbonding, releaseAt } = event.args;
  await stakeEvent(context.db, event, provider, "unstake_requested", amount, {
    stake: newStake,
    unbonding: newUnbonding,
    releaseAt: Number(releaseAt),
  });
});

ponder.on("StakingVault:UnstakeCancelled", async ({ event, context }) => {
  const { provider, amount, newStake, newUnbonding, releaseAt } = event.args;
  await stakeEvent(context.db, event, provider, "unstake_cancelled", amount, {
    stake: newStake,
    unbonding: newUnbonding,
    releaseAt: Number(releaseAt),
  });
});

ponder.on("StakingVault:Withdrawn", async ({ event, context }) => {
  const { provider, amount } = event.args;
  const ts = seconds(event);
  await stakeEvent(context.db, event, provider, "withdrawn", amount, { unbonding: 0n, releaseAt: 0 });
  await context.db.insert(schema.withdrawal).values({
    id: eventId(event),
    source: "unbonded",
    account: lower(provider),
    token: lower(context.contracts.EAIToken.address),
    amount,
    timestamp: ts,
    txHash: event.transaction.hash,
  });
});

ponder.on("StakingVault:BondLocked", async ({ event, context }) => {
  const { provider, amount, newLocked } = event.args;
  await stakeEvent(context.db, event, provider, "bond_locked", amount, { locked: newLocked });
});

ponder.on("StakingVault:BondReleased", async ({ event, context }) => {
  const { provider, amount, newLocked } = event.args;
  await stakeEvent(context.db, event, provider, "bond_released", amount, { locked: newLocked });
});

ponder.on("StakingVault:ProviderSlashed", async ({ event, context }) => {
  const { provider, harmed, caller, role, amount, harmedShare, treasuryShare, balances } = event.args;
  const db = context.db;
  const ts = seconds(event);
  await stakeEvent(db, event, provider, "slashed", amount, {
    stake: balances.stake,
    locked: balances.locked,
    unbonding: balances.unbonding,
    ...(balances.unbonding === 0n ? { releaseAt: 0 } : {}),
  });
  const row = await updateProvider(db, provider, (p) => ({
    slashed: p.slashed + amount,
    slashCount: p.slashCount + 1,
  }));
  // The market emits ProviderPenalized just before it slashes the bond: link the slash to that task.
  const fromMarket = row.lastPenaltyTx === event.transaction.hash;
  await db.insert(schema.slash).values({
    id: eventId(event),
    provider: lower(provider),
    taskId: fromMarket ? row.lastPenaltyTask : null,
    outcome: fromMarket ? row.lastPenaltyOutcome : null,
    harmed: lower(harmed),
    caller: lower(caller),
    role: role as Hex,
    amount,
    harmedShare,
    treasuryShare,
    stakeAfter: balances.stake,
    lockedAfter: balances.locked,
    unbondingAfter: balances.unbonding,
    timestamp: ts,
    txHash: event.transaction.hash,
  });
  await bumpDaily(db, ts, { slashed: amount });
});

ponder.on("StakingVault:Credited", async ({ event, context }) => {
  const { account, newCredit } = event.args;
  await changeCredit(context.db, "vault", account, context.contracts.EAIToken.address, seconds(event), {
    set: newCredit,
  });
});

ponder.on("StakingVault:CreditClaimed", async ({ event, context }) => {
  const { account, amount } = event.args;
  const ts = seconds(event);
  const token = context.contracts.EAIToken.address;
  await changeCredit(context.db, "vault", account, token, ts, { withdraw: amount });
  await context.db.insert(schema.withdrawal).values({
    id: eventId(event),
    source: "vault_credit",
    account: lower(account),
    token: lower(token),
    amount,
    timestamp: ts,
    txHash: event.transaction.hash,
  });
});

ponder.on("StakingVault:UnbondingPeriodUpdated", async ({ event, context }) => {
  await adminEvent(context.db, event, "StakingVault", "UnbondingPeriodUpdated", event.args, {
    key: "vault",
    value: { unbondingPeriod: Number(event.args.newPeriod) },
    merge: true,
  });
});

ponder.on("StakingVault:SlashTreasuryBpsUpdated", async ({ event, context }) => {
  await adminEvent(context.db, event, "StakingVault", "SlashTreasuryBpsUpdated", event.args, {
    key: "vault",
    value: { slashTreasuryBps: event.args.newBps },
    merge: true,
  });
});

ponder.on("StakingVault:TreasuryUpdated", async ({ event, context }) => {
  await adminEvent(context.db, event, "StakingVault", "TreasuryUpdated", event.args, {
    key: "vault",
    value: { treasury: lower(event.args.newTreasury) },
    merge: true,
  });
});

ponder.on("StakingVault:RoleGranted", ({ event, context }) =>
  roleEvent(context.db, event, "StakingVault", "RoleGranted"),
);
ponder.on("StakingVault:RoleRevoked", ({ event, context }) =>
  roleEvent(context.db, event, "StakingVault", "RoleRevoked"),
);
ponder.on("StakingVault:RoleAdminChanged", ({ event, context }) =>
  roleEvent(context.db, event, "StakingVault", "RoleAdminChanged"),
);
