// Compute units of the Solana spoke's transactions on litesvm (in-process): the inbound mint (ATA create-idempotent
// + MintToChecked by an M-of-N multisig + receipt creation) for several validator sets, the first mint to a new
// holder vs. a repeat holder, and the outbound bridge burn (BurnChecked + Memo). Also the wire size of the mint
// transaction (limit 1232 bytes). Writes bench/results/bridge-solana-<date>.json.
// Run: node bench/bridge-solana.ts
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadavg } from "node:os";
import { generateKeyPairSigner, getTransactionEncoder, partiallySignTransaction } from "@solana/kit";
import { CHAIN_HUB_LOCAL, CHAIN_SOLANA_LOCAL } from "../bridge/src/chains.ts";
import { bytes32FromBytes, evmAddressToBytes32, type BridgeMessage } from "../bridge/src/message.ts";
import { getAddressEncoder } from "@solana/kit";
import { buildMintInstructions } from "../bridge/src/solana/inbound.ts";
import { LocalSolana } from "../bridge/src/solana/localnet.ts";
import { buildBridgeBurnInstructions } from "../bridge/src/solana/outbound.ts";
import { compileUnsigned } from "../bridge/src/solana/inbound.ts";
import { deployLocalSpoke, relayMint, signAndSend } from "../bridge/src/solana/setup.ts";

const RUNS = 5;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
let nonce = 0n;
const message = (owner: string, amount8: bigint): BridgeMessage => ({
  version: 1,
  srcChain: CHAIN_HUB_LOCAL,
  dstChain: CHAIN_SOLANA_LOCAL,
  nonce: ++nonce,
  sender: evmAddressToBytes32("0x00000000000000000000000000000000000000aa"),
  recipient: bytes32FromBytes(new Uint8Array(getAddressEncoder().encode(owner as never))),
  amount8,
});

const sets = [
  [3, 2],
  [4, 3],
  [7, 5],
  [10, 7],
  [11, 8],
] as const;
const mint: Record<string, unknown>[] = [];
for (const [n, m] of sets) {
  const cuNew: number[] = [];
  const cuRepeat: number[] = [];
  let size = 0;
  let error: string | undefined;
  for (let r = 0; r < RUNS; r++) {
    const chain = new LocalSolana();
    const spoke = await deployLocalSpoke(chain, { n, threshold: m });
    const owner = (await generateKeyPairSigner()).address;
    // Compiled directly (the builder refuses sets above one packet) to report the size and CU past the limit too.
    const tx = compileUnsigned(
      spoke.config.relayer,
      await buildMintInstructions(
        spoke.config,
        message(owner, 1n),
        spoke.validators.slice(0, m).map((v) => v.address),
      ),
      chain.lifetime(),
    );
    const signed = await partiallySignTransaction(
      [spoke.relayer, ...spoke.validators.slice(0, m)].map((k) => k.keyPair),
      tx,
    );
    size = getTransactionEncoder().encode(signed).length;
    if (size > 1232) {
      error = "over the 1232-byte packet limit: not sendable on a real cluster";
      break;
    }
    try {
      const a = await relayMint(chain, spoke, message(owner, 100n));
      if (!a.ok) throw new Error(a.error);
      const b = await relayMint(chain, spoke, message(owner, 200n));
      if (!b.ok) throw new Error(b.error);
      cuNew.push(Number(a.computeUnits));
      cuRepeat.push(Number(b.computeUnits));
    } catch (e) {
      error = String(e).slice(0, 200);
      break;
    }
  }
  mint.push({ n, m, txBytes: size, cuNewHolder: median(cuNew), cuRepeatHolder: median(cuRepeat), error });
}

const burnCu: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const chain = new LocalSolana();
  const spoke = await deployLocalSpoke(chain, { n: 4 });
  const alice = await generateKeyPairSigner();
  chain.airdrop(alice.address);
  await relayMint(chain, spoke, message(alice.address, 1_000n));
  const ixs = await buildBridgeBurnInstructions({
    owner: alice,
    mint: spoke.config.mint,
    dstChain: CHAIN_HUB_LOCAL,
    recipient: evmAddressToBytes32("0x00000000000000000000000000000000000000bb"),
    amount8: 10n,
  });
  const res = await signAndSend(chain, compileUnsigned(alice.address, ixs, chain.lifetime()), [alice]);
  if (!res.ok) throw new Error(res.error);
  burnCu.push(Number(res.computeUnits));
}

const result = {
  date: new Date().toISOString(),
  command: "node bench/bridge-solana.ts",
  runs: RUNS,
  loadavg: loadavg(),
  engine: "litesvm 1.4.1 (in-process), SPL Token + ATA + Memo from litesvm's default programs",
  mint,
  burn: { cuMedian: median(burnCu) },
};
console.table(mint);
console.log(`bridge burn (BurnChecked + Memo): ${median(burnCu)} CU (median of ${RUNS})`);
const dir = join(import.meta.dirname, "results");
await mkdir(dir, { recursive: true });
const file = join(dir, `bridge-solana-${result.date.slice(0, 10)}.json`);
await writeFile(file, JSON.stringify(result, null, 2) + "\n");
console.log(`wrote ${file}`);
