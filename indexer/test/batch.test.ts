/**
 * Tasks settled by a batched ZK proof (`submitProofBatch`, contracts/market/ZkLib.sol): each settled task has its
 * own ProofAccepted, ProviderPaid and TaskCompleted — a task may be settled without a claim —, each skipped one a
 * ProofBatchTaskSkipped, then one ProofBatchSettled. The logs are emitted at the market's address by the synthetic
 * history's emitter (history.ts), exactly as the library emits them; the indexer must keep task rows, payments and
 * the batch right. ~1–2 min on 2 shared cores (one chain, one indexer).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEther, type Address } from "viem";

import { setupProtocol } from "../../test/integration/fixture.ts";
import { startChain, startIndexer, tempDir, writeDeployment, type Indexer } from "./harness.ts";
import { installEmitters, record } from "./history.ts";
import { connect, type Protocol } from "./scenario.ts";

const cleanups: (() => Promise<unknown>)[] = [];
let idx: Indexer;
let p: Protocol;
let prover: Address;
let other: Address;
// Tasks of the synthetic history (ids from 1): n % 20 == 0 stays Open, n % 20 == 1 is claimed by provider n.
const OPEN = 20n;
const CLAIMED = 21n;
const reward = parseEther("1");

async function rest<T>(path: string): Promise<T> {
  const res = await fetch(`${idx.url}${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

beforeAll(async () => {
  const chain = await startChain();
  cleanups.push(() => chain.stop());
  p = await setupProtocol(await connect(chain.url));
  const writer = await (await installEmitters(p, chain)).init();
  await writer.tasks(30, 1);
  other = writer.providerAt(Number(CLAIMED));
  prover = writer.providerAt(Number(CLAIMED) + 1);
  expect(prover).not.toBe(other);
  const { market, token } = p.contracts;
  const m = (name: string, args: Record<string, unknown>) => record(market.abi, name, args);
  // Task 20 (Open, reward 1 + 20/100 EAI in the history) is settled without a claim; task 21, claimed by another
  // provider, is skipped.
  const openReward = reward + 20n * 10n ** 16n;
  const per = (openReward * 8000n) / 10_000n;
  const creatorFee = (openReward * 500n) / 10_000n;
  await writer.emit({
    market: [
      m("ProofAccepted", { taskId: OPEN, provider: prover, output: 7n }),
      m("ProviderPaid", { taskId: OPEN, provider: prover, token: token.address, amount: per }),
      m("TaskCompleted", {
        taskId: OPEN,
        result: `0x${"07".padStart(64, "0")}`,
        token: token.address,
        providerPayout: per,
        treasuryFee: openReward - per - creatorFee,
        creatorFee,
        winners: 1,
      }),
      m("ProofBatchTaskSkipped", { taskId: CLAIMED, provider: prover, reason: 3, status: 2 }),
      m("ProofBatchSettled", { provider: prover, modelId: p.zkModel, batchSize: 4, tasks: 2, settled: 1 }),
    ],
  });
  await writer.finalize();
  const head = await chain.blockNumber();
  const dir = await tempDir("eai-indexer-batch-");
  cleanups.push(dir.remove);
  await writeDeployment(`${dir.path}/deployments`, p.deployment);
  idx = await startIndexer({
    rpcUrl: chain.url,
    deploymentsDir: `${dir.path}/deployments`,
    schema: "batch",
    pgliteDir: `${dir.path}/pglite`,
  });
  cleanups.push(() => idx.stop());
  await idx.waitForBlock(head, 240_000);
}, 400_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
}, 120_000);

describe("batched ZK proofs", () => {
  it("settles a task named in a batch without a claim: status, provider, output, payment", async () => {
    const t = await rest<{
      status: string;
      provider: string | null;
      output: string | null;
      claims: number;
      firstClaimedAt: number | null;
      timeline: { kind: string; provider: string | null }[];
      payments: { kind: string; account: string }[];
    }>(`/tasks/${OPEN}`);
    expect(t.status).toBe("Completed");
    expect(t.provider).toBe(prover.toLowerCase());
    expect(t.output).toBe("7");
    expect(t.firstClaimedAt).toBeNull();
    expect(t.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(["submitted", "proven", "completed"]),
    );
    expect(t.payments.filter((x) => x.kind === "provider").map((x) => x.account)).toEqual([
      prover.toLowerCase(),
    ]);
  });

  it("reports a skipped task in its timeline and leaves it as it was", async () => {
    const t = await rest<{
      status: string;
      provider: string | null;
      timeline: { kind: string; provider: string | null; data: Record<string, unknown> }[];
    }>(`/tasks/${CLAIMED}`);
    expect(t.status).toBe("Claimed");
    expect(t.provider).toBe(other.toLowerCase());
    const skipped = t.timeline.filter((e) => e.kind === "batch_skipped");
    expect(skipped).toEqual([
      expect.objectContaining({
        provider: prover.toLowerCase(),
        data: { reason: "ClaimedByOther", status: "Claimed" },
      }),
    ]);
  });

  it("records the batch", async () => {
    const res = await fetch(`${idx.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: "{ proofBatchs { items { provider modelId batchSize tasks settled skipped } } }",
      }),
    });
    const body = (await res.json()) as { data?: { proofBatchs: { items: unknown[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.proofBatchs.items).toEqual([
      {
        provider: prover.toLowerCase(),
        modelId: p.zkModel.toString(),
        batchSize: 4,
        tasks: 2,
        settled: 1,
        skipped: 1,
      },
    ]);
  });
});
