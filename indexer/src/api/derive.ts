/**
 * Values the contracts compute in their views from stored state and the current time, recomputed from indexed
 * rows with the same integer arithmetic: decayed reputation scores and tiers (Reputation._current/_tier) and
 * proposal states (Governor.state with GovernorTimelockControl).
 */
import { PROPOSAL_STATES, type ProposalStateName } from "@eai/sdk/tasks/request";

/** Reputation parameters as emitted in `ParamsUpdated`. */
export interface ReputationParams {
  initialScore: number;
  halfLife: number;
  tier2Trust: number;
  tier2Availability: number;
  tier2Completed: number;
  tier3Trust: number;
  tier3Availability: number;
  tier3Completed: number;
  /** Minimum ages (seconds since the first recorded outcome) of tiers 2 and 3, from `TierAgesUpdated`. */
  tier2MinAge: number;
  tier3MinAge: number;
}

const FULL_DECAY_HALVINGS = 14n;

/** Reputation._decay: moves `score` toward `target` for `elapsed` seconds (deviation halves every `halfLife`). */
export function decay(score: number, target: number, elapsed: number, halfLife: number): number {
  if (score === target || elapsed <= 0) return score;
  const e = BigInt(elapsed);
  const h = BigInt(halfLife);
  const halvings = e / h;
  if (halvings >= FULL_DECAY_HALVINGS) return target;
  const above = score > target;
  let dev = BigInt(above ? score - target : target - score);
  dev >>= halvings;
  dev -= (dev * (e % h)) / (2n * h);
  return above ? target + Number(dev) : target - Number(dev);
}

export interface StoredReputation {
  trust: number | null;
  availability: number | null;
  completed: number;
  reputationUpdatedAt: number;
  firstRecordedAt: number;
  suspendedUntil: number;
  banned: boolean;
}

export interface Standing {
  trust: number;
  availability: number;
  tier: number;
  suspended: boolean;
  banned: boolean;
  eligible: boolean;
}

/** Reputation.getRecord/tierOf/standingOf at time `now`. */
export function standingAt(r: StoredReputation, p: ReputationParams, now: number): Standing {
  let trust = p.initialScore;
  let availability = p.initialScore;
  if (r.reputationUpdatedAt !== 0 && r.trust !== null && r.availability !== null) {
    const elapsed = now - r.reputationUpdatedAt;
    trust = decay(r.trust, p.initialScore, elapsed, p.halfLife);
    availability = decay(r.availability, p.initialScore, elapsed, p.halfLife);
  }
  const age = r.firstRecordedAt === 0 ? 0 : now - r.firstRecordedAt;
  let tier = 1;
  if (
    trust >= p.tier3Trust &&
    availability >= p.tier3Availability &&
    r.completed >= p.tier3Completed &&
    age >= p.tier3MinAge
  ) {
    tier = 3;
  } else if (
    trust >= p.tier2Trust &&
    availability >= p.tier2Availability &&
    r.completed >= p.tier2Completed &&
    age >= p.tier2MinAge
  ) {
    tier = 2;
  }
  const suspended = now < r.suspendedUntil;
  return { trust, availability, tier, suspended, banned: r.banned, eligible: !r.banned && !suspended };
}

/** OpenZeppelin's `IGovernor.ProposalState`, in enum order (the SDK's list, which the web app and the CLI use too). */
export { PROPOSAL_STATES };
export type ProposalState = ProposalStateName;

export interface StoredProposal {
  voteStart: bigint;
  voteEnd: bigint;
  forVotes: bigint;
  againstVotes: bigint;
  abstainVotes: bigint;
  eta: bigint | null;
  executedAt: number | null;
  canceledAt: number | null;
}

/**
 * Governor.state at clock `now` (a timestamp: EAIToken's clock). `quorum` is quorum(voteStart): the total supply
 * at the snapshot times the quorum numerator at the snapshot / 100. A queued proposal whose timelock operation was
 * neither executed nor cancelled stays Queued (the indexer records executions and cancellations as events).
 */
export function proposalStateAt(p: StoredProposal, quorum: bigint, now: bigint): ProposalState {
  if (p.executedAt !== null) return "Executed";
  if (p.canceledAt !== null) return "Canceled";
  if (p.voteStart >= now) return "Pending";
  if (p.voteEnd >= now) return "Active";
  const quorumReached = quorum <= p.forVotes + p.abstainVotes;
  const voteSucceeded = p.forVotes > p.againstVotes;
  if (!quorumReached || !voteSucceeded) return "Defeated";
  if (p.eta === null || p.eta === 0n) return "Succeeded";
  return "Queued";
}
