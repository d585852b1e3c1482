/**
 * The `eai` CLI as a user runs it (sdk/bin/eai.js): help, usage errors, and real commands against a local
 * `hardhat node` (ports 8750–8799) with the protocol deployed by deploy/run.ts: staking, and a whole governance
 * round (delegate, propose, vote, queue, execute) with the errors of queueing or executing too early.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const BIN = join(ROOT, "sdk/bin/eai.js");
/** Hardhat's well-known first dev account (deployer, holds the token supply). */
const KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function eai(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, EAI_PRIVATE_KEY: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += String(d)));
    child.stderr.on("data", (d: Buffer) => (stderr += String(d)));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function freePort(lo: number, hi: number): Promise<number> {
  const span = hi - lo + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = lo + ((start + i) % span);
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once("error", () => resolve(false));
      s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${lo}-${hi}`);
}

let node: ChildProcess | undefined;
let rpc = "";
let dir = "";

function exec(cmd: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += String(d)));
    child.stdout.resume();
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")}: ${err}`)),
    );
  });
}

async function jsonRpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eai-cli-"));
  const port = await freePort(8750, 8799);
  rpc = `http://127.0.0.1:${port}`;
  node = spawn(
    join(ROOT, "node_modules/.bin/hardhat"),
    ["node", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("hardhat node did not start")), 60_000);
    node?.stdout?.on("data", (d: Buffer) => {
      if (String(d).includes("Started HTTP")) {
        clearTimeout(timer);
        resolve();
      }
    });
    node?.once("exit", () => reject(new Error("hardhat node exited")));
  });
  node.stdout?.resume();
  node.stderr?.resume();
  await exec(join(ROOT, "node_modules/.bin/hardhat"), ["run", "deploy/run.ts", "--network", "localhost"], {
    EAI_RPC_URL: rpc,
    EAI_DEPLOYMENTS_DIR: dir,
  });
});

afterAll(async () => {
  if (node?.pid !== undefined && node.exitCode === null) {
    try {
      process.kill(-node.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("eai CLI", () => {
  it("prints help at every level", async () => {
    const top = await eai(["--help"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/eai task submit/);
    const group = await eai(["provider", "--help"]);
    expect(group.code).toBe(0);
    expect(group.stdout).toMatch(/stake/);
    const cmd = await eai(["task", "submit", "--help"]);
    expect(cmd.code).toBe(0);
    expect(cmd.stdout).toMatch(/--encrypt-for HEX32/);
  });

  it("exits 2 with one line on usage errors, 1 on failures, and never prints the key", async () => {
    const missing = await eai(["task", "status"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("eai: TASK_ID is required (see --help)\n");
    const unknown = await eai(["task", "frobnicate"]);
    expect(unknown.code).toBe(2);
    const badKey = await eai(["gov", "delegate", "--rpc", rpc, "--deployments", dir, "--key", "0x1234"]);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).not.toMatch(/0x1234/);
    const noTask = await eai(["task", "status", "5", "--rpc", rpc, "--deployments", dir]);
    expect(noTask.code).toBe(1);
    expect(noTask.stderr).toBe("eai: task 5 does not exist\n");
    const down = await eai(["task", "status", "1", "--rpc", "http://127.0.0.1:1", "--deployments", dir]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^eai: cannot reach the RPC endpoint/);
  });

  it("task settle and provider operator: usage, missing task, decoded refusal", async () => {
    const net = ["--rpc", rpc, "--deployments", dir];
    const none = await eai(["task", "settle", "77", ...net]);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe("eai: task 77 does not exist\n");
    const bad = await eai(["provider", "operator", "frob", ADDRESS, ...net], { EAI_PRIVATE_KEY: KEY });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected offer, revoke, accept or renounce/);
    // the deployer is not a registered provider: its offer is refused by the registry, decoded
    const offer = await eai(
      ["provider", "operator", "offer", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", ...net],
      {
        EAI_PRIVATE_KEY: KEY,
      },
    );
    expect(offer.code).toBe(1);
    expect(offer.stderr).toMatch(/reverted with ProviderRegistryNotRegistered/);
    const help = await eai(["task", "--help"]);
    expect(help.stdout).toMatch(/settle/);
    expect(help.stdout).toMatch(/leave/);
  });

  it("stakes with a real transaction and reports it in provider status --json", async () => {
    const staked = await eai(["provider", "stake", "12.5", "--rpc", rpc, "--deployments", dir], {
      EAI_PRIVATE_KEY: KEY,
    });
    expect(staked.stderr).toBe("");
    expect(staked.code).toBe(0);
    expect(staked.stdout).not.toContain(KEY.slice(2));
    const status = await eai(["provider", "status", ADDRESS, "--json", "--rpc", rpc, "--deployments", dir]);
    expect(status.code).toBe(0);
    const json = JSON.parse(status.stdout) as { stake: string; registered: boolean };
    expect(json).toMatchObject({ stake: "12500000000000000000", registered: false });
    const permitted = await eai(
      ["provider", "stake", "0.5", "--permit", "--rpc", rpc, "--deployments", dir, "--json"],
      { EAI_PRIVATE_KEY: KEY },
    );
    expect(permitted.stderr).toBe("");
    expect(permitted.code).toBe(0);
    const after = await eai(["provider", "status", ADDRESS, "--json", "--rpc", rpc, "--deployments", dir]);
    expect(JSON.parse(after.stdout)).toMatchObject({ stake: "13000000000000000000" });
    const words = await eai(["provider", "status", ADDRESS, "--rpc", rpc, "--deployments", dir]);
    expect(words.code).toBe(0);
    expect(words.stdout).toContain("is not registered as a provider.");
    expect(words.stdout).toContain("Stake: 13 EAI.");
    expect(JSON.parse(after.stdout)).toMatchObject({
      summary: { stake: "13000000000000000000", slashes: 0 },
    });
    const cannot = await eai(["provider", "unstake", "100", "--rpc", rpc, "--deployments", dir, "--json"], {
      EAI_PRIVATE_KEY: KEY,
    });
    expect(cannot.code).toBe(1);
    expect(JSON.parse(cannot.stderr)).toMatchObject({
      error: expect.stringMatching(/reverted with StakingVault/),
    });
  });

  it("runs a governance round: propose, vote, queue and execute, refusing each step too early", async () => {
    const net = ["--rpc", rpc, "--deployments", dir];
    const asDeployer = { EAI_PRIVATE_KEY: KEY };
    const skip = async (seconds: number) => {
      await jsonRpc(rpc, "evm_increaseTime", [seconds]);
      await jsonRpc(rpc, "evm_mine");
    };

    expect((await eai(["gov", "delegate", ...net], asDeployer)).code).toBe(0);
    const proposed = await eai(
      [
        "gov",
        "propose",
        "--contract",
        "TaskMarket",
        "--function",
        "setStakeParams",
        "--args",
        '["2000000000000000000","200000000000000000000"]',
        "--description",
        "cli test: raise the bond floor",
        "--json",
        ...net,
      ],
      asDeployer,
    );
    expect(proposed.stderr).toBe("");
    const proposalId = (JSON.parse(proposed.stdout) as { proposalId: string }).proposalId;
    expect(proposalId).toMatch(/^\d+$/);

    const unknown = await eai(["gov", "queue", "12345", ...net], asDeployer);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("eai: proposal 12345 does not exist\n");
    const badId = await eai(["gov", "execute", "0x12", ...net], asDeployer);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toMatch(/PROPOSAL_ID: expected a decimal integer/);

    await skip(2);
    expect((await eai(["gov", "vote", proposalId, "for", ...net], asDeployer)).code).toBe(0);
    const early = await eai(["gov", "queue", proposalId, ...net], asDeployer);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(
      new RegExp(
        `^eai: proposal ${proposalId} is Active, not Succeeded: voting ends at \\S+ \\(in \\d+ s\\)`,
      ),
    );
    const notQueued = await eai(["gov", "execute", proposalId, "--json", ...net], asDeployer);
    expect(notQueued.code).toBe(1);
    expect(JSON.parse(notQueued.stderr)).toEqual({
      error: expect.stringMatching(/is Active, not Queued/),
      usage: false,
    });

    await skip(301);
    const beforeQueue = await eai(["gov", "execute", proposalId, ...net], asDeployer);
    expect(beforeQueue.stderr).toBe(
      `eai: proposal ${proposalId} is Succeeded, not Queued: queue it first: eai gov queue ${proposalId}\n`,
    );
    const queued = await eai(["gov", "queue", proposalId, "--json", ...net], asDeployer);
    expect(queued.stderr).toBe("");
    expect(queued.code).toBe(0);
    const q = JSON.parse(queued.stdout) as { state: string; txHash: string; executableAt: number };
    expect(q).toMatchObject({
      proposalId,
      state: "Queued",
      txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
    expect(q.executableAt).toBeGreaterThan(0);

    const again = await eai(["gov", "queue", proposalId, ...net], asDeployer);
    expect(again.stderr).toMatch(/is Queued, not Succeeded: it is already queued; execute it from /);
    const tooSoon = await eai(["gov", "execute", proposalId, ...net], asDeployer);
    expect(tooSoon.code).toBe(1);
    expect(tooSoon.stderr).toMatch(
      /is Queued but the timelock delay has not passed: executable at \S+ \(in \d+ s\)/,
    );

    await skip(61);
    const executed = await eai(["gov", "execute", proposalId, ...net], asDeployer);
    expect(executed.stderr).toBe("");
    expect(executed.stdout).toMatch(/^proposalId: \d+\ntxHash: 0x[0-9a-f]{64}\nstate: Executed\n$/);
    const twice = await eai(["gov", "execute", proposalId, ...net], asDeployer);
    expect(twice.stderr).toMatch(/is Executed, not Queued: it has already been executed/);
  });
});
