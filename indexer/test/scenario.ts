/**
 * A scripted protocol scenario on a Hardhat node reached over HTTP, in phases so that tests can stop and restart
 * the indexer between them: set-up (deploy, models, three staked providers), a ZK task and a REDUNDANT task with a
 * dishonest provider (slashed), a REDUNDANT task fault, a claimant leaving an unfilled task, an expiry and a
 * cancel, operators (offer, accept, withdraw) / heartbeats / unstaking, and a governance proposal that passes
 * (delegate, propose Reputation.setParams, vote, queue, execute).
 */
import {
  encodeAbiParameters,
  encodeFunctionData,
  keccak256,
  parseEther,
  toHex,
  type Address,
  type Hex,
} from "viem";

import { TASK_FAULT_RESULT } from "../../sdk/src/tasks/commitments.ts";
import {
  INPUT,
  Mode,
  WEIGHTS,
  asTimelock,
  mockProof,
  setupProtocol,
  taskBinding,
} from "../../test/integration/fixture.ts";

export type Protocol = Awaited<ReturnType<typeof setupProtocol>>;
type Spec = Awaited<ReturnType<Protocol["submit"]>>["spec"];

/** Connects to the node at `rpcUrl` (Hardhat's `localhost` network reads EAI_RPC_URL when first imported). */
export async function connect(rpcUrl: string) {
  process.env.EAI_RPC_URL = rpcUrl;
  const { network } = await import("hardhat");
  return network.connect("localhost");
}

export const NEW_REPUTATION_PARAMS = {
  initialScore: 5000,
  successWeightBps: 500,
  failureWeightBps: 2000,
  halfLife: 30 * 86_400,
  tier2Trust: 5100,
  tier2Availability: 5100,
  tier2Completed: 1,
  tier3Trust: 8500,
  tier3Availability: 8500,
  tier3Completed: 50,
  suspendThreshold: 3000,
  suspensionPeriod: 7 * 86_400,
  maxViolations: 5,
} as const;

export function scenario(p: Protocol) {
  const { token, vault, market, governor, reputation, providers: registry } = p.contracts;
  const { deployer, requester, providers } = p.wallets;
  const [alice, bob, carol] = providers;
  const { send, submit, claimAtTurn } = p;
  const time = p.connection.networkHelpers.time;
  const ids: {
    zk: bigint[];
    redundant: bigint[];
    faulted: bigint[];
    left: bigint[];
    expired: bigint[];
    proposal?: bigint;
  } = { zk: [], redundant: [], faulted: [], left: [], expired: [] };

  async function zkTask(provider = alice) {
    const { taskId, spec } = await submit(Mode.ZK);
    await send(market.write.claimTask([taskId, spec], { account: provider.account }));
    const binding = taskBinding(p.chainId, market.address, taskId, provider.account.address);
    const output = 0x9abcn + taskId;
    await send(
      market.write.submitProof([taskId, spec, output, mockProof([WEIGHTS, INPUT, output, binding])], {
        account: provider.account,
      }),
    );
    ids.zk.push(taskId);
    return taskId;
  }

  /** Commits and reveals `answers[i]` for `providers[i]` on a REDUNDANT task whose draws they hold. */
  async function commitReveal(taskId: bigint, spec: Spec, answers: readonly Hex[]) {
    const rows = providers.map((provider, i) => ({
      provider,
      answer: answers[i] ?? TASK_FAULT_RESULT,
      salt: keccak256(encodeAbiParameters([{ type: "uint256" }], [BigInt(i + 1)])),
      uri: answers[i] === TASK_FAULT_RESULT ? "" : `eai://blob/out-${taskId}-${i}`,
    }));
    for (const { provider, answer, salt } of rows) {
      const c = await market.read.resultCommitment([taskId, provider.account.address, answer, salt]);
      await send(market.write.commitResult([taskId, spec, c], { account: provider.account }));
    }
    for (const { provider, answer, salt, uri } of rows) {
      await send(market.write.revealResult([taskId, spec, answer, salt, uri], { account: provider.account }));
    }
  }

  /** Three providers, each at its turn; `liar` answers differently and is slashed. */
  async function redundantTask(liar = carol) {
    const { taskId, spec } = await submit(Mode.REDUNDANT);
    for (const provider of providers) await claimAtTurn(taskId, spec, provider.account);
    const truth = keccak256("0x01");
    const lie = keccak256("0x02");
    await commitReveal(
      taskId,
      spec,
      providers.map((provider) => (provider === liar ? lie : truth)),
    );
    ids.redundant.push(taskId);
    return taskId;
  }

  /** All three report a task fault: the requester gets the reward back minus the fault fee, nobody is slashed. */
  async function faultTask() {
    const { taskId, spec } = await submit(Mode.REDUNDANT);
    for (const provider of providers) await claimAtTurn(taskId, spec, provider.account);
    await commitReveal(
      taskId,
      spec,
      providers.map(() => TASK_FAULT_RESULT),
    );
    ids.faulted.push(taskId);
    return taskId;
  }

  /** One claimant of a REDUNDANT task that never fills leaves it after the fill timeout; the requester cancels. */
  async function leftTask(provider = alice) {
    const { taskId, spec } = await submit(Mode.REDUNDANT);
    await claimAtTurn(taskId, spec, provider.account);
    const { fillTimeout } = await market.read.settlementParams();
    const from = spec.createdAt + fillTimeout;
    if (from > (await time.latest())) await time.increaseTo(from);
    await send(market.write.leaveTask([taskId, spec], { account: provider.account }));
    await send(market.write.cancelTask([taskId, spec], { account: requester.account }));
    ids.left.push(taskId);
    return taskId;
  }

  /** A ZK claim that misses its deadline: expired (bond slashed, task reopened), then cancelled by the requester. */
  async function expiredTask(provider = bob) {
    const { taskId, spec } = await submit(Mode.ZK);
    await send(market.write.claimTask([taskId, spec], { account: provider.account }));
    await time.increase(spec.execWindow + 1);
    await send(market.write.expireTask([taskId, spec], { account: deployer.account }));
    await send(market.write.cancelTask([taskId, spec], { account: requester.account }));
    ids.expired.push(taskId);
    return taskId;
  }

  /** A provider withdraws its market credit; the treasury (the timelock) claims the slashed bonds. */
  async function withdrawals() {
    await send(market.write.withdraw([token.address], { account: alice.account }));
    await asTimelock(p.connection, p.contracts.timelock.address, async (account) => {
      await send(vault.write.claimCredit({ account }));
    });
  }

  async function providerChores() {
    const extra = (await p.connection.viem.getWalletClients())[7];
    if (!extra) throw new Error("the node needs 8 accounts");
    const declined = (await p.connection.viem.getWalletClients())[8];
    if (!declined) throw new Error("the node needs 9 accounts");
    await send(registry.write.authorizeOperator([extra.account.address], { account: alice.account }));
    await send(registry.write.acceptOperator([alice.account.address], { account: extra.account }));
    await send(registry.write.authorizeOperator([declined.account.address], { account: bob.account }));
    await send(registry.write.renounceOperator([bob.account.address], { account: declined.account })); // declines
    await send(registry.write.heartbeat({ account: extra.account }));
    await send(registry.write.heartbeat({ account: bob.account }));
    await send(vault.write.requestUnstake([parseEther("1000")], { account: bob.account }));
  }

  /** Delegate, propose Reputation.setParams, vote for, queue, execute. */
  async function governance() {
    await send(token.write.delegate([deployer.account.address], { account: deployer.account }));
    await time.increase(1);
    const calldata = encodeFunctionData({
      abi: reputation.abi,
      functionName: "setParams",
      args: [NEW_REPUTATION_PARAMS],
    });
    const description = `Lower tier-2 thresholds #${Date.now()}`;
    const targets = [reputation.address] as Address[];
    const values = [0n];
    const calldatas = [calldata] as Hex[];
    await send(
      governor.write.propose([targets, values, calldatas, description], { account: deployer.account }),
    );
    const descriptionHash = keccak256(toHex(description));
    const proposalId = await governor.read.hashProposal([targets, values, calldatas, descriptionHash]);
    const delay = await governor.read.votingDelay();
    await time.increase(delay + 1n);
    await send(governor.write.castVoteWithReason([proposalId, 1, "ship it"], { account: deployer.account }));
    await send(governor.write.castVote([proposalId, 0], { account: alice.account }));
    const period = await governor.read.votingPeriod();
    await time.increase(period + 1n);
    await send(
      governor.write.queue([targets, values, calldatas, descriptionHash], { account: deployer.account }),
    );
    const eta = await governor.read.proposalEta([proposalId]);
    await time.increaseTo(eta + 1n);
    await send(
      governor.write.execute([targets, values, calldatas, descriptionHash], { account: deployer.account }),
    );
    ids.proposal = proposalId;
    return proposalId;
  }

  return {
    ids,
    zkTask,
    redundantTask,
    faultTask,
    leftTask,
    expiredTask,
    withdrawals,
    providerChores,
    governance,
  };
}
