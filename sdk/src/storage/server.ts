/**
 * Content-addressed HTTP blob store (Node `http`, no framework).
 *
 * Blobs live under `<dir>/blobs/<sha256 hex>`; uploads stream into `<dir>/tmp/<random>` while being
 * hashed and counted, are fsynced, and are renamed into place only when complete, within the size limit
 * and (for PUT) equal to the hash in the path. A failed upload leaves nothing behind.
 *
 * Routes: `PUT /blobs/<hex>`, `POST /blobs`, `GET|HEAD /blobs/<hex>`, `GET /healthz`.
 * Errors are JSON `{ "error": "<message>" }`. See docs/STORAGE.md.
 */
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { z } from "zod";
import { blobId, blobUri, type Sha256Hex } from "./uri.ts";
import { formatIssues } from "../zod-errors.ts";

/** Default per-blob size limit: 16 MiB. */
export const DEFAULT_MAX_BLOB_BYTES = 16 * 1024 * 1024;
/** Default number of uploads received at once; further uploads get 503 with Retry-After. */
export const DEFAULT_MAX_CONCURRENT_UPLOADS = 16;

/** Minimal structured logger (pino-compatible) the store reports to. */
export interface BlobStoreLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface BlobStoreOptions {
  /** State folder; `blobs/` and `tmp/` are created inside it. */
  dir: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Per-blob size limit in bytes (default 16 MiB). */
  maxBytes?: number;
  /** Uploads received concurrently before answering 503 (default 16). */
  maxConcurrentUploads?: number;
  /** Whole-request time limit in ms (default 120 000). */
  requestTimeoutMs?: number;
  logger?: BlobStoreLogger;
}

export interface BlobStore {
  /** Base URL, e.g. `http://127.0.0.1:39123`. Blob `eai://blob/sha256-<hex>` is at `<url>/blobs/<hex>`. */
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** What an upload answers (also what `uploadBlob` returns). */
export interface StoredBlob {
  id: string;
  sha256: Sha256Hex;
  size: number;
  uri: string;
}

const optionsSchema = z.object({
  dir: z.string().min(1, "expected a folder path"),
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default("127.0.0.1"),
  maxBytes: z.number().int().positive("expected a positive number of bytes").default(DEFAULT_MAX_BLOB_BYTES),
  maxConcurrentUploads: z.number().int().positive().default(DEFAULT_MAX_CONCURRENT_UPLOADS),
  requestTimeoutMs: z.number().int().positive().default(120_000),
});

type ResolvedOptions = z.infer<typeof optionsSchema> & { logger?: BlobStoreLogger };

const BLOB_PATH = /^\/blobs\/([0-9a-f]{64})$/;

class UploadTooLarge extends Error {}

const noopLogger: BlobStoreLogger = { info() {}, warn() {}, error() {} };

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers?: Record<string, string>,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { error: message }, headers);
}

/** Parses and validates options, throwing an error that names the bad field. */
function resolveOptions(options: BlobStoreOptions): ResolvedOptions {
  const { logger, ...rest } = options;
  const parsed = optionsSchema.safeParse(rest);
  if (!parsed.success) {
    throw new Error(`invalid blob store options: ${formatIssues(parsed.error.issues)}`);
  }
  return { ...parsed.data, dir: resolve(parsed.data.dir), logger };
}

/**
 * Creates the request handler (exposed for embedding; `startBlobStore` is the usual entry point).
 * The folders must exist (`startBlobStore` creates them).
 */
export function createBlobStoreHandler(
  options: BlobStoreOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const opts = resolveOptions(options);
  const log = opts.logger ?? noopLogger;
  const blobsDir = join(opts.dir, "blobs");
  const tmpDir = join(opts.dir, "tmp");
  let activeUploads = 0;

  async function receive(req: IncomingMessage, res: ServerResponse, expected: Sha256Hex | undefined) {
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > opts.maxBytes) {
      sendError(
        res,
        413,
        `blob too large: content-length ${declared} exceeds the limit of ${opts.maxBytes} bytes`,
        {
          connection: "close",
        },
      );
      req.resume();
      return;
    }
    if (activeUploads >= opts.maxConcurrentUploads) {
      sendError(res, 503, `too many concurrent uploads (limit ${opts.maxConcurrentUploads}); retry later`, {
        "retry-after": "1",
        connection: "close",
      });
      req.resume();
      return;
    }
    activeUploads++;
    const tmp = join(tmpDir, `${randomUUID()}.part`);
    try {
      const hash = createHash("sha256");
      let size = 0;
      const out = createWriteStream(tmp, { flags: "wx", flush: true });
      try {
        await new Promise<void>((resolveDone, reject) => {
          const fail = (err: Error) => {
            req.off("data", onData);
            out.destroy();
            reject(err);
          };
          const onData = (chunk: Buffer) => {
            size += chunk.length;
            if (size > opts.maxBytes) {
              fail(new UploadTooLarge());
              return;
            }
            hash.update(chunk);
            if (!out.write(chunk)) {
              req.pause();
              out.once("drain", () => req.resume());
            }
          };
          req.on("data", onData);
          req.once("end", () => out.end());
          req.once("aborted", () => fail(new Error("client aborted the upload")));
          req.once("error", fail);
          out.once("error", fail);
          out.once("finish", () => resolveDone());
        });
      } catch (err) {
        await rm(tmp, { force: true });
        if (err instanceof UploadTooLarge) {
          log.warn({ limit: opts.maxBytes }, "blob upload over the size limit rejected");
          sendError(res, 413, `blob too large: body exceeds the limit of ${opts.maxBytes} bytes`, {
            connection: "close",
          });
          req.resume();
        } else {
          log.warn({ err: (err as Error).message }, "blob upload failed");
          sendError(res, 400, `upload failed: ${(err as Error).message}`);
        }
        return;
      }
      const sha256 = hash.digest("hex");
      if (expected !== undefined && sha256 !== expected) {
        await rm(tmp, { force: true });
        sendError(res, 422, `sha256 mismatch: path names ${expected} but the body hashes to ${sha256}`);
        return;
      }
      const target = join(blobsDir, sha256);
      const existed = await stat(target).then(
        () => true,
        () => false,
      );
      // rename(2) is atomic: readers see either no file or the complete one. Concurrent uploads of the
      // same content race harmlessly: every candidate has identical bytes.
      await rename(tmp, target);
      await fsyncDir(blobsDir);
      log.info({ sha256, size, existed }, "blob stored");
      const body: StoredBlob = { id: blobId(sha256), sha256, size, uri: blobUri(sha256) };
      sendJson(res, existed ? 200 : 201, body);
    } catch (err) {
      await rm(tmp, { force: true });
      log.error({ err: (err as Error).message }, "blob store error");
      sendError(res, 500, "internal error while storing the blob");
    } finally {
      activeUploads--;
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse, sha256: Sha256Hex, head: boolean) {
    const file = join(blobsDir, sha256);
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      sendError(res, 404, `blob ${sha256} not found`);
      return;
    }
    const headers = {
      "content-type": "application/octet-stream",
      "content-length": String(size),
      etag: `"sha256-${sha256}"`,
      "cache-control": "public, max-age=31536000, immutable",
    };
    if (head) {
      res.writeHead(200, headers);
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.once("open", () => {
      res.writeHead(200, headers);
      stream.pipe(res);
    });
    stream.once("error", (err) => {
      log.error({ sha256, err: err.message }, "blob read failed");
      sendError(res, 500, "internal error while reading the blob");
    });
    req.once("close", () => stream.destroy());
  }

  return (req, res) => {
    const rawPath = (req.url ?? "/").split("?")[0] ?? "/";
    const method = req.method ?? "GET";
    const run = async () => {
      if (rawPath === "/healthz") {
        if (method !== "GET" && method !== "HEAD")
          return sendError(res, 405, "method not allowed", { allow: "GET, HEAD" });
        return sendJson(res, 200, { status: "ok", activeUploads });
      }
      if (rawPath === "/blobs") {
        if (method !== "POST") return sendError(res, 405, "method not allowed", { allow: "POST" });
        return receive(req, res, undefined);
      }
      if (rawPath.startsWith("/blobs/")) {
        const match = BLOB_PATH.exec(rawPath);
        if (!match?.[1]) {
          req.resume();
          return sendError(res, 400, "blob id: expected /blobs/<64 lowercase hex characters of the sha256>");
        }
        const sha256 = match[1];
        if (method === "PUT") return receive(req, res, sha256);
        if (method === "GET" || method === "HEAD") return serve(req, res, sha256, method === "HEAD");
        req.resume();
        return sendError(res, 405, "method not allowed", { allow: "GET, HEAD, PUT" });
      }
      req.resume();
      return sendError(res, 404, "not found");
    };
    run().catch((err: unknown) => {
      log.error({ err: (err as Error).message }, "blob store handler failed");
      sendError(res, 500, "internal error");
    });
  };
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Starts the blob store on `host:port` (default 127.0.0.1, a free port). Leftover partial uploads from
 * an earlier crash are removed at start.
 * @throws Error naming the bad option.
 */
export async function startBlobStore(options: BlobStoreOptions): Promise<BlobStore> {
  const opts = resolveOptions(options);
  const tmpDir = join(opts.dir, "tmp");
  await mkdir(join(opts.dir, "blobs"), { recursive: true });
  await mkdir(tmpDir, { recursive: true });
  for (const name of await readdir(tmpDir)) await rm(join(tmpDir, name), { force: true, recursive: true });

  const server = createServer(createBlobStoreHandler(options));
  server.requestTimeout = opts.requestTimeoutMs;
  server.headersTimeout = Math.min(30_000, opts.requestTimeoutMs);
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  const url = `http://${host}:${port}`;
  opts.logger?.info({ url, dir: opts.dir, maxBytes: opts.maxBytes }, "blob store listening");
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolveClose, reject) => {
        server.close((err) => (err ? reject(err) : resolveClose()));
        server.closeAllConnections();
      }),
  };
}
