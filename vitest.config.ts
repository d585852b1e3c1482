import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "sdk/src/**/*.test.ts",
      "worker/src/**/*.test.ts",
      "worker/test/**/*.test.ts",
      "circuits/tests/**/*.test.ts",
      "scripts/**/*.test.ts",
      "bench/**/*.test.ts",
      "indexer/**/*.test.ts",
    ],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
  },
});
