/**
 * ProviderRegistry: profiles, resources, benchmark class, operators and heartbeats.
 */
import { ponder } from "ponder:registry";
import schema from "ponder:schema";
import { sql } from "ponder";

import { adminEvent, ensureProvider, lower, markActive, roleEvent, seconds, updateProvider } from "./lib.ts";

export const BENCHMARK_CLASSES = ["Low", "Medium", "High"] as const;

function profile(args: {
  resources: {
    vramMiB: number;
    computeCapability: number;
    cpuCores: number;
    ramMiB: number;
    storageGiB: number;
    bandwidthMbps: number;
    benchmarkScore: number;
    region: number;
  };
  benchmarkClass: number;
  gpuModel: string;
  x25519PublicKey: `0x${string}`;
  metadataURI: string;
}) {
  return {
    ...args.resources,
    benchmarkClass: BENCHMARK_CLASSES[args.benchmarkClass] ?? "Low",
    gpuModel: args.gpuModel,
    x25519PublicKey: args.x25519PublicKey,
    metadataUri: args.metadataURI,
  };
}

ponder.on("ProviderRegistry:ProviderRegistered", async ({ event, context }) => {
  const ts = seconds(event);
  const { provider } = event.args;
  await ensureProvider(context.db, provider, ts);
  await updateProvider(context.db, provider, {
    ...profile(event.args),
    registered: true,
    active: true,
    registeredAt: ts,
    updatedAt: ts,
  });
});

ponder.on("ProviderRegistry:ProviderUpdated", async ({ event, context }) => {
  const ts = seconds(event);
  await updateProvider(context.db, event.args.provider, { ...profile(event.args), updatedAt: ts });
});

ponder.on("ProviderRegistry:ProviderDeactivated", async ({ event, context }) => {
  await updateProvider(context.db, event.args.provider, { active: false, updatedAt: seconds(event) });
});

ponder.on("ProviderRegistry:ProviderReactivated", async ({ event, context }) => {
  await updateProvider(context.db, event.args.provider, { active: true, updatedAt: seconds(event) });
});

ponder.on("ProviderRegistry:OperatorOffered", async ({ event, context }) => {
  const { provider, operator } = event.args;
  const ts = seconds(event);
  const fresh = { open: true, offeredAt: ts, closedAt: null, closedAs: null, closedBy: null };
  await context.db
    .insert(schema.operatorOffer)
    .values({ provider: lower(provider), operator: lower(operator), ...fresh })
    .onConflictDoUpdate(fresh);
});

ponder.on("ProviderRegistry:OperatorOfferWithdrawn", async ({ event, context }) => {
  const { provider, operator, by } = event.args;
  await context.db
    .update(schema.operatorOffer, { provider: lower(provider), operator: lower(operator) })
    .set({ open: false, closedAt: seconds(event), closedAs: "withdrawn", closedBy: lower(by) });
});

/** The operator accepted an offer (two-step operators): the offer closes, the operator acts for the provider. */
ponder.on("ProviderRegistry:OperatorAuthorized", async ({ event, context }) => {
  const { provider, operator, operatorCount } = event.args;
  const ts = seconds(event);
  await updateProvider(context.db, provider, { operatorCount, updatedAt: ts });
  const offer = { provider: lower(provider), operator: lower(operator) };
  if (await context.db.find(schema.operatorOffer, offer)) {
    await context.db
      .update(schema.operatorOffer, offer)
      .set({ open: false, closedAt: ts, closedAs: "accepted", closedBy: lower(operator) });
  }
  await context.db
    .insert(schema.operator)
    .values({ address: lower(operator), provider: lower(provider), authorized: true, authorizedAt: ts })
    .onConflictDoUpdate({ provider: lower(provider), authorized: true, authorizedAt: ts, revokedAt: null });
});

ponder.on("ProviderRegistry:OperatorRevoked", async ({ event, context }) => {
  const { provider, operator, operatorCount } = event.args;
  const ts = seconds(event);
  await updateProvider(context.db, provider, { operatorCount, updatedAt: ts });
  await context.db
    .update(schema.operator, { address: lower(operator) })
    .set({ authorized: false, revokedAt: ts });
});

ponder.on("ProviderRegistry:HeartbeatRecorded", async ({ event, context }) => {
  const { provider, timestamp } = event.args;
  await updateProvider(context.db, provider, (row) => ({
    lastHeartbeat: timestamp,
    heartbeats: row.heartbeats + 1,
    updatedAt: seconds(event),
  }));
  await markActive(context.db, provider, seconds(event));
});

ponder.on("ProviderRegistry:ClassThresholdsUpdated", async ({ event, context }) => {
  const { newMediumScore, newHighScore } = event.args;
  await adminEvent(context.db, event, "ProviderRegistry", "ClassThresholdsUpdated", event.args, {
    key: "classes",
    value: { mediumScore: newMediumScore, highScore: newHighScore },
  });
  // Classes are derived from the thresholds: every registered provider may change class (a rare, governed event).
  const p = schema.provider;
  await context.db.sql
    .update(p)
    .set({
      benchmarkClass: sql`case when ${p.benchmarkScore} >= ${newHighScore} then 'High' when ${p.benchmarkScore} >= ${newMediumScore} then 'Medium' else 'Low' end`,
    })
    .where(sql`${p.registered} = true`);
});

ponder.on("ProviderRegistry:RoleGranted", ({ event, context }) =>
  roleEvent(context.db, event, "ProviderRegistry", "RoleGranted"),
);
ponder.on("ProviderRegistry:RoleRevoked", ({ event, context }) =>
  roleEvent(context.db, event, "ProviderRegistry", "RoleRevoked"),
);
ponder.on("ProviderRegistry:RoleAdminChanged", ({ event, context }) =>
  roleEvent(context.db, event, "ProviderRegistry", "RoleAdminChanged"),
);
