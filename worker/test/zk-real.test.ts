/**
 * A real Groth16 proof settles on-chain: the MNIST MLP verifier (contracts/verifiers/MnistMlpVerifier.sol) is
 * deployed, the committed model registered with its Poseidon commitment, a requester submits a held-out MNIST digit
 * with a salted input commitment, and the worker (zk-mlp executor, snarkjs in the ProverPool) proves and settles.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { keccak256, parseEther, parseEventLogs } from "viem";
import {
  MNIST_MLP_FILES,
  infer,
  inputCommitment,
  loadMnistMlpModel,
  modelCommitment,
  quantiseImage,
  unpackOutput,
} from "../../sdk/src/zk/index.ts";
import { TaskStatus } from "../../sdk/src/tasks/index.ts";
import { ProverPool } from "../src/executors/prover-pool.ts";
import { ZkMlpExecutor } from "../src/executors/zk-mlp.ts";
import { writeZkInput } from "../../sdk/src/zk/input.ts";
import { asTimelock } from "../../test/integration/fixture.ts";
import { ACCOUNT, startHarness, waitFor, type Harness } from "./harness.ts";

let h: Harness;
let pool: ProverPool;

beforeAll(async () => {
  h = await startHarness();
  pool = new ProverPool({ size: 1, jobTimeoutMs: 120_000 });
});
afterEach(async () => {
  await h?.stopWorkers();
});
afterAll(async () => {
  await pool?.close();
  await h?.close();
});

describe("worker, ZK mode with the real MNIST circuit", () => {
  it("proves a held-out digit and the proof settles on-chain", async () => {
    const verifier = await h.p.connection.viem.deployContract("MnistMlpVerifier", []);
    const model = await loadMnistMlpModel();
    const commitment = await modelCommitment(model);
    const modelJson = await readFile(fileURLToPath(MNIST_MLP_FILES.model));
    const modelId = await h.registerModel(0, commitment, verifier.address, modelJson);

    const samples = JSON.parse(
      await readFile(fileURLToPath(new URL("../../data/mnist-test-samples.json", import.meta.url)), "utf8"),
    ) as { samples: { label: number; image: string }[] };
    const sample = samples.samples[7]!;
    const x = quantiseImage(new Uint8Array(Buffer.from(sample.image, "base64")));
    const salt = 0x5eedn;
    const expected = infer(model, x);

    // One proof per task in the ProverPool (the batch pipeline is the next test).
    const w = await h.worker("zk-real", ACCOUNT.alice, {
      zkExecutor: new ZkMlpExecutor({ pool }),
      config: { zkBatch: { enabled: false } },
    });
    w.start();
    const { taskId } = await h.submit({
      mode: 0,
      modelId,
      input: writeZkInput(x, salt),
      inputCommitment: await inputCommitment(x, salt),
    });
    await waitFor("settlement", async () => (await h.taskStatus(taskId)) === TaskStatus.Completed, 120_000);

    const { market, token } = h.p.contracts;
    const logs = await h.p.publicClient.getContractEvents({
      address: market.address,
      abi: market.abi,
      fromBlock: 0n,
    });
    const [accepted] = parseEventLogs({ abi: market.abi, logs, eventName: "ProofAccepted" }).filter(
      (e) => e.args.taskId === taskId,
    );
    expect(accepted).toBeDefined();
    // the proven output word is the reference's packed logits
    expect(unpackOutput(accepted!.args.output)).toEqual(expected.logits);
    const alice = h.p.wallets.providers[0].account.address;
    expect(await market.read.creditOf([alice, token.address])).toBe(parseEther("8"));
  });

  it("batches a backlog into submitProofBatch (k = 4) and proves a lone task alone", async () => {
    const { models, market, token, timelock } = h.p.contracts;
    const single = await h.p.connection.viem.deployContract("MnistMlpVerifier", []);
    const b4 = await h.p.connection.viem.deployContract("MnistMlpB4Verifier", []);
    const model = await loadMnistMlpModel();
    const commitment = await modelCommitment(model);
    const modelJson = await readFile(fileURLToPath(MNIST_MLP_FILES.model));
    const modelId = await h.registerModel(0, commitment, single.address, modelJson);
    const code = await h.p.publicClient.getCode({ address: b4.address });
    await asTimelock(h.p.connection, timelock.address, async (account) => {
      await h.p.send(models.write.setVerifierCodeHashApproved([keccak256(code!), true], { account }));
    });
    await h.p.send(
      models.write.setBatchVerifier([modelId, 4, b4.address], { account: h.p.wallets.creator.account }),
    );

    const inputs = Array.from({ length: 5 }, (_, i) =>
      new Array<number>(49).fill(0).map((_, j) => (i * 5 + j * 3) % 16),
    );
    const submitOne = async (x: number[], salt: bigint) =>
      h.submit({
        mode: 0,
        modelId,
        input: writeZkInput(x, salt),
        inputCommitment: await inputCommitment(x, salt),
      });
    // A backlog of 5 before the worker starts: at most one proof of one, the rest batched.
    const backlog: bigint[] = [];
    for (const [i, x] of inputs.entries()) backlog.push((await submitOne(x, BigInt(i + 1))).taskId);
    const w = await h.worker("zk-batch", ACCOUNT.alice, { zkExecutor: new ZkMlpExecutor({ pool }) });
    w.start();
    const allDone = async (ids: bigint[]) =>
      (await Promise.all(ids.map((id) => h.taskStatus(id)))).every((s) => s === TaskStatus.Completed);
    await waitFor("backlog settled", () => allDone(backlog), 120_000);

    const logs = await h.p.publicClient.getContractEvents({
      address: market.address,
      abi: market.abi,
      fromBlock: 0n,
    });
    const batches = parseEventLogs({ abi: market.abi, logs, eventName: "ProofBatchSettled" });
    expect(batches.length).toBeGreaterThanOrEqual(1);
    expect(batches.every((b) => b.args.batchSize === 4)).toBe(true);
    const settledByBatch = batches.reduce((n, b) => n + b.args.settled, 0);
    expect(settledByBatch).toBeGreaterThanOrEqual(4); // 5 tasks: at most one proven alone before the rest arrived
    const accepted = parseEventLogs({ abi: market.abi, logs, eventName: "ProofAccepted" }).filter((e) =>
      backlog.includes(e.args.taskId),
    );
    expect(accepted).toHaveLength(5);
    for (const e of accepted) {
      const i = backlog.indexOf(e.args.taskId);
      expect(unpackOutput(e.args.output)).toEqual(infer(model, inputs[i]!).logits);
    }
    const alice = h.p.wallets.providers[0].account.address;
    const credit = await market.read.creditOf([alice, token.address]);

    // A lone task on a quiet network: proven at once with k = 1 (submitProof), not held for company.
    const { taskId: lone } = await submitOne(inputs[0]!, 99n);
    await waitFor("lone task settled", () => allDone([lone]), 60_000);
    const after = await h.p.publicClient.getContractEvents({
      address: market.address,
      abi: market.abi,
      fromBlock: 0n,
    });
    expect(parseEventLogs({ abi: market.abi, logs: after, eventName: "ProofBatchSettled" })).toHaveLength(
      batches.length,
    );
    expect(await market.read.creditOf([alice, token.address])).toBe(credit + parseEther("8"));
    expect(Object.keys(w.store.get().tasks)).toHaveLength(0);
  });
});
