/**
 * The guard of ponder's RPC cache on the local chain id (src/rpc-cache.ts): a PGlite directory (index and
 * `ponder_sync` cache) is reused only by the chain that filled it. Two real Hardhat nodes share chain id 31337 and,
 * deployed alike, the same addresses: the second must never get the first one's directory. ~15 s (two node starts).
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { guardPgliteCache, readChainIdentity, recordPath, type ChainIdentity } from "../src/rpc-cache.ts";
import { startChain, tempDir, type Chain } from "./harness.ts";

const MARKET = "0x5fbdb2315678afecb367f032d93f642f64180aa3" as const;

async function filledDir(root: string, name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "PG_VERSION"), "17\n"); // stands for the database ponder wrote
  return dir;
}

describe("RPC cache guard", () => {
  let chains: Chain[] = [];
  let root: Awaited<ReturnType<typeof tempDir>>;
  let a: ChainIdentity;
  let b: ChainIdentity;

  beforeAll(async () => {
    root = await tempDir("eai-rpc-cache-");
    // One after the other: a node's genesis hash carries its start time (whole seconds).
    chains.push(await startChain());
    a = await readChainIdentity(chains[0]!.url, 31337, { address: MARKET, startBlock: 0 });
    await new Promise((r) => setTimeout(r, 1100));
    chains.push(await startChain());
    b = await readChainIdentity(chains[1]!.url, 31337, { address: MARKET, startBlock: 0 });
  });
  afterAll(async () => {
    for (const c of chains) await c.stop();
    chains = [];
    await root?.remove();
  });

  it("tells two local chains with the same chain id and market address apart", () => {
    expect(a.chainId).toBe(b.chainId);
    expect(a.market).toBe(b.market);
    expect(a.genesis).not.toBe(b.genesis);
  });

  it("refuses an RPC of another chain id", async () => {
    await expect(readChainIdentity(chains[0]!.url, 1, { address: MARKET, startBlock: 0 })).rejects.toThrow(
      /serves chain 31337, EAI_CHAIN_ID is 1/,
    );
  });

  it("reuses a directory only for the chain that filled it", async () => {
    const dir = join(root.path, "pglite");
    expect(await guardPgliteCache(dir, a)).toBe("new");
    await filledDir(root.path, "pglite");
    expect(await guardPgliteCache(dir, a)).toBe("reused");
    expect(existsSync(join(dir, "PG_VERSION"))).toBe(true);

    // Another chain with the same chain id and addresses: the directory, and the cache in it, are deleted.
    expect(await guardPgliteCache(dir, b)).toBe("discarded");
    expect(existsSync(dir)).toBe(false);
    expect(JSON.parse(await readFile(recordPath(dir), "utf8"))).toEqual(b);

    // ... and the first chain, back again, does not get the second one's directory either.
    await filledDir(root.path, "pglite");
    expect(await guardPgliteCache(dir, a)).toBe("discarded");
    expect(existsSync(dir)).toBe(false);
  });

  it("discards on any field of the identity, and a directory without a readable record", async () => {
    const variants: ChainIdentity[] = [
      { ...a, genesis: b.genesis },
      { ...a, market: "0x" + "1".repeat(40) },
      { ...a, deployBlock: { number: 1, hash: a.deployBlock.hash } },
      { ...a, deployBlock: { number: 0, hash: `0x${"2".repeat(64)}` } },
      { ...a, chainId: 1337 },
    ];
    for (const [i, other] of variants.entries()) {
      const dir = await filledDir(root.path, `variant-${i}`);
      expect(await guardPgliteCache(dir, a)).toBe("discarded"); // no record yet: unknown origin
      await filledDir(root.path, `variant-${i}`);
      expect(await guardPgliteCache(dir, a)).toBe("reused");
      expect(await guardPgliteCache(dir, other)).toBe("discarded");
      expect(existsSync(dir)).toBe(false);
    }
    const dir = await filledDir(root.path, "garbled");
    await writeFile(recordPath(dir), "{ not json");
    expect(await guardPgliteCache(dir, a)).toBe("discarded");
  });
});
