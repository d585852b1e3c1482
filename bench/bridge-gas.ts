/**
 * Gas of the EVM bridge, on Hardhat's in-process networks (hub chain 31337, spoke chain 31338): lock (vault
 * bridgeOut), unlock (vault bridgeIn with M = ⌈2N/3⌉ signatures for N = 3, 5, 7), mint (spoke bridgeIn, same N) and
 * burn (spoke bridgeOut). Each figure is the median gasUsed of RUNS transactions (first of each kind included).
 *
 *   node bench/bridge-gas.ts        (RUNS=5 by default; run `hardhat build` first)
 *
 * Writes bench/results/bridge-gas-<date>.json.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import { getContractAddress, pad, parseEther, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { median } from "./stats.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const RUNS = Number(process.env.RUNS ?? 5);
const HUB = 31337n;
const SPOKE = 31338n;
const CAP = parseEther("1000000000");
const AMOUNT = parseEther("10");

const TYPES = {
  BridgeMessage: [
    { name: "version", type: "uint8" },
    { name: "srcChain", type: "uint64" },
    { name: "dstChain", type: "uint64" },
    { name: "nonce", type: "uint64" },
    { name: "sender", type: "bytes32" },
    { name: "recipient", type: "bytes32" },
    { name: "amount8", type: "uint64" },
  ],
} as const;

interface Message {
  version: number;
  srcChain: bigint;
  dstChain: bigint;
  nonce: bigint;
  sender: Hex;
  recipient: Hex;
  amount8: bigint;
}

function validatorKeys(n: number): Hex[] {
  return Array.from({ length: n }, () => generatePrivateKey()).sort((a, b) =>
    BigInt(privateKeyToAccount(a).address) < BigInt(privateKeyToAccount(b).address) ? -1 : 1,
  );
}

async function sign(keys: Hex[], m: number, chainId: bigint, bridge: Address, msg: Message): Promise<Hex[]> {
  return Promise.all(
    keys.slice(0, m).map((k) =>
      privateKeyToAccount(k).signTypedData({
        domain: { name: "EAI Bridge", version: "1", chainId, verifyingContract: bridge },
        types: TYPES,
        primaryType: "BridgeMessage",
        message: msg,
      }),
    ),
  );
}

const hub = await network.create();
const spokeNet = await network.create({ override: { chainId: Number(SPOKE) } });
const hubPublic = await hub.viem.getPublicClient();
const spokePublic = await spokeNet.viem.getPublicClient();
const [hubDeployer] = await hub.viem.getWalletClients();
const [spokeDeployer] = await spokeNet.viem.getWalletClients();
const gas = async (client: typeof hubPublic, hash: Hex): Promise<number> =>
  Number((await client.waitForTransactionReceipt({ hash })).gasUsed);

const samples: Record<string, number[]> = {};
const push = (k: string, v: number): void => {
  (samples[k] ??= []).push(v);
};

for (const n of [3, 5, 7]) {
  const m = Math.ceil((2 * n) / 3);
  const keys = validatorKeys(n);
  const vals = keys.map((k) => privateKeyToAccount(k).address);
  const me = hubDeployer!.account.address;

  // hub: token, vault (the deployer stands in for the timelock), limits, locks, unlocks
  const token = await hub.viem.deployContract("EAIToken", [
    me,
    me,
    parseEther("100000000"),
    parseEther("1000000000"),
  ]);
  const vault = await hub.viem.deployContract("BridgeVault", [token.address, me, me, vals, m, 86_400n]);
  await vault.write.setChainLimits([SPOKE, CAP, CAP / 86_400n, CAP, CAP / 86_400n]);
  await token.write.approve([vault.address, parseEther("100000000")]);
  for (let i = 0; i < RUNS; i++) {
    push(`lock (N=${n})`, await gas(hubPublic, await vault.write.bridgeOut([SPOKE, pad(me), AMOUNT])));
  }
  for (let i = 1; i <= RUNS; i++) {
    const msg: Message = {
      version: 1,
      srcChain: SPOKE,
      dstChain: HUB,
      nonce: BigInt(i),
      sender: pad(me),
      recipient: pad(me),
      amount8: AMOUNT / 10n ** 10n,
    };
    const sigs = await sign(keys, m, HUB, vault.address, msg);
    push(`unlock N=${n} M=${m}`, await gas(hubPublic, await vault.write.bridgeIn([msg, sigs])));
  }

  // spoke: token at the bridge's predicted address, mints, burns
  const sme = spokeDeployer!.account.address;
  const nonce = await spokePublic.getTransactionCount({ address: sme });
  const predicted = getContractAddress({ from: sme, nonce: BigInt(nonce + 1) });
  const sToken = await spokeNet.viem.deployContract("EAISpokeToken", [predicted]);
  const spoke = await spokeNet.viem.deployContract("SpokeBridge", [
    sToken.address,
    sme,
    sme,
    vals,
    m,
    86_400n,
  ]);
  await spoke.write.setChainLimits([HUB, CAP, CAP / 86_400n, CAP, CAP / 86_400n]);
  for (let i = 1; i <= RUNS; i++) {
    const msg: Message = {
      version: 1,
      srcChain: HUB,
      dstChain: SPOKE,
      nonce: BigInt(i),
      sender: pad(sme),
      recipient: pad(sme),
      amount8: AMOUNT / 10n ** 10n,
    };
    const sigs = await sign(keys, m, SPOKE, spoke.address, msg);
    push(`mint N=${n} M=${m}`, await gas(spokePublic, await spoke.write.bridgeIn([msg, sigs])));
  }
  for (let i = 0; i < RUNS; i++) {
    push(`burn (N=${n})`, await gas(spokePublic, await spoke.write.bridgeOut([HUB, pad(sme), AMOUNT / 2n])));
  }
}

const medians = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
console.log("operation".padEnd(22), "median tx gas", "samples");
for (const [k, v] of Object.entries(samples))
  console.log(k.padEnd(22), String(medians[k]).padStart(13), v.length);
const date = new Date().toISOString().slice(0, 10);
const out = join(ROOT, "bench/results", `bridge-gas-${date}.json`);
await mkdir(dirname(out), { recursive: true });
await writeFile(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), runs: RUNS, medians, samples }, null, 2)}\n`,
);
console.log(`wrote ${out}`);
