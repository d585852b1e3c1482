/**
 * eai-worker: the EAI provider node's command line.
 *
 *   eai-worker start      [--config FILE]             run the worker until SIGINT / SIGTERM
 *   eai-worker status     [--config FILE] [--json]    provider profile, stake, reputation, credits, local tasks
 *   eai-worker register   [--config FILE]             detect hardware, benchmark, register or update the profile
 *   eai-worker stake      AMOUNT [--config FILE]      stake AMOUNT EAI (decimal, e.g. 1000 or 0.5)
 *   eai-worker unstake    AMOUNT [--config FILE]      request unstaking AMOUNT EAI (unbonding period applies)
 *   eai-worker unstake    --withdraw                  withdraw stake whose unbonding has matured
 *
 * Configuration: docs/WORKER.md (file via --config or EAI_WORKER_CONFIG, EAI_WORKER_* overrides). The key comes
 * from keystorePath + EAI_WORKER_KEYSTORE_PASSWORD[_FILE] or EAI_WORKER_PRIVATE_KEY.
 */
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { eaiTokenAbi, providerRegistryAbi, stakingVaultAbi } from "@eai/sdk/abis";
import { formatEther, parseEther, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  ConfigError,
  HealthChecks,
  KeystoreError,
  OnnxExecutor,
  ProverPool,
  StateStore,
  WasmExecutor,
  createLogger,
  createMetrics,
  loadSigner,
  loadWorkerConfig,
  encryptKeystore,
  startMetricsServer,
  type Executor,
  type WorkerConfig,
} from "../src/index.ts";
import { ChainSetupError, connectChain } from "../src/chain/client.ts";
import { ensureProfile } from "../src/chain/registration.ts";
import { TxRevertedError, TxSubmitter } from "../src/chain/submitter.ts";
import { describeError } from "../src/chain/errors.ts";
import { ZkMlpExecutor } from "../src/executors/zk-mlp.ts";
import { loadOrCreateX25519Keys } from "../src/keys.ts";
import { benchmarkResources } from "../src/startup.ts";
import { ProviderWorker } from "../src/worker.ts";
import { LogRing } from "../src/control/logring.ts";
import { describeProvider, eai, providerSummary } from "@eai/sdk/farm";
import { startControlServer } from "../src/control/server.ts";

const HELP = `eai-worker — EAI provider node

Usage:
  eai-worker start    [--config FILE]          run the worker (SIGINT/SIGTERM: graceful shutdown)
  eai-worker status   [--config FILE] [--json] profile, stake, reputation, credits and local tasks
  eai-worker register [--config FILE]          detect hardware, benchmark, register or update the profile
  eai-worker stake    AMOUNT [--config FILE]   stake AMOUNT EAI (decimal: 1000, 0.5)
  eai-worker unstake  AMOUNT [--config FILE]   request unstaking AMOUNT EAI (unbonding period applies)
  eai-worker unstake  --withdraw               withdraw matured unbonded stake
  eai-worker keystore new|import --out FILE    write a v3 keystore: a fresh key, or EAI_WORKER_PRIVATE_KEY
                                               (password from EAI_WORKER_KEYSTORE_PASSWORD[_FILE])

Options:
  -c, --config FILE   worker config (JSON); default $EAI_WORKER_CONFIG; EAI_WORKER_* variables override fields
      --json          machine-readable output (status)
      --withdraw      (unstake) withdraw instead of requesting
  -h, --help          this help

Key: keystorePath in the config + EAI_WORKER_KEYSTORE_PASSWORD[_FILE], or EAI_WORKER_PRIVATE_KEY.
Docs: docs/WORKER.md`;

class UsageError extends Error {}

function amountArg(value: string | undefined, what: string): bigint {
  if (value === undefined) throw new UsageError(`${what}: expected an amount of EAI (e.g. 1000 or 0.5)`);
  if (!/^\d+(\.\d{1,18})?$/.test(value))
    throw new UsageError(`${what}: expected a decimal amount of EAI, got "${value}"`);
  const wei = parseEther(value);
  if (wei === 0n) throw new UsageError(`${what}: amount must be above zero`);
  return wei;
}

async function setup(configFile: string | undefined) {
  const config = await loadWorkerConfig({ file: configFile });
  const signer = await loadSigner(config.keystorePath);
  const logger = createLogger({ level: config.logLevel, name: "eai-worker" });
  return { config, signer, logger };
}

async function createExecutors(
  config: WorkerConfig,
  gpuAvailable: boolean,
  logger: ReturnType<typeof createLogger>,
) {
  const executors: { onnx?: Executor; wasm?: Executor } = {};
  let pool: ProverPool | undefined;
  let zk: ZkMlpExecutor | undefined;
  const { limits } = config;
  if (config.executors.includes("onnx"))
    executors.onnx = await OnnxExecutor.create({
      gpuAvailable,
      logger,
      memoryMiB: limits.onnxMemoryMiB,
      timeoutMs: limits.onnxTimeoutMs,
      cpuMs: limits.onnxCpuMs,
      maxSessions: limits.onnxProcesses,
      maxModelBytes: limits.maxModelBytes,
      maxInputBytes: limits.maxInputBytes,
    });
  if (config.executors.includes("wasm"))
    executors.wasm = new WasmExecutor({
      memoryMiB: limits.wasmMemoryMiB,
      timeoutMs: limits.wasmTimeoutMs,
      cpuMs: limits.wasmCpuMs,
      maxInputBytes: limits.maxInputBytes,
      logger,
    });
  if (config.executors.includes("zk-mlp")) {
    pool = new ProverPool({
      size: config.prover.processes,
      jobTimeoutMs: config.prover.jobTimeoutMs,
      logger,
    });
    zk = new ZkMlpExecutor({ pool });
  }
  return {
    executors,
    zk,
    close: async () => {
      await Promise.allSettled([executors.onnx?.close(), executors.wasm?.close(), pool?.close()]);
    },
  };
}

/** This worker's version (its package.json), reported by the control API and `eai_worker_info`. */
async function workerVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

async function createProviderWorker(
  config: WorkerConfig,
  signer: Awaited<ReturnType<typeof loadSigner>>,
  logger: ReturnType<typeof createLogger>,
  metrics: ReturnType<typeof createMetrics>,
) {
  const hw = await benchmarkResources(config, logger);
  const ex = await createExecutors(config, hw.hardware.gpus.length > 0, logger);
  try {
    const worker = await ProviderWorker.create({
      config,
      signer,
      logger,
      metrics,
      executors: ex.executors,
      zkExecutor: ex.zk,
      resources: hw.resources,
      gpuModel: hw.gpuModel,
    });
    return { worker, ex };
  } catch (err) {
    await ex.close();
    throw err;
  }
}

/** Runs the worker until a signal (exit 0) or an upgrade (exit 75, UPGRADE_EXIT_CODE); returns the exit code. */
async function start(configFile: string | undefined): Promise<number> {
  const file = configFile ?? process.env.EAI_WORKER_CONFIG;
  let config = await loadWorkerConfig({ file });
  const signer = await loadSigner(config.keystorePath);
  const ring = config.control.enabled ? new LogRing(config.control.logLines) : undefined;
  const logger = createLogger({ level: config.logLevel, name: "eai-worker", copyTo: ring });
  const metrics = createMetrics();
  const version = await workerVersion();
  metrics.info.set({ version }, 1);
  let { worker, ex } = await createProviderWorker(config, signer, logger, metrics);
  const health = new HealthChecks();
  health.register("chain", async () => {
    const block = await worker.ctx.publicClient.getBlockNumber({ cacheTime: 0 });
    return { ok: true, detail: `block ${block}` };
  });
  health.register("shutdown", () => ({
    ok: !worker.status().stopping,
    detail: worker.status().stopping ? "stopping" : "running",
  }));
  const server = await startMetricsServer({
    metrics,
    health,
    host: config.metrics.host,
    port: config.metrics.port,
    logger,
  });
  worker.start();

  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });
  let restarts = 0;
  let restarting: Promise<void> | undefined;
  let exiting = false;
  const restart = (reason: string, exitCode?: number) => {
    if (restarting || exiting) return;
    restarting = (async () => {
      // Let the command's answer go out first.
      await new Promise((r) => setTimeout(r, 100));
      logger.info(
        { reason, exitCode },
        exitCode === undefined ? "restarting" : "stopping for the supervisor",
      );
      const { claimsPaused, draining } = worker.status();
      await worker.stop().catch((err: unknown) => logger.error({ err: describeError(err) }, "stop error"));
      await ex.close();
      if (exitCode !== undefined) {
        exiting = true;
        finish(exitCode);
        return;
      }
      try {
        config = await loadWorkerConfig({ file });
        logger.level = config.logLevel;
        ({ worker, ex } = await createProviderWorker(config, signer, logger, metrics));
        if (claimsPaused) worker.pauseClaims();
        if (draining) worker.drain();
        worker.start();
        restarts += 1;
        logger.info({ restarts }, "worker restarted");
      } catch (err) {
        logger.fatal({ err: describeError(err) }, "restart failed; exiting");
        exiting = true;
        finish(1);
      }
    })().finally(() => {
      restarting = undefined;
    });
  };
  const control = config.control.enabled
    ? await startControlServer({
        host: {
          status: () => worker.status(),
          pauseClaims: () => worker.pauseClaims(),
          resumeClaims: () => worker.resumeClaims(),
          drain: () => worker.drain(),
          restart,
          restarts: () => restarts,
          pendingRestart: () => restarting !== undefined,
          configFile: file === undefined ? undefined : resolve(file),
          version,
        },
        control: config.control,
        chainId: config.chainId,
        domain: { chainId: config.chainId, providerRegistry: worker.ctx.addresses.ProviderRegistry },
        owner: worker.ctx.provider,
        worker: worker.ctx.signer,
        stateDir: config.stateDir,
        ring: ring ?? new LogRing(1),
        metrics,
        logger,
      })
    : undefined;

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now; in-flight tasks resume on the next start");
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, "shutting down");
    void (async () => {
      await restarting;
      if (exiting) return;
      exiting = true;
      await worker
        .stop()
        .catch((err: unknown) => logger.error({ err: describeError(err) }, "shutdown error"));
      await ex.close();
      finish(0);
    })();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const code = await done;
  await control?.close();
  await server.close();
  return code;
}

async function status(configFile: string | undefined, json: boolean): Promise<void> {
  const { config, signer } = await setup(configFile);
  const ctx = await connectChain(config, signer);
  const { publicClient: pc, addresses: a, provider } = ctx;
  // registration, stake, standing and credit come from the summary (one set of reads for the words and the JSON)
  const [summary, unbonding, state] = await Promise.all([
    providerSummary(pc, a, provider, { fromBlock: ctx.startBlock }),
    pc.readContract({
      address: a.StakingVault,
      abi: stakingVaultAbi,
      functionName: "unbondingOf",
      args: [provider],
    }),
    StateStore.open(config.stateDir).then((s) => s.get()),
  ]);
  const { registered, stake, free, credit } = summary;
  const balance = await pc.readContract({
    address: a.EAIToken,
    abi: eaiTokenAbi,
    functionName: "balanceOf",
    args: [provider],
  });
  const info = registered
    ? await pc.readContract({
        address: a.ProviderRegistry,
        abi: providerRegistryAbi,
        functionName: "getProvider",
        args: [provider],
      })
    : undefined;
  const out = {
    chainId: config.chainId,
    provider,
    signer: ctx.signer,
    operatorMode: ctx.operatorMode,
    registered,
    active: info?.active ?? false,
    gpuModel: info?.gpuModel,
    resources: info?.resources,
    lastHeartbeat: info ? Number(info.lastHeartbeat) : undefined,
    tier: summary.tier,
    eligible: summary.eligible,
    stakeEAI: formatEther(stake),
    freeStakeEAI: formatEther(free),
    unbondingEAI: formatEther(unbonding[0]),
    unbondingReleaseAt: Number(unbonding[1]),
    balanceEAI: formatEther(balance),
    creditEAI: formatEther(credit),
    lastProcessedBlock: state.lastProcessedBlock.toString(),
    tasks: Object.values(state.tasks).map((t) => ({
      taskId: t.taskId,
      phase: t.phase,
      updatedAt: new Date(t.updatedAt).toISOString(),
    })),
  };
  if (json) {
    console.log(
      JSON.stringify(
        { ...out, summary: { ...summary, words: describeProvider(summary) } },
        (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v),
        2,
      ),
    );
    return;
  }
  for (const line of describeProvider(summary)) console.log(line);
  console.log(
    ctx.operatorMode
      ? `This worker signs as operator ${ctx.signer} for that provider; its gas balance pays the transactions.`
      : `This worker signs with the provider's own key.`,
  );
  console.log(
    `Wallet: ${eai(balance)}. Chain ${config.chainId}; events processed up to block ${out.lastProcessedBlock}.`,
  );
  console.log(out.tasks.length === 0 ? "Tasks in flight: none." : "Tasks in flight:");
  for (const t of out.tasks)
    console.log(`  #${t.taskId.padEnd(8)} ${t.phase.padEnd(10)} since ${t.updatedAt}`);
}

async function withSubmitter(configFile: string | undefined) {
  const { config, signer, logger } = await setup(configFile);
  const ctx = await connectChain(config, signer);
  const submitter = new TxSubmitter(ctx, { gasHeadroomPercent: config.gasHeadroomPercent, logger });
  return { config, ctx, submitter, logger };
}

async function register(configFile: string | undefined): Promise<void> {
  const { config, ctx, submitter, logger } = await withSubmitter(configFile);
  if (ctx.operatorMode)
    throw new UsageError("register: in operator mode the owner registers its own profile");
  const keys = await loadOrCreateX25519Keys(config.stateDir);
  const hw = await benchmarkResources(config, logger);
  const action = await ensureProfile(
    ctx,
    submitter,
    {
      resources: hw.resources,
      gpuModel: hw.gpuModel,
      x25519PublicKey: keys.publicKey,
      metadataURI: config.metadataURI,
    },
    logger,
  );
  console.log(`provider ${ctx.provider}: ${action}`);
}

async function stake(configFile: string | undefined, amount: bigint): Promise<void> {
  const { ctx, submitter } = await withSubmitter(configFile);
  if (ctx.operatorMode) throw new UsageError("stake: in operator mode the owner stakes");
  const { publicClient: pc, addresses: a, provider } = ctx;
  const balance = await pc.readContract({
    address: a.EAIToken,
    abi: eaiTokenAbi,
    functionName: "balanceOf",
    args: [provider],
  });
  if (balance < amount)
    throw new UsageError(
      `stake: ${provider} holds ${formatEther(balance)} EAI, less than ${formatEther(amount)}`,
    );
  const allowance = await pc.readContract({
    address: a.EAIToken,
    abi: eaiTokenAbi,
    functionName: "allowance",
    args: [provider, a.StakingVault],
  });
  if (allowance < amount)
    await submitter.send({
      label: "approve",
      address: a.EAIToken,
      abi: eaiTokenAbi,
      functionName: "approve",
      args: [a.StakingVault, amount],
    });
  await submitter.send({
    label: "stake",
    address: a.StakingVault,
    abi: stakingVaultAbi,
    functionName: "stake",
    args: [amount],
  });
  const now = await pc.readContract({
    address: a.StakingVault,
    abi: stakingVaultAbi,
    functionName: "stakeOf",
    args: [provider],
  });
  console.log(`staked ${formatEther(amount)} EAI; stake is now ${formatEther(now)} EAI`);
}

async function unstake(configFile: string | undefined, amount: bigint | undefined): Promise<void> {
  const { ctx, submitter } = await withSubmitter(configFile);
  if (ctx.operatorMode) throw new UsageError("unstake: in operator mode the owner manages its stake");
  const vault = { address: ctx.addresses.StakingVault, abi: stakingVaultAbi } as const;
  if (amount === undefined) {
    await submitter.send({ label: "withdraw", ...vault, functionName: "withdraw", args: [] });
    console.log("withdrew matured unbonded stake");
    return;
  }
  await submitter.send({ label: "requestUnstake", ...vault, functionName: "requestUnstake", args: [amount] });
  const [unbonding, releaseAt] = await ctx.publicClient.readContract({
    ...vault,
    functionName: "unbondingOf",
    args: [ctx.provider],
  });
  console.log(
    `unbonding ${formatEther(unbonding)} EAI until ${new Date(Number(releaseAt) * 1000).toISOString()}`,
  );
}

/**
 * `keystore new|import --out FILE`: writes a v3 keystore (scrypt, as geth) of a fresh random key or of
 * EAI_WORKER_PRIVATE_KEY, encrypted with EAI_WORKER_KEYSTORE_PASSWORD[_FILE]; prints the address only.
 */
async function keystore(action: string | undefined, out: string | undefined): Promise<void> {
  if (action !== "new" && action !== "import") throw new UsageError("keystore: expected new or import");
  if (out === undefined) throw new UsageError("keystore: --out FILE is required");
  let password = process.env.EAI_WORKER_KEYSTORE_PASSWORD;
  const passwordFile = process.env.EAI_WORKER_KEYSTORE_PASSWORD_FILE;
  if (password === undefined && passwordFile !== undefined)
    password = (await readFile(passwordFile, "utf8")).replace(/\r?\n$/, "");
  if (password === undefined || password.length < 8)
    throw new UsageError(
      "keystore: EAI_WORKER_KEYSTORE_PASSWORD[_FILE] must give a password of 8 characters or more",
    );
  let key: Hex;
  if (action === "import") {
    const fromEnv = process.env.EAI_WORKER_PRIVATE_KEY?.trim();
    if (fromEnv === undefined || !/^0x[0-9a-fA-F]{64}$/.test(fromEnv))
      throw new UsageError("keystore import: EAI_WORKER_PRIVATE_KEY must hold 0x + 64 hex digits");
    key = fromEnv as Hex;
  } else key = generatePrivateKey();
  const file = await encryptKeystore(key, password);
  await writeFile(out, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: "wx" }).catch(
    (err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === "EEXIST")
        throw new UsageError(`keystore: ${out} exists; not overwritten`);
      throw err;
    },
  );
  console.log(`keystore written to ${out}; address ${privateKeyToAccount(key).address}`);
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: "string", short: "c" },
        json: { type: "boolean" },
        withdraw: { type: "boolean" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    console.error(`eai-worker: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === "help") {
    console.log(HELP);
    return command === undefined && !values.help ? 2 : 0;
  }
  try {
    switch (command) {
      case "start":
        return await start(values.config);
      case "status":
        await status(values.config, values.json ?? false);
        return 0;
      case "register":
        await register(values.config);
        return 0;
      case "keystore":
        await keystore(rest[0], values.out);
        return 0;
      case "stake":
        await stake(values.config, amountArg(rest[0], "stake AMOUNT"));
        return 0;
      case "unstake":
        await unstake(values.config, values.withdraw ? undefined : amountArg(rest[0], "unstake AMOUNT"));
        return 0;
      default:
        console.error(`eai-worker: unknown command "${command}"\n\n${HELP}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`eai-worker: ${err.message}`);
      return 2;
    }
    if (
      err instanceof ConfigError ||
      err instanceof KeystoreError ||
      err instanceof ChainSetupError ||
      err instanceof TxRevertedError
    ) {
      console.error(`eai-worker: ${err.message}`);
      return 1;
    }
    console.error(`eai-worker: ${describeError(err)}`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("eai-worker.js")) {
  process.exit(await main(process.argv.slice(2)));
}
