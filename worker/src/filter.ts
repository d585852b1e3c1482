/**
 * Which tasks the worker claims (or, for ZK tasks in direct mode, proves without a claim). A pure decision over what the worker knows at the time: the task's spec, the
 * model's kind, the provider's declared resources and reputation standing, its free stake, the configured reward
 * floors and bond ceiling, and the chain's clock. `skip` is final for this task; `defer` means "look again later"
 * (priority window, stake locked in other tasks, no free slot).
 */
import type { TaskSpec } from "../../sdk/src/tasks/index.ts";
import { VerificationMode } from "../../sdk/src/tasks/index.ts";
import type { ExecutorKind } from "./config.ts";
import { RESOURCE_KEYS, type Resources } from "./hardware.ts";

export type SkipReason =
  | "unknown-model"
  | "model-inactive"
  | "unsupported-model"
  | "insufficient-resources"
  | "tier-too-low"
  | "provider-ineligible"
  | "token-not-accepted"
  | "reward-too-low"
  | "bond-too-high"
  | "too-late";
export type DeferReason = "priority-window" | "insufficient-free-stake" | "at-capacity";

export type Decision =
  | { action: "claim"; executor: ExecutorKind }
  | { action: "skip"; reason: SkipReason; detail: string }
  | { action: "defer"; reason: DeferReason; detail: string };

export interface FilterContext {
  /** Chain time (seconds). */
  now: number;
  /** The model's kind and whether it is active; undefined when the registry does not know it. */
  model: { kind: ExecutorKind; active: boolean } | undefined;
  executors: ReadonlySet<ExecutorKind>;
  resources: Resources;
  standing: { tier: number; eligible: boolean };
  /** Configured reward floors by token (lower-case address keys); tokens not listed are not accepted. */
  minReward: ReadonlyMap<string, bigint>;
  maxBond: bigint;
  freeStake: bigint;
  deadlineMarginSec: number;
  activeTasks: number;
  maxConcurrentTasks: number;
  /**
   * Direct ZK settlement (no claim): no bond is locked, so the bond ceiling and free stake do not apply, and the
   * task only has to be settled by its deadline (not started by deadline − execWindow).
   */
  direct?: boolean;
}

/** Tier needed to claim during the priority window (TaskMarket.TOP_TIER). */
export const TOP_TIER = 3;

/** Every field but `region`, which is compared for equality (0 = any) rather than as a minimum. */
const RESOURCE_FIELDS = RESOURCE_KEYS.filter((k) => k !== "region");

/** The fields where `have` falls short of `need` (ResourcesLib.meets, field by field; region 0 = any). */
export function resourceShortfalls(have: Resources, need: TaskSpec["minResources"]): string[] {
  const short: string[] = RESOURCE_FIELDS.filter((f) => have[f] < need[f]).map(
    (f) => `${f} ${have[f]} < ${need[f]}`,
  );
  if (need.region !== 0 && have.region !== need.region) short.push(`region ${have.region} ≠ ${need.region}`);
  return short;
}

export function evaluateTask(spec: TaskSpec, ctx: FilterContext): Decision {
  const skip = (reason: SkipReason, detail: string): Decision => ({ action: "skip", reason, detail });
  if (!ctx.model) return skip("unknown-model", `model ${spec.modelId} is not registered`);
  if (!ctx.model.active) return skip("model-inactive", `model ${spec.modelId} is inactive`);
  if (!ctx.executors.has(ctx.model.kind))
    return skip(
      "unsupported-model",
      `model ${spec.modelId} is ${ctx.model.kind}; enabled: ${[...ctx.executors].join(", ")}`,
    );
  const short = resourceShortfalls(ctx.resources, spec.minResources);
  if (short.length > 0) return skip("insufficient-resources", short.join(", "));
  if (!ctx.standing.eligible) return skip("provider-ineligible", "provider is suspended or banned");
  if (ctx.standing.tier < spec.minTier)
    return skip("tier-too-low", `tier ${ctx.standing.tier} < required ${spec.minTier}`);
  const floor = ctx.minReward.get(spec.paymentToken.toLowerCase());
  if (floor === undefined)
    return skip("token-not-accepted", `no minReward configured for ${spec.paymentToken}`);
  if (spec.reward < floor) return skip("reward-too-low", `reward ${spec.reward} < floor ${floor}`);
  const direct = ctx.direct === true && spec.mode === VerificationMode.ZK;
  if (!direct && spec.bond > ctx.maxBond)
    return skip("bond-too-high", `bond ${spec.bond} > maxBond ${ctx.maxBond}`);
  const work = direct
    ? 0
    : spec.execWindow + (spec.mode === VerificationMode.REDUNDANT ? spec.revealWindow : 0);
  const latestStart = spec.deadline - work - ctx.deadlineMarginSec;
  if (ctx.now > latestStart)
    return skip("too-late", `now ${ctx.now} > latest start ${latestStart} (deadline ${spec.deadline})`);
  if (ctx.now < spec.priorityUntil && ctx.standing.tier < TOP_TIER) {
    return {
      action: "defer",
      reason: "priority-window",
      detail: `tier-${TOP_TIER} priority window until ${spec.priorityUntil}`,
    };
  }
  if (ctx.activeTasks >= ctx.maxConcurrentTasks)
    return { action: "defer", reason: "at-capacity", detail: `${ctx.activeTasks} tasks in flight` };
  if (!direct && spec.bond > ctx.freeStake)
    return {
      action: "defer",
      reason: "insufficient-free-stake",
      detail: `bond ${spec.bond} > free stake ${ctx.freeStake}`,
    };
  return { action: "claim", executor: ctx.model.kind };
}
