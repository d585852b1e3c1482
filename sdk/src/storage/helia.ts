/**
 * The embedded IPFS node (Helia): libp2p over TCP with noise and yamux, bitswap as the only block broker. It
 * discovers nobody by itself: no bootstrap list, no DHT, no mDNS, no HTTP gateways or delegated routers. It listens
 * where it is told (loopback by default) and exchanges blocks only with the peers it is given (`peers`, dialled at
 * start and again before each fetch of a block it lacks) and the peers that dial it.
 */
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bitswap } from "@helia/block-brokers";
import { Helia } from "@helia/utils";
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import { identify } from "@libp2p/identify";
import { noise } from "@libp2p/noise";
import { tcp } from "@libp2p/tcp";
import { yamux } from "@libp2p/yamux";
import type { PrivateKey } from "@libp2p/interface";
import { multiaddr } from "@multiformats/multiaddr";
import { FsBlockstore } from "blockstore-fs";
import { MemoryDatastore } from "datastore-core";
import { createLibp2p, type Libp2p } from "libp2p";
import { CID } from "multiformats/cid";
import { z } from "zod";
import { formatIssues } from "../zod-errors.ts";
import { cidBytesFromSha256, cidFromSha256 } from "./cid.ts";
import { BlobError } from "./client.ts";
import {
  checkGetOptions,
  IPFS_DEFAULTS,
  limitSignal,
  type IpfsGetOptions,
  type IpfsPutResult,
} from "./ipfs.ts";
import type { BlobStoreLogger } from "./server.ts";
import { normaliseSha256, sha256Hex, type Sha256Hex } from "./uri.ts";

/** Bitswap framing around a block (message header, CID prefix, length prefixes). */
const BITSWAP_OVERHEAD = 64 * 1024;

const tcpAddress = z
  .string({ error: "expected a multiaddr string" })
  .regex(/^\/(ip4|ip6)\/[^/]+\/tcp\/\d{1,5}$/, { error: "expected /ip4/<address>/tcp/<port> or /ip6/…" });

const peerAddress = z
  .string({ error: "expected a multiaddr string" })
  .regex(/^\/(ip4|ip6|dns4|dns6|dns)\/[^/]+\/tcp\/\d{1,5}\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/, {
    error: "expected /ip4/<address>/tcp/<port>/p2p/<peer id>",
  });

const heliaOptionsSchema = z
  .object({
    dir: z.string({ error: "expected a folder path" }).min(1, { error: "expected a folder path" }),
    listen: z.array(tcpAddress).min(1, { error: "expected at least one listen address" }).optional(),
    peers: z.array(peerAddress).optional(),
    maxBlockBytes: z
      .number()
      .int()
      .min(1)
      .max(256 * 1024 * 1024, { error: "expected at most 256 MiB" })
      .optional(),
    fetchTimeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  })
  .strict();

export interface HeliaNodeOptions {
  /** State folder: `blocks/` (the blockstore) and `peer-key` (the node's libp2p identity) are kept in it. */
  dir: string;
  /** TCP listen multiaddrs (default loopback on a free port). Listen beyond loopback only to serve other machines. */
  listen?: string[];
  /** Peers (`/ip4/…/tcp/…/p2p/<id>`) to connect to; dialled at start and before each fetch. */
  peers?: string[];
  /** Largest block sent or accepted over bitswap (default 16 MiB). */
  maxBlockBytes?: number;
  /** Default time limit of a fetch (default 30 000 ms). */
  fetchTimeoutMs?: number;
  logger?: BlobStoreLogger;
}

/** A running embedded IPFS node. */
export interface HeliaNode {
  /** The node's libp2p peer id (stable across restarts: the key is kept in `<dir>/peer-key`). */
  readonly peerId: string;
  /** Where other nodes reach it (`/ip4/…/tcp/…/p2p/<id>`). */
  multiaddrs(): string[];
  /** Remote addresses of the open connections. */
  connections(): string[];
  /** Connects to a peer (`/ip4/…/tcp/…/p2p/<id>`). */
  dial(address: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Stores `data` as one raw block (CIDv1, raw, sha2-256). */
  put(data: Uint8Array, options?: { signal?: AbortSignal }): Promise<IpfsPutResult>;
  /**
   * The blob whose sha256 is `sha256`: from the local blockstore, else from connected peers over bitswap (which
   * drops blocks that do not hash to their CID). The bytes are hashed again and their size capped here.
   * @throws BlobError `network` (not obtained within the time limit, or aborted), `too-large`, `hash-mismatch`.
   */
  get(sha256: Sha256Hex, options: IpfsGetOptions): Promise<Uint8Array>;
  /** True when the blob is in the local blockstore. */
  has(sha256: Sha256Hex): Promise<boolean>;
  stop(): Promise<void>;
}

const noopLogger: BlobStoreLogger = { info() {}, warn() {}, error() {} };

async function loadOrCreateKey(dir: string): Promise<PrivateKey> {
  const file = join(dir, "peer-key");
  try {
    return privateKeyFromProtobuf(await readFile(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new Error(`IPFS node: cannot read its key ${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  const key = await generateKeyPair("Ed25519");
  const tmp = `${file}.tmp`;
  await writeFile(tmp, privateKeyToProtobuf(key), { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
  return key;
}

function cidOf(sha256: Sha256Hex): CID {
  return CID.decode(cidBytesFromSha256(sha256));
}

/** Checks a blob's bytes against its digest and the size cap. */
function verified(what: string, bytes: Uint8Array, expected: Sha256Hex, maxBytes: number): Uint8Array {
  if (bytes.byteLength > maxBytes) {
    throw new BlobError("too-large", `${what} is ${bytes.byteLength} bytes, over the limit of ${maxBytes}`);
  }
  const actual = sha256Hex(bytes);
  if (actual !== expected) {
    throw new BlobError(
      "hash-mismatch",
      `${what}: expected sha256 ${expected}, got ${actual} (${bytes.byteLength} bytes)`,
    );
  }
  return bytes;
}

/**
 * Starts an embedded Helia node: libp2p with TCP only (noise, yamux, identify), bitswap as the only block broker,
 * no routers, no peer discovery, blocks in `<dir>/blocks`.
 * @throws Error naming the bad option.
 */
export async function startHeliaNode(options: HeliaNodeOptions): Promise<HeliaNode> {
  const { logger = noopLogger, ...rest } = options;
  const parsed = heliaOptionsSchema.safeParse(rest);
  if (!parsed.success) throw new Error(`invalid IPFS node options: ${formatIssues(parsed.error.issues)}`);
  const listen = parsed.data.listen ?? [...IPFS_DEFAULTS.listen];
  const peers = parsed.data.peers ?? [];
  const maxBlockBytes = parsed.data.maxBlockBytes ?? IPFS_DEFAULTS.maxBlockBytes;
  const fetchTimeoutMs = parsed.data.fetchTimeoutMs ?? IPFS_DEFAULTS.fetchTimeoutMs;
  await mkdir(join(parsed.data.dir, "blocks"), { recursive: true, mode: 0o700 });
  const privateKey = await loadOrCreateKey(parsed.data.dir);
  const libp2p: Libp2p = await createLibp2p({
    privateKey,
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: [],
    services: { identify: identify() },
    start: false,
  });
  const blockstore = new FsBlockstore(join(parsed.data.dir, "blocks"));
  await blockstore.open();
  const messageBytes = maxBlockBytes + BITSWAP_OVERHEAD;
  const helia = new Helia({
    libp2p,
    blockstore,
    datastore: new MemoryDatastore(),
    blockBrokers: [bitswap({ maxIncomingMessageSize: messageBytes, maxOutgoingMessageSize: messageBytes })],
    routers: [],
  });
  await helia.start();
  const peerId = libp2p.peerId.toString();
  logger.info({ peerId, listen: libp2p.getMultiaddrs().map(String), peers }, "IPFS node started");

  const dial = async (address: string, opts: { signal?: AbortSignal } = {}) => {
    await libp2p.dial(multiaddr(address), { signal: opts.signal });
  };
  const dialPeers = async (signal: AbortSignal) => {
    await Promise.all(
      peers.map((p) =>
        dial(p, { signal }).catch((err: unknown) =>
          logger.warn({ peer: p, err: (err as Error).message }, "IPFS peer not reachable"),
        ),
      ),
    );
  };
  await dialPeers(AbortSignal.timeout(Math.min(fetchTimeoutMs, 10_000)));

  return {
    peerId,
    multiaddrs: () => libp2p.getMultiaddrs().map(String),
    connections: () => libp2p.getConnections().map((c) => c.remoteAddr.toString()),
    dial,
    async put(data, opts = {}) {
      if (data.byteLength > maxBlockBytes) {
        throw new BlobError(
          "too-large",
          `blob of ${data.byteLength} bytes is over the IPFS node's block limit of ${maxBlockBytes} (maxBlockBytes)`,
        );
      }
      const sha256 = sha256Hex(data);
      await helia.blockstore.put(cidOf(sha256), data, { signal: opts.signal });
      return { sha256, cid: cidFromSha256(sha256), size: data.byteLength };
    },
    async has(sha256) {
      return blockstore.has(cidOf(normaliseSha256(sha256)));
    },
    async get(sha256, opts) {
      const timeoutMs = checkGetOptions(opts, fetchTimeoutMs);
      const expected = normaliseSha256(sha256);
      const cid = cidFromSha256(expected);
      const what = `IPFS block ${cid}`;
      const limit = limitSignal(opts.signal, timeoutMs);
      const chunks: Uint8Array[] = [];
      let size = 0;
      try {
        if (!(await blockstore.has(cidOf(expected)))) await dialPeers(limit.signal);
        for await (const chunk of helia.blockstore.get(cidOf(expected), { signal: limit.signal })) {
          size += chunk.byteLength;
          if (size > opts.maxBytes) {
            throw new BlobError("too-large", `${what} exceeds the limit of ${opts.maxBytes} bytes`);
          }
          chunks.push(chunk);
        }
      } catch (err) {
        if (err instanceof BlobError) throw err;
        const why = limit.timedOut()
          ? `was not obtained within ${timeoutMs} ms (no connected peer sent a block with that hash; ${libp2p.getConnections().length} connection(s))`
          : limit.signal.aborted
            ? "was aborted"
            : `failed: ${(err as Error).message}`;
        throw new BlobError("network", `${what} (sha256 ${expected}) ${why}`, { cause: err });
      }
      const out = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        out.set(chunk, offset);
        offset += chunk.byteLength;
      }
      return verified(what, out, expected, opts.maxBytes);
    },
    async stop() {
      await helia.stop();
      await blockstore.close();
      logger.info({ peerId }, "IPFS node stopped");
    },
  };
}
