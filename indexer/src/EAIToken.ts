/**
 * EAIToken: balances (Transfer), allowances, total supply checkpoints, delegation and voting power.
 */
import { ponder } from "ponder:registry";
import schema from "ponder:schema";
import { zeroAddress, type Address } from "viem";

import {
  addHolderBalance,
  adminEvent,
  bumpNetwork,
  lower,
  roleEvent,
  seconds,
  setHolderDelegate,
  type Db,
} from "./lib.ts";

async function changeDelegators(db: Db, delegate: Address, delta: number, ts: number) {
  if (delegate === zeroAddress) return;
  await db
    .insert(schema.delegate)
    .values({ address: lower(delegate), votes: 0n, delegators: delta, updatedAt: ts })
    .onConflictDoUpdate((row) => ({ delegators: row.delegators + delta, updatedAt: ts }));
}

ponder.on("EAIToken:Transfer", async ({ event, context }) => {
  const { from, to, value } = event.args;
  const db = context.db;
  const ts = seconds(event);
  if (from !== zeroAddress) await addHolderBalance(db, from, -value, ts);
  if (to !== zeroAddress) await addHolderBalance(db, to, value, ts);
  if (from === zeroAddress || to === zeroAddress) {
    const delta = from === zeroAddress ? value : -value;
    await bumpNetwork(db, { totalSupply: delta });
    const latest = await db.find(schema.protocolParam, { key: "supply" });
    const totalSupply = BigInt(latest?.value.totalSupply ?? "0") + delta;
    await db
      .insert(schema.protocolParam)
      .values({ key: "supply", value: { totalSupply: totalSupply.toString() }, updatedAt: ts })
      .onConflictDoUpdate({ value: { totalSupply: totalSupply.toString() }, updatedAt: ts });
    await db
      .insert(schema.supplyCheckpoint)
      .values({ blockNumber: event.block.number, timestamp: ts, totalSupply })
      .onConflictDoUpdate({ totalSupply });
  }
});

ponder.on("EAIToken:Approval", async ({ event, context }) => {
  const { owner, spender, value } = event.args;
  const ts = seconds(event);
  await context.db
    .insert(schema.allowance)
    .values({ owner: lower(owner), spender: lower(spender), amount: value, updatedAt: ts })
    .onConflictDoUpdate({ amount: value, updatedAt: ts });
});

ponder.on("EAIToken:DelegateChanged", async ({ event, context }) => {
  const { delegator, fromDelegate, toDelegate } = event.args;
  const ts = seconds(event);
  await setHolderDelegate(context.db, delegator, toDelegate, ts);
  await changeDelegators(context.db, fromDelegate, -1, ts);
  await changeDelegators(context.db, toDelegate, 1, ts);
});

ponder.on("EAIToken:DelegateVotesChanged", async ({ event, context }) => {
  const { delegate, newVotes } = event.args;
  const ts = seconds(event);
  await context.db
    .insert(schema.delegate)
    .values({ address: lower(delegate), votes: newVotes, delegators: 0, updatedAt: ts })
    .onConflictDoUpdate({ votes: newVotes, updatedAt: ts });
});

ponder.on("EAIToken:TokensMinted", async ({ event, context }) => {
  await adminEvent(context.db, event, "EAIToken", "TokensMinted", event.args);
});

ponder.on("EAIToken:EIP712DomainChanged", async ({ event, context }) => {
  await adminEvent(context.db, event, "EAIToken", "EIP712DomainChanged", {});
});

ponder.on("EAIToken:RoleGranted", ({ event, context }) =>
  roleEvent(context.db, event, "EAIToken", "RoleGranted"),
);
ponder.on("EAIToken:RoleRevoked", ({ event, context }) =>
  roleEvent(context.db, event, "EAIToken", "RoleRevoked"),
);
ponder.on("EAIToken:RoleAdminChanged", ({ event, context }) =>
  roleEvent(context.db, event, "EAIToken", "RoleAdminChanged"),
);
