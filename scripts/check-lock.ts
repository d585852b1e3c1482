/**
 * Checks that package-lock.json installs the same tree on every platform: every dependency and optional dependency
 * of every locked package resolves to a locked entry, the way Node resolves it (the package's own node_modules,
 * then each folder above). npm drops the platform packages of other systems from the lock in some cases (its known
 * bug with optional dependencies: a lock written on linux-x64 may lack `@next/swc-darwin-arm64`), and then an
 * install on macOS or Windows resolves them anew or not at all; `npm install --package-lock-only --os=… --cpu=…`
 * does not notice. Run it in `npm test` (`npm run check:lock`) or by hand:
 *
 *   node scripts/check-lock.ts [package-lock.json]
 *
 * Exits 1 and names each missing package, with who wants it and where it was looked for.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const entrySchema = z.object({
  version: z.string().optional(),
  link: z.boolean().optional(),
  resolved: z.string().optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  devDependencies: z.record(z.string(), z.string()).optional(),
  optionalDependencies: z.record(z.string(), z.string()).optional(),
  peerDependencies: z.record(z.string(), z.string()).optional(),
  peerDependenciesMeta: z.record(z.string(), z.object({ optional: z.boolean().optional() })).optional(),
});
const lockSchema = z.object({
  lockfileVersion: z.number().int().min(2),
  packages: z.record(z.string(), entrySchema),
});

export interface MissingPackage {
  /** The lock path of the package that wants it ("" is the root). */
  wantedBy: string;
  name: string;
  range: string;
  optional: boolean;
}

/** Where Node looks for `name` from the package at lock path `from` (nearest first). */
export function candidates(from: string, name: string): string[] {
  const out: string[] = [];
  let dir = from;
  for (;;) {
    out.push(dir === "" ? `node_modules/${name}` : `${dir}/node_modules/${name}`);
    if (dir === "") return out;
    const cut = dir.lastIndexOf("/node_modules/");
    // A workspace folder ("sdk") or a top-level package ("node_modules/x"): the next stop is the root.
    dir = cut === -1 ? "" : dir.slice(0, cut);
  }
}

/** Every dependency of a locked package that resolves to no locked entry. */
export function missingPackages(lockJson: unknown): MissingPackage[] {
  const { packages } = lockSchema.parse(lockJson);
  // Workspace packages are linked: node_modules/<name> → <folder>, whose own entry lists its dependencies.
  const missing: MissingPackage[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    if (entry.link) continue;
    // devDependencies appear in the lock only for the root and the workspaces, which npm installs them for.
    const required = { ...entry.devDependencies, ...entry.dependencies };
    const wants: [string, string, boolean][] = [
      ...Object.entries(required).map(([n, r]) => [n, r, false] as [string, string, boolean]),
      ...Object.entries(entry.optionalDependencies ?? {}).map(
        ([n, r]) => [n, r, true] as [string, string, boolean],
      ),
    ];
    for (const [name, range, optional] of wants) {
      if (candidates(path, name).some((c) => c in packages)) continue;
      missing.push({ wantedBy: path, name, range, optional });
    }
  }
  return missing;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? fileURLToPath(new URL("../package-lock.json", import.meta.url));
  const missing = missingPackages(JSON.parse(readFileSync(file, "utf8")));
  if (missing.length === 0) {
    console.log(`${file}: every dependency and optional (platform) dependency is locked`);
  } else {
    console.error(`${file}: ${missing.length} package(s) wanted but not locked:`);
    for (const m of missing) {
      console.error(
        `  ${m.name}@${m.range} (${m.optional ? "optional" : "required"}), wanted by ${m.wantedBy || "the root"}` +
          `; looked for ${candidates(m.wantedBy, m.name).join(", ")}`,
      );
    }
    console.error(
      "lock them without upgrading anything else: add each entry (version, resolved, integrity, os, cpu, libc, " +
        'engines from `npm view <name>@<version>`) or see docs/OPERATIONS.md, "The lockfile"',
    );
    process.exit(1);
  }
}
