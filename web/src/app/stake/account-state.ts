"use client";
import type { Address } from "viem";
import { useBlock, useReadContracts } from "wagmi";
import {
  eaiTokenAbi,
  providerRegistryAbi,
  reputationAbi,
  stakingVaultAbi,
  taskMarketAbi,
} from "@eai/sdk/abis";
import { useContractAddress } from "@/components/config-context.tsx";

/**
 * Everything the "Stake and provide" page shows about the connected account, read from the chain in one
 * multicall (refreshed by useTx after each transaction and every few seconds), plus the chain's clock.
 */
export function useAccountState(account: Address | undefined) {
  const token = useContractAddress("EAIToken");
  const vault = useContractAddress("StakingVault");
  const market = useContractAddress("TaskMarket");
  const registry = useContractAddress("ProviderRegistry");
  const reputation = useContractAddress("Reputation");
  const who = account ?? "0x0000000000000000000000000000000000000000";
  const reads = useReadContracts({
    allowFailure: false,
    contracts: [
      { address: token, abi: eaiTokenAbi, functionName: "balanceOf", args: [who] },
      { address: token, abi: eaiTokenAbi, functionName: "allowance", args: [who, vault] },
      { address: vault, abi: stakingVaultAbi, functionName: "stakeOf", args: [who] },
      { address: vault, abi: stakingVaultAbi, functionName: "lockedOf", args: [who] },
      { address: vault, abi: stakingVaultAbi, functionName: "freeStakeOf", args: [who] },
      { address: vault, abi: stakingVaultAbi, functionName: "unbondingOf", args: [who] },
      { address: vault, abi: stakingVaultAbi, functionName: "unbondingPeriod" },
      { address: vault, abi: stakingVaultAbi, functionName: "creditOf", args: [who] },
      { address: market, abi: taskMarketAbi, functionName: "creditOf", args: [who, token] },
      { address: market, abi: taskMarketAbi, functionName: "stakeParams" },
      { address: registry, abi: providerRegistryAbi, functionName: "isRegistered", args: [who] },
      { address: registry, abi: providerRegistryAbi, functionName: "getProvider", args: [who] },
      { address: registry, abi: providerRegistryAbi, functionName: "operatorOwnerOf", args: [who] },
      { address: registry, abi: providerRegistryAbi, functionName: "classThresholds" },
      { address: reputation, abi: reputationAbi, functionName: "standingOf", args: [who] },
    ],
    query: { enabled: Boolean(account), refetchInterval: 5_000 },
  });
  const block = useBlock({ watch: true, query: { refetchInterval: 2_000 } });
  const d = reads.data;
  const state = d
    ? {
        balance: d[0],
        vaultAllowance: d[1],
        stake: d[2],
        locked: d[3],
        free: d[4],
        unbonding: { amount: d[5][0], releaseAt: Number(d[5][1]) },
        unbondingPeriod: Number(d[6]),
        vaultCredit: d[7],
        marketCredit: d[8],
        minProviderStake: d[9][1],
        registered: d[10],
        profile: d[11],
        /** The provider this account operates for (zero address: none). */
        operatorOf: d[12],
        classThresholds: { medium: d[13][0], high: d[13][1] },
        tier: d[14][0],
        eligible: d[14][1],
      }
    : undefined;
  return {
    state,
    error: reads.error,
    isPending: reads.isPending,
    /** Latest block time (the chain's clock; unbonding releases by it). */
    now: block.data ? Number(block.data.timestamp) : undefined,
    addresses: { token, vault, market, registry },
  };
}

export type AccountState = NonNullable<ReturnType<typeof useAccountState>["state"]>;
