import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ProverError, ProverPool } from "./prover-pool.ts";
import { releaseProverThreads } from "../../../sdk/src/zk/index.ts";
import { loadSnarkjs } from "./snarkjs-types.ts";

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/multiplier/${name}`, import.meta.url));
const job = (a: number, b: number) => ({
  wasmPath: fixture("multiplier.wasm"),
  zkeyPath: fixture("multiplier.zkey"),
  input: { a: String(a), b: String(b) },
});
const pools: ProverPool[] = [];
const pool = (options: ConstructorParameters<typeof ProverPool>[0]) => {
  const p = new ProverPool(options);
  pools.push(p);
  return p;
};

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await releaseProverThreads();
});

describe("prover pool", () => {
  it("proves jobs that verify, in parallel across provers, and stays warm", async () => {
    const p = pool({ size: 2, jobTimeoutMs: 60_000 });
    const vk = JSON.parse(await readFile(fixture("verification_key.json"), "utf8")) as unknown;
    const results = await Promise.all([job(3, 11), job(5, 7), job(2, 2), job(6, 9)].map((j) => p.prove(j)));
    expect(results.map((r) => r.publicSignals)).toEqual([
      ["33", "14"],
      ["35", "12"],
      ["4", "4"],
      ["54", "15"],
    ]);
    const { groth16 } = await loadSnarkjs();
    for (const r of results) expect(await groth16.verify(vk, r.publicSignals, r.proof)).toBe(true);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push((await p.prove(job(i + 1, 2))).elapsedMs);
    console.log(`warm prove (1-constraint circuit): ${times.map((t) => t.toFixed(1)).join(", ")} ms`);
    expect(p.stats()).toMatchObject({ size: 2, busy: 0, queued: 0, restarts: 0 });
  });

  it("fails a job with a bad input clearly and keeps the prover", async () => {
    const p = pool({ size: 1, jobTimeoutMs: 60_000 });
    const err = await p.prove({ ...job(1, 1), input: { a: "1" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProverError);
    expect((err as ProverError).code).toBe("failed");
    expect((await p.prove(job(4, 5))).publicSignals).toEqual(["20", "9"]);
    expect(p.stats().restarts).toBe(0);
  });

  it("times a job out, replaces the prover and goes on", async () => {
    const p = pool({ size: 1, jobTimeoutMs: 1 });
    const err = await p.prove(job(2, 3)).catch((e: unknown) => e);
    expect((err as ProverError).code).toBe("timeout");
    expect((err as ProverError).message).toMatch(/time limit of 1 ms; its prover was replaced/);
    expect(p.stats().restarts).toBe(1);
  });

  it("recovers from a crashed prover: its job fails, the next ones succeed", async () => {
    const p = pool({
      size: 1,
      jobTimeoutMs: 60_000,
      proverUrl: new URL("../../fixtures/crashing-prover.ts", import.meta.url),
    });
    const [crashed, next] = await Promise.allSettled([
      p.prove({ ...job(1, 1), input: { a: "1", b: "1", crash: true } }),
      p.prove(job(7, 8)),
    ] as const);
    expect(crashed.status).toBe("rejected");
    expect((crashed as PromiseRejectedResult).reason).toMatchObject({ code: "crashed" });
    expect(((crashed as PromiseRejectedResult).reason as Error).message).toMatch(
      /prover process died \(exit code 7\)/,
    );
    expect(next.status).toBe("fulfilled");
    expect((next as PromiseFulfilledResult<{ publicSignals: string[] }>).value.publicSignals).toEqual([
      "56",
      "15",
    ]);
    expect(p.stats().restarts).toBe(1);
  });

  it("bounds the queue and fails queued jobs on close", async () => {
    const p = pool({ size: 1, maxQueue: 1, jobTimeoutMs: 60_000 });
    const running = p.prove(job(1, 2)).catch((e: unknown) => e);
    const waiting = p.prove(job(1, 3)).catch((e: unknown) => e);
    await expect(p.prove(job(1, 4))).rejects.toMatchObject({ code: "queue-full" });
    await p.close();
    expect(await waiting).toMatchObject({ code: "closed" });
    expect(await running).toMatchObject({ code: "closed" });
    await expect(p.prove(job(1, 5))).rejects.toMatchObject({ code: "closed" });
  });
});
