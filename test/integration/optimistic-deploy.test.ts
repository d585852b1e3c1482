/**
 * deploy/optimistic.ts next to a real protocol deployment: the deployer keeps no role, nothing works before the
 * governance calls (the vault refuses the provider's bond), and after the timelock has made them an OPTIMISTIC task
 * runs from post to withdrawal and a challenge goes to a jury whose verdict slashes the provider. Leaving out any of
 * calls 1-5 makes the second test fail (checked by hand); call 6 is used only when a juror is penalised, which
 * test/contracts/DisputeManager.t.sol covers and this file does not reach.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { keccak256, maxUint256, parseEther, parseEventLogs, toHex, zeroHash, type Address } from "viem";

import {
  DEFAULT_DISPUTE_PARAMS,
  DEFAULT_OPTIMISTIC_PARAMS,
  deployOptimistic,
  type GovernanceCall,
  type OptimisticDeployTargets,
} from "../../deploy/optimistic.ts";
import { asTimelock, setupProtocol, type Protocol } from "./fixture.ts";

/** The fixture has three providers: one claims, one challenges, the third is the whole jury (three draws). */
const SMALL_JURY = { ...DEFAULT_DISPUTE_PARAMS, jurySize: 3 };

const Status = { Open: 1, Claimed: 2, Committed: 3, Challenged: 4, Settled: 5 } as const;

async function setup() {
  const connection = await network.create();
  const p = await setupProtocol(connection);
  const c = p.contracts;
  const targets: OptimisticDeployTargets = {
    timelock: c.timelock.address,
    vault: c.vault.address,
    providers: c.providers.address,
    models: c.models.address,
    reputation: c.reputation.address,
  };
  const deployed = await deployOptimistic(connection, targets, { disputes: SMALL_JURY });
  return { connection, p, targets, ...deployed };
}

async function execute(p: Protocol, calls: readonly GovernanceCall[]) {
  const wallet = await p.connection.viem.getWalletClient(p.contracts.timelock.address);
  await asTimelock(p.connection, p.contracts.timelock.address, async () => {
    for (const call of calls) await p.send(wallet.sendTransaction({ to: call.target, data: call.data }));
  });
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Posts a task as the requester and claims it with the provider whose draw turn comes first. */
async function postAndClaim(s: Setup, reward = parseEther("20")) {
  const { p, market } = s;
  const { networkHelpers } = p.connection;
  const requester = p.wallets.requester.account;
  await p.send(p.contracts.token.write.approve([market.address, maxUint256], { account: requester }));
  const deadline = (await networkHelpers.time.latest()) + 86_400;
  const receipt = await p.send(
    market.write.postTask([p.onnxModel, keccak256(toHex("input")), "eai://blob/x", reward, deadline, 1], {
      account: requester,
    }),
  );
  const [posted] = parseEventLogs({ abi: market.abi, logs: receipt.logs, eventName: "TaskPosted" });
  assert.ok(posted);
  const taskId = posted.args.taskId;
  await networkHelpers.mine(2);
  const turns = await Promise.all(
    p.wallets.providers.map(async (w) => ({
      w,
      at: await market.read.claimableAt([taskId, w.account.address]),
    })),
  );
  turns.sort((a, b) => (a.at < b.at ? -1 : 1));
  const first = turns[0]!;
  if (first.at > BigInt(await networkHelpers.time.latest())) await networkHelpers.time.increaseTo(first.at);
  return {
    taskId,
    provider: first.w,
    claim: () => market.write.claim([taskId], { account: first.w.account }),
  };
}

describe("deploy/optimistic.ts", () => {
  it("deploys with the timelock as the only admin and grants nothing until governance calls", async () => {
    const s = await setup();
    const { p, market, disputes, calls } = s;
    const admin = await market.read.DEFAULT_ADMIN_ROLE();
    const deployer = p.wallets.deployer.account.address;
    for (const c of [market, disputes]) {
      assert.equal(await c.read.hasRole([admin, p.contracts.timelock.address]), true);
      assert.equal(await c.read.hasRole([admin, deployer]), false);
    }
    assert.deepEqual({ ...(await market.read.params()) }, { ...DEFAULT_OPTIMISTIC_PARAMS });
    assert.equal(calls.length, 6);
    const marketRole = await p.contracts.vault.read.MARKET_ROLE();
    assert.equal(await p.contracts.vault.read.hasRole([marketRole, market.address]), false);
    assert.equal((await market.read.disputeManager()).toLowerCase(), zeroHash.slice(0, 42));
    // Without the vault's MARKET_ROLE the provider's bond cannot be locked: nobody can claim.
    const { claim } = await postAndClaim(s);
    await assert.rejects(claim(), /AccessControlUnauthorizedAccount/);
    // And nobody but the timelock can make the calls.
    const stranger = p.wallets.requester;
    for (const call of calls) {
      await assert.rejects(stranger.sendTransaction({ to: call.target, data: call.data }));
    }
  });

  it("after the governance calls a task runs from post to withdrawal, and a challenge goes to a jury whose verdict slashes", async () => {
    const s = await setup();
    const { p, market, disputes, calls } = s;
    const { networkHelpers } = p.connection;
    await execute(p, calls);
    assert.equal(
      (await market.read.disputeManager()).toLowerCase(),
      (disputes.address as Address).toLowerCase(),
    );

    // Happy path: claim, commit, the windows pass, settle (an audit drawn but not taken only delays it).
    const a = await postAndClaim(s);
    await p.send(a.claim());
    const result = keccak256(toHex("result"));
    await p.send(
      market.write.commitResult([a.taskId, result, "eai://blob/r"], { account: a.provider.account }),
    );
    assert.equal((await market.read.getTask([a.taskId])).status, Status.Committed);
    await networkHelpers.time.increase(DEFAULT_OPTIMISTIC_PARAMS.challengeWindow + 1);
    await p.send(market.write.settle([a.taskId]));
    if ((await market.read.getTask([a.taskId])).status !== Status.Settled) {
      await networkHelpers.time.increase(DEFAULT_OPTIMISTIC_PARAMS.auditWindow + 1);
      await p.send(market.write.settle([a.taskId]));
    }
    assert.equal((await market.read.getTask([a.taskId])).status, Status.Settled);
    const credit = await market.read.creditOf([a.provider.account.address]);
    assert.ok(credit > 0n);
    const before = await p.contracts.token.read.balanceOf([a.provider.account.address]);
    await p.send(market.write.withdraw({ account: a.provider.account }));
    assert.equal(await p.contracts.token.read.balanceOf([a.provider.account.address]), before + credit);
    const locked = await p.contracts.vault.read.lockedOf([a.provider.account.address]);
    assert.equal(locked, 0n, "the bond was released");

    // A challenge reaches the DisputeManager. Challengers must be tier 2: the timelock lowers the tier-2 bar to a
    // fresh provider's record (initial scores, no completed task, no age) so that the other provider qualifies.
    const repParams = { ...(await p.contracts.reputation.read.params()) };
    await asTimelock(p.connection, p.contracts.timelock.address, async (account) => {
      await p.send(
        p.contracts.reputation.write.setTierAges([{ tier2MinAge: 0, tier3MinAge: 0 }], { account }),
      );
      await p.send(
        p.contracts.reputation.write.setParams(
          [
            {
              ...repParams,
              tier2Trust: repParams.initialScore,
              tier2Availability: repParams.initialScore,
              tier2Completed: 0,
              suspendThreshold: Math.min(repParams.suspendThreshold, repParams.initialScore - 1),
            },
          ],
          { account },
        ),
      );
    });
    const b = await postAndClaim(s);
    await p.send(b.claim());
    await p.send(
      market.write.commitResult([b.taskId, result, "eai://blob/r"], { account: b.provider.account }),
    );
    const challenger = p.wallets.providers.find((w) => w.account.address !== b.provider.account.address)!;
    assert.ok((await p.contracts.reputation.read.tierOf([challenger.account.address])) >= 2);
    await p.send(
      p.contracts.token.write.approve([disputes.address, maxUint256], { account: challenger.account }),
    );
    await p.send(
      p.contracts.token.write.approve([market.address, maxUint256], { account: challenger.account }),
    );
    const receipt = await p.send(market.write.challenge([b.taskId], { account: challenger.account }));
    assert.equal((await market.read.getTask([b.taskId])).status, Status.Challenged);
    const [opened] = parseEventLogs({ abi: disputes.abi, logs: receipt.logs, eventName: "DisputeOpened" });
    assert.ok(opened, "the challenge opened a dispute in the DisputeManager");
    const disputeId = opened.args.disputeId;

    // The third provider sits every draw of a three-juror round (its own bonds locked through the vault role of
    // call 3), votes a result other than the provider's, and the verdict slashes the provider (call 4) and reports
    // to Reputation (call 6).
    const juror = p.wallets.providers.find(
      (w) =>
        w.account.address !== b.provider.account.address && w.account.address !== challenger.account.address,
    )!;
    await networkHelpers.mine(2);
    for (let draw = 0; draw < SMALL_JURY.jurySize; draw++) {
      const at = await disputes.read.seatableAt([disputeId, juror.account.address]);
      if (at > BigInt(await networkHelpers.time.latest())) await networkHelpers.time.increaseTo(at);
      await p.send(disputes.write.takeSeat([disputeId], { account: juror.account }));
    }
    assert.equal(
      await p.contracts.vault.read.lockedOf([juror.account.address]),
      BigInt(SMALL_JURY.jurySize) * SMALL_JURY.jurorBond,
    );
    const honest = keccak256(toHex("the right result"));
    const salt = keccak256(toHex("salt"));
    const commitment = await disputes.read.voteCommitment([
      disputeId,
      0,
      juror.account.address,
      honest,
      salt,
    ]);
    await p.send(disputes.write.commitVote([disputeId, commitment], { account: juror.account }));
    await p.send(disputes.write.revealVote([disputeId, honest, salt], { account: juror.account }));
    const stakeBefore = await p.contracts.vault.read.stakeOf([b.provider.account.address]);
    const trustBefore = await p.contracts.reputation.read.trustScore([b.provider.account.address]);
    const resolved = await p.send(disputes.write.resolve([disputeId]));
    const [verdict] = parseEventLogs({
      abi: disputes.abi,
      logs: resolved.logs,
      eventName: "DisputeResolved",
    });
    assert.ok(verdict);
    assert.equal(verdict.args.majorityResult, honest);
    assert.equal((await disputes.read.getDispute([disputeId])).open, false);
    assert.ok((await p.contracts.vault.read.stakeOf([b.provider.account.address])) < stakeBefore, "slashed");
    assert.ok((await p.contracts.reputation.read.trustScore([b.provider.account.address])) < trustBefore);
    assert.equal(await p.contracts.vault.read.lockedOf([juror.account.address]), 0n, "juror bonds released");
    assert.ok((await disputes.read.creditOf([juror.account.address])) > 0n, "the majority juror is paid");
  });

  it("refuses bad addresses and parameters before sending anything", async () => {
    const connection = await network.create();
    const good = {
      timelock: `0x${"11".repeat(20)}`,
      vault: `0x${"22".repeat(20)}`,
      providers: `0x${"33".repeat(20)}`,
      models: `0x${"44".repeat(20)}`,
      reputation: `0x${"55".repeat(20)}`,
    };
    await assert.rejects(deployOptimistic(connection, { ...good, vault: "0x1234" }), /20-byte address/);
    await assert.rejects(
      deployOptimistic(connection, good, { optimistic: { ...DEFAULT_OPTIMISTIC_PARAMS, auditBps: -1 } }),
      /auditBps/,
    );
    // both sides of the ABI range (uint16); the contract checks the protocol's own bounds inside it
    await assert.rejects(
      deployOptimistic(connection, good, { optimistic: { ...DEFAULT_OPTIMISTIC_PARAMS, auditBps: 65_536 } }),
      /auditBps/,
    );
    await assert.rejects(
      deployOptimistic(connection, good, { disputes: { ...DEFAULT_DISPUTE_PARAMS, jurorBond: 2n ** 128n } }),
      /jurorBond/,
    );
    const publicClient = await connection.viem.getPublicClient();
    assert.equal(await publicClient.getBlockNumber(), 0n);
  });
});
