import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadWorkerConfig, parseWorkerConfig, storageConfigOf } from "./config.ts";

const TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const base = {
  rpcUrl: "http://127.0.0.1:8545",
  chainId: 31337,
  deploymentsDir: "deploy/deployments",
  stateDir: ".state/worker-1",
  blobStoreUrl: "http://127.0.0.1:7070",
  maxBond: "1000000000000000000",
  minReward: { [TOKEN]: "5000" },
  bandwidthMbps: 1000,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eai-config-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("worker config", () => {
  it("fills defaults and resolves paths against the config folder", () => {
    const cfg = parseWorkerConfig(base, {}, "/etc/eai");
    expect(cfg.stateDir).toBe("/etc/eai/.state/worker-1");
    expect(cfg.deploymentsDir).toBe("/etc/eai/deploy/deployments");
    expect(cfg.maxBond).toBe(10n ** 18n);
    expect(cfg.minReward[TOKEN]).toBe(5000n);
    expect(cfg.executors).toEqual(["zk-mlp", "onnx", "wasm"]);
    expect(cfg.metrics).toEqual({ host: "127.0.0.1", port: 9464 });
    expect(cfg.gasHeadroomPercent).toBe(20);
    expect(cfg.region).toBe(0);
    expect(cfg.pollIntervalMs).toBe(2000);
    expect(cfg.zkSettlement).toBe("hybrid");
    expect(cfg.directStaggerMs).toBe(2500);
    expect(cfg.directMaxRank).toBe(8);
    expect(cfg.directLivenessSec).toBe(1800);
  });

  it("takes the ZK settlement mode from the file or EAI_WORKER_ZK_SETTLEMENT and rejects others", () => {
    expect(parseWorkerConfig({ ...base, zkSettlement: "claim" }, {}, "/x").zkSettlement).toBe("claim");
    expect(parseWorkerConfig({ ...base, zkSettlement: "direct" }, {}, "/x").zkSettlement).toBe("direct");
    expect(parseWorkerConfig(base, { EAI_WORKER_ZK_SETTLEMENT: "hybrid" }, "/x").zkSettlement).toBe("hybrid");
    const env = { EAI_WORKER_ZK_SETTLEMENT: "claim", EAI_WORKER_DIRECT_STAGGER_MS: "0" };
    const cfg = parseWorkerConfig(base, env, "/x");
    expect(cfg.zkSettlement).toBe("claim");
    expect(cfg.directStaggerMs).toBe(0);
    expect(() => parseWorkerConfig(base, { EAI_WORKER_ZK_SETTLEMENT: "fast" }, "/x")).toThrow(
      /zkSettlement \(from EAI_WORKER_ZK_SETTLEMENT\): expected "hybrid", "direct" or "claim"/,
    );
    expect(() => parseWorkerConfig({ ...base, directMaxRank: 0 }, {}, "/x")).toThrow(/directMaxRank/);
  });

  it("has the protocol-economics settings with defaults, env overrides and bounds", () => {
    const d = parseWorkerConfig(base, {}, "/x");
    expect([d.reportTaskFaults, d.leaveUnfilled, d.maxVotesPerTask, d.prepareLeadSec]).toEqual([
      true,
      true,
      15,
      5,
    ]);
    expect(d.trustedVerifierCodeHashes).toEqual([]);
    const hash = `0x${"ab".repeat(32)}`;
    const env = {
      EAI_WORKER_REPORT_TASK_FAULTS: "false",
      EAI_WORKER_LEAVE_UNFILLED: "0",
      EAI_WORKER_MAX_VOTES_PER_TASK: "1",
      EAI_WORKER_PREPARE_LEAD_SEC: "0",
      EAI_WORKER_TRUSTED_VERIFIER_CODE_HASHES: `${hash}, ${hash.replace("ab", "cd")}`,
    };
    const cfg = parseWorkerConfig(base, env, "/x");
    expect([cfg.reportTaskFaults, cfg.leaveUnfilled, cfg.maxVotesPerTask, cfg.prepareLeadSec]).toEqual([
      false,
      false,
      1,
      0,
    ]);
    expect(cfg.trustedVerifierCodeHashes).toEqual([hash, hash.replace("ab", "cd")]);
    expect(() => parseWorkerConfig(base, { EAI_WORKER_REPORT_TASK_FAULTS: "yes" }, "/x")).toThrow(
      /reportTaskFaults \(from EAI_WORKER_REPORT_TASK_FAULTS\): expected true or false/,
    );
    expect(() => parseWorkerConfig({ ...base, maxVotesPerTask: 16 }, {}, "/x")).toThrow(/maxVotesPerTask/);
    expect(() => parseWorkerConfig({ ...base, maxVotesPerTask: 0 }, {}, "/x")).toThrow(/maxVotesPerTask/);
    expect(() => parseWorkerConfig({ ...base, trustedVerifierCodeHashes: ["0x12"] }, {}, "/x")).toThrow(
      /trustedVerifierCodeHashes.*32-byte code hash/,
    );
  });

  it("has executor limits with defaults, env overrides and bounds", () => {
    expect(parseWorkerConfig(base, {}, "/x").limits).toEqual({
      maxInputBytes: 16 * 1024 * 1024,
      wasmMemoryMiB: 256,
      wasmTimeoutMs: 10_000,
      maxModelBytes: 256 * 1024 * 1024,
      onnxMemoryMiB: 2048,
      onnxTimeoutMs: 60_000,
      onnxProcesses: 4,
      executionAttempts: 3,
    });
    const partial = parseWorkerConfig({ ...base, limits: { maxInputBytes: 1024 } }, {}, "/x").limits;
    expect(partial).toMatchObject({ maxInputBytes: 1024, onnxTimeoutMs: 60_000, executionAttempts: 3 });
    const env = {
      EAI_WORKER_ONNX_MEMORY_MIB: "512",
      EAI_WORKER_ONNX_TIMEOUT_MS: "5000",
      EAI_WORKER_ONNX_CPU_MS: "9000",
      EAI_WORKER_ONNX_PROCESSES: "2",
      EAI_WORKER_WASM_CPU_MS: "700",
      EAI_WORKER_EXECUTION_ATTEMPTS: "1",
    };
    expect(parseWorkerConfig(base, env, "/x").limits).toMatchObject({
      onnxMemoryMiB: 512,
      onnxTimeoutMs: 5000,
      onnxCpuMs: 9000,
      onnxProcesses: 2,
      wasmCpuMs: 700,
      executionAttempts: 1,
    });
    expect(() => parseWorkerConfig(base, { EAI_WORKER_EXECUTION_ATTEMPTS: "0" }, "/x")).toThrow(
      /limits.executionAttempts \(from EAI_WORKER_EXECUTION_ATTEMPTS\): expected an integer between 1 and 10, got 0/,
    );
    expect(() => parseWorkerConfig({ ...base, limits: { onnxMemoryMiB: 16 } }, {}, "/x")).toThrow(
      /limits.onnxMemoryMiB: expected MiB between 64 and 1048576/,
    );
  });

  it("names the field, the expectation and the value", () => {
    expect(() => parseWorkerConfig({ ...base, rpcUrl: "foo" })).toThrow(
      'rpcUrl: expected an http(s) URL, got "foo"',
    );
    expect(() => parseWorkerConfig({ ...base, chainId: -1 })).toThrow(
      "chainId: expected a positive integer chain id, got -1",
    );
    expect(() => parseWorkerConfig({ ...base, executors: ["onnx", "cuda"] })).toThrow(
      'executors.1: expected one of zk-mlp, onnx, wasm, got "cuda"',
    );
    expect(() => parseWorkerConfig({ ...base, maxBond: "1e18" })).toThrow(
      /maxBond: expected a non-negative integer amount/,
    );
    expect(() => parseWorkerConfig({ ...base, minReward: { "0x12": "1" } })).toThrow(
      /minReward.0x12: expected a 0x-prefixed 20-byte hex address/,
    );
    expect(() => parseWorkerConfig({ ...base, metrics: { host: "0.0.0.0" } })).toThrow(
      /metrics.host: expected a loopback address/,
    );
    expect(() => parseWorkerConfig({ ...base, rpcUrll: "x" })).toThrow(/Unrecognized key: "rpcUrll"/);
    const { deploymentsDir: _omit, ...noAddresses } = base;
    expect(() => parseWorkerConfig(noAddresses)).toThrow(
      /deploymentsDir: expected deploymentsDir .* or contracts/,
    );
  });

  it("reports every bad field at once", () => {
    const err = (() => {
      try {
        parseWorkerConfig({ ...base, rpcUrl: 1, gasHeadroomPercent: 900 });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error("expected an error");
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain("rpcUrl: expected an http(s) URL, got 1");
    expect(err.message).toContain(
      "gasHeadroomPercent: expected an integer percentage between 0 and 500, got 900",
    );
  });

  it("accepts explicit contract addresses instead of a deployments folder", () => {
    const { deploymentsDir: _omit, ...rest } = base;
    const contracts = {
      TaskMarket: TOKEN,
      ProviderRegistry: TOKEN,
      StakingVault: TOKEN,
      ModelRegistry: TOKEN,
      EAIToken: TOKEN,
      Reputation: TOKEN,
    };
    expect(parseWorkerConfig({ ...rest, contracts }).contracts?.TaskMarket).toBe(TOKEN);
  });

  it("has an optimistic section: per-role switches, defaults, env overrides, paired contract addresses", () => {
    const cfg = parseWorkerConfig(base);
    expect(cfg.optimistic).toEqual({
      provider: true,
      auditor: true,
      juror: true,
      challenger: false,
      drawAudit: true,
      maxConcurrentTasks: 4,
      maxVotesPerDispute: 15,
      prepareLeadSec: 5,
      recheckSec: 30,
      withdrawIntervalMs: 600_000,
    });
    expect(cfg.optimistic.enabled).toBeUndefined(); // decided by whether the deployment has an OptimisticMarket
    const env = parseWorkerConfig(base, { EAI_WORKER_OPTIMISTIC: "false", EAI_WORKER_OPTIMISTIC_JUROR: "0" });
    expect(env.optimistic.enabled).toBe(false);
    expect(env.optimistic.juror).toBe(false);
    expect(() => parseWorkerConfig({ ...base, optimistic: { auditors: true } })).toThrow(/optimistic/);
    expect(() => parseWorkerConfig({ ...base, optimistic: { withdrawIntervalMs: 5 } })).toThrow(
      /optimistic\.withdrawIntervalMs/,
    );
    const { deploymentsDir: _omit, ...rest } = base;
    const contracts = {
      TaskMarket: TOKEN,
      ProviderRegistry: TOKEN,
      StakingVault: TOKEN,
      ModelRegistry: TOKEN,
      EAIToken: TOKEN,
      Reputation: TOKEN,
    };
    const both = parseWorkerConfig({
      ...rest,
      contracts: { ...contracts, OptimisticMarket: TOKEN, DisputeManager: TOKEN },
    });
    expect(both.contracts?.DisputeManager).toBe(TOKEN);
    expect(() =>
      parseWorkerConfig({ ...rest, contracts: { ...contracts, OptimisticMarket: TOKEN } }),
    ).toThrow(/contracts\.DisputeManager.*both OptimisticMarket and DisputeManager/);
  });

  it("applies EAI_WORKER_* overrides and names the variable in errors", () => {
    const cfg = parseWorkerConfig(base, {
      EAI_WORKER_RPC_URL: "https://rpc.example",
      EAI_WORKER_METRICS_PORT: "9100",
      EAI_WORKER_EXECUTORS: "onnx, wasm",
      EAI_WORKER_MIN_REWARD: `${TOKEN}=7`,
      EAI_WORKER_OPERATOR_OWNER: TOKEN,
      EAI_WORKER_PRIVATE_KEY: "0xnot-a-config-field",
      PATH: "/usr/bin",
    });
    expect(cfg.rpcUrl).toBe("https://rpc.example");
    expect(cfg.metrics.port).toBe(9100);
    expect(cfg.executors).toEqual(["onnx", "wasm"]);
    expect(cfg.minReward[TOKEN]).toBe(7n);
    expect(cfg.operator?.owner).toBe(TOKEN);
    expect(() => parseWorkerConfig(base, { EAI_WORKER_RPC_URL: "foo" })).toThrow(
      'rpcUrl (from EAI_WORKER_RPC_URL): expected an http(s) URL, got "foo"',
    );
    expect(() => parseWorkerConfig(base, { EAI_WORKER_CHAIN_ID: "abc" })).toThrow(
      /chainId \(from EAI_WORKER_CHAIN_ID\): expected a positive integer chain id, got "abc"/,
    );
    expect(() => parseWorkerConfig(base, { EAI_WORKER_RPCURL: "x" })).toThrow(
      /unknown environment variable\(s\) EAI_WORKER_RPCURL/,
    );
  });

  it("loads a file named by EAI_WORKER_CONFIG and explains unreadable or invalid files", async () => {
    const file = join(dir, "worker.json");
    await writeFile(file, JSON.stringify(base));
    const cfg = await loadWorkerConfig({ env: { EAI_WORKER_CONFIG: file } });
    expect(cfg.stateDir).toBe(join(dir, ".state/worker-1"));
    await expect(loadWorkerConfig({ file: join(dir, "missing.json"), env: {} })).rejects.toThrow(
      /cannot read worker config .*missing.json: ENOENT/,
    );
    await writeFile(join(dir, "bad.json"), "{ nope");
    await expect(loadWorkerConfig({ file: join(dir, "bad.json"), env: {} })).rejects.toThrow(
      /is not valid JSON/,
    );
  });

  it("selects the storage backend: http by default, helia or kubo with their fields", () => {
    const http = parseWorkerConfig(base, {}, "/etc/eai");
    expect(storageConfigOf(http)).toEqual({ backend: "http", url: base.blobStoreUrl, timeoutMs: undefined });
    const { blobStoreUrl: _unused, ...noStore } = base;
    expect(() => parseWorkerConfig(noStore)).toThrow(
      /blobStoreUrl: expected an http\(s\) URL \(required with storage.backend "http"/,
    );
    const peer = "/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWGWmwB2QiqYDoayP2cAYhbZoajeXF16afadnBPE4FYKWb";
    const helia = parseWorkerConfig(
      noStore,
      {
        EAI_WORKER_STORAGE_BACKEND: "helia",
        EAI_WORKER_IPFS_PEERS: `${peer}, ${peer}`,
        EAI_WORKER_STORAGE_TIMEOUT_MS: "5000",
      },
      "/etc/eai",
    );
    expect(storageConfigOf(helia)).toEqual({
      backend: "helia",
      dir: "/etc/eai/.state/worker-1/ipfs",
      listen: ["/ip4/127.0.0.1/tcp/0"],
      peers: [peer, peer],
      maxBlockBytes: 16 * 1024 * 1024,
      timeoutMs: 5000,
    });
    expect(() => parseWorkerConfig(noStore, { EAI_WORKER_STORAGE_BACKEND: "kubo" })).toThrow(
      /storage.ipfs.apiUrl: expected the kubo RPC API URL/,
    );
    const kubo = parseWorkerConfig(noStore, {
      EAI_WORKER_STORAGE_BACKEND: "kubo",
      EAI_WORKER_IPFS_API_URL: "http://127.0.0.1:5001",
    });
    expect(storageConfigOf(kubo)).toEqual({
      backend: "kubo",
      apiUrl: "http://127.0.0.1:5001",
      timeoutMs: undefined,
    });
    expect(() => parseWorkerConfig(base, { EAI_WORKER_STORAGE_BACKEND: "ipfs" })).toThrow(
      /storage.backend \(from EAI_WORKER_STORAGE_BACKEND\): expected one of http, helia, kubo/,
    );
    expect(() => parseWorkerConfig(base, { EAI_WORKER_IPFS_PEERS: "/ip4/1.2.3.4/tcp/1" })).toThrow(
      /storage.ipfs.peers.0 \(from EAI_WORKER_IPFS_PEERS\): expected \/ip4\/<address>\/tcp\/<port>\/p2p\/<peer id>/,
    );
  });
});
