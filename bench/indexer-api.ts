/**
 * Indexer API under load: requests/s and latency of what the dApp reads, at growing history sizes, on PGlite and
 * PostgreSQL (local Hardhat node and PostgreSQL cluster, 127.0.0.1, ports 8600–8649 / 42100–42149).
 *
 *   node bench/indexer-api.ts [--sizes 1000,10000,100000] [--clients 1,4,16] [--seconds 6]
 *                             [--databases pglite,postgres] [--queries stats,recentTasks,leaderboard,myTasks]
 *
 * 1. History: a real deployment and set-up, then synthetic task life cycles (indexer/test/history.ts: the logs the
 *    contracts emit, from a log emitter at the contracts' addresses; ~9.5 logs per task, 100 tasks per block, 30
 *    days per size step). Each size adds to the same chain.
 * 2. Per size and database: a fresh indexer backfills the whole chain (time and peak RSS of the indexer process;
 *    PostgreSQL's own memory is not in it), its /stats must show exactly the generated tasks, then each query is
 *    sent by 1, 4 and 16 concurrent keep-alive clients for `--seconds` (after a 1 s warm-up), with the API's answer
 *    cache off (every request reads the database). At the largest size the same database is served again with the
 *    cache on (the default: answers reused while the indexed block is unchanged).
 * Queries: `stats` = GET /stats?days=30 and `recentTasks` = the overview's GraphQL query (the two the overview
 * polls), `leaderboard` = GET /leaderboard (the providers page), `myTasks` = "My tasks" (GraphQL, filtered by
 * requester, with totalCount) for the requester of every task (its worst case).
 * Prints a table and writes bench/results/indexer-api-<date>.json (keeping that day's runs of other sizes, so
 * the 100k point can be run on its own: `--sizes 100000`). Target (issue #12): ≥ 200 requests/s and p95 ≤
 * 100 ms at 100k tasks on PostgreSQL.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";

import { setupProtocol } from "../test/integration/fixture.ts";
import { startChain, startIndexer, tempDir, writeDeployment, type Indexer } from "../indexer/test/harness.ts";
import { installEmitters } from "../indexer/test/history.ts";
import { startPostgres, type Postgres } from "../indexer/test/postgres.ts";
import { connect } from "../indexer/test/scenario.ts";
import { percentile } from "./stats.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const QUERY_NAMES = ["stats", "recentTasks", "leaderboard", "myTasks"] as const;
type QueryName = (typeof QUERY_NAMES)[number];

const list = <T extends z.ZodType>(item: T) =>
  z.string().transform((s, ctx) => {
    const parsed = z.array(item).safeParse(s.split(",").map((x) => x.trim()));
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: parsed.error.issues[0]?.message ?? "bad list" });
      return z.NEVER;
    }
    return parsed.data as z.infer<T>[];
  });
const args = parseArgs({
  options: {
    sizes: { type: "string", default: "1000,10000,100000" },
    clients: { type: "string", default: "1,4,16" },
    seconds: { type: "string", default: "6" },
    databases: { type: "string", default: "pglite,postgres" },
    queries: { type: "string", default: QUERY_NAMES.join(",") },
  },
});
const options = z
  .object({
    sizes: list(z.coerce.number().int().min(100).max(1_000_000)),
    clients: list(z.coerce.number().int().min(1).max(256)),
    seconds: z.coerce.number().min(1).max(600),
    databases: list(z.enum(["pglite", "postgres"])),
    queries: list(z.enum(QUERY_NAMES)),
  })
  .parse(args.values);
options.sizes.sort((a, b) => a - b);

const TARGET = { requestsPerSecond: 200, p95Ms: 100, tasks: 100_000, database: "postgres" } as const;

/** The overview's and "My tasks"' GraphQL queries, as web/src/lib/indexer-views.ts sends them. */
const VIEWS = await readFile(join(ROOT, "web/src/lib/indexer-views.ts"), "utf8");
function webQuery(name: string): string {
  const m = new RegExp(`export const ${name} = \`([\\s\\S]*?)\`;`).exec(VIEWS);
  if (!m?.[1]) throw new Error(`${name} not found in web/src/lib/indexer-views.ts`);
  return m[1].replaceAll(
    "${TASK_ROW_FIELDS}",
    "id requester modelId mode status reward paymentToken createdAt settledAt",
  );
}

const stops: (() => Promise<unknown>)[] = [];
async function cleanup() {
  for (const stop of stops.reverse()) await stop().catch(() => {});
}
process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));

interface Point {
  query: QueryName;
  /** off: every request read the database; on: the API's per-block answer cache */
  cache: "on" | "off";
  clients: number;
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
}

interface Run {
  database: "pglite" | "postgres";
  tasks: number;
  backfillSeconds: number;
  peakRssMiB: number | null;
  loadAverage1m: number[];
  points: Point[];
  /** How the figures were obtained when not written by the run itself. */
  note?: string;
}

/** `clients` loops sending `request` for `seconds` (after a 1 s warm-up); latencies of the measured window. */
async function load(request: () => Promise<Response>, clients: number, seconds: number) {
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let stop = false;
  const loops = Array.from({ length: clients }, async () => {
    while (!stop) {
      const start = performance.now();
      let ok = false;
      try {
        const res = await request();
        await res.arrayBuffer();
        ok = res.status === 200;
      } catch {
        ok = false;
      }
      if (measuring) {
        latencies.push(performance.now() - start);
        if (!ok) errors++;
      }
    }
  });
  await new Promise((r) => setTimeout(r, 1000));
  measuring = true;
  const begin = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - begin) / 1000;
  stop = true;
  await Promise.all(loops);
  return { latencies, errors, elapsed };
}

function peakRssMiB(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return Promise.resolve(null);
  return readFile(`/proc/${pid}/status`, "utf8")
    .then((s) => {
      const m = /VmHWM:\s+(\d+) kB/.exec(s);
      return m ? Math.round(Number(m[1]) / 1024) : null;
    })
    .catch(() => null);
}

async function main() {
  const date = new Date().toISOString();
  const out = join(ROOT, "bench/results", `indexer-api-${date.slice(0, 10)}.json`);
  // Runs of the same day measured by an earlier invocation (say, the 100k point run on its own) are kept.
  const earlier = await readFile(out, "utf8")
    .then((t) => (JSON.parse(t) as { runs?: Run[] }).runs ?? [])
    .catch((): Run[] => []);
  const load1 = () => Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const loadStart = load1();
  const chain = await startChain();
  stops.push(() => chain.stop());
  const p = await setupProtocol(await connect(chain.url));
  const dir = await tempDir("eai-bench-indexer-api-");
  stops.push(dir.remove);
  const deploymentsDir = join(dir.path, "deployments");
  await writeDeployment(deploymentsDir, p.deployment);
  let pg: Postgres | undefined;
  if (options.databases.includes("postgres")) {
    pg = await startPostgres();
    stops.push(() => pg!.stop());
  }

  const writer = await (await installEmitters(p, chain)).init({ providers: 20 });
  const requester = p.wallets.requester.account.address.toLowerCase();
  const recentTasks = JSON.stringify({ query: webQuery("RECENT_TASKS_QUERY"), variables: { limit: 10 } });
  const myTasks = JSON.stringify({ query: webQuery("MY_TASKS_QUERY"), variables: { requester, limit: 100 } });
  const requests: Record<QueryName, (url: string) => Promise<Response>> = {
    stats: (url) => fetch(`${url}/stats?days=30`),
    recentTasks: (url) =>
      fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: recentTasks,
      }),
    leaderboard: (url) => fetch(`${url}/leaderboard?sort=tier&order=desc&limit=100`),
    myTasks: (url) =>
      fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: myTasks,
      }),
  };

  const seeding: { tasks: number; logs: number; seconds: number }[] = [];
  const runs: Run[] = [];

  for (const size of options.sizes) {
    const seedStart = performance.now();
    const add = size - writer.expected.tasks;
    if (add > 0) await writer.tasks(add, 30);
    await writer.finalize(); // past ponder's 30-block finality: everything is backfilled
    const head = await chain.blockNumber();
    seeding.push({
      tasks: writer.expected.tasks,
      logs: writer.expected.logs,
      seconds: (performance.now() - seedStart) / 1000,
    });
    console.log(
      `history: ${writer.expected.tasks} tasks, ${writer.expected.logs} generated logs, head ${head}`,
    );

    for (const database of options.databases) {
      const runLoadStart = load1();
      const syncStart = performance.now();
      const schemaName = `bench_api_${size}`;
      const indexerOptions = {
        readyTimeoutMs: 3_600_000,
        rpcUrl: chain.url,
        deploymentsDir,
        schema: schemaName,
        ...(database === "postgres"
          ? { databaseUrl: pg!.url }
          : { pgliteDir: join(dir.path, `pglite-${size}`) }),
      };
      // Uncached first: what each request costs the database.
      let idx: Indexer = await startIndexer({ ...indexerOptions, env: { EAI_API_CACHE_MS: "0" } });
      stops.push(() => idx.stop());
      await idx.waitForBlock(head, 3_600_000);
      const backfillSeconds = (performance.now() - syncStart) / 1000;
      const peak = await peakRssMiB(idx.proc.child.pid);
      const check = (await (await fetch(`${idx.url}/stats`)).json()) as { tasks: { total: number } };
      if (check.tasks.total !== writer.expected.tasks)
        throw new Error(
          `${database}: /stats shows ${check.tasks.total} tasks, the history has ${writer.expected.tasks}`,
        );
      console.log(`${database} ${size}: backfill ${backfillSeconds.toFixed(1)} s, peak RSS ${peak} MiB`);
      const points = await series(idx.url, "off");
      await idx.stop();
      // At the largest size, the same database again with the API's default cache (answers reused per block).
      if (size === options.sizes[options.sizes.length - 1]) {
        idx = await startIndexer(indexerOptions);
        stops.push(() => idx.stop());
        await idx.waitForBlock(head, 600_000);
        points.push(...(await series(idx.url, "on")));
        await idx.stop();
      }
      runs.push({
        database,
        tasks: size,
        backfillSeconds,
        peakRssMiB: peak,
        loadAverage1m: [runLoadStart, load1()],
        points,
      });
      await save(); // partial results survive a failure of a later point
    }
  }

  async function series(url: string, cache: "on" | "off"): Promise<Point[]> {
    const points: Point[] = [];
    for (const query of options.queries) {
      for (const clients of options.clients) {
        const r = await load(() => requests[query](url), clients, options.seconds);
        const point: Point = {
          query,
          cache,
          clients,
          requests: r.latencies.length,
          seconds: r.elapsed,
          requestsPerSecond: r.latencies.length / r.elapsed,
          p50Ms: percentile(r.latencies, 50),
          p95Ms: percentile(r.latencies, 95),
          p99Ms: percentile(r.latencies, 99),
          maxMs: Math.max(...r.latencies),
          errors: r.errors,
        };
        points.push(point);
        console.log(
          `  ${query.padEnd(12)} cache ${cache.padEnd(3)} ${String(clients).padStart(2)} clients ` +
            `${point.requestsPerSecond.toFixed(1).padStart(7)} req/s  p50 ${point.p50Ms.toFixed(1)}  ` +
            `p95 ${point.p95Ms.toFixed(1)}  max ${point.maxMs.toFixed(0)} ms` +
            (point.errors ? `  ${point.errors} errors` : ""),
        );
      }
    }
    return points;
  }

  async function save() {
    const measured = new Set(runs.map((r) => `${r.database} ${r.tasks}`));
    const kept = earlier.filter((r) => !measured.has(`${r.database} ${r.tasks}`));
    runs.splice(0, 0, ...kept.filter((r) => !runs.includes(r)));
    runs.sort((a, b) => a.tasks - b.tasks || a.database.localeCompare(b.database));
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result(), null, 2)}\n`);
  }

  function target(cache: "on" | "off") {
    const run = runs.find((r) => r.database === TARGET.database && r.tasks === TARGET.tasks);
    if (!run) return null;
    return Object.fromEntries(
      (["stats", "recentTasks"] as const).flatMap((q) => {
        const best = run.points
          .filter((pt) => pt.query === q && pt.cache === cache)
          .sort((a, b) => b.requestsPerSecond - a.requestsPerSecond)[0];
        if (!best) return [];
        return [
          [
            q,
            {
              clients: best.clients,
              requestsPerSecond: Math.round(best.requestsPerSecond),
              p95Ms: Math.round(best.p95Ms * 10) / 10,
              met: best.requestsPerSecond >= TARGET.requestsPerSecond && best.p95Ms <= TARGET.p95Ms,
            },
          ],
        ];
      }),
    );
  }

  function result() {
    return {
      date,
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model ?? "unknown",
        node: process.version,
        loadAverage1m: [loadStart, load1()],
      },
      method: {
        history:
          "synthetic protocol logs from a log emitter at the contracts' addresses (indexer/test/history.ts)",
        secondsPerPoint: options.seconds,
        warmupSeconds: 1,
        client: "in-process fetch loops, keep-alive, on the same machine as the indexer and the database",
        cache:
          "off: EAI_API_CACHE_MS=0 (every request reads the database); on: the default (answers reused while " +
          "the indexed block is unchanged, ≤ 1 s), measured at the largest size only",
      },
      seeding,
      runs,
      target: { ...TARGET, uncached: target("off"), cached: target("on") },
    };
  }

  const final = result();
  console.log("\nEAI indexer API benchmark (req/s · p95 ms)\n");
  console.log(
    ["database", "tasks", "query", "cache", ...options.clients.map((c) => `${c} client${c > 1 ? "s" : ""}`)]
      .map((h, i) => (i < 4 ? h.padEnd([9, 7, 12, 5][i] ?? 9) : h.padStart(16)))
      .join(" "),
  );
  for (const run of runs)
    for (const cache of ["off", "on"] as const)
      for (const query of options.queries) {
        const cells = options.clients.map((c) => {
          const pt = run.points.find((x) => x.query === query && x.clients === c && x.cache === cache);
          return (pt ? `${pt.requestsPerSecond.toFixed(0)} · ${pt.p95Ms.toFixed(1)}` : "").padStart(16);
        });
        if (cells.every((x) => x.trim() === "")) continue;
        console.log(
          `${run.database.padEnd(9)} ${String(run.tasks).padEnd(7)} ${query.padEnd(12)} ${cache.padEnd(5)} ${cells.join(" ")}`,
        );
      }
  for (const run of runs)
    console.log(
      `backfill ${run.database} ${run.tasks} tasks: ${run.backfillSeconds.toFixed(1)} s, peak RSS ${run.peakRssMiB} MiB`,
    );
  for (const [label, t] of [
    ["uncached", final.target.uncached],
    ["cached", final.target.cached],
  ] as const)
    for (const [q, v] of Object.entries(t ?? {}))
      console.log(
        `target ${q} (${label}) at 100k tasks on PostgreSQL (≥ ${TARGET.requestsPerSecond} req/s, p95 ≤ ${TARGET.p95Ms} ms): ` +
          `${v.requestsPerSecond} req/s, p95 ${v.p95Ms} ms with ${v.clients} clients → ${v.met ? "met" : "NOT met"}`,
      );
  console.log(`load average (1 min): ${final.machine.loadAverage1m.join(" → ")}`);
  await save();
  console.log(`\nwrote ${out}`);
}

try {
  await main();
} finally {
  await cleanup();
}
process.exit(0);
