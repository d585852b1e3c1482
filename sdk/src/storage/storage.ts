/**
 * One storage client over three backends: the HTTP blob store (`http`), an embedded Helia node (`helia`) and a kubo
 * node's RPC API (`kubo`). Blobs are named by their sha256 in every backend, so the same URIs work with all three:
 * `eai://blob/sha256-<hex>` and `ipfs://<CIDv1 raw sha2-256>` (the same digest) resolve through the configured
 * backend, plain http(s) URLs are downloaded as they are. Every fetch is size-capped and hash-checked.
 */
import { z } from "zod";
import { formatIssues } from "../zod-errors.ts";
import { cidFromSha256 } from "./cid.ts";
import {
  BlobError,
  DEFAULT_BLOB_TIMEOUT_MS,
  digestOfUri,
  fetchBlob,
  uploadBlob,
  type BlobRef,
} from "./client.ts";
import type { HeliaNode } from "./helia.ts";
import { IPFS_DEFAULTS, kuboClient } from "./ipfs.ts";
import type { BlobStoreLogger } from "./server.ts";
import { blobId, blobUri, normaliseSha256, type Sha256Hex } from "./uri.ts";

export const STORAGE_BACKENDS = ["http", "helia", "kubo"] as const;
export type StorageBackend = (typeof STORAGE_BACKENDS)[number];

/** A stored blob: its id, hash, size, `eai://` URI (what goes on-chain, as before) and its IPFS CID. */
export interface StoredRef extends BlobRef {
  cid: string;
}

export interface StorageFetchOptions {
  /** Expected sha256 (hex, 0x-hex or sha256-hex); for content-addressed URIs it must equal the URI's digest. */
  expectedSha256?: string;
  /** Size cap in bytes. */
  maxBytes: number;
  signal?: AbortSignal;
  /** Time limit in ms (default: the backend's). */
  timeoutMs?: number;
}

export interface BlobStorage {
  readonly backend: StorageBackend;
  /** Stores `data`; idempotent. */
  upload(data: Uint8Array, options?: { signal?: AbortSignal }): Promise<StoredRef>;
  /**
   * Fetches a blob by URI.
   * @throws BlobError (`malformed-uri`, `not-found`, `too-large`, `hash-mismatch`, `http`, `network`).
   */
  fetch(uri: string, options: StorageFetchOptions): Promise<Uint8Array>;
  /** Stops what the client started (the embedded node). */
  close(): Promise<void>;
}

const url = z.string({ error: "expected an http(s) URL" }).refine(
  (value) => {
    try {
      const u = new URL(value);
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  },
  { error: "expected an http(s) URL" },
);
const timeout = z
  .number({ error: "expected milliseconds between 1 and 3600000" })
  .int({ error: "expected milliseconds between 1 and 3600000" })
  .min(1, { error: "expected milliseconds between 1 and 3600000" })
  .max(3_600_000, { error: "expected milliseconds between 1 and 3600000" });
const multiaddrList = z.array(z.string({ error: "expected a multiaddr string" }));

/** What selects and configures a backend (zod; the worker config's `storage`, the CLI's `--storage`). */
export const storageConfigSchema = z.discriminatedUnion(
  "backend",
  [
    z.object({ backend: z.literal("http"), url, timeoutMs: timeout.optional() }).strict(),
    z
      .object({
        backend: z.literal("helia"),
        dir: z.string({ error: "expected a folder path" }).min(1, { error: "expected a folder path" }),
        listen: multiaddrList.optional(),
        peers: multiaddrList.optional(),
        maxBlockBytes: z.number().int().positive().optional(),
        timeoutMs: timeout.optional(),
      })
      .strict(),
    z.object({ backend: z.literal("kubo"), apiUrl: url, timeoutMs: timeout.optional() }).strict(),
  ],
  { error: 'expected backend "http", "helia" or "kubo"' },
);
export type StorageConfig = z.infer<typeof storageConfigSchema>;

function refOf(sha256: Sha256Hex, size: number): StoredRef {
  return { id: blobId(sha256), sha256, size, uri: blobUri(sha256), cid: cidFromSha256(sha256) };
}

/** The digest a fetch must produce: the URI's (checked against `expectedSha256`), else `expectedSha256`. */
function expectedDigest(uri: string, expectedSha256: string | undefined): Sha256Hex | undefined {
  let expected: Sha256Hex | undefined;
  try {
    expected = expectedSha256 === undefined ? undefined : normaliseSha256(expectedSha256, "expectedSha256");
  } catch (err) {
    throw new BlobError("malformed-uri", (err as Error).message);
  }
  return digestOfUri(uri, expected);
}

/** The HTTP blob store at `baseUrl` (`uploadBlob` / `fetchBlob`). */
export function httpStorage(baseUrl: string, options: { timeoutMs?: number } = {}): BlobStorage {
  const timeoutMs = options.timeoutMs ?? DEFAULT_BLOB_TIMEOUT_MS;
  return {
    backend: "http",
    async upload(data, opts = {}) {
      const ref = await uploadBlob(baseUrl, data, { signal: opts.signal, timeoutMs });
      return { ...ref, cid: cidFromSha256(ref.sha256) };
    },
    fetch: (uri, opts) => fetchBlob(uri, { baseUrl, timeoutMs, ...opts }),
    close: async () => {},
  };
}

/** Fetches through an IPFS backend: content addresses by digest, http(s) URLs directly. */
function ipfsFetch(
  get: (
    sha256: Sha256Hex,
    opts: { maxBytes: number; timeoutMs?: number; signal?: AbortSignal },
  ) => Promise<Uint8Array>,
  defaultTimeoutMs: number,
) {
  return async (uri: string, opts: StorageFetchOptions): Promise<Uint8Array> => {
    const digest = expectedDigest(uri, opts.expectedSha256);
    if (digest === undefined) return fetchBlob(uri, { timeoutMs: defaultTimeoutMs, ...opts });
    return get(digest, {
      maxBytes: opts.maxBytes,
      timeoutMs: opts.timeoutMs ?? defaultTimeoutMs,
      signal: opts.signal,
    });
  };
}

/** A kubo node's RPC API at `apiUrl`. */
export function kuboStorage(apiUrl: string, options: { timeoutMs?: number } = {}): BlobStorage {
  const timeoutMs = options.timeoutMs ?? IPFS_DEFAULTS.kuboTimeoutMs;
  const kubo = kuboClient({ apiUrl, timeoutMs });
  return {
    backend: "kubo",
    async upload(data, opts = {}) {
      const put = await kubo.put(data, opts);
      return refOf(put.sha256, put.size);
    },
    fetch: ipfsFetch((sha, o) => kubo.get(sha, o), timeoutMs),
    close: async () => {},
  };
}

/** The `helia` backend: the storage and its node. */
export interface HeliaStorage extends BlobStorage {
  readonly backend: "helia";
  readonly node: HeliaNode;
}

/** A running Helia node as storage (`close()` stops the node only when `ownsNode`). */
export function heliaStorage(
  node: HeliaNode,
  options: { timeoutMs?: number; ownsNode?: boolean } = {},
): HeliaStorage {
  const timeoutMs = options.timeoutMs ?? IPFS_DEFAULTS.fetchTimeoutMs;
  return {
    backend: "helia",
    node,
    async upload(data, opts = {}) {
      const put = await node.put(data, opts);
      return refOf(put.sha256, put.size);
    },
    fetch: ipfsFetch((sha, o) => node.get(sha, o), timeoutMs),
    close: async () => {
      if (options.ownsNode) await node.stop();
    },
  };
}

/**
 * Opens the configured backend (starting the embedded node for `helia`).
 * @throws Error naming the bad field.
 */
export async function openBlobStorage(config: StorageConfig, logger?: BlobStoreLogger): Promise<BlobStorage> {
  const parsed = storageConfigSchema.safeParse(config, { reportInput: true });
  if (!parsed.success) throw new Error(`invalid storage config: ${formatIssues(parsed.error.issues)}`);
  const c = parsed.data;
  switch (c.backend) {
    case "http":
      return httpStorage(c.url, { timeoutMs: c.timeoutMs });
    case "kubo":
      return kuboStorage(c.apiUrl, { timeoutMs: c.timeoutMs });
    case "helia": {
      const { startHeliaNode } = await import("./helia.ts"); // libp2p is loaded only for this backend
      const node = await startHeliaNode({
        dir: c.dir,
        listen: c.listen,
        peers: c.peers,
        maxBlockBytes: c.maxBlockBytes,
        fetchTimeoutMs: c.timeoutMs,
        logger,
      });
      return heliaStorage(node, { timeoutMs: c.timeoutMs, ownsNode: true });
    }
  }
}
