/**
 * Start-up duties towards the registries: register the provider (resources, GPU model, X25519 key, metadata) or
 * update its profile when something changed, and top its stake up to `stakeTarget`. In operator mode the owner
 * manages its profile and stake; the worker only checks the owner is registered and active.
 */
import { eaiTokenAbi, providerRegistryAbi, stakingVaultAbi } from "@eai/sdk/abis";
import type { Hex } from "viem";
import { RESOURCE_KEYS, type Resources } from "../hardware.ts";
import type { Logger } from "../logger.ts";
import type { ChainContext } from "./client.ts";
import { ChainSetupError } from "./client.ts";
import type { TxSubmitter } from "./submitter.ts";

export interface ProfileInput {
  resources: Resources;
  gpuModel: string;
  x25519PublicKey: Hex;
  metadataURI: string;
}

export interface RegistrationResult {
  action: "registered" | "updated" | "unchanged" | "operator";
  stakedNow: bigint;
  stake: bigint;
}

/** Registers or updates the provider profile. */
export async function ensureProfile(
  ctx: ChainContext,
  submitter: TxSubmitter,
  profile: ProfileInput,
  log: Logger,
): Promise<RegistrationResult["action"]> {
  const { publicClient, addresses, provider } = ctx;
  const registry = { address: addresses.ProviderRegistry, abi: providerRegistryAbi } as const;
  const registered = await publicClient.readContract({
    ...registry,
    functionName: "isRegistered",
    args: [provider],
  });
  if (ctx.operatorMode) {
    if (!registered)
      throw new ChainSetupError(`operator mode: owner ${provider} is not a registered provider`);
    const info = await publicClient.readContract({
      ...registry,
      functionName: "getProvider",
      args: [provider],
    });
    if (!info.active)
      log.warn({ owner: provider }, "the owner's provider profile is deactivated; claims will fail");
    const published = await publicClient.readContract({
      ...registry,
      functionName: "x25519KeyOf",
      args: [provider],
    });
    if (published.toLowerCase() !== profile.x25519PublicKey.toLowerCase())
      log.warn(
        "the owner's published X25519 key differs from this worker's key file: encrypted inputs cannot be read",
      );
    return "operator";
  }
  const maxGpu = Number(
    await publicClient.readContract({ ...registry, functionName: "MAX_GPU_MODEL_LENGTH" }),
  );
  const gpuModel = profile.gpuModel.slice(0, maxGpu);
  const args = [profile.resources, gpuModel, profile.x25519PublicKey, profile.metadataURI] as const;
  if (!registered) {
    await submitter.send({ label: "register", ...registry, functionName: "register", args });
    log.info({ provider, resources: profile.resources, gpuModel }, "provider registered");
    return "registered";
  }
  const info = await publicClient.readContract({
    ...registry,
    functionName: "getProvider",
    args: [provider],
  });
  const key = await publicClient.readContract({ ...registry, functionName: "x25519KeyOf", args: [provider] });
  const changed: string[] = RESOURCE_KEYS.filter((k) => info.resources[k] !== profile.resources[k]);
  if (info.gpuModel !== gpuModel) changed.push("gpuModel");
  if (key.toLowerCase() !== profile.x25519PublicKey.toLowerCase()) changed.push("x25519PublicKey");
  if (info.metadataURI !== profile.metadataURI) changed.push("metadataURI");
  if (changed.length === 0) return "unchanged";
  await submitter.send({ label: "updateProfile", ...registry, functionName: "updateProfile", args });
  log.info({ provider, changed }, "provider profile updated");
  return "updated";
}

/** Stakes the difference between `target` and the current stake (approving the vault first when needed). */
export async function ensureStake(
  ctx: ChainContext,
  submitter: TxSubmitter,
  target: bigint,
  log: Logger,
): Promise<{ stakedNow: bigint; stake: bigint }> {
  const { publicClient, addresses, provider } = ctx;
  const vault = { address: addresses.StakingVault, abi: stakingVaultAbi } as const;
  const token = { address: addresses.EAIToken, abi: eaiTokenAbi } as const;
  const stake = await publicClient.readContract({ ...vault, functionName: "stakeOf", args: [provider] });
  if (ctx.operatorMode || stake >= target) return { stakedNow: 0n, stake };
  const missing = target - stake;
  const balance = await publicClient.readContract({ ...token, functionName: "balanceOf", args: [provider] });
  if (balance < missing)
    throw new ChainSetupError(
      `stakeTarget ${target}: stake is ${stake}, ${missing} more is needed but ${provider} holds only ${balance} EAI`,
    );
  const allowance = await publicClient.readContract({
    ...token,
    functionName: "allowance",
    args: [provider, addresses.StakingVault],
  });
  if (allowance < missing)
    await submitter.send({
      label: "approve",
      ...token,
      functionName: "approve",
      args: [addresses.StakingVault, missing],
    });
  await submitter.send({ label: "stake", ...vault, functionName: "stake", args: [missing] });
  log.info({ provider, staked: missing.toString(), stake: target.toString() }, "stake topped up");
  return { stakedNow: missing, stake: stake + missing };
}
