/**
 * The `eai` CLI as a user runs it (sdk/bin/eai.js): help, usage errors, and real commands against a local
 * `hardhat node` (ports 8750–8799) with the protocol deployed by deploy/run.ts: staking, and a whole governance
 * round (delegate, propose, vote, queue, execute) with the errors of queueing or executing too early.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startBlobStore, type BlobStore } from "../storage/index.ts";
import { freePort } from "../../../test/support/ports.ts";

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

function eai(args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
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

let node: ChildProcess | undefined;
let rpc = "";
let dir = "";
let blobs: BlobStore | undefined;
/** Dev account 1: funded by deploy/run.ts, not otherwise used by the tests before these ones. */
const KEY1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const ADDRESS1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

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
  const port = await freePort([8750, 8799]);
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
    const timer = setTimeout(() => reject(new Error("hardhat node did not start")), 120_000);
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
  // --no-compile: the contracts are built before the tests run (`npm test` builds in check:generated; the worker
  // harness deploys the same artifacts without compiling either), so the build check is not paid again here.
  await exec(
    join(ROOT, "node_modules/.bin/hardhat"),
    ["run", "--no-compile", "deploy/run.ts", "--network", "localhost"],
    {
      EAI_RPC_URL: rpc,
      EAI_DEPLOYMENTS_DIR: dir,
    },
  );
  blobs = await startBlobStore({ dir: join(dir, "blobs"), port: 0, host: "127.0.0.1" });
  await writeFile(
    join(dir, "digit.json"),
    JSON.stringify({ x: Array.from({ length: 49 }, (_, i) => i % 16) }),
  );
}, 300_000);

afterAll(async () => {
  await blobs?.close();
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
    expect(down.stderr).toMatch(/^eai: cannot reach the RPC endpoint http:\/\/127.0.0.1:1 \(from --rpc\)/);
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
    expect(offer.stderr).toMatch(
      /is not a registered provider \(eai provider register\) \(ProviderRegistryNotRegistered\)/,
    );
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
    expect(json).toMatchObject({ stake: "12.5", registered: false });
    const permitted = await eai(
      ["provider", "stake", "0.5", "--permit", "--rpc", rpc, "--deployments", dir, "--json"],
      { EAI_PRIVATE_KEY: KEY },
    );
    expect(permitted.stderr).toBe("");
    expect(permitted.code).toBe(0);
    const after = await eai(["provider", "status", ADDRESS, "--json", "--rpc", rpc, "--deployments", dir]);
    expect(JSON.parse(after.stdout)).toMatchObject({ stake: "13" });
    const words = await eai(["provider", "status", ADDRESS, "--rpc", rpc, "--deployments", dir]);
    expect(words.code).toBe(0);
    expect(words.stdout).toContain("is not registered as a provider.");
    expect(words.stdout).toContain("Stake: 13 EAI.");
    expect(JSON.parse(after.stdout)).toMatchObject({
      summary: { stake: "13", slashes: 0 },
    });
    const cannot = await eai(["provider", "unstake", "100", "--rpc", rpc, "--deployments", dir, "--json"], {
      EAI_PRIVATE_KEY: KEY,
    });
    expect(cannot.code).toBe(1);
    expect(JSON.parse(cannot.stderr)).toMatchObject({
      error: `StakingVault.requestUnstake: ${ADDRESS} has 13 EAI of free stake, needs 100 EAI (StakingVaultInsufficientFreeStake)`,
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

describe("eai CLI: the requester's and provider's commands, in words", () => {
  const net = () => ["--rpc", rpc, "--deployments", dir];
  const asDeployer = { EAI_PRIVATE_KEY: KEY };
  const skip = async (seconds: number) => {
    await jsonRpc(rpc, "evm_increaseTime", [seconds]);
    await jsonRpc(rpc, "evm_mine");
  };

  it("answers bad input with the flag or variable to set", async () => {
    const negative = await eai(
      ["task", "submit", "--model", "1", "--mode", "zk", "--reward", "-1", "--input", "x.json", ...net()],
      asDeployer,
    );
    expect(negative.code).toBe(2);
    expect(negative.stderr).toBe(
      'eai: --reward: expected a positive amount in EAI, not a negative one, got "-1" (see --help)\n',
    );
    const zero = await eai(["token", "transfer", ADDRESS1, "0", ...net()], asDeployer);
    expect(zero.stderr).toBe('eai: AMOUNT_EAI: expected more than 0 EAI, got "0" (see --help)\n');
    const badUrl = await eai(["task", "status", "1", "--rpc", "localhost:8545", "--deployments", dir]);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(
      /^eai: --rpc: "localhost:8545" is not a valid URL: expected an http\(s\):\/\/ or ws\(s\):\/\/ URL such as http:\/\/localhost:8545/,
    );
    const badEnvUrl = await eai(["task", "status", "1", "--deployments", dir], {
      EAI_RPC_URL: "127.0.0.1:8545",
    });
    expect(badEnvUrl.stderr).toMatch(/^eai: EAI_RPC_URL: "127.0.0.1:8545" is not a valid URL/);
    const noKey = await eai(["provider", "stake", "1", ...net()]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toBe(
      "eai: eai provider stake sends a transaction: set EAI_PRIVATE_KEY or pass --key (see --help)\n",
    );
    const noBlobs = await eai(
      [
        "task",
        "submit",
        "--model",
        "1",
        "--mode",
        "zk",
        "--reward",
        "1",
        "--input",
        join(dir, "digit.json"),
        ...net(),
      ],
      { ...asDeployer, EAI_BLOB_STORE_URL: "" },
    );
    expect(noBlobs.code).toBe(1);
    expect(noBlobs.stderr).toBe(
      "eai: eai task submit needs the blob store: set EAI_BLOB_STORE_URL or pass --blob-store (npm start's is http://127.0.0.1:8787)\n",
    );
    const badStatus = await eai(["task", "list", "--status", "done", ...net()]);
    expect(badStatus.stderr).toMatch(
      /--status: expected one of Open, Claimed, Completed, Cancelled, Refunded, Faulted, got "done"/,
    );
    const badDeadline = await eai(
      [
        "task",
        "submit",
        "--model",
        "1",
        "--mode",
        "zk",
        "--reward",
        "1",
        "--input",
        "x",
        "--deadline",
        "soon",
        ...net(),
      ],
      asDeployer,
    );
    expect(badDeadline.stderr).toMatch(/--deadline: expected unix seconds, an ISO date .* or a duration/);
  });

  it("finds the deployment from any folder, or says where it looked", async () => {
    const outside = await mkdtemp(join(tmpdir(), "eai-cwd-"));
    try {
      const lost = await eai(["model", "list", "--rpc", rpc], { EAI_DEPLOYMENTS_DIR: "" }, outside);
      expect(lost.code).toBe(1);
      expect(lost.stderr).toContain(
        `eai: no deployment for chain 31337: looked for ${join(outside, "deploy/deployments/31337.json")}, `,
      );
      expect(lost.stderr).toContain(join(ROOT, "deploy/deployments/31337.json"));
      expect(lost.stderr).toMatch(/EAI_DEPLOYMENT=FILE or EAI_DEPLOYMENTS_DIR=DIR/);
      const byFile = await eai(
        ["model", "list", "--rpc", rpc],
        { EAI_DEPLOYMENT: join(dir, "31337.json") },
        outside,
      );
      expect(byFile.stderr).toBe("");
      await mkdir(join(outside, "deploy/deployments"), { recursive: true });
      await mkdir(join(outside, "some/sub"), { recursive: true });
      await writeFile(
        join(outside, "deploy/deployments/31337.json"),
        await readText(join(dir, "31337.json")),
      );
      const walked = await eai(["model", "list", "--rpc", rpc, "--json"], {}, join(outside, "some/sub"));
      expect(walked.stderr).toBe("");
      expect(JSON.parse(walked.stdout)).toMatchObject({
        models: [{ modelId: "1", kind: "ZK_MLP", mode: "zk", active: true, approved: true }],
      });
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("funds the development accounts at deployment, transfers EAI and shows balances in EAI", async () => {
    const start = await eai(["token", "balance", ADDRESS1, ...net()]);
    expect(start.stdout).toMatch(
      /^address: 0x70997970C51812dc3A010C7d01b50e0d17dc79C8\nbalance: 10000 EAI\n/,
    );
    const staked = await eai(["provider", "stake", "25", ...net()], { EAI_PRIVATE_KEY: KEY1 });
    expect(staked.stderr).toBe("");
    const fresh = "0x000000000000000000000000000000000000bEEF";
    const sent = await eai(["token", "transfer", fresh, "1.25", "--json", ...net()], {
      EAI_PRIVATE_KEY: KEY1,
    });
    expect(sent.stderr).toBe("");
    expect(JSON.parse(sent.stdout)).toMatchObject({ to: fresh, amount: "1.25", balance: "9973.75" });
    const theirs = await eai(["token", "balance", fresh, "--json", ...net()]);
    expect(JSON.parse(theirs.stdout)).toMatchObject({ balance: "1.25", marketCredit: "0" });
    const tooMuch = await eai(["token", "transfer", ADDRESS, "20000", ...net()], { EAI_PRIVATE_KEY: KEY1 });
    expect(tooMuch.code).toBe(1);
    expect(tooMuch.stderr).toBe(
      `eai: EAIToken.transfer: ${ADDRESS1} holds 9973.75 EAI, needs 20000 EAI (ERC20InsufficientBalance)\n`,
    );
  });

  it("withdraws unbonded stake when it is released, and says when that is before", async () => {
    const as1 = { EAI_PRIVATE_KEY: KEY1 };
    const nothing = await eai(["withdraw", ...net()], as1);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toBe(
      `eai: nothing to withdraw for ${ADDRESS1}: no market credit, no vault credit and no unbonded stake\n`,
    );
    expect((await eai(["provider", "unstake", "5", ...net()], as1)).code).toBe(0);
    const shown = await eai(["withdraw", "--show", ADDRESS1, ...net()]);
    expect(shown.stdout).toMatch(
      /unbonding:\n {2}amount: 5 EAI\n {2}releaseAt: \S+Z \(in 7 d\)\n {2}matured: false/,
    );
    expect(shown.stdout).toMatch(/pending: 5 EAI unbonding, withdrawable from \S+Z \(in 7 d\)/);
    const early = await eai(["withdraw", "--only", "stake", ...net()], as1);
    expect(early.stderr).toMatch(
      /^eai: nothing to withdraw for 0x\w+: no unbonded stake \(5 EAI unbonding, withdrawable from \S+ \(in 7 d\)\)\n$/,
    );
    await skip(7 * 86_400 + 1);
    const done = await eai(["withdraw", "--json", ...net()], as1);
    expect(done.stderr).toBe("");
    expect(JSON.parse(done.stdout)).toMatchObject({
      account: ADDRESS1,
      withdrawn: [
        { source: "unbonded stake", amount: "5", txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) },
      ],
      balance: "9978.75",
    });
  });

  it("submits, lists, watches, waits with progress, cancels and withdraws the refund", async () => {
    const as1 = { EAI_PRIVATE_KEY: KEY1, EAI_BLOB_STORE_URL: blobs?.url ?? "" };
    const submit = async (reward: string) => {
      const r = await eai(
        [
          "task",
          "submit",
          "--model",
          "1",
          "--mode",
          "zk",
          "--reward",
          reward,
          "--input",
          join(dir, "digit.json"),
          "--deadline",
          "2h",
          "--json",
          ...net(),
        ],
        as1,
      );
      expect(r.stderr).toMatch(/^(eai: warning: [^\n]*\n)*$/);
      return JSON.parse(r.stdout) as {
        taskId: string;
        spec: { reward: string; deadline: number; deadlineIso: string; mode: string };
      };
    };
    const a = await submit("2.5");
    expect(a.spec).toMatchObject({ reward: "2.5", mode: "ZK" });
    const b = await submit("1");

    const status = await eai(["task", "status", a.taskId, ...net()]);
    expect(status.stdout).toMatch(/^status: Open$/m);
    expect(status.stdout).toMatch(/^ {2}reward: 2.5 EAI$/m);
    expect(status.stdout).toMatch(/^ {2}deadline: \S+Z \(in (1 h 5\d min|2 h)\)$/m);

    const notYet = await eai(["task", "result", a.taskId, ...net()]);
    expect(notYet.code).toBe(1);
    expect(notYet.stderr).toBe(`eai: task ${a.taskId} is Open, not Completed: add --wait to wait for it\n`);

    const waited = await eai(["task", "result", a.taskId, "--wait", "--timeout", "3", ...net()]);
    expect(waited.code).toBe(1);
    expect(waited.stderr).toMatch(
      new RegExp(
        `^eai: \\d\\d:\\d\\d:\\d\\d task ${a.taskId} is Open: waiting for a provider to claim it$`,
        "m",
      ),
    );
    expect(waited.stderr).toMatch(
      /^eai: \d\d:\d\d:\d\d waiting for the tier-3 priority window until \d\d:\d\d:\d\d UTC \(in \d+ s\): until then only tier-3 providers may claim$/m,
    );
    expect(waited.stderr).toMatch(new RegExp(`^eai: task ${a.taskId} is still Open after 3000 ms$`, "m"));
    await skip(60);
    const unclaimed = await eai(["task", "result", b.taskId, "--wait", "--timeout", "4", ...net()]);
    expect(unclaimed.stderr).not.toMatch(/priority window/);
    expect(unclaimed.stderr).toMatch(
      new RegExp(
        `no provider has claimed task ${b.taskId} yet \\(1 min( \\d+ s)? after submission\\); 0 registered provider\\(s\\) are eligible now: none can claim it`,
      ),
    );

    const mine = await eai(["task", "list", "--mine", "--json", ...net()], as1);
    expect(JSON.parse(mine.stdout)).toMatchObject({
      source: "chain logs",
      tasks: [
        { taskId: b.taskId, status: "Open", requester: ADDRESS1, reward: "1" },
        { taskId: a.taskId, status: "Open", requester: ADDRESS1, reward: "2.5" },
      ],
    });
    const cancelled = await eai(["task", "cancel", a.taskId, ...net()], as1);
    expect(cancelled.stderr).toBe("");
    const again = await eai(["task", "cancel", a.taskId, ...net()], as1);
    expect(again.stderr).toBe(
      `eai: TaskMarket.cancelTask: task ${a.taskId} is Cancelled, not Open (TaskMarketWrongStatus)\n`,
    );
    const table = await eai(["task", "list", "--status", "cancelled", "--model", "1", ...net()]);
    expect(table.stdout).toMatch(
      new RegExp(`^ +${a.taskId} {2}Cancelled +1 {2}ZK +2.5 EAI {2}\\S+Z \\(in `, "m"),
    );
    expect(table.stdout).not.toMatch(new RegExp(`^ +${b.taskId} `, "m"));
    const none = await eai(["task", "list", "--requester", ADDRESS, "--status", "Completed", ...net()]);
    expect(none.stdout).toBe("no tasks (from chain logs)\n");

    const watched = await eai(["task", "watch", a.taskId, ...net()]);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(
      /block \d+ TaskSubmitted requester=0x70997970C51812dc3A010C7d01b50e0d17dc79C8 modelId=1 inputURI=eai:\/\/blob\/sha256-[0-9a-f]{64}\n/,
    );
    expect(watched.stdout).toMatch(/block \d+ TaskCancelled requester=0x\w+ refund=2.5 EAI\n/);
    expect(watched.stdout).toMatch(
      new RegExp(`task ${a.taskId} is Cancelled\\ntaskId: ${a.taskId}\\nstatus: Cancelled\\nevents: 2\\n$`),
    );
    const open = await eai(["task", "watch", b.taskId, "--timeout", "2", ...net()]);
    expect(open.code).toBe(1);
    expect(open.stdout).toMatch(new RegExp(`task ${b.taskId} is Open: waiting for a provider to claim it`));
    expect(open.stderr).toBe(`eai: task ${b.taskId} is still Open after 2 s of watching\n`);

    const refund = await eai(["withdraw", ...net()], as1);
    expect(refund.stderr).toBe("");
    expect(refund.stdout).toMatch(
      /^account: 0x70997970C51812dc3A010C7d01b50e0d17dc79C8\nwithdrawn:\n {2}- source: market credit\n {4}amount: 2.5 EAI\n/,
    );

    await skip(3 * 3600);
    const expired = await eai(["task", "result", b.taskId, "--wait", "--timeout", "30", ...net()]);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toMatch(
      new RegExp(
        `eai: no provider claimed task ${b.taskId} before its deadline \\S+Z \\([^)]+ ago\\); settling it \\(settleTask\\) credits the reward back\\n$`,
      ),
    );
  });

  it("lists tasks from the indexer when EAI_INDEXER_URL is set", async () => {
    const requests: { query: string; variables: Record<string, unknown> }[] = [];
    const indexer = createHttpServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += String(d)));
      req.on("end", () => {
        requests.push(JSON.parse(body) as (typeof requests)[number]);
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({
            data: {
              tasks: {
                items: [
                  {
                    id: "9",
                    status: "Completed",
                    modelId: "3",
                    mode: "REDUNDANT",
                    requester: ADDRESS1.toLowerCase(),
                    reward: "1500000000000000000",
                    paymentToken: ADDRESS,
                    createdAt: 1764655200,
                    deadline: 1764658800,
                  },
                ],
              },
            },
          }),
        );
      });
    });
    await new Promise<void>((r) => indexer.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(indexer.address() as { port: number }).port}`;
    try {
      const listed = await eai(
        ["task", "list", "--mine", "--status", "completed", "--model", "3", "--limit", "5", "--json"],
        {
          EAI_PRIVATE_KEY: KEY1,
          EAI_INDEXER_URL: url,
        },
      );
      expect(listed.stderr).toBe("");
      expect(JSON.parse(listed.stdout)).toEqual({
        source: `indexer ${url}`,
        tasks: [
          {
            taskId: "9",
            status: "Completed",
            modelId: "3",
            mode: "REDUNDANT",
            requester: ADDRESS1.toLowerCase(),
            reward: "1.5",
            paymentToken: ADDRESS,
            createdAt: 1764655200,
            createdAtIso: "2025-12-02T06:00:00.000Z",
            deadline: 1764658800,
            deadlineIso: "2025-12-02T07:00:00.000Z",
          },
        ],
      });
      expect(requests[0]?.variables).toEqual({
        where: { requester: ADDRESS1.toLowerCase(), status: "Completed", modelId: "3" },
        limit: 5,
      });
      expect(requests[0]?.query).toMatch(
        /tasks\(where: \$where, orderBy: "id", orderDirection: "desc", limit: \$limit\)/,
      );
      const down = await eai(["task", "list"], { EAI_INDEXER_URL: "http://127.0.0.1:1" });
      expect(down.stderr).toBe(
        "eai: cannot reach the indexer at http://127.0.0.1:1 (set EAI_INDEXER_URL / --indexer, or unset it to read the chain)\n",
      );
    } finally {
      await new Promise((r) => indexer.close(r));
    }
  });
});

async function readText(file: string): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  return readFile(file, "utf8");
}
