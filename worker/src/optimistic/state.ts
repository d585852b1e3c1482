/**
 * Persisted state of the OPTIMISTIC roles (`<stateDir>/optimistic.json`): the last block whose logs were read and
 * every job in flight — provider tasks, audits, jury seats. Written atomically (temp file + rename) before each
 * transaction whose follow-up needs it, above all a juror's vote salt before `commitVote`: a worker restarted
 * between commit and reveal still reveals.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Hex } from "viem";

export type ProviderPhase = "candidate" | "prepared" | "claimed" | "committed";
export type AuditPhase = "pending" | "prepared" | "taken";
export type JurorPhase = "pending" | "seated" | "committed" | "revealed";

/** A task this worker may serve, serves or has served as provider. */
export interface ProviderJob {
  taskId: string;
  phase: ProviderPhase;
  modelId: string;
  inputUri: string;
  /** When the claim turn comes (chain seconds), once read. */
  turnAt?: number;
  /** keccak256 of the canonical output, or TASK_FAULT_RESULT. */
  resultHash?: Hex;
  resultUri?: string;
  fault?: string;
  /** Executor runs started (bounded by limits.executionAttempts). */
  runs: number;
}

/** An audit this worker may take or holds. */
export interface AuditJob {
  taskId: string;
  phase: AuditPhase;
  turnAt?: number;
  resultHash?: Hex;
  runs: number;
}

/** A committed result of another provider this worker re-executes to challenge it if it differs (`challenger`). */
export interface WatchJob {
  taskId: string;
  resultHash?: Hex;
  runs: number;
}

/** A dispute this worker may sit on or sits on (the current round). */
export interface JurorJob {
  disputeId: string;
  taskId: string;
  round: number;
  phase: JurorPhase;
  /** The result this worker got re-executing the task (kept across rounds: the task does not change). */
  result?: Hex;
  /** The vote salt of `round`, persisted before commitVote. */
  salt?: Hex;
  runs: number;
}

export interface OptimisticState {
  version: 1;
  /** Last block whose logs were processed (decimal). */
  lastBlock: string;
  tasks: Record<string, ProviderJob>;
  audits: Record<string, AuditJob>;
  watches: Record<string, WatchJob>;
  disputes: Record<string, JurorJob>;
}

const EMPTY: OptimisticState = {
  version: 1,
  lastBlock: "0",
  tasks: {},
  audits: {},
  watches: {},
  disputes: {},
};

export class OptimisticStore {
  readonly file: string;
  #state: OptimisticState;
  #writes: Promise<void> = Promise.resolve();

  private constructor(file: string, state: OptimisticState) {
    this.file = file;
    this.#state = state;
  }

  static async open(stateDir: string): Promise<OptimisticStore> {
    await mkdir(stateDir, { recursive: true });
    const file = join(stateDir, "optimistic.json");
    let state: OptimisticState = structuredClone(EMPTY);
    try {
      const raw = JSON.parse(await readFile(file, "utf8")) as Partial<OptimisticState>;
      if (raw.version !== 1) throw new Error(`${file}: unsupported version ${String(raw.version)}`);
      state = {
        version: 1,
        lastBlock: typeof raw.lastBlock === "string" ? raw.lastBlock : "0",
        tasks: raw.tasks ?? {},
        audits: raw.audits ?? {},
        watches: raw.watches ?? {},
        disputes: raw.disputes ?? {},
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    return new OptimisticStore(file, state);
  }

  get(): Readonly<OptimisticState> {
    return this.#state;
  }

  /** Applies `change` to the state and writes it (writes are serialised; resolves once this one is on disk). */
  update(change: (s: OptimisticState) => void): Promise<void> {
    change(this.#state);
    const snapshot = JSON.stringify(this.#state, null, 1);
    const write = this.#writes.then(async () => {
      const tmp = `${this.file}.${randomBytes(6).toString("hex")}.tmp`;
      try {
        await writeFile(tmp, snapshot, { mode: 0o600 });
        await rename(tmp, this.file);
      } finally {
        await rm(tmp, { force: true });
      }
    });
    this.#writes = write.catch(() => undefined);
    return write;
  }
}
