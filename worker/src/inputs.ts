/**
 * Fetching a task's input: download by URI through the blob client (size cap, sha256 check), then
 * decrypt when the task is private (X25519 envelope, sdk/src/crypto).
 */
import { decryptWith, EnvelopeError, type Hex32 } from "@eai/sdk/crypto";
import { BlobError, httpStorage, type BlobStorage } from "@eai/sdk/storage";
import type { Secret } from "./secret.ts";

export type InputErrorCode =
  "malformed-uri" | "not-found" | "too-large" | "hash-mismatch" | "unavailable" | "decrypt-failed";

/** Why a task input could not be obtained; `code` lets the caller tell task faults from outages. */
export class InputError extends Error {
  readonly code: InputErrorCode;
  constructor(code: InputErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InputError";
    this.code = code;
  }
}

export interface FetchTaskInputOptions {
  /** `eai://blob/sha256-<hex>`, `ipfs://<cid>` or an http(s) URL (the task's inputURI). */
  uri: string;
  /** The worker's storage backend (HTTP store, Helia node or kubo); else the HTTP store at `blobStoreUrl`. */
  storage?: BlobStorage;
  /** Blob store base URL for content-addressed URIs when no `storage` is given (config.blobStoreUrl). */
  blobStoreUrl?: string;
  /** Expected sha256 of the stored blob (the ciphertext for private tasks), when known. */
  expectedSha256?: string;
  /** Size cap of the stored blob (config.limits.maxInputBytes). */
  maxBytes: number;
  /** Present for private tasks: the worker's X25519 private key. */
  decryptionKey?: Secret<Hex32>;
  signal?: AbortSignal;
}

function httpStorageAt(url: string | undefined): BlobStorage {
  if (url === undefined) throw new Error("fetchTaskInput: expected storage or blobStoreUrl");
  return httpStorage(url);
}

/**
 * Downloads and (for private tasks) decrypts a task input.
 * @throws InputError: `malformed-uri`, `not-found`, `too-large`, `hash-mismatch` and `decrypt-failed` are
 *         the task's fault; `unavailable` (network / HTTP errors) may be retried.
 */
export async function fetchTaskInput(options: FetchTaskInputOptions): Promise<Uint8Array> {
  let blob: Uint8Array;
  try {
    const storage = options.storage ?? httpStorageAt(options.blobStoreUrl);
    blob = await storage.fetch(options.uri, {
      expectedSha256: options.expectedSha256,
      maxBytes: options.maxBytes,
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof BlobError) {
      const code: InputErrorCode = err.code === "network" || err.code === "http" ? "unavailable" : err.code;
      throw new InputError(code, `task input: ${err.message}`, { cause: err });
    }
    throw err;
  }
  if (!options.decryptionKey) return blob;
  try {
    return decryptWith(options.decryptionKey.reveal(), blob);
  } catch (err) {
    if (err instanceof EnvelopeError)
      throw new InputError("decrypt-failed", `task input: ${err.message}`, { cause: err });
    throw err;
  }
}
