// Shared set-up for the TON bridge tests: an in-process @ton/sandbox chain, a validator set of
// ed25519 keys sorted by public key, and the minter deployed from the committed Tact wrappers.
import {
  Blockchain,
  type BlockchainSnapshot,
  type SandboxContract,
  type SendMessageResult,
  type TreasuryContract,
} from "@ton/sandbox";
import { Address, beginCell, Cell, Dictionary, toNano, type Transaction } from "@ton/core";
import { keyPairFromSeed, type KeyPair } from "@ton/crypto";
import { JettonMaster, JettonWallet } from "@ton/ton";
import { type Hex } from "viem";
import { BridgeJettonMinter } from "../src/ton/generated/bridge_BridgeJettonMinter.ts";
import { CHAIN_IDS } from "../src/ton/chains.ts";
import {
  governBody,
  governSigningCell,
  mintBody,
  mintSigningCell,
  signCell,
  tonAccountToBytes32,
  validatorKeysDict,
  type Signature,
} from "../src/ton/cells.ts";
import { BRIDGE_VERSION, type BridgeMessage } from "../src/ton/message.ts";
import { jettonContentCell } from "../src/ton/content.ts";

export const START = 1_800_000_000;
export const TOKEN = 100_000_000n; // 1 EAI in 8-decimal units
export const CAPACITY = 1_000n * TOKEN;
export const REFILL = TOKEN; // 1 EAI per second

/** N validator keys, sorted ascending by public key (the minter requires it). */
export function validatorKeys(n: number, salt = 0): KeyPair[] {
  const keys = Array.from({ length: n }, (_, i) => keyPairFromSeed(Buffer.alloc(32, 1 + i + salt * 64)));
  return keys.sort((a, b) => Buffer.compare(a.publicKey, b.publicKey));
}

export const threshold = (n: number): number => Math.ceil((2 * n) / 3);

export interface Fixture {
  chain: Blockchain;
  minter: SandboxContract<BridgeJettonMinter>;
  guardian: SandboxContract<TreasuryContract>;
  relayer: SandboxContract<TreasuryContract>;
  alice: SandboxContract<TreasuryContract>;
  bob: SandboxContract<TreasuryContract>;
  keys: KeyPair[];
  setId: bigint;
  master: SandboxContract<JettonMaster>;
  nonce: bigint;
}

export async function deploy(n = 3): Promise<Fixture> {
  const chain = await Blockchain.create();
  chain.now = START;
  const guardian = await chain.treasury("guardian");
  const relayer = await chain.treasury("relayer");
  const alice = await chain.treasury("alice");
  const bob = await chain.treasury("bob");
  const keys = validatorKeys(n);
  const routes = Dictionary.empty(Dictionary.Keys.BigUint(64), Dictionary.Values.Bool());
  for (const c of [CHAIN_IDS.hub, CHAIN_IDS.l2, CHAIN_IDS.solanaLocal]) routes.set(c, true);
  const minter = chain.openContract(
    await BridgeJettonMinter.fromInit(
      CHAIN_IDS.tonLocal,
      jettonContentCell({ name: "EAI", symbol: "EAI", decimals: 8, description: "EAI bridged from the hub" }),
      guardian.address,
      {
        $$type: "ValidatorSetUpdate",
        setId: 1n,
        threshold: BigInt(threshold(n)),
        keys: validatorKeysDict(keys.map((k) => k.publicKey)),
      },
      { $$type: "RateLimitUpdate", capacity: CAPACITY, refillPerSecond: REFILL },
      routes,
    ),
  );
  const r = await minter.send(guardian.getSender(), { value: toNano("1") }, null);
  const deployed = txTo(r, minter.address);
  if (exitCode(deployed) !== 0) throw new Error(`minter deployment failed: ${exitCode(deployed)}`);
  const master = chain.openContract(JettonMaster.create(minter.address));
  return {
    chain,
    minter,
    guardian,
    relayer,
    alice,
    bob,
    keys,
    setId: 1n,
    master,
    nonce: 0n,
  };
}

/** A message from the hub to TON (next nonce) for `amount8` to `to`. */
export function inbound(
  f: Fixture,
  to: Address,
  amount8: bigint,
  overrides: Partial<BridgeMessage> = {},
): BridgeMessage {
  f.nonce += 1n;
  return {
    version: BRIDGE_VERSION,
    srcChain: CHAIN_IDS.hub,
    dstChain: CHAIN_IDS.tonLocal,
    nonce: f.nonce,
    sender: `0x${"00".repeat(12)}${"ab".repeat(20)}` as Hex,
    recipient: tonAccountToBytes32(to),
    amount8,
    ...overrides,
  };
}

function keyAt(keys: readonly KeyPair[], index: number): KeyPair {
  const key = keys[index];
  if (!key) throw new Error(`no validator key ${index}`);
  return key;
}

/** Signatures of the given validator indices (in the order given) over a cell. */
export const signBy = (keys: readonly KeyPair[], indices: readonly number[], cell: Cell): Signature[] =>
  indices.map((index) => ({ index, signature: signCell(cell, keyAt(keys, index).secretKey) }));

export const firstM = (f: Fixture): number[] => Array.from({ length: threshold(f.keys.length) }, (_, i) => i);

export async function sendMint(
  f: Fixture,
  m: BridgeMessage,
  signatures: Signature[] = signBy(f.keys, firstM(f), mintSigningCell(f.minter.address, f.setId, m)),
  value = toNano("0.1"),
): Promise<SendMessageResult> {
  return f.relayer.send({ to: f.minter.address, value, body: mintBody(0n, m, signatures) });
}

export async function sendGovern(
  f: Fixture,
  action: Cell,
  opts: { nonce?: bigint; keys?: KeyPair[]; indices?: number[]; setId?: bigint } = {},
): Promise<SendMessageResult> {
  const state = await f.minter.getBridgeState();
  const nonce = opts.nonce ?? state.govNonce + 1n;
  const keys = opts.keys ?? f.keys;
  const indices = opts.indices ?? firstM(f);
  const cell = governSigningCell(f.minter.address, opts.setId ?? f.setId, nonce, action);
  return f.relayer.send({
    to: f.minter.address,
    value: toNano("0.05"),
    body: governBody(0n, nonce, action, signBy(keys, indices, cell)),
  });
}

export async function walletOf(f: Fixture, owner: Address): Promise<SandboxContract<JettonWallet>> {
  return f.chain.openContract(JettonWallet.create(await f.master.getWalletAddress(owner)));
}

export async function balanceOf(f: Fixture, owner: Address): Promise<bigint> {
  const address = await f.master.getWalletAddress(owner);
  const account = await f.chain.getContract(address);
  if (account.accountState?.type !== "active") return 0n;
  return (await walletOf(f, owner)).getBalance();
}

/** TEP-74 transfer body, built by hand from the standard's TL-B. */
export function transferBody(
  amount: bigint,
  to: Address,
  response: Address | null,
  forwardTon = 0n,
  forwardPayload?: Cell,
): Cell {
  const b = beginCell()
    .storeUint(0x0f8a7ea5, 32)
    .storeUint(7, 64)
    .storeCoins(amount)
    .storeAddress(to)
    .storeAddress(response)
    .storeMaybeRef(null)
    .storeCoins(forwardTon);
  if (forwardPayload) b.storeBit(1).storeRef(forwardPayload);
  else b.storeBit(0);
  return b.endCell();
}

const sameAddress = (a: Address | undefined | null, b: Address): boolean =>
  a !== undefined && a !== null && a.equals(b);

/** The first transaction executed on `address` in a send result. */
export function txTo(result: SendMessageResult, address: Address): Transaction {
  const tx = result.transactions.find(
    (t) => t.inMessage?.info.type === "internal" && sameAddress(t.inMessage.info.dest, address),
  );
  if (!tx) throw new Error(`no transaction on ${address.toString()}`);
  return tx;
}

export function exitCode(tx: Transaction): number {
  const d = tx.description;
  if (d.type !== "generic") throw new Error(`unexpected transaction type ${d.type}`);
  if (d.computePhase.type !== "vm") throw new Error(`compute phase skipped: ${d.computePhase.reason}`);
  if (d.computePhase.exitCode === 0 && d.actionPhase && !d.actionPhase.success)
    return -d.actionPhase.resultCode;
  return d.computePhase.exitCode;
}

export function gasUsed(tx: Transaction): bigint {
  const d = tx.description;
  if (d.type !== "generic" || d.computePhase.type !== "vm") throw new Error("no compute phase");
  return d.computePhase.gasUsed;
}

/** Exit code of the minter's transaction in a send result. */
export const minterExit = (f: Fixture, r: SendMessageResult): number => exitCode(txTo(r, f.minter.address));

let cached: { base: Fixture; snapshot: BlockchainSnapshot } | undefined;

/** A freshly deployed 2-of-3 minter: deployed once per test file, then restored from a snapshot. */
export async function fixture(): Promise<Fixture> {
  if (!cached) {
    const base = await deploy(3);
    cached = { base, snapshot: base.chain.snapshot() };
  }
  await cached.base.chain.loadFrom(cached.snapshot);
  cached.base.chain.now = START;
  return { ...cached.base, keys: validatorKeys(3), setId: 1n, nonce: 0n };
}
