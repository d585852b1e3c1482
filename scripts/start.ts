/**
 * `npm start`: brings up the EAI network on this machine and keeps it running until Ctrl-C.
 *
 *   npm start                              local chain on 127.0.0.1:8545, deploy, demo models, blob store, indexer,
 *                                          web app, 3 workers
 *   npm start -- --workers 1               another number of provider workers (0 to run none; REDUNDANT tasks
 *                                          need at least 3, one per redundant copy)
 *   npm start -- --port 9545               another port for the local chain
 *   npm start -- --rpc http://host:8545    use an existing node instead of starting one (deploys there; workers
 *                                          are funded only on a local node)
 *   npm start -- --no-indexer              skip the indexer (and the web app, which reads from it)
 *   npm start -- --no-web                  skip the web app
 *   npm start -- --web-port 3001           other ports: --blob-port, --indexer-port, --web-port, --metrics-port
 *                                          (first worker's; the others count up)
 *   npm start -- --state-dir /tmp/eai      keep state (and the deployment record) elsewhere than .state/
 *
 * Models: the MNIST digits ZK model (id 1, deployed with the protocol) and, on a local chain, the demo models of
 * deploy/demo-models.ts (id 2 tiny-mlp ONNX, id 3 byte-sum WASM) for REDUNDANT tasks; sample inputs for each are
 * written to <state>/demo/.
 *
 * State (blobs, worker state, the indexer's PGlite database) lives in .state/ and is reset at every start, since
 * the local chain starts empty. The web app is built on first start (and whenever web/ or the SDK changed since
 * the last build), then served by `next start`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createPublicClient, createWalletClient, http, parseEther, type Chain, type Hex } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { z } from "zod";

import { DEMO_MODELS, registerDemoModels, type RegisteredDemoModel } from "../deploy/demo-models.ts";
import { parseDeployment, type Deployment } from "../sdk/src/deployments.ts";
import { eaiTokenAbi } from "../sdk/src/generated/abis.ts";
import { startBlobStore, uploadBlob, type BlobStore } from "../sdk/src/storage/index.ts";
import { MNIST_MLP } from "../deploy/ignition/modules/EAIProtocol.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Hardhat's well-known development mnemonic (public test keys; never use them on a real chain). */
const MNEMONIC = "test test test test test test test test test test test junk";

const args = parseArgs({
  options: {
    port: { type: "string", default: "8545" },
    rpc: { type: "string" },
    workers: { type: "string", default: "3" },
    "blob-port": { type: "string", default: "8787" },
    "indexer-port": { type: "string", default: "42069" },
    "no-indexer": { type: "boolean", default: false },
    "no-web": { type: "boolean", default: false },
    "web-port": { type: "string", default: "3000" },
    "metrics-port": { type: "string", default: "9464" },
    "state-dir": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.values.help) {
  console.log(
    "usage: npm start [-- --port N] [--rpc URL] [--workers N] [--blob-port N] [--indexer-port N] [--web-port N]\n" +
      "                    [--metrics-port N] [--state-dir DIR] [--no-indexer] [--no-web]",
  );
  process.exit(0);
}
function option<T>(name: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    console.error(
      `${name}: ${result.error.issues.map((i) => i.message).join("; ")} (got ${JSON.stringify(value)})`,
    );
    process.exit(2);
  }
  return result.data;
}
const tcpPort = z.coerce.number().int().min(1024).max(65_535);
const port = option("--port", tcpPort, args.values.port);
const rpcUrl = option(
  "--rpc",
  z.url({ protocol: /^https?$/ }),
  args.values.rpc ?? `http://127.0.0.1:${port}`,
);
const workerCount = option("--workers", z.coerce.number().int().min(0).max(8), args.values.workers);
const blobPort = option("--blob-port", tcpPort, args.values["blob-port"]);
const indexerPort = option("--indexer-port", tcpPort, args.values["indexer-port"]);
const webPort = option("--web-port", tcpPort, args.values["web-port"]);
const metricsPort = option("--metrics-port", tcpPort, args.values["metrics-port"]);
const withIndexer = !args.values["no-indexer"];
const withWeb = withIndexer && !args.values["no-web"];
const localChain = !args.values.rpc;
const STATE = args.values["state-dir"] ? resolve(args.values["state-dir"]) : join(ROOT, ".state");
/** Deployment records: the repository's deploy/deployments, or the state folder when one is given. */
const DEPLOYMENTS_DIR = args.values["state-dir"]
  ? join(STATE, "deployments")
  : join(ROOT, "deploy/deployments");
const WEB = join(ROOT, "web");

const children: ChildProcess[] = [];
let blobStore: BlobStore | undefined;
let stopping = false;

function stop(code = 0): void {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping…");
  // Workers first (they finish or persist in-flight work), then the indexer, the blob store and the chain.
  for (const child of [...children].reverse()) {
    if (child.exitCode !== null || child.pid === undefined) continue;
    // Each service runs in its own process group (npx → node): signal the whole group.
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      child.kill("SIGTERM");
    }
  }
  void blobStore?.close();
  setTimeout(() => process.exit(code), 3_000).unref();
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return z.object({ result: z.unknown() }).parse(await res.json()).result;
}

async function reachable(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch {
    return false;
  }
}

async function httpOk(url: string): Promise<void> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
}

async function waitFor(what: string, check: () => Promise<unknown>, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!(await reachable(check))) {
    if (stopping) throw new Error("stopped");
    if (Date.now() - start > timeoutMs)
      throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(`✓ ${what} ready (${((Date.now() - start) / 1000).toFixed(1)} s)`);
}

/** Starts a long-running service; its exit (other than at shutdown) stops the whole network. */
function service(
  name: string,
  cmd: string,
  argv: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const child = spawn(cmd, argv, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  children.push(child);
  child.on("exit", (code) => {
    if (!stopping) {
      console.error(`${name} exited (${code})`);
      stop(1);
    }
  });
  return child;
}

function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd, stdio: "inherit", env: { ...process.env, ...env } });
    children.push(child);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${argv.join(" ")} exited ${code}`)),
    );
  });
}

/** Newest modification time (ms) of any file under `dir`. */
async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** True when web/.next holds no build, or web/ sources or the SDK changed after it. */
async function webBuildStale(): Promise<boolean> {
  let built: number;
  try {
    built = (await stat(join(WEB, ".next", "BUILD_ID"))).mtimeMs;
  } catch {
    return true;
  }
  const sources = await Promise.all([
    newestMtime(join(WEB, "src")),
    newestMtime(join(ROOT, "sdk", "src")),
    stat(join(WEB, "next.config.ts")).then((s) => s.mtimeMs),
  ]);
  return Math.max(...sources) > built;
}

function devAccount(index: number) {
  const account = mnemonicToAccount(MNEMONIC, { addressIndex: index });
  const key = account.getHdKey().privateKey;
  if (!key) throw new Error("no private key");
  return { address: account.address, key: `0x${Buffer.from(key).toString("hex")}` as Hex };
}

function localChainOf(chainId: number): Chain {
  return {
    id: chainId,
    name: "local",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  };
}

/** A wallet client of the deployer (account 0, which holds the EAI supply on a local node). */
function deployerWallet(chainId: number) {
  return createWalletClient({
    account: privateKeyToAccount(devAccount(0).key),
    chain: localChainOf(chainId),
    transport: http(rpcUrl),
  });
}

/** Sample inputs for every model (ZK digit JSON, ONNX EAIT tensor, WASM bytes), for `eai task submit --input`. */
async function writeDemoInputs(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const samples = z
    .object({ samples: z.array(z.object({ label: z.number().int(), image: z.base64() })).min(1) })
    .parse(JSON.parse(await readFile(join(ROOT, "data/mnist-test-samples.json"), "utf8"))).samples;
  const firstPerLabel = new Map(samples.toReversed().map((s) => [s.label, s.image]));
  for (const [label, image] of firstPerLabel) {
    const pixels = [...Buffer.from(image, "base64")];
    await writeFile(join(dir, `digit-${label}.json`), `${JSON.stringify({ image: pixels })}\n`);
  }
  for (const m of DEMO_MODELS) await writeFile(join(dir, m.sampleInput.file), m.sampleInput.bytes());
}

/** Sends every worker account EAI from the deployer. */
async function fundWorkers(
  deployment: Deployment,
  chainId: number,
  accounts: { address: Hex }[],
): Promise<void> {
  const wallet = deployerWallet(chainId);
  for (const a of accounts) {
    await wallet.writeContract({
      address: deployment.contracts.EAIToken.address,
      abi: eaiTokenAbi,
      functionName: "transfer",
      args: [a.address, parseEther("10000")],
    });
  }
}

async function main(): Promise<void> {
  if (localChain) {
    if (await reachable(() => rpc(rpcUrl, "eth_chainId"))) {
      throw new Error(`something already answers on ${rpcUrl}; stop it or pass --port`);
    }
    console.log(`starting the local chain on ${rpcUrl}…`);
    service("the local chain", "npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)]);
    await waitFor("chain", () => rpc(rpcUrl, "eth_chainId"), 120_000);
    // Automine only mines on transactions, so an idle chain's clock stands still and priority windows, deadlines
    // and reveal windows would never pass: also mine an empty block every second.
    await rpc(rpcUrl, "evm_setIntervalMining", [1000]);
  } else {
    await waitFor(`RPC ${rpcUrl}`, () => rpc(rpcUrl, "eth_chainId"), 30_000);
  }

  // Fresh state for a fresh chain.
  await rm(STATE, { recursive: true, force: true });
  await mkdir(STATE, { recursive: true });

  await run("npx", ["hardhat", "run", "deploy/run.ts", "--network", "localhost"], {
    EAI_RPC_URL: rpcUrl,
    EAI_DEPLOYMENTS_DIR: DEPLOYMENTS_DIR,
  });
  const chainId = Number(z.string().parse(await rpc(rpcUrl, "eth_chainId")));
  const deploymentsDir = DEPLOYMENTS_DIR;
  const deployment = parseDeployment(
    JSON.parse(await readFile(join(deploymentsDir, `${chainId}.json`), "utf8")),
  );

  // Blob store, with the demo model's weights file (its content address is the URI the deployment registered).
  blobStore = await startBlobStore({ dir: join(STATE, "blobs"), port: blobPort, host: "127.0.0.1" });
  const modelBlob = await uploadBlob(
    blobStore.url,
    await readFile(join(ROOT, "circuits/models/mnist-mlp.json")),
  );
  if (modelBlob.uri !== MNIST_MLP.artifactURI) {
    throw new Error(`model blob ${modelBlob.uri} does not match the registered ${MNIST_MLP.artifactURI}`);
  }
  console.log(`✓ blob store ready on ${blobStore.url}`);

  // Demo models for REDUNDANT tasks (ONNX + WASM), registered from the deployer; sample inputs in <state>/demo/.
  let demoModels: RegisteredDemoModel[] = [];
  if (localChain) {
    demoModels = await registerDemoModels({
      publicClient: createPublicClient({ chain: localChainOf(chainId), transport: http(rpcUrl) }),
      wallet: deployerWallet(chainId),
      modelRegistry: deployment.contracts.ModelRegistry.address,
      blobStoreUrl: blobStore.url,
    });
    await writeDemoInputs(join(STATE, "demo"));
    console.log(`✓ demo models registered (${demoModels.map((m) => `${m.modelId} ${m.name}`).join(", ")})`);
  }

  if (withIndexer) {
    service(
      "the indexer",
      "npx",
      ["ponder", "start", "-H", "127.0.0.1", "-p", String(indexerPort), "--schema", "eai"],
      {
        cwd: join(ROOT, "indexer"),
        env: {
          PONDER_TELEMETRY_DISABLED: "1",
          EAI_RPC_URL: rpcUrl,
          EAI_CHAIN_ID: String(chainId),
          EAI_DEPLOYMENTS_DIR: deploymentsDir,
          EAI_PGLITE_DIR: join(STATE, "pglite"),
        },
      },
    );
  }

  const workers = Array.from({ length: workerCount }, (_, i) => ({
    ...devAccount(2 + i),
    metricsPort: metricsPort + i,
  }));
  if (workers.length > 0) {
    if (localChain) await fundWorkers(deployment, chainId, workers);
    for (const [i, w] of workers.entries()) {
      const dir = join(STATE, `worker-${i + 1}`);
      await mkdir(dir, { recursive: true });
      const config = {
        rpcUrl,
        chainId,
        deploymentsDir,
        stateDir: dir,
        blobStoreUrl: blobStore.url,
        executors: ["zk-mlp", "onnx", "wasm"],
        minReward: { [deployment.contracts.EAIToken.address]: "1" },
        maxBond: parseEther("1000").toString(),
        stakeTarget: parseEther("1000").toString(),
        pollIntervalMs: 500,
        bandwidthMbps: 1000,
        metrics: { host: "127.0.0.1", port: w.metricsPort },
      };
      await writeFile(join(dir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
      service(
        `worker ${i + 1}`,
        "node",
        ["worker/bin/eai-worker.js", "start", "--config", join(dir, "config.json")],
        {
          env: { EAI_WORKER_PRIVATE_KEY: w.key },
        },
      );
    }
    for (const [i, w] of workers.entries()) {
      await waitFor(`worker ${i + 1}`, () => httpOk(`http://127.0.0.1:${w.metricsPort}/healthz`), 180_000);
    }
  }
  if (withIndexer) {
    await waitFor("indexer", () => httpOk(`http://127.0.0.1:${indexerPort}/ready`), 300_000);
  }
  if (withWeb) {
    if (await webBuildStale()) {
      console.log("building the web app (next build, about 75 s on 2 cores)…");
      await run("npx", ["next", "build"], { NEXT_TELEMETRY_DISABLED: "1" }, WEB);
    }
    service("the web app", "npx", ["next", "start", "-H", "127.0.0.1", "-p", String(webPort)], {
      cwd: WEB,
      env: {
        NEXT_TELEMETRY_DISABLED: "1",
        EAI_RPC_URL: rpcUrl,
        EAI_CHAIN_ID: String(chainId),
        EAI_INDEXER_URL: `http://127.0.0.1:${indexerPort}`,
        EAI_BLOB_STORE_URL: blobStore.url,
        EAI_DEPLOYMENTS_DIR: deploymentsDir,
      },
    });
    await waitFor("web app", () => httpOk(`http://127.0.0.1:${webPort}/api/health`), 120_000);
  }

  console.log("\nEAI network is up");
  console.log(`  RPC              ${rpcUrl} (chain ${chainId})`);
  console.log(`  blob store       ${blobStore.url}`);
  if (withIndexer) {
    console.log(
      `  indexer          http://127.0.0.1:${indexerPort}/graphql  (REST: /stats, /leaderboard, /tasks/:id)`,
    );
  }
  for (const [i, w] of workers.entries()) {
    console.log(`  worker ${i + 1}         ${w.address}  metrics http://127.0.0.1:${w.metricsPort}/metrics`);
  }
  if (withWeb) console.log(`  web app          http://127.0.0.1:${webPort}`);
  for (const [name, c] of Object.entries(deployment.contracts))
    console.log(`  ${name.padEnd(16)} ${c.address}`);
  console.log("\nModels (sample inputs in " + join(STATE, "demo") + "):");
  console.log(`  1  mnist-mlp  ZK     MNIST digits, Groth16-verified (--mode zk, input { "image": [784] })`);
  for (const m of demoModels) {
    console.log(
      `  ${String(m.modelId).padEnd(2)} ${m.name.padEnd(10)} ${m.kind.toUpperCase().padEnd(6)} ${m.description} (--mode redundant)`,
    );
  }
  if (workerCount < 3) {
    console.log(
      `  note: a REDUNDANT task needs 3 distinct providers (redundancy is odd and ≥ 3); with ${workerCount} worker(s)` +
        " it is never completed and is refunded after its deadline: use --workers 3",
    );
  }
  if (localChain) {
    console.log(
      "\nFunded development accounts (public test keys; 10 000 ETH each, account 0 holds the EAI supply):",
    );
    for (const i of [0, 1]) {
      const a = devAccount(i);
      console.log(`  ${a.address}  key ${a.key}`);
    }
    console.log("Try: npm run eai -- task submit --help");
  }
  console.log("\nPress Ctrl-C to stop.");
}

main().catch((err: unknown) => {
  console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  stop(1);
});
