/**
 * Encryption envelope for private task inputs (v1).
 *
 * A requester encrypts the input to the claiming provider's X25519 public key (published on-chain as
 * bytes32):
 *   1. ephemeral X25519 key pair (e_sk, e_pk); shared = X25519(e_sk, recipient_pk)
 *   2. key = HKDF-SHA256(ikm = shared, salt = e_pk ‖ recipient_pk, info = "eai/input/v1", 32 bytes)
 *   3. AES-256-GCM with a random 12-byte nonce; additional authenticated data = the 49-byte header
 *
 * Binary layout (all fixed-size fields, total overhead 77 bytes):
 *
 *   offset  size  field
 *   0       4     magic "EAIE"
 *   4       1     version = 0x01
 *   5       32    ephemeral public key (raw X25519)
 *   37      12    nonce
 *   49      n     ciphertext
 *   49+n    16    GCM tag
 *
 * The header (bytes 0..49) is authenticated, so a changed version, key or nonce fails decryption.
 * The recipient key enters the KDF, so an envelope cannot be re-targeted to another recipient.
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";

/** 32 bytes as 0x-prefixed lowercase hex (fits a Solidity bytes32). */
export type Hex32 = `0x${string}`;

export interface X25519KeyPair {
  publicKey: Hex32;
  privateKey: Hex32;
}

export const ENVELOPE_MAGIC = "EAIE";
export const ENVELOPE_VERSION = 1;
export const ENVELOPE_INFO = "eai/input/v1";
const HEADER_LEN = 4 + 1 + 32 + 12;
const TAG_LEN = 16;
/** Bytes an envelope adds to its plaintext. */
export const ENVELOPE_OVERHEAD = HEADER_LEN + TAG_LEN;

// DER prefixes wrapping raw 32-byte X25519 keys (RFC 8410).
const SPKI_PREFIX = Buffer.from("302a300506032b656e032100", "hex");
const PKCS8_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");

/** Thrown for every envelope failure; `code` says which. */
export class EnvelopeError extends Error {
  readonly code: "malformed" | "unsupported-version" | "bad-key" | "decrypt-failed";
  constructor(code: EnvelopeError["code"], message: string) {
    super(message);
    this.name = "EnvelopeError";
    this.code = code;
  }
}

/** Parses a 0x-prefixed 32-byte hex string. @throws EnvelopeError naming `field`. */
export function hex32ToBytes(value: string, field: string): Buffer {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new EnvelopeError(
      "bad-key",
      `${field}: expected 0x-prefixed 32-byte hex (bytes32), got ${JSON.stringify(value)}`,
    );
  }
  return Buffer.from(value.slice(2), "hex");
}

function toHex32(bytes: Uint8Array): Hex32 {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}

function publicKeyObject(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: "der", type: "spki" });
}

function privateKeyObject(raw: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: "der", type: "pkcs8" });
}

function rawPublicKey(key: KeyObject): Buffer {
  return key.export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length);
}

function rawPrivateKey(key: KeyObject): Buffer {
  return key.export({ format: "der", type: "pkcs8" }).subarray(PKCS8_PREFIX.length);
}

/** A fresh X25519 key pair; the public key goes on-chain (ProviderRegistry) as bytes32. */
export function generateX25519KeyPair(): X25519KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  return { publicKey: toHex32(rawPublicKey(publicKey)), privateKey: toHex32(rawPrivateKey(privateKey)) };
}

/** The public key belonging to an X25519 private key. */
export function x25519PublicKey(privateKey: Hex32): Hex32 {
  return toHex32(rawPublicKey(createPublicKey(privateKeyObject(hex32ToBytes(privateKey, "privateKey")))));
}

function deriveKey(shared: Buffer, ephemeralPublic: Buffer, recipientPublic: Buffer): Buffer {
  if (shared.every((b) => b === 0)) {
    throw new EnvelopeError("bad-key", "X25519 produced an all-zero shared secret (low-order public key)");
  }
  return Buffer.from(
    hkdfSync("sha256", shared, Buffer.concat([ephemeralPublic, recipientPublic]), ENVELOPE_INFO, 32),
  );
}

function ecdh(privateKey: KeyObject, publicKey: KeyObject): Buffer {
  try {
    return diffieHellman({ privateKey, publicKey });
  } catch (err) {
    throw new EnvelopeError("bad-key", `X25519 key agreement failed: ${(err as Error).message}`);
  }
}

/**
 * Encrypts `plaintext` to `recipientPublicKey` (X25519, 0x-hex bytes32).
 * @returns the binary envelope described at the top of this file.
 */
export function encryptFor(recipientPublicKey: Hex32, plaintext: Uint8Array): Uint8Array {
  const recipientRaw = hex32ToBytes(recipientPublicKey, "recipientPublicKey");
  const recipient = publicKeyObject(recipientRaw);
  const ephemeral = generateKeyPairSync("x25519");
  const ephemeralRaw = rawPublicKey(ephemeral.publicKey);
  const key = deriveKey(ecdh(ephemeral.privateKey, recipient), ephemeralRaw, recipientRaw);
  const nonce = randomBytes(12);
  const header = Buffer.concat([
    Buffer.from(ENVELOPE_MAGIC, "ascii"),
    Buffer.from([ENVELOPE_VERSION]),
    ephemeralRaw,
    nonce,
  ]);
  const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_LEN });
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([header, body, cipher.getAuthTag()]));
}

/** The fields of an envelope, without decrypting it. @throws EnvelopeError when malformed. */
export function parseEnvelope(envelope: Uint8Array): {
  version: number;
  ephemeralPublicKey: Hex32;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  tag: Uint8Array;
} {
  if (!(envelope instanceof Uint8Array)) {
    throw new EnvelopeError("malformed", "envelope: expected bytes (Uint8Array)");
  }
  if (envelope.byteLength < ENVELOPE_OVERHEAD) {
    throw new EnvelopeError(
      "malformed",
      `envelope: expected at least ${ENVELOPE_OVERHEAD} bytes (header + tag), got ${envelope.byteLength}`,
    );
  }
  const buf = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
  const magic = buf.subarray(0, 4).toString("latin1");
  if (magic !== ENVELOPE_MAGIC) {
    throw new EnvelopeError(
      "malformed",
      `envelope: expected magic "${ENVELOPE_MAGIC}", got ${JSON.stringify(magic)}`,
    );
  }
  const version = buf[4] ?? 0;
  if (version !== ENVELOPE_VERSION) {
    throw new EnvelopeError(
      "unsupported-version",
      `envelope: version ${version} is not supported (expected ${ENVELOPE_VERSION})`,
    );
  }
  return {
    version,
    ephemeralPublicKey: toHex32(buf.subarray(5, 37)),
    nonce: buf.subarray(37, HEADER_LEN),
    ciphertext: buf.subarray(HEADER_LEN, buf.length - TAG_LEN),
    tag: buf.subarray(buf.length - TAG_LEN),
  };
}

/**
 * Decrypts an envelope with the recipient's X25519 private key.
 * @throws EnvelopeError: `malformed` / `unsupported-version` for a bad layout, `decrypt-failed` for a wrong
 *         key or any tampering (the two cannot be told apart, by design).
 */
export function decryptWith(privateKey: Hex32, envelope: Uint8Array): Uint8Array {
  const parts = parseEnvelope(envelope);
  const secret = privateKeyObject(hex32ToBytes(privateKey, "privateKey"));
  const recipientRaw = rawPublicKey(createPublicKey(secret));
  const ephemeralRaw = Buffer.from(parts.ephemeralPublicKey.slice(2), "hex");
  const key = deriveKey(ecdh(secret, publicKeyObject(ephemeralRaw)), ephemeralRaw, recipientRaw);
  const header = Buffer.from(envelope.buffer, envelope.byteOffset, HEADER_LEN);
  const decipher = createDecipheriv("aes-256-gcm", key, parts.nonce, { authTagLength: TAG_LEN });
  decipher.setAAD(header);
  decipher.setAuthTag(parts.tag);
  try {
    return new Uint8Array(Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]));
  } catch {
    throw new EnvelopeError(
      "decrypt-failed",
      "envelope: authentication failed (wrong private key, or the envelope was altered)",
    );
  }
}
