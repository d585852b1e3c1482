import { encodeFunctionData, keccak256, toHex, type Address, type Hex } from "viem";
import { describe, expect, it, vi } from "vitest";
import { taskMarketAbi } from "@eai/sdk/abis";
import type { TaskSpec } from "@eai/sdk/tasks";
import { taskBinding } from "@eai/sdk/tasks";
import { packOutput } from "@eai/sdk/zk/commitment";
import { encodeTensors } from "@eai/sdk/tasks/tensors";
import { eaitPreview, resultPreview } from "./result-preview.ts";
import { zkOutputJson } from "./task-output.ts";
import {
  verifyTask,
  type VerificationClient,
  type VerifyContext,
  type ZkVerified,
} from "./task-verification.ts";

const MARKET: Address = "0x8A791620dd6260079BF849Dc5567aDC3F2FdC318";
const VERIFIER: Address = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";
const PROVIDER: Address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const LOGITS = [-3, 1, 0, 2, 9, -1, 0, 4, 1, -2];
const PROOF_TX: Hex = `0x${"11".repeat(32)}`;
const PROOF = {
  a: [1n, 2n],
  b: [
    [3n, 4n],
    [5n, 6n],
  ],
  c: [7n, 8n],
} as const;

function spec(mode: 0 | 1): TaskSpec {
  return {
    requester: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    modelId: 1n,
    paymentToken: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
    reward: 10n ** 18n,
    bond: 10n ** 18n,
    modelCreator: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    verifier: VERIFIER,
    modelCommitment: 11n,
    inputCommitment: 22n,
    createdAt: 1,
    createdBlock: 1n,
    priorityUntil: 2,
    deadline: 100_000,
    execWindow: 3600,
    revealWindow: mode === 1 ? 600 : 0,
    mode,
    redundancy: mode === 1 ? 3 : 1,
    minTier: 1,
    minResources: {
      vramMiB: 0,
      computeCapability: 0,
      cpuCores: 0,
      ramMiB: 0,
      storageGiB: 0,
      bandwidthMbps: 0,
      benchmarkScore: 0,
      region: 0,
    },
    rated: true,
  };
}

interface FakeChain {
  spec: TaskSpec;
  proofAccepted?: { output: bigint };
  result?: Hex;
  reveals?: { provider: Address; resultHash: Hex; resultURI: string }[];
  txInput?: Hex;
  txTo?: Address;
  verifierAnswer?: boolean;
}

/** A stand-in for the RPC: answers the event queries of one task and records the verifier call. */
function fakeClient(chain: FakeChain) {
  const readContract = vi.fn(async () => chain.verifierAnswer ?? true);
  const client = {
    getContractEvents: async ({ eventName }: { eventName: string }) => {
      switch (eventName) {
        case "TaskSubmitted":
          return [
            {
              args: { spec: chain.spec, inputURI: "eai://blob/x" },
              transactionHash: "0x01",
              blockNumber: 5n,
            },
          ];
        case "ProofAccepted":
          return chain.proofAccepted
            ? [{ args: { provider: PROVIDER, ...chain.proofAccepted }, transactionHash: PROOF_TX }]
            : [];
        case "TaskCompleted":
          return chain.result
            ? [{ args: { result: chain.result, winners: 2 }, transactionHash: "0x02" }]
            : [];
        case "ResultRevealed":
          return (chain.reveals ?? []).map((args) => ({ args }));
        default:
          throw new Error(`unexpected event ${eventName}`);
      }
    },
    getTransaction: async () => ({ to: chain.txTo ?? MARKET, input: chain.txInput ?? "0x" }),
    readContract,
  };
  return { client: client as unknown as VerificationClient, readContract };
}

function ctx(client: VerificationClient, blobs: Record<string, Uint8Array> = {}): VerifyContext {
  return {
    client,
    chainId: 31337,
    market: MARKET,
    fromBlock: 0n,
    digitsVerifier: VERIFIER,
    fetchBlob: async (sha) => {
      const b = blobs[sha];
      if (!b) throw new Error("the blob store answered 404");
      return b;
    },
  };
}

/**
 * A settled ZK task: `proven` is the word in ProofAccepted and the submitProof call, `settled` the word the task
 * settled on (TaskCompleted.result); they differ only when a test tampers with one.
 */
function zkChain(proven: bigint, settled: bigint = proven, called: bigint = proven): FakeChain {
  const s = spec(0);
  return {
    spec: s,
    proofAccepted: { output: proven },
    result: toHex(settled, { size: 32 }),
    txInput: encodeFunctionData({
      abi: taskMarketAbi,
      functionName: "submitProof",
      args: [7n, s, called, PROOF],
    }),
  };
}

/** Independent reference of the circuit's packing: slot k (18 bits) holds logit_k + 2^17. */
const WORD = LOGITS.reduce((acc, l, k) => acc + (BigInt(l + 2 ** 17) << BigInt(18 * k)), 0n);

describe("verifyTask (ZK)", () => {
  it("takes the proven word, re-asks the verifier with the rebuilt public signals and returns the digit", async () => {
    expect(packOutput(LOGITS)).toBe(WORD);
    const { client, readContract } = fakeClient(zkChain(WORD));
    const result = await verifyTask(ctx(client), 7n);
    expect(result).toMatchObject({
      ok: true,
      mode: "ZK",
      output: WORD,
      logits: LOGITS,
      prediction: 4,
      digits: true,
    });
    expect(result.ok && result.mode === "ZK" && result.proof.checked).toBe(true);
    expect(readContract).toHaveBeenCalledOnce();
    const call = readContract.mock.calls[0] as unknown as [{ address: Address; args: unknown[] }];
    expect(call[0].address).toBe(VERIFIER);
    expect(call[0].args[3]).toEqual([11n, 22n, WORD, taskBinding(31337n, MARKET, 7n, PROVIDER)]);
  });

  it("fails on a proven word with bits above the ten logit slots, before asking the verifier", async () => {
    const high = WORD + (1n << 180n);
    const { client, readContract } = fakeClient(zkChain(high));
    const result = await verifyTask(ctx(client), 7n);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/not a packed logits word/);
    expect(readContract).not.toHaveBeenCalled();
  });

  it("fails when the task settled on another word than the proven one", async () => {
    const { client, readContract } = fakeClient(zkChain(WORD, WORD + 1n));
    const result = await verifyTask(ctx(client), 7n);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/settled result .* is not the proven output/);
    expect(readContract).not.toHaveBeenCalled();
  });

  it("fails when the submitProof call carries another word than its ProofAccepted event", async () => {
    const { client, readContract } = fakeClient(zkChain(WORD, WORD, packOutput([...LOGITS.slice(0, 9), 30])));
    expect(await verifyTask(ctx(client), 7n)).toEqual({
      ok: false,
      reason: `the submitProof call in ${PROOF_TX} does not match its ProofAccepted event`,
    });
    expect(readContract).not.toHaveBeenCalled();
  });

  it("fails when the verifier rejects the proof", async () => {
    const { client } = fakeClient({ ...zkChain(WORD), verifierAnswer: false });
    expect(await verifyTask(ctx(client), 7n)).toEqual({
      ok: false,
      reason: `the verifier ${VERIFIER} rejects the proof for this task`,
    });
  });

  it("does not re-check a proof relayed through another contract, and says so", async () => {
    const { client, readContract } = fakeClient({ ...zkChain(WORD), txTo: PROVIDER });
    const result = await verifyTask(ctx(client), 7n);
    expect(result.ok && result.mode === "ZK" && !result.proof.checked && result.proof.note).toMatch(
      /not re-checked/,
    );
    expect(readContract).not.toHaveBeenCalled();
  });

  it("fails when there is no ProofAccepted event", async () => {
    const { client } = fakeClient({ spec: spec(0) });
    expect(await verifyTask(ctx(client), 7n)).toEqual({
      ok: false,
      reason: "task 7 has no ProofAccepted event on chain",
    });
  });

  it("writes the verified output as JSON, the proven word as 32-byte hex", async () => {
    const { client } = fakeClient(zkChain(WORD));
    const result = (await verifyTask(ctx(client), 7n)) as ZkVerified;
    const json = JSON.parse(zkOutputJson(7n, result)) as Record<string, unknown>;
    expect(json).toMatchObject({
      taskId: "7",
      output: toHex(WORD, { size: 32 }),
      logits: LOGITS,
      prediction: 4,
      proofTx: PROOF_TX,
      proofRechecked: true,
    });
  });
});

describe("verifyTask (REDUNDANT)", () => {
  const good = new TextEncoder().encode('{"label":"cat"}');
  const bad = new TextEncoder().encode('{"label":"dog"}');
  const majority = keccak256(good);
  const shaA = "a".repeat(64);
  const shaB = "b".repeat(64);

  it("skips a blob that does not hash to the majority and accepts the next revealer's", async () => {
    const { client } = fakeClient({
      spec: spec(1),
      result: majority,
      reveals: [
        { provider: PROVIDER, resultHash: majority, resultURI: `eai://blob/sha256-${shaA}` },
        { provider: MARKET, resultHash: majority, resultURI: `eai://blob/sha256-${shaB}` },
      ],
    });
    const result = await verifyTask(ctx(client, { [shaA]: bad, [shaB]: good }), 9n);
    expect(result).toMatchObject({
      ok: true,
      mode: "REDUNDANT",
      resultHash: majority,
      sha256: shaB,
      winners: 2,
      preview: '{\n  "label": "cat"\n}',
    });
  });

  it("fails with every reason when no blob matches", async () => {
    const { client } = fakeClient({
      spec: spec(1),
      result: majority,
      reveals: [
        { provider: PROVIDER, resultHash: majority, resultURI: `eai://blob/sha256-${shaA}` },
        { provider: MARKET, resultHash: majority, resultURI: "https://elsewhere.example/x" },
        { provider: VERIFIER, resultHash: keccak256(bad), resultURI: `eai://blob/sha256-${shaB}` },
      ],
    });
    const result = await verifyTask(ctx(client, { [shaA]: bad, [shaB]: bad }), 9n);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toContain(`keccak256 ${keccak256(bad)} is not the majority ${majority}`);
      expect(result.reason).toContain("https://elsewhere.example/x: not an eai://blob/sha256-<hex> URI");
    }
  });
});

describe("resultPreview", () => {
  it("pretty-prints JSON, keeps text and refuses binary", () => {
    expect(resultPreview(new TextEncoder().encode('{"a":1}'))).toBe('{\n  "a": 1\n}');
    expect(resultPreview(new TextEncoder().encode("hello"))).toBe("hello");
    expect(resultPreview(new Uint8Array([0, 1, 2, 255]))).toBeNull();
    expect(resultPreview(new TextEncoder().encode("x".repeat(10)), 4)).toBe("xxxx…");
  });
});

describe("eaitPreview", () => {
  it("summarises the tensors of an EAIT blob (encoded by the SDK codec)", () => {
    const bytes = encodeTensors([
      { name: "y", dtype: "float32", dims: [1, 3], data: new Float32Array([0.5, -1.25, 3]) },
      { name: "ids", dtype: "int64", dims: [2], data: new BigInt64Array([7n, -2n]) },
      { name: "ok", dtype: "bool", dims: [], data: new Uint8Array([1]) },
    ]);
    expect(eaitPreview(bytes)).toBe(
      "y (float32, 1×3): 0.5, -1.25, 3\nids (int64, 2): 7, -2\nok (bool, scalar): true",
    );
    expect(eaitPreview(bytes, 2)?.split("\n")[0]).toBe("y (float32, 1×3): 0.5, -1.25, … (3 values)");
  });

  it("refuses anything that is not a well-formed EAIT blob", () => {
    const bytes = encodeTensors([{ name: "y", dtype: "int32", dims: [2], data: new Int32Array([1, 2]) }]);
    expect(eaitPreview(bytes.subarray(0, bytes.length - 1))).toBeNull();
    expect(eaitPreview(new Uint8Array([...bytes, 0]))).toBeNull();
    expect(eaitPreview(new TextEncoder().encode('{"a":1}'))).toBeNull();
  });
});
