/**
 * The indexer against a real local chain: one Hardhat node for the file, a fresh deployment and a fresh indexer
 * database per test. Tests run in order (they share the node; Ignition keeps one journal per chain id).
 *
 *  - scenario (PGlite): the scripted protocol scenario; every API answer equals the chain's state
 *  - restart: stop the indexer mid-scenario, continue, start it again: nothing lost, nothing duplicated
 *  - taken port: a start whose port another server holds fails (Ponder would quietly take the next port)
 *  - reorg: evm_snapshot → blocks → evm_revert → different blocks: no orphaned rows
 *  - PostgreSQL: the scenario on a throwaway PostgreSQL cluster (DATABASE_URL), tables read through SQL over HTTP
 * Whole tables are read back through GraphQL (SQL over HTTP is off on PGlite) or, on PostgreSQL, with the key.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEther, parseEventLogs, type Hex } from "viem";

import { Mode, setupProtocol } from "../../test/integration/fixture.ts";
import * as schema from "../ponder.schema.ts";
import { expectIndexerMatchesChain } from "./checks.ts";
import {
  freePort,
  gql,
  HTTP_PORTS,
  startChain,
  startIndexer,
  tempDir,
  writeDeployment,
  rest,
  type Chain,
  type Indexer,
} from "./harness.ts";
import { startPostgres, type Postgres } from "./postgres.ts";
import { connect, scenario, type Protocol } from "./scenario.ts";
import { graphqlTables, sqlTables } from "./tables.ts";

let chain: Chain;
let connection: Awaited<ReturnType<typeof connect>>;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  chain = await startChain();
  cleanups.push(() => chain.stop());
  connection = await connect(chain.url);
}, 180_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
}, 120_000);

/** A fresh deployment with its record in a temp dir, and an indexer database dir next to it. */
async function freshProtocol() {
  const dir = await tempDir("eai-indexer-");
  cleanups.push(dir.remove);
  const p = await setupProtocol(connection);
  await writeDeployment(`${dir.path}/deployments`, p.deployment);
  return { p, dir: dir.path, deploymentsDir: `${dir.path}/deployments` };
}

async function indexer(options: Parameters<typeof startIndexer>[0]): Promise<Indexer> {
  const idx = await startIndexer(options);
  cleanups.push(() => idx.stop());
  return idx;
}

async function synced(idx: Indexer) {
  await idx.waitForBlock(await chain.blockNumber());
}

/** Every TaskMarket log of the deployment, as `<txHash>-<logIndex>` (what task_events and payments key on). */
async function marketLogIds(p: Protocol, eventNames: string[]) {
  const logs = await p.publicClient.getLogs({
    address: p.contracts.market.address,
    fromBlock: BigInt(p.deployment.contracts.TaskMarket.startBlock),
  });
  const parsed = parseEventLogs({ abi: p.contracts.market.abi, logs });
  return parsed
    .filter((l) => eventNames.includes(l.eventName))
    .map((l) => `${l.transactionHash}-${l.logIndex}`);
}

const TIMELINE_EVENTS = [
  "TaskSubmitted",
  "TaskClaimed",
  "ResultCommitted",
  "ResultRevealed",
  "ProofAccepted",
  "TaskCompleted",
  "TaskExpired",
  "TaskCancelled",
  "TaskRefunded",
  "ProviderPaid",
  "ProviderPenalized",
  "BondReturned",
  "ClaimantLeft",
  "TaskFaulted",
];

describe("indexer on a local chain", () => {
  it("serves the chain's state after a full scenario (PGlite): GraphQL, SQL and REST", async () => {
    const { p, dir, deploymentsDir } = await freshProtocol();
    const s = scenario(p);
    await s.zkTask(); // before the indexer starts: backfilled
    const idx = await indexer({
      rpcUrl: chain.url,
      deploymentsDir,
      schema: "scenario",
      pgliteDir: `${dir}/pglite`,
    });
    await s.redundantTask(); // carol lies and is slashed
    await s.faultTask(); // all three report a task fault: Faulted, the fee to them, nobody slashed
    await s.leftTask(); // alice leaves an unfilled task after the fill timeout; the requester cancels
    await s.expiredTask(); // bob misses the deadline: expired, reopened, cancelled
    await s.zkTask(p.wallets.providers[1]);
    await s.withdrawals();
    await s.providerChores();
    const proposalId = await s.governance();
    await synced(idx);

    const { proposals } = await expectIndexerMatchesChain(p, idx.url);
    expect(proposals.find((x) => BigInt(x.id) === proposalId)?.state).toBe("Executed");

    // timeline of every task = the chain's logs for it, in order
    const ids = await marketLogIds(p, TIMELINE_EVENTS);
    const rows = await graphqlTables(idx.url)(schema.taskEvent);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());

    // GraphQL relations
    const related = await gql<{ tasks: { items: { id: string; events: { items: { kind: string }[] } }[] } }>(
      idx.url,
      `{ tasks(where: { status: "Completed" }, orderBy: "id", orderDirection: "desc", limit: 10) {
           items { id events { items { kind } } } } }`,
    );
    expect(related.tasks.items.length).toBe(3);
    for (const t of related.tasks.items) expect(t.events.items.map((e) => e.kind)).toContain("completed");

    // the expired task's timeline, in order
    const expired = await rest<{ status: string; timeline: { kind: string }[] }>(
      idx.url,
      `/tasks/${s.ids.expired[0]}`,
    );
    expect(expired.body.status).toBe("Cancelled");
    expect(expired.body.timeline.map((e) => e.kind)).toEqual([
      "submitted",
      "claimed",
      "expired",
      "penalized",
      "cancelled",
    ]);
    // the liar's slash is linked to its task
    const carol = p.wallets.providers[2].account.address;
    const carolView = await rest<{ slashes: { taskId: string; outcome: string; amount: string }[] }>(
      idx.url,
      `/providers/${carol}`,
    );
    expect(carolView.body.slashes).toEqual([
      expect.objectContaining({ taskId: String(s.ids.redundant[0]), outcome: "WrongResult" }),
    ]);
    // daily statistics
    const stats = await rest<{
      daily: { tasksSubmitted: number; tasksCompleted: number; activeProviders: number }[];
    }>(idx.url, "/stats");
    const totals = stats.body.daily.reduce(
      (t, d) => ({ submitted: t.submitted + d.tasksSubmitted, completed: t.completed + d.tasksCompleted }),
      { submitted: 0, completed: 0 },
    );
    expect(totals).toEqual({ submitted: 6, completed: 3 });

    // the task fault: refund and fee as the chain credited them, one row per reporter with its votes
    const faulted = await rest<{
      status: string;
      refundAmount: string;
      faultFee: string;
      faultVotes: number;
      timeline: { kind: string }[];
      claimants: { provider: string; votes: number; outcome: string }[];
    }>(idx.url, `/tasks/${s.ids.faulted[0]}`);
    expect(faulted.body.status).toBe("Faulted");
    expect(BigInt(faulted.body.refundAmount) + BigInt(faulted.body.faultFee)).toBe(parseEther("10"));
    expect(faulted.body.faultVotes).toBe(3);
    expect(faulted.body.timeline.map((e) => e.kind)).toContain("faulted");
    expect(faulted.body.timeline.map((e) => e.kind)).not.toContain("penalized");
    expect(faulted.body.claimants.map((c) => [c.votes, c.outcome])).toEqual([
      [1, "paid"],
      [1, "paid"],
      [1, "paid"],
    ]);
    // the claimant that left holds nothing and its timeline entry says so
    const left = await rest<{
      status: string;
      timeline: { kind: string }[];
      claimants: { outcome: string }[];
    }>(idx.url, `/tasks/${s.ids.left[0]}`);
    expect(left.body.status).toBe("Cancelled");
    expect(left.body.timeline.map((e) => e.kind)).toEqual(["submitted", "claimed", "left", "cancelled"]);
    expect(left.body.claimants.map((c) => c.outcome)).toEqual(["left"]);
  }, 300_000);

  it("answers 400 with a clear message for bad route parameters, 404 for unknown ids", async () => {
    const { dir, deploymentsDir } = await freshProtocol();
    const idx = await indexer({
      rpcUrl: chain.url,
      deploymentsDir,
      schema: "routes",
      pgliteDir: `${dir}/pglite`,
    });
    const badAddress = await rest<{ error: string; issues: { message: string }[] }>(
      idx.url,
      "/providers/0x1234",
    );
    expect(badAddress.status).toBe(400);
    expect(badAddress.body.error).toBe("invalid provider address");
    expect(badAddress.body.issues[0]?.message).toMatch(/20-byte hex address/);
    const badTask = await rest<{ error: string }>(idx.url, "/tasks/-1");
    expect(badTask.status).toBe(400);
    expect(badTask.body.error).toBe("invalid task id");
    const badSort = await rest<{ issues: { field: string }[] }>(idx.url, "/leaderboard?sort=luck");
    expect(badSort.status).toBe(400);
    expect(badSort.body.issues[0]?.field).toBe("sort");
    expect((await rest(idx.url, "/tasks/999999")).status).toBe(404);
    await idx.stop();
  }, 300_000);

  it("refuses to start on a taken port instead of passing another server's /ready off as its own", async () => {
    // Ponder moves on to the next port when its own is taken; the harness must notice, not wait on the squatter
    const { dir, deploymentsDir } = await freshProtocol();
    const port = await freePort(HTTP_PORTS);
    // the next port is held too: ponder then dies of EADDRINUSE there, and the harness must still name our port
    for (const taken of [port, port + 1]) {
      const squatter = createServer((_req, res) => res.end("not the indexer"));
      const listening = await new Promise<boolean>((resolve) => {
        squatter.once("error", () => resolve(false)); // port + 1 already held by another test: just as taken
        squatter.listen(taken, "127.0.0.1", () => resolve(true));
      });
      if (listening) cleanups.push(() => new Promise((resolve) => squatter.close(resolve)));
    }
    await expect(
      startIndexer({ rpcUrl: chain.url, deploymentsDir, schema: "taken", pgliteDir: `${dir}/pglite`, port }),
    ).rejects.toThrow(new RegExp(`port ${port} is taken`));
  }, 300_000);

  it("loses and duplicates nothing across a restart mid-scenario", async () => {
    const { p, dir, deploymentsDir } = await freshProtocol();
    const s = scenario(p);
    const options = { rpcUrl: chain.url, deploymentsDir, schema: "restart", pgliteDir: `${dir}/pglite` };
    const first = await indexer(options);
    await s.zkTask();
    await s.redundantTask();
    await synced(first);
    await first.stop();

    await s.expiredTask(); // while the indexer is down
    await s.zkTask();
    await s.withdrawals();

    // A long answer-cache TTL: within it, only a newly indexed block may refresh a cached answer.
    const second = await indexer({ ...options, env: { EAI_API_CACHE_MS: "60000" } });
    await synced(second);
    const cached = await rest<{ tasks: { total: number } }>(second.url, "/stats");
    await s.zkTask(p.wallets.providers[2]); // and after it is back
    await synced(second);
    expect((await rest<{ tasks: { total: number } }>(second.url, "/stats")).body.tasks.total).toBe(
      cached.body.tasks.total + 1,
    );
    await expectIndexerMatchesChain(p, second.url);
    const tables = graphqlTables(second.url);
    const rows = await tables(schema.taskEvent);
    const ids = await marketLogIds(p, TIMELINE_EVENTS);
    expect(rows.length).toBe(ids.length);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(ids));
    const stakeRows = await tables(schema.stakeEvent);
    const vaultLogs = parseEventLogs({
      abi: p.contracts.vault.abi,
      logs: await p.publicClient.getLogs({
        address: p.contracts.vault.address,
        fromBlock: BigInt(p.deployment.contracts.StakingVault.startBlock),
      }),
    }).filter((l) =>
      [
        "Staked",
        "UnstakeRequested",
        "UnstakeCancelled",
        "Withdrawn",
        "BondLocked",
        "BondReleased",
        "ProviderSlashed",
      ].includes(l.eventName),
    );
    expect(stakeRows.length).toBe(vaultLogs.length);
  }, 300_000);

  it("drops the rows of reorganised blocks (evm_snapshot, evm_revert, different blocks)", async () => {
    const { p, dir, deploymentsDir } = await freshProtocol();
    const s = scenario(p);
    const idx = await indexer({
      rpcUrl: chain.url,
      deploymentsDir,
      schema: "reorg",
      pgliteDir: `${dir}/pglite`,
    });
    await s.zkTask();
    await synced(idx);
    const tables = graphqlTables(idx.url);
    const before = await tables(schema.task);

    const snapshot = await chain.rpc<Hex>("evm_snapshot");
    const orphanTasks = [await s.zkTask(), (await p.submit(Mode.REDUNDANT, parseEther("3"))).taskId];
    await synced(idx);
    const during = await tables(schema.task);
    expect(during.length).toBe(before.length + orphanTasks.length);
    const orphanTxs = new Set(
      (await tables(schema.taskEvent)).filter((e) => orphanTasks.includes(e.taskId)).map((e) => e.txHash),
    );
    expect(orphanTxs.size).toBeGreaterThan(0);

    expect(await chain.rpc<boolean>("evm_revert", [snapshot])).toBe(true);
    // a different fork: another reward (other transactions, other hashes), then longer than the orphaned branch
    const replacement = await p.submit(Mode.ZK, parseEther("7"));
    expect(orphanTasks).toContain(replacement.taskId); // same id, new content
    await s.zkTask();
    await s.zkTask();
    await synced(idx);
    await waitForTaskReward(idx.url, replacement.taskId, parseEther("7"));
    expect(idx.proc.output(400)).toMatch(/Reorged block/);

    await expectIndexerMatchesChain(p, idx.url);
    const events = await tables(schema.taskEvent);
    for (const e of events) expect(orphanTxs.has(e.txHash), `orphaned event ${e.id}`).toBe(false);
    const stakeRows = await tables(schema.stakeEvent);
    for (const r of stakeRows) expect(orphanTxs.has(r.txHash), `orphaned stake event ${r.id}`).toBe(false);
    const tasks = await tables(schema.task);
    expect(tasks.find((t) => t.id === replacement.taskId)?.reward).toBe(parseEther("7"));
  }, 300_000);

  describe("on PostgreSQL", () => {
    let pg: Postgres;
    beforeAll(async () => {
      pg = await startPostgres();
      cleanups.push(() => pg.stop());
    }, 300_000);

    it("serves the chain's state after the scenario with DATABASE_URL set (SQL over HTTP behind a key)", async () => {
      const { p, deploymentsDir } = await freshProtocol();
      const s = scenario(p);
      await s.zkTask();
      const key = randomBytes(24).toString("hex");
      const idx = await indexer({
        rpcUrl: chain.url,
        deploymentsDir,
        schema: "eai_postgres",
        databaseUrl: pg.url,
        env: { EAI_SQL_API_KEY: key },
      });
      await s.redundantTask();
      await s.expiredTask();
      await s.providerChores();
      await synced(idx);
      const sql = sqlTables(idx.url, key);
      await expectIndexerMatchesChain(p, idx.url, sql);
      // the two ways of reading a table agree
      const byKey = (rows: { taskId: bigint; provider: string }[]) =>
        rows.sort((a, b) => Number(a.taskId - b.taskId) || a.provider.localeCompare(b.provider));
      const viaSql = byKey(await sql(schema.taskClaim));
      expect(viaSql.length).toBeGreaterThan(0);
      expect(viaSql).toEqual(byKey(await graphqlTables(idx.url)(schema.taskClaim)));
    }, 300_000);
  });
});

async function waitForTaskReward(url: string, taskId: bigint, reward: bigint) {
  const start = Date.now();
  for (;;) {
    const r = await rest<{ reward?: string }>(url, `/tasks/${taskId}`);
    if (r.body.reward === reward.toString()) return;
    if (Date.now() - start > 30_000) throw new Error(`task ${taskId} never showed reward ${reward}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}
