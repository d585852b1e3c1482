/**
 * A worker joining a chain with history, against a real local hardhat node (one for the file): it reads the history
 * through a response cap small enough that ranges are refused in the middle of the catch-up, finds the open task
 * buried in it, and claims it and a task submitted after it joined; and with no task of its own it starts reading
 * at the oldest block where a task can still be open, without missing an old task that still is.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { http } from "viem";
import { TaskStatus } from "../../sdk/src/tasks/index.ts";
import { ACCOUNT, buildExpiredHistory, startHarness, waitFor, type Harness } from "./harness.ts";
import { MockZkExecutor, mockZkCommitment } from "./mock-zk.ts";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 300_000);
afterEach(async () => {
  await h?.stopWorkers();
});
afterAll(async () => {
  await h?.close();
});

/** viem's http transport with a response cap, recording every eth_getLogs range and its response size. */
function recordingTransport(url: string, maxResponseBodySize: number) {
  const getLogs: { from: bigint; to: bigint; bytes: number }[] = [];
  const fetchFn = async (input: string | URL | Request, init?: RequestInit) => {
    const res = await fetch(input, init);
    const body = JSON.parse(String(init?.body)) as { method?: string; params?: unknown[] };
    if (body.method !== "eth_getLogs") return res;
    const text = await res.text();
    const f = body.params?.[0] as { fromBlock: string; toBlock: string };
    getLogs.push({ from: BigInt(f.fromBlock), to: BigInt(f.toBlock), bytes: Buffer.byteLength(text) });
    return new Response(text, { status: res.status, headers: res.headers });
  };
  return { getLogs, transport: http(url, { fetchFn, maxResponseBodySize, retryCount: 0, timeout: 30_000 }) };
}

const submitOpen = (label: string, deadlineIn?: number) => {
  const input = new TextEncoder().encode(label);
  return h.submit({
    mode: 0,
    modelId: h.mockZkModel,
    input,
    inputCommitment: mockZkCommitment(input),
    deadlineIn,
  });
};

describe("catching up", () => {
  it("reads a history through refused ranges, claims the open task in it and a new one", async () => {
    await buildExpiredHistory(h, 150, 25);
    const buried = await submitOpen("buried in the history");
    await buildExpiredHistory(h, 150, 25);
    const head = await h.p.publicClient.getBlockNumber();

    // a TaskSubmitted log is ≈ 1.9 KB of JSON: a 25-task block fits under 150 KB, four such blocks do not
    const CAP = 150_000;
    const rec = recordingTransport(h.rpcUrl, CAP);
    const w = await h.worker("catch-up", ACCOUNT.alice, {
      zkExecutor: new MockZkExecutor(),
      transport: rec.transport,
      config: { zkSettlement: "claim", logRangeBlocks: 1_000 },
    });
    w.start();
    const fresh = await submitOpen("after the join");
    for (const { taskId } of [buried, fresh]) {
      await waitFor(
        `task ${taskId} completed`,
        async () => (await h.taskStatus(taskId)) === TaskStatus.Completed,
      );
    }
    // ranges were refused in the middle of the catch-up, and every block up to the head was read once
    const refused = rec.getLogs.filter((r) => r.bytes > CAP);
    expect(refused.length).toBeGreaterThan(0);
    const read = rec.getLogs.filter((r) => r.bytes <= CAP).sort((a, b) => (a.from < b.from ? -1 : 1));
    let next = read[0]!.from;
    for (const r of read) {
      expect(r.from).toBe(next);
      next = r.to + 1n;
    }
    expect(next > head).toBe(true);
    // every history task was read once and skipped (its reward is below the floor, its deadline has passed)
    const skips = (await w.metrics.tasksSkipped.get()).values;
    expect(skips.reduce((a, v) => a + v.value, 0)).toBe(300);
  }, 240_000);

  it("with no task of its own, starts at the oldest block a task can still be open in, and finds an old open one", async () => {
    const ancient = await submitOpen("ancient");
    await h.mine(91 * 86_400); // past the market's MAX_TASK_LIFETIME (90 days)
    // submitted six days before the join with the longest lifetime the market allows (7 days): still open
    const old = await submitOpen("six days old", 7 * 86_400 - 120);
    await h.mine(6 * 86_400);
    expect(await h.taskStatus(ancient.taskId)).toBe(TaskStatus.Open); // never claimed, but past its deadline

    const rec = recordingTransport(h.rpcUrl, 10_485_760);
    const w = await h.worker("window", ACCOUNT.bob, {
      zkExecutor: new MockZkExecutor(),
      transport: rec.transport,
      config: { zkSettlement: "claim" },
    });
    w.start();
    await waitFor(
      `task ${old.taskId} completed`,
      async () => (await h.taskStatus(old.taskId)) === TaskStatus.Completed,
    );
    const first = rec.getLogs[0]!;
    expect(first.from > ancient.spec.createdBlock).toBe(true);
    expect(first.from <= old.spec.createdBlock).toBe(true);
    expect(w.status().nextBlock > old.spec.createdBlock).toBe(true);
  }, 240_000);
});
