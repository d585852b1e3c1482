/**
 * TON gas of the bridge jetton: mint with M = 2, 3, 5 signatures (validator sets of 3, 4 and 7), burn and
 * transfer, plus the replay map's storage growth per executed message, all in @ton/sandbox.
 *
 *   npx vite-node bench/bridge-ton.ts          (ROUNDS=5 by default)
 *
 * vite-node (shipped with vitest), not plain node: Tact's generated wrappers import types as values from
 * CommonJS @ton/core, which Node's type stripping refuses. Gas is the compute phase's gas_used of each
 * transaction (deterministic: the medians equal every round); fees are the transaction's total fees in
 * nanoton under the sandbox's default (mainnet) config. Writes bench/results/bridge-ton-<date>.json.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { toNano, type Transaction } from "@ton/core";
import { CHAIN_IDS } from "../bridge/src/ton/chains.ts";
import { burnBody, burnDestinationCell } from "../bridge/src/ton/cells.ts";
import {
  deploy,
  gasUsed,
  inbound,
  sendMint,
  signBy,
  firstM,
  TOKEN,
  transferBody,
  txTo,
} from "../bridge/test/ton-fixture.ts";
import { mintSigningCell } from "../bridge/src/ton/cells.ts";
import { median } from "./stats.ts";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const here = dirname(fileURLToPath(import.meta.url));

const fees = (tx: Transaction): bigint => tx.totalFees.coins;
type Row = { gas: number[]; fees: number[] };
const rows = new Map<string, Row>();
function record(name: string, txs: Transaction[]): void {
  const row = rows.get(name) ?? { gas: [], fees: [] };
  row.gas.push(txs.reduce((s, t) => s + Number(gasUsed(t)), 0));
  row.fees.push(txs.reduce((s, t) => s + Number(fees(t)), 0));
  rows.set(name, row);
}

async function accountStorage(
  f: Awaited<ReturnType<typeof deploy>>,
): Promise<{ cells: number; bits: number }> {
  const used = (await f.chain.getContract(f.minter.address)).account.account?.storageStats.used;
  if (!used) throw new Error("minter not active");
  return { cells: Number(used.cells), bits: Number(used.bits) };
}

for (const [n, label] of [
  [3, "M=2 (N=3)"],
  [4, "M=3 (N=4)"],
  [7, "M=5 (N=7)"],
] as const) {
  const f = await deploy(n);
  for (let round = 0; round < ROUNDS; round++) {
    const fresh = await f.chain.treasury(`fresh-${n}-${round}`);
    // First mint to an owner deploys the wallet; the second credits an existing one.
    for (const [suffix, owner] of [
      ["new wallet", fresh.address],
      ["existing wallet", fresh.address],
    ] as const) {
      const m = inbound(f, owner, TOKEN);
      const r = await sendMint(
        f,
        m,
        signBy(f.keys, firstM(f), mintSigningCell(f.minter.address, f.setId, m)),
      );
      const wallet = await f.master.getWalletAddress(owner);
      record(`mint ${label}: minter`, [txTo(r, f.minter.address)]);
      record(`mint ${label}: minter + wallet, ${suffix}`, [txTo(r, f.minter.address), txTo(r, wallet)]);
    }
  }
  if (n === 3) {
    const before = await accountStorage(f);
    const extra = 20;
    for (let i = 0; i < extra; i++) await sendMint(f, inbound(f, f.alice.address, 1n));
    const after = await accountStorage(f);
    rows.set("replay entry: storage cells", { gas: [(after.cells - before.cells) / extra], fees: [] });
    rows.set("replay entry: storage bits", { gas: [(after.bits - before.bits) / extra], fees: [] });
    // Burns and transfers from alice's wallet (funded by the mints above and one large mint).
    await sendMint(f, inbound(f, f.alice.address, 100n * TOKEN));
    const aliceWallet = await f.master.getWalletAddress(f.alice.address);
    for (let round = 0; round < ROUNDS; round++) {
      const dst = burnDestinationCell(CHAIN_IDS.hub, `0x${"00".repeat(12)}${"c0".repeat(20)}`);
      const burn = await f.alice.send({
        to: aliceWallet,
        value: toNano("0.1"),
        body: burnBody(1n, TOKEN, f.alice.address, dst),
      });
      record("burn: wallet + minter (event)", [txTo(burn, aliceWallet), txTo(burn, f.minter.address)]);
      const to = await f.chain.treasury(`to-${round}`);
      const first = await f.alice.send({
        to: aliceWallet,
        value: toNano("0.1"),
        body: transferBody(TOKEN, to.address, f.alice.address),
      });
      const toWallet = await f.master.getWalletAddress(to.address);
      record("transfer: sender + receiver wallet, new wallet", [
        txTo(first, aliceWallet),
        txTo(first, toWallet),
      ]);
      const again = await f.alice.send({
        to: aliceWallet,
        value: toNano("0.1"),
        body: transferBody(TOKEN, to.address, f.alice.address),
      });
      record("transfer: sender + receiver wallet, existing wallet", [
        txTo(again, aliceWallet),
        txTo(again, toWallet),
      ]);
    }
  }
}

// Basechain storage prices (config param 18, mainnet): 1 nanoton per bit and 500 per cell per 65536 s.
const cells = rows.get("replay entry: storage cells")!.gas[0]!;
const bits = rows.get("replay entry: storage bits")!.gas[0]!;
const YEAR = 365 * 24 * 3600;
const rentPerYear = Math.ceil(((bits * 1 + cells * 500) * YEAR) / 65536);

const results = Object.fromEntries(
  [...rows].map(([name, r]) => [
    name,
    {
      gasMedian: median(r.gas),
      feesNanotonMedian: r.fees.length ? median(r.fees) : null,
      runs: r.gas.length,
    },
  ]),
);
console.table(results);
console.log(`replay entry: ${cells} cells + ${bits} bits → ${rentPerYear} nanoton/year of storage rent`);
const out = {
  date: new Date().toISOString(),
  command: "npx vite-node bench/bridge-ton.ts",
  rounds: ROUNDS,
  results,
  replayEntry: { cells, bits, rentNanotonPerYear: rentPerYear },
};
const path = join(here, "results", `bridge-ton-${new Date().toISOString().slice(0, 10)}.json`);
await mkdir(dirname(path), { recursive: true });
await writeFile(path, `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${path}`);
