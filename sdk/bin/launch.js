// Shared by the package launchers (`eai`, `eai-worker`): runs a TypeScript entry on Node ≥ 24 (native type
// stripping). On an older Node it re-runs the entry on the Node the project pins as a devDependency (npm package
// `node`), forwarding arguments, signals and the exit code.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

/**
 * @param {string} name command name, for the error message
 * @param {string} entry absolute path of the TypeScript entry point
 */
export async function launch(name, entry) {
  const major = Number(process.versions.node.split(".")[0]);
  if (major >= 24) {
    await import(entry);
    return;
  }
  let pinned;
  try {
    pinned = createRequire(import.meta.url).resolve("node/bin/node");
  } catch {
    console.error(
      `${name}: needs Node 24 or newer (this is ${process.version}) and the pinned one is not installed; run npm install`,
    );
    process.exit(1);
  }
  const child = spawn(pinned, [entry, ...process.argv.slice(2)], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 0)));
}
