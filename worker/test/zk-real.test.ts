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
import {
  ZkMlpExecutor,
  type ZkBatchSlot,
  type ZkBatchWitness,
  type ZkExecutor,
} from "../src/executors/zk-mlp.ts";
import { writeZkInput } from "../../sdk/src/zk/input.ts";
import { asTimelock } from "../../test/integration/fixture.ts";
import { ACCOUNT, counterValue, startHarness, waitFor, type Harness } from "./harness.ts";

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

  it("batches a backlog into submitProofBatch (k = 4), loses only the slot of a task cancelled mid-proof, and proves a lone task alone", async () => {
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
    const alice = h.p.wallets.providers[0].account.address;
    const creditBefore = await market.read.creditOf([alice, token.address]);
    // A backlog of 5 before the worker starts: at most one proof of one, the rest batched.
    const backlog: bigint[] = [];
    const byCommitment = new Map<bigint, Awaited<ReturnType<typeof submitOne>>>();
    for (const [i, x] of inputs.entries()) {
      const task = await submitOne(x, BigInt(i + 1));
      backlog.push(task.taskId);
      byCommitment.set(task.spec.inputCommitment, task);
    }
    // The requester cancels the last task of the first k = 4 batch while it is being proven (after the worker's
    // last look at it): the proof still covers it, the market skips that slot and settles the rest.
    const real = new ZkMlpExecutor({ pool });
    const realBatch = real.batch!;
    const slotsOf = new Map<ZkBatchWitness, readonly ZkBatchSlot[]>();
    let cancelled: bigint | undefined;
    const executor: ZkExecutor = {
      kind: real.kind,
      checkInput: (input, commitment) => real.checkInput(input, commitment),
      prove: (args) => real.prove(args),
      close: () => real.close(),
      batch: {
        sizes: realBatch.sizes,
        witness: async (args) => {
          const witness = await realBatch.witness(args);
          slotsOf.set(witness, args.slots);
          return witness;
        },
        prove: async (witness) => {
          const result = await realBatch.prove(witness);
          const slots = slotsOf.get(witness) ?? [];
          if (witness.batchSize === 4 && cancelled === undefined && slots.length >= 2) {
            const victim = byCommitment.get(slots[slots.length - 1]!.inputCommitment)!;
            await h.p.send(
              market.write.cancelTask([victim.taskId, victim.spec], {
                account: h.p.wallets.requester.account,
              }),
            );
            cancelled = victim.taskId;
          }
          return result;
        },
      },
    };
    // The backlog is found over several RPC round trips (slow on a loaded machine): gathering for 5 s makes the first
    // cut hold the whole backlog's first 4, whatever the machine's speed (the default of 50 ms is for bursts).
    const w = await h.worker("zk-batch", ACCOUNT.alice, {
      zkExecutor: executor,
      config: { zkBatch: { gatherMs: 5_000 } },
    });
    w.start();
    const allDone = async (ids: bigint[]) =>
      (await Promise.all(ids.map((id) => h.taskStatus(id)))).every((s) => s === TaskStatus.Completed);
    const settledOrCancelled = async () =>
      cancelled !== undefined &&
      (await allDone(backlog.filter((id) => id !== cancelled))) &&
      (await h.taskStatus(cancelled)) === TaskStatus.Cancelled;
    await waitFor("backlog settled but the cancelled task", settledOrCancelled, 120_000);
    await waitFor(
      "the worker let the skipped task go",
      async () => w.store.get().tasks[String(cancelled)] === undefined,
      30_000,
    );
    // read as the batch's own outcome (the task loop would also drop a cancelled task, later)
    await waitFor(
      "the batch counted the skip",
      async () => (await counterValue(w.metrics.zkOutcomes, { outcome: "lost-race" })) >= 1,
      30_000,
    );
    expect(await counterValue(w.metrics.zkOutcomes, { outcome: "lost-race" })).toBe(1);

    const logs = await h.p.publicClient.getContractEvents({
      address: market.address,
      abi: market.abi,
      fromBlock: 0n,
    });
    const batches = parseEventLogs({ abi: market.abi, logs, eventName: "ProofBatchSettled" });
    // 5 tasks: one k = 4 proof of the first four (one of them cancelled under it), the fifth proven alone
    expect(batches.map((b) => [b.args.batchSize, b.args.settled])).toEqual([[4, 3]]);
    const skips = parseEventLogs({ abi: market.abi, logs, eventName: "ProofBatchTaskSkipped" });
    expect(skips.map((e) => [e.args.taskId, e.args.reason])).toEqual([[cancelled, 1]]); // BatchSkip.NotOpen
    const accepted = parseEventLogs({ abi: market.abi, logs, eventName: "ProofAccepted" }).filter((e) =>
      backlog.includes(e.args.taskId),
    );
    expect(accepted.map((e) => e.args.taskId).sort()).toEqual(
      backlog.filter((id) => id !== cancelled).sort(),
    );
    for (const e of accepted) {
      const i = backlog.indexOf(e.args.taskId);
      expect(unpackOutput(e.args.output)).toEqual(infer(model, inputs[i]!).logits);
    }
    const credit = await market.read.creditOf([alice, token.address]);
    expect(credit - creditBefore).toBe(parseEther("8") * 4n); // the four settled tasks, nothing for the cancelled

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
    // the task is Completed once the proof is mined; the worker lets it go only after it has read the receipt
    await waitFor(
      "the worker let every task go",
      async () => Object.keys(w.store.get().tasks).length === 0,
      30_000,
    );
  });
});
