/**
 * In-browser verification of a completed task against the chain, with nothing taken on trust from the indexer:
 * the events come from the RPC, the result blob through this app's `/api/blobs` proxy, and the checks are the
 * SDK's (`@eai/sdk/tasks/verify`, shared with `eai task result`).
 *
 * - ZK: `ProofAccepted.output` is the proven output word itself (public signal 2): it must be a well-formed packed
 *   logits word and `TaskCompleted.result` must be that word; then the proof from the `submitProof` calldata is put
 *   to the task's verifier again (`verifyProof` through `eth_call`) with the public signals rebuilt from the
 *   submitted spec and that word, so the browser does not take the market's word for it.
 * - REDUNDANT: a majority revealer's result blob must hash (keccak256) to `TaskCompleted.result`.
 */
import type { Address, Hex } from "viem";
import { groth16VerifierAbi, taskMarketAbi } from "@eai/sdk/abis";
import type { TaskSpec } from "@eai/sdk/tasks";
import {
  blobUriSha256,
  decodeSubmitProofCall,
  majorityReveals,
  verifyRedundantResult,
  verifyZkOutput,
  zkPublicSignals,
} from "@eai/sdk/tasks/verify";
import { previewOf } from "./result-preview.ts";
import { readSubmittedTask, type VerifyContext } from "./task-reads.ts";

export type { VerificationClient, VerifyContext } from "./task-reads.ts";

/** How the Groth16 proof was re-checked. */
export type ProofRecheck =
  | { checked: true; verifier: Address; txHash: Hex }
  | { checked: false; verifier: Address; txHash: Hex; note: string };

export interface ZkVerified {
  ok: true;
  mode: "ZK";
  provider: Address;
  /** The proven output word (public signal 2): the ten logits packed as unsigned 18-bit slots. */
  output: bigint;
  logits: number[];
  prediction: number;
  /** The task ran the MNIST digits model (the deployment's MnistMlpVerifier): the prediction is a digit. */
  digits: boolean;
  proof: ProofRecheck;
}

export interface RedundantVerified {
  ok: true;
  mode: "REDUNDANT";
  resultHash: Hex;
  resultURI: string;
  /** sha256 of the blob (its name in the blob store), for the download link. */
  sha256: string;
  bytes: Uint8Array;
  /** A readable preview of `bytes` (tensors, JSON or text), or null for other binary data. */
  preview: string | null;
  /** Providers whose reveal matched the majority. */
  winners: number;
  revealers: Address[];
}

export type TaskVerification = ZkVerified | RedundantVerified | { ok: false; reason: string };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

async function settlement(ctx: VerifyContext, taskId: bigint) {
  const [completed] = await ctx.client.getContractEvents({
    address: ctx.market,
    abi: taskMarketAbi,
    eventName: "TaskCompleted",
    args: { taskId },
    fromBlock: ctx.fromBlock,
    strict: true,
  });
  return completed ?? null;
}

/** Verifies a ZK task's output and proof (`spec`: as `TaskSubmitted` emitted it); see the module comment. */
export async function verifyZkTask(
  ctx: VerifyContext,
  taskId: bigint,
  spec: TaskSpec,
): Promise<TaskVerification> {
  const [accepted] = await ctx.client.getContractEvents({
    address: ctx.market,
    abi: taskMarketAbi,
    eventName: "ProofAccepted",
    args: { taskId },
    fromBlock: ctx.fromBlock,
    strict: true,
  });
  if (!accepted) return { ok: false, reason: `task ${taskId} has no ProofAccepted event on chain` };
  const completed = await settlement(ctx, taskId);
  if (!completed) return { ok: false, reason: `task ${taskId} has no TaskCompleted event on chain` };
  const { provider, output } = accepted.args;
  const checked = verifyZkOutput({ taskId, output }, completed.args.result);
  if (!checked.ok) return checked;

  const verifier = spec.verifier;
  const txHash = accepted.transactionHash;
  const tx = await ctx.client.getTransaction({ hash: txHash });
  const call = tx.to && same(tx.to, ctx.market) ? decodeSubmitProofCall(tx.input) : null;
  let proof: ProofRecheck;
  if (!call) {
    // Relayed through another contract: the market's ProofAccepted alone attests the verifier's answer.
    proof = {
      checked: false,
      verifier,
      txHash,
      note: "the proof was sent through another contract, so it was not re-checked here",
    };
  } else {
    if (call.taskId !== taskId || call.output !== output) {
      return {
        ok: false,
        reason: `the submitProof call in ${txHash} does not match its ProofAccepted event`,
      };
    }
    const signals = zkPublicSignals({
      chainId: ctx.chainId,
      market: ctx.market,
      taskId,
      provider,
      spec,
      output,
    });
    let valid: boolean;
    try {
      valid = await ctx.client.readContract({
        address: verifier,
        abi: groth16VerifierAbi,
        functionName: "verifyProof",
        args: [call.proof.a, call.proof.b, call.proof.c, signals],
      });
    } catch (err) {
      return {
        ok: false,
        reason: `the verifier ${verifier} could not check the proof: ${(err as Error).message}`,
      };
    }
    if (!valid) return { ok: false, reason: `the verifier ${verifier} rejects the proof for this task` };
    proof = { checked: true, verifier, txHash };
  }
  return {
    ok: true,
    mode: "ZK",
    provider,
    output,
    logits: checked.logits,
    prediction: checked.prediction,
    digits: same(verifier, ctx.digitsVerifier),
    proof,
  };
}

/** Verifies a REDUNDANT task's majority result blob; see the module comment. */
export async function verifyRedundantTask(ctx: VerifyContext, taskId: bigint): Promise<TaskVerification> {
  const completed = await settlement(ctx, taskId);
  if (!completed) return { ok: false, reason: `task ${taskId} has no TaskCompleted event on chain` };
  const majority = completed.args.result;
  const reveals = await ctx.client.getContractEvents({
    address: ctx.market,
    abi: taskMarketAbi,
    eventName: "ResultRevealed",
    args: { taskId },
    fromBlock: ctx.fromBlock,
    strict: true,
  });
  const candidates = majorityReveals(
    reveals.map((r) => r.args),
    majority,
  );
  if (candidates.length === 0)
    return { ok: false, reason: `no provider revealed the majority result ${majority}` };
  const failures: string[] = [];
  for (const reveal of candidates) {
    const sha256 = blobUriSha256(reveal.resultURI);
    if (!sha256) {
      failures.push(`${reveal.resultURI}: not an eai://blob/sha256-<hex> URI`);
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = await ctx.fetchBlob(sha256);
    } catch (err) {
      failures.push(`${reveal.resultURI}: ${(err as Error).message}`);
      continue;
    }
    const checked = verifyRedundantResult(bytes, majority, reveal.resultURI);
    if (!checked.ok) {
      failures.push(checked.reason);
      continue;
    }
    return {
      ok: true,
      mode: "REDUNDANT",
      resultHash: checked.resultHash,
      resultURI: reveal.resultURI,
      sha256,
      bytes,
      preview: previewOf(bytes),
      winners: completed.args.winners,
      revealers: candidates.map((c) => c.provider),
    };
  }
  return { ok: false, reason: `no revealed result matches the majority (${failures.join("; ")})` };
}

/** Verifies a completed task: reads its spec from `TaskSubmitted` and runs the check of its mode. */
export async function verifyTask(ctx: VerifyContext, taskId: bigint): Promise<TaskVerification> {
  const submitted = await readSubmittedTask(ctx, taskId);
  if (!submitted) return { ok: false, reason: `task ${taskId} has no TaskSubmitted event on chain` };
  return submitted.spec.mode === 0
    ? verifyZkTask(ctx, taskId, submitted.spec)
    : verifyRedundantTask(ctx, taskId);
}
