/**
 * Gas of mining rewards, measured on the deployed bytecode (the Ignition module on Hardhat's in-process network):
 * collectFees, closeEpoch, proposeRoot, finalizeRoot and claim over EPOCHS epochs of the rewards scenario (three
 * honest providers, one self-dealer: test/integration/rewards-scenario.ts), and one evaluation of the contribution
 * curve (RewardsMathProbe.measure, in-EVM, call overhead excluded) at several points.
 *
 *   npm run bench:rewards        (EPOCHS=4 by default)
 *
 * Prints medians of the transactions' gasUsed and writes bench/results/rewards-gas-<date>.json.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";

import { median } from "./stats.ts";
import { setupProtocol } from "../test/integration/fixture.ts";
import { runRewardsScenario } from "../test/integration/rewards-scenario.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const EPOCHS = Number(process.env.EPOCHS ?? 4);

const connection = await network.create();
const p = await setupProtocol(connection);
const s = await runRewardsScenario(p, { epochs: EPOCHS, tasksPerHonest: 2, dealerTasks: 2 });
const ops: Record<string, number[]> = {
  collectFees: [],
  closeEpoch: [],
  proposeRoot: [],
  finalizeRoot: [],
  claim: [],
};
for (const e of s.epochs) {
  ops.collectFees!.push(Number(e.receipts.collect.gasUsed));
  ops.closeEpoch!.push(Number(e.receipts.close.gasUsed));
  ops.proposeRoot!.push(Number(e.receipts.propose.gasUsed));
  ops.finalizeRoot!.push(Number(e.receipts.finalize.gasUsed));
  for (const c of e.receipts.claims) ops.claim!.push(Number(c.gasUsed));
}
const probe = await connection.viem.deployContract("RewardsMathProbe");
const curve: Record<string, number> = {};
for (const decays of [0, 0.5, 1, 5, 20, 41, 50]) {
  curve[`${decays} decays`] = Number(await probe.read.measure([BigInt(Math.round(decays * 3.6e9))]));
}
const medians = Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, median(v)]));
const perEpoch = medians.closeEpoch! + medians.proposeRoot! + medians.finalizeRoot!;
console.log("operation".padEnd(28), "median tx gas", "samples");
for (const [k, v] of Object.entries(ops))
  console.log(k.padEnd(28), String(medians[k]).padStart(13), v.length);
console.log("epoch close (close+propose+finalize)".padEnd(28), perEpoch);
console.log("curve evaluation (exec gas)", curve);
const date = new Date().toISOString().slice(0, 10);
const out = join(ROOT, "bench/results", `rewards-gas-${date}.json`);
await mkdir(dirname(out), { recursive: true });
await writeFile(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), epochs: EPOCHS, medians, perEpoch, samples: ops, curve }, null, 2)}\n`,
);
console.log(`wrote ${out}`);
