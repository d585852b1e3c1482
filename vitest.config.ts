import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

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
      "bridge/src/**/*.test.ts",
      "bridge/test/**/*.test.ts",
    ],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
  },
});
