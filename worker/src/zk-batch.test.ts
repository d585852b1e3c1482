import { describe, expect, it } from "vitest";
import {
  BatchPipeline,
  chooseBatchSize,
  monotoneProveMs,
  planBatch,
  type BatchPlanOptions,
  type QueuedTask,
} from "./zk-batch.ts";

// Measured here (bench/zk.ts, 2026-12-02): one proof of k = 1 / 4 / 11 takes ~0.87 / 1.6 / 2.2 s.
const options: BatchPlanOptions = {
  sizes: [1, 4, 11],
  proveMs: new Map([
    [1, 870],
    [4, 1600],
    [11, 2200],
  ]),
  submitMarginMs: 5_000,
  flushMs: 3_000,
  witnessLeadMs: 300,
};
const NOW = 1_800_000_000_000;
const task = (id: number, over: Partial<QueuedTask> = {}): QueuedTask => ({
  id: BigInt(id),
  modelId: 1n,
  deadline: NOW / 1000 + 3600,
  queuedAt: NOW,
  ...over,
});

describe("chooseBatchSize", () => {
  it("proves a lone task alone and picks the cheapest size per useful task", () => {
    expect(chooseBatchSize(1, options)).toBe(1);
    expect(chooseBatchSize(2, options)).toBe(4); // 1600 / 2 = 800 < 870
    expect(chooseBatchSize(4, options)).toBe(4);
    expect(chooseBatchSize(5, options)).toBe(4); // 1600 / 4 = 400 < 2200 / 5 = 440
    expect(chooseBatchSize(6, options)).toBe(11); // 2200 / 6 = 367 < 400
    expect(chooseBatchSize(40, options)).toBe(11);
  });

  it("does not send a lone task into a padded batch when a cold first proof made k = 1 look slower", () => {
    // k = 1 measured 3 s (a cold prover on a loaded machine), k = 4 measured 1.2 s
    const measured = {
      sizes: [1, 4, 11],
      proveMs: new Map([
        [1, 3000],
        [4, 1200],
        [11, 2200],
      ]),
    };
    expect(monotoneProveMs(measured.sizes, measured.proveMs)).toEqual(
      new Map([
        [1, 3000],
        [4, 3000],
        [11, 3000],
      ]),
    );
    expect(chooseBatchSize(1, measured)).toBe(1);
    expect(chooseBatchSize(2, measured)).toBe(4); // two useful slots still beat two proofs of one
    expect(chooseBatchSize(5, measured)).toBe(11);
  });
});

describe("planBatch", () => {
  it("flushes a lone task at once (no waiting for company)", () => {
    const plan = planBatch([task(1)], NOW, options);
    expect(plan).toMatchObject({ action: "prove", batchSize: 1 });
    if (plan.action === "prove") expect(plan.tasks.map((t) => t.id)).toEqual([1n]);
  });

  it("batches by model: never two models in one proof, the most urgent model first", () => {
    const queue = [
      ...Array.from({ length: 11 }, (_, i) => task(i + 1)),
      task(100, { modelId: 2n, deadline: NOW / 1000 + 60 }),
    ];
    const plan = planBatch(queue, NOW, options);
    expect(plan).toMatchObject({ action: "prove", modelId: 2n, batchSize: 1 });
    const rest = planBatch(queue.slice(0, 11), NOW, options);
    expect(rest).toMatchObject({ action: "prove", modelId: 1n, batchSize: 11 });
    if (rest.action === "prove") expect(new Set(rest.tasks.map((t) => t.modelId))).toEqual(new Set([1n]));
  });

  it("a model whose oldest task waited flushMs goes before a more urgent model (no starvation)", () => {
    const queue = [task(1, { modelId: 2n, queuedAt: NOW - 3_000 }), task(2, { deadline: NOW / 1000 + 100 })];
    expect(planBatch(queue, NOW, options)).toMatchObject({ action: "prove", modelId: 2n });
  });

  it("respects each task's deadline: a smaller proof when the larger would be late, drops the hopeless", () => {
    // 6 tasks want k = 11 (2.2 s), but the first must start within 7.0 s - margin 5 s - 2.2 s < 0: k = 4 (1.6 s) fits
    const tight = [
      task(1, { deadline: (NOW + 6_700) / 1000 }),
      ...Array.from({ length: 5 }, (_, i) => task(i + 2)),
    ];
    const plan = planBatch(tight, NOW, options);
    expect(plan).toMatchObject({ action: "prove", batchSize: 4 });
    if (plan.action === "prove") expect(plan.tasks[0]?.id).toBe(1n); // earliest deadline first
    const hopeless = planBatch([task(9, { deadline: (NOW + 4_000) / 1000 })], NOW, options);
    expect(hopeless.action).toBe("idle");
    expect(hopeless.expired.map((t) => t.id)).toEqual([9n]);
  });
});

describe("BatchPipeline", () => {
  it("keeps one proof running, prepares the next batch meanwhile, skips tasks closed by others", async () => {
    const events: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const closed = new Set([3n]); // settled by another provider before its batch was proven
    let release: (() => void) | undefined;
    const firstProof = new Promise<void>((r) => (release = r));
    const submitted: bigint[][] = [];
    const pipeline = new BatchPipeline<
      QueuedTask,
      { k: number; ids: bigint[] },
      { k: number; ids: bigint[] }
    >({
      options,
      now: () => NOW,
      stillOpen: async (tasks) => tasks.filter((t) => !closed.has(t.id)),
      witness: async (k, tasks) => {
        events.push(`witness k=${k} [${tasks.map((t) => t.id).join(",")}]`);
        return { k, ids: tasks.map((t) => t.id) };
      },
      prove: async (w) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        events.push(`prove k=${w.k}`);
        if (w.ids[0] === 1n) await firstProof;
        running--;
        return w;
      },
      submit: async (_k, tasks) => {
        submitted.push(tasks.map((t) => t.id));
      },
    });
    pipeline.add(task(1)); // alone at once
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 2; i <= 8; i++) pipeline.add(task(i));
    // nothing is cut while the first proof has more than witnessLeadMs to go (870 ms expected)
    expect(events.filter((e) => e.startsWith("witness"))).toEqual(["witness k=1 [1]"]);
    await new Promise((r) => setTimeout(r, 900));
    // the second batch's witness was computed while the first proof still runs
    expect(events).toContain("witness k=11 [2,4,5,6,7,8]");
    expect(events.indexOf("witness k=11 [2,4,5,6,7,8]")).toBeLessThan(events.length);
    expect(submitted).toEqual([]);
    release?.();
    await pipeline.drain();
    expect(maxRunning).toBe(1);
    expect(submitted).toEqual([[1n], [2n, 4n, 5n, 6n, 7n, 8n]]);
    expect(submitted.flat()).not.toContain(3n);
  });

  it("an idle prover gathers tasks that arrive together for gatherMs, a lone task alone, a full batch at once", async () => {
    const submitted: { k: number; ids: bigint[]; at: number }[] = [];
    const pipeline = new BatchPipeline<
      QueuedTask,
      { k: number; ids: bigint[] },
      { k: number; ids: bigint[] }
    >({
      options: { ...options, gatherMs: 300 },
      now: () => NOW,
      stillOpen: async (t) => [...t],
      witness: async (k, t) => ({ k, ids: t.map((x) => x.id) }),
      prove: async (w) => w,
      submit: async (k, tasks) => {
        submitted.push({ k, ids: tasks.map((t) => t.id), at: Date.now() });
      },
    });
    // a burst spread over 100 ms: one proof of k = 4, not a lone proof of the first task
    const start = Date.now();
    pipeline.add(task(1));
    await new Promise((r) => setTimeout(r, 50));
    pipeline.add(task(2));
    await new Promise((r) => setTimeout(r, 50));
    pipeline.add(task(3));
    await pipeline.drain();
    expect(submitted.map(({ k, ids }) => ({ k, ids }))).toEqual([{ k: 4, ids: [1n, 2n, 3n] }]);
    expect(submitted[0]!.at - start).toBeGreaterThanOrEqual(290);
    // a lone task later: alone (k = 1), after its own gathering time
    const lone = Date.now();
    pipeline.add(task(4));
    await pipeline.drain();
    expect(submitted.slice(1).map(({ k, ids }) => ({ k, ids }))).toEqual([{ k: 1, ids: [4n] }]);
    expect(submitted[1]!.at - lone).toBeGreaterThanOrEqual(290);
    // a queue that fills the largest size is cut at once
    const full = Date.now();
    pipeline.addAll(Array.from({ length: 11 }, (_, i) => task(10 + i)));
    await pipeline.drain();
    expect(submitted[2]).toMatchObject({ k: 11 });
    expect(submitted[2]!.at - full).toBeLessThan(290);
  });

  it("gathers no longer than the most urgent task's deadline allows", async () => {
    const submitted: { ids: bigint[]; at: number }[] = [];
    const pipeline = new BatchPipeline<QueuedTask, bigint[], bigint[]>({
      options: { ...options, gatherMs: 5_000 },
      now: () => NOW,
      stillOpen: async (t) => [...t],
      witness: async (_k, t) => t.map((x) => x.id),
      prove: async (w) => w,
      submit: async (_k, tasks) => {
        submitted.push({ ids: tasks.map((t) => t.id), at: Date.now() });
      },
    });
    const start = Date.now();
    pipeline.add(task(1)); // plenty of time: would wait the whole 5 s
    // must start its largest proof (2.2 s) 200 ms from now to be sent 5 s (the margin) before its deadline
    pipeline.add(task(2, { deadline: (NOW + 5_000 + 2_200 + 200) / 1000 }));
    await pipeline.drain();
    expect(submitted.map((b) => b.ids)).toEqual([[2n, 1n]]);
    expect(submitted[0]!.at - start).toBeGreaterThanOrEqual(190);
    expect(submitted[0]!.at - start).toBeLessThan(2_000);
  });

  it("puts a failed batch back once and reports it", async () => {
    const errors: unknown[] = [];
    let attempts = 0;
    const done: bigint[] = [];
    const pipeline = new BatchPipeline<QueuedTask, bigint[], bigint[]>({
      options,
      now: () => NOW,
      stillOpen: async (t) => [...t],
      witness: async (_k, t) => t.map((x) => x.id),
      prove: async (w) => {
        if (attempts++ === 0) throw new Error("prover crashed");
        return w;
      },
      submit: async (_k, t) => {
        done.push(...t.map((x) => x.id));
      },
      onError: (err) => errors.push(err),
    });
    pipeline.add(task(1));
    await pipeline.drain();
    expect(errors).toHaveLength(1);
    expect(done).toEqual([1n]);
  });
});
