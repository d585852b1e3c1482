/**
 * Deploys the whole protocol through the Ignition module (the same one the tests use) and writes
 * deploy/deployments/<chainId>.json with every contract's address and start block.
 *
 *   npx hardhat run deploy/run.ts --network localhost     (or: npm run deploy)
 *
 * Environment: EAI_GUARDIAN, EAI_INITIAL_HOLDER, EAI_MNIST_CREATOR (addresses), EAI_DEPLOYMENTS_DIR (output folder).
 *
 * Defaults (docs/OPERATIONS.md, "Deployment parameters"): on a real chain the timelock is the guardian, holds the
 * initial supply and receives model 1's creator fee, so the deployer ends with no role, no token and no fee. On the
 * local chain (31337) the deployer is all three, so that `npm start` and the tests can fund accounts and pause —
 * convenient, never safe; `devDefaults: false` deploys the production defaults there too.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatEther, parseEther, type Address, type PublicClient } from "viem";
import type { NetworkConnection } from "hardhat/types/network";

import EAIProtocol, {
  DEFAULT_REWARD_PARAMS,
  DEFAULT_MARKET,
  DEFAULT_SETTLEMENT,
  TimelockModule,
} from "./ignition/modules/EAIProtocol.ts";
import { PROTOCOL_CONTRACTS, parseDeployment, type Deployment } from "../sdk/src/deployments.ts";
import { DEFAULT_DISPUTE_PARAMS, DEFAULT_OPTIMISTIC_PARAMS } from "./optimistic-params.ts";

export const DEPLOYMENTS_DIR = join(dirname(fileURLToPath(import.meta.url)), "deployments");

export interface DeployOptions {
  /** Ignition parameters of the EAIProtocol module. */
  parameters?: Record<string, string | number | bigint | boolean | Record<string, number | bigint>>;
  /** Folder for <chainId>.json; `null` writes nothing. Defaults to deploy/deployments. */
  outDir?: string | null;
  /** Print progress. */
  log?: (line: string) => void;
  /**
   * Default guardian, initial holder and model-1 creator to the deployer (true) or to the timelock (false).
   * Explicit `parameters` always win. Default: true on chain 31337 only.
   */
  devDefaults?: boolean;
  /**
   * The market's priority window in seconds (tier-3 providers only), instead of the 30 s default. `npm start`
   * deploys its own local chain with 0: no provider there can be tier 3, so the window would delay every task by
   * its length and protect nobody (docs/PARAMETERS.md). An explicit `parameters.marketParams` wins.
   */
  priorityWindow?: number;
}

/** First block at which `address` has code (binary search between `from` and `to`). */
export async function creationBlock(
  client: PublicClient,
  address: Address,
  from: bigint,
  to: bigint,
): Promise<bigint> {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) / 2n;
    const code = await client.getCode({ address, blockNumber: mid });
    if (code && code !== "0x") hi = mid;
    else lo = mid + 1n;
  }
  return lo;
}

/** Deploys EAIProtocol on `connection` and returns the viem contracts and the deployment record. */
export async function deployProtocol(connection: NetworkConnection, options: DeployOptions = {}) {
  const log = options.log ?? (() => {});
  const publicClient = await connection.viem.getPublicClient();
  const [deployer] = await connection.viem.getWalletClients();
  if (!deployer) throw new Error("the network has no account to deploy from");
  const chainId = await publicClient.getChainId();
  const fromBlock = await publicClient.getBlockNumber();

  // A local node starts empty each time and several may run at once (tests, benchmarks): give each deployment its
  // own Ignition journal and drop it afterwards. Real chains keep Ignition's default, resumable journal.
  const ephemeral = chainId === 31337 && connection.networkConfig.type === "http";
  const deploymentId = ephemeral
    ? `local-${process.pid}-${Date.now()}-${randomBytes(4).toString("hex")}`
    : undefined;

  log(`deploying EAIProtocol to chain ${chainId} from ${deployer.account.address}`);
  const { timelockMinDelay, ...protocolParameters } = options.parameters ?? {};
  const timelockParameters = (timelockMinDelay === undefined ? {} : { timelockMinDelay }) as Record<
    string,
    string | number | bigint | boolean
  >;
  const common = { displayUi: false, ...(deploymentId ? { deploymentId } : {}) } as const;
  // The timelock first: the production defaults below are its address (Ignition cannot default a parameter to a
  // contract), and the protocol module takes it by address.
  const { timelock } = await connection.ignition.deploy(TimelockModule, {
    ...common,
    parameters: { EAITimelock: timelockParameters },
  });
  const dev = options.devDefaults ?? chainId === 31337;
  const fallback = dev ? deployer.account.address : timelock.address;
  const resolved = {
    timelock: timelock.address,
    guardian: fallback,
    initialHolder: fallback,
    mnistCreator: fallback,
    // local networks: one-second draw steps, so a REDUNDANT task's draws fill in seconds (production: 10 s)
    ...(dev ? { settlementParams: { ...DEFAULT_SETTLEMENT, drawStep: 1 } } : {}),
    // local networks: one-hour reward epochs and a one-minute challenge window (production: one day, one day),
    ...(dev
      ? {
          rewardsEpochLength: 3600n,
          rewardParams: {
            ...DEFAULT_REWARD_PARAMS,
            posterBond: 10n * 10n ** 18n,
            challengeWindow: 60,
            resolutionWindow: 3600,
          },
          // OPTIMISTIC: the shortest windows the contracts accept (10 min; production 2 h), one-second draws, and
          // every tier may audit, challenge and sit on a jury of 3 (a new local network has no tier-2 provider;
          // production: tier 2 and up, juries of 5)
          optimisticParams: {
            ...DEFAULT_OPTIMISTIC_PARAMS,
            challengeWindow: 600,
            auditWindow: 600,
            drawStep: 1,
            minChallengerTier: 1,
            minAuditorTier: 1,
          },
          disputeParams: {
            ...DEFAULT_DISPUTE_PARAMS,
            jurySize: 3,
            jurorMinTier: 1,
            voteWindow: 600,
            revealWindow: 600,
            drawStep: 1,
          },
        }
      : {}),
    ...(options.priorityWindow === undefined
      ? {}
      : { marketParams: { ...DEFAULT_MARKET, priorityWindow: options.priorityWindow } }),
    ...protocolParameters,
  };
  if (!dev && resolved.initialHolder === timelock.address) {
    log(
      "warning: the timelock holds the whole initial supply, so no account has votes and no proposal can reach " +
        "quorum until tokens leave it; give initialHolder (a distribution multisig or vesting contract) for a launch",
    );
  }
  const contracts = await connection.ignition.deploy(EAIProtocol, {
    ...common,
    parameters: { EAITimelock: timelockParameters, EAIProtocol: resolved },
  });
  if (deploymentId) {
    await rm(join(dirname(fileURLToPath(import.meta.url)), "ignition/deployments", deploymentId), {
      recursive: true,
      force: true,
    });
  }
  const toBlock = await publicClient.getBlockNumber();

  const names: Record<(typeof PROTOCOL_CONTRACTS)[number], keyof typeof contracts> = {
    EAIToken: "token",
    EAITimelock: "timelock",
    EAIGovernor: "governor",
    StakingVault: "vault",
    ProviderRegistry: "providers",
    ModelRegistry: "models",
    Reputation: "reputation",
    TaskMarket: "market",
    MnistMlpVerifier: "mnistVerifier",
  };
  const entries: [string, { address: Address; startBlock: number }][] = [];
  for (const name of PROTOCOL_CONTRACTS) {
    const address = contracts[names[name]].address;
    const startBlock = await creationBlock(publicClient, address, fromBlock, toBlock);
    entries.push([name, { address, startBlock: Number(startBlock) }]);
    log(`  ${name.padEnd(17)} ${address}  block ${startBlock}`);
  }
  // Contracts beyond the protocol's fixed set (the deployment schema accepts extra entries).
  const extras = {
    MiningRewards: "rewards",
    OptimisticMarket: "optimistic",
    DisputeManager: "disputes",
  } as const satisfies Record<string, keyof typeof contracts>;
  for (const [name, key] of Object.entries(extras)) {
    const address = contracts[key].address;
    const startBlock = await creationBlock(publicClient, address, fromBlock, toBlock);
    entries.push([name, { address, startBlock: Number(startBlock) }]);
    log(`  ${name.padEnd(17)} ${address}  block ${startBlock}`);
  }
  const deployment: Deployment = parseDeployment({
    chainId,
    deployedAt: new Date().toISOString(),
    deployer: deployer.account.address,
    contracts: Object.fromEntries(entries),
  });

  const outDir = options.outDir === undefined ? DEPLOYMENTS_DIR : options.outDir;
  if (outDir !== null) {
    await mkdir(outDir, { recursive: true });
    const file = join(outDir, `${chainId}.json`);
    await writeFile(file, `${JSON.stringify(deployment, null, 2)}\n`);
    log(`wrote ${file}`);
  }
  return { contracts, deployment };
}

/** EAI each development account receives from the deployer on the local chain ({@link fundDevAccounts}). */
export const DEV_ACCOUNT_FUNDING = parseEther("10000");
/** How many development accounts after the deployer (account 0) are funded: accounts 1..9. */
export const DEV_ACCOUNTS_FUNDED = 9;

/**
 * Local chain only: sends {@link DEV_ACCOUNT_FUNDING} EAI from the deployer (which holds the supply there) to each
 * of the node's accounts 1..{@link DEV_ACCOUNTS_FUNDED}, so that every development account can stake, submit and
 * pay without a transfer first. Returns the funded addresses (none when the deployer does not hold enough).
 */
export async function fundDevAccounts(
  connection: NetworkConnection,
  deployment: Deployment,
  log: (line: string) => void = () => {},
): Promise<Address[]> {
  const publicClient = await connection.viem.getPublicClient();
  const [deployer, ...others] = await connection.viem.getWalletClients();
  if (!deployer) return [];
  const token = await connection.viem.getContractAt("EAIToken", deployment.contracts.EAIToken.address);
  const accounts = others.slice(0, DEV_ACCOUNTS_FUNDED).map((w) => w.account.address);
  const held = await token.read.balanceOf([deployer.account.address]);
  if (held < DEV_ACCOUNT_FUNDING * BigInt(accounts.length)) {
    log(`not funding development accounts: the deployer holds ${formatEther(held)} EAI`);
    return [];
  }
  for (const to of accounts) {
    const hash = await token.write.transfer([to, DEV_ACCOUNT_FUNDING], { account: deployer.account });
    await publicClient.waitForTransactionReceipt({ hash });
  }
  log(`funded development accounts 1..${accounts.length} with ${formatEther(DEV_ACCOUNT_FUNDING)} EAI each`);
  return accounts;
}
