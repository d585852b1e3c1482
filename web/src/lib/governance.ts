/**
 * Governance helpers of the web app: the catalogue of governed parameters (every setter the timelock may call,
 * docs/PARAMETERS.md) with units, on-chain bounds and the conversion of a typed "new value" into the call a
 * proposal makes; a readable form of a proposal's calls; and the indexer's proposal answers.
 * Struct setters (`setMarketParams`, `setSettlementParams`, `Reputation.setParams`, `Reputation.setTierAges`,
 * `setStakeParams`, `setClassThresholds`) are built from today's values with one field replaced; per-model setters
 * (`ModelRegistry.setModelApproved`, `setMinExecWindow`) take the model id first.
 */
import { decodeFunctionData, formatUnits, keccak256, parseUnits, type Address, type Hex } from "viem";
import { z } from "zod";
import type { ProtocolContract } from "@eai/sdk/deployments";
import {
  PROPOSAL_STATES,
  PROTOCOL_ABIS,
  type GovernedContract,
  type ProposalStateName,
} from "@eai/sdk/tasks/request";
import { formatDuration, formatToken, shortAddress } from "./format.ts";
import { parseAddress, type Parsed } from "./form-values.ts";

/** `TaskMarket.marketParams()`. */
export interface MarketParamsValue {
  providerBps: number;
  treasuryBps: number;
  creatorBps: number;
  zkBondRatioBps: number;
  redundantBondRatioBps: number;
  priorityWindow: number;
  revealWindow: number;
  maxRedundancy: number;
  minExecWindow: number;
  maxTaskLifetime: number;
}

/** `TaskMarket.settlementParams()`. */
export interface SettlementParamsValue {
  drawStep: number;
  fillTimeout: number;
  faultFeeBps: number;
  minRatedValue: bigint;
}

/** `Reputation.tierAges()`. */
export interface TierAgesValue {
  tier2MinAge: number;
  tier3MinAge: number;
}

/** `Reputation.params()`. */
export interface ReputationParamsValue {
  initialScore: number;
  successWeightBps: number;
  failureWeightBps: number;
  halfLife: number;
  tier2Trust: number;
  tier2Availability: number;
  tier2Completed: number;
  tier3Trust: number;
  tier3Availability: number;
  tier3Completed: number;
  suspendThreshold: number;
  suspensionPeriod: number;
  maxViolations: number;
}

/** Today's value of every governed parameter, read from the chain. */
export interface GovernedValues {
  market: MarketParamsValue;
  settlement: SettlementParamsValue;
  bondFloor: bigint;
  minProviderStake: bigint;
  marketTreasury: Address;
  unbondingPeriod: number;
  slashTreasuryBps: number;
  vaultTreasury: Address;
  classThresholds: { medium: number; high: number };
  reputation: ReputationParamsValue;
  tierAges: TierAgesValue;
  /** `ModelRegistry.modelCount()`: ids 1..modelCount exist. */
  modelCount: number;
  votingDelay: number;
  votingPeriod: number;
  proposalThreshold: bigint;
  quorumNumerator: number;
  quorumDenominator: number;
  timelockDelay: number;
}

/** A governed call without its description: what a parameter's new value turns into. */
export interface GovernedCall {
  contract: GovernedContract;
  functionName: string;
  args: readonly unknown[];
}

/** One entry of the "Parameter" select. */
export interface GovernedParameter {
  id: string;
  contract: GovernedContract;
  setter: string;
  label: string;
  /** Unit and bounds, shown under "New value". */
  hint: string;
  /** Today's value in the format "New value" takes. */
  current: (v: GovernedValues) => string;
  /** Today's value in words (with units). */
  describe: (v: GovernedValues) => string;
  /** The call for a typed new value, or what is wrong with it. */
  build: (
    text: string,
    v: GovernedValues,
    addresses: Record<ProtocolContract, Address>,
  ) => Parsed<GovernedCall>;
}

const DAY = 86_400;
const U16 = 2 ** 16 - 1;
const U32 = 2 ** 32 - 1;
const U48 = 2 ** 48 - 1;

/** Parses a whole number within [min, max]. */
export function parseWhole(text: string, min: number, max: number, unit = ""): Parsed<number> {
  const t = text.trim().replace(/_/g, "");
  const u = unit ? ` ${unit}` : "";
  if (!/^\d+$/.test(t)) return { error: `Enter a whole number${u ? ` (${unit})` : ""}.` };
  const n = Number(t);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    return { error: `Must be between ${min}${u} and ${max}${u}.` };
  return { value: n };
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: DAY };

/** Parses a duration: seconds ("600") or with units ("10m", "2h", "7d", "1d 12h"). */
export function parseDuration(text: string, min: number, max: number): Parsed<number> {
  const t = text.trim().toLowerCase();
  if (!t) return { error: "Enter a duration: seconds, or with units such as 10m, 2h or 7d." };
  let total = 0;
  if (/^\d+$/.test(t)) total = Number(t);
  else {
    const parts = t.split(/\s+/);
    for (const part of parts) {
      const m = /^(\d+)(s|m|h|d)$/.exec(part);
      if (!m) return { error: `"${part}" is not a duration: use seconds, or numbers with s, m, h or d.` };
      total += Number(m[1]) * (DURATION_UNITS[m[2] as string] as number);
    }
  }
  if (!Number.isSafeInteger(total) || total < min || total > max) {
    return { error: `Must be between ${describeSeconds(min)} and ${describeSeconds(max)}.` };
  }
  return { value: total };
}

function describeSeconds(s: number): string {
  return s === 0 ? "0 s" : `${s} s (${formatDuration(s)})`;
}

/** Parses an EAI amount (whole tokens, up to 18 decimals) into wei within [min, max]. */
export function parseEai(text: string, min: bigint, max: bigint): Parsed<bigint> {
  const t = text.trim().replace(/_/g, "");
  if (!/^\d+(\.\d{1,18})?$/.test(t)) return { error: "Enter an amount in EAI, e.g. 100 or 0.5." };
  const v = parseUnits(t, 18);
  if (v < min) return { error: `Must be at least ${formatToken(min, "EAI", 18)}.` };
  if (v > max) return { error: `Must be at most ${formatToken(max, "EAI", 18)}.` };
  return { value: v };
}

const eai = (wei: bigint) => formatUnits(wei, 18);
const bpsText = (bps: number) =>
  `${bps} bps (${(bps / 100).toLocaleString("en", { maximumFractionDigits: 2 })}%)`;

type MarketKey = keyof MarketParamsValue;

/** How a catalogue entry's number is typed and shown: a duration, basis points or a plain count. */
type ValueKind = "bps" | "seconds" | "count";

/** A value of `kind` in words (with units). */
function describeKind(kind: ValueKind, value: number): string {
  return kind === "seconds" ? describeSeconds(value) : kind === "bps" ? bpsText(value) : String(value);
}

/** Parses a typed value of `kind` within [min, max]. */
function parseKind(kind: ValueKind, text: string, min: number, max: number): Parsed<number> {
  return kind === "seconds"
    ? parseDuration(text, min, max)
    : parseWhole(text, min, max, kind === "bps" ? "bps" : "");
}

/**
 * TaskMarket's cross-field rule: a task must be able to live through the priority window, an execution window and a
 * reveal window (`maxTaskLifetime >= priorityWindow + minExecWindow + revealWindow`, `TaskMarketInvalidParam`).
 */
export function marketParamsProblem(p: MarketParamsValue): string | null {
  const shortest = p.priorityWindow + p.minExecWindow + p.revealWindow;
  if (p.maxTaskLifetime < shortest) {
    return (
      `The maximum task lifetime (${describeSeconds(p.maxTaskLifetime)}) must be at least the priority window, ` +
      `the minimum execution window and the reveal window together (${describeSeconds(shortest)}).`
    );
  }
  return null;
}

function marketField(
  key: Exclude<MarketKey, "providerBps" | "treasuryBps" | "creatorBps">,
  label: string,
  kind: ValueKind,
  min: number,
  max: number,
  note = "",
): GovernedParameter {
  const bounds =
    kind === "seconds"
      ? `Seconds, or with units (10m, 2h, 7d); ${describeSeconds(min)} to ${describeSeconds(max)}.`
      : kind === "bps"
        ? `Basis points (10 000 = 100%), ${min} to ${max}.`
        : `A whole number from ${min} to ${max}.`;
  return {
    id: `TaskMarket.${key}`,
    contract: "TaskMarket",
    setter: "setMarketParams",
    label: `Task market: ${label}`,
    hint: `${bounds}${note ? ` ${note}` : ""} Sent as setMarketParams with every other market parameter unchanged.`,
    current: (v) => String(v.market[key]),
    describe: (v) => describeKind(kind, v.market[key]),
    build: (text, v) => {
      const parsed = parseKind(kind, text, min, max);
      if (parsed.error !== undefined) return parsed;
      const next = { ...v.market, [key]: parsed.value };
      const problem = marketParamsProblem(next);
      if (problem) return { error: problem };
      return { value: { contract: "TaskMarket", functionName: "setMarketParams", args: [next] } };
    },
  };
}

function settlementField(
  key: Exclude<keyof SettlementParamsValue, "minRatedValue">,
  label: string,
  kind: ValueKind,
  min: number,
  max: number,
  note: string,
): GovernedParameter {
  const bounds =
    kind === "seconds"
      ? `Seconds, or with units (10m, 2h, 7d); ${describeSeconds(min)} to ${describeSeconds(max)}.`
      : `Basis points (10 000 = 100%), ${min} to ${max}.`;
  return {
    id: `TaskMarket.${key}`,
    contract: "TaskMarket",
    setter: "setSettlementParams",
    label: `Task market: ${label}`,
    hint: `${bounds} ${note} Sent as setSettlementParams with every other settlement parameter unchanged.`,
    current: (v) => String(v.settlement[key]),
    describe: (v) => describeKind(kind, v.settlement[key]),
    build: (text, v) => {
      const parsed = parseKind(kind, text, min, max);
      if (parsed.error !== undefined) return parsed;
      return {
        value: {
          contract: "TaskMarket",
          functionName: "setSettlementParams",
          args: [{ ...v.settlement, [key]: parsed.value }],
        },
      };
    },
  };
}

function tierAgeField(key: keyof TierAgesValue, tier: 2 | 3): GovernedParameter {
  return {
    id: `Reputation.${key}`,
    contract: "Reputation",
    setter: "setTierAges",
    label: `Reputation: minimum age for tier ${tier} (time since the first recorded outcome)`,
    hint:
      `Seconds, or with units (30d); 0 s to ${describeSeconds(MAX_TIER_AGE)}, tier 2 at most tier 3. ` +
      "Sent as Reputation.setTierAges with the other tier's age unchanged.",
    current: (v) => String(v.tierAges[key]),
    describe: (v) => describeSeconds(v.tierAges[key]),
    build: (text, v) => {
      const parsed = parseDuration(text, 0, MAX_TIER_AGE);
      if (parsed.error !== undefined) return parsed;
      const next = { ...v.tierAges, [key]: parsed.value };
      if (next.tier2MinAge > next.tier3MinAge) {
        return {
          error:
            tier === 2
              ? `Must not exceed the tier 3 age (${describeSeconds(next.tier3MinAge)}).`
              : `Must be at least the tier 2 age (${describeSeconds(next.tier2MinAge)}).`,
        };
      }
      return { value: { contract: "Reputation", functionName: "setTierAges", args: [next] } };
    },
  };
}

/** "yes"/"no" (also on/off, true/false, approve/withdraw), or null. */
function parseYesNo(text: string): boolean | null {
  const t = text.trim().toLowerCase();
  if (["yes", "on", "true", "approve"].includes(t)) return true;
  if (["no", "off", "false", "withdraw"].includes(t)) return false;
  return null;
}

/** A model id of this registry (1..modelCount). */
function parseModelId(text: string, v: GovernedValues): Parsed<bigint> {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { error: "Start with the model id, a whole number (see the Models page)." };
  const id = Number(t);
  if (v.modelCount === 0) return { error: "No model is registered yet." };
  if (!Number.isSafeInteger(id) || id < 1 || id > v.modelCount) {
    return { error: `No model ${t}: ids run from 1 to ${v.modelCount}.` };
  }
  return { value: BigInt(id) };
}

/** EXTCODEHASH of an account without code; never a verifier's. */
const EMPTY_CODE_HASH = keccak256("0x");

/**
 * A governed duration in seconds with its own setter: typed as seconds or with units (12h, 7d), within [min, max].
 * `bigint` says whether the setter takes a uint256 (sent as a bigint) or a small uint (sent as a number).
 */
function durationParameter(p: {
  id: string;
  contract: GovernedContract;
  setter: string;
  label: string;
  hint: string;
  value: (v: GovernedValues) => number;
  min: number;
  max: number;
  bigint: boolean;
}): GovernedParameter {
  return {
    id: p.id,
    contract: p.contract,
    setter: p.setter,
    label: p.label,
    hint: p.hint,
    current: (v) => String(p.value(v)),
    describe: (v) => describeSeconds(p.value(v)),
    build: (text) => {
      const parsed = parseDuration(text, p.min, p.max);
      if (parsed.error !== undefined) return parsed;
      const arg = p.bigint ? BigInt(parsed.value) : parsed.value;
      return { value: { contract: p.contract, functionName: p.setter, args: [arg] } };
    },
  };
}

function reputationField(
  key: keyof ReputationParamsValue,
  label: string,
  kind: ValueKind,
  check: (value: number, p: ReputationParamsValue) => string | null,
  max: number,
  min = 0,
): GovernedParameter {
  const bounds =
    kind === "seconds"
      ? "Seconds, or with units (12h, 30d)."
      : kind === "bps"
        ? "Basis points of the 10 000 score scale."
        : "A whole number.";
  return {
    id: `Reputation.${key}`,
    contract: "Reputation",
    setter: "setParams",
    label: `Reputation: ${label}`,
    hint: `${bounds} Sent as Reputation.setParams with every other reputation parameter unchanged.`,
    current: (v) => String(v.reputation[key]),
    describe: (v) => describeKind(kind, v.reputation[key]),
    build: (text, v) => {
      const parsed = parseKind(kind, text, min, max);
      if (parsed.error !== undefined) return parsed;
      const next = { ...v.reputation, [key]: parsed.value };
      const problem = check(parsed.value, next);
      if (problem) return { error: problem };
      return { value: { contract: "Reputation", functionName: "setParams", args: [next] } };
    },
  };
}

const MAX_SCORE = 10_000;
/** TaskMarket's constants (contracts/market/TaskMarket.sol). */
const MIN_EXEC_WINDOW_FLOOR = 30;
const MAX_EXEC_WINDOW_FLOOR = DAY;
const MAX_TASK_LIFETIME = 90 * DAY;
const MAX_DRAW_STEP = 600;
const MAX_FILL_TIMEOUT = 7 * DAY;
const MAX_FAULT_FEE_BPS = 5_000;
/** Reputation.MAX_TIER_AGE and ModelRegistry.MAX_MIN_EXEC_WINDOW. */
const MAX_TIER_AGE = 365 * DAY;
const MAX_MIN_EXEC_WINDOW = DAY;

/** Every governed parameter, in the order of docs/PARAMETERS.md. Bounds mirror the contracts' checks. */
export const GOVERNED_PARAMETERS: readonly GovernedParameter[] = [
  {
    id: "TaskMarket.feeSplit",
    contract: "TaskMarket",
    setter: "setMarketParams",
    label: "Task market: fee split provider / treasury / creator",
    hint: 'Three basis-point shares separated by "/" that sum to 10 000, e.g. 8000/1500/500. Sent as setMarketParams with every other market parameter unchanged.',
    current: (v) => `${v.market.providerBps}/${v.market.treasuryBps}/${v.market.creatorBps}`,
    describe: (v) =>
      `provider ${bpsText(v.market.providerBps)}, treasury ${bpsText(v.market.treasuryBps)}, creator ${bpsText(v.market.creatorBps)}`,
    build: (text, v) => {
      const parts = text.split("/").map((p) => p.trim());
      if (parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p))) {
        return { error: "Enter three whole numbers separated by /, e.g. 8000/1500/500." };
      }
      const [providerBps, treasuryBps, creatorBps] = parts.map(Number) as [number, number, number];
      if ([providerBps, treasuryBps, creatorBps].some((x) => x > MAX_SCORE))
        return { error: "Each share is at most 10000." };
      if (providerBps + treasuryBps + creatorBps !== 10_000) {
        return {
          error: `The shares must sum to 10000; these sum to ${providerBps + treasuryBps + creatorBps}.`,
        };
      }
      return {
        value: {
          contract: "TaskMarket",
          functionName: "setMarketParams",
          args: [{ ...v.market, providerBps, treasuryBps, creatorBps }],
        },
      };
    },
  },
  marketField("zkBondRatioBps", "ZK bond ratio", "bps", 0, 50_000),
  marketField("redundantBondRatioBps", "REDUNDANT bond ratio", "bps", 0, 50_000),
  marketField("priorityWindow", "priority window (tier 3 only)", "seconds", 0, 3600),
  marketField("revealWindow", "reveal window", "seconds", 60, 7 * DAY),
  marketField("maxRedundancy", "maximum redundancy", "count", 3, 15),
  marketField(
    "minExecWindow",
    "minimum execution window of any task",
    "seconds",
    MIN_EXEC_WINDOW_FLOOR,
    MAX_EXEC_WINDOW_FLOOR,
    "Each model's own minimum applies on top.",
  ),
  marketField(
    "maxTaskLifetime",
    "maximum task lifetime (latest deadline after submission)",
    "seconds",
    1,
    MAX_TASK_LIFETIME,
    "At least the priority, minimum execution and reveal windows together.",
  ),
  settlementField(
    "drawStep",
    "REDUNDANT draw step",
    "seconds",
    1,
    MAX_DRAW_STEP,
    "Seconds one unit of draw key is worth: a provider with a share s of the stake waits about 1.44/s steps for its turn.",
  ),
  settlementField(
    "fillTimeout",
    "REDUNDANT fill timeout (claimants may leave an unfilled task)",
    "seconds",
    1,
    MAX_FILL_TIMEOUT,
    "Counted from submission.",
  ),
  settlementField(
    "faultFeeBps",
    "task-fault fee (share of the reward paid to the reporters)",
    "bps",
    0,
    MAX_FAULT_FEE_BPS,
    "The requester gets the rest back.",
  ),
  {
    id: "TaskMarket.minRatedValue",
    contract: "TaskMarket",
    setter: "setSettlementParams",
    label: "Task market: smallest reward whose outcome moves reputation",
    hint: "EAI (0 or more), at the payment token's bond rate; tasks on approved models below it are not rated. Sent as setSettlementParams with every other settlement parameter unchanged.",
    current: (v) => eai(v.settlement.minRatedValue),
    describe: (v) => formatToken(v.settlement.minRatedValue, "EAI", 18),
    build: (text, v) => {
      const parsed = /^\s*0+(\.0*)?\s*$/.test(text) ? { value: 0n } : parseEai(text, 0n, 2n ** 128n - 1n);
      if (parsed.error !== undefined) return parsed;
      return {
        value: {
          contract: "TaskMarket",
          functionName: "setSettlementParams",
          args: [{ ...v.settlement, minRatedValue: parsed.value }],
        },
      };
    },
  },
  {
    id: "TaskMarket.bondFloor",
    contract: "TaskMarket",
    setter: "setStakeParams",
    label: "Task market: bond floor",
    hint: "EAI, above 0: the smallest bond a claim locks. Sent as setStakeParams with the minimum provider stake unchanged.",
    current: (v) => eai(v.bondFloor),
    describe: (v) => formatToken(v.bondFloor, "EAI", 18),
    build: (text, v) => {
      const parsed = parseEai(text, 1n, 2n ** 128n - 1n);
      if (parsed.error !== undefined) return parsed;
      return {
        value: {
          contract: "TaskMarket",
          functionName: "setStakeParams",
          args: [parsed.value, v.minProviderStake],
        },
      };
    },
  },
  {
    id: "TaskMarket.minProviderStake",
    contract: "TaskMarket",
    setter: "setStakeParams",
    label: "Task market: minimum provider stake to claim",
    hint: "EAI (0 or more): the active stake a provider needs to claim. Sent as setStakeParams with the bond floor unchanged.",
    current: (v) => eai(v.minProviderStake),
    describe: (v) => formatToken(v.minProviderStake, "EAI", 18),
    build: (text, v) => {
      const parsed = /^\s*0+(\.0*)?\s*$/.test(text) ? { value: 0n } : parseEai(text, 0n, 2n ** 128n - 1n);
      if (parsed.error !== undefined) return parsed;
      return {
        value: { contract: "TaskMarket", functionName: "setStakeParams", args: [v.bondFloor, parsed.value] },
      };
    },
  },
  {
    id: "TaskMarket.paymentToken",
    contract: "TaskMarket",
    setter: "setPaymentToken",
    label: "Task market: allow or delist a payment token",
    hint: 'The token address and its rate in EAI per whole token, e.g. "0xAbc… 2.5" (bonds are sized with it; 1 to 2^128 wei per 1e18 units), or "0xAbc… off" to delist. Fee-on-transfer and rebasing tokens must never be allowed.',
    current: () => "",
    describe: () => "EAI at 1 EAI per EAI (other tokens: see the market's PaymentTokenUpdated events)",
    build: (text) => {
      const [addressText = "", rateText = "", ...rest] = text.trim().split(/\s+/);
      if (rest.length > 0 || !rateText)
        return { error: 'Enter the token address and a rate or "off", separated by a space.' };
      const token = parseAddress(addressText, "the token address");
      if (token.error !== undefined) return token;
      if (rateText.toLowerCase() === "off") {
        return {
          value: { contract: "TaskMarket", functionName: "setPaymentToken", args: [token.value, false, 0n] },
        };
      }
      const rate = parseEai(rateText, 1n, 2n ** 128n);
      if (rate.error !== undefined) return { error: `Rate: ${rate.error}` };
      return {
        value: {
          contract: "TaskMarket",
          functionName: "setPaymentToken",
          args: [token.value, true, rate.value],
        },
      };
    },
  },
  {
    id: "TaskMarket.treasury",
    contract: "TaskMarket",
    setter: "setTreasury",
    label: "Task market: treasury",
    hint: "The address credited with the treasury's fee share (not zero).",
    current: (v) => v.marketTreasury,
    describe: (v) => v.marketTreasury,
    build: (text) => {
      const parsed = parseAddress(text, "the treasury address");
      if (parsed.error !== undefined) return parsed;
      return { value: { contract: "TaskMarket", functionName: "setTreasury", args: [parsed.value] } };
    },
  },
  durationParameter({
    id: "StakingVault.unbondingPeriod",
    contract: "StakingVault",
    setter: "setUnbondingPeriod",
    label: "Staking vault: unbonding period",
    hint: `Seconds, or with units (7d); ${describeSeconds(DAY)} to ${describeSeconds(90 * DAY)}. Applies to later unbonding requests.`,
    value: (v) => v.unbondingPeriod,
    min: DAY,
    max: 90 * DAY,
    bigint: true,
  }),
  {
    id: "StakingVault.slashTreasuryBps",
    contract: "StakingVault",
    setter: "setSlashTreasuryBps",
    label: "Staking vault: treasury share of slashed stake (disputes and audits)",
    hint: "Basis points, 0 to 10 000, of stake slashed by a dispute or audit contract; the named party (a challenger or juror pool, never the requester) gets the rest. Task bonds are not split: a slashed bond goes to the treasury in full.",
    current: (v) => String(v.slashTreasuryBps),
    describe: (v) => bpsText(v.slashTreasuryBps),
    build: (text) => {
      const parsed = parseWhole(text, 0, 10_000, "bps");
      if (parsed.error !== undefined) return parsed;
      return {
        value: { contract: "StakingVault", functionName: "setSlashTreasuryBps", args: [parsed.value] },
      };
    },
  },
  {
    id: "StakingVault.treasury",
    contract: "StakingVault",
    setter: "setTreasury",
    label: "Staking vault: treasury",
    hint: "The address credited with the treasury's share of later slashes (not zero, not the vault).",
    current: (v) => v.vaultTreasury,
    describe: (v) => v.vaultTreasury,
    build: (text, _v, addresses) => {
      const parsed = parseAddress(text, "the treasury address");
      if (parsed.error !== undefined) return parsed;
      if (parsed.value.toLowerCase() === addresses.StakingVault.toLowerCase()) {
        return { error: "The vault cannot be its own treasury." };
      }
      return { value: { contract: "StakingVault", functionName: "setTreasury", args: [parsed.value] } };
    },
  },
  {
    id: "ProviderRegistry.mediumScore",
    contract: "ProviderRegistry",
    setter: "setClassThresholds",
    label: "Provider registry: benchmark score of the Medium class",
    hint: "A whole number below the High threshold. Sent as setClassThresholds with the High threshold unchanged.",
    current: (v) => String(v.classThresholds.medium),
    describe: (v) => String(v.classThresholds.medium),
    build: (text, v) => {
      const parsed = parseWhole(text, 0, U32);
      if (parsed.error !== undefined) return parsed;
      if (parsed.value >= v.classThresholds.high) {
        return { error: `Must be below the High threshold (${v.classThresholds.high}).` };
      }
      return {
        value: {
          contract: "ProviderRegistry",
          functionName: "setClassThresholds",
          args: [parsed.value, v.classThresholds.high],
        },
      };
    },
  },
  {
    id: "ProviderRegistry.highScore",
    contract: "ProviderRegistry",
    setter: "setClassThresholds",
    label: "Provider registry: benchmark score of the High class",
    hint: "A whole number above the Medium threshold. Sent as setClassThresholds with the Medium threshold unchanged.",
    current: (v) => String(v.classThresholds.high),
    describe: (v) => String(v.classThresholds.high),
    build: (text, v) => {
      const parsed = parseWhole(text, 0, U32);
      if (parsed.error !== undefined) return parsed;
      if (parsed.value <= v.classThresholds.medium) {
        return { error: `Must be above the Medium threshold (${v.classThresholds.medium}).` };
      }
      return {
        value: {
          contract: "ProviderRegistry",
          functionName: "setClassThresholds",
          args: [v.classThresholds.medium, parsed.value],
        },
      };
    },
  },
  reputationField("initialScore", "initial score", "bps", () => null, MAX_SCORE),
  reputationField(
    "successWeightBps",
    "success weight (share of the gap to 10 000 gained)",
    "bps",
    (x, p) =>
      x >= p.failureWeightBps ? `Must stay below the failure weight (${p.failureWeightBps}).` : null,
    U16,
    1,
  ),
  reputationField(
    "failureWeightBps",
    "failure weight (share of the score lost)",
    "bps",
    (x, p) => (x <= p.successWeightBps ? `Must exceed the success weight (${p.successWeightBps}).` : null),
    MAX_SCORE,
  ),
  reputationField("halfLife", "half-life of a score's deviation", "seconds", () => null, 730 * DAY, DAY),
  reputationField(
    "tier2Trust",
    "tier 2 minimum trust",
    "bps",
    (x, p) =>
      x > p.tier3Trust
        ? `Must not exceed the tier 3 trust (${p.tier3Trust}).`
        : x <= p.suspendThreshold
          ? `Must stay above the suspension threshold (${p.suspendThreshold}).`
          : null,
    MAX_SCORE,
  ),
  reputationField(
    "tier2Availability",
    "tier 2 minimum availability",
    "bps",
    (x, p) =>
      x > p.tier3Availability ? `Must not exceed the tier 3 availability (${p.tier3Availability}).` : null,
    MAX_SCORE,
  ),
  reputationField(
    "tier2Completed",
    "tier 2 minimum completed tasks",
    "count",
    (x, p) => (x > p.tier3Completed ? `Must not exceed the tier 3 minimum (${p.tier3Completed}).` : null),
    U16,
  ),
  reputationField(
    "tier3Trust",
    "tier 3 minimum trust",
    "bps",
    (x, p) => (x < p.tier2Trust ? `Must be at least the tier 2 trust (${p.tier2Trust}).` : null),
    MAX_SCORE,
  ),
  reputationField(
    "tier3Availability",
    "tier 3 minimum availability",
    "bps",
    (x, p) =>
      x < p.tier2Availability ? `Must be at least the tier 2 availability (${p.tier2Availability}).` : null,
    MAX_SCORE,
  ),
  reputationField(
    "tier3Completed",
    "tier 3 minimum completed tasks",
    "count",
    (x, p) => (x < p.tier2Completed ? `Must be at least the tier 2 minimum (${p.tier2Completed}).` : null),
    U16,
  ),
  reputationField(
    "suspendThreshold",
    "suspension threshold (trust below it suspends)",
    "bps",
    (x, p) => (x >= p.tier2Trust ? `Must stay below the tier 2 trust (${p.tier2Trust}).` : null),
    U16,
  ),
  reputationField(
    "suspensionPeriod",
    "suspension period (0 turns suspensions off)",
    "seconds",
    () => null,
    365 * DAY,
  ),
  reputationField("maxViolations", "violations before a permanent ban", "count", () => null, U16, 1),
  tierAgeField("tier2MinAge", 2),
  tierAgeField("tier3MinAge", 3),
  {
    id: "ModelRegistry.approval",
    contract: "ModelRegistry",
    setter: "setModelApproved",
    label: "Model registry: approve a model or withdraw its approval",
    hint: 'The model id and yes or no, e.g. "2 yes". Only tasks on approved models move reputation; a ZK model can be approved only while its verifier\'s code hash is allowlisted when the proposal executes. Tasks keep the approval they were submitted with.',
    current: () => "",
    describe: (v) => `per model (${v.modelCount} registered; see the Models page)`,
    build: (text, v) => {
      const [idText = "", flag = "", ...rest] = text.trim().split(/\s+/);
      const id = parseModelId(idText, v);
      if (id.error !== undefined) return id;
      const approved = parseYesNo(flag);
      if (approved === null || rest.length > 0) {
        return { error: 'Enter the model id and yes or no, separated by a space, e.g. "2 yes".' };
      }
      return {
        value: { contract: "ModelRegistry", functionName: "setModelApproved", args: [id.value, approved] },
      };
    },
  },
  {
    id: "ModelRegistry.verifierCodeHash",
    contract: "ModelRegistry",
    setter: "setVerifierCodeHashApproved",
    label: "Model registry: allowlist a verifier code hash or remove it",
    hint: 'The verifier\'s runtime code hash (EXTCODEHASH, 0x and 64 hex digits) and yes or no, e.g. "0xab…cd yes". Only ZK models whose verifier has an allowlisted code hash can be approved; removing a hash does not withdraw approvals already given.',
    current: () => "",
    describe: () => "an allowlist (see the registry's VerifierCodeHashApprovalChanged events)",
    build: (text) => {
      const [hash = "", flag = "", ...rest] = text.trim().split(/\s+/);
      if (!/^0x[0-9a-fA-F]{64}$/.test(hash)) {
        return { error: "Start with the code hash: 0x followed by 64 hex digits." };
      }
      const approved = parseYesNo(flag);
      if (approved === null || rest.length > 0) {
        return { error: "Enter the code hash and yes or no, separated by a space." };
      }
      const lower = hash.toLowerCase();
      if (approved && (/^0x0{64}$/.test(lower) || lower === EMPTY_CODE_HASH)) {
        return { error: "That is the code hash of an account without code, not of a verifier." };
      }
      return {
        value: {
          contract: "ModelRegistry",
          functionName: "setVerifierCodeHashApproved",
          args: [lower as Hex, approved],
        },
      };
    },
  },
  {
    id: "ModelRegistry.minExecWindow",
    contract: "ModelRegistry",
    setter: "setMinExecWindow",
    label: "Model registry: a model's minimum execution window",
    hint: `The model id and a duration, e.g. "2 10m" (0 s to ${describeSeconds(MAX_MIN_EXEC_WINDOW)}): the shortest execution window a task on that model may ask for; the market's minimum applies on top.`,
    current: () => "",
    describe: (v) => `per model (${v.modelCount} registered; see the Models page)`,
    build: (text, v) => {
      const [idText = "", ...durationParts] = text.trim().split(/\s+/);
      const id = parseModelId(idText, v);
      if (id.error !== undefined) return id;
      if (durationParts.length === 0) return { error: 'Enter the model id and a duration, e.g. "2 10m".' };
      const seconds = parseDuration(durationParts.join(" "), 0, MAX_MIN_EXEC_WINDOW);
      if (seconds.error !== undefined) return seconds;
      return {
        value: {
          contract: "ModelRegistry",
          functionName: "setMinExecWindow",
          args: [id.value, seconds.value],
        },
      };
    },
  },
  durationParameter({
    id: "EAIGovernor.votingDelay",
    contract: "EAIGovernor",
    setter: "setVotingDelay",
    label: "Governor: voting delay",
    hint: "Seconds (or 1h, 1d) from a proposal to the start of its vote.",
    value: (v) => v.votingDelay,
    min: 0,
    max: U48,
    bigint: false,
  }),
  durationParameter({
    id: "EAIGovernor.votingPeriod",
    contract: "EAIGovernor",
    setter: "setVotingPeriod",
    label: "Governor: voting period",
    hint: "Seconds (or 5d) a vote stays open; at least 1 second.",
    value: (v) => v.votingPeriod,
    min: 1,
    max: U32,
    bigint: false,
  }),
  {
    id: "EAIGovernor.proposalThreshold",
    contract: "EAIGovernor",
    setter: "setProposalThreshold",
    label: "Governor: proposal threshold",
    hint: "EAI of voting power a proposer needs (0 or more).",
    current: (v) => eai(v.proposalThreshold),
    describe: (v) => formatToken(v.proposalThreshold, "EAI", 18),
    build: (text) => {
      const parsed = /^\s*0+(\.0*)?\s*$/.test(text) ? { value: 0n } : parseEai(text, 0n, 2n ** 208n - 1n);
      if (parsed.error !== undefined) return parsed;
      return {
        value: { contract: "EAIGovernor", functionName: "setProposalThreshold", args: [parsed.value] },
      };
    },
  },
  {
    id: "EAIGovernor.quorum",
    contract: "EAIGovernor",
    setter: "updateQuorumNumerator",
    label: "Governor: quorum (share of the supply)",
    hint: "Percent of the total supply at the vote's snapshot that must vote for or abstain, 0 to 100.",
    current: (v) => String((v.quorumNumerator * 100) / v.quorumDenominator),
    describe: (v) => `${(v.quorumNumerator * 100) / v.quorumDenominator}% of the supply`,
    build: (text, v) => {
      const parsed = parseWhole(text, 0, 100, "%");
      if (parsed.error !== undefined) return parsed;
      const numerator = (BigInt(parsed.value) * BigInt(v.quorumDenominator)) / 100n;
      if ((numerator * 100n) / BigInt(v.quorumDenominator) !== BigInt(parsed.value)) {
        return { error: `The quorum denominator (${v.quorumDenominator}) cannot express ${parsed.value}%.` };
      }
      return { value: { contract: "EAIGovernor", functionName: "updateQuorumNumerator", args: [numerator] } };
    },
  },
  durationParameter({
    id: "EAITimelock.minDelay",
    contract: "EAITimelock",
    setter: "updateDelay",
    label: "Timelock: minimum delay",
    hint: "Seconds (or 2d) between queueing and executing a passed proposal.",
    value: (v) => v.timelockDelay,
    min: 0,
    max: U48,
    bigint: true,
  }),
];

/** The catalogue entry with this id. */
export function governedParameter(id: string): GovernedParameter | undefined {
  return GOVERNED_PARAMETERS.find((p) => p.id === id);
}

// ─── reading proposals ─────────────────────────────────────────────────────────────────────────────────

/** "Proposal 123456…7890": proposal ids are 77-digit numbers; shown like addresses. */
export function shortProposalId(id: bigint | string): string {
  return shortAddress(String(id));
}

function formatArg(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(formatArg).join(", ")}]`;
  if (value && typeof value === "object") {
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${formatArg(v)}`)
      .join(", ")} }`;
  }
  return String(value);
}

/** A proposal call in words: `TaskMarket.setStakeParams(2000000000000000000, …)`, or the raw target and data. */
export function describeCall(
  target: string,
  calldata: Hex,
  value: bigint,
  addresses: Partial<Record<ProtocolContract, Address>>,
): string {
  const name = (Object.entries(addresses) as [ProtocolContract, Address][]).find(
    ([, a]) => a.toLowerCase() === target.toLowerCase(),
  )?.[0];
  const suffix = value > 0n ? ` with ${formatToken(value, "ETH", 18)}` : "";
  if (name) {
    try {
      const decoded = decodeFunctionData({ abi: PROTOCOL_ABIS[name], data: calldata });
      return `${name}.${decoded.functionName}(${(decoded.args ?? []).map(formatArg).join(", ")})${suffix}`;
    } catch {
      // not a function of that contract: fall through to the raw form
    }
  }
  return `call ${name ?? target} with data ${calldata.slice(0, 10)}…(${(calldata.length - 2) / 2} bytes)${suffix}`;
}

const decimal = z.string().regex(/^\d+$/);
const hex = z.string().regex(/^0x[0-9a-fA-F]*$/);

/** One proposal as `GET /proposals` and `GET /proposals/:id` answer (bigints as decimal strings). */
export const proposalSchema = z.object({
  id: decimal,
  proposer: hex,
  targets: z.array(hex),
  values: z.array(decimal),
  calldatas: z.array(hex),
  description: z.string(),
  voteStart: decimal,
  voteEnd: decimal,
  forVotes: decimal,
  againstVotes: decimal,
  abstainVotes: decimal,
  voters: z.number().int(),
  createdAt: z.number().int(),
  queuedAt: z.number().int().nullable(),
  eta: decimal.nullable(),
  executedAt: z.number().int().nullable(),
  canceledAt: z.number().int().nullable(),
  txHash: hex,
  quorum: decimal,
  state: z.enum(PROPOSAL_STATES),
});
export type ProposalView = z.infer<typeof proposalSchema>;

const headSchema = z.object({ block: decimal, timestamp: z.number().int() });

export const proposalsResponseSchema = z.object({ head: headSchema, proposals: z.array(proposalSchema) });

export const proposalResponseSchema = proposalSchema.extend({
  head: headSchema,
  votes: z.array(
    z.object({
      voter: hex,
      support: z.number().int().min(0).max(2),
      weight: decimal,
      reason: z.string(),
      timestamp: z.number().int(),
      txHash: hex,
    }),
  ),
});

/** "for" / "against" / "abstain" from GovernorCountingSimple's support code. */
export function supportName(support: number): "for" | "against" | "abstain" {
  return support === 1 ? "for" : support === 2 ? "abstain" : "against";
}

/** The proposal state name for `Governor.state()`'s number. */
export function proposalStateName(state: number): ProposalStateName {
  return PROPOSAL_STATES[state] ?? "Pending";
}

/** First line of a description, for lists. */
export function proposalTitle(description: string): string {
  const first = description.split("\n").find((l) => l.trim()) ?? "";
  const clean = first.replace(/^#+\s*/, "").trim();
  return clean.length > 120 ? `${clean.slice(0, 117)}…` : clean || "(no description)";
}
