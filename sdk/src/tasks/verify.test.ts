import { encodeFunctionData, keccak256, type Address, type Hex } from "viem";
import { describe, expect, it } from "vitest";

import { taskMarketAbi } from "../generated/abis.ts";
import { packOutput } from "../zk/commitment.ts";
import { taskBinding } from "./commitments.ts";
import type { TaskSpec } from "./spec.ts";
import {
  blobUriSha256,
  decodeSubmitProofCall,
  majorityReveals,
  verifyRedundantResult,
  verifyZkOutput,
  zkPublicSignals,
  zkSettledResult,
} from "./verify.ts";

const LOGITS = [-3, 1, 0, 2, 9, -1, 0, 4, 1, -2];
const MARKET: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const PROVIDER: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

const SPEC: TaskSpec = {
  requester: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  modelId: 1n,
  paymentToken: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  reward: 10n ** 18n,
  bond: 10n ** 17n,
  modelCreator: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  verifier: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
  modelCommitment: 123n,
  inputCommitment: 456n,
  createdAt: 1_700_000_000,
  createdBlock: 42n,
  priorityUntil: 1_700_000_060,
  deadline: 1_700_086_400,
  execWindow: 3600,
  revealWindow: 600,
  mode: 0,
  redundancy: 1,
  minTier: 1,
  minResources: {
    vramMiB: 0,
    computeCapability: 0,
    cpuCores: 1,
    ramMiB: 256,
    storageGiB: 0,
    bandwidthMbps: 0,
    benchmarkScore: 0,
    region: 0,
  },
  rated: true,
};

describe("verifyZkOutput", () => {
  // independent reference of the packing: slot k (18 bits) holds logit_k + 2^17
  const reference = LOGITS.reduce((acc, l, k) => acc + (BigInt(l + 2 ** 17) << BigInt(18 * k)), 0n);

  it("unpacks the proven word into the logits and their argmax", () => {
    expect(packOutput(LOGITS)).toBe(reference);
    const result = verifyZkOutput({ taskId: 7n, output: reference }, zkSettledResult(reference));
    expect(result).toEqual({ ok: true, word: reference, logits: LOGITS, prediction: 4 });
  });

  it("rejects a word with bits above the ten slots, and one outside the field", () => {
    const high = verifyZkOutput({ taskId: 7n, output: reference + (1n << 180n) });
    expect(high.ok).toBe(false);
    if (!high.ok) expect(high.reason).toMatch(/not a packed logits word/);
    const big = verifyZkOutput({ taskId: 1n, output: 2n ** 254n });
    expect(big).toEqual({ ok: false, reason: `task 1: output ${2n ** 254n} is not a field element` });
  });

  it("rejects a settlement whose result is not the proven word", () => {
    const result = verifyZkOutput({ taskId: 3n, output: reference }, zkSettledResult(reference + 1n));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/settled result .* is not the proven output/);
  });
});

describe("zkPublicSignals and decodeSubmitProofCall", () => {
  it("rebuilds the verifier's public signals in ProofLib's order", () => {
    const signals = zkPublicSignals({
      chainId: 31337,
      market: MARKET,
      taskId: 9n,
      provider: PROVIDER,
      spec: SPEC,
      output: 789n,
    });
    expect(signals).toEqual([123n, 456n, 789n, taskBinding(31337n, MARKET, 9n, PROVIDER)]);
  });

  it("decodes a submitProof call and returns null for any other call", () => {
    const proof = {
      a: [1n, 2n],
      b: [
        [3n, 4n],
        [5n, 6n],
      ],
      c: [7n, 8n],
    } as const;
    const data = encodeFunctionData({
      abi: taskMarketAbi,
      functionName: "submitProof",
      args: [9n, SPEC, packOutput(LOGITS), proof],
    });
    const call = decodeSubmitProofCall(data);
    expect(call?.taskId).toBe(9n);
    expect(call?.output).toBe(packOutput(LOGITS));
    expect(call?.proof).toEqual(proof);
    expect(call?.spec.modelCommitment).toBe(123n);
    const cancel = encodeFunctionData({ abi: taskMarketAbi, functionName: "cancelTask", args: [9n, SPEC] });
    expect(decodeSubmitProofCall(cancel)).toBeNull();
    expect(decodeSubmitProofCall("0xdeadbeef")).toBeNull();
  });
});

describe("REDUNDANT results", () => {
  const bytes = new TextEncoder().encode('{"label":"cat"}');
  const majority = keccak256(bytes);

  it("accepts the bytes whose keccak256 is the majority", () => {
    expect(verifyRedundantResult(bytes, majority)).toEqual({ ok: true, resultHash: majority });
    expect(verifyRedundantResult(bytes, majority.toUpperCase().replace("0X", "0x") as Hex).ok).toBe(true);
  });

  it("rejects bytes that do not hash to the majority", () => {
    const other = new TextEncoder().encode('{"label":"dog"}');
    const result = verifyRedundantResult(other, majority, "eai://blob/sha256-ab");
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toBe(
        `eai://blob/sha256-ab: keccak256 ${keccak256(other)} is not the majority ${majority}`,
      );
    }
  });

  it("picks the reveals of the majority hash", () => {
    const reveals = [
      { provider: PROVIDER, resultHash: majority, resultURI: "a" },
      { provider: MARKET, resultHash: keccak256("0x01"), resultURI: "b" },
      { provider: SPEC.requester, resultHash: majority, resultURI: "c" },
    ];
    expect(majorityReveals(reveals, majority).map((r) => r.resultURI)).toEqual(["a", "c"]);
  });

  it("reads the sha256 of a blob URI and nothing else", () => {
    const hex = "ab".repeat(32);
    expect(blobUriSha256(`eai://blob/sha256-${hex}`)).toBe(hex);
    expect(blobUriSha256(`eai://blob/sha256-${hex.toUpperCase()}`)).toBeNull();
    expect(blobUriSha256(`https://example.com/${hex}`)).toBeNull();
    expect(blobUriSha256(`eai://blob/sha256-${hex}/../x`)).toBeNull();
  });
});
