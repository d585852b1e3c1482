import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "**/node_modules/**",
      "artifacts/**",
      "cache/**",
      "types/**",
      "coverage/**",
      "circuits/build/**",
      "circuits/artifacts/**",
      "sdk/src/generated/**",
      // Tact's generated TON wrappers (bridge/src/ton/build.ts writes them; check:generated checks them).
      "bridge/src/ton/generated/**",
      "**/.next/**",
      "**/.ponder/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: { console: "readonly", process: "readonly", Buffer: "readonly", URL: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.test.ts", "test/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
