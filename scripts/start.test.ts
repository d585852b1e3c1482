/**
 * `npm start` (scripts/start.ts, light: --no-web --workers 1, the indexer included) really stops what it started:
 * SIGTERM to the launcher, SIGHUP to its process group (a closed terminal), SIGKILL to the launcher (the reaper
 * stops the rest), and a start after the launcher and its reaper were both killed outright finds the leftovers
 * by the pid file, checks their command lines and stops them; the launcher also stops when its parent (npm) exits.
 * "Nothing survives" is checked by pid (every process the launcher had started, grandchildren included) and by
 * port.
 *
 * Four network start-ups of ~30 s each (2 cores): about 2–3 minutes in all. Needs `npx hardhat build` first.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../test/support/ports.ts";
import { portFree, processInfo, processTree, readPidFile, stopGroups, type PidFile } from "./supervisor.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const START_TIMEOUT_MS = 240_000;

let state: string;
let ports: { chain: number; blob: number; indexer: number; metrics: number };
const launched: Launcher[] = [];

/** The ports `npm start` is given here (claimed across test processes, see test/support/ports.ts). */
const START_PORTS = [43100, 43199] as const;

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number) {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - start;
}

interface Launcher {
  child: ChildProcess;
  pid: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs scripts/start.ts as a user would, as the leader of its own process group (like a terminal's job). */
function launch(): Launcher {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST") && name !== "NODE_ENV"),
  );
  const child = spawn(
    process.execPath,
    [
      "scripts/start.ts",
      "--no-web",
      "--no-bridge",
      "--workers",
      "1",
      "--state-dir",
      state,
      "--port",
      String(ports.chain),
      "--blob-port",
      String(ports.blob),
      "--indexer-port",
      String(ports.indexer),
      "--metrics-port",
      String(ports.metrics),
    ],
    { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on("exit", (code, signal) => r({ code, signal })),
  );
  const launcher = { child, pid: child.pid as number, output: () => out, exited };
  launched.push(launcher);
  return launcher;
}

/** Waits for "EAI network is up"; returns every process the launcher started and the pid file. */
async function up(l: Launcher): Promise<{ pids: number[]; recorded: PidFile }> {
  let gone = false;
  void l.exited.then(() => (gone = true));
  await waitUntil(
    () => {
      if (gone) throw new Error(`npm start exited before it was up:\n${l.output().slice(-3000)}`);
      return l.output().includes("EAI network is up");
    },
    "network up",
    START_TIMEOUT_MS,
  );
  const recorded = (await readPidFile(join(state, "processes.json"))) as PidFile;
  const pids = processTree(l.pid)
    .map((p) => p.pid)
    .filter((p) => p !== l.pid);
  return { pids, recorded };
}

const alive = (pids: number[]) => pids.filter((p) => processInfo(p) !== undefined);
const allPorts = () => [ports.chain, ports.blob, ports.indexer, ports.metrics];
const busyPorts = async () => {
  const busy: number[] = [];
  for (const p of allPorts()) if (!(await portFree(p))) busy.push(p);
  return busy;
};

/** Waits until none of `pids` lives and every port is free; returns how long that took (ms). */
async function nothingSurvives(pids: number[], what: string): Promise<number> {
  const ms = await waitUntil(
    async () => alive(pids).length === 0 && (await busyPorts()).length === 0,
    `${what}: every process gone and every port free`,
    30_000,
  ).catch(async (err: unknown) => {
    const left = alive(pids).map((p) => `${p} ${processInfo(p)?.command ?? ""}`);
    throw new Error(`${(err as Error).message}; alive: ${left.join("; ")}; busy ports: ${await busyPorts()}`);
  });
  return ms;
}

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), "eai-start-"));
  ports = {
    chain: await freePort(START_PORTS),
    blob: await freePort(START_PORTS),
    indexer: await freePort(START_PORTS),
    metrics: await freePort(START_PORTS),
  };
});

afterAll(async () => {
  // Whatever a failed test left running: the launchers' groups and everything the pid file names.
  const recorded = await readPidFile(join(state, "processes.json")).catch(() => undefined);
  const groups = [
    ...launched.map((l) => l.pid),
    ...(recorded?.services.map((s) => s.pgid) ?? []),
    ...(recorded?.reaper ? [recorded.reaper.pid] : []),
  ];
  await stopGroups(groups, 2_000);
  await rm(state, { recursive: true, force: true });
});

describe("npm start stops everything it started", () => {
  it("on SIGTERM to the launcher", async () => {
    const l = launch();
    const { pids, recorded } = await up(l);
    expect(recorded.services.map((s) => s.name)).toEqual(["the local chain", "the indexer", "worker 1"]);
    // chain, indexer (+ esbuild), worker (+ its prover), the reaper: at least 6 processes.
    expect(pids.length).toBeGreaterThanOrEqual(6);
    const t = Date.now();
    process.kill(l.pid, "SIGTERM");
    expect(await l.exited).toEqual({ code: 0, signal: null });
    const ms = Date.now() - t + (await nothingSurvives(pids, "SIGTERM"));
    console.log(`SIGTERM to the launcher: ${pids.length} processes and 4 ports gone after ${ms} ms`);
    expect(l.output()).toContain("stopping (SIGTERM)");
    expect(existsSync(join(state, "processes.json"))).toBe(false);
  });

  it("after its launcher and reaper were killed outright, the next start stops the leftovers; SIGHUP to the group stops that one", async () => {
    const first = launch();
    const before = await up(first);
    const reaper = before.recorded.reaper?.pid as number;
    const services = before.recorded.services;
    process.kill(reaper, "SIGKILL");
    process.kill(first.pid, "SIGKILL");
    await first.exited;
    await new Promise((r) => setTimeout(r, 1_000));
    // Without launcher and reaper the services are orphans, still holding their ports.
    expect(alive(services.map((s) => s.pid))).toHaveLength(services.length);

    const second = launch();
    const after = await up(second);
    const report = second.output();
    expect(report).toContain("found processes left by an earlier npm start that did not stop cleanly");
    for (const s of services) expect(report).toContain(`  ${s.name}: pid ${s.pid}`);
    expect(report).toContain(`the local chain: pid ${services[0]?.pid}, port ${ports.chain}`);
    expect(report).toContain(`✓ stopped ${services.length} leftover process group(s)`);
    expect(alive(before.pids)).toEqual([]);

    const t = Date.now();
    process.kill(-second.pid, "SIGHUP"); // the whole process group, as when the terminal closes
    expect((await second.exited).code).toBe(0);
    const ms = Date.now() - t + (await nothingSurvives(after.pids, "SIGHUP"));
    console.log(`SIGHUP to the group: ${after.pids.length} processes and 4 ports gone after ${ms} ms`);
    expect(second.output()).toContain("stopping (SIGHUP)");
  });

  it("on SIGKILL to the launcher (the reaper stops the rest), and the next start names what holds a port", async () => {
    const l = launch();
    const { pids } = await up(l);
    const t = Date.now();
    process.kill(l.pid, "SIGKILL");
    await l.exited;
    const ms = Date.now() - t + (await nothingSurvives(pids, "SIGKILL"));
    console.log(`SIGKILL to the launcher: ${pids.length} processes and 4 ports gone after ${ms} ms (reaper)`);
    expect(existsSync(join(state, "processes.json"))).toBe(true);

    // A start now finds the pid file with nothing left alive, and refuses a port another program holds.
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen(ports.blob, "127.0.0.1", r));
    try {
      const next = launch();
      expect((await next.exited).code).toBe(1);
      expect(next.output()).toContain("did not stop cleanly");
      expect(next.output()).toContain("none of its processes is left");
      expect(next.output()).toContain(
        `port ${ports.blob} (the blob store, --blob-port) is in use by pid ${process.pid}`,
      );
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });

  it("when its parent exits (SIGTERM to npm, which does not pass it on)", async () => {
    // No network needed: pointed at an RPC that never answers, the launcher waits 30 s with its reaper running.
    const own = await mkdtemp(join(tmpdir(), "eai-start-parent-"));
    const argv = [
      "scripts/start.ts",
      "--rpc",
      `http://127.0.0.1:${ports.chain}`,
      "--no-indexer",
      "--workers",
      "0",
    ];
    const cmd = [process.execPath, ...argv, "--state-dir", own, "--blob-port", String(ports.blob)];
    // A parent shell that does not exec its child (the trailing `true`), standing in for npm.
    const parent = spawn("/bin/sh", ["-c", `${cmd.map((a) => `'${a}'`).join(" ")}; true`], {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    parent.stdout?.on("data", (c: Buffer) => (out += c.toString()));
    parent.stderr?.on("data", (c: Buffer) => (out += c.toString()));
    try {
      const pidFile = join(own, "processes.json");
      await waitUntil(() => existsSync(pidFile), "launcher started", 60_000);
      const recorded = (await readPidFile(pidFile)) as PidFile;
      const pids = [recorded.launcher.pid, recorded.reaper?.pid as number];
      expect(processInfo(recorded.launcher.pid)?.ppid).toBe(parent.pid);
      process.kill(parent.pid as number, "SIGTERM");
      const ms = await waitUntil(() => alive(pids).length === 0, "launcher and reaper gone", 30_000);
      expect(out).toContain(`stopping (parent process ${parent.pid} exited)`);
      expect(existsSync(pidFile)).toBe(false);
      console.log(`parent (npm) killed: launcher stopped after ${ms} ms`);
    } finally {
      parent.kill("SIGKILL");
      await rm(own, { recursive: true, force: true });
    }
  });
});
