import {
  decodeFunctionData,
  encodeAbiParameters,
  encodeEventTopics,
  getAbiItem,
  hashTypedData,
  keccak256,
  parseEther,
  recoverTypedDataAddress,
  serializeSignature,
  toBytes,
  type Address,
  type Hex,
  type Log,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterEach, describe, expect, it, vi } from "vitest";
import { taskMarketAbi } from "../generated/abis.ts";
import { EaiError } from "../client/errors.ts";
import { BLOB_URI_PREFIX as STORAGE_BLOB_URI_PREFIX, blobUri, sha256Hex } from "../storage/uri.ts";
import { inputCommitment } from "../zk/commitment.ts";
import { quantiseImage } from "../zk/image.ts";
import { SNARK_SCALAR_FIELD } from "../zk/spec.ts";
import {
  BLOB_URI_PREFIX,
  PERMIT_TYPES,
  contentAddress,
  buildTaskRequest,
  earliestDeadline,
  encodeParameterChange,
  encodeZkInput,
  mergeResources,
  permitSignatureParts,
  permitTypedData,
  randomFieldElement,
  rewardSplit,
  submittedTaskFromLogs,
  type Eip712DomainResult,
  type TaskRequestParams,
} from "./request.ts";
import type { TaskResources, TaskSpec } from "./spec.ts";

const NONE: TaskResources = {
  vramMiB: 0,
  computeCapability: 0,
  cpuCores: 0,
  ramMiB: 0,
  storageGiB: 0,
  bandwidthMbps: 0,
  benchmarkScore: 0,
  region: 0,
};
const TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address;
const MARKET = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" as Address;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("randomFieldElement", () => {
  it("draws below the field and rejects draws at or above it", () => {
    const draws = [new Uint8Array(32).fill(0xff), new Uint8Array(32).fill(0x01)];
    const spy = vi
      .spyOn(globalThis.crypto, "getRandomValues")
      .mockImplementation(<T extends ArrayBufferView | null>(arr: T): T => {
        const next = draws.shift();
        if (!next || !arr) throw new Error("no more draws");
        new Uint8Array(arr.buffer).set(next);
        return arr;
      });
    // 0xff… masked to 254 bits is 2^254 - 1 ≥ p: rejected; the second draw is taken.
    expect(randomFieldElement()).toBe(BigInt(`0x01${"01".repeat(31)}`));
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it("gives distinct values that are field elements", () => {
    const values = new Set(Array.from({ length: 20 }, () => randomFieldElement()));
    expect(values.size).toBe(20);
    for (const v of values) expect(v < SNARK_SCALAR_FIELD && v >= 0n).toBe(true);
  });
});

describe("encodeZkInput", () => {
  const x = Array.from({ length: 49 }, (_, i) => i % 16);

  it("writes zk-mlp input v1 and the Poseidon commitment of the packed input and salt", async () => {
    const encoded = await encodeZkInput({ x, salt: 12345n });
    expect(JSON.parse(new TextDecoder().decode(encoded.blob))).toEqual({ v: 1, x, salt: "12345" });
    expect(encoded.commitment).toBe(await inputCommitment(x, 12345n));
    expect(encoded.x).toEqual(x);
    expect(encoded.salt).toBe(12345n);
  });

  it("quantises a 28×28 image and draws a random salt when none is given", async () => {
    const image = Uint8Array.from({ length: 784 }, (_, i) => (i * 7) % 256);
    const a = await encodeZkInput({ image });
    const b = await encodeZkInput({ image });
    expect(a.x).toEqual(quantiseImage(image));
    expect(a.salt).not.toBe(b.salt);
    expect(a.commitment).not.toBe(b.commitment);
    expect(a.commitment).toBe(await inputCommitment(a.x, a.salt));
  });

  it("rejects bad pixels, bad sizes and salts outside the field", async () => {
    await expect(encodeZkInput({ x: [...x.slice(0, 48), 16] })).rejects.toThrow(/input\[48\] = 16/);
    await expect(encodeZkInput({ image: new Uint8Array(10) })).rejects.toThrow(/784 pixels/);
    await expect(encodeZkInput({ x, salt: SNARK_SCALAR_FIELD })).rejects.toThrow(/field element/);
  });
});

describe("contentAddress", () => {
  it("agrees with the storage module's sha256 and URI", async () => {
    const bytes = new TextEncoder().encode("hello blob");
    const ref = await contentAddress(bytes);
    expect(BLOB_URI_PREFIX).toBe(STORAGE_BLOB_URI_PREFIX);
    expect(ref.sha256).toBe(sha256Hex(bytes));
    expect(ref.uri).toBe(blobUri(sha256Hex(bytes)));
    expect(ref.commitment).toBe(BigInt(`0x${sha256Hex(bytes)}`));
  });
});

describe("task requests", () => {
  const base: TaskRequestParams = {
    modelId: 1n,
    paymentToken: TOKEN,
    reward: parseEther("2"),
    mode: "zk",
    deadline: 2_000_000_000,
    modelMinResources: { ...NONE, cpuCores: 1, ramMiB: 512, region: 276 },
    inputCommitment: 42n,
    inputURI: `${BLOB_URI_PREFIX}${"ab".repeat(32)}`,
  };

  it("merges the model's minimum resources field by field", () => {
    const model = { ...NONE, cpuCores: 2, ramMiB: 1024, region: 276 };
    expect(mergeResources(model, { cpuCores: 1, ramMiB: 4096, vramMiB: 8192 })).toEqual({
      ...model,
      ramMiB: 4096,
      vramMiB: 8192,
    });
    expect(mergeResources(model, { region: 840 }).region).toBe(840);
    expect(mergeResources(model, { region: 0 }).region).toBe(276);
  });

  it("fills the documented defaults", () => {
    expect(buildTaskRequest(base)).toEqual({
      modelId: 1n,
      paymentToken: TOKEN,
      reward: parseEther("2"),
      deadline: 2_000_000_000,
      execWindow: 3600,
      mode: 0,
      redundancy: 1,
      minTier: 1,
      minResources: base.modelMinResources,
      inputCommitment: 42n,
      inputURI: base.inputURI,
    });
    const redundant = buildTaskRequest({
      ...base,
      mode: "redundant",
      minTier: 2,
      execWindow: 60,
      minResources: { ramMiB: 2048 },
    });
    expect(redundant).toMatchObject({ mode: 1, redundancy: 3, minTier: 2, execWindow: 60 });
    expect(redundant.minResources.ramMiB).toBe(2048);
  });

  it("names each field the market would reject", () => {
    const fail = (p: Partial<TaskRequestParams>) => {
      try {
        buildTaskRequest({ ...base, ...p });
      } catch (err) {
        expect(err).toBeInstanceOf(EaiError);
        expect((err as EaiError).code).toBe("invalid-argument");
        return (err as Error).message;
      }
      throw new Error("expected a rejection");
    };
    expect(fail({ redundancy: 3 })).toMatch(/redundancy: a ZK task has redundancy 1/);
    expect(fail({ mode: "redundant", redundancy: 4 })).toMatch(/odd redundancy ≥ 3/);
    expect(fail({ inputCommitment: SNARK_SCALAR_FIELD })).toMatch(/inputCommitment: .*below the BN254/);
    expect(fail({ inputCommitment: 0n })).toMatch(/inputCommitment: expected a non-zero/);
    expect(fail({ reward: 0n })).toMatch(/reward: expected a positive amount/);
    expect(fail({ minTier: 4 })).toMatch(/minTier/);
    expect(fail({ execWindow: 0 })).toMatch(/execWindow/);
    expect(fail({ paymentToken: "0x12" as Address })).toMatch(/paymentToken/);
    expect(fail({ inputURI: "" })).toMatch(/inputURI: required/);
    // A commitment at or above the field is fine for REDUNDANT (uint256(sha256(blob))).
    expect(
      buildTaskRequest({ ...base, mode: "redundant", inputCommitment: 2n ** 255n }).inputCommitment,
    ).toBe(2n ** 255n);
  });

  it("computes the earliest deadline the market accepts", () => {
    const params = { priorityWindow: 30, revealWindow: 600 };
    expect(earliestDeadline(1000, 3600, "zk", params)).toBe(1000 + 30 + 3600);
    expect(earliestDeadline(1000, 3600, "redundant", params)).toBe(1000 + 30 + 3600 + 600);
  });

  it("splits a reward like TaskMarket._creditPayouts, rounding dust to the treasury", () => {
    const fees = { providerBps: 8000, creatorBps: 500 };
    expect(rewardSplit(parseEther("1"), fees)).toEqual({
      perProvider: parseEther("0.8"),
      providerTotal: parseEther("0.8"),
      creator: parseEther("0.05"),
      treasury: parseEther("0.15"),
    });
    const odd = rewardSplit(1001n, fees, 3);
    expect(odd.perProvider).toBe(266n); // 1001 * 8000 / 10000 = 800 (floor), / 3 = 266
    expect(odd.providerTotal + odd.creator + odd.treasury).toBe(1001n);
    expect(odd.treasury).toBe(1001n - 798n - 50n);
    expect(() => rewardSplit(1n, fees, 0)).toThrow(/winners/);
  });

  it("reads the task id from the market's TaskSubmitted log only", () => {
    const spec: TaskSpec = {
      requester: TOKEN,
      paymentToken: TOKEN,
      reward: 5n,
      bond: 1n,
      modelId: 1n,
      modelCreator: TOKEN,
      verifier: TOKEN,
      modelCommitment: 9n,
      createdAt: 1,
      createdBlock: 1n,
      priorityUntil: 2,
      deadline: 3,
      execWindow: 4,
      revealWindow: 0,
      mode: 0,
      redundancy: 1,
      minTier: 1,
      minResources: NONE,
      rated: false,
      inputCommitment: 42n,
    };
    const event = getAbiItem({ abi: taskMarketAbi, name: "TaskSubmitted" });
    const topics = encodeEventTopics({
      abi: taskMarketAbi,
      eventName: "TaskSubmitted",
      args: { taskId: 7n, requester: TOKEN, modelId: 1n },
    });
    const data = encodeAbiParameters(event.inputs.slice(3), [spec, "eai://blob/x"]);
    const log = (address: Address): Log =>
      ({
        address,
        topics,
        data,
        blockHash: null,
        blockNumber: null,
        logIndex: null,
        transactionHash: null,
        transactionIndex: null,
        removed: false,
      }) as unknown as Log;
    expect(submittedTaskFromLogs([log(TOKEN)], MARKET)).toBeNull();
    const found = submittedTaskFromLogs([log(TOKEN), log(MARKET.toLowerCase() as Address)], MARKET);
    expect(found?.taskId).toBe(7n);
    expect(found?.inputURI).toBe("eai://blob/x");
    expect(found?.spec.inputCommitment).toBe(42n);
  });
});

describe("permit", () => {
  const owner = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  const domain: Eip712DomainResult = ["0x0f", "Elastic AI", "1", 31337n, TOKEN, `0x${"00".repeat(32)}`, []];
  const message = {
    owner: owner.address,
    spender: MARKET,
    value: parseEther("3"),
    nonce: 4n,
    deadline: 1234n,
  };

  it("hashes exactly like OpenZeppelin ERC20Permit", () => {
    const typed = permitTypedData(domain, message);
    expect(typed.types).toBe(PERMIT_TYPES);
    const permitTypehash = keccak256(
      toBytes("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
    );
    const structHash = keccak256(
      encodeAbiParameters(
        [
          { type: "bytes32" },
          { type: "address" },
          { type: "address" },
          { type: "uint256" },
          { type: "uint256" },
          { type: "uint256" },
        ],
        [permitTypehash, message.owner, message.spender, message.value, message.nonce, message.deadline],
      ),
    );
    const domainSeparator = keccak256(
      encodeAbiParameters(
        [
          { type: "bytes32" },
          { type: "bytes32" },
          { type: "bytes32" },
          { type: "uint256" },
          { type: "address" },
        ],
        [
          keccak256(
            toBytes("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
          ),
          keccak256(toBytes("Elastic AI")),
          keccak256(toBytes("1")),
          31337n,
          TOKEN,
        ],
      ),
    );
    const digest = keccak256(`0x1901${domainSeparator.slice(2)}${structHash.slice(2)}` as Hex);
    expect(hashTypedData(typed)).toBe(digest);
  });

  it("splits a signature into the v, r, s the permit takes and recovers the owner", async () => {
    const typed = permitTypedData(domain, message);
    const signature = await owner.signTypedData(typed);
    const { v, r, s } = permitSignatureParts(signature);
    expect([27, 28]).toContain(v);
    expect(serializeSignature({ r, s, v: BigInt(v) })).toBe(signature);
    expect(await recoverTypedDataAddress({ ...typed, signature })).toBe(owner.address);
  });
});

describe("encodeParameterChange", () => {
  const addresses = { TaskMarket: MARKET, StakingVault: TOKEN };

  it("encodes one call with value 0 to the contract's address", () => {
    const p = encodeParameterChange(
      {
        contract: "TaskMarket",
        functionName: "setStakeParams",
        args: [parseEther("2"), parseEther("200")],
        description: "raise the bond floor",
      },
      addresses,
    );
    expect(p.targets).toEqual([MARKET]);
    expect(p.values).toEqual([0n]);
    expect(p.descriptionHash).toBe(keccak256(toBytes("raise the bond floor")));
    const decoded = decodeFunctionData({ abi: taskMarketAbi, data: p.calldatas[0] as Hex });
    expect(decoded.functionName).toBe("setStakeParams");
    expect(decoded.args).toEqual([parseEther("2"), parseEther("200")]);
  });

  it("rejects unknown contracts and functions, bad arguments and empty descriptions", () => {
    const change = {
      contract: "TaskMarket" as const,
      functionName: "setStakeParams",
      args: [1n, 2n],
      description: "x",
    };
    expect(() => encodeParameterChange({ ...change, functionName: "nope" }, addresses)).toThrow(
      /TaskMarket\.nope/,
    );
    expect(() => encodeParameterChange({ ...change, args: [1n] }, addresses)).toThrow(EaiError);
    expect(() => encodeParameterChange({ ...change, args: [-1n, 2n] }, addresses)).toThrow(EaiError);
    expect(() => encodeParameterChange({ ...change, description: "  " }, addresses)).toThrow(
      /description: required/,
    );
    expect(() =>
      encodeParameterChange({ ...change, contract: "MnistMlpVerifier" as "TaskMarket" }, addresses),
    ).toThrow(/unknown MnistMlpVerifier/);
    expect(() => encodeParameterChange({ ...change, contract: "Reputation" }, addresses)).toThrow(
      /no address for Reputation/,
    );
  });
});
