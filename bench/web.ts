/**
 * Web app figures, from a production build (`npm run build:web` first):
 *
 *   node bench/web.ts [--url http://127.0.0.1:3000] [--runs 3] [--no-browser] [--label after]
 *
 * 1. First-load JavaScript per route, gzipped (level 9, as Next's old build table did), two ways:
 *    - from the build output: the runtime's root chunks (build-manifest.json `rootMainFiles`) plus every chunk the
 *      route's client reference manifest lists for its segments (`entryJSFiles`); Next 16 with Turbopack no longer
 *      prints these sizes;
 *    - in Chromium: every script the route actually fetches on a cold load until the network is idle (the most honest
 *      measure of what a visit downloads), split into the scripts the HTML document itself names (first load) and
 *      those fetched after it by lazy imports (`next/dynamic`: forms, charts and transaction code after the first
 *      paint).
 *    Every route is held to the 250 kB gz first-load budget (edge-net's anchor: a 255 kB bundle budget), from the
 *    build output and, when measured, from what the document names in Chromium. kB = 1000 bytes.
 * 2. Lab performance of the overview in headless Chromium with a phone viewport, 4× CPU slowdown and a 150 ms RTT /
 *    1.6 Mbps link (Lighthouse's mobile preset, emulated with CDP): FCP, LCP, CLS and total blocking time from
 *    PerformanceObserver, median of --runs cold loads. These are NOT Lighthouse scores (Lighthouse is not installed).
 * 3. The accessibility sanity checks of the browser e2e test on every route (one h1, labels, alts, captions…).
 *
 * Without --url it serves the build itself (`next start` on a free port) with a synthetic deployment record and the
 * RPC and indexer pointing at a closed port, so it needs no running network; the pages then show their loading and
 * error states, which load the same code. With --url it measures a running app (e.g. `npm start`) instead.
 * Prints tables and writes bench/results/web-<date>.json (web-<date>-<label>.json with --label).
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";
import type { BrowserContext } from "playwright-core";
import { z } from "zod";

import { PROTOCOL_CONTRACTS } from "../sdk/src/deployments.ts";
import { median } from "./stats.ts";
import { launchBrowser, pageProblems } from "../web/test/harness.ts";

const ROOT = join(import.meta.dirname, "..");
const NEXT_DIR = join(ROOT, "web", ".next");
/** First-load JS budget of every route, gzipped (the overview's target before it applied to every route). */
export const ROUTE_BUDGET_BYTES = 250_000;
export const OVERVIEW_TARGET_BYTES = ROUTE_BUDGET_BYTES;
/** A placeholder address for the synthetic deployment and the dynamic routes. */
const SAMPLE_ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/** The routes measured in the browser (dynamic segments filled with sample values). */
export const BROWSER_ROUTES = [
  "/",
  "/submit",
  "/tasks",
  "/tasks/all",
  "/tasks/1",
  "/providers",
  `/providers/${SAMPLE_ADDRESS}`,
  "/stake",
  "/governance",
  "/governance/1",
  "/models",
] as const;

// ─── first-load JS from the build output ───

const buildManifestSchema = z.object({
  rootMainFiles: z.array(z.string()),
  polyfillFiles: z.array(z.string()).default([]),
});
const routesManifestSchema = z.record(z.string(), z.string());
const clientManifestSchema = z.record(
  z.string(),
  z.object({ entryJSFiles: z.record(z.string(), z.array(z.string())).default({}) }).loose(),
);

/** gzip size at level 9 (what Next's build table and the gzip-size package report). */
export function gzipSize(content: Uint8Array | string): number {
  return gzipSync(content, { level: 9 }).length;
}

/**
 * Reads a `page_client-reference-manifest.js` (a script assigning `globalThis.__RSC_MANIFEST[key]`) in a sandbox
 * with no access to this process, and returns the chunk files its route loads for its layouts, page and boundaries.
 */
export function entryChunksOf(manifestSource: string, route: string): string[] {
  const sandbox: { __RSC_MANIFEST?: unknown } = {};
  runInNewContext(manifestSource, sandbox, { timeout: 1_000 });
  const manifests = clientManifestSchema.parse(sandbox.__RSC_MANIFEST ?? {});
  const entry = manifests[route];
  if (!entry) {
    throw new Error(
      `client reference manifest has no entry "${route}" (has ${Object.keys(manifests).join(", ")})`,
    );
  }
  return [...new Set(Object.values(entry.entryJSFiles).flat())];
}

/** One route's first-load JavaScript. */
export interface RouteSize {
  route: string;
  files: number;
  rawBytes: number;
  gzipBytes: number;
}

/**
 * First-load JS of every app page (route handlers excluded) from a Next build folder: the root main files every page
 * loads plus the route's entry chunks, each file counted once. Polyfills are left out (modern browsers skip them).
 */
export async function buildSizes(nextDir: string): Promise<RouteSize[]> {
  const build = buildManifestSchema.parse(
    JSON.parse(await readFile(join(nextDir, "build-manifest.json"), "utf8")),
  );
  const routes = routesManifestSchema.parse(
    JSON.parse(await readFile(join(nextDir, "app-path-routes-manifest.json"), "utf8")),
  );
  const sizeCache = new Map<string, { raw: number; gz: number }>();
  const sizeOf = async (file: string) => {
    const rel = file.replace(/^\/?_next\//, "");
    let size = sizeCache.get(rel);
    if (!size) {
      const content = await readFile(join(nextDir, rel));
      size = { raw: content.length, gz: gzipSize(content) };
      sizeCache.set(rel, size);
    }
    return size;
  };
  const result: RouteSize[] = [];
  for (const [entry, route] of Object.entries(routes).sort(([, a], [, b]) => a.localeCompare(b))) {
    if (!entry.endsWith("/page") || route.startsWith("/_")) continue;
    const manifest = await readFile(
      join(nextDir, "server", "app", `${entry}_client-reference-manifest.js`),
      "utf8",
    );
    const files = new Set(
      [...build.rootMainFiles, ...entryChunksOf(manifest, entry)].map((f) => f.replace(/^\//, "")),
    );
    let rawBytes = 0;
    let gzipBytes = 0;
    for (const file of files) {
      const size = await sizeOf(file);
      rawBytes += size.raw;
      gzipBytes += size.gz;
    }
    result.push({ route, files: files.size, rawBytes, gzipBytes });
  }
  return result;
}

// ─── in the browser ───

export interface LabMetrics {
  /** Navigation start to the end of the load event (shows the throttling took effect). */
  loadMs: number;
  fcpMs: number;
  lcpMs: number;
  cls: number;
  tbtMs: number;
}

/** Collects paint, layout-shift and long-task entries from the start of the page (installed as an init script). */
const OBSERVER_SCRIPT = `(() => {
  const m = { fcp: 0, lcp: 0, cls: 0, longTasks: [] };
  window.__eaiLab = m;
  const observe = (type, fn) => { try { new PerformanceObserver((l) => l.getEntries().forEach(fn)).observe({ type, buffered: true }); } catch {} };
  observe("paint", (e) => { if (e.name === "first-contentful-paint") m.fcp = e.startTime; });
  observe("largest-contentful-paint", (e) => { m.lcp = e.startTime; });
  observe("layout-shift", (e) => { if (!e.hadRecentInput) m.cls += e.value; });
  observe("longtask", (e) => { m.longTasks.push([e.startTime, e.duration]); });
})();`;

const labSchema = z.object({
  fcp: z.number(),
  lcp: z.number(),
  cls: z.number(),
  longTasks: z.array(z.tuple([z.number(), z.number()])),
});

/** Total blocking time as Lighthouse defines it: Σ (long task − 50 ms) after the first contentful paint. */
export function totalBlockingTime(fcpMs: number, longTasks: readonly (readonly [number, number])[]): number {
  let tbt = 0;
  for (const [start, duration] of longTasks) {
    if (start + duration <= fcpMs) continue;
    // Only the part of a task after FCP counts (Lighthouse clips tasks that straddle it).
    const counted = start < fcpMs ? duration - (fcpMs - start) : duration;
    tbt += Math.max(0, counted - 50);
  }
  return tbt;
}

interface BrowserRoute {
  route: string;
  /** HTTP status of the page itself (a 404 means the route does not exist in this build). */
  status: number;
  scripts: number;
  gzipBytes: number;
  /** The scripts the HTML document names (`<script src>` and preloads): what the first paint waits for. */
  initialScripts: number;
  initialGzipBytes: number;
  problems: string[];
}

/** Loads `route` cold in a fresh page and sums the gzipped size of every script it fetched. */
async function measureRoute(context: BrowserContext, baseUrl: string, route: string): Promise<BrowserRoute> {
  const page = await context.newPage();
  const bodies: Promise<{ path: string; gz: number }>[] = [];
  page.on("response", (res) => {
    if (res.request().resourceType() !== "script" || !res.ok()) return;
    const path = new URL(res.url()).pathname;
    bodies.push(
      res.body().then(
        (b) => ({ path, gz: gzipSize(b) }),
        () => ({ path, gz: 0 }),
      ),
    );
  });
  const response = await page.goto(`${baseUrl}${route}`, { waitUntil: "load" });
  const html = (await response?.text().catch(() => "")) ?? "";
  await page.waitForLoadState("networkidle", { timeout: 15_000 }).catch(() => undefined);
  const sizes = await Promise.all(bodies);
  const initial = sizes.filter((s) => html.includes(s.path));
  const problems = await pageProblems(page);
  await page.close();
  return {
    route,
    status: response?.status() ?? 0,
    scripts: sizes.length,
    gzipBytes: sizes.reduce((a, b) => a + b.gz, 0),
    initialScripts: initial.length,
    initialGzipBytes: initial.reduce((a, b) => a + b.gz, 0),
    problems,
  };
}

/** One cold load of `route` with Lighthouse-like mobile throttling; returns the lab metrics. */
async function labRun(context: BrowserContext, baseUrl: string, route: string): Promise<LabMetrics> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6 * 1024 * 1024) / 8,
    uploadThroughput: (750 * 1024) / 8,
  });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await page.addInitScript({ content: OBSERVER_SCRIPT });
  await page.goto(`${baseUrl}${route}`, { waitUntil: "load", timeout: 60_000 });
  await page.waitForLoadState("networkidle", { timeout: 20_000 }).catch(() => undefined);
  // LCP is final once the user interacts; without input, read it after the page has settled.
  const lab = labSchema.parse(await page.evaluate("window.__eaiLab"));
  const loadMs = z
    .number()
    .parse(await page.evaluate('performance.getEntriesByType("navigation")[0]?.loadEventEnd ?? 0'));
  await page.close();
  return {
    loadMs,
    fcpMs: lab.fcp,
    lcpMs: lab.lcp,
    cls: lab.cls,
    tbtMs: totalBlockingTime(lab.fcp, lab.longTasks),
  };
}

// ─── the budget ───

/** A route's first-load JS against {@link ROUTE_BUDGET_BYTES}. */
export interface RouteBudget {
  route: string;
  buildGzipBytes: number;
  /** What the document named in Chromium (a dynamic segment measured with its sample value). */
  browserGzipBytes?: number;
  worstGzipBytes: number;
  met: boolean;
}

/** The browser route that measured a build route: "/tasks/[id]" ↔ "/tasks/1". */
function matchesRoute(buildRoute: string, browserRoute: string): boolean {
  const pattern = new RegExp(`^${buildRoute.replace(/\[[^\]]+\]/g, "[^/]+")}$`);
  return pattern.test(browserRoute);
}

/** Every build route against the budget, with the Chromium first load where it was measured. */
export function routeBudget(
  fromBuild: readonly RouteSize[],
  inBrowser: readonly Pick<BrowserRoute, "route" | "status" | "initialGzipBytes">[],
): { met: boolean; routes: RouteBudget[] } {
  const staticRoutes = new Set(fromBuild.map((b) => b.route));
  const routes = fromBuild.map((b) => {
    // "/tasks/all" is its own route, not a sample of "/tasks/[id]".
    const browser =
      inBrowser.find((r) => r.status === 200 && r.route === b.route) ??
      inBrowser.find((r) => r.status === 200 && !staticRoutes.has(r.route) && matchesRoute(b.route, r.route));
    const worst = Math.max(b.gzipBytes, browser?.initialGzipBytes ?? 0);
    return {
      route: b.route,
      buildGzipBytes: b.gzipBytes,
      ...(browser ? { browserGzipBytes: browser.initialGzipBytes } : {}),
      worstGzipBytes: worst,
      met: worst <= ROUTE_BUDGET_BYTES,
    };
  });
  return { met: routes.every((r) => r.met), routes };
}

// ─── serving the build ───

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** `next start` on a free port with a synthetic deployment; RPC and indexer point at a closed port. */
async function serveBuild(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "eai-bench-web-"));
  const contract = { address: SAMPLE_ADDRESS, startBlock: 0 };
  await mkdir(join(dir, "deployments"));
  await writeFile(
    join(dir, "deployments", "31337.json"),
    JSON.stringify({
      chainId: 31337,
      deployedAt: new Date().toISOString(),
      deployer: SAMPLE_ADDRESS,
      contracts: Object.fromEntries(PROTOCOL_CONTRACTS.map((n) => [n, contract])),
    }),
  );
  const port = await freePort();
  const closed = `http://127.0.0.1:${await freePort()}`;
  const child = spawn("npx", ["next", "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: join(ROOT, "web"),
    detached: true,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      EAI_CHAIN_ID: "31337",
      EAI_RPC_URL: closed,
      EAI_INDEXER_URL: closed,
      EAI_BLOB_STORE_URL: closed,
      EAI_DEPLOYMENTS_DIR: join(dir, "deployments"),
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // gone
      }
      await new Promise((r) => child.once("exit", r));
    }
    await rm(dir, { recursive: true, force: true });
  };
  const start = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode})`);
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() - start > 60_000) {
      await stop();
      throw new Error("next start did not answer within 60 s");
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, stop };
}

// ─── main ───

const kB = (bytes: number) => Number((bytes / 1000).toFixed(1));

async function main(): Promise<void> {
  const args = parseArgs({
    options: {
      url: { type: "string" },
      runs: { type: "string", default: "3" },
      "no-browser": { type: "boolean", default: false },
      label: { type: "string" },
    },
  });
  const runs = z.coerce.number().int().min(1).max(20).parse(args.values.runs);
  const label =
    args.values.label === undefined
      ? ""
      : `-${z
          .string()
          .regex(/^[a-z0-9-]{1,40}$/, "--label: a-z, 0-9 and -")
          .parse(args.values.label)}`;
  const baseUrl =
    args.values.url === undefined ? undefined : z.url({ protocol: /^https?$/ }).parse(args.values.url);
  try {
    await readFile(join(NEXT_DIR, "BUILD_ID"));
  } catch {
    throw new Error("no production build in web/.next: run npm run build:web first");
  }

  const fromBuild = await buildSizes(NEXT_DIR);
  console.log("\nFirst-load JS per route, from the build output (gzip -9; kB = 1000 bytes)");
  console.table(
    Object.fromEntries(
      fromBuild.map((r) => [r.route, { files: r.files, "raw kB": kB(r.rawBytes), "gz kB": kB(r.gzipBytes) }]),
    ),
  );

  const inBrowser: BrowserRoute[] = [];
  let lab: { runs: number; samples: LabMetrics[]; median: LabMetrics } | undefined;
  if (!args.values["no-browser"]) {
    const server = baseUrl ? undefined : await serveBuild();
    const url = baseUrl ?? server!.url;
    try {
      for (const route of BROWSER_ROUTES) {
        // A fresh profile per route: nothing cached from the previous one.
        const browser = await launchBrowser({ width: 1280, height: 900 });
        try {
          inBrowser.push(await measureRoute(browser.context, url, route));
        } finally {
          await browser.close();
        }
      }
      console.log(`\nFirst-load JS per route, fetched by Chromium from ${url} (gzip -9 of each script)`);
      console.table(
        Object.fromEntries(
          inBrowser.map((r) => [
            r.route,
            {
              status: r.status,
              "first-load scripts": r.initialScripts,
              "first-load gz kB": kB(r.initialGzipBytes),
              "all scripts": r.scripts,
              "all gz kB (until idle)": kB(r.gzipBytes),
              "a11y problems": r.problems.length,
            },
          ]),
        ),
      );
      for (const r of inBrowser) for (const p of r.problems) console.log(`  ${r.route}: ${p}`);

      const samples: LabMetrics[] = [];
      for (let i = 0; i < runs; i++) {
        const browser = await launchBrowser({ width: 390, height: 844 });
        try {
          samples.push(await labRun(browser.context, url, "/"));
        } finally {
          await browser.close();
        }
      }
      const pick = (k: keyof LabMetrics) => median(samples.map((s) => s[k]));
      lab = {
        runs,
        samples,
        median: {
          loadMs: pick("loadMs"),
          fcpMs: pick("fcpMs"),
          lcpMs: pick("lcpMs"),
          cls: pick("cls"),
          tbtMs: pick("tbtMs"),
        },
      };
      console.log(
        `\nOverview lab metrics (median of ${runs} cold loads; 390 px, 4× CPU, 150 ms RTT, 1.6 Mbps; not Lighthouse)`,
      );
      console.table({
        "load event ms": { value: Math.round(lab.median.loadMs) },
        "FCP ms": { value: Math.round(lab.median.fcpMs) },
        "LCP ms": { value: Math.round(lab.median.lcpMs) },
        CLS: { value: Number(lab.median.cls.toFixed(3)) },
        "TBT ms": { value: Math.round(lab.median.tbtMs) },
      });
    } finally {
      await server?.stop();
    }
  }

  const budget = routeBudget(fromBuild, inBrowser);
  console.log(`\nFirst-load JS budget: ${kB(ROUTE_BUDGET_BYTES)} kB gz on every route`);
  console.table(
    Object.fromEntries(
      budget.routes.map((r) => [
        r.route,
        {
          "build gz kB": kB(r.buildGzipBytes),
          "Chromium first-load gz kB": r.browserGzipBytes === undefined ? "—" : kB(r.browserGzipBytes),
          "headroom kB": kB(ROUTE_BUDGET_BYTES - r.worstGzipBytes),
          verdict: r.met ? "met" : "OVER",
        },
      ]),
    ),
  );
  console.log(
    budget.met
      ? "Every route is within the first-load budget."
      : `Over the budget: ${budget.routes
          .filter((r) => !r.met)
          .map((r) => r.route)
          .join(", ")}`,
  );

  const overviewBuild = fromBuild.find((r) => r.route === "/")?.gzipBytes;
  const overviewBrowser = inBrowser.find((r) => r.route === "/")?.gzipBytes;
  const overview = overviewBrowser ?? overviewBuild;
  const verdict =
    overview === undefined
      ? "overview not measured"
      : `${kB(overview)} kB gz ${overview <= OVERVIEW_TARGET_BYTES ? "≤" : ">"} ${kB(OVERVIEW_TARGET_BYTES)} kB target: ${overview <= OVERVIEW_TARGET_BYTES ? "met" : "MISSED"}`;
  console.log(`\nOverview first-load JS: ${verdict}`);

  let buildId = "";
  try {
    buildId = (await readFile(join(NEXT_DIR, "BUILD_ID"), "utf8")).trim();
  } catch {
    // checked above
  }
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? "unknown",
      node: process.version,
      loadAverage1m: loadavg()[0],
    },
    buildId,
    source: baseUrl ?? "next start with a synthetic deployment (no chain or indexer behind it)",
    gzipLevel: 9,
    unit: "bytes (kB in the tables = 1000 bytes)",
    firstLoadJs: {
      fromBuild,
      inBrowser: inBrowser.map(({ route, status, scripts, gzipBytes, initialScripts, initialGzipBytes }) => ({
        route,
        status,
        scripts,
        gzipBytes,
        initialScripts,
        initialGzipBytes,
      })),
    },
    budget: { bytesPerRoute: ROUTE_BUDGET_BYTES, ...budget },
    overview: {
      gzipBytes: overview,
      fromBuildGzipBytes: overviewBuild,
      targetBytes: OVERVIEW_TARGET_BYTES,
      met: overview !== undefined && overview <= OVERVIEW_TARGET_BYTES,
    },
    lab: lab && {
      note: "headless Chromium, PerformanceObserver; CDP throttling like Lighthouse's mobile preset; not a Lighthouse score",
      ...lab,
    },
    accessibility: Object.fromEntries(inBrowser.map((r) => [r.route, r.problems])),
    lighthouse: "not measured: the lighthouse package is not installed",
  };
  const dir = join(ROOT, "bench", "results");
  await mkdir(dir, { recursive: true });
  const file = join(dir, `web-${result.date.slice(0, 10)}${label}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    console.error(`bench:web failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
