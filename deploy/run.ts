/**
 * Deploys the protocol to the selected network and writes deploy/deployments/<chainId>.json.
 *   npx hardhat run deploy/run.ts --network localhost
 * Environment: EAI_GUARDIAN, EAI_INITIAL_HOLDER, EAI_MNIST_CREATOR (addresses; defaults in deploy.ts: the timelock on
 * a real chain, the deployer on the local one), EAI_DEPLOYMENTS_DIR (output folder), EAI_PRIORITY_WINDOW (the
 * market's priority window in seconds, 0..3600; default 30; `npm start` passes 0 for the chain it runs itself).
 *
 * On the local chain (31337) with the deployer holding the supply (no EAI_INITIAL_HOLDER), development accounts
 * 1..9 then receive 10 000 EAI each (fundDevAccounts), so any of them can stake or submit right away.
 */
import { network } from "hardhat";
import { DEPLOYMENTS_DIR, deployProtocol, fundDevAccounts } from "./deploy.ts";

const connection = await network.create();
const parameters: Record<string, string> = {};
for (const [name, variable] of [
  ["guardian", "EAI_GUARDIAN"],
  ["initialHolder", "EAI_INITIAL_HOLDER"],
  ["mnistCreator", "EAI_MNIST_CREATOR"],
] as const) {
  const value = process.env[variable];
  if (value === undefined) continue;
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
    console.error(`${variable}: expected a 0x-prefixed 20-byte address, got ${JSON.stringify(value)}`);
    process.exit(1);
  }
  parameters[name] = value;
}
const priorityWindow = process.env.EAI_PRIORITY_WINDOW;
if (priorityWindow !== undefined && !/^\d{1,4}$/.test(priorityWindow)) {
  console.error(
    `EAI_PRIORITY_WINDOW: expected whole seconds (0..3600), got ${JSON.stringify(priorityWindow)}`,
  );
  process.exit(1);
}
const { deployment } = await deployProtocol(connection, {
  parameters,
  ...(priorityWindow === undefined ? {} : { priorityWindow: Number(priorityWindow) }),
  outDir: process.env.EAI_DEPLOYMENTS_DIR ?? DEPLOYMENTS_DIR,
  log: (line) => console.log(line),
});
if (deployment.chainId === 31337 && parameters.initialHolder === undefined) {
  await fundDevAccounts(connection, deployment, (line) => console.log(line));
}
