/**
 * docs/SDK.md cannot go stale: its "Build a client without the SDK" walkthrough (the fenced `ts walkthrough`
 * blocks, in order) runs as one program against an in-process Hardhat chain behind a loopback JSON-RPC server
 * (ephemeral port, so no lock is needed), with a blob store and the demo models registered as `npm start` does;
 * and every `eai …` command line of README.md and docs/*.md names a real command and real options.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { registerDemoModels } from "../../deploy/demo-models.ts";
import { deployProtocol, fundDevAccounts } from "../../deploy/deploy.ts";
import { commandOptions } from "./cli/main.ts";
import { eaiTokenAbi, taskMarketAbi } from "./generated/abis.ts";
import { startBlobStore, type BlobStore } from "./storage/index.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Hardhat's dev account 1 (public test key). */
const KEY1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const ADDRESS1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/** The `ts walkthrough` blocks of a markdown text, in order. */
export function walkthroughBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts walkthrough\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
}

describe("docs/SDK.md", () => {
  let dir = "";
  let rpcServer: Server | undefined;
  let blobs: BlobStore | undefined;
  let rpcUrl = "";
  let deploymentFile = "";
  let connection: NetworkConnection;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "eai-docs-"));
    connection = await network.create();
    const { deployment } = await deployProtocol(connection, { outDir: dir });
    deploymentFile = join(dir, `${deployment.chainId}.json`);
    const funded = await fundDevAccounts(connection, deployment);
    expect(funded.map((a) => a.toLowerCase())).toContain(ADDRESS1.toLowerCase());
    blobs = await startBlobStore({ dir: join(dir, "blobs"), host: "127.0.0.1" });
    const [deployer] = await connection.viem.getWalletClients();
    const models = await registerDemoModels({
      publicClient: (await connection.viem.getPublicClient()) as never,
      wallet: deployer as never,
      modelRegistry: deployment.contracts.ModelRegistry.address,
      blobStoreUrl: blobs.url,
    });
    expect(models.map((m) => [m.name, m.modelId])).toEqual([
      ["tiny-mlp", 2n],
      ["byte-sum", 3n],
    ]);
    // JSON-RPC over HTTP in front of the in-process chain, as a node would serve it.
    rpcServer = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += String(d)));
      req.on("end", () => {
        const call = JSON.parse(body) as { id: number; method: string; params?: unknown[] };
        connection.provider
          .request({ method: call.method, params: call.params ?? [] })
          .then(
            (result) => ({ jsonrpc: "2.0", id: call.id, result }),
            (err: { code?: number; message?: string; data?: unknown }) => ({
              jsonrpc: "2.0",
              id: call.id,
              error: { code: err.code ?? -32603, message: err.message ?? String(err), data: err.data },
            }),
          )
          .then((answer) => {
            res.setHeader("content-type", "application/json");
            res.end(
              JSON.stringify(answer, (_, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)),
            );
          });
      });
    });
    await new Promise<void>((r) => rpcServer?.listen(0, "127.0.0.1", r));
    rpcUrl = `http://127.0.0.1:${(rpcServer.address() as { port: number }).port}`;
  }, 300_000);

  afterAll(async () => {
    await blobs?.close();
    await new Promise((r) => (rpcServer ? rpcServer.close(r) : r(undefined)));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("the walkthrough builds a client from viem and the ABIs that submits, reads, cancels and withdraws", async () => {
    const blocks = walkthroughBlocks(await readFile(join(ROOT, "docs/SDK.md"), "utf8"));
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    // One module, in the docs' order; it lives under node_modules/.cache so that "viem" and "@eai/sdk/abis"
    // resolve as they do for an integrator's project.
    const cache = join(ROOT, "node_modules/.cache/eai-docs");
    await mkdir(cache, { recursive: true });
    const file = join(cache, `walkthrough-${process.pid}.ts`);
    await writeFile(file, `${blocks.join("\n")}\nexport { taskId, status, refunded, reward, inputURI };\n`);
    const env = { ...process.env };
    Object.assign(process.env, {
      EAI_RPC_URL: rpcUrl,
      EAI_BLOB_STORE_URL: blobs?.url,
      EAI_DEPLOYMENT: deploymentFile,
      EAI_PRIVATE_KEY: KEY1,
    });
    const logs: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void logs.push(args.map(String).join(" "));
    let out: { taskId: bigint; status: string; refunded: bigint; reward: bigint; inputURI: string };
    try {
      out = (await import(pathToFileURL(file).href)) as typeof out;
    } finally {
      console.log = log;
      process.env = env;
      await rm(file, { force: true });
    }
    expect(out.status).toBe("Open");
    expect(out.refunded).toBe(parseEther("1"));
    expect(out.reward).toBe(parseEther("1"));
    expect(logs[0]).toMatch(
      new RegExp(`^task ${out.taskId} is Open; tier-3 only until \\d{4}-\\d\\d-\\d\\dT`),
    );
    // what the walkthrough did, read back independently of it
    const publicClient = await connection.viem.getPublicClient();
    const deployment = JSON.parse(await readFile(deploymentFile, "utf8")) as {
      contracts: { TaskMarket: { address: `0x${string}` }; EAIToken: { address: `0x${string}` } };
    };
    const state = await publicClient.readContract({
      address: deployment.contracts.TaskMarket.address,
      abi: taskMarketAbi,
      functionName: "getTaskState",
      args: [out.taskId],
    });
    expect(state.status).toBe(4); // Cancelled
    const balance = await publicClient.readContract({
      address: deployment.contracts.EAIToken.address,
      abi: eaiTokenAbi,
      functionName: "balanceOf",
      args: [ADDRESS1],
    });
    expect(balance).toBe(parseEther("10000")); // paid 1 EAI, got it back
    const stored = await fetch(`${blobs?.url}/blobs/${out.inputURI.replace("eai://blob/sha256-", "")}`);
    expect(await stored.text()).toBe("hello, EAI");
  });

  it("every eai command line in README.md and docs/*.md is a real command with real options", async () => {
    const files = ["README.md", ...(await readdir(join(ROOT, "docs"))).map((f) => `docs/${f}`)];
    let checked = 0;
    const wrong: string[] = [];
    for (const f of files.filter((n) => n.endsWith(".md"))) {
      const text = await readFile(join(ROOT, f), "utf8");
      for (const m of text.matchAll(
        /(?:npm run eai --|node sdk\/bin\/eai\.js|^\s*eai) ([a-z]+)(?: ([a-z]+))?([^\n#`]*)/gm,
      )) {
        const [, group, name, rest] = m as unknown as [string, string, string | undefined, string];
        if (group === "help") continue;
        const options = commandOptions(group, name) ?? (name ? null : commandOptions(group, ""));
        checked += 1;
        if (!options) {
          wrong.push(`${f}: eai ${group} ${name ?? ""}: no such command`);
          continue;
        }
        for (const flag of rest.matchAll(/(?:^|\s)--([a-z][a-z0-9-]*)/g)) {
          if (!options.includes(flag[1] as string))
            wrong.push(`${f}: eai ${group} ${name ?? ""}: no option --${flag[1]}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });
});
