import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fetchBlob, uploadBlob } from "./client.ts";
import { BLOB_STORE_DEFAULTS, startBlobStore, type BlobStore } from "./server.ts";
import { sha256Hex } from "./uri.ts";

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP request (no URL normalisation), optionally streaming the body in chunks. */
function raw(
  base: string,
  method: string,
  path: string,
  chunks: Uint8Array[] = [],
  headers: Record<string, string> = {},
) {
  const { hostname, port } = new URL(base);
  return new Promise<RawResponse>((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

/** An upload that sends a few bytes and then holds its slot until `finish()` ends the body. */
function holdUpload(base: string, localAddress?: string) {
  const { hostname, port } = new URL(base);
  const req = request({
    host: hostname,
    port,
    localAddress,
    method: "POST",
    path: "/blobs",
    headers: { "transfer-encoding": "chunked" },
  });
  const status = new Promise<number>((resolve, reject) => {
    req.on("response", (r) => {
      r.resume();
      resolve(r.statusCode ?? 0);
    });
    req.on("error", reject);
  });
  req.write(Buffer.from(`partial from ${localAddress ?? "default"} ${randomUUID()}`));
  return {
    status,
    finish: () => {
      req.end();
      return status;
    },
  };
}

async function health(base: string): Promise<{ activeUploads: number; queuedUploads: number }> {
  return (await (await fetch(`${base}/healthz`)).json()) as { activeUploads: number; queuedUploads: number };
}

/** Polls `check` until it holds (generous timeout: the machine may be busy). */
async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let dir: string;
let store: BlobStore;

async function listStored(): Promise<{ blobs: string[]; tmp: string[] }> {
  return { blobs: await readdir(join(dir, "blobs")), tmp: await readdir(join(dir, "tmp")) };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "eai-blobs-"));
  store = await startBlobStore({ dir, port: 0, maxBytes: 1024 * 1024, maxConcurrentUploads: 16 });
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("blob store", () => {
  it("binds to 127.0.0.1 and answers /healthz", async () => {
    expect(store.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${store.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", activeUploads: 0, queuedUploads: 0 });
  });

  it("round-trips a blob through PUT, GET and HEAD", async () => {
    const data = new TextEncoder().encode("hello, elastic ai");
    const ref = await uploadBlob(store.url, data);
    const hex = sha256Hex(data);
    expect(ref).toEqual({
      id: `sha256-${hex}`,
      sha256: hex,
      size: data.length,
      uri: `eai://blob/sha256-${hex}`,
    });
    expect(await fetchBlob(ref.uri, { baseUrl: store.url, maxBytes: 1024 })).toEqual(data);
    const head = await fetch(`${store.url}/blobs/${hex}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(data.length));
    expect(head.headers.get("etag")).toBe(`"sha256-${hex}"`);
    expect(await readFile(join(dir, "blobs", hex))).toEqual(Buffer.from(data));
  });

  it("POST /blobs stores and returns id, sha256, size and uri", async () => {
    const data = new Uint8Array(5000).map((_, i) => i % 251);
    const res = await fetch(`${store.url}/blobs`, { method: "POST", body: data });
    expect(res.status).toBe(201);
    const hex = sha256Hex(data);
    expect(await res.json()).toEqual({
      id: `sha256-${hex}`,
      sha256: hex,
      size: 5000,
      uri: `eai://blob/sha256-${hex}`,
    });
    const again = await fetch(`${store.url}/blobs`, { method: "POST", body: data });
    expect(again.status).toBe(200);
  });

  it("stores an empty blob", async () => {
    const ref = await uploadBlob(store.url, new Uint8Array(0));
    expect(ref.size).toBe(0);
    expect(await fetchBlob(ref.uri, { baseUrl: store.url, maxBytes: 0 })).toEqual(new Uint8Array(0));
  });

  it("rejects a PUT whose body does not hash to the path with 422 and stores nothing", async () => {
    const wrong = "0".repeat(64);
    const res = await raw(store.url, "PUT", `/blobs/${wrong}`, [Buffer.from("not zero")]);
    expect(res.status).toBe(422);
    expect(JSON.parse(res.body).error).toContain(`path names ${wrong} but the body hashes to`);
    expect(await listStored()).toEqual({ blobs: [], tmp: [] });
  });

  it("rejects an oversized upload announced by content-length with 413 and stores nothing", async () => {
    const big = new Uint8Array(1024 * 1024 + 1);
    const res = await raw(store.url, "PUT", `/blobs/${sha256Hex(big)}`, [big], {
      "content-length": String(big.length),
    });
    expect(res.status).toBe(413);
    expect(await listStored()).toEqual({ blobs: [], tmp: [] });
  });

  it("rejects an oversized chunked upload while streaming with 413 and stores nothing", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(7);
    const chunks = Array.from({ length: 17 }, () => chunk); // 1 MiB + 64 KiB, no content-length
    const res = await raw(store.url, "POST", "/blobs", chunks, { "transfer-encoding": "chunked" }).catch(
      (err: Error) => ({ status: -1, headers: {}, body: err.message }),
    );
    // The server answers 413 and closes; depending on timing the client may see the reset first.
    expect([413, -1]).toContain(res.status);
    expect(await listStored()).toEqual({ blobs: [], tmp: [] });
    // The store still works afterwards.
    expect((await uploadBlob(store.url, chunk)).size).toBe(chunk.length);
  });

  it("accepts concurrent uploads of the same blob and keeps one intact copy", async () => {
    const data = new Uint8Array(256 * 1024).map((_, i) => (i * 31) % 256);
    const refs = await Promise.all(Array.from({ length: 12 }, () => uploadBlob(store.url, data)));
    expect(new Set(refs.map((r) => r.uri)).size).toBe(1);
    expect(await listStored()).toEqual({ blobs: [sha256Hex(data)], tmp: [] });
    expect(sha256Hex(await readFile(join(dir, "blobs", sha256Hex(data))))).toBe(sha256Hex(data));
  });

  it("queues uploads past maxConcurrentUploads and answers 503 with Retry-After when the wait is too long", async () => {
    await store.close();
    store = await startBlobStore({
      dir,
      maxConcurrentUploads: 1,
      uploadQueueTimeoutMs: 300,
      minUploadBytesPerSecond: 0,
    });
    const held = holdUpload(store.url);
    await waitUntil(async () => (await health(store.url)).activeUploads === 1);
    const res = await raw(store.url, "POST", "/blobs", [Buffer.from("second")]);
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("1");
    expect(JSON.parse(res.body).error).toMatch(/no upload slot became free within 300 ms/);
    // A queued upload runs as soon as the slot frees.
    const queued = raw(store.url, "POST", "/blobs", [Buffer.from("third")]);
    await waitUntil(async () => (await health(store.url)).queuedUploads === 1);
    expect(await held.finish()).toBe(201);
    expect((await queued).status).toBe(201);
  });

  it("answers 404 for a missing blob", async () => {
    const hex = "a".repeat(64);
    expect((await fetch(`${store.url}/blobs/${hex}`)).status).toBe(404);
    expect((await fetch(`${store.url}/blobs/${hex}`, { method: "HEAD" })).status).toBe(404);
    await expect(
      fetchBlob(`eai://blob/sha256-${hex}`, { baseUrl: store.url, maxBytes: 10 }),
    ).rejects.toMatchObject({
      code: "not-found",
    });
  });

  it("refuses path traversal and malformed ids without touching the file system", async () => {
    await writeFile(join(dir, "secret"), "top secret");
    const attempts = [
      "/blobs/../secret",
      "/blobs/..%2fsecret",
      "/blobs/%2e%2e%2fsecret",
      "/blobs/..\\secret",
      `/blobs/${"a".repeat(64)}/../../secret`,
      `/blobs/${"A".repeat(64)}`,
      `/blobs/${"a".repeat(63)}`,
      "/blobs/",
      "/../secret",
      "/%2e%2e/secret",
    ];
    for (const path of attempts) {
      for (const method of ["GET", "PUT"]) {
        const res = await raw(store.url, method, path, method === "PUT" ? [Buffer.from("x")] : []);
        expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${path}`).toBeLessThan(500);
        expect(res.body).not.toContain("top secret");
      }
    }
    expect(await listStored()).toEqual({ blobs: [], tmp: [] });
    expect(await readFile(join(dir, "secret"), "utf8")).toBe("top secret");
  });

  it("answers 405 for unsupported methods", async () => {
    const res = await raw(store.url, "DELETE", `/blobs/${"a".repeat(64)}`);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, HEAD, PUT");
  });

  it("removes partial uploads left by a crash at start", async () => {
    await store.close();
    await mkdir(join(dir, "tmp"), { recursive: true });
    await writeFile(join(dir, "tmp", "crashed.part"), "half");
    store = await startBlobStore({ dir });
    expect((await listStored()).tmp).toEqual([]);
  });

  it("validates options with errors naming the field", async () => {
    await expect(startBlobStore({ dir, maxBytes: -1 })).rejects.toThrow(
      /maxBytes: expected a positive number of bytes/,
    );
    await expect(startBlobStore({ dir: "" })).rejects.toThrow(/dir: expected a folder path/);
  });
});

interface Trickler {
  /** The status line the store answered with, or "closed" when it closed without one. */
  result: Promise<number | "closed">;
  stop(): void;
}

/** A slowloris upload: declares `contentLength` bytes, then sends one byte every `everyMs`. */
function trickle(base: string, everyMs: number, contentLength = 100_000): Trickler {
  const { hostname, port } = new URL(base);
  const socket = connect({ host: hostname, port: Number(port) });
  let head = "";
  socket.write(
    `PUT /blobs/${"b".repeat(64)} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: ${contentLength}\r\n\r\n`,
  );
  const timer = setInterval(() => socket.write("x"), everyMs);
  const result = new Promise<number | "closed">((resolve) => {
    socket.on("data", (chunk: Buffer) => (head += chunk.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      resolve(status ? Number(status) : "closed");
    });
  });
  return { result, stop: () => socket.destroy() };
}

/** Server-side sockets of `store`, to watch the store close them. */
function serverSockets(s: BlobStore): Socket[] {
  const sockets: Socket[] = [];
  s.server.on("connection", (socket) => sockets.push(socket));
  return sockets;
}

const random = (n: number) => new Uint8Array(randomBytes(n));

describe("blob store against hostile clients", () => {
  it("serves an honest upload and download while 20 clients trickle one byte every 2 s (slowloris)", async () => {
    await store.close();
    store = await startBlobStore({ dir }); // every default: 16 slots, ≥ 8 KiB/s over 5 s, 10 s queue
    const before = random(256 * 1024);
    const stored = await uploadBlob(store.url, before);
    const attackers = Array.from({ length: 20 }, () => trickle(store.url, 2_000));
    try {
      await waitUntil(async () => {
        const h = await health(store.url);
        return h.activeUploads === BLOB_STORE_DEFAULTS.maxConcurrentUploads && h.queuedUploads === 4;
      });
      // Downloads need no upload slot.
      let t = performance.now();
      const downloaded = await fetchBlob(stored.uri, { baseUrl: store.url, maxBytes: before.length });
      const downloadMs = performance.now() - t;
      expect(Buffer.from(downloaded).equals(before)).toBe(true);

      // The upload queues behind the tricklers; they are cut after one rate window, long before they could
      // have finished (100 000 bytes at 0.5 byte/s) and before the queue's own timeout would refuse the upload.
      const data = random(1024 * 1024);
      t = performance.now();
      const ref = await uploadBlob(store.url, data);
      const uploadMs = performance.now() - t;
      expect(ref.sha256).toBe(sha256Hex(data));
      const back = await fetchBlob(ref.uri, { baseUrl: store.url, maxBytes: data.length });
      expect(sha256Hex(back)).toBe(ref.sha256);
      console.log(
        `slowloris (20 tricklers, 16 slots): honest download ${downloadMs.toFixed(0)} ms, ` +
          `honest 1 MiB upload ${uploadMs.toFixed(0)} ms (rate window ${BLOB_STORE_DEFAULTS.uploadRateWindowMs} ms)`,
      );
      // Every trickler, the queued ones included, is answered 408 and disconnected.
      expect(new Set(await Promise.all(attackers.map((a) => a.result)))).toEqual(new Set([408]));
      expect(await health(store.url)).toMatchObject({ activeUploads: 0, queuedUploads: 0 });
      expect((await listStored()).tmp).toEqual([]);
    } finally {
      for (const a of attackers) a.stop();
    }
  });

  it("cuts an upload slower than minUploadBytesPerSecond with 408 and keeps a steady one", async () => {
    await store.close();
    store = await startBlobStore({ dir, minUploadBytesPerSecond: 10_000, uploadRateWindowMs: 1_000 });
    const slow = trickle(store.url, 100, 50_000);
    expect(await slow.result).toBe(408);
    // 64 KiB every 50 ms (≈ 1.3 MB/s) for ~1 s: well above the floor over every window.
    const chunk = random(64 * 1024);
    const chunks = Array.from({ length: 16 }, () => chunk);
    const { hostname, port } = new URL(store.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: hostname, port, method: "POST", path: "/blobs" }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      const send = () => {
        const next = chunks.shift();
        if (next === undefined) return req.end();
        req.write(next);
        setTimeout(send, 50);
      };
      send();
    });
    expect(status).toBe(201);
  });

  it("closes a download whose client stops reading", async () => {
    await store.close();
    const size = 16 * 1024 * 1024; // larger than the loopback socket buffers, so the server's writes stall
    store = await startBlobStore({
      dir,
      maxBytes: size,
      socketIdleTimeoutMs: 1_000,
      uploadQueueTimeoutMs: 500,
    });
    const data = random(size);
    const ref = await uploadBlob(store.url, data);
    const sockets = serverSockets(store);
    const { hostname, port } = new URL(store.url);
    const client = connect({ host: hostname, port: Number(port) });
    client.pause(); // never reads
    client.write(`GET /blobs/${ref.sha256} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
    await waitUntil(() => sockets.length === 1 && sockets[0]?.destroyed === true);
    // What the client still finds in its buffers ends early: the response was cut, not completed.
    let received = 0;
    const closed = new Promise<void>((resolve) => client.on("close", () => resolve()));
    client.on("error", () => {});
    client.on("data", (c: Buffer) => (received += c.length));
    client.resume();
    await closed;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(size);
  });

  it("closes a download that reads steadily but outlasts downloadTimeoutMs", async () => {
    await store.close();
    const size = 16 * 1024 * 1024;
    store = await startBlobStore({ dir, maxBytes: size, downloadTimeoutMs: 1_500 });
    const ref = await uploadBlob(store.url, random(size));
    const sockets = serverSockets(store);
    const { hostname, port } = new URL(store.url);
    const client = connect({ host: hostname, port: Number(port) });
    client.on("error", () => {});
    client.pause();
    let received = 0;
    const reader = setInterval(() => {
      for (let c = client.read(4096) as Buffer | null; c; c = null) received += c.length;
    }, 20); // ≈ 200 KB/s: never idle, but 16 MiB would take over a minute
    const closed = new Promise<void>((resolve) => client.on("close", () => resolve()));
    client.write(`GET /blobs/${ref.sha256} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
    await waitUntil(() => sockets[0]?.destroyed === true);
    clearInterval(reader);
    client.on("data", (c: Buffer) => (received += c.length));
    client.resume();
    await closed;
    expect(received).toBeLessThan(size);
  });

  it("closes connections whose headers trickle or never come", async () => {
    await store.close();
    store = await startBlobStore({ dir, headersTimeoutMs: 1_000, connectionsCheckingIntervalMs: 100 });
    const { hostname, port } = new URL(store.url);
    const open = (bytes: string[]) => {
      const socket = connect({ host: hostname, port: Number(port) });
      socket.on("error", () => {});
      let answer = "";
      socket.on("data", (c: Buffer) => (answer += c.toString("latin1")));
      const timer = setInterval(() => {
        const next = bytes.shift();
        if (next !== undefined) socket.write(next);
      }, 200);
      return new Promise<string>((resolve) =>
        socket.on("close", () => {
          clearInterval(timer);
          resolve(answer);
        }),
      );
    };
    // 200 bytes of header at 5 bytes/s would take 40 s; silence would last forever.
    const trickled = open(Array.from("GET /healthz HTTP/1.1\r\nX-Slow: " + "a".repeat(170)));
    const silent = open([]);
    expect(await trickled).toMatch(/^HTTP\/1\.1 408/);
    expect(await silent).toMatch(/^(HTTP\/1\.1 408|)/);
    // The store still answers.
    expect((await fetch(`${store.url}/healthz`)).status).toBe(200);
  });

  it("answers 431 to request headers larger than maxHeaderBytes", async () => {
    const res = await raw(store.url, "GET", "/healthz", [], { "x-padding": "a".repeat(9_000) });
    expect(res.status).toBe(431);
    expect((await raw(store.url, "GET", "/healthz", [], { "x-padding": "a".repeat(4_000) })).status).toBe(
      200,
    );
  });

  it("limits uploads per remote address so one client cannot take every slot", async () => {
    await store.close();
    store = await startBlobStore({
      dir,
      maxConcurrentUploads: 8,
      maxUploadsPerClient: 2,
      limitLoopbackClients: true,
      minUploadBytesPerSecond: 0,
    });
    // 127.0.0.2 and 127.0.0.3 are loopback too (Linux routes 127/8 to lo): two distinct clients.
    const greedy = Array.from({ length: 4 }, () => holdUpload(store.url, "127.0.0.2"));
    await waitUntil(async () => {
      const h = await health(store.url);
      return h.activeUploads === 2 && h.queuedUploads === 2;
    });
    const extra = holdUpload(store.url, "127.0.0.2");
    expect(await extra.status).toBe(503);
    const other = holdUpload(store.url, "127.0.0.3");
    expect(await other.finish()).toBe(201); // not queued behind 127.0.0.2's uploads
    expect(await Promise.all(greedy.map((g) => g.finish()))).toEqual([201, 201, 201, 201]);
  });

  it("lets loopback clients share the global limit by default", async () => {
    await store.close();
    store = await startBlobStore({ dir, maxUploadsPerClient: 1, minUploadBytesPerSecond: 0 });
    const held = [holdUpload(store.url), holdUpload(store.url), holdUpload(store.url)];
    await waitUntil(async () => (await health(store.url)).activeUploads === 3);
    expect(await Promise.all(held.map((h) => h.finish()))).toEqual([201, 201, 201]);
  });

  it("answers Expect: 100-continue only once the upload is admitted", async () => {
    const data = Buffer.from("expect me");
    const { hostname, port } = new URL(store.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: hostname,
        port,
        method: "PUT",
        path: `/blobs/${sha256Hex(data)}`,
        headers: { expect: "100-continue", "content-length": String(data.length) },
      });
      req.on("continue", () => req.end(data));
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
    });
    expect(status).toBe(201);
  });

  it("refuses inconsistent timeouts with an error naming the option", async () => {
    await expect(startBlobStore({ dir, headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 })).rejects.toThrow(
      /headersTimeoutMs: expected at most requestTimeoutMs \(1000\)/,
    );
    await expect(
      startBlobStore({ dir, uploadQueueTimeoutMs: 40_000, socketIdleTimeoutMs: 30_000 }),
    ).rejects.toThrow(/uploadQueueTimeoutMs: expected less than socketIdleTimeoutMs/);
  });
});
