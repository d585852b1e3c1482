/**
 * Direct ZK settlement (no claim) against real contracts on a local hardhat node, with the MockVerifier: one
 * worker settles with a single submitProof; two workers on the same tasks take turns by rank and each task is
 * proved and settled once; a forced race (no stagger) ends as a "lost race" for one of them without a crash; a
 * restart mid-proof resumes from the state file and settles once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseEther } from "viem";
import { TaskStatus } from "../../sdk/src/tasks/index.ts";
import { ACCOUNT, counterValue, marketEvents, startHarness, waitFor, type Harness } from "./harness.ts";
import { MockZkExecutor } from "./mock-zk.ts";
import { StateStore } from "../src/state.ts";
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

const direct = { zkSettlement: "direct" } as const;

const outcomes = (w: ProviderWorker, outcome: string) => counterValue(w.metrics.zkOutcomes, { outcome });
const proofTxs = (w: ProviderWorker) => counterValue(w.metrics.transactions, { action: "submitProof" });

describe("worker, ZK mode, direct settlement", () => {
  it("settles a ZK task with one submitProof and no claim", async () => {
    const zk = new MockZkExecutor();
    const w = await h.worker("direct-one", ACCOUNT.alice, {
      zkExecutor: zk,
      config: { zkSettlement: "direct" },
    });
    expect(w.config.zkSettlement).toBe("direct");
    w.start();
    const { taskId } = await h.submitMockZk("direct #1");
    await waitFor("settlement", async () => (await h.taskStatus(taskId)) === TaskStatus.Completed);
    expect(await marketEvents(h, "TaskClaimed", taskId)).toHaveLength(0);
    const accepted = await marketEvents(h, "ProofAccepted", taskId);
    expect(accepted.map((e) => e.args.provider?.toLowerCase())).toEqual([
      h.p.wallets.providers[0].account.address.toLowerCase(),
    ]);
    expect(zk.proofs).toBe(1);
    expect(await outcomes(w, "settled-direct")).toBe(1);
    expect(await proofTxs(w)).toBe(1);
    expect(
      await h.p.contracts.market.read.creditOf([
        h.p.wallets.providers[0].account.address,
        h.p.contracts.token.address,
      ]),
    ).toBe(parseEther("8"));
    await waitFor("state cleaned", async () => Object.keys(w.store.get().tasks).length === 0);
  });

  it("two workers take turns by rank: every task is proved and settled once", async () => {
    // Liveness off: every registered provider is ranked (alice, bob and carol, who runs no worker here).
    const config = { zkSettlement: "direct", directStaggerMs: 2_000, directLivenessSec: 0 };
    const zkA = new MockZkExecutor();
    const zkB = new MockZkExecutor();
    const a = await h.worker("direct-a", ACCOUNT.alice, { zkExecutor: zkA, config });
    const b = await h.worker("direct-b", ACCOUNT.bob, { zkExecutor: zkB, config });
    a.start();
    b.start();
    const tasks = [];
    for (let i = 0; i < 4; ++i) tasks.push(await h.submitMockZk(`direct pair #${i}`));
    for (const t of tasks)
      await waitFor("settlement", async () => (await h.taskStatus(t.taskId)) === TaskStatus.Completed);
    for (const t of tasks) {
      expect(await marketEvents(h, "ProofAccepted", t.taskId)).toHaveLength(1);
      expect(await marketEvents(h, "TaskClaimed", t.taskId)).toHaveLength(0);
    }
    await waitFor("both idle", async () =>
      [a, b].every((w) => Object.keys(w.store.get().tasks).length === 0),
    );
    // No duplicate work: one proof and one submitProof per task across both workers, and no lost race.
    expect(zkA.proofs + zkB.proofs).toBe(tasks.length);
    expect((await proofTxs(a)) + (await proofTxs(b))).toBe(tasks.length);
    expect((await outcomes(a, "settled-direct")) + (await outcomes(b, "settled-direct"))).toBe(tasks.length);
    expect((await outcomes(a, "lost-race")) + (await outcomes(b, "lost-race"))).toBe(0);
  });

  it("handles a lost race (both at rank 0) without crashing or retrying", async () => {
    const config = { zkSettlement: "direct", directStaggerMs: 0, directLivenessSec: 0 };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const zkA = new MockZkExecutor();
    const zkB = new MockZkExecutor();
    zkA.gate = gate;
    zkB.gate = gate;
    const a = await h.worker("race-a", ACCOUNT.alice, { zkExecutor: zkA, config });
    const b = await h.worker("race-b", ACCOUNT.bob, { zkExecutor: zkB, config });
    a.start();
    b.start();
    const { taskId } = await h.submitMockZk("race");
    const id = taskId.toString();
    await waitFor("both proving", async () =>
      [a, b].every((w) => w.store.get().tasks[id]?.phase === "proving"),
    );
    release();
    await waitFor("settlement", async () => (await h.taskStatus(taskId)) === TaskStatus.Completed);
    await waitFor("both done", async () => [a, b].every((w) => !w.store.get().tasks[id]));
    expect(zkA.proofs + zkB.proofs).toBe(2);
    expect(await marketEvents(h, "ProofAccepted", taskId)).toHaveLength(1);
    expect((await outcomes(a, "settled-direct")) + (await outcomes(b, "settled-direct"))).toBe(1);
    expect((await outcomes(a, "lost-race")) + (await outcomes(b, "lost-race"))).toBe(1);
    const failed = async (w: ProviderWorker) => counterValue(w.metrics.tasksFailed, {});
    expect((await failed(a)) + (await failed(b))).toBe(0);
    // Both keep working: the next task settles.
    zkA.gate = undefined;
    zkB.gate = undefined;
    const next = await h.submitMockZk("after the race");
    await waitFor("next settlement", async () => (await h.taskStatus(next.taskId)) === TaskStatus.Completed);
    expect(a.status().stopping || b.status().stopping).toBe(false);
  });

  it("resumes a direct task after a crash mid-proof and settles it once", async () => {
    const stuck = new MockZkExecutor();
    // The first process "dies" mid-proof: its proof never returns (and never writes to the state afterwards).
    stuck.gate = new Promise(() => undefined);
    const first = await h.worker("direct-crash", ACCOUNT.carol, { zkExecutor: stuck, config: direct });
    first.start();
    const { taskId } = await h.submitMockZk("direct crash");
    const id = taskId.toString();
    await waitFor("proving", async () => first.store.get().tasks[id]?.phase === "proving");
    await first.stop(0);
    const persisted = (await StateStore.open(h.config("direct-crash").stateDir)).get().tasks[id];
    expect(persisted).toMatchObject({ phase: "proving", settlement: "direct" });
    expect(await h.taskStatus(taskId)).toBe(TaskStatus.Open);

    const zk = new MockZkExecutor();
    const second = await h.worker("direct-crash", ACCOUNT.carol, { zkExecutor: zk, config: direct });
    second.start();
    await waitFor("settled after restart", async () => (await h.taskStatus(taskId)) === TaskStatus.Completed);
    expect(zk.proofs).toBe(1);
    expect(stuck.proofs).toBe(0);
    expect(await marketEvents(h, "ProofAccepted", taskId)).toHaveLength(1);
    await waitFor("state cleaned", async () => Object.keys(second.store.get().tasks).length === 0);
  });
});
