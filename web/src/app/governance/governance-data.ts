"use client";
import type { Address } from "viem";
import { useReadContracts } from "wagmi";
import {
  eaiGovernorAbi,
  eaiTimelockAbi,
  eaiTokenAbi,
  modelRegistryAbi,
  providerRegistryAbi,
  reputationAbi,
  stakingVaultAbi,
  taskMarketAbi,
} from "@eai/sdk/abis";
import type { ProtocolContract } from "@eai/sdk/deployments";
import { useWebConfig } from "@/components/config-context.tsx";
import type { GovernedValues } from "@/lib/governance.ts";

/** Every protocol contract's address in the configured deployment. */
export function useProtocolAddresses(): Record<ProtocolContract, Address> {
  const { deployment } = useWebConfig();
  return Object.fromEntries(
    Object.entries(deployment.contracts).map(([name, c]) => [name, c.address]),
  ) as Record<ProtocolContract, Address>;
}

/** Today's value of every governed parameter (one multicall, refreshed every 15 s and after each transaction). */
export function useGovernedValues(): { values: GovernedValues | undefined; error: Error | null } {
  const a = useProtocolAddresses();
  const reads = useReadContracts({
    allowFailure: false,
    contracts: [
      { address: a.TaskMarket, abi: taskMarketAbi, functionName: "marketParams" },
      { address: a.TaskMarket, abi: taskMarketAbi, functionName: "stakeParams" },
      { address: a.TaskMarket, abi: taskMarketAbi, functionName: "treasury" },
      { address: a.StakingVault, abi: stakingVaultAbi, functionName: "unbondingPeriod" },
      { address: a.StakingVault, abi: stakingVaultAbi, functionName: "slashTreasuryBps" },
      { address: a.StakingVault, abi: stakingVaultAbi, functionName: "treasury" },
      { address: a.ProviderRegistry, abi: providerRegistryAbi, functionName: "classThresholds" },
      { address: a.Reputation, abi: reputationAbi, functionName: "params" },
      { address: a.EAIGovernor, abi: eaiGovernorAbi, functionName: "votingDelay" },
      { address: a.EAIGovernor, abi: eaiGovernorAbi, functionName: "votingPeriod" },
      { address: a.EAIGovernor, abi: eaiGovernorAbi, functionName: "proposalThreshold" },
      { address: a.EAIGovernor, abi: eaiGovernorAbi, functionName: "quorumNumerator", args: [] },
      { address: a.EAIGovernor, abi: eaiGovernorAbi, functionName: "quorumDenominator" },
      { address: a.EAITimelock, abi: eaiTimelockAbi, functionName: "getMinDelay" },
      { address: a.TaskMarket, abi: taskMarketAbi, functionName: "settlementParams" },
      { address: a.Reputation, abi: reputationAbi, functionName: "tierAges" },
      { address: a.ModelRegistry, abi: modelRegistryAbi, functionName: "modelCount" },
    ],
    query: { refetchInterval: 15_000 },
  });
  const d = reads.data;
  const values: GovernedValues | undefined = d
    ? {
        market: { ...d[0] },
        settlement: { ...d[14] },
        bondFloor: d[1][0],
        minProviderStake: d[1][1],
        marketTreasury: d[2],
        unbondingPeriod: Number(d[3]),
        slashTreasuryBps: d[4],
        vaultTreasury: d[5],
        classThresholds: { medium: d[6][0], high: d[6][1] },
        reputation: { ...d[7] },
        tierAges: { ...d[15] },
        modelCount: Number(d[16]),
        votingDelay: Number(d[8]),
        votingPeriod: Number(d[9]),
        proposalThreshold: d[10],
        quorumNumerator: Number(d[11]),
        quorumDenominator: Number(d[12]),
        timelockDelay: Number(d[13]),
      }
    : undefined;
  return { values, error: reads.error };
}

/** The account's EAI balance, current votes and delegate, and the governor's clock. */
export function useVotingPower(account: Address | undefined) {
  const a = useProtocolAddresses();
  const who = account ?? "0x0000000000000000000000000000000000000000";
  const reads = useReadContracts({
    allowFailure: false,
    contracts: [
      { address: a.EAIToken, abi: eaiTokenAbi, functionName: "balanceOf", args: [who] },
      { address: a.EAIToken, abi: eaiTokenAbi, functionName: "getVotes", args: [who] },
      { address: a.EAIToken, abi: eaiTokenAbi, functionName: "delegates", args: [who] },
      { address: a.EAIGovernor, abi: eaiGovernorAbi, functionName: "clock" },
    ],
    query: { enabled: Boolean(account), refetchInterval: 5_000 },
  });
  const d = reads.data;
  return d ? { balance: d[0], votes: d[1], delegate: d[2], clock: Number(d[3]) } : undefined;
}
