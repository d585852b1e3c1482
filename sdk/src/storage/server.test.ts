import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fetchBlob, uploadBlob } from "./client.ts";
import { startBlobStore, type BlobStore } from "./server.ts";
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
    expect(await res.json()).toEqual({ status: "ok", activeUploads: 0 });
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

  it("bounds concurrent uploads with 503 and Retry-After", async () => {
    await store.close();
    store = await startBlobStore({ dir, maxConcurrentUploads: 1 });
    const { hostname, port } = new URL(store.url);
    // Hold one upload open.
    const held = request({
      host: hostname,
      port,
      method: "POST",
      path: "/blobs",
      headers: { "transfer-encoding": "chunked" },
    });
    held.on("error", () => {});
    held.write(Buffer.from("partial"));
    await new Promise((r) => setTimeout(r, 100));
    const res = await raw(store.url, "POST", "/blobs", [Buffer.from("second")]);
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("1");
    const done = new Promise<number>((resolve) => held.on("response", (r) => resolve(r.statusCode ?? 0)));
    held.end();
    expect(await done).toBe(201);
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
