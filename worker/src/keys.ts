/**
 * The provider's X25519 key pair for encrypted task inputs, kept in `<stateDir>/x25519.json` (mode 0600). Created
 * on first start; the public half is published in ProviderRegistry. In operator mode, copy the owner's file here
 * (inputs are encrypted to the key the owner published).
 */
import { chmod, open, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { generateX25519KeyPair, x25519PublicKey, type Hex32 } from "@eai/sdk/crypto";
import { Secret } from "./secret.ts";

export const X25519_KEY_FILE = "x25519.json";

export interface X25519Keys {
  publicKey: Hex32;
  privateKey: Secret<Hex32>;
  file: string;
  created: boolean;
}

export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyFileError";
  }
}

/** Loads the key pair from `stateDir`, creating it (0600, exclusive create) when absent. */
export async function loadOrCreateX25519Keys(stateDir: string): Promise<X25519Keys> {
  const file = join(stateDir, X25519_KEY_FILE);
  let text: string | undefined;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  if (text === undefined) {
    const pair = generateX25519KeyPair();
    const handle = await open(file, "wx", 0o600);
    try {
      await handle.writeFile(
        `${JSON.stringify({ version: 1, publicKey: pair.publicKey, privateKey: pair.privateKey })}\n`,
      );
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { publicKey: pair.publicKey, privateKey: new Secret(pair.privateKey), file, created: true };
  }
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    await chmod(file, 0o600);
  }
  let parsed: { publicKey?: unknown; privateKey?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new KeyFileError(`${file}: not valid JSON`);
  }
  const priv = parsed.privateKey;
  if (typeof priv !== "string" || !/^0x[0-9a-f]{64}$/i.test(priv))
    throw new KeyFileError(`${file}: privateKey: expected 0x-prefixed 32-byte hex`);
  const pub = x25519PublicKey(priv as Hex32);
  if (typeof parsed.publicKey === "string" && parsed.publicKey.toLowerCase() !== pub.toLowerCase())
    throw new KeyFileError(`${file}: publicKey does not belong to privateKey`);
  return { publicKey: pub, privateKey: new Secret(priv as Hex32), file, created: false };
}
