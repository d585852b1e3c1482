/**
 * The control API and farm grants with real workers on a local hardhat node (issue #18): two workers of one owner
 * (alice's own key and an on-chain operator of alice), each with its control API. A view grantee reads status and
 * logs but its pause is refused; a command grantee pauses claims (the metric and an untouched Open task confirm),
 * resumes, drains, changes a config field and upgrades to an owner-signed manifest; expired, revoked, replayed,
 * wrong-signer, wrong-worker and malleable commands are refused; a tampered artifact is refused before anything is
 * written.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, readlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hexToBigInt, numberToHex, zeroAddress, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import {
  SECP256K1_HALF_N,
  controlClient,
  newCommandId,
  postRevocation,
  scopeMask,
  signFarmMessage,
  type FarmDomain,
  type Grant,
  type Scope,
  type Signed,
} from "@eai/sdk/farm";
import { TaskStatus } from "../../sdk/src/tasks/index.ts";
import { ACCOUNT, startHarness, waitFor, type Harness } from "./harness.ts";
import { MockZkExecutor } from "./mock-zk.ts";
import { createLogger } from "../src/logger.ts";
import { LogRing } from "../src/control/logring.ts";
import { startControlServer, UPGRADE_EXIT_CODE, type ControlHost } from "../src/control/server.ts";
import type { ProviderWorker } from "../src/worker.ts";

const MNEMONIC = "test test test test test test test test test test test junk";
const account = (i: number) => mnemonicToAccount(MNEMONIC, { addressIndex: i });
const owner = account(ACCOUNT.alice);
const operatorIndex = ACCOUNT.dave;
const viewer = account(7);
const commander = account(8);
const stranger = account(9);

let h: Harness;
let domain: FarmDomain;
let chainId: number;
const nodes: {
  name: string;
  worker: ProviderWorker;
  url: string;
  restarts: { reason: string; exitCode?: number }[];
  close(): Promise<void>;
}[] = [];
let artifactServer: Server;
let artifactBase: string;
const artifacts = new Map<string, Buffer>();
let configFile: string;

async function node(name: string, index: number, extra: Record<string, unknown> = {}) {
  const ring = new LogRing(500);
  const logger = createLogger({ level: "info", name, destination: { write: () => undefined }, copyTo: ring });
  const worker = await h.worker(name, index, { zkExecutor: new MockZkExecutor(), logger, config: extra });
  const restarts: { reason: string; exitCode?: number }[] = [];
  const host: ControlHost = {
    status: () => worker.status(),
    pauseClaims: () => worker.pauseClaims(),
    resumeClaims: () => worker.resumeClaims(),
    drain: () => worker.drain(),
    restart: (reason, exitCode) => restarts.push({ reason, exitCode }),
    restarts: () => restarts.length,
    pendingRestart: () => false,
    configFile,
    version: "0.1.0",
  };
  const server = await startControlServer({
    host,
    control: { ...worker.config.control, enabled: true, port: 0 },
    chainId,
    domain,
    owner: worker.ctx.provider,
    worker: worker.ctx.signer,
    stateDir: worker.config.stateDir,
    ring,
    metrics: worker.metrics,
    logger,
  });
  worker.start();
  const n = { name, worker, url: server.url, restarts, close: server.close };
  nodes.push(n);
  return n;
}

const now = () => Math.floor(Date.now() / 1000);

async function grant(scopes: Scope[], over: Partial<Grant> = {}, by = owner): Promise<Signed<Grant>> {
  return signFarmMessage(by, domain, "Grant", {
    owner: owner.address,
    worker: zeroAddress,
    grantee: commander.address,
    scopes: scopeMask(scopes),
    expiry: BigInt(now() + 3_600),
    nonce: 10n,
    ...over,
  });
}

function client(n: (typeof nodes)[number], g: Signed<Grant>, signer = commander) {
  return controlClient({ url: n.url, domain, worker: n.worker.ctx.signer, signer, grant: g });
}

const paused = async (w: ProviderWorker) =>
  /^eai_worker_claims_paused 1$/m.test(
    await w.metrics.registry.getSingleMetricAsString("eai_worker_claims_paused"),
  );

beforeAll(async () => {
  h = await startHarness();
  chainId = Number(h.p.chainId);
  domain = { chainId, providerRegistry: h.p.contracts.providers.address };
  // dave becomes alice's operator on chain (two-step).
  const wallets = await h.p.connection.viem.getWalletClients();
  const alice = wallets[ACCOUNT.alice];
  const dave = wallets[operatorIndex];
  if (!alice || !dave) throw new Error("accounts missing");
  await h.p.send(
    h.p.contracts.providers.write.authorizeOperator([dave.account.address], { account: alice.account }),
  );
  await h.p.send(
    h.p.contracts.providers.write.acceptOperator([alice.account.address], { account: dave.account }),
  );
  configFile = join(h.dir, "worker.json");
  await writeFile(
    configFile,
    JSON.stringify({
      rpcUrl: h.rpcUrl,
      chainId,
      deploymentsDir: h.deploymentsDir,
      stateDir: join(h.dir, "state-configured"),
      blobStoreUrl: h.blobs.url,
      maxBond: "1000",
      bandwidthMbps: 100,
    }),
  );
  artifactServer = createServer((req, res) => {
    const body = artifacts.get(req.url ?? "");
    if (!body) res.writeHead(404).end();
    else res.writeHead(200, { "content-type": "application/gzip" }).end(body);
  });
  await new Promise<void>((r) => artifactServer.listen(0, "127.0.0.1", () => r()));
  artifactBase = `http://127.0.0.1:${(artifactServer.address() as AddressInfo).port}`;
  await node("owner-node", ACCOUNT.alice);
  await node("operator-node", operatorIndex, { operator: { owner: owner.address } });
}, 300_000);

afterAll(async () => {
  for (const n of nodes) await n.close();
  await new Promise<void>((r) => (artifactServer ? artifactServer.close(() => r()) : r()));
  await h?.close();
});

describe("farm control API (two workers of one owner)", () => {
  it("both workers act for the owner; each is its own signing key", () => {
    const [a, b] = nodes;
    expect(a?.worker.ctx.provider).toBe(owner.address);
    expect(b?.worker.ctx.provider).toBe(owner.address);
    expect(b?.worker.ctx.operatorMode).toBe(true);
    expect(a?.worker.ctx.signer).not.toBe(b?.worker.ctx.signer);
  });

  it("a view grantee reads status and logs of every worker of the farm, but its pause is refused", async () => {
    const g = await grant(["view", "logs"], { grantee: viewer.address });
    for (const n of nodes) {
      const c = client(n, g, viewer);
      const s = await c.status();
      expect(s.provider).toBe(owner.address);
      expect(s.worker).toBe(n.worker.ctx.signer);
      expect(s.claimsPaused).toBe(false);
      expect(s.scopes.sort()).toEqual(["logs", "view"]);
      const logs = await c.logs(0);
      expect(logs.lines.length).toBeGreaterThan(0);
      const later = await c.logs(logs.next);
      expect(later.lines.every((l) => l.seq > logs.next)).toBe(true);
      const answer = await c.command("pause");
      expect(answer).toMatchObject({ ok: false, code: "scope", action: "pause" });
      expect(n.worker.status().claimsPaused).toBe(false);
      expect(await paused(n.worker)).toBe(false);
    }
    // Logs only with the logs scope.
    const viewOnly = await grant(["view"], { grantee: viewer.address, nonce: 11n });
    await expect(client(nodes[0]!, viewOnly, viewer).logs(0)).rejects.toMatchObject({
      status: 403,
      code: "scope",
    });
  });

  it("a command grantee pauses claims (metric and an Open task confirm), then resumes; answers carry the id", async () => {
    const g = await grant(["view", "command"]);
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    for (const n of [a, b]) {
      const id = newCommandId();
      const answer = await client(n, g).command("pause", {}, id);
      expect(answer).toMatchObject({ id, ok: true, action: "pause" });
      expect(await paused(n.worker)).toBe(true);
      expect((await client(n, g).status()).claimsPaused).toBe(true);
    }
    const { taskId } = await h.submitMockZk("farm #1");
    // Several polls of both workers go by: the task stays Open while they are paused.
    const seen = a.worker.status().nextBlock;
    await waitFor("both workers read past the task", async () => {
      return a.worker.status().nextBlock > seen + 2n && b.worker.status().nextBlock > seen + 2n;
    });
    expect(await h.taskStatus(taskId)).toBe(TaskStatus.Open);
    expect(a.worker.status().inFlight).toHaveLength(0);
    const resumed = await client(b, g).command("resume");
    expect(resumed.ok).toBe(true);
    expect(await paused(b.worker)).toBe(false);
    await waitFor(
      "the resumed operator worker settles it",
      async () => (await h.taskStatus(taskId)) === TaskStatus.Completed,
    );
    expect(a.worker.status().claimsPaused).toBe(true);
    // The command and its result are in the worker's log, under the command's id.
    const logs = await client(b, await grant(["logs"], { nonce: 12n })).logs(0);
    const lines = logs.lines.map(
      (l) => JSON.parse(l.line) as { msg: string; commandId?: string; action?: string },
    );
    const done = lines.filter((l) => l.msg === "control command done" && l.action === "resume");
    expect(done).toHaveLength(1);
    expect(done[0]?.commandId).toBe(resumed.id);
    expect(await client(a, g).command("resume")).toMatchObject({ ok: true });
    expect(await paused(a.worker)).toBe(false);
  });

  it("drain: no new tasks, reported drained once nothing is in flight; the metric follows", async () => {
    const g = await grant(["view", "command"]);
    const a = nodes[0]!;
    const answer = await client(a, g).command("drain");
    expect(answer.ok).toBe(true);
    expect(
      /^eai_worker_draining 1$/m.test(
        await a.worker.metrics.registry.getSingleMetricAsString("eai_worker_draining"),
      ),
    ).toBe(true);
    await waitFor("drained", async () => (await client(a, g).status()).drained);
    await client(a, g).command("resume");
    expect(a.worker.status().draining).toBe(false);
  });

  it("refuses expired, revoked, replayed, wrong-signer, wrong-worker, stale and malleable commands", async () => {
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const good = await grant(["command"], { nonce: 20n });
    const codes: Record<string, string | undefined> = {};
    const expired = await grant(["command"], { expiry: BigInt(now() - 1) });
    codes.expired = (await client(a, expired).command("pause")).code;
    const forged = await grant(["command"], {}, stranger);
    codes.forgedGrant = (await client(a, forged).command("pause")).code;
    // Commands signed by someone other than the grantee.
    codes.wrongSigner = (await client(a, good, stranger).command("pause")).code;
    // A grant for one worker does not reach the other.
    const onlyA = await grant(["command"], { worker: a.worker.ctx.signer });
    codes.wrongWorker = (await client(b, onlyA).command("pause")).code;
    // Replay: the same signed command twice.
    const signed = await signFarmMessage(commander, domain, "Command", {
      worker: a.worker.ctx.signer,
      id: newCommandId(),
      action: "resume",
      args: "{}",
      issuedAt: BigInt(now()),
    });
    expect((await client(a, good).sendCommand(signed)).ok).toBe(true);
    codes.replayed = (await client(a, good).sendCommand(signed)).code;
    // A command for worker A sent to worker B (same owner, same grant).
    codes.otherWorker = (await client(b, good).sendCommand(signed)).code;
    // Outside the time window.
    const stale = await signFarmMessage(commander, domain, "Command", {
      ...signed.message,
      id: newCommandId(),
      issuedAt: BigInt(now() - 3_600),
    });
    codes.stale = (await client(a, good).sendCommand(stale)).code;
    // The high-s twin of a fresh command's signature.
    const fresh = await signFarmMessage(commander, domain, "Command", {
      ...signed.message,
      id: newCommandId(),
    });
    const N = SECP256K1_HALF_N * 2n + 1n;
    const s = hexToBigInt(`0x${fresh.signature.slice(66, 130)}`);
    const v = Number.parseInt(fresh.signature.slice(130), 16);
    const twin =
      `${fresh.signature.slice(0, 66)}${numberToHex(N - s, { size: 32 }).slice(2)}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
    codes.malleable = (await client(a, good).sendCommand({ ...fresh, signature: twin })).code;
    // Another chain's domain.
    const otherChain = await signFarmMessage(commander, { ...domain, chainId: chainId + 1 }, "Command", {
      ...signed.message,
      id: newCommandId(),
    });
    codes.wrongDomain = (await client(a, good).sendCommand(otherChain)).code;
    // Revocation: the owner bumps its nonce past the grant; a stranger cannot.
    const rev = async (by: typeof owner, minNonce: bigint) =>
      signFarmMessage(by, domain, "Revocation", { owner: owner.address, minNonce, issuedAt: BigInt(now()) });
    await expect(postRevocation(a.url, await rev(stranger, 1_000n))).rejects.toMatchObject({
      code: "wrong-signer",
    });
    expect((await client(a, good).command("pause")).ok).toBe(true);
    expect((await postRevocation(a.url, await rev(owner, 21n))).minNonce).toBe("21");
    codes.revoked = (await client(a, good).command("resume")).code;
    // Revocation survives a restart of the control API (persisted in the state folder).
    expect(JSON.parse(await readFile(join(a.worker.config.stateDir, "control.json"), "utf8")).minNonce).toBe(
      "21",
    );
    expect(codes).toEqual({
      expired: "expired",
      forgedGrant: "wrong-signer",
      wrongSigner: "wrong-signer",
      wrongWorker: "wrong-worker",
      replayed: "replayed",
      otherWorker: "wrong-worker",
      stale: "stale",
      malleable: "malleable-signature",
      wrongDomain: "wrong-signer",
      revoked: "revoked",
    });
    // Still paused: none of the refused commands did anything; a new grant above the minimum works.
    expect(a.worker.status().claimsPaused).toBe(true);
    const renewed = await grant(["command"], { nonce: 21n });
    expect((await client(a, renewed).command("resume")).ok).toBe(true);
  });

  it("set-config: allowlisted fields validated by the worker's schema, config scope needed", async () => {
    const a = nodes[0]!;
    const cmd = await grant(["command"], { nonce: 30n });
    expect(
      await client(a, cmd).command("set-config", { field: "maxConcurrentTasks", value: 2 }),
    ).toMatchObject({
      ok: false,
      code: "scope",
    });
    const cfg = await grant(["config"], { nonce: 30n });
    const c = client(a, cfg);
    expect(await c.command("set-config", { field: "rpcUrl", value: "http://evil" })).toMatchObject({
      code: "field-not-allowed",
    });
    const bad = await c.command("set-config", { field: "maxConcurrentTasks", value: 0 });
    expect(bad).toMatchObject({ ok: false, code: "invalid-config" });
    expect(bad.message).toContain("maxConcurrentTasks");
    const ok = await c.command("set-config", { field: "maxConcurrentTasks", value: 2 });
    expect(ok).toMatchObject({ ok: true, detail: { field: "maxConcurrentTasks", after: 2 } });
    expect(JSON.parse(await readFile(configFile, "utf8")).maxConcurrentTasks).toBe(2);
    expect(a.restarts).toHaveLength(0);
    expect((await c.command("set-config", { field: "pollIntervalMs", value: 500, restart: true })).ok).toBe(
      true,
    );
    expect(a.restarts.at(-1)?.reason).toBe("set-config pollIntervalMs");
    expect(await c.command("restart")).toMatchObject({ ok: false, code: "scope" });
  });

  it("upgrade: an owner-signed manifest is installed after its sha256 matches; tampered or unsigned ones are refused", async () => {
    const a = nodes[0]!;
    const dir = join(h.dir, "artifact");
    await mkdir(join(dir, "package", "bin"), { recursive: true });
    await writeFile(
      join(dir, "package", "package.json"),
      JSON.stringify({ name: "@eai/worker", version: "0.2.0" }),
    );
    await writeFile(join(dir, "package", "bin", "eai-worker.js"), "// new version\n");
    execFileSync("tar", ["-czf", join(h.dir, "worker-0.2.0.tgz"), "-C", dir, "package"]);
    const tgz = await readFile(join(h.dir, "worker-0.2.0.tgz"));
    const sha256 = `0x${createHash("sha256").update(tgz).digest("hex")}` as Hex;
    artifacts.set("/worker-0.2.0.tgz", tgz);
    const tampered = Buffer.from(tgz);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0xff;
    artifacts.set("/tampered.tgz", tampered);
    const manifest = (url: string, by = owner) =>
      signFarmMessage(by, domain, "UpgradeManifest", {
        owner: owner.address,
        version: "0.2.0",
        url,
        sha256,
        expiry: BigInt(now() + 600),
      });
    const c = client(a, await grant(["command"], { nonce: 40n }));
    const asJson = (m: Signed<{ expiry: bigint }>) => ({
      message: { ...m.message, expiry: m.message.expiry.toString() },
      signature: m.signature,
    });
    const upgrades = join(a.worker.config.stateDir, "upgrades");

    const bad = await c.command("upgrade", {
      manifest: asJson(await manifest(`${artifactBase}/tampered.tgz`)),
    });
    expect(bad).toMatchObject({ ok: false, code: "hash-mismatch" });
    expect(existsSync(upgrades)).toBe(false);
    const unsigned = await c.command("upgrade", {
      manifest: asJson(await manifest(`${artifactBase}/worker-0.2.0.tgz`, commander)),
    });
    expect(unsigned).toMatchObject({ ok: false, code: "wrong-signer" });
    expect(existsSync(upgrades)).toBe(false);
    expect(a.restarts.filter((r) => r.exitCode !== undefined)).toHaveLength(0);

    const good = await c.command("upgrade", {
      manifest: asJson(await manifest(`${artifactBase}/worker-0.2.0.tgz`)),
    });
    expect(good).toMatchObject({ ok: true, detail: { version: "0.2.0", sha256 } });
    expect(await readlink(join(upgrades, "current"))).toBe(join("0.2.0", "package"));
    expect(await readFile(join(upgrades, "current", "bin", "eai-worker.js"), "utf8")).toBe(
      "// new version\n",
    );
    expect(a.restarts.at(-1)).toEqual({ reason: "upgrade to 0.2.0", exitCode: UPGRADE_EXIT_CODE });
  });

  it("CORS: only allowlisted origins; unauthenticated reads are refused", async () => {
    const a = nodes[0]!;
    const res = await fetch(`${a.url}/v1/status`);
    expect(res.status).toBe(401);
    const pre = await fetch(`${a.url}/v1/status`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example" },
    });
    expect(pre.status).toBe(403);
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
  });
});
