/**
 * Verifiable inference end to end with REAL Groth16 proofs: the MNIST MLP model registered by the deployment
 * (MnistMlpVerifier generated from the committed zkey), a proof generated with the SDK reference implementation
 * and snarkjs, settled through TaskMarket.submitProof on the in-process network. Then the attacks: a published output
 * the proof does not prove (proven digit d, published digit d+1), replay on another task, a proof copied by another
 * provider, a proof for another model, malformed points. Then the deployment's production-safe defaults.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { network } from "hardhat";
import { keccak256, parseEther, parseEventLogs, zeroAddress, type Address } from "viem";

import {
  BatchProver,
  inputCommitment,
  loadMnistMlpModel,
  mnistMlpArtifacts,
  packOutput,
  unpackOutput,
  proveInference,
  quantiseImage,
  releaseProverThreads,
  taskBinding,
  type InferenceProof,
  type QuantisedModel,
} from "../../sdk/src/zk/index.ts";
import {
  EXACT_PROFILE,
  MNIST_MLP,
  mnistVerifierCodeHash,
} from "../../deploy/ignition/modules/EAIProtocol.ts";
import { deployProtocol } from "../../deploy/deploy.ts";
import { NO_RESOURCES, setupProtocol } from "./fixture.ts";

interface Sample {
  label: number;
  image: string;
}

describe("ZK inference settled on-chain with a real proof", async () => {
  const p = await setupProtocol(await network.create());
  const { market, models, token, mnistVerifier } = p.contracts;
  const { requester, providers, deployer } = p.wallets;
  const [alice, bob] = providers;
  const time = p.connection.networkHelpers.time;
  let model: QuantisedModel;
  let input: number[];
  let label: number;
  let commitment: bigint;

  after(releaseProverThreads);

  before(async () => {
    model = await loadMnistMlpModel();
    const data = JSON.parse(
      await readFile(new URL("../../data/mnist-test-samples.json", import.meta.url), "utf8"),
    ) as {
      samples: Sample[];
    };
    const sample = data.samples[7]!;
    label = sample.label;
    input = quantiseImage(new Uint8Array(Buffer.from(sample.image, "base64")));
    commitment = await inputCommitment(input);
  });

  it("deployment registered and approved the MNIST model with its verifier and commitment", async () => {
    const m = await models.read.getModel([1n]);
    assert.equal(m.verifier.toLowerCase(), mnistVerifier.address.toLowerCase());
    assert.equal(m.weightsCommitment, MNIST_MLP.commitment);
    // the local network keeps the dev default: the deployer receives model 1's creator fee
    assert.equal(m.creator.toLowerCase(), deployer.account.address.toLowerCase());
    assert.equal(m.kind, 0);
    assert.equal(m.approved, true);
    // the allowlisted code hash is the deployed verifier's (computed here from the chain, not from the artifact)
    const code = await p.publicClient.getCode({ address: mnistVerifier.address });
    assert.ok(code);
    assert.equal(mnistVerifierCodeHash(), keccak256(code));
    assert.equal(await models.read.isVerifierCodeHashApproved([keccak256(code)]), true);
  });

  async function submitDigitTask(modelId = 1n) {
    const now = BigInt(await time.latest());
    const receipt = await p.send(
      market.write.submitTask(
        [
          {
            modelId,
            paymentToken: token.address,
            reward: parseEther("10"),
            deadline: Number(now + 86_400n),
            execWindow: 3600,
            mode: 0,
            redundancy: 1,
            minTier: 1,
            minResources: NO_RESOURCES,
            inputCommitment: commitment,
            inputURI: "eai://blob/sha256-digit",
          },
        ],
        { account: requester.account },
      ),
    );
    const [event] = parseEventLogs({ abi: market.abi, logs: receipt.logs, eventName: "TaskSubmitted" });
    assert.ok(event);
    await time.increaseTo(event.args.spec.priorityUntil);
    return { taskId: event.args.taskId, spec: event.args.spec };
  }

  async function prove(taskId: bigint, provider: Address): Promise<InferenceProof> {
    return proveInference({
      model,
      input,
      taskBinding: taskBinding({ chainId: p.chainId, market: market.address, taskId, provider }),
      artifacts: await mnistMlpArtifacts(),
    });
  }

  let settled: { taskId: bigint; proof: InferenceProof };

  it("settles a claimed digits task with a real proof and pays the provider", async () => {
    const { taskId, spec } = await submitDigitTask();
    await p.send(market.write.claimTask([taskId, spec], { account: alice.account }));
    const proof = await prove(taskId, alice.account.address);
    assert.equal(proof.trace.predicted, label, "the committed model classifies this sample correctly");
    const out = proof.calldata.publicSignals[2];
    assert.equal(out, packOutput(proof.trace.logits), "public signal 2 is the packed logits word itself");
    const receipt = await p.send(
      market.write.submitProof([taskId, spec, out, proof.calldata.proof], {
        account: alice.account,
        gas: 1_000_000n,
      }),
    );
    const [accepted] = parseEventLogs({ abi: market.abi, logs: receipt.logs, eventName: "ProofAccepted" });
    assert.ok(accepted);
    // the emitted output is the proven one and unpacks to the reference's logits
    assert.deepEqual(unpackOutput(accepted.args.output), proof.trace.logits);
    assert.equal((await market.read.getTaskState([taskId])).status, 3);

    const before = await token.read.balanceOf([alice.account.address]);
    await p.send(market.write.withdraw([token.address], { account: alice.account }));
    assert.equal(await token.read.balanceOf([alice.account.address]), before + parseEther("8"));
    settled = { taskId, proof };
  });

  async function expectInvalid(promise: Promise<unknown>) {
    await assert.rejects(promise, /TaskMarketInvalidProof/);
  }

  it("refuses to pay for an output the proof does not prove (proven digit d, published digit d + 1)", async () => {
    const { taskId, spec } = await submitDigitTask();
    const proof = await prove(taskId, alice.account.address);
    const logits = [...proof.trace.logits];
    const claimed = (proof.trace.predicted + 1) % 10;
    logits[claimed] = Math.max(...logits) + 100; // a word that says another digit wins
    await expectInvalid(
      market.write.submitProof([taskId, spec, packOutput(logits), proof.calldata.proof], {
        account: alice.account,
        gas: 1_000_000n,
      }),
    );
    await expectInvalid(
      market.write.submitProof([taskId, spec, proof.calldata.publicSignals[2] + 1n, proof.calldata.proof], {
        account: alice.account,
        gas: 1_000_000n,
      }),
    );
    // and the honest one still settles
    await p.send(
      market.write.submitProof([taskId, spec, proof.calldata.publicSignals[2], proof.calldata.proof], {
        account: alice.account,
        gas: 1_000_000n,
      }),
    );
  });

  it("rejects a proof replayed on another task and one copied by another provider", async () => {
    const { taskId, spec } = await submitDigitTask();
    const replayed = settled.proof;
    await expectInvalid(
      market.write.submitProof([taskId, spec, replayed.calldata.publicSignals[2], replayed.calldata.proof], {
        account: alice.account,
        gas: 1_000_000n,
      }),
    );
    const alicesProof = await prove(taskId, alice.account.address);
    await expectInvalid(
      market.write.submitProof(
        [taskId, spec, alicesProof.calldata.publicSignals[2], alicesProof.calldata.proof],
        { account: bob.account, gas: 1_000_000n },
      ),
    );
  });

  it("rejects a proof made for another model", async () => {
    // a second ZK model (other weights commitment) that shares the verifier
    const receipt = await p.send(
      models.write.registerModel(
        [
          0,
          MNIST_MLP.commitment + 1n,
          mnistVerifier.address,
          "eai://blob/sha256-other",
          49,
          10,
          NO_RESOURCES,
          0,
          EXACT_PROFILE,
        ],
        { account: deployer.account },
      ),
    );
    const [registered] = parseEventLogs({
      abi: models.abi,
      logs: receipt.logs,
      eventName: "ModelRegistered",
    });
    assert.ok(registered);
    const { taskId, spec } = await submitDigitTask(registered.args.modelId);
    const proof = await prove(taskId, alice.account.address); // proves the real model's weights
    await expectInvalid(
      market.write.submitProof([taskId, spec, proof.calldata.publicSignals[2], proof.calldata.proof], {
        account: alice.account,
        gas: 1_000_000n,
      }),
    );
  });

  it("settles a batch of 3 tasks with one real k = 4 proof; a task cancelled meanwhile is skipped, not the proof", async () => {
    // one shared proof for the batch circuits (the larger sizes are proven in sdk/src/zk/batch.test.ts)
    const tasks = [await submitDigitTask(), await submitDigitTask(), await submitDigitTask()];
    const prover = await BatchProver.load({ model, batchSize: 4 });
    const proof = await prover.prove(
      tasks.map((t) => ({
        input,
        taskBinding: taskBinding({
          chainId: p.chainId,
          market: market.address,
          taskId: t.taskId,
          provider: bob.account.address,
        }),
      })),
    );
    const items = tasks.map((t, i) => ({
      taskId: t.taskId,
      spec: t.spec,
      output: proof.slots[i]!.outputWord,
    }));
    // one wrong output word (another digit for one task) and the real verifier rejects the whole batch
    const forged = items.map((it, i) => (i === 1 ? { ...it, output: it.output + 1n } : it));
    await assert.rejects(
      market.write.submitProofBatch([1n, 4, forged, proof.padOutput, proof.calldata.proof], {
        account: bob.account,
        gas: 3_000_000n,
      }),
      /TaskMarketInvalidBatchProof/,
    );
    // another provider cannot use it
    await assert.rejects(
      market.write.submitProofBatch([1n, 4, items, proof.padOutput, proof.calldata.proof], {
        account: alice.account,
        gas: 3_000_000n,
      }),
      /TaskMarketInvalidBatchProof/,
    );
    await p.send(market.write.cancelTask([tasks[1]!.taskId, tasks[1]!.spec], { account: requester.account }));
    const receipt = await p.send(
      market.write.submitProofBatch([1n, 4, items, proof.padOutput, proof.calldata.proof], {
        account: bob.account,
        gas: 3_000_000n,
      }),
    );
    const accepted = parseEventLogs({ abi: market.abi, logs: receipt.logs, eventName: "ProofAccepted" });
    assert.deepEqual(
      accepted.map((e) => e.args.taskId),
      [tasks[0]!.taskId, tasks[2]!.taskId],
    );
    assert.deepEqual(unpackOutput(accepted[0]!.args.output), proof.slots[0]!.trace.logits);
    const [skipped] = parseEventLogs({
      abi: market.abi,
      logs: receipt.logs,
      eventName: "ProofBatchTaskSkipped",
    });
    assert.equal(skipped?.args.taskId, tasks[1]!.taskId);
    assert.equal((await market.read.getTaskState([tasks[2]!.taskId])).status, 3);
    // replaying the settled batch pays nothing
    await assert.rejects(
      market.write.submitProofBatch([1n, 4, items, proof.padOutput, proof.calldata.proof], {
        account: bob.account,
        gas: 3_000_000n,
      }),
      /TaskMarketBatchSettledNothing/,
    );
  });

  it("rejects malformed proof points", async () => {
    const { taskId, spec } = await submitDigitTask();
    const q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n; // base field
    const proof = await prove(taskId, alice.account.address);
    const out = proof.calldata.publicSignals[2];
    const bad = [
      { ...proof.calldata.proof, a: [q, proof.calldata.proof.a[1]] as const }, // coordinate out of the field
      { ...proof.calldata.proof, a: [1n, 3n] as const }, // not on the curve
      {
        a: [0n, 0n],
        b: [
          [0n, 0n],
          [0n, 0n],
        ],
        c: [0n, 0n],
      } as const, // all zero
    ];
    for (const b of bad) {
      await expectInvalid(
        market.write.submitProof([taskId, spec, out, b], {
          account: alice.account,
          gas: 1_000_000n,
        }),
      );
    }
  });
});

describe("deployment defaults on a real chain (devDefaults: false)", async () => {
  const connection = await network.create();
  const { contracts } = await deployProtocol(connection, { outDir: null, devDefaults: false });
  const [deployer] = await connection.viem.getWalletClients();
  const me = deployer!.account.address;
  const timelock = contracts.timelock.address;
  const DEFAULT_ADMIN = `0x${"00".repeat(32)}` as const;
  const GUARDIAN = keccak256(new TextEncoder().encode("GUARDIAN_ROLE"));

  it("leaves the deployer with no role, no token and no creator fee", async () => {
    for (const c of [
      contracts.token,
      contracts.vault,
      contracts.providers,
      contracts.models,
      contracts.reputation,
    ]) {
      assert.equal(await c.read.hasRole([DEFAULT_ADMIN, me]), false);
      assert.equal(await c.read.hasRole([DEFAULT_ADMIN, timelock]), true);
    }
    assert.equal(await contracts.market.read.hasRole([DEFAULT_ADMIN, me]), false);
    assert.equal(await contracts.market.read.hasRole([GUARDIAN, me]), false);
    assert.equal(await contracts.market.read.hasRole([GUARDIAN, timelock]), true);
    assert.equal(await contracts.timelock.read.hasRole([DEFAULT_ADMIN, me]), false);
    assert.equal(await contracts.token.read.balanceOf([me]), 0n);
    assert.equal(await contracts.token.read.balanceOf([timelock]), await contracts.token.read.totalSupply());
    const m = await contracts.models.read.getModel([1n]);
    assert.equal(m.creator.toLowerCase(), timelock.toLowerCase());
    assert.equal(m.approved, true);
    assert.notEqual(m.creator, zeroAddress);
  });
});
