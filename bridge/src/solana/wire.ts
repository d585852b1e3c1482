// A small, strict decoder of Solana transaction messages (legacy and v0), written against the wire format so that a
// validator does not have to trust a library's decompiler: header, static keys, blockhash, compiled instructions,
// address-table lookups. Accounts loaded from lookup tables are resolved only from what the caller passes (the RPC's
// meta.loadedAddresses for finalized transactions).
import { getAddressDecoder, getBase58Decoder, type Address } from "@solana/kit";

export interface DecodedInstruction {
  readonly programAddress: Address;
  readonly accounts: readonly {
    readonly address: Address;
    readonly signer: boolean;
    readonly writable: boolean;
  }[];
  readonly data: Uint8Array;
}

export interface DecodedMessage {
  readonly version: "legacy" | 0;
  readonly numSigners: number;
  readonly numReadonlySigners: number;
  readonly numReadonlyUnsigned: number;
  readonly staticAccounts: readonly Address[];
  readonly feePayer: Address;
  /** Recent blockhash or durable-nonce value (base58). */
  readonly lifetimeToken: string;
  readonly compiled: readonly { programIndex: number; accountIndices: number[]; data: Uint8Array }[];
  readonly lookups: readonly { table: Address; writable: number[]; readonly: number[] }[];
}

export interface LoadedAddresses {
  readonly writable: readonly Address[];
  readonly readonly: readonly Address[];
}

export class WireDecodeError extends Error {
  override name = "WireDecodeError";
}

class Reader {
  private offset = 0;
  private readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  u8(): number {
    const b = this.bytes[this.offset];
    if (b === undefined) throw new WireDecodeError(`message truncated at byte ${this.offset}`);
    this.offset += 1;
    return b;
  }
  compactU16(): number {
    let value = 0;
    for (let i = 0; i < 3; i++) {
      const b = this.u8();
      value |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) return value;
    }
    throw new WireDecodeError("compact-u16 longer than 3 bytes");
  }
  take(n: number): Uint8Array {
    if (this.offset + n > this.bytes.length) throw new WireDecodeError(`message truncated: need ${n} bytes`);
    const out = this.bytes.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  done(): boolean {
    return this.offset === this.bytes.length;
  }
}

/** Decodes legacy and v0 message bytes; throws WireDecodeError on anything else or on trailing bytes. */
export function decodeMessageBytes(bytes: Uint8Array): DecodedMessage {
  const r = new Reader(bytes);
  const addr = getAddressDecoder();
  let first = r.u8();
  let version: "legacy" | 0 = "legacy";
  if (first & 0x80) {
    const v = first & 0x7f;
    if (v !== 0) throw new WireDecodeError(`unsupported transaction version ${v}`);
    version = 0;
    first = r.u8();
  }
  const numSigners = first;
  const numReadonlySigners = r.u8();
  const numReadonlyUnsigned = r.u8();
  const nKeys = r.compactU16();
  const staticAccounts: Address[] = [];
  for (let i = 0; i < nKeys; i++) staticAccounts.push(addr.decode(r.take(32)));
  const headerOk =
    numSigners >= 1 &&
    numSigners <= nKeys &&
    numReadonlySigners < numSigners &&
    numReadonlyUnsigned <= nKeys - numSigners;
  if (!headerOk) throw new WireDecodeError("inconsistent message header");
  const lifetimeToken = getBase58Decoder().decode(r.take(32));
  const nIx = r.compactU16();
  const compiled: { programIndex: number; accountIndices: number[]; data: Uint8Array }[] = [];
  for (let i = 0; i < nIx; i++) {
    const programIndex = r.u8();
    const nAcc = r.compactU16();
    const accountIndices: number[] = [];
    for (let j = 0; j < nAcc; j++) accountIndices.push(r.u8());
    const data = r.take(r.compactU16());
    compiled.push({ programIndex, accountIndices, data });
  }
  const lookups: { table: Address; writable: number[]; readonly: number[] }[] = [];
  if (version === 0) {
    const nLookups = r.compactU16();
    for (let i = 0; i < nLookups; i++) {
      const table = addr.decode(r.take(32));
      const writable = Array.from(r.take(r.compactU16()));
      const ro = Array.from(r.take(r.compactU16()));
      lookups.push({ table, writable, readonly: ro });
    }
  }
  if (!r.done()) throw new WireDecodeError("trailing bytes after the message");
  const feePayer = staticAccounts[0];
  if (feePayer === undefined) throw new WireDecodeError("no fee payer");
  return {
    version,
    numSigners,
    numReadonlySigners,
    numReadonlyUnsigned,
    staticAccounts,
    feePayer,
    lifetimeToken,
    compiled,
    lookups,
  };
}

/** Resolves compiled instructions into addresses and roles; lookup-table accounts come from `loaded`. */
export function resolveInstructions(message: DecodedMessage, loaded?: LoadedAddresses): DecodedInstruction[] {
  const nLookupW = message.lookups.reduce((s, l) => s + l.writable.length, 0);
  const nLookupR = message.lookups.reduce((s, l) => s + l.readonly.length, 0);
  if (
    (nLookupW > 0 || nLookupR > 0) &&
    (loaded?.writable.length !== nLookupW || loaded.readonly.length !== nLookupR)
  ) {
    throw new WireDecodeError("lookup-table accounts are not resolved (pass the loaded addresses)");
  }
  const keys: Address[] = [
    ...message.staticAccounts,
    ...(loaded?.writable ?? []),
    ...(loaded?.readonly ?? []),
  ];
  const nStatic = message.staticAccounts.length;
  const role = (i: number) => {
    if (i < nStatic) {
      const signer = i < message.numSigners;
      const writable = signer
        ? i < message.numSigners - message.numReadonlySigners
        : i < nStatic - message.numReadonlyUnsigned;
      return { signer, writable };
    }
    return { signer: false, writable: i < nStatic + nLookupW };
  };
  return message.compiled.map((ix) => {
    const programAddress = keys[ix.programIndex];
    if (programAddress === undefined)
      throw new WireDecodeError(`program index ${ix.programIndex} out of range`);
    return {
      programAddress,
      accounts: ix.accountIndices.map((i) => {
        const a = keys[i];
        if (a === undefined) throw new WireDecodeError(`account index ${i} out of range`);
        return { address: a, ...role(i) };
      }),
      data: ix.data,
    };
  });
}
