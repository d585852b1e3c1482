/**
 * OPTIMISTIC tasks (OptimisticMarket + DisputeManager, docs/PROTOCOL.md "OPTIMISTIC mode, disputes and audits"):
 * the worker as provider, auditor and juror, beside the TaskMarket loop of worker.ts. It shares that worker's
 * signer queue (TxSubmitter), model store, blob storage and sandboxed executors.
 *
 *   provider: TaskPosted → (filters, claimableAt turn) candidate → (execute shortly before the turn) prepared →
 *             (claim at the turn) claimed → (commitResult) committed → (drawAudit once its seed block exists;
 *             settle after the challenge window and any audit) → gone. The result is computed before the bond is
 *             locked, and the claim is only sent while the deadline leaves `deadlineMarginSec`.
 *   auditor:  AuditDrawn(selected) of another provider's task → (auditableAt turn; execute before it) prepared →
 *             (takeAudit) taken → confirmAudit when our result hash equals the committed one, else challenge.
 *   juror:    DisputeOpened where this provider is no party → (execute; seatableAt turn) takeSeat → commitVote
 *             (salt persisted first) → revealVote (after the vote window, or once every draw is committed) →
 *             resolve (after the reveal window, or once every vote is revealed). A new round starts over.
 *   credits:  withdraw() from both contracts every `withdrawIntervalMs` and after each final outcome.
 *
 * Every decision is taken on a fresh chain read, and every revert (another party acted first, a window closed) is
 * logged as a lost race and followed by a re-read: nothing here throws into the worker. Jobs wait on chain time
 * (`nextAt`), so a waiting job costs no RPC call until its time comes or `recheckSec` passes.
 */
import { randomBytes } from "node:crypto";
import {
  disputeManagerAbi,
  eaiTokenAbi,
  optimisticMarketAbi,
  providerRegistryAbi,
  reputationAbi,
  stakingVaultAbi,
} from "@eai/sdk/abis";
import { decryptWith } from "@eai/sdk/crypto";
import { loadDeployment } from "@eai/sdk/deployments";
import type { BlobStorage } from "@eai/sdk/storage";
import {
  formatEther,
  parseEventLogs,
  type Abi,
  type Address,
  type ContractFunctionName,
  type Hex,
} from "viem";
import { TASK_FAULT_RESULT, resultHashOf, sha256CommitmentHex } from "../../../sdk/src/tasks/index.ts";
import type { ChainContext } from "../chain/client.ts";
import { ChainSetupError } from "../chain/client.ts";
import { describeError } from "../chain/errors.ts";
import { TxRevertedError, type TxRequest, type TxSubmitter } from "../chain/submitter.ts";
import type { ExecutorKind, WorkerConfig } from "../config.ts";
import { ExecutionError, type Executor } from "../executors/types.ts";
import { fetchTaskInput, InputError } from "../inputs.ts";
import type { X25519Keys } from "../keys.ts";
import type { Logger } from "../logger.ts";
import type { WorkerMetrics } from "../metrics.ts";
import { ModelError, type ModelStore } from "../models.ts";
import { OptimisticStore, type AuditJob, type JurorJob, type ProviderJob, type WatchJob } from "./state.ts";

/** OptimisticMarket.Status. */
export const OptimisticStatus = {
  None: 0,
  Open: 1,
  Claimed: 2,
  Committed: 3,
  Challenged: 4,
  Settled: 5,
  Refunded: 6,
  Overturned: 7,
  Voided: 8,
  Faulted: 9,
} as const;
/** OptimisticMarket.AuditState. */
export const AuditState = {
  Undrawn: 0,
  NotSelected: 1,
  Selected: 2,
  Taken: 3,
  Passed: 4,
  Missed: 5,
  Disputed: 6,
  Unclaimed: 7,
} as const;
const STATUS_NAMES = Object.fromEntries(Object.entries(OptimisticStatus).map(([k, v]) => [v, k])) as Record<
  number,
  string
>;

const NEVER = 2n ** 256n - 1n;
/** Most provider jobs (candidates included) kept at once: TaskPosted beyond it is ignored until some are dropped. */
const MAX_PROVIDER_JOBS = 256;
/** Most committed results watched at once (`challenger`). */
const MAX_WATCH_JOBS = 64;
/** Log ranges (`logRangeBlocks` each) read per poll while behind the head. */
const MAX_RANGES_PER_POLL = 8;
const TOP_TIER = 3;
const ENVELOPE_MAGIC = [0x45, 0x41, 0x49, 0x45, 0x01]; // "EAIE" v1

export interface OptimisticAddresses {
  OptimisticMarket: Address;
  DisputeManager: Address;
  /** Where a fresh worker starts reading logs. */
  startBlock: bigint;
}

/**
 * The OPTIMISTIC contracts of the configured deployment: `contracts.OptimisticMarket`/`DisputeManager`, or the
 * deployment record's entries (optional: older records lack them). Undefined when there are none.
 */
export async function resolveOptimisticAddresses(
  config: WorkerConfig,
): Promise<OptimisticAddresses | undefined> {
  if (config.contracts) {
    const { OptimisticMarket, DisputeManager } = config.contracts;
    if (OptimisticMarket === undefined || DisputeManager === undefined) return undefined;
    return { OptimisticMarket, DisputeManager, startBlock: 0n };
  }
  if (config.deploymentsDir === undefined) return undefined;
  const deployment = await loadDeployment(config.chainId, config.deploymentsDir);
  const contracts: Record<string, { address: Address; startBlock: number } | undefined> =
    deployment.contracts;
  const market = contracts.OptimisticMarket;
  const disputes = contracts.DisputeManager;
  if (!market || !disputes) return undefined;
  return {
    OptimisticMarket: market.address,
    DisputeManager: disputes.address,
    startBlock: BigInt(Math.min(market.startBlock, disputes.startBlock)),
  };
}

/**
 * Whether the OPTIMISTIC roles run: `optimistic.enabled` when set, else whether addresses are known.
 * @throws ChainSetupError when enabled explicitly without addresses.
 */
export function optimisticEnabled(config: WorkerConfig, addresses: OptimisticAddresses | undefined): boolean {
  const want = config.optimistic.enabled;
  if (want === true && addresses === undefined)
    throw new ChainSetupError(
      "optimistic.enabled is true but the deployment has no OptimisticMarket/DisputeManager " +
        "(give contracts.OptimisticMarket and contracts.DisputeManager)",
    );
  if (want === false) return false;
  return (
    addresses !== undefined &&
    (config.optimistic.provider ||
      config.optimistic.auditor ||
      config.optimistic.juror ||
      config.optimistic.challenger)
  );
}

export interface OptimisticServiceOptions {
  ctx: ChainContext;
  submitter: TxSubmitter;
  config: WorkerConfig;
  addresses: OptimisticAddresses;
  models: ModelStore;
  storage: BlobStorage;
  /** The worker's executors (the caller owns them) and which kinds are enabled. */
  executors: Partial<Record<ExecutorKind, Executor>>;
  enabled: ReadonlySet<ExecutorKind>;
  keys: X25519Keys;
  metrics: WorkerMetrics;
  log: Logger;
  /** False while the worker takes no new work (claims paused, draining): no new claims, audits or seats. */
  accepting?: () => boolean;
}

type TaskView = {
  requester: Address;
  reward: bigint;
  provider: Address;
  deadline: number;
  minTier: number;
  status: number;
  modelId: bigint;
  createdBlock: number;
  challengeEnds: number;
  commitBlock: number;
  bond: bigint;
  audit: number;
  auditDeadline: number;
  auditor: Address;
  inputCommitment: Hex;
  resultHash: Hex;
};

interface MarketParams {
  minAuditorTier: number;
  minChallengerTier: number;
  challengeBondBps: number;
}

/** A task fault (the model or input cannot be executed, deterministically) versus a failure of this worker. */
class TaskFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TaskFault";
  }
}

type Key = `t${string}` | `a${string}` | `w${string}` | `d${string}`;

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export class OptimisticService {
  readonly store: OptimisticStore;
  readonly #o: OptimisticServiceOptions;
  readonly #log: Logger;
  readonly #market: Address;
  readonly #disputes: Address;
  readonly #me: Address;
  readonly #busy = new Map<Key, Promise<void>>();
  readonly #nextAt = new Map<Key, number>();
  /** taskId → input URI (from TaskPosted), for audits and juries of tasks posted before they came up. */
  readonly #inputUris = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #loop: Promise<void> | undefined;
  #running = false;
  #now = 0;
  #head = 0n;
  #lastWithdraw = 0;
  #withdrawDue = false;
  #marketParams: { at: number; value: MarketParams } | undefined;
  #standing: { at: number; tier: number; eligible: boolean } | undefined;

  private constructor(options: OptimisticServiceOptions, store: OptimisticStore) {
    this.#o = options;
    this.store = store;
    this.#log = options.log.child({ module: "optimistic" });
    this.#market = options.addresses.OptimisticMarket;
    this.#disputes = options.addresses.DisputeManager;
    this.#me = options.ctx.provider;
  }

  static async create(options: OptimisticServiceOptions): Promise<OptimisticService> {
    const { publicClient } = options.ctx;
    const code = await publicClient.getCode({ address: options.addresses.OptimisticMarket });
    if (!code || code === "0x")
      throw new ChainSetupError(`OptimisticMarket ${options.addresses.OptimisticMarket} has no code`);
    const dm = await publicClient.readContract({
      address: options.addresses.OptimisticMarket,
      abi: optimisticMarketAbi,
      functionName: "disputeManager",
    });
    if (!same(dm, options.addresses.DisputeManager))
      throw new ChainSetupError(
        `OptimisticMarket ${options.addresses.OptimisticMarket} uses DisputeManager ${dm}, ` +
          `not ${options.addresses.DisputeManager}`,
      );
    const store = await OptimisticStore.open(options.config.stateDir);
    return new OptimisticService(options, store);
  }

  get #cfg() {
    return this.#o.config.optimistic;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const s = this.store.get();
    const jobs = [
      ...Object.values(s.tasks).map((t) => `task ${t.taskId}:${t.phase}`),
      ...Object.values(s.audits).map((a) => `audit ${a.taskId}:${a.phase}`),
      ...Object.values(s.disputes).map((d) => `dispute ${d.disputeId}:${d.phase}`),
    ];
    this.#log.info(
      {
        roles: {
          provider: this.#cfg.provider,
          auditor: this.#cfg.auditor,
          juror: this.#cfg.juror,
          challenger: this.#cfg.challenger,
        },
        market: this.#market,
        disputes: this.#disputes,
        resumed: jobs,
      },
      "OPTIMISTIC roles started",
    );
    this.#schedule(0);
  }

  /** Stops polling and waits up to `graceMs` for steps in progress (their state is persisted as they go). */
  async stop(graceMs: number): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    const pending = [...this.#busy.values(), ...(this.#loop ? [this.#loop] : [])];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(pending),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Jobs in flight (for status and tests). */
  jobs(): { tasks: number; audits: number; watches: number; disputes: number } {
    const s = this.store.get();
    return {
      tasks: Object.keys(s.tasks).length,
      audits: Object.keys(s.audits).length,
      watches: Object.keys(s.watches).length,
      disputes: Object.keys(s.disputes).length,
    };
  }

  #schedule(ms: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#loop = this.#tick()
        .catch((err: unknown) => {
          this.#o.metrics.rpcErrors.inc({ source: "optimistic" });
          this.#log.warn({ err: describeError(err) }, "OPTIMISTIC poll failed; retrying");
        })
        .finally(() => {
          this.#loop = undefined;
          this.#schedule(this.#o.config.pollIntervalMs);
        });
    }, ms);
    this.#timer.unref();
  }

  // ───────────────────────────── polling ─────────────────────────────

  async #tick(): Promise<void> {
    const { publicClient } = this.#o.ctx;
    const head = await publicClient.getBlock({ blockTag: "latest" });
    this.#now = Number(head.timestamp);
    this.#head = head.number;
    // behind (a fresh worker, a long stop): a few ranges per poll, so new events are reached soon
    for (let i = 0; i < MAX_RANGES_PER_POLL && !(await this.#readLogs(head.number)); i++);
    const s = this.store.get();
    const due = (key: Key) => !this.#busy.has(key) && (this.#nextAt.get(key) ?? 0) <= this.#now;
    for (const t of Object.values(s.tasks)) {
      const key: Key = `t${t.taskId}`;
      if (due(key)) this.#run(key, () => this.#stepProvider(t.taskId));
    }
    for (const w of Object.values(s.watches)) {
      const key: Key = `w${w.taskId}`;
      if (due(key)) this.#run(key, () => this.#stepWatch(w.taskId));
    }
    for (const a of Object.values(s.audits)) {
      const key: Key = `a${a.taskId}`;
      if (due(key)) this.#run(key, () => this.#stepAudit(a.taskId));
    }
    for (const d of Object.values(s.disputes)) {
      const key: Key = `d${d.disputeId}`;
      if (due(key)) this.#run(key, () => this.#stepJuror(d.disputeId));
    }
    const interval = this.#cfg.withdrawIntervalMs;
    if (interval > 0 && (this.#withdrawDue || Date.now() - this.#lastWithdraw >= interval)) {
      this.#withdrawDue = false;
      this.#lastWithdraw = Date.now();
      await this.withdrawAll();
    }
  }

  #run(key: Key, fn: () => Promise<void>): void {
    const p = fn()
      .catch((err: unknown) => {
        // Outages (RPC, storage) and anything unexpected: logged, retried after recheckSec, never thrown.
        this.#log.warn({ job: key, err: describeError(err) }, "OPTIMISTIC step failed; will retry");
        this.#wait(key, this.#now + Math.min(this.#cfg.recheckSec, 5));
      })
      .finally(() => this.#busy.delete(key));
    this.#busy.set(key, p);
  }

  #wait(key: Key, at: number): void {
    this.#nextAt.set(key, at);
  }

  /** Reads and handles the next range of logs; true once `head` is reached. */
  async #readLogs(head: bigint): Promise<boolean> {
    const last = BigInt(this.store.get().lastBlock);
    const from = last > 0n ? last + 1n : this.#o.addresses.startBlock;
    if (from > head) return true;
    const to =
      from + BigInt(this.#o.config.logRangeBlocks) - 1n < head
        ? from + BigInt(this.#o.config.logRangeBlocks) - 1n
        : head;
    const logs = await this.#o.ctx.publicClient.getLogs({
      address: [this.#market, this.#disputes],
      fromBlock: from,
      toBlock: to,
    });
    const accepting = this.#o.accepting?.() ?? true;
    const added: { tasks: ProviderJob[]; audits: AuditJob[]; watches: WatchJob[]; disputes: JurorJob[] } = {
      tasks: [],
      audits: [],
      watches: [],
      disputes: [],
    };
    const marketEvents = parseEventLogs({
      abi: optimisticMarketAbi,
      logs: logs.filter((l) => same(l.address, this.#market)),
    });
    for (const e of marketEvents) {
      if (e.eventName === "TaskPosted") {
        const id = e.args.taskId.toString();
        this.#inputUris.set(id, e.args.inputURI);
        if (this.#inputUris.size > 4096)
          this.#inputUris.delete(this.#inputUris.keys().next().value as string);
        if (
          this.#cfg.provider &&
          accepting &&
          e.args.deadline > this.#now + this.#o.config.deadlineMarginSec &&
          !same(e.args.requester, this.#me) &&
          !this.store.get().tasks[id] &&
          Object.keys(this.store.get().tasks).length + added.tasks.length < MAX_PROVIDER_JOBS
        )
          added.tasks.push({
            taskId: id,
            phase: "candidate",
            modelId: e.args.modelId.toString(),
            inputUri: e.args.inputURI,
            runs: 0,
          });
      } else if (e.eventName === "ResultPosted") {
        const id = e.args.taskId.toString();
        if (
          this.#cfg.challenger &&
          accepting &&
          !same(e.args.provider, this.#me) &&
          e.args.challengeEnds > this.#now &&
          !this.store.get().watches[id] &&
          Object.keys(this.store.get().watches).length + added.watches.length < MAX_WATCH_JOBS
        )
          added.watches.push({ taskId: id, runs: 0 });
      } else if (e.eventName === "AuditDrawn") {
        const id = e.args.taskId.toString();
        if (
          e.args.selected &&
          this.#cfg.auditor &&
          accepting &&
          e.args.auditDeadline > this.#now &&
          !this.store.get().audits[id]
        )
          added.audits.push({ taskId: id, phase: "pending", runs: 0 });
        // our own task: its settlement now waits for the audit
        this.#nextAt.delete(`t${id}`);
      } else if (
        e.eventName === "TaskChallenged" ||
        e.eventName === "DisputeVerdictApplied" ||
        e.eventName === "TaskSettled"
      ) {
        this.#nextAt.delete(`t${e.args.taskId.toString()}`);
      }
    }
    const disputeEvents = parseEventLogs({
      abi: disputeManagerAbi,
      logs: logs.filter((l) => same(l.address, this.#disputes)),
    });
    for (const e of disputeEvents) {
      if (e.eventName === "DisputeOpened") {
        const id = e.args.disputeId.toString();
        const party = [e.args.provider, e.args.challenger].some(
          (a) => same(a, this.#me) || same(a, this.#o.ctx.signer),
        );
        if (this.#cfg.juror && accepting && !party && !this.store.get().disputes[id])
          added.disputes.push({
            disputeId: id,
            taskId: e.args.taskId.toString(),
            round: 0,
            phase: "pending",
            runs: 0,
          });
      } else if (e.eventName === "DisputeResolved") {
        // we may be the challenger (an audit of ours) or the provider: the verdict credits parties here
        this.#withdrawDue = true;
        this.#nextAt.delete(`t${e.args.taskId.toString()}`);
      } else if (
        e.eventName === "JuryRoundStarted" ||
        e.eventName === "VoteCommitted" ||
        e.eventName === "VoteRevealed"
      ) {
        // a new round, or the all-committed / all-revealed shortcut may have opened: look now
        this.#nextAt.delete(`d${e.args.disputeId.toString()}`);
      }
    }
    await this.store.update((s) => {
      for (const t of added.tasks) s.tasks[t.taskId] = t;
      for (const a of added.audits) s.audits[a.taskId] = a;
      for (const w of added.watches) s.watches[w.taskId] = w;
      for (const d of added.disputes) s.disputes[d.disputeId] = d;
      s.lastBlock = to.toString();
    });
    return to >= head;
  }

  // ───────────────────────────── chain reads ─────────────────────────────

  async #task(taskId: string): Promise<TaskView> {
    return (await this.#o.ctx.publicClient.readContract({
      address: this.#market,
      abi: optimisticMarketAbi,
      functionName: "getTask",
      args: [BigInt(taskId)],
    })) as TaskView;
  }

  async #myStanding(): Promise<{ tier: number; eligible: boolean }> {
    if (this.#standing && Date.now() - this.#standing.at < 60_000) return this.#standing;
    const [tier, eligible] = await this.#o.ctx.publicClient.readContract({
      address: this.#o.ctx.addresses.Reputation,
      abi: reputationAbi,
      functionName: "standingOf",
      args: [this.#me],
    });
    this.#standing = { at: Date.now(), tier, eligible };
    return this.#standing;
  }

  async #params(): Promise<MarketParams> {
    if (this.#marketParams && Date.now() - this.#marketParams.at < 60_000) return this.#marketParams.value;
    const p = await this.#o.ctx.publicClient.readContract({
      address: this.#market,
      abi: optimisticMarketAbi,
      functionName: "params",
    });
    const value = {
      minAuditorTier: p.minAuditorTier,
      minChallengerTier: p.minChallengerTier,
      challengeBondBps: p.challengeBondBps,
    };
    this.#marketParams = { at: Date.now(), value };
    return value;
  }

  /** Whether `account` is this provider or acts for it (its operator). */
  async #isUs(account: Address): Promise<boolean> {
    if (same(account, this.#me) || same(account, this.#o.ctx.signer)) return true;
    const owner = await this.#o.ctx.publicClient.readContract({
      address: this.#o.ctx.addresses.ProviderRegistry,
      abi: providerRegistryAbi,
      functionName: "resolveProvider",
      args: [account],
    });
    return same(owner, this.#me);
  }

  /** The input URI of a task: from its TaskPosted log (seen, or read from the task's creation block). */
  async #inputUri(taskId: string, createdBlock: number): Promise<string> {
    const seen = this.#inputUris.get(taskId);
    if (seen !== undefined) return seen;
    const logs = await this.#o.ctx.publicClient.getContractEvents({
      address: this.#market,
      abi: optimisticMarketAbi,
      eventName: "TaskPosted",
      args: { taskId: BigInt(taskId) },
      fromBlock: BigInt(createdBlock),
      toBlock: BigInt(createdBlock),
    });
    const uri = logs[0]?.args.inputURI;
    if (uri === undefined) throw new Error(`task ${taskId}: no TaskPosted log in block ${createdBlock}`);
    this.#inputUris.set(taskId, uri);
    return uri;
  }

  // ───────────────────────────── execution ─────────────────────────────

  /**
   * Why this worker cannot run `modelId` (undefined when it can): unknown, inactive, no enabled executor, or an
   * execution profile the executor refuses — the same refusals as REDUNDANT.
   */
  async #refusal(modelId: bigint): Promise<string | undefined> {
    const info = await this.#o.models.info(modelId);
    if (!info) return "unknown-model";
    if (!info.active) return "model-inactive";
    if (info.kind === "zk-mlp" || !this.#o.enabled.has(info.kind) || !this.#o.executors[info.kind])
      return `unsupported-model (${info.kind})`;
    if (info.profileError !== undefined) return `profile: ${info.profileError}`;
    const refused = info.profile ? this.#o.executors[info.kind]?.refuses?.(info.profile) : undefined;
    return refused === undefined ? undefined : `profile: ${refused}`;
  }

  /**
   * Runs the task's model on its input in the sandboxed executor; the canonical result hash (and, for the provider,
   * the uploaded output). A deterministic fault of the task gives TASK_FAULT_RESULT when `reportTaskFaults`.
   * @throws on outages and worker faults (retried by the caller, bounded by `limits.executionAttempts`).
   */
  async #execute(
    what: string,
    modelId: bigint,
    inputUri: string,
    inputCommitment: Hex,
    upload: boolean,
  ): Promise<{ resultHash: Hex; resultUri?: string; fault?: string }> {
    try {
      const info = await this.#o.models.info(modelId);
      if (!info) throw new TaskFault(`model ${modelId} unknown`);
      const kind = info.kind;
      const executor = this.#o.executors[kind];
      if (!executor) throw new Error(`no ${kind} executor`);
      let input: Uint8Array;
      try {
        input = await fetchTaskInput({
          uri: inputUri,
          storage: this.#o.storage,
          expectedSha256: sha256CommitmentHex(BigInt(inputCommitment)),
          maxBytes: this.#o.config.limits.maxInputBytes,
        });
      } catch (err) {
        if (err instanceof InputError && err.code !== "unavailable" && err.code !== "not-found")
          throw new TaskFault(`input-${err.code}: ${err.message}`);
        throw err;
      }
      if (ENVELOPE_MAGIC.every((b, i) => input[i] === b)) {
        try {
          input = decryptWith(this.#o.keys.privateKey.reveal(), input);
        } catch (err) {
          throw new TaskFault(`input-decrypt-failed: ${describeError(err)}`);
        }
      }
      let artifact;
      try {
        artifact = await this.#o.models.artifact(info);
      } catch (err) {
        if (err instanceof ModelError && err.code !== "artifact-unavailable")
          throw new TaskFault(`bad-model: ${err.message}`);
        throw err;
      }
      let result;
      try {
        result = await executor.execute(input, artifact);
      } catch (err) {
        if (err instanceof ExecutionError && err.taskFault)
          throw new TaskFault(`execution-${err.code}: ${err.message}`);
        throw err;
      }
      this.#o.metrics.executionSeconds.observe({ executor: kind }, result.elapsedMs / 1000);
      const resultHash = resultHashOf(result.output);
      if (!upload) return { resultHash };
      const uploaded = await this.#o.storage.upload(result.output);
      return { resultHash, resultUri: uploaded.uri };
    } catch (err) {
      if (!(err instanceof TaskFault) || !this.#o.config.reportTaskFaults) throw err;
      this.#log.warn({ job: what, fault: err.message }, "the task cannot be executed: task-fault result");
      return { resultHash: TASK_FAULT_RESULT, fault: err.message };
    }
  }

  // ───────────────────────────── transactions ─────────────────────────────

  /**
   * Sends one call. A revert is a lost race or a closed window (another party acted first, a turn or window moved):
   * logged and counted, `false` returned, the caller re-reads. Transport failures after retries throw (the step is
   * retried later).
   */
  async #send<TAbi extends Abi, TName extends ContractFunctionName<TAbi, "nonpayable" | "payable">>(
    action: string,
    req: TxRequest<TAbi, TName>,
  ): Promise<boolean> {
    try {
      await this.#o.submitter.send(req);
      this.#o.metrics.optimisticActions.inc({ action, result: "ok" });
      this.#o.metrics.transactions.inc({ action: `optimistic-${action}`, result: "ok" });
      return true;
    } catch (err) {
      if (err instanceof TxRevertedError) {
        this.#o.metrics.optimisticActions.inc({ action, result: "lost-race" });
        this.#log.info(
          { action: req.label, reason: err.errorName },
          "OPTIMISTIC call refused (lost race or window moved)",
        );
        return false;
      }
      this.#o.metrics.optimisticActions.inc({ action, result: "failed" });
      throw err;
    }
  }

  #marketTx<TName extends ContractFunctionName<typeof optimisticMarketAbi, "nonpayable" | "payable">>(
    action: string,
    functionName: TName,
    args: TxRequest<typeof optimisticMarketAbi, TName>["args"],
    label: string,
  ): Promise<boolean> {
    return this.#send(action, { label, address: this.#market, abi: optimisticMarketAbi, functionName, args });
  }

  #disputeTx<TName extends ContractFunctionName<typeof disputeManagerAbi, "nonpayable" | "payable">>(
    action: string,
    functionName: TName,
    args: TxRequest<typeof disputeManagerAbi, TName>["args"],
    label: string,
  ): Promise<boolean> {
    return this.#send(action, { label, address: this.#disputes, abi: disputeManagerAbi, functionName, args });
  }

  /** Withdraws the signer's credits from both contracts (logged); errors are logged, never thrown. */
  async withdrawAll(): Promise<void> {
    if (!this.#running) return;
    const { publicClient, signer } = this.#o.ctx;
    for (const [name, address, abi] of [
      ["OptimisticMarket", this.#market, optimisticMarketAbi],
      ["DisputeManager", this.#disputes, disputeManagerAbi],
    ] as const) {
      try {
        const credit = await publicClient.readContract({
          address,
          abi,
          functionName: "creditOf",
          args: [signer],
        });
        if (credit === 0n) continue;
        const ok = await this.#send("withdraw", {
          label: `withdraw ${name}`,
          address,
          abi,
          functionName: "withdraw",
          args: [],
        });
        if (ok) {
          this.#o.metrics.optimisticWithdrawnEai.inc({ contract: name }, Number(formatEther(credit)));
          this.#log.info(
            { contract: name, amount: credit.toString(), eai: formatEther(credit) },
            "credits withdrawn",
          );
        }
      } catch (err) {
        this.#log.warn({ contract: name, err: describeError(err) }, "withdraw failed; will retry");
        this.#withdrawDue = true;
      }
    }
  }

  async #patchTask(id: string, patch: Partial<ProviderJob>): Promise<void> {
    await this.store.update((s) => {
      const t = s.tasks[id];
      if (t) Object.assign(t, patch);
    });
  }
  async #patchAudit(id: string, patch: Partial<AuditJob>): Promise<void> {
    await this.store.update((s) => {
      const a = s.audits[id];
      if (a) Object.assign(a, patch);
    });
  }
  async #patchDispute(id: string, patch: Partial<JurorJob>): Promise<void> {
    await this.store.update((s) => {
      const d = s.disputes[id];
      if (d) Object.assign(d, patch);
    });
  }

  async #dropTask(id: string, why: string, detail?: Record<string, unknown>): Promise<void> {
    this.#log.info({ taskId: id, ...detail }, `OPTIMISTIC task dropped: ${why}`);
    this.#nextAt.delete(`t${id}`);
    await this.store.update((s) => {
      s.tasks = without(s.tasks, id);
    });
  }
  async #dropAudit(id: string, why: string, detail?: Record<string, unknown>): Promise<void> {
    this.#log.info({ taskId: id, ...detail }, `OPTIMISTIC audit dropped: ${why}`);
    this.#nextAt.delete(`a${id}`);
    await this.store.update((s) => {
      s.audits = without(s.audits, id);
    });
  }
  async #dropDispute(id: string, why: string, detail?: Record<string, unknown>): Promise<void> {
    this.#log.info({ disputeId: id, ...detail }, `OPTIMISTIC dispute left: ${why}`);
    this.#nextAt.delete(`d${id}`);
    await this.store.update((s) => {
      s.disputes = without(s.disputes, id);
    });
  }

  /** Counts an executor run before it starts; false when `limits.executionAttempts` runs were started already. */
  async #countRun(kind: "t" | "a" | "w" | "d", id: string, runs: number): Promise<boolean> {
    if (runs >= this.#o.config.limits.executionAttempts) return false;
    if (kind === "t") await this.#patchTask(id, { runs: runs + 1 });
    else if (kind === "a") await this.#patchAudit(id, { runs: runs + 1 });
    else if (kind === "w")
      await this.store.update((s) => {
        const w = s.watches[id];
        if (w) w.runs = runs + 1;
      });
    else await this.#patchDispute(id, { runs: runs + 1 });
    return true;
  }

  // ───────────────────────────── provider ─────────────────────────────

  async #stepProvider(id: string): Promise<void> {
    const job = this.store.get().tasks[id];
    if (!job) return;
    const key: Key = `t${id}`;
    const t = await this.#task(id);
    const mine = same(t.provider, this.#me);

    if (job.phase === "candidate" || job.phase === "prepared") {
      if (t.status !== OptimisticStatus.Open) {
        // a claim of ours that was mined before a restart
        if (mine && job.resultHash !== undefined && t.status === OptimisticStatus.Claimed) {
          await this.#patchTask(id, { phase: "claimed" });
          return this.#stepProvider(id);
        }
        return this.#dropTask(id, "claimed or closed by others", { status: STATUS_NAMES[t.status] });
      }
      const margin = this.#o.config.deadlineMarginSec;
      if (this.#now + margin > t.deadline) return this.#dropTask(id, "too late to serve before the deadline");
      if (job.phase === "candidate" && job.turnAt === undefined) {
        const refusal = await this.#refusal(t.modelId);
        if (refusal !== undefined) {
          this.#o.metrics.tasksSkipped.inc({ reason: `optimistic-${refusal.split(" ")[0] ?? "refused"}` });
          return this.#dropTask(id, refusal);
        }
        const standing = await this.#myStanding();
        if (!standing.eligible) return this.#dropTask(id, "provider is suspended or banned");
        if (standing.tier < t.minTier) return this.#dropTask(id, `tier ${standing.tier} < ${t.minTier}`);
        const floor = Object.entries(this.#o.config.minReward).find(([k]) =>
          same(k, this.#o.ctx.addresses.EAIToken),
        )?.[1];
        if (floor === undefined) return this.#dropTask(id, "token-not-accepted (no minReward for EAI)");
        if (t.reward < floor) return this.#dropTask(id, `reward ${t.reward} < floor ${floor}`);
        const bond = await this.#o.ctx.publicClient.readContract({
          address: this.#market,
          abi: optimisticMarketAbi,
          functionName: "bondFor",
          args: [t.reward],
        });
        if (bond > this.#o.config.maxBond) return this.#dropTask(id, `bond ${bond} > maxBond`);
      }
      if (this.#o.accepting && !this.#o.accepting()) return this.#dropTask(id, "not accepting new work");
      const turn = await this.#o.ctx.publicClient.readContract({
        address: this.#market,
        abi: optimisticMarketAbi,
        functionName: "claimableAt",
        args: [BigInt(id), this.#me],
      });
      if (turn === NEVER) {
        // seed block not mined yet: look again shortly; otherwise no weight (no stake)
        if (this.#head <= BigInt(t.createdBlock) + 1n) return this.#wait(key, this.#now + 1);
        return this.#dropTask(id, "not drawn (no stake weight)");
      }
      const turnAt = Number(turn);
      if (turnAt + margin > t.deadline) return this.#dropTask(id, "our turn comes too close to the deadline");
      if (job.turnAt !== turnAt) await this.#patchTask(id, { turnAt });
      if (job.phase === "candidate") {
        if (this.#now < turnAt - this.#cfg.prepareLeadSec)
          return this.#wait(
            key,
            Math.min(turnAt - this.#cfg.prepareLeadSec, this.#now + this.#cfg.recheckSec),
          );
        const active = Object.values(this.store.get().tasks).filter(
          (x) => x.phase === "claimed" || x.phase === "committed" || x.phase === "prepared",
        ).length;
        if (active >= this.#cfg.maxConcurrentTasks) return this.#wait(key, this.#now + 2);
        const [free, bond] = await Promise.all([
          this.#o.ctx.publicClient.readContract({
            address: this.#o.ctx.addresses.StakingVault,
            abi: stakingVaultAbi,
            functionName: "freeStakeOf",
            args: [this.#me],
          }),
          this.#o.ctx.publicClient.readContract({
            address: this.#market,
            abi: optimisticMarketAbi,
            functionName: "bondFor",
            args: [t.reward],
          }),
        ]);
        if (free < bond) {
          this.#log.info(
            { taskId: id, bond: bond.toString(), free: free.toString() },
            "waiting for free stake",
          );
          return this.#wait(key, this.#now + this.#cfg.recheckSec);
        }
        if (!(await this.#countRun("t", id, job.runs)))
          return this.#dropTask(id, "execution attempts exhausted");
        const r = await this.#execute(`task ${id}`, t.modelId, job.inputUri, t.inputCommitment, true);
        await this.#patchTask(id, { phase: "prepared", ...r });
        this.#log.info(
          { taskId: id, resultHash: r.resultHash, turnAt },
          "OPTIMISTIC task executed; claiming at our turn",
        );
        return this.#stepProvider(id);
      }
      // prepared: claim at the turn
      if (this.#now < turnAt) return this.#wait(key, turnAt);
      const ok = await this.#marketTx("claim", "claim", [BigInt(id)], `optimistic claim #${id}`);
      const after = await this.#task(id);
      if (same(after.provider, this.#me) && after.status === OptimisticStatus.Claimed) {
        this.#o.metrics.tasksClaimed.inc({ executor: "optimistic" });
        await this.#patchTask(id, { phase: "claimed" });
        this.#log.info({ taskId: id, bond: after.bond.toString() }, "OPTIMISTIC task claimed");
        return this.#stepProvider(id);
      }
      if (!ok && after.status === OptimisticStatus.Open) return this.#wait(key, this.#now + 1);
      return this.#dropTask(id, "lost the claim", { status: STATUS_NAMES[after.status] });
    }

    if (job.phase === "claimed") {
      if (t.status === OptimisticStatus.Committed && mine) {
        await this.#patchTask(id, { phase: "committed" });
        return this.#stepProvider(id);
      }
      if (t.status !== OptimisticStatus.Claimed || !mine)
        return this.#dropTask(id, "no longer ours to commit", { status: STATUS_NAMES[t.status] });
      if (this.#now > t.deadline) return this.#wait(key, this.#now + this.#cfg.recheckSec); // refunded at settle
      if (job.resultHash === undefined) return this.#dropTask(id, "no result recorded (state lost)");
      await this.#marketTx(
        "commit",
        "commitResult",
        [BigInt(id), job.resultHash, job.resultUri ?? ""],
        `optimistic commitResult #${id}`,
      );
      const after = await this.#task(id);
      if (after.status === OptimisticStatus.Committed) {
        await this.#patchTask(id, { phase: "committed" });
        this.#log.info(
          { taskId: id, resultHash: job.resultHash, challengeEnds: after.challengeEnds },
          "OPTIMISTIC result committed",
        );
        return this.#wait(key, this.#now + 1);
      }
      return this.#wait(key, this.#now + 2);
    }

    // committed: audit draw, then settlement after the window (and the audit)
    switch (t.status) {
      case OptimisticStatus.Committed: {
        const auditOpen = t.audit === AuditState.Selected || t.audit === AuditState.Taken;
        if (t.audit === AuditState.Undrawn && this.#cfg.drawAudit && this.#now <= t.challengeEnds) {
          if (this.#head <= BigInt(t.commitBlock) + 1n) return this.#wait(key, this.#now + 1);
          await this.#marketTx("draw-audit", "drawAudit", [BigInt(id)], `optimistic drawAudit #${id}`);
          return this.#wait(key, this.#now + 1);
        }
        const endsAt = Math.max(t.challengeEnds, auditOpen ? t.auditDeadline : 0);
        if (this.#now <= endsAt)
          return this.#wait(key, Math.min(endsAt + 1, this.#now + this.#cfg.recheckSec));
        await this.#marketTx("settle", "settle", [BigInt(id)], `optimistic settle #${id}`);
        return this.#wait(key, this.#now + 1);
      }
      case OptimisticStatus.Challenged:
        return this.#wait(key, this.#now + this.#cfg.recheckSec);
      default: {
        const outcome = (STATUS_NAMES[t.status] ?? "unknown").toLowerCase();
        this.#o.metrics.optimisticOutcomes.inc({ outcome: `provider-${outcome}` });
        if (t.status === OptimisticStatus.Settled)
          this.#o.metrics.tasksCompleted.inc({ executor: "optimistic" });
        else if (t.status === OptimisticStatus.Overturned) {
          this.#o.metrics.tasksFailed.inc({ executor: "optimistic", reason: "slashed-overturned" });
          this.#o.metrics.slashes.inc({ outcome: "wrong-result" });
        }
        this.#withdrawDue = true;
        const level = t.status === OptimisticStatus.Overturned ? "warn" : "info";
        this.#log[level]({ taskId: id, status: STATUS_NAMES[t.status] }, "OPTIMISTIC task closed");
        return this.#dropTask(id, `closed (${STATUS_NAMES[t.status]})`);
      }
    }
  }

  // ───────────────────────────── auditor ─────────────────────────────

  async #stepAudit(id: string): Promise<void> {
    const job = this.store.get().audits[id];
    if (!job) return;
    const key: Key = `a${id}`;
    const t = await this.#task(id);
    if (t.status !== OptimisticStatus.Committed) return this.#dropAudit(id, "task no longer committed");
    if (job.phase === "taken") {
      if (t.audit !== AuditState.Taken || !same(t.auditor, this.#me))
        return this.#dropAudit(id, "audit no longer ours", { audit: t.audit });
      return this.#report(id, job, t);
    }
    if (t.audit !== AuditState.Selected) {
      if (t.audit === AuditState.Taken && same(t.auditor, this.#me) && job.resultHash !== undefined) {
        await this.#patchAudit(id, { phase: "taken" });
        return this.#report(id, { ...job, phase: "taken" }, t);
      }
      return this.#dropAudit(id, "audit taken or closed", { audit: t.audit });
    }
    if (this.#now > t.auditDeadline) return this.#dropAudit(id, "audit window over");
    if (job.turnAt === undefined) {
      if (await this.#isUs(t.provider)) return this.#dropAudit(id, "our own task");
      if (await this.#isUs(t.requester)) return this.#dropAudit(id, "our own request");
      const [standing, params, providerStanding] = await Promise.all([
        this.#myStanding(),
        this.#params(),
        this.#o.ctx.publicClient.readContract({
          address: this.#o.ctx.addresses.Reputation,
          abi: reputationAbi,
          functionName: "standingOf",
          args: [t.provider],
        }),
      ]);
      // OptimisticMarket._auditorTier: above the provider's tier (tier 3 audits tier 3), at least minAuditorTier
      const required = Math.max(Math.min(providerStanding[0] + 1, TOP_TIER), params.minAuditorTier);
      if (!standing.eligible || standing.tier < required)
        return this.#dropAudit(id, `tier ${standing.tier} < required ${required} (or ineligible)`);
      const refusal = await this.#refusal(t.modelId);
      if (refusal !== undefined) return this.#dropAudit(id, refusal);
    }
    const turn = await this.#o.ctx.publicClient.readContract({
      address: this.#market,
      abi: optimisticMarketAbi,
      functionName: "auditableAt",
      args: [BigInt(id), this.#me],
    });
    if (turn === NEVER) return this.#dropAudit(id, "no audit turn (no stake weight)");
    const turnAt = Number(turn);
    if (turnAt > t.auditDeadline) return this.#dropAudit(id, "our turn comes after the audit deadline");
    if (job.turnAt !== turnAt) await this.#patchAudit(id, { turnAt });
    if (job.resultHash === undefined) {
      if (this.#now < turnAt - this.#cfg.prepareLeadSec)
        return this.#wait(key, Math.min(turnAt - this.#cfg.prepareLeadSec, this.#now + this.#cfg.recheckSec));
      if (!(await this.#countRun("a", id, job.runs)))
        return this.#dropAudit(id, "execution attempts exhausted");
      const uri = await this.#inputUri(id, t.createdBlock);
      const r = await this.#execute(`audit ${id}`, t.modelId, uri, t.inputCommitment, false);
      await this.#patchAudit(id, { phase: "prepared", resultHash: r.resultHash });
      this.#log.info(
        { taskId: id, ours: r.resultHash, committed: t.resultHash, match: r.resultHash === t.resultHash },
        "OPTIMISTIC audit re-executed",
      );
      return this.#stepAudit(id);
    }
    if (this.#now < turnAt) return this.#wait(key, turnAt);
    if (this.#o.accepting && !this.#o.accepting()) return this.#dropAudit(id, "not accepting new work");
    if (job.resultHash !== t.resultHash && !(await this.#canPayChallenge(t.bond)))
      return this.#dropAudit(id, "mismatch found but the signer cannot pay the challenge bond");
    await this.#marketTx("take-audit", "takeAudit", [BigInt(id)], `optimistic takeAudit #${id}`);
    const after = await this.#task(id);
    if (after.audit === AuditState.Taken && same(after.auditor, this.#me)) {
      await this.#patchAudit(id, { phase: "taken" });
      this.#log.info({ taskId: id }, "OPTIMISTIC audit taken");
      return this.#report(id, { ...job, phase: "taken" }, after);
    }
    if (after.audit === AuditState.Selected && after.status === OptimisticStatus.Committed)
      return this.#wait(key, this.#now + 1);
    return this.#dropAudit(id, "lost the audit", { audit: after.audit });
  }

  async #challengeBond(providerBond: bigint): Promise<bigint> {
    const { challengeBondBps } = await this.#params();
    const c = (providerBond * BigInt(challengeBondBps)) / 10_000n;
    return c === 0n ? 1n : c;
  }

  async #canPayChallenge(providerBond: bigint): Promise<boolean> {
    const bond = await this.#challengeBond(providerBond);
    const balance = await this.#o.ctx.publicClient.readContract({
      address: this.#o.ctx.addresses.EAIToken,
      abi: eaiTokenAbi,
      functionName: "balanceOf",
      args: [this.#o.ctx.signer],
    });
    return balance >= bond;
  }

  /** Confirms (our result hash equals the committed one, as the jury compares them) or challenges. */
  async #report(id: string, job: AuditJob, t: TaskView): Promise<void> {
    if (job.resultHash === undefined) return this.#dropAudit(id, "no result recorded (state lost)");
    if (this.#now > t.auditDeadline) return this.#dropAudit(id, "audit deadline passed before the report");
    if (job.resultHash === t.resultHash) {
      const ok = await this.#marketTx(
        "confirm-audit",
        "confirmAudit",
        [BigInt(id)],
        `optimistic confirmAudit #${id}`,
      );
      if (ok) {
        this.#o.metrics.optimisticOutcomes.inc({ outcome: "audit-confirmed" });
        this.#log.info({ taskId: id }, "OPTIMISTIC audit confirmed");
      }
      this.#withdrawDue = true;
      return this.#dropAudit(id, ok ? "confirmed" : "confirm refused");
    }
    if (await this.#challenge(id, t, job.resultHash)) {
      this.#o.metrics.optimisticOutcomes.inc({ outcome: "audit-challenged" });
      return this.#dropAudit(id, "challenged");
    }
    return this.#wait(`a${id}`, this.#now + 1);
  }

  /** Approves the challenge bond (when the allowance is short) and challenges; true once the challenge is mined. */
  async #challenge(id: string, t: TaskView, ours: Hex): Promise<boolean> {
    const bond = await this.#challengeBond(t.bond);
    const { publicClient, signer, addresses } = this.#o.ctx;
    const allowance = await publicClient.readContract({
      address: addresses.EAIToken,
      abi: eaiTokenAbi,
      functionName: "allowance",
      args: [signer, this.#market],
    });
    if (allowance < bond)
      await this.#send("approve", {
        label: `approve challenge bond #${id}`,
        address: addresses.EAIToken,
        abi: eaiTokenAbi,
        functionName: "approve",
        args: [this.#market, bond],
      });
    const ok = await this.#marketTx("challenge", "challenge", [BigInt(id)], `optimistic challenge #${id}`);
    if (ok)
      this.#log.warn(
        { taskId: id, committed: t.resultHash, ours, challengeBond: bond.toString() },
        "OPTIMISTIC result differs: challenged",
      );
    return ok;
  }

  // ───────────────────────────── challenger (watch) ─────────────────────────────

  async #dropWatch(id: string, why: string, detail?: Record<string, unknown>): Promise<void> {
    this.#log.info({ taskId: id, ...detail }, `OPTIMISTIC watch ended: ${why}`);
    this.#nextAt.delete(`w${id}`);
    await this.store.update((s) => {
      s.watches = without(s.watches, id);
    });
  }

  /**
   * `challenger`: re-executes another provider's committed result and challenges it within the window when it
   * differs (a task that is also audited is challenged here as any other party would; the audit becomes moot).
   */
  async #stepWatch(id: string): Promise<void> {
    const job = this.store.get().watches[id];
    if (!job) return;
    const t = await this.#task(id);
    if (t.status !== OptimisticStatus.Committed) return this.#dropWatch(id, "task no longer committed");
    if (this.#now > t.challengeEnds) return this.#dropWatch(id, "challenge window over");
    if (job.resultHash === undefined) {
      if (await this.#isUs(t.provider)) return this.#dropWatch(id, "our own task");
      const [standing, params] = await Promise.all([this.#myStanding(), this.#params()]);
      if (!standing.eligible || standing.tier < params.minChallengerTier)
        return this.#dropWatch(id, `tier ${standing.tier} < challenger tier ${params.minChallengerTier}`);
      const refusal = await this.#refusal(t.modelId);
      if (refusal !== undefined) return this.#dropWatch(id, refusal);
      if (!(await this.#countRun("w", id, job.runs)))
        return this.#dropWatch(id, "execution attempts exhausted");
      const uri = await this.#inputUri(id, t.createdBlock);
      const r = await this.#execute(`watch ${id}`, t.modelId, uri, t.inputCommitment, false);
      await this.store.update((s) => {
        const w = s.watches[id];
        if (w) w.resultHash = r.resultHash;
      });
      if (r.resultHash === t.resultHash) return this.#dropWatch(id, "result verified");
      this.#log.warn(
        { taskId: id, committed: t.resultHash, ours: r.resultHash },
        "OPTIMISTIC result differs",
      );
      return this.#stepWatch(id);
    }
    if (job.resultHash === t.resultHash) return this.#dropWatch(id, "result verified");
    if (!(await this.#canPayChallenge(t.bond)))
      return this.#dropWatch(id, "result differs but the signer cannot pay the challenge bond");
    if (await this.#challenge(id, t, job.resultHash)) {
      this.#o.metrics.optimisticOutcomes.inc({ outcome: "watch-challenged" });
      return this.#dropWatch(id, "challenged");
    }
    return this.#wait(`w${id}`, this.#now + 1);
  }

  // ───────────────────────────── juror ─────────────────────────────

  async #stepJuror(id: string): Promise<void> {
    let job = this.store.get().disputes[id];
    if (!job) return;
    const key: Key = `d${id}`;
    const { publicClient } = this.#o.ctx;
    const d = await publicClient.readContract({
      address: this.#disputes,
      abi: disputeManagerAbi,
      functionName: "getDispute",
      args: [BigInt(id)],
    });
    if (!d.open) {
      this.#withdrawDue = true;
      if (job.phase === "revealed") this.#o.metrics.optimisticOutcomes.inc({ outcome: "juror-served" });
      return this.#dropDispute(id, "dispute decided");
    }
    if (d.round !== job.round) {
      // a failed round: a new jury is drawn; our result stands, the seat and salt are new
      await this.#patchDispute(id, { round: d.round, phase: "pending", salt: undefined });
      job = { ...job, round: d.round, phase: "pending", salt: undefined };
    }
    if (job.runs === 0 && job.result === undefined) {
      // first look: never sit on a dispute of our own task, our challenge or our request (the contract refuses too)
      for (const a of [d.provider, d.challenger, d.challengerOwner, d.requester])
        if (a !== "0x0000000000000000000000000000000000000000" && (await this.#isUs(a)))
          return this.#dropDispute(id, "we are a party");
      const standing = await this.#myStanding();
      if (!standing.eligible || standing.tier < d.params.jurorMinTier)
        return this.#dropDispute(
          id,
          `tier ${standing.tier} < juror tier ${d.params.jurorMinTier} (or ineligible)`,
        );
    }
    const voteEnd = d.roundStart + d.params.voteWindow;
    const revealEnd = voteEnd + d.params.revealWindow;
    const round = d.round;
    const seat = await publicClient.readContract({
      address: this.#disputes,
      abi: disputeManagerAbi,
      functionName: "seatOf",
      args: [BigInt(id), round, this.#me],
    });
    const full = d.drawsTaken === (1 << d.params.jurySize) - 1;
    const allCommitted = full && d.commits === d.members;
    const soon = this.#now + 1;

    const trySeat = async (): Promise<boolean> => {
      if (this.#now > voteEnd || full) return false;
      if (popcount(seat.draws) >= this.#cfg.maxVotesPerDispute) return false;
      if (this.#o.accepting && !this.#o.accepting() && seat.draws === 0) return false;
      const turn = await publicClient.readContract({
        address: this.#disputes,
        abi: disputeManagerAbi,
        functionName: "seatableAt",
        args: [BigInt(id), this.#me],
      });
      if (turn === NEVER || Number(turn) > this.#now) {
        if (turn !== NEVER) this.#wait(key, Math.min(Number(turn), voteEnd));
        else if (d.seed === 0n && this.#head <= BigInt(d.seedBlock)) this.#wait(key, soon);
        return false;
      }
      if (job.result === undefined) return false;
      const ok = await this.#disputeTx("take-seat", "takeSeat", [BigInt(id)], `takeSeat dispute #${id}`);
      if (ok) this.#log.info({ disputeId: id, round }, "jury seat taken");
      return ok;
    };

    if (seat.draws === 0) {
      if (this.#now > voteEnd)
        return this.#wait(key, Math.min(revealEnd + 1, this.#now + this.#cfg.recheckSec));
      if (full) return this.#wait(key, Math.min(revealEnd + 1, this.#now + this.#cfg.recheckSec));
      if (job.result === undefined) {
        const turn = await publicClient.readContract({
          address: this.#disputes,
          abi: disputeManagerAbi,
          functionName: "seatableAt",
          args: [BigInt(id), this.#me],
        });
        if (turn === NEVER) {
          if (d.seed === 0n && this.#head <= BigInt(d.seedBlock)) return this.#wait(key, soon);
          return this.#wait(key, Math.min(revealEnd + 1, this.#now + this.#cfg.recheckSec));
        }
        const turnAt = Number(turn);
        if (turnAt > voteEnd) return this.#wait(key, revealEnd + 1);
        if (this.#now < turnAt - this.#cfg.prepareLeadSec)
          return this.#wait(
            key,
            Math.min(turnAt - this.#cfg.prepareLeadSec, this.#now + this.#cfg.recheckSec),
          );
        if (!(await this.#countRun("d", id, job.runs)))
          return this.#dropDispute(id, "execution attempts exhausted");
        const t = await this.#task(d.taskId.toString());
        const uri = await this.#inputUri(d.taskId.toString(), t.createdBlock);
        const r = await this.#execute(`dispute ${id}`, t.modelId, uri, t.inputCommitment, false);
        await this.#patchDispute(id, { result: r.resultHash });
        this.#log.info(
          { disputeId: id, ours: r.resultHash, challenged: d.providerResult },
          "dispute re-executed",
        );
        return this.#wait(key, soon);
      }
      if (await trySeat()) {
        await this.#patchDispute(id, { phase: "seated" });
        return this.#wait(key, soon);
      }
      if (!this.#nextAt.has(key) || (this.#nextAt.get(key) ?? 0) <= this.#now) this.#wait(key, soon);
      return;
    }

    if (job.result === undefined)
      return this.#dropDispute(id, "seated without a recorded result (state lost): cannot vote");

    if (seat.commitment === "0x0000000000000000000000000000000000000000000000000000000000000000") {
      if (this.#now > voteEnd) {
        this.#log.error(
          { disputeId: id, round },
          "vote window closed before our commit: the juror bond is lost",
        );
        return this.#wait(key, revealEnd + 1);
      }
      // The salt is on disk before the commitment leaves the process: a restart can still reveal.
      const salt = job.salt ?? (`0x${randomBytes(32).toString("hex")}` as Hex);
      if (job.salt === undefined) await this.#patchDispute(id, { salt, phase: "seated" });
      const commitment = await publicClient.readContract({
        address: this.#disputes,
        abi: disputeManagerAbi,
        functionName: "voteCommitment",
        args: [BigInt(id), round, this.#me, job.result, salt],
      });
      const ok = await this.#disputeTx(
        "commit-vote",
        "commitVote",
        [BigInt(id), commitment],
        `commitVote dispute #${id}`,
      );
      if (ok) {
        await this.#patchDispute(id, { phase: "committed" });
        this.#log.info({ disputeId: id, round }, "jury vote committed");
      }
      return this.#wait(key, soon);
    }

    if (seat.result === "0x0000000000000000000000000000000000000000000000000000000000000000") {
      // more draws whose turn came (same commitment), then the reveal once allowed
      if (!allCommitted && this.#now <= voteEnd) {
        if (await trySeat()) return this.#wait(key, soon);
        const next = this.#nextAt.get(key);
        this.#wait(
          key,
          Math.min(next !== undefined && next > this.#now ? next : voteEnd + 1, voteEnd + 1, this.#now + 2),
        );
        return;
      }
      if (this.#now > revealEnd) {
        this.#log.error({ disputeId: id, round }, "reveal window closed before our reveal");
        return this.#wait(key, this.#now + this.#cfg.recheckSec);
      }
      if (job.salt === undefined) {
        this.#log.error({ disputeId: id, round }, "no persisted salt for our committed vote: cannot reveal");
        return this.#dropDispute(id, "salt lost");
      }
      const ok = await this.#disputeTx(
        "reveal-vote",
        "revealVote",
        [BigInt(id), job.result, job.salt],
        `revealVote dispute #${id}`,
      );
      if (ok) {
        await this.#patchDispute(id, { phase: "revealed" });
        this.#log.info({ disputeId: id, round, result: job.result }, "jury vote revealed");
      }
      return this.#wait(key, soon);
    }

    // revealed: resolve once every vote is in or the reveal window is over (anyone may; a lost race is fine)
    if (job.phase !== "revealed") await this.#patchDispute(id, { phase: "revealed" });
    const allRevealed = allCommitted && d.reveals === d.members;
    if (!allRevealed && this.#now <= revealEnd)
      return this.#wait(key, Math.min(revealEnd + 1, this.#now + this.#cfg.recheckSec));
    await this.#disputeTx("resolve", "resolve", [BigInt(id)], `resolve dispute #${id}`);
    this.#withdrawDue = true;
    return this.#wait(key, soon);
  }
}

function without<T>(record: Record<string, T>, id: string): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== id));
}

function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n += 1;
  return n;
}
