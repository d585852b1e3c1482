"use client";
import type { TxState } from "@/lib/use-tx.ts";
import { shortAddress } from "@/lib/format.ts";

/** Live status line of a transaction (announced to screen readers). */
export function TxStatus({ state }: { state: TxState }) {
  let text: string | null = null;
  let tone = "info";
  switch (state.phase) {
    case "idle":
      text = null;
      break;
    case "simulating":
      text = `${state.label}: checking…`;
      break;
    case "signing":
      text = `${state.label}: confirm in your wallet…`;
      break;
    case "pending":
      text = `${state.label}: pending (${shortAddress(state.hash)})…`;
      break;
    case "confirmed":
      text = `${state.label}: confirmed in block ${state.blockNumber}.`;
      tone = "success";
      break;
    case "failed":
      text = `${state.label} failed: ${state.message}`;
      tone = "error";
      break;
  }
  return (
    <p className={`tx-status tx-${tone}`} role="status" aria-live="polite" data-phase={state.phase}>
      {text}
    </p>
  );
}
