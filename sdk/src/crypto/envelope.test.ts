import { createPrivateKey, createPublicKey, diffieHellman } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  decryptWith,
  encryptFor,
  ENVELOPE_OVERHEAD,
  EnvelopeError,
  generateX25519KeyPair,
  parseEnvelope,
  x25519PublicKey,
  type Hex32,
} from "./envelope.ts";

const text = (s: string) => new TextEncoder().encode(s);

function expectEnvelopeError(fn: () => unknown, code: EnvelopeError["code"], message?: RegExp) {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(EnvelopeError);
  expect((caught as EnvelopeError).code).toBe(code);
  if (message) expect((caught as EnvelopeError).message).toMatch(message);
}

describe("X25519 keys", () => {
  it("derives RFC 7748 §6.1 public keys from raw private keys", () => {
    expect(x25519PublicKey("0x77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")).toBe(
      "0x8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
    );
    expect(x25519PublicKey("0x5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")).toBe(
      "0xde9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
    );
  });

  it("generates bytes32 key pairs whose halves match", () => {
    const pair = generateX25519KeyPair();
    expect(pair.publicKey).toMatch(/^0x[0-9a-f]{64}$/);
    expect(pair.privateKey).toMatch(/^0x[0-9a-f]{64}$/);
    expect(x25519PublicKey(pair.privateKey)).toBe(pair.publicKey);
    expect(generateX25519KeyPair().privateKey).not.toBe(pair.privateKey);
  });

  it("agrees with node's ECDH on the RFC 7748 shared secret", () => {
    // Sanity check of the DER wrapping used internally.
    const alice = createPrivateKey({
      key: Buffer.from(
        "302e020100300506032b656e04220420" +
          "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
        "hex",
      ),
      format: "der",
      type: "pkcs8",
    });
    const bob = createPublicKey({
      key: Buffer.from(
        "302a300506032b656e032100" + "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
        "hex",
      ),
      format: "der",
      type: "spki",
    });
    expect(diffieHellman({ privateKey: alice, publicKey: bob }).toString("hex")).toBe(
      "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
    );
  });
});

describe("encryption envelope", () => {
  const provider = generateX25519KeyPair();

  it("round-trips, including empty and large plaintexts", () => {
    for (const plain of [text("private input"), new Uint8Array(0), new Uint8Array(1 << 20).fill(9)]) {
      const env = encryptFor(provider.publicKey, plain);
      expect(env.byteLength).toBe(plain.byteLength + ENVELOPE_OVERHEAD);
      expect(Buffer.from(decryptWith(provider.privateKey, env)).equals(Buffer.from(plain))).toBe(true);
    }
  });

  it("uses a fresh ephemeral key and nonce every time", () => {
    const a = parseEnvelope(encryptFor(provider.publicKey, text("x")));
    const b = parseEnvelope(encryptFor(provider.publicKey, text("x")));
    expect(a.version).toBe(1);
    expect(a.ephemeralPublicKey).not.toBe(b.ephemeralPublicKey);
    expect(Buffer.from(a.nonce).equals(Buffer.from(b.nonce))).toBe(false);
  });

  it("fails with another private key", () => {
    const env = encryptFor(provider.publicKey, text("secret"));
    expectEnvelopeError(
      () => decryptWith(generateX25519KeyPair().privateKey, env),
      "decrypt-failed",
      /authentication failed/,
    );
  });

  it("fails when any byte of key, nonce, ciphertext or tag is changed", () => {
    const env = encryptFor(provider.publicKey, text("tamper with me"));
    const regions = { ephemeralKey: 5, nonce: 37, ciphertext: 49 + 3, tag: env.length - 1 };
    for (const [name, offset] of Object.entries(regions)) {
      const bad = env.slice();
      bad[offset] = (bad[offset] ?? 0) ^ 0x01;
      expect(() => decryptWith(provider.privateKey, bad), name).toThrow(EnvelopeError);
    }
    // Truncating the tag by one byte and appending a byte both fail too.
    expect(() => decryptWith(provider.privateKey, env.slice(0, -1))).toThrow(EnvelopeError);
    expect(() => decryptWith(provider.privateKey, new Uint8Array([...env, 0]))).toThrow(EnvelopeError);
  });

  it("rejects malformed envelopes with clear errors", () => {
    const env = encryptFor(provider.publicKey, text("hi"));
    expectEnvelopeError(
      () => decryptWith(provider.privateKey, new Uint8Array(10)),
      "malformed",
      /at least 65 bytes/,
    );
    const badMagic = env.slice();
    badMagic[0] = 0x58;
    expectEnvelopeError(
      () => decryptWith(provider.privateKey, badMagic),
      "malformed",
      /expected magic "EAIE"/,
    );
    const v2 = env.slice();
    v2[4] = 2;
    expectEnvelopeError(
      () => decryptWith(provider.privateKey, v2),
      "unsupported-version",
      /version 2 is not supported/,
    );
    expectEnvelopeError(
      () => decryptWith(provider.privateKey, "not bytes" as unknown as Uint8Array),
      "malformed",
      /expected bytes/,
    );
  });

  it("rejects malformed and low-order keys", () => {
    expectEnvelopeError(
      () => encryptFor("0x1234" as Hex32, text("x")),
      "bad-key",
      /^recipientPublicKey: expected 0x-prefixed 32-byte hex/,
    );
    expectEnvelopeError(
      () => decryptWith("nope" as Hex32, encryptFor(provider.publicKey, text("x"))),
      "bad-key",
      /^privateKey:/,
    );
    expectEnvelopeError(() => encryptFor(`0x${"00".repeat(32)}`, text("x")), "bad-key");
  });
});
