/**
 * Ethereum keystore v3 (Web3 Secret Storage) decrypt/encrypt with node:crypto + viem's keccak256, and
 * loading the worker's signing key from a keystore or `EAI_WORKER_PRIVATE_KEY`.
 *
 * derivedKey = scrypt(password, salt, n, r, p, dklen) | pbkdf2-hmac-sha256(password, salt, c, dklen)
 * mac        = keccak256(derivedKey[16..32] ‖ ciphertext)
 * privateKey = aes-128-ctr(key = derivedKey[0..16], iv).decrypt(ciphertext)
 */
import {
  createCipheriv,
  createDecipheriv,
  pbkdf2,
  randomBytes,
  randomUUID,
  timingSafeEqual,
} from "node:crypto";
import { readFile } from "node:fs/promises";
import { keccak256, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { scryptKey } from "./scrypt.ts";
import { Secret } from "./secret.ts";
import { formatIssues } from "@eai/sdk/zod-errors";

const hex = (what: string) =>
  z
    .string({ error: `expected ${what} as hex` })
    .regex(/^(0x)?[0-9a-fA-F]*$/, { error: `expected ${what} as hex` });

const scryptParams = z.object({
  dklen: z.number().int().min(32, { error: "expected dklen ≥ 32" }),
  n: z
    .number()
    .int()
    .refine((n) => n > 1 && (n & (n - 1)) === 0, { error: "expected n to be a power of two > 1" }),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
  salt: hex("salt"),
});

const pbkdf2Params = z.object({
  dklen: z.number().int().min(32, { error: "expected dklen ≥ 32" }),
  c: z.number().int().positive(),
  prf: z.literal("hmac-sha256", { error: 'expected prf "hmac-sha256"' }),
  salt: hex("salt"),
});

const cryptoSection = z.discriminatedUnion(
  "kdf",
  [
    z.object({
      cipher: z.literal("aes-128-ctr", { error: 'expected cipher "aes-128-ctr"' }),
      cipherparams: z.object({
        iv: hex("iv").refine((v) => v.replace(/^0x/, "").length === 32, { error: "expected a 16-byte iv" }),
      }),
      ciphertext: hex("ciphertext"),
      kdf: z.literal("scrypt"),
      kdfparams: scryptParams,
      mac: hex("mac"),
    }),
    z.object({
      cipher: z.literal("aes-128-ctr", { error: 'expected cipher "aes-128-ctr"' }),
      cipherparams: z.object({
        iv: hex("iv").refine((v) => v.replace(/^0x/, "").length === 32, { error: "expected a 16-byte iv" }),
      }),
      ciphertext: hex("ciphertext"),
      kdf: z.literal("pbkdf2"),
      kdfparams: pbkdf2Params,
      mac: hex("mac"),
    }),
  ],
  { error: 'expected kdf "scrypt" or "pbkdf2"' },
);

export const keystoreV3Schema = z.object({
  version: z.literal(3, { error: "expected version 3" }),
  id: z.string().optional(),
  address: z.string().optional(),
  crypto: cryptoSection,
});

export type KeystoreV3 = z.infer<typeof keystoreV3Schema>;

export class KeystoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeystoreError";
  }
}

const bytes = (h: string) => Buffer.from(h.replace(/^0x/, ""), "hex");

const MAX_SCRYPT_MEMORY = 1024 ** 3;

function scryptAsync(
  password: Buffer,
  salt: Buffer,
  dklen: number,
  n: number,
  r: number,
  p: number,
): Promise<Buffer> {
  // A hostile keystore could ask for any amount of memory: refuse more than 1 GiB (geth's default is 256 MiB).
  const needed = 128 * r * (n + p + 2);
  if (needed > MAX_SCRYPT_MEMORY) {
    return Promise.reject(
      new KeystoreError(`keystore: scrypt parameters need ${needed} bytes of memory, over the 1 GiB limit`),
    );
  }
  return scryptKey(password, salt, n, r, p, dklen);
}

function pbkdf2Async(password: Buffer, salt: Buffer, c: number, dklen: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    pbkdf2(password, salt, c, dklen, "sha256", (err, key) => (err ? reject(err) : resolve(key))),
  );
}

async function deriveKey(password: string, crypto: KeystoreV3["crypto"]): Promise<Buffer> {
  const pw = Buffer.from(password.normalize("NFKC"), "utf8");
  if (crypto.kdf === "scrypt") {
    const { dklen, n, r, p, salt } = crypto.kdfparams;
    return scryptAsync(pw, bytes(salt), dklen, n, r, p);
  }
  const { c, dklen, salt } = crypto.kdfparams;
  return pbkdf2Async(pw, bytes(salt), c, dklen);
}

function mac(derived: Buffer, ciphertext: Buffer): Buffer {
  return bytes(keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext])));
}

/**
 * Decrypts a v3 keystore (object or JSON text).
 * @returns the private key as a `Secret<Hex>`.
 * @throws KeystoreError for a malformed file, a wrong password (MAC mismatch) or an address mismatch.
 */
export async function decryptKeystore(keystore: unknown, password: string): Promise<Secret<Hex>> {
  let value = keystore;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      throw new KeystoreError("keystore: expected JSON");
    }
  }
  // Some tools write "Crypto" instead of "crypto".
  if (typeof value === "object" && value !== null && !("crypto" in value) && "Crypto" in value) {
    const { Crypto, ...rest } = value as Record<string, unknown>;
    value = { ...rest, crypto: Crypto };
  }
  const parsed = keystoreV3Schema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new KeystoreError(`keystore: ${formatIssues(parsed.error.issues)}`);
  const { crypto } = parsed.data;
  const derived = await deriveKey(password, crypto);
  const ciphertext = bytes(crypto.ciphertext);
  const expected = bytes(crypto.mac);
  const actual = mac(derived, ciphertext);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new KeystoreError("keystore: MAC mismatch (wrong password or corrupted file)");
  }
  const decipher = createDecipheriv("aes-128-ctr", derived.subarray(0, 16), bytes(crypto.cipherparams.iv));
  const decrypted = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  // Some old tools stripped leading zero bytes of the key; left-pad 30- and 31-byte keys (as geth does).
  if (decrypted.length < 30 || decrypted.length > 32) {
    throw new KeystoreError(`keystore: expected a 32-byte private key, got ${decrypted.length} bytes`);
  }
  const key = Buffer.concat([Buffer.alloc(32 - decrypted.length), decrypted]);
  decrypted.fill(0);
  const privateKey = `0x${key.toString("hex")}` as Hex;
  key.fill(0);
  if (parsed.data.address !== undefined) {
    const derivedAddress = privateKeyToAccount(privateKey).address.toLowerCase();
    const declared = `0x${parsed.data.address.replace(/^0x/, "").toLowerCase()}`;
    if (derivedAddress !== declared) {
      throw new KeystoreError(
        `keystore: the key belongs to ${derivedAddress}, but the file says ${declared}`,
      );
    }
  }
  return new Secret(privateKey);
}

export interface EncryptKeystoreOptions {
  kdf?: "scrypt" | "pbkdf2";
  /** scrypt cost (default 2^18, as geth). Tests use a small power of two. */
  n?: number;
  r?: number;
  p?: number;
  /** pbkdf2 iterations (default 262 144). */
  c?: number;
}

/** Encrypts a private key into a v3 keystore (scrypt n=2^18, r=8, p=1 by default, as geth). */
export async function encryptKeystore(
  privateKey: Hex | Secret<Hex>,
  password: string,
  options: EncryptKeystoreOptions = {},
): Promise<KeystoreV3> {
  const keyHex = privateKey instanceof Secret ? privateKey.reveal() : privateKey;
  const account = privateKeyToAccount(keyHex);
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const crypto: KeystoreV3["crypto"] =
    options.kdf === "pbkdf2"
      ? {
          cipher: "aes-128-ctr",
          cipherparams: { iv: iv.toString("hex") },
          ciphertext: "",
          kdf: "pbkdf2",
          kdfparams: { dklen: 32, c: options.c ?? 262_144, prf: "hmac-sha256", salt: salt.toString("hex") },
          mac: "",
        }
      : {
          cipher: "aes-128-ctr",
          cipherparams: { iv: iv.toString("hex") },
          ciphertext: "",
          kdf: "scrypt",
          kdfparams: {
            dklen: 32,
            n: options.n ?? 262_144,
            r: options.r ?? 8,
            p: options.p ?? 1,
            salt: salt.toString("hex"),
          },
          mac: "",
        };
  const derived = await deriveKey(password, crypto);
  const cipher = createCipheriv("aes-128-ctr", derived.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(bytes(keyHex)), cipher.final()]);
  crypto.ciphertext = ciphertext.toString("hex");
  crypto.mac = mac(derived, ciphertext).toString("hex");
  return { version: 3, id: randomUUID(), address: account.address.slice(2).toLowerCase(), crypto };
}

export interface Signer {
  address: Address;
  privateKey: Secret<Hex>;
  source: "keystore" | "env";
}

/**
 * The worker's signing key: from `keystorePath` with the password in `EAI_WORKER_KEYSTORE_PASSWORD` or the
 * file named by `EAI_WORKER_KEYSTORE_PASSWORD_FILE`, or from `EAI_WORKER_PRIVATE_KEY`. Exactly one source.
 * @throws KeystoreError saying which source is missing, ambiguous or invalid (never echoing the key).
 */
export async function loadSigner(
  keystorePath: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Signer> {
  const fromEnv = env.EAI_WORKER_PRIVATE_KEY;
  if (keystorePath !== undefined && fromEnv !== undefined) {
    throw new KeystoreError("signing key: set either keystorePath or EAI_WORKER_PRIVATE_KEY, not both");
  }
  if (fromEnv !== undefined) {
    const value = fromEnv.trim();
    if (!/^0x[0-9a-fA-F]{64}$/.test(value)) {
      throw new KeystoreError(
        `EAI_WORKER_PRIVATE_KEY: expected 0x-prefixed 32-byte hex (${value.length} characters given)`,
      );
    }
    let account: Address;
    try {
      account = privateKeyToAccount(value as Hex).address;
    } catch {
      throw new KeystoreError("EAI_WORKER_PRIVATE_KEY: not a valid secp256k1 private key");
    }
    return { address: account, privateKey: new Secret(value as Hex), source: "env" };
  }
  if (keystorePath === undefined) {
    throw new KeystoreError(
      "signing key: expected keystorePath in the config or EAI_WORKER_PRIVATE_KEY in the environment",
    );
  }
  let password = env.EAI_WORKER_KEYSTORE_PASSWORD;
  const passwordFile = env.EAI_WORKER_KEYSTORE_PASSWORD_FILE;
  if (password === undefined && passwordFile !== undefined) {
    try {
      password = (await readFile(passwordFile, "utf8")).replace(/\r?\n$/, "");
    } catch (err) {
      throw new KeystoreError(
        `EAI_WORKER_KEYSTORE_PASSWORD_FILE: cannot read ${passwordFile} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
  }
  if (password === undefined) {
    throw new KeystoreError(
      "keystore password: expected EAI_WORKER_KEYSTORE_PASSWORD or EAI_WORKER_KEYSTORE_PASSWORD_FILE",
    );
  }
  let text: string;
  try {
    text = await readFile(keystorePath, "utf8");
  } catch (err) {
    throw new KeystoreError(
      `keystorePath: cannot read ${keystorePath} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  const privateKey = await decryptKeystore(text, password);
  return { address: privateKeyToAccount(privateKey.reveal()).address, privateKey, source: "keystore" };
}
