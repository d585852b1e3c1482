/**
 * Child processes that run untrusted models (WASM modules, ONNX graphs) under operating-system limits, so that
 * whatever a model does — exhaust memory, spin, abort V8, write garbage — fails that run and never the worker.
 *
 * Each child is `node <script>` started through `/bin/sh -c 'ulimit …; exec node …'` with:
 * - RLIMIT_DATA (`ulimit -d`): private writable memory, the kernel's hard cap. It counts reservations that V8 makes
 *   writable up front (its ≈ 512 MiB code range, thread stacks), so it is set to the memory limit plus
 *   `DATA_RESERVE_MIB`. (RLIMIT_AS is unusable: V8 reserves ≈ 10 GiB of address space per WASM memory for guard
 *   regions. cgroup v2 `memory.max` would be exact but needs a delegated, writable cgroup, which a worker cannot
 *   count on.)
 * - a resident-memory watchdog: `/proc/<pid>/status` VmRSS sampled every `watchIntervalMs`; above `memoryMiB` the
 *   child is killed (SIGKILL). This is the limit that is actually meant; RLIMIT_DATA bounds what a burst between
 *   two samples can take.
 * - `--max-old-space-size` for the JS heap.
 * - RLIMIT_CPU (`ulimit -t`): CPU seconds over the child's whole life (the kernel stops it with SIGXCPU, and
 *   SIGKILL a second later); per request the
 *   watchdog also kills it once user + system time since the request started exceeds `cpuMs`.
 * - a wall-clock limit per request (SIGKILL).
 * - RLIMIT_CORE = 0 (an aborting child writes no core dump) and an environment without the worker's secrets.
 *
 * The child reports its limits as read from `/proc/self/limits` in its first frame; the worker refuses a child whose
 * limits are not the ones it asked for. Requests and replies are length-prefixed frames (ipc.ts) on file descriptor 3,
 * bounded by `maxFrameBytes`; stdout and stderr are kept only as a bounded tail for diagnostics. A child that exits,
 * is killed or sends a malformed or oversized frame fails the request in progress with an `ExecutionError` whose
 * `taskFault` is false (the failure is this worker's, under its limits). Linux only (`/proc`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { lstatSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Logger } from "../logger.ts";
import { silentLogger } from "../logger.ts";
import { encodeFrame, FrameDecoder, FrameError, type Frame } from "./ipc.ts";
import { ExecutionError, type ExecutionErrorCode } from "./types.ts";

/** RLIMIT_DATA above the memory limit: V8's code range (≈ 509 MiB measured), thread stacks, allocator slack. */
export const DATA_RESERVE_MIB = 1024;
/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on Linux for every user-visible ABI). */
const CLOCK_TICKS_PER_SEC = 100;
const OUTPUT_TAIL_BYTES = 4096;

export interface SandboxLimits {
  /** Resident memory of the child (MiB); the watchdog kills it above this. */
  memoryMiB: number;
  /** V8 old-space size (MiB), `--max-old-space-size`. */
  heapMiB: number;
  /** Wall-clock limit per request (ms). */
  wallMs: number;
  /** CPU time per request, user + system over all threads (ms). */
  cpuMs: number;
  /** RLIMIT_CPU: CPU seconds over the child's life (start-up included). */
  lifetimeCpuSec: number;
  /** RLIMIT_DATA (MiB); default `memoryMiB + DATA_RESERVE_MIB`. */
  dataMiB?: number;
  /** Largest frame the child may send (bytes). */
  maxFrameBytes: number;
}

export interface SandboxOptions {
  /** The child's entry script (it calls `serveSandbox` from sandbox-child.ts). */
  script: URL;
  /** What the child is, for messages ("wasm sandbox", "onnx model 2"). */
  label: string;
  limits: SandboxLimits;
  /** Extra Node/V8 flags for the child. */
  nodeFlags?: readonly string[];
  /** Arguments after the script. */
  args?: readonly string[];
  /** Limit for start-up until the child's first frame (default max(wallMs, 30 s)). */
  startTimeoutMs?: number;
  /** Watchdog sampling interval (default 20 ms). */
  watchIntervalMs?: number;
  /**
   * Node's compile cache for the child's scripts (type stripping costs ≈ 70 ms per start without it). Default: a
   * folder of this user's in the temp dir, used only when it is ours and mode 0700; null disables it.
   */
  compileCacheDir?: string | null;
  logger?: Logger;
}

/** Variables a child may inherit: nothing of the worker's own (keys, passwords, RPC URLs). */
const ENV_ALLOWLIST = /^(PATH|LANG|LC_[A-Z_]+|TZ|TMPDIR|LD_LIBRARY_PATH|CUDA_[A-Z_]+|NVIDIA_[A-Z_]+)$/;

const readySchema = z
  .object({
    type: z.literal("ready"),
    limits: z
      .object({
        dataBytes: z.number().nullable(),
        cpuSec: z.number().nullable(),
        coreBytes: z.number().nullable(),
      })
      .strict(),
  })
  .loose();

export interface ProcSample {
  /** User + system CPU time of all threads (ms). */
  cpuMs: number;
  /** Resident set size (bytes). */
  rssBytes: number;
}

/** Reads CPU time and resident memory of `pid` from /proc; undefined when the process is gone. */
export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may contain anything: state is field 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime (14), stime (15)
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rssKiB = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
    return { cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SEC, rssBytes: rssKiB * 1024 };
  } catch {
    return undefined;
  }
}

let defaultCacheDir: string | null | undefined;

/** `<tmp>/eai-sandbox-cache-<uid>`, created 0700; null when it exists but is not a private folder of this user. */
function compileCacheDir(): string | null {
  if (defaultCacheDir !== undefined) return defaultCacheDir;
  const uid = process.getuid?.() ?? 0;
  const dir = join(tmpdir(), `eai-sandbox-cache-${uid}`);
  try {
    mkdirSync(dir, { mode: 0o700, recursive: true });
    const st = lstatSync(dir);
    defaultCacheDir = st.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0 ? dir : null;
  } catch {
    defaultCacheDir = null;
  }
  return defaultCacheDir;
}

/** True when this system can run sandboxes (/proc with per-process stat and status). */
export function sandboxSupported(): boolean {
  return process.platform === "linux" && sampleProcess(process.pid) !== undefined;
}

interface Pending {
  resolve: (frame: Frame) => void;
  reject: (err: ExecutionError) => void;
  cpuStart: number;
  cpuMs: number;
  timer: NodeJS.Timeout;
}

/** One sandboxed child process: start it, send it requests one at a time, kill it. */
export class SandboxProcess {
  readonly label: string;
  readonly limits: Required<SandboxLimits>;
  /** The child's first frame (its limits and whatever it reports about its runtime). */
  info: Record<string, unknown> = {};
  readonly #child: ChildProcess;
  readonly #channel: Socket;
  readonly #decoder: FrameDecoder;
  readonly #log: Logger;
  readonly #watchMs: number;
  #watch: NodeJS.Timeout | undefined;
  #pending: Pending | undefined;
  #ready: { resolve: () => void; reject: (err: ExecutionError) => void; timer: NodeJS.Timeout } | undefined;
  /** Why we killed it (reported instead of the bare signal). */
  #killedFor: { code: ExecutionErrorCode; message: string } | undefined;
  #exited: Promise<void>;
  #exitInfo: string | undefined;
  #tail = "";
  #lastSample: ProcSample | undefined;
  #peakRss = 0;
  #requests = 0;

  private constructor(options: SandboxOptions) {
    this.label = options.label;
    const l = options.limits;
    this.limits = { ...l, dataMiB: l.dataMiB ?? l.memoryMiB + DATA_RESERVE_MIB };
    this.#log = options.logger ?? silentLogger();
    this.#watchMs = options.watchIntervalMs ?? 20;
    this.#decoder = new FrameDecoder(l.maxFrameBytes);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && ENV_ALLOWLIST.test(k)) env[k] = v;
    const cache = options.compileCacheDir === undefined ? compileCacheDir() : options.compileCacheDir;
    if (cache !== null) env.NODE_COMPILE_CACHE = cache;
    const dataKiB = Math.ceil(this.limits.dataMiB * 1024);
    const cpuSec = Math.max(1, Math.ceil(this.limits.lifetimeCpuSec));
    this.#child = spawn(
      "/bin/sh",
      [
        "-c",
        // Soft CPU limit → SIGXCPU (unambiguous in the exit status); the hard one, a second later, → SIGKILL.
        'ulimit -c 0 && ulimit -d "$1" && ulimit -S -t "$2" && ulimit -H -t "$3" && shift 3 && exec "$@"',
        "eai-sandbox",
        String(dataKiB),
        String(cpuSec),
        String(cpuSec + 1),
        process.execPath,
        `--max-old-space-size=${Math.max(16, Math.floor(l.heapMiB))}`,
        "--no-warnings",
        ...(options.nodeFlags ?? []),
        fileURLToPath(options.script),
        ...(options.args ?? []),
      ],
      { stdio: ["ignore", "pipe", "pipe", "pipe"], env },
    );
    this.#channel = this.#child.stdio[3] as Socket;
    const keepTail = (chunk: Buffer) => {
      this.#tail = (this.#tail + chunk.toString("utf8")).slice(-OUTPUT_TAIL_BYTES);
    };
    this.#child.stdout?.on("data", keepTail);
    this.#child.stderr?.on("data", keepTail);
    this.#channel.on("data", (chunk: Buffer) => this.#onData(chunk));
    this.#channel.on("error", () => undefined); // the exit handler reports
    this.#exited = new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.#exitInfo !== undefined) return;
        this.#exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
        this.#stopWatch();
        this.#onExit(code, signal);
        resolve();
      };
      this.#child.once("exit", finish);
      this.#child.on("error", (err) => {
        this.#killedFor ??= { code: "crashed", message: `${this.label}: cannot start: ${err.message}` };
        if (this.#child.pid === undefined) finish(null, null); // never spawned: no exit event follows
      });
    });
  }

  /**
   * Starts a child and waits for its first frame.
   * @throws ExecutionError (`runtime` when the limits were not applied, else `crashed`/`timeout`).
   */
  static async start(options: SandboxOptions): Promise<SandboxProcess> {
    const p = new SandboxProcess(options);
    const startMs = options.startTimeoutMs ?? Math.max(options.limits.wallMs, 30_000);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          p.#kill("timeout", `${p.label}: did not start within ${startMs} ms`);
        }, startMs);
        p.#ready = { resolve, reject, timer };
        p.#startWatch();
      });
    } catch (err) {
      await p.kill();
      throw err;
    }
    return p;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Still running and able to take a request. */
  get alive(): boolean {
    return this.#exitInfo === undefined && this.#killedFor === undefined;
  }

  get busy(): boolean {
    return this.#pending !== undefined;
  }

  /** Requests answered so far. */
  get requests(): number {
    return this.#requests;
  }

  /** Highest resident memory seen (bytes). */
  get peakRssBytes(): number {
    return this.#peakRss;
  }

  /** CPU time the child has used so far (ms; 0 when it is gone). */
  cpuMs(): number {
    const pid = this.#child.pid;
    const s = pid === undefined ? undefined : sampleProcess(pid);
    if (s) this.#lastSample = s;
    return this.#lastSample?.cpuMs ?? 0;
  }

  /**
   * Sends one request and resolves with the child's reply frame. Limits: `wallMs` and `cpuMs` (per request, default
   * the sandbox's), resident memory throughout.
   * @throws ExecutionError (`timeout`, `cpu-limit`, `memory-limit`, `crashed`, `closed`), never a task fault.
   */
  request(
    header: Record<string, unknown>,
    payload?: Uint8Array,
    limits: { wallMs?: number; cpuMs?: number } = {},
  ): Promise<Frame> {
    if (this.#pending)
      return Promise.reject(new ExecutionError("runtime", `${this.label}: request while busy`));
    if (!this.alive)
      return Promise.reject(
        new ExecutionError(
          "crashed",
          `${this.label}: the sandbox process is gone (${this.#exitInfo ?? "killed"})`,
        ),
      );
    const wallMs = limits.wallMs ?? this.limits.wallMs;
    const cpuMs = limits.cpuMs ?? this.limits.cpuMs;
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#kill("timeout", `${this.label}: exceeded the time limit of ${wallMs} ms and was stopped`);
      }, wallMs);
      this.#pending = { resolve, reject, cpuStart: this.cpuMs(), cpuMs, timer };
      this.#startWatch();
      this.#channel.write(encodeFrame(header, payload));
    });
  }

  /** Kills the child (SIGKILL) and waits for it to exit; a request in progress fails with `closed`. */
  async kill(): Promise<void> {
    if (this.#exitInfo === undefined) {
      this.#killedFor ??= { code: "closed", message: `${this.label}: the sandbox was closed` };
      this.#child.kill("SIGKILL");
    }
    await this.#exited;
  }

  /** Asks the child to exit by closing its channel (it exits when the channel ends); kills it after `graceMs`. */
  async retire(graceMs = 2_000): Promise<void> {
    this.#killedFor ??= { code: "closed", message: `${this.label}: the sandbox was retired` };
    this.#channel.end();
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  #onData(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (err) {
      const what = err instanceof FrameError ? err.message : String(err);
      this.#kill("crashed", `${this.label}: sent a malformed frame (${what}); the process was killed`);
      return;
    }
    for (const frame of frames) this.#onFrame(frame);
  }

  #onFrame(frame: Frame): void {
    const ready = this.#ready;
    if (ready) {
      this.#ready = undefined;
      clearTimeout(ready.timer);
      const parsed = readySchema.safeParse(frame.header);
      if (!parsed.success) {
        this.#kill("crashed", `${this.label}: first frame is not a valid ready message`);
        ready.reject(this.#error());
        return;
      }
      const got = parsed.data.limits;
      const wantData = Math.ceil(this.limits.dataMiB * 1024) * 1024;
      const wantCpu = Math.max(1, Math.ceil(this.limits.lifetimeCpuSec));
      if (got.dataBytes !== wantData || got.cpuSec !== wantCpu || got.coreBytes !== 0) {
        this.#kill(
          "runtime",
          `${this.label}: operating-system limits were not applied (RLIMIT_DATA ${got.dataBytes}, expected ${wantData}; ` +
            `RLIMIT_CPU ${got.cpuSec}, expected ${wantCpu}; RLIMIT_CORE ${got.coreBytes}, expected 0)`,
        );
        ready.reject(this.#error());
        return;
      }
      this.info = frame.header;
      if (!this.#pending) this.#stopWatch();
      ready.resolve();
      return;
    }
    const pending = this.#pending;
    if (!pending) {
      this.#kill("crashed", `${this.label}: sent a frame nobody asked for; the process was killed`);
      return;
    }
    this.#pending = undefined;
    clearTimeout(pending.timer);
    this.#stopWatch();
    this.#requests++;
    pending.resolve(frame);
  }

  #startWatch(): void {
    if (this.#watch) return;
    this.#watch = setInterval(() => this.#check(), this.#watchMs);
    this.#watch.unref();
  }

  #stopWatch(): void {
    if (this.#watch) clearInterval(this.#watch);
    this.#watch = undefined;
  }

  #check(): void {
    const pid = this.#child.pid;
    if (pid === undefined || !this.alive) return;
    const s = sampleProcess(pid);
    if (!s) return;
    this.#lastSample = s;
    if (s.rssBytes > this.#peakRss) this.#peakRss = s.rssBytes;
    const limit = this.limits.memoryMiB * 1024 * 1024;
    if (s.rssBytes > limit) {
      this.#kill(
        "memory-limit",
        `${this.label}: resident memory ${(s.rssBytes / 2 ** 20).toFixed(0)} MiB exceeded the limit of ${this.limits.memoryMiB} MiB; the process was killed`,
      );
      return;
    }
    const p = this.#pending;
    if (p && s.cpuMs - p.cpuStart > p.cpuMs) {
      this.#kill(
        "cpu-limit",
        `${this.label}: used ${(s.cpuMs - p.cpuStart).toFixed(0)} ms of CPU, over the limit of ${p.cpuMs} ms; the process was killed`,
      );
    }
  }

  #kill(code: ExecutionErrorCode, message: string): void {
    if (this.#killedFor === undefined) this.#killedFor = { code, message };
    this.#log.warn(
      { sandbox: this.label, pid: this.#child.pid, code, reason: message },
      "sandbox process killed",
    );
    this.#child.kill("SIGKILL");
  }

  /** The error for the request in progress, from why we killed the child or how it died. */
  #error(): ExecutionError {
    if (this.#killedFor) return new ExecutionError(this.#killedFor.code, this.#killedFor.message);
    const tail = this.#tail.trim();
    const how = this.#exitInfo ?? "unknown";
    const oom =
      /out of memory|allocation failed|heap limit|bad_alloc|cannot allocate memory|failed to reserve|OOMErrorHandler/i;
    if (oom.test(tail)) {
      const line = tail.split("\n").find((l) => oom.test(l)) ?? "";
      return new ExecutionError(
        "memory-limit",
        `${this.label}: ran out of memory under its limits (${how}): ${line.trim()}`,
      );
    }
    if (/SIGXCPU/.test(how))
      return new ExecutionError(
        "cpu-limit",
        `${this.label}: killed by the kernel at its CPU limit of ${this.limits.lifetimeCpuSec} s (${how})`,
      );
    return new ExecutionError(
      "crashed",
      `${this.label}: process died (${how})${tail ? `: ${tail.slice(-600)}` : ""}`,
    );
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    try {
      this.#decoder.end();
    } catch (err) {
      if (!this.#killedFor && this.#pending)
        this.#killedFor = {
          code: "crashed",
          message: `${this.label}: died in the middle of a reply (${(err as Error).message}; ${signal ?? `exit code ${code}`})`,
        };
    }
    const err = this.#error();
    const ready = this.#ready;
    if (ready) {
      this.#ready = undefined;
      clearTimeout(ready.timer);
      ready.reject(err);
    }
    const pending = this.#pending;
    if (pending) {
      this.#pending = undefined;
      clearTimeout(pending.timer);
      pending.reject(err);
    }
    if (err.code !== "closed")
      this.#log.debug({ sandbox: this.label, code: err.code, err: err.message }, "sandbox process exited");
  }
}
