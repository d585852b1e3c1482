/**
 * ModelRegistry: models, their status, approval, execution rules and artifact location; verifier code hashes.
 */
import { ponder } from "ponder:registry";
import schema from "ponder:schema";

import { adminEvent, bumpNetwork, flat, lower, roleEvent, seconds } from "./lib.ts";

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
    minExecWindow: a.minExecWindow,
    profile: flat(a.profile),
    registeredAt: a.registeredAt,
    active: true,
    adminLocked: false,
    approved: false,
    tasks: 0,
    completedTasks: 0,
  });
  await bumpNetwork(context.db, { models: 1 });
});

ponder.on("ModelRegistry:ModelStatusChanged", async ({ event, context }) => {
  const { modelId, active, adminLocked } = event.args;
  await context.db.update(schema.model, { id: modelId }).set({ active, adminLocked });
});

ponder.on("ModelRegistry:ModelApprovalChanged", async ({ event, context }) => {
  const { modelId, approved } = event.args;
  await adminEvent(context.db, event, "ModelRegistry", "ModelApprovalChanged", event.args);
  await context.db.update(schema.model, { id: modelId }).set({ approved });
});

ponder.on("ModelRegistry:ModelMinExecWindowUpdated", async ({ event, context }) => {
  const { modelId, minExecWindow } = event.args;
  await adminEvent(context.db, event, "ModelRegistry", "ModelMinExecWindowUpdated", event.args);
  await context.db.update(schema.model, { id: modelId }).set({ minExecWindow });
});

ponder.on("ModelRegistry:ModelCreatorChanged", async ({ event, context }) => {
  const { modelId, newCreator } = event.args;
  await context.db.update(schema.model, { id: modelId }).set({ creator: lower(newCreator) });
});

ponder.on("ModelRegistry:VerifierCodeHashApprovalChanged", async ({ event, context }) => {
  const { codeHash, approved } = event.args;
  const updatedAt = seconds(event);
  await adminEvent(context.db, event, "ModelRegistry", "VerifierCodeHashApprovalChanged", event.args);
  await context.db
    .insert(schema.verifierCodeHash)
    .values({ codeHash, approved, updatedAt })
    .onConflictDoUpdate({ approved, updatedAt });
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
