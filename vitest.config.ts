import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** Test files run at once: EAI_TEST_FILES_AT_ONCE (a positive integer) or 2. */
function filesAtOnce(): number {
  const raw = process.env.EAI_TEST_FILES_AT_ONCE;
  if (raw === undefined || raw === "") return 2;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`EAI_TEST_FILES_AT_ONCE must be a positive integer, got "${raw}"`);
  return n;
}

export default defineConfig({
  // The web app's "@/…" import alias (web/tsconfig.json paths).
  resolve: { alias: [{ find: /^@\//, replacement: fileURLToPath(new URL("./web/src/", import.meta.url)) }] },
  esbuild: { jsx: "automatic" },
  test: {
    include: [
      "sdk/src/**/*.test.ts",
      "worker/src/**/*.test.ts",
      "worker/test/**/*.test.ts",
      "circuits/tests/**/*.test.ts",
      "scripts/**/*.test.ts",
      "bench/**/*.test.ts",
      "indexer/**/*.test.ts",
      "web/src/**/*.test.{ts,tsx}",
      "web/test/**/*.test.ts",
      "test/e2e/**/*.test.ts",
      "test/support/**/*.test.ts",
      "bridge/src/**/*.test.ts",
      "bridge/test/**/*.test.ts",
    ],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    // Two test files at a time. Vitest's default on a 2-core machine (CI) is one (cores − 1), which leaves a core
    // idle while the heavy files wait on chains, indexers and workers (1 s blocks, polling, process start-ups):
    // those are mostly waiting, not computing. Every file picks its own free ports or fixed ports of its own, and
    // each local deployment has its own Ignition journal, so files do not share state. EAI_TEST_FILES_AT_ONCE=1 runs
    // them one by one (docs/OPERATIONS.md, "Test suite time").
    maxWorkers: filesAtOnce(),
    minWorkers: 1,
  },
});
