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
