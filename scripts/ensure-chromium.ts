/**
 * Makes sure Debian's Chromium is installed for the web app's browser tests (playwright-core drives it; nothing is
 * downloaded by playwright). Installs it with apt-get when it is missing and this runs as root; otherwise explains
 * what to install. Exit status 0 when /usr/bin/chromium (or EAI_CHROMIUM) is there afterwards.
 *
 *   node scripts/ensure-chromium.ts
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Where the browser tests look for Chromium. */
export const CHROMIUM_PATH = process.env.EAI_CHROMIUM ?? "/usr/bin/chromium";

function apt(args: string[]): boolean {
  const result = spawnSync("apt-get", args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    timeout: 600_000,
  });
  return result.status === 0;
}

export function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}; install it (Debian: sudo apt-get install -y chromium) or set EAI_CHROMIUM`,
    );
  }
  console.log("installing Chromium for the browser tests (apt-get install -y chromium)…");
  if (!apt(["install", "-y", "-qq", "chromium"])) {
    // A fresh machine may have no package lists yet.
    if (!apt(["update", "-qq"]) || !apt(["install", "-y", "-qq", "chromium"])) {
      throw new Error("apt-get install -y chromium failed; install Chromium by hand or set EAI_CHROMIUM");
    }
  }
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is missing`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    ensureChromium();
    console.log(`chromium: ${CHROMIUM_PATH}`);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
