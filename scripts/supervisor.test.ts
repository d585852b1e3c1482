import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  findLeftovers,
  listProcesses,
  portFree,
  portHolder,
  processInfo,
  processTree,
  readPidFile,
  stopGroups,
  type PidFile,
} from "./supervisor.ts";

const FIXTURE = fileURLToPath(new URL("./supervisor.fixture.ts", import.meta.url));

let dir: string;
/** Launchers started by a test, killed (by pid, with their groups) if a test fails half-way. */
const started: { launcher: ChildProcess; pidFile: string }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eai-supervisor-"));
});

afterEach(async () => {
  for (const { launcher, pidFile } of started.splice(0)) {
    const recorded = await readPidFile(pidFile).catch(() => undefined);
    const groups = [
      ...(recorded?.services.map((s) => s.pgid) ?? []),
      ...(recorded?.reaper ? [recorded.reaper.pid] : []),
    ];
    launcher.kill("SIGKILL");
    await stopGroups(groups, 0);
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
}

/** Starts the fixture launcher and waits until its reaper, two children and two grandchildren all run. */
async function startFixture(mode?: "stubborn") {
  const pidFile = join(dir, `fixture-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  const launcher = spawn(process.execPath, [FIXTURE, pidFile, ...(mode ? [mode] : [])], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  started.push({ launcher, pidFile });
  let out = "";
  launcher.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  const pid = launcher.pid as number;
  await waitUntil(() => out.includes("ready"), "fixture ready");
  await waitUntil(() => processTree(pid).length === 6, "launcher + reaper + 2 children + 2 grandchildren");
  const recorded = (await readPidFile(pidFile)) as PidFile;
  const exited = new Promise<number | null>((r) => launcher.on("exit", (code) => r(code)));
  return {
    launcher,
    pidFile,
    recorded,
    /** Every process the launcher started (reaper, children, grandchildren), by pid. */
    descendants: processTree(pid).filter((p) => p.pid !== pid),
    exited,
    output: () => out,
  };
}

const alive = (pids: number[]) => pids.filter((p) => processInfo(p) !== undefined);

describe("process table", () => {
  it("finds this process with its command line and process group", () => {
    const me = processInfo(process.pid);
    expect(me).toMatchObject({ pid: process.pid, ppid: process.ppid });
    expect(me?.command.length).toBeGreaterThan(0);
    expect(listProcesses().some((p) => p.pid === process.pid)).toBe(true);
    expect(processInfo(2 ** 22 + 1)).toBeUndefined(); // above Linux's pid_max
  });

  it("tells a free port from a taken one and names the holder", async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await portFree(port)).toBe(false);
      expect(portHolder(port)?.pid).toBe(process.pid);
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(await portFree(port)).toBe(true);
    expect(portHolder(port)).toBeUndefined();
  });
});

describe("Supervisor", () => {
  it("records every child in the pid file with its group and command line", async () => {
    const f = await startFixture();
    expect(f.recorded.launcher.pid).toBe(f.launcher.pid);
    expect(f.recorded.reaper?.command).toMatch(/^\/bin\/sh -c trap '' HUP INT/);
    expect(f.recorded.services.map((s) => s.name)).toEqual(["first", "second"]);
    for (const s of f.recorded.services) {
      expect(s.pgid).toBe(s.pid); // its own process group
      expect(processInfo(s.pid)?.command).toBe(s.command);
    }
    f.launcher.kill("SIGTERM");
    expect(await f.exited).toBe(0);
  });

  it("stops children and grandchildren on SIGTERM to the launcher and removes the pid file", async () => {
    const f = await startFixture();
    const pids = f.descendants.map((p) => p.pid);
    f.launcher.kill("SIGTERM");
    expect(await f.exited).toBe(0);
    expect(f.output()).toContain("stopped; killed 0");
    await waitUntil(() => alive(pids).length === 0, "every descendant gone");
    expect(existsSync(f.pidFile)).toBe(false);
  });

  it("kills with SIGKILL what still runs after the grace period", async () => {
    const f = await startFixture("stubborn");
    const pids = f.descendants.map((p) => p.pid);
    f.launcher.kill("SIGTERM");
    expect(await f.exited).toBe(0);
    expect(f.output()).toContain("stopped; killed 2"); // both groups ignored SIGTERM
    await waitUntil(() => alive(pids).length === 0, "every descendant gone (the reaper exits on its own)");
  });

  it("leaves nothing behind when the launcher is killed with SIGKILL: the reaper stops its groups", async () => {
    for (const mode of [undefined, "stubborn"] as const) {
      const f = await startFixture(mode);
      const reaper = f.recorded.reaper?.pid as number;
      const pids = f.descendants.map((p) => p.pid).filter((p) => p !== reaper);
      f.launcher.kill("SIGKILL");
      await f.exited;
      // Stubborn ones get SIGKILL after the grace period (1 s here).
      const ms = await waitUntil(() => alive(pids).length === 0, `reaper cleaned up (${mode ?? "plain"})`);
      // The reaper then exits too (here it may wait out the grace period: a pid 1 that does not reap orphans leaves
      // zombies, which still count as group members for kill -0).
      const reaperMs = await waitUntil(() => alive([reaper]).length === 0, "reaper exited");
      console.log(
        `SIGKILL to the launcher (${mode ?? "plain"}): ${pids.length} processes gone after ${ms} ms, ` +
          `reaper exited after ${ms + reaperMs} ms`,
      );
      expect(existsSync(f.pidFile)).toBe(true); // the launcher could not remove it: a later start reads it
    }
  });
});

describe("leftovers of an earlier run", () => {
  it("finds live groups whose command lines match, and stops them", async () => {
    const f = await startFixture();
    const pids = f.descendants.filter((p) => p.pid !== f.recorded.reaper?.pid).map((p) => p.pid);
    // Launcher and reaper both killed outright: the children are orphans now.
    process.kill(f.recorded.reaper?.pid as number, "SIGKILL");
    f.launcher.kill("SIGKILL");
    await f.exited;
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(pids)).toHaveLength(4);
    const found = await findLeftovers(f.pidFile);
    expect(found?.launcher).toBeUndefined();
    expect(found?.reused).toEqual([]);
    expect(found?.ours.map((o) => [o.record.name, o.members.length])).toEqual([
      ["first", 2],
      ["second", 2],
    ]);
    expect(await stopGroups(found?.ours.map((o) => o.record.pgid) ?? [], 10_000)).toEqual([]);
    expect(alive(pids)).toEqual([]);
  });

  it("reports a recorded pid that now runs another program and never signals it", async () => {
    const other = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {
      detached: true,
      stdio: "ignore",
    });
    const pid = other.pid as number;
    try {
      await waitUntil(
        () => processInfo(pid)?.command.includes("setInterval") === true,
        "other program started",
      );
      const file = join(dir, "reused.json");
      const record: PidFile = {
        version: 1,
        launcher: { pid: 2 ** 22 + 1, command: "node scripts/start.ts", startedAt: new Date().toISOString() },
        services: [
          {
            name: "the local chain",
            pid,
            pgid: pid,
            command: "node hardhat node",
            ports: [8545],
            startedAt: "",
          },
        ],
      };
      await writeFile(file, JSON.stringify(record));
      const found = await findLeftovers(file);
      expect(found?.ours).toEqual([]);
      expect(found?.reused).toEqual([
        { name: "the local chain", pid, recorded: "node hardhat node", now: processInfo(pid)?.command },
      ]);
      expect(processInfo(pid)).toBeDefined();
    } finally {
      other.kill("SIGKILL");
    }
  });

  it("recognises a launcher that still runs, and rejects a file that is not a pid file", async () => {
    const f = await startFixture();
    const found = await findLeftovers(f.pidFile);
    expect(found?.launcher?.pid).toBe(f.launcher.pid);
    f.launcher.kill("SIGTERM");
    await f.exited;
    const bad = join(dir, "bad.json");
    await writeFile(bad, JSON.stringify({ version: 1, launcher: { pid: "x" } }));
    await expect(findLeftovers(bad)).rejects.toThrow(
      /not a pid file of npm start \(launcher\.pid: .*\); delete it/,
    );
    expect(await findLeftovers(join(dir, "missing.json"))).toBeUndefined();
  });
});
