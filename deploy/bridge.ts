/**
 * Deploys the EVM side of the bridge (docs/BRIDGE.md): the hub BridgeVault next to an existing EAIToken and
 * timelock, and on a spoke chain EAISpokeToken + SpokeBridge (the token is deployed first with the bridge's predicted
 * address as its immutable minter). Each side enables the other chain with the same limits. Not wired into
 * `npm start` yet; the vault still needs `EAIGovernor.setQuorumExcludedAccount(vault)` through a proposal.
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
