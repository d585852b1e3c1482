/**
 * Presentation helpers for a verified result: the JSON a requester downloads and a text preview.
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

/** A short readable preview of result bytes: pretty JSON, else UTF-8 text, else null (binary). */
export function resultPreview(bytes: Uint8Array, maxChars = 2000): string | null {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 9 || (c > 13 && c < 32)) return null; // control characters: binary data
  }
  try {
    text = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: keep the text
  }
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
