import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBlobStore, type BlobStore } from "@eai/sdk/storage";
import { createBlobProxy, type BlobProxyOptions } from "./blob-proxy.ts";
import { GET as routeGET, PUT as routePUT } from "./route.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const MiB = 1024 * 1024;

/**
 * A request body that produces `total` bytes in `chunk`-sized pieces only when read (no read-ahead), and counts
 * how many bytes anyone pulled from it.
 */
function countedBody(total: number, chunk = 64 * 1024) {
  let pulled = 0;
  const piece = new Uint8Array(chunk).fill(7);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) return controller.close();
        const n = Math.min(chunk, total - pulled);
        pulled += n;
        controller.enqueue(n === chunk ? piece.slice() : piece.slice(0, n));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled };
}

function put(
  hex: string,
  body: BodyInit | ReadableStream<Uint8Array> | null,
  headers: Record<string, string>,
) {
  return new Request(`http://app.test/api/blobs/${hex}`, {
    method: "PUT",
    body,
    headers,
    duplex: "half",
  } as RequestInit & { duplex: "half" });
}

/** A TCP server that accepts connections and never answers (a hung blob store). */
async function silentServer() {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
    s.resume();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

let dir: string;
let store: BlobStore;
const limits: Omit<BlobProxyOptions, "storeUrl"> = {
  maxUploadBytes: 4 * MiB,
  headersTimeoutMs: 5_000,
  uploadTimeoutMs: 20_000,
  downloadTimeoutMs: 20_000,
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eai-web-blobs-"));
  // The store's rate floor is lowered so that the trickle test below finishes quickly.
  store = await startBlobStore({ dir, minUploadBytesPerSecond: 10_000, uploadRateWindowMs: 1_000 });
});

afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("blob proxy", () => {
  it("streams an upload to the store and a download back", async () => {
    const proxy = createBlobProxy({ storeUrl: () => store.url, ...limits });
    const data = new Uint8Array(3 * MiB).map((_, i) => (i * 13) % 256);
    const hex = sha256(data);
    const res = await proxy.PUT(put(hex, data, { "content-length": String(data.length) }), hex);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ sha256: hex, size: data.length });
    const down = await proxy.GET(new Request(`http://app.test/api/blobs/${hex}`), hex);
    expect(down.status).toBe(200);
    expect(down.headers.get("etag")).toBe(`"sha256-${hex}"`);
    expect(sha256(new Uint8Array(await down.arrayBuffer()))).toBe(hex);
  });

  it("passes the store's answers through (hash mismatch, missing blob)", async () => {
    const proxy = createBlobProxy({ storeUrl: () => store.url, ...limits });
    const wrong = "0".repeat(64);
    const res = await proxy.PUT(put(wrong, "not zero", { "content-length": "8" }), wrong);
    expect(res.status).toBe(422);
    expect((await res.json()).error).toContain("sha256 mismatch");
    expect((await proxy.GET(new Request("http://app.test/"), "a".repeat(64))).status).toBe(404);
  });

  it("answers 411 to an upload without Content-Length and reads none of it", async () => {
    const proxy = createBlobProxy({ storeUrl: () => store.url, ...limits });
    const body = countedBody(64 * MiB);
    const res = await proxy.PUT(put("a".repeat(64), body.stream, {}), "a".repeat(64));
    expect(res.status).toBe(411);
    expect(res.headers.get("connection")).toBe("close");
    expect((await res.json()).error).toMatch(/Content-Length required.*at most 4194304 bytes/);
    expect(body.pulled()).toBe(0);
  });

  it("answers 413 to a declared 512 MiB upload before reading a byte", async () => {
    const proxy = createBlobProxy({ storeUrl: () => store.url, ...limits });
    const body = countedBody(512 * MiB);
    const res = await proxy.PUT(
      put("a".repeat(64), body.stream, { "content-length": String(512 * MiB) }),
      "a".repeat(64),
    );
    expect(res.status).toBe(413);
    expect((await res.json()).error).toBe(
      `upload too large: content-length ${512 * MiB} exceeds the limit of ${4 * MiB} bytes`,
    );
    expect(body.pulled()).toBe(0);
  });

  it("stops reading a body that runs past its Content-Length, holding at most a few chunks", async () => {
    const proxy = createBlobProxy({ storeUrl: () => store.url, ...limits });
    const body = countedBody(64 * MiB);
    const rssBefore = process.memoryUsage().rss;
    const res = await proxy.PUT(
      put("a".repeat(64), body.stream, { "content-length": "100000" }),
      "a".repeat(64),
    );
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    expect(res.status).toBe(413);
    expect((await res.json()).error).toContain("longer than its content-length of 100000 bytes");
    // Read up to the declared length plus the chunk that crossed it (and what the pipe had asked for ahead).
    expect(body.pulled()).toBeLessThan(1 * MiB);
    console.log(
      `lying 64 MiB body: ${body.pulled()} bytes read, RSS growth ${(rssGrowth / MiB).toFixed(1)} MiB`,
    );
    // The store saw an aborted upload and kept nothing of it.
    await expect.poll(() => readdir(join(dir, "tmp")), { timeout: 10_000 }).toEqual([]);
    expect(await readdir(join(dir, "blobs"))).not.toContain("a".repeat(64));
  });

  it("answers 400 to a body shorter than its Content-Length", async () => {
    const proxy = createBlobProxy({ storeUrl: () => store.url, ...limits });
    const body = countedBody(50);
    const res = await proxy.PUT(
      put("a".repeat(64), body.stream, { "content-length": "100" }),
      "a".repeat(64),
    );
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe("upload truncated: 50 of the declared 100 bytes arrived");
  });

  it("refuses a malformed Content-Length and a malformed hash", async () => {
    const proxy = createBlobProxy({ storeUrl: () => store.url, ...limits });
    const bad = new Request("http://app.test/", {
      method: "PUT",
      body: "x",
      headers: { "content-length": "1" },
    });
    expect((await proxy.PUT(bad, "A".repeat(64))).status).toBe(400);
    expect((await proxy.GET(new Request("http://app.test/"), "../secret")).status).toBe(400);
    const odd = { headers: new Headers({ "content-length": "1e3" }), body: null } as unknown as Request;
    const res = await proxy.PUT(odd, "a".repeat(64));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('content-length: expected a whole number of bytes, got "1e3"');
  });

  it("passes on the store's 408 when the client trickles its body", async () => {
    const proxy = createBlobProxy({ storeUrl: () => store.url, ...limits });
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const trickle = new ReadableStream<Uint8Array>({
      start(controller) {
        timer = setInterval(() => {
          if (sent++ < 1000) controller.enqueue(new Uint8Array([1]));
        }, 100);
      },
      cancel() {
        clearInterval(timer);
      },
    });
    try {
      const res = await proxy.PUT(put("a".repeat(64), trickle, { "content-length": "1000" }), "a".repeat(64));
      expect(res.status).toBe(408);
      expect((await res.json()).error).toMatch(/upload too slow/);
      expect(sent).toBeLessThan(1000); // stopped long before its 100 s
    } finally {
      clearInterval(timer);
    }
  });

  it("gives up on a store that never answers: 504", async () => {
    const hung = await silentServer();
    try {
      const proxy = createBlobProxy({
        storeUrl: () => hung.url,
        maxUploadBytes: 1024,
        headersTimeoutMs: 200,
        uploadTimeoutMs: 300,
        downloadTimeoutMs: 5_000,
      });
      const get = await proxy.GET(new Request("http://app.test/"), "a".repeat(64));
      expect(get.status).toBe(504);
      expect((await get.json()).error).toBe("blob store did not answer within 200 ms");
      const res = await proxy.PUT(put("a".repeat(64), "abc", { "content-length": "3" }), "a".repeat(64));
      expect(res.status).toBe(504);
      expect((await res.json()).error).toBe("blob store did not take the upload within 300 ms");
    } finally {
      await hung.close();
    }
  });

  it("answers 502 when the store is unreachable", async () => {
    const proxy = createBlobProxy({ storeUrl: () => "http://127.0.0.1:1", ...limits });
    expect((await proxy.GET(new Request("http://app.test/"), "a".repeat(64))).status).toBe(502);
    const res = await proxy.PUT(put("a".repeat(64), "abc", { "content-length": "3" }), "a".repeat(64));
    expect(res.status).toBe(502);
  });
});

describe("/api/blobs/[sha256] route", () => {
  it("proxies to EAI_BLOB_STORE_URL with the 4 MiB cap", async () => {
    const saved = process.env.EAI_BLOB_STORE_URL;
    process.env.EAI_BLOB_STORE_URL = store.url;
    try {
      const data = new TextEncoder().encode("through the route");
      const hex = sha256(data);
      const params = { params: Promise.resolve({ sha256: hex }) };
      expect((await routePUT(put(hex, data, { "content-length": String(data.length) }), params)).status).toBe(
        201,
      );
      const down = await routeGET(new Request(`http://app.test/api/blobs/${hex}`), params);
      expect(new TextDecoder().decode(await down.arrayBuffer())).toBe("through the route");
      const big = countedBody(4 * MiB + 1);
      const res = await routePUT(put(hex, big.stream, { "content-length": String(4 * MiB + 1) }), params);
      expect(res.status).toBe(413);
      expect(big.pulled()).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.EAI_BLOB_STORE_URL;
      else process.env.EAI_BLOB_STORE_URL = saved;
    }
  });
});
