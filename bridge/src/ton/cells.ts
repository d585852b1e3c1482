// Hand-built cells of the TON bridge minter (bridge/ton/bridge_minter.tact), written
// independently of Tact's generated wrappers so that the tests check the contract against the
// documented layouts (docs/bridge/TON.md) and the validator daemon can build and sign them.
import { Address, beginCell, Cell, Dictionary, type Builder } from "@ton/core";
import { sign } from "@ton/crypto";
import { type Hex } from "viem";
import { BRIDGE_TAG, msgId, type BridgeMessage } from "./message.ts";

export const OP = {
  bridgeMint: 0xea1b0001,
  bridgeGovern: 0xea1b0002,
  bridgePause: 0xea1b0003,
  bridgeOutEvent: 0xea1b0101,
  jettonBurn: 0x595f07bc,
} as const;
export const KIND = { mint: 1, govern: 2 } as const;
export const GOV = { rotate: 1, unpause: 2, rateLimit: 3, guardian: 4, route: 5 } as const;

/** The tag as a 104-bit big-endian integer (13 ASCII bytes). */
export const TAG_INT = BigInt(`0x${Buffer.from(BRIDGE_TAG, "ascii").toString("hex")}`);

const hexToBig = (h: Hex): bigint => BigInt(h);
export const bigToBytes32 = (v: bigint): Hex => `0x${v.toString(16).padStart(64, "0")}`;

/** A TON basechain account as bytes32 (its account hash). Other workchains are rejected. */
export function tonAccountToBytes32(address: Address): Hex {
  if (address.workChain !== 0) throw new Error(`not a basechain address: ${address.toString()}`);
  return `0x${address.hash.toString("hex")}`;
}
export const bytes32ToTonAccount = (b: Hex): Address => new Address(0, Buffer.from(b.slice(2), "hex"));

/** The 776-bit message cell: version u8, srcChain u64, dstChain u64, nonce u64, sender u256, recipient u256, amount8 u64. */
export function bridgeMessageCell(m: BridgeMessage): Cell {
  return beginCell()
    .storeUint(m.version, 8)
    .storeUint(m.srcChain, 64)
    .storeUint(m.dstChain, 64)
    .storeUint(m.nonce, 64)
    .storeUint(hexToBig(m.sender), 256)
    .storeUint(hexToBig(m.recipient), 256)
    .storeUint(m.amount8, 64)
    .endCell();
}

export function parseBridgeMessageCell(cell: Cell): BridgeMessage {
  const s = cell.beginParse();
  const m: BridgeMessage = {
    version: s.loadUint(8) as 1,
    srcChain: s.loadUintBig(64),
    dstChain: s.loadUintBig(64),
    nonce: s.loadUintBig(64),
    sender: bigToBytes32(s.loadUintBig(256)),
    recipient: bigToBytes32(s.loadUintBig(256)),
    amount8: s.loadUintBig(64),
  };
  s.endParse();
  return m;
}

/** Domain header shared by every signed cell: tag (104 bits), kind (u8), minter address, set id (u32). */
function domain(kind: number, minter: Address, setId: bigint | number, tag: bigint = TAG_INT): Builder {
  return beginCell().storeUint(tag, 104).storeUint(kind, 8).storeAddress(minter).storeUint(setId, 32);
}

/** The cell validators sign for a mint: domain, msgId (u256), ^message. */
export function mintSigningCell(
  minter: Address,
  setId: bigint | number,
  m: BridgeMessage,
  tag?: bigint,
): Cell {
  return domain(KIND.mint, minter, setId, tag)
    .storeUint(hexToBig(msgId(m)), 256)
    .storeRef(bridgeMessageCell(m))
    .endCell();
}

/** The cell validators sign for governance: domain, governance nonce (u64), ^action. */
export function governSigningCell(
  minter: Address,
  setId: bigint | number,
  nonce: bigint,
  action: Cell,
  tag?: bigint,
): Cell {
  return domain(KIND.govern, minter, setId, tag).storeUint(nonce, 64).storeRef(action).endCell();
}

export interface Signature {
  /** Index of the signer in the minter's validator set. */
  index: number;
  /** 64-byte ed25519 signature. */
  signature: Buffer;
}

/** ed25519-sign a cell's hash. */
export const signCell = (cell: Cell, secretKey: Buffer): Buffer => sign(cell.hash(), secretKey);

/** Linked list of (index u8, signature 512 bits, Maybe ^next), in the order given. */
export function signaturesCell(signatures: readonly Signature[]): Cell {
  let next: Cell | null = null;
  for (const s of [...signatures].reverse()) {
    if (s.signature.length !== 64) throw new Error("an ed25519 signature is 64 bytes");
    next = beginCell().storeUint(s.index, 8).storeBuffer(s.signature).storeMaybeRef(next).endCell();
  }
  if (next === null) return beginCell().endCell(); // an empty list (rejected: fails to parse)
  return next;
}

export function mintBody(queryId: bigint, m: BridgeMessage, signatures: readonly Signature[]): Cell {
  return beginCell()
    .storeUint(OP.bridgeMint, 32)
    .storeUint(queryId, 64)
    .storeRef(bridgeMessageCell(m))
    .storeRef(signaturesCell(signatures))
    .endCell();
}

export function governBody(
  queryId: bigint,
  nonce: bigint,
  action: Cell,
  signatures: readonly Signature[],
): Cell {
  return beginCell()
    .storeUint(OP.bridgeGovern, 32)
    .storeUint(queryId, 64)
    .storeUint(nonce, 64)
    .storeRef(action)
    .storeRef(signaturesCell(signatures))
    .endCell();
}

export const pauseBody = (queryId: bigint): Cell =>
  beginCell().storeUint(OP.bridgePause, 32).storeUint(queryId, 64).endCell();

// ---------------------------------------------------------------- governance actions

/** Validator public keys as the minter's map: index (u8) → key (u256). Keys must be sorted ascending. */
export function validatorKeysDict(publicKeys: readonly Buffer[]): Dictionary<number, bigint> {
  const dict = Dictionary.empty(Dictionary.Keys.Uint(8), Dictionary.Values.BigUint(256));
  publicKeys.forEach((k, i) => dict.set(i, BigInt(`0x${k.toString("hex")}`)));
  return dict;
}

export function rotateAction(setId: bigint | number, threshold: number, publicKeys: readonly Buffer[]): Cell {
  return beginCell()
    .storeUint(GOV.rotate, 8)
    .storeUint(setId, 32)
    .storeUint(threshold, 8)
    .storeDict(validatorKeysDict(publicKeys))
    .endCell();
}
export const unpauseAction = (): Cell => beginCell().storeUint(GOV.unpause, 8).endCell();
export const rateLimitAction = (capacity: bigint, refillPerSecond: bigint): Cell =>
  beginCell().storeUint(GOV.rateLimit, 8).storeUint(capacity, 64).storeUint(refillPerSecond, 64).endCell();
export const guardianAction = (guardian: Address): Cell =>
  beginCell().storeUint(GOV.guardian, 8).storeAddress(guardian).endCell();
export const routeAction = (chain: bigint, enabled: boolean): Cell =>
  beginCell().storeUint(GOV.route, 8).storeUint(chain, 64).storeBit(enabled).endCell();

// ---------------------------------------------------------------- burns and events

/** The burn's custom payload: exactly (dstChain u64, recipient u256). */
export const burnDestinationCell = (dstChain: bigint, recipient: Hex): Cell =>
  beginCell().storeUint(dstChain, 64).storeUint(hexToBig(recipient), 256).endCell();

/** TEP-74 burn body for a wallet, with the bridge destination in custom_payload. */
export function burnBody(
  queryId: bigint,
  amount: bigint,
  responseDestination: Address | null,
  destination: Cell | null,
): Cell {
  return beginCell()
    .storeUint(OP.jettonBurn, 32)
    .storeUint(queryId, 64)
    .storeCoins(amount)
    .storeAddress(responseDestination)
    .storeMaybeRef(destination)
    .endCell();
}

export interface BridgeOutEvent {
  msgId: Hex;
  message: BridgeMessage;
}

/** Parse the minter's external-out event: op u32, msgId u256, ^message. Returns null for other bodies. */
export function parseBridgeOutEvent(body: Cell): BridgeOutEvent | null {
  const s = body.beginParse();
  if (s.remainingBits < 32 + 256 || s.remainingRefs !== 1) return null;
  if (s.loadUint(32) !== OP.bridgeOutEvent) return null;
  const id = bigToBytes32(s.loadUintBig(256));
  const message = parseBridgeMessageCell(s.loadRef());
  s.endParse();
  if (msgId(message) !== id) throw new Error(`event msgId ${id} does not match its message`);
  return { msgId: id, message };
}
