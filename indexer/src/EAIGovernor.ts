/**
 * EAIGovernor: proposals, votes and governor settings. Time-dependent states (Pending, Active, Defeated,
 * Succeeded) are derived by the API from the stored tallies, the quorum and the chain head, as `state()` does.
 */
import { ponder } from "ponder:registry";
import schema from "ponder:schema";

import { adminEvent, bumpNetwork, lower, seconds } from "./lib.ts";

ponder.on("EAIGovernor:ProposalCreated", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(schema.proposal).values({
    id: a.proposalId,
    proposer: lower(a.proposer),
    targets: a.targets.map((t) => t.toLowerCase()),
    values: a.values.map((v) => v.toString()),
    signatures: [...a.signatures],
    calldatas: [...a.calldatas],
    description: a.description,
    voteStart: a.voteStart,
    voteEnd: a.voteEnd,
    forVotes: 0n,
    againstVotes: 0n,
    abstainVotes: 0n,
    voters: 0,
    createdAt: seconds(event),
    txHash: event.transaction.hash,
  });
  await bumpNetwork(context.db, { proposals: 1 });
});

async function castVote(
  db: Parameters<typeof adminEvent>[0],
  event: Parameters<typeof adminEvent>[1],
  args: { voter: `0x${string}`; proposalId: bigint; support: number; weight: bigint; reason: string },
  params: `0x${string}` | null,
) {
  const { voter, proposalId, support, weight, reason } = args;
  await db.insert(schema.vote).values({
    proposalId,
    voter: lower(voter),
    support,
    weight,
    reason,
    params,
    timestamp: seconds(event),
    txHash: event.transaction.hash,
  });
  await db.update(schema.proposal, { id: proposalId }).set((row) => ({
    againstVotes: row.againstVotes + (support === 0 ? weight : 0n),
    forVotes: row.forVotes + (support === 1 ? weight : 0n),
    abstainVotes: row.abstainVotes + (support === 2 ? weight : 0n),
    voters: row.voters + 1,
  }));
}

ponder.on("EAIGovernor:VoteCast", async ({ event, context }) => {
  await castVote(context.db, event, event.args, null);
});

ponder.on("EAIGovernor:VoteCastWithParams", async ({ event, context }) => {
  await castVote(context.db, event, event.args, event.args.params);
});

ponder.on("EAIGovernor:ProposalQueued", async ({ event, context }) => {
  await context.db
    .update(schema.proposal, { id: event.args.proposalId })
    .set({ queuedAt: seconds(event), eta: event.args.etaSeconds });
});

ponder.on("EAIGovernor:ProposalExecuted", async ({ event, context }) => {
  await context.db.update(schema.proposal, { id: event.args.proposalId }).set({ executedAt: seconds(event) });
});

ponder.on("EAIGovernor:ProposalCanceled", async ({ event, context }) => {
  await context.db.update(schema.proposal, { id: event.args.proposalId }).set({ canceledAt: seconds(event) });
});

ponder.on("EAIGovernor:VotingDelaySet", async ({ event, context }) => {
  await adminEvent(context.db, event, "EAIGovernor", "VotingDelaySet", event.args, {
    key: "governor",
    value: { votingDelay: event.args.newVotingDelay.toString() },
    merge: true,
  });
});

ponder.on("EAIGovernor:VotingPeriodSet", async ({ event, context }) => {
  await adminEvent(context.db, event, "EAIGovernor", "VotingPeriodSet", event.args, {
    key: "governor",
    value: { votingPeriod: event.args.newVotingPeriod.toString() },
    merge: true,
  });
});

ponder.on("EAIGovernor:ProposalThresholdSet", async ({ event, context }) => {
  await adminEvent(context.db, event, "EAIGovernor", "ProposalThresholdSet", event.args, {
    key: "governor",
    value: { proposalThreshold: event.args.newProposalThreshold.toString() },
    merge: true,
  });
});

ponder.on("EAIGovernor:QuorumNumeratorUpdated", async ({ event, context }) => {
  // The history (admin_events) is what quorum(timepoint) needs; the current value is kept for convenience.
  await adminEvent(context.db, event, "EAIGovernor", "QuorumNumeratorUpdated", event.args, {
    key: "governor",
    value: { quorumNumerator: event.args.newQuorumNumerator.toString() },
    merge: true,
  });
});

ponder.on("EAIGovernor:TimelockChange", async ({ event, context }) => {
  await adminEvent(context.db, event, "EAIGovernor", "TimelockChange", event.args, {
    key: "governor",
    value: { timelock: lower(event.args.newTimelock) },
    merge: true,
  });
});

ponder.on("EAIGovernor:EIP712DomainChanged", async ({ event, context }) => {
  await adminEvent(context.db, event, "EAIGovernor", "EIP712DomainChanged", {});
});
