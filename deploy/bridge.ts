/**
 * Deploys the EVM side of the bridge (docs/BRIDGE.md): the hub BridgeVault next to an existing EAIToken and
 * timelock, and on a spoke chain EAISpokeToken + SpokeBridge (the token is deployed first with the bridge's predicted
 * address as its immutable minter). Each side enables the other chain with the same limits. `npm start` deploys a
 * local pair with `deployLocalBridge` (deploy/bridge-run.ts); the vault still needs
 * `EAIGovernor.setQuorumExcludedAccount(vault)` through a proposal, which a local start does not make.
 */
import { getContractAddress, parseEther, type Address } from "viem";
import type { NetworkConnection } from "hardhat/types/network";
import { z } from "zod";

/** 1M EAI per remote chain and direction, refilled over a day; queued transfers complete after a day. */
export const DEFAULT_BRIDGE_LIMITS = {
  capacity: parseEther("1000000"),
  ratePerSecond: parseEther("1000000") / 86_400n,
  queueDelay: 86_400n,
} as const;

const AddressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an 0x-prefixed 20-byte address");

export const BridgeDeployParams = z.object({
  /** The governance timelock (on a spoke: governance's executor there). Rotation, limits and unpause only from it. */
  timelock: AddressSchema,
  /** An initial guardian (may pause). */
  guardian: AddressSchema,
  /** Validator addresses (sorted here), 1…32. */
  validators: z.array(AddressSchema).min(1).max(32),
  /** Signatures required: at least ⌈2N/3⌉ (defaults to it). */
  threshold: z.number().int().positive().optional(),
  /** Remote chains to enable on this side. */
  remoteChains: z.array(z.bigint().positive()).min(1),
});
export type BridgeDeployParams = z.infer<typeof BridgeDeployParams>;

function validatorSet(p: BridgeDeployParams): { validators: Address[]; threshold: number } {
  const validators = [...p.validators].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)) as Address[];
  return { validators, threshold: p.threshold ?? Math.ceil((2 * validators.length) / 3) };
}

/** Deploys the hub vault for `token` and enables `remoteChains`; the deployer must be the timelock to set limits. */
export async function deployHubVault(
  connection: NetworkConnection,
  token: Address,
  params: BridgeDeployParams,
) {
  const p = BridgeDeployParams.parse(params);
  const { validators, threshold } = validatorSet(p);
  const vault = await connection.viem.deployContract("BridgeVault", [
    token,
    p.timelock as Address,
    p.guardian as Address,
    validators,
    threshold,
    DEFAULT_BRIDGE_LIMITS.queueDelay,
  ]);
  return { vault, limitCalls: limitCalls(p.remoteChains) };
}

/** Deploys a spoke token and bridge; returns both and the limit calls the timelock must make. */
export async function deploySpoke(connection: NetworkConnection, params: BridgeDeployParams) {
  const p = BridgeDeployParams.parse(params);
  const { validators, threshold } = validatorSet(p);
  const publicClient = await connection.viem.getPublicClient();
  const [deployer] = await connection.viem.getWalletClients();
  if (!deployer) throw new Error("no deployer account on this network");
  const nonce = await publicClient.getTransactionCount({ address: deployer.account.address });
  const predicted = getContractAddress({ from: deployer.account.address, nonce: BigInt(nonce + 1) });
  const token = await connection.viem.deployContract("EAISpokeToken", [predicted]);
  const bridge = await connection.viem.deployContract("SpokeBridge", [
    token.address,
    p.timelock as Address,
    p.guardian as Address,
    validators,
    threshold,
    DEFAULT_BRIDGE_LIMITS.queueDelay,
  ]);
  if (bridge.address.toLowerCase() !== predicted.toLowerCase()) {
    throw new Error(`spoke bridge at ${bridge.address}, token minter ${predicted}`);
  }
  return { token, bridge, limitCalls: limitCalls(p.remoteChains) };
}

/** The `setChainLimits` arguments for each remote chain (to be executed by the timelock). */
export function limitCalls(chains: readonly bigint[]): [bigint, bigint, bigint, bigint, bigint][] {
  const { capacity, ratePerSecond } = DEFAULT_BRIDGE_LIMITS;
  return chains.map((c) => [c, capacity, ratePerSecond, capacity, ratePerSecond]);
}

/** What `deployLocalBridge` deployed: one entry per chain in the daemons' config shape (bridge/src/evm/config.ts). */
export interface LocalBridgeRecord {
  chains: {
    chainId: number;
    name: string;
    role: "hub" | "spoke";
    rpcUrl: string;
    bridge: Address;
    token: Address;
    fromBlock: number;
  }[];
  validators: Address[];
  threshold: number;
  guardians: Address[];
}

/**
 * Local networks only (`npm start`): the hub vault next to the protocol's EAIToken, an L2 spoke, each enabling the
 * other with the default limits, and `guardians` (the watchdog's key) allowed to pause both. On the hub the
 * timelock's calls (limits, guardians) are made by impersonating it, standing in for a passed proposal; on the L2
 * the deployer is the spoke's governance. The vault is not excluded from the Governor's quorum here: that needs a
 * real proposal (`setQuorumExcludedAccount`, `onlyGovernance`), which a local start does not wait for.
 */
export async function deployLocalBridge(
  hub: NetworkConnection,
  l2: NetworkConnection,
  options: {
    token: Address;
    timelock: Address;
    validators: Address[];
    guardians: Address[];
    rpcUrls: { hub: string; l2: string };
  },
): Promise<LocalBridgeRecord> {
  const [hubClient, l2Client] = await Promise.all([hub.viem.getPublicClient(), l2.viem.getPublicClient()]);
  const [hubId, l2Id] = await Promise.all([hubClient.getChainId(), l2Client.getChainId()]);
  if (hubId !== 31337 || l2Id === hubId) {
    throw new Error(
      `deployLocalBridge is for the local chains (hub 31337 and another id), got ${hubId} and ${l2Id}`,
    );
  }
  const [hubDeployer] = await hub.viem.getWalletClients();
  const [l2Deployer] = await l2.viem.getWalletClients();
  if (!hubDeployer || !l2Deployer) throw new Error("no deployer account");
  const hubFrom = Number(await hubClient.getBlockNumber()) + 1;
  const l2From = Number(await l2Client.getBlockNumber()) + 1;
  const common = { validators: options.validators, guardian: hubDeployer.account.address };
  const { vault, limitCalls: hubLimits } = await deployHubVault(hub, options.token, {
    ...common,
    timelock: options.timelock,
    remoteChains: [BigInt(l2Id)],
  });
  const send = async (client: typeof hubClient, hash: Promise<`0x${string}`>) => {
    const receipt = await client.waitForTransactionReceipt({ hash: await hash });
    if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
  };
  await hub.networkHelpers.impersonateAccount(options.timelock);
  await hub.networkHelpers.setBalance(options.timelock, parseEther("10"));
  try {
    for (const args of hubLimits) {
      await send(hubClient, vault.write.setChainLimits(args, { account: options.timelock }));
    }
    for (const g of options.guardians) {
      await send(hubClient, vault.write.setGuardian([g as Address, true], { account: options.timelock }));
    }
  } finally {
    await hub.networkHelpers.stopImpersonatingAccount(options.timelock);
  }
  const {
    token,
    bridge,
    limitCalls: l2Limits,
  } = await deploySpoke(l2, {
    ...common,
    guardian: l2Deployer.account.address,
    timelock: l2Deployer.account.address,
    remoteChains: [BigInt(hubId)],
  });
  for (const args of l2Limits) await send(l2Client, bridge.write.setChainLimits(args));
  for (const g of options.guardians) await send(l2Client, bridge.write.setGuardian([g as Address, true]));
  const { validators, threshold } = validatorSet(
    BridgeDeployParams.parse({ ...common, timelock: options.timelock, remoteChains: [1n] }),
  );
  return {
    chains: [
      {
        chainId: hubId,
        name: "hub",
        role: "hub",
        rpcUrl: options.rpcUrls.hub,
        bridge: vault.address,
        token: options.token,
        fromBlock: hubFrom,
      },
      {
        chainId: l2Id,
        name: "l2",
        role: "spoke",
        rpcUrl: options.rpcUrls.l2,
        bridge: bridge.address,
        token: token.address,
        fromBlock: l2From,
      },
    ],
    validators,
    threshold,
    guardians: options.guardians,
  };
}
