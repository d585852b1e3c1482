import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ROUTE_BUDGET_BYTES,
  buildSizes,
  entryChunksOf,
  gzipSize,
  routeBudget,
  totalBlockingTime,
} from "./web.ts";

/** The shape Next 16 (Turbopack) writes for server/app/<route>/page_client-reference-manifest.js. */
function manifestSource(route: string, entryJSFiles: Record<string, string[]>): string {
  return (
    "globalThis.__RSC_MANIFEST = globalThis.__RSC_MANIFEST || {};\n" +
    `globalThis.__RSC_MANIFEST[${JSON.stringify(route)}] = ${JSON.stringify({
      moduleLoading: { prefix: "" },
      clientModules: {},
      entryCSSFiles: {},
      entryJSFiles,
    })};\n`
  );
}

describe("entryChunksOf", () => {
  it("lists each chunk of the route's segments once", () => {
    const source = manifestSource("/stake/page", {
      "[project]/web/src/app/layout": ["static/chunks/a.js", "static/chunks/b.js"],
      "[project]/web/src/app/stake/page": ["static/chunks/a.js", "static/chunks/c.js"],
    });
    expect(entryChunksOf(source, "/stake/page")).toEqual([
      "static/chunks/a.js",
      "static/chunks/b.js",
      "static/chunks/c.js",
    ]);
  });

  it("names the entries it has when the route is missing", () => {
    expect(() => entryChunksOf(manifestSource("/page", {}), "/models/page")).toThrow(
      /no entry "\/models\/page".*\/page/,
    );
  });

  it("runs the manifest without access to this process", () => {
    expect(() => entryChunksOf("process.exit(1)", "/page")).toThrow(/process is not defined/);
  });
});

describe("buildSizes", () => {
  let dir: string;
  const files = {
    "static/chunks/runtime.js": "r".repeat(1000),
    "static/chunks/layout.js": "function layout() { return 1; }\n".repeat(50),
    "static/chunks/page.js": "let x = 0;\n".repeat(20),
  };
  const gz = (f: keyof typeof files) => gzipSync(files[f], { level: 9 }).length;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "eai-bench-web-test-"));
    await mkdir(join(dir, "static/chunks"), { recursive: true });
    await mkdir(join(dir, "server/app/models"), { recursive: true });
    await mkdir(join(dir, "server/app/api/health"), { recursive: true });
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
    await writeFile(
      join(dir, "build-manifest.json"),
      JSON.stringify({
        rootMainFiles: ["static/chunks/runtime.js"],
        polyfillFiles: ["static/chunks/polyfill.js"],
      }),
    );
    await writeFile(
      join(dir, "app-path-routes-manifest.json"),
      JSON.stringify({
        "/page": "/",
        "/models/page": "/models",
        "/_not-found/page": "/_not-found",
        "/api/health/route": "/api/health",
      }),
    );
    await writeFile(
      join(dir, "server/app/page_client-reference-manifest.js"),
      manifestSource("/page", { layout: ["static/chunks/layout.js"] }),
    );
    await writeFile(
      join(dir, "server/app/models/page_client-reference-manifest.js"),
      manifestSource("/models/page", {
        layout: ["/static/chunks/layout.js"],
        page: ["static/chunks/page.js"],
      }),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("adds the root main files to each page's entry chunks and skips route handlers and internal pages", async () => {
    const sizes = await buildSizes(dir);
    expect(sizes.map((s) => s.route)).toEqual(["/", "/models"]);
    expect(sizes[0]).toEqual({
      route: "/",
      files: 2,
      rawBytes: files["static/chunks/runtime.js"].length + files["static/chunks/layout.js"].length,
      gzipBytes: gz("static/chunks/runtime.js") + gz("static/chunks/layout.js"),
    });
    // "/static/…" and "static/…" name the same file: counted once.
    expect(sizes[1]).toMatchObject({
      files: 3,
      gzipBytes: gz("static/chunks/runtime.js") + gz("static/chunks/layout.js") + gz("static/chunks/page.js"),
    });
  });
});

describe("gzipSize", () => {
  it("compresses at level 9", () => {
    const text = "abc".repeat(1000);
    expect(gzipSize(text)).toBe(gzipSync(text, { level: 9 }).length);
    expect(gzipSize(text)).toBeLessThan(text.length / 10);
  });
});

describe("totalBlockingTime", () => {
  it("counts the part of each long task over 50 ms after the first contentful paint", () => {
    expect(totalBlockingTime(100, [])).toBe(0);
    // Before FCP: ignored; straddling FCP: only the part after it; after: duration − 50.
    expect(
      totalBlockingTime(100, [
        [0, 90],
        [60, 120],
        [200, 49],
        [300, 130],
      ]),
    ).toBe(30 + 80);
  });
});

describe("routeBudget", () => {
  const size = (route: string, gzipBytes: number) => ({ route, files: 1, rawBytes: gzipBytes, gzipBytes });
  it("holds every route to the budget, the worse of the build and Chromium's first load", () => {
    const budget = routeBudget(
      [
        size("/", 200_000),
        size("/tasks/[id]", 180_000),
        size("/tasks/all", 190_000),
        size("/stake", 240_000),
      ],
      [
        { route: "/", status: 200, initialGzipBytes: 200_000 },
        { route: "/tasks/all", status: 200, initialGzipBytes: 190_000 },
        // The sample task of the dynamic route: its document named more than the build's entry chunks.
        { route: "/tasks/1", status: 200, initialGzipBytes: ROUTE_BUDGET_BYTES + 1 },
      ],
    );
    expect(budget.met).toBe(false);
    expect(budget.routes.map((r) => [r.route, r.met, r.browserGzipBytes])).toEqual([
      ["/", true, 200_000],
      ["/tasks/[id]", false, ROUTE_BUDGET_BYTES + 1],
      // A static route is not taken for a sample of the dynamic one beside it.
      ["/tasks/all", true, 190_000],
      ["/stake", true, undefined],
    ]);
  });

  it("is met at exactly the budget and ignores pages that did not load", () => {
    const budget = routeBudget(
      [size("/", ROUTE_BUDGET_BYTES)],
      [{ route: "/", status: 404, initialGzipBytes: 1e9 }],
    );
    expect(budget).toEqual({
      met: true,
      routes: [
        { route: "/", buildGzipBytes: ROUTE_BUDGET_BYTES, worstGzipBytes: ROUTE_BUDGET_BYTES, met: true },
      ],
    });
  });
});
