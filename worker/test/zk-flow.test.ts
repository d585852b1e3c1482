/**
 * The worker against real contracts on a local hardhat node, ZK mode with the MockVerifier (these tests are about
 * the worker's logic; worker/test/zk-real.test.ts settles a real Groth16 proof): pickup → proof → settlement →
 * withdrawal, tasks it must not claim (unservable, malformed / oversized / hash-mismatched inputs), a crash and
 * restart mid-task, and an RPC outage mid-task.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseEther } from "viem";
import {
  TaskStatus,
  hashSpec,
  resultCommitment,
  specFromJson,
  specToJson,
} from "../../sdk/src/tasks/index.ts";
import { ACCOUNT, startHarness, TcpProxy, waitFor, type Harness } from "./harness.ts";
import { MockZkExecutor, mockZkCommitment } from "./mock-zk.ts";
import { StateStore } from "../src/state.ts";
import { ipfsUri } from "../../sdk/src/storage/index.ts";
import { startHeliaNode } from "../../sdk/src/storage/helia.ts";

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

const bytes = (s: string) => new TextEncoder().encode(s);

async function skipped(
  worker: {
    metrics: {
      tasksSkipped: { get(): Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> };
    };
  },
  reason: string,
) {
  const m = await worker.metrics.tasksSkipped.get();
  return m.values.filter((v) => v.labels.reason === reason).reduce((a, v) => a + v.value, 0);
}

describe("sdk task helpers against the contract", () => {
  it("hash the spec and the REDUNDANT commitment exactly as TaskMarket does", async () => {
    const input = bytes("helpers");
    const { taskId, spec } = await h.submit({
      mode: 0,
      modelId: h.mockZkModel,
      input,
      inputCommitment: mockZkCommitment(input),
    });
    const { market } = h.p.contracts;
    expect(hashSpec(spec)).toBe(await market.read.hashSpec([spec]));
    expect(specFromJson(JSON.parse(JSON.stringify(specToJson(spec))))).toEqual(spec);
    const provider = h.p.wallets.providers[1].account.address;
    const rh = `0x${"11".repeat(32)}` as const;
    const salt = `0x${"22".repeat(32)}` as const;
    expect(resultCommitment(h.p.chainId, market.address, taskId, provider, rh, salt)).toBe(
      await market.read.resultCommitment([taskId, provider, rh, salt]),
    );
    await h.p.send(market.write.cancelTask([taskId, spec], { account: h.p.wallets.requester.account }));
  });
});

describe("worker, ZK mode, claim settlement (claim, then prove)", () => {
  const claim = { zkSettlement: "claim" } as const;
  it("picks up a ZK task, proves it, settles it, and the provider withdraws its pay", async () => {
    const zk = new MockZkExecutor();
    const w = await h.worker("zk-alice", ACCOUNT.alice, { zkExecutor: zk, config: claim });
    w.start();
    const input = bytes("digit #1");
    const { taskId } = await h.submit({
      mode: 0,
      modelId: h.mockZkModel,
      input,
      inputCommitment: mockZkCommitment(input),
    });
    await waitFor("settlement", async () => (await h.taskStatus(taskId)) === TaskStatus.Completed);
    expect(zk.proofs).toBe(1);
    await waitFor("state cleaned", async () => Object.keys(w.store.get().tasks).length === 0);

    const { market, token } = h.p.contracts;
    const alice = h.p.wallets.providers[0].account;
    const credit = await market.read.creditOf([alice.address, token.address]);
    expect(credit).toBe(parseEther("8")); // 80% of 10 EAI
    const before = await token.read.balanceOf([alice.address]);
    await h.p.send(market.write.withdraw([token.address], { account: alice }));
    expect(await token.read.balanceOf([alice.address])).toBe(before + credit);
    // The worker published its own X25519 key and kept the profile.
    expect(await h.p.contracts.providers.read.x25519KeyOf([alice.address])).toBe(w.keys.publicKey);
    await w.stop(0);
  });

  it("fetches the model and the input over IPFS from the requester's node (storage backend helia)", async () => {
    // Only the requester's Helia node holds this input (not the HTTP store); the worker's node dials it.
    const nodeDir = await mkdtemp(join(tmpdir(), "eai-zk-ipfs-"));
    const requesterNode = await startHeliaNode({ dir: nodeDir });
    try {
      const input = bytes("digit #ipfs");
      await requesterNode.put(bytes("mock zk model")); // the model artifact, same bytes as in the HTTP store
      const { sha256 } = await requesterNode.put(input);
      const zk = new MockZkExecutor();
      const w = await h.worker("zk-bob-ipfs", ACCOUNT.bob, {
        zkExecutor: zk,
        config: { ...claim, storage: { backend: "helia", ipfs: { peers: [requesterNode.multiaddrs()[0]] } } },
      });
      w.start();
      const { taskId } = await h.submit({
        mode: 0,
        modelId: h.mockZkModel,
        input,
        inputCommitment: mockZkCommitment(input),
        noUpload: true,
        inputUri: ipfsUri(sha256),
      });
      await waitFor("settlement", async () => (await h.taskStatus(taskId)) === TaskStatus.Completed);
      expect(zk.proofs).toBe(1);
      await w.stop(0);
    } finally {
      await requesterNode.stop();
      await rm(nodeDir, { recursive: true, force: true });
    }
  });

  it("does not claim tasks it cannot serve or whose input is bad", async () => {
    const w = await h.worker("zk-filter", ACCOUNT.bob, {
      zkExecutor: new MockZkExecutor(),
      config: { ...claim, limits: { maxInputBytes: 1024 } },
    });
    w.start();
    const good = bytes("fine");
    // Needs a GPU the worker does not declare.
    const gpu = await h.submit({
      mode: 0,
      modelId: h.mockZkModel,
      input: good,
      inputCommitment: mockZkCommitment(good),
      minResources: { vramMiB: 80_000 },
    });
    // Reward below the configured floor (1 EAI).
    const cheap = await h.submit({
      mode: 0,
      modelId: h.mockZkModel,
      input: good,
      inputCommitment: mockZkCommitment(good),
      reward: parseEther("0.5"),
    });
    // Malformed input: its content does not open the input commitment.
    const malformed = await h.submit({
      mode: 0,
      modelId: h.mockZkModel,
      input: bytes("{not json"),
      inputCommitment: 12345n,
    });
    // Oversized input (2 KiB > 1 KiB cap).
    const big = new Uint8Array(2048).fill(7);
    const oversized = await h.submit({
      mode: 0,
      modelId: h.mockZkModel,
      input: big,
      inputCommitment: mockZkCommitment(big),
    });
    // Hash mismatch: the URI names a blob whose bytes are something else.
    const other = bytes("other bytes");
    const mismatch = await h.submit({
      mode: 0,
      modelId: h.mockZkModel,
      input: other,
      inputCommitment: mockZkCommitment(other),
      inputUri: `eai://blob/sha256-${"ab".repeat(32)}`,
    });
    await waitFor("all considered", async () => {
      const reasons = [
        "insufficient-resources",
        "reward-too-low",
        "input-bad-commitment",
        "input-too-large",
        "input-unavailable",
      ];
      const counts = await Promise.all(reasons.map((r) => skipped(w, r)));
      return counts.every((c) => c >= 1);
    });
    for (const t of [gpu, cheap, malformed, oversized, mismatch])
      expect(await h.taskStatus(t.taskId)).toBe(TaskStatus.Open);
    expect(Object.keys(w.store.get().tasks)).toHaveLength(0);
    await w.stop(0);
    // Clean up: cancel them so later tests' workers are not offered them.
    for (const t of [gpu, cheap, malformed, oversized, mismatch])
      await h.p.send(
        h.p.contracts.market.write.cancelTask([t.taskId, t.spec], { account: h.p.wallets.requester.account }),
      );
  });

  it("resumes a claimed task after a crash and settles it", async () => {
    const stuck = new MockZkExecutor();
    let release!: () => void;
    stuck.gate = new Promise((r) => (release = r));
    const first = await h.worker("zk-crash", ACCOUNT.carol, { zkExecutor: stuck, config: claim });
    first.start();
    const input = bytes("crash me");
    const { taskId } = await h.submit({
      mode: 0,
      modelId: h.mockZkModel,
      input,
      inputCommitment: mockZkCommitment(input),
    });
    await waitFor("claimed", async () => first.store.get().tasks[taskId.toString()]?.phase === "claimed");
    // "Crash": the process stops without finishing (the proof never returns); only the state file survives.
    await first.stop(0);
    const persisted = await StateStore.open(h.config("zk-crash").stateDir);
    expect(persisted.get().tasks[taskId.toString()]?.phase).toBe("claimed");

    const zk = new MockZkExecutor();
    const second = await h.worker("zk-crash", ACCOUNT.carol, { zkExecutor: zk, config: claim });
    second.start();
    await waitFor("settled after restart", async () => (await h.taskStatus(taskId)) === TaskStatus.Completed);
    expect(zk.proofs).toBe(1);
    expect(stuck.proofs).toBe(0);
    await waitFor("state cleaned", async () => Object.keys(second.store.get().tasks).length === 0);
    await second.stop(0);
    release();
  });

  it("rides out an RPC outage during a task and settles once the node is back", async () => {
    const proxy = await TcpProxy.start(h.rpcPort);
    try {
      const zk = new MockZkExecutor();
      let release!: () => void;
      zk.gate = new Promise((r) => (release = r));
      const w = await h.worker("zk-outage", ACCOUNT.alice, {
        zkExecutor: zk,
        config: { ...claim, rpcUrl: proxy.url },
      });
      w.start();
      const input = bytes("outage");
      const { taskId } = await h.submit({
        mode: 0,
        modelId: h.mockZkModel,
        input,
        inputCommitment: mockZkCommitment(input),
      });
      await waitFor("claimed", async () => w.store.get().tasks[taskId.toString()]?.phase === "claimed");
      // Cut the RPC only once the worker is inside prove(): its reads before proving would otherwise fail for as
      // long as the outage lasts and the task would never reach "proved" (a slow machine gets there late).
      await waitFor("proving", async () => zk.waiting > 0);
      await proxy.pause();
      release(); // the proof is ready while the RPC is down
      await waitFor("proved", async () => w.store.get().tasks[taskId.toString()]?.phase === "proved");
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await h.taskStatus(taskId)).toBe(TaskStatus.Claimed);
      await proxy.resume();
      await waitFor(
        "settled after the outage",
        async () => (await h.taskStatus(taskId)) === TaskStatus.Completed,
      );
      const errors = await w.metrics.rpcErrors.get();
      expect(errors.values.reduce((a, v) => a + v.value, 0)).toBeGreaterThan(0);
      // One settlement only: the proof was sent once (or re-broadcast as the same transaction).
      const credited = await h.p.contracts.market.read.creditOf([
        h.p.wallets.providers[0].account.address,
        h.p.contracts.token.address,
      ]);
      expect(credited).toBe(parseEther("8"));
      await w.stop(0);
    } finally {
      await proxy.pause();
    }
  });
});
