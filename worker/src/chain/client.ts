/**
 * The worker's connection to the chain: viem public and wallet clients for the configured RPC, the protocol's
 * contract addresses (deploy/deployments/<chainId>.json or `config.contracts`), and who the worker acts for.
 *
 * Operator mode: the signing key belongs to an operator that `config.operator.owner` authorised in
 * ProviderRegistry; the owner is the provider that is bonded, paid and rated. The authorisation is checked at
 * connect time (`operatorOwnerOf(signer) == owner`).
 */
import { loadDeployment } from "@eai/sdk/deployments";
import { providerRegistryAbi } from "@eai/sdk/abis";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  zeroAddress,
  type Account,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { WorkerConfig } from "../config.ts";
import type { Signer } from "../keystore.ts";

export interface ProtocolAddresses {
  TaskMarket: Address;
  ProviderRegistry: Address;
  StakingVault: Address;
  ModelRegistry: Address;
  EAIToken: Address;
  Reputation: Address;
}

export interface ChainContext {
  chain: Chain;
  chainId: bigint;
  publicClient: PublicClient<Transport, Chain>;
  walletClient: WalletClient<Transport, Chain, Account>;
  addresses: ProtocolAddresses;
  /** Block the market was deployed at (where a fresh worker starts watching). */
  startBlock: bigint;
  /** The account that signs (the provider itself, or its operator). */
  signer: Address;
  /** The provider the worker acts for: bonded, paid and rated. */
  provider: Address;
  operatorMode: boolean;
}

export class ChainSetupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ChainSetupError";
  }
}

export interface ConnectOptions {
  /** Transport override (tests route through a proxy or count requests); default `http(config.rpcUrl)`. */
  transport?: Transport;
  /** Polling interval of the clients (default config.pollIntervalMs). */
  pollingIntervalMs?: number;
}

/** Resolves the protocol's contract addresses and the market's start block from the config. */
export async function resolveAddresses(
  config: WorkerConfig,
): Promise<{ addresses: ProtocolAddresses; startBlock: bigint }> {
  if (config.contracts) return { addresses: config.contracts, startBlock: 0n };
  if (config.deploymentsDir === undefined) throw new ChainSetupError("expected deploymentsDir or contracts");
  const deployment = await loadDeployment(config.chainId, config.deploymentsDir);
  const c = deployment.contracts;
  return {
    addresses: {
      TaskMarket: c.TaskMarket.address,
      ProviderRegistry: c.ProviderRegistry.address,
      StakingVault: c.StakingVault.address,
      ModelRegistry: c.ModelRegistry.address,
      EAIToken: c.EAIToken.address,
      Reputation: c.Reputation.address,
    },
    startBlock: BigInt(c.TaskMarket.startBlock),
  };
}

/**
 * Connects to the configured chain and checks it: the RPC's chain id equals `config.chainId`, the market has code,
 * and in operator mode the signer is an authorised operator of the owner.
 * @throws ChainSetupError saying what did not match.
 */
export async function connectChain(
  config: WorkerConfig,
  signer: Signer,
  options: ConnectOptions = {},
): Promise<ChainContext> {
  const { addresses, startBlock } = await resolveAddresses(config);
  const chain = defineChain({
    id: config.chainId,
    name: `eai-${config.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
  const transport = options.transport ?? http(config.rpcUrl, { retryCount: 0, timeout: 15_000 });
  const pollingInterval = options.pollingIntervalMs ?? Math.min(config.pollIntervalMs, 1_000);
  const publicClient = createPublicClient({ chain, transport, pollingInterval });
  const account = privateKeyToAccount(signer.privateKey.reveal());
  const walletClient = createWalletClient({ chain, transport, account, pollingInterval });

  let rpcChainId: number;
  try {
    rpcChainId = await publicClient.getChainId();
  } catch (err) {
    throw new ChainSetupError(
      `rpcUrl ${config.rpcUrl}: cannot reach the chain (${(err as Error).message.split("\n")[0]})`,
      {
        cause: err,
      },
    );
  }
  if (rpcChainId !== config.chainId) {
    throw new ChainSetupError(
      `rpcUrl ${config.rpcUrl} serves chain ${rpcChainId}, but chainId is ${config.chainId}`,
    );
  }
  const code = await publicClient.getCode({ address: addresses.TaskMarket });
  if (!code || code === "0x") {
    throw new ChainSetupError(`TaskMarket ${addresses.TaskMarket} has no code on chain ${config.chainId}`);
  }

  let provider: Address = account.address;
  if (config.operator) {
    const owner = await publicClient.readContract({
      address: addresses.ProviderRegistry,
      abi: providerRegistryAbi,
      functionName: "operatorOwnerOf",
      args: [account.address],
    });
    if (owner === zeroAddress || owner.toLowerCase() !== config.operator.owner.toLowerCase()) {
      throw new ChainSetupError(
        `operator mode: ${account.address} is not an authorised operator of ${config.operator.owner}` +
          (owner === zeroAddress ? " (it is nobody's operator)" : ` (it acts for ${owner})`) +
          `; the owner must call ProviderRegistry.authorizeOperator(${account.address})`,
      );
    }
    provider = config.operator.owner;
  }
  return {
    chain,
    chainId: BigInt(config.chainId),
    publicClient,
    walletClient,
    addresses,
    startBlock,
    signer: account.address,
    provider,
    operatorMode: config.operator !== undefined,
  };
}
