/**
 * Same-origin proxy to the content-addressed blob store, so the browser talks only to this app, the RPC and the
 * indexer. PUT uploads (at most MAX_UPLOAD_BYTES; the store checks the body against the hash in the path), GET
 * downloads. The store's status codes and error messages pass through.
 */
import { blobStoreUrl } from "@/lib/config.ts";

export const dynamic = "force-dynamic";

/** Uploads through the web app are task inputs drawn or picked in the browser: 4 MiB is plenty. */
const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;

const SHA256 = /^[0-9a-f]{64}$/;

type Params = { params: Promise<{ sha256: string }> };

function target(sha256: string): string {
  return `${blobStoreUrl()}/blobs/${sha256}`;
}

async function forward(res: Response): Promise<Response> {
  const headers = new Headers();
  for (const name of ["content-type", "content-length", "etag", "cache-control"]) {
    const value = res.headers.get(name);
    if (value) headers.set(name, value);
  }
  return new Response(res.body, { status: res.status, headers });
}

function unreachable(err: unknown): Response {
  return Response.json({ error: `blob store unreachable: ${(err as Error).message}` }, { status: 502 });
}

export async function GET(_req: Request, { params }: Params): Promise<Response> {
  const { sha256 } = await params;
  if (!SHA256.test(sha256))
    return Response.json({ error: "expected 64 lowercase hex digits" }, { status: 400 });
  try {
    return await forward(await fetch(target(sha256)));
  } catch (err) {
    return unreachable(err);
  }
}

export async function PUT(req: Request, { params }: Params): Promise<Response> {
  const { sha256 } = await params;
  if (!SHA256.test(sha256))
    return Response.json({ error: "expected 64 lowercase hex digits" }, { status: 400 });
  const body = new Uint8Array(await req.arrayBuffer());
  if (body.byteLength > MAX_UPLOAD_BYTES) {
    return Response.json({ error: `upload too large: limit is ${MAX_UPLOAD_BYTES} bytes` }, { status: 413 });
  }
  try {
    return await forward(
      await fetch(target(sha256), {
        method: "PUT",
        body,
        headers: { "content-type": "application/octet-stream" },
      }),
    );
  } catch (err) {
    return unreachable(err);
  }
}
