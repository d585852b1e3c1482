/**
 * A real Groth16 proof settles on-chain: the MNIST MLP verifier (contracts/verifiers/MnistMlpVerifier.sol) is
 * deployed, the committed model registered with its Poseidon commitment, a requester submits a held-out MNIST digit
 * with a salted input commitment, and the worker (zk-mlp executor, snarkjs in the ProverPool) proves and settles.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseEther, parseEventLogs } from "viem";
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

    const w = await h.worker("zk-real", ACCOUNT.alice, { zkExecutor: new ZkMlpExecutor({ pool }) });
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
});
