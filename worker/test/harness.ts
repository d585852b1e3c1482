/**
 * End-to-end harness: a real `hardhat node` on 127.0.0.1 (ports 8700–8749), the protocol deployed through the
 * integration fixture (same Ignition module as production), a blob store (ports 42200–42249), providers' keys,
 * helpers to submit tasks as the requester and to build workers. Everything started here is stopped by `close()`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import { bytesToHex, keccak256, parseEther, parseEventLogs, type Address, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { startBlobStore, uploadBlob, sha256Hex, type BlobStore } from "@eai/sdk/storage";
import { setupProtocol, EXACT_PROFILE, NO_RESOURCES, type Protocol } from "../../test/integration/fixture.ts";
import { QUANTISED_PROFILE } from "../../deploy/demo-models.ts";
import { parseWorkerConfig, type WorkerConfig } from "../src/config.ts";
import { Secret } from "../src/secret.ts";
import { freePort } from "../../test/support/ports.ts";
import type { Signer } from "../src/keystore.ts";
import { createLogger } from "../src/logger.ts";
import { ProviderWorker, type WorkerOptions } from "../src/worker.ts";
import type { Resources } from "../src/hardware.ts";
import type { TaskSpec } from "../../sdk/src/tasks/index.ts";
import { mockZkCommitment as mockZkInputCommitment } from "./mock-zk.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MNEMONIC = "test test test test test test test test test test test junk";
/** Account indexes of the fixture's wallets: deployer, creator, alice, bob, carol, requester. */
export const ACCOUNT = {
  deployer: 0,
  creator: 1,
  alice: 2,
  bob: 3,
  carol: 4,
  requester: 5,
  dave: 6,
} as const;

export const WORKER_RESOURCES: Resources = {
  vramMiB: 0,
  computeCapability: 0,
  cpuCores: 2,
  ramMiB: 4096,
  storageGiB: 10,
  bandwidthMbps: 100,
  benchmarkScore: 2000,
  region: 0,
};

export function signerFor(index: number): Signer {
  const account = mnemonicToAccount(MNEMONIC, { addressIndex: index });
  const key = account.getHdKey().privateKey;
  if (!key) throw new Error("no private key");
  return { address: account.address, privateKey: new Secret(bytesToHex(key)), source: "env" };
}

/** Port ranges of this harness's nodes and of its proxies and blob stores (see test/support/ports.ts). */
export const NODE_PORTS = [8700, 8749] as const;
export const SERVICE_PORTS = [42200, 42249] as const;

export { freePort };

async function startNode(): Promise<{ child: ChildProcess; url: string }> {
  for (let tries = 0; tries < 5; tries++) {
    const port = await freePort(NODE_PORTS);
    const child = spawn(
      join(ROOT, "node_modules/.bin/hardhat"),
      ["node", "--hostname", "127.0.0.1", "--port", String(port)],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 120_000);
      child.stdout?.on("data", (d: Buffer) => {
        if (String(d).includes("Started HTTP")) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.once("exit", () => resolve(false));
    });
    child.stdout?.resume();
    child.stderr?.resume();
    if (ok) return { child, url: `http://127.0.0.1:${port}` };
    killGroup(child);
  }
  throw new Error("could not start a hardhat node");
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // already gone
  }
}

/** A TCP proxy in front of the node, to cut the RPC connection and bring it back. */
export class TcpProxy {
  readonly port: number;
  readonly #target: number;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  private constructor(port: number, target: number) {
    this.port = port;
    this.#target = target;
  }
  static async start(target: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(SERVICE_PORTS), target);
    await proxy.resume();
    return proxy;
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  async resume(): Promise<void> {
    const server = createServer((client) => {
      // A connection the listener accepted just before pause() closed it is refused too: while paused, nothing
      // reaches the node, whichever of the accept and the pause ran first.
      if (this.#server !== server) {
        client.destroy();
        return;
      }
      const upstream = connect(this.#target, "127.0.0.1");
      this.#sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.#sockets.delete(client);
        this.#sockets.delete(upstream);
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      client.pipe(upstream).pipe(client);
    });
    this.#server = server;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(this.port, "127.0.0.1", () => resolve());
      });
    } catch (err) {
      if (this.#server === server) this.#server = undefined;
      throw err;
    }
  }
  /**
   * Closes the listener and every open connection (the RPC becomes unreachable). Resolves once the port is closed:
   * `server.close` waits for the connections it still counts, which are destroyed here (and any accepted in the
   * same turn is destroyed by the connection handler), so it cannot hang on a keep-alive socket.
   */
  async pause(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    await closed;
  }
}

export interface Harness {
  p: Protocol;
  rpcUrl: string;
  rpcPort: number;
  blobs: BlobStore;
  dir: string;
  deploymentsDir: string;
  /** ONNX model (tiny-mlp, artifact in the blob store) and a ZK model on the MockVerifier. */
  onnxModel: bigint;
  mockZkModel: bigint;
  mockZkCommitment: bigint;
  registerModel(
    kind: 0 | 1 | 2,
    commitment: bigint,
    verifier: Address,
    artifact: Uint8Array,
  ): Promise<bigint>;
  submit(args: SubmitArgs): Promise<{ taskId: bigint; spec: TaskSpec }>;
  /** Submits a ZK task on the mock ZK model whose input is `label`'s bytes (committed as the MockZkExecutor expects). */
  submitMockZk(label: string): Promise<{ taskId: bigint; spec: TaskSpec }>;
  config(name: string, overrides?: Record<string, unknown>): WorkerConfig;
  worker(
    name: string,
    account: number,
    options?: Partial<Omit<WorkerOptions, "config">> & { config?: Record<string, unknown> },
  ): Promise<ProviderWorker>;
  taskStatus(taskId: bigint): Promise<number>;
  mine(seconds?: number): Promise<void>;
  /** Stops every worker built so far (call in afterEach, so a failed test leaves none running). */
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
}

export interface SubmitArgs {
  mode: 0 | 1;
  modelId: bigint;
  input: Uint8Array;
  /** Defaults to uint256(sha256(input)). */
  inputCommitment?: bigint;
  /** Defaults to the blob's eai:// URI after uploading `input`. */
  inputUri?: string;
  reward?: bigint;
  minResources?: typeof NO_RESOURCES | Record<string, number>;
  execWindow?: number;
  /** Seconds from now to the deadline (default one day). */
  deadlineIn?: number;
  /** Do not upload the input (URIs that point nowhere). */
  noUpload?: boolean;
}

export async function startHarness(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), "eai-worker-e2e-"));
  const { child, url } = await startNode();
  const workers: ProviderWorker[] = [];
  let blobs: BlobStore | undefined;
  try {
    const connection = await network.connect({ network: "localhost", override: { url } });
    // Concurrent files may deploy at the same time: deployProtocol gives every deployment to a local node (chain
    // 31337 over HTTP) an Ignition journal of its own and removes it afterwards.
    const p = await setupProtocol(connection);
    // A block a second, like a real chain (and `npm start`): REDUNDANT draws are seeded by the block after a task's.
    await p.connection.provider.request({ method: "evm_setIntervalMining", params: [1000] });
    const deploymentsDir = join(dir, "deployments");
    await mkdir(deploymentsDir, { recursive: true });
    await writeFile(join(deploymentsDir, `${p.deployment.chainId}.json`), JSON.stringify(p.deployment));
    blobs = await startBlobStore({ dir: join(dir, "blobs"), port: await freePort(SERVICE_PORTS) });
    const store = blobs;
    const { models, market } = p.contracts;
    const creator = p.wallets.creator.account;
    const requester = p.wallets.requester.account;

    const registerModel: Harness["registerModel"] = async (kind, commitment, verifier, artifact) => {
      const blob = await uploadBlob(store.url, artifact);
      // ONNX models compare outputs on a 2^-12 grid, like the demo model; WASM and ZK exactly
      const profile = kind === 1 ? QUANTISED_PROFILE : EXACT_PROFILE;
      const r = await p.send(
        models.write.registerModel([kind, commitment, verifier, blob.uri, 49, 10, NO_RESOURCES, 0, profile], {
          account: creator,
        }),
      );
      const [e] = parseEventLogs({ abi: models.abi, logs: r.logs, eventName: "ModelRegistered" });
      if (!e) throw new Error("ModelRegistered missing");
      return e.args.modelId;
    };
    const onnxBytes = await readFile(join(ROOT, "worker/fixtures/tiny-mlp.onnx"));
    const onnxModel = await registerModel(1, 0xabcn, "0x0000000000000000000000000000000000000000", onnxBytes);
    const mockZkCommitment = 0x1234n;
    const mockZkModel = await registerModel(
      0,
      mockZkCommitment,
      p.verifier.address,
      new TextEncoder().encode("mock zk model"),
    );

    const submit: Harness["submit"] = async (args) => {
      let uri = args.inputUri;
      if (!args.noUpload) {
        const blob = await uploadBlob(store.url, args.input);
        uri ??= blob.uri;
      }
      const now = BigInt(await p.connection.networkHelpers.time.latest());
      const receipt = await p.send(
        market.write.submitTask(
          [
            {
              modelId: args.modelId,
              paymentToken: p.contracts.token.address,
              reward: args.reward ?? parseEther("10"),
              deadline: Number(now + BigInt(args.deadlineIn ?? 86_400)),
              execWindow: args.execWindow ?? 3600,
              mode: args.mode,
              redundancy: args.mode === 0 ? 1 : 3,
              minTier: 1,
              minResources: { ...NO_RESOURCES, ...args.minResources },
              inputCommitment: args.inputCommitment ?? BigInt(`0x${sha256Hex(args.input)}`),
              inputURI: uri ?? "",
            },
          ],
          { account: requester },
        ),
      );
      const [e] = parseEventLogs({ abi: market.abi, logs: receipt.logs, eventName: "TaskSubmitted" });
      if (!e) throw new Error("TaskSubmitted missing");
      await p.connection.networkHelpers.time.increaseTo(e.args.spec.priorityUntil);
      return { taskId: e.args.taskId, spec: e.args.spec };
    };

    const submitMockZk: Harness["submitMockZk"] = (label) => {
      const input = new TextEncoder().encode(label);
      return submit({ mode: 0, modelId: mockZkModel, input, inputCommitment: mockZkInputCommitment(input) });
    };

    // The test ZK model's verifier is the MockVerifier: the workers are told to trust its code.
    const mockVerifierCode = await p.publicClient.getCode({ address: p.verifier.address });
    if (!mockVerifierCode) throw new Error("MockVerifier has no code");
    const mockVerifierCodeHash = keccak256(mockVerifierCode);
    const config: Harness["config"] = (name, overrides = {}) =>
      parseWorkerConfig({
        trustedVerifierCodeHashes: [mockVerifierCodeHash],
        rpcUrl: url,
        chainId: Number(p.chainId),
        deploymentsDir,
        stateDir: join(dir, `state-${name}`),
        blobStoreUrl: store.url,
        maxBond: parseEther("1000").toString(),
        minReward: { [p.contracts.token.address]: parseEther("1").toString() },
        pollIntervalMs: 200,
        bandwidthMbps: 100,
        heartbeatIntervalMs: 0,
        shutdownGraceMs: 2_000,
        logLevel: "silent",
        // Tests written for TaskMarket run without the OPTIMISTIC roles (their RPC records and timings stay as they
        // were); worker/test/optimistic.test.ts switches them on.
        optimistic: { enabled: false },
        ...overrides,
      });

    const worker: Harness["worker"] = async (name, account, options = {}) => {
      const { config: overrides, ...rest } = options;
      const cfg = config(name, overrides);
      const w = await ProviderWorker.create({
        config: cfg,
        signer: signerFor(account),
        resources: WORKER_RESOURCES,
        gpuModel: "cpu",
        logger: createLogger({
          level: (process.env.EAI_TEST_LOG_LEVEL as "debug" | undefined) ?? "silent",
          name,
        }),
        backoff: { baseMs: 100, maxMs: 1_000 },
        ...rest,
      });
      workers.push(w);
      return w;
    };

    const taskStatus = async (taskId: bigint) => (await market.read.getTaskState([taskId])).status;
    const mine = async (seconds = 1) => {
      await p.connection.networkHelpers.time.increase(seconds);
    };

    return {
      p,
      rpcUrl: url,
      rpcPort: Number(new URL(url).port),
      blobs,
      dir,
      deploymentsDir,
      onnxModel,
      mockZkModel,
      mockZkCommitment,
      registerModel,
      submit,
      submitMockZk,
      config,
      worker,
      taskStatus,
      mine,
      stopWorkers: async () => {
        await Promise.allSettled(workers.splice(0).map((w) => w.stop(0)));
      },
      close: async () => {
        await Promise.allSettled(workers.map((w) => w.stop(0)));
        await store.close();
        await connection.close();
        killGroup(child);
        // stop(0) does not wait for a task step in flight, which may still write its worker's state folder while
        // this removes it (ENOTEMPTY): rm retries those.
        await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      },
    };
  } catch (err) {
    await blobs?.close();
    killGroup(child);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * A task history: `count` ZK tasks on the mock ZK model, `perBlock` to a block (automine and interval mining off
 * while building; automine back on after), whose deadlines lie an hour ahead, and then chain time moved 2 hours on:
 * every one of them has a TaskSubmitted log a catching-up worker reads, none can be taken, and all lie well within
 * the market's maximum task lifetime. Interval mining stays off afterwards (blocks are mined on demand).
 */
export async function buildExpiredHistory(h: Harness, count: number, perBlock = 100): Promise<void> {
  const { market, token } = h.p.contracts;
  const requester = h.p.wallets.requester.account;
  const rpc = (method: string, params: unknown[] = []) =>
    h.p.connection.provider.request({ method, params }) as Promise<unknown>;
  await rpc("evm_setIntervalMining", [0]);
  await rpc("evm_setAutomine", [false]);
  const before = await market.read.taskCount();
  try {
    let nonce = await h.p.publicClient.getTransactionCount({
      address: requester.address,
      blockTag: "pending",
    });
    for (let done = 0; done < count; done += perBlock) {
      const batch = Math.min(perBlock, count - done);
      // per block: the earliest deadline allowed is the block's time + priority window + execution window
      const deadline = Number((await h.p.publicClient.getBlock()).timestamp) + 30 + 3600 + 120;
      await Promise.all(
        Array.from({ length: batch }, (_, i) =>
          market.write.submitTask(
            [
              {
                modelId: h.mockZkModel,
                paymentToken: token.address,
                reward: 2_000_000_000_000_000n + BigInt(done + i),
                deadline,
                execWindow: 3600,
                mode: 0,
                redundancy: 1,
                minTier: 1,
                minResources: NO_RESOURCES,
                inputCommitment: 0x5678n,
                inputURI: "eai://blob/history",
              },
            ],
            { account: requester, gas: 500_000n, nonce: nonce++ },
          ),
        ),
      );
      await rpc("evm_mine");
    }
  } finally {
    await rpc("evm_setAutomine", [true]);
  }
  await h.mine(2 * 3600);
  const built = (await market.read.taskCount()) - before;
  if (built !== BigInt(count)) throw new Error(`history: ${built} of ${count} tasks were submitted`);
}

/** One task's ProofAccepted or TaskClaimed events since genesis. */
export function marketEvents(h: Harness, eventName: "ProofAccepted" | "TaskClaimed", taskId: bigint) {
  const { market } = h.p.contracts;
  return h.p.publicClient.getContractEvents({
    address: market.address,
    abi: market.abi,
    eventName,
    args: { taskId },
    fromBlock: 0n,
  });
}

/** Sum of a prom-client metric's values whose labels include `labels`. */
export async function counterValue(
  metric: { get(): Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> },
  labels: Record<string, string> = {},
): Promise<number> {
  const m = await metric.get();
  return m.values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((a, v) => a + v.value, 0);
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
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
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type { Hex };
