/**
 * Ponder configuration of the EAI indexer.
 *
 * Addresses and start blocks come from the deployment record `deploy/deployments/<chainId>.json` (written by every
 * deploy), ABIs from the SDK's generated `as const` exports. OptimisticMarket and DisputeManager may be missing from
 * an older record (`optionalAt`). Environment:
 *
 *   EAI_CHAIN_ID          chain id of the deployment to index (default 31337, the local Hardhat node)
 *   EAI_RPC_URL           JSON-RPC endpoint (default http://127.0.0.1:8545)
 *   EAI_DEPLOYMENTS_DIR   folder holding <chainId>.json (default deploy/deployments)
 *   EAI_POLLING_MS        block polling interval (default 250 ms on chain 31337, 1000 ms elsewhere)
 *   DATABASE_URL          PostgreSQL connection string; PGlite in .ponder/pglite when unset
 *   EAI_PGLITE_DIR        PGlite directory (default .ponder/pglite)
 *
 * On the local chain (31337) ponder's RPC cache is used only on PGlite, and only while the directory was filled from
 * this very chain (genesis hash, market address and deploy block recorded beside it, `src/rpc-cache.ts`); a start on
 * another chain deletes the directory first. On PostgreSQL the cache (`ponder_sync`, shared by every schema of the
 * database) stays off for the local chain.
 *
 * and the API's settings (src/api/settings.ts: SQL over HTTP and its key, statement timeout, GraphQL limits), read
 * here too so that a bad value, or SQL over HTTP on PGlite, stops the start with a message.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createConfig } from "ponder";
import { z } from "zod";

import {
  disputeManagerAbi,
  eaiGovernorAbi,
  eaiTimelockAbi,
  eaiTokenAbi,
  miningRewardsAbi,
  modelRegistryAbi,
  optimisticMarketAbi,
  providerRegistryAbi,
  reputationAbi,
  stakingVaultAbi,
  taskMarketAbi,
} from "@eai/sdk/abis";
import { loadDeployment } from "@eai/sdk/deployments";

import { parseApiSettings } from "./src/api/settings.ts";
import { guardPgliteCache, readChainIdentity } from "./src/rpc-cache.ts";

/** An empty variable counts as unset. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const env = z
  .object({
    EAI_CHAIN_ID: z.coerce.number().int().positive().default(31337),
    EAI_RPC_URL: z.url({ protocol: /^(https?|wss?)$/ }).default("http://127.0.0.1:8545"),
    EAI_DEPLOYMENTS_DIR: z
      .string()
      .min(1)
      .default(fileURLToPath(new URL("../deploy/deployments", import.meta.url))),
    EAI_POLLING_MS: optional(z.coerce.number().int().min(50).max(60_000)),
    DATABASE_URL: optional(
      z.string().regex(/^postgres(ql)?:\/\//, "expected a postgres:// or postgresql:// URL"),
    ),
    EAI_PGLITE_DIR: optional(z.string()),
  })
  .safeParse(process.env);
if (!env.success) {
  const issues = env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  throw new Error(`invalid indexer environment: ${issues}`);
}
const { EAI_CHAIN_ID, EAI_RPC_URL, EAI_DEPLOYMENTS_DIR, EAI_POLLING_MS, DATABASE_URL, EAI_PGLITE_DIR } =
  env.data;
parseApiSettings(process.env); // throws on a bad API setting (the API reads them again when it starts)

const deployment = await loadDeployment(EAI_CHAIN_ID, EAI_DEPLOYMENTS_DIR);
const local = EAI_CHAIN_ID === 31337;
/** ponder's own default (relative to the working directory), made explicit so that the guard below and ponder look at the same directory. */
const pgliteDir = resolve(EAI_PGLITE_DIR ?? ".ponder/pglite");

/**
 * A local chain id is shared by every fresh local node: ponder's RPC cache, keyed by chain id, would serve an earlier
 * chain's blocks. PGlite: the directory is reused (index and cache) only for the chain that filled it, else deleted.
 * PostgreSQL: the cache is shared by all schemas of the database and cannot be told apart, so it stays off.
 */
let disableCache = false;
if (local) {
  if (DATABASE_URL) disableCache = true;
  else {
    const market = deployment.contracts.TaskMarket;
    const identity = await readChainIdentity(EAI_RPC_URL, EAI_CHAIN_ID, market);
    const outcome = await guardPgliteCache(pgliteDir, identity);
    console.info(
      JSON.stringify({
        level: "info",
        service: "eai-indexer",
        msg:
          outcome === "reused"
            ? "reusing the PGlite index and RPC cache of this chain"
            : outcome === "discarded"
              ? "the PGlite directory belonged to another chain: deleted"
              : "new PGlite directory for this chain",
        outcome,
        directory: pgliteDir,
        genesis: identity.genesis,
      }),
    );
  }
}

function at(name: keyof typeof deployment.contracts) {
  const c = deployment.contracts[name];
  if (!c) throw new Error(`deployment for chain ${EAI_CHAIN_ID} has no ${name}`);
  return { chain: "eai" as const, address: c.address, startBlock: c.startBlock };
}

/**
 * A contract that older deployment records lack (OptimisticMarket, DisputeManager): its handlers are registered
 * whatever the record, and ponder refuses a handler of a contract missing from the config, so a missing one is
 * configured as the zero address over one block, the market's deploy block (no logs; the chain's sync starts
 * where it did), and its tables stay empty.
 */
function optionalAt(name: string) {
  const c = deployment.contracts[name];
  if (c) return { chain: "eai" as const, address: c.address, startBlock: c.startBlock };
  console.info(
    JSON.stringify({
      level: "info",
      service: "eai-indexer",
      msg: `the deployment record has no ${name}: its tables stay empty`,
      contract: name,
    }),
  );
  return {
    chain: "eai" as const,
    address: "0x0000000000000000000000000000000000000000" as const,
    startBlock: deployment.contracts.TaskMarket.startBlock,
    endBlock: deployment.contracts.TaskMarket.startBlock,
  };
}

export default createConfig({
  database: DATABASE_URL
    ? { kind: "postgres", connectionString: DATABASE_URL }
    : { kind: "pglite", directory: pgliteDir },
  chains: {
    eai: {
      id: EAI_CHAIN_ID,
      rpc: EAI_RPC_URL,
      pollingInterval: EAI_POLLING_MS ?? (local ? 250 : 1000),
      disableCache,
    },
  },
  contracts: {
    EAIToken: { abi: eaiTokenAbi, ...at("EAIToken") },
    StakingVault: { abi: stakingVaultAbi, ...at("StakingVault") },
    ProviderRegistry: { abi: providerRegistryAbi, ...at("ProviderRegistry") },
    ModelRegistry: { abi: modelRegistryAbi, ...at("ModelRegistry") },
    Reputation: { abi: reputationAbi, ...at("Reputation") },
    TaskMarket: { abi: taskMarketAbi, ...at("TaskMarket") },
    EAIGovernor: { abi: eaiGovernorAbi, ...at("EAIGovernor") },
    EAITimelock: { abi: eaiTimelockAbi, ...at("EAITimelock") },
    MiningRewards: { abi: miningRewardsAbi, ...at("MiningRewards") },
    OptimisticMarket: { abi: optimisticMarketAbi, ...optionalAt("OptimisticMarket") },
    DisputeManager: { abi: disputeManagerAbi, ...optionalAt("DisputeManager") },
  },
});
