/**
 * A worker fetches task inputs by CID over IPFS from a node it never uploaded to: two embedded Helia nodes on
 * loopback, connected directly (no bootstrap list, no DHT, no mDNS, no gateways), started once for the whole file.
 * Every socket the process opens while they run is recorded, to show that nothing leaves loopback.
 */
import dgram from "node:dgram";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsBlockstore } from "blockstore-fs";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { sha256 } from "multiformats/hashes/sha2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptFor, generateX25519KeyPair } from "@eai/sdk/crypto";
import {
  BlobError,
  cidFromSha256,
  heliaStorage,
  ipfsUri,
  openBlobStorage,
  sha256Hex,
  type HeliaStorage,
} from "@eai/sdk/storage";
import { startHeliaNode, type HeliaNode } from "@eai/sdk/storage/helia";
import { parseWorkerConfig, storageConfigOf } from "./config.ts";
import { fetchTaskInput, InputError } from "./inputs.ts";
import { Secret } from "./secret.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** Every TCP/IPC connect and UDP socket the process makes while the nodes run. */
const connects: string[] = [];
const udpSockets: string[] = [];
const originalConnect = net.Socket.prototype.connect;
const originalCreateSocket = dgram.createSocket;

let dir: string;
/** The requester's node: inputs are uploaded here only. */
let requester: HeliaNode;
/** The worker's storage, opened from a worker config whose only peer is the requester's node. */
let worker: HeliaStorage;

/** Writes `data` under the CID of `claimed` straight into the blockstore folder `blocksDir` (a forged block). */
async function forge(blocksDir: string, claimed: Uint8Array, data: Uint8Array): Promise<void> {
  const store = new FsBlockstore(blocksDir);
  await store.open();
  const cid = CID.createV1(raw.code, await sha256.digest(claimed));
  await store.delete(cid);
  await store.put(cid, data);
  await store.close();
}

beforeAll(async () => {
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const o = first as { host?: string; port?: number; path?: string } | undefined;
    connects.push(o?.path ?? `${o?.host ?? "?"}:${o?.port ?? "?"}`);
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  dgram.createSocket = ((...args: Parameters<typeof dgram.createSocket>) => {
    udpSockets.push(JSON.stringify(args[0]));
    return originalCreateSocket(...args);
  }) as typeof dgram.createSocket;

  dir = await mkdtemp(join(tmpdir(), "eai-ipfs-"));
  requester = await startHeliaNode({ dir: join(dir, "requester"), maxBlockBytes: 1024 * 1024 });
  const cfg = parseWorkerConfig(
    {
      rpcUrl: "http://127.0.0.1:8545",
      chainId: 31337,
      deploymentsDir: "deployments",
      stateDir: join(dir, "worker"),
      maxBond: "1",
      bandwidthMbps: 100,
      limits: { maxInputBytes: 64 * 1024 },
    },
    {
      EAI_WORKER_STORAGE_BACKEND: "helia",
      EAI_WORKER_IPFS_PEERS: requester.multiaddrs()[0],
      EAI_WORKER_IPFS_MAX_BLOCK_BYTES: String(64 * 1024),
      EAI_WORKER_STORAGE_TIMEOUT_MS: "2500",
    },
  );
  worker = (await openBlobStorage(storageConfigOf(cfg))) as HeliaStorage;
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await requester?.stop();
  net.Socket.prototype.connect = originalConnect;
  dgram.createSocket = originalCreateSocket;
  await rm(dir, { recursive: true, force: true });
});

describe("IPFS storage between two Helia nodes on loopback", () => {
  it("lets the worker fetch an input by CID from a node it never uploaded to", async () => {
    const data = bytes("digit 7, 784 pixels");
    const up = await heliaStorage(requester).upload(data);
    expect(up.cid).toBe(cidFromSha256(sha256Hex(data)));
    expect(await worker.node.has(up.sha256)).toBe(false);
    // The URI on-chain is the usual eai:// one (or ipfs://<cid>); the committed digest is what is checked.
    const got = await fetchTaskInput({
      uri: up.uri,
      storage: worker,
      expectedSha256: `0x${up.sha256}`,
      maxBytes: 64 * 1024,
    });
    expect(got).toEqual(data);
    expect(await worker.node.has(up.sha256)).toBe(true);
    const second = bytes("second input");
    const ref = await heliaStorage(requester).upload(second);
    expect(await worker.fetch(ipfsUri(ref.sha256), { maxBytes: 1024 })).toEqual(second);
  });

  it("keeps an encrypted input encrypted: the nodes hold only the envelope", async () => {
    const provider = generateX25519KeyPair();
    const envelope = encryptFor(provider.publicKey, bytes("private pixels"));
    const up = await heliaStorage(requester).upload(envelope);
    const fetched = await worker.fetch(up.uri, { maxBytes: 1024 });
    expect(fetched).toEqual(envelope);
    expect(Buffer.from(fetched).includes(Buffer.from("private pixels"))).toBe(false);
    const plain = await fetchTaskInput({
      uri: up.uri,
      storage: worker,
      expectedSha256: up.sha256,
      maxBytes: 1024,
      decryptionKey: new Secret(provider.privateKey),
    });
    expect(plain).toEqual(bytes("private pixels"));
  });

  it("refuses a node that serves wrong bytes for a CID, and a corrupted local copy", async () => {
    const honest = bytes("honest input");
    await forge(join(dir, "requester", "blocks"), honest, bytes("forged input"));
    const err = await worker
      .fetch(ipfsUri(sha256Hex(honest)), { maxBytes: 1024, timeoutMs: 1_500 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlobError);
    expect((err as BlobError).code).toBe("network"); // bitswap drops a block that does not hash to its CID
    expect(await worker.node.has(sha256Hex(honest))).toBe(false);

    const kept = bytes("fetched once, then corrupted on disk");
    const ref = await heliaStorage(requester).upload(kept);
    expect(await worker.fetch(ref.uri, { maxBytes: 1024 })).toEqual(kept);
    await forge(join(dir, "worker", "ipfs", "blocks"), kept, bytes("bit rot"));
    await expect(
      fetchTaskInput({ uri: ref.uri, storage: worker, maxBytes: 1024, expectedSha256: ref.sha256 }),
    ).rejects.toMatchObject({
      code: "hash-mismatch",
      message: expect.stringContaining(`expected sha256 ${ref.sha256}, got ${sha256Hex(bytes("bit rot"))}`),
    });
  });

  it("fails within the configured time when nobody has the CID", async () => {
    const nobody = sha256Hex(bytes("nobody stored this"));
    const started = Date.now();
    const err = (await worker
      .fetch(ipfsUri(nobody), { maxBytes: 1024, timeoutMs: 1_000 })
      .catch((e: unknown) => e)) as BlobError;
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(BlobError);
    expect(err.code).toBe("network");
    expect(err.message).toContain(
      `IPFS block ${cidFromSha256(nobody)} (sha256 ${nobody}) was not obtained within 1000 ms`,
    );
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(15_000); // bounded, and by the call's own limit, not the worker's 2.5 s
    // without a per-call limit the worker's configured one (storage.timeoutMs) applies; it is an outage for the
    // worker (retried later), not the task's fault
    const before = Date.now();
    const input = await fetchTaskInput({ uri: ipfsUri(nobody), storage: worker, maxBytes: 1024 }).catch(
      (e: unknown) => e,
    );
    expect(Date.now() - before).toBeGreaterThanOrEqual(2_400);
    expect(input).toBeInstanceOf(InputError);
    expect((input as InputError).code).toBe("unavailable");
    expect((input as InputError).message).toContain("was not obtained within 2500 ms");
  }, 60_000);

  it("keeps the size limits: maxBytes of the fetch, and the block limits of both nodes", async () => {
    const data = new Uint8Array(5_000).fill(5);
    const ref = await heliaStorage(requester).upload(data);
    await expect(worker.fetch(ref.uri, { maxBytes: 4_999 })).rejects.toMatchObject({ code: "too-large" });
    expect((await worker.fetch(ref.uri, { maxBytes: 5_000 })).length).toBe(5_000);
    // over the worker's 64 KiB block limit: bitswap refuses the message before the block is taken
    const big = await heliaStorage(requester).upload(new Uint8Array(200_000).fill(1));
    await expect(worker.fetch(big.uri, { maxBytes: 1 << 20, timeoutMs: 1_500 })).rejects.toMatchObject({
      code: "network",
    });
    expect(await worker.node.has(big.sha256)).toBe(false);
    await expect(worker.upload(new Uint8Array(64 * 1024 + 1))).rejects.toMatchObject({ code: "too-large" });
  });

  it("stays on loopback: listen and connection addresses, every socket opened, no UDP (no mDNS)", () => {
    const loopback = /^\/ip4\/127\.0\.0\.1\/tcp\/\d+/;
    for (const a of [...requester.multiaddrs(), ...worker.node.multiaddrs()]) expect(a).toMatch(loopback);
    expect(worker.node.connections().length).toBeGreaterThan(0);
    for (const a of [...requester.connections(), ...worker.node.connections()]) expect(a).toMatch(loopback);
    expect(connects.length).toBeGreaterThan(0); // the spy sees the worker dialling the requester's node
    for (const c of connects) expect(c).toMatch(/^(127\.0\.0\.1|::1|localhost):\d+$/);
    expect(udpSockets).toEqual([]);
  });

  it("keeps its peer id across restarts (peers list it in their multiaddrs)", async () => {
    const again = await startHeliaNode({ dir: join(dir, "worker-restart") });
    const id = again.peerId;
    await again.stop();
    const third = await startHeliaNode({ dir: join(dir, "worker-restart") });
    expect(third.peerId).toBe(id);
    await third.stop();
    await expect(startHeliaNode({ dir: join(dir, "x"), listen: ["/ip4/127.0.0.1/udp/1"] })).rejects.toThrow(
      /invalid IPFS node options: listen\.0/,
    );
  });
});
