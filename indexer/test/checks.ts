/**
 * Compares every API of a running indexer (REST, GraphQL, and SQL over HTTP where it is on) with the chain's own
 * state read through viem at the block the indexer reports as its head.
 */
import { expect } from "vitest";
import { parseEventLogs, type Address, type Hex } from "viem";

import * as schema from "../ponder.schema.ts";
import { PROPOSAL_STATES } from "../src/api/derive.ts";
import { gql, rest } from "./harness.ts";
import type { Protocol } from "./scenario.ts";
import { graphqlTables, type TableReader } from "./tables.ts";

const TASK_STATUS = ["None", "Open", "Claimed", "Completed", "Cancelled", "Refunded", "Faulted"] as const;
const CLASSES = ["Low", "Medium", "High"] as const;

interface StatsBody {
  head: { block: string; timestamp: number };
  emissionsDaily: { day: string; minted: string; claims: number; fees: string }[];
  tasks: { total: number; byStatus: Record<string, number> };
  providers: { registered: number; active: number };
  stake: { active: string; locked: string; unbonding: string; slashed: string };
  volumeEai: { submitted: string; completed: string; providerEarnings: string };
  fees: string;
  meanClaimToCompletionSeconds: number | null;
  meanSubmitToCompletionSeconds: number | null;
  models: number;
  proposals: number;
  token: { holders: number; totalSupply: string };
}

/** The spec a task was submitted with (from its TaskSubmitted log), and the fields the indexer copies. */
async function specOf(p: Protocol, taskId: bigint) {
  const logs = await p.publicClient.getContractEvents({
    address: p.contracts.market.address,
    abi: p.contracts.market.abi,
    eventName: "TaskSubmitted",
    args: { taskId },
    fromBlock: BigInt(p.deployment.contracts.TaskMarket.startBlock),
  });
  const [log] = parseEventLogs({ abi: p.contracts.market.abi, logs, eventName: "TaskSubmitted" });
  if (!log) throw new Error(`no TaskSubmitted for task ${taskId}`);
  const spec = log.args.spec;
  return { spec, pick: { rated: spec.rated, createdBlock: spec.createdBlock } };
}

const total = <T>(rows: T[], f: (r: T) => bigint) => rows.reduce((a, r) => a + f(r), 0n).toString();
const mean = (values: (number | null)[]) => {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0) / present.length;
};

interface RestProvider {
  address: string;
  active: boolean;
  operatorCount: number;
  lastHeartbeat: number | null;
  profile: { benchmarkClass: string };
  stake: { active: string; locked: string; unbonding: string; releaseAt: number };
  reputation: {
    trust: number;
    availability: number;
    tier: number;
    completed: number;
    failed: number;
    violations: number;
    suspendedUntil: number;
    banned: boolean;
    eligible: boolean;
  };
  credits: { ledger: string; token: string; amount: string }[];
}

/**
 * Asserts that the indexer at `url` serves exactly the chain state of protocol `p`; whole tables are read with
 * `tables` (GraphQL by default, SQL over HTTP where the indexer has it on). Returns the compared head.
 */
export async function expectIndexerMatchesChain(
  p: Protocol,
  url: string,
  tables: TableReader = graphqlTables(url),
) {
  const {
    token,
    vault,
    market,
    reputation,
    governor,
    providers: registry,
    models: modelRegistry,
  } = p.contracts;

  const stats = await rest<StatsBody>(url, "/stats");
  expect(stats.status).toBe(200);
  const blockNumber = BigInt(stats.body.head.block);
  const at = { blockNumber };
  const chainHead = await p.publicClient.getBlock({ blockNumber });
  expect(stats.body.head.timestamp).toBe(Number(chainHead.timestamp));

  // ── tasks: REST, GraphQL and SQL against getTaskState ──
  const taskCount = await market.read.taskCount(at);
  expect(stats.body.tasks.total).toBe(Number(taskCount));
  const taskRows = await tables(schema.task);
  expect(taskRows.length).toBe(Number(taskCount));
  const gqlTasks = await gql<{
    tasks: { items: { id: string; status: string; claims: number; phaseDeadline: number }[] };
  }>(url, `{ tasks(limit: 1000, orderBy: "id") { items { id status claims phaseDeadline } } }`);
  for (let id = 1n; id <= taskCount; id++) {
    const state = await market.read.getTaskState([id], at);
    const want = {
      status: TASK_STATUS[state.status],
      claims: state.claims,
      phaseDeadline: state.phaseDeadline,
    };
    const r = await rest<{ status: string; claims: number; phaseDeadline: number; timeline: unknown[] }>(
      url,
      `/tasks/${id}`,
    );
    expect(r.status).toBe(200);
    expect(
      { status: r.body.status, claims: r.body.claims, phaseDeadline: r.body.phaseDeadline },
      `task ${id} (REST)`,
    ).toEqual(want);
    expect(r.body.timeline.length).toBeGreaterThan(0);
    const g = gqlTasks.tasks.items.find((t) => BigInt(t.id) === id);
    expect(
      g && { status: g.status, claims: g.claims, phaseDeadline: g.phaseDeadline },
      `task ${id} (GraphQL)`,
    ).toEqual(want);
    const s = taskRows.find((t) => t.id === id);
    expect(
      s && { status: s.status, claims: s.claims, phaseDeadline: s.phaseDeadline },
      `task ${id} (SQL)`,
    ).toEqual(want);
  }

  // ── the task's provider: ZK claimant while claimed, then the prover (last ProofAccepted); else none ──
  const proofs = parseEventLogs({
    abi: market.abi,
    eventName: "ProofAccepted",
    logs: await p.publicClient.getContractEvents({
      address: market.address,
      abi: market.abi,
      eventName: "ProofAccepted",
      fromBlock: BigInt(p.deployment.contracts.TaskMarket.startBlock),
      toBlock: blockNumber,
    }),
  });
  let withProvider = 0;
  for (const t of taskRows) {
    let want: string | null = null;
    if (t.mode === "ZK" && t.status === "Claimed")
      want = (await market.read.claimantOf([t.id], at)).toLowerCase();
    else if (t.mode === "ZK" && t.status === "Completed")
      want = proofs.findLast((l) => l.args.taskId === t.id)?.args.provider.toLowerCase() ?? null;
    expect(t.provider, `provider of task ${t.id} (${t.mode}, ${t.status})`).toBe(want);
    const r = await rest<{ provider: string | null }>(url, `/tasks/${t.id}`);
    expect(r.body.provider, `provider of task ${t.id} (REST)`).toBe(want);
    if (want !== null) withProvider++;
  }
  expect(withProvider, "tasks with a provider").toBeGreaterThan(0);

  // ── REDUNDANT positions: the draws each claimant holds (a provider that left holds none) ──
  const claimRows = await tables(schema.taskClaim);
  for (const c of claimRows) {
    const t = taskRows.find((x) => x.id === c.taskId);
    if (t?.mode !== "REDUNDANT") continue;
    const onChain = await market.read.redundantClaimOf([c.taskId, c.provider as Address], at);
    expect(c.draws, `draws of ${c.provider} on task ${c.taskId}`).toBe(onChain.draws);
    let votes = 0;
    for (let m = onChain.draws; m !== 0; m &= m - 1) votes++;
    expect(c.votes).toBe(votes);
    expect(c.commitment ?? "0x" + "0".repeat(64)).toBe(onChain.commitment);
  }
  for (const t of taskRows) {
    expect({ rated: t.rated, createdBlock: t.createdBlock }, `spec of task ${t.id}`).toEqual(
      (await specOf(p, t.id)).pick,
    );
  }

  // ── models: approval and execution rules; allowlisted verifier code hashes; operator offers ──
  const modelRows = await tables(schema.model);
  for (const m of modelRows) {
    const onChain = await modelRegistry.read.getModel([m.id], at);
    expect(
      { creator: m.creator, approved: m.approved, active: m.active, minExecWindow: m.minExecWindow },
      `model ${m.id}`,
    ).toEqual({
      creator: onChain.creator.toLowerCase(),
      approved: onChain.approved,
      active: onChain.active,
      minExecWindow: onChain.minExecWindow,
    });
  }
  const codeHashes = await tables(schema.verifierCodeHash);
  expect(codeHashes.length).toBeGreaterThan(0);
  for (const h of codeHashes) {
    expect(h.approved).toBe(await modelRegistry.read.isVerifierCodeHashApproved([h.codeHash as Hex], at));
  }
  const offers = await tables(schema.operatorOffer);
  for (const o of offers) {
    expect(o.open, `offer ${o.provider} → ${o.operator}`).toBe(
      await registry.read.isOperatorOffered([o.provider as Address, o.operator as Address], at),
    );
  }

  // ── providers: vault, registry and reputation (decayed to the head, like the views) ──
  const providerRows = await tables(schema.provider);
  for (const wallet of p.wallets.providers) {
    const address = wallet.account.address;
    const r = await rest<RestProvider>(url, `/providers/${address}`);
    expect(r.status).toBe(200);
    const [stake, locked, [unbonding, releaseAt], info, record, tier, standing] = await Promise.all([
      vault.read.stakeOf([address], at),
      vault.read.lockedOf([address], at),
      vault.read.unbondingOf([address], at),
      registry.read.getProvider([address], at),
      reputation.read.getRecord([address], at),
      reputation.read.tierOf([address], at),
      reputation.read.standingOf([address], at),
    ]);
    expect(r.body.stake, `stake of ${address}`).toMatchObject({
      active: stake.toString(),
      locked: locked.toString(),
      unbonding: unbonding.toString(),
      releaseAt: Number(releaseAt),
    });
    expect(r.body.active).toBe(info.active);
    expect(r.body.operatorCount).toBe(info.operatorCount);
    expect(r.body.lastHeartbeat ?? 0).toBe(Number(info.lastHeartbeat));
    expect(r.body.profile.benchmarkClass).toBe(CLASSES[info.benchmarkClass]);
    expect(r.body.reputation, `reputation of ${address}`).toMatchObject({
      trust: record.trust,
      availability: record.availability,
      completed: record.completed,
      failed: record.failed,
      violations: record.violations,
      suspendedUntil: Number(record.suspendedUntil),
      banned: record.banned,
      tier,
      eligible: standing[1],
    });
    const s = providerRows.find((x) => x.address === address.toLowerCase());
    expect(s && { stake: s.stake, locked: s.locked, unbonding: s.unbonding }).toEqual({
      stake,
      locked,
      unbonding,
    });
  }
  const gqlProviders = await gql<{
    providers: { items: { address: string; stake: string; locked: string }[] };
  }>(url, `{ providers(limit: 100) { items { address stake locked } } }`);
  for (const g of gqlProviders.providers.items) {
    const address = g.address as Address;
    expect(BigInt(g.stake), `GraphQL stake of ${address}`).toBe(await vault.read.stakeOf([address], at));
    expect(BigInt(g.locked)).toBe(await vault.read.lockedOf([address], at));
  }

  // ── leaderboard: every registered provider, with the chain's tier ──
  const board = await rest<{
    total: number;
    providers: { address: string; reputation: { tier: number; trust: number } }[];
  }>(url, "/leaderboard?sort=trust");
  expect(board.status).toBe(200);
  expect(board.body.total).toBe(p.wallets.providers.length);
  for (const row of board.body.providers) {
    expect(row.reputation.tier).toBe(await reputation.read.tierOf([row.address as Address], at));
    expect(row.reputation.trust).toBe(await reputation.read.trustScore([row.address as Address], at));
  }
  const trusts = board.body.providers.map((r) => r.reputation.trust);
  expect(trusts).toEqual([...trusts].sort((a, b) => b - a));

  // ── credits of the market (per token) and of the vault ──
  const credits = await tables(schema.credit);
  expect(credits.length).toBeGreaterThan(0);
  for (const c of credits) {
    const onChain =
      c.ledger === "market"
        ? await market.read.creditOf([c.account as Address, c.token as Address], at)
        : await vault.read.creditOf([c.account as Address], at);
    expect(c.amount, `${c.ledger} credit of ${c.account}`).toBe(onChain);
  }

  // ── token: balances, votes, supply ──
  const holders = await tables(schema.tokenHolder);
  let sum = 0n;
  for (const h of holders) {
    expect(h.balance, `balance of ${h.address}`).toBe(await token.read.balanceOf([h.address as Address], at));
    sum += h.balance;
  }
  expect(sum).toBe(await token.read.totalSupply(at));
  const delegates = await gql<{ delegates: { items: { address: string; votes: string }[] } }>(
    url,
    `{ delegates(limit: 100) { items { address votes } } }`,
  );
  for (const d of delegates.delegates.items) {
    expect(BigInt(d.votes), `votes of ${d.address}`).toBe(
      await token.read.getVotes([d.address as Address], at),
    );
  }

  // ── governance: proposal state and tallies ──
  const proposals = await rest<{
    proposals: { id: string; state: string; forVotes: string; againstVotes: string; abstainVotes: string }[];
  }>(url, "/proposals");
  for (const pr of proposals.body.proposals) {
    const id = BigInt(pr.id);
    expect(pr.state, `proposal ${id}`).toBe(PROPOSAL_STATES[await governor.read.state([id], at)]);
    const [against, forVotes, abstain] = await governor.read.proposalVotes([id], at);
    expect([pr.againstVotes, pr.forVotes, pr.abstainVotes]).toEqual([against, forVotes, abstain].map(String));
  }

  // ── governed parameters ──
  const params = await tables(schema.protocolParam);
  const rep = params.find((x) => x.key === "reputation")?.value;
  const chainRep = await reputation.read.params(at);
  expect(rep).toEqual({ ...chainRep }); // every field is a uint16/uint32: numbers on both sides
  const mkt = params.find((x) => x.key === "market")?.value;
  const chainMkt = await market.read.marketParams(at);
  for (const [k, v] of Object.entries(chainMkt)) expect(mkt?.[k], `market.${k}`).toBe(v);
  expect(mkt?.treasury).toBe((await market.read.treasury(at)).toLowerCase());
  const settlement = params.find((x) => x.key === "settlement")?.value;
  const chainSettlement = await market.read.settlementParams(at);
  expect(settlement).toEqual({ ...chainSettlement, minRatedValue: chainSettlement.minRatedValue.toString() });
  const ages = params.find((x) => x.key === "tierAges")?.value;
  expect(ages).toEqual({ ...(await reputation.read.tierAges(at)) });

  // ── /stats: the totals the handlers keep equal the aggregates over the tables (and the chain's supply) ──
  const models = await tables(schema.model);
  const proposalRows = await tables(schema.proposal);
  const byStatus = Object.fromEntries(
    ["Open", "Claimed", "Completed", "Cancelled", "Refunded", "Faulted"].map((st) => [
      st,
      taskRows.filter((t) => t.status === st).length,
    ]),
  );
  const registered = providerRows.filter((r) => r.registered);
  // mining-reward emissions per day: the reward_daily rows of the last 30 days, oldest first
  const rewardDays = (await tables(schema.rewardDaily)).sort((a, b) => (a.day < b.day ? -1 : 1)).slice(-30);
  expect(stats.body.emissionsDaily, "/stats emissionsDaily").toEqual(
    rewardDays.map((r) => ({
      day: r.day,
      minted: r.minted.toString(),
      claims: r.claims,
      fees: r.fees.toString(),
    })),
  );
  expect(
    { ...stats.body, head: undefined, daily: undefined, emissionsDaily: undefined },
    "/stats totals",
  ).toEqual({
    head: undefined,
    daily: undefined,
    emissionsDaily: undefined,
    tasks: { total: Number(taskCount), byStatus },
    providers: { registered: registered.length, active: registered.filter((r) => r.active).length },
    stake: {
      active: total(providerRows, (r) => r.stake),
      locked: total(providerRows, (r) => r.locked),
      unbonding: total(providerRows, (r) => r.unbonding),
      slashed: total(providerRows, (r) => r.slashed),
    },
    volumeEai: {
      submitted: total(taskRows, (t) => t.rewardEai),
      completed: total(taskRows, (t) => (t.status === "Completed" ? t.rewardEai : 0n)),
      providerEarnings: total(providerRows, (r) => r.earningsEai),
    },
    fees: total(taskRows, (t) => (t.treasuryFee ?? 0n) + (t.creatorFee ?? 0n)),
    meanClaimToCompletionSeconds: mean(taskRows.map((t) => t.claimToCompletion)),
    meanSubmitToCompletionSeconds: mean(taskRows.map((t) => t.submitToCompletion)),
    models: models.length,
    proposals: proposalRows.length,
    token: {
      holders: holders.filter((h) => h.balance > 0n).length,
      totalSupply: (await token.read.totalSupply(at)).toString(),
    },
  });

  return { blockNumber, proposals: proposals.body.proposals };
}
