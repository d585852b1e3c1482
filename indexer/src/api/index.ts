/**
 * HTTP API of the EAI indexer:
 *   /graphql (and /)   GraphQL over every table (ponder's graphql middleware), each request checked first
 *                      (graphql-guard.ts: size, tokens, depth, aliases, page sizes, estimated cost; heavy ones queue)
 *   /sql/db            SQL over HTTP for @ponder/client: off unless EAI_SQL_API_KEY is set (PostgreSQL only; sql.ts)
 *   /stats             network totals and daily statistics in one call (rows the handlers keep, O(1) in the tasks)
 *   /leaderboard       providers ranked by tier, trust, availability, completed tasks, earnings or stake
 *   /providers/:address  a provider's profile, standing, balances and history
 *   /tasks/:id         a task with its full timeline, claims and payments
 *   /proposals, /proposals/:id  governance proposals with their current state and votes
 *   /optimistic/tasks, /optimistic/tasks/:id  OPTIMISTIC tasks; one with its timeline, challenge window, audit, disputes
 *   /disputes, /disputes/:id  disputes of OPTIMISTIC results; one with its jury rounds, seats (votes) and credits
 *   /providers/:address/audits  a provider's audits, as auditor and as audited provider, with counts
 * Amounts are decimal strings (uint256 does not fit a JSON number). Limits and settings: docs/INDEXER.md.
 */
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono, type Context } from "hono";
import { and, asc, desc, eq, graphql, lte, replaceBigInts, sql } from "ponder";
import { z } from "zod";

import { EMPTY_NETWORK, NETWORK_ID } from "../figures.ts";
import { AnswerCache, type CachedAnswer } from "./cache.ts";
import {
  Gate,
  GateFullError,
  keyMatches,
  limitStatements,
  presentedKey,
  type StatementPool,
} from "./access.ts";
import { buildCatalog } from "./catalog.ts";
import {
  PROPOSAL_STATES,
  proposalStateAt,
  standingAt,
  type ReputationParams,
  type StoredProposal,
} from "./derive.ts";
import { INTROSPECTION_MAX_DEPTH, MAX_BODY_BYTES, inspectGraphqlRequest } from "./graphql-guard.ts";
import { parseApiSettings } from "./settings.ts";
import { loadPonderValidator, runSql, type QueryPool } from "./sql.ts";

const settings = parseApiSettings(process.env);
const app = new Hono();

// ─── answers cached per indexed block (cache.ts) ───

const cache = new AnswerCache({ ttlMs: settings.cacheMs });

function headersOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    if (key !== "content-length") out[key] = value;
  });
  return out;
}

function replay(answer: CachedAnswer): Response {
  return new Response(answer.body, {
    status: answer.status,
    headers: answer.headers,
  });
}

/**
 * GET routes of the REST API: the same URL at the same indexed block has the same answer. One middleware, matched
 * by path here: hono's `/proposals/*` also matches `/proposals`, and a second cache layer around the same request
 * would wait for its own answer (the entry in flight) forever.
 */
const CACHED_REST =
  /^\/(stats|leaderboard|proposals|proposals\/[^/]+|providers\/[^/]+|providers\/[^/]+\/audits|tasks\/[^/]+|optimistic\/tasks|optimistic\/tasks\/[^/]+|disputes|disputes\/[^/]+)$/;
app.use("*", async (c, next) => {
  if (c.req.method !== "GET") return next();
  const url = new URL(c.req.url);
  if (!CACHED_REST.test(url.pathname)) return next();
  const answer = await cache.get(`${url.pathname}${url.search}`, await cacheCheckpoint(), async () => {
    await next();
    return { status: c.res.status, body: await c.res.text(), headers: headersOf(c.res) };
  });
  // After `next()` the context holds the route's (now read) answer and ignores a returned one: replace it.
  c.res = replay(answer);
  return c.res;
});

// ─── PostgreSQL: every statement of the API is cut after the configured timeout ───

const pool =
  settings.database === "postgres"
    ? (db as unknown as { $client?: StatementPool & QueryPool }).$client
    : undefined;
if (settings.database === "postgres") {
  if (!pool || typeof pool.on !== "function" || typeof pool.options !== "object")
    throw new Error("the API's database client is not a pg pool: cannot set statement_timeout");
  limitStatements(pool, settings.statementTimeoutMs, (error) =>
    console.error(`indexer API: SET statement_timeout failed: ${(error as Error).message}`),
  );
}

// ─── SQL over HTTP: off unless a key is set (and never on PGlite: parseApiSettings refuses) ───

const sqlKey = settings.sqlKey;
const validateSql = sqlKey === undefined ? undefined : await loadPonderValidator();
app.use("/sql/*", async (c, next) => {
  if (sqlKey === undefined)
    return c.json(
      {
        error:
          "SQL over HTTP is off on this indexer: use GraphQL (/graphql) or the REST routes. " +
          "Operators enable it on PostgreSQL with EAI_SQL_API_KEY.",
      },
      404,
    );
  if (!keyMatches(presentedKey(c.req.header("authorization"), c.req.query("key")), sqlKey))
    return c.json(
      { error: "SQL over HTTP needs the indexer's key: send Authorization: Bearer <key> (or ?key=<key>)" },
      401,
      { "WWW-Authenticate": 'Bearer realm="eai-indexer-sql"' },
    );
  await next();
});
app.get("/sql/db", async (c) => {
  if (!validateSql || !pool) return c.json({ error: "SQL over HTTP is off on this indexer" }, 404);
  const answer = await runSql(c.req.query("sql"), validateSql, pool, settings.statementTimeoutMs);
  return c.json(answer.body as object, answer.status);
});
app.get("/sql/live", (c) =>
  c.json(
    {
      error:
        "live SQL queries are not served (each re-runs on every indexed block): poll /sql/db, or use GraphQL",
    },
    501,
  ),
);

// ─── GraphQL: checked before ponder runs it; heavy requests wait for one of a few slots ───

const catalog = buildCatalog(schema as unknown as Record<string, unknown>);
const heavyGate = new Gate(settings.heavyConcurrency, 8 * settings.heavyConcurrency);
const ponderGraphql = graphql(
  { db, schema },
  {
    // ponder's own checks (graphql-armor) stay on as a second line, no stricter than the guard.
    maxOperationTokens: settings.graphql.maxTokens,
    maxOperationAliases: 2 * settings.graphql.maxAliases,
    maxOperationDepth: 2 * Math.max(settings.graphql.maxDepth, INTROSPECTION_MAX_DEPTH),
    // (graphql-armor counts depth and aliases its own way: the standard introspection query is depth 21 there)
  },
);

async function guardedGraphql(c: Context, next: () => Promise<void>) {
  if (c.req.method !== "POST") return ponderGraphql(c, next); // GET: ponder's GraphiQL page
  const text = await readBounded(c.req.raw.clone(), MAX_BODY_BYTES);
  if (text === undefined)
    return graphqlError(c, 413, "BODY_TOO_LARGE", `the request body exceeds ${MAX_BODY_BYTES} bytes`);
  const verdict = inspectGraphqlRequest(c.req.header("content-type"), text, settings.graphql, catalog);
  if (!verdict.ok) return graphqlError(c, verdict.status, verdict.code, verdict.message);
  const run = async () => {
    const res = await ponderGraphql(c, next);
    if (!res) return c.res;
    // The estimate travels with the answer, so that a client can see why a query waited or was refused. (Headers go
    // into the constructor: @hono/node-server's Response snapshots them there and ignores later changes.)
    const headers = new Headers(res.headers);
    headers.set("x-eai-graphql-cost", String(verdict.cost));
    headers.set("x-eai-graphql-class", verdict.heavy ? "heavy" : "light");
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  };
  if (!verdict.heavy) {
    // Light queries are what every visitor sends: the same text at the same block has the same answer.
    const answer = await cache.get(`graphql ${text}`, await cacheCheckpoint(), async () => {
      const res = await run();
      const body = await res.text();
      // GraphQL errors come with status 200: keep only clean answers.
      return { status: res.status, body, headers: headersOf(res), keep: !body.includes('"errors"') };
    });
    return replay(answer);
  }
  try {
    return await heavyGate.run(run);
  } catch (err) {
    if (!(err instanceof GateFullError)) throw err;
    return graphqlError(
      c,
      503,
      "BUSY",
      "too many expensive GraphQL queries are waiting; retry later, or filter and sort by indexed columns",
      { "Retry-After": "1" },
    );
  }
}
app.use("/graphql", guardedGraphql);
app.use("/", guardedGraphql);

/** The body as text, or undefined when it is longer than `max` bytes (read no further than that). */
async function readBounded(request: Request, max: number): Promise<string | undefined> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > max) return undefined;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A refused GraphQL request: `errors` as GraphQL clients read them, `error` as the REST routes answer. */
function graphqlError(
  c: Context,
  status: 400 | 413 | 415 | 503,
  code: string,
  message: string,
  headers?: Record<string, string>,
) {
  return c.json({ error: message, errors: [{ message, extensions: { code } }] }, status, headers);
}

// ─── helpers ───

function send(c: Context, body: unknown, status: 200 | 404 = 200) {
  return c.json(replaceBigInts(body as Record<string, unknown>, (v) => v.toString()) as object, status);
}

/** Validates `input` or answers 400 with what was wrong and what was expected. */
function parse<T>(c: Context, what: string, zodSchema: z.ZodType<T>, input: unknown): T | Response {
  const result = zodSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    field: i.path.join(".") || what,
    message: i.message,
  }));
  return c.json({ error: `invalid ${what}`, issues }, 400);
}

const addressParam = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte hex address")
  .transform((a) => a.toLowerCase() as `0x${string}`);

const uint256Param = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/, "expected a task id: a non-negative decimal integer")
  .transform((s) => BigInt(s))
  .refine((n) => n < 2n ** 256n, "expected a value below 2^256");

/** Ponder's checkpoints (one per chain) as one string: it changes whenever a block is indexed. */
async function checkpoint(): Promise<string> {
  const result = await db.execute(sql`select latest_checkpoint from _ponder_checkpoint order by chain_id`);
  return (result.rows as { latest_checkpoint: string }[]).map((r) => r.latest_checkpoint).join(",");
}

/** The cache's key of the indexed state; not read at all when the cache is off. */
const cacheCheckpoint = (): Promise<string> => (settings.cacheMs > 0 ? checkpoint() : Promise.resolve(""));

/** The last indexed block (number and timestamp), from ponder's checkpoint table. */
async function head(): Promise<{ block: bigint; timestamp: number }> {
  const result = await db.execute(sql`select latest_checkpoint from _ponder_checkpoint`);
  const rows = result.rows as { latest_checkpoint: string }[];
  let best = { block: 0n, timestamp: 0 };
  for (const { latest_checkpoint: cp } of rows) {
    const timestamp = Number(cp.slice(0, 10));
    if (timestamp >= best.timestamp) best = { block: BigInt(cp.slice(26, 42)), timestamp };
  }
  return best;
}

async function param(key: string): Promise<Record<string, string | number | boolean>> {
  const [row] = await db.select().from(schema.protocolParam).where(eq(schema.protocolParam.key, key));
  return row?.value ?? {};
}

async function reputationParams(): Promise<ReputationParams> {
  const [p, ages] = await Promise.all([param("reputation"), param("tierAges")]);
  const n = (k: string, d: number) => Number(p[k] ?? d);
  return {
    initialScore: n("initialScore", 5000),
    halfLife: n("halfLife", 30 * 86_400),
    tier2Trust: n("tier2Trust", 7000),
    tier2Availability: n("tier2Availability", 7000),
    tier2Completed: n("tier2Completed", 10),
    tier3Trust: n("tier3Trust", 8500),
    tier3Availability: n("tier3Availability", 8500),
    tier3Completed: n("tier3Completed", 50),
    tier2MinAge: Number(ages.tier2MinAge ?? 7 * 86_400),
    tier3MinAge: Number(ages.tier3MinAge ?? 30 * 86_400),
  };
}

type ProviderRow = typeof schema.provider.$inferSelect;

function providerView(p: ProviderRow, params: ReputationParams, now: number) {
  const standing = standingAt(p, params, now);
  return {
    address: p.address,
    registered: p.registered,
    active: p.active,
    registeredAt: p.registeredAt,
    profile: {
      gpuModel: p.gpuModel,
      x25519PublicKey: p.x25519PublicKey,
      metadataUri: p.metadataUri,
      benchmarkClass: p.benchmarkClass,
      resources: {
        vramMiB: p.vramMiB,
        computeCapability: p.computeCapability,
        cpuCores: p.cpuCores,
        ramMiB: p.ramMiB,
        storageGiB: p.storageGiB,
        bandwidthMbps: p.bandwidthMbps,
        benchmarkScore: p.benchmarkScore,
        region: p.region,
      },
    },
    operatorCount: p.operatorCount,
    lastHeartbeat: p.lastHeartbeat,
    heartbeats: p.heartbeats,
    stake: {
      active: p.stake,
      locked: p.locked,
      free: p.stake - p.locked,
      unbonding: p.unbonding,
      releaseAt: p.unbondingReleaseAt,
    },
    slashed: p.slashed,
    slashCount: p.slashCount,
    /** Decayed to the indexed chain head, as Reputation's views. */
    reputation: {
      ...standing,
      completed: p.completed,
      failed: p.failed,
      violations: p.violations,
      suspendedUntil: p.suspendedUntil,
      lastUpdate: p.reputationUpdatedAt,
      recorded: { trust: p.trust, availability: p.availability, tier: p.tier },
    },
    earningsEai: p.earningsEai,
    tasksClaimed: p.tasksClaimed,
  };
}

// ─── /stats ───

const statsQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) });

app.get("/stats", async (c) => {
  const q = parse(c, "query", statsQuery, c.req.query());
  if (q instanceof Response) return q;
  // Three reads of at most `days` + 2 rows whatever the size of the history: the totals are kept by the handlers.
  const [chainHead, [network], daily, emissions] = await Promise.all([
    head(),
    db.select().from(schema.networkStat).where(eq(schema.networkStat.id, NETWORK_ID)),
    db.select().from(schema.dailyStat).orderBy(desc(schema.dailyStat.day)).limit(q.days),
    db.select().from(schema.rewardDaily).orderBy(desc(schema.rewardDaily.day)).limit(q.days),
  ]);
  const n = network ?? { ...EMPTY_NETWORK, id: NETWORK_ID };
  const byStatus = {
    Open: n.tasksOpen,
    Claimed: n.tasksClaimed,
    Completed: n.tasksCompleted,
    Cancelled: n.tasksCancelled,
    Refunded: n.tasksRefunded,
    Faulted: n.tasksFaulted,
  };
  return send(c, {
    head: chainHead,
    tasks: { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus },
    providers: { registered: n.providersRegistered, active: n.providersActive },
    stake: { active: n.stake, locked: n.locked, unbonding: n.unbonding, slashed: n.slashed },
    volumeEai: {
      submitted: n.volumeSubmitted,
      completed: n.volumeCompleted,
      providerEarnings: n.providerEarnings,
    },
    fees: n.fees,
    meanClaimToCompletionSeconds: n.latencyCount === 0 ? null : Number(n.latencySum) / n.latencyCount,
    meanSubmitToCompletionSeconds: n.settleCount === 0 ? null : Number(n.settleSum) / n.settleCount,
    models: n.models,
    proposals: n.proposals,
    token: { holders: n.holders, totalSupply: n.totalSupply },
    /** Mining-reward emissions (EAI minted by claims) per day, oldest first. */
    emissionsDaily: emissions.reverse(),
    daily: daily.reverse().map((d) => ({
      ...d,
      meanClaimToCompletionSeconds: d.latencyCount === 0 ? null : Number(d.latencySum) / d.latencyCount,
      meanSubmitToCompletionSeconds: d.settleCount === 0 ? null : Number(d.settleSum) / d.settleCount,
    })),
  });
});

// ─── /rewards ───

const rewardsQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

app.get("/rewards", async (c) => {
  const q = parse(c, "query", rewardsQuery, c.req.query());
  if (q instanceof Response) return q;
  const [chainHead, epochs, daily] = await Promise.all([
    head(),
    db.select().from(schema.rewardEpoch).orderBy(desc(schema.rewardEpoch.epoch)).limit(q.limit),
    db.select().from(schema.rewardDaily).orderBy(desc(schema.rewardDaily.day)).limit(30),
  ]);
  const final = epochs.find((e) => e.status === "finalized");
  const latest = epochs.find((e) => e.multiplierWad !== null);
  return send(c, {
    head: chainHead,
    /** The multiplier of the latest proposed root, and the network compute of the latest final one. */
    multiplierWad: latest?.multiplierWad ?? null,
    cumulativeComputeSeconds: final?.cumulativeComputeSeconds ?? 0n,
    epochs,
    emissionsDaily: daily.reverse(),
  });
});

app.get("/rewards/:address", async (c) => {
  const address = parse(c, "address", z.string().regex(/^0x[0-9a-fA-F]{40}$/), c.req.param("address"));
  if (address instanceof Response) return address;
  const claims = await db
    .select()
    .from(schema.rewardClaim)
    .where(eq(schema.rewardClaim.owner, address.toLowerCase() as `0x${string}`))
    .orderBy(desc(schema.rewardClaim.epoch))
    .limit(500);
  return send(c, { owner: address.toLowerCase(), total: claims.reduce((s, r) => s + r.amount, 0n), claims });
});

// ─── /leaderboard ───

const SORTS = ["tier", "trust", "availability", "completed", "earnings", "stake"] as const;
const leaderboardQuery = z.object({
  sort: z.enum(SORTS).default("tier"),
  order: z.enum(["desc", "asc"]).default("desc"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  active: z.enum(["true", "false"]).optional(),
});

app.get("/leaderboard", async (c) => {
  const q = parse(c, "query", leaderboardQuery, c.req.query());
  if (q instanceof Response) return q;
  const [chainHead, params] = await Promise.all([head(), reputationParams()]);
  const where =
    q.active === undefined
      ? eq(schema.provider.registered, true)
      : and(eq(schema.provider.registered, true), eq(schema.provider.active, q.active === "true"));
  const rows = await db.select().from(schema.provider).where(where);
  // Scores decay with time, so ranking happens here, on values as of the chain head.
  const views = rows.map((p) => providerView(p, params, chainHead.timestamp));
  const key = (v: (typeof views)[number]): [bigint, bigint, bigint] => {
    const r = v.reputation;
    switch (q.sort) {
      case "tier":
        return [BigInt(r.tier), BigInt(r.trust + r.availability), BigInt(r.completed)];
      case "trust":
        return [BigInt(r.trust), BigInt(r.availability), BigInt(r.completed)];
      case "availability":
        return [BigInt(r.availability), BigInt(r.trust), BigInt(r.completed)];
      case "completed":
        return [BigInt(r.completed), BigInt(r.trust), 0n];
      case "earnings":
        return [v.earningsEai, BigInt(r.completed), 0n];
      case "stake":
        return [v.stake.active, BigInt(r.trust), 0n];
    }
  };
  const sign = q.order === "desc" ? -1 : 1;
  views.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < 3; i++) {
      const x = ka[i] ?? 0n;
      const y = kb[i] ?? 0n;
      if (x !== y) return x < y ? -sign : sign;
    }
    return a.address < b.address ? -1 : 1;
  });
  const page = views.slice(q.offset, q.offset + q.limit).map((v, i) => ({ rank: q.offset + i + 1, ...v }));
  return send(c, { head: chainHead, sort: q.sort, order: q.order, total: views.length, providers: page });
});

// ─── /providers/:address ───

app.get("/providers/:address", async (c) => {
  const address = parse(c, "provider address", addressParam, c.req.param("address"));
  if (address instanceof Response) return address;
  const [row] = await db.select().from(schema.provider).where(eq(schema.provider.address, address));
  if (!row) return send(c, { error: `provider ${address} is not indexed (never staked or registered)` }, 404);
  const [chainHead, params, operators, stakeHistory, slashes, reputation, claims, credits] =
    await Promise.all([
      head(),
      reputationParams(),
      db.select().from(schema.operator).where(eq(schema.operator.provider, address)),
      db
        .select()
        .from(schema.stakeEvent)
        .where(eq(schema.stakeEvent.provider, address))
        .orderBy(desc(schema.stakeEvent.timestamp), desc(schema.stakeEvent.id))
        .limit(100),
      db
        .select()
        .from(schema.slash)
        .where(eq(schema.slash.provider, address))
        .orderBy(desc(schema.slash.timestamp))
        .limit(100),
      db
        .select()
        .from(schema.reputationEvent)
        .where(eq(schema.reputationEvent.provider, address))
        .orderBy(asc(schema.reputationEvent.timestamp), asc(schema.reputationEvent.id))
        .limit(500),
      db
        .select()
        .from(schema.taskClaim)
        .where(eq(schema.taskClaim.provider, address))
        .orderBy(desc(schema.taskClaim.claimedAt))
        .limit(100),
      db.select().from(schema.credit).where(eq(schema.credit.account, address)),
    ]);
  return send(c, {
    head: chainHead,
    ...providerView(row, params, chainHead.timestamp),
    operators,
    credits,
    stakeHistory,
    slashes,
    reputationHistory: reputation,
    recentClaims: claims,
  });
});

// ─── /tasks/:id ───

app.get("/tasks/:id", async (c) => {
  const id = parse(c, "task id", uint256Param, c.req.param("id"));
  if (id instanceof Response) return id;
  const [row] = await db.select().from(schema.task).where(eq(schema.task.id, id));
  if (!row) return send(c, { error: `task ${id} is not indexed` }, 404);
  const [timeline, claims, payments] = await Promise.all([
    db
      .select()
      .from(schema.taskEvent)
      .where(eq(schema.taskEvent.taskId, id))
      .orderBy(asc(schema.taskEvent.blockNumber), asc(schema.taskEvent.logIndex)),
    db
      .select()
      .from(schema.taskClaim)
      .where(eq(schema.taskClaim.taskId, id))
      .orderBy(asc(schema.taskClaim.claimedAt)),
    db.select().from(schema.payment).where(eq(schema.payment.taskId, id)),
  ]);
  return send(c, { ...row, timeline, claimants: claims, payments });
});

// ─── /proposals ───

async function quorumAt(timepoint: bigint): Promise<bigint> {
  const [supply] = await db
    .select()
    .from(schema.supplyCheckpoint)
    .where(lte(schema.supplyCheckpoint.timestamp, Number(timepoint)))
    .orderBy(desc(schema.supplyCheckpoint.blockNumber))
    .limit(1);
  const [numerator] = await db
    .select()
    .from(schema.adminEvent)
    .where(
      and(
        eq(schema.adminEvent.contract, "EAIGovernor"),
        eq(schema.adminEvent.event, "QuorumNumeratorUpdated"),
        lte(schema.adminEvent.timestamp, Number(timepoint)),
      ),
    )
    .orderBy(desc(schema.adminEvent.blockNumber), desc(schema.adminEvent.id))
    .limit(1);
  const n = BigInt(
    String((numerator?.args as { newQuorumNumerator?: string } | undefined)?.newQuorumNumerator ?? 0),
  );
  return ((supply?.totalSupply ?? 0n) * n) / 100n;
}

async function proposalView(p: typeof schema.proposal.$inferSelect, now: bigint) {
  const quorum = await quorumAt(p.voteStart);
  const state = proposalStateAt(p as StoredProposal, quorum, now);
  return { ...p, quorum, state, stateIndex: PROPOSAL_STATES.indexOf(state) };
}

app.get("/proposals", async (c) => {
  const chainHead = await head();
  const rows = await db.select().from(schema.proposal).orderBy(desc(schema.proposal.createdAt)).limit(200);
  const proposals = await Promise.all(rows.map((p) => proposalView(p, BigInt(chainHead.timestamp))));
  return send(c, { head: chainHead, proposals });
});

app.get("/proposals/:id", async (c) => {
  const id = parse(c, "proposal id", uint256Param, c.req.param("id"));
  if (id instanceof Response) return id;
  const [row] = await db.select().from(schema.proposal).where(eq(schema.proposal.id, id));
  if (!row) return send(c, { error: `proposal ${id} is not indexed` }, 404);
  const chainHead = await head();
  const votes = await db
    .select()
    .from(schema.vote)
    .where(eq(schema.vote.proposalId, id))
    .orderBy(asc(schema.vote.timestamp));
  return send(c, { head: chainHead, ...(await proposalView(row, BigInt(chainHead.timestamp))), votes });
});

// ─── OPTIMISTIC: /optimistic/tasks, /disputes, /providers/:address/audits ───

const OPTIMISTIC_STATUS_VALUES = [
  "Open",
  "Claimed",
  "Committed",
  "Challenged",
  "Settled",
  "Refunded",
  "Overturned",
  "Voided",
  "Faulted",
] as const;

const optimisticTasksQuery = z.object({
  status: z.enum(OPTIMISTIC_STATUS_VALUES).optional(),
  provider: addressParam.optional(),
  requester: addressParam.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** Where the challenge window and the audit of a task stand at the indexed head (`now`). */
function optimisticPhase(t: typeof schema.optimisticTask.$inferSelect, now: number) {
  const ends = t.challengeEnds;
  return {
    challengeWindow:
      ends === null
        ? null
        : {
            endsAt: ends,
            open: t.status === "Committed" && now <= ends,
            secondsLeft: Math.max(0, ends - now),
          },
    auditWindow:
      t.auditDeadline === null
        ? null
        : {
            deadline: t.auditDeadline,
            open: (t.audit === "Selected" || t.audit === "Taken") && now <= t.auditDeadline,
            secondsLeft: Math.max(0, t.auditDeadline - now),
          },
  };
}

app.get("/optimistic/tasks", async (c) => {
  const q = parse(c, "query", optimisticTasksQuery, c.req.query());
  if (q instanceof Response) return q;
  const filters = [
    q.status === undefined ? undefined : eq(schema.optimisticTask.status, q.status),
    q.provider === undefined ? undefined : eq(schema.optimisticTask.provider, q.provider),
    q.requester === undefined ? undefined : eq(schema.optimisticTask.requester, q.requester),
  ].filter((f) => f !== undefined);
  const [chainHead, rows] = await Promise.all([
    head(),
    db
      .select()
      .from(schema.optimisticTask)
      .where(filters.length ? and(...filters) : undefined)
      .orderBy(desc(schema.optimisticTask.id))
      .limit(q.limit),
  ]);
  return send(c, {
    head: chainHead,
    tasks: rows.map((t) => ({ ...t, ...optimisticPhase(t, chainHead.timestamp) })),
  });
});

app.get("/optimistic/tasks/:id", async (c) => {
  const id = parse(c, "task id", uint256Param, c.req.param("id"));
  if (id instanceof Response) return id;
  const [row] = await db.select().from(schema.optimisticTask).where(eq(schema.optimisticTask.id, id));
  if (!row) return send(c, { error: `OPTIMISTIC task ${id} is not indexed` }, 404);
  const [chainHead, timeline, [audit], disputes] = await Promise.all([
    head(),
    db
      .select()
      .from(schema.optimisticTaskEvent)
      .where(eq(schema.optimisticTaskEvent.taskId, id))
      .orderBy(asc(schema.optimisticTaskEvent.blockNumber), asc(schema.optimisticTaskEvent.logIndex)),
    db.select().from(schema.optimisticAudit).where(eq(schema.optimisticAudit.taskId, id)),
    db.select().from(schema.dispute).where(eq(schema.dispute.taskId, id)).orderBy(asc(schema.dispute.id)),
  ]);
  return send(c, {
    head: chainHead,
    ...row,
    ...optimisticPhase(row, chainHead.timestamp),
    auditRecord: audit ?? null,
    disputes,
    timeline,
  });
});

const disputesQuery = z.object({
  status: z.enum(["open", "resolved"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

app.get("/disputes", async (c) => {
  const q = parse(c, "query", disputesQuery, c.req.query());
  if (q instanceof Response) return q;
  const [chainHead, rows] = await Promise.all([
    head(),
    db
      .select()
      .from(schema.dispute)
      .where(q.status === undefined ? undefined : eq(schema.dispute.status, q.status))
      .orderBy(desc(schema.dispute.id))
      .limit(q.limit),
  ]);
  return send(c, { head: chainHead, disputes: rows });
});

app.get("/disputes/:id", async (c) => {
  const id = parse(c, "dispute id", uint256Param, c.req.param("id"));
  if (id instanceof Response) return id;
  const [row] = await db.select().from(schema.dispute).where(eq(schema.dispute.id, id));
  if (!row) return send(c, { error: `dispute ${id} is not indexed` }, 404);
  const [chainHead, [task], rounds, seats, credits, [params]] = await Promise.all([
    head(),
    db.select().from(schema.optimisticTask).where(eq(schema.optimisticTask.id, row.taskId)),
    db
      .select()
      .from(schema.juryRound)
      .where(eq(schema.juryRound.disputeId, id))
      .orderBy(asc(schema.juryRound.round)),
    db
      .select()
      .from(schema.jurySeat)
      .where(eq(schema.jurySeat.disputeId, id))
      .orderBy(asc(schema.jurySeat.round), asc(schema.jurySeat.seatedAt), asc(schema.jurySeat.juror)),
    db
      .select()
      .from(schema.disputeCredit)
      .where(eq(schema.disputeCredit.disputeId, id))
      .orderBy(asc(schema.disputeCredit.timestamp), asc(schema.disputeCredit.id)),
    db.select().from(schema.protocolParam).where(eq(schema.protocolParam.key, "disputes")),
  ]);
  // The current parameters (a dispute keeps those of its opening; they change only by governance).
  const voteWindow = Number(params?.value.voteWindow ?? 0);
  const revealWindow = Number(params?.value.revealWindow ?? 0);
  return send(c, {
    head: chainHead,
    ...row,
    task: task ?? null,
    /** The jury rounds (`rounds` is their number), each with its seats. */
    juryRounds: rounds.map((r) => ({
      ...r,
      voteEnds: r.startedAt + voteWindow,
      revealEnds: r.startedAt + voteWindow + revealWindow,
      seats: seats.filter((s) => s.round === r.round),
    })),
    credits,
  });
});

/** A row of `optimistic_audits`. */
type AuditRow = typeof schema.optimisticAudit.$inferSelect;

function auditSummary(asAuditor: AuditRow[], asProvider: AuditRow[]) {
  const count = (rows: AuditRow[], outcome: AuditRow["outcome"]) =>
    rows.filter((r) => r.outcome === outcome).length;
  return {
    asAuditor: {
      taken: asAuditor.length,
      confirmed: count(asAuditor, "passed") + count(asAuditor, "overturned"),
      passed: count(asAuditor, "passed"),
      overturned: count(asAuditor, "overturned"),
      missed: count(asAuditor, "missed"),
      challenged: asAuditor.filter((r) => r.disputeId !== null).length,
      upheld: count(asAuditor, "upheld"),
      rejected: count(asAuditor, "rejected"),
      pending: count(asAuditor, "pending") + count(asAuditor, "disputed"),
      fees: asAuditor.reduce((s, r) => s + (r.fee ?? 0n), 0n),
      slashed: asAuditor.reduce((s, r) => s + (r.slashed ?? 0n), 0n),
    },
    asProvider: {
      audited: asProvider.length,
      /** Results an auditor confirmed and that stood. */
      passed: count(asProvider, "passed"),
      /** An auditor's challenge the jury upheld (recorded as FailedAudit). */
      failed: count(asProvider, "upheld"),
      unclaimed: count(asProvider, "unclaimed"),
      missedByAuditor: count(asProvider, "missed"),
      pending: count(asProvider, "pending") + count(asProvider, "disputed"),
    },
  };
}

app.get("/providers/:address/audits", async (c) => {
  const address = parse(c, "provider address", addressParam, c.req.param("address"));
  if (address instanceof Response) return address;
  const [chainHead, asAuditor, asProvider] = await Promise.all([
    head(),
    db
      .select()
      .from(schema.optimisticAudit)
      .where(eq(schema.optimisticAudit.auditor, address))
      .orderBy(desc(schema.optimisticAudit.selectedAt), desc(schema.optimisticAudit.taskId))
      .limit(500),
    db
      .select()
      .from(schema.optimisticAudit)
      .where(eq(schema.optimisticAudit.provider, address))
      .orderBy(desc(schema.optimisticAudit.selectedAt), desc(schema.optimisticAudit.taskId))
      .limit(500),
  ]);
  return send(c, {
    head: chainHead,
    address,
    summary: auditSummary(asAuditor, asProvider),
    asAuditor,
    asProvider,
  });
});

app.onError((err, c) => {
  if (/statement timeout/i.test(err.message))
    return c.json(
      {
        error: `the query ran longer than ${settings.statementTimeoutMs} ms and was cancelled (statement_timeout)`,
      },
      503,
    );
  console.error(`indexer API: ${c.req.method} ${c.req.path} failed: ${err.message}`);
  return c.json({ error: "internal error of the indexer API" }, 500);
});

app.notFound((c) =>
  c.json(
    {
      error: `no route ${c.req.method} ${c.req.path}`,
      routes: [
        "/graphql",
        "/sql/*",
        "/stats",
        "/leaderboard",
        "/providers/:address",
        "/tasks/:id",
        "/proposals",
        "/proposals/:id",
        "/rewards",
        "/rewards/:address",
        "/optimistic/tasks",
        "/optimistic/tasks/:id",
        "/disputes",
        "/disputes/:id",
        "/providers/:address/audits",
      ],
    },
    404,
  ),
);

export default app;
