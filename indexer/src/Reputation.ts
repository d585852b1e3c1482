/**
 * Reputation: trust and availability history, tiers, suspensions and bans. Rows hold the scores as of the last
 * recorded outcome; the API decays them to the chain head exactly as the contract's views do.
 */
import { ponder } from "ponder:registry";
import schema from "ponder:schema";

import {
  adminEvent,
  ensureProvider,
  eventId,
  flat,
  lower,
  outcomeName,
  roleEvent,
  seconds,
  updateProvider,
} from "./lib.ts";

ponder.on("Reputation:ReputationUpdated", async ({ event, context }) => {
  const { provider, outcome, trust, availability, tier, completed, failed, violations } = event.args;
  const ts = seconds(event);
  await ensureProvider(context.db, provider, ts);
  await updateProvider(context.db, provider, (row) => ({
    trust,
    availability,
    tier,
    completed,
    failed,
    violations,
    reputationUpdatedAt: ts,
    firstRecordedAt: row.firstRecordedAt === 0 ? ts : row.firstRecordedAt,
    updatedAt: ts,
  }));
  await context.db.insert(schema.reputationEvent).values({
    id: eventId(event),
    provider: lower(provider),
    kind: "updated",
    outcome: outcomeName(outcome),
    trust,
    availability,
    tier,
    completed,
    failed,
    violations,
    timestamp: ts,
    txHash: event.transaction.hash,
  });
});

ponder.on("Reputation:ProviderSuspended", async ({ event, context }) => {
  const { provider, until } = event.args;
  const ts = seconds(event);
  await updateProvider(context.db, provider, { suspendedUntil: until, updatedAt: ts });
  await context.db.insert(schema.reputationEvent).values({
    id: eventId(event),
    provider: lower(provider),
    kind: "suspended",
    suspendedUntil: until,
    timestamp: ts,
    txHash: event.transaction.hash,
  });
});

ponder.on("Reputation:ProviderBanned", async ({ event, context }) => {
  const { provider, violations } = event.args;
  const ts = seconds(event);
  await updateProvider(context.db, provider, { banned: true, violations, updatedAt: ts });
  await context.db.insert(schema.reputationEvent).values({
    id: eventId(event),
    provider: lower(provider),
    kind: "banned",
    violations,
    timestamp: ts,
    txHash: event.transaction.hash,
  });
});

ponder.on("Reputation:TierAgesUpdated", async ({ event, context }) => {
  await adminEvent(context.db, event, "Reputation", "TierAgesUpdated", event.args, {
    key: "tierAges",
    value: flat(event.args.ages),
  });
});

ponder.on("Reputation:ParamsUpdated", async ({ event, context }) => {
  await adminEvent(context.db, event, "Reputation", "ParamsUpdated", event.args, {
    key: "reputation",
    value: flat(event.args.params),
  });
});

ponder.on("Reputation:RoleGranted", ({ event, context }) =>
  roleEvent(context.db, event, "Reputation", "RoleGranted"),
);
ponder.on("Reputation:RoleRevoked", ({ event, context }) =>
  roleEvent(context.db, event, "Reputation", "RoleRevoked"),
);
ponder.on("Reputation:RoleAdminChanged", ({ event, context }) =>
  roleEvent(context.db, event, "Reputation", "RoleAdminChanged"),
);
