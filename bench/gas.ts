/**
 * Gas per protocol operation, measured on the bytecode that is deployed.
 *
 *   npm run bench:gas            (ROUNDS=20 by default)
 *
 * Deploys the protocol through the Ignition module on Hardhat's in-process network (test verifier for ZK),
 * then runs ROUNDS ZK task life cycles and ROUNDS REDUNDANT ones in a row, so the medians describe a running
 * market (providers withdraw every WITHDRAW_EVERY tasks, as payouts are meant to accumulate). For each
 * operation it reports the transaction's gasUsed (what a sender pays, including the 21,000 base cost and
 * calldata) and the execution gas (gasUsed − 21,000 − calldata cost). `submitProof` is also reported without the
 * verifier call (the test verifier's own cost is measured and subtracted; a real Groth16 verifier is measured by
 * the circuit benchmark). Prints a table next to the targets and writes bench/results/gas-<date>.json.
 *
 * A ZK task can be settled two ways: submit → claimTask → submitProof (what the worker does: the claim locks a bond
 * and reserves the task while the proof is computed), or submit → submitProof on the still unclaimed task (the
 * first valid proof wins; no bond, no claim transaction). Both are measured, each round and once more with the real
 * MnistMlpVerifier, and the complete life cycle is reported with and without the provider's withdraw.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import {
  encodeAbiParameters,
  encodeFunctionData,
  hexToBytes,
  keccak256,
  parseEventLogs,
  type Hex,
  type TransactionReceipt,
} from "viem";

import { median } from "./stats.ts";
import {
  INPUT,
  Mode,
  NO_RESOURCES,
  WEIGHTS,
  mockProof,
  setupProtocol,
  taskBinding,
} from "../test/integration/fixture.ts";
import {
  BatchProver,
  inputCommitment,
  loadMnistMlpModel,
  mnistMlpArtifacts,
  proveInference,
  releaseProverThreads,
} from "../sdk/src/zk/index.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const ROUNDS = Number(process.env.ROUNDS ?? 20);
const WITHDRAW_EVERY = 5;

/** Targets from the protocol-core issue, compared with execution gas. */
const TARGETS: Record<string, number> = {
  submitTask: 130_000,
  claimTask: 100_000,
  "submitProof (without verifier)": 70_000,
  withdraw: 40_000,
};

function calldataGas(input: Hex): number {
  let gas = 0;
  for (const byte of hexToBytes(input)) gas += byte === 0 ? 4 : 16;
  return gas;
}

const p = await setupProtocol(await network.create());
const { market, token } = p.contracts;
const [alice, bob, carol] = p.wallets.providers;
const samples = new Map<string, { tx: number[]; exec: number[] }>();

async function record(op: string, receipt: TransactionReceipt): Promise<void> {
  const tx = await p.publicClient.getTransaction({ hash: receipt.transactionHash });
  const gas = Number(receipt.gasUsed);
  const entry = samples.get(op) ?? { tx: [], exec: [] };
  entry.tx.push(gas);
  entry.exec.push(gas - 21_000 - calldataGas(tx.input));
  samples.set(op, entry);
}

// Cost of the test verifier inside submitProof, to report submitProof without it.
const gasProbe = await p.connection.viem.deployContract("VerifierGasProbe");
const probeSignals = [WEIGHTS, INPUT, 1n, 2n] as const;
const [, mockMeasured] = await gasProbe.read.measure([
  p.verifier.address,
  mockProof(probeSignals),
  probeSignals,
]);
const verifierGas = Number(mockMeasured);

console.log(`running ${ROUNDS} ZK and ${ROUNDS} REDUNDANT task life cycles…`);
for (let i = 0; i < ROUNDS; ++i) {
  const zk = await p.submit(Mode.ZK);
  await record("submitTask", zk.receipt);
  await record(
    "claimTask",
    await p.send(market.write.claimTask([zk.taskId, zk.spec], { account: alice.account })),
  );
  const output = BigInt(1000 + i);
  const binding = taskBinding(p.chainId, market.address, zk.taskId, alice.account.address);
  const proof = mockProof([WEIGHTS, INPUT, output, binding]);
  await record(
    "submitProof",
    await p.send(market.write.submitProof([zk.taskId, zk.spec, output, proof], { account: alice.account })),
  );
  if ((i + 1) % WITHDRAW_EVERY === 0) {
    await record(
      "withdraw",
      await p.send(market.write.withdraw([token.address], { account: alice.account })),
    );
  }

  // The same ZK task settled without a claim: the first valid proof on the open task.
  const direct = await p.submit(Mode.ZK);
  const directOutput = BigInt(5000 + i);
  const directBinding = taskBinding(p.chainId, market.address, direct.taskId, carol.account.address);
  await record(
    "submitProof (unclaimed task)",
    await p.send(
      market.write.submitProof(
        [direct.taskId, direct.spec, directOutput, mockProof([WEIGHTS, INPUT, directOutput, directBinding])],
        { account: carol.account },
      ),
    ),
  );

  const rd = await p.submit(Mode.REDUNDANT);
  await record("submitTask (REDUNDANT)", rd.receipt);
  const result = keccak256(encodeAbiParameters([{ type: "uint256" }], [BigInt(i)]));
  for (const provider of [alice, bob, carol]) {
    await record("claimTask (REDUNDANT draw)", await p.claimAtTurn(rd.taskId, rd.spec, provider.account));
  }
  const salts: Hex[] = [];
  for (const [j, provider] of [alice, bob, carol].entries()) {
    const salt = keccak256(
      encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [BigInt(i), BigInt(j)]),
    );
    salts.push(salt);
    const c = await market.read.resultCommitment([rd.taskId, provider.account.address, result, salt]);
    await record(
      "commitResult",
      await p.send(market.write.commitResult([rd.taskId, rd.spec, c], { account: provider.account })),
    );
  }
  for (const [j, provider] of [alice, bob, carol].entries()) {
    const receipt = await p.send(
      market.write.revealResult([rd.taskId, rd.spec, result, salts[j]!, "eai://blob/out"], {
        account: provider.account,
      }),
    );
    await record(j === 2 ? "revealResult (last: settles 3 providers)" : "revealResult", receipt);
  }
}

const rows = [...samples.entries()].map(([operation, s]) => ({
  operation,
  calls: s.tx.length,
  txGasMedian: Math.round(median(s.tx)),
  execGasMedian: Math.round(median(s.exec)),
  target: TARGETS[operation],
}));
const proofRow = rows.find((r) => r.operation === "submitProof");
if (proofRow) {
  rows.push({
    operation: "submitProof (without verifier)",
    calls: proofRow.calls,
    txGasMedian: proofRow.txGasMedian - verifierGas,
    execGasMedian: proofRow.execGasMedian - verifierGas,
    target: TARGETS["submitProof (without verifier)"],
  });
}
const txGas = (op: string) => rows.find((r) => r.operation === op)?.txGasMedian ?? Number.NaN;
const zkLifecycle = txGas("submitTask") + txGas("claimTask") + txGas("submitProof");
const zkLifecycleDirect = txGas("submitTask") + txGas("submitProof (unclaimed task)");

console.log(
  `\n${"operation".padEnd(42)} ${"calls".padStart(5)} ${"tx gas".padStart(9)} ${"exec gas".padStart(9)} ${"target".padStart(8)}  ok`,
);
for (const r of rows) {
  const ok = r.target === undefined ? "" : r.execGasMedian <= r.target ? "yes" : "NO";
  console.log(
    `${r.operation.padEnd(42)} ${String(r.calls).padStart(5)} ${String(r.txGasMedian).padStart(9)} ${String(r.execGasMedian).padStart(9)} ${(r.target === undefined ? "" : String(r.target)).padStart(8)}  ${ok}`,
  );
}
console.log(`\ntest verifier inside submitProof: ${verifierGas} gas (subtracted above)`);
console.log(`ZK task life cycle (submit + claim + proof, tx gas, test verifier): ${zkLifecycle}`);
console.log(
  `ZK task life cycle (submit + proof on the unclaimed task, tx gas, test verifier): ${zkLifecycleDirect}`,
);

// One task on the real MNIST MLP model (deployed MnistMlpVerifier) with a real Groth16 proof, settled by a provider
// that already holds credits (steady state, like the rounds above).
const zkModel = await loadMnistMlpModel();
const input = new Array<number>(49).fill(0).map((_, i) => (i * 7) % 16);
const realCommitment = await inputCommitment(input);
const realTask = await p.submit(Mode.ZK, undefined, { modelId: 1n, inputCommitment: realCommitment });
const realClaim = await p.send(
  market.write.claimTask([realTask.taskId, realTask.spec], { account: bob.account }),
);
const real = await proveInference({
  model: zkModel,
  input,
  taskBinding: taskBinding(p.chainId, market.address, realTask.taskId, bob.account.address),
  artifacts: await mnistMlpArtifacts(),
});
await releaseProverThreads();
const [realOk, measured] = await gasProbe.read.measure([
  p.contracts.mnistVerifier.address,
  real.calldata.proof,
  real.calldata.publicSignals,
]);
if (!realOk) throw new Error("the real verifier rejected the benchmark proof");
const realVerifyGas = Number(measured);
const realProof = await p.send(
  market.write.submitProof(
    [realTask.taskId, realTask.spec, real.calldata.publicSignals[2], real.calldata.proof],
    { account: bob.account, gas: 1_000_000n },
  ),
);
const realLifecycle = Number(realTask.receipt.gasUsed + realClaim.gasUsed + realProof.gasUsed);

// The same with the real verifier on an unclaimed task (no claimTask, no bond).
const directInput = input.map((v) => 15 - v);
const directTask = await p.submit(Mode.ZK, undefined, {
  modelId: 1n,
  inputCommitment: await inputCommitment(directInput),
});
const directReal = await proveInference({
  model: zkModel,
  input: directInput,
  taskBinding: taskBinding(p.chainId, market.address, directTask.taskId, bob.account.address),
  artifacts: await mnistMlpArtifacts(),
});
await releaseProverThreads();
const directProof = await p.send(
  market.write.submitProof(
    [directTask.taskId, directTask.spec, directReal.calldata.publicSignals[2], directReal.calldata.proof],
    { account: bob.account, gas: 1_000_000n },
  ),
);
const realDirectLifecycle = Number(directTask.receipt.gasUsed + directProof.gasUsed);
// Bob withdraws what both real tasks paid him: the last step of a provider's life cycle.
const realWithdraw = await p.send(market.write.withdraw([token.address], { account: bob.account }));
console.log(
  `\nreal MnistMlpVerifier.verifyProof: ${realVerifyGas} gas (execution, measured in-EVM by contracts/mocks/VerifierGasProbe.sol, call included)`,
);
console.log(`submitProof with the real verifier: ${realProof.gasUsed} tx gas`);
console.log(`complete ZK task (submit + claim + real proof), tx gas: ${realLifecycle}  (target ≤ 450,000)`);
console.log(
  `complete ZK task (submit + real proof on the unclaimed task), tx gas: ${realDirectLifecycle}  (target ≤ 450,000)`,
);
console.log(
  `  + withdraw (${realWithdraw.gasUsed} tx gas, once per task at worst): ${realLifecycle + Number(realWithdraw.gasUsed)} / ${realDirectLifecycle + Number(realWithdraw.gasUsed)}`,
);

// ── Batched proofs (issue #13) on the real model: k tasks submitted in one submitTasks transaction (one token
// transfer), proven with one BatchProver proof and settled by one submitProofBatch on the real batch verifier. The
// tasks are unclaimed (the batch claims and delivers them at once). "Per task" = (submitTasks + submitProofBatch) / k:
// submit to credit, the provider's withdraw excluded (once per many tasks).
const batchRows: {
  k: number;
  submitTasksTxGas: number;
  submitProofBatchTxGas: number;
  verifyExecGas: number;
  verifyGasPerTask: number;
  gasPerTask: number;
}[] = [];
const now = async (): Promise<bigint> => BigInt(await p.connection.networkHelpers.time.latest());
for (const k of [4, 11] as const) {
  const prover = await BatchProver.load({ model: zkModel, batchSize: k });
  const inputs = Array.from({ length: k }, (_, t) => input.map((v, j) => (v + t * 3 + j) % 16));
  const requests = await Promise.all(
    inputs.map(async (x) => ({
      modelId: 1n,
      paymentToken: token.address,
      reward: 10n * 10n ** 18n,
      deadline: Number((await now()) + 86_400n),
      execWindow: 3600,
      mode: Mode.ZK,
      redundancy: 1,
      minTier: 1,
      minResources: NO_RESOURCES,
      inputCommitment: await inputCommitment(x),
      inputURI: "eai://blob/sha256-input",
    })),
  );
  const submitted = await p.send(
    market.write.submitTasks([requests], { account: p.wallets.requester.account }),
  );
  const events = parseEventLogs({ abi: market.abi, logs: submitted.logs, eventName: "TaskSubmitted" });
  if (events.length !== k)
    throw new Error(`submitTasks emitted ${events.length} TaskSubmitted, expected ${k}`);
  await p.connection.networkHelpers.time.increaseTo(events[0]!.args.spec.priorityUntil);
  const proof = await prover.prove(
    events.map((e, t) => ({
      input: inputs[t]!,
      taskBinding: taskBinding(p.chainId, market.address, e.args.taskId, bob.account.address),
    })),
  );
  await releaseProverThreads();
  const items = events.map((e, t) => ({
    taskId: e.args.taskId,
    spec: e.args.spec,
    output: proof.slots[t]!.outputWord,
  }));
  const settled = await p.send(
    market.write.submitProofBatch([1n, k, items, proof.padOutput, proof.calldata.proof], {
      account: bob.account,
      gas: 3_000_000n,
    }),
  );
  const accepted = parseEventLogs({ abi: market.abi, logs: settled.logs, eventName: "ProofAccepted" });
  if (accepted.length !== k) throw new Error(`submitProofBatch settled ${accepted.length} of ${k}`);
  // The batch verifier alone: execution gas of verifyProof (estimate minus base and calldata cost).
  const verifierAddress = await p.contracts.models.read.batchVerifierOf([1n, k]);
  const verifyData = encodeFunctionData({
    abi: [
      {
        type: "function",
        name: "verifyProof",
        stateMutability: "view",
        inputs: [
          { name: "a", type: "uint256[2]" },
          { name: "b", type: "uint256[2][2]" },
          { name: "c", type: "uint256[2]" },
          { name: "s", type: `uint256[${1 + 3 * k}]` },
        ],
        outputs: [{ name: "", type: "bool" }],
      },
    ] as const,
    functionName: "verifyProof",
    args: [
      proof.calldata.proof.a,
      proof.calldata.proof.b,
      proof.calldata.proof.c,
      proof.calldata.publicSignals,
    ],
  } as never);
  const verifyEstimate = await p.publicClient.estimateGas({ to: verifierAddress, data: verifyData });
  const verifyExecGas = Number(verifyEstimate) - 21_000 - calldataGas(verifyData);
  const row = {
    k,
    submitTasksTxGas: Number(submitted.gasUsed),
    submitProofBatchTxGas: Number(settled.gasUsed),
    verifyExecGas,
    verifyGasPerTask: Math.round(verifyExecGas / k),
    gasPerTask: Math.round(Number(submitted.gasUsed + settled.gasUsed) / k),
  };
  batchRows.push(row);
}
const singleRow = {
  k: 1,
  submitTasksTxGas: Number(directTask.receipt.gasUsed),
  submitProofBatchTxGas: Number(directProof.gasUsed),
  verifyExecGas: realVerifyGas,
  verifyGasPerTask: realVerifyGas,
  gasPerTask: realDirectLifecycle,
};
console.log(
  `\nbatched ZK settlement on the real verifiers (unclaimed tasks; per task = (submit + proof) / k, target ≤ 150,000):`,
);
console.log(
  `${"k".padStart(3)} ${"submit tx".padStart(10)} ${"proof tx".padStart(10)} ${"verify".padStart(9)} ${"verify/task".padStart(12)} ${"gas/task".padStart(9)}`,
);
for (const r of [singleRow, ...batchRows]) {
  console.log(
    `${String(r.k).padStart(3)} ${String(r.submitTasksTxGas).padStart(10)} ${String(r.submitProofBatchTxGas).padStart(10)} ${String(r.verifyExecGas).padStart(9)} ${String(r.verifyGasPerTask).padStart(12)} ${String(r.gasPerTask).padStart(9)}${r.k === 1 ? "  (submitTask + submitProof)" : ""}`,
  );
}

const date = new Date().toISOString().slice(0, 10);
const dir = join(ROOT, "bench/results");
await mkdir(dir, { recursive: true });
const file = join(dir, `gas-${date}.json`);
await writeFile(
  file,
  `${JSON.stringify(
    {
      date,
      rounds: ROUNDS,
      withdrawEvery: WITHDRAW_EVERY,
      verifierGas,
      zkLifecycleTxGas: zkLifecycle,
      zkLifecycleDirectTxGas: zkLifecycleDirect,
      realVerifier: {
        verifyProofExecGas: realVerifyGas,
        submitProofTxGas: Number(realProof.gasUsed),
        zkLifecycleTxGas: realLifecycle,
        /** submit → submitProof on the unclaimed task (no claimTask). */
        submitProofUnclaimedTxGas: Number(directProof.gasUsed),
        zkLifecycleDirectTxGas: realDirectLifecycle,
        withdrawTxGas: Number(realWithdraw.gasUsed),
        zkLifecycleWithWithdrawTxGas: realLifecycle + Number(realWithdraw.gasUsed),
        zkLifecycleDirectWithWithdrawTxGas: realDirectLifecycle + Number(realWithdraw.gasUsed),
      },
      /** The worker's default ZK path (worker/src/config.ts): "hybrid" = direct at rank 0, claimed at a later rank. */
      batched: [singleRow, ...batchRows],
      workerPath: ({ claim: "claimed", direct: "direct", hybrid: "hybrid" } as const)[
        (await import("../worker/src/config.ts")).DEFAULT_ZK_SETTLEMENT
      ],
      rows,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${file}`);
process.exit(0);
