/**
 * Finding a deployment record on disk (the CLI's lookup). Kept apart from ./deployments.ts, which the web app
 * bundles: the folder walk below is dynamic filesystem access that makes Next's tracer include the whole project.
 */
import { parseDeployment, type Deployment } from "./deployments.ts";

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
    // not `new URL("../../deploy/deployments/", import.meta.url)`: bundlers (the web app's Turbopack) take that form
    // for an asset import and fail where the folder does not exist (a fresh clone)
    const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "deploy", "deployments");
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
