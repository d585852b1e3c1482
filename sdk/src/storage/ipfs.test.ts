/**
 * CID ↔ sha256 mapping, and the kubo RPC client against a small fake kubo RPC server (no kubo binary or IPFS
 * daemon can be installed here; the fake answers /api/v0/block/put and /api/v0/block/get as kubo documents them).
 * The embedded Helia node is tested in worker/src/ipfs.test.ts (two nodes, one file).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { identity } from "multiformats/hashes/identity";
import { sha256, sha512 } from "multiformats/hashes/sha2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cidFromSha256, ipfsUri, parseIpfsUri, sha256FromCid } from "./cid.ts";
import { BlobError, resolveBlobLocation } from "./client.ts";
import { kuboClient } from "./ipfs.ts";
import { kuboStorage, openBlobStorage } from "./storage.ts";
import { blobUri, sha256Hex } from "./uri.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** The CID multiformats (an independent implementation) computes for `data` as a raw block. */
async function referenceCid(data: Uint8Array): Promise<string> {
  return CID.createV1(raw.code, await sha256.digest(data)).toString();
}

describe("CID ↔ sha256", () => {
  it("maps a blob's sha256 to the CIDv1 (raw, sha2-256) of its bytes and back", async () => {
    for (const data of [new Uint8Array(0), bytes("a"), bytes("input blob"), new Uint8Array(70_000).fill(9)]) {
      const hex = sha256Hex(data);
      const cid = cidFromSha256(hex);
      expect(cid).toBe(await referenceCid(data));
      expect(cid).toMatch(/^bafkrei[a-z2-7]{52}$/);
      expect(sha256FromCid(cid)).toBe(hex);
      expect(parseIpfsUri(ipfsUri(hex))).toBe(hex);
      // the same digest spelled as on-chain (0x) and as a blob id
      expect(cidFromSha256(`0x${hex}`)).toBe(cid);
      expect(cidFromSha256(`sha256-${hex}`)).toBe(cid);
    }
  });

  it("refuses CIDs that do not carry a sha256 of the bytes", async () => {
    const data = bytes("x");
    const digest = await sha256.digest(data);
    const refused = [
      CID.createV0(digest).toString(), // Qm…, dag-pb
      CID.createV1(0x70, digest).toString(), // dag-pb (a UnixFS root): hashes a DAG node, not the bytes
      CID.createV1(raw.code, await sha512.digest(data)).toString(),
      CID.createV1(raw.code, identity.digest(data)).toString(),
      CID.createV1(raw.code, digest).toString().toUpperCase(), // base32upper
      "bafkrei",
      `${cidFromSha256(sha256Hex(data))}a`,
      "zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA", // base58btc
    ];
    for (const cid of refused) expect(() => sha256FromCid(cid), cid).toThrow(/^CID: /);
    expect(() => parseIpfsUri(`ipfs://${cidFromSha256(sha256Hex(data))}/file`)).toThrow(/without a path/);
  });

  it("resolves ipfs:// URIs on the HTTP store by their digest", () => {
    const hex = sha256Hex(bytes("same blob"));
    const viaIpfs = resolveBlobLocation(ipfsUri(hex), { baseUrl: "http://127.0.0.1:1" });
    expect(viaIpfs).toEqual(resolveBlobLocation(blobUri(hex), { baseUrl: "http://127.0.0.1:1" }));
    expect(() =>
      resolveBlobLocation(ipfsUri(hex), { baseUrl: "http://127.0.0.1:1", expectedSha256: "1".repeat(64) }),
    ).toThrow(/names sha256 .* but 1{64} was expected/);
    expect(() => resolveBlobLocation("ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", {})).toThrow(
      BlobError,
    );
  });
});

/** A fake kubo RPC API: block/put stores the body under the CID multiformats computes, block/get serves it. */
interface FakeKubo {
  server: Server;
  url: string;
  blocks: Map<string, Uint8Array>;
  /** Requests seen (method, path, query). */
  calls: Array<{ method: string; path: string; query: URLSearchParams }>;
  /** Replaces the answer to block/get (wrong bytes, hang, error). */
  onGet?: (cid: string, res: ServerResponse) => boolean;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function startFakeKubo(): Promise<FakeKubo> {
  const fake = { blocks: new Map(), calls: [] } as unknown as FakeKubo;
  fake.server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? "/", "http://x");
      fake.calls.push({ method: req.method ?? "", path: u.pathname, query: u.searchParams });
      const body = await readBody(req);
      if (req.method !== "POST") {
        res.writeHead(405).end(); // kubo's RPC API answers only POST
        return;
      }
      if (u.pathname === "/api/v0/block/put") {
        const request = new Request("http://x", {
          method: "POST",
          body: new Uint8Array(body),
          headers: { "content-type": req.headers["content-type"] ?? "" },
        });
        const file = (await request.formData()).get("file");
        if (!(file instanceof Blob)) {
          res
            .writeHead(400)
            .end(JSON.stringify({ Message: "file argument 'data' is required", Code: 1, Type: "error" }));
          return;
        }
        const data = new Uint8Array(await file.arrayBuffer());
        const cid = await referenceCid(data);
        fake.blocks.set(cid, data);
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ Key: cid, Size: data.length }));
        return;
      }
      if (u.pathname === "/api/v0/block/get") {
        const cid = u.searchParams.get("arg") ?? "";
        if (fake.onGet?.(cid, res)) return;
        const data = fake.blocks.get(cid);
        if (!data) {
          res
            .writeHead(500)
            .end(JSON.stringify({ Message: "context deadline exceeded", Code: 0, Type: "error" }));
          return;
        }
        res.writeHead(200, { "content-type": "text/plain", "content-length": data.length }).end(data);
        return;
      }
      res.writeHead(404).end("404 page not found");
    })();
  });
  await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  return fake;
}

describe("kubo RPC client (against a fake kubo RPC server)", () => {
  let kubo: FakeKubo;
  beforeAll(async () => {
    kubo = await startFakeKubo();
  });
  afterAll(async () => {
    kubo.server.closeAllConnections();
    await new Promise((r) => kubo.server.close(r));
  });

  it("stores a blob as one pinned raw block and fetches it back by eai:// and ipfs:// URI", async () => {
    const storage = await openBlobStorage({ backend: "kubo", apiUrl: kubo.url });
    const data = bytes("kubo input");
    const ref = await storage.upload(data);
    expect(ref).toEqual({
      id: `sha256-${sha256Hex(data)}`,
      sha256: sha256Hex(data),
      size: data.length,
      uri: blobUri(sha256Hex(data)),
      cid: await referenceCid(data),
    });
    const put = kubo.calls.find((c) => c.path === "/api/v0/block/put");
    expect(Object.fromEntries(put?.query ?? [])).toEqual({
      "cid-codec": "raw",
      mhtype: "sha2-256",
      mhlen: "32",
      pin: "true",
    });
    expect(kubo.blocks.get(ref.cid)).toEqual(data);
    expect(await storage.fetch(ref.uri, { maxBytes: 100 })).toEqual(data);
    expect(
      await storage.fetch(`ipfs://${ref.cid}`, { maxBytes: 100, expectedSha256: `0x${ref.sha256}` }),
    ).toEqual(data);
    const get = kubo.calls.filter((c) => c.path === "/api/v0/block/get").at(-1);
    expect(get?.query.get("arg")).toBe(ref.cid);
    expect(get?.query.get("timeout")).toBe("120000ms");
  });

  it("refuses a node that serves wrong bytes for a CID", async () => {
    const storage = kuboStorage(kubo.url);
    const ref = await storage.upload(bytes("honest bytes"));
    kubo.blocks.set(ref.cid, bytes("forged bytes"));
    await expect(storage.fetch(ref.uri, { maxBytes: 100 })).rejects.toMatchObject({
      code: "hash-mismatch",
      message: expect.stringContaining(
        `expected sha256 ${ref.sha256}, got ${sha256Hex(bytes("forged bytes"))}`,
      ),
    });
  });

  it("keeps the size cap: a declared or streamed body over maxBytes is refused", async () => {
    const storage = kuboStorage(kubo.url);
    const data = new Uint8Array(5_000).fill(3);
    const ref = await storage.upload(data);
    await expect(storage.fetch(ref.uri, { maxBytes: 4_999 })).rejects.toMatchObject({ code: "too-large" });
    kubo.onGet = (cid, res) => {
      if (cid !== ref.cid) return false;
      res.writeHead(200); // chunked, no content-length
      res.write(data.subarray(0, 3_000));
      res.end(data.subarray(3_000));
      return true;
    };
    try {
      await expect(storage.fetch(ref.uri, { maxBytes: 4_999 })).rejects.toMatchObject({
        code: "too-large",
        message: expect.stringContaining("exceeds the limit of 4999 bytes"),
      });
      expect(await storage.fetch(ref.uri, { maxBytes: 5_000 })).toEqual(data);
    } finally {
      kubo.onGet = undefined;
    }
  });

  it("fails within its time limit when the node never answers, and reports kubo's own errors", async () => {
    const client = kuboClient({ apiUrl: kubo.url, timeoutMs: 300 });
    const nobody = sha256Hex(bytes("nobody has this"));
    kubo.onGet = () => true; // never answers
    try {
      const started = Date.now();
      const err = (await client.get(nobody, { maxBytes: 100 }).catch((e: unknown) => e)) as BlobError;
      expect(err).toBeInstanceOf(BlobError);
      expect(err.code).toBe("network");
      expect(err.message).toContain("kubo block/get at");
      expect(err.message).toContain("timed out after 300 ms");
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      kubo.onGet = undefined;
    }
    await expect(client.get(nobody, { maxBytes: 100, timeoutMs: 5_000 })).rejects.toMatchObject({
      code: "http",
      message: expect.stringContaining("HTTP 500: context deadline exceeded"),
    });
    await expect(
      kuboClient({ apiUrl: "http://127.0.0.1:1" }).get(nobody, { maxBytes: 1 }),
    ).rejects.toMatchObject({
      code: "network",
    });
    expect(() => kuboClient({ apiUrl: "ftp://x" })).toThrow(/kubo apiUrl: expected an http\(s\) URL/);
  });

  it("refuses a node that acknowledges another CID than the bytes'", async () => {
    const liar = createServer((req, res) => {
      req.resume();
      req.on("end", () =>
        res.writeHead(200).end(JSON.stringify({ Key: cidFromSha256("ab".repeat(32)), Size: 3 })),
      );
    });
    await new Promise<void>((r) => liar.listen(0, "127.0.0.1", r));
    try {
      const storage = kuboStorage(`http://127.0.0.1:${(liar.address() as AddressInfo).port}`);
      await expect(storage.upload(bytes("abc"))).rejects.toMatchObject({ code: "hash-mismatch" });
    } finally {
      liar.closeAllConnections();
      await new Promise((r) => liar.close(r));
    }
  });
});

describe("openBlobStorage", () => {
  it("names the bad field", async () => {
    await expect(openBlobStorage({ backend: "kubo", apiUrl: "nope" })).rejects.toThrow(/apiUrl/);
    await expect(openBlobStorage({ backend: "ftp" } as never)).rejects.toThrow(/"http", "helia" or "kubo"/);
  });
});
