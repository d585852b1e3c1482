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
 *   npm start -- --no-bridge               skip the bridge: the second local chain (an L2, chain 31338, on --l2-port,
 *                                          default 8546), the hub vault and L2 spoke, three validators, a relayer and
 *                                          the supply watchdog (ports --bridge-port, default 7601, to 7605)
 *   npm start -- --web-port 3001           other ports: --blob-port, --indexer-port, --web-port, --metrics-port
 *                                          (first worker's; the others count up)
 *   npm start -- --state-dir /tmp/eai      keep state (and the deployment record) elsewhere than .state/
 *   npm start -- --fresh                   start from nothing: a new chain, deployment, index, blobs and worker keys
 *
 * Models: the MNIST digits ZK model (id 1, deployed with the protocol) and, on a local chain, the demo models of
 * deploy/demo-models.ts (id 2 tiny-mlp ONNX, id 3 byte-sum WASM) for REDUNDANT tasks; sample inputs for each are
 * written to <state>/demo/.
 *
 * State lives in .state/ (or --state-dir) and is kept across restarts of the local chain: the chain (anvil's state
 * file chain/state.json, written every 5 minutes and when the chain stops, history included), the deployment
 * record, the demo models, blobs, each worker's folder (keys, in-flight tasks) and the indexer's PGlite database,
 * which is reused while it belongs to the same chain (genesis hash and market address) and the same indexer code,
 * and rebuilt otherwise. `--fresh`, or a state folder without a chain state file, starts from nothing; so does
 * --rpc (the deployment goes to that node each time). Logs: <state>/logs/. The web app is built on first start (and
 * whenever web/ or the SDK changed since the last build), then served by `next start`.
 *
 * Stopping: Ctrl-C, SIGTERM or SIGHUP (to this process or to its whole process group, e.g. a closed terminal), or
 * the exit of its parent (`kill <pid of npm>`: npm exits without passing SIGTERM on) stop every process started
 * here — SIGTERM, then SIGKILL after 5 s — and then this process exits. If this process is
 * killed outright (SIGKILL), a reaper (scripts/supervisor.ts) stops them instead. <state>/processes.json lists them;
 * the next start stops what an earlier run left behind (after checking each command line) and checks that every
 * port it needs is free before starting anything.
 */
import type { ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, realpathSync, writeSync } from "node:fs";
import { mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createHash } from "node:crypto";
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
import {
  DEFAULT_STOP_GRACE_MS,
  findLeftovers,
  groupMembers,
  portFree,
  portHolder,
  stopGroups,
  Supervisor,
} from "./supervisor.ts";

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
    "no-bridge": { type: "boolean", default: false },
    "l2-port": { type: "string", default: "8546" },
    "bridge-port": { type: "string", default: "7601" },
    "web-port": { type: "string", default: "3000" },
    "metrics-port": { type: "string", default: "9464" },
    "state-dir": { type: "string" },
    fresh: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.values.help) {
  console.log(
    "usage: npm start [-- --port N] [--rpc URL] [--workers N] [--blob-port N] [--indexer-port N] [--web-port N]\n" +
      "                    [--metrics-port N] [--state-dir DIR] [--fresh] [--no-indexer] [--no-web]\n" +
      "                    [--no-bridge] [--l2-port N] [--bridge-port N]",
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
const l2Port = option("--l2-port", tcpPort, args.values["l2-port"]);
const bridgePort = option("--bridge-port", tcpPort, args.values["bridge-port"]);
/** The bridge runs on local chains only (its hub-side setup impersonates the timelock, a local-node feature). */
const withBridge = localChain && !args.values["no-bridge"];
const l2RpcUrl = `http://127.0.0.1:${l2Port}`;
const STATE = args.values["state-dir"] ? resolve(args.values["state-dir"]) : join(ROOT, ".state");
/** Deployment records: the repository's deploy/deployments, or the state folder when one is given. */
const DEPLOYMENTS_DIR = args.values["state-dir"]
  ? join(STATE, "deployments")
  : join(ROOT, "deploy/deployments");
const WEB = join(ROOT, "web");

/** The local chain's state (anvil --state): loaded at start, written every CHAIN_STATE_INTERVAL_S and at stop. */
const CHAIN_STATE = join(STATE, "chain", "state.json");
/** The L2's state, kept like the hub's. */
const L2_STATE = join(STATE, "chain-l2", "state.json");
/** The bridge: its record (deploy/bridge.ts, LocalBridgeRecord), the daemons' configs and their state folders. */
const BRIDGE_DIR = join(STATE, "bridge");
const BRIDGE_RECORD = join(BRIDGE_DIR, "bridge.json");
const BRIDGE_CLI_CONFIG = join(BRIDGE_DIR, "cli.json");
/** Development accounts of the bridge (the workers use 2..9): validators, relayer, watchdog guardian. */
const BRIDGE_VALIDATOR_ACCOUNTS = [13, 14, 15] as const;
const BRIDGE_RELAYER_ACCOUNT = 16;
const BRIDGE_GUARDIAN_ACCOUNT = 17;
/** Blocks a bridge message must be buried under before validators sign it (1 s blocks here; real chains: finality). */
const BRIDGE_CONFIRMATIONS = 2;
/** What the kept state belongs to (chain, deployment, indexer code): a mismatch rebuilds the index. */
const INDEX_OWNER_FILE = join(STATE, "indexer-owner.json");
const DEMO_MODELS_FILE = join(STATE, "demo-models.json");
/** Seconds between anvil's state dumps (a dump of 100k tasks of history takes ~20 s, so not more often). */
const CHAIN_STATE_INTERVAL_S = 300;
/** How long the chain may take to write its state when it stops (SIGKILL after that). */
const CHAIN_STOP_GRACE_MS = 120_000;
/** Every service's stdout and stderr: chain.log, indexer.log, worker-<n>.log, web.log. */
const LOGS = join(STATE, "logs");
/** Every process started here is listed in this file while it runs (see scripts/supervisor.ts). */
const PID_FILE = join(STATE, "processes.json");
/** How long a worker finishes in-flight steps at shutdown (the state is reset at the next start anyway). */
const WORKER_SHUTDOWN_GRACE_MS = 3_000;

let supervisor: Supervisor | undefined;
let chainProcess: ChildProcess | undefined;
let l2Process: ChildProcess | undefined;
let blobStore: BlobStore | undefined;
let stopping = false;

// A closed terminal (SIGHUP) makes writes to it fail; that must not crash the shutdown.
process.stdout.on("error", () => {});
process.stderr.on("error", () => {});

/** Stops everything started here (SIGTERM to each process group, SIGKILL after the grace period), then exits. */
function stop(code = 0, why?: string): void {
  if (stopping) return;
  stopping = true;
  console.log(`\nstopping${why ? ` (${why})` : ""}…`);
  // Should anything hang, exit anyway; the reaper then finishes the job.
  setTimeout(() => process.exit(code), CHAIN_STOP_GRACE_MS + DEFAULT_STOP_GRACE_MS + 10_000).unref();
  void (async () => {
    try {
      await Promise.all([stopChain(chainProcess, "the chain"), stopChain(l2Process, "the L2")]);
      const killed = (await supervisor?.stopAll()) ?? [];
      if (killed.length > 0) {
        console.log(
          `  ${killed.length} process group(s) still ran ${DEFAULT_STOP_GRACE_MS / 1000} s after SIGTERM: killed`,
        );
      }
      await blobStore?.close().catch(() => {});
      console.log("stopped");
    } finally {
      process.exit(code);
    }
  })();
}
/** Stops a local chain first, giving it time to write its state file (anvil does so on SIGTERM). */
async function stopChain(chain: ChildProcess | undefined, what: string): Promise<void> {
  if (!chain?.pid || chain.exitCode !== null || chain.signalCode !== null) return;
  console.log(`  saving ${what}'s state…`);
  const exited = new Promise<boolean>((done) => {
    const timer = setTimeout(() => done(false), CHAIN_STOP_GRACE_MS);
    chain.once("exit", () => {
      clearTimeout(timer);
      done(true);
    });
  });
  try {
    process.kill(-chain.pid, "SIGTERM");
  } catch {
    return; // gone
  }
  if (!(await exited)) console.log(`  ${what} did not stop within ${CHAIN_STOP_GRACE_MS / 1000} s`);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stop(0, signal));
// Under `npm start` the parent is npm, which exits on SIGTERM without passing it on: this process is then
// re-parented (to init or a subreaper). Noticing that is the only sign that the user's `kill <npm>` happened.
const parentAtStart = process.ppid;
if (parentAtStart > 1) {
  setInterval(() => {
    if (process.ppid !== parentAtStart) stop(0, `parent process ${parentAtStart} exited`);
  }, 500).unref();
}

/** A package binary from node_modules/.bin, run on this Node directly (no npx → sh layers to signal). */
function bin(name: string): [string, string] {
  return [process.execPath, realpathSync(join(ROOT, "node_modules", ".bin", name))];
}

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

/** The log file of a service: <state>/logs/<file>.log. */
function logFile(file: string): string {
  return join(LOGS, `${file}.log`);
}

/** The last `lines` lines of a log file ("" when it cannot be read). */
function logTail(path: string, lines = 20): string {
  try {
    const text = readFileSync(path, "utf8").trimEnd();
    return text.split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/**
 * Starts a long-running service, its stdout and stderr appended to <state>/logs/<log>.log; its exit (other than at
 * shutdown) stops the whole network, after printing the end of its log.
 */
function service(
  name: string,
  log: string,
  [cmd, ...argv]: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; ports?: number[] } = {},
): ChildProcess {
  if (!supervisor || cmd === undefined) throw new Error(`cannot start ${name}`);
  const path = logFile(log);
  const fd = openSync(path, "a");
  writeSync(fd, `--- ${name} started ${new Date().toISOString()}: ${[cmd, ...argv].join(" ")}\n`);
  try {
    return supervisor.spawn(
      name,
      cmd,
      argv,
      {
        cwd: opts.cwd ?? ROOT,
        env: { ...process.env, ...opts.env },
        ports: opts.ports,
        stdio: ["ignore", fd, fd],
      },
      (code, signal) => {
        if (stopping) return;
        const tail = logTail(path);
        console.error(`${name} exited (${signal ?? code}); end of ${path}:\n${tail}`);
        stop(1);
      },
    );
  } finally {
    closeSync(fd); // the child holds its own copy
  }
}

/** Runs a command to completion (supervised too: it is stopped with everything else). */
function run(name: string, [cmd, ...argv]: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<void> {
  if (!supervisor || cmd === undefined) return Promise.reject(new Error(`cannot run ${name}`));
  const child = supervisor.spawn(name, cmd, argv, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${name} exited ${signal ?? code}`)),
    );
  });
}

/**
 * Finds what an earlier `npm start` with this state folder left running (it was killed outright and its reaper
 * too): refuses to start while that launcher still runs; stops the processes it left, once their command lines
 * match the recorded ones; reports recorded pids that now belong to other programs and leaves those alone.
 */
async function clearLeftovers(): Promise<void> {
  const found = await findLeftovers(PID_FILE);
  if (!found) return;
  if (found.launcher) {
    throw new Error(
      `npm start is already running with the state folder ${STATE} (pid ${found.launcher.pid}: ` +
        `${found.launcher.command}); stop it first (Ctrl-C in its terminal, or kill ${found.launcher.pid}) ` +
        "or pass another --state-dir",
    );
  }
  for (const r of found.reused) {
    console.log(
      `note: pid ${r.pid} (${r.name} of an earlier run) now runs another program (${r.now.slice(0, 120)}); left alone`,
    );
  }
  if (found.ours.length === 0) {
    console.log(`an earlier npm start did not stop cleanly (${PID_FILE}), but none of its processes is left`);
    return;
  }
  console.log(`found processes left by an earlier npm start that did not stop cleanly (${PID_FILE}):`);
  for (const { record, members } of found.ours) {
    const ports = record.ports.length > 0 ? `, port ${record.ports.join(", ")}` : "";
    console.log(
      `  ${record.name}: pid ${record.pid}${ports}, ${members.length} process(es) in its group — ` +
        record.command.replace(/\s+/g, " ").slice(0, 120),
    );
  }
  console.log("their command lines are the recorded ones: stopping them…");
  const groups = found.ours.map((o) => o.record.pgid);
  await stopGroups(groups, DEFAULT_STOP_GRACE_MS);
  const left = groups.filter((g) => groupMembers(g).length > 0);
  if (left.length > 0) {
    throw new Error(
      `could not stop process group(s) ${left.join(", ")}; try kill -KILL ${left.map((g) => `-${g}`).join(" ")}`,
    );
  }
  console.log(`✓ stopped ${found.ours.length} leftover process group(s)`);
}

/** Every port this start will listen on must be free; says which is taken, by whom, and what to do. */
async function checkPorts(): Promise<void> {
  const wanted: { port: number; what: string }[] = [];
  if (localChain) wanted.push({ port, what: "the local chain, --port" });
  wanted.push({ port: blobPort, what: "the blob store, --blob-port" });
  if (withIndexer) wanted.push({ port: indexerPort, what: "the indexer, --indexer-port" });
  for (let i = 0; i < workerCount; i++) {
    wanted.push({ port: metricsPort + i, what: `worker ${i + 1}'s metrics, --metrics-port` });
  }
  if (withWeb) wanted.push({ port: webPort, what: "the web app, --web-port" });
  if (withBridge) {
    wanted.push({ port: l2Port, what: "the L2 chain, --l2-port" });
    for (let i = 0; i < 5; i++) {
      const who =
        i < 3 ? `bridge validator ${i + 1}` : i === 3 ? "the bridge relayer" : "the bridge watchdog";
      wanted.push({ port: bridgePort + i, what: `${who}, --bridge-port` });
    }
  }
  const seen = new Map<number, string>();
  for (const w of wanted) {
    const other = seen.get(w.port);
    if (other) throw new Error(`port ${w.port} is wanted twice (${other}; ${w.what}): choose distinct ports`);
    seen.set(w.port, w.what);
  }
  const busy: string[] = [];
  for (const w of wanted) {
    if (await portFree(w.port)) continue;
    const holder = portHolder(w.port);
    const by = holder ? ` by pid ${holder.pid} (${holder.command.slice(0, 100)})` : "";
    busy.push(`  port ${w.port} (${w.what}) is in use${by}`);
  }
  if (busy.length > 0) {
    throw new Error(
      `ports in use:\n${busy.join("\n")}\n` +
        "stop those programs (kill <pid>; find one with `ss -ltnp 'sport = :<port>'` or " +
        "`lsof -iTCP:<port> -sTCP:LISTEN`) or choose other ports with the options named",
    );
  }
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

/** The anvil binary of this platform's package (`@foundry-rs/anvil` installs it; no postinstall needed). */
function anvilBin(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`;
  const path = join(ROOT, "node_modules", pkg, "bin", process.platform === "win32" ? "anvil.exe" : "anvil");
  if (!existsSync(path)) {
    throw new Error(
      `${pkg} is not installed: run npm install (anvil ships linux and macOS x64/arm64 and windows x64 builds)`,
    );
  }
  return path;
}

/** sha256 over the indexer's code (config, schema, handlers, API) and its Ponder version. */
async function indexerCodeHash(): Promise<string> {
  const dir = join(ROOT, "indexer");
  const files = ["ponder.config.ts", "ponder.schema.ts", "package.json"];
  for (const entry of await readdir(join(dir, "src"), { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) files.push(join(entry.parentPath, entry.name).slice(dir.length + 1));
  }
  const hash = createHash("sha256");
  for (const f of files.sort()) hash.update(`${f}\0`).update(await readFile(join(dir, f)));
  return hash.digest("hex");
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

const bridgeRecordSchema = z.object({
  chains: z
    .array(
      z.object({
        chainId: z.number().int(),
        name: z.string(),
        role: z.enum(["hub", "spoke"]),
        rpcUrl: z.string(),
        bridge: z.string(),
        token: z.string(),
        fromBlock: z.number().int(),
      }),
    )
    .length(2),
  validators: z.array(z.string()),
  threshold: z.number().int(),
  guardians: z.array(z.string()),
});
type BridgeRecord = z.infer<typeof bridgeRecordSchema>;

/**
 * The bridge (docs/BRIDGE.md, "Daemons"): the L2 chain (kept with the hub's state), the vault and spoke deployed
 * once (deploy/bridge-run.ts), and the three validators, the relayer and the watchdog as supervised processes.
 */
async function startBridge(keep: boolean, deploymentsDir: string): Promise<BridgeRecord> {
  const keepL2 = keep && existsSync(L2_STATE) && existsSync(BRIDGE_RECORD);
  if (!keepL2) await rm(join(STATE, "chain-l2"), { recursive: true, force: true });
  if (!keepL2) await rm(BRIDGE_DIR, { recursive: true, force: true });
  await mkdir(join(STATE, "chain-l2"), { recursive: true });
  await mkdir(BRIDGE_DIR, { recursive: true });
  console.log(`starting the L2 chain (31338) on ${l2RpcUrl}…`);
  l2Process = service(
    "the L2 chain",
    "chain-l2",
    [
      anvilBin(),
      ...["--host", "127.0.0.1", "--port", String(l2Port), "--chain-id", "31338", "--accounts", "20"],
      ...["--block-time", "1", "--mixed-mining"],
      ...["--state", L2_STATE, "--state-interval", String(CHAIN_STATE_INTERVAL_S)],
    ],
    { ports: [l2Port] },
  );
  await waitFor(keepL2 ? "L2 chain (state loaded)" : "L2 chain", () => rpc(l2RpcUrl, "eth_chainId"), 600_000);
  if (!keepL2) {
    await run(
      "the bridge deployment",
      [...bin("hardhat"), "run", "deploy/bridge-run.ts", "--network", "localhost"],
      {
        EAI_RPC_URL: rpcUrl,
        EAI_L2_RPC_URL: l2RpcUrl,
        EAI_DEPLOYMENTS_DIR: deploymentsDir,
        EAI_BRIDGE_VALIDATORS: BRIDGE_VALIDATOR_ACCOUNTS.map((i) => devAccount(i).address).join(","),
        EAI_BRIDGE_GUARDIANS: devAccount(BRIDGE_GUARDIAN_ACCOUNT).address,
        EAI_BRIDGE_RECORD: BRIDGE_RECORD,
      },
    );
  }
  const record = bridgeRecordSchema.parse(JSON.parse(await readFile(BRIDGE_RECORD, "utf8")));
  // The daemons' chain entries: the record's, at this start's ports (a kept state may have had others).
  const chains = record.chains.map((c) => ({
    chainId: c.chainId,
    name: c.name,
    rpcUrl: c.role === "hub" ? rpcUrl : l2RpcUrl,
    role: c.role,
    bridge: c.bridge,
    token: c.token,
    confirmations: BRIDGE_CONFIRMATIONS,
    fromBlock: c.fromBlock,
  }));
  await writeFile(BRIDGE_RECORD, `${JSON.stringify({ ...record, chains }, null, 2)}\n`);
  const daemons: {
    name: string;
    role: string;
    account: number;
    config: Record<string, unknown>;
    port: number;
  }[] = [
    ...BRIDGE_VALIDATOR_ACCOUNTS.map((account, i) => ({
      name: `bridge-validator-${i + 1}`,
      role: "validator",
      account,
      port: bridgePort + i,
      config: {
        chains,
        key: { env: "EAI_BRIDGE_KEY" },
        stateDir: join(BRIDGE_DIR, `validator-${i + 1}`),
        listen: { port: bridgePort + i },
        pollIntervalMs: 500,
      },
    })),
    {
      name: "bridge-relayer",
      role: "relayer",
      account: BRIDGE_RELAYER_ACCOUNT,
      port: bridgePort + 3,
      config: {
        chains,
        key: { env: "EAI_BRIDGE_KEY" },
        validators: BRIDGE_VALIDATOR_ACCOUNTS.map((_, i) => `http://127.0.0.1:${bridgePort + i}`),
        pollIntervalMs: 500,
        listen: { port: bridgePort + 3 },
      },
    },
    {
      name: "bridge-watchdog",
      role: "watchdog",
      account: BRIDGE_GUARDIAN_ACCOUNT,
      port: bridgePort + 4,
      config: {
        chains,
        key: { env: "EAI_BRIDGE_KEY" },
        pollIntervalMs: 5_000,
        listen: { port: bridgePort + 4 },
      },
    },
  ];
  // For `eai bridge send|status --bridge-config` (the chains and the validators' signature endpoints).
  await writeFile(
    BRIDGE_CLI_CONFIG,
    `${JSON.stringify({ chains, validators: BRIDGE_VALIDATOR_ACCOUNTS.map((_, i) => `http://127.0.0.1:${bridgePort + i}`) }, null, 2)}\n`,
  );
  for (const d of daemons) {
    const file = join(BRIDGE_DIR, `${d.name}.json`);
    await writeFile(file, `${JSON.stringify(d.config, null, 2)}\n`);
    service(
      d.name.replace(/-/g, " "),
      d.name,
      [process.execPath, "bridge/bin/eai-bridge.js", d.role, "--config", file],
      {
        env: { EAI_BRIDGE_KEY: devAccount(d.account).key },
        ports: [d.port],
      },
    );
  }
  for (const d of daemons) {
    await waitFor(d.name.replace(/-/g, " "), () => httpOk(`http://127.0.0.1:${d.port}/healthz`), 120_000);
  }
  return { ...record, chains };
}

async function main(): Promise<void> {
  await clearLeftovers();
  await checkPorts();
  // Keep the state of the local chain unless told otherwise or there is none; anything else starts from nothing.
  const keep = localChain && !args.values.fresh && existsSync(CHAIN_STATE);
  if (!keep) await rm(STATE, { recursive: true, force: true });
  await mkdir(LOGS, { recursive: true });
  await mkdir(join(STATE, "chain"), { recursive: true });
  console.log(
    keep
      ? `keeping the state in ${STATE} (chain, deployment, index, blobs, worker keys; npm start -- --fresh to reset)`
      : `fresh state in ${STATE}${args.values.fresh ? " (--fresh)" : localChain ? " (no chain state yet)" : " (--rpc)"}`,
  );
  supervisor = new Supervisor({ pidFile: PID_FILE, graceMs: DEFAULT_STOP_GRACE_MS });
  await supervisor.start();

  if (localChain) {
    console.log(`starting the local chain on ${rpcUrl}…`);
    // anvil: a transaction is mined at once and an empty block every second (an idle chain's clock would stand
    // still otherwise, and priority windows, deadlines and reveal windows never pass); blocks may share a second,
    // so the chain's clock follows wall time. Hardhat's 20 development accounts (same mnemonic), chain id 31337.
    chainProcess = service(
      "the local chain",
      "chain",
      [
        anvilBin(),
        ...["--host", "127.0.0.1", "--port", String(port), "--chain-id", "31337", "--accounts", "20"],
        ...["--block-time", "1", "--mixed-mining"],
        ...["--state", CHAIN_STATE, "--state-interval", String(CHAIN_STATE_INTERVAL_S)],
      ],
      { ports: [port] },
    );
    await waitFor(keep ? "chain (state loaded)" : "chain", () => rpc(rpcUrl, "eth_chainId"), 600_000);
  } else {
    await waitFor(`RPC ${rpcUrl}`, () => rpc(rpcUrl, "eth_chainId"), 30_000);
  }

  const chainId = Number(z.string().parse(await rpc(rpcUrl, "eth_chainId")));
  const deploymentFile = join(DEPLOYMENTS_DIR, `${chainId}.json`);
  if (keep) {
    // The kept chain must hold the kept deployment; never run services against another chain's records.
    const kept = existsSync(deploymentFile)
      ? parseDeployment(JSON.parse(await readFile(deploymentFile, "utf8")))
      : undefined;
    const code = kept
      ? z.string().parse(await rpc(rpcUrl, "eth_getCode", [kept.contracts.TaskMarket.address, "latest"]))
      : "0x";
    if (code === "0x") {
      throw new Error(
        `the chain state in ${CHAIN_STATE} does not hold the deployment of ${deploymentFile}: ` +
          "start with npm start -- --fresh",
      );
    }
  } else {
    await run("the deployment", [...bin("hardhat"), "run", "deploy/run.ts", "--network", "localhost"], {
      EAI_RPC_URL: rpcUrl,
      EAI_DEPLOYMENTS_DIR: DEPLOYMENTS_DIR,
      // The chain started here is new, so no provider on it can be tier 3: a priority window would only make every
      // task wait its length (30 s by default). Deployments elsewhere (--rpc, `npm run deploy`) keep the default.
      ...(localChain ? { EAI_PRIORITY_WINDOW: "0" } : {}),
    });
  }
  const deploymentsDir = DEPLOYMENTS_DIR;
  const deployment = parseDeployment(
    JSON.parse(await readFile(join(deploymentsDir, `${chainId}.json`), "utf8")),
  );

  const bridge = withBridge ? await startBridge(keep, deploymentsDir) : undefined;

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
  if (keep && existsSync(DEMO_MODELS_FILE)) {
    demoModels = z
      .array(
        z.object({
          name: z.string(),
          kind: z.enum(["onnx", "wasm"]),
          modelId: z.coerce.bigint(),
          artifactURI: z.string(),
          description: z.string(),
        }),
      )
      .parse(JSON.parse(await readFile(DEMO_MODELS_FILE, "utf8")));
    console.log(`✓ demo models kept (${demoModels.map((m) => `${m.modelId} ${m.name}`).join(", ")})`);
  } else if (localChain) {
    demoModels = await registerDemoModels({
      publicClient: createPublicClient({ chain: localChainOf(chainId), transport: http(rpcUrl) }),
      wallet: deployerWallet(chainId),
      modelRegistry: deployment.contracts.ModelRegistry.address,
      blobStoreUrl: blobStore.url,
    });
    await writeDemoInputs(join(STATE, "demo"));
    await writeFile(
      DEMO_MODELS_FILE,
      `${JSON.stringify(demoModels, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`,
    );
    console.log(`✓ demo models registered (${demoModels.map((m) => `${m.modelId} ${m.name}`).join(", ")})`);
  }

  if (withIndexer) {
    // Reuse the index only for the chain and the indexer code it was built from (a new chain with the same
    // addresses would otherwise be served the old chain's data, and Ponder refuses a schema of other code).
    const genesis = z
      .object({ hash: z.string() })
      .parse(await rpc(rpcUrl, "eth_getBlockByNumber", ["0x0", false])).hash;
    const owner = {
      chainId,
      genesis,
      market: deployment.contracts.TaskMarket.address.toLowerCase(),
      code: await indexerCodeHash(),
    };
    const previous = existsSync(INDEX_OWNER_FILE) ? await readFile(INDEX_OWNER_FILE, "utf8") : "";
    const pglite = join(STATE, "pglite");
    if (previous !== JSON.stringify(owner)) {
      if (existsSync(pglite))
        console.log("the kept index belongs to another chain or indexer code: rebuilding it");
      await rm(pglite, { recursive: true, force: true });
      await writeFile(INDEX_OWNER_FILE, JSON.stringify(owner));
    } else if (existsSync(pglite)) {
      console.log("reusing the kept index (Ponder resumes from its checkpoint)");
    }
    service(
      "the indexer",
      "indexer",
      [...bin("ponder"), "start", "-H", "127.0.0.1", "-p", String(indexerPort), "--schema", "eai"],
      {
        cwd: join(ROOT, "indexer"),
        ports: [indexerPort],
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
    // Workers of a kept chain were funded (and have staked) already; new ones (a larger --workers) are funded here.
    const unfunded = keep
      ? workers.filter((_, i) => !existsSync(join(STATE, `worker-${i + 1}`, "config.json")))
      : workers;
    if (localChain && unfunded.length > 0) await fundWorkers(deployment, chainId, unfunded);
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
        pollIntervalMs: 250, // a local chain answers in microseconds: each task phase waits half of this on average
        bandwidthMbps: 1000,
        metrics: { host: "127.0.0.1", port: w.metricsPort },
        shutdownGraceMs: WORKER_SHUTDOWN_GRACE_MS,
      };
      await writeFile(join(dir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
      service(
        `worker ${i + 1}`,
        `worker-${i + 1}`,
        [process.execPath, "worker/bin/eai-worker.js", "start", "--config", join(dir, "config.json")],
        { env: { EAI_WORKER_PRIVATE_KEY: w.key }, ports: [w.metricsPort] },
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
      await run("the web build", [...bin("next"), "build"], { NEXT_TELEMETRY_DISABLED: "1" }, WEB);
    }
    service("the web app", "web", [...bin("next"), "start", "-H", "127.0.0.1", "-p", String(webPort)], {
      cwd: WEB,
      ports: [webPort],
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

  console.log(`\nEAI network is up (${keep ? "state kept" : "fresh state"} in ${STATE})`);
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
  if (bridge) {
    const [hub, l2] = bridge.chains;
    console.log(`  L2 RPC           ${l2RpcUrl} (chain ${l2?.chainId})`);
    console.log(`  BridgeVault      ${hub?.bridge}  (hub; L2 SpokeBridge ${l2?.bridge}, EAI ${l2?.token})`);
    console.log(
      `  bridge           ${bridge.threshold} of ${bridge.validators.length} validators on ` +
        `http://127.0.0.1:${bridgePort}..${bridgePort + 2}, relayer :${bridgePort + 3}, watchdog :${bridgePort + 4}` +
        ` (record ${BRIDGE_RECORD})`,
    );
  } else if (localChain) {
    console.log("  bridge           off (--no-bridge)");
  }
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
      `  note: a REDUNDANT task has 3 or more draws (redundancy is odd and ≥ 3); with ${workerCount} worker(s) one` +
        " provider holds several draws of a task, so its result is checked against nobody else's: use --workers 3",
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
    if (bridge) {
      console.log(
        `     npm run eai -- bridge send --bridge-config ${BRIDGE_CLI_CONFIG} --to-chain l2 --to <address> --amount 10 --wait`,
      );
    }
  }
  console.log(`\nLogs (one JSON object a line for the workers): ${LOGS}/`);
  for (const f of [
    ...(localChain ? ["chain"] : []),
    ...(withIndexer ? ["indexer"] : []),
    ...workers.map((_, i) => `worker-${i + 1}`),
    ...(bridge
      ? [
          "chain-l2",
          "bridge-validator-1",
          "bridge-validator-2",
          "bridge-validator-3",
          "bridge-relayer",
          "bridge-watchdog",
        ]
      : []),
  ]) {
    console.log(`  ${logFile(f)}`);
  }
  if (withWeb) console.log(`  ${logFile("web")}`);
  console.log(`\nProcesses: ${PID_FILE}. Press Ctrl-C to stop.`);
}

main().catch((err: unknown) => {
  console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  stop(1);
});
