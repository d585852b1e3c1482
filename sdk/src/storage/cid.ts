/**
 * IPFS content identifiers for blobs: CIDv1, codec `raw` (0x55), multihash sha2-256 (0x12, 32 bytes).
 *
 * Such a CID is the blob's sha256 with a fixed 4-byte prefix (`01 55 12 20`), written in base32 (`bafkrei…`).
 * So the CID is derived from the digest that is committed on-chain, and the digest is read back from the CID,
 * without the bytes: `eai://blob/sha256-<hex>` and `ipfs://<cid>` name the same blob. The blob must be stored
 * as one raw block (not chunked into a UnixFS DAG, whose root CID hashes a DAG node instead of the bytes).
 */
import { normaliseSha256, type Sha256Hex } from "./uri.ts";

/** CIDv1 prefix: version 1, codec raw, multihash sha2-256, digest length 32. */
const CID_PREFIX = Uint8Array.of(0x01, 0x55, 0x12, 0x20);
/** RFC 4648 base32, lowercase, no padding: multibase code `b`. */
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

export const IPFS_URI_PREFIX = "ipfs://";

function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

function base32Decode(text: string): Uint8Array | undefined {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text) {
    const v = BASE32.indexOf(ch);
    if (v < 0) return undefined;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  // leftover bits must be zero padding of the last character
  if (bits >= 5 || (value & ((1 << bits) - 1)) !== 0) return undefined;
  return Uint8Array.from(out);
}

/** The binary CID (36 bytes) of a blob whose sha256 is `sha256`. */
export function cidBytesFromSha256(sha256: Sha256Hex): Uint8Array {
  const hex = normaliseSha256(sha256);
  const out = new Uint8Array(36);
  out.set(CID_PREFIX, 0);
  out.set(Buffer.from(hex, "hex"), 4);
  return out;
}

/** `bafkrei…`: the CIDv1 (raw, sha2-256) of a blob whose sha256 is `sha256`, in base32. */
export function cidFromSha256(sha256: Sha256Hex): string {
  return `b${base32Encode(cidBytesFromSha256(sha256))}`;
}

/**
 * The sha256 digest carried by a CID string. Only CIDv1 with codec raw and a sha2-256 multihash in base32
 * (`bafkrei…`, the form {@link cidFromSha256} writes) names a blob's sha256; anything else is refused.
 * @throws Error saying what was expected.
 */
export function sha256FromCid(cid: string): Sha256Hex {
  const expected = "a CIDv1 with codec raw and a sha2-256 multihash in base32 (bafkrei…)";
  if (cid.startsWith("Qm")) {
    throw new Error(`CID: ${JSON.stringify(cid)} is a CIDv0 (dag-pb), expected ${expected}`);
  }
  if (!cid.startsWith("b")) {
    throw new Error(`CID: expected ${expected}, got ${JSON.stringify(cid)} (not base32)`);
  }
  const bytes = base32Decode(cid.slice(1));
  if (bytes === undefined || bytes.length !== 36) {
    throw new Error(`CID: expected ${expected}, got ${JSON.stringify(cid)}`);
  }
  if (!CID_PREFIX.every((b, i) => bytes[i] === b)) {
    const [version, codec, hash] = [bytes[0], bytes[1], bytes[2]].map((b) => `0x${(b ?? 0).toString(16)}`);
    throw new Error(
      `CID: expected ${expected}, got ${JSON.stringify(cid)} (version ${version}, codec ${codec}, hash ${hash})`,
    );
  }
  return Buffer.from(bytes.subarray(4)).toString("hex");
}

/** `ipfs://bafkrei…` */
export function ipfsUri(sha256: Sha256Hex): string {
  return `${IPFS_URI_PREFIX}${cidFromSha256(sha256)}`;
}

/**
 * The sha256 named by an `ipfs://<cid>` URI (a path after the CID is refused: a blob is one block).
 * @throws Error saying what was expected.
 */
export function parseIpfsUri(uri: string): Sha256Hex {
  if (!uri.startsWith(IPFS_URI_PREFIX)) {
    throw new Error(`IPFS URI: expected "${IPFS_URI_PREFIX}<cid>", got ${JSON.stringify(uri)}`);
  }
  const cid = uri.slice(IPFS_URI_PREFIX.length);
  if (cid.includes("/") || cid.includes("?") || cid.includes("#")) {
    throw new Error(
      `IPFS URI: expected "${IPFS_URI_PREFIX}<cid>" without a path, got ${JSON.stringify(uri)}`,
    );
  }
  return sha256FromCid(cid);
}
