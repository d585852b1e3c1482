/**
 * `npm start` keeps its state across restarts, and `--fresh` starts from nothing: scripts/start.ts (local chain,
 * deployment, demo models, blob store, indexer, 1 worker; ports 8861 / 8862 / 42361 / 9661; no web app) in one temp
 * state folder, started three times.
 *   1. fresh: a ZK task is submitted and settled by the worker; the indexer shows it Completed;
 *   2. restart on the same folder: start.ts says it kept the state and reused the index; the chain has the same
 *      genesis and the old blocks, the deployment is the same, the task is still Completed on chain (its result
 *      verifies) and in the indexer, which did not index anything new to show it; a new task settles too;
 *   3. restart with --fresh: a new chain (another genesis), a new index without the old tasks.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPublicClient, defineChain, http, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { createEaiClient, type EaiClient } from "../../sdk/src/client/index.ts";
import { taskMarketAbi } from "../../sdk/src/generated/abis.ts";
import { DEV_KEYS, rpc, startNetwork, type Network } from "../support/network.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PORTS = { chain: 8861, blob: 8862, indexer: 42361, metrics: 9661 } as const;

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
