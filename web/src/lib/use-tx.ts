"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import type { Abi, Address, ContractFunctionArgs, ContractFunctionName, Hex, TransactionReceipt } from "viem";
import { useConnection, usePublicClient, useWalletClient } from "wagmi";
import { decodeEaiError } from "@eai/sdk/errors";
import { useWebConfig } from "@/components/config-context.tsx";

/** Where a transaction stands, for {@link TxStatus}. */
export type TxState =
  | { phase: "idle" }
  | { phase: "simulating"; label: string }
  | { phase: "signing"; label: string }
  | { phase: "pending"; label: string; hash: Hex }
  | { phase: "confirmed"; label: string; hash: Hex; blockNumber: bigint }
  | { phase: "failed"; label: string; message: string; hash?: Hex };

/** One contract write, typed from the generated ABIs. */
export interface ContractWrite<
  abi extends Abi,
  name extends ContractFunctionName<abi, "nonpayable" | "payable">,
> {
  address: Address;
  abi: abi;
  functionName: name;
  args: ContractFunctionArgs<abi, "nonpayable" | "payable", name>;
}

/**
 * Sends contract writes through the connected wallet: simulate first (so a revert is decoded into the contract's
 * custom error before anything is signed), sign, wait for the receipt, then refresh every query. `state` follows
 * the last call. `run` resolves to the receipt, or `null` when the write failed (the reason is in `state`).
 */
export function useTx() {
  const { address, chainId: walletChain } = useConnection();
  const { chainId } = useWebConfig();
  const publicClient = usePublicClient({ chainId });
  const { data: walletClient } = useWalletClient({ chainId });
  const queryClient = useQueryClient();
  const [state, setState] = useState<TxState>({ phase: "idle" });

  const run = useCallback(
    async <abi extends Abi, name extends ContractFunctionName<abi, "nonpayable" | "payable">>(
      label: string,
      write: ContractWrite<abi, name>,
    ): Promise<TransactionReceipt | null> => {
      if (!address || !walletClient) {
        setState({ phase: "failed", label, message: "Connect a wallet first." });
        return null;
      }
      if (walletChain !== chainId) {
        setState({ phase: "failed", label, message: `Switch your wallet to chain ${chainId} first.` });
        return null;
      }
      if (!publicClient) {
        setState({ phase: "failed", label, message: `No RPC client for chain ${chainId}.` });
        return null;
      }
      let hash: Hex | undefined;
      try {
        setState({ phase: "simulating", label });
        // viem's generics cannot follow the (abi, name) pair through the union; the ContractWrite type checked it.
        const { request } = await publicClient.simulateContract({
          ...(write as unknown as ContractWrite<Abi, string>),
          account: address,
        } as Parameters<typeof publicClient.simulateContract>[0]);
        setState({ phase: "signing", label });
        hash = await walletClient.writeContract(request as Parameters<typeof walletClient.writeContract>[0]);
        setState({ phase: "pending", label, hash });
        const receipt = await publicClient.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success") {
          setState({ phase: "failed", label, hash, message: "The transaction reverted on chain." });
          return null;
        }
        setState({ phase: "confirmed", label, hash, blockNumber: receipt.blockNumber });
        await queryClient.invalidateQueries();
        return receipt;
      } catch (err) {
        setState({ phase: "failed", label, hash, message: describeError(err) });
        return null;
      }
    },
    [address, walletClient, walletChain, chainId, publicClient, queryClient],
  );

  const reset = useCallback(() => setState({ phase: "idle" }), []);
  return { state, run, reset, setState };
}

/** A readable one-line reason for a failed call: the protocol's custom error when there is one. */
export function describeError(err: unknown): string {
  const decoded = decodeEaiError(err);
  const text = decoded.message;
  if (/user rejected|denied/i.test(text)) return "You rejected the request in your wallet.";
  return text.split("\n")[0] ?? text;
}
