// Signing keys of the bridge daemons: from an environment variable or a V3 keystore (the worker's format and code).
import { readFile } from "node:fs/promises";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import type { Hex } from "viem";
import type { KeySource } from "./config.ts";

/** Loads the account a key source names; errors say which source is wrong, never the key. */
export async function loadAccount(
  source: KeySource,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<PrivateKeyAccount> {
  if ("env" in source) {
    const value = env[source.env]?.trim();
    if (value === undefined || value === "") throw new Error(`${source.env} is not set (the signing key)`);
    if (!/^0x[0-9a-fA-F]{64}$/.test(value)) {
      throw new Error(
        `${source.env}: expected a 0x-prefixed 32-byte hex key (${value.length} characters given)`,
      );
    }
    try {
      return privateKeyToAccount(value as Hex);
    } catch {
      throw new Error(`${source.env}: not a valid secp256k1 private key`);
    }
  }
  const password = env[source.passwordEnv];
  if (password === undefined) throw new Error(`${source.passwordEnv} is not set (the keystore's password)`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(source.keystore, "utf8"));
  } catch (err) {
    throw new Error(`cannot read keystore ${source.keystore}: ${(err as Error).message}`);
  }
  // The worker's V3 keystore code (scrypt, AES-128-CTR, MAC check); loaded only when a keystore is configured.
  const { decryptKeystore } = await import("@eai/worker");
  const secret = await decryptKeystore(json, password);
  return privateKeyToAccount(secret.reveal());
}
