/**
 * OPTIMISTIC mode end to end on a local hardhat node (OptimisticMarket + DisputeManager as `npm start` deploys them:
 * 600 s windows, one-second draws, juries of 3): real workers claim, execute (the ONNX test model), commit, draw the
 * audit and settle; an honest auditor catches a lying provider, challenges, and a jury of honest workers overturns
 * the result, slashing the liar's bond.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseEther, parseEventLogs, type Address, type Hex } from "viem";
import { sha256Hex, uploadBlob } from "@eai/sdk/storage";
import { encodeTensors } from "@eai/sdk/tasks/tensors";
import { OnnxExecutor } from "../src/executors/onnx.ts";
import type { Executor } from "../src/executors/types.ts";
import { AuditState, OptimisticStatus } from "../src/optimistic/service.ts";
import { asTimelock } from "../../test/integration/fixture.ts";
import { ACCOUNT, counterValue, startHarness, waitFor, type Harness } from "./harness.ts";

let h: Harness;
let onnx: OnnxExecutor;
/** The harness switches the OPTIMISTIC roles off for the TaskMarket tests; every role on (the production default). */
const ON = { optimistic: { enabled: true } };

beforeAll(async () => {
  h = await startHarness();
  onnx = await OnnxExecutor.create({ gpuAvailable: false, intraOpThreads: 1 });
  const { token, optimistic } = h.p.contracts;
  await h.p.send(
    token.write.approve([optimistic.address, parseEther("1000000")], {
      account: h.p.wallets.requester.account,
    }),
  );
}, 240_000);
afterEach(async () => {
  await h?.stopWorkers();
});
afterAll(async () => {
  await onnx?.close();
  await h?.close();
});

/** Runs the real executor, then flips the last output byte: a provider that lies. */
function lying(inner: Executor): Executor {
  return {
    kind: inner.kind,
    supports: (m) => inner.supports(m),
    execute: async (input, model) => {
      const r = await inner.execute(input, model);
      const output = new Uint8Array(r.output);
      output[output.length - 1] = (output[output.length - 1] ?? 0) ^ 0xff;
      return { ...r, output };
    },
    close: () => inner.close(),
  };
}

const input = (seed: number) =>
  encodeTensors([{ name: "x", dtype: "float32", dims: [1, 4], data: Float32Array.from([seed, 0.5, -1, 2]) }]);

/** Posts an OPTIMISTIC task on the ONNX test model as the requester. */
async function post(bytes: Uint8Array, reward = parseEther("10")): Promise<bigint> {
  const { optimistic } = h.p.contracts;
  const blob = await uploadBlob(h.blobs.url, bytes);
  const now = BigInt(await h.p.connection.networkHelpers.time.latest());
  const receipt = await h.p.send(
    optimistic.write.postTask(
      [h.onnxModel, `0x${sha256Hex(bytes)}` as Hex, blob.uri, reward, Number(now + 86_400n), 1],
      { account: h.p.wallets.requester.account },
    ),
  );
  const [e] = parseEventLogs({ abi: optimistic.abi, logs: receipt.logs, eventName: "TaskPosted" });
  if (!e) throw new Error("TaskPosted missing");
  return e.args.taskId;
}

const task = (taskId: bigint) => h.p.contracts.optimistic.read.getTask([taskId]);
const balance = (a: Address) => h.p.contracts.token.read.balanceOf([a]);
const stake = (a: Address) => h.p.contracts.vault.read.stakeOf([a]);
const providers = () => h.p.wallets.providers.map((w) => w.account.address) as [Address, Address, Address];

describe("worker, OPTIMISTIC mode", () => {
  it("a posted task is claimed, executed, committed and, after the window, settled and paid", async () => {
    const { optimistic } = h.p.contracts;
    const workers = [
      await h.worker("o-alice", ACCOUNT.alice, { executors: { onnx }, config: ON }),
      await h.worker("o-bob", ACCOUNT.bob, { executors: { onnx }, config: ON }),
      await h.worker("o-carol", ACCOUNT.carol, { executors: { onnx }, config: ON }),
    ];
    for (const w of workers) expect(w.optimistic).toBeDefined();
    const addrs = providers();
    const balances = await Promise.all(addrs.map(balance));
    const stakes = await Promise.all(addrs.map(stake));
    for (const w of workers) w.start();
    const taskId = await post(input(1));

    await waitFor(
      "committed",
      async () => (await task(taskId)).status === OptimisticStatus.Committed,
      90_000,
    );
    const committed = await task(taskId);
    const i = addrs.findIndex((a) => a.toLowerCase() === committed.provider.toLowerCase());
    expect(i).toBeGreaterThanOrEqual(0);
    // the provider reads the audit draw itself, soon after committing
    await waitFor("audit drawn", async () => (await task(taskId)).audit !== AuditState.Undrawn, 60_000);
    // past the challenge window and any audit window (no tier-2 auditor exists for a tier-1 provider here)
    await h.mine(1_300);
    await waitFor("settled", async () => (await task(taskId)).status === OptimisticStatus.Settled, 90_000);
    const logs = await h.p.publicClient.getContractEvents({
      address: optimistic.address,
      abi: optimistic.abi,
      eventName: "TaskSettled",
      args: { taskId },
      fromBlock: 0n,
    });
    const paid = logs[0]?.args.providerAmount ?? 0n;
    expect(paid).toBe(parseEther("8")); // 10 EAI less 15% protocol and 5% creator fees
    // the worker withdraws its credits after the settlement
    await waitFor(
      "withdrawn",
      async () =>
        (await optimistic.read.creditOf([addrs[i]!])) === 0n &&
        (await balance(addrs[i]!)) === balances[i]! + paid,
      60_000,
    );
    for (const [j, a] of addrs.entries()) {
      expect(await stake(a)).toBe(stakes[j]); // the bond is back
      if (j !== i) expect(await balance(a)).toBe(balances[j]);
    }
    const w = workers[i]!;
    expect(await counterValue(w.metrics.optimisticActions, { action: "claim", result: "ok" })).toBe(1);
    expect(await counterValue(w.metrics.optimisticActions, { action: "commit", result: "ok" })).toBe(1);
    await waitFor(
      "outcome counted",
      async () => (await counterValue(w.metrics.optimisticOutcomes, { outcome: "provider-settled" })) === 1,
    );
    await waitFor("jobs cleaned", async () => workers.every((x) => x.optimistic?.jobs().tasks === 0), 30_000);
  }, 300_000);

  it("a lying provider is audited, challenged and overturned by a jury of honest workers", async () => {
    const { optimistic, disputes, reputation, timelock } = h.p.contracts;
    // Governance (the test acts as the timelock): every provider tier 3, so providers may audit each other (an
    // auditor must rank above the audited provider; tier 3 audits tier 3).
    const rp = await reputation.read.params();
    await asTimelock(h.p.connection, timelock.address, async (account) => {
      await h.p.send(
        reputation.write.setParams(
          [
            {
              ...rp,
              tier2Trust: 1,
              tier3Trust: 1,
              tier2Availability: 0,
              tier3Availability: 0,
              tier2Completed: 0,
              tier3Completed: 0,
              suspendThreshold: 0,
            },
          ],
          { account },
        ),
      );
      await h.p.send(reputation.write.setTierAges([{ tier2MinAge: 0, tier3MinAge: 0 }], { account }));
    });
    const [alice, bob, carol] = providers();
    expect((await reputation.read.standingOf([alice]))[0]).toBe(3);

    // carol lies and is the only provider; she does not read the audit draw (so the draw falls back to an audit)
    const cheater = await h.worker("l-carol", ACCOUNT.carol, {
      executors: { onnx: lying(onnx) },
      config: {
        optimistic: { enabled: true, provider: true, auditor: false, juror: false, drawAudit: false },
      },
    });
    const honest = [
      await h.worker("l-alice", ACCOUNT.alice, {
        executors: { onnx },
        config: { optimistic: { enabled: true, provider: false, auditor: true, juror: true } },
      }),
      await h.worker("l-bob", ACCOUNT.bob, {
        executors: { onnx },
        config: { optimistic: { enabled: true, provider: false, auditor: true, juror: true } },
      }),
    ];
    const before = {
      stake: await Promise.all([alice, bob, carol].map(stake)),
      balance: await Promise.all([alice, bob, carol].map(balance)),
    };
    for (const w of [cheater, ...honest]) w.start();
    const taskId = await post(input(2));
    await waitFor(
      "committed",
      async () => (await task(taskId)).status === OptimisticStatus.Committed,
      90_000,
    );
    const committed = await task(taskId);
    expect(committed.provider.toLowerCase()).toBe(carol.toLowerCase());

    // The audit seed (the hash of the block after the commit) becomes unreadable after 256 blocks: the draw then
    // always selects the task (OptimisticMarket._drawAudit). Still inside the 600 s challenge window.
    await h.p.connection.networkHelpers.mine(300);
    await h.p.send(optimistic.write.drawAudit([taskId], { account: h.p.wallets.requester.account }));
    expect((await task(taskId)).audit).toBe(AuditState.Selected);

    await waitFor(
      "challenged",
      async () => (await task(taskId)).status === OptimisticStatus.Challenged,
      120_000,
    );
    const challenged = await task(taskId);
    expect(challenged.audit).toBe(AuditState.Disputed);
    const auditor = challenged.auditor;
    expect([alice, bob].map((a) => a.toLowerCase())).toContain(auditor.toLowerCase());
    await waitFor(
      "overturned",
      async () => (await task(taskId)).status === OptimisticStatus.Overturned,
      180_000,
    );

    const [resolved] = await h.p.publicClient.getContractEvents({
      address: disputes.address,
      abi: disputes.abi,
      eventName: "DisputeResolved",
      args: { taskId },
      fromBlock: 0n,
    });
    expect(resolved?.args.verdict).toBe(1); // ChallengerWins
    // both honest workers withdraw what the dispute credited them
    await waitFor(
      "credits withdrawn",
      async () =>
        (await disputes.read.creditOf([alice])) === 0n &&
        (await disputes.read.creditOf([bob])) === 0n &&
        (await balance(alice)) > before.balance[0]! - 1n &&
        (await balance(bob)) > before.balance[1]! - 1n,
      60_000,
    );
    // the liar loses its bond, is paid nothing; the honest auditor and juror lose nothing and gain
    expect(await stake(carol)).toBe(before.stake[2]! - committed.bond);
    expect(await balance(carol)).toBe(before.balance[2]);
    expect(await stake(alice)).toBe(before.stake[0]);
    expect(await stake(bob)).toBe(before.stake[1]);
    expect((await balance(alice)) + (await balance(bob))).toBeGreaterThan(
      before.balance[0]! + before.balance[1]!,
    );
    expect(await balance(alice)).toBeGreaterThanOrEqual(before.balance[0]!);
    expect(await balance(bob)).toBeGreaterThanOrEqual(before.balance[1]!);
    // the requester gets the reward back
    expect(await optimistic.read.creditOf([h.p.wallets.requester.account.address])).toBeGreaterThanOrEqual(
      parseEther("10"),
    );
    const byAuditor = honest.find((w) => w.ctx.provider.toLowerCase() === auditor.toLowerCase())!;
    const juror = honest.find((w) => w !== byAuditor)!;
    expect(await counterValue(byAuditor.metrics.optimisticOutcomes, { outcome: "audit-challenged" })).toBe(1);
    expect(await counterValue(juror.metrics.optimisticActions, { action: "commit-vote", result: "ok" })).toBe(
      1,
    );
    expect(await counterValue(juror.metrics.optimisticActions, { action: "reveal-vote", result: "ok" })).toBe(
      1,
    );
    await waitFor(
      "cheater outcome counted",
      async () =>
        (await counterValue(cheater.metrics.optimisticOutcomes, { outcome: "provider-overturned" })) === 1,
    );
  }, 420_000);

  it("a watching challenger (no audit) catches a lying provider and the jury overturns the result", async () => {
    const { optimistic } = h.p.contracts;
    const [alice, , carol] = providers();
    const cheater = await h.worker("w-carol", ACCOUNT.carol, {
      executors: { onnx: lying(onnx) },
      config: { optimistic: { enabled: true, provider: true, auditor: false, juror: false } },
    });
    const watcher = await h.worker("w-alice", ACCOUNT.alice, {
      executors: { onnx },
      config: {
        optimistic: { enabled: true, provider: false, auditor: false, juror: false, challenger: true },
      },
    });
    const juror = await h.worker("w-bob", ACCOUNT.bob, {
      executors: { onnx },
      config: { optimistic: { enabled: true, provider: false, auditor: false, juror: true } },
    });
    const carolStake = await stake(carol);
    for (const w of [cheater, watcher, juror]) w.start();
    const taskId = await post(input(4));
    await waitFor(
      "overturned",
      async () => (await task(taskId)).status === OptimisticStatus.Overturned,
      180_000,
    );
    const [challenge] = await h.p.publicClient.getContractEvents({
      address: optimistic.address,
      abi: optimistic.abi,
      eventName: "TaskChallenged",
      args: { taskId },
      fromBlock: 0n,
    });
    expect(challenge?.args.challenger?.toLowerCase()).toBe(alice.toLowerCase());
    expect(challenge?.args.byAuditor).toBe(false);
    expect(await stake(carol)).toBe(carolStake - (await task(taskId)).bond);
    expect(await counterValue(watcher.metrics.optimisticOutcomes, { outcome: "watch-challenged" })).toBe(1);
  }, 300_000);

  it("a juror stopped after committing its vote reveals from its persisted salt after a restart", async () => {
    const { optimistic, disputes } = h.p.contracts;
    const [alice, , carol] = providers();
    const requester = h.p.wallets.requester.account;
    const provider = await h.worker("c-carol", ACCOUNT.carol, {
      executors: { onnx },
      config: { optimistic: { enabled: true, provider: true, auditor: false, juror: false } },
    });
    const jurorConfig = (maxVotesPerDispute: number) => ({
      executors: { onnx },
      config: {
        optimistic: { enabled: true, provider: false, auditor: false, juror: true, maxVotesPerDispute },
      },
    });
    // alice takes one of the three draws and commits; nothing else can happen until bob is started
    let first = await h.worker("c-alice", ACCOUNT.alice, jurorConfig(1));
    provider.start();
    first.start();
    const taskId = await post(input(3));
    await waitFor(
      "committed",
      async () => (await task(taskId)).status === OptimisticStatus.Committed,
      90_000,
    );
    expect((await task(taskId)).provider.toLowerCase()).toBe(carol.toLowerCase());
    // the requester challenges a correct result (the jury will uphold it)
    const r = await h.p.send(optimistic.write.challenge([taskId], { account: requester }));
    const [opened] = parseEventLogs({ abi: optimistic.abi, logs: r.logs, eventName: "TaskChallenged" });
    const disputeId = opened!.args.disputeId;
    const id = disputeId.toString();
    await waitFor(
      "alice committed",
      async () => first.optimistic?.store.get().disputes[id]?.phase === "committed",
      90_000,
    );
    await first.stop(0);
    const salt = first.optimistic?.store.get().disputes[id]?.salt;
    expect(salt).toMatch(/^0x[0-9a-f]{64}$/);
    const seat = await disputes.read.seatOf([disputeId, 0, alice]);
    expect(seat.draws).not.toBe(0);
    expect(seat.result).toBe(`0x${"0".repeat(64)}`);
    const aliceStake = await stake(alice);

    // bob takes the other two draws, commits and reveals (all committed opens the reveal); the dispute waits for alice
    const second = await h.worker("c-bob", ACCOUNT.bob, jurorConfig(15));
    second.start();
    await waitFor(
      "bob revealed",
      async () => second.optimistic?.store.get().disputes[id]?.phase === "revealed",
      90_000,
    );
    expect((await disputes.read.getDispute([disputeId])).open).toBe(true);

    first = await h.worker("c-alice", ACCOUNT.alice, jurorConfig(1));
    expect(first.optimistic?.store.get().disputes[id]?.salt).toBe(salt);
    first.start();
    await waitFor("resolved", async () => !(await disputes.read.getDispute([disputeId])).open, 90_000);
    const [resolved] = await h.p.publicClient.getContractEvents({
      address: disputes.address,
      abi: disputes.abi,
      eventName: "DisputeResolved",
      args: { disputeId },
      fromBlock: 0n,
    });
    expect(resolved?.args.verdict).toBe(0); // ProviderWins: the requester's challenge fails
    const reveals = await h.p.publicClient.getContractEvents({
      address: disputes.address,
      abi: disputes.abi,
      eventName: "VoteRevealed",
      args: { disputeId },
      fromBlock: 0n,
    });
    expect(reveals.map((e) => e.args.juror?.toLowerCase())).toContain(alice.toLowerCase());
    expect(await stake(alice)).toBe(aliceStake); // no juror penalty: it revealed with the majority
    expect((await task(taskId)).status).toBe(OptimisticStatus.Settled);
  }, 420_000);
});
