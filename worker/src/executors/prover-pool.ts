/**
 * A pool of prover processes keeping snarkjs warm for Groth16 proving.
 *
 * The provers are child processes (`child_process.fork`), not worker threads: snarkjs' ffjavascript
 * loads the `web-worker` package, which hijacks any non-main thread it is imported in, so snarkjs cannot
 * run inside `worker_threads`. Processes also isolate a prover's memory from the worker.
 *
 * Jobs queue FIFO (bounded); each runs on a free prover with a time limit counted from dispatch. A job
 * that times out gets `ProverError("timeout")` and its prover is killed and replaced; a prover that dies
 * (crash, out of memory) fails its job with `ProverError("crashed")` and is replaced when the next job
 * needs it. The pool never retries a job: the caller decides.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Logger } from "../logger.ts";
import { silentLogger } from "../logger.ts";
import type { Groth16Proof } from "./snarkjs-types.ts";

export type { Groth16Proof } from "./snarkjs-types.ts";

export interface ProveJob {
  /** Witness generator (circom `<name>_js/<name>.wasm`). */
  wasmPath: string;
  zkeyPath: string;
  /** Circuit input signals (numbers as decimal strings or bigints' strings). */
  input: Record<string, unknown>;
}

export interface ProveResult {
  proof: Groth16Proof;
  publicSignals: string[];
  /** Time the prover spent on the job (witness + proof). */
  elapsedMs: number;
}

export type ProverErrorCode = "timeout" | "crashed" | "failed" | "closed" | "queue-full";

export class ProverError extends Error {
  readonly code: ProverErrorCode;
  constructor(code: ProverErrorCode, message: string) {
    super(message);
    this.name = "ProverError";
    this.code = code;
  }
}

export interface ProverPoolOptions {
  /** Prover processes (default 1). */
  size?: number;
  /** Per-job limit from dispatch (default 300 s). */
  jobTimeoutMs?: number;
  /** Jobs waiting beyond this are refused with `queue-full` (default 1000). */
  maxQueue?: number;
  /** Run snarkjs single-threaded in each prover (no cached multi-threaded curve). Default false. */
  singleThread?: boolean;
  logger?: Logger;
  /** Prover script (tests inject a crashing one); default ./prover-process.ts. */
  proverUrl?: URL;
}

interface Pending {
  id: number;
  job: ProveJob;
  resolve: (r: ProveResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  index: number;
  child: ChildProcess | null;
  current: Pending | null;
  timer: NodeJS.Timeout | null;
}

type ProverReply =
  | { ready: true }
  | { id: number; ok: true; proof: Groth16Proof; publicSignals: string[]; elapsedMs: number }
  | { id: number; ok: false; message: string };

export class ProverPool {
  readonly size: number;
  readonly jobTimeoutMs: number;
  readonly #maxQueue: number;
  readonly #singleThread: boolean;
  readonly #log: Logger;
  readonly #proverPath: string;
  readonly #slots: Slot[];
  readonly #queue: Pending[] = [];
  #nextId = 1;
  #restarts = 0;
  #closed = false;

  constructor(options: ProverPoolOptions = {}) {
    this.size = options.size ?? 1;
    if (!Number.isInteger(this.size) || this.size < 1)
      throw new Error(`size: expected a positive integer, got ${this.size}`);
    this.jobTimeoutMs = options.jobTimeoutMs ?? 300_000;
    this.#maxQueue = options.maxQueue ?? 1000;
    this.#singleThread = options.singleThread ?? false;
    this.#log = options.logger ?? silentLogger();
    this.#proverPath = fileURLToPath(options.proverUrl ?? new URL("./prover-process.ts", import.meta.url));
    this.#slots = Array.from({ length: this.size }, (_, index) => ({
      index,
      child: null,
      current: null,
      timer: null,
    }));
    for (const slot of this.#slots) this.#spawn(slot);
  }

  /** Queue lengths and restarts, for metrics. */
  stats(): { size: number; busy: number; queued: number; restarts: number } {
    return {
      size: this.size,
      busy: this.#slots.filter((s) => s.current).length,
      queued: this.#queue.length,
      restarts: this.#restarts,
    };
  }

  prove(job: ProveJob): Promise<ProveResult> {
    if (this.#closed) return Promise.reject(new ProverError("closed", "prover pool is closed"));
    if (this.#queue.length >= this.#maxQueue) {
      return Promise.reject(
        new ProverError("queue-full", `prover queue is full (${this.#maxQueue} jobs waiting)`),
      );
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, job, resolve, reject });
      this.#pump();
    });
  }

  #spawn(slot: Slot): void {
    const child = fork(this.#proverPath, [], {
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
    });
    slot.child = child;
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.on("message", (msg: ProverReply) => {
      if ("ready" in msg) return;
      const current = slot.current;
      if (!current || current.id !== msg.id) return;
      this.#finish(slot);
      if (msg.ok)
        current.resolve({ proof: msg.proof, publicSignals: msg.publicSignals, elapsedMs: msg.elapsedMs });
      else current.reject(new ProverError("failed", `proving failed: ${msg.message}`));
      this.#pump();
    });
    child.on("error", (err) => {
      this.#log.error({ prover: slot.index, err: err.message }, "prover process error");
    });
    child.on("exit", (code, signal) => {
      if (slot.child !== child) return; // already replaced (timeout)
      slot.child = null;
      const current = slot.current;
      this.#finish(slot);
      if (this.#closed) {
        current?.reject(new ProverError("closed", "prover pool closed while the job ran"));
        return;
      }
      this.#restarts++;
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      this.#log.warn(
        { prover: slot.index, exitCode: code, signal, job: current?.id, stderr: stderr.trim().slice(-500) },
        "prover died; it will be replaced",
      );
      current?.reject(
        new ProverError("crashed", `prover process died (${how}) while proving; the job was not completed`),
      );
      this.#pump();
    });
  }

  #finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.current = null;
  }

  #pump(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0 || this.#closed) return;
      if (slot.current) continue;
      if (!slot.child) this.#spawn(slot);
      const child = slot.child as ChildProcess | null;
      if (!child) return;
      const pending = this.#queue.shift() as Pending;
      slot.current = pending;
      slot.timer = setTimeout(() => {
        if (slot.current !== pending) return;
        this.#finish(slot);
        this.#restarts++;
        slot.child = null;
        child.kill("SIGKILL");
        this.#log.warn(
          { prover: slot.index, job: pending.id, timeoutMs: this.jobTimeoutMs },
          "proof timed out; prover replaced",
        );
        pending.reject(
          new ProverError(
            "timeout",
            `proof exceeded the time limit of ${this.jobTimeoutMs} ms; its prover was replaced`,
          ),
        );
        this.#spawn(slot);
        this.#pump();
      }, this.jobTimeoutMs);
      child.send({ id: pending.id, ...pending.job, singleThread: this.#singleThread });
    }
  }

  /** Fails queued jobs with `closed` and stops every prover. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#queue.splice(0))
      pending.reject(new ProverError("closed", "prover pool closed before the job started"));
    await Promise.all(
      this.#slots.map(async (slot) => {
        const child = slot.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGKILL");
        await exited;
      }),
    );
  }
}
