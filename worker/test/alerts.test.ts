/**
 * The alert rules shipped with the worker (worker/alerts) pass `promtool check rules` and fire in
 * `promtool test rules` exactly when their conditions hold. promtool comes from Debian's `prometheus` package
 * (scripts/ensure-promtool.ts installs it as root); without it this test fails, it never skips.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ensurePromtool } from "../../scripts/ensure-promtool.ts";
import { createMetrics } from "../src/metrics.ts";

const DIR = fileURLToPath(new URL("../alerts/", import.meta.url));

function promtool(args: string[]) {
  const r = spawnSync(ensurePromtool(), args, { cwd: DIR, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("worker alert rules (promtool)", () => {
  it("are valid rules", () => {
    const r = promtool(["check", "rules", "eai-worker.rules.yml"]);
    expect(r.out).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  it("fire on offline, missed heartbeat, slash, failed audit, low stake, low gas and long pauses, and not before", () => {
    const r = promtool(["test", "rules", "eai-worker.rules.test.yml"]);
    expect(r.out).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  it("use metric names the worker exports (except the reserved audit metric)", async () => {
    const { readFile } = await import("node:fs/promises");
    const rules = await readFile(`${DIR}/eai-worker.rules.yml`, "utf8");
    const used = new Set(rules.match(/eai_worker_[a-z_]+/g));
    const exported = new Set(
      (await createMetrics({ defaultMetrics: false }).registry.getMetricsAsJSON()).map((m) => m.name),
    );
    const missing = [...used].filter((m) => !exported.has(m));
    expect(missing).toEqual(["eai_worker_audit_failures_total"]);
  });
});
