/**
 * The `eai-worker` CLI as an operator runs it (through the JS launcher): help, config errors, `status` against a
 * local chain, and `start` → heartbeat → SIGTERM → graceful exit.
 */
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEther } from "viem";
import {
  ACCOUNT,
  SERVICE_PORTS,
  freePort,
  signerFor,
  startHarness,
  waitFor,
  type Harness,
} from "./harness.ts";

const LAUNCHER = fileURLToPath(new URL("../bin/eai-worker.js", import.meta.url));
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

function run(args: string[], env: Record<string, string> = {}, onStdout?: (line: string) => void) {
  const child = spawn(process.execPath, [LAUNCHER, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += String(d);
    onStdout?.(String(d));
  });
  child.stderr.on("data", (d: Buffer) => (stderr += String(d)));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

async function writeConfig(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const file = join(h.dir, `${name}.json`);
  await writeFile(
    file,
    JSON.stringify({
      rpcUrl: h.rpcUrl,
      chainId: Number(h.p.chainId),
      deploymentsDir: h.deploymentsDir,
      stateDir: join(h.dir, `cli-${name}`),
      blobStoreUrl: h.blobs.url,
      maxBond: parseEther("1000").toString(),
      bandwidthMbps: 100,
      executors: ["onnx"],
      ...extra,
    }),
  );
  return file;
}

describe("eai-worker CLI", () => {
  it("prints help and reports config errors clearly", async () => {
    const help = await run(["--help"]).done;
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("eai-worker start");
    const bad = await run(["status", "--config", join(h.dir, "missing.json")]).done;
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/cannot read worker config .*missing\.json: ENOENT/);
    const noKey = await run(["status", "--config", await writeConfig("nokey")]).done;
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain("EAI_WORKER_PRIVATE_KEY");
    const unknown = await run(["frobnicate"]).done;
    expect(unknown.code).toBe(2);
  });

  it("status reads the provider from the chain", async () => {
    const key = signerFor(ACCOUNT.bob).privateKey.reveal();
    const r = await run(["status", "--json", "--config", await writeConfig("status")], {
      EAI_WORKER_PRIVATE_KEY: key,
    }).done;
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as { registered: boolean; stakeEAI: string; tier: number };
    expect(out.registered).toBe(true);
    expect(out.stakeEAI).toBe("50000");
    expect(out.tier).toBe(1);
    const words = await run(["status", "--config", await writeConfig("status")], {
      EAI_WORKER_PRIVATE_KEY: key,
    }).done;
    expect(words.stderr).toBe("");
    expect(words.stdout).toMatch(/Provider 0x[0-9a-fA-F]{40}: eligible for tasks, tier 1 of 3\./);
    expect(words.stdout).toMatch(/Trust [\d.]+ %, availability [\d.]+ %/);
    expect(words.stdout).toContain("Stake 50000 EAI, of which 50000 EAI free");
    expect(words.stdout).toMatch(/Earned 0 EAI over 0 paid tasks; credits waiting to be withdrawn: 0 EAI\./);
    expect(words.stdout).toContain("Recent failures: none.");
    expect(words.stdout).not.toMatch(/\d{19,}/); // no wei amounts
  });

  it("start registers, sends a heartbeat, serves metrics and shuts down gracefully on SIGTERM", async () => {
    const dave = signerFor(ACCOUNT.dave);
    await h.p.send(h.p.contracts.token.write.transfer([dave.address, parseEther("2000")]));
    const port = await freePort(SERVICE_PORTS);
    const config = await writeConfig("start", {
      metrics: { port },
      stakeTarget: parseEther("1000").toString(),
      heartbeatIntervalMs: 10_000,
      pollIntervalMs: 200,
    });
    const lines: string[] = [];
    const proc = run(
      ["start", "--config", config],
      { EAI_WORKER_PRIVATE_KEY: dave.privateKey.reveal() },
      (d) => lines.push(...d.split("\n")),
    );
    try {
      await waitFor(
        "worker ready",
        async () => lines.some((l) => l.includes('"worker ready"')),
        60_000,
      ).catch(async (err: unknown) => {
        proc.child.kill("SIGKILL");
        const r = await proc.done;
        throw new Error(`${String(err)}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(-2000)}`);
      });
      const registry = h.p.contracts.providers;
      await waitFor(
        "heartbeat",
        async () => (await registry.read.getProvider([dave.address])).lastHeartbeat > 0,
      );
      expect(await h.p.contracts.vault.read.stakeOf([dave.address])).toBe(parseEther("1000"));
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain("eai_worker_last_processed_block");
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      proc.child.kill("SIGTERM");
      const r = await proc.done;
      if (r.code !== 0) console.error(r.stderr, lines.join("\n"));
      expect(r.code).toBe(0);
      expect(lines.some((l) => l.includes('"worker stopped"'))).toBe(true);
    } finally {
      proc.child.kill("SIGKILL");
    }
  });
});
