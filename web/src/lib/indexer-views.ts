/**
 * Schemas of the indexer answers the read pages use (REST `/stats`, `/leaderboard`, `/providers/:address`,
 * `/tasks/:id` and the GraphQL `tasks` / `models` lists), as `indexer/src/api/index.ts` and
 * `indexer/ponder.schema.ts` produce them. Amounts stay decimal strings (uint256 does not fit a JSON number); the
 * pages turn them into bigints where they compute.
 */
import { z } from "zod";

/** A uint256 as a decimal string. */
export const uintString = z.string().regex(/^\d+$/, "expected a decimal integer string");
const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, "expected 0x-prefixed hex");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected an address");

export const TASK_STATUS_NAMES = ["Open", "Claimed", "Completed", "Cancelled", "Refunded"] as const;
export const taskStatusSchema = z.enum(TASK_STATUS_NAMES);
export type TaskStatusName = z.infer<typeof taskStatusSchema>;

export const taskModeSchema = z.enum(["ZK", "REDUNDANT"]);
export type TaskModeName = z.infer<typeof taskModeSchema>;

/** `Resources` as the indexer stores it (a JSON column). */
export const resourcesSchema = z.object({
  vramMiB: z.number(),
  computeCapability: z.number(),
  cpuCores: z.number(),
  ramMiB: z.number(),
  storageGiB: z.number(),
  bandwidthMbps: z.number(),
  benchmarkScore: z.number(),
  region: z.number(),
});
export type ResourcesView = z.infer<typeof resourcesSchema>;

const headSchema = z.object({ block: uintString, timestamp: z.number() });

// ─── /stats ───

export const dailyStatSchema = z.object({
  day: z.string(),
  tasksSubmitted: z.number(),
  tasksCompleted: z.number(),
  tasksRefunded: z.number(),
  tasksCancelled: z.number(),
  tasksExpired: z.number(),
  volumeSubmitted: uintString,
  volumeCompleted: uintString,
  providerPayouts: uintString,
  fees: uintString,
  slashed: uintString,
  activeProviders: z.number(),
  meanClaimToCompletionSeconds: z.number().nullable(),
});
export type DailyStat = z.infer<typeof dailyStatSchema>;

export const statsSchema = z.object({
  head: headSchema,
  tasks: z.object({ total: z.number(), byStatus: z.record(z.string(), z.number()) }),
  providers: z.object({ registered: z.number(), active: z.number() }),
  stake: z.object({ active: uintString, locked: uintString, unbonding: uintString, slashed: uintString }),
  volumeEai: z.object({ submitted: uintString, completed: uintString, providerEarnings: uintString }),
  fees: uintString,
  meanClaimToCompletionSeconds: z.number().nullable(),
  models: z.number(),
  proposals: z.number(),
  token: z.object({ holders: z.number(), totalSupply: uintString }),
  daily: z.array(dailyStatSchema),
});
export type Stats = z.infer<typeof statsSchema>;

// ─── providers ───

const providerViewShape = {
  address,
  registered: z.boolean(),
  active: z.boolean(),
  registeredAt: z.number().nullable(),
  profile: z.object({
    gpuModel: z.string().nullable(),
    x25519PublicKey: hex.nullable(),
    metadataUri: z.string().nullable(),
    benchmarkClass: z.enum(["Low", "Medium", "High"]).nullable(),
    resources: z.object({
      vramMiB: z.number().nullable(),
      computeCapability: z.number().nullable(),
      cpuCores: z.number().nullable(),
      ramMiB: z.number().nullable(),
      storageGiB: z.number().nullable(),
      bandwidthMbps: z.number().nullable(),
      benchmarkScore: z.number().nullable(),
      region: z.number().nullable(),
    }),
  }),
  operatorCount: z.number(),
  lastHeartbeat: z.number().nullable(),
  heartbeats: z.number(),
  stake: z.object({
    active: uintString,
    locked: uintString,
    free: z.string(),
    unbonding: uintString,
    releaseAt: z.number(),
  }),
  slashed: uintString,
  slashCount: z.number(),
  reputation: z.object({
    trust: z.number(),
    availability: z.number(),
    tier: z.number(),
    suspended: z.boolean(),
    banned: z.boolean(),
    eligible: z.boolean(),
    completed: z.number(),
    failed: z.number(),
    violations: z.number(),
    suspendedUntil: z.number(),
    lastUpdate: z.number(),
  }),
  earningsEai: uintString,
  tasksClaimed: z.number(),
};

export const LEADERBOARD_SORTS = ["tier", "trust", "availability", "completed", "earnings", "stake"] as const;
export type LeaderboardSort = (typeof LEADERBOARD_SORTS)[number];

export const leaderboardSchema = z.object({
  head: headSchema,
  sort: z.enum(LEADERBOARD_SORTS),
  order: z.enum(["asc", "desc"]),
  total: z.number(),
  providers: z.array(z.object({ rank: z.number(), ...providerViewShape })),
});
export type Leaderboard = z.infer<typeof leaderboardSchema>;
export type LeaderboardEntry = Leaderboard["providers"][number];

export const reputationEventSchema = z.object({
  id: z.string(),
  kind: z.enum(["updated", "suspended", "banned"]),
  outcome: z.string().nullable(),
  trust: z.number().nullable(),
  availability: z.number().nullable(),
  tier: z.number().nullable(),
  completed: z.number().nullable(),
  suspendedUntil: z.number().nullable(),
  timestamp: z.number(),
  txHash: hex,
});
export type ReputationEventView = z.infer<typeof reputationEventSchema>;

export const taskClaimSchema = z.object({
  taskId: uintString,
  provider: address,
  operator: address,
  bond: uintString,
  attempts: z.number(),
  claimedAt: z.number(),
  commitment: hex.nullable(),
  committedAt: z.number().nullable(),
  resultHash: hex.nullable(),
  resultUri: z.string().nullable(),
  revealedAt: z.number().nullable(),
  outcome: z.enum(["pending", "paid", "penalized", "bond_returned"]),
  penalty: z.string().nullable(),
  payout: uintString.nullable(),
  updatedAt: z.number(),
});
export type TaskClaimView = z.infer<typeof taskClaimSchema>;

export const providerDetailSchema = z.object({
  head: headSchema,
  ...providerViewShape,
  operators: z.array(
    z.object({
      address,
      provider: address,
      authorized: z.boolean(),
      authorizedAt: z.number(),
      revokedAt: z.number().nullable(),
    }),
  ),
  credits: z.array(
    z.object({
      ledger: z.enum(["market", "vault"]),
      token: address,
      amount: uintString,
      totalCredited: uintString,
    }),
  ),
  stakeHistory: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      amount: uintString,
      stakeAfter: uintString.nullable(),
      timestamp: z.number(),
      txHash: hex,
    }),
  ),
  slashes: z.array(
    z.object({
      id: z.string(),
      taskId: uintString.nullable(),
      outcome: z.string().nullable(),
      amount: uintString,
      timestamp: z.number(),
      txHash: hex,
    }),
  ),
  reputationHistory: z.array(reputationEventSchema),
  recentClaims: z.array(taskClaimSchema),
});
export type ProviderDetail = z.infer<typeof providerDetailSchema>;

// ─── /tasks/:id ───

export const taskEventSchema = z.object({
  id: z.string(),
  kind: z.string(),
  provider: address.nullable(),
  amount: uintString.nullable(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  blockNumber: uintString,
  logIndex: z.number(),
  timestamp: z.number(),
  txHash: hex,
});
export type TaskEventView = z.infer<typeof taskEventSchema>;

export const taskDetailSchema = z.object({
  id: uintString,
  requester: address,
  modelId: uintString,
  paymentToken: address,
  reward: uintString,
  rewardEai: uintString,
  bond: uintString,
  modelCreator: address,
  verifier: address,
  modelCommitment: uintString,
  mode: taskModeSchema,
  redundancy: z.number(),
  minTier: z.number(),
  minResources: resourcesSchema,
  inputCommitment: uintString,
  inputUri: z.string(),
  createdAt: z.number(),
  priorityUntil: z.number(),
  deadline: z.number(),
  execWindow: z.number(),
  revealWindow: z.number(),
  status: taskStatusSchema,
  claims: z.number(),
  phaseDeadline: z.number(),
  commits: z.number(),
  reveals: z.number(),
  result: hex.nullable(),
  outputCommitment: uintString.nullable(),
  output: hex.nullable(),
  providerPayout: uintString.nullable(),
  treasuryFee: uintString.nullable(),
  creatorFee: uintString.nullable(),
  winners: z.number().nullable(),
  refundAmount: uintString.nullable(),
  noMajority: z.boolean().nullable(),
  firstClaimedAt: z.number().nullable(),
  settledAt: z.number().nullable(),
  claimToCompletion: z.number().nullable(),
  submittedBlock: uintString,
  submittedTx: hex,
  timeline: z.array(taskEventSchema),
  claimants: z.array(taskClaimSchema),
  payments: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(["provider", "treasury_fee", "creator_fee", "refund"]),
      account: address,
      token: address,
      amount: uintString,
      timestamp: z.number(),
      txHash: hex,
    }),
  ),
});
export type TaskDetail = z.infer<typeof taskDetailSchema>;

// ─── GraphQL lists ───

export const taskRowSchema = z.object({
  id: uintString,
  requester: address,
  modelId: uintString,
  mode: taskModeSchema,
  status: taskStatusSchema,
  reward: uintString,
  paymentToken: address,
  createdAt: z.number(),
  settledAt: z.number().nullable(),
});
export type TaskRow = z.infer<typeof taskRowSchema>;

const TASK_ROW_FIELDS = "id requester modelId mode status reward paymentToken createdAt settledAt";

/** The newest tasks of the network. */
export const RECENT_TASKS_QUERY = `query RecentTasks($limit: Int!) {
  tasks(orderBy: "id", orderDirection: "desc", limit: $limit) { items { ${TASK_ROW_FIELDS} } }
}`;

/** The tasks one account requested, newest first. */
export const MY_TASKS_QUERY = `query MyTasks($requester: String!, $limit: Int!) {
  tasks(where: { requester: $requester }, orderBy: "id", orderDirection: "desc", limit: $limit) {
    totalCount
    items { ${TASK_ROW_FIELDS} }
  }
}`;

export const taskListSchema = z.object({
  tasks: z.object({ totalCount: z.number().optional(), items: z.array(taskRowSchema) }),
});

export const modelRowSchema = z.object({
  id: uintString,
  creator: address,
  kind: z.enum(["ZK_MLP", "ONNX", "WASM"]),
  verifier: address,
  weightsCommitment: uintString,
  artifactUri: z.string(),
  inputSize: z.number(),
  outputSize: z.number(),
  minResources: resourcesSchema,
  registeredAt: z.number(),
  active: z.boolean(),
  adminLocked: z.boolean(),
  tasks: z.number(),
  completedTasks: z.number(),
});
export type ModelRow = z.infer<typeof modelRowSchema>;

/** Every registered model (a registry holds few). */
export const MODELS_QUERY = `query Models {
  models(orderBy: "id", orderDirection: "asc", limit: 1000) {
    items { id creator kind verifier weightsCommitment artifactUri inputSize outputSize minResources
      registeredAt active adminLocked tasks completedTasks }
  }
}`;

export const modelListSchema = z.object({ models: z.object({ items: z.array(modelRowSchema) }) });
