/**
 * A whole local EAI network for end-to-end tests: `scripts/start.ts` (chain, deployment, demo models, blob store,
 * indexer, workers and, unless `web: false`, the web app) started as a child process group on the ports given,
 * with a state folder of its own; plus the JSON-RPC helpers those tests use. Shared by the SDK end-to-end test
 * (test/e2e) and the dApp's browser test (web/test).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { parseDeployment, type Deployment } from "../../sdk/src/deployments.ts";

/**
 * The repository root: the nearest folder at or above the working directory holding scripts/start.ts (no
 * import.meta: web/ has no "type": "module", so its TypeScript treats importers there as CommonJS).
 */
function findRepoRoot(): string {
  for (let dir = resolve(process.cwd()); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "scripts", "start.ts")) && existsSync(join(dir, "web", "package.json")))
      return dir;
    if (dirname(dir) === dir)
      throw new Error(`run from inside the EAI repository (not found above ${process.cwd()})`);
  }
}

export const REPO_ROOT = findRepoRoot();

/** Hardhat's public development keys (never use them on a real chain). */
export const DEV_KEYS = {
  /** Account 0: deployer, holds the EAI supply. */
  deployer: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  /** Account 1: not used by the network's workers (they start at account 2). */
  user: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
} as const;

export interface NetworkPorts {
  chain: number;
  blob: number;
  indexer: number;
  /** First worker's metrics port; the others count up. */
  metrics: number;
  /** Needed unless the network starts without the web app. */
  web?: number;
  /** The bridge's L2 chain and its first daemon port (five from there); without them the network has no bridge. */
  bridge?: { l2: number; daemons: number };
}

export interface NetworkOptions {
  ports: NetworkPorts;
  stateDir: string;
  /** Provider workers (default 1). */
  workers?: number;
  /** Start the web app (default true; needs `npm run build:web` first). */
  web?: boolean;
  /** Pass --fresh: start from nothing even when `stateDir` holds a kept chain (default false). */
  fresh?: boolean;
  timeoutMs?: number;
}

export interface Network {
  rpcUrl: string;
  indexerUrl: string;
  webUrl: string;
  blobUrl: string;
  chainId: number;
  deployment: Deployment;
  /** Everything start.ts printed so far (stdout and stderr). */
  output(): string;
  /** Stops every service (start.ts signals each one's process group) and waits for it to exit. */
  stop(): Promise<void>;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Starts `scripts/start.ts` and resolves once it has printed the whole "EAI network is up" listing. On failure (or
 * timeout) the network is stopped and the error carries the end of its output.
 */
export async function startNetwork(options: NetworkOptions): Promise<Network> {
  const { ports, stateDir, workers = 1, web = true, fresh = false, timeoutMs = 240_000 } = options;
  if (web && ports.web === undefined) throw new Error("startNetwork: ports.web is needed with the web app");
  const argv = [
    "scripts/start.ts",
    "--workers",
    String(workers),
    "--port",
    String(ports.chain),
    "--blob-port",
    String(ports.blob),
    "--indexer-port",
    String(ports.indexer),
    "--metrics-port",
    String(ports.metrics),
    "--state-dir",
    stateDir,
    ...(web ? ["--web-port", String(ports.web)] : ["--no-web"]),
    ...(fresh ? ["--fresh"] : []),
    ...(ports.bridge
      ? ["--l2-port", String(ports.bridge.l2), "--bridge-port", String(ports.bridge.daemons)]
      : ["--no-bridge"]),
  ];
  // The launcher itself, on this Node (the project's, as vitest runs on it): not through npx, which exits on
  // SIGTERM at once while the launcher is still stopping its services, so that waiting for `child` to exit would
  // let the caller remove the state folder under services still writing to it (seen as ENOTEMPTY in rm). Its own
  // process group (like setsid), so that a signal to the group reaches everything left in it.
  const child = spawn(process.execPath, argv, {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PONDER_TELEMETRY_DISABLED: "1" },
  });
  let output = "";
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalGroup(child, "SIGTERM");
    // start.ts stops its services and exits within ~3 s; then make sure nothing of the group is left.
    if (!(await waitForExit(child, 20_000))) signalGroup(child, "SIGKILL");
    await waitForExit(child, 5_000);
  };

  try {
    await new Promise<void>((resolveUp, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the network did not come up within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const check = () => {
        // "Press Ctrl-C" ends the listing (URLs, workers, demo models, contracts, keys) printed after "up".
        if (/EAI network is up[\s\S]*Press Ctrl-C/.test(output)) {
          clearTimeout(timer);
          resolveUp();
        }
      };
      child.stdout.on("data", check);
      child.stderr.on("data", check);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`scripts/start.ts exited (${code}) before the network was up`));
      });
    });
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- start.ts output ---\n${output.slice(-6_000)}`);
  }

  const chainId = Number(/RPC\s+\S+\s+\(chain (\d+)\)/.exec(output)?.[1] ?? "31337");
  const deployment = parseDeployment(
    JSON.parse(await readFile(join(stateDir, "deployments", `${chainId}.json`), "utf8")),
  );
  return {
    rpcUrl: `http://127.0.0.1:${ports.chain}`,
    indexerUrl: `http://127.0.0.1:${ports.indexer}`,
    webUrl: `http://127.0.0.1:${ports.web ?? 0}`,
    blobUrl: `http://127.0.0.1:${ports.blob}`,
    chainId,
    deployment,
    output: () => output,
    stop,
  };
}

/** One JSON-RPC call; throws with the node's error message. */
export async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = z
    .object({ result: z.unknown().optional(), error: z.object({ message: z.string() }).optional() })
    .parse(await res.json());
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** Moves the chain's clock forward and mines a block (priority windows, governance delays). */
export async function advanceTime(rpcUrl: string, seconds: number): Promise<void> {
  await rpc(rpcUrl, "evm_increaseTime", [seconds]);
  await rpc(rpcUrl, "evm_mine");
}
