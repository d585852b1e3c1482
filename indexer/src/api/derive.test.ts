import { describe, expect, it } from "vitest";

import { decay, proposalStateAt, standingAt, type ReputationParams, type StoredProposal } from "./derive.ts";

const DAY = 86_400;
const PARAMS: ReputationParams = {
  initialScore: 5000,
  halfLife: 30 * DAY,
  tier2Trust: 7000,
  tier2Availability: 7000,
  tier2Completed: 10,
  tier3Trust: 8500,
  tier3Availability: 8500,
  tier3Completed: 50,
  tier2MinAge: 7 * DAY,
  tier3MinAge: 30 * DAY,
};

describe("decay (Reputation._decay)", () => {
  it("halves the deviation every half-life and interpolates within one, rounding like the contract", () => {
    expect(decay(7000, 5000, 0, 30 * DAY)).toBe(7000);
    expect(decay(7000, 5000, 30 * DAY, 30 * DAY)).toBe(6000);
    expect(decay(3000, 5000, 60 * DAY, 30 * DAY)).toBe(4500);
    // dev 2000 - 2000 * 15d / 60d = 1500
    expect(decay(7000, 5000, 15 * DAY, 30 * DAY)).toBe(6500);
    // integer division: 1337 - floor(1337 * 7 / 60)
    expect(decay(6337, 5000, 7, 30)).toBe(5000 + 1337 - Math.floor((1337 * 7) / 60));
    expect(decay(9000, 5000, 14 * 30 * DAY, 30 * DAY)).toBe(5000);
  });
});

describe("standingAt", () => {
  // first recorded 30 days before t = 1000: old enough for tier 3 at any later time
  const base = {
    completed: 60,
    reputationUpdatedAt: 1000,
    firstRecordedAt: 1000 - 30 * DAY,
    suspendedUntil: 0,
    banned: false,
  };
  it("starts a never-recorded provider at the initial score, tier 1", () => {
    expect(
      standingAt({ ...base, trust: null, availability: null, reputationUpdatedAt: 0 }, PARAMS, 5000),
    ).toMatchObject({
      trust: 5000,
      availability: 5000,
      tier: 1,
      eligible: true,
    });
  });
  it("drops a tier when decay takes a score below the threshold", () => {
    const r = { ...base, trust: 8600, availability: 9000 };
    expect(standingAt(r, PARAMS, 1000).tier).toBe(3);
    expect(standingAt(r, PARAMS, 1000 + 10 * DAY).tier).toBe(2);
  });
  it("needs the tier's minimum age since the first recorded outcome, both sides of each bound", () => {
    const r = { ...base, trust: 9000, availability: 9000, reputationUpdatedAt: 1000 };
    const first = 1000;
    const at = (age: number) => standingAt({ ...r, firstRecordedAt: first }, PARAMS, first + age).tier;
    expect(at(0)).toBe(1);
    expect(at(7 * DAY - 1)).toBe(1);
    expect(at(7 * DAY)).toBe(2);
    expect(at(30 * DAY - 1)).toBe(2);
    expect(
      standingAt({ ...r, firstRecordedAt: first }, { ...PARAMS, halfLife: 10_000 * DAY }, first + 30 * DAY)
        .tier,
    ).toBe(3);
    // never recorded: age 0, so only a zero minimum age lets the scores count
    expect(standingAt({ ...r, firstRecordedAt: 0 }, PARAMS, 5000).tier).toBe(1);
    expect(
      standingAt({ ...r, firstRecordedAt: 0 }, { ...PARAMS, tier2MinAge: 0, tier3MinAge: 0 }, 1000).tier,
    ).toBe(3);
  });
  it("reports suspensions and bans", () => {
    const r = { ...base, trust: 2000, availability: 5000, suspendedUntil: 2000 };
    expect(standingAt(r, PARAMS, 1999)).toMatchObject({ suspended: true, eligible: false });
    expect(standingAt(r, PARAMS, 2000)).toMatchObject({ suspended: false, eligible: true });
    expect(standingAt({ ...r, banned: true }, PARAMS, 3000).eligible).toBe(false);
  });
});

describe("proposalStateAt (Governor.state)", () => {
  const p: StoredProposal = {
    voteStart: 100n,
    voteEnd: 400n,
    forVotes: 0n,
    againstVotes: 0n,
    abstainVotes: 0n,
    eta: null,
    executedAt: null,
    canceledAt: null,
  };
  it("follows the clock, the quorum and the tallies", () => {
    expect(proposalStateAt(p, 10n, 100n)).toBe("Pending");
    expect(proposalStateAt(p, 10n, 101n)).toBe("Active");
    expect(proposalStateAt(p, 10n, 400n)).toBe("Active");
    expect(proposalStateAt(p, 10n, 401n)).toBe("Defeated");
    expect(proposalStateAt({ ...p, forVotes: 6n, abstainVotes: 4n }, 10n, 401n)).toBe("Succeeded");
    expect(proposalStateAt({ ...p, forVotes: 6n, abstainVotes: 3n }, 10n, 401n)).toBe("Defeated");
    expect(proposalStateAt({ ...p, forVotes: 10n, againstVotes: 10n }, 10n, 401n)).toBe("Defeated");
    expect(proposalStateAt({ ...p, forVotes: 10n, eta: 500n }, 10n, 450n)).toBe("Queued");
    expect(proposalStateAt({ ...p, forVotes: 10n, eta: 500n, executedAt: 501 }, 10n, 600n)).toBe("Executed");
    expect(proposalStateAt({ ...p, canceledAt: 50 }, 10n, 60n)).toBe("Canceled");
  });
});
