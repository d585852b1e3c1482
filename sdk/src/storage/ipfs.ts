/**
 * IPFS backends of the blob storage, shared parts and the kubo client (the embedded Helia node is in helia.ts,
 * loaded only by who uses it). A blob is stored as ONE raw block whose CID is CIDv1/raw/sha2-256 of the bytes
 * (cid.ts), so the sha256 committed on-chain names the block; every fetched block is hashed again here.
 */
import { cidFromSha256 } from "./cid.ts";
import { BlobError, readCappedBody } from "./client.ts";
import { normaliseSha256, sha256Hex, type Sha256Hex } from "./uri.ts";

/** Defaults of the IPFS backends. */
export const IPFS_DEFAULTS = {
  /** Listen on loopback only, on a free port. */
  listen: ["/ip4/127.0.0.1/tcp/0"],
  /** Largest block the Helia node sends or accepts (the blob store's default per-blob limit). */
  maxBlockBytes: 16 * 1024 * 1024,
  /** Time limit of one fetch: a CID no connected peer has fails after it. */
  fetchTimeoutMs: 30_000,
  /** Time limit of one kubo RPC call. */
  kuboTimeoutMs: 120_000,
} as const;

/** The result of storing a blob on an IPFS backend. */
export interface IpfsPutResult {
  sha256: Sha256Hex;
  cid: string;
  size: number;
}

export interface IpfsGetOptions {
  /** Size cap in bytes. */
  maxBytes: number;
  /** Time limit in ms (default {@link IPFS_DEFAULTS.fetchTimeoutMs} / `kuboTimeoutMs`). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Validates fetch options; returns the time limit to apply. */
export function checkGetOptions(options: IpfsGetOptions, defaultTimeoutMs: number): number {
  if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 0) {
    throw new BlobError(
      "malformed-uri",
      `maxBytes: expected a non-negative integer, got ${String(options.maxBytes)}`,
    );
  }
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new BlobError(
      "malformed-uri",
      `timeoutMs: expected a positive number of milliseconds, got ${timeoutMs}`,
    );
  }
  return timeoutMs;
}

/** `signal` combined with a time limit; `timedOut()` tells the two apart after an abort. */
export function limitSignal(signal: AbortSignal | undefined, timeoutMs: number) {
  const timeout = AbortSignal.timeout(timeoutMs);
  return {
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    timedOut: () => timeout.aborted && !signal?.aborted,
  };
}

export interface KuboClientOptions {
  /** Base URL of the kubo RPC API, e.g. `http://127.0.0.1:5001` (never expose it beyond the host: it is admin). */
  apiUrl: string;
  /** Time limit of one call in ms (default 120 000). */
  timeoutMs?: number;
}

/** A client of a kubo node's RPC API (`/api/v0/block/put`, `/api/v0/block/get`). */
export interface KuboClient {
  readonly apiUrl: string;
  /** Stores `data` as one raw block and pins it (`block/put?cid-codec=raw&mhtype=sha2-256&pin=true`). */
  put(data: Uint8Array, options?: { signal?: AbortSignal }): Promise<IpfsPutResult>;
  /**
   * The blob whose sha256 is `sha256` (`block/get`, with kubo's own `timeout` too): size capped while reading,
   * hashed before it is returned.
   * @throws BlobError `network`, `http`, `too-large`, `hash-mismatch`.
   */
  get(sha256: Sha256Hex, options: IpfsGetOptions): Promise<Uint8Array>;
}

/** Kubo refuses blocks over 1 MiB unless told `allow-big-block` (and other nodes may not relay them). */
const KUBO_BLOCK_LIMIT = 1024 * 1024;

function kuboError(text: string): string {
  try {
    const body = JSON.parse(text) as { Message?: unknown };
    if (typeof body.Message === "string") return body.Message;
  } catch {
    // not JSON
  }
  return text.slice(0, 200);
}

/** A client of the kubo RPC API at `apiUrl`. */
export function kuboClient(options: KuboClientOptions): KuboClient {
  let base: URL;
  try {
    base = new URL(options.apiUrl);
  } catch {
    throw new Error(`kubo apiUrl: expected an http(s) URL, got ${JSON.stringify(options.apiUrl)}`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new Error(`kubo apiUrl: expected an http(s) URL, got ${JSON.stringify(options.apiUrl)}`);
  }
  const apiUrl = options.apiUrl.replace(/\/+$/, "");
  const defaultTimeoutMs = options.timeoutMs ?? IPFS_DEFAULTS.kuboTimeoutMs;
  const call = async (
    path: string,
    params: Record<string, string>,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    body?: FormData,
  ) => {
    const url = `${apiUrl}/api/v0/${path}?${new URLSearchParams(params).toString()}`;
    const limit = limitSignal(signal, timeoutMs);
    const failed = (err: unknown) =>
      new BlobError(
        "network",
        `kubo ${path} at ${apiUrl} ${limit.timedOut() ? `timed out after ${timeoutMs} ms` : `failed: ${(err as Error).message}`}`,
        { cause: err },
      );
    let res: Response;
    try {
      res = await fetch(url, { method: "POST", body, signal: limit.signal });
    } catch (err) {
      throw failed(err);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => "");
      throw new BlobError(
        "http",
        `kubo ${path} at ${apiUrl} failed with HTTP ${res.status}: ${kuboError(text)}`,
      );
    }
    return { res, failed };
  };
  return {
    apiUrl,
    async put(data, opts = {}) {
      const sha256 = sha256Hex(data);
      const cid = cidFromSha256(sha256);
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(data)]), "blob");
      const params: Record<string, string> = {
        "cid-codec": "raw",
        mhtype: "sha2-256",
        mhlen: "32",
        pin: "true",
      };
      if (data.byteLength > KUBO_BLOCK_LIMIT) params["allow-big-block"] = "true";
      const { res, failed } = await call("block/put", params, defaultTimeoutMs, opts.signal, form);
      let text: string;
      try {
        text = await res.text();
      } catch (err) {
        throw failed(err);
      }
      let answer: { Key?: unknown; Size?: unknown };
      try {
        answer = JSON.parse(text) as typeof answer;
      } catch {
        throw new BlobError(
          "http",
          `kubo block/put at ${apiUrl} answered something else than JSON: ${text.slice(0, 200)}`,
        );
      }
      if (answer.Key !== cid || Number(answer.Size) !== data.byteLength) {
        throw new BlobError(
          "hash-mismatch",
          `kubo block/put at ${apiUrl} stored ${String(answer.Key)} (${String(answer.Size)} bytes), expected ${cid} (${data.byteLength} bytes)`,
        );
      }
      return { sha256, cid, size: data.byteLength };
    },
    async get(sha256, opts) {
      const timeoutMs = checkGetOptions(opts, defaultTimeoutMs);
      const expected = normaliseSha256(sha256);
      const cid = cidFromSha256(expected);
      const { res, failed } = await call(
        "block/get",
        { arg: cid, timeout: `${timeoutMs}ms` },
        timeoutMs,
        opts.signal,
      );
      return readCappedBody(res, `kubo block ${cid}`, opts.maxBytes, expected, failed);
    },
  };
}
