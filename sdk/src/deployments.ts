import { z } from "zod";
import type { Address } from "viem";
import { formatIssues } from "./zod-errors.ts";

/** Names of the contracts every deployment of the protocol contains. */
export const PROTOCOL_CONTRACTS = [
  "EAIToken",
  "EAITimelock",
  "EAIGovernor",
  "StakingVault",
  "ProviderRegistry",
  "ModelRegistry",
  "Reputation",
  "TaskMarket",
  "MnistMlpVerifier",
] as const;

export type ProtocolContract = (typeof PROTOCOL_CONTRACTS)[number];

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte hex address")
  .transform((a) => a as Address);

const deployedContract = z.object({
  address,
  startBlock: z.number().int().nonnegative(),
});

const contractsShape = Object.fromEntries(
  PROTOCOL_CONTRACTS.map((name) => [name, deployedContract]),
) as Record<ProtocolContract, typeof deployedContract>;

/** Schema of deploy/deployments/<chainId>.json, written by every deployment. */
export const deploymentSchema = z.object({
  chainId: z.number().int().positive(),
  deployedAt: z.string().datetime(),
  deployer: address,
  contracts: z.object(contractsShape).catchall(deployedContract),
});

export type Deployment = z.infer<typeof deploymentSchema>;
export type DeployedContract = z.infer<typeof deployedContract>;

/**
 * Validates a deployment record (for example the parsed contents of deploy/deployments/31337.json).
 * @throws Error naming the bad field and what was expected.
 */
export function parseDeployment(value: unknown): Deployment {
  const result = deploymentSchema.safeParse(value);
  if (!result.success) {
    throw new Error(`invalid deployment record: ${formatIssues(result.error.issues)}`);
  }
  return result.data;
}

/** Reads and validates `<dir>/<chainId>.json` (Node.js only). */
export async function loadDeployment(chainId: number, dir: string): Promise<Deployment> {
  const { readFile } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const file = join(dir, `${chainId}.json`);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new Error(
      `no deployment for chain ${chainId}: ${file} does not exist (deploy first: npm run deploy)`,
    );
  }
  const deployment = parseDeployment(JSON.parse(text));
  if (deployment.chainId !== chainId) {
    throw new Error(`${file} describes chain ${deployment.chainId}, not ${chainId}`);
  }
  return deployment;
}
