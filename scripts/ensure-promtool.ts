/**
 * Makes sure `promtool` (Debian package `prometheus`) is installed for the alert-rule test
 * (worker/test/alerts.test.ts). Installs it with apt-get when it is missing and this runs as root; otherwise says
 * what to install and fails. Exit status 0 when promtool (or EAI_PROMTOOL) is there afterwards.
 *
 *   node scripts/ensure-promtool.ts
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Where the alert-rule test finds promtool. */
export const PROMTOOL_PATH = process.env.EAI_PROMTOOL ?? "/usr/bin/promtool";

function apt(args: string[]): boolean {
  const result = spawnSync("apt-get", args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    timeout: 600_000,
  });
  return result.status === 0;
}

export function ensurePromtool(): string {
  if (existsSync(PROMTOOL_PATH)) return PROMTOOL_PATH;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root) {
    throw new Error(
      `promtool is missing at ${PROMTOOL_PATH}; install it (Debian: sudo apt-get install -y --no-install-recommends prometheus) or set EAI_PROMTOOL`,
    );
  }
  console.log("installing promtool for the alert-rule test (apt-get install -y prometheus)…");
  const install = ["install", "-y", "-qq", "--no-install-recommends", "prometheus"];
  if (!apt(install)) {
    // A fresh machine may have no package lists yet.
    if (!apt(["update", "-qq"]) || !apt(install)) {
      throw new Error("apt-get install -y prometheus failed; install promtool by hand or set EAI_PROMTOOL");
    }
  }
  if (!existsSync(PROMTOOL_PATH))
    throw new Error(`apt-get installed prometheus but ${PROMTOOL_PATH} is missing`);
  return PROMTOOL_PATH;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(`promtool: ${ensurePromtool()}`);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
