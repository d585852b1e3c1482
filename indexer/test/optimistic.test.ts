/**
 * OPTIMISTIC tasks and disputes in the indexer, against a real local chain: one Hardhat node, one deployment and one
 * indexer for the file (the tests run in order on them), plus a second indexer on an older deployment record,
 * started at the same time. Each test drives the contracts directly from the dev
 * accounts (local parameters: 600 s challenge and audit windows, 1 s draw steps, any tier may challenge and judge,
 * juries of 3; time moves with evm_increaseTime) and checks what the REST API answers against the chain:
 *
 *  - a task settled unchallenged (and, when its audit is drawn, the audit left unclaimed)
 *  - a random audit taken and confirmed: the auditor's fee, the audit history of both providers
 *  - a challenge by the requester, a jury of two providers (2 + 1 draws) that commit and reveal, the minority
 *    juror penalised, the verdict overturning the result
 *  - a jury without a majority: the round fails (the non-revealer penalised), a second round nobody sits, void
 *  - an older deployment record without the two contracts: the indexer starts, the tables are empty
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keccak256, maxUint256, parseEther, parseEventLogs, toHex, type Address, type Hex } from "viem";

import { asTimelock } from "../../test/integration/fixture.ts";
// the dApp's schemas of these answers: what the indexer sends must be what the web pages read
import {
  disputeDetailSchema,
  optimisticTaskListSchema,
  optimisticTaskSchema,
  providerAuditsSchema,
} from "../../web/src/lib/optimistic-views.ts";
import {
  gql,
  rest,
  startChain,
  startIndexer,
  tempDir,
  writeDeployment,
  type Chain,
  type Indexer,
} from "./harness.ts";
import { connect, type Protocol } from "./scenario.ts";

let chain: Chain;
let p: Protocol;
let idx: Indexer;
let oldIdx: Indexer;
let deploymentsDir: string;
const cleanups: (() => Promise<unknown>)[] = [];

/** `IOptimisticMarket.Status` and `AuditState` by number, as the chain answers them. */
const STATUS = [
  "None",
  "Open",
  "Claimed",
  "Committed",
  "Challenged",
  "Settled",
  "Refunded",
  "Overturned",
  "Voided",
  "Faulted",
];
const AUDIT = ["Undrawn", "NotSelected", "Selected", "Taken", "Passed", "Missed", "Disputed", "Unclaimed"];

type Wallet = Protocol["wallets"]["providers"][number];

beforeAll(async () => {
  chain = await startChain();
  cleanups.push(() => chain.stop());
  const connection = await connect(chain.url);
  const { setupProtocol } = await import("../../test/integration/fixture.ts");
  p = await setupProtocol(connection);
  const dir = await tempDir("eai-indexer-optimistic-");
  cleanups.push(dir.remove);
  deploymentsDir = `${dir.path}/deployments`;
  await writeDeployment(deploymentsDir, p.deployment);

  const { optimistic, reputation, token } = p.contracts;
  // Governance (the test acts as the timelock): a provider with one rated success reaches tier 2 (so that it may
  // audit a tier-1 provider), and half of the committed tasks are audited (the most the market allows).
  const rep = { ...(await reputation.read.params()) };
  const opt = { ...(await optimistic.read.params()) };
  await asTimelock(connection, p.contracts.timelock.address, async (account) => {
    await p.send(reputation.write.setTierAges([{ tier2MinAge: 0, tier3MinAge: 0 }], { account }));
    await p.send(
      reputation.write.setParams(
        [
          {
            ...rep,
            tier2Trust: rep.initialScore,
            tier2Availability: rep.initialScore,
            tier2Completed: 1,
            suspendThreshold: Math.min(rep.suspendThreshold, rep.initialScore - 1),
          },
        ],
        { account },
      ),
    );
    await p.send(optimistic.write.setParams([{ ...opt, auditBps: 5_000 }], { account }));
  });
  for (const w of [p.wallets.requester, ...p.wallets.providers]) {
    await p.send(token.write.approve([optimistic.address, maxUint256], { account: w.account }));
  }

  // An older deployment record, without the two contracts: a second indexer, started at the same time (the start-up
  // is most of either's cost), follows the same chain and must keep its OPTIMISTIC tables empty (last test).
  const contracts: Record<string, unknown> = { ...p.deployment.contracts };
  delete contracts.OptimisticMarket;
  delete contracts.DisputeManager;
  const record = { ...p.deployment, contracts };
  await writeDeployment(`${dir.path}/old/deployments`, record);
  [idx, oldIdx] = await Promise.all([
    startIndexer({
      rpcUrl: chain.url,
      deploymentsDir,
      schema: "optimistic",
      pgliteDir: `${dir.path}/pglite`,
    }),
    startIndexer({
      rpcUrl: chain.url,
      deploymentsDir: `${dir.path}/old/deployments`,
      schema: "old",
      pgliteDir: `${dir.path}/old/pglite`,
    }),
  ]);
  cleanups.push(
    () => idx.stop(),
    () => oldIdx.stop(),
  );
}, 300_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
}, 120_000);

async function synced() {
  await idx.waitForBlock(await chain.blockNumber());
}

const time = () => p.connection.networkHelpers.time;
const lc = (a: Address) => a.toLowerCase();

async function increaseTo(t: bigint | number) {
  if (BigInt(t) > BigInt(await time().latest())) await time().increaseTo(BigInt(t));
}

/** Posts a task as the requester; returns its id. */
async function post(reward = parseEther("20")): Promise<bigint> {
  const { optimistic } = p.contracts;
  const deadline = (await time().latest()) + 86_400;
  const receipt = await p.send(
    optimistic.write.postTask(
      [p.onnxModel, keccak256(toHex(`input-${Date.now()}`)), "eai://blob/in", reward, deadline, 1],
      { account: p.wallets.requester.account },
    ),
  );
  const [posted] = parseEventLogs({ abi: optimistic.abi, logs: receipt.logs, eventName: "TaskPosted" });
  if (!posted) throw new Error("TaskPosted not emitted");
  return posted.args.taskId;
}

/** Claims `taskId` for `who` at its draw turn (the first provider whose turn comes when `who` is not given). */
async function claim(taskId: bigint, who?: Wallet): Promise<Wallet> {
  const { optimistic } = p.contracts;
  await p.connection.networkHelpers.mine(2);
  const turns = await Promise.all(
    p.wallets.providers.map(async (w) => ({
      w,
      at: await optimistic.read.claimableAt([taskId, w.account.address]),
    })),
  );
  turns.sort((a, b) => (a.at < b.at ? -1 : 1));
  const pick = who ? turns.find((t) => t.w === who)! : turns[0]!;
  await increaseTo(pick.at);
  await p.send(optimistic.write.claim([taskId], { account: pick.w.account }));
  return pick.w;
}

async function commit(taskId: bigint, provider: Wallet, result: Hex) {
  await p.send(
    p.contracts.optimistic.write.commitResult([taskId, result, `eai://blob/out-${taskId}`], {
      account: provider.account,
    }),
  );
}

interface TaskAnswer {
  id: string;
  status: string;
  requester: string;
  provider: string | null;
  bond: string | null;
  reward: string;
  resultHash: string | null;
  resultUri: string | null;
  committedAt: number | null;
  challengeEnds: number | null;
  audit: string | null;
  auditor: string | null;
  auditDeadline: number | null;
  challenger: string | null;
  challengeBond: string | null;
  disputeId: string | null;
  verdict: string | null;
  providerAmount: string | null;
  creatorAmount: string | null;
  treasuryAmount: string | null;
  auditFee: string | null;
  refundAmount: string | null;
  head: { timestamp: number };
  challengeWindow: { endsAt: number; open: boolean; secondsLeft: number } | null;
  auditRecord: { auditor: string | null; outcome: string; state: string; fee: string | null } | null;
  disputes: { id: string }[];
  timeline: { kind: string }[];
}

async function task(id: bigint): Promise<TaskAnswer> {
  await synced();
  const r = await rest<TaskAnswer>(idx.url, `/optimistic/tasks/${id}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  optimisticTaskSchema.parse(r.body);
  return r.body;
}

/** The API's task equals `getTask(id)` on the fields both have. */
async function expectTaskMatchesChain(id: bigint) {
  const a = await task(id);
  const t = await p.contracts.optimistic.read.getTask([id]);
  expect(a.status).toBe(STATUS[t.status]);
  expect(a.requester).toBe(lc(t.requester));
  expect(a.reward).toBe(t.reward.toString());
  expect(a.provider).toBe(t.status >= 2 ? lc(t.provider) : null);
  if (t.status >= 3) {
    expect(a.resultHash).toBe(t.resultHash);
    expect(a.challengeEnds).toBe(Number(t.challengeEnds));
    expect(a.audit).toBe(AUDIT[t.audit]);
    if (t.auditDeadline !== 0) expect(a.auditDeadline).toBe(Number(t.auditDeadline));
  }
  return { a, t };
}

/** Settles a committed task after its window and, if its audit was drawn, after the audit. */
async function settleAfterWindows(id: bigint) {
  const { optimistic } = p.contracts;
  const { challengeEnds } = await optimistic.read.getTask([id]);
  await increaseTo(challengeEnds + 1);
  await p.send(optimistic.write.settle([id]));
  const t = await optimistic.read.getTask([id]);
  if (STATUS[t.status] === "Committed") {
    await increaseTo(t.auditDeadline + 1);
    await p.send(optimistic.write.settle([id]));
  }
}

let firstProvider: Wallet;

describe("OPTIMISTIC tasks in the indexer", () => {
  it("indexes a task settled unchallenged: claim, commit, the challenge window counting down, the split", async () => {
    const reward = parseEther("20");
    const id = await post(reward);
    let a = await task(id);
    expect(a.status).toBe("Open");
    expect(a.challengeWindow).toBeNull();

    firstProvider = await claim(id);
    const result = keccak256(toHex("the result"));
    await commit(id, firstProvider, result);
    ({ a } = await expectTaskMatchesChain(id));
    expect(a.status).toBe("Committed");
    expect(a.resultUri).toBe(`eai://blob/out-${id}`);
    expect(a.bond).toBe((await p.contracts.optimistic.read.bondFor([reward])).toString());
    expect(a.challengeEnds).toBe(a.committedAt! + 600);
    expect(a.challengeWindow).toEqual({
      endsAt: a.challengeEnds,
      open: true,
      secondsLeft: a.challengeEnds! - a.head.timestamp,
    });

    await settleAfterWindows(id);
    ({ a } = await expectTaskMatchesChain(id));
    expect(a.status).toBe("Settled");
    expect(a.challengeWindow?.open).toBe(false);
    // local fees: 15 % protocol, 5 % creator; no audit fee (nobody audited)
    expect(a.providerAmount).toBe(((reward * 8_000n) / 10_000n).toString());
    expect(a.creatorAmount).toBe(((reward * 500n) / 10_000n).toString());
    expect(a.treasuryAmount).toBe(((reward * 1_500n) / 10_000n).toString());
    expect(a.auditFee).toBe("0");
    const kinds = a.timeline.map((e) => e.kind);
    expect(kinds.slice(0, 3)).toEqual(["TaskPosted", "TaskClaimed", "ResultPosted"]);
    expect(kinds.at(-1)).toBe("TaskSettled");
    if (a.audit === "Unclaimed") {
      expect(kinds).toContain("AuditDrawn");
      expect(a.auditRecord).toMatchObject({ auditor: null, state: "Unclaimed", outcome: "unclaimed" });
    } else {
      expect(a.audit).toBe("NotSelected");
      expect(a.auditRecord).toBeNull();
    }
    const list = await rest<{ tasks: { id: string }[] }>(
      idx.url,
      `/optimistic/tasks?status=Settled&provider=${firstProvider.account.address}`,
    );
    expect(list.body.tasks.map((t) => t.id)).toContain(id.toString());
    optimisticTaskListSchema.parse(list.body);
  });

  it("indexes a random audit taken and confirmed, and each provider's audit history", async () => {
    const { optimistic } = p.contracts;
    // The first provider has one rated success (tier 2 under the lowered bar): it audits another provider's task.
    const auditor = firstProvider;
    const audited = p.wallets.providers.find((w) => w !== auditor)!;
    // Tasks not drawn for audit are settled only at the end: a success would lift the audited provider to tier 2,
    // and an auditor must rank above the provider it audits.
    const unaudited: bigint[] = [];
    let id: bigint | undefined;
    for (let attempt = 0; attempt < 12 && id === undefined; attempt++) {
      const candidate = await post();
      await claim(candidate, audited);
      await commit(candidate, audited, keccak256(toHex(`result-${candidate}`)));
      await p.connection.networkHelpers.mine(1);
      await p.send(optimistic.write.drawAudit([candidate]));
      if (AUDIT[(await optimistic.read.getTask([candidate])).audit] === "Selected") id = candidate;
      else unaudited.push(candidate);
    }
    if (id === undefined) throw new Error("no audit drawn in 12 tasks at 50 %");
    let { a } = await expectTaskMatchesChain(id);
    expect(a.auditRecord).toMatchObject({ state: "Selected", outcome: "pending", auditor: null });

    await increaseTo(await optimistic.read.auditableAt([id, auditor.account.address]));
    await p.send(optimistic.write.takeAudit([id], { account: auditor.account }));
    ({ a } = await expectTaskMatchesChain(id));
    expect(a.auditor).toBe(lc(auditor.account.address));
    expect(a.auditRecord).toMatchObject({ state: "Taken", outcome: "pending" });

    await p.send(optimistic.write.confirmAudit([id], { account: auditor.account }));
    await settleAfterWindows(id);
    ({ a } = await expectTaskMatchesChain(id));
    expect(a.status).toBe("Settled");
    expect(a.audit).toBe("Passed");
    const reward = BigInt(a.reward);
    const fee = (reward * 1_000n) / 10_000n;
    expect(a.auditFee).toBe(fee.toString());
    expect(a.auditRecord).toMatchObject({ state: "Passed", outcome: "passed", fee: fee.toString() });

    type Audits = {
      summary: {
        asAuditor: { taken: number; confirmed: number; passed: number; missed: number; fees: string };
        asProvider: { audited: number; passed: number; failed: number };
      };
      asAuditor: { taskId: string; outcome: string }[];
      asProvider: { taskId: string; outcome: string; auditor: string | null }[];
    };
    const mine = await rest<Audits>(idx.url, `/providers/${auditor.account.address}/audits`);
    expect(mine.status).toBe(200);
    providerAuditsSchema.parse(mine.body);
    expect(mine.body.asAuditor).toEqual([
      expect.objectContaining({ taskId: id.toString(), outcome: "passed" }),
    ]);
    expect(mine.body.summary.asAuditor).toMatchObject({ taken: 1, confirmed: 1, passed: 1, missed: 0 });
    expect(mine.body.summary.asAuditor.fees).toBe(fee.toString());
    const theirs = await rest<Audits>(idx.url, `/providers/${audited.account.address}/audits`);
    expect(theirs.body.asProvider.find((r) => r.taskId === id.toString())).toMatchObject({
      outcome: "passed",
      auditor: lc(auditor.account.address),
    });
    expect(theirs.body.summary.asProvider.failed).toBe(0);
    expect(theirs.body.summary.asProvider.passed).toBe(1);
    // every other audited task of that provider went unclaimed
    expect(theirs.body.summary.asProvider.audited).toBe(theirs.body.asProvider.length);
    const bad = await rest<{ error: string }>(idx.url, "/providers/0x1234/audits");
    expect(bad.status).toBe(400);
    for (const candidate of unaudited) await settleAfterWindows(candidate);
    for (const candidate of unaudited) expect((await task(candidate)).status).toBe("Settled");
  });

  it("indexes a challenge, the jury's commits and reveals, the penalised minority and the verdict", async () => {
    const { optimistic, disputes } = p.contracts;
    const requester = p.wallets.requester;
    const id = await post();
    const provider = await claim(id);
    const claimed = keccak256(toHex("a wrong result"));
    await commit(id, provider, claimed);

    const receipt = await p.send(optimistic.write.challenge([id], { account: requester.account }));
    const [opened] = parseEventLogs({ abi: disputes.abi, logs: receipt.logs, eventName: "DisputeOpened" });
    if (!opened) throw new Error("DisputeOpened not emitted");
    const disputeId = opened.args.disputeId;
    let { a } = await expectTaskMatchesChain(id);
    expect(a).toMatchObject({
      status: "Challenged",
      challenger: lc(requester.account.address),
      disputeId: disputeId.toString(),
      challengeBond: opened.args.challengeBond.toString(),
    });
    expect(a.challengeWindow?.open).toBe(false);
    expect(a.disputes.map((d) => d.id)).toEqual([disputeId.toString()]);

    // The jury: the two other providers, one with two draws, one with the third.
    const [major, minor] = p.wallets.providers.filter((w) => w !== provider) as [Wallet, Wallet];
    await p.connection.networkHelpers.mine(2);
    for (const juror of [major, major, minor]) {
      await increaseTo(await disputes.read.seatableAt([disputeId, juror.account.address]));
      await p.send(disputes.write.takeSeat([disputeId], { account: juror.account }));
    }
    const honest = keccak256(toHex("the right result"));
    const votes = [
      { juror: major, result: honest, salt: keccak256(toHex("salt-1")) },
      { juror: minor, result: claimed, salt: keccak256(toHex("salt-2")) },
    ];
    for (const v of votes) {
      const c = await disputes.read.voteCommitment([disputeId, 0, v.juror.account.address, v.result, v.salt]);
      await p.send(disputes.write.commitVote([disputeId, c], { account: v.juror.account }));
    }

    type Seat = {
      juror: string;
      round: number;
      draws: number;
      votes: number;
      commitment: string | null;
      result: string | null;
      penalized: boolean;
      penalty: string | null;
      penaltyRevealed: boolean | null;
      paid: string;
    };
    type DisputeAnswer = {
      id: string;
      taskId: string;
      status: string;
      provider: string;
      challenger: string;
      providerResult: string;
      round: number;
      verdict: string | null;
      majorityResult: string | null;
      toWinner: string | null;
      toJurors: string | null;
      toTreasury: string | null;
      forfeited: string;
      resolvedAt: number | null;
      task: { id: string; status: string } | null;
      rounds: number;
      juryRounds: {
        round: number;
        outcome: string;
        jurors: number;
        draws: number;
        commits: number;
        reveals: number;
        voteEnds: number;
        seats: Seat[];
      }[];
      credits: { account: string; amount: string }[];
    };
    const getDispute = async () => {
      await synced();
      const r = await rest<DisputeAnswer>(idx.url, `/disputes/${disputeId}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      disputeDetailSchema.parse(r.body);
      return r.body;
    };
    let d = await getDispute();
    expect(d).toMatchObject({
      status: "open",
      taskId: id.toString(),
      provider: lc(provider.account.address),
      challenger: lc(requester.account.address),
      providerResult: claimed,
      verdict: null,
      round: 0,
    });
    expect(d.juryRounds).toHaveLength(1);
    expect(d.rounds).toBe(1);
    expect(d.juryRounds[0]).toMatchObject({
      round: 0,
      outcome: "open",
      jurors: 2,
      draws: 3,
      commits: 2,
      reveals: 0,
    });
    for (const v of votes) {
      const seat = d.juryRounds[0]!.seats.find((s) => s.juror === lc(v.juror.account.address));
      const chainSeat = await disputes.read.seatOf([disputeId, 0, v.juror.account.address]);
      expect(seat).toMatchObject({ draws: chainSeat.draws, commitment: chainSeat.commitment, result: null });
    }

    for (const v of votes) {
      await p.send(disputes.write.revealVote([disputeId, v.result, v.salt], { account: v.juror.account }));
    }
    const resolved = await p.send(disputes.write.resolve([disputeId]));
    const [verdict] = parseEventLogs({
      abi: disputes.abi,
      logs: resolved.logs,
      eventName: "DisputeResolved",
    });
    if (!verdict) throw new Error("DisputeResolved not emitted");

    d = await getDispute();
    const chainDispute = await disputes.read.getDispute([disputeId]);
    expect(chainDispute.open).toBe(false);
    expect(d).toMatchObject({
      status: "resolved",
      verdict: "ChallengerWins",
      majorityResult: honest,
      toWinner: verdict.args.toWinner.toString(),
      toJurors: verdict.args.toJurors.toString(),
      toTreasury: verdict.args.toTreasury.toString(),
      task: { id: id.toString(), status: "Overturned" },
    });
    expect(d.resolvedAt).toBeTypeOf("number");
    expect(d.juryRounds[0]).toMatchObject({ outcome: "decided", reveals: 2 });
    const seats = d.juryRounds[0]!.seats;
    const majorSeat = seats.find((s) => s.juror === lc(major.account.address))!;
    const minorSeat = seats.find((s) => s.juror === lc(minor.account.address))!;
    const bond = chainDispute.params.jurorBond;
    expect(majorSeat).toMatchObject({ votes: 2, result: honest, penalized: false, penalty: null });
    expect(BigInt(majorSeat.paid)).toBe(verdict.args.toJurors);
    expect(minorSeat).toMatchObject({
      votes: 1,
      result: claimed,
      penalized: true,
      penalty: bond.toString(),
      penaltyRevealed: true,
      paid: "0",
    });
    expect(d.forfeited).toBe(bond.toString());
    // credits: the challenger its bond back and the winner's share, the majority juror its pay
    const credited = (who: Address) =>
      d.credits.filter((c) => c.account === lc(who)).reduce((s, c) => s + BigInt(c.amount), 0n);
    expect(credited(requester.account.address)).toBe(chainDispute.challengeBond + verdict.args.toWinner);
    expect(credited(requester.account.address) + credited(major.account.address)).toBe(
      (await disputes.read.creditOf([requester.account.address])) +
        (await disputes.read.creditOf([major.account.address])),
    );

    ({ a } = await expectTaskMatchesChain(id));
    expect(a).toMatchObject({ status: "Overturned", verdict: "ChallengerWins", refundAmount: a.reward });
    const kinds = a.timeline.map((e) => e.kind);
    expect(kinds.slice(-3)).toEqual(["TaskChallenged", "DisputeVerdictApplied", "TaskRefunded"]);

    // GraphQL has the tables and relations too
    const g = await gql<{
      dispute: {
        verdict: string;
        task: { status: string };
        seats: { items: { juror: string; votes: number }[] };
      };
    }>(
      idx.url,
      `query D($id: BigInt!) { dispute(id: $id) { verdict task { status } seats { items { juror votes } } } }`,
      { id: disputeId.toString() },
    );
    expect(g.dispute.verdict).toBe("ChallengerWins");
    expect(g.dispute.task.status).toBe("Overturned");
    expect(g.dispute.seats.items.map((x) => x.votes).sort()).toEqual([1, 2]);

    const list = await rest<{ disputes: { id: string; status: string }[] }>(
      idx.url,
      "/disputes?status=resolved",
    );
    expect(list.body.disputes.map((x) => x.id)).toContain(disputeId.toString());
    expect((await rest(idx.url, "/disputes/999")).status).toBe(404);
    expect((await rest(idx.url, "/optimistic/tasks/999")).status).toBe(404);
  });

  it("indexes a jury without a majority: a failed round, a non-revealer penalised, a second round, a void verdict", async () => {
    const { optimistic, disputes } = p.contracts;
    const requester = p.wallets.requester;
    const id = await post();
    const provider = await claim(id);
    const claimed = keccak256(toHex("a disputed result"));
    await commit(id, provider, claimed);
    const receipt = await p.send(optimistic.write.challenge([id], { account: requester.account }));
    const [opened] = parseEventLogs({ abi: disputes.abi, logs: receipt.logs, eventName: "DisputeOpened" });
    if (!opened) throw new Error("DisputeOpened not emitted");
    const disputeId = opened.args.disputeId;

    // Round 1: two draws to a juror that never reveals, one to a juror that does: 1 vote of 3, no majority.
    const [silent, voter] = p.wallets.providers.filter((w) => w !== provider) as [Wallet, Wallet];
    await p.connection.networkHelpers.mine(2);
    for (const juror of [silent, silent, voter]) {
      await increaseTo(await disputes.read.seatableAt([disputeId, juror.account.address]));
      await p.send(disputes.write.takeSeat([disputeId], { account: juror.account }));
    }
    const salt = keccak256(toHex("salt-3"));
    for (const juror of [silent, voter]) {
      const c = await disputes.read.voteCommitment([disputeId, 0, juror.account.address, claimed, salt]);
      await p.send(disputes.write.commitVote([disputeId, c], { account: juror.account }));
    }
    await p.send(disputes.write.revealVote([disputeId, claimed, salt], { account: voter.account }));
    const params = (await disputes.read.getDispute([disputeId])).params;
    const roundEnd = async () => {
      const d = await disputes.read.getDispute([disputeId]);
      return BigInt(d.roundStart) + BigInt(params.voteWindow) + BigInt(params.revealWindow) + 1n;
    };
    await increaseTo(await roundEnd());
    await p.send(disputes.write.resolve([disputeId]));
    // Round 2: nobody sits; after its windows the dispute is void.
    await increaseTo(await roundEnd());
    await p.send(disputes.write.resolve([disputeId]));

    await synced();
    const r = await rest<{
      status: string;
      verdict: string | null;
      majorityResult: string | null;
      round: number;
      rounds: number;
      failedRounds: number;
      forfeited: string;
      toTreasury: string | null;
      juryRounds: {
        round: number;
        outcome: string;
        seats: {
          juror: string;
          votes: number;
          penalized: boolean;
          penaltyRevealed: boolean | null;
          result: string | null;
        }[];
      }[];
      credits: { account: string; amount: string }[];
    }>(idx.url, `/disputes/${disputeId}`);
    disputeDetailSchema.parse(r.body);
    const d = r.body;
    expect(d).toMatchObject({
      status: "resolved",
      verdict: "Void",
      majorityResult: null,
      round: 1,
      rounds: 2,
      failedRounds: 1,
      forfeited: (2n * params.jurorBond).toString(),
    });
    expect(d.juryRounds.map((x) => x.outcome)).toEqual(["failed", "decided"]);
    expect(d.juryRounds[1]?.seats).toEqual([]);
    const seats = d.juryRounds[0]?.seats ?? [];
    expect(seats.find((x) => x.juror === lc(silent.account.address))).toMatchObject({
      votes: 2,
      result: null,
      penalized: true,
      penaltyRevealed: false,
    });
    expect(seats.find((x) => x.juror === lc(voter.account.address))).toMatchObject({
      votes: 1,
      result: claimed,
      penalized: false,
    });
    // a void dispute gives the challenger its bond back; what the dispute got of the forfeited bonds (the vault keeps
    // its treasury share) goes to the treasury: no majority to pay
    const toChallenger = d.credits.filter((c) => c.account === lc(requester.account.address));
    expect(toChallenger.map((c) => c.amount)).toEqual([opened.args.challengeBond.toString()]);
    const others = d.credits.filter((c) => c.account !== lc(requester.account.address));
    expect(others.reduce((sum, c) => sum + BigInt(c.amount), 0n).toString()).toBe(d.toTreasury);
    expect(BigInt(d.toTreasury ?? 0)).toBeGreaterThan(0n);
    const { a } = await expectTaskMatchesChain(id);
    expect(a).toMatchObject({ status: "Voided", verdict: "Void", refundAmount: a.reward });
  });

  it("starts on an older deployment record without OptimisticMarket and DisputeManager", async () => {
    const old = oldIdx;
    await old.waitForBlock(await chain.blockNumber());
    // the chain has OPTIMISTIC tasks and disputes by now (the tests above): none of them is indexed here
    const tasks = await rest<{ tasks: unknown[] }>(old.url, "/optimistic/tasks");
    expect(tasks.status).toBe(200);
    expect(tasks.body.tasks).toEqual([]);
    expect((await rest(old.url, "/optimistic/tasks/1")).status).toBe(404);
    expect((await rest<{ disputes: unknown[] }>(old.url, "/disputes")).body.disputes).toEqual([]);
    // the rest of the protocol is indexed as before
    const providers = await rest<{ total: number }>(old.url, "/leaderboard");
    expect(providers.body.total).toBe(3);
  });
});
