// Recipients of bridge messages as bytes32 (docs/BRIDGE.md, "Addresses"): an EVM address left-padded with zeros, a
// Solana owner public key (base58, 32 bytes), a TON basechain account hash (friendly base64 or raw "0:<hex>"). The
// bridge package has these encoders on top of @solana/kit and @ton/core; they are small enough to write here
// without those dependencies (and @eai/bridge depends on @eai/sdk, so the SDK cannot import it).
import { getAddress, isAddress, type Hex } from "viem";

import { bridgeChainKind, type BridgeChainKind } from "./chains.ts";

export class BridgeRecipientError extends Error {
  override name = "BridgeRecipientError";
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** Decodes base58 (Bitcoin alphabet), leading '1's as zero bytes; undefined on a character outside it. */
export function base58Decode(text: string): Uint8Array | undefined {
  let value = 0n;
  for (const c of text) {
    const digit = BASE58.indexOf(c);
    if (digit < 0) return undefined;
    value = value * 58n + BigInt(digit);
  }
  const bytes: number[] = [];
  while (value > 0n) {
    bytes.unshift(Number(value & 0xffn));
    value >>= 8n;
  }
  let zeros = 0;
  while (zeros < text.length && text[zeros] === "1") zeros++;
  return Uint8Array.from([...new Array<number>(zeros).fill(0), ...bytes]);
}

/** Encodes bytes as base58 (Bitcoin alphabet). */
export function base58Encode(bytes: Uint8Array): string {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  let out = "";
  while (value > 0n) {
    out = BASE58[Number(value % 58n)] + out;
    value /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}

/** CRC-16/XMODEM (poly 0x1021, init 0), the checksum of TON's friendly addresses. */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

const hex = (bytes: Uint8Array): Hex => `0x${Buffer.from(bytes).toString("hex")}`;

/** An EVM address (checksummed when mixed case) as bytes32. */
export function evmRecipient(text: string): Hex {
  const t = text.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(t))
    throw new BridgeRecipientError(
      `an EVM recipient is a 0x-prefixed 20-byte address, got ${JSON.stringify(text)}`,
    );
  if (!isAddress(t, { strict: true }))
    throw new BridgeRecipientError(`${t} has a wrong EIP-55 checksum (mixed case): check the address`);
  if (/^0x0{40}$/.test(t)) throw new BridgeRecipientError("the recipient is the zero address");
  return `0x${"0".repeat(24)}${t.slice(2).toLowerCase()}`;
}

/** A Solana owner public key (base58, 32 bytes) as bytes32. Tokens go to that owner's associated token account. */
export function solanaRecipient(text: string): Hex {
  const t = text.trim();
  const bytes = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(t) ? base58Decode(t) : undefined;
  if (!bytes || bytes.length !== 32)
    throw new BridgeRecipientError(
      `a Solana recipient is a base58 public key of 32 bytes (the owner's wallet address), got ${JSON.stringify(text)}`,
    );
  if (bytes.every((b) => b === 0)) throw new BridgeRecipientError("the recipient is the zero public key");
  return hex(bytes);
}

/**
 * A TON basechain address as bytes32 (its account hash): raw "0:<64 hex>" or friendly (48 characters of base64 or
 * base64url: flags, workchain, hash, CRC-16). Other workchains (the masterchain -1) are refused, as by the minter.
 */
export function tonRecipient(text: string): Hex {
  const t = text.trim();
  const raw = /^(-?\d+):([0-9a-fA-F]{64})$/.exec(t);
  let workchain: number;
  let hash: Uint8Array;
  if (raw) {
    workchain = Number(raw[1]);
    hash = Uint8Array.from(Buffer.from(raw[2] as string, "hex"));
  } else if (/^[A-Za-z0-9+/_-]{48}$/.test(t)) {
    const bytes = Uint8Array.from(Buffer.from(t.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
    if (bytes.length !== 36) throw new BridgeRecipientError(`${t} is not a TON address (36 bytes expected)`);
    const flags = (bytes[0] as number) & ~0x80; // 0x80: testnet-only
    if (flags !== 0x11 && flags !== 0x51)
      throw new BridgeRecipientError(`${t} is not a TON address (unknown flags 0x${flags.toString(16)})`);
    const crc = crc16(bytes.subarray(0, 34));
    if (crc !== (((bytes[34] as number) << 8) | (bytes[35] as number)))
      throw new BridgeRecipientError(`${t} has a wrong checksum: check the TON address`);
    workchain = (bytes[1] as number) === 0xff ? -1 : (bytes[1] as number);
    hash = bytes.subarray(2, 34);
  } else {
    throw new BridgeRecipientError(
      `a TON recipient is a friendly address (48 characters, EQ…/UQ…) or a raw one (0:<64 hex>), got ${JSON.stringify(text)}`,
    );
  }
  if (workchain !== 0)
    throw new BridgeRecipientError(
      `${t} is on workchain ${workchain}: the bridge accepts basechain (0) addresses only`,
    );
  if (hash.every((b) => b === 0)) throw new BridgeRecipientError("the recipient is the zero account");
  return hex(hash);
}

/** The bytes32 recipient of a message toward `dstChain` from what a user typed, checked for that chain's kind. */
export function encodeRecipient(dstChain: bigint, text: string): { recipient: Hex; kind: BridgeChainKind } {
  const kind = bridgeChainKind(dstChain);
  if (kind === undefined) throw new BridgeRecipientError(`unknown destination chain ${dstChain}`);
  const recipient =
    kind === "evm" ? evmRecipient(text) : kind === "solana" ? solanaRecipient(text) : tonRecipient(text);
  return { recipient, kind };
}

/** How a bytes32 recipient reads on its chain: an address, a base58 key, or a raw TON address. */
export function describeRecipient(dstChain: bigint, recipient: Hex): string {
  const kind = bridgeChainKind(dstChain);
  const bytes = Uint8Array.from(Buffer.from(recipient.slice(2), "hex"));
  if (kind === "evm" && recipient.startsWith(`0x${"0".repeat(24)}`))
    return getAddress(`0x${recipient.slice(26)}`);
  if (kind === "solana") return base58Encode(bytes);
  if (kind === "ton") return `0:${recipient.slice(2)}`;
  return recipient;
}
