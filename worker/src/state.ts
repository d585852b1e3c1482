/**
 * Persisted worker state for crash safety: `<stateDir>/worker-state.json` holding the last processed
 * block and the tasks this worker has claimed and not yet finished (spec, phase, commit-reveal salt,
 * timestamps). The watcher and submitter (not built yet) resume from it after a restart.
 *
 * Every update is serialised (one at a time, in call order), applied to a copy, written to a temp file,
 * fsynced, renamed over the old file (atomic) and the folder fsynced; only then does the in-memory
 * state change. A crash at any point leaves either the old or the new file, never a torn one.
 */
import { randomBytes } from "node:crypto";
import * as fsp from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { formatIssues } from "@eai/sdk/zod-errors";

export const STATE_FILE = "worker-state.json";

export const TASK_PHASES = [
  "preparing",
  "prepared",
  "claiming",
  "claimed",
  "executing",
  "executed",
  "proving",
  "proved",
  "committed",
  "revealed",
  "submitted",
  "failed",
] as const;
export type TaskPhase = (typeof TASK_PHASES)[number];

const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

const taskSchema = z
  .object({
    taskId: z.string().regex(/^\d+$/, { error: "expected a decimal task id" }),
    /** The task spec as emitted on-chain (bigints as decimal strings). */
    spec: z.record(z.string(), jsonValue),
    phase: z.enum(TASK_PHASES),
    /** REDUNDANT mode: the commit-reveal salt, kept until the reveal is mined. */
    salt: z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}$/, { error: "expected a 0x-prefixed 32-byte hex salt" })
      .optional(),
    resultHash: z.string().optional(),
    /** REDUNDANT: the task cannot be executed (a deterministic task fault): the worker votes TASK_FAULT_RESULT. */
    taskFault: z.string().optional(),
    /** REDUNDANT: chain time (s) from which this provider's best free draw is its own (TaskMarket.claimableAt). */
    turnAt: z.number().int().nonnegative().optional(),
    /** REDUNDANT: draws (votes) this provider holds on the task. */
    votes: z.number().int().nonnegative().optional(),
    outputUri: z.string().optional(),
    txHashes: z.array(z.string()).default([]),
    /** The task's input URI (emitted in TaskSubmitted, not part of the spec). */
    inputUri: z.string().optional(),
    /** How a ZK task is settled: "direct" = proved and submitted without a claim (absent = claimed first). */
    settlement: z.enum(["claim", "direct"]).optional(),
    /** Executor kind that runs it. */
    executor: z.string().optional(),
    /** A transaction signed for this task and not yet known to be mined: checked before anything is re-sent. */
    pendingTx: z
      .object({
        action: z.enum(["claim", "submitProof", "commit", "reveal", "finalize", "leave"]),
        hash: z.string().regex(/^0x[0-9a-fA-F]{64}$/, { error: "expected a transaction hash" }),
      })
      .strict()
      .optional(),
    /** ZK mode after proving: the proven output word (decimal) and the proof (decimal strings). */
    output: z.string().optional(),
    proof: z
      .object({ a: z.array(z.string()), b: z.array(z.array(z.string())), c: z.array(z.string()) })
      .strict()
      .optional(),
    /** Failed execution attempts caused by the worker (outage, crash), for bounded retries. */
    attempts: z.number().int().nonnegative().optional(),
    /**
     * Executor runs started for this task. Incremented and persisted *before* each run, so a run that never came
     * back (the process was killed, aborted or lost power) still counts: after `limits.executionAttempts` runs the
     * task is given up instead of executed again (no crash loop on restart).
     */
    executionAttempts: z.number().int().nonnegative().optional(),
    error: z.string().optional(),
    claimedAt: z.number().int().nonnegative(),
    updatedAt: z.number().int().nonnegative(),
  })
  .strict();

const stateSchema = z
  .object({
    version: z.literal(1, { error: "expected state version 1" }),
    lastProcessedBlock: z.string().regex(/^\d+$/, { error: "expected a decimal block number" }),
    tasks: z.record(z.string(), taskSchema),
  })
  .strict();

export type InFlightTask = z.infer<typeof taskSchema>;

export interface WorkerState {
  lastProcessedBlock: bigint;
  tasks: Record<string, InFlightTask>;
}

export interface StateStoreOptions {
  /** File-system functions (tests inject a failing rename to simulate a crash). */
  fs?: Pick<typeof fsp, "rename">;
}

export class StateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateError";
  }
}

function serialise(state: WorkerState): string {
  return `${JSON.stringify({ version: 1, lastProcessedBlock: state.lastProcessedBlock.toString(), tasks: state.tasks }, null, 2)}\n`;
}

function clone(state: WorkerState): WorkerState {
  return { lastProcessedBlock: state.lastProcessedBlock, tasks: structuredClone(state.tasks) };
}

export class StateStore {
  readonly file: string;
  readonly #dir: string;
  readonly #rename: (from: string, to: string) => Promise<void>;
  #state: WorkerState;
  #chain: Promise<unknown> = Promise.resolve();

  private constructor(dir: string, state: WorkerState, options: StateStoreOptions) {
    this.#dir = dir;
    this.file = join(dir, STATE_FILE);
    this.#state = state;
    this.#rename = options.fs?.rename ?? fsp.rename;
  }

  /**
   * Opens (or creates) the state in `stateDir`; removes temp files left by a crash.
   * @throws StateError naming the bad field when the file is corrupt (it is never overwritten silently).
   */
  static async open(stateDir: string, options: StateStoreOptions = {}): Promise<StateStore> {
    await fsp.mkdir(stateDir, { recursive: true });
    for (const name of await fsp.readdir(stateDir)) {
      if (name.startsWith(`${STATE_FILE}.`) && name.endsWith(".tmp"))
        await fsp.rm(join(stateDir, name), { force: true });
    }
    const file = join(stateDir, STATE_FILE);
    let text: string | undefined;
    try {
      text = await fsp.readFile(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    if (text === undefined) return new StateStore(stateDir, { lastProcessedBlock: 0n, tasks: {} }, options);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new StateError(`${file} is not valid JSON; move it away to start from scratch`);
    }
    const parsed = stateSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) throw new StateError(`${file}: ${formatIssues(parsed.error.issues)}`);
    return new StateStore(
      stateDir,
      { lastProcessedBlock: BigInt(parsed.data.lastProcessedBlock), tasks: parsed.data.tasks },
      options,
    );
  }

  /** Whether a task is in the state (no copy is made: for checks on hot paths). */
  hasTask(taskId: string): boolean {
    return Object.hasOwn(this.#state.tasks, taskId);
  }

  /** A copy of the current state. */
  get(): WorkerState {
    return clone(this.#state);
  }

  /**
   * Applies `mutate` to a copy of the state and persists it atomically. Updates run one at a time in call
   * order; if `mutate` throws or the write fails, nothing changes.
   */
  update(mutate: (draft: WorkerState) => void | Promise<void>): Promise<WorkerState> {
    const run = async () => {
      const draft = clone(this.#state);
      await mutate(draft);
      const checked = stateSchema.safeParse(JSON.parse(serialise(draft)));
      if (!checked.success)
        throw new StateError(`refusing to save invalid state: ${formatIssues(checked.error.issues)}`);
      await this.#write(serialise(draft));
      this.#state = draft;
      return clone(draft);
    };
    const result = this.#chain.then(run, run);
    this.#chain = result.catch(() => undefined);
    return result;
  }

  /** Records the last fully processed block (never moves backwards). */
  setLastProcessedBlock(block: bigint): Promise<WorkerState> {
    return this.update((s) => {
      if (block > s.lastProcessedBlock) s.lastProcessedBlock = block;
    });
  }

  /** Adds or changes an in-flight task; `updatedAt` is set to now. */
  upsertTask(
    task: Omit<InFlightTask, "updatedAt" | "txHashes"> & Partial<Pick<InFlightTask, "txHashes">>,
  ): Promise<WorkerState> {
    return this.update((s) => {
      s.tasks[task.taskId] = { txHashes: [], ...s.tasks[task.taskId], ...task, updatedAt: Date.now() };
    });
  }

  /**
   * Records that an executor run of `taskId` is about to start: increments its `executionAttempts` (and applies
   * `patch`, e.g. the phase) in one persisted update, before the run. Resolves with the run's number (1 = first), or
   * with `undefined`, changing nothing, when `max` runs were already started.
   * @throws StateError when the task is not in the state.
   */
  async beginExecution(
    taskId: string,
    max: number,
    patch: Partial<Pick<InFlightTask, "phase">> = {},
  ): Promise<number | undefined> {
    let run: number | undefined;
    await this.update((s) => {
      const t = s.tasks[taskId];
      if (!t) throw new StateError(`task ${taskId} is not in the state`);
      const started = t.executionAttempts ?? 0;
      if (started >= max) return;
      run = started + 1;
      s.tasks[taskId] = { ...t, ...patch, executionAttempts: run, updatedAt: Date.now() };
    });
    return run;
  }

  removeTask(taskId: string): Promise<WorkerState> {
    return this.update((s) => {
      s.tasks = Object.fromEntries(Object.entries(s.tasks).filter(([id]) => id !== taskId));
    });
  }

  async #write(text: string): Promise<void> {
    const tmp = join(this.#dir, `${STATE_FILE}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    const handle = await fsp.open(tmp, "wx", 0o600);
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await this.#rename(tmp, this.file);
    } catch (err) {
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
    const dir = await fsp.open(this.#dir, "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
