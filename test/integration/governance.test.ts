/**
 * Governance on the deployed protocol: a parameter changes only through Governor + timelock, never directly;
 * the guardian can pause submissions and claims and nothing else, and withdrawals keep working while paused.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { encodeFunctionData, keccak256, parseEther, toHex } from "viem";

import { Mode, setupProtocol } from "./fixture.ts";

describe("governance and guardian", async () => {
  const connection = await network.connect();
  const p = await setupProtocol(connection);
  const { token, market, governor } = p.contracts;
  const { deployer, requester, providers } = p.wallets;
  const { send } = p;
  const time = connection.networkHelpers.time;

  it("rejects a direct parameter change, even from the deployer", async () => {
    const params = await market.read.marketParams();
    await assert.rejects(
      market.write.setMarketParams([params], { account: deployer.account }),
      /AccessControlUnauthorizedAccount/,
    );
  });

  it("changes the fee split through propose, vote, queue and execute", async () => {
    await send(token.write.delegate([deployer.account.address], { account: deployer.account }));
    await time.increase(1);

    const params = await market.read.marketParams();
    const next = { ...params, providerBps: 7000, treasuryBps: 2500, creatorBps: 500 };
    const calldata = encodeFunctionData({ abi: market.abi, functionName: "setMarketParams", args: [next] });
    const description = "Raise the treasury share to 25%";
    const descriptionHash = keccak256(toHex(description));
    const targets = [market.address] as const;
    const values = [0n] as const;
    const calldatas = [calldata] as const;

    await send(
      governor.write.propose([targets, values, calldatas, description], { account: deployer.account }),
    );
    const proposalId = await governor.read.hashProposal([targets, values, calldatas, descriptionHash]);
    await time.increase(2); // voting delay
    await send(governor.write.castVote([proposalId, 1], { account: deployer.account }));
    await time.increase(301); // voting period
    assert.equal(await governor.read.state([proposalId]), 4); // Succeeded

    await send(
      governor.write.queue([targets, values, calldatas, descriptionHash], { account: deployer.account }),
    );
    await assert.rejects(
      governor.write.execute([targets, values, calldatas, descriptionHash], { account: deployer.account }),
      /TimelockUnexpectedOperationState|reverted/,
    );
    await time.increase(61); // timelock delay
    await send(
      governor.write.execute([targets, values, calldatas, descriptionHash], { account: deployer.account }),
    );

    assert.equal((await market.read.marketParams()).treasuryBps, 2500);
    assert.equal(await governor.read.state([proposalId]), 7); // Executed
  });

  it("lets the guardian pause submissions and claims while withdrawals still work", async () => {
    const [alice] = providers;
    const { taskId, spec } = await p.submit(Mode.ZK);
    await send(market.write.cancelTask([taskId, spec], { account: requester.account }));

    const guardianRole = await market.read.GUARDIAN_ROLE();
    assert.equal(await market.read.hasRole([guardianRole, deployer.account.address]), true);
    await send(market.write.pause({ account: deployer.account }));

    await assert.rejects(p.submit(Mode.ZK), /EnforcedPause/);
    const credit = await market.read.creditOf([requester.account.address, token.address]);
    assert.equal(credit, parseEther("10"));
    await send(market.write.withdraw([token.address], { account: requester.account }));
    assert.equal(await market.read.creditOf([requester.account.address, token.address]), 0n);

    // the guardian cannot touch parameters or funds
    await assert.rejects(
      market.write.setTreasury([alice.account.address], { account: deployer.account }),
      /AccessControlUnauthorizedAccount/,
    );
    await send(market.write.unpause({ account: deployer.account }));
    await p.submit(Mode.ZK);
  });
});
