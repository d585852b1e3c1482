/**
 * Batched ZK proving (issue #13): which tasks go into the next proof, and a pipeline that keeps one prover busy.
 *
 * `planBatch` is the policy, a pure function of the queue, the clock and the prover's measured cost per batch size:
 *  - tasks are batched by model (one proof holds tasks of one model only);
 *  - the prover never idles while work is queued: when it is free the next batch is cut once the tasks arriving
 *    together have come in (`gatherMs` after the first, at once when they fill the largest size), so a lone task
 *    on a quiet network is proven alone (k = 1) without waiting for company, and under load the queue that builds
 *    while a batch proves becomes the next, larger batch;
 *  - k is chosen from the queue: the size with the lowest prove time per useful (non-padding) task, ties to the
 *    smaller size (lower latency);
 *  - across models, the task whose latest start (deadline − margin − proof time) comes first goes first, and a model
 *    whose oldest task has waited `flushMs` is served before fuller batches of other models (no starvation);
 *  - a task that can no longer be proven and submitted before its deadline is dropped, not proven.
 *
 * `BatchPipeline` runs the plan: while one batch proves, the next one's inputs are fetched and its witness computed,
 * and the previous proof's transaction is sent, so fetch, witness, proving and submission overlap. Before a batch is
 * proven its tasks are checked once more (`stillOpen`) so that a task another provider settled meanwhile is not
 * proven again; one that is settled by someone else while the proof runs costs only its slot, not the proof
 * (TaskMarket.submitProofBatch skips it).
 */

/** A task waiting to be proven. */
export interface QueuedTask {
  id: bigint;
  modelId: bigint;
  /** Settlement deadline, unix seconds. */
  deadline: number;
  /** When it entered the queue, ms (Date.now()). */
  queuedAt: number;
}

export interface BatchPlanOptions {
  /** Batch sizes with a circuit and an on-chain verifier, including 1. */
  sizes: readonly number[];
  /** The sizes usable for one model (its registered batch verifiers, 1 included); default `sizes`. */
  sizesFor?: (modelId: bigint) => readonly number[];
  /** Measured (or estimated) wall time of one proof per batch size, ms (witness + prove). */
  proveMs: ReadonlyMap<number, number>;
  /** Time reserved after the proof for submitting and mining it, ms. */
  submitMarginMs: number;
  /** A model's oldest task is served first once it has waited this long, ms. */
  flushMs: number;
  /**
   * While a proof runs, the next batch is taken off the queue this long before the running proof is expected to end
   * (its witness is computed meanwhile); earlier would cut the batch short of the tasks still arriving. Default 300.
   */
  witnessLeadMs?: number;
  /**
   * An idle prover waits this long after the oldest queued task arrived before it cuts a batch, so that tasks arriving
   * together (a backlog found at start, a requester's submitTasks, one block of submissions) share a proof instead of
   * the first being proven alone; not once the queue fills the largest size. Default 0 (cut at once).
   */
  gatherMs?: number;
}

export type BatchPlan<T extends QueuedTask> =
  | { action: "prove"; modelId: bigint; batchSize: number; tasks: T[]; expired: T[] }
  | { action: "idle"; expired: T[] };

/**
 * The proof time the planner assumes per size: the measured time, but never less than that of a smaller size. A
 * circuit for k slots holds every constraint of a smaller one and more, so a larger proof measured faster is noise
 * (a cold or loaded first proof of the small size); believing it would send a lone task into a padded batch, slower
 * in fact and dearer in gas (a padded k = 4 verifies at ~272k gas against ~212k for k = 1).
 */
export function monotoneProveMs(
  sizes: readonly number[],
  proveMs: ReadonlyMap<number, number>,
): Map<number, number> {
  const out = new Map<number, number>();
  let floor = 0;
  for (const k of [...sizes].sort((a, b) => a - b)) {
    const ms = proveMs.get(k);
    if (ms === undefined) continue;
    floor = Math.max(floor, ms);
    out.set(k, floor);
  }
  return out;
}

/** Prove time per useful task of size k for n queued tasks (padding slots are paid for but settle nothing). */
function costPerTask(k: number, n: number, proveMs: ReadonlyMap<number, number>): number {
  const ms = proveMs.get(k);
  if (ms === undefined) return Number.POSITIVE_INFINITY;
  return ms / Math.min(n, k);
}

/** The batch size for `n` queued tasks of one model. */
export function chooseBatchSize(n: number, options: Pick<BatchPlanOptions, "sizes" | "proveMs">): number {
  let best = 1;
  let bestCost = Number.POSITIVE_INFINITY;
  const proveMs = monotoneProveMs(options.sizes, options.proveMs);
  for (const k of [...options.sizes].sort((a, b) => a - b)) {
    const cost = costPerTask(k, n, proveMs);
    if (cost < bestCost) {
      best = k;
      bestCost = cost;
    }
  }
  return best;
}

/** Decides the next batch for a free prover (see the module comment). */
export function planBatch<T extends QueuedTask>(
  queue: readonly T[],
  nowMs: number,
  options: BatchPlanOptions,
): BatchPlan<T> {
  const maxProve = Math.max(...[...options.proveMs.values()]);
  const latestStart = (t: T, k: number): number =>
    t.deadline * 1000 - options.submitMarginMs - (options.proveMs.get(k) ?? maxProve);
  // A task that cannot make its deadline even alone in the smallest batch is dropped.
  const smallest = Math.min(...options.sizes);
  const expired = queue.filter((t) => latestStart(t, smallest) < nowMs);
  const live = queue.filter((t) => latestStart(t, smallest) >= nowMs);
  if (live.length === 0) return { action: "idle", expired };

  const byModel = new Map<bigint, T[]>();
  for (const t of live) {
    const list = byModel.get(t.modelId) ?? [];
    list.push(t);
    byModel.set(t.modelId, list);
  }
  // Model order: one whose oldest task waited flushMs first, then by the earliest latest start.
  const models = [...byModel.entries()].map(([modelId, tasks]) => {
    const sorted = [...tasks].sort((a, b) => a.deadline - b.deadline || a.queuedAt - b.queuedAt);
    const oldest = Math.min(...tasks.map((t) => t.queuedAt));
    return {
      modelId,
      tasks: sorted,
      overdue: nowMs - oldest >= options.flushMs,
      urgency: latestStart(sorted[0] as T, smallest),
    };
  });
  models.sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.urgency - b.urgency);
  const chosen = models[0] as (typeof models)[number];
  const modelSizes = options.sizesFor?.(chosen.modelId) ?? options.sizes;
  let k = chooseBatchSize(chosen.tasks.length, { sizes: modelSizes, proveMs: options.proveMs });
  // The larger proof must still let its most urgent task make the deadline; otherwise fall back to smaller sizes.
  const sizes = [...modelSizes].sort((a, b) => b - a).filter((s) => s <= k);
  for (const s of sizes) {
    if (latestStart(chosen.tasks[0] as T, s) >= nowMs) {
      k = s;
      break;
    }
  }
  return { action: "prove", modelId: chosen.modelId, batchSize: k, tasks: chosen.tasks.slice(0, k), expired };
}

/** What the pipeline needs from the outside (the chain, the inputs, the prover). */
export interface BatchPipelineDeps<T extends QueuedTask, W, P> {
  options: BatchPlanOptions;
  /** Re-reads which of these tasks are still open for this provider (others may have settled them). */
  stillOpen(tasks: readonly T[]): Promise<T[]>;
  /** Fetches inputs and computes the witness of a batch (CPU on this thread). */
  witness(batchSize: number, tasks: readonly T[]): Promise<W>;
  /** Proves a witness (snarkjs' worker threads). */
  prove(witness: W): Promise<P>;
  /** Sends the batch's transaction and waits for it. */
  submit(batchSize: number, tasks: readonly T[], proof: P): Promise<void>;
  /** Tasks dropped because their deadline can no longer be met. */
  onExpired?(tasks: readonly T[]): void;
  /** A batch step failed (the tasks go back to the queue once). */
  onError?(err: unknown, tasks: readonly T[]): void;
  now?: () => number;
}

/**
 * Keeps one prover busy: at most one proof runs; the next batch's witness is computed while it runs, and proofs are
 * submitted without holding up the next proof. Call `add` as tasks arrive and `drain` to wait for everything queued.
 */
export class BatchPipeline<T extends QueuedTask, W, P> {
  readonly #deps: BatchPipelineDeps<T, W, P>;
  readonly #queue: T[] = [];
  readonly #retried = new Set<bigint>();
  #proving: Promise<void> | undefined;
  /** When the running proof is expected to end (ms), and the timer that prepares the next batch before then. */
  #provingUntil = 0;
  #prepareTimer: NodeJS.Timeout | undefined;
  /** Until when (Date.now() ms) an idle prover gathers the queued tasks into its next batch (gatherMs). */
  #gatherUntil: number | undefined;
  #prepared: Promise<{ k: number; tasks: T[]; witness: W } | undefined> | undefined;
  readonly #submitting = new Set<Promise<void>>();
  #stopped = false;

  constructor(deps: BatchPipelineDeps<T, W, P>) {
    this.#deps = deps;
  }

  get queued(): number {
    return this.#queue.length;
  }

  add(task: T): void {
    this.addAll([task]);
  }

  /** Queues several tasks at once (one plan for all of them, not one per task). */
  addAll(tasks: readonly T[]): void {
    for (const task of tasks) {
      if (this.#queue.some((t) => t.id === task.id)) continue;
      this.#queue.push(task);
    }
    if (tasks.length > 0) this.#pump();
  }

  /** Whether a task is queued (not yet taken into a batch). */
  has(id: bigint): boolean {
    return this.#queue.some((t) => t.id === id);
  }

  /** Takes queued tasks out (e.g. closed by someone else before their batch was cut). */
  remove(ids: readonly bigint[]): T[] {
    const out = this.#queue.filter((t) => ids.includes(t.id));
    this.#remove(out);
    return out;
  }

  /** Stops taking batches; what is queued stays queued (see `queuedTasks`). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#prepareTimer);
  }

  /** The tasks still queued. */
  queuedTasks(): readonly T[] {
    return [...this.#queue];
  }

  /** Resolves once the running proof, the prepared batch and every submission in flight have ended. */
  async idle(): Promise<void> {
    while (this.#proving || this.#prepared || this.#submitting.size > 0) {
      await Promise.allSettled([this.#proving, this.#prepared, ...this.#submitting]);
    }
  }

  /** Resolves once the queue is empty and every proof has been submitted. */
  async drain(): Promise<void> {
    for (;;) {
      await Promise.all([this.#proving, this.#prepared, ...this.#submitting]);
      if (this.#queue.length === 0 && !this.#proving && !this.#prepared && this.#submitting.size === 0)
        return;
      if (!this.#proving && !this.#prepared) this.#pump();
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Takes the next batch off the queue and computes its witness (the overlap with the running proof). */
  #prepare(): void {
    if (this.#prepared || this.#stopped) return;
    const now = (this.#deps.now ?? Date.now)();
    const gatherMs = this.#deps.options.gatherMs ?? 0;
    if (!this.#proving && gatherMs > 0 && this.#queue.length > 0) {
      // An idle prover: tasks that arrive together are gathered into one batch (a lone task waits gatherMs), but
      // never past the moment the most urgent of them must start the largest proof to make its deadline.
      const { sizes, sizesFor, proveMs, submitMarginMs } = this.#deps.options;
      const maxProve = Math.max(0, ...proveMs.values());
      const slack = Math.min(...this.#queue.map((t) => t.deadline * 1000 - submitMarginMs - maxProve)) - now;
      const until = Date.now() + Math.max(0, Math.min(gatherMs, slack));
      this.#gatherUntil = Math.min(this.#gatherUntil ?? until, until);
      const largest = Math.max(...this.#queue.map((t) => Math.max(...(sizesFor?.(t.modelId) ?? sizes))));
      const wait = this.#gatherUntil - Date.now();
      if (wait > 0 && this.#queue.length < largest) {
        clearTimeout(this.#prepareTimer);
        this.#prepareTimer = setTimeout(() => {
          this.#prepareTimer = undefined;
          this.#pump();
        }, wait);
        return;
      }
    }
    if (this.#proving) {
      // Just in time: the batch is cut witnessLeadMs before the running proof should end, not as tasks trickle in.
      const at = this.#provingUntil - (this.#deps.options.witnessLeadMs ?? 300);
      if (Date.now() < at) {
        this.#prepareTimer ??= setTimeout(() => {
          this.#prepareTimer = undefined;
          this.#pump();
        }, at - Date.now());
        return;
      }
    }
    const plan = planBatch(this.#queue, now, this.#deps.options);
    this.#remove(plan.expired);
    if (plan.expired.length) this.#deps.onExpired?.(plan.expired);
    if (plan.action === "idle") return;
    this.#gatherUntil = undefined;
    this.#remove(plan.tasks);
    this.#prepared = (async () => {
      try {
        const open = await this.#deps.stillOpen(plan.tasks);
        if (open.length === 0) return undefined;
        // Fewer tasks left open: the size is chosen again, never above the planned one (its deadline check).
        const { sizes, sizesFor, proveMs } = this.#deps.options;
        const batchSize = chooseBatchSize(open.length, {
          sizes: (sizesFor?.(plan.modelId) ?? sizes).filter((k) => k <= plan.batchSize),
          proveMs,
        });
        return { k: batchSize, tasks: open, witness: await this.#deps.witness(batchSize, open) };
      } catch (err) {
        this.#requeue(plan.tasks, err);
        return undefined;
      }
    })();
  }

  #pump(): void {
    this.#prepare();
    if (this.#proving || !this.#prepared) return;
    const prepared = this.#prepared;
    this.#proving = (async () => {
      const batch = await prepared;
      this.#prepared = undefined;
      if (batch) {
        // While this proof runs, the next batch is fetched and its witness computed (just before it ends).
        this.#provingUntil = Date.now() + (this.#deps.options.proveMs.get(batch.k) ?? 0);
        this.#prepare();
        try {
          const proof = await this.#deps.prove(batch.witness);
          const sent = this.#deps
            .submit(batch.k, batch.tasks, proof)
            .catch((err: unknown) => this.#deps.onError?.(err, batch.tasks));
          this.#submitting.add(sent);
          void sent.finally(() => this.#submitting.delete(sent));
        } catch (err) {
          this.#requeue(batch.tasks, err);
        }
      }
      this.#proving = undefined;
      if (this.#queue.length > 0 || this.#prepared) this.#pump();
    })();
  }

  #remove(tasks: readonly T[]): void {
    for (const t of tasks) {
      const i = this.#queue.indexOf(t);
      if (i >= 0) this.#queue.splice(i, 1);
    }
  }

  #requeue(tasks: readonly T[], err: unknown): void {
    this.#deps.onError?.(err, tasks);
    for (const t of tasks) {
      if (this.#retried.has(t.id)) continue;
      this.#retried.add(t.id);
      this.#queue.push(t);
    }
  }
}
