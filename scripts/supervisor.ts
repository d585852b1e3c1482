/**
 * Process supervision for `npm start` (scripts/start.ts): every process it starts is stopped when it stops, however
 * it stops.
 *
 * - Each child runs in its own process group (`detached`), so a signal to the group reaches the child's own
 *   children too (npx → sh → node, a worker's prover processes), and Ctrl-C / SIGHUP to the terminal's group
 *   reach only the launcher, which then stops everything in order: SIGTERM to every group, SIGKILL to what is
 *   left after the grace period.
 * - A reaper — a few lines of POSIX sh, in its own group — holds the read end of a pipe from the launcher and
 *   learns each group as it starts. When the pipe closes without the launcher having stopped the groups (it was
 *   killed with SIGKILL, or crashed), the reaper sends SIGTERM, waits the grace period and sends SIGKILL. A pipe
 *   closes whatever way its writer dies, so no polling and no native addon (PR_SET_PDEATHSIG) is needed.
 * - A pid file (`processes.json` in the state folder) lists the launcher, the reaper and every child with its pid,
 *   process group, command line and ports. A later start reads it: processes still alive whose command line is the
 *   recorded one are ours and are stopped; anything else is reported, never signalled.
 *
 * Linux reads /proc; other systems fall back to `ps`.
 */
import { spawn, execFileSync, type ChildProcess, type StdioOptions } from "node:child_process";
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { z } from "zod";

/** SIGTERM → SIGKILL grace period (ms) when nothing else is said. */
export const DEFAULT_STOP_GRACE_MS = 5_000;

// ─── the process table ─────────────────────────────────────────────────────────────────────────────────────

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** One-letter state (Linux: R, S, D, Z, T…); zombies have exited and only wait to be reaped. */
  state: string;
  /** Command line, arguments separated by single spaces. */
  command: string;
}

function parseProcStat(pid: number, stat: string): Omit<ProcessInfo, "command"> | undefined {
  // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses: split after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const [state, ppid, pgid] = [rest[0], Number(rest[1]), Number(rest[2])];
  if (state === undefined || !Number.isInteger(ppid) || !Number.isInteger(pgid)) return undefined;
  return { pid, ppid, pgid, state };
}

function procInfo(pid: number): ProcessInfo | undefined {
  try {
    const stat = parseProcStat(pid, readFileSync(`/proc/${pid}/stat`, "utf8"));
    if (!stat) return undefined;
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0+$/, "").split("\0").join(" ");
    return { ...stat, command };
  } catch {
    return undefined; // gone meanwhile
  }
}

const hasProc = (() => {
  try {
    readFileSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
})();

function psTable(pid?: number): ProcessInfo[] {
  let out: string;
  try {
    out = execFileSync(
      "ps",
      [...(pid ? ["-p", String(pid)] : ["-A"]), "-o", "pid=,ppid=,pgid=,stat=,args="],
      {
        encoding: "utf8",
      },
    );
  } catch {
    return [];
  }
  return out
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      pid: Number(m[1]),
      ppid: Number(m[2]),
      pgid: Number(m[3]),
      state: (m[4] as string).slice(0, 1),
      command: m[5] as string,
    }));
}

/** One process, or undefined when there is none (or only its zombie) with that pid. */
export function processInfo(pid: number): ProcessInfo | undefined {
  const info = hasProc ? procInfo(pid) : psTable(pid)[0];
  return info && info.state !== "Z" ? info : undefined;
}

/** Every live process (zombies left out). */
export function listProcesses(): ProcessInfo[] {
  const all = hasProc
    ? readdirSync("/proc")
        .filter((name) => /^\d+$/.test(name))
        .map((name) => procInfo(Number(name)))
        .filter((p): p is ProcessInfo => p !== undefined)
    : psTable();
  return all.filter((p) => p.state !== "Z");
}

/** Live members of process group `pgid`. */
export function groupMembers(pgid: number): ProcessInfo[] {
  return listProcesses().filter((p) => p.pgid === pgid);
}

/** `pid` and every live descendant of it. */
export function processTree(pid: number): ProcessInfo[] {
  const all = listProcesses();
  const out: ProcessInfo[] = [];
  const walk = (p: number) => {
    for (const child of all.filter((c) => c.ppid === p)) {
      out.push(child);
      walk(child.pid);
    }
  };
  const root = all.find((p) => p.pid === pid);
  if (root) out.push(root);
  walk(pid);
  return out;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: nobody left in the group
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SIGTERM to every group, SIGKILL to whatever is still alive after `graceMs`, then waits (up to 2 s more) until
 * the groups are empty. Returns the groups that were still alive at SIGKILL time.
 */
export async function stopGroups(pgids: readonly number[], graceMs: number): Promise<number[]> {
  const live = () => {
    const groups = new Set(listProcesses().map((p) => p.pgid));
    return pgids.filter((g) => groups.has(g));
  };
  for (const g of live()) signalGroup(g, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (live().length > 0 && Date.now() < deadline) await sleep(100);
  const killed = live();
  for (const g of killed) signalGroup(g, "SIGKILL");
  const end = Date.now() + 2_000;
  while (live().length > 0 && Date.now() < end) await sleep(50);
  return killed;
}

// ─── ports ─────────────────────────────────────────────────────────────────────────────────────────────────

/** True when nothing listens on `host:port` (we could bind it). */
export function portFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The process listening on TCP `port` (Linux only: /proc/net/tcp{,6} and the fds under /proc), if found. */
export function portHolder(port: number): ProcessInfo | undefined {
  if (!hasProc) return undefined;
  const inodes = new Set<string>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      // st 0A = LISTEN; inode is column 9.
      if (local && cols[3] === "0A" && parseInt(local.split(":")[1] ?? "", 16) === port && cols[9]) {
        inodes.add(cols[9]);
      }
    }
  }
  if (inodes.size === 0) return undefined;
  for (const name of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${name}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${name}/fd/${fd}`));
        if (m?.[1] && inodes.has(m[1])) return processInfo(Number(name));
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

// ─── the pid file ──────────────────────────────────────────────────────────────────────────────────────────

const processRecord = z.object({
  pid: z.number().int().positive(),
  command: z.string(),
});

const serviceRecord = processRecord.extend({
  name: z.string(),
  pgid: z.number().int().positive(),
  ports: z.array(z.number().int().min(1).max(65_535)),
  startedAt: z.string(),
});

const pidFileSchema = z.object({
  version: z.literal(1),
  launcher: processRecord.extend({ startedAt: z.string() }),
  reaper: processRecord.optional(),
  services: z.array(serviceRecord),
});

export type ServiceRecord = z.infer<typeof serviceRecord>;
export type PidFile = z.infer<typeof pidFileSchema>;

export async function readPidFile(file: string): Promise<PidFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  const parsed = pidFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `${file}: not a pid file of npm start (${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}); delete it`,
    );
  }
  return parsed.data;
}

// ─── what an earlier run left behind ───────────────────────────────────────────────────────────────────────

/** A recorded process group (a service, or the reaper). */
export type GroupRecord = Pick<ServiceRecord, "name" | "pid" | "pgid" | "command" | "ports">;

export interface Leftovers {
  /** The earlier launcher, when it still runs (then nothing else here is touched). */
  launcher?: ProcessInfo;
  /**
   * Our processes still alive: the group's recorded leader has its recorded command line, or has exited while
   * others of its group live on (a process group id cannot be reused while the group has members).
   */
  ours: { record: GroupRecord; members: ProcessInfo[] }[];
  /** Recorded pids now used by another program (different command line): reported, never signalled. */
  reused: { name: string; pid: number; recorded: string; now: string }[];
}

/** Compares what `file` recorded with what runs now. */
export async function findLeftovers(file: string): Promise<Leftovers | undefined> {
  const recorded = await readPidFile(file);
  if (!recorded) return undefined;
  const launcher = processInfo(recorded.launcher.pid);
  if (launcher && launcher.command === recorded.launcher.command && recorded.launcher.pid !== process.pid) {
    return { launcher, ours: [], reused: [] };
  }
  const out: Leftovers = { ours: [], reused: [] };
  const groups: GroupRecord[] = [
    ...recorded.services,
    ...(recorded.reaper
      ? [{ ...recorded.reaper, name: "the reaper", pgid: recorded.reaper.pid, ports: [] }]
      : []),
  ];
  for (const record of groups) {
    const leader = processInfo(record.pid);
    if (leader && leader.command !== record.command) {
      out.reused.push({ name: record.name, pid: record.pid, recorded: record.command, now: leader.command });
      continue;
    }
    const members = groupMembers(record.pgid);
    if (members.length > 0) out.ours.push({ record, members });
  }
  return out;
}

// ─── the supervisor ────────────────────────────────────────────────────────────────────────────────────────

/**
 * The reaper: reads `+<pgid>` / `-<pgid>` lines from the launcher; at end of input (the launcher is gone, or has
 * finished stopping) signals the groups still listed: SIGTERM, then SIGKILL after the grace period. Ignores
 * SIGHUP and SIGINT, which are meant for the launcher.
 */
export function reaperScript(graceMs: number): string {
  const ticks = Math.max(1, Math.ceil(graceMs / 200));
  return `trap '' HUP INT
groups=""
while IFS= read -r line; do
  case "$line" in
    +*) groups="$groups \${line#+}" ;;
    -*) keep=""; for g in $groups; do [ "$g" = "\${line#-}" ] || keep="$keep $g"; done; groups=$keep ;;
  esac
done
[ -z "$groups" ] && exit 0
for g in $groups; do kill -s TERM -- "-$g" 2>/dev/null; done
i=0
while [ $i -lt ${ticks} ]; do
  alive=""
  for g in $groups; do kill -s 0 -- "-$g" 2>/dev/null && alive="$alive $g"; done
  [ -z "$alive" ] && exit 0
  groups=$alive
  sleep 0.2
  i=$((i + 1))
done
for g in $groups; do kill -s KILL -- "-$g" 2>/dev/null; done
`;
}

export interface SpawnOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** TCP ports the service listens on (recorded, for reports). */
  ports?: number[];
  /** Default: stdin ignored, stdout ignored, stderr inherited (long-running services). */
  stdio?: StdioOptions;
}

export interface SupervisorOptions {
  /** Where the pid file goes (its folder is created). */
  pidFile: string;
  /** SIGTERM → SIGKILL grace period (ms). */
  graceMs?: number;
}

export class Supervisor {
  readonly pidFile: string;
  readonly graceMs: number;
  readonly #launcherCommand = processInfo(process.pid)?.command ?? process.argv.join(" ");
  readonly #startedAt = new Date().toISOString();
  readonly #services: { record: ServiceRecord; child: ChildProcess }[] = [];
  #reaper: ChildProcess | undefined;
  #reaperRecord: z.infer<typeof processRecord> | undefined;
  #writing: Promise<void> = Promise.resolve();
  #stopped = false;
  /** Set once the pid file is removed at the end of a clean stop: it is never written again. */
  #removed = false;

  constructor(options: SupervisorOptions) {
    this.pidFile = options.pidFile;
    this.graceMs = options.graceMs ?? DEFAULT_STOP_GRACE_MS;
  }

  /** Starts the reaper and writes the pid file. */
  async start(): Promise<void> {
    await mkdir(dirname(this.pidFile), { recursive: true });
    const reaper = spawn("/bin/sh", ["-c", reaperScript(this.graceMs)], {
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
    });
    reaper.stdin?.on("error", () => {}); // the reaper died: nothing to tell it any more
    reaper.unref();
    this.#reaper = reaper;
    if (reaper.pid !== undefined) {
      this.#reaperRecord = { pid: reaper.pid, command: processInfo(reaper.pid)?.command ?? "" };
    }
    await this.#save();
  }

  /** Pids of the launcher's children (the reaper included), for tests and reports. */
  get pids(): { reaper?: number; services: { name: string; pid: number }[] } {
    return {
      reaper: this.#reaper?.pid,
      services: this.#services.map((s) => ({ name: s.record.name, pid: s.record.pid })),
    };
  }

  /**
   * Starts `command` in its own process group and records it. `onExit` runs when the group's leader exits
   * (not while stopping).
   */
  spawn(
    name: string,
    command: string,
    args: string[],
    options: SpawnOptions,
    onExit?: (code: number | null, signal: NodeJS.Signals | null) => void,
  ): ChildProcess {
    if (this.#stopped) throw new Error(`not starting ${name}: stopping`);
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: options.stdio ?? ["ignore", "ignore", "inherit"],
      detached: true,
    });
    const pid = child.pid;
    if (pid === undefined) {
      // spawn failed (ENOENT…): the 'error' event follows; nothing to record.
      child.once("error", (err) => {
        console.error(`${name} did not start: ${err.message}`);
        onExit?.(null, null);
      });
      return child;
    }
    // libuv returns from spawn only after exec succeeded: /proc/<pid>/cmdline is the new program's.
    const record: ServiceRecord = {
      name,
      pid,
      pgid: pid,
      command: processInfo(pid)?.command ?? [command, ...args].join(" "),
      ports: options.ports ?? [],
      startedAt: new Date().toISOString(),
    };
    const entry = { record, child };
    this.#services.push(entry);
    this.#tellReaper(`+${pid}`);
    void this.#save();
    child.once("exit", (code, signal) => {
      // The group may outlive its leader (a grandchild still running): keep it listed until it is empty.
      if (groupMembers(pid).length === 0) {
        this.#services.splice(this.#services.indexOf(entry), 1);
        this.#tellReaper(`-${pid}`);
        void this.#save();
      }
      if (!this.#stopped) onExit?.(code, signal);
    });
    return child;
  }

  /**
   * Stops every group (newest first get SIGTERM first; all share one grace period), then removes the pid file
   * and lets the reaper go. Safe to call more than once (later calls wait for the first).
   */
  stopAll(): Promise<number[]> {
    this.#stopping ??= (async () => {
      this.#stopped = true;
      const groups = this.#services.map((s) => s.record.pgid).reverse();
      const killed = await stopGroups(groups, this.graceMs);
      const alive = new Set(listProcesses().map((p) => p.pgid));
      const left = groups.filter((g) => alive.has(g));
      if (left.length === 0) {
        this.#removed = true;
        await this.#writing;
        await rm(this.pidFile, { force: true });
      }
      // End of input: the reaper has nothing listed left (or retries what survived) and exits.
      for (const g of groups) if (!left.includes(g)) this.#tellReaper(`-${g}`);
      this.#reaper?.stdin?.end();
      return killed;
    })();
    return this.#stopping;
  }

  #stopping: Promise<number[]> | undefined;

  #tellReaper(line: string): void {
    const stdin = this.#reaper?.stdin;
    if (stdin && !stdin.destroyed && stdin.writable) stdin.write(`${line}\n`);
  }

  /** Writes the pid file atomically (writes are serialised). */
  #save(): Promise<void> {
    const content: PidFile = {
      version: 1,
      launcher: { pid: process.pid, command: this.#launcherCommand, startedAt: this.#startedAt },
      reaper: this.#reaperRecord,
      services: this.#services.map((s) => s.record),
    };
    const write = async () => {
      if (this.#removed) return;
      const tmp = `${this.pidFile}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify(content, null, 2)}\n`);
      await rename(tmp, this.pidFile);
    };
    this.#writing = this.#writing.then(write, write);
    return this.#writing;
  }
}
