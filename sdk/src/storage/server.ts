/**
 * Content-addressed HTTP blob store (Node `http`, no framework).
 *
 * Blobs live under `<dir>/blobs/<sha256 hex>`; uploads stream into `<dir>/tmp/<random>` while being
 * hashed and counted, are fsynced, and are renamed into place only when complete, within the size limit
 * and (for PUT) equal to the hash in the path. A failed upload leaves nothing behind.
 *
 * Routes: `PUT /blobs/<hex>`, `POST /blobs`, `GET|HEAD /blobs/<hex>`, `GET /healthz`.
 * Errors are JSON `{ "error": "<message>" }`. See docs/STORAGE.md.
 *
 * Hostile clients: headers must arrive within `headersTimeoutMs` and fit in `maxHeaderBytes`; a whole request
 * within `requestTimeoutMs`; a download within `downloadTimeoutMs`; a socket with no traffic is closed after
 * `socketIdleTimeoutMs`. Uploads are admitted by `UploadSlots` (global and per-client limits, bounded queue) and
 * an upload body that arrives slower than `minUploadBytesPerSecond` over a window of `uploadRateWindowMs` is cut
 * off with 408, so trickling clients cannot hold the upload slots.
 */
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { z } from "zod";
import { clientAddress, SlotError, UploadSlots } from "./limits.ts";
import { blobId, blobUri, type Sha256Hex } from "./uri.ts";
import { formatIssues } from "../zod-errors.ts";

/** Default per-blob size limit: 16 MiB. */
export const DEFAULT_MAX_BLOB_BYTES = 16 * 1024 * 1024;
/** Default number of uploads received at once; further uploads wait in the queue. */
export const DEFAULT_MAX_CONCURRENT_UPLOADS = 16;

/** Every tunable of the store with its default (docs/STORAGE.md explains each). */
export const BLOB_STORE_DEFAULTS = {
  maxBytes: DEFAULT_MAX_BLOB_BYTES,
  maxConcurrentUploads: DEFAULT_MAX_CONCURRENT_UPLOADS,
  maxUploadsPerClient: 4,
  limitLoopbackClients: false,
  maxQueuedUploads: 64,
  uploadQueueTimeoutMs: 10_000,
  minUploadBytesPerSecond: 8_192,
  uploadRateWindowMs: 5_000,
  requestTimeoutMs: 120_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  socketIdleTimeoutMs: 30_000,
  downloadTimeoutMs: 120_000,
  maxHeaderBytes: 8_192,
  maxConnections: 256,
  connectionsCheckingIntervalMs: 1_000,
} as const;

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
  /** Uploads received at once, all clients together; more wait in the queue (default 16). */
  maxConcurrentUploads?: number;
  /** Uploads received at once from one remote address (default 4; see `limitLoopbackClients`). */
  maxUploadsPerClient?: number;
  /** Apply `maxUploadsPerClient` to loopback clients too (default false: every local process shares 127.0.0.1). */
  limitLoopbackClients?: boolean;
  /** Uploads waiting for a slot before answering 503 with Retry-After (default 64). */
  maxQueuedUploads?: number;
  /** How long an upload waits for a slot before 503 (default 10 000 ms). */
  uploadQueueTimeoutMs?: number;
  /** An upload body slower than this over `uploadRateWindowMs` is cut with 408 (default 8192; 0 disables). */
  minUploadBytesPerSecond?: number;
  /** The window of the upload rate check, and its grace period after the upload starts (default 5000 ms). */
  uploadRateWindowMs?: number;
  /** Whole-request time limit (headers and body; default 120 000 ms). Node answers 408 past it. */
  requestTimeoutMs?: number;
  /** Time limit for the request headers (default 10 000 ms). */
  headersTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open (default 5000 ms). */
  keepAliveTimeoutMs?: number;
  /** A socket with no traffic in either direction for this long is closed (default 30 000 ms; 0 disables). */
  socketIdleTimeoutMs?: number;
  /** Whole-response time limit of a download (default 120 000 ms). */
  downloadTimeoutMs?: number;
  /** Largest request head (request line and headers) in bytes; larger gets 431 (default 8192). */
  maxHeaderBytes?: number;
  /** Open connections at most; further ones are closed at once (default 256). */
  maxConnections?: number;
  /** How often Node checks the header and request timeouts (default 1000 ms). */
  connectionsCheckingIntervalMs?: number;
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

const d = BLOB_STORE_DEFAULTS;
const positiveMs = z.number().int().positive("expected a positive number of milliseconds");
const count = z.number().int().positive("expected a positive whole number");

const optionsSchema = z
  .object({
    dir: z.string().min(1, "expected a folder path"),
    port: z.number().int().min(0).max(65535).default(0),
    host: z.string().min(1).default("127.0.0.1"),
    maxBytes: z.number().int().positive("expected a positive number of bytes").default(d.maxBytes),
    maxConcurrentUploads: count.default(d.maxConcurrentUploads),
    maxUploadsPerClient: count.default(d.maxUploadsPerClient),
    limitLoopbackClients: z.boolean().default(d.limitLoopbackClients),
    maxQueuedUploads: z.number().int().nonnegative("expected 0 or more").default(d.maxQueuedUploads),
    uploadQueueTimeoutMs: positiveMs.default(d.uploadQueueTimeoutMs),
    minUploadBytesPerSecond: z
      .number()
      .int()
      .nonnegative("expected bytes per second, 0 to disable")
      .default(d.minUploadBytesPerSecond),
    uploadRateWindowMs: z
      .number()
      .int()
      .min(100, "expected at least 100 milliseconds")
      .default(d.uploadRateWindowMs),
    requestTimeoutMs: positiveMs.default(d.requestTimeoutMs),
    headersTimeoutMs: positiveMs.default(d.headersTimeoutMs),
    keepAliveTimeoutMs: positiveMs.default(d.keepAliveTimeoutMs),
    socketIdleTimeoutMs: z
      .number()
      .int()
      .nonnegative("expected milliseconds, 0 to disable")
      .default(d.socketIdleTimeoutMs),
    downloadTimeoutMs: positiveMs.default(d.downloadTimeoutMs),
    maxHeaderBytes: z.number().int().min(1024, "expected at least 1024 bytes").default(d.maxHeaderBytes),
    maxConnections: count.default(d.maxConnections),
    connectionsCheckingIntervalMs: positiveMs.default(d.connectionsCheckingIntervalMs),
  })
  .check((ctx) => {
    const o = ctx.value;
    if (o.headersTimeoutMs > o.requestTimeoutMs) {
      ctx.issues.push({
        code: "custom",
        path: ["headersTimeoutMs"],
        message: `expected at most requestTimeoutMs (${o.requestTimeoutMs})`,
        input: o.headersTimeoutMs,
      });
    }
    if (o.socketIdleTimeoutMs > 0 && o.uploadQueueTimeoutMs >= o.socketIdleTimeoutMs) {
      ctx.issues.push({
        code: "custom",
        path: ["uploadQueueTimeoutMs"],
        message: `expected less than socketIdleTimeoutMs (${o.socketIdleTimeoutMs}): a queued upload's socket is idle`,
        input: o.uploadQueueTimeoutMs,
      });
    }
  });

type ResolvedOptions = z.infer<typeof optionsSchema> & { logger?: BlobStoreLogger };

const BLOB_PATH = /^\/blobs\/([0-9a-f]{64})$/;

class UploadTooLarge extends Error {}
class UploadTooSlow extends Error {}

/** Requests that came through `checkContinue`: they get `100 Continue` only once admitted. */
const awaitingContinue = new WeakSet<IncomingMessage>();

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

/** The running handler's counters (for /healthz and tests). */
export interface BlobStoreHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Uploads being received now. */
  readonly activeUploads: number;
  /** Uploads waiting for a slot. */
  readonly queuedUploads: number;
}

/**
 * Creates the request handler (exposed for embedding; `startBlobStore` is the usual entry point and also sets the
 * server-level limits: header, request, keep-alive and idle timeouts, header size, connection count).
 * The folders must exist (`startBlobStore` creates them).
 */
export function createBlobStoreHandler(options: BlobStoreOptions): BlobStoreHandler {
  const opts = resolveOptions(options);
  const log = opts.logger ?? noopLogger;
  const blobsDir = join(opts.dir, "blobs");
  const tmpDir = join(opts.dir, "tmp");
  const slots = new UploadSlots({
    max: opts.maxConcurrentUploads,
    perClient: opts.maxUploadsPerClient,
    maxQueued: opts.maxQueuedUploads,
    queueTimeoutMs: opts.uploadQueueTimeoutMs,
    limitLoopback: opts.limitLoopbackClients,
  });

  /** Answers an upload early (error) and closes the connection instead of reading the rest of the body. */
  function refuseUpload(
    res: ServerResponse,
    status: number,
    message: string,
    headers: Record<string, string> = {},
  ): void {
    sendError(res, status, message, { connection: "close", ...headers });
  }

  /** Waits for an upload slot; answers 503 (or nothing, if the client left) and returns undefined when refused. */
  async function admit(req: IncomingMessage, res: ServerResponse, client: string) {
    const gone = new AbortController();
    const onClose = () => gone.abort();
    req.socket.once("close", onClose);
    try {
      return await slots.acquire(client, gone.signal);
    } catch (err) {
      if (!(err instanceof SlotError)) throw err;
      if (err.code !== "gone") {
        log.warn({ client, reason: err.code, active: slots.active, queued: slots.queued }, "upload refused");
        refuseUpload(res, 503, err.message, { "retry-after": "1" });
      }
      return undefined;
    } finally {
      req.socket.off("close", onClose);
    }
  }

  async function receive(req: IncomingMessage, res: ServerResponse, expected: Sha256Hex | undefined) {
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > opts.maxBytes) {
      refuseUpload(
        res,
        413,
        `blob too large: content-length ${declared} exceeds the limit of ${opts.maxBytes} bytes`,
      );
      return;
    }
    const client = clientAddress(req.socket.remoteAddress);
    const release = await admit(req, res, client);
    if (!release) return;
    if (req.socket.destroyed) {
      release();
      return;
    }
    if (awaitingContinue.has(req)) res.writeContinue();
    const tmp = join(tmpDir, `${randomUUID()}.part`);
    try {
      const hash = createHash("sha256");
      let size = 0;
      const out = createWriteStream(tmp, { flags: "wx", flush: true });
      let monitor: NodeJS.Timeout | undefined;
      try {
        await new Promise<void>((resolveDone, reject) => {
          let waitingForDisk = false;
          const fail = (err: Error) => {
            clearInterval(monitor);
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
              waitingForDisk = true;
              req.pause();
              out.once("drain", () => {
                waitingForDisk = false;
                req.resume();
              });
            }
          };
          monitor = watchRate(
            () => size,
            () => waitingForDisk,
            fail,
          );
          req.on("data", onData);
          req.once("end", () => {
            clearInterval(monitor);
            out.end();
          });
          req.once("aborted", () => fail(new Error("client aborted the upload")));
          req.once("error", fail);
          out.once("error", fail);
          out.once("finish", () => resolveDone());
        });
      } catch (err) {
        await rm(tmp, { force: true });
        if (err instanceof UploadTooLarge) {
          log.warn({ client, limit: opts.maxBytes }, "blob upload over the size limit rejected");
          refuseUpload(res, 413, `blob too large: body exceeds the limit of ${opts.maxBytes} bytes`);
        } else if (err instanceof UploadTooSlow) {
          log.warn({ client, size, err: err.message }, "slow blob upload cut off");
          refuseUpload(res, 408, err.message);
        } else {
          log.warn({ client, err: (err as Error).message }, "blob upload failed");
          sendError(res, 400, `upload failed: ${(err as Error).message}`);
        }
        return;
      } finally {
        clearInterval(monitor);
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
      release();
    }
  }

  /**
   * The minimum upload rate: every fifth of a window the byte count is sampled; once a whole window is covered
   * (the grace period), the bytes received over the last window must reach `minUploadBytesPerSecond × window`.
   * Time spent waiting for our own disk (back-pressure) restarts the window: it is not the client's fault.
   */
  function watchRate(
    received: () => number,
    waitingForDisk: () => boolean,
    fail: (err: Error) => void,
  ): NodeJS.Timeout | undefined {
    if (opts.minUploadBytesPerSecond === 0) return undefined;
    const ticks = 5;
    const windowMs = opts.uploadRateWindowMs;
    const need = Math.ceil((opts.minUploadBytesPerSecond * windowMs) / 1000);
    let history = [received()];
    const timer = setInterval(
      () => {
        if (waitingForDisk()) {
          history = [received()];
          return;
        }
        history.push(received());
        if (history.length > ticks + 1) history.shift();
        const got = received() - (history[0] as number);
        if (history.length === ticks + 1 && got < need) {
          fail(
            new UploadTooSlow(
              `upload too slow: ${got} bytes in the last ${windowMs} ms, expected at least ` +
                `${opts.minUploadBytesPerSecond} bytes/s (${need} bytes per window)`,
            ),
          );
        }
      },
      Math.max(20, Math.round(windowMs / ticks)),
    );
    timer.unref();
    return timer;
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
    // A reader that takes longer than the limit (a slow or stalled client) loses its connection; a socket with no
    // traffic at all is closed earlier by the server's idle timeout.
    const deadline = setTimeout(() => {
      log.warn(
        { sha256, client: clientAddress(req.socket.remoteAddress), limitMs: opts.downloadTimeoutMs },
        "download over the time limit closed",
      );
      stream.destroy();
      res.destroy();
    }, opts.downloadTimeoutMs);
    deadline.unref();
    stream.once("open", () => {
      res.writeHead(200, headers);
      stream.pipe(res);
    });
    stream.once("error", (err) => {
      log.error({ sha256, err: err.message }, "blob read failed");
      sendError(res, 500, "internal error while reading the blob");
    });
    res.once("close", () => {
      clearTimeout(deadline);
      stream.destroy();
    });
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const rawPath = (req.url ?? "/").split("?")[0] ?? "/";
    const method = req.method ?? "GET";
    const run = async () => {
      if (rawPath === "/healthz") {
        if (method !== "GET" && method !== "HEAD")
          return sendError(res, 405, "method not allowed", { allow: "GET, HEAD" });
        return sendJson(res, 200, {
          status: "ok",
          activeUploads: slots.active,
          queuedUploads: slots.queued,
        });
      }
      if (rawPath === "/blobs") {
        if (method !== "POST") return sendError(res, 405, "method not allowed", { allow: "POST" });
        return receive(req, res, undefined);
      }
      if (rawPath.startsWith("/blobs/")) {
        const match = BLOB_PATH.exec(rawPath);
        if (!match?.[1]) {
          return sendError(res, 400, "blob id: expected /blobs/<64 lowercase hex characters of the sha256>", {
            connection: "close",
          });
        }
        const sha256 = match[1];
        if (method === "PUT") return receive(req, res, sha256);
        if (method === "GET" || method === "HEAD") return serve(req, res, sha256, method === "HEAD");
        return sendError(res, 405, "method not allowed", { allow: "GET, HEAD, PUT", connection: "close" });
      }
      return sendError(res, 404, "not found", { connection: "close" });
    };
    run().catch((err: unknown) => {
      log.error({ err: (err as Error).message }, "blob store handler failed");
      sendError(res, 500, "internal error");
    });
  };
  return Object.defineProperties(handler, {
    activeUploads: { get: () => slots.active },
    queuedUploads: { get: () => slots.queued },
  }) as BlobStoreHandler;
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

  const handler = createBlobStoreHandler(options);
  const server = createServer(
    {
      maxHeaderSize: opts.maxHeaderBytes,
      requestTimeout: opts.requestTimeoutMs,
      headersTimeout: opts.headersTimeoutMs,
      keepAliveTimeout: opts.keepAliveTimeoutMs,
      connectionsCheckingInterval: opts.connectionsCheckingIntervalMs,
    },
    handler,
  );
  // Idle sockets (a stalled download, a client that stopped sending) are destroyed: no 'timeout' listener.
  server.timeout = opts.socketIdleTimeoutMs;
  server.maxConnections = opts.maxConnections;
  // Expect: 100-continue is answered only once the upload is admitted (or refused without reading the body).
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    awaitingContinue.add(req);
    handler(req, res);
  });
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
  opts.logger?.info(
    {
      url,
      dir: opts.dir,
      maxBytes: opts.maxBytes,
      maxConcurrentUploads: opts.maxConcurrentUploads,
      minUploadBytesPerSecond: opts.minUploadBytesPerSecond,
    },
    "blob store listening",
  );
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
