/**
 * `postinstall` of the root package: installs the locked platform packages of this machine that npm skipped.
 * Plain JavaScript, so that it also runs on a Node that cannot strip TypeScript (npm's own Node may be 20).
 *
 * npm runs on the machine's Node and skips, silently, an optional dependency whose `engines` that Node does not
 * meet: on Node 20, EDR's native binding (`@nomicfoundation/edr-<platform>`, `engines: node >= 22`) is left out and
 * Hardhat cannot start. npm puts node_modules/.bin first on this script's PATH, so `node` here is the Node 24 the
 * project pins; the script reads package-lock.json, lists the optional entries for this os/cpu/libc that are not in
 * node_modules, and, if there are any, runs npm once more on this Node (`--ignore-scripts`; the lock is left as it
 * is) to add them. Nothing happens when every one is there.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** This machine's C library as npm names it (linux only). */
function libc() {
  if (process.platform !== "linux") return undefined;
  const report = process.report?.getReport();
  return report?.header?.glibcVersionRuntime ? "glibc" : "musl";
}

/** npm's os/cpu/libc fields: a list of allowed values, or of excluded ones ("!win32"). */
function allows(list, value) {
  if (!Array.isArray(list) || list.length === 0) return true;
  if (value === undefined) return false;
  if (list.includes(`!${value}`)) return false;
  const allowed = list.filter((v) => !v.startsWith("!"));
  return allowed.length === 0 || allowed.includes(value);
}

/** Lock paths of the optional platform packages meant for this machine that node_modules lacks. */
export function missingForThisMachine(lock, root) {
  const c = libc();
  return Object.entries(lock.packages ?? {})
    .filter(([path, e]) => path.includes("node_modules/") && e.optional && (e.os || e.cpu || e.libc))
    .filter(([, e]) => allows(e.os, process.platform) && allows(e.cpu, process.arch) && allows(e.libc, c))
    .filter(([path]) => !existsSync(join(root, path, "package.json")))
    .map(([path]) => path);
}

const readLock = () => JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const missing = missingForThisMachine(readLock(), ROOT);
  if (missing.length > 0) {
    console.log(`postinstall: npm skipped ${missing.length} platform package(s): ${missing.join(", ")}`);
    const npmCli = process.env.npm_execpath;
    if (!npmCli || Number(process.versions.node.split(".")[0]) < 22) {
      console.log("postinstall: install with npm on Node ≥ 22 (e.g. `npx npm install`) to add them");
    } else {
      console.log(`postinstall: adding them with npm on Node ${process.version}…`);
      execFileSync(process.execPath, [npmCli, "install", "--ignore-scripts", "--no-audit", "--no-fund"], {
        cwd: ROOT,
        stdio: "inherit",
      });
      const still = missingForThisMachine(readLock(), ROOT);
      if (still.length > 0) {
        console.error(`postinstall: still missing: ${still.join(", ")}`);
        process.exit(1);
      }
    }
  }
}
