import { afterEach, describe, expect, it } from "vitest";
import { createMetrics, HealthChecks, startMetricsServer } from "./metrics.ts";

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("metrics and health", () => {
  it("serves Prometheus metrics on 127.0.0.1", async () => {
    const metrics = createMetrics();
    metrics.tasksClaimed.inc({ executor: "onnx" });
    metrics.tasksFailed.inc({ executor: "wasm", reason: "timeout" });
    metrics.executionSeconds.observe({ executor: "onnx" }, 0.002);
    metrics.proofSeconds.observe(0.4);
    metrics.executorBackend.set({ executor: "onnx", backend: "cpu" }, 1);
    const server = await startMetricsServer({ metrics, health: new HealthChecks() });
    servers.push(server);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('eai_worker_tasks_claimed_total{executor="onnx"} 1');
    expect(text).toContain('eai_worker_tasks_failed_total{executor="wasm",reason="timeout"} 1');
    expect(text).toContain('eai_worker_executor_backend{executor="onnx",backend="cpu"} 1');
    expect(text).toContain("eai_worker_proof_seconds_count 1");
    expect(text).toContain("eai_worker_process_cpu_user_seconds_total");
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  it("reflects registered health checks", async () => {
    const health = new HealthChecks(50);
    let rpcOk = true;
    health.register("rpc", () => ({ ok: rpcOk, detail: rpcOk ? "block 12" : "connection refused" }));
    health.register("state", async () => ({ ok: true }));
    const server = await startMetricsServer({ metrics: createMetrics({ defaultMetrics: false }), health });
    servers.push(server);
    let res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ok: true,
      checks: { rpc: { ok: true, detail: "block 12" }, state: { ok: true } },
    });
    rpcOk = false;
    res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      ok: false,
      checks: { rpc: { ok: false, detail: "connection refused" } },
    });
    rpcOk = true;
    health.register("slow", () => new Promise((r) => setTimeout(() => r({ ok: true }), 500)));
    health.register("throws", () => {
      throw new Error("disk gone");
    });
    const body = (await (await fetch(`${server.url}/healthz`)).json()) as {
      checks: Record<string, { detail?: string }>;
    };
    expect(body.checks.slow?.detail).toBe("check timed out after 50 ms");
    expect(body.checks.throws?.detail).toBe("disk gone");
  });

  it("refuses to bind outside loopback", async () => {
    await expect(
      startMetricsServer({
        metrics: createMetrics({ defaultMetrics: false }),
        health: new HealthChecks(),
        host: "0.0.0.0",
      }),
    ).rejects.toThrow(/expected a loopback address/);
  });
});
