import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

import { candidates, missingPackages } from "./check-lock.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** A lock in the shape npm writes: a root, a workspace and a package with platform optional dependencies. */
function lock(extra: Record<string, unknown> = {}) {
  return {
    lockfileVersion: 3,
    packages: {
      "": { workspaces: ["web"], devDependencies: { tool: "1.0.0" } },
      web: { dependencies: { next: "16.4.6" } },
      "node_modules/web": { link: true, resolved: "web" },
      "node_modules/next": {
        version: "16.4.6",
        dependencies: { "@swc/helpers": "0.5.23" },
        optionalDependencies: { "@next/swc-darwin-arm64": "16.4.6", "@next/swc-linux-x64-gnu": "16.4.6" },
      },
      "node_modules/next/node_modules/@swc/helpers": { version: "0.5.23" },
      "node_modules/@next/swc-linux-x64-gnu": {
        version: "16.4.6",
        optional: true,
        os: ["linux"],
        cpu: ["x64"],
      },
      "node_modules/tool": { version: "1.0.0" },
      ...extra,
    },
  };
}

describe("check-lock", () => {
  it("looks where Node looks: the package's own node_modules, then each folder above", () => {
    expect(candidates("node_modules/a/node_modules/b", "c")).toEqual([
      "node_modules/a/node_modules/b/node_modules/c",
      "node_modules/a/node_modules/c",
      "node_modules/c",
    ]);
    expect(candidates("web", "next")).toEqual(["web/node_modules/next", "node_modules/next"]);
    expect(candidates("", "x")).toEqual(["node_modules/x"]);
  });

  it("names a platform package of an optional set that the lock lacks", () => {
    expect(missingPackages(lock())).toEqual([
      { wantedBy: "node_modules/next", name: "@next/swc-darwin-arm64", range: "16.4.6", optional: true },
    ]);
  });

  it("passes once every platform package is locked, nested or hoisted", () => {
    const complete = lock({
      "node_modules/@next/swc-darwin-arm64": {
        version: "16.4.6",
        optional: true,
        os: ["darwin"],
        cpu: ["arm64"],
      },
    });
    expect(missingPackages(complete)).toEqual([]);
  });

  it("names a missing required dependency too", () => {
    const l = lock();
    delete (l.packages as Record<string, unknown>)["node_modules/tool"];
    expect(missingPackages(l).map((m) => [m.name, m.optional])).toContainEqual(["tool", false]);
  });

  it("the repository's package-lock.json is complete for every platform", () => {
    expect(missingPackages(JSON.parse(readFileSync(`${ROOT}/package-lock.json`, "utf8")))).toEqual([]);
  });
});
