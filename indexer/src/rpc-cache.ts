/**
 * Guard of ponder's RPC cache on a local chain.
 *
 * Ponder keeps every block, log and "synced interval" it fetched in the `ponder_sync` schema of its database, keyed by
 * chain id only, and a restart resumes from there: without it, a restart on a kept index fetches the whole history
 * again (126 s at 100k tasks) although indexing resumes from the checkpoint. Every fresh local chain reuses chain id
 * 31337 (and the same contract addresses, the deployer's nonces being the same), so a cache kept across chains
 * would serve an earlier chain's blocks and logs as this one's. The cache is therefore used only on PGlite, whose
 * directory belongs to one chain: a record beside it (`<dir>.chain.json`) names the chain the directory was
 * filled from, and a start on any other chain deletes the directory (index and cache) before ponder opens it.
 */
import { existsSync } from "node:fs";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { createPublicClient, http, webSocket, type Address } from "viem";
import { z } from "zod";

const hash = z.string().regex(/^0x[0-9a-f]{64}$/);

/** What tells one local chain from another with the same chain id. */
export const chainIdentity = z.object({
  chainId: z.number().int().positive(),
  /** Hash of block 0: its timestamp is the chain's start time, so every new node has its own. */
  genesis: hash,
  /** TaskMarket's address and the hash of the block that created it (its timestamp and transactions). */
  market: z.string().regex(/^0x[0-9a-f]{40}$/),
  deployBlock: z.object({ number: z.number().int().nonnegative(), hash }),
});
export type ChainIdentity = z.infer<typeof chainIdentity>;

/** Reads the identity of the chain behind `rpcUrl` (two blocks, by number). */
export async function readChainIdentity(
  rpcUrl: string,
  chainId: number,
  market: { address: Address; startBlock: number },
): Promise<ChainIdentity> {
  const client = createPublicClient({
    transport: /^wss?:/.test(rpcUrl) ? webSocket(rpcUrl) : http(rpcUrl, { retryCount: 10, retryDelay: 500 }),
  });
  const actual = await client.getChainId();
  if (actual !== chainId) throw new Error(`EAI_RPC_URL serves chain ${actual}, EAI_CHAIN_ID is ${chainId}`);
  const [genesis, deploy] = await Promise.all([
    client.getBlock({ blockNumber: 0n }),
    client.getBlock({ blockNumber: BigInt(market.startBlock) }),
  ]);
  return chainIdentity.parse({
    chainId,
    genesis: genesis.hash,
    market: market.address.toLowerCase(),
    deployBlock: { number: market.startBlock, hash: deploy.hash },
  });
}

/** Where the identity of the chain that filled `dir` is recorded. */
export function recordPath(dir: string): string {
  return `${dir.replace(/[/\\]+$/, "")}.chain.json`;
}

export type CacheOutcome =
  /** The directory was filled from this chain: index and RPC cache are reused. */
  | "reused"
  /** No directory yet: ponder creates it for this chain. */
  | "new"
  /** The directory belongs to another chain, or to none recorded: deleted. */
  | "discarded";

function same(a: ChainIdentity, b: ChainIdentity): boolean {
  return (
    a.chainId === b.chainId &&
    a.genesis === b.genesis &&
    a.market === b.market &&
    a.deployBlock.number === b.deployBlock.number &&
    a.deployBlock.hash === b.deployBlock.hash
  );
}

async function readRecord(path: string): Promise<ChainIdentity | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    const parsed = chainIdentity.safeParse(JSON.parse(await readFile(path, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // unreadable: treated as another chain's
  }
}

/**
 * Makes PGlite directory `dir` safe to reuse with the RPC cache on: keeps it when its record names `identity`,
 * deletes it otherwise (a directory without a readable record is of unknown origin), then records `identity`.
 * Must run before ponder opens the directory.
 */
export async function guardPgliteCache(dir: string, identity: ChainIdentity): Promise<CacheOutcome> {
  const path = recordPath(dir);
  const recorded = await readRecord(path);
  let outcome: CacheOutcome;
  if (recorded && same(recorded, identity) && existsSync(dir)) outcome = "reused";
  else if (existsSync(dir)) {
    await rm(dir, { recursive: true, force: true });
    outcome = "discarded";
  } else outcome = "new";
  if (outcome !== "reused") {
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(identity, null, 2)}\n`);
    await rename(tmp, path);
  }
  return outcome;
}
