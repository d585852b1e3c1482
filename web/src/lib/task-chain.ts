"use client";
/**
 * Hooks that read a task from the chain (not the indexer): its live state, its submitted spec (needed to cancel and
 * settle), its REDUNDANT round and draws, a task fault's settlement, the chain's clock and the in-browser
 * verification of its result.
 */
import { useQuery, type UseQueryResult } from "@tanstack/react-query";
import { useMemo } from "react";
import type { Address, Hex } from "viem";
import { usePublicClient, useReadContract, useReadContracts } from "wagmi";
import { taskMarketAbi } from "@eai/sdk/abis";
import { useWebConfig } from "@/components/config-context.tsx";
import { fetchBlobFromApp, readSubmittedTask, type VerifyContext } from "./task-reads.ts";
import type { TaskVerification } from "./task-verification.ts";
import { CHAIN_TASK_STATUS, isFinalStatus, type ChainTaskStatus } from "./task-status.ts";

export { CHAIN_TASK_STATUS, isFinalStatus, type ChainTaskStatus } from "./task-status.ts";

/** The verification context of the configured deployment, or null while there is no RPC client. */
export function useVerifyContext(): VerifyContext | null {
  const { chainId, deployment } = useWebConfig();
  const client = usePublicClient({ chainId });
  return useMemo(
    () =>
      client
        ? {
            client,
            chainId,
            market: deployment.contracts.TaskMarket.address,
            fromBlock: BigInt(deployment.contracts.TaskMarket.startBlock),
            digitsVerifier: deployment.contracts.MnistMlpVerifier.address,
            fetchBlob: fetchBlobFromApp,
          }
        : null,
    [client, chainId, deployment],
  );
}

/** `TaskMarket.getTaskState(taskId)`, polled every second until the task is final. */
export function useChainTaskState(taskId: bigint) {
  const { chainId, deployment } = useWebConfig();
  const result = useReadContract({
    address: deployment.contracts.TaskMarket.address,
    abi: taskMarketAbi,
    functionName: "getTaskState",
    args: [taskId],
    chainId,
    query: {
      refetchInterval: (query) => {
        const status = query.state.data?.status;
        return status !== undefined && isFinalStatus(CHAIN_TASK_STATUS[status]) ? false : 1_000;
      },
    },
  });
  const raw = result.data;
  const state = raw
    ? {
        status: (CHAIN_TASK_STATUS[raw.status] ?? "None") as ChainTaskStatus,
        claims: raw.claims,
        phaseDeadline: raw.phaseDeadline,
      }
    : undefined;
  return { state, error: result.error, isLoading: result.isLoading };
}

/** The spec and input URI of a task as `TaskSubmitted` emitted them (null: no such event). */
export function useSubmittedTask(taskId: bigint, enabled = true) {
  const ctx = useVerifyContext();
  return useQuery({
    queryKey: ["chain", "task-submitted", ctx?.chainId, ctx?.market, taskId.toString()],
    enabled: enabled && ctx !== null,
    staleTime: Infinity,
    refetchInterval: false,
    queryFn: () => readSubmittedTask(ctx as VerifyContext, taskId),
  });
}

/**
 * Verifies a completed task's result in the browser (runs once per task; a network error is retried twice). The
 * verification code (Poseidon) is loaded on first use, so pages stay light until a task completes.
 */
export function useTaskVerification(taskId: bigint, completed: boolean): UseQueryResult<TaskVerification> {
  const ctx = useVerifyContext();
  return useQuery({
    queryKey: ["chain", "task-verification", ctx?.chainId, ctx?.market, taskId.toString()],
    enabled: completed && ctx !== null,
    staleTime: Infinity,
    refetchInterval: false,
    retry: 2,
    queryFn: async () => {
      const { verifyTask } = await import("./task-verification.ts");
      return verifyTask(ctx as VerifyContext, taskId);
    },
  });
}

/** The latest block's timestamp (the chain's clock: deadlines are checked against it), refreshed every 2 s. */
export function useChainNow(enabled = true): number | undefined {
  const { chainId } = useWebConfig();
  const client = usePublicClient({ chainId });
  const block = useQuery({
    queryKey: ["chain", "latest-block-time", chainId],
    enabled: enabled && Boolean(client),
    refetchInterval: 2_000,
    queryFn: async () => {
      if (!client) throw new Error(`no RPC client for chain ${chainId}`);
      return Number((await client.getBlock({ blockTag: "latest" })).timestamp);
    },
  });
  return block.data;
}

/** `TaskMarket.roundOf(taskId)` of a REDUNDANT task (draws taken, members, commits, reveals), polled until final. */
export function useTaskRound(taskId: bigint, enabled: boolean, final: boolean) {
  const { chainId, deployment } = useWebConfig();
  return useReadContract({
    address: deployment.contracts.TaskMarket.address,
    abi: taskMarketAbi,
    functionName: "roundOf",
    args: [taskId],
    chainId,
    query: { enabled, refetchInterval: final ? false : 2_000 },
  });
}

/**
 * The draws each listed provider holds on a REDUNDANT task (`redundantClaimOf(taskId, provider).draws`, bit i: draw
 * i), by lower-case address; a provider that left holds none. Polled every 2 s until the task is final.
 */
export function useClaimDraws(
  taskId: bigint,
  providers: readonly string[],
  enabled: boolean,
  final: boolean,
): Record<string, number> | undefined {
  const { chainId, deployment } = useWebConfig();
  const market = deployment.contracts.TaskMarket.address;
  const reads = useReadContracts({
    allowFailure: false,
    contracts: providers.map((p) => ({
      address: market,
      abi: taskMarketAbi,
      functionName: "redundantClaimOf" as const,
      args: [taskId, p as Address] as const,
      chainId,
    })),
    query: { enabled: enabled && providers.length > 0, refetchInterval: final ? false : 2_000 },
  });
  return useMemo(() => {
    if (!reads.data) return undefined;
    const out: Record<string, number> = {};
    reads.data.forEach((claim, i) => {
      const p = providers[i];
      if (p) out[p.toLowerCase()] = claim.draws;
    });
    return out;
  }, [reads.data, providers]);
}

/** A task fault's settlement as `TaskFaulted` emitted it (refund and fee in the payment token's units). */
export interface TaskFault {
  refund: bigint;
  fee: bigint;
  votes: number;
  txHash: Hex;
  blockNumber: bigint;
  logIndex: number;
  timestamp: number;
}

/** The task's `TaskFaulted` event from the chain (null: none), read once the task is Faulted. */
export function useTaskFault(taskId: bigint, enabled: boolean) {
  const ctx = useVerifyContext();
  return useQuery({
    queryKey: ["chain", "task-faulted", ctx?.chainId, ctx?.market, taskId.toString()],
    enabled: enabled && ctx !== null,
    staleTime: Infinity,
    refetchInterval: false,
    queryFn: async (): Promise<TaskFault | null> => {
      const c = ctx as VerifyContext;
      const [event] = await c.client.getContractEvents({
        address: c.market,
        abi: taskMarketAbi,
        eventName: "TaskFaulted",
        args: { taskId },
        fromBlock: c.fromBlock,
        strict: true,
      });
      if (!event) return null;
      const block = await c.client.getBlock({ blockNumber: event.blockNumber });
      return {
        refund: event.args.refund,
        fee: event.args.fee,
        votes: event.args.votes,
        txHash: event.transactionHash,
        blockNumber: event.blockNumber,
        logIndex: event.logIndex,
        timestamp: Number(block.timestamp),
      };
    },
  });
}
