/**
 * Test and benchmark harness: a throwaway Hardhat node, the indexer (`ponder start`) against it, free ports in the
 * ranges this package may use (chains 8600–8649, HTTP 42100–42149, all on 127.0.0.1), and small API clients.
 * Every process started here is stopped by its own process group id.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../test/support/ports.ts";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
export const INDEXER_DIR = join(ROOT, "indexer");

export const CHAIN_PORTS = [8600, 8649] as const;
export const HTTP_PORTS = [42100, 42149] as const;

/** The Node.js the project pins (node_modules/.bin/node, Node 24) when present, else this process's. */
export const NODE = existsSync(join(ROOT, "node_modules/.bin/node"))
  ? join(ROOT, "node_modules/.bin/node")
  : process.execPath;

/** Ports claimed across test processes (two test files run at once): test/support/ports.ts. */
export { freePort };

/** Thrown inside a `waitFor` check to stop waiting at once. */
export class Fatal extends Error {}

export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const start = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      if (err instanceof Fatal) throw err;
      lastError = err;
    }
    if (Date.now() - start > timeoutMs) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : "";
      throw new Error(`${what} not reached within ${timeoutMs / 1000} s${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A child process in its own process group, with its output kept for diagnostics. */
export class Proc {
  readonly child: ChildProcess;
  private out: string[] = [];
  private exited: Promise<number | null>;

  constructor(cmd: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
    this.child = spawn(cmd, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer) => {
      this.out.push(chunk.toString());
      if (this.out.length > 400) this.out.splice(0, this.out.length - 400);
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output(lines = 60): string {
    return this.out.join("").split("\n").slice(-lines).join("\n");
  }

  /** SIGTERM to the process group, SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running || this.child.pid === undefined) return;
    const pid = this.child.pid;
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(-pid, s);
      } catch {
        /* already gone */
      }
    };
    signal("SIGTERM");
    const timer = setTimeout(() => signal("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

export interface Chain {
  url: string;
  port: number;
  proc: Proc;
  rpc: <T>(method: string, params?: unknown[]) => Promise<T>;
  blockNumber: () => Promise<bigint>;
  stop: () => Promise<void>;
}

/** Starts `hardhat node` on a free port of 8600–8649. */
export async function startChain(): Promise<Chain> {
  const port = await freePort(CHAIN_PORTS);
  const url = `http://127.0.0.1:${port}`;
  const proc = new Proc(
    NODE,
    [
      join(ROOT, "node_modules/hardhat/dist/src/cli.js"),
      "node",
      "--hostname",
      "127.0.0.1",
      "--port",
      String(port),
    ],
    { cwd: ROOT },
  );
  try {
    await waitFor(
      `hardhat node on ${url}`,
      () => {
        if (!proc.running) throw new Fatal("hardhat node exited");
        return rpc<string>(url, "eth_chainId");
      },
      120_000,
      250,
    );
  } catch (err) {
    await proc.stop();
    throw new Error(`${(err as Error).message}\n${proc.output()}`);
  }
  return {
    url,
    port,
    proc,
    rpc: (method, params) => rpc(url, method, params),
    blockNumber: async () => BigInt(await rpc<string>(url, "eth_blockNumber")),
    stop: () => proc.stop(),
  };
}

export interface IndexerOptions {
  rpcUrl: string;
  deploymentsDir: string;
  /** Database schema name (ponder `--schema`). */
  schema: string;
  /** PGlite directory (ignored with `databaseUrl`). */
  pgliteDir?: string;
  databaseUrl?: string;
  port?: number;
  pollingMs?: number;
  /** More environment variables of the indexer (API settings: EAI_SQL_API_KEY, GraphQL limits, ...). */
  env?: Record<string, string>;
  /** How long to wait for /ready (the end of the backfill); default 180 s. */
  readyTimeoutMs?: number;
}

export interface Indexer {
  url: string;
  proc: Proc;
  stop: () => Promise<void>;
  /** Resolves once the indexer has processed `block` (per ponder's /status). */
  waitForBlock: (block: bigint, timeoutMs?: number) => Promise<void>;
  status: () => Promise<{ block: bigint; timestamp: number } | undefined>;
}

const PONDER_CLI = join(ROOT, "node_modules/ponder/dist/esm/bin/ponder.js");

/**
 * Starts `ponder start` for the indexer and waits until historical indexing is done (/ready). Ponder quietly moves on
 * to the next port when its own is taken, and /ready would then be some other server's answer: /ready is asked only
 * once ponder has logged the port it listens on, and a start that went to another port is stopped and retried on
 * another free port (twice) unless the caller fixed the port.
 */
export async function startIndexer(options: IndexerOptions): Promise<Indexer> {
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort(HTTP_PORTS));
    try {
      return await startIndexerOn(port, options);
    } catch (err) {
      if (!(err instanceof PortInUse) || options.port !== undefined || attempt >= 3) throw err;
    }
  }
}

class PortInUse extends Fatal {}

/** The ports of ponder's JSON log lines whose message contains `marker` (a line cut in two is read on the next poll). */
function loggedPorts(log: string, marker: string): number[] {
  const ports: number[] = [];
  for (const line of log.split("\n")) {
    if (!line.includes(marker)) continue;
    try {
      const port = (JSON.parse(line) as { port?: unknown }).port;
      if (typeof port === "number") ports.push(port);
    } catch {
      /* a line cut in two by the output buffer: read again on the next poll */
    }
  }
  return ports;
}

async function startIndexerOn(port: number, options: IndexerOptions): Promise<Indexer> {
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PONDER_TELEMETRY_DISABLED: "1",
    EAI_CHAIN_ID: "31337",
    EAI_RPC_URL: options.rpcUrl,
    EAI_DEPLOYMENTS_DIR: options.deploymentsDir,
    ...(options.pollingMs ? { EAI_POLLING_MS: String(options.pollingMs) } : {}),
    ...options.env,
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  else {
    env.DATABASE_URL = "";
    env.DATABASE_PRIVATE_URL = "";
    if (options.pgliteDir) env.EAI_PGLITE_DIR = options.pgliteDir;
  }
  const proc = new Proc(
    NODE,
    [
      PONDER_CLI,
      "--log-format",
      "json",
      "start",
      "-H",
      "127.0.0.1",
      "-p",
      String(port),
      "--schema",
      options.schema,
    ],
    { cwd: INDEXER_DIR, env },
  );
  let listening: number | undefined;
  try {
    await waitFor(
      `indexer ready on ${url}`,
      async () => {
        const log = proc.output(400);
        // read first: when the next port is taken too, ponder dies of EADDRINUSE instead of logging where it went
        if (loggedPorts(log, "Port in use").includes(port)) throw new PortInUse(`port ${port} is taken`);
        if (!proc.running) throw new Fatal("ponder exited");
        listening ??= loggedPorts(log, "Created HTTP server")[0]; // kept: the line scrolls out of the kept output later
        if (listening === undefined) return false; // whatever answers on the port now is not this process
        if (listening !== port) throw new PortInUse(`port ${port} is taken (ponder went on to ${listening})`);
        const res = await fetch(`${url}/ready`);
        return res.status === 200;
      },
      options.readyTimeoutMs ?? 180_000,
      250,
    );
  } catch (err) {
    await proc.stop();
    if (err instanceof PortInUse) throw err;
    throw new Error(`${(err as Error).message}\n${proc.output()}`);
  }
  const status = async () => {
    const res = await fetch(`${url}/status`);
    const body = (await res.json()) as Record<string, { block: { number: number; timestamp: number } }>;
    const chain = Object.values(body)[0];
    return chain ? { block: BigInt(chain.block.number), timestamp: chain.block.timestamp } : undefined;
  };
  return {
    url,
    proc,
    stop: () => proc.stop(),
    status,
    waitForBlock: async (block, timeoutMs = 60_000) => {
      try {
        await waitFor(
          `indexer at block ${block}`,
          async () => ((await status())?.block ?? -1n) >= block,
          timeoutMs,
          50,
        );
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${proc.output(30)}`);
      }
    },
  };
}

/** A fresh temporary directory, removed by the returned function. */
export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export async function writeDeployment(dir: string, deployment: { chainId: number }): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${deployment.chainId}.json`), `${JSON.stringify(deployment, null, 2)}\n`);
}

// ─── API clients ───

export async function gql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join("; ")}`);
  if (!body.data) throw new Error(`GraphQL: no data (HTTP ${res.status})`);
  return body.data;
}

export async function rest<T>(url: string, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`);
  return { status: res.status, body: (await res.json()) as T };
}
