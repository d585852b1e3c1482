/**
 * The provider worker: start-up (state, keys, chain, hardware, registration, stake), then a loop that watches the
 * market, claims what the filter accepts, and drives every claimed task to settlement through a persisted phase
 * machine. Every phase change is written to the state store before the next transaction is signed, so a worker
 * killed at any point resumes from its state on restart (docs/WORKER.md, "Task life cycle").
 *
 *   ZK:        claiming → claimed → (execute + prove) proved → (submitProof) submitted → settled
 *   ZK direct: (rank turn, still Open) proving → (execute + prove) proved → (submitProof on the Open task)
 *              submitted → settled; dropped without a transaction when another provider settles or claims first
 *   ZK hybrid: rank 0 takes the direct path; a lower rank whose turn comes while the task is still Open takes the
 *              claim path (claimTask locks the task, so no further duplicate proofs)
 *   REDUNDANT: (candidate: input checked, turn read from TaskMarket.claimableAt) preparing → (execute + upload,
 *              or a task-fault vote when the model or input cannot be executed) prepared → (at the turn) claiming
 *              → claimed → (commitResult) committed [→ further draws at their turns; leaveTask when the draws do
 *              not fill in time] → (revealResult) revealed → (finalizeTask if needed) settled. The result is ready
 *              before the bond is locked, so the worker never claims what it cannot deliver.
 *   ZK tasks are only proved for a verifier whose code is one this worker's circuits generate (a verifier that
 *   rejects valid proofs would get the claimant slashed).
 */
import { randomBytes } from "node:crypto";
import {
  modelRegistryAbi,
  providerRegistryAbi,
  reputationAbi,
  stakingVaultAbi,
  taskMarketAbi,
} from "@eai/sdk/abis";
import { openBlobStorage, type BlobStorage } from "@eai/sdk/storage";
import { decryptWith } from "@eai/sdk/crypto";
import { BATCH_VERIFIER_CODE_HASHES, VERIFIER_CODE_HASHES } from "@eai/sdk/verifiers";
import {
  formatEther,
  keccak256,
  parseEventLogs,
  zeroAddress,
  type Address,
  type Hex,
  type Transport,
} from "viem";
import {
  TASK_FAULT_RESULT,
  TaskStatus,
  VerificationMode,
  resultCommitment,
  resultHashOf,
  sha256CommitmentHex,
  specFromJson,
  specToJson,
  taskBinding,
  type TaskSpec,
} from "../../sdk/src/tasks/index.ts";
import type { BackoffOptions } from "./backoff.ts";
import { benchmarkResources } from "./startup.ts";
import { connectChain, type ChainContext } from "./chain/client.ts";
import { describeError, revertErrorName } from "./chain/errors.ts";
import { ensureProfile, ensureStake } from "./chain/registration.ts";
import { TxRevertedError, TxSubmitter, type TxOutcome } from "./chain/submitter.ts";
import { TaskWatcher, type EventRange, type MarketEvent } from "./chain/watcher.ts";
import { firstBlockAtOrAfter } from "./chain/logs.ts";
import { CatchUpLedger } from "./chain/catchup.ts";
import { storageConfigOf, type ExecutorKind, type WorkerConfig } from "./config.ts";
import { ExecutionError, type Executor, type ModelArtifact } from "./executors/types.ts";
import type { ZkBatchProveResult, ZkBatchSlot, ZkBatchWitness, ZkExecutor } from "./executors/zk-mlp.ts";
import { BatchPipeline, type QueuedTask } from "./zk-batch.ts";
import { ProverError } from "./executors/prover-pool.ts";
import { evaluateTask, type Decision, type FilterContext } from "./filter.ts";
import type { Resources } from "./hardware.ts";
import { fetchTaskInput, InputError } from "./inputs.ts";
import { loadOrCreateX25519Keys, type X25519Keys } from "./keys.ts";
import type { Logger } from "./logger.ts";
import { silentLogger } from "./logger.ts";
import { createMetrics, type WorkerMetrics } from "./metrics.ts";
import { ModelError, ModelStore, type ModelInfo } from "./models.ts";
import type { Signer } from "./keystore.ts";
import { StateStore, type InFlightTask } from "./state.ts";
import { resolveRewardsAddresses, RewardsClaimer } from "./rewards.ts";
import { claimsWhenRanked, firstRanked, ProviderDirectory, rankOf, turnSteps } from "./ranking.ts";
import { OptimisticService, optimisticEnabled, resolveOptimisticAddresses } from "./optimistic/service.ts";

export interface WorkerOptions {
  config: WorkerConfig;
  signer: Signer;
  logger?: Logger;
  metrics?: WorkerMetrics;
  /** Executors for onnx / wasm tasks, keyed by kind (the caller owns and closes them). */
  executors?: Partial<Record<Exclude<ExecutorKind, "zk-mlp">, Executor>>;
  /** The zk-mlp executor (the caller owns and closes it). */
  zkExecutor?: ZkExecutor;
  /** Declared resources and GPU model; when absent, detected and benchmarked at start-up. */
  resources?: Resources;
  gpuModel?: string;
  /** RPC transport override (tests). */
  transport?: Transport;
  /** Blob storage (the caller owns and closes it); default: opened from config.storage and closed by stop(). */
  storage?: BlobStorage;
  backoff?: BackoffOptions;
}

/** Worker-side failures are retried this many times before the task is given up. */
const MAX_ATTEMPTS = 5;
/** Pre-claim input checks that found no blob (yet) before the task is skipped. */
const MAX_INPUT_MISSES = 5;
/** Direct mode: most tasks of a first-ranked provider's backlog a next-ranked worker waits for. */
const MAX_DIRECT_BACKLOG = 32;
/** How many dropped tasks' executor labels are kept for late ProviderPaid/ProviderPenalized events. */
const RECENT_EXECUTORS = 256;
/** Gas floor for submitProof: the pairing must never run short (verifiers return false instead of reverting). */
const SUBMIT_PROOF_MIN_GAS = 700_000n;
/** Gas floor for submitProofBatch of k slots (the verifier's pairing plus the settlement of every task). */
function submitBatchMinGas(k: number): bigint {
  return SUBMIT_PROOF_MIN_GAS + 60_000n * BigInt(k);
}
/** Prove time (witness + proof, ms) assumed per batch size until this worker has measured its own. */
function estimatedBatchMs(k: number): number {
  return 900 + 130 * (k - 1);
}
/** How long a model's registered batch sizes are cached (batch verifiers can be set or cleared at any time). */
const BATCH_SIZES_TTL_MS = 60_000;

/** A task queued for a batched proof. */
interface BatchTask extends QueuedTask {
  key: string;
  spec: TaskSpec;
}
interface BatchWitnessOf {
  tasks: BatchTask[];
  witness: ZkBatchWitness | undefined;
}
interface BatchProofOf {
  tasks: BatchTask[];
  result: ZkBatchProveResult | undefined;
}
/**
 * Gas floor for revealResult: whichever reveal is mined last settles the task (pays, slashes and rates every member;
 * ~247k gas for 3 members, bench:gas), but the estimate is made against the state before the other members'
 * reveals, which is ~78k. Reveals sent together (the usual case: every member sees the last commit in the same
 * block) then ran out of gas, and the task waited for its whole reveal window (600 s) to be finalized.
 */
export function revealMinGas(redundancy: number): bigint {
  return 120_000n + 60_000n * BigInt(redundancy);
}
const ENVELOPE_MAGIC = [0x45, 0x41, 0x49, 0x45, 0x01]; // "EAIE" v1
/** Catch-up window: how much older than (head time − the market's lifetime bound) the first block read may be. */
const CATCH_UP_MARGIN_SEC = 3_600n;

interface Candidate {
  spec: TaskSpec;
  inputUri: string;
  block: bigint;
  inputMisses: number;
  lastDefer?: string;
  /** Direct ZK settlement: this provider's rank for the task and when its turn comes (Date.now() ms). */
  rank?: number;
  notBefore?: number;
  /** Direct ZK settlement: the provider ranked first for the task (cached). */
  first?: Address;
}

export interface WorkerStatus {
  provider: Address;
  signer: Address;
  operatorMode: boolean;
  nextBlock: bigint;
  /** Whether the watcher has read every block up to the head it saw last (no backfill left). */
  caughtUp: boolean;
  candidates: number;
  inFlight: { taskId: string; phase: string; mode: string }[];
  stopping: boolean;
  /** Remote control (docs/WORKER.md, "Remote control"): no new tasks are taken while paused or draining. */
  claimsPaused: boolean;
  draining: boolean;
  /** Draining and nothing left in flight. */
  drained: boolean;
  /** The latest tasks given up or slashed (newest last, at most 50). */
  failures: { at: string; taskId: string; reason: string }[];
}

/** How often stake, gas balance and the last heartbeat are read for the metrics (alert rules). */
const ACCOUNT_METRICS_MS = 60_000;
/** Recent failures kept for `status()` (the control API and the farm view). */
const RECENT_FAILURES = 50;

/** Why a task was given up (task fault) or is to be retried (worker fault). */
class TaskFault extends Error {
  readonly reason: string;
  /** The executor failure behind it, if any (`execution.taskFault`: deterministic, the task's own fault). */
  readonly execution: ExecutionError | undefined;
  constructor(reason: string, message: string, execution?: ExecutionError) {
    super(message);
    this.reason = reason;
    this.execution = execution;
  }
}

/**
 * Whether a task fault is the task's own and the same on every honest machine (so the worker votes the task-fault
 * result): a failure the executor classifies as deterministic, an input that does not match its commitment or
 * cannot be read, a model artifact that is not what the registry names. Faults of this worker (no executor, a
 * profile it cannot honour) are not.
 */
function isDeterministicFault(err: TaskFault): boolean {
  if (err.execution) return err.execution.taskFault;
  return err.reason.startsWith("input-") || err.reason === "bad-model";
}

function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n += 1;
  return n;
}

/** 32 random bytes as 0x-hex (a commit-reveal salt). */
function bytesToHex32(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}

export class ProviderWorker {
  readonly config: WorkerConfig;
  readonly ctx: ChainContext;
  readonly store: StateStore;
  readonly metrics: WorkerMetrics;
  readonly resources: Resources;
  readonly keys: X25519Keys;
  readonly submitter: TxSubmitter;
  readonly #log: Logger;
  readonly #models: ModelStore;
  readonly #storage: BlobStorage;
  readonly #ownsStorage: boolean;
  readonly #executors: Partial<Record<ExecutorKind, Executor>>;
  readonly #zk: ZkExecutor | undefined;
  readonly #enabled: ReadonlySet<ExecutorKind>;
  readonly #minReward: ReadonlyMap<string, bigint>;
  readonly #candidates = new Map<string, Candidate>();
  readonly #ledger = new CatchUpLedger();
  readonly #inputs = new Map<string, Uint8Array>();
  readonly #busy = new Map<string, Promise<void>>();
  readonly #retryAt = new Map<string, number>();
  /**
   * Executor of tasks this worker dropped recently. A task's state is removed as soon as a chain read shows it
   * settled, which can come before the ProviderPaid/ProviderPenalized event is processed; the metrics still need
   * the executor label then. Bounded: the oldest entries go first.
   */
  readonly #recentExecutors = new Map<string, string>();
  readonly #backoff: BackoffOptions | undefined;
  readonly #directory: ProviderDirectory | undefined;
  readonly #wakeTimers = new Set<NodeJS.Timeout>();
  #settlementCache: { at: number; value: { fillTimeout: number; drawStep: number } } | undefined;
  /** Verifier address (lower case) → whether its code is trusted (ZK tasks). */
  readonly #verifierChecks = new Map<string, boolean>();
  /** Moving average of this worker's execution + proof time (ms), for the direct-mode stagger. */
  #proofMsAverage: number | undefined;
  /** Batched ZK proofs (zkBatch.enabled and an executor with batch circuits): the pipeline and the tasks it holds. */
  readonly #batch: BatchPipeline<BatchTask, BatchWitnessOf, BatchProofOf> | undefined;
  readonly #batchOwned = new Set<string>();
  /** Measured (moving average) or estimated witness + proof time per batch size, ms. */
  readonly #batchProveMs = new Map<number, number>();
  /** Usable batch sizes per model (1 and every size with a trusted registered batch verifier), cached. */
  readonly #batchSizes = new Map<bigint, { at: number; sizes: number[] }>();
  #watcher: TaskWatcher | undefined;
  /** OPTIMISTIC roles (optimistic/service.ts); undefined when off or not deployed. */
  #optimistic: OptimisticService | undefined;
  #tick: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #rewardsClaimer: RewardsClaimer | undefined;
  #now = 0;
  /** When `#now` was read (Date.now()): chain time is estimated to advance with wall time between blocks. */
  #nowSeenAt = 0;
  #stopping = false;
  #claimsPaused = false;
  #accountTimer: NodeJS.Timeout | undefined;
  #draining = false;
  readonly #failures: { at: string; taskId: string; reason: string }[] = [];

  private constructor(
    options: WorkerOptions,
    parts: {
      ctx: ChainContext;
      store: StateStore;
      keys: X25519Keys;
      resources: Resources;
      submitter: TxSubmitter;
      storage: BlobStorage;
      ownsStorage: boolean;
    },
  ) {
    this.config = options.config;
    this.ctx = parts.ctx;
    this.store = parts.store;
    this.keys = parts.keys;
    this.resources = parts.resources;
    this.submitter = parts.submitter;
    this.metrics = options.metrics ?? createMetrics({ defaultMetrics: false });
    this.#log = options.logger ?? silentLogger();
    this.#backoff = options.backoff;
    this.#storage = parts.storage;
    this.#ownsStorage = parts.ownsStorage;
    this.#models = new ModelStore({
      ctx: this.ctx,
      stateDir: this.config.stateDir,
      storage: this.#storage,
      maxModelBytes: this.config.limits.maxModelBytes,
    });
    this.#executors = { ...options.executors };
    this.#zk = options.zkExecutor;
    const available = new Set<ExecutorKind>(
      Object.keys(this.#executors).filter((k) => this.#executors[k as ExecutorKind]) as ExecutorKind[],
    );
    if (this.#zk) available.add("zk-mlp");
    this.#enabled = new Set(this.config.executors.filter((k) => available.has(k)));
    this.#minReward = new Map(Object.entries(this.config.minReward).map(([k, v]) => [k.toLowerCase(), v]));
    this.#directory =
      this.config.zkSettlement !== "claim"
        ? new ProviderDirectory({
            ctx: this.ctx,
            refreshMs: this.config.directRefreshMs,
            livenessSec: this.config.directLivenessSec,
            logRangeBlocks: this.config.logRangeBlocks,
          })
        : undefined;
    const batching = this.#zk?.batch;
    if (this.config.zkBatch.enabled && batching && this.config.zkSettlement !== "claim") {
      for (const k of batching.sizes) this.#batchProveMs.set(k, estimatedBatchMs(k));
      this.#batch = new BatchPipeline<BatchTask, BatchWitnessOf, BatchProofOf>({
        options: {
          sizes: [1],
          sizesFor: (modelId) => this.#batchSizes.get(modelId)?.sizes ?? [1],
          proveMs: this.#batchProveMs,
          submitMarginMs: this.config.zkBatch.submitMarginMs,
          flushMs: this.config.zkBatch.flushMs,
          gatherMs: this.config.zkBatch.gatherMs,
        },
        stillOpen: (tasks) => this.#batchStillOpen(tasks),
        witness: (k, tasks) => this.#batchWitness(k, tasks),
        prove: (w) => this.#batchProve(w),
        submit: (k, _tasks, proof) => this.#batchSubmit(k, proof),
        onExpired: (tasks) => {
          for (const t of tasks) {
            this.#batchOwned.delete(t.key);
            void this.#finish(t.key, "failed", "too-late", "its deadline can no longer be met with a proof");
          }
        },
        onError: (err, tasks) => this.#batchError(err, tasks),
      });
    }
  }

  /**
   * Start-up: opens the state, loads (or creates) the X25519 key, connects to the chain, detects hardware and runs
   * the benchmark (unless `resources` is given), registers or updates the profile and tops up the stake.
   * @throws ChainSetupError, ConfigError-like errors with a clear message.
   */
  static async create(options: WorkerOptions): Promise<ProviderWorker> {
    const { config } = options;
    const log = options.logger ?? silentLogger();
    const store = await StateStore.open(config.stateDir);
    const keys = await loadOrCreateX25519Keys(config.stateDir);
    if (keys.created) log.info({ file: keys.file }, "created X25519 key pair");
    const metrics = options.metrics;
    const ctx = await connectChain(config, options.signer, { transport: options.transport });
    const submitter = new TxSubmitter(ctx, {
      gasHeadroomPercent: config.gasHeadroomPercent,
      logger: log,
      backoff: options.backoff,
      onRetry: () => metrics?.rpcErrors.inc({ source: "submitter" }),
    });
    let resources = options.resources;
    let gpuModel = options.gpuModel;
    if (!resources) {
      const detected = await benchmarkResources(config, log);
      resources = detected.resources;
      gpuModel ??= detected.gpuModel;
    }
    await ensureProfile(
      ctx,
      submitter,
      {
        resources,
        gpuModel: gpuModel ?? "cpu",
        x25519PublicKey: keys.publicKey,
        metadataURI: config.metadataURI,
      },
      log,
    );
    if (config.stakeTarget !== undefined) await ensureStake(ctx, submitter, config.stakeTarget, log);
    const storage = options.storage ?? (await openBlobStorage(storageConfigOf(config), log));
    if (!options.storage) log.info({ backend: storage.backend }, "blob storage opened");
    const worker = new ProviderWorker(
      { ...options, metrics },
      { ctx, store, keys, resources, submitter, storage, ownsStorage: options.storage === undefined },
    );
    const optimisticAddresses = await resolveOptimisticAddresses(config);
    if (optimisticEnabled(config, optimisticAddresses) && optimisticAddresses) {
      worker.#optimistic = await OptimisticService.create({
        ctx,
        submitter,
        config,
        addresses: optimisticAddresses,
        models: worker.#models,
        storage,
        executors: worker.#executors,
        enabled: worker.#enabled,
        keys,
        metrics: worker.metrics,
        log,
        accepting: () => !worker.#claimsPaused && !worker.#draining && !worker.#stopping,
      });
    }
    log.info(
      {
        provider: ctx.provider,
        signer: ctx.signer,
        operatorMode: ctx.operatorMode,
        executors: [...worker.#enabled],
        resources,
      },
      "worker ready",
    );
    return worker;
  }

  /** The OPTIMISTIC roles, when enabled (docs/WORKER.md, "OPTIMISTIC tasks"). */
  get optimistic(): OptimisticService | undefined {
    return this.#optimistic;
  }

  /** Resumes persisted tasks, starts watching the market and sending heartbeats. */
  start(): void {
    if (this.#watcher) return;
    this.#stopping = false;
    const last = this.store.get().lastProcessedBlock;
    const fromBlock = last > 0n ? last + 1n : this.ctx.startBlock;
    const resumed = Object.values(this.store.get().tasks);
    if (resumed.length > 0)
      this.#log.info(
        { tasks: resumed.map((t) => `${t.taskId}:${t.phase}`) },
        "resuming tasks from the state store",
      );
    this.#watcher = new TaskWatcher({
      ctx: this.ctx,
      fromBlock,
      pollIntervalMs: this.config.pollIntervalMs,
      maxRange: this.config.logRangeBlocks,
      logger: this.#log,
      backoff: this.#backoff,
      // With no task of its own in flight, the worker needs only the logs of tasks that can still be open.
      floor: resumed.length === 0 ? (from) => this.#catchUpFloor(from) : undefined,
      onEvents: (events, range) => this.#onEvents(events, range),
      onIdle: () => this.#runTick(),
      onRpcError: () => this.metrics.rpcErrors.inc({ source: "watcher" }),
    });
    this.#watcher.start();
    this.#optimistic?.start();
    this.metrics.heartbeatIntervalSeconds.set(this.config.heartbeatIntervalMs / 1000);
    this.#accountTimer = setInterval(() => void this.refreshAccountMetrics(), ACCOUNT_METRICS_MS);
    this.#accountTimer.unref();
    void this.refreshAccountMetrics();
    if (this.config.heartbeatIntervalMs > 0) {
      this.#heartbeat = setInterval(() => void this.heartbeat(), this.config.heartbeatIntervalMs);
      this.#heartbeat.unref();
      void this.heartbeat();
    }
    if (this.config.autoClaim.enabled) void this.#startAutoClaim();
  }

  /** Starts the rewards auto-claim (config `autoClaim`); a missing MiningRewards is logged, not fatal. */
  async #startAutoClaim(): Promise<void> {
    try {
      const addresses = await resolveRewardsAddresses(this.config, this.ctx);
      if (this.#stopping) return;
      this.#rewardsClaimer = new RewardsClaimer({
        publicClient: this.ctx.publicClient,
        addresses,
        owner: this.ctx.provider,
        lookbackEpochs: this.config.autoClaim.lookbackEpochs,
        intervalMs: this.config.autoClaim.intervalMs,
        send: (req) => this.submitter.send(req),
        log: this.#log,
      });
      this.#rewardsClaimer.start();
    } catch (err) {
      this.#log.warn({ err: describeError(err) }, "rewards auto-claim not started");
    }
  }

  /**
   * Graceful stop: no new claims, waits up to `shutdownGraceMs` for steps in progress (their results are persisted
   * as they complete), then stops the watcher and the submitter. Whatever is left resumes on the next start.
   */
  async stop(graceMs = this.config.shutdownGraceMs): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    clearInterval(this.#heartbeat);
    clearInterval(this.#accountTimer);
    await this.#rewardsClaimer?.stop();
    this.#rewardsClaimer = undefined;
    for (const t of this.#wakeTimers) clearTimeout(t);
    this.#wakeTimers.clear();
    const watcher = this.#watcher;
    this.#watcher = undefined;
    this.#batch?.stop();
    const pending = [
      ...this.#busy.values(),
      ...(this.#tick ? [this.#tick] : []),
      ...(this.#batch ? [this.#batch.idle()] : []),
    ];
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.allSettled(pending).then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), graceMs);
      }),
    ]);
    clearTimeout(timer);
    await this.#optimistic?.stop(timedOut ? 0 : graceMs);
    this.submitter.close();
    await watcher?.stop();
    if (this.#ownsStorage) await this.#storage.close();
    const left = Object.values(this.store.get().tasks).map((t) => `${t.taskId}:${t.phase}`);
    this.#log.info({ timedOut, persisted: left }, "worker stopped");
  }

  /**
   * The oldest block a catch-up must read when the worker holds no task: a task is submitted with a deadline at most
   * `maxTaskLifetime` after its creation, and that parameter can never exceed the market's constant
   * `MAX_TASK_LIFETIME` (90 days), so a task created before `head time − MAX_TASK_LIFETIME` has passed its deadline
   * and cannot be served. The constant, not the current parameter: governance may have shortened the lifetime after
   * longer-lived tasks were submitted. An hour of margin on top.
   */
  async #catchUpFloor(from: bigint): Promise<bigint> {
    const { publicClient, addresses } = this.ctx;
    const [lifetime, head] = await Promise.all([
      publicClient.readContract({
        address: addresses.TaskMarket,
        abi: taskMarketAbi,
        functionName: "MAX_TASK_LIFETIME",
      }),
      publicClient.getBlock({ blockTag: "latest" }),
    ]);
    const oldest = head.timestamp - BigInt(lifetime) - CATCH_UP_MARGIN_SEC;
    if (oldest <= 0n || from >= head.number) return from;
    return firstBlockAtOrAfter(publicClient, from, head.number, oldest);
  }

  /** ProviderRegistry.heartbeat (errors are logged, never thrown). */
  async heartbeat(): Promise<void> {
    try {
      await this.submitter.send({
        label: "heartbeat",
        address: this.ctx.addresses.ProviderRegistry,
        abi: providerRegistryAbi,
        functionName: "heartbeat",
        args: [],
      });
      this.metrics.transactions.inc({ action: "heartbeat", result: "mined" });
    } catch (err) {
      this.metrics.transactions.inc({ action: "heartbeat", result: "failed" });
      this.#log.warn({ err: describeError(err) }, "heartbeat failed");
    }
  }

  /** Reads stake, minimum stake, gas balance and last heartbeat into the metrics (errors are logged, never thrown). */
  async refreshAccountMetrics(): Promise<void> {
    const { publicClient: pc, addresses: a, provider, signer } = this.ctx;
    try {
      const [stake, free, params, gas, info] = await Promise.all([
        pc.readContract({
          address: a.StakingVault,
          abi: stakingVaultAbi,
          functionName: "stakeOf",
          args: [provider],
        }),
        pc.readContract({
          address: a.StakingVault,
          abi: stakingVaultAbi,
          functionName: "freeStakeOf",
          args: [provider],
        }),
        pc.readContract({ address: a.TaskMarket, abi: taskMarketAbi, functionName: "stakeParams" }),
        pc.getBalance({ address: signer }),
        pc.readContract({
          address: a.ProviderRegistry,
          abi: providerRegistryAbi,
          functionName: "getProvider",
          args: [provider],
        }),
      ]);
      this.metrics.stakeEai.set(Number(formatEther(stake)));
      this.metrics.freeStakeEai.set(Number(formatEther(free)));
      this.metrics.minProviderStakeEai.set(Number(formatEther(params[1])));
      this.metrics.gasBalanceEth.set(Number(formatEther(gas)));
      this.metrics.lastHeartbeatSeconds.set(Number(info.lastHeartbeat));
    } catch (err) {
      this.metrics.rpcErrors.inc({ source: "account-metrics" });
      this.#log.debug({ err: describeError(err) }, "account metrics not refreshed");
    }
  }

  status(): WorkerStatus {
    return {
      provider: this.ctx.provider,
      signer: this.ctx.signer,
      operatorMode: this.ctx.operatorMode,
      nextBlock: this.#watcher?.nextBlock ?? this.store.get().lastProcessedBlock + 1n,
      caughtUp: this.#watcher?.caughtUp ?? false,
      candidates: this.#candidates.size,
      inFlight: Object.values(this.store.get().tasks).map((t) => ({
        taskId: t.taskId,
        phase: t.phase,
        mode: Number(t.spec.mode) === VerificationMode.ZK ? "ZK" : "REDUNDANT",
      })),
      stopping: this.#stopping,
      claimsPaused: this.#claimsPaused,
      draining: this.#draining,
      drained: this.#draining && Object.keys(this.store.get().tasks).length === 0,
      failures: [...this.#failures],
    };
  }

  /** Stops taking new tasks (tasks in flight go on); `resumeClaims` undoes it. Idempotent. */
  pauseClaims(): void {
    if (!this.#claimsPaused) this.#log.info("claims paused");
    this.#claimsPaused = true;
    this.metrics.claimsPaused.set(1);
  }

  /** Takes new tasks again (ends a pause and a drain). */
  resumeClaims(): void {
    if (this.#claimsPaused || this.#draining) this.#log.info("claims resumed");
    this.#claimsPaused = false;
    this.#draining = false;
    this.metrics.claimsPaused.set(0);
    this.metrics.draining.set(0);
    void this.#runTick();
  }

  /** Takes no new tasks and finishes those in flight (`status().drained` once none is left). */
  drain(): void {
    this.#draining = true;
    this.metrics.draining.set(1);
    this.#log.info({ inFlight: Object.keys(this.store.get().tasks).length }, "draining");
  }

  #recordFailure(taskId: string, reason: string): void {
    this.#failures.push({ at: new Date().toISOString(), taskId, reason });
    if (this.#failures.length > RECENT_FAILURES) this.#failures.shift();
  }

  /** Resolves when every step in progress has finished (tests). */
  async idle(): Promise<void> {
    while (this.#busy.size > 0 || this.#tick) {
      await Promise.allSettled([...this.#busy.values(), ...(this.#tick ? [this.#tick] : [])]);
    }
  }

  // ───────────────────────────── events ─────────────────────────────

  async #onEvents(events: MarketEvent[], range: EventRange): Promise<void> {
    const mine = (a: Address) => a.toLowerCase() === this.ctx.provider.toLowerCase();
    // While a backfill runs, its ranges come newest first: the ledger keeps the latest state of each task, so that
    // a TaskSubmitted is taken up only when no later event closed the task (chain/catchup.ts).
    for (const e of this.#ledger.order(events, range)) {
      const id = e.args.taskId.toString();
      const closes = this.#ledger.observe(e, range, mine);
      switch (e.eventName) {
        case "TaskSubmitted":
          if (!this.#ledger.mayBeOpen(e, range)) break;
          if (!this.store.get().tasks[id] && !this.#candidates.has(id))
            this.#candidates.set(id, {
              spec: e.args.spec,
              inputUri: e.args.inputURI,
              block: e.blockNumber,
              inputMisses: 0,
            });
          break;
        case "TaskClaimed":
        case "TaskCancelled":
        case "TaskCompleted":
        case "TaskRefunded":
        case "TaskFaulted":
          // ZK claims and the claim filling the last REDUNDANT slot close the task to others.
          if (closes === "closed") this.#dropCandidate(id);
          break;
        case "TaskExpired":
          if (mine(e.args.provider)) this.#log.warn({ taskId: id }, "our ZK claim expired (bond slashed)");
          break;
        case "ProviderPaid":
          if (mine(e.args.provider)) {
            this.metrics.tasksCompleted.inc({ executor: this.#executorOf(id) });
            this.#log.info(
              { taskId: id, amount: e.args.amount.toString(), token: e.args.token },
              "task paid",
            );
          }
          break;
        case "ProviderPenalized":
          if (mine(e.args.provider)) {
            const outcome =
              ["success", "wrong-result", "missed-deadline", "no-reveal"][e.args.outcome] ?? "penalized";
            this.metrics.tasksFailed.inc({
              executor: this.#executorOf(id),
              reason: `slashed-${outcome}`,
            });
            this.metrics.slashes.inc({ outcome });
            this.#recordFailure(id, `slashed-${outcome}`);
            this.#log.warn({ taskId: id, bond: e.args.bond.toString(), outcome }, "bond slashed");
          }
          break;
        default:
          break;
      }
    }
    this.#ledger.done(range);
    // Persist how far every block has been read (never into an unread backfill), but never past a task we still
    // have to look at (deferred candidates): a restart re-reads from there, and handling an event twice is harmless.
    let resume = range.settled;
    for (const c of this.#candidates.values()) if (c.block - 1n < resume) resume = c.block - 1n;
    if (resume > this.store.get().lastProcessedBlock) {
      await this.store.setLastProcessedBlock(resume);
      this.metrics.lastProcessedBlock.set(Number(resume));
    }
    await this.#runTick();
  }

  // ───────────────────────────── tick ─────────────────────────────

  /** One pass: refresh chain time, consider candidates, advance in-flight tasks. Never runs twice at once. */
  #runTick(): Promise<void> {
    if (this.#tick) return this.#tick;
    this.#tick = (async () => {
      try {
        const block = await this.ctx.publicClient.getBlock({ blockTag: "latest" });
        this.#now = Number(block.timestamp);
        this.#nowSeenAt = Date.now();
        if (!this.#stopping && !this.#claimsPaused && !this.#draining) await this.#considerCandidates();
        const tasks = this.store.get().tasks;
        this.metrics.tasksInFlight.set(Object.keys(tasks).length);
        for (const task of Object.values(tasks)) this.#schedule(task.taskId);
      } catch (err) {
        this.metrics.rpcErrors.inc({ source: "tick" });
        this.#log.warn({ err: describeError(err) }, "tick failed; retrying on the next poll");
      }
    })().finally(() => {
      this.#tick = undefined;
    });
    return this.#tick;
  }

  async #considerCandidates(): Promise<void> {
    if (this.#candidates.size === 0) return;
    const { publicClient, addresses, provider } = this.ctx;
    const [standing, freeStake] = await Promise.all([
      publicClient.readContract({
        address: addresses.Reputation,
        abi: reputationAbi,
        functionName: "standingOf",
        args: [provider],
      }),
      publicClient.readContract({
        address: addresses.StakingVault,
        abi: stakingVaultAbi,
        functionName: "freeStakeOf",
        args: [provider],
      }),
    ]);
    let free = freeStake;
    const ordered = [...this.#candidates.entries()].sort(([, a], [, b]) =>
      b.spec.reward > a.spec.reward ? 1 : -1,
    );
    for (const [id, c] of ordered) {
      if (this.#stopping || this.#claimsPaused || this.#draining) return;
      // Ranked (hybrid or direct ZK): providers take turns; `direct` is the path this provider takes.
      const ranked = this.config.zkSettlement !== "claim" && c.spec.mode === VerificationMode.ZK;
      const model = await this.#models.info(c.spec.modelId);
      const filterCtx = (direct: boolean): FilterContext => ({
        now: this.#now,
        model: model && { kind: model.kind, active: model.active },
        executors: this.#enabled,
        resources: this.resources,
        standing: { tier: standing[0], eligible: standing[1] },
        minReward: this.#minReward,
        maxBond: this.config.maxBond,
        freeStake: free,
        deadlineMarginSec: this.config.deadlineMarginSec,
        activeTasks: Object.keys(this.store.get().tasks).length,
        // Tasks settled by batched proofs lock nothing and are proven k at a time: they have their own bound.
        maxConcurrentTasks:
          direct && this.#batch && c.spec.mode === VerificationMode.ZK
            ? Math.max(this.config.maxConcurrentTasks, this.config.zkBatch.maxQueued)
            : this.config.maxConcurrentTasks,
        direct,
      });
      let decision: Decision = evaluateTask(c.spec, filterCtx(ranked));
      if (decision.action === "skip") {
        this.#skip(id, decision.reason, decision.detail);
        continue;
      }
      // An execution profile this worker cannot honour (another onnxruntime, an invalid profile): skipped, not faulted.
      const refusal = model && this.#profileRefusal(model);
      if (refusal) {
        this.#skip(id, "unsupported-profile", refusal);
        continue;
      }
      if (c.spec.mode === VerificationMode.ZK && !(await this.#verifierTrusted(c.spec.verifier))) {
        this.#skip(
          id,
          "verifier-unknown",
          `verifier ${c.spec.verifier} has code none of this worker's circuits generates: a proof could be refused`,
        );
        continue;
      }
      // Direct mode: the turn is fixed once the task may be served (after any priority window), even while at
      // capacity, so that the wait runs alongside the work in progress.
      const turn =
        ranked && !(decision.action === "defer" && decision.reason === "priority-window")
          ? await this.#directTurn(id, c)
          : 0;
      const direct = ranked && !claimsWhenRanked(this.config.zkSettlement, c.rank ?? 0);
      if (ranked && !direct) {
        // Hybrid, not first-ranked: this provider would claim, so the claim path's bond and deadline rules apply.
        decision = evaluateTask(c.spec, filterCtx(false));
        if (decision.action === "skip") {
          this.#skip(id, decision.reason, decision.detail);
          continue;
        }
      }
      if (decision.action === "defer") {
        if (c.lastDefer !== decision.reason)
          this.#log.debug({ taskId: id, reason: decision.reason, detail: decision.detail }, "task deferred");
        c.lastDefer = decision.reason;
        continue;
      }
      if (ranked) {
        if (Date.now() < turn) continue;
        const st = await this.#taskState(BigInt(id));
        if (st.status !== TaskStatus.Open) {
          this.#dropCandidate(id);
          continue;
        }
      }
      // Check the input before locking a bond on it (or proving it).
      let inputFault: TaskFault | undefined;
      try {
        const input = await this.#loadInput(id, c.spec, c.inputUri, decision.executor);
        this.#inputs.set(id, input);
      } catch (err) {
        if (
          err instanceof TaskFault &&
          c.spec.mode === VerificationMode.REDUNDANT &&
          this.config.reportTaskFaults
        ) {
          inputFault = err; // every honest provider sees the same input: vote the task fault
        } else if (err instanceof TaskFault) {
          this.#skip(id, err.reason, err.message);
          continue;
        } else if (++c.inputMisses >= MAX_INPUT_MISSES) {
          this.#skip(id, "input-unavailable", describeError(err));
        } else {
          this.#log.debug({ taskId: id, err: describeError(err) }, "input not available yet");
        }
        if (!inputFault) continue;
      }
      if (c.spec.mode === VerificationMode.REDUNDANT) {
        await this.#takeRedundant(id, c, decision.executor, inputFault);
        continue;
      }
      if (direct) {
        this.#candidates.delete(id);
        await this.#takeDirect(id, c, decision.executor);
        continue;
      }
      if (ranked)
        this.#log.info({ taskId: id, rank: c.rank }, "hybrid settlement: still open at our turn, claiming");
      const claimed = await this.#claim(id, c, decision.executor);
      this.#candidates.delete(id);
      if (claimed) free -= c.spec.bond;
      else this.#inputs.delete(id);
    }
  }

  /**
   * REDUNDANT: reads this provider's turn on the task's best free draw (TaskMarket.claimableAt) and takes the task
   * into its state for preparation (execution before any bond is locked). A seed block not mined yet leaves it a
   * candidate; an expired seed, no free draw or no stake drops it.
   */
  async #takeRedundant(id: string, c: Candidate, executor: ExecutorKind, fault?: TaskFault): Promise<void> {
    const turn = await this.#turn(BigInt(id), c.spec);
    if (turn === "pending") return;
    this.#candidates.delete(id);
    if (turn === "none") {
      this.#inputs.delete(id);
      this.#log.debug({ taskId: id }, "no free draw is ours (all taken, or the draw seed expired)");
      return;
    }
    await this.store.upsertTask({
      taskId: id,
      spec: specToJson(c.spec) as unknown as Record<string, unknown>,
      phase: "preparing",
      inputUri: c.inputUri,
      executor,
      turnAt: turn,
      ...(fault ? { taskFault: `${fault.reason}: ${fault.message}` } : {}),
      claimedAt: Date.now(),
    });
    this.#log.info(
      { taskId: id, turnAt: turn, inChainSeconds: turn - this.#chainNow() },
      "REDUNDANT task: our draw turn",
    );
    this.#wakeAtChainTime(turn - this.config.prepareLeadSec);
    this.#schedule(id);
  }

  /** Chain time of this provider's turn on its best free draw; "none" when there is none, "pending" before the seed. */
  async #turn(taskId: bigint, spec: TaskSpec): Promise<number | "none" | "pending"> {
    try {
      const [, notBefore] = await this.ctx.publicClient.readContract({
        address: this.ctx.addresses.TaskMarket,
        abi: taskMarketAbi,
        functionName: "claimableAt",
        args: [taskId, spec, this.ctx.provider],
      });
      return notBefore >= BigInt(Number.MAX_SAFE_INTEGER) ? "none" : Number(notBefore);
    } catch (err) {
      const name = revertErrorName(err);
      if (name === "TaskMarketDrawPending") return "pending";
      if (name === "TaskMarketDrawExpired") return "none";
      throw err;
    }
  }

  /**
   * Chain time now, estimated from the last block seen plus the wall time since (a chain that mines only on demand,
   * like a local node, stamps the next block with the current time). A claim sent a little early is refused in its
   * simulation, before anything is signed, and tried again.
   */
  #chainNow(): number {
    return this.#now + Math.max(0, Math.floor((Date.now() - this.#nowSeenAt) / 1000));
  }

  /** Runs a tick when the chain clock reaches `at` (one chain second per wall second). */
  #wakeAtChainTime(at: number): void {
    const ms = Math.max(0, (at - this.#chainNow()) * 1000);
    this.#wake(ms);
  }

  /**
   * Whether a ZK task's verifier runs code this worker trusts: one of the verifiers generated from its own circuits
   * (@eai/sdk/verifiers) or listed in `trustedVerifierCodeHashes`. Cached per address (code cannot change).
   */
  async #verifierTrusted(verifier: Address): Promise<boolean> {
    const key = verifier.toLowerCase();
    let known = this.#verifierChecks.get(key);
    if (known === undefined) {
      const code = await this.ctx.publicClient.getCode({ address: verifier });
      const hash = code && code !== "0x" ? keccak256(code).toLowerCase() : "";
      const trusted = new Set(
        [...Object.values(VERIFIER_CODE_HASHES), ...this.config.trustedVerifierCodeHashes].map((h) =>
          h.toLowerCase(),
        ),
      );
      known = trusted.has(hash);
      this.#verifierChecks.set(key, known);
    }
    return known;
  }

  /** Forgets a candidate closed by someone else; a direct-mode one waiting for its turn counts as taken. */
  #dropCandidate(id: string): void {
    const c = this.#candidates.get(id);
    if (!c) return;
    this.#candidates.delete(id);
    this.#inputs.delete(id);
    if (c.notBefore !== undefined) {
      this.metrics.zkOutcomes.inc({ outcome: "taken-before-proof" });
      this.#log.info(
        { taskId: id, rank: c.rank },
        "task settled or claimed by another provider before our turn",
      );
    }
  }

  /**
   * Direct mode: when this provider's turn for a task comes. Rank r (among the providers able to settle it) waits
   * r stagger steps, plus one step per earlier open task the first-ranked provider is also first for (its backlog).
   */
  async #directTurn(id: string, c: Candidate): Promise<number> {
    if (c.notBefore !== undefined) return c.notBefore;
    const directory = this.#directory;
    let rank = 0;
    let backlog = 0;
    if (directory) {
      await directory.refresh();
      const taskId = BigInt(id);
      rank = rankOf(
        taskId,
        this.ctx.provider,
        directory.candidatesFor(c.spec, this.#now),
        this.config.directMaxRank,
      );
      if (rank > 0) {
        const first = this.#firstFor(id, c, directory);
        for (const [otherId, o] of this.#candidates) {
          if (backlog >= MAX_DIRECT_BACKLOG) break;
          if (o.spec.mode !== VerificationMode.ZK || BigInt(otherId) >= taskId) continue;
          if (this.#firstFor(otherId, o, directory) === first) backlog += 1;
        }
      }
    }
    const wait = turnSteps(rank, backlog, MAX_DIRECT_BACKLOG) * this.#staggerMs();
    c.rank = rank;
    c.notBefore = Date.now() + wait;
    this.#log.debug({ taskId: id, rank, backlog, waitMs: wait }, "direct settlement turn");
    if (wait > 0) this.#wake(wait);
    return c.notBefore;
  }

  /**
   * One stagger step: `directStaggerMs`, or 1.5 × this worker's recent execution + proof time when that is longer
   * (a slow or loaded machine assumes the others are as slow, instead of starting duplicate proofs).
   */
  #staggerMs(): number {
    const observed = this.#proofMsAverage === undefined ? 0 : Math.ceil(this.#proofMsAverage * 1.5);
    return Math.max(this.config.directStaggerMs, observed);
  }

  #firstFor(id: string, c: Candidate, directory: ProviderDirectory): Address | undefined {
    c.first ??= firstRanked(BigInt(id), [this.ctx.provider, ...directory.candidatesFor(c.spec, this.#now)]);
    return c.first;
  }

  /** Runs a tick after `ms` (a direct-mode turn coming up between two polls). */
  #wake(ms: number): void {
    const timer = setTimeout(() => {
      this.#wakeTimers.delete(timer);
      if (!this.#stopping) void this.#runTick();
    }, ms + 5);
    timer.unref();
    this.#wakeTimers.add(timer);
  }

  /** Direct mode: records the task (nothing is sent yet) and starts proving it. */
  async #takeDirect(id: string, c: Candidate, executor: ExecutorKind): Promise<void> {
    await this.store.upsertTask({
      taskId: id,
      spec: specToJson(c.spec) as unknown as Record<string, unknown>,
      phase: "proving",
      settlement: "direct",
      inputUri: c.inputUri,
      executor,
      claimedAt: Date.now(),
    });
    this.#log.info({ taskId: id, rank: c.rank }, "task taken for direct settlement");
    this.#schedule(id);
  }

  #skip(id: string, reason: string, detail: string): void {
    this.#candidates.delete(id);
    this.#inputs.delete(id);
    this.metrics.tasksSkipped.inc({ reason });
    this.#log.debug({ taskId: id, reason, detail }, "task skipped");
  }

  // ───────────────────────────── claim ─────────────────────────────

  async #holdsClaim(taskId: bigint, spec: TaskSpec): Promise<boolean> {
    const { publicClient, addresses, provider } = this.ctx;
    const market = { address: addresses.TaskMarket, abi: taskMarketAbi } as const;
    if (spec.mode === VerificationMode.ZK) {
      const claimant = await publicClient.readContract({
        ...market,
        functionName: "claimantOf",
        args: [taskId],
      });
      return claimant.toLowerCase() === provider.toLowerCase();
    }
    const claimants = await publicClient.readContract({
      ...market,
      functionName: "claimantsOf",
      args: [taskId],
    });
    return claimants.some((a) => a.toLowerCase() === provider.toLowerCase());
  }

  async #taskState(taskId: bigint) {
    return this.ctx.publicClient.readContract({
      address: this.ctx.addresses.TaskMarket,
      abi: taskMarketAbi,
      functionName: "getTaskState",
      args: [taskId],
    });
  }

  /** Claims a task: state and on-chain checks first, the pending transaction persisted before it is sent. */
  async #claim(id: string, c: Candidate, executor: ExecutorKind): Promise<boolean> {
    if (this.store.get().tasks[id]) return false;
    const taskId = BigInt(id);
    const st = await this.#taskState(taskId);
    if (st.status !== TaskStatus.Open || (await this.#holdsClaim(taskId, c.spec))) {
      this.#log.debug({ taskId: id, status: st.status }, "not claimable any more");
      return false;
    }
    await this.store.upsertTask({
      taskId: id,
      spec: specToJson(c.spec) as unknown as Record<string, unknown>,
      phase: "claiming",
      inputUri: c.inputUri,
      executor,
      claimedAt: Date.now(),
    });
    return this.#sendClaim(id, c.spec, []);
  }

  async #sendClaim(id: string, spec: TaskSpec, previous: Hex[]): Promise<boolean> {
    const taskId = BigInt(id);
    try {
      const outcome = await this.#send(id, "claim", {
        label: `claim #${id}`,
        address: this.ctx.addresses.TaskMarket,
        abi: taskMarketAbi,
        functionName: "claimTask",
        args: [taskId, spec],
        previousHashes: previous,
        alreadyDone: () => this.#holdsClaim(taskId, spec),
      });
      if (outcome.status === "mined" && !(await this.#holdsClaim(taskId, spec))) {
        await this.#forget(id);
        return false;
      }
      await this.#setPhase(id, { phase: "claimed", pendingTx: undefined, votes: 1 });
      const task = this.store.get().tasks[id];
      this.metrics.tasksClaimed.inc({ executor: task?.executor ?? "unknown" });
      this.#log.info(
        { taskId: id, mode: spec.mode === VerificationMode.ZK ? "ZK" : "REDUNDANT" },
        "task claimed",
      );
      this.#schedule(id);
      return true;
    } catch (err) {
      if (err instanceof TxRevertedError) {
        if (spec.mode === VerificationMode.REDUNDANT && err.errorName === "TaskMarketNotYourTurn") {
          // another provider took that draw first: wait for our turn on another (the prepared result is kept)
          await this.#setPhase(id, { phase: "prepared", pendingTx: undefined });
          this.#schedule(id);
          return false;
        }
        this.#log.info({ taskId: id, error: err.errorName }, "claim refused");
        await this.#forget(id);
        return false;
      }
      this.#log.warn({ taskId: id, err: describeError(err) }, "claim not confirmed; will check again");
      return false;
    }
  }

  // ───────────────────────────── steps ─────────────────────────────

  #schedule(id: string): void {
    if (this.#busy.has(id)) return;
    const retryAt = this.#retryAt.get(id);
    if (retryAt !== undefined && Date.now() < retryAt) return;
    const p = this.#step(id)
      .catch((err: unknown) => this.#log.error({ taskId: id, err: describeError(err) }, "task step crashed"))
      .finally(() => this.#busy.delete(id));
    this.#busy.set(id, p);
  }

  async #setPhase(id: string, patch: Partial<InFlightTask>): Promise<void> {
    await this.store.update((s) => {
      const t = s.tasks[id];
      if (!t) return;
      const merged: InFlightTask = { ...t, ...patch, updatedAt: Date.now() };
      // `undefined` in a patch removes the field (e.g. pendingTx once its transaction is mined).
      s.tasks[id] = Object.fromEntries(
        Object.entries(merged).filter(([, v]) => v !== undefined),
      ) as InFlightTask;
    });
  }

  /**
   * Drops a task: its persisted state, its cached input and retry time; its executor is remembered for events that
   * arrive later.
   */
  async #forget(id: string): Promise<void> {
    this.#inputs.delete(id);
    this.#retryAt.delete(id);
    const executor = this.store.get().tasks[id]?.executor;
    if (executor !== undefined) {
      this.#recentExecutors.delete(id);
      this.#recentExecutors.set(id, executor);
      if (this.#recentExecutors.size > RECENT_EXECUTORS) {
        const oldest = this.#recentExecutors.keys().next().value;
        if (oldest !== undefined) this.#recentExecutors.delete(oldest);
      }
    }
    await this.store.removeTask(id);
  }

  /** The executor label for a task's metrics: from its state, else from a recently dropped task. */
  #executorOf(id: string): string {
    return this.store.get().tasks[id]?.executor ?? this.#recentExecutors.get(id) ?? "unknown";
  }

  async #finish(id: string, how: "settled" | "failed", reason?: string, detail?: string): Promise<void> {
    const task = this.store.get().tasks[id];
    if (how === "failed") {
      this.metrics.tasksFailed.inc({ executor: task?.executor ?? "unknown", reason: reason ?? "unknown" });
      this.#recordFailure(id, reason ?? "unknown");
      this.#log.warn({ taskId: id, reason, detail }, "task given up");
    } else {
      this.#log.info({ taskId: id }, "task settled");
    }
    await this.#forget(id);
  }

  /** Advances one task by at most one phase per call (the next tick continues). */
  async #step(id: string): Promise<void> {
    const task = this.store.get().tasks[id];
    if (!task || this.#batchOwned.has(id)) return;
    const spec = specFromJson(task.spec);
    const taskId = BigInt(id);
    const st = await this.#taskState(taskId);
    // the batch pipeline may have taken the task up, settled or dropped it while the chain was read
    if (!this.store.hasTask(id) || this.#batchOwned.has(id)) return;
    if (task.settlement === "direct") {
      try {
        await this.#stepDirect(id, task, spec, taskId, st.status);
      } catch (err) {
        await this.#handleStepError(id, task, err);
      }
      return;
    }
    if (
      st.status === TaskStatus.Completed ||
      st.status === TaskStatus.Cancelled ||
      st.status === TaskStatus.Refunded ||
      st.status === TaskStatus.Faulted
    ) {
      await this.#finish(id, "settled");
      return;
    }
    if (task.phase === "preparing" || task.phase === "prepared") {
      try {
        await this.#stepPrepare(id, task, spec, taskId, st.status);
      } catch (err) {
        await this.#handleStepError(id, task, err);
      }
      return;
    }
    if (task.phase === "claiming") {
      if (this.#stopping) return;
      const previous = task.pendingTx ? [task.pendingTx.hash as Hex] : [];
      if (!(await this.#holdsClaim(taskId, spec)) && st.status !== TaskStatus.Open && previous.length === 0) {
        await this.#forget(id);
        return;
      }
      await this.#sendClaim(id, spec, previous);
      return;
    }
    if (!(await this.#holdsClaim(taskId, spec))) {
      // A ZK claim that expired (slashed, task reopened or refunded): nothing more to do.
      await this.#finish(id, "failed", "claim-lost");
      return;
    }
    try {
      if (spec.mode === VerificationMode.ZK) await this.#stepZk(id, task, spec, taskId);
      else await this.#stepRedundant(id, task, spec, taskId, st);
    } catch (err) {
      await this.#handleStepError(id, task, err);
    }
  }

  async #handleStepError(id: string, task: InFlightTask, err: unknown): Promise<void> {
    if (err instanceof TaskFault) {
      await this.#finish(id, "failed", err.reason, err.message);
      return;
    }
    if (err instanceof TxRevertedError) {
      if (err.errorName === "TaskMarketTooEarly") return; // e.g. reveal before the window opened: next tick
      await this.#finish(id, "failed", `reverted-${err.errorName}`);
      return;
    }
    // A run that failed because of this worker (killed at its own limits, crashed) is retried until the task has had
    // its `limits.executionAttempts` runs (counted before each run), then given up with the failure's code.
    if (err instanceof ExecutionError || err instanceof ProverError) {
      const started = this.store.get().tasks[id]?.executionAttempts ?? 0;
      if (started >= this.config.limits.executionAttempts) {
        await this.#finish(id, "failed", `execution-${err.code}`, err.message);
        return;
      }
    }
    const attempts = (task.attempts ?? 0) + 1;
    if (
      attempts >= MAX_ATTEMPTS &&
      (task.phase === "preparing" ||
        task.phase === "claimed" ||
        task.phase === "executing" ||
        task.phase === "proving")
    ) {
      await this.#finish(id, "failed", "worker-error");
      return;
    }
    await this.#setPhase(id, { attempts });
    this.#retryAt.set(id, Date.now() + Math.min(30_000, 500 * 2 ** attempts));
    this.#log.warn(
      { taskId: id, phase: task.phase, attempts, err: describeError(err) },
      "task step failed; will retry",
    );
  }

  async #stepZk(id: string, task: InFlightTask, spec: TaskSpec, taskId: bigint): Promise<void> {
    if (task.phase === "claimed" || task.phase === "executing" || task.phase === "proving") {
      if (this.#stopping) return;
      await this.#proveZk(id, task, spec, taskId);
      return;
    }
    if (task.phase === "proved" || task.phase === "submitted") {
      await this.#send(id, "submitProof", {
        ...this.#submitProofRequest(id, task, spec, taskId),
        alreadyDone: async () => (await this.#taskState(taskId)).status !== TaskStatus.Claimed,
      });
      if (task.phase === "proved") this.metrics.zkOutcomes.inc({ outcome: "settled-claimed" });
      await this.#setPhase(id, { phase: "submitted", pendingTx: undefined });
      this.#schedule(id);
    }
  }

  /**
   * Direct ZK settlement of an unclaimed task. Before proving and again before sending, the task must still be
   * Open; if another provider settled or claimed it first the task is dropped without a transaction. A proof that
   * loses the race on-chain (TaskMarketWrongStatus, or the task no longer Open when the send is built) is a "lost
   * race": logged at info, counted, never retried.
   */
  async #stepDirect(id: string, task: InFlightTask, spec: TaskSpec, taskId: bigint, status: number) {
    if (task.phase === "submitted") {
      await this.#finish(id, "settled");
      return;
    }
    // A signed submitProof is always followed up (it may be ours that settled the task).
    if (status !== TaskStatus.Open && !task.pendingTx) {
      await this.#dropDirect(id, task.phase === "proved" ? "lost-race" : "taken-before-proof", status);
      return;
    }
    if (task.phase !== "proved") {
      if (task.pendingTx && status !== TaskStatus.Open) {
        // A batch transaction of ours was signed before a restart: the task is closed (by it or by another).
        if (status === TaskStatus.Completed) await this.#finish(id, "settled");
        else await this.#dropDirect(id, "lost-race", status);
        return;
      }
      if (this.#stopping) return;
      if (this.#batch && task.executor === "zk-mlp") {
        await this.#enqueueBatch(id, spec, taskId);
        return;
      }
      await this.#proveZk(id, task, spec, taskId);
      return;
    }
    let outcome: TxOutcome;
    try {
      outcome = await this.#send(id, "submitProof", {
        ...this.#submitProofRequest(id, task, spec, taskId),
        alreadyDone: async () => (await this.#taskState(taskId)).status !== TaskStatus.Open,
      });
    } catch (err) {
      if (err instanceof TxRevertedError && err.errorName === "TaskMarketWrongStatus") {
        await this.#dropDirect(id, "lost-race", (await this.#taskState(taskId)).status);
        return;
      }
      throw err;
    }
    if (outcome.status === "already-done") {
      // Every earlier transaction of ours was checked first: the task was closed by someone else.
      await this.#dropDirect(id, "lost-race", (await this.#taskState(taskId)).status);
      return;
    }
    this.metrics.zkOutcomes.inc({ outcome: "settled-direct" });
    await this.#setPhase(id, { phase: "submitted", pendingTx: undefined });
    this.#schedule(id);
  }

  // ───────────────────────────── batched proofs ─────────────────────────────

  /**
   * The batch sizes usable for a model: 1 (the task's own verifier, checked before the task was taken) and every size
   * of the executor's circuits up to `zkBatch.maxBatchSize` whose ModelRegistry.batchVerifierOf is set and runs code
   * generated from this worker's circuits (or listed in `trustedVerifierCodeHashes`). Cached for a minute.
   */
  async #modelBatchSizes(modelId: bigint): Promise<number[]> {
    const cached = this.#batchSizes.get(modelId);
    if (cached && Date.now() - cached.at < BATCH_SIZES_TTL_MS) return cached.sizes;
    const sizes = [1];
    const candidates = (this.#zk?.batch?.sizes ?? []).filter(
      (k) => k > 1 && k <= this.config.zkBatch.maxBatchSize,
    );
    const trusted = new Set(
      [...Object.values(BATCH_VERIFIER_CODE_HASHES), ...this.config.trustedVerifierCodeHashes].map((h) =>
        h.toLowerCase(),
      ),
    );
    for (const k of candidates) {
      const verifier = await this.ctx.publicClient.readContract({
        address: this.ctx.addresses.ModelRegistry,
        abi: modelRegistryAbi,
        functionName: "batchVerifierOf",
        args: [modelId, k],
      });
      if (verifier === zeroAddress) continue;
      const code = await this.ctx.publicClient.getCode({ address: verifier });
      if (code && code !== "0x" && trusted.has(keccak256(code).toLowerCase())) sizes.push(k);
      else this.#log.warn({ modelId: String(modelId), batchSize: k, verifier }, "batch verifier not trusted");
    }
    this.#batchSizes.set(modelId, { at: Date.now(), sizes });
    return sizes;
  }

  /** Hands a direct ZK task to the batch pipeline (which owns it until it is settled, dropped or released). */
  async #enqueueBatch(id: string, spec: TaskSpec, taskId: bigint): Promise<void> {
    if (!this.#batch || this.#batchOwned.has(id)) return;
    await this.#modelBatchSizes(spec.modelId);
    this.#batchOwned.add(id);
    this.#batch.add({
      id: taskId,
      key: id,
      spec,
      modelId: spec.modelId,
      deadline: Number(spec.deadline),
      queuedAt: Date.now(),
    });
  }

  /** Before a batch is cut: the tasks closed by others meanwhile are dropped (no proof is spent on them). */
  async #batchStillOpen(tasks: readonly BatchTask[]): Promise<BatchTask[]> {
    if (this.#stopping) {
      for (const t of tasks) this.#batchOwned.delete(t.key); // stays in the state: resumed on the next start
      return [];
    }
    const states = await Promise.all(tasks.map((t) => this.#taskState(t.id)));
    const open: BatchTask[] = [];
    for (const [i, t] of tasks.entries()) {
      const status = states[i]?.status ?? TaskStatus.None;
      if (status === TaskStatus.Open) {
        open.push(t);
        continue;
      }
      this.#batchOwned.delete(t.key);
      await this.#dropDirect(t.key, "taken-before-proof", status);
    }
    return open;
  }

  /** Loads each task's input and the model artifact (a task whose input fails is dropped alone), then the witness. */
  async #batchWitness(k: number, tasks: readonly BatchTask[]): Promise<BatchWitnessOf> {
    const batch = this.#zk?.batch;
    if (!batch) throw new Error("no batch prover");
    const ok: BatchTask[] = [];
    const slots: ZkBatchSlot[] = [];
    let artifact: ModelArtifact | undefined;
    for (const t of tasks) {
      const state = this.store.get().tasks[t.key];
      if (!state) {
        this.#batchOwned.delete(t.key);
        continue;
      }
      try {
        const input = await this.#input(t.key, t.spec, state);
        if (!artifact) {
          const info = await this.#models.info(t.spec.modelId);
          if (!info) throw new TaskFault("unknown-model", `model ${t.spec.modelId} unknown`);
          artifact = await this.#artifact(info);
        }
        await this.#beginExecution(t.key);
        ok.push(t);
        slots.push({
          input,
          inputCommitment: t.spec.inputCommitment,
          binding: taskBinding(this.ctx.chainId, this.ctx.addresses.TaskMarket, t.id, this.ctx.provider),
        });
      } catch (err) {
        this.#batchOwned.delete(t.key);
        await this.#handleStepError(t.key, state, err);
      }
    }
    const first = ok[0];
    if (!first || !artifact) return { tasks: [], witness: undefined };
    const witness = await this.#classify(() =>
      batch.witness({ batchSize: k, model: artifact, modelCommitment: first.spec.modelCommitment, slots }),
    );
    return { tasks: ok, witness };
  }

  async #batchProve(w: BatchWitnessOf): Promise<BatchProofOf> {
    const batch = this.#zk?.batch;
    if (!batch || !w.witness) return { tasks: w.tasks, result: undefined };
    const witness = w.witness;
    const result = await this.#classify(() => batch.prove(witness));
    const took = result.witnessMs + result.proveMs;
    const k = result.batchSize;
    const before = this.#batchProveMs.get(k);
    this.#batchProveMs.set(k, before === undefined ? took : 0.7 * before + 0.3 * took);
    // The stagger others wait for this provider is the time one of its proofs takes (a whole batch).
    this.#proofMsAverage =
      this.#proofMsAverage === undefined ? took : 0.7 * this.#proofMsAverage + 0.3 * took;
    this.metrics.proofSeconds.observe(took / 1000);
    this.#log.info(
      {
        batchSize: k,
        tasks: w.tasks.length,
        witnessMs: Math.round(result.witnessMs),
        proveMs: Math.round(result.proveMs),
      },
      "batch proof ready",
    );
    return { tasks: w.tasks, result };
  }

  /**
   * Sends a batch's proof: submitProof for a batch of one, else submitProofBatch. The hash is persisted in every
   * task's state before broadcast. Per task: ProofAccepted → settled; ProofBatchTaskSkipped (another provider
   * closed it while the proof ran) → a lost race, dropped, never retried. A batch refused as a whole for a race
   * (every task closed) drops them all; another revert ends the tasks as a single proof's would; an outage hands
   * them back to the task loop (retried with backoff, bounded by `limits.executionAttempts`).
   */
  async #batchSubmit(k: number, p: BatchProofOf): Promise<void> {
    const { tasks, result } = p;
    if (!result || tasks.length === 0) return;
    const release = () => {
      for (const t of tasks) this.#batchOwned.delete(t.key);
    };
    const ids = tasks.map((t) => t.key);
    const stillOpen = async () =>
      (await Promise.all(tasks.map((t) => this.#taskState(t.id)))).map((s) => s.status);
    const market = { address: this.ctx.addresses.TaskMarket, abi: taskMarketAbi } as const;
    const first = tasks[0] as BatchTask;
    const onSigned = async (hash: Hex) => {
      await this.store.update((s) => {
        for (const id of ids) {
          const t = s.tasks[id];
          if (!t) continue;
          t.pendingTx = { action: "submitProof", hash };
          t.txHashes = [...t.txHashes, hash];
          t.updatedAt = Date.now();
        }
      });
    };
    const alreadyDone = async () => (await stillOpen()).every((s) => s !== TaskStatus.Open);
    const label = k === 1 ? `submitProof #${first.key}` : `submitProofBatch k=${k} #${ids.join(",#")}`;
    let outcome: TxOutcome;
    try {
      outcome =
        k === 1
          ? await this.submitter.send({
              ...market,
              label,
              functionName: "submitProof",
              args: [first.id, first.spec, result.outputs[0] ?? 0n, result.proof],
              minGas: SUBMIT_PROOF_MIN_GAS,
              onSigned,
              alreadyDone,
            })
          : await this.submitter.send({
              ...market,
              label,
              functionName: "submitProofBatch",
              args: [
                first.spec.modelId,
                k,
                tasks.map((t, i) => ({ taskId: t.id, spec: t.spec, output: result.outputs[i] ?? 0n })),
                result.padOutput,
                result.proof,
              ],
              minGas: submitBatchMinGas(k),
              onSigned,
              alreadyDone,
            });
      this.metrics.transactions.inc({ action: "submitProof", result: outcome.status });
    } catch (err) {
      this.metrics.transactions.inc({
        action: "submitProof",
        result: err instanceof TxRevertedError ? "reverted" : "failed",
      });
      release();
      const race =
        err instanceof TxRevertedError &&
        (err.errorName === "TaskMarketWrongStatus" || err.errorName === "TaskMarketBatchSettledNothing");
      const statuses = await stillOpen().catch(() => tasks.map(() => TaskStatus.Open));
      for (const [i, t] of tasks.entries()) {
        const status = statuses[i] ?? TaskStatus.Open;
        if (race || status !== TaskStatus.Open) {
          await this.#dropDirect(t.key, "lost-race", status);
          continue;
        }
        const state = this.store.get().tasks[t.key];
        if (state) await this.#handleStepError(t.key, state, err);
      }
      return;
    }
    // Each task stays the batch's own until its outcome is recorded here: released earlier, the task loop could
    // drop a skipped task first, and the outcome would be counted twice.
    this.metrics.zkBatches.inc({ size: String(k) });
    this.metrics.zkBatchTasks.inc({ size: String(k) }, tasks.length);
    if (outcome.status === "already-done") {
      const statuses = await stillOpen();
      for (const [i, t] of tasks.entries()) {
        if (this.store.hasTask(t.key)) await this.#dropDirect(t.key, "lost-race", statuses[i] ?? 0);
        this.#batchOwned.delete(t.key);
      }
      return;
    }
    const logs = outcome.receipt.logs;
    const accepted = new Set(
      parseEventLogs({ abi: taskMarketAbi, logs, eventName: "ProofAccepted" }).map((e) =>
        String(e.args.taskId),
      ),
    );
    const skipped = new Map(
      parseEventLogs({ abi: taskMarketAbi, logs, eventName: "ProofBatchTaskSkipped" }).map((e) => [
        String(e.args.taskId),
        Number(e.args.reason),
      ]),
    );
    for (const t of tasks) {
      if (!this.store.hasTask(t.key)) {
        this.#batchOwned.delete(t.key); // forgotten meanwhile (e.g. by a stop): nothing left to record
        continue;
      }
      if (accepted.has(t.key)) {
        this.metrics.zkOutcomes.inc({ outcome: "settled-direct" });
        await this.#finish(t.key, "settled");
      } else {
        const reason = ["none", "not-open", "past-deadline", "claimed-by-other"][skipped.get(t.key) ?? 0];
        this.metrics.zkOutcomes.inc({ outcome: "lost-race" });
        this.#log.info({ taskId: t.key, reason }, "skipped in our batch: closed before the proof landed");
        await this.#forget(t.key);
      }
      this.#batchOwned.delete(t.key);
    }
  }

  /**
   * A batch's witness or proof failed: the pipeline queues its tasks once more; those it does not (second failure)
   * go back to the task loop, which retries them with backoff up to `limits.executionAttempts` runs.
   */
  #batchError(err: unknown, tasks: readonly BatchTask[]): void {
    this.#log.warn({ tasks: tasks.map((t) => t.key), err: describeError(err) }, "batch step failed");
    queueMicrotask(() => {
      for (const t of tasks) {
        if (this.#batch?.has(t.id) || !this.#batchOwned.has(t.key)) continue;
        this.#batchOwned.delete(t.key);
        const state = this.store.get().tasks[t.key];
        if (state) void this.#handleStepError(t.key, state, err);
      }
    });
  }

  /** Forgets a direct-mode task another provider closed first (not a failure: nothing of ours is at stake). */
  async #dropDirect(id: string, outcome: "lost-race" | "taken-before-proof", status: number): Promise<void> {
    this.metrics.zkOutcomes.inc({ outcome });
    const state = ["None", "Open", "Claimed", "Completed", "Cancelled", "Refunded"][status] ?? String(status);
    this.#log.info(
      { taskId: id, state },
      outcome === "lost-race"
        ? "lost race: another provider's proof settled the task first"
        : "task settled or claimed by another provider before our proof",
    );
    await this.#forget(id);
  }

  /** Executes and proves a ZK task (bound to this provider), persisting the proof as phase "proved". */
  async #proveZk(id: string, task: InFlightTask, spec: TaskSpec, taskId: bigint): Promise<void> {
    const zk = this.#zk;
    if (!zk) throw new TaskFault("unsupported-model", "no zk-mlp executor");
    const input = await this.#input(id, spec, task);
    const info = await this.#models.info(spec.modelId);
    if (!info) throw new TaskFault("unknown-model", `model ${spec.modelId} unknown`);
    const artifact = await this.#artifact(info);
    await this.#beginExecution(id);
    const binding = taskBinding(this.ctx.chainId, this.ctx.addresses.TaskMarket, taskId, this.ctx.provider);
    const result = await this.#classify(() =>
      zk.prove({
        input,
        model: artifact,
        modelCommitment: spec.modelCommitment,
        inputCommitment: spec.inputCommitment,
        binding,
      }),
    );
    this.metrics.executionSeconds.observe({ executor: "zk-mlp" }, result.inferenceMs / 1000);
    this.metrics.proofSeconds.observe(result.proofMs / 1000);
    const took = result.inferenceMs + result.proofMs;
    this.#proofMsAverage =
      this.#proofMsAverage === undefined ? took : 0.7 * this.#proofMsAverage + 0.3 * took;
    await this.#setPhase(id, {
      phase: "proved",
      output: result.outputWord.toString(),
      proof: {
        a: result.proof.a.map(String),
        b: result.proof.b.map((r) => r.map(String)),
        c: result.proof.c.map(String),
      },
    });
    this.#log.info({ taskId: id, proofMs: Math.round(result.proofMs) }, "proof ready");
    this.#schedule(id);
  }

  /** The submitProof call for a proved task (its earlier transaction, if any, checked first). */
  #submitProofRequest(id: string, task: InFlightTask, spec: TaskSpec, taskId: bigint) {
    const p = task.proof;
    if (!p || task.output === undefined)
      throw new TaskFault("corrupt-state", "proved task without proof in state");
    const proof = {
      a: [BigInt(p.a[0] ?? 0), BigInt(p.a[1] ?? 0)],
      b: [
        [BigInt(p.b[0]?.[0] ?? 0), BigInt(p.b[0]?.[1] ?? 0)],
        [BigInt(p.b[1]?.[0] ?? 0), BigInt(p.b[1]?.[1] ?? 0)],
      ],
      c: [BigInt(p.c[0] ?? 0), BigInt(p.c[1] ?? 0)],
    } as const;
    return {
      label: `submitProof #${id}`,
      address: this.ctx.addresses.TaskMarket,
      abi: taskMarketAbi,
      functionName: "submitProof",
      args: [taskId, spec, BigInt(task.output), proof],
      minGas: SUBMIT_PROOF_MIN_GAS,
      previousHashes: task.pendingTx ? [task.pendingTx.hash as Hex] : [],
    } as const;
  }

  /**
   * REDUNDANT before any bond is locked: "preparing" executes the model (shortly before the turn) or, when the model or
   * the input cannot be executed for a deterministic reason, prepares the task-fault vote; "prepared" waits for the
   * turn on the best free draw and claims it. A task closed by others meanwhile is dropped: nothing was at stake.
   */
  async #stepPrepare(id: string, task: InFlightTask, spec: TaskSpec, taskId: bigint, status: number) {
    if (status !== TaskStatus.Open) {
      this.#log.info({ taskId: id }, "REDUNDANT task filled or closed before our turn");
      await this.#forget(id);
      return;
    }
    if (task.phase === "preparing") {
      if (this.#stopping) return;
      const lead = this.config.prepareLeadSec;
      if (task.turnAt !== undefined && this.#chainNow() < task.turnAt - lead) {
        this.#wakeAtChainTime(task.turnAt - lead);
        return;
      }
      let prepared: Pick<InFlightTask, "resultHash" | "outputUri" | "taskFault">;
      if (task.taskFault !== undefined) {
        prepared = { resultHash: TASK_FAULT_RESULT, taskFault: task.taskFault };
      } else {
        try {
          prepared = await this.#executeRedundant(id, task, spec);
        } catch (err) {
          if (!(err instanceof TaskFault) || !this.config.reportTaskFaults || !isDeterministicFault(err))
            throw err;
          prepared = { resultHash: TASK_FAULT_RESULT, taskFault: `${err.reason}: ${err.message}` };
        }
      }
      if (prepared.taskFault !== undefined) {
        this.metrics.tasksFailed.inc({ executor: task.executor ?? "unknown", reason: "task-fault-reported" });
        this.#log.warn(
          { taskId: id, fault: prepared.taskFault },
          "the task cannot be executed: voting task fault",
        );
      }
      // Salt and result hash are persisted before the claim: the commitment and the reveal need both.
      await this.#setPhase(id, { ...prepared, phase: "prepared", salt: bytesToHex32(randomBytes(32)) });
      this.#schedule(id);
      return;
    }
    const turn = await this.#turn(taskId, spec);
    if (turn === "pending") return;
    if (turn === "none") {
      this.#log.info({ taskId: id }, "every draw was taken before our turn");
      await this.#forget(id);
      return;
    }
    if (this.#chainNow() < turn) {
      if (task.turnAt !== turn) await this.#setPhase(id, { turnAt: turn });
      this.#wakeAtChainTime(turn);
      return;
    }
    if (this.#stopping) return;
    await this.#setPhase(id, { phase: "claiming", turnAt: turn });
    await this.#sendClaim(id, spec, []);
  }

  /** Executes a REDUNDANT task's model (runs counted before they start) and uploads its canonical output. */
  async #executeRedundant(
    id: string,
    task: InFlightTask,
    spec: TaskSpec,
  ): Promise<Pick<InFlightTask, "resultHash" | "outputUri">> {
    const kind = (task.executor ?? "onnx") as ExecutorKind;
    const executor = this.#executors[kind];
    if (!executor) throw new TaskFault("unsupported-model", `no ${kind} executor`);
    const input = await this.#input(id, spec, task);
    const info = await this.#models.info(spec.modelId);
    if (!info) throw new TaskFault("unknown-model", `model ${spec.modelId} unknown`);
    const artifact = await this.#artifact(info);
    await this.#beginExecution(id);
    const result = await this.#classify(() => executor.execute(input, artifact));
    this.metrics.executionSeconds.observe({ executor: kind }, result.elapsedMs / 1000);
    const uploaded = await this.#storage.upload(result.output);
    return { resultHash: resultHashOf(result.output), outputUri: uploaded.uri };
  }

  async #stepRedundant(
    id: string,
    task: InFlightTask,
    spec: TaskSpec,
    taskId: bigint,
    st: { status: number; phaseDeadline: number },
  ): Promise<void> {
    const market = { address: this.ctx.addresses.TaskMarket, abi: taskMarketAbi } as const;
    const { publicClient, provider } = this.ctx;
    const myClaim = () =>
      publicClient.readContract({ ...market, functionName: "redundantClaimOf", args: [taskId, provider] });
    const previous = task.pendingTx ? [task.pendingTx.hash as Hex] : [];
    switch (task.phase) {
      case "claimed":
      case "executing": {
        // Normally the result was prepared before the claim; a task claimed without one is executed now.
        if (task.resultHash === undefined || task.salt === undefined) {
          if (this.#stopping) return;
          const prepared = await this.#executeRedundant(id, task, spec);
          await this.#setPhase(id, { ...prepared, salt: bytesToHex32(randomBytes(32)) });
        }
        await this.#setPhase(id, { phase: "executed", votes: task.votes ?? 1 });
        this.#schedule(id);
        return;
      }
      case "executed": {
        const { salt, resultHash } = task as { salt: Hex; resultHash: Hex };
        const commitment = resultCommitment(
          this.ctx.chainId,
          this.ctx.addresses.TaskMarket,
          taskId,
          provider,
          resultHash,
          salt,
        );
        await this.#send(id, "commit", {
          label: `commit #${id}`,
          ...market,
          functionName: "commitResult",
          args: [taskId, spec, commitment],
          previousHashes: previous,
          alreadyDone: async () => (await myClaim()).commitment !== `0x${"00".repeat(32)}`,
        });
        await this.#setPhase(id, { phase: "committed", pendingTx: undefined });
        this.#log.info({ taskId: id, taskFault: task.taskFault !== undefined }, "result committed");
        this.#schedule(id);
        return;
      }
      case "committed": {
        if (st.status === TaskStatus.Open) {
          await this.#whileUnfilled(id, task, spec, taskId, previous);
          return;
        }
        if (st.status !== TaskStatus.Claimed) return;
        const revealDeadline = st.phaseDeadline + spec.revealWindow;
        if (this.#now > revealDeadline) {
          await this.#finish(id, "failed", "reveal-window-missed");
          return;
        }
        if (this.#now <= st.phaseDeadline && !(await this.#allCommitted(taskId))) return;
        await this.#send(id, "reveal", {
          label: `reveal #${id}`,
          ...market,
          functionName: "revealResult",
          args: [taskId, spec, task.resultHash as Hex, task.salt as Hex, task.outputUri ?? ""],
          minGas: revealMinGas(spec.redundancy),
          previousHashes: previous,
          alreadyDone: async () => (await myClaim()).resultHash !== `0x${"00".repeat(32)}`,
        });
        await this.#setPhase(id, { phase: "revealed", pendingTx: undefined });
        this.#log.info({ taskId: id }, "result revealed");
        this.#schedule(id);
        return;
      }
      case "revealed": {
        if (st.status !== TaskStatus.Claimed || this.#now <= st.phaseDeadline + spec.revealWindow) return;
        await this.#send(id, "finalize", {
          label: `finalize #${id}`,
          ...market,
          functionName: "finalizeTask",
          args: [taskId, spec],
          previousHashes: previous,
          alreadyDone: async () => (await this.#taskState(taskId)).status !== TaskStatus.Claimed,
        });
        this.#schedule(id);
        return;
      }
      default:
        return;
    }
  }

  /**
   * A REDUNDANT task we hold draws on whose draws are not all taken: take a further draw when its turn comes (one
   * more vote, one more bond), or leave the task once the fill timeout has passed (bonds back).
   */
  async #whileUnfilled(id: string, task: InFlightTask, spec: TaskSpec, taskId: bigint, previous: Hex[]) {
    const market = { address: this.ctx.addresses.TaskMarket, abi: taskMarketAbi } as const;
    const draws = async () =>
      popcount(
        (
          await this.ctx.publicClient.readContract({
            ...market,
            functionName: "redundantClaimOf",
            args: [taskId, this.ctx.provider],
          })
        ).draws,
      );
    const { fillTimeout } = await this.#settlement();
    const leaveAt = spec.createdAt + fillTimeout;
    if (this.config.leaveUnfilled && this.#chainNow() >= leaveAt) {
      await this.#send(id, "leave", {
        label: `leave #${id}`,
        ...market,
        functionName: "leaveTask",
        args: [taskId, spec],
        previousHashes: previous,
        alreadyDone: async () => (await draws()) === 0,
      });
      this.metrics.tasksFailed.inc({ executor: task.executor ?? "unknown", reason: "left-unfilled" });
      this.#log.warn({ taskId: id }, "the task's draws did not fill in time: left it, bonds returned");
      await this.#forget(id);
      return;
    }
    const votes = task.votes ?? 1;
    if (votes < this.config.maxVotesPerTask && !this.#stopping) {
      const turn = await this.#turn(taskId, spec);
      if (typeof turn === "number" && this.#chainNow() >= turn) {
        try {
          await this.#send(id, "claim", {
            label: `claim draw #${id}`,
            ...market,
            functionName: "claimTask",
            args: [taskId, spec],
            previousHashes: previous,
            alreadyDone: async () => (await draws()) > votes,
          });
          await this.#setPhase(id, { votes: await draws(), pendingTx: undefined });
          this.#log.info({ taskId: id, votes: votes + 1 }, "took a further draw of the task");
        } catch (err) {
          if (!(err instanceof TxRevertedError)) throw err;
          // taken by someone else first, filled, or not enough free stake: stay with the votes we have
          await this.#setPhase(id, { pendingTx: undefined });
          this.#log.debug({ taskId: id, error: err.errorName }, "further draw refused");
        }
        this.#schedule(id);
        return;
      }
      if (typeof turn === "number") this.#wakeAtChainTime(Math.min(turn, leaveAt));
    } else {
      this.#wakeAtChainTime(leaveAt);
    }
  }

  /** The market's settlement parameters (re-read every minute). */
  async #settlement(): Promise<{ fillTimeout: number; drawStep: number }> {
    if (!this.#settlementCache || Date.now() - this.#settlementCache.at > 60_000) {
      const p = await this.ctx.publicClient.readContract({
        address: this.ctx.addresses.TaskMarket,
        abi: taskMarketAbi,
        functionName: "settlementParams",
      });
      this.#settlementCache = { at: Date.now(), value: { fillTimeout: p.fillTimeout, drawStep: p.drawStep } };
    }
    return this.#settlementCache.value;
  }

  async #allCommitted(taskId: bigint): Promise<boolean> {
    const market = { address: this.ctx.addresses.TaskMarket, abi: taskMarketAbi } as const;
    const claimants = await this.ctx.publicClient.readContract({
      ...market,
      functionName: "claimantsOf",
      args: [taskId],
    });
    const claims = await Promise.all(
      claimants.map((p) =>
        this.ctx.publicClient.readContract({
          ...market,
          functionName: "redundantClaimOf",
          args: [taskId, p],
        }),
      ),
    );
    return claims.every((c) => c.commitment !== `0x${"00".repeat(32)}`);
  }

  /** Sends a task transaction, recording its hash in the state before broadcast. */
  async #send(
    id: string,
    action: NonNullable<InFlightTask["pendingTx"]>["action"],
    req: Parameters<TxSubmitter["send"]>[0],
  ): Promise<TxOutcome> {
    try {
      const outcome = await this.submitter.send({
        ...req,
        onSigned: async (hash) => {
          await this.#setPhase(id, { pendingTx: { action, hash } });
          await this.store.update((s) => {
            const t = s.tasks[id];
            if (t) t.txHashes = [...t.txHashes, hash];
          });
        },
      });
      this.metrics.transactions.inc({ action, result: outcome.status });
      return outcome;
    } catch (err) {
      this.metrics.transactions.inc({
        action,
        result: err instanceof TxRevertedError ? "reverted" : "failed",
      });
      throw err;
    }
  }

  // ───────────────────────────── inputs, models, execution ─────────────────────────────

  async #input(id: string, spec: TaskSpec, task: InFlightTask): Promise<Uint8Array> {
    const cached = this.#inputs.get(id);
    if (cached) return cached;
    const input = await this.#loadInput(
      id,
      spec,
      task.inputUri ?? "",
      (task.executor ?? "onnx") as ExecutorKind,
    );
    this.#inputs.set(id, input);
    return input;
  }

  /**
   * Fetches a task's input (size cap; sha256 = inputCommitment for non-ZK tasks), decrypts it when it is an
   * envelope, and for ZK tasks checks the Poseidon input commitment.
   * @throws TaskFault for the task's faults; other errors are outages (retry).
   */
  async #loadInput(id: string, spec: TaskSpec, uri: string, executor: ExecutorKind): Promise<Uint8Array> {
    const zk = spec.mode === VerificationMode.ZK;
    let bytes: Uint8Array;
    try {
      bytes = await fetchTaskInput({
        uri,
        storage: this.#storage,
        expectedSha256: zk ? undefined : sha256CommitmentHex(spec.inputCommitment),
        maxBytes: this.config.limits.maxInputBytes,
      });
    } catch (err) {
      if (err instanceof InputError && err.code !== "unavailable" && err.code !== "not-found")
        throw new TaskFault(`input-${err.code}`, err.message);
      throw err;
    }
    if (ENVELOPE_MAGIC.every((b, i) => bytes[i] === b)) {
      try {
        bytes = decryptWith(this.keys.privateKey.reveal(), bytes);
      } catch (err) {
        throw new TaskFault("input-decrypt-failed", `task ${id}: ${describeError(err)}`);
      }
    }
    if (zk && executor === "zk-mlp") {
      if (!this.#zk) throw new TaskFault("unsupported-model", "no zk-mlp executor");
      try {
        await this.#zk.checkInput(bytes, spec.inputCommitment);
      } catch (err) {
        if (err instanceof ExecutionError)
          throw new TaskFault("input-bad-commitment", `task ${id}: ${err.message}`);
        throw err;
      }
    }
    return bytes;
  }

  async #artifact(info: NonNullable<Awaited<ReturnType<ModelStore["info"]>>>) {
    try {
      return await this.#models.artifact(info);
    } catch (err) {
      if (err instanceof ModelError && err.code !== "artifact-unavailable")
        throw new TaskFault("bad-model", err.message);
      throw err;
    }
  }

  /**
   * Runs an executor call, turning the task's faults (`ExecutionError.taskFault`) into TaskFault; worker faults stay
   * errors and are retried, bounded by `limits.executionAttempts`. A profile this worker cannot honour ends the task.
   */
  async #classify<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ExecutionError && (err.taskFault || err.code === "unsupported-profile"))
        throw new TaskFault(`execution-${err.code}`, err.message, err);
      if (err instanceof ProverError && err.code === "failed")
        throw new TaskFault("proof-failed", err.message);
      throw err;
    }
  }

  /**
   * Counts an executor run of task `id` before it starts (persisted first, so a run that takes the process down
   * still counts); a task that has had its `limits.executionAttempts` runs is given up instead of run again.
   */
  async #beginExecution(id: string, patch: { phase?: "executing" } = {}): Promise<void> {
    const max = this.config.limits.executionAttempts;
    if ((await this.store.beginExecution(id, max, patch)) === undefined)
      throw new TaskFault(
        "execution-attempts-exhausted",
        `task ${id}: ${max} executor runs were started without a result; not running it again`,
      );
  }

  /** Why this worker cannot run tasks of `model` as its execution profile asks (undefined when it can). */
  #profileRefusal(model: ModelInfo): string | undefined {
    if (model.profileError !== undefined) return model.profileError;
    if (model.kind === "zk-mlp" || !model.profile) return undefined;
    return this.#executors[model.kind]?.refuses?.(model.profile);
  }
}
