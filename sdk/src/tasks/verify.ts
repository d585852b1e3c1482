/**
 * Checks of a settled task's result against what the chain recorded, shared by the SDK client and the web app.
 * Pure and browser-safe (viem, the Poseidon commitment and the reference inference only): the functions take the
 * decoded events and the fetched bytes, never a client, so the caller decides where they come from.
 *
 * - ZK: the `output` word emitted by `ProofAccepted` is public signal 2 of the verified proof (the market checked
 *   it against the proof), so it must be a well-formed packed logits word and the settlement's `result` must be
 *   that word. {@link zkPublicSignals} rebuilds the four public signals the market handed the verifier, so a
 *   caller can ask the verifier again (`verifyProof`) with the proof from the `submitProof` calldata
 *   ({@link decodeSubmitProofCall}) instead of trusting the market.
 * - REDUNDANT: the result blob of a provider that revealed the majority hash must hash (keccak256) to it.
 */
import { decodeFunctionData, keccak256, toHex, type Address, type Hex } from "viem";

import { taskMarketAbi } from "../generated/abis.ts";
import { packOutput, unpackOutput } from "../zk/commitment.ts";
import { argmax } from "../zk/inference.ts";
import { SNARK_SCALAR_FIELD } from "../zk/spec.ts";
import { taskBinding } from "./commitments.ts";
import type { TaskSpec } from "./spec.ts";

/** Outcome of a check: the verified value, or why it failed (a sentence naming the values that disagree). */
export type Verification<T> = ({ ok: true } & T) | { ok: false; reason: string };

/** What `ProofAccepted` carries that the output check needs. */
export interface ProofAcceptedArgs {
  taskId: bigint;
  /** The proven output word (public signal 2): the ten logits packed as unsigned 18-bit slots. */
  output: bigint;
}

/** A ZK output word, unpacked. */
export interface VerifiedZkOutput {
  /** The packed logits word. */
  word: bigint;
  logits: number[];
  /** argmax of the logits (for the digits model: the predicted digit). */
  prediction: number;
}

/** `bytes32(output)`, what `TaskCompleted.result` holds for a ZK task. */
export function zkSettledResult(output: bigint): Hex {
  return toHex(output, { size: 32 });
}

/**
 * Checks a ZK task's proven output word: a field element that is a well-formed packed logits word (every bit above
 * the ten 18-bit slots zero, so it unpacks and packs back to itself); when `settledResult` (`TaskCompleted.result`)
 * is given, it must be that word. Returns the unpacked logits and their argmax.
 */
export function verifyZkOutput(
  event: ProofAcceptedArgs,
  settledResult?: Hex,
): Verification<VerifiedZkOutput> {
  const { taskId, output } = event;
  if (output < 0n || output >= SNARK_SCALAR_FIELD) {
    return { ok: false, reason: `task ${taskId}: output ${output} is not a field element` };
  }
  const logits = unpackOutput(output);
  if (packOutput(logits) !== output) {
    return {
      ok: false,
      reason: `task ${taskId}: output ${output} is not a packed logits word (bits above slot 9)`,
    };
  }
  if (settledResult !== undefined && settledResult.toLowerCase() !== zkSettledResult(output)) {
    return {
      ok: false,
      reason: `task ${taskId}: the settled result ${settledResult} is not the proven output ${zkSettledResult(output)}`,
    };
  }
  return { ok: true, word: output, logits, prediction: argmax(logits) };
}

/**
 * The four public signals `TaskMarket` passes to the task's verifier, in ProofLib's order:
 * [modelCommitment, inputCommitment, output, taskBinding(chainId, market, taskId, provider)].
 */
export function zkPublicSignals(params: {
  chainId: bigint | number;
  market: Address;
  taskId: bigint;
  provider: Address;
  spec: Pick<TaskSpec, "modelCommitment" | "inputCommitment">;
  output: bigint;
}): readonly [bigint, bigint, bigint, bigint] {
  return [
    params.spec.modelCommitment,
    params.spec.inputCommitment,
    params.output,
    taskBinding(BigInt(params.chainId), params.market, params.taskId, params.provider),
  ];
}

/** The arguments of a `TaskMarket.submitProof` call. */
export interface SubmitProofCall {
  taskId: bigint;
  spec: TaskSpec;
  output: bigint;
  proof: {
    a: readonly [bigint, bigint];
    b: readonly [readonly [bigint, bigint], readonly [bigint, bigint]];
    c: readonly [bigint, bigint];
  };
}

/**
 * Decodes the calldata of a transaction sent straight to `TaskMarket.submitProof`; `null` when the data is not
 * such a call (for example a proof relayed through another contract).
 */
export function decodeSubmitProofCall(data: Hex): SubmitProofCall | null {
  try {
    const call = decodeFunctionData({ abi: taskMarketAbi, data });
    if (call.functionName !== "submitProof") return null;
    const [taskId, spec, output, proof] = call.args;
    return { taskId, spec, output, proof };
  } catch {
    return null;
  }
}

/** What `ResultRevealed` carries that the result check needs. */
export interface ResultRevealedArgs {
  provider: Address;
  resultHash: Hex;
  resultURI: string;
}

/** The reveals of the settled majority hash (the candidates to fetch the result from), first revealed first. */
export function majorityReveals<R extends ResultRevealedArgs>(reveals: readonly R[], majority: Hex): R[] {
  const want = majority.toLowerCase();
  return reveals.filter((r) => r.resultHash.toLowerCase() === want);
}

/** Checks that a fetched REDUNDANT result blob is the settled majority: keccak256(bytes) == majority. */
export function verifyRedundantResult(
  bytes: Uint8Array,
  majority: Hex,
  source = "the result",
): Verification<{ resultHash: Hex }> {
  const hash = keccak256(bytes);
  if (hash !== majority.toLowerCase()) {
    return { ok: false, reason: `${source}: keccak256 ${hash} is not the majority ${majority}` };
  }
  return { ok: true, resultHash: hash };
}

const BLOB_URI = /^eai:\/\/blob\/sha256-([0-9a-f]{64})$/;

/**
 * The sha256 (64 lowercase hex digits) an `eai://blob/sha256-<hex>` URI names, or `null` for any other URI.
 * (Same format as `storage/uri.ts`, without its Node-only hashing.)
 */
export function blobUriSha256(uri: string): string | null {
  return BLOB_URI.exec(uri)?.[1] ?? null;
}
