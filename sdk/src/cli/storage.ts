/**
 * The CLI's storage flags: `--storage http|helia|kubo|ipfs` (env EAI_STORAGE) and `--ipfs-api URL`
 * (env EAI_IPFS_API_URL), plus EAI_IPFS_DIR, EAI_IPFS_PEERS, EAI_IPFS_LISTEN and EAI_IPFS_TIMEOUT_MS for the
 * embedded node. `ipfs` means kubo when an API URL is given, else the embedded Helia node. docs/STORAGE.md, "IPFS".
 */
import { homedir } from "node:os";
import { join } from "node:path";
import type { ParseArgsConfig } from "node:util";
import { openBlobStorage, type BlobStorage, type StorageConfig } from "../storage/index.ts";

export const STORAGE_OPTIONS: NonNullable<ParseArgsConfig["options"]> = {
  storage: { type: "string" },
  "ipfs-api": { type: "string" },
};

export const STORAGE_HELP = `  --storage KIND       http (default), helia (embedded IPFS node), kubo or ipfs (env EAI_STORAGE)
  --ipfs-api URL       kubo RPC API, e.g. http://127.0.0.1:5001 (env EAI_IPFS_API_URL); helia: EAI_IPFS_DIR,
                       EAI_IPFS_PEERS (comma-separated /ip4/…/tcp/…/p2p/…), EAI_IPFS_LISTEN, EAI_IPFS_TIMEOUT_MS`;

/** A usage error of the storage flags (the CLI answers it with exit code 2). */
export class StorageFlagError extends Error {}

const list = (text: string | undefined) =>
  text
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The storage config the flags and environment select, or undefined for the plain HTTP blob store (`--blob-store`,
 * which the client uses as before).
 * @throws StorageFlagError naming the flag or variable.
 */
export function storageConfigFromCli(
  values: Record<string, string | boolean | undefined>,
  env: Readonly<Record<string, string | undefined>>,
): StorageConfig | undefined {
  const kind = (values.storage as string | undefined) ?? (env.EAI_STORAGE || undefined) ?? "http";
  const apiUrl = (values["ipfs-api"] as string | undefined) ?? (env.EAI_IPFS_API_URL || undefined);
  const timeoutText = env.EAI_IPFS_TIMEOUT_MS || undefined;
  const timeoutMs = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeoutMs !== undefined && (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0)) {
    throw new StorageFlagError(
      `EAI_IPFS_TIMEOUT_MS: expected a positive number of milliseconds, got "${timeoutText}"`,
    );
  }
  const backend = kind === "ipfs" ? (apiUrl ? "kubo" : "helia") : kind;
  switch (backend) {
    case "http":
      return undefined;
    case "kubo":
      if (!apiUrl) throw new StorageFlagError("--storage kubo: set --ipfs-api or EAI_IPFS_API_URL");
      return { backend, apiUrl, timeoutMs };
    case "helia":
      return {
        backend,
        dir: env.EAI_IPFS_DIR || join(homedir(), ".eai", "ipfs"),
        peers: list(env.EAI_IPFS_PEERS),
        listen: list(env.EAI_IPFS_LISTEN),
        timeoutMs,
      };
    default:
      throw new StorageFlagError(
        `--storage / EAI_STORAGE: expected http, helia, kubo or ipfs, got "${kind}"`,
      );
  }
}

/** Opens the storage the flags select (undefined: the HTTP blob store of --blob-store). */
export async function openCliStorage(
  values: Record<string, string | boolean | undefined>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<BlobStorage | undefined> {
  const config = storageConfigFromCli(values, env);
  if (config === undefined) return undefined;
  try {
    return await openBlobStorage(config);
  } catch (err) {
    throw new StorageFlagError((err as Error).message);
  }
}
