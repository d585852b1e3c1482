/**
 * Same-origin proxy to the content-addressed blob store, so the browser talks only to this app, the RPC and the
 * indexer. PUT uploads (at most MAX_UPLOAD_BYTES, declared up front in Content-Length and streamed, never buffered;
 * the store checks the body against the hash in the path), GET downloads. The store's status codes and error
 * messages pass through; the limits and time-outs are in blob-proxy.ts.
 */
import { blobStoreUrl } from "@/lib/config.ts";
import { createBlobProxy } from "./blob-proxy.ts";

export const dynamic = "force-dynamic";

/** Uploads through the web app are task inputs drawn or picked in the browser: 4 MiB is plenty. */
const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;

const proxy = createBlobProxy({
  storeUrl: blobStoreUrl,
  maxUploadBytes: MAX_UPLOAD_BYTES,
  headersTimeoutMs: 10_000,
  uploadTimeoutMs: 60_000,
  downloadTimeoutMs: 120_000,
});

type Params = { params: Promise<{ sha256: string }> };

export async function GET(req: Request, { params }: Params): Promise<Response> {
  return proxy.GET(req, (await params).sha256);
}

export async function PUT(req: Request, { params }: Params): Promise<Response> {
  return proxy.PUT(req, (await params).sha256);
}
