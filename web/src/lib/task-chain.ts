"use client";
/**
 * Hooks that read a task from the chain (not the indexer): its live state, its submitted spec (needed to cancel)
 * and the in-browser verification of its result.
 */
import { useQuery, type UseQueryResult } from "@tanstack/react-query";
import { useMemo } from "react";
import { usePublicClient, useReadContract } from "wagmi";
import { taskMarketAbi } from "@eai/sdk/abis";
import { useWebConfig } from "@/components/config-context.tsx";
import { fetchBlobFromApp, readSubmittedTask, type VerifyContext } from "./task-reads.ts";
import type { TaskVerification } from "./task-verification.ts";

/** `TaskMarket.TaskStatus` names, by enum value. */
export const CHAIN_TASK_STATUS = ["None", "Open", "Claimed", "Completed", "Cancelled", "Refunded"] as const;
export type ChainTaskStatus = (typeof CHAIN_TASK_STATUS)[number];

/** True for a status after which nothing changes. */
export function isFinalStatus(status: string | undefined): boolean {
  return status === "Completed" || status === "Cancelled" || status === "Refunded";
}

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
