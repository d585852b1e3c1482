/**
 * Mining rewards on the in-process network, deployed through the production Ignition module: the contribution curve
 * on-chain against its float64 closed form over the whole range; and a multi-epoch scenario (three honest providers,
 * one self-dealer) in which the SDK script reproduces every posted root from the chain's events, the honest providers
 * gain, and the self-dealer ends with less EAI than it started with.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";

import { multiplierFloat } from "../../sdk/src/rewards/compute.ts";
import type { PublicClient } from "viem";

import { rewardsAddresses, rewardsStatus } from "../../sdk/src/rewards/claim.ts";
import { silentLogger } from "../../worker/src/logger.ts";
import { RewardsClaimer } from "../../worker/src/rewards.ts";
import { setupProtocol } from "./fixture.ts";
import { holdings, runRewardsScenario } from "./rewards-scenario.ts";

const DECAY = 3_600_000_000; // 1,000,000 CPU-hours in CPU-seconds

describe("mining rewards", async () => {
  const connection = await network.create();
  const p = await setupProtocol(connection);

  it("deploys with MINTER_ROLE and the market's treasury, and leaves the deployer no role", async () => {
    const { token, market, rewards, timelock } = p.contracts;
    const minter = await token.read.MINTER_ROLE();
    assert.equal(await token.read.hasRole([minter, rewards.address]), true);
    assert.equal(await token.read.hasRole([minter, p.wallets.deployer.account.address]), false);
    assert.equal((await market.read.treasury()).toLowerCase(), rewards.address.toLowerCase());
    assert.equal((await rewards.read.treasury()).toLowerCase(), timelock.address.toLowerCase());
    const admin = `0x${"00".repeat(32)}` as const;
    assert.equal(await rewards.read.hasRole([admin, p.wallets.deployer.account.address]), false);
    assert.equal(await rewards.read.hasRole([admin, timelock.address]), true);
  });

  it("computes the contribution curve like the float64 closed form over 0 – 50 decays", async () => {
    const probe = await connection.viem.deployContract("RewardsMathProbe");
    let worst = 0;
    for (let i = 0; i <= 200; i++) {
      // dense near zero, where the curve moves fastest, then out to 50 decays (flat at 1)
      const c = Math.round((i / 200) ** 2 * 50 * DECAY);
      const onChain = Number(await probe.read.multiplierWad([BigInt(c)])) / 1e18;
      const exact = multiplierFloat(c);
      const rel = Math.abs(onChain - exact) / exact;
      worst = Math.max(worst, rel);
      assert.ok(rel < 1e-14, `c=${c}: ${onChain} vs ${exact}`);
    }
    assert.ok(worst < 1e-14);
    assert.equal(await probe.read.multiplierWad([0n]), 10n * 10n ** 18n);
  });

  it("pays honest providers, reproduces every root from events, and the self-dealer loses", async () => {
    const alice = p.wallets.providers[0].account.address;
    const s = await runRewardsScenario(p, {
      epochs: 2,
      tasksPerHonest: 2,
      dealerTasks: 4,
      leaveUnclaimed: alice,
    });
    // alice's worker claims hers with the auto-claim module (worker/src/rewards.ts), through a plain wallet send
    const wallet = p.wallets.providers[0];
    const claimer = new RewardsClaimer({
      publicClient: p.publicClient as unknown as PublicClient,
      addresses: rewardsAddresses(p.deployment),
      owner: alice,
      lookbackEpochs: 30,
      intervalMs: 3_600_000,
      send: async (req) => {
        const hash = await wallet.writeContract({ ...req, account: wallet.account, chain: wallet.chain });
        const receipt = await p.publicClient.waitForTransactionReceipt({ hash });
        return { status: "mined", receipt, hash };
      },
      log: silentLogger(),
    });
    const claimed = await claimer.claimOnce();
    const expected = s.epochs.map(
      (e) => e.result.allocations.find((a) => a.owner === alice.toLowerCase())?.amount,
    );
    assert.deepEqual(
      claimed.map((c) => c.amount),
      expected,
    );
    assert.deepEqual(await claimer.claimOnce(), [], "nothing left to claim");
    // what `eai rewards status` shows
    const status = await rewardsStatus(
      p.publicClient as unknown as PublicClient,
      rewardsAddresses(p.deployment),
      alice,
    );
    assert.equal(status.claimableTotal, 0n);
    assert.equal(status.nextEpochToSettle, s.epochs[1]!.epoch + 1n);
    assert.equal(status.multiplierWad, await p.contracts.rewards.read.currentMultiplier());
    assert.equal(status.cumulativeComputeSeconds, 20n);
    s.end.honest[0] = await holdings(p, alice);
    for (const e of s.epochs) {
      assert.equal(e.result.tree.root, e.proposedRoot, "the script's root is the one posted");
      assert.equal(e.rerun.tree.root, e.proposedRoot, "a re-run after the proposal gives the same root");
      assert.ok(e.result.total > 0n);
      assert.ok(e.result.total <= e.result.payable);
      // 3 honest × 2 tasks + 4 dealer tasks; the test model declares no window and no cores: 1 CPU-second each
      assert.equal(e.result.computeSeconds, 10n);
    }
    assert.ok(
      s.epochs[1]!.multiplierWad < s.epochs[0]!.multiplierWad,
      "the curve falls as compute accumulates",
    );
    for (let i = 0; i < 3; i++) {
      // an honest provider gains its task payouts (80% of 10 EAI × 2 tasks × 2 epochs) plus what it was minted
      const owner = s.honest[i]!.toLowerCase();
      const minted = s.epochs.reduce(
        (sum, e) => sum + (e.result.allocations.find((a) => a.owner === owner)?.amount ?? 0n),
        0n,
      );
      assert.ok(minted > 0n, `honest provider ${i} is minted rewards`);
      assert.equal(
        s.end.honest[i]! - s.start.honest[i]!,
        32n * 10n ** 18n + minted,
        `honest provider ${i} gains`,
      );
    }
    assert.ok(s.end.dealer < s.start.dealer, "the self-dealer ends with less EAI");
    // what it lost is at least what it paid the treasury and the creator, less what it was minted
    const minted = s.epochs.reduce(
      (sum, e) => sum + (e.result.allocations.find((a) => a.owner === s.dealer.toLowerCase())?.amount ?? 0n),
      0n,
    );
    const paid = 2n * 4n * 20n * 10n ** 18n; // 20% of 100 EAI per task left it (treasury 15% + creator 5%)
    assert.equal(s.start.dealer - s.end.dealer, paid - minted);
    assert.ok(
      minted * 10_000n <= 2n * 4n * 15n * 10n ** 18n * 5000n,
      "minted at most half its treasury fees",
    );
  });
});
