/**
 * `npm start` keeps its state across restarts, and `--fresh` starts from nothing: scripts/start.ts (local chain,
 * deployment, demo models, blob store, indexer, 1 worker; ports 8861 / 8862 / 42361 / 9661; no web app) in one temp
 * state folder, started three times.
 *   1. fresh: a ZK task is submitted and settled by the worker; the indexer shows it Completed;
 *   2. restart on the same folder: start.ts says it kept the state and reused the index; the chain has the same
 *      genesis and the old blocks, the deployment is the same, the task is still Completed on chain (its result
 *      verifies) and in the indexer, which did not index anything new to show it; a new task settles too;
 *   3. restart with --fresh: a new chain (another genesis), a new index without the old tasks.
 * The bridge (L2 chain 31338, validators, relayer, watchdog) is on: 100 EAI go hub → L2 on the fresh start; after
 * the restart the L2 (its own kept state) still holds them, and 40 come back to the hub through the restarted daemons.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPublicClient, createWalletClient, defineChain, http, pad, parseEther, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { createEaiClient, type EaiClient } from "../../sdk/src/client/index.ts";
import {
  bridgeVaultAbi,
  eaiSpokeTokenAbi,
  eaiTokenAbi,
  spokeBridgeAbi,
  taskMarketAbi,
} from "../../sdk/src/generated/abis.ts";
import { DEV_KEYS, rpc, startNetwork, type Network } from "../support/network.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PORTS = {
  chain: 8861,
  blob: 8862,
  indexer: 42361,
  metrics: 9661,
  // The bridge: the L2 chain and its five daemons (8865–8869).
  bridge: { l2: 8863, daemons: 8865 },
} as const;

let stateDir = "";
let network: Network | undefined;

function client(n: Network): EaiClient {
  return createEaiClient({
    chain: defineChain({
      id: n.chainId,
      name: "restart",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [n.rpcUrl] } },
    }),
    transport: http(n.rpcUrl),
    account: privateKeyToAccount(DEV_KEYS.deployer as Hex),
    deployment: n.deployment,
    blobStoreUrl: n.blobUrl,
  });
}

async function digit(): Promise<{ label: number; image: number[] }> {
  const s = z
    .object({ samples: z.array(z.object({ label: z.number().int(), image: z.base64() })).min(1) })
    .parse(JSON.parse(await readFile(join(ROOT, "data/mnist-test-samples.json"), "utf8"))).samples[0]!;
  return { label: s.label, image: [...Buffer.from(s.image, "base64")] };
}

const bridgeRecord = z.object({
  chains: z.array(
    z.object({
      chainId: z.number(),
      role: z.string(),
      rpcUrl: z.string(),
      bridge: z.string(),
      token: z.string(),
    }),
  ),
});
async function bridgeOf(n: Network) {
  const record = bridgeRecord.parse(
    JSON.parse(await readFile(join(stateDir, "bridge", "bridge.json"), "utf8")),
  );
  const hub = record.chains.find((c) => c.role === "hub")!;
  const l2 = record.chains.find((c) => c.role === "spoke")!;
  const user = privateKeyToAccount(DEV_KEYS.user as Hex);
  const hubClient = createPublicClient({ transport: http(n.rpcUrl) });
  const l2Client = createPublicClient({ transport: http(l2.rpcUrl) });
  const send = async (
    rpcUrl: string,
    client: typeof hubClient,
    tx: Parameters<ReturnType<typeof createWalletClient>["writeContract"]>[0],
  ) => {
    const hash = await createWalletClient({ account: user, transport: http(rpcUrl) }).writeContract({
      ...tx,
      account: user,
      chain: null,
    } as never);
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 250 });
    if (receipt.status !== "success") throw new Error(`${hash} reverted`);
  };
  return {
    user: user.address,
    hubBalance: () =>
      hubClient.readContract({
        address: n.deployment.contracts.EAIToken.address,
        abi: eaiTokenAbi,
        functionName: "balanceOf",
        args: [user.address],
      }),
    l2Balance: () =>
      l2Client.readContract({
        address: l2.token as Hex,
        abi: eaiSpokeTokenAbi,
        functionName: "balanceOf",
        args: [user.address],
      }),
    toL2: async (amount: bigint) => {
      await send(n.rpcUrl, hubClient, {
        address: n.deployment.contracts.EAIToken.address,
        abi: eaiTokenAbi,
        functionName: "approve",
        args: [hub.bridge as Hex, amount],
      } as never);
      await send(n.rpcUrl, hubClient, {
        address: hub.bridge as Hex,
        abi: bridgeVaultAbi,
        functionName: "bridgeOut",
        args: [BigInt(l2.chainId), pad(user.address), amount],
      } as never);
    },
    toHub: (amount: bigint) =>
      send(l2.rpcUrl, l2Client, {
        address: l2.bridge as Hex,
        abi: spokeBridgeAbi,
        functionName: "bridgeOut",
        args: [BigInt(hub.chainId), pad(user.address), amount],
      } as never),
  };
}

async function until(what: string, check: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const blockSchema = z.object({ hash: z.string(), number: z.string() });
const genesisOf = async (n: Network) =>
  blockSchema.parse(await rpc(n.rpcUrl, "eth_getBlockByNumber", ["0x0", false])).hash;

/** The indexer's /tasks/:id status once it answers 200 (polls up to 60 s), or its HTTP status. */
async function indexedStatus(n: Network, taskId: bigint, want?: string): Promise<string | number> {
  const until = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`${n.indexerUrl}/tasks/${taskId}`);
    const body = res.ok ? z.object({ status: z.string() }).parse(await res.json()) : undefined;
    if (!res.ok) await res.body?.cancel();
    const got = body?.status ?? res.status;
    if (want === undefined || got === want || Date.now() > until) return got;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function settledZkTask(n: Network): Promise<bigint> {
  const c = client(n);
  const d = await digit();
  const { taskId } = await c.submitTask({ model: 1n, mode: "zk", reward: 5n * 10n ** 18n, input: d });
  const result = await c.waitForResult(taskId, { pollMs: 200, timeoutMs: 240_000 });
  if (result.mode !== "zk") throw new Error("not a ZK result");
  return taskId;
}

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "eai-restart-e2e-"));
});

afterEach(async () => {
  // A failed test leaves its network running; the next one needs the ports and the state folder.
  await network?.stop();
  network = undefined;
});

afterAll(async () => {
  await network?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe("npm start keeps its state across restarts", () => {
  let genesis = "";
  let firstTask = 0n;
  let head = 0n;
  let market = "";

  it("a fresh start settles a task and indexes it", { timeout: 600_000 }, async () => {
    network = await startNetwork({ ports: PORTS, stateDir, workers: 1, web: false, timeoutMs: 400_000 });
    expect(network.output()).toMatch(/fresh state in/);
    genesis = await genesisOf(network);
    market = network.deployment.contracts.TaskMarket.address;
    firstTask = await settledZkTask(network);
    expect(await indexedStatus(network, firstTask, "Completed")).toBe("Completed");
    const b = await bridgeOf(network);
    await b.toL2(parseEther("100"));
    await until("100 EAI on the L2", async () => (await b.l2Balance()) === parseEther("100"));
    head = BigInt(z.string().parse(await rpc(network.rpcUrl, "eth_blockNumber")));
  });

  it("a restart keeps the chain, the deployment and the index", { timeout: 600_000 }, async () => {
    network = await startNetwork({ ports: PORTS, stateDir, workers: 1, web: false, timeoutMs: 400_000 });
    const out = network.output();
    expect(out).toMatch(/keeping the state in/);
    expect(out).toMatch(/reusing the kept index/);
    expect(out).toMatch(/state kept/);
    expect(await genesisOf(network)).toBe(genesis);
    expect(network.deployment.contracts.TaskMarket.address).toBe(market);
    const now = BigInt(z.string().parse(await rpc(network.rpcUrl, "eth_blockNumber")));
    expect(now).toBeGreaterThanOrEqual(head);
    const c = client(network);
    expect((await c.getTask(firstTask)).status).toBe("Completed");
    expect((await c.verifyResult(firstTask)).mode).toBe("zk");
    // Ponder resumes from its last safe checkpoint (30 blocks behind the head on an unknown chain id), so the
    // newest rows are indexed again right after the restart: the task shows again without any new transaction.
    expect(await indexedStatus(network, firstTask, "Completed")).toBe("Completed");
    // The chain's clock follows wall time (anvil, blocks may share a second).
    const latest = z
      .object({ timestamp: z.string() })
      .parse(await rpc(network.rpcUrl, "eth_getBlockByNumber", ["latest", false]));
    expect(Math.abs(Number(BigInt(latest.timestamp)) - Date.now() / 1000)).toBeLessThan(5);
    const next = await settledZkTask(network);
    expect(next).toBe(firstTask + 1n);
    expect(await indexedStatus(network, next, "Completed")).toBe("Completed");
    // The L2 kept its state, and the restarted validators and relayer carry EAI back.
    expect(out).toMatch(/L2 chain \(state loaded\) ready/);
    const b = await bridgeOf(network);
    expect(await b.l2Balance()).toBe(parseEther("100"));
    const hubBefore = await b.hubBalance();
    await b.toHub(parseEther("40"));
    await until(
      "40 EAI back on the hub",
      async () => (await b.hubBalance()) === hubBefore + parseEther("40"),
    );
    expect(await b.l2Balance()).toBe(parseEther("60"));
  });

  it("--fresh starts a new chain and a new index", { timeout: 600_000 }, async () => {
    network = await startNetwork({
      ports: PORTS,
      stateDir,
      workers: 1,
      web: false,
      fresh: true,
      timeoutMs: 400_000,
    });
    expect(network.output()).toMatch(/fresh state in .* \(--fresh\)/);
    expect(await genesisOf(network)).not.toBe(genesis);
    const count = await createPublicClient({ transport: http(network.rpcUrl) }).readContract({
      address: network.deployment.contracts.TaskMarket.address,
      abi: taskMarketAbi,
      functionName: "taskCount",
    });
    expect(count).toBe(0n);
    expect(await indexedStatus(network, firstTask)).toBe(404);
  });
});
