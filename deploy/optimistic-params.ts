/**
 * The OPTIMISTIC contracts' parameters (OptimisticMarket.Params, DisputeManager.Params) and the design's defaults,
 * apart from deploy/optimistic.ts so that modules without Hardhat (the Ignition module's readers, the web app's tests)
 * can import them.
 */
import { z } from "zod";

const uint = (bits: number) =>
  z
    .number()
    .int()
    .min(0)
    .max(2 ** bits - 1);
const bps = z.number().int().min(0).max(65_535);
const uint128 = z
  .bigint()
  .min(0n)
  .max(2n ** 128n - 1n);

/** OptimisticMarket.Params (the contract checks the ranges between them, e.g. fees summing below 100%). */
export const OptimisticParamsSchema = z.object({
  challengeWindow: uint(32),
  auditWindow: uint(32),
  drawStep: uint(32),
  bondBps: uint(32),
  challengeBondBps: bps,
  auditBps: bps,
  protocolFeeBps: bps,
  creatorFeeBps: bps,
  auditFeeBps: bps,
  minChallengerTier: uint(8),
  minAuditorTier: uint(8),
  minBond: uint128,
});
export type OptimisticParams = z.infer<typeof OptimisticParamsSchema>;

/** DisputeManager.Params. */
export const DisputeParamsSchema = z.object({
  jurySize: uint(8),
  jurorMinTier: uint(8),
  maxRounds: uint(8),
  voteWindow: uint(32),
  revealWindow: uint(32),
  drawStep: uint(32),
  jurorShareBps: bps,
  jurorBond: uint128,
});
export type DisputeParams = z.infer<typeof DisputeParamsSchema>;

/**
 * The design's figures (docs/AUDITS.md): 2 h challenge and audit windows, a bond of 2× the reward (at least 10 EAI),
 * audits of 10% of tasks paid 10% of the reward, a challenge bond of 1× the provider bond (2× the reward) from tier 2 up, a jury of 5 of
 * tier 2 and up with a 20 EAI bond, two rounds.
 */
export const DEFAULT_OPTIMISTIC_PARAMS: OptimisticParams = {
  challengeWindow: 2 * 3600,
  auditWindow: 2 * 3600,
  drawStep: 30,
  bondBps: 20_000,
  challengeBondBps: 10_000,
  auditBps: 1_000,
  protocolFeeBps: 1_500,
  creatorFeeBps: 500,
  auditFeeBps: 1_000,
  minChallengerTier: 2,
  minAuditorTier: 2,
  minBond: 10n * 10n ** 18n,
};

export const DEFAULT_DISPUTE_PARAMS: DisputeParams = {
  jurySize: 5,
  jurorMinTier: 2,
  maxRounds: 2,
  voteWindow: 2 * 3600,
  revealWindow: 3600,
  drawStep: 30,
  jurorShareBps: 3_000,
  jurorBond: 20n * 10n ** 18n,
};
