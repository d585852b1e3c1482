/**
 * The protocol deployment (deploy/deploy.ts, the Ignition module EAIProtocol) includes the OPTIMISTIC contracts:
 * `OptimisticMarket` and `DisputeManager` are in the deployment record, administered by the timelock alone, hold
 * the six roles deploy/optimistic.ts leaves to a proposal on older deployments, and carry the local or production
 * parameters. The last test runs a task through the roles: claim (MARKET_ROLE on the vault for the bond), commit,
 * settle (REPORTER_ROLE on Reputation for the Success), and a challenge that opens a dispute in which a juror's bond
 * is locked (setDisputeManager, MARKET_ROLE for the DisputeManager).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { keccak256, maxUint256, parseEther, parseEventLogs, toHex, type Address } from "viem";

import { deployProtocol } from "../../deploy/deploy.ts";
import { ROLES } from "../../deploy/ignition/modules/EAIProtocol.ts";
import { DEFAULT_DISPUTE_PARAMS, DEFAULT_OPTIMISTIC_PARAMS } from "../../deploy/optimistic.ts";
import { setupProtocol } from "./fixture.ts";

const Status = { Committed: 3, Challenged: 4, Settled: 5 } as const;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

describe("OPTIMISTIC contracts in the protocol deployment", () => {
  it("are in the record, administered by the timelock alone, with their six roles and local parameters", async () => {
    const connection = await network.create();
    const { contracts, deployment } = await deployProtocol(connection, { outDir: null });
    const { optimistic, disputes, vault, reputation, timelock } = contracts;
    assert.ok(same(deployment.contracts.OptimisticMarket!.address, optimistic.address));
    assert.ok(same(deployment.contracts.DisputeManager!.address, disputes.address));
    assert.ok(
      deployment.contracts.DisputeManager!.startBlock >= deployment.contracts.OptimisticMarket!.startBlock,
    );
    const deployer = deployment.deployer;
    for (const c of [optimistic, disputes]) {
      assert.equal(await c.read.hasRole([ROLES.DEFAULT_ADMIN, timelock.address]), true);
      assert.equal(await c.read.hasRole([ROLES.DEFAULT_ADMIN, deployer]), false, "the deployer kept no role");
    }
    assert.ok(same(await optimistic.read.disputeManager(), disputes.address));
    assert.equal(await vault.read.hasRole([ROLES.MARKET, optimistic.address]), true);
    assert.equal(await vault.read.hasRole([ROLES.MARKET, disputes.address]), true);
    assert.equal(await vault.read.hasRole([ROLES.SLASHER, disputes.address]), true);
    assert.equal(await vault.read.hasRole([ROLES.SLASHER, optimistic.address]), false);
    assert.equal(await reputation.read.hasRole([ROLES.REPORTER, optimistic.address]), true);
    assert.equal(await reputation.read.hasRole([ROLES.REPORTER, disputes.address]), true);
    // Local chain: 10-minute windows, one-second draws, every tier, juries of 3.
    assert.deepEqual(
      { ...(await optimistic.read.params()) },
      {
        ...DEFAULT_OPTIMISTIC_PARAMS,
        challengeWindow: 600,
        auditWindow: 600,
        drawStep: 1,
        minChallengerTier: 1,
        minAuditorTier: 1,
      },
    );
    assert.deepEqual(
      { ...(await disputes.read.params()) },
      {
        ...DEFAULT_DISPUTE_PARAMS,
        jurySize: 3,
        jurorMinTier: 1,
        voteWindow: 600,
        revealWindow: 600,
        drawStep: 1,
      },
    );
  });

  it("a production deployment (devDefaults: false) has the design's parameters", async () => {
    const connection = await network.create();
    const { contracts } = await deployProtocol(connection, { outDir: null, devDefaults: false });
    assert.deepEqual({ ...(await contracts.optimistic.read.params()) }, { ...DEFAULT_OPTIMISTIC_PARAMS });
    assert.deepEqual({ ...(await contracts.disputes.read.params()) }, { ...DEFAULT_DISPUTE_PARAMS });
  });

  it("a task is claimed, committed and settled, and a requester's challenge seats a bonded juror", async () => {
    const connection = await network.create();
    const p = await setupProtocol(connection);
    const { networkHelpers } = connection;
    const { optimistic: market, disputes, token, vault, reputation } = p.contracts;
    const requester = p.wallets.requester.account;
    await p.send(token.write.approve([market.address, maxUint256], { account: requester }));
    await p.send(token.write.approve([disputes.address, maxUint256], { account: requester }));

    async function postAndClaim() {
      const deadline = (await networkHelpers.time.latest()) + 86_400;
      const receipt = await p.send(
        market.write.postTask(
          [p.onnxModel, keccak256(toHex("input")), "eai://blob/x", parseEther("20"), deadline, 1],
          { account: requester },
        ),
      );
      const [posted] = parseEventLogs({ abi: market.abi, logs: receipt.logs, eventName: "TaskPosted" });
      assert.ok(posted);
      await networkHelpers.mine(2);
      const turns = await Promise.all(
        p.wallets.providers.map(async (w) => ({
          w,
          at: await market.read.claimableAt([posted.args.taskId, w.account.address]),
        })),
      );
      turns.sort((a, b) => (a.at < b.at ? -1 : 1));
      const first = turns[0]!;
      if (first.at > BigInt(await networkHelpers.time.latest()))
        await networkHelpers.time.increaseTo(first.at);
      await p.send(market.write.claim([posted.args.taskId], { account: first.w.account }));
      await p.send(
        market.write.commitResult([posted.args.taskId, keccak256(toHex("out")), "eai://blob/r"], {
          account: first.w.account,
        }),
      );
      assert.equal((await market.read.getTask([posted.args.taskId])).status, Status.Committed);
      return { taskId: posted.args.taskId, provider: first.w };
    }

    const a = await postAndClaim();
    const provider = a.provider.account.address as Address;
    assert.ok((await vault.read.lockedOf([provider])) > 0n, "the bond is locked through MARKET_ROLE");
    const before = await reputation.read.getRecord([provider]);
    await networkHelpers.time.increase(600 + 1);
    await p.send(market.write.settle([a.taskId]));
    if ((await market.read.getTask([a.taskId])).status !== Status.Settled) {
      await networkHelpers.time.increase(600 + 1); // an audit was drawn and not taken
      await p.send(market.write.settle([a.taskId]));
    }
    assert.equal((await market.read.getTask([a.taskId])).status, Status.Settled);
    assert.equal(await vault.read.lockedOf([provider]), 0n);
    const after = await reputation.read.getRecord([provider]);
    assert.equal(after.completed, before.completed + 1, "the Success was reported through REPORTER_ROLE");

    const b = await postAndClaim();
    const receipt = await p.send(market.write.challenge([b.taskId], { account: requester }));
    assert.equal((await market.read.getTask([b.taskId])).status, Status.Challenged);
    const [opened] = parseEventLogs({ abi: disputes.abi, logs: receipt.logs, eventName: "DisputeOpened" });
    assert.ok(opened, "the challenge opened a dispute in the DisputeManager");
    const juror = p.wallets.providers.find((w) => !same(w.account.address, b.provider.account.address))!;
    await networkHelpers.mine(2);
    const at = await disputes.read.seatableAt([opened.args.disputeId, juror.account.address]);
    if (at > BigInt(await networkHelpers.time.latest())) await networkHelpers.time.increaseTo(at);
    const lockedBefore = await vault.read.lockedOf([juror.account.address]);
    await p.send(disputes.write.takeSeat([opened.args.disputeId], { account: juror.account }));
    assert.equal(
      await vault.read.lockedOf([juror.account.address]),
      lockedBefore + DEFAULT_DISPUTE_PARAMS.jurorBond,
    );
  });
});
