/**
 * Hybrid ZK settlement (the default) against real contracts on a local hardhat node, with the MockVerifier: the
 * first-ranked provider proves the Open task directly (no claim); a lower-ranked provider whose turn comes while
 * the task is still Open claims it and settles through the claim path; with two workers running, every task is
 * settled once and no claimant's proof is ever wasted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Address } from "viem";
import { TaskStatus } from "../../sdk/src/tasks/index.ts";
import { ACCOUNT, counterValue, marketEvents, startHarness, waitFor, type Harness } from "./harness.ts";
import { MockZkExecutor } from "./mock-zk.ts";
import { firstRanked, rankOf } from "../src/ranking.ts";
import type { ProviderWorker } from "../src/worker.ts";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h?.stopWorkers();
});
afterAll(async () => {
  await h?.close();
});

const outcomes = (ws: ProviderWorker[], outcome: string) =>
  Promise.all(ws.map((w) => counterValue(w.metrics.zkOutcomes, { outcome }))).then((v) =>
    v.reduce((a, b) => a + b),
  );

/** alice, bob and carol: the registered providers every worker ranks against when liveness is off. */
const providers = (): Address[] => h.p.wallets.providers.slice(0, 3).map((w) => w.account.address);
const lower = (a: string | undefined) => a?.toLowerCase();

describe("worker, ZK mode, hybrid settlement (default)", () => {
  it("one worker, first-ranked: settles with one submitProof and no claim", async () => {
    const zk = new MockZkExecutor();
    // A 1 s liveness window: the other providers (no heartbeats) are presumed offline, so alice ranks first.
    const w = await h.worker("hybrid-one", ACCOUNT.alice, {
      zkExecutor: zk,
      config: { directLivenessSec: 1 },
    });
    expect(w.config.zkSettlement).toBe("hybrid");
    w.start();
    const { taskId } = await h.submitMockZk("hybrid #1");
    await waitFor("settlement", async () => (await h.taskStatus(taskId)) === TaskStatus.Completed);
    expect(await marketEvents(h, "TaskClaimed", taskId)).toHaveLength(0);
    expect((await marketEvents(h, "ProofAccepted", taskId)).map((e) => lower(e.args.provider))).toEqual([
      lower(h.p.wallets.providers[0].account.address),
    ]);
    expect(zk.proofs).toBe(1);
    expect(await outcomes([w], "settled-direct")).toBe(1);
    expect(await outcomes([w], "settled-claimed")).toBe(0);
    await waitFor("state cleaned", async () => Object.keys(w.store.get().tasks).length === 0);
  });

  it("a lower-ranked worker whose turn comes (first-ranked not running) claims and settles via the claim path", async () => {
    const config = { directStaggerMs: 1_000, directLivenessSec: 0 };
    const zk = new MockZkExecutor();
    // alice and carol run no worker: bob is the only one proving.
    const bob = await h.worker("hybrid-bob", ACCOUNT.bob, { zkExecutor: zk, config });
    bob.start();
    const bobAddress = h.p.wallets.providers[1].account.address;
    const tasks: { taskId: bigint; rank: number }[] = [];
    // Submit until one task ranks bob below first (deterministic for a given chain; bounded).
    while (tasks.length < 8 && !tasks.some((t) => t.rank > 0)) {
      const { taskId } = await h.submitMockZk(`hybrid bob #${tasks.length}`);
      tasks.push({ taskId, rank: rankOf(taskId, bobAddress, providers(), 8) });
    }
    expect(tasks.some((t) => t.rank > 0)).toBe(true);
    for (const t of tasks)
      await waitFor("settlement", async () => (await h.taskStatus(t.taskId)) === TaskStatus.Completed);
    for (const t of tasks) {
      const claims = await marketEvents(h, "TaskClaimed", t.taskId);
      // Rank 0 proves the Open task directly; a lower rank claims once its turn comes.
      expect(claims.map((e) => lower(e.args.provider))).toEqual(t.rank > 0 ? [lower(bobAddress)] : []);
      expect((await marketEvents(h, "ProofAccepted", t.taskId)).map((e) => lower(e.args.provider))).toEqual([
        lower(bobAddress),
      ]);
    }
    const claimed = tasks.filter((t) => t.rank > 0).length;
    expect(zk.proofs).toBe(tasks.length);
    expect(await outcomes([bob], "settled-claimed")).toBe(claimed);
    expect(await outcomes([bob], "settled-direct")).toBe(tasks.length - claimed);
    await waitFor("state cleaned", async () => Object.keys(bob.store.get().tasks).length === 0);
  });

  it("two workers on several tasks: each settled once, a claimant's proof is never wasted", async () => {
    const config = { directStaggerMs: 1_500, directLivenessSec: 0 };
    const zkA = new MockZkExecutor();
    const zkB = new MockZkExecutor();
    const a = await h.worker("hybrid-a", ACCOUNT.alice, { zkExecutor: zkA, config });
    const b = await h.worker("hybrid-b", ACCOUNT.bob, { zkExecutor: zkB, config });
    a.start();
    b.start();
    const tasks = [];
    for (let i = 0; i < 5; ++i) tasks.push(await h.submitMockZk(`hybrid pair #${i}`));
    for (const t of tasks)
      await waitFor("settlement", async () => (await h.taskStatus(t.taskId)) === TaskStatus.Completed);
    await waitFor("both idle", async () =>
      [a, b].every((w) => Object.keys(w.store.get().tasks).length === 0),
    );
    let claimedTasks = 0;
    const carol = lower(h.p.wallets.providers[2].account.address);
    let carolFirst = 0;
    for (const t of tasks) {
      const accepted = await marketEvents(h, "ProofAccepted", t.taskId);
      expect(accepted).toHaveLength(1);
      const claims = await marketEvents(h, "TaskClaimed", t.taskId);
      expect(claims.length).toBeLessThanOrEqual(1);
      // carol runs no worker: where she ranks first, alice or bob claims once the turn passes.
      if (lower(firstRanked(t.taskId, providers())) === carol) {
        carolFirst += 1;
        expect(claims).toHaveLength(1);
      }
      if (claims.length === 1) {
        claimedTasks += 1;
        // The claimant is the one whose proof settled the task.
        expect(lower(claims[0]?.args.provider)).toBe(lower(accepted[0]?.args.provider));
      }
    }
    expect(carolFirst).toBeGreaterThan(0);
    const lost = await outcomes([a, b], "lost-race");
    expect(await outcomes([a, b], "settled-direct")).toBe(tasks.length - claimedTasks);
    expect(await outcomes([a, b], "settled-claimed")).toBe(claimedTasks);
    // Every proof beyond one per task is a direct prover's lost race, and only on a task someone claimed.
    expect(zkA.proofs + zkB.proofs).toBe(tasks.length + lost);
    expect(lost).toBeLessThanOrEqual(claimedTasks);
    expect(await counterValue(a.metrics.tasksFailed, {})).toBe(0);
    expect(await counterValue(b.metrics.tasksFailed, {})).toBe(0);
  });
});
