/**
 * The JSON a requester downloads for a verified ZK task. (Text previews of REDUNDANT results are in
 * `result-preview.ts`, computed in the lazily loaded verification chunk.)
 */
import type { ZkVerified } from "./task-verification.ts";

/**
 * Logits and prediction as the JSON a requester downloads for a verified ZK task.
 */
export function zkOutputJson(taskId: bigint, v: ZkVerified): string {
  return JSON.stringify(
    {
      taskId: taskId.toString(),
      provider: v.provider,
      outputCommitment: v.outputCommitment.toString(),
      output: v.output,
      logits: v.logits,
      prediction: v.prediction,
      proofTx: v.proof.txHash,
      verifier: v.proof.verifier,
    },
    null,
    2,
  );
}
