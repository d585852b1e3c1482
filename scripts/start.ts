/**
 * `npm start`: brings up the EAI network on this machine and keeps it running until Ctrl-C.
 *
 *   npm start                         local chain on 127.0.0.1:8545, deploy, print addresses and accounts
 *   npm start -- --port 9545          another port for the local chain
 *   npm start -- --rpc http://host:8545   use an existing node instead of starting one (deploys there)
 *
 * Today it runs the chain and the protocol contracts; the blob store, indexer, workers and web app join as
 * their packages land (see README "Status").
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { z } from "zod";

import { parseDeployment } from "../sdk/src/deployments.ts";

const args = parseArgs({
  options: {
    port: { type: "string", default: "8545" },
    rpc: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.values.help) {
  console.log("usage: npm start [-- --port N] [-- --rpc URL]");
  process.exit(0);
}
function option<T>(name: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    console.error(
      `${name}: ${result.error.issues.map((i) => i.message).join("; ")} (got ${JSON.stringify(value)})`,
    );
    process.exit(2);
  }
  return result.data;
}
const port = option("--port", z.coerce.number().int().min(1024).max(65_535), args.values.port);
const rpcUrl = option(
  "--rpc",
  z.url({ protocol: /^https?$/ }),
  args.values.rpc ?? `http://127.0.0.1:${port}`,
);

/** Hardhat's well-known development accounts (public test keys; never use them on a real chain). */
const DEV_ACCOUNTS = [
  [
    "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  ],
  [
    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  ],
  [
    "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  ],
  [
    "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  ],
] as const;

const children: ChildProcess[] = [];
let stopping = false;

function stop(code = 0): void {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping…");
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 500).unref();
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

async function rpcReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return res.ok;
  } catch {
    return false;
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (stopping) throw new Error("stopped");
    if (Date.now() - start > timeoutMs)
      throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(`✓ ${what} ready (${((Date.now() - start) / 1000).toFixed(1)} s)`);
}

function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: "inherit", env: { ...process.env, ...env } });
    children.push(child);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${argv.join(" ")} exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  if (!args.values.rpc) {
    if (await rpcReady(rpcUrl))
      throw new Error(`something already answers on ${rpcUrl}; stop it or pass --port`);
    console.log(`starting the local chain on ${rpcUrl}…`);
    const node = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(node);
    node.on("exit", (code) => {
      if (!stopping) {
        console.error(`the local chain exited (${code})`);
        stop(1);
      }
    });
    await waitFor("chain", () => rpcReady(rpcUrl), 120_000);
  } else {
    await waitFor(`RPC ${rpcUrl}`, () => rpcReady(rpcUrl), 30_000);
  }

  await run("npx", ["hardhat", "run", "deploy/run.ts", "--network", "localhost"], { EAI_RPC_URL: rpcUrl });
  const chainIdHex = await (
    await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    })
  ).json();
  const chainId = Number(z.object({ result: z.string() }).parse(chainIdHex).result);
  const deployment = parseDeployment(
    JSON.parse(await readFile(new URL(`../deploy/deployments/${chainId}.json`, import.meta.url), "utf8")),
  );

  console.log("\nEAI network is up");
  console.log(`  RPC            ${rpcUrl} (chain ${chainId})`);
  for (const [name, c] of Object.entries(deployment.contracts))
    console.log(`  ${name.padEnd(16)} ${c.address}`);
  if (!args.values.rpc) {
    console.log("\nFunded development accounts (10 000 ETH each; the first holds the EAI supply):");
    for (const [address, key] of DEV_ACCOUNTS) console.log(`  ${address}  key ${key}`);
  }
  console.log("\nPress Ctrl-C to stop.");
}

main().catch((err: unknown) => {
  console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  stop(1);
});
