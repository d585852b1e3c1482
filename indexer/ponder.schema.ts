/**
 * Database schema of the EAI indexer: snake_case tables, camelCase exports. Every row is derived from events (no
 * RPC reads). Amounts are `bigint` (numeric(78) in SQL), addresses and hashes lower-case hex, times are unix
 * seconds of the block that emitted the event.
 */
import { index, onchainTable, primaryKey, relations } from "ponder";

/** Life-cycle state of a task, as TaskMarket's `TaskStatus` (None is never stored). */
export const TASK_STATUSES = ["Open", "Claimed", "Completed", "Cancelled", "Refunded", "Faulted"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Kinds of rows in `task_events` (the task timeline). */
export const TASK_EVENT_KINDS = [
  "submitted",
  "claimed",
  "committed",
  "revealed",
  "proven",
  "completed",
  "expired",
  "cancelled",
  "refunded",
  "paid",
  "penalized",
  "bond_returned",
  "left",
  "faulted",
  "batch_skipped",
] as const;
export type TaskEventKind = (typeof TASK_EVENT_KINDS)[number];

// ───────────────────────────────────────────── tasks ─────────────────────────────────────────────

export const task = onchainTable(
  "tasks",
  (t) => ({
    id: t.bigint().primaryKey(),
    requester: t.hex().notNull(),
    modelId: t.bigint().notNull(),
    paymentToken: t.hex().notNull(),
    reward: t.bigint().notNull(),
    /** Reward converted to EAI with the token's governed rate at submission (volume statistics). */
    rewardEai: t.bigint().notNull(),
    bond: t.bigint().notNull(),
    modelCreator: t.hex().notNull(),
    verifier: t.hex().notNull(),
    modelCommitment: t.bigint().notNull(),
    mode: t.text().$type<"ZK" | "REDUNDANT">().notNull(),
    redundancy: t.integer().notNull(),
    minTier: t.integer().notNull(),
    minResources: t.json().$type<Resources>().notNull(),
    inputCommitment: t.bigint().notNull(),
    inputUri: t.text().notNull(),
    /** Whether the outcome moves reputation (`TaskSpec.rated`: approved model and reward ≥ `minRatedValue`). */
    rated: t.boolean().notNull(),
    createdAt: t.integer().notNull(),
    /** Block of submission (`TaskSpec.createdBlock`): REDUNDANT draws use the hash of the next block. */
    createdBlock: t.bigint().notNull(),
    priorityUntil: t.integer().notNull(),
    deadline: t.integer().notNull(),
    execWindow: t.integer().notNull(),
    revealWindow: t.integer().notNull(),
    /** Current status, as `TaskMarket.getTaskState(id).status`. */
    status: t.text().$type<TaskStatus>().notNull(),
    /** Claims held now, as `getTaskState(id).claims`. */
    claims: t.integer().notNull(),
    /** As `getTaskState(id).phaseDeadline` (0 when none). */
    phaseDeadline: t.integer().notNull(),
    commits: t.integer().notNull(),
    reveals: t.integer().notNull(),
    /** ZK: the output word as bytes32; REDUNDANT: majority result hash (set on completion). */
    result: t.hex(),
    /** ZK: the proven output word (public signal 2 of the proof), from `ProofAccepted`. */
    output: t.bigint(),
    /**
     * ZK: the provider holding the claim (as `claimantOf(id)`), then the provider whose proof settled the task
     * (`ProofAccepted`, also for a task settled by a batched proof without a claim); null while unclaimed, after an
     * expired claim, and always for REDUNDANT tasks (their providers are the `task_claims` rows).
     */
    provider: t.hex(),
    providerPayout: t.bigint(),
    treasuryFee: t.bigint(),
    creatorFee: t.bigint(),
    winners: t.integer(),
    refundAmount: t.bigint(),
    noMajority: t.boolean(),
    /** Task fault (status Faulted): the fee paid to the reporters and their votes; the refund is `refundAmount`. */
    faultFee: t.bigint(),
    faultVotes: t.integer(),
    firstClaimedAt: t.integer(),
    settledAt: t.integer(),
    /** Seconds from the first claim to completion (null unless completed after a claim). */
    claimToCompletion: t.integer(),
    /** Seconds from submission to completion (null unless completed); defined with or without a claim. */
    submitToCompletion: t.integer(),
    submittedBlock: t.bigint().notNull(),
    submittedTx: t.hex().notNull(),
    updatedAt: t.integer().notNull(),
  }),
  (table) => ({
    requesterIdx: index().on(table.requester),
    providerIdx: index().on(table.provider),
    statusIdx: index().on(table.status),
    modelIdx: index().on(table.modelId),
  }),
);

/** A verified batched ZK proof (`submitProofBatch`, `ProofBatchSettled`): the tasks it settled have a `proven`
 * entry with the same `txHash` in `task_events`, those it skipped a `batch_skipped` entry. */
export const proofBatch = onchainTable(
  "proof_batches",
  (t) => ({
    /** `<tx>-<logIndex>` of `ProofBatchSettled`. */
    id: t.text().primaryKey(),
    provider: t.hex().notNull(),
    modelId: t.bigint().notNull(),
    /** Task slots of the circuit. */
    batchSize: t.integer().notNull(),
    /** Tasks named in the batch (the other slots were padding). */
    tasks: t.integer().notNull(),
    settled: t.integer().notNull(),
    /** `tasks - settled`: each has a `batch_skipped` timeline entry with the reason. */
    skipped: t.integer().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.integer().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({
    providerIdx: index().on(table.provider),
    txIdx: index().on(table.txHash),
  }),
);

export const taskEvent = onchainTable(
  "task_events",
  (t) => ({
    /** `<txHash>-<logIndex>` */
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    kind: t.text().$type<TaskEventKind>().notNull(),
    provider: t.hex(),
    amount: t.bigint(),
    /** Event-specific fields (bond, claims, commitment, result hash, outcome, reopened, ...). */
    data: t.json().$type<Record<string, string | number | boolean | null>>().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.integer().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({
    taskIdx: index().on(table.taskId, table.blockNumber, table.logIndex),
    providerIdx: index().on(table.provider),
  }),
);

/**
 * One row per (task, provider): the provider's position in the task. A ZK re-claim after expiry, or a REDUNDANT
 * claim after the provider left, starts it afresh; a further REDUNDANT draw adds a vote and a bond.
 */
export const taskClaim = onchainTable(
  "task_claims",
  (t) => ({
    taskId: t.bigint().notNull(),
    provider: t.hex().notNull(),
    operator: t.hex().notNull(),
    /** Bonds locked for this task (REDUNDANT: one per draw held). */
    bond: t.bigint().notNull(),
    /** REDUNDANT: bitmask of the draws held (bit j: draw j) and their number, the provider's votes. */
    draws: t.integer().notNull(),
    votes: t.integer().notNull(),
    attempts: t.integer().notNull(),
    claimedAt: t.integer().notNull(),
    commitment: t.hex(),
    committedAt: t.integer(),
    resultHash: t.hex(),
    resultUri: t.text(),
    revealedAt: t.integer(),
    /** pending | paid | penalized | bond_returned | left (left an unfilled REDUNDANT task, bonds back) */
    outcome: t.text().$type<"pending" | "paid" | "penalized" | "bond_returned" | "left">().notNull(),
    penalty: t.text().$type<ReputationOutcome>(),
    payout: t.bigint(),
    updatedAt: t.integer().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.taskId, table.provider] }),
    providerIdx: index().on(table.provider),
  }),
);

// ─────────────────────────────────────────── providers ───────────────────────────────────────────

export type Resources = {
  vramMiB: number;
  computeCapability: number;
  cpuCores: number;
  ramMiB: number;
  storageGiB: number;
  bandwidthMbps: number;
  benchmarkScore: number;
  region: number;
};

export type ReputationOutcome =
  "Success" | "WrongResult" | "MissedDeadline" | "NoReveal" | "FailedAudit" | "MissedAudit";

export const provider = onchainTable(
  "providers",
  (t) => ({
    address: t.hex().primaryKey(),
    registered: t.boolean().notNull(),
    active: t.boolean().notNull(),
    registeredAt: t.integer(),
    // profile and resources
    gpuModel: t.text(),
    x25519PublicKey: t.hex(),
    metadataUri: t.text(),
    vramMiB: t.integer(),
    computeCapability: t.integer(),
    cpuCores: t.integer(),
    ramMiB: t.integer(),
    storageGiB: t.integer(),
    bandwidthMbps: t.integer(),
    benchmarkScore: t.integer(),
    region: t.integer(),
    /** Low | Medium | High under the current class thresholds. */
    benchmarkClass: t.text().$type<"Low" | "Medium" | "High">(),
    operatorCount: t.integer().notNull(),
    lastHeartbeat: t.integer(),
    heartbeats: t.integer().notNull(),
    // vault
    stake: t.bigint().notNull(),
    locked: t.bigint().notNull(),
    unbonding: t.bigint().notNull(),
    unbondingReleaseAt: t.integer().notNull(),
    slashed: t.bigint().notNull(),
    slashCount: t.integer().notNull(),
    // reputation as of `reputationUpdatedAt` (the API decays it to the chain head, as the contract's views do)
    trust: t.integer(),
    availability: t.integer(),
    tier: t.integer().notNull(),
    completed: t.integer().notNull(),
    failed: t.integer().notNull(),
    violations: t.integer().notNull(),
    reputationUpdatedAt: t.integer().notNull(),
    /** Time of the first recorded outcome (`Record.firstRecordedAt`; 0 before any): tiers 2 and 3 need an age. */
    firstRecordedAt: t.integer().notNull(),
    suspendedUntil: t.integer().notNull(),
    banned: t.boolean().notNull(),
    // market
    /** Provider payments credited, converted to EAI at each token's rate. */
    earningsEai: t.bigint().notNull(),
    tasksClaimed: t.integer().notNull(),
    /** Last ProviderPenalized seen (links the vault's ProviderSlashed of the same transaction to its task). */
    lastPenaltyTx: t.hex(),
    lastPenaltyTask: t.bigint(),
    lastPenaltyOutcome: t.text().$type<ReputationOutcome>(),
    updatedAt: t.integer().notNull(),
  }),
  (table) => ({
    activeIdx: index().on(table.active),
  }),
);

/** An account authorised by a provider (an account operates for at most one provider at a time). */
export const operator = onchainTable(
  "operators",
  (t) => ({
    address: t.hex().primaryKey(),
    provider: t.hex().notNull(),
    authorized: t.boolean().notNull(),
    authorizedAt: t.integer().notNull(),
    revokedAt: t.integer(),
  }),
  (table) => ({ providerIdx: index().on(table.provider) }),
);

/** Operator offers (two-step operators): open until the operator accepts or either side withdraws it. */
export const operatorOffer = onchainTable(
  "operator_offers",
  (t) => ({
    provider: t.hex().notNull(),
    operator: t.hex().notNull(),
    open: t.boolean().notNull(),
    offeredAt: t.integer().notNull(),
    closedAt: t.integer(),
    /** accepted | withdrawn (by the provider or declined by the operator: `closedBy`) */
    closedAs: t.text().$type<"accepted" | "withdrawn">(),
    closedBy: t.hex(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.provider, table.operator] }),
    operatorIdx: index().on(table.operator),
  }),
);

export const model = onchainTable(
  "models",
  (t) => ({
    id: t.bigint().primaryKey(),
    creator: t.hex().notNull(),
    kind: t.text().$type<"ZK_MLP" | "ONNX" | "WASM">().notNull(),
    verifier: t.hex().notNull(),
    weightsCommitment: t.bigint().notNull(),
    artifactUri: t.text().notNull(),
    inputSize: t.integer().notNull(),
    outputSize: t.integer().notNull(),
    minResources: t.json().$type<Resources>().notNull(),
    /** Shortest execution window a task on the model may ask for (seconds; governed). */
    minExecWindow: t.integer().notNull(),
    /** How results are made reproducible (`ExecutionProfile`, decimal strings for the wide fields). */
    profile: t.json().$type<Record<string, string | number | boolean>>().notNull(),
    registeredAt: t.integer().notNull(),
    active: t.boolean().notNull(),
    adminLocked: t.boolean().notNull(),
    /** Approved by governance: only approved models' tasks can be rated. */
    approved: t.boolean().notNull(),
    tasks: t.integer().notNull(),
    completedTasks: t.integer().notNull(),
  }),
  (table) => ({ creatorIdx: index().on(table.creator) }),
);

// ───────────────────────────────────────── money movements ─────────────────────────────────────────

/** Credits of the market (per token) and of the vault (slash shares, EAI), as `creditOf` on each contract. */
export const credit = onchainTable(
  "credits",
  (t) => ({
    ledger: t.text().$type<"market" | "vault">().notNull(),
    account: t.hex().notNull(),
    token: t.hex().notNull(),
    amount: t.bigint().notNull(),
    totalCredited: t.bigint().notNull(),
    totalWithdrawn: t.bigint().notNull(),
    updatedAt: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.ledger, table.account, table.token] }) }),
);

/** Every credit of a settlement: provider payments, treasury and creator fees, refunds. */
export const payment = onchainTable(
  "payments",
  (t) => ({
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    kind: t.text().$type<"provider" | "treasury_fee" | "creator_fee" | "refund">().notNull(),
    account: t.hex().notNull(),
    token: t.hex().notNull(),
    amount: t.bigint().notNull(),
    timestamp: t.integer().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId), accountIdx: index().on(table.account) }),
);

export const withdrawal = onchainTable(
  "withdrawals",
  (t) => ({
    id: t.text().primaryKey(),
    /** market: TaskMarket.withdraw; unbonded: StakingVault.withdraw; vault_credit: StakingVault.claimCredit */
    source: t.text().$type<"market" | "unbonded" | "vault_credit">().notNull(),
    account: t.hex().notNull(),
    token: t.hex().notNull(),
    amount: t.bigint().notNull(),
    timestamp: t.integer().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account) }),
);

export const stakeEvent = onchainTable(
  "stake_events",
  (t) => ({
    id: t.text().primaryKey(),
    provider: t.hex().notNull(),
    kind: t
      .text()
      .$type<
        | "staked"
        | "unstake_requested"
        | "unstake_cancelled"
        | "withdrawn"
        | "bond_locked"
        | "bond_released"
        | "slashed"
      >()
      .notNull(),
    amount: t.bigint().notNull(),
    funder: t.hex(),
    stakeAfter: t.bigint(),
    lockedAfter: t.bigint(),
    unbondingAfter: t.bigint(),
    releaseAt: t.integer(),
    timestamp: t.integer().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ providerIdx: index().on(table.provider, table.timestamp) }),
);

export const slash = onchainTable(
  "slashes",
  (t) => ({
    id: t.text().primaryKey(),
    provider: t.hex().notNull(),
    taskId: t.bigint(),
    outcome: t.text().$type<ReputationOutcome>(),
    harmed: t.hex().notNull(),
    caller: t.hex().notNull(),
    role: t.hex().notNull(),
    amount: t.bigint().notNull(),
    harmedShare: t.bigint().notNull(),
    treasuryShare: t.bigint().notNull(),
    stakeAfter: t.bigint().notNull(),
    lockedAfter: t.bigint().notNull(),
    unbondingAfter: t.bigint().notNull(),
    timestamp: t.integer().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ providerIdx: index().on(table.provider) }),
);

export const reputationEvent = onchainTable(
  "reputation_events",
  (t) => ({
    id: t.text().primaryKey(),
    provider: t.hex().notNull(),
    kind: t.text().$type<"updated" | "suspended" | "banned">().notNull(),
    outcome: t.text().$type<ReputationOutcome>(),
    trust: t.integer(),
    availability: t.integer(),
    tier: t.integer(),
    completed: t.integer(),
    failed: t.integer(),
    violations: t.integer(),
    suspendedUntil: t.integer(),
    timestamp: t.integer().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ providerIdx: index().on(table.provider, table.timestamp) }),
);

// ──────────────────────────────────────────── governance ────────────────────────────────────────────

export const proposal = onchainTable("proposals", (t) => ({
  id: t.bigint().primaryKey(),
  proposer: t.hex().notNull(),
  targets: t.json().$type<string[]>().notNull(),
  values: t.json().$type<string[]>().notNull(),
  signatures: t.json().$type<string[]>().notNull(),
  calldatas: t.json().$type<string[]>().notNull(),
  description: t.text().notNull(),
  /** Vote snapshot and start (seconds: the token's clock is a timestamp clock). */
  voteStart: t.bigint().notNull(),
  voteEnd: t.bigint().notNull(),
  forVotes: t.bigint().notNull(),
  againstVotes: t.bigint().notNull(),
  abstainVotes: t.bigint().notNull(),
  voters: t.integer().notNull(),
  createdAt: t.integer().notNull(),
  queuedAt: t.integer(),
  eta: t.bigint(),
  executedAt: t.integer(),
  canceledAt: t.integer(),
  txHash: t.hex().notNull(),
}));

export const vote = onchainTable(
  "votes",
  (t) => ({
    proposalId: t.bigint().notNull(),
    voter: t.hex().notNull(),
    /** 0 against, 1 for, 2 abstain */
    support: t.integer().notNull(),
    weight: t.bigint().notNull(),
    reason: t.text().notNull(),
    params: t.hex(),
    timestamp: t.integer().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.proposalId, table.voter] }) }),
);

/** Accounts with voting power (or that had some), as `EAIToken.getVotes`. */
export const delegate = onchainTable("delegates", (t) => ({
  address: t.hex().primaryKey(),
  votes: t.bigint().notNull(),
  delegators: t.integer().notNull(),
  updatedAt: t.integer().notNull(),
}));

/** EAI holders: balance from Transfer, delegate from DelegateChanged. */
export const tokenHolder = onchainTable(
  "token_holders",
  (t) => ({
    address: t.hex().primaryKey(),
    balance: t.bigint().notNull(),
    delegate: t.hex(),
    updatedAt: t.integer().notNull(),
  }),
  (table) => ({ balanceIdx: index().on(table.balance) }),
);

/** ERC-20 allowances of EAI, as `EAIToken.allowance(owner, spender)`. */
export const allowance = onchainTable(
  "allowances",
  (t) => ({
    owner: t.hex().notNull(),
    spender: t.hex().notNull(),
    amount: t.bigint().notNull(),
    updatedAt: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.owner, table.spender] }) }),
);

/** Total supply after each block that minted or burned (the quorum is a fraction of it at the snapshot). */
export const supplyCheckpoint = onchainTable("supply_checkpoints", (t) => ({
  blockNumber: t.bigint().primaryKey(),
  timestamp: t.integer().notNull(),
  totalSupply: t.bigint().notNull(),
}));

export const timelockOperation = onchainTable("timelock_operations", (t) => ({
  id: t.hex().primaryKey(),
  calls: t.json().$type<{ index: number; target: string; value: string; data: string }[]>().notNull(),
  predecessor: t.hex(),
  salt: t.hex(),
  delay: t.bigint().notNull(),
  status: t.text().$type<"scheduled" | "executed" | "cancelled">().notNull(),
  scheduledAt: t.integer().notNull(),
  readyAt: t.integer().notNull(),
  executedAt: t.integer(),
}));

// ─────────────────────────────────────────── parameters ───────────────────────────────────────────

/** Verifier code hashes governance allowlisted (a ZK model can be approved only with an allowlisted verifier). */
export const verifierCodeHash = onchainTable("verifier_code_hashes", (t) => ({
  codeHash: t.hex().primaryKey(),
  approved: t.boolean().notNull(),
  updatedAt: t.integer().notNull(),
}));

/** Current governed parameters per contract (`market`, `stake`, `reputation`, `classes`, `vault`, `governor`, ...). */
export const protocolParam = onchainTable("protocol_params", (t) => ({
  key: t.text().primaryKey(),
  value: t.json().$type<Record<string, string | number | boolean>>().notNull(),
  updatedAt: t.integer().notNull(),
}));

export const paymentToken = onchainTable("payment_tokens", (t) => ({
  address: t.hex().primaryKey(),
  allowed: t.boolean().notNull(),
  eaiPerToken: t.bigint().notNull(),
  updatedAt: t.integer().notNull(),
}));

/** Roles currently held, per contract (from RoleGranted / RoleRevoked). */
export const roleMember = onchainTable(
  "role_members",
  (t) => ({
    contract: t.text().notNull(),
    role: t.hex().notNull(),
    account: t.hex().notNull(),
    granted: t.boolean().notNull(),
    updatedAt: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.contract, table.role, table.account] }) }),
);

/** Audit log of every administrative event: parameter changes, roles, pauses, mints, governor settings. */
export const adminEvent = onchainTable(
  "admin_events",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.text().notNull(),
    event: t.text().notNull(),
    args: t.json().$type<Record<string, unknown>>().notNull(),
    timestamp: t.integer().notNull(),
    blockNumber: t.bigint().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ eventIdx: index().on(table.contract, table.event) }),
);

// ──────────────────────────────────────────── statistics ────────────────────────────────────────────

/** Network statistics per UTC day (block time). */
export const dailyStat = onchainTable("daily_stats", (t) => ({
  /** YYYY-MM-DD */
  day: t.text().primaryKey(),
  tasksSubmitted: t.integer().notNull(),
  tasksCompleted: t.integer().notNull(),
  tasksRefunded: t.integer().notNull(),
  tasksCancelled: t.integer().notNull(),
  tasksExpired: t.integer().notNull(),
  tasksFaulted: t.integer().notNull(),
  /** Rewards submitted, in EAI. */
  volumeSubmitted: t.bigint().notNull(),
  /** Rewards of completed tasks, in EAI. */
  volumeCompleted: t.bigint().notNull(),
  providerPayouts: t.bigint().notNull(),
  fees: t.bigint().notNull(),
  slashed: t.bigint().notNull(),
  /** Providers that claimed, settled, staked or sent a heartbeat that day. */
  activeProviders: t.integer().notNull(),
  latencySum: t.bigint().notNull(),
  latencyCount: t.integer().notNull(),
  /** Sum and count of submit → completion seconds of the tasks completed that day. */
  settleSum: t.bigint().notNull(),
  settleCount: t.integer().notNull(),
}));

/**
 * Network totals in one row (`id = "network"`), kept by the handlers as the events arrive (`indexer/src/figures.ts`):
 * every write of a `tasks`, `providers` or `token_holders` row adds what the row contributes now minus what it
 * contributed before, so each figure always equals the aggregate over those tables, and `/stats` reads one row
 * instead of scanning them.
 */
export const networkStat = onchainTable("network_stats", (t) => ({
  id: t.text().primaryKey(),
  tasksOpen: t.integer().notNull(),
  tasksClaimed: t.integer().notNull(),
  tasksCompleted: t.integer().notNull(),
  tasksCancelled: t.integer().notNull(),
  tasksRefunded: t.integer().notNull(),
  tasksFaulted: t.integer().notNull(),
  /** Σ `tasks.reward_eai`. */
  volumeSubmitted: t.bigint().notNull(),
  /** Σ `tasks.reward_eai` of completed tasks. */
  volumeCompleted: t.bigint().notNull(),
  /** Σ `tasks.treasury_fee + tasks.creator_fee` (token units, as credited). */
  fees: t.bigint().notNull(),
  /** Σ and count of `tasks.claim_to_completion` (completed after a claim). */
  latencySum: t.bigint().notNull(),
  latencyCount: t.integer().notNull(),
  /** Σ and count of `tasks.submit_to_completion` (completed). */
  settleSum: t.bigint().notNull(),
  settleCount: t.integer().notNull(),
  providersRegistered: t.integer().notNull(),
  /** Registered and active. */
  providersActive: t.integer().notNull(),
  /** Σ over providers of stake, locked, unbonding, slashed and earnings (EAI). */
  stake: t.bigint().notNull(),
  locked: t.bigint().notNull(),
  unbonding: t.bigint().notNull(),
  slashed: t.bigint().notNull(),
  providerEarnings: t.bigint().notNull(),
  models: t.integer().notNull(),
  proposals: t.integer().notNull(),
  /** EAI holders with a positive balance. */
  holders: t.integer().notNull(),
  /** EAI total supply (mints minus burns). */
  totalSupply: t.bigint().notNull(),
}));

export const dailyActiveProvider = onchainTable(
  "daily_active_providers",
  (t) => ({
    day: t.text().notNull(),
    provider: t.hex().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.day, table.provider] }) }),
);

/**
 * Mining-rewards epochs (MiningRewards): fees collected, the close, the current root and its bound, the
 * contribution multiplier, the network's verified compute (the points the root was computed with, in CPU-seconds)
 * and claims. Per-owner points are not in the events: `eai rewards root EPOCH` recomputes them from the chain.
 */
export const rewardEpoch = onchainTable("reward_epochs", (t) => ({
  epoch: t.bigint().primaryKey(),
  /** open | closed | proposed | challenged | finalized */
  status: t.text().notNull(),
  fees: t.bigint().notNull(),
  closeBlock: t.bigint(),
  closedAt: t.integer(),
  root: t.hex(),
  total: t.bigint().notNull(),
  payable: t.bigint(),
  schedule: t.bigint(),
  multiplierWad: t.bigint(),
  computeSeconds: t.bigint(),
  cumulativeComputeSeconds: t.bigint(),
  carry: t.bigint(),
  proposer: t.hex(),
  challenger: t.hex(),
  proposedAt: t.integer(),
  finalizedAt: t.integer(),
  vetoes: t.integer().notNull(),
  claimed: t.bigint().notNull(),
  claims: t.integer().notNull(),
}));

export const rewardClaim = onchainTable(
  "reward_claims",
  (t) => ({
    id: t.text().primaryKey(),
    epoch: t.bigint().notNull(),
    owner: t.hex().notNull(),
    amount: t.bigint().notNull(),
    caller: t.hex().notNull(),
    timestamp: t.integer().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ ownerIdx: index().on(table.owner), epochIdx: index().on(table.epoch) }),
);

/** Emissions per day (EAI minted by reward claims) and the fees collected for emissions that day. */
export const rewardDaily = onchainTable("reward_daily", (t) => ({
  /** YYYY-MM-DD */
  day: t.text().primaryKey(),
  minted: t.bigint().notNull(),
  claims: t.integer().notNull(),
  fees: t.bigint().notNull(),
}));

// ─────────────────────────────────────────── OPTIMISTIC ───────────────────────────────────────────

/** Life-cycle state of an OPTIMISTIC task, as `IOptimisticMarket.Status` (None is never stored). */
export const OPTIMISTIC_STATUSES = [
  "Open",
  "Claimed",
  "Committed",
  "Challenged",
  "Settled",
  "Refunded",
  "Overturned",
  "Voided",
  "Faulted",
] as const;
export type OptimisticStatus = (typeof OPTIMISTIC_STATUSES)[number];

/** Random audit state of a committed task, as `IOptimisticMarket.AuditState`. */
export const AUDIT_STATES = [
  "Undrawn",
  "NotSelected",
  "Selected",
  "Taken",
  "Passed",
  "Missed",
  "Disputed",
  "Unclaimed",
] as const;
export type AuditState = (typeof AUDIT_STATES)[number];

/** How a dispute ended, as `IOptimisticMarket.Verdict`. */
export const VERDICTS = ["ProviderWins", "ChallengerWins", "Void"] as const;
export type Verdict = (typeof VERDICTS)[number];

/**
 * What an audit came to, for the auditor's history: `pending` (selected or taken, not closed), `passed` (confirmed and
 * the result stood), `overturned` (confirmed, then a jury overturned the result: the auditor's bond slashed),
 * `missed` (taken, deadline passed: slashed), `unclaimed` (nobody took it, or another party's challenge made it
 * moot), `disputed` (the auditor challenged; the jury has not decided), `upheld` (the auditor's challenge won: a
 * failed audit of the provider), `rejected` (the auditor's challenge lost), `void` (its dispute was void).
 */
export const AUDIT_OUTCOMES = [
  "pending",
  "passed",
  "overturned",
  "missed",
  "unclaimed",
  "disputed",
  "upheld",
  "rejected",
  "void",
] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * OPTIMISTIC tasks (OptimisticMarket), one row per task, kept from the market's events: as `getTask(id)` for the
 * fields the events carry, plus how the task ended (settlement split, fault refund or refund).
 */
export const optimisticTask = onchainTable(
  "optimistic_tasks",
  (t) => ({
    id: t.bigint().primaryKey(),
    requester: t.hex().notNull(),
    modelId: t.bigint().notNull(),
    reward: t.bigint().notNull(),
    /** Time by which a result must be committed. */
    deadline: t.integer().notNull(),
    minTier: t.integer().notNull(),
    inputCommitment: t.hex().notNull(),
    inputUri: t.text().notNull(),
    status: t.text().$type<OptimisticStatus>().notNull(),
    /** The provider (owner) that claimed, and the account that sent the claim (it or an operator). */
    provider: t.hex(),
    claimedBy: t.hex(),
    bond: t.bigint(),
    claimedAt: t.integer(),
    resultHash: t.hex(),
    resultUri: t.text(),
    committedAt: t.integer(),
    /** Last second of the challenge window (`ResultPosted.challengeEnds`). */
    challengeEnds: t.integer(),
    audit: t.text().$type<AuditState>(),
    /** The audit draw used the fallback (seed block too old): always audited. */
    auditFallback: t.boolean(),
    auditDeadline: t.integer(),
    auditor: t.hex(),
    auditorBond: t.bigint(),
    challenger: t.hex(),
    challengeBond: t.bigint(),
    challengedByAuditor: t.boolean(),
    challengedAt: t.integer(),
    disputeId: t.bigint(),
    verdict: t.text().$type<Verdict>(),
    // settlement (TaskSettled), fault (TaskFaulted) or refund (TaskRefunded)
    providerAmount: t.bigint(),
    creatorAmount: t.bigint(),
    treasuryAmount: t.bigint(),
    auditFee: t.bigint(),
    refundAmount: t.bigint(),
    closedAt: t.integer(),
    createdAt: t.integer().notNull(),
    createdBlock: t.bigint().notNull(),
    postedTx: t.hex().notNull(),
    updatedAt: t.integer().notNull(),
  }),
  (table) => ({
    requesterIdx: index().on(table.requester),
    providerIdx: index().on(table.provider),
    statusIdx: index().on(table.status),
    auditorIdx: index().on(table.auditor),
  }),
);

/** Timeline of an OPTIMISTIC task: every market event naming it (`kind` is the event name, `data` its fields). */
export const optimisticTaskEvent = onchainTable(
  "optimistic_task_events",
  (t) => ({
    /** `<txHash>-<logIndex>` */
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    kind: t.text().notNull(),
    account: t.hex(),
    data: t.json().$type<Record<string, unknown>>().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.integer().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId, table.blockNumber, table.logIndex) }),
);

/**
 * Random audits of OPTIMISTIC tasks: one row per task selected for audit (`AuditDrawn.selected`), with its auditor
 * once taken and what it came to (`AUDIT_OUTCOMES`). The history of a provider as auditor and as audited provider.
 */
export const optimisticAudit = onchainTable(
  "optimistic_audits",
  (t) => ({
    taskId: t.bigint().primaryKey(),
    /** The audited provider. */
    provider: t.hex().notNull(),
    auditor: t.hex(),
    bond: t.bigint(),
    state: t.text().$type<AuditState>().notNull(),
    outcome: t.text().$type<AuditOutcome>().notNull(),
    fallbackUsed: t.boolean().notNull(),
    selectedAt: t.integer().notNull(),
    deadline: t.integer().notNull(),
    takenAt: t.integer(),
    closedAt: t.integer(),
    /** The auditor's fee of a passed audit (paid at settlement). */
    fee: t.bigint(),
    /** The auditor's bond slashed (missed audit, or a passed result a jury overturned). */
    slashed: t.bigint(),
    disputeId: t.bigint(),
    updatedAt: t.integer().notNull(),
  }),
  (table) => ({ providerIdx: index().on(table.provider), auditorIdx: index().on(table.auditor) }),
);

/** Disputes of OPTIMISTIC results (DisputeManager): the parties, bonds, jury rounds and the verdict. */
export const dispute = onchainTable(
  "disputes",
  (t) => ({
    id: t.bigint().primaryKey(),
    taskId: t.bigint().notNull(),
    provider: t.hex().notNull(),
    challenger: t.hex().notNull(),
    byAuditor: t.boolean().notNull(),
    providerResult: t.hex().notNull(),
    providerBond: t.bigint().notNull(),
    challengeBond: t.bigint().notNull(),
    /** open | resolved */
    status: t.text().$type<"open" | "resolved">().notNull(),
    /** The current (last) round, 0-based, and the rounds started (a restart on a new seed counts once). */
    round: t.integer().notNull(),
    rounds: t.integer().notNull(),
    failedRounds: t.integer().notNull(),
    roundStart: t.integer().notNull(),
    seedBlock: t.bigint().notNull(),
    verdict: t.text().$type<Verdict>(),
    majorityResult: t.hex(),
    toWinner: t.bigint(),
    toJurors: t.bigint(),
    toTreasury: t.bigint(),
    /** Σ juror bonds slashed over the rounds (`JurorPenalized.amount`; the vault keeps its treasury share of each). */
    forfeited: t.bigint().notNull(),
    openedAt: t.integer().notNull(),
    resolvedAt: t.integer(),
    openedTx: t.hex().notNull(),
    resolvedTx: t.hex(),
    updatedAt: t.integer().notNull(),
  }),
  (table) => ({
    taskIdx: index().on(table.taskId),
    providerIdx: index().on(table.provider),
    challengerIdx: index().on(table.challenger),
  }),
);

/** Jury rounds of a dispute. */
export const juryRound = onchainTable(
  "jury_rounds",
  (t) => ({
    disputeId: t.bigint().notNull(),
    round: t.integer().notNull(),
    seedBlock: t.bigint().notNull(),
    startedAt: t.integer().notNull(),
    /** Restarts on a new seed (nobody sat within 256 blocks of the seed block). */
    restarts: t.integer().notNull(),
    jurors: t.integer().notNull(),
    draws: t.integer().notNull(),
    commits: t.integer().notNull(),
    reveals: t.integer().notNull(),
    /** open | failed (no strict majority: a new round) | decided */
    outcome: t.text().$type<"open" | "failed" | "decided">().notNull(),
    endedAt: t.integer(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.disputeId, table.round] }) }),
);

/** A juror's seat in one round: its draws (votes), its commitment, its revealed result, penalty and pay. */
export const jurySeat = onchainTable(
  "jury_seats",
  (t) => ({
    disputeId: t.bigint().notNull(),
    round: t.integer().notNull(),
    juror: t.hex().notNull(),
    /** Bit mask of the draws held, and their number (the juror's votes). */
    draws: t.integer().notNull(),
    votes: t.integer().notNull(),
    seatedAt: t.integer().notNull(),
    commitment: t.hex(),
    committedAt: t.integer(),
    result: t.hex(),
    revealedAt: t.integer(),
    /** Penalised: its bonds forfeited (`penaltyRevealed`: with the losing minority; else it did not reveal). */
    penalized: t.boolean().notNull(),
    penalty: t.bigint(),
    penaltyRevealed: t.boolean(),
    /** Credited to it by the dispute (majority juror share). */
    paid: t.bigint().notNull(),
    updatedAt: t.integer().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.disputeId, table.round, table.juror] }),
    jurorIdx: index().on(table.juror),
  }),
);

/** Credits of the dispute manager (`Credited`): winner, jurors, treasury, a void dispute's bond back. */
export const disputeCredit = onchainTable(
  "dispute_credits",
  (t) => ({
    id: t.text().primaryKey(),
    disputeId: t.bigint().notNull(),
    account: t.hex().notNull(),
    amount: t.bigint().notNull(),
    timestamp: t.integer().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ disputeIdx: index().on(table.disputeId), accountIdx: index().on(table.account) }),
);

/** Withdrawals from the OPTIMISTIC market and the dispute manager (each holds its own credits). */
export const optimisticWithdrawal = onchainTable(
  "optimistic_withdrawals",
  (t) => ({
    id: t.text().primaryKey(),
    source: t.text().$type<"optimistic_market" | "dispute_manager">().notNull(),
    account: t.hex().notNull(),
    amount: t.bigint().notNull(),
    timestamp: t.integer().notNull(),
    txHash: t.hex().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account) }),
);

// ───────────────────────────────────────────── relations ─────────────────────────────────────────────

export const taskRelations = relations(task, ({ many, one }) => ({
  events: many(taskEvent),
  claimants: many(taskClaim),
  payments: many(payment),
  model: one(model, { fields: [task.modelId], references: [model.id] }),
}));
export const taskEventRelations = relations(taskEvent, ({ one }) => ({
  task: one(task, { fields: [taskEvent.taskId], references: [task.id] }),
}));
export const taskClaimRelations = relations(taskClaim, ({ one }) => ({
  task: one(task, { fields: [taskClaim.taskId], references: [task.id] }),
  provider: one(provider, { fields: [taskClaim.provider], references: [provider.address] }),
}));
export const paymentRelations = relations(payment, ({ one }) => ({
  task: one(task, { fields: [payment.taskId], references: [task.id] }),
}));
export const providerRelations = relations(provider, ({ many }) => ({
  claims: many(taskClaim),
  operators: many(operator),
  stakeEvents: many(stakeEvent),
  slashes: many(slash),
  reputationHistory: many(reputationEvent),
}));
export const operatorRelations = relations(operator, ({ one }) => ({
  provider: one(provider, { fields: [operator.provider], references: [provider.address] }),
}));
export const stakeEventRelations = relations(stakeEvent, ({ one }) => ({
  provider: one(provider, { fields: [stakeEvent.provider], references: [provider.address] }),
}));
export const slashRelations = relations(slash, ({ one }) => ({
  provider: one(provider, { fields: [slash.provider], references: [provider.address] }),
}));
export const reputationEventRelations = relations(reputationEvent, ({ one }) => ({
  provider: one(provider, { fields: [reputationEvent.provider], references: [provider.address] }),
}));
/** `taskList`, not `tasks`: a relation of that name would hide the `tasks` count column in GraphQL. */
export const modelRelations = relations(model, ({ many }) => ({ taskList: many(task) }));
export const proposalRelations = relations(proposal, ({ many }) => ({ votes: many(vote) }));
export const voteRelations = relations(vote, ({ one }) => ({
  proposal: one(proposal, { fields: [vote.proposalId], references: [proposal.id] }),
}));
export const optimisticTaskRelations = relations(optimisticTask, ({ many }) => ({
  events: many(optimisticTaskEvent),
  disputes: many(dispute),
}));
export const optimisticTaskEventRelations = relations(optimisticTaskEvent, ({ one }) => ({
  task: one(optimisticTask, { fields: [optimisticTaskEvent.taskId], references: [optimisticTask.id] }),
}));
export const disputeRelations = relations(dispute, ({ many, one }) => ({
  task: one(optimisticTask, { fields: [dispute.taskId], references: [optimisticTask.id] }),
  juryRounds: many(juryRound),
  seats: many(jurySeat),
  credits: many(disputeCredit),
}));
export const juryRoundRelations = relations(juryRound, ({ one }) => ({
  dispute: one(dispute, { fields: [juryRound.disputeId], references: [dispute.id] }),
}));
export const jurySeatRelations = relations(jurySeat, ({ one }) => ({
  dispute: one(dispute, { fields: [jurySeat.disputeId], references: [dispute.id] }),
}));
export const disputeCreditRelations = relations(disputeCredit, ({ one }) => ({
  dispute: one(dispute, { fields: [disputeCredit.disputeId], references: [dispute.id] }),
}));
