/**
 * Issue #18 end to end, against one running `npm start` network (scripts/start.ts: chain, deployment, blob store,
 * indexer, one worker, the web app (needs `npm run build:web`); ports 8871 / 8872 / 42371 / 9671 / 3171, state in a
 * fresh temp folder):
 *   (a) docs/WORKER.md, "A second machine on a real chain", followed step by step: a keystore made with
 *       `eai-worker keystore import`, the deployment file copied, worker/examples/worker.json with the guide's
 *       substitutions, gas money and EAI sent to the key, `eai-worker start` from its own state folder on its own
 *       ports → it registers, stakes its stakeTarget, heartbeats, serves /healthz, and `eai-worker status` says so
 *       in words;
 *   (b) the same worker's control API (enabled in the example): the owner grants a command grantee, who pauses
 *       claims over HTTP (the scraped /metrics shows eai_worker_claims_paused 1) and resumes; a view grantee's
 *       pause is refused;
 *   (c) the farm page in Chromium (test wallet = the owner): both workers of the owner (its key and an operator it
 *       authorised on chain), the live state through the control API (CORS: the app's origin is allowlisted), a
 *       pause clicked on the page and its effect (the page's state and the worker's metric);
 *   (d) SIGTERM → exit 0.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createWalletClient,
  defineChain,
  erc20Abi,
  http,
  parseEther,
  publicActions,
  zeroAddress,
  type Hex,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlClient, scopeMask, signFarmMessage } from "../../sdk/src/farm/index.ts";
import { DEV_KEYS, REPO_ROOT, startNetwork, type Network } from "../support/network.ts";
import { providerRegistryAbi } from "../../sdk/src/generated/abis.ts";
import { launchBrowser } from "../../web/test/harness.ts";
import { TestWallet, installTestWallet } from "../../web/test/wallet.ts";

const PORTS = { chain: 8871, blob: 8872, indexer: 42371, metrics: 9671, web: 3171 } as const;
/** The second machine's own ports (the guide: pick free ones). */
const MACHINE2 = { metrics: 9681, control: 9682 } as const;
const PASSWORD = "correct horse battery staple";

let network: Network | undefined;
let stateDir = "";
let machine = "";
let child: ChildProcess | undefined;
let childOutput = "";
let running: ReturnType<typeof eaiWorker> | undefined;
let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
const ownerKey: Hex = generatePrivateKey();
const owner = privateKeyToAccount(ownerKey);
const commander = privateKeyToAccount(generatePrivateKey());
const viewer = privateKeyToAccount(generatePrivateKey());

function eaiWorker(args: string[], env: Record<string, string> = {}) {
  const p = spawn(process.execPath, [join(REPO_ROOT, "worker/bin/eai-worker.js"), ...args], {
    cwd: machine,
    env: { ...process.env, EAI_WORKER_KEYSTORE_PASSWORD: PASSWORD, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  p.stdout.on("data", (d: Buffer) => (out += d.toString()));
  p.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const done = new Promise<{ code: number | null; out: string }>((resolve) =>
    p.once("exit", (code) => resolve({ code, out })),
  );
  return { p, done, output: () => out };
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  ms = 180_000,
): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() - start > ms)
      throw new Error(
        `timed out waiting for ${what}: ${String(last)}\n--- worker ---\n${childOutput.slice(-3000)}`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "eai-farm-e2e-"));
  // Generous: on a loaded 2-core machine the deployment alone took minutes (the 240 s default ran out once).
  network = await startNetwork({ ports: PORTS, stateDir, workers: 1, timeoutMs: 540_000 });
  machine = join(stateDir, "machine-2");
  await mkdir(machine, { recursive: true });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await network?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe("a worker on a second machine (docs/WORKER.md guide) and its control API", () => {
  it("joins the running network using only the guide, and is paused and resumed remotely", async () => {
    const net = network as Network;
    const chain = defineChain({
      id: net.chainId,
      name: "local",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [net.rpcUrl] } },
    });
    // Step 1: a keystore for the provider key.
    const ks = await eaiWorker(["keystore", "import", "--out", "keystore.json"], {
      EAI_WORKER_PRIVATE_KEY: ownerKey,
    }).done;
    expect(ks.out).toContain(owner.address);
    expect(ks.code).toBe(0);
    // Step 2: the deployment file of the chain, into ./deployments.
    await mkdir(join(machine, "deployments"));
    await copyFile(
      join(stateDir, "deployments", `${net.chainId}.json`),
      join(machine, "deployments", `${net.chainId}.json`),
    );
    // Step 3: the example config with the guide's substitutions.
    const example = JSON.parse(
      await readFile(join(REPO_ROOT, "worker/examples/worker.json"), "utf8"),
    ) as Record<string, unknown>;
    const token = net.deployment.contracts.EAIToken.address;
    const config = {
      ...example,
      rpcUrl: net.rpcUrl,
      chainId: net.chainId,
      blobStoreUrl: net.blobUrl,
      minReward: { [token]: parseEther("1").toString() },
      heartbeatIntervalMs: 10_000,
      metrics: { host: "127.0.0.1", port: MACHINE2.metrics },
      control: { ...(example.control as object), port: MACHINE2.control, corsOrigins: [net.webUrl] },
    };
    await writeFile(join(machine, "worker.json"), JSON.stringify(config, null, 2));
    // Step 4: gas money and EAI for the stake (here from the local chain's deployer).
    const deployer = createWalletClient({
      account: privateKeyToAccount(DEV_KEYS.deployer),
      chain,
      transport: http(net.rpcUrl),
    }).extend(publicActions);
    await deployer.waitForTransactionReceipt({
      hash: await deployer.sendTransaction({ to: owner.address, value: parseEther("10") }),
    });
    await deployer.waitForTransactionReceipt({
      hash: await deployer.writeContract({
        address: token,
        abi: erc20Abi,
        functionName: "transfer",
        args: [owner.address, parseEther("1500")],
      }),
    });
    // Step 5: start it.
    const run = eaiWorker(["start", "--config", "worker.json"]);
    child = run.p;
    run.p.stdout.on("data", (d: Buffer) => (childOutput += d.toString()));
    run.p.stderr.on("data", (d: Buffer) => (childOutput += d.toString()));
    await waitFor("healthz", async () => (await fetch(`http://127.0.0.1:${MACHINE2.metrics}/healthz`)).ok);
    // Step 6: check it with `eai-worker status`.
    const status = await waitFor("registered and staked", async () => {
      const r = await eaiWorker(["status", "--config", "worker.json"]).done;
      return r.code === 0 && /Stake 1000 EAI/.test(r.out) && /last heartbeat/.test(r.out) ? r.out : undefined;
    });
    expect(status).toContain(`Provider ${owner.address}: eligible for tasks, tier 1 of 3.`);
    expect(status).toMatch(/Availability now: online \(last heartbeat \d+ s ago\)\./);
    expect(status).toContain("Recent failures: none.");

    // The control API (enabled in the example), on loopback, with the owner's grants.
    const domain = {
      chainId: net.chainId,
      providerRegistry: net.deployment.contracts.ProviderRegistry.address,
    };
    const url = `http://127.0.0.1:${MACHINE2.control}`;
    const grant = async (grantee: typeof commander, scopes: ("view" | "command" | "logs")[]) =>
      signFarmMessage(owner, domain, "Grant", {
        owner: owner.address,
        worker: zeroAddress,
        grantee: grantee.address,
        scopes: scopeMask(scopes),
        expiry: BigInt(Math.floor(Date.now() / 1000) + 3600),
        nonce: 1n,
      });
    const asViewer = controlClient({
      url,
      domain,
      worker: owner.address,
      signer: viewer,
      grant: await grant(viewer, ["view", "logs"]),
    });
    const asCommander = controlClient({
      url,
      domain,
      worker: owner.address,
      signer: commander,
      grant: await grant(commander, ["view", "command"]),
    });
    expect((await asViewer.status()).claimsPaused).toBe(false);
    expect((await asViewer.logs()).lines.some((l) => l.line.includes("control API listening"))).toBe(true);
    expect(await asViewer.command("pause")).toMatchObject({ ok: false, code: "scope" });
    const scrape = async () => (await fetch(`http://127.0.0.1:${MACHINE2.metrics}/metrics`)).text();
    expect(await scrape()).toMatch(/^eai_worker_claims_paused 0$/m);
    const paused = await asCommander.command("pause");
    expect(paused.ok).toBe(true);
    expect(await scrape()).toMatch(/^eai_worker_claims_paused 1$/m);
    expect((await asViewer.status()).claimsPaused).toBe(true);
    expect((await asCommander.command("resume")).ok).toBe(true);
    expect(await scrape()).toMatch(/^eai_worker_claims_paused 0$/m);
    expect(await scrape()).toMatch(
      /^eai_worker_control_commands_total\{action="pause",result="refused"\} 1$/m,
    );
    running = run;
  });

  it("the farm page shows both workers, the live state, and the effect of a pause clicked there", async () => {
    const net = network as Network;
    expect(running, "the worker of the first test is running").toBeDefined();
    // A second worker of the owner: an operator key it authorises on chain (two steps).
    const chain = defineChain({
      id: net.chainId,
      name: "local",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [net.rpcUrl] } },
    });
    const operator = privateKeyToAccount(generatePrivateKey());
    const deployer = createWalletClient({
      account: privateKeyToAccount(DEV_KEYS.deployer),
      chain,
      transport: http(net.rpcUrl),
    }).extend(publicActions);
    await deployer.waitForTransactionReceipt({
      hash: await deployer.sendTransaction({ to: operator.address, value: parseEther("1") }),
    });
    const registry = net.deployment.contracts.ProviderRegistry.address;
    for (const [who, fn, arg] of [
      [owner, "authorizeOperator", operator.address],
      [operator, "acceptOperator", owner.address],
    ] as const) {
      const w = createWalletClient({ account: who, chain, transport: http(net.rpcUrl) }).extend(
        publicActions,
      );
      const r = await w.waitForTransactionReceipt({
        hash: await w.writeContract({
          address: registry,
          abi: providerRegistryAbi,
          functionName: fn,
          args: [arg],
        }),
      });
      expect(r.status).toBe("success");
    }
    await waitFor("the indexer lists the operator", async () => {
      const res = await fetch(`${net.indexerUrl}/providers/${owner.address}`);
      if (!res.ok) return false;
      const body = (await res.json()) as { operators?: { address: string; authorized: boolean }[] };
      return body.operators?.some(
        (o) => o.authorized && o.address.toLowerCase() === operator.address.toLowerCase(),
      );
    });

    browser = await launchBrowser({ width: 1280, height: 900 });
    const wallet = new TestWallet({
      privateKey: ownerKey,
      chainId: net.chainId,
      chains: [{ id: net.chainId, rpcUrl: net.rpcUrl }],
    });
    await installTestWallet(browser.context, wallet);
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(30_000);
    await page.goto(`${net.webUrl}/farm`);
    await page.getByRole("heading", { level: 1, name: "My farm" }).waitFor();
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page
      .getByRole("dialog", { name: "Connect a wallet" })
      .getByRole("button", { name: "EAI Test Wallet" })
      .click();
    await page.getByRole("heading", { name: `Workers (2)` }).waitFor();
    const ownRow = page.getByTestId(`worker-${owner.address.toLowerCase()}`);
    await ownRow.waitFor();
    await page.getByTestId(`worker-${operator.address.toLowerCase()}`).getByText("operator").waitFor();
    await expect.poll(() => page.getByTestId("provider-availability").textContent()).toBe("online");

    await ownRow
      .getByLabel(`Control API URL of ${owner.address}`)
      .fill(`http://127.0.0.1:${MACHINE2.control}`);
    await ownRow.getByRole("button", { name: "Save" }).click();
    await page.getByRole("button", { name: "Sign my access grant" }).click();
    await expect
      .poll(() => ownRow.getByTestId("live-state").textContent(), { timeout: 30_000 })
      .toContain("taking tasks");
    await ownRow.getByRole("button", { name: "pause" }).click();
    await expect
      .poll(() => ownRow.getByTestId("command-answer").textContent(), { timeout: 30_000 })
      .toContain("pause done");
    await expect
      .poll(() => ownRow.getByTestId("live-state").textContent(), { timeout: 30_000 })
      .toContain("claims paused");
    const metrics = await (await fetch(`http://127.0.0.1:${MACHINE2.metrics}/metrics`)).text();
    expect(metrics).toMatch(/^eai_worker_claims_paused 1$/m);
    await ownRow.getByRole("button", { name: "resume" }).click();
    await expect
      .poll(() => ownRow.getByTestId("live-state").textContent(), { timeout: 30_000 })
      .toContain("taking tasks");
  });

  it("stops on SIGTERM with exit 0", async () => {
    const run = running;
    expect(run).toBeDefined();
    run?.p.kill("SIGTERM");
    expect((await run?.done)?.code).toBe(0);
  });
});
