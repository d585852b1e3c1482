/**
 * The same-origin blob proxy behind `/api/blobs/<sha256>` (route.ts binds it to the configured store).
 *
 * PUT never holds more than one chunk of the body: it requires a `Content-Length` (411 without one) and refuses a
 * declared length over the cap (413) before reading a byte; it then streams the body to the store through a
 * counter that aborts the moment more bytes arrive than were declared or allowed. The store checks the bytes
 * against the hash in the path and enforces its own size, rate and time limits, whose answers pass through.
 * Both directions have time limits toward the store: 504 when it does not answer in time, 502 when unreachable.
 */

export interface BlobProxyOptions {
  /** The store's base URL (read per request, so one build serves any deployment). */
  storeUrl: () => string;
  /** Largest upload accepted (bytes). */
  maxUploadBytes: number;
  /** Time for the store to answer a request with its status and headers (ms). */
  headersTimeoutMs: number;
  /** Time for a whole upload, body included (ms). */
  uploadTimeoutMs: number;
  /** Time for a whole download, body included (ms). */
  downloadTimeoutMs: number;
}

export interface BlobProxy {
  GET(req: Request, sha256: string): Promise<Response>;
  PUT(req: Request, sha256: string): Promise<Response>;
}

const SHA256 = /^[0-9a-f]{64}$/;
const DECIMAL = /^\d+$/;

/** Thrown inside the body stream when the client sends more than it may; aborts the upstream request. */
class BodyRefused extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

class ProxyTimeout extends Error {}

function error(status: number, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: message }, { status, headers });
}

/** Error answers to uploads close the connection, so the server does not go on reading an unwanted body. */
function refuse(status: number, message: string): Response {
  return error(status, message, { connection: "close" });
}

function forward(res: Response): Response {
  const headers = new Headers();
  for (const name of ["content-type", "content-length", "etag", "cache-control", "retry-after"]) {
    const value = res.headers.get(name);
    if (value) headers.set(name, value);
  }
  return new Response(res.body, { status: res.status, headers });
}

/**
 * A signal that aborts after `totalMs`, or after `headersMs` unless `gotHeaders()` is called first.
 * `timedOut()` says whether a time limit (rather than something else) ended the request.
 */
function deadlines(headersMs: number, totalMs: number) {
  const headers = new AbortController();
  const timer = setTimeout(() => headers.abort(new ProxyTimeout("headers")), headersMs);
  const total = AbortSignal.timeout(totalMs);
  return {
    signal: AbortSignal.any([headers.signal, total]),
    gotHeaders: () => clearTimeout(timer),
    timedOut: () => headers.signal.aborted || total.aborted,
    done: () => clearTimeout(timer),
  };
}

export function createBlobProxy(options: BlobProxyOptions): BlobProxy {
  const target = (sha256: string) => `${options.storeUrl()}/blobs/${sha256}`;

  function failed(err: unknown, timedOut: boolean, limitMs: number): Response {
    if (timedOut) return error(504, `blob store did not answer within ${limitMs} ms`);
    return error(502, `blob store unreachable: ${(err as Error).message}`);
  }

  return {
    async GET(_req, sha256) {
      if (!SHA256.test(sha256)) return error(400, "expected 64 lowercase hex digits");
      const limit = deadlines(options.headersTimeoutMs, options.downloadTimeoutMs);
      try {
        const res = await fetch(target(sha256), { signal: limit.signal });
        limit.gotHeaders();
        // The total limit keeps running while the body streams: a store that stalls mid-body is cut off.
        return forward(res);
      } catch (err) {
        return failed(err, limit.timedOut(), options.headersTimeoutMs);
      } finally {
        limit.done();
      }
    },

    async PUT(req, sha256) {
      if (!SHA256.test(sha256)) return refuse(400, "expected 64 lowercase hex digits");
      const declared = req.headers.get("content-length");
      if (declared === null) {
        return refuse(
          411,
          `Content-Length required: send the body with a declared length (at most ${options.maxUploadBytes} bytes)`,
        );
      }
      if (!DECIMAL.test(declared)) {
        return refuse(
          400,
          `content-length: expected a whole number of bytes, got ${JSON.stringify(declared)}`,
        );
      }
      const length = Number(declared);
      if (length > options.maxUploadBytes) {
        return refuse(
          413,
          `upload too large: content-length ${length} exceeds the limit of ${options.maxUploadBytes} bytes`,
        );
      }
      let refusal: BodyRefused | undefined;
      let seen = 0;
      const counter = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > length) {
            refusal = new BodyRefused(
              413,
              `upload too large: the body is longer than its content-length of ${length} bytes`,
            );
            controller.error(refusal);
            return;
          }
          controller.enqueue(chunk);
        },
        flush(controller) {
          if (seen < length) {
            refusal = new BodyRefused(
              400,
              `upload truncated: ${seen} of the declared ${length} bytes arrived`,
            );
            controller.error(refusal);
          }
        },
      });
      const body = (req.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() })).pipeThrough(
        counter,
      );
      // The store answers only after the whole body: one limit covers sending it and the answer.
      const limit = AbortSignal.timeout(options.uploadTimeoutMs);
      try {
        const res = await fetch(target(sha256), {
          method: "PUT",
          body,
          duplex: "half",
          headers: { "content-type": "application/octet-stream" },
          signal: limit,
        } as RequestInit & { duplex: "half" });
        return forward(res);
      } catch (err) {
        // An error in the counter also cancels the client's body (pipeThrough propagates it to the source).
        if (refusal) return refuse(refusal.status, refusal.message);
        if (limit.aborted) {
          return refuse(504, `blob store did not take the upload within ${options.uploadTimeoutMs} ms`);
        }
        return refuse(502, `blob store unreachable: ${(err as Error).message}`);
      }
    },
  };
}
