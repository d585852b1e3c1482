/**
 * The client against the real contracts on Hardhat's in-process network (deployed through the production Ignition
 * module by test/integration/fixture.ts) and a real blob store.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { custom, decodeFunctionData, keccak256, parseEther, parseEventLogs, type Address } from "viem";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  NO_RESOURCES,
  WEIGHTS,
  mockProof,
  setupProtocol,
  type Protocol,
} from "../../../test/integration/fixture.ts";
import { generateX25519KeyPair } from "../crypto/index.ts";
import {
  fetchBlob,
  httpStorage,
  sha256Hex,
  startBlobStore,
  type BlobStorage,
  type BlobStore,
} from "../storage/index.ts";
import { taskBinding } from "../tasks/commitments.ts";
import { encodeTensors } from "../tasks/tensors.ts";
import { inputCommitment, packOutput } from "../zk/commitment.ts";
import { createEaiClient, type EaiClient } from "./client.ts";
import { EaiContractError, EaiError } from "./errors.ts";

const X = Array.from({ length: 49 }, (_, i) => i % 16);
/** An EAIT input of `n` float32 elements (the fixture's ONNX model takes rows of 16). */
const tensorInput = (n: number) =>
  encodeTensors([
    { name: "x", dtype: "float32", dims: [n], data: Float32Array.from({ length: n }, (_, i) => i) },
  ]);
const LOGITS = [-3, 1, 0, 2, 9, -1, 0, 4, 1, -2];

let p: Protocol;
let store: BlobStore;
let dir: string;
let requester: EaiClient;
let alice: EaiClient;
let deployer: EaiClient;

function clientFor(account: Address): EaiClient {
  return createEaiClient({
    chain: hardhat,
    transport: custom(p.connection.provider),
    account,
    deployment: p.deployment,
    blobStoreUrl: store.url,
  });
}

beforeAll(async () => {
  p = await setupProtocol(await network.create());
  dir = await mkdtemp(join(tmpdir(), "eai-sdk-client-"));
  store = await startBlobStore({ dir });
  requester = clientFor(p.wallets.requester.account.address);
  alice = clientFor(p.wallets.providers[0].account.address);
  deployer = clientFor(p.wallets.deployer.account.address);
});

afterAll(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  await p?.connection.close();
});

/** Settles a ZK task with a mock proof of `proven`, publishing `published` (the market must refuse a mismatch). */
async function settleZk(taskId: bigint, published: bigint, proven = published) {
  const { spec } = await requester.getTask(taskId);
  await p.connection.networkHelpers.time.increaseTo(spec.priorityUntil);
  const { market } = p.contracts;
  const provider = p.wallets.providers[0].account;
  await p.send(market.write.claimTask([taskId, spec], { account: provider }));
  const binding = taskBinding(p.chainId, market.address, taskId, provider.address);
  const proof = mockProof([WEIGHTS, spec.inputCommitment, proven, binding]);
  await p.send(market.write.submitProof([taskId, spec, published, proof], { account: provider }));
}

describe("createEaiClient", () => {
  it("submits a ZK task with approve: uploads the zk-mlp input, commits with Poseidon, copies model resources", async () => {
    const { taskId, spec, inputURI, txHash } = await requester.submitTask({
      model: p.zkModel,
      input: { x: X, salt: 7n },
      reward: parseEther("10"),
      mode: "zk",
    });
    expect(txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(spec.inputCommitment).toBe(await inputCommitment(X, 7n));
    expect(spec.mode).toBe(0);
    expect(spec.redundancy).toBe(1);
    expect({ ...spec.minResources }).toEqual(NO_RESOURCES);
    const blob = await fetchBlob(inputURI, { baseUrl: store.url, maxBytes: 10_000 });
    expect(JSON.parse(new TextDecoder().decode(blob))).toEqual({ v: 1, x: X, salt: "7" });

    const task = await requester.getTask(taskId);
    expect(task.status).toBe("Open");
    expect(task.spec).toEqual(spec);
    expect(task.inputURI).toBe(inputURI);
  });

  it("submitTasks: several ZK tasks in one transaction with one token transfer", async () => {
    const { token, market } = p.contracts;
    const who = p.wallets.requester.account.address;
    const before = await token.read.balanceOf([who]);
    const salts = [1n, 2n, 3n];
    const tasks = await requester.submitTasks(
      salts.map((salt, i) => ({
        model: p.zkModel,
        input: { x: X, salt },
        reward: parseEther("10") + BigInt(i),
        mode: "zk" as const,
      })),
    );
    expect(tasks).toHaveLength(3);
    expect(new Set(tasks.map((t) => t.txHash)).size).toBe(1);
    expect(tasks.map((t) => t.taskId - (tasks[0]?.taskId ?? 0n))).toEqual([0n, 1n, 2n]);
    for (const [i, t] of tasks.entries()) {
      expect(t.spec.inputCommitment).toBe(await inputCommitment(X, salts[i]));
      expect((await requester.getTask(t.taskId)).spec).toEqual(t.spec);
    }
    expect(await token.read.balanceOf([who])).toBe(before - parseEther("30") - 3n);
    const receipt = await p.publicClient.getTransactionReceipt({ hash: tasks[0]!.txHash });
    const transfers = parseEventLogs({ abi: token.abi, logs: receipt.logs, eventName: "Transfer" });
    expect(transfers.map((e) => e.args.to.toLowerCase())).toEqual([market.address.toLowerCase()]);
    await expect(requester.submitTasks([])).rejects.toThrow(/1 to 64 tasks/);
  });

  it("submits a REDUNDANT task with a permit: no approve, sha256 commitment of the input", async () => {
    const { token, market } = p.contracts;
    const who = p.wallets.requester.account.address;
    await p.send(token.write.approve([market.address, 0n], { account: p.wallets.requester.account }));
    const input = tensorInput(16);
    const { spec, inputURI, warnings } = await requester.submitTask({
      model: p.onnxModel,
      input,
      reward: parseEther("10"),
      mode: "redundant",
      permit: true,
      minResources: { cpuCores: 4 },
    });
    expect(await token.read.allowance([who, market.address])).toBe(0n);
    expect(spec.redundancy).toBe(3);
    expect(spec.minResources.cpuCores).toBe(4);
    expect(warnings).toEqual([]);
    const stored = await fetchBlob(inputURI, { baseUrl: store.url, maxBytes: 10_000 });
    expect(spec.inputCommitment).toBe(BigInt(`0x${sha256Hex(stored)}`));
    expect(stored).toEqual(input);
  });

  it("uploads through the configured storage backend instead of blobStoreUrl", async () => {
    const inner = httpStorage(store.url);
    const uploads: Uint8Array[] = [];
    const storage: BlobStorage = {
      ...inner,
      backend: "kubo",
      upload: async (data) => {
        uploads.push(data);
        return inner.upload(data);
      },
    };
    const viaStorage = createEaiClient({
      chain: hardhat,
      transport: custom(p.connection.provider),
      account: p.wallets.requester.account.address,
      deployment: p.deployment,
      blobStoreUrl: "http://127.0.0.1:1", // never used: storage takes precedence
      storage,
    });
    const input = tensorInput(16);
    const { spec, inputURI } = await viaStorage.submitTask({
      model: p.onnxModel,
      input,
      reward: parseEther("10"),
      mode: "redundant",
    });
    expect(uploads).toEqual([input]);
    expect(spec.inputCommitment).toBe(BigInt(`0x${sha256Hex(input)}`));
    expect(await storage.fetch(inputURI, { maxBytes: 1_000 })).toEqual(input);
  });

  it("refuses requests that cannot be served before uploading or paying anything", async () => {
    const keys = generateX25519KeyPair();
    const credit = await p.contracts.token.read.balanceOf([requester.address]);
    const count = await p.contracts.market.read.taskCount();
    // a private REDUNDANT task: encrypted to one provider, so no majority of several can run it
    await expect(
      requester.submitTask({
        model: p.onnxModel,
        input: tensorInput(16),
        reward: parseEther("3"),
        mode: "redundant",
        private: { providerKey: keys.publicKey },
      }),
    ).rejects.toThrow(/cannot be served: a private input is encrypted to one provider's key/);
    // a ZK model in REDUNDANT mode, an ONNX model in ZK mode
    await expect(
      requester.submitTask({ model: p.zkModel, input: tensorInput(16), reward: 1n, mode: "redundant" }),
    ).rejects.toThrow(/is a ZK model/);
    await expect(
      requester.submitTask({ model: p.onnxModel, input: { x: X }, reward: 1n, mode: "zk" }),
    ).rejects.toThrow(/is not a ZK model/);
    // an input the ONNX model cannot read (not EAIT; EAIT with 15 elements for rows of 16)
    await expect(
      requester.submitTask({
        model: p.onnxModel,
        input: new Uint8Array([1, 2, 3]),
        reward: 1n,
        mode: "redundant",
      }),
    ).rejects.toThrow(/takes EAIT tensors/);
    await expect(
      requester.submitTask({ model: p.onnxModel, input: tensorInput(15), reward: 1n, mode: "redundant" }),
    ).rejects.toThrow(/rows of 16 input element\(s\); the input has 15/);
    // an execution window below the market's minimum
    await expect(
      requester.submitTask({ model: p.zkModel, input: { x: X }, reward: 1n, mode: "zk", execWindow: 60 }),
    ).rejects.toThrow(/execWindow 60 s is below the minimum of 120 s/);
    expect(await p.contracts.token.read.balanceOf([requester.address])).toBe(credit);
    expect(await p.contracts.market.read.taskCount()).toBe(count);
  });

  it("warns when the redundancy exceeds the eligible providers", async () => {
    const { warnings } = await requester.submitTask({
      model: p.onnxModel,
      input: tensorInput(32),
      reward: parseEther("10"),
      mode: "redundant",
      redundancy: 5,
    });
    expect(warnings).toEqual([expect.stringMatching(/redundancy 5 with 3 eligible provider\(s\)/)]);
    const cheap = await requester.submitTask({
      model: p.onnxModel,
      input: tensorInput(16),
      reward: parseEther("9"),
      mode: "redundant",
    });
    expect(cheap.warnings).toEqual([
      expect.stringMatching(/below the governed minimum of 10 EAI for rated tasks/),
    ]);
    expect(cheap.spec.rated).toBe(false);
    expect(await requester.eligibleProviders({ minTier: 1, minResources: NO_RESOURCES })).toBe(3);
    expect(await requester.eligibleProviders({ minTier: 2, minResources: NO_RESOURCES })).toBe(0);
  });

  it("rejects bad arguments naming the field", async () => {
    await expect(
      requester.submitTask({ model: p.zkModel, input: { x: X }, reward: 0n, mode: "zk" }),
    ).rejects.toThrow(/submitTask: reward: expected a positive amount/);
    await expect(
      requester.submitTask({ model: p.zkModel, input: { x: X }, reward: 1n, mode: "zk", minTier: 4 }),
    ).rejects.toThrow(/minTier/);
    await expect(
      requester.submitTask({ model: p.zkModel, input: new Uint8Array(3), reward: 1n, mode: "zk" }),
    ).rejects.toThrow(/input: a ZK task takes/);
  });

  it("decodes custom errors into readable messages", async () => {
    const now = Number((await p.publicClient.getBlock()).timestamp);
    const deadline = now + 400 * 86_400; // beyond the 7-day maximum lifetime: only the chain knows
    const err = await requester
      .submitTask({ model: p.zkModel, input: { x: X }, reward: 1n, mode: "zk", deadline })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EaiContractError);
    expect((err as EaiContractError).errorName).toBe("TaskMarketDeadlineTooLate");
    expect((err as EaiContractError).raw).toMatch(
      new RegExp(`^TaskMarketDeadlineTooLate\\(deadline=${deadline}, latest=\\d+\\)$`),
    );
    expect((err as Error).message).toMatch(
      new RegExp(
        `^TaskMarket.submitTask: the deadline ${new Date(deadline * 1000).toISOString()} \\(in 4\\d\\d d( \\d+ h)?\\) is too late: ` +
          "the latest allowed is \\S+Z \\(in \\d+ d( \\d+ h)?\\) \\(TaskMarketDeadlineTooLate\\)$",
      ),
    );
    await expect(requester.getTask(999n)).rejects.toThrow(/task 999 does not exist/);
  });

  it("cancels an open task and withdraws the refund", async () => {
    const { taskId } = await requester.submitTask({
      model: p.zkModel,
      input: { x: X },
      reward: parseEther("5"),
      mode: "zk",
    });
    const credit = await requester.creditOf();
    await requester.cancelTask(taskId);
    expect((await requester.getTask(taskId)).status).toBe("Cancelled");
    expect(await requester.creditOf()).toBe(credit + parseEther("5"));
    const err = await requester.cancelTask(taskId).catch((e: unknown) => e);
    expect((err as EaiContractError).errorName).toBe("TaskMarketWrongStatus");
    await expect(requester.waitForResult(taskId)).rejects.toThrow(/was cancelled/);

    const before = await p.contracts.token.read.balanceOf([requester.address]);
    const { amount } = await requester.withdraw();
    expect(amount).toBe(credit + parseEther("5"));
    expect(await p.contracts.token.read.balanceOf([requester.address])).toBe(before + amount);
    await expect(requester.withdraw()).rejects.toThrow(/TaskMarketNothingToWithdraw/);
  });

  it("waitForResult returns the verified logits of a ZK task", async () => {
    const { taskId } = await requester.submitTask({
      model: p.zkModel,
      input: { x: X },
      reward: parseEther("1"),
      mode: "zk",
    });
    await expect(requester.waitForResult(taskId, { timeoutMs: 50, pollMs: 10 })).rejects.toThrow(
      /still Open/,
    );
    const word = packOutput(LOGITS);
    await settleZk(taskId, word);
    const result = await requester.waitForResult(taskId, { timeoutMs: 5000, pollMs: 50 });
    expect(result.mode).toBe("zk");
    if (result.mode !== "zk") return;
    expect(result.logits).toEqual(LOGITS);
    expect(result.prediction).toBe(4);
    expect(result.provider.toLowerCase()).toBe(alice.address.toLowerCase());
  });

  it("the market refuses a published output the proof does not prove (proven 3, published 4)", async () => {
    const { taskId } = await requester.submitTask({
      model: p.zkModel,
      input: { x: X },
      reward: parseEther("1"),
      mode: "zk",
    });
    const proven = packOutput(LOGITS);
    const published = packOutput(LOGITS.map((l, i) => (i === 0 ? 20 : l)));
    await expect(settleZk(taskId, published, proven)).rejects.toThrow(/TaskMarketInvalidProof/);
    expect((await requester.getTask(taskId)).status).toBe("Claimed");
  });

  it("waitForResult rejects a proven word that is not a packed logits word", async () => {
    const { taskId } = await requester.submitTask({
      model: p.zkModel,
      input: { x: X },
      reward: parseEther("1"),
      mode: "zk",
    });
    await settleZk(taskId, packOutput(LOGITS) + (1n << 200n)); // the mock verifier accepts any proven word
    await expect(requester.waitForResult(taskId, { timeoutMs: 5000, pollMs: 50 })).rejects.toThrow(
      /not a packed logits word/,
    );
  });

  it("stakes, requests an unstake and reports provider status", async () => {
    const before = await alice.providerStatus();
    expect(before.registered).toBe(true);
    await alice.stake(parseEther("10"));
    await alice.requestUnstake(parseEther("4"));
    const after = await alice.providerStatus();
    expect(after.stake).toBe(before.stake + parseEther("6"));
    expect(after.unbonding.amount).toBe(parseEther("4"));
    await expect(alice.withdrawStake()).rejects.toThrow(
      /^StakingVault.withdraw: the unbonding stake of 0x[0-9a-fA-F]{40} is released at \S+Z \(in 7 d\) \(StakingVaultUnbondingNotMatured\)$/,
    );
    const err = await alice
      .registerProvider({
        resources: { ...NO_RESOURCES, cpuCores: 1, ramMiB: 1 },
        x25519PublicKey: keccak256("0x01"),
      })
      .catch((e: unknown) => e);
    expect((err as EaiContractError).errorName).toMatch(/^ProviderRegistry/);
  });

  it("stakes with a permit in one transaction, without an approve", async () => {
    const { token, vault } = p.contracts;
    const who = p.wallets.providers[0].account.address;
    const nonceBefore = await token.read.nonces([who]);
    const stakeBefore = await vault.read.stakeOf([who]);
    const { txHash } = await alice.stake(parseEther("3"), { permit: true });
    const tx = await p.publicClient.getTransaction({ hash: txHash });
    expect(decodeFunctionData({ abi: vault.abi, data: tx.input }).functionName).toBe("stakeWithPermit");
    expect(await vault.read.stakeOf([who])).toBe(stakeBefore + parseEther("3"));
    expect(await token.read.nonces([who])).toBe(nonceBefore + 1n);
    // The permit set the allowance to exactly the stake, which the stake spent.
    expect(await token.read.allowance([who, vault.address])).toBe(0n);
  });

  it("runs a parameter change through delegate, propose, vote, queue and execute", async () => {
    const { time, mine } = p.connection.networkHelpers;
    await deployer.delegate();
    await mine(1);
    const proposal = await deployer.proposeParameterChange({
      contract: "TaskMarket",
      functionName: "setStakeParams",
      args: [parseEther("2"), parseEther("200")],
      description: "raise the bond floor",
    });
    expect(await deployer.proposalState(proposal.proposalId)).toBe("Pending");
    await time.increase(2);
    await deployer.vote(proposal.proposalId, "for", "looks right");
    await time.increase(301);
    expect(await deployer.proposalState(proposal.proposalId)).toBe("Succeeded");
    await deployer.queue(proposal.proposalId);
    await time.increase(61);
    await deployer.execute(proposal.proposalId);
    expect(await deployer.proposalState(proposal.proposalId)).toBe("Executed");
    expect(await p.contracts.market.read.stakeParams()).toEqual([parseEther("2"), parseEther("200")]);
    await expect(
      deployer.proposeParameterChange({
        contract: "TaskMarket",
        functionName: "nope",
        args: [],
        description: "x",
      }),
    ).rejects.toBeInstanceOf(EaiError);
  });
});
