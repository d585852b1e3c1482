"use client";
import { useEffect, useState } from "react";
import type { Address } from "viem";
import { useConnection } from "wagmi";
import { useWebConfig } from "@/components/config-context.tsx";

/** Whether the page may send transactions now, and if not, why (shown next to the disabled buttons). */
export interface WriteGate {
  /** The connected account (also on the wrong chain). */
  account: Address | undefined;
  /** Connected and on the deployment's chain. */
  ready: boolean;
  /** Why writes are disabled; null when ready. */
  reason: string | null;
}

/**
 * The write gate of the forms: buttons that send transactions are disabled unless a wallet is connected on the
 * configured chain (useTx refuses too; this says why before anyone clicks). Until mounted it reports "not ready"
 * so the server render and the first client render agree.
 */
export function useWriteGate(): WriteGate {
  const { address, chainId: walletChain, status } = useConnection();
  const { chainId, chainName } = useWebConfig();
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  if (!mounted || status !== "connected" || !address) {
    return { account: undefined, ready: false, reason: "Connect a wallet to send transactions." };
  }
  if (walletChain !== chainId) {
    return {
      account: address,
      ready: false,
      reason: `Your wallet is on chain ${walletChain ?? "unknown"}: switch to ${chainName} (chain ${chainId}) to send transactions.`,
    };
  }
  return { account: address, ready: true, reason: null };
}
