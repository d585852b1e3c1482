/**
 * HTTP API of the EAI indexer:
 *   /graphql (and /)   GraphQL over every table (ponder's graphql middleware)
 *   /sql/*             SQL over HTTP for @ponder/client (ponder's client middleware)
 *   /stats             network totals and daily statistics in one call
 *   /leaderboard       providers ranked by tier, trust, availability, completed tasks, earnings or stake
 *   /providers/:address  a provider's profile, standing, balances and history
 *   /tasks/:id         a task with its full timeline, claims and payments
 *   /proposals, /proposals/:id  governance proposals with their current state and votes
 * Amounts are decimal strings (uint256 does not fit a JSON number).
 */
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono, type Context } from "hono";
import { and, asc, client, count, desc, eq, graphql, lte, replaceBigInts, sql, sum } from "ponder";
import { z } from "zod";

import {
  PROPOSAL_STATES,
  proposalStateAt,
  standingAt,
  type ReputationParams,
  type StoredProposal,
} from "./derive.ts";

const app = new Hono();

app.use("/sql/*", client({ db, schema }));
app.use("/graphql", graphql({ db, schema }));
app.use("/", graphql({ db, schema }));

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
  const p = await param("reputation");
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
  const [
    chainHead,
    byStatus,
    providerTotals,
    taskTotals,
    latency,
    models,
    proposals,
    holders,
    supply,
    daily,
  ] = await Promise.all([
    head(),
    db.select({ status: schema.task.status, n: count() }).from(schema.task).groupBy(schema.task.status),
    db
      .select({
        registered: sql<number>`count(*) filter (where ${schema.provider.registered})`,
        active: sql<number>`count(*) filter (where ${schema.provider.registered} and ${schema.provider.active})`,
        staked: sum(schema.provider.stake),
        locked: sum(schema.provider.locked),
        unbonding: sum(schema.provider.unbonding),
        slashed: sum(schema.provider.slashed),
        earnings: sum(schema.provider.earningsEai),
      })
      .from(schema.provider),
    db
      .select({
        submitted: sum(schema.task.rewardEai),
        completed: sql<string>`coalesce(sum(${schema.task.rewardEai}) filter (where ${schema.task.status} = 'Completed'), 0)`,
        fees: sql<string>`coalesce(sum(${schema.task.treasuryFee} + ${schema.task.creatorFee}), 0)`,
      })
      .from(schema.task),
    db
      .select({
        mean: sql<string | null>`avg(${schema.task.claimToCompletion})`,
        n: count(schema.task.claimToCompletion),
        settle: sql<string | null>`avg(${schema.task.submitToCompletion})`,
      })
      .from(schema.task),
    db.select({ n: count() }).from(schema.model),
    db.select({ n: count() }).from(schema.proposal),
    db
      .select({ n: count() })
      .from(schema.tokenHolder)
      .where(sql`${schema.tokenHolder.balance} > 0`),
    param("supply"),
    db.select().from(schema.dailyStat).orderBy(desc(schema.dailyStat.day)).limit(q.days),
  ]);
  const tasks = Object.fromEntries(
    ["Open", "Claimed", "Completed", "Cancelled", "Refunded"].map((s) => [s, 0]),
  );
  let total = 0;
  for (const row of byStatus) {
    tasks[row.status] = Number(row.n);
    total += Number(row.n);
  }
  const pt = providerTotals[0];
  const tt = taskTotals[0];
  return send(c, {
    head: chainHead,
    tasks: { total, byStatus: tasks },
    providers: { registered: Number(pt?.registered ?? 0), active: Number(pt?.active ?? 0) },
    stake: {
      active: BigInt(pt?.staked ?? 0),
      locked: BigInt(pt?.locked ?? 0),
      unbonding: BigInt(pt?.unbonding ?? 0),
      slashed: BigInt(pt?.slashed ?? 0),
    },
    volumeEai: {
      submitted: BigInt(tt?.submitted ?? 0),
      completed: BigInt(tt?.completed ?? 0),
      providerEarnings: BigInt(pt?.earnings ?? 0),
    },
    fees: BigInt(tt?.fees ?? 0),
    meanClaimToCompletionSeconds: latency[0]?.mean === null || !latency[0] ? null : Number(latency[0].mean),
    meanSubmitToCompletionSeconds:
      latency[0]?.settle === null || !latency[0] ? null : Number(latency[0].settle),
    models: Number(models[0]?.n ?? 0),
    proposals: Number(proposals[0]?.n ?? 0),
    token: { holders: Number(holders[0]?.n ?? 0), totalSupply: BigInt(String(supply.totalSupply ?? "0")) },
    daily: daily.reverse().map((d) => ({
      ...d,
      meanClaimToCompletionSeconds: d.latencyCount === 0 ? null : Number(d.latencySum) / d.latencyCount,
      meanSubmitToCompletionSeconds: d.settleCount === 0 ? null : Number(d.settleSum) / d.settleCount,
    })),
  });
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
        .orderBy(desc(schema.slash.timestamp)),
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
      ],
    },
    404,
  ),
);

export default app;
