/**
 * The mining-rewards scenario on the in-process network, shared by test/integration/rewards.test.ts and
 * bench/rewards-gas.ts: three honest providers prove an honest requester's ZK tasks and heartbeat, one self-dealer
 * pays itself for larger tasks, over several epochs; each epoch is closed, its root computed by the SDK script from
 * the chain's events, proposed, finalized and claimed by everyone.
 */
import { parseEther, parseEventLogs, type Address, type TransactionReceipt } from "viem";

import { computeEpochFromChain, type EpochResult } from "../../sdk/src/rewards/chain.ts";
import { INPUT, Mode, WEIGHTS, mockProof, taskBinding, type Protocol } from "./fixture.ts";

const OUTPUT = 0x9abcn;

export interface ScenarioEpoch {
  epoch: bigint;
  result: EpochResult;
  rerun: EpochResult;
  proposedRoot: `0x${string}`;
  multiplierWad: bigint;
  receipts: {
    collect: TransactionReceipt;
    close: TransactionReceipt;
    propose: TransactionReceipt;
    finalize: TransactionReceipt;
    claims: TransactionReceipt[];
  };
}

/** What an account holds in EAI, wherever it sits: wallet, stake, market credit. */
export async function holdings(p: Protocol, account: Address): Promise<bigint> {
  const { token, vault, market } = p.contracts;
  const [w, s, c] = await Promise.all([
    token.read.balanceOf([account]),
    vault.read.stakeOf([account]),
    market.read.creditOf([account, token.address]),
  ]);
  return w + s + c;
}

export async function runRewardsScenario(
  p: Protocol,
  options: { epochs: number; tasksPerHonest: number; dealerTasks: number; leaveUnclaimed?: Address },
) {
  const { token, vault, market, rewards } = p.contracts;
  const { networkHelpers, viem } = p.connection;
  const wallets = await viem.getWalletClients();
  const dealer = wallets[6]!;
  const { deployer } = p.wallets;
  const honest = p.wallets.providers;
  const { send } = p;

  await send(token.write.transfer([dealer.account.address, parseEther("100000")]));
  await send(token.write.approve([vault.address, parseEther("50000")], { account: dealer.account }));
  await send(vault.write.stake([parseEther("50000")], { account: dealer.account }));
  await send(
    p.contracts.providers.write.register(
      [
        {
          vramMiB: 24_576,
          computeCapability: 89,
          cpuCores: 16,
          ramMiB: 65_536,
          storageGiB: 500,
          bandwidthMbps: 1000,
          benchmarkScore: 6000,
          region: 0,
        },
        "RTX 4090",
        `0x${"11".repeat(32)}`,
        "",
      ],
      { account: dealer.account },
    ),
  );
  await send(token.write.approve([market.address, parseEther("100000")], { account: dealer.account }));
  await send(token.write.approve([rewards.address, parseEther("1000000")]));

  async function advanceTo(t: bigint | number) {
    if (BigInt(t) > BigInt(await networkHelpers.time.latest())) await networkHelpers.time.increaseTo(t);
  }

  async function zkTask(
    requester: (typeof wallets)[number],
    prover: (typeof wallets)[number],
    reward: bigint,
  ) {
    const now = BigInt(await networkHelpers.time.latest());
    const receipt = await send(
      market.write.submitTask(
        [
          {
            modelId: p.zkModel,
            paymentToken: token.address,
            reward,
            deadline: Number(now + 86_400n),
            execWindow: 3600,
            mode: Mode.ZK,
            redundancy: 1,
            minTier: 1,
            minResources: {
              vramMiB: 0,
              computeCapability: 0,
              cpuCores: 0,
              ramMiB: 0,
              storageGiB: 0,
              bandwidthMbps: 0,
              benchmarkScore: 0,
              region: 0,
            },
            inputCommitment: INPUT,
            inputURI: "eai://blob/sha256-input",
          },
        ],
        { account: requester.account },
      ),
    );
    const [event] = parseEventLogs({ abi: market.abi, logs: receipt.logs, eventName: "TaskSubmitted" });
    if (!event) throw new Error("TaskSubmitted not emitted");
    await advanceTo(event.args.spec.priorityUntil);
    const binding = taskBinding(p.chainId, market.address, event.args.taskId, prover.account.address);
    await send(
      market.write.submitProof(
        [event.args.taskId, event.args.spec, OUTPUT, mockProof([WEIGHTS, INPUT, OUTPUT, binding])],
        {
          account: prover.account,
        },
      ),
    );
  }

  const addresses = {
    rewards: rewards.address,
    market: market.address,
    vault: vault.address,
    providers: p.contracts.providers.address,
    models: p.contracts.models.address,
    reputation: p.contracts.reputation.address,
    token: token.address,
    fromBlock: BigInt(p.deployment.contracts.TaskMarket.startBlock),
  };
  const start = {
    dealer: await holdings(p, dealer.account.address),
    honest: await Promise.all(honest.map((h) => holdings(p, h.account.address))),
  };
  const epochs: ScenarioEpoch[] = [];
  const firstEpoch = await rewards.read.epochAt([BigInt(await networkHelpers.time.latest())]);
  for (let i = 0; i < options.epochs; i++) {
    const epoch = firstEpoch + BigInt(i);
    for (let t = 0; t < options.tasksPerHonest; t++) {
      for (const h of honest) {
        await zkTask(p.wallets.requester, h, parseEther("10"));
        await send(p.contracts.providers.write.heartbeat({ account: h.account }));
      }
    }
    // the dealer pays itself for tasks ten times larger, and heartbeats just as often
    for (let t = 0; t < options.dealerTasks; t++) {
      await zkTask(dealer, dealer, parseEther("100"));
      await send(p.contracts.providers.write.heartbeat({ account: dealer.account }));
    }
    const collect = await send(rewards.write.collectFees());
    await advanceTo(await rewards.read.epochStart([epoch + 1n]));
    const close = await send(rewards.write.closeEpoch([epoch]));
    const result = await computeEpochFromChain(p.publicClient, addresses, epoch);
    const propose = await send(
      rewards.write.proposeRoot([epoch, result.tree.root, result.total, result.computeSeconds]),
    );
    const [proposed] = parseEventLogs({ abi: rewards.abi, logs: propose.logs, eventName: "RootProposed" });
    // anyone re-runs the script against the proposed root: the same leaves, the same root
    const rerun = await computeEpochFromChain(p.publicClient, addresses, epoch);
    const ep = await rewards.read.getEpoch([epoch]);
    await networkHelpers.time.increase(ep.params.challengeWindow);
    const finalize = await send(rewards.write.finalizeRoot([epoch]));
    const claims: TransactionReceipt[] = [];
    for (const [owner, leaf] of rerun.tree.proofs) {
      if (owner === options.leaveUnclaimed?.toLowerCase()) continue;
      claims.push(
        await send(rewards.write.claim([epoch, owner, leaf.amount, leaf.proof], { account: dealer.account })),
      );
    }
    epochs.push({
      epoch,
      result,
      rerun,
      proposedRoot: proposed!.args.root!,
      multiplierWad: proposed!.args.multiplierWad!,
      receipts: { collect, close, propose, finalize, claims },
    });
  }
  const end = {
    dealer: await holdings(p, dealer.account.address),
    honest: await Promise.all(honest.map((h) => holdings(p, h.account.address))),
  };
  return {
    dealer: dealer.account.address,
    honest: honest.map((h) => h.account.address),
    start,
    end,
    epochs,
    deployer,
  };
}
