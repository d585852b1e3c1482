/**
 * Test double of the zk-mlp executor for tests about the worker's logic: "proves" with the MockVerifier's rule
 * (contracts/mocks/MockVerifier.sol). Input commitment: uint256(sha256(input)) mod p. Output word: keccak256 of
 * sha256(input), reduced mod p.
 */
import { createHash } from "node:crypto";
import { keccak256 } from "viem";
import { mockProof, FIELD } from "../../test/integration/fixture.ts";
import { ExecutionError } from "../src/executors/types.ts";
import type { ZkExecutor, ZkInput, ZkProveResult } from "../src/executors/zk-mlp.ts";

export function mockZkCommitment(input: Uint8Array): bigint {
  return BigInt(`0x${createHash("sha256").update(input).digest("hex")}`) % FIELD;
}

export class MockZkExecutor implements ZkExecutor {
  readonly kind = "zk-mlp" as const;
  proofs = 0;
  /** While set, prove() waits for it (to hold a task mid-execution). */
  gate: Promise<void> | undefined;
  /** How many prove() calls have reached the gate (a test waits on this, not on a phase, before cutting the RPC). */
  waiting = 0;

  async checkInput(input: Uint8Array, expected: bigint): Promise<ZkInput> {
    if (mockZkCommitment(input) !== expected)
      throw new ExecutionError("bad-input", "mock: input commitment mismatch");
    return { x: [], salt: 0n };
  }

  async prove(args: {
    input: Uint8Array;
    modelCommitment: bigint;
    inputCommitment: bigint;
    binding: bigint;
  }): Promise<ZkProveResult> {
    await this.checkInput(args.input, args.inputCommitment);
    if (this.gate) {
      this.waiting++;
      await this.gate;
    }
    const digest = new Uint8Array(createHash("sha256").update(args.input).digest());
    const outputWord = BigInt(keccak256(digest)) % FIELD;
    const signals = [args.modelCommitment, args.inputCommitment, outputWord, args.binding] as const;
    this.proofs++;
    return {
      outputWord,
      proof: mockProof(signals),
      publicSignals: signals,
      inferenceMs: 0,
      proofMs: 0,
    };
  }

  async close(): Promise<void> {}
}
