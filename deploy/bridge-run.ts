/**
 * Deploys the local bridge for `npm start` (deploy/bridge.ts, deployLocalBridge): the hub vault on the local chain
 * (--network localhost, chain 31337, next to the deployment in EAI_DEPLOYMENTS_DIR) and an L2 spoke on the `l2`
 * network (EAI_L2_RPC_URL), then writes the record to EAI_BRIDGE_RECORD.
 *   EAI_BRIDGE_VALIDATORS=0x…,0x…,0x… EAI_BRIDGE_GUARDIANS=0x… EAI_BRIDGE_RECORD=… \
 *     npx hardhat run deploy/bridge-run.ts --network localhost
 */
import { writeFile } from "node:fs/promises";
import { network } from "hardhat";
import { z } from "zod";
import { loadDeployment } from "../sdk/src/deployments.ts";
import { deployLocalBridge } from "./bridge.ts";
import { DEPLOYMENTS_DIR } from "./deploy.ts";

const addresses = z
  .string()
  .transform((s) => s.split(",").map((a) => a.trim()))
  .pipe(z.array(z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected comma-separated 0x addresses")).min(1));
const env = z
  .object({
    EAI_BRIDGE_VALIDATORS: addresses,
    EAI_BRIDGE_GUARDIANS: addresses,
    EAI_BRIDGE_RECORD: z.string().min(1),
    EAI_RPC_URL: z.string().default("http://127.0.0.1:8545"),
    EAI_L2_RPC_URL: z.string().default("http://127.0.0.1:8546"),
  })
  .safeParse(process.env);
if (!env.success) {
  console.error(
    `deploy/bridge-run.ts: ${env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
  );
  process.exit(1);
}
const hub = await network.create();
const l2 = await network.create("l2");
const chainId = await (await hub.viem.getPublicClient()).getChainId();
const deployment = await loadDeployment(chainId, process.env.EAI_DEPLOYMENTS_DIR ?? DEPLOYMENTS_DIR);
const record = await deployLocalBridge(hub, l2, {
  token: deployment.contracts.EAIToken.address,
  timelock: deployment.contracts.EAITimelock.address,
  validators: env.data.EAI_BRIDGE_VALIDATORS as `0x${string}`[],
  guardians: env.data.EAI_BRIDGE_GUARDIANS as `0x${string}`[],
  rpcUrls: { hub: env.data.EAI_RPC_URL, l2: env.data.EAI_L2_RPC_URL },
});
for (const c of record.chains)
  console.log(`  ${c.name.padEnd(4)} ${c.chainId}  bridge ${c.bridge}  token ${c.token}`);
await writeFile(env.data.EAI_BRIDGE_RECORD, `${JSON.stringify(record, null, 2)}\n`);
console.log(`wrote ${env.data.EAI_BRIDGE_RECORD}`);
