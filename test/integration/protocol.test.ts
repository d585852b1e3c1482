/**
 * End-to-end protocol test on the in-process network: deploys through the same Ignition module as production
 * (deploy/ignition/modules/EAIProtocol.ts), then runs one ZK task (with the test verifier from contracts/mocks)
 * and one REDUNDANT task (three providers, one dishonest) from submit to withdraw.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { encodeAbiParameters, keccak256, parseEther, parseEventLogs, type Address } from "viem";

import { INPUT, Mode, WEIGHTS, mockProof, setupProtocol, taskBinding } from "./fixture.ts";

const OUTPUT = 0x9abcn;

describe("EAI protocol end to end", async () => {
  const p = await setupProtocol(await network.create());
  const { token, vault, market, timelock } = p.contracts;
  const { deployer, creator, requester, providers } = p.wallets;
  const [alice, bob, carol] = providers;
  const { send, submit } = p;

  it("hands every admin role to the timelock", async () => {
    const admin = "0x0000000000000000000000000000000000000000000000000000000000000000";
    const c = p.contracts;
    for (const contract of [c.token, c.vault, c.providers, c.models, c.reputation, c.market, c.rewards]) {
      assert.equal(await contract.read.hasRole([admin, timelock.address]), true);
      assert.equal(await contract.read.hasRole([admin, deployer.account.address]), false);
    }
  });

  async function withdraw(account: Address) {
    const before = await token.read.balanceOf([account]);
    const credit = await market.read.creditOf([account, token.address]);
    await send(market.write.withdraw([token.address], { account }));
    assert.equal(await token.read.balanceOf([account]), before + credit);
    return credit;
  }

  it("runs a ZK task from submit to withdraw", async () => {
    const { taskId, spec } = await submit(Mode.ZK);
    await send(market.write.claimTask([taskId, spec], { account: alice.account }));
    assert.equal(await vault.read.lockedOf([alice.account.address]), spec.bond);

    const binding = taskBinding(p.chainId, market.address, taskId, alice.account.address);
    const proof = mockProof([WEIGHTS, INPUT, OUTPUT, binding]);
    await send(market.write.submitProof([taskId, spec, OUTPUT, proof], { account: alice.account }));

    const state = await market.read.getTaskState([taskId]);
    assert.equal(state.status, 3); // Completed
    assert.equal(await vault.read.lockedOf([alice.account.address]), 0n);
    assert.equal(await withdraw(alice.account.address), parseEther("8"));
    assert.equal(await withdraw(creator.account.address), parseEther("0.5"));
    // the treasury share is credited to MiningRewards, the market's treasury, which forwards it to the timelock
    assert.equal(await market.read.creditOf([p.contracts.rewards.address, token.address]), parseEther("1.5"));
  });

  it("runs a REDUNDANT task with one dishonest provider from submit to withdraw", async () => {
    const { taskId, spec } = await submit(Mode.REDUNDANT);
    for (const provider of providers) await p.claimAtTurn(taskId, spec, provider.account);

    const truth = keccak256("0x01");
    const lie = keccak256("0x02");
    const answers = [truth, truth, lie] as const;
    const salts = providers.map((_, i) =>
      keccak256(encodeAbiParameters([{ type: "uint256" }], [BigInt(i + 1)])),
    );
    for (const [i, provider] of providers.entries()) {
      // computed here, independently of the market's own resultCommitment view
      const c = keccak256(
        encodeAbiParameters(
          [
            { type: "uint256" },
            { type: "address" },
            { type: "uint256" },
            { type: "address" },
            { type: "bytes32" },
            { type: "bytes32" },
          ],
          [p.chainId, market.address, taskId, provider.account.address, answers[i]!, salts[i]!],
        ),
      );
      await send(market.write.commitResult([taskId, spec, c], { account: provider.account }));
    }
    const carolStake = await vault.read.stakeOf([carol.account.address]);
    let last;
    for (const [i, provider] of providers.entries()) {
      last = await send(
        market.write.revealResult([taskId, spec, answers[i]!, salts[i]!, "eai://blob/out"], {
          account: provider.account,
        }),
      );
    }
    assert.ok(last);
    const completed = parseEventLogs({ abi: market.abi, logs: last.logs, eventName: "TaskCompleted" });
    assert.equal(completed[0]?.args.winners, 2);
    assert.equal(completed[0]?.args.result, truth);
    assert.equal(await vault.read.stakeOf([carol.account.address]), carolStake - spec.bond);

    const each = (parseEther("10") * 8000n) / 10_000n / 2n;
    assert.equal(await withdraw(bob.account.address), each);
    assert.equal(await market.read.creditOf([carol.account.address, token.address]), 0n);
    // the liar's whole bond went to the treasury; the requester, who chose model and input, got nothing of it
    assert.equal(await vault.read.creditOf([requester.account.address]), 0n);
    assert.equal(await vault.read.creditOf([timelock.address]), spec.bond);
  });
});
