/**
 * The JSON a requester downloads for a verified ZK task. (Text previews of REDUNDANT results are in
 * `result-preview.ts`, computed in the lazily loaded verification chunk.)
 */
import { toHex } from "viem";
import type { ZkVerified } from "./task-verification.ts";

/** The proven output word as the 32-byte hex `TaskCompleted.result` holds. */
export function outputWordHex(word: bigint): string {
  return toHex(word, { size: 32 });
}

/**
 * Logits and prediction as the JSON a requester downloads for a verified ZK task: the proven output word (public
 * signal 2 of the proof), its unpacked logits and their argmax.
 */
export function zkOutputJson(taskId: bigint, v: ZkVerified): string {
  return JSON.stringify(
    {
      taskId: taskId.toString(),
      provider: v.provider,
      output: outputWordHex(v.output),
      logits: v.logits,
      prediction: v.prediction,
      proofTx: v.proof.txHash,
      verifier: v.proof.verifier,
      proofRechecked: v.proof.checked,
    },
    null,
    2,
  );
}
