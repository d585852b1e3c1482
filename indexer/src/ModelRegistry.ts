/**
 * ModelRegistry: models, their status and artifact location.
 */
import { ponder } from "ponder:registry";
import schema from "ponder:schema";

import { lower, roleEvent } from "./lib.ts";

const KINDS = ["ZK_MLP", "ONNX", "WASM"] as const;

ponder.on("ModelRegistry:ModelRegistered", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(schema.model).values({
    id: a.modelId,
    creator: lower(a.creator),
    kind: KINDS[a.kind] ?? "ONNX",
    verifier: lower(a.verifier),
    weightsCommitment: a.weightsCommitment,
    artifactUri: a.artifactURI,
    inputSize: a.inputSize,
    outputSize: a.outputSize,
    minResources: { ...a.minResources },
    registeredAt: a.registeredAt,
    active: true,
    adminLocked: false,
    tasks: 0,
    completedTasks: 0,
  });
});

ponder.on("ModelRegistry:ModelStatusChanged", async ({ event, context }) => {
  const { modelId, active, adminLocked } = event.args;
  await context.db.update(schema.model, { id: modelId }).set({ active, adminLocked });
});

ponder.on("ModelRegistry:ModelArtifactURIUpdated", async ({ event, context }) => {
  await context.db
    .update(schema.model, { id: event.args.modelId })
    .set({ artifactUri: event.args.artifactURI });
});

ponder.on("ModelRegistry:RoleGranted", ({ event, context }) =>
  roleEvent(context.db, event, "ModelRegistry", "RoleGranted"),
);
ponder.on("ModelRegistry:RoleRevoked", ({ event, context }) =>
  roleEvent(context.db, event, "ModelRegistry", "RoleRevoked"),
);
ponder.on("ModelRegistry:RoleAdminChanged", ({ event, context }) =>
  roleEvent(context.db, event, "ModelRegistry", "RoleAdminChanged"),
);
