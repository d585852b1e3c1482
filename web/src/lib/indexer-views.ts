/**
 * Schemas of the indexer answers the read pages use (REST `/stats`, `/leaderboard`, `/providers/:address`,
 * `/tasks/:id` and the GraphQL `tasks` / `models` lists), as `indexer/src/api/index.ts` and
 * `indexer/ponder.schema.ts` produce them. Amounts stay decimal strings (uint256 does not fit a JSON number); the
 * pages turn them into bigints where they compute.
 *
 * Written with `zod/mini` (tree-shaken: a few kB instead of classic zod's ~36 kB gzipped), which keeps the
 * overview's first-load JavaScript within its 250 kB budget. The hooks of `indexer.ts` take any schema with
 * `.parse` ({@link Parser}), which mini schemas have.
 */
import * as z from "zod/mini";
import type { Parser } from "./indexer.ts";

/** A uint256 as a decimal string. */
export const uintString = z.string().check(z.regex(/^\d+$/, "expected a decimal integer string"));
const hex = z.string().check(z.regex(/^0x[0-9a-fA-F]*$/, "expected 0x-prefixed hex"));
const address = z.string().check(z.regex(/^0x[0-9a-fA-F]{40}$/, "expected an address"));

/** A mini schema as the {@link Parser} `useIndexerRest` / `useIndexerGraphql` take. */
export function parser<T>(schema: z.ZodMiniType<T>): Parser<T> {
  return schema;
}

export const TASK_STATUS_NAMES = [
  "Open",
  "Claimed",
  "Completed",
  "Cancelled",
  "Refunded",
  "Faulted",
] as const;
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
  meanClaimToCompletionSeconds: z.nullable(z.number()),
  meanSubmitToCompletionSeconds: z.nullable(z.number()),
});
export type DailyStat = z.infer<typeof dailyStatSchema>;

export const statsSchema = z.object({
  head: headSchema,
  tasks: z.object({ total: z.number(), byStatus: z.record(z.string(), z.number()) }),
  providers: z.object({ registered: z.number(), active: z.number() }),
  stake: z.object({ active: uintString, locked: uintString, unbonding: uintString, slashed: uintString }),
  volumeEai: z.object({ submitted: uintString, completed: uintString, providerEarnings: uintString }),
  fees: uintString,
  meanClaimToCompletionSeconds: z.nullable(z.number()),
  meanSubmitToCompletionSeconds: z.nullable(z.number()),
  models: z.number(),
  proposals: z.number(),
  token: z.object({ holders: z.number(), totalSupply: uintString }),
  daily: z.array(dailyStatSchema),
  /** Mining-reward emissions per day (indexer `reward_daily`); absent from indexers older than MiningRewards. */
  emissionsDaily: z.optional(
    z.array(z.object({ day: z.string(), minted: uintString, claims: z.number(), fees: uintString })),
  ),
});
export type Stats = z.infer<typeof statsSchema>;

// ─── providers ───

const providerViewShape = {
  address,
  registered: z.boolean(),
  active: z.boolean(),
  registeredAt: z.nullable(z.number()),
  profile: z.object({
    gpuModel: z.nullable(z.string()),
    x25519PublicKey: z.nullable(hex),
    metadataUri: z.nullable(z.string()),
    benchmarkClass: z.nullable(z.enum(["Low", "Medium", "High"])),
    resources: z.object({
      vramMiB: z.nullable(z.number()),
      computeCapability: z.nullable(z.number()),
      cpuCores: z.nullable(z.number()),
      ramMiB: z.nullable(z.number()),
      storageGiB: z.nullable(z.number()),
      bandwidthMbps: z.nullable(z.number()),
      benchmarkScore: z.nullable(z.number()),
      region: z.nullable(z.number()),
    }),
  }),
  operatorCount: z.number(),
  lastHeartbeat: z.nullable(z.number()),
  heartbeats: z.number(),
  stake: z.object({
    active: uintString,
    locked: uintString,
    free: z.string().check(z.regex(/^-?\d+$/, "expected a decimal integer string")),
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
  outcome: z.nullable(z.string()),
  trust: z.nullable(z.number()),
  availability: z.nullable(z.number()),
  tier: z.nullable(z.number()),
  completed: z.nullable(z.number()),
  suspendedUntil: z.nullable(z.number()),
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
  commitment: z.nullable(hex),
  committedAt: z.nullable(z.number()),
  resultHash: z.nullable(hex),
  resultUri: z.nullable(z.string()),
  revealedAt: z.nullable(z.number()),
  /** "pending", "paid", "penalized", "bond_returned", or what a newer indexer adds (shown as given). */
  outcome: z.string(),
  /** REDUNDANT: the draws held (bit i: draw i) and the votes they give, when the indexer records them. */
  draws: z.optional(z.nullable(z.number())),
  votes: z.optional(z.nullable(z.number())),
  penalty: z.nullable(z.string()),
  payout: z.nullable(uintString),
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
      revokedAt: z.nullable(z.number()),
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
      stakeAfter: z.nullable(uintString),
      timestamp: z.number(),
      txHash: hex,
    }),
  ),
  slashes: z.array(
    z.object({
      id: z.string(),
      taskId: z.nullable(uintString),
      outcome: z.nullable(z.string()),
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
  provider: z.nullable(address),
  amount: z.nullable(uintString),
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
  /** Whether the outcome moves reputation (TaskSpec.rated), when the indexer records it. */
  rated: z.optional(z.nullable(z.boolean())),
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
  result: z.nullable(hex),
  /** Gone since the output word became public signal 2 (an indexer of the old protocol still sends it). */
  outputCommitment: z.optional(z.nullable(uintString)),
  /** The proven output word: a decimal uint256 (0x-hex from an indexer of the old protocol). */
  output: z.nullable(z.union([uintString, hex])),
  providerPayout: z.nullable(uintString),
  treasuryFee: z.nullable(uintString),
  creatorFee: z.nullable(uintString),
  winners: z.nullable(z.number()),
  refundAmount: z.nullable(uintString),
  noMajority: z.nullable(z.boolean()),
  firstClaimedAt: z.nullable(z.number()),
  settledAt: z.nullable(z.number()),
  claimToCompletion: z.nullable(z.number()),
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
  settledAt: z.nullable(z.number()),
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
  tasks: z.object({ totalCount: z.optional(z.number()), items: z.array(taskRowSchema) }),
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
  /** Tasks submitted for the model (a counter the indexer keeps, not a count per request). */
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
