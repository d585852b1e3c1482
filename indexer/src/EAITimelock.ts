/**
 * EAITimelock: scheduled, executed and cancelled operations, the minimum delay and roles.
 */
import { ponder } from "ponder:registry";
import schema from "ponder:schema";

import { adminEvent, roleEvent, seconds } from "./lib.ts";

ponder.on("EAITimelock:CallScheduled", async ({ event, context }) => {
  const { id, index, target, value, data, predecessor, delay } = event.args;
  const ts = seconds(event);
  const call = { index: Number(index), target: target.toLowerCase(), value: value.toString(), data };
  await context.db
    .insert(schema.timelockOperation)
    .values({
      id,
      calls: [call],
      predecessor,
      delay,
      status: "scheduled",
      scheduledAt: ts,
      readyAt: ts + Number(delay),
    })
    .onConflictDoUpdate((row) => ({ calls: [...row.calls, call] }));
});

ponder.on("EAITimelock:CallSalt", async ({ event, context }) => {
  await context.db.update(schema.timelockOperation, { id: event.args.id }).set({ salt: event.args.salt });
});

ponder.on("EAITimelock:CallExecuted", async ({ event, context }) => {
  await context.db
    .update(schema.timelockOperation, { id: event.args.id })
    .set({ status: "executed", executedAt: seconds(event) });
});

ponder.on("EAITimelock:Cancelled", async ({ event, context }) => {
  await context.db.update(schema.timelockOperation, { id: event.args.id }).set({ status: "cancelled" });
});

ponder.on("EAITimelock:MinDelayChange", async ({ event, context }) => {
  await adminEvent(context.db, event, "EAITimelock", "MinDelayChange", event.args, {
    key: "timelock",
    value: { minDelay: event.args.newDuration.toString() },
  });
});

ponder.on("EAITimelock:RoleGranted", ({ event, context }) =>
  roleEvent(context.db, event, "EAITimelock", "RoleGranted"),
);
ponder.on("EAITimelock:RoleRevoked", ({ event, context }) =>
  roleEvent(context.db, event, "EAITimelock", "RoleRevoked"),
);
ponder.on("EAITimelock:RoleAdminChanged", ({ event, context }) =>
  roleEvent(context.db, event, "EAITimelock", "RoleAdminChanged"),
);
