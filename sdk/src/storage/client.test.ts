import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobError, fetchBlob, resolveBlobLocation, uploadBlob } from "./client.ts";
import { startBlobStore, type BlobStore } from "./server.ts";
import { blobUri, normaliseSha256, parseBlobUri, sha256Hex } from "./uri.ts";

let dir: string;
let store: BlobStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eai-blob-client-"));
  store = await startBlobStore({ dir, maxBytes: 64 * 1024 });
});

afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("blob URIs", () => {
  it("parses and formats eai://blob URIs", () => {
    const hex = "ab".repeat(32);
    expect(blobUri(hex)).toBe(`eai://blob/sha256-${hex}`);
    expect(parseBlobUri(`eai://blob/sha256-${hex}`)).toBe(hex);
    expect(normaliseSha256(`0x${hex.toUpperCase()}`)).toBe(hex);
    expect(() => parseBlobUri("eai://blob/sha256-xyz")).toThrow(/64 lowercase hex/);
    expect(() => normaliseSha256("12", "inputHash")).toThrow(/^inputHash: expected a sha256 digest/);
  });

  it("rejects malformed URIs with a clear error", () => {
    for (const uri of [
      "",
      "ipfs://Qm123",
      "eai://blob/sha256-",
      "eai://blob/md5-00",
      "file:///etc/passwd",
      "not a uri",
    ]) {
      expect(() => resolveBlobLocation(uri, { baseUrl: store.url }), uri).toThrow(BlobError);
    }
    expect(() => resolveBlobLocation(`eai://blob/sha256-${"a".repeat(64)}`, {})).toThrow(/baseUrl: required/);
  });
});

describe("fetchBlob", () => {
  it("verifies the hash named by the URI", async () => {
    const data = new TextEncoder().encode("original");
    const ref = await uploadBlob(store.url, data);
    // Corrupt the stored copy behind the store's back.
    await writeFile(join(dir, "blobs", ref.sha256), "tampered");
    const err = await fetchBlob(ref.uri, { baseUrl: store.url, maxBytes: 1024 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlobError);
    expect((err as BlobError).code).toBe("hash-mismatch");
    expect((err as BlobError).message).toContain(
      `expected sha256 ${ref.sha256}, got ${sha256Hex(new TextEncoder().encode("tampered"))}`,
    );
  });

  it("checks expectedSha256 against an http URL and against the URI", async () => {
    const data = new TextEncoder().encode("http form");
    const ref = await uploadBlob(store.url, data);
    const url = `${store.url}/blobs/${ref.sha256}`;
    expect(await fetchBlob(url, { expectedSha256: `0x${ref.sha256}`, maxBytes: 100 })).toEqual(data);
    await expect(fetchBlob(url, { expectedSha256: "1".repeat(64), maxBytes: 100 })).rejects.toMatchObject({
      code: "hash-mismatch",
    });
    await expect(
      fetchBlob(ref.uri, { baseUrl: store.url, expectedSha256: "1".repeat(64), maxBytes: 100 }),
    ).rejects.toThrow(/blob URI names sha256 .* but 1{64} was expected/);
  });

  it("stops at maxBytes", async () => {
    const data = new Uint8Array(10_000).fill(1);
    const ref = await uploadBlob(store.url, data);
    await expect(fetchBlob(ref.uri, { baseUrl: store.url, maxBytes: 9_999 })).rejects.toMatchObject({
      code: "too-large",
    });
    expect((await fetchBlob(ref.uri, { baseUrl: store.url, maxBytes: 10_000 })).length).toBe(10_000);
  });

  it("reports an upload over the store's limit as too-large", async () => {
    await expect(uploadBlob(store.url, new Uint8Array(64 * 1024 + 1))).rejects.toMatchObject({
      code: "too-large",
    });
  });

  it("reports an unreachable store as a network error", async () => {
    await expect(
      fetchBlob(`eai://blob/sha256-${"a".repeat(64)}`, { baseUrl: "http://127.0.0.1:1", maxBytes: 10 }),
    ).rejects.toMatchObject({ code: "network" });
  });
});

describe("timeouts and a busy store", () => {
  /** A TCP server that accepts connections and never answers (a hung store). */
  async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
    const sockets = new Set<Socket>();
    const server = createServer((s) => {
      sockets.add(s);
      s.on("error", () => {});
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
    };
  }

  it("gives up on a store that never answers after timeoutMs", async () => {
    const hung = await silentServer();
    try {
      await expect(uploadBlob(hung.url, new Uint8Array([1]), { timeoutMs: 200 })).rejects.toMatchObject({
        code: "network",
        message: expect.stringContaining("timed out after 200 ms"),
      });
      await expect(
        fetchBlob(`eai://blob/sha256-${"a".repeat(64)}`, { baseUrl: hung.url, maxBytes: 10, timeoutMs: 200 }),
      ).rejects.toMatchObject({
        code: "network",
        message: expect.stringContaining("timed out after 200 ms"),
      });
    } finally {
      await hung.close();
    }
  });

  it("retries an upload the store answered 503 to, after Retry-After", async () => {
    const busyDir = await mkdtemp(join(tmpdir(), "eai-blob-busy-"));
    const busy = await startBlobStore({
      dir: busyDir,
      maxConcurrentUploads: 1,
      maxQueuedUploads: 0,
      minUploadBytesPerSecond: 0,
    });
    try {
      const { hostname, port } = new URL(busy.url);
      const held = request({
        host: hostname,
        port,
        method: "POST",
        path: "/blobs",
        headers: { "transfer-encoding": "chunked" },
      });
      held.on("error", () => {});
      held.write("holding the only slot");
      const done = new Promise<number>((r) => held.on("response", (res) => r(res.statusCode ?? 0)));
      await expect
        .poll(async () => (await (await fetch(`${busy.url}/healthz`)).json()).activeUploads)
        .toBe(1);
      const data = new TextEncoder().encode("waits its turn");
      await expect(uploadBlob(busy.url, data, { retries: 0 })).rejects.toMatchObject({ code: "http" });
      // Free the slot while the retrying upload waits out its first Retry-After.
      const upload = uploadBlob(busy.url, data, { retries: 5 });
      setTimeout(() => held.end(), 200);
      expect((await upload).sha256).toBe(sha256Hex(data));
      expect(await done).toBe(201);
    } finally {
      await busy.close();
      await rm(busyDir, { recursive: true, force: true });
    }
  });
});
