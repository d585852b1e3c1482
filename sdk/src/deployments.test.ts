import { describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROTOCOL_CONTRACTS, loadDeployment, parseDeployment } from "./deployments.ts";

function record(chainId = 31337) {
  return {
    chainId,
    deployedAt: "2026-11-22T00:00:00.000Z",
    deployer: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    contracts: Object.fromEntries(
      PROTOCOL_CONTRACTS.map((name, i) => [
        name,
        { address: `0x${(i + 1).toString(16).padStart(40, "0")}`, startBlock: i },
      ]),
    ),
  };
}

describe("parseDeployment", () => {
  it("accepts a complete record", () => {
    const d = parseDeployment(record());
    expect(d.contracts.TaskMarket.address).toBe(`0x${"8".padStart(40, "0")}`);
  });

  it("names the missing contract and the bad address", () => {
    const r = record();
    delete (r.contracts as Record<string, unknown>).TaskMarket;
    (r.contracts as Record<string, { address: string }>).EAIToken!.address = "0x123";
    expect(() => parseDeployment(r)).toThrowError(/contracts\.EAIToken\.address: expected a 0x-prefixed/);
    expect(() => parseDeployment(r)).toThrowError(/contracts\.TaskMarket/);
  });
});

describe("loadDeployment", () => {
  it("reads <dir>/<chainId>.json and checks the chain id", async () => {
    const dir = await mkdtemp(join(tmpdir(), "eai-deploy-"));
    try {
      await writeFile(join(dir, "31337.json"), JSON.stringify(record()));
      await writeFile(join(dir, "1.json"), JSON.stringify(record(5)));
      expect((await loadDeployment(31337, dir)).chainId).toBe(31337);
      await expect(loadDeployment(1, dir)).rejects.toThrow(/describes chain 5, not 1/);
      await expect(loadDeployment(10, dir)).rejects.toThrow(/no deployment for chain 10/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("locateDeployment", () => {
  it("finds deploy/deployments in the folder or one above it, or EAI_DEPLOYMENT's file, and lists where it looked", async () => {
    const { locateDeployment } = await import("./deployments-locate.ts");
    const { mkdir } = await import("node:fs/promises");
    const root = await mkdtemp(join(tmpdir(), "eai-locate-"));
    try {
      await mkdir(join(root, "project/deploy/deployments"), { recursive: true });
      await mkdir(join(root, "project/a/b"), { recursive: true });
      await writeFile(join(root, "project/deploy/deployments/31337.json"), JSON.stringify(record()));
      const found = await locateDeployment(31337, { cwd: join(root, "project/a/b") });
      expect(found.file).toBe(join(root, "project/deploy/deployments/31337.json"));
      await writeFile(join(root, "mine.json"), JSON.stringify(record(5)));
      expect((await locateDeployment(5, { file: join(root, "mine.json") })).deployment.chainId).toBe(5);
      const err = (await locateDeployment(77, { cwd: join(root, "project/a") }).catch(
        (e: unknown) => e,
      )) as Error;
      expect(err.message).toContain(
        `no deployment for chain 77: looked for ${join(root, "project/a/deploy/deployments/77.json")}, ${join(root, "project/deploy/deployments/77.json")}`,
      );
      expect(err.message).toMatch(/EAI_DEPLOYMENT=FILE or EAI_DEPLOYMENTS_DIR=DIR/);
      await expect(locateDeployment(31337, { dir: join(root, "project/a") })).rejects.toThrow(
        `looked for ${join(root, "project/a/31337.json")};`,
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
