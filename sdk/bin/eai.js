#!/usr/bin/env node
// Launcher for `eai`: runs src/cli/eai.ts on Node ≥ 24 (native TypeScript). On an older Node it re-runs
// itself on the Node the project pins as a devDependency (npm package `node`).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const entry = fileURLToPath(new URL("../src/cli/eai.ts", import.meta.url));
const major = Number(process.versions.node.split(".")[0]);

if (major >= 24) {
  await import(entry);
} else {
  let pinned;
  try {
    pinned = createRequire(import.meta.url).resolve("node/bin/node");
  } catch {
    console.error(
      `eai: needs Node 24 or newer (this is ${process.version}) and the pinned one is not installed; run npm install`,
    );
    process.exit(1);
  }
  const child = spawn(pinned, [entry, ...process.argv.slice(2)], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 0)));
}
