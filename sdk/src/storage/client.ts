/**
 * Client for the content-addressed blob store: upload by hash, fetch with a size cap and hash check.
 * Works with `eai://blob/sha256-<hex>` URIs (resolved against a store's base URL) and plain http(s) URLs.
 */
import { createHash } from "node:crypto";
import type { StoredBlob } from "./server.ts";
import {
  BLOB_URI_PREFIX,
  blobHttpUrl,
  blobId,
  blobUri,
  normaliseSha256,
  sha256Hex,
  type Sha256Hex,
} from "./uri.ts";
import { IPFS_URI_PREFIX, parseIpfsUri } from "./cid.ts";

export type BlobErrorCode =
  "malformed-uri" | "not-found" | "too-large" | "hash-mismatch" | "http" | "network";

/** Every failure of the blob client; `code` says which kind. */
export class BlobError extends Error {
  readonly code: BlobErrorCode;
  constructor(code: BlobErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BlobError";
    this.code = code;
  }
}

export type BlobRef = StoredBlob;

/** Default time limit of one upload or download attempt (the whole request and response). */
export const DEFAULT_BLOB_TIMEOUT_MS = 120_000;
/** Default number of retries of an upload the store answered 503 (busy) to. */
export const DEFAULT_UPLOAD_RETRIES = 3;
/** Longest wait between upload retries, whatever `Retry-After` says. */
const MAX_RETRY_DELAY_MS = 5_000;

export interface UploadOptions {
  signal?: AbortSignal;
  /** Time limit of each attempt in ms (default 120 000). */
  timeoutMs?: number;
  /** Retries when the store is busy (503), after its `Retry-After` (capped at 5 s); default 3. */
  retries?: number;
}

/** `signal` combined with a time limit; `timedOut()` tells the two apart after an abort. */
function withTimeout(signal: AbortSignal | undefined, timeoutMs: number) {
  const timeout = AbortSignal.timeout(timeoutMs);
  return {
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    timedOut: () => timeout.aborted && !signal?.aborted,
  };
}

function checkTimeout(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new BlobError("malformed-uri", `${name}: expected a positive number of milliseconds, got ${value}`);
  }
}

/**
 * Uploads `data` with `PUT /blobs/<sha256>` (idempotent: uploading the same bytes twice is harmless). A store that
 * is busy (503) is asked again after its `Retry-After`, up to `retries` times.
 * @returns the stored blob's id, hash, size and `eai://` URI.
 */
export async function uploadBlob(
  baseUrl: string,
  data: Uint8Array,
  options: UploadOptions = {},
): Promise<BlobRef> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_BLOB_TIMEOUT_MS;
  const retries = options.retries ?? DEFAULT_UPLOAD_RETRIES;
  checkTimeout("timeoutMs", timeoutMs);
  if (!Number.isSafeInteger(retries) || retries < 0) {
    throw new BlobError("malformed-uri", `retries: expected a whole number ≥ 0, got ${retries}`);
  }
  const sha256 = sha256Hex(data);
  const url = blobHttpUrl(baseUrl, sha256);
  let res: Response;
  let text: string;
  for (let attempt = 0; ; attempt++) {
    const limit = withTimeout(options.signal, timeoutMs);
    try {
      res = await fetch(url, {
        method: "PUT",
        body: new Uint8Array(data), // a copy backed by a plain ArrayBuffer, as BodyInit requires
        headers: { "content-type": "application/octet-stream" },
        signal: limit.signal,
      });
      text = await res.text();
    } catch (err) {
      const why = limit.timedOut() ? `timed out after ${timeoutMs} ms` : `failed: ${(err as Error).message}`;
      throw new BlobError("network", `upload to ${url} ${why}`, { cause: err });
    }
    if (res.status !== 503 || attempt >= retries) break;
    const after = Number(res.headers.get("retry-after"));
    const delay = Math.min(MAX_RETRY_DELAY_MS, Number.isFinite(after) && after > 0 ? after * 1000 : 1000);
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new BlobError("network", `upload to ${url} aborted while the store was busy`));
      };
      const timer = setTimeout(() => {
        options.signal?.removeEventListener("abort", onAbort);
        resolve();
      }, delay);
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
  if (!res.ok) {
    const code: BlobErrorCode =
      res.status === 413 ? "too-large" : res.status === 422 ? "hash-mismatch" : "http";
    throw new BlobError(code, `upload to ${url} failed with HTTP ${res.status}: ${errorText(text)}`);
  }
  const body = JSON.parse(text) as Partial<StoredBlob>;
  if (body.sha256 !== sha256 || body.size !== data.byteLength) {
    throw new BlobError(
      "hash-mismatch",
      `store at ${baseUrl} acknowledged sha256 ${String(body.sha256)} size ${String(body.size)}, expected ${sha256} size ${data.byteLength}`,
    );
  }
  return { id: blobId(sha256), sha256, size: data.byteLength, uri: blobUri(sha256) };
}

export interface FetchBlobOptions {
  /** Store base URL; required for `eai://blob/...` URIs. */
  baseUrl?: string;
  /** Expected sha256 (hex, 0x-hex or sha256-hex). For `eai://` URIs it must equal the URI's hash. */
  expectedSha256?: string;
  /** Size cap in bytes; the download stops as soon as it is exceeded. */
  maxBytes: number;
  signal?: AbortSignal;
  /** Time limit of the whole download in ms (default 120 000). */
  timeoutMs?: number;
}

/**
 * The sha256 named by a content-addressed URI (`eai://blob/sha256-<hex>` or `ipfs://<cid>`), checked against
 * `expected` when given; undefined for any other URI (an http(s) URL names no digest).
 * @throws BlobError `malformed-uri` for a malformed content address, `hash-mismatch` when it names another digest.
 */
export function digestOfUri(uri: string, expected?: Sha256Hex): Sha256Hex | undefined {
  let fromUri: Sha256Hex;
  if (uri.startsWith("eai://")) {
    if (!uri.startsWith(BLOB_URI_PREFIX) || !/^[0-9a-f]{64}$/.test(uri.slice(BLOB_URI_PREFIX.length))) {
      throw new BlobError(
        "malformed-uri",
        `blob URI: expected "${BLOB_URI_PREFIX}<64 lowercase hex>", got ${JSON.stringify(uri)}`,
      );
    }
    fromUri = uri.slice(BLOB_URI_PREFIX.length);
  } else if (uri.startsWith(IPFS_URI_PREFIX)) {
    try {
      fromUri = parseIpfsUri(uri);
    } catch (err) {
      throw new BlobError("malformed-uri", (err as Error).message);
    }
  } else {
    return undefined;
  }
  if (expected !== undefined && expected !== fromUri) {
    throw new BlobError("hash-mismatch", `blob URI names sha256 ${fromUri} but ${expected} was expected`);
  }
  return fromUri;
}

/** Where to download `uri` from and which hash the bytes must have (if known). */
export function resolveBlobLocation(
  uri: string,
  options: Pick<FetchBlobOptions, "baseUrl" | "expectedSha256">,
): { url: string; sha256: Sha256Hex | undefined } {
  let expected: Sha256Hex | undefined;
  try {
    expected =
      options.expectedSha256 === undefined
        ? undefined
        : normaliseSha256(options.expectedSha256, "expectedSha256");
  } catch (err) {
    throw new BlobError("malformed-uri", (err as Error).message);
  }
  const fromUri = digestOfUri(uri, expected);
  if (fromUri !== undefined) {
    if (options.baseUrl === undefined) {
      throw new BlobError("malformed-uri", `baseUrl: required to resolve ${uri}`);
    }
    return { url: blobHttpUrl(options.baseUrl, fromUri), sha256: fromUri };
  }
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw new BlobError(
      "malformed-uri",
      `blob URI: expected eai://blob/sha256-<hex> or an http(s) URL, got ${JSON.stringify(uri)}`,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new BlobError(
      "malformed-uri",
      `blob URI: unsupported scheme ${JSON.stringify(parsed.protocol)} in ${JSON.stringify(uri)}`,
    );
  }
  return { url: parsed.toString(), sha256: expected };
}

/**
 * Downloads a blob, stopping as soon as more than `maxBytes` arrive, and checks its sha256 against the
 * URI's hash and/or `expectedSha256`.
 * @throws BlobError with code `malformed-uri`, `not-found`, `too-large`, `hash-mismatch`, `http` or `network`.
 */
export async function fetchBlob(uri: string, options: FetchBlobOptions): Promise<Uint8Array> {
  if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 0) {
    throw new BlobError(
      "malformed-uri",
      `maxBytes: expected a non-negative integer, got ${String(options.maxBytes)}`,
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_BLOB_TIMEOUT_MS;
  checkTimeout("timeoutMs", timeoutMs);
  const { url, sha256: expected } = resolveBlobLocation(uri, options);
  const limit = withTimeout(options.signal, timeoutMs);
  const failed = (err: unknown) =>
    new BlobError(
      "network",
      `fetching ${url} ${limit.timedOut() ? `timed out after ${timeoutMs} ms` : `failed: ${(err as Error).message}`}`,
      { cause: err },
    );
  let res: Response;
  try {
    res = await fetch(url, { signal: limit.signal });
  } catch (err) {
    throw failed(err);
  }
  if (res.status === 404) {
    await res.body?.cancel();
    throw new BlobError("not-found", `blob not found at ${url}`);
  }
  if (!res.ok) {
    const text = await res.text().catch(() => "");
    throw new BlobError("http", `fetching ${url} failed with HTTP ${res.status}: ${errorText(text)}`);
  }
  return readCappedBody(res, `blob at ${url}`, options.maxBytes, expected, failed);
}

/**
 * Reads a response body, stopping as soon as more than `maxBytes` arrive (a declared `Content-Length` over it is
 * refused before reading), and checks the bytes' sha256 against `expected` when given.
 * @param what names the blob in errors (`blob at <url>`).
 * @param failed turns a read error into the caller's BlobError.
 */
export async function readCappedBody(
  res: Response,
  what: string,
  maxBytes: number,
  expected: Sha256Hex | undefined,
  failed: (err: unknown) => BlobError,
): Promise<Uint8Array> {
  const declared = res.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    await res.body?.cancel();
    throw new BlobError("too-large", `${what} is ${declared} bytes, over the limit of ${maxBytes}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const hash = createHash("sha256");
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (err) {
        throw failed(err);
      }
      const { done, value } = next;
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new BlobError("too-large", `${what} exceeds the limit of ${maxBytes} bytes`);
      }
      hash.update(value);
      chunks.push(value);
    }
  }
  const actual = hash.digest("hex");
  if (expected !== undefined && actual !== expected) {
    throw new BlobError(
      "hash-mismatch",
      `${what}: expected sha256 ${expected}, got ${actual} (${size} bytes)`,
    );
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function errorText(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === "string") return body.error;
  } catch {
    // not JSON
  }
  return text.slice(0, 200);
}
