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

/** Where {@link locateDeployment} looks, and what it found. */
export interface LocatedDeployment {
  deployment: Deployment;
  file: string;
}

/**
 * Finds the deployment record of `chainId` (Node.js only), in this order:
 * 1. `dir` (the CLI's `--deployments` / `EAI_DEPLOYMENTS_DIR`): `<dir>/<chainId>.json`, nowhere else;
 * 2. `file` (`--deployment` / `EAI_DEPLOYMENT`): that file, nowhere else;
 * 3. `deploy/deployments/<chainId>.json` in `cwd` and each folder above it, then in the repository this SDK is
 *    part of (found from this file's location), so the CLI works from any folder of a checkout.
 * @throws Error listing every file it tried and the variables that point elsewhere.
 */
export async function locateDeployment(
  chainId: number,
  options: { dir?: string; file?: string; cwd?: string } = {},
): Promise<LocatedDeployment> {
  const { access } = await import("node:fs/promises");
  const { dirname, join, resolve } = await import("node:path");
  const { fileURLToPath } = await import("node:url");
  const candidates: string[] = [];
  if (options.dir !== undefined) candidates.push(resolve(options.dir, `${chainId}.json`));
  else if (options.file !== undefined) candidates.push(resolve(options.file));
  else {
    let dir = resolve(options.cwd ?? process.cwd());
    for (;;) {
      candidates.push(join(dir, "deploy", "deployments", `${chainId}.json`));
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    const repo = fileURLToPath(new URL("../../deploy/deployments/", import.meta.url));
    const own = join(repo, `${chainId}.json`);
    if (!candidates.includes(own)) candidates.push(own);
  }
  for (const file of candidates) {
    try {
      await access(file);
    } catch {
      continue;
    }
    const { readFile } = await import("node:fs/promises");
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, "utf8"));
    } catch {
      throw new Error(`${file} is not valid JSON`);
    }
    const deployment = parseDeployment(json);
    if (deployment.chainId !== chainId) {
      throw new Error(`${file} describes chain ${deployment.chainId}, not ${chainId}`);
    }
    return { deployment, file };
  }
  throw new Error(
    `no deployment for chain ${chainId}: looked for ${candidates.join(", ")}; deploy first (npm run deploy, or ` +
      "npm start, whose --state-dir DIR writes DIR/deployments) or point to it with EAI_DEPLOYMENT=FILE or " +
      "EAI_DEPLOYMENTS_DIR=DIR (--deployment / --deployments)",
  );
}
