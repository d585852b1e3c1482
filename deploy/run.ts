/**
 * Deploys the protocol to the selected network and writes deploy/deployments/<chainId>.json.
 *   npx hardhat run deploy/run.ts --network localhost
 * Environment: EAI_GUARDIAN (address, defaults to the deployer), EAI_DEPLOYMENTS_DIR (output folder).
 */
import { network } from "hardhat";
import { DEPLOYMENTS_DIR, deployProtocol } from "./deploy.ts";

const connection = await network.create();
const guardian = process.env.EAI_GUARDIAN;
await deployProtocol(connection, {
  parameters: guardian ? { guardian } : {},
  outDir: process.env.EAI_DEPLOYMENTS_DIR ?? DEPLOYMENTS_DIR,
  log: (line) => console.log(line),
});
