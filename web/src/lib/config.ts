/**
 * Server-side configuration of the web app, read from the environment at request time (so one build serves any
 * deployment): the chain the wallet must be on, the RPC and indexer URLs the browser talks to, and the deployment
 * record with the contract addresses. The blob store URL stays on the server: the browser reaches it only through
 * this app's own `/api/blobs` route.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { parseDeployment, type Deployment } from "@eai/sdk/deployments";

const envSchema = z.object({
  EAI_CHAIN_ID: z.coerce.number().int().positive().default(31337),
  EAI_CHAIN_NAME: z.string().min(1).default("EAI Local"),
  EAI_RPC_URL: z.url().default("http://127.0.0.1:8545"),
  EAI_INDEXER_URL: z.url().default("http://127.0.0.1:42069"),
  EAI_BLOB_STORE_URL: z.url().default("http://127.0.0.1:8787"),
  EAI_DEPLOYMENTS_DIR: z.string().min(1).optional(),
});

/** What the browser needs; passed from the root layout to the client providers. */
export interface WebConfig {
  chainId: number;
  chainName: string;
  rpcUrl: string;
  indexerUrl: string;
  deployment: Deployment;
}

export type WebConfigResult = { ok: true; config: WebConfig } | { ok: false; error: string };

function readEnv() {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid environment: ${issues}`);
  }
  return parsed.data;
}

/** The blob store base URL (server only). */
export function blobStoreUrl(): string {
  return readEnv().EAI_BLOB_STORE_URL.replace(/\/+$/, "");
}

/** Reads the environment and the deployment record; never throws (the layout shows the error instead). */
export async function loadWebConfig(): Promise<WebConfigResult> {
  try {
    const env = readEnv();
    const dir = env.EAI_DEPLOYMENTS_DIR ?? path.join(process.cwd(), "..", "deploy", "deployments");
    const file = path.join(dir, `${env.EAI_CHAIN_ID}.json`);
    let raw: string;
    try {
      raw = await readFile(file, "utf8");
    } catch {
      return {
        ok: false,
        error: `no deployment for chain ${env.EAI_CHAIN_ID} at ${file}: start the network with "npm start" or deploy with "npm run deploy", or set EAI_DEPLOYMENTS_DIR`,
      };
    }
    const deployment = parseDeployment(JSON.parse(raw));
    if (deployment.chainId !== env.EAI_CHAIN_ID) {
      return { ok: false, error: `${file} is for chain ${deployment.chainId}, expected ${env.EAI_CHAIN_ID}` };
    }
    return {
      ok: true,
      config: {
        chainId: env.EAI_CHAIN_ID,
        chainName: env.EAI_CHAIN_NAME,
        rpcUrl: env.EAI_RPC_URL,
        indexerUrl: env.EAI_INDEXER_URL.replace(/\/+$/, ""),
        deployment,
      },
    };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
