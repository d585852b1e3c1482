/**
 * Words for what the chain says in numbers: amounts in EAI, task statuses and modes by name, unix times as ISO
 * dates with "in 4 min", and the protocol's custom errors as sentences ("task 1 is Completed, not Open"). Pure and
 * browser-safe (viem's formatEther only); used by {@link decodeEaiError}, the CLI and the web app.
 */
import { formatEther } from "viem";

/** `TaskStatus` names by value (`ITaskMarketTypes.TaskStatus`). */
export const TASK_STATUS_NAMES = [
  "None",
  "Open",
  "Claimed",
  "Completed",
  "Cancelled",
  "Refunded",
  "Faulted",
] as const;
/** `IOptimisticMarket.Status` names by value (OPTIMISTIC tasks). */
export const OPTIMISTIC_STATUS_NAMES = [
  "None",
  "Open",
  "Claimed",
  "Committed",
  "Challenged",
  "Settled",
  "Refunded",
  "Overturned",
  "Voided",
  "Faulted",
] as const;
/** `IOptimisticMarket.AuditState` names by value. */
export const AUDIT_STATE_NAMES = [
  "Undrawn",
  "NotSelected",
  "Selected",
  "Taken",
  "Passed",
  "Missed",
  "Disputed",
  "Unclaimed",
] as const;
/** `VerificationMode` names by value. */
export const MODE_NAMES = ["ZK", "REDUNDANT"] as const;
/** `ModelKind` names by value. */
export const MODEL_KIND_NAMES = ["ZK_MLP", "ONNX", "WASM"] as const;

/** `1.5 EAI` for 1.5e18 wei (every digit kept, no exponent). */
export function formatEai(wei: bigint): string {
  return `${formatEther(wei)} EAI`;
}

/** `4 min`, `35 s`, `2 h 5 min`, `3 d 4 h` for a number of seconds (≥ 0). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 && s < 600 ? ` ${s % 60} s` : ""}`;
  if (s < 86_400) {
    const m = Math.floor((s % 3600) / 60);
    return `${Math.floor(s / 3600)} h${m ? ` ${m} min` : ""}`;
  }
  const h = Math.floor((s % 86_400) / 3600);
  return `${Math.floor(s / 86_400)} d${h ? ` ${h} h` : ""}`;
}

/**
 * `2026-12-02T06:04:00.000Z (in 4 min)` or `… (3 s ago)` relative to `nowSeconds` (default: this machine's
 * clock). 0 is "not set".
 */
export function formatTime(unix: bigint | number, nowSeconds = Date.now() / 1000): string {
  const t = Number(unix);
  if (t === 0) return "not set";
  const iso = new Date(t * 1000).toISOString();
  const delta = t - nowSeconds;
  if (Math.abs(delta) < 1) return `${iso} (now)`;
  return delta > 0 ? `${iso} (in ${formatDuration(delta)})` : `${iso} (${formatDuration(-delta)} ago)`;
}

/** `HH:MM:SS` (UTC) of a unix time. */
export function clockTime(unix: bigint | number): string {
  return new Date(Number(unix) * 1000).toISOString().slice(11, 19);
}

export function taskStatusWord(status: number | bigint): string {
  return TASK_STATUS_NAMES[Number(status)] ?? `an unknown status (${status})`;
}

/**
 * The status(es) each TaskMarket call needs, for "task 1 is Completed, not Open". Keyed by the function name
 * (the client labels its calls `TaskMarket.<function>`).
 */
const EXPECTED_STATUS: Record<string, string> = {
  cancelTask: "Open",
  claimTask: "Open",
  leaveTask: "Open",
  submitProof: "Open or Claimed",
  commitResult: "Open or Claimed",
  revealResult: "Claimed",
  finalizeTask: "Claimed",
  expireTask: "Open or Claimed",
  reportTaskFault: "Claimed",
};

const AMOUNT_ARG =
  /^(stake|required|free|needed|locked|unbonding|allowance|balance|amount|total|votes|threshold)$/;
const TIME_ARG = /^(releaseAt|currentTime|notBefore|limit|deadline|earliest|latest|expiry)$/;

function plainArg(name: string, type: string, value: unknown, errorName: string): string {
  if (typeof value === "bigint" || typeof value === "number") {
    if (AMOUNT_ARG.test(name) && type === "uint256") return formatEai(BigInt(value));
    if (TIME_ARG.test(name) && !/Draw/.test(errorName)) return formatTime(value);
    if (name === "status" && errorName.startsWith("TaskMarket")) return taskStatusWord(value);
    if (name === "status" && errorName.startsWith("Optimistic"))
      return OPTIMISTIC_STATUS_NAMES[Number(value)] ?? String(value);
    if (name === "state" && errorName.startsWith("Optimistic"))
      return AUDIT_STATE_NAMES[Number(value)] ?? String(value);
    if (name === "mode" && errorName.startsWith("TaskMarket"))
      return MODE_NAMES[Number(value)] ?? String(value);
    if (name === "kind") return MODEL_KIND_NAMES[Number(value)] ?? String(value);
    return value.toString();
  }
  if (Array.isArray(value)) return `[${value.map((v) => plainArg("", "", v, errorName)).join(", ")}]`;
  if (typeof value === "object" && value !== null)
    return JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return String(value);
}

/** `Name(arg=value, …)` with the values in words (amounts in EAI, statuses by name, times as ISO). */
export function formatContractError(
  name: string,
  inputs: readonly { name?: string; type: string }[],
  args: readonly unknown[],
): string {
  const parts = args.map((a, i) => {
    const input = inputs[i];
    return `${input?.name || `arg${i}`}=${plainArg(input?.name ?? "", input?.type ?? "", a, name)}`;
  });
  return `${name}(${parts.join(", ")})`;
}

/** The status(es) each OptimisticMarket call needs (keyed by function name, labels `OptimisticMarket.<fn>`). */
const OPTIMISTIC_EXPECTED_STATUS: Record<string, string> = {
  claim: "Open",
  commitResult: "Claimed",
  challenge: "Committed",
  drawAudit: "Committed",
  takeAudit: "Committed",
  confirmAudit: "Committed",
  settle: "Open, Claimed or Committed",
  applyVerdict: "Challenged",
};

/** Sentences for the custom errors of OptimisticMarket and DisputeManager (undefined for the others). */
function explainOptimisticError(
  name: string,
  a: readonly (bigint | number | string)[],
  fn: string,
): string | undefined {
  const n = (i: number) => BigInt(a[i] as bigint | number);
  const s = (i: number) => String(a[i]);
  switch (name) {
    case "OptimisticWrongStatus": {
      const status = OPTIMISTIC_STATUS_NAMES[Number(n(1))] ?? `an unknown status (${n(1)})`;
      const expected = OPTIMISTIC_EXPECTED_STATUS[fn];
      return expected
        ? `OPTIMISTIC task ${n(0)} is ${status}, not ${expected}`
        : `OPTIMISTIC task ${n(0)} is ${status}, which this call does not accept`;
    }
    case "OptimisticWrongAuditState":
      return `the audit of OPTIMISTIC task ${n(0)} is ${AUDIT_STATE_NAMES[Number(n(1))] ?? n(1)}, which this call does not accept`;
    case "OptimisticInvalidRequest":
      return `the OPTIMISTIC task request is invalid: ${s(0)}`;
    case "OptimisticModelInactive":
      return `model ${n(0)} is inactive`;
    case "OptimisticIneligible":
      return `${s(0)} is not an active, unsuspended, unbanned provider (or its operator) allowed to do this`;
    case "OptimisticTierTooLow":
      return `provider ${s(0)} is tier ${n(1)}, this needs tier ${n(2)}`;
    case "OptimisticNotYourTurn":
      return n(2) === 2n ** 256n - 1n
        ? `OPTIMISTIC task ${n(0)}: ${s(1)} is not drawn for it (no stake in the draw)`
        : `OPTIMISTIC task ${n(0)}: not ${s(1)}'s turn before ${formatTime(n(2))}`;
    case "OptimisticDrawPending":
      return `OPTIMISTIC task ${n(0)}: the draw's seed block ${n(1)} is not mined yet; try again in a block`;
    case "OptimisticNotAssigned":
      return `${s(1)} does not act for the provider (or auditor) of OPTIMISTIC task ${n(0)}`;
    case "OptimisticTooLate":
      return fn === "challenge"
        ? `OPTIMISTIC task ${n(0)}: the challenge window closed ${formatTime(n(1))}`
        : `OPTIMISTIC task ${n(0)}: too late, the limit was ${formatTime(n(1))}`;
    case "OptimisticTooEarly":
      return `OPTIMISTIC task ${n(0)}: too early, possible from ${formatTime(n(1))}`;
    case "OptimisticZeroResult":
      return "the result hash must not be zero";
    case "OptimisticSelfChallenge":
      return `${s(1)} acts for the provider of OPTIMISTIC task ${n(0)}: a provider may not challenge its own result`;
    case "OptimisticNothingToWithdraw":
      return `${s(0)} has no OptimisticMarket credit to withdraw`;
    case "OptimisticNotDisputeManager":
      return `only the DisputeManager may apply a verdict, not ${s(0)}`;
    case "DisputeNotOpen":
      return `dispute ${n(0)} does not exist or is already resolved`;
    case "DisputeJurorIneligible":
      return `${s(1)} may not sit on the jury of dispute ${n(0)} (not an eligible provider of the juror tier, or a party to it)`;
    case "DisputeNotYourTurn":
      return n(2) === 2n ** 256n - 1n
        ? `dispute ${n(0)}: no free seat will come to ${s(1)} (no stake in the draw, or every seat is taken)`
        : `dispute ${n(0)}: not ${s(1)}'s turn for a seat before ${formatTime(n(2))}`;
    case "DisputeDrawPending":
      return `dispute ${n(0)}: the jury's seed block ${n(1)} is not mined yet; try again in a block`;
    case "DisputeNotJuror":
      return `${s(1)} holds no seat in the current round of dispute ${n(0)}`;
    case "DisputeTooLate":
      return `dispute ${n(0)}: too late, the limit was ${formatTime(n(1))}`;
    case "DisputeTooEarly":
      return `dispute ${n(0)}: too early, possible from ${formatTime(n(1))}`;
    case "DisputeBadCommit":
      return `dispute ${n(0)}: ${s(1)} already committed (or committed zero)`;
    case "DisputeBadReveal":
      return `dispute ${n(0)}: the reveal of ${s(1)} does not match its commitment (or repeats, or is zero)`;
    case "DisputeNothingToWithdraw":
      return `${s(0)} has no DisputeManager credit to withdraw`;
    case "DisputeNotMarket":
      return `only the OptimisticMarket may open a dispute, not ${s(0)}`;
    default:
      return undefined;
  }
}

/**
 * A sentence for the custom errors a requester or provider meets, or undefined for the others (they are shown as
 * `Name(arg=value, …)`). `label` is the call, e.g. `TaskMarket.cancelTask`.
 */
export function explainContractError(
  name: string,
  args: readonly unknown[],
  label?: string,
): string | undefined {
  const a = args as readonly (bigint | number | string)[];
  const n = (i: number) => BigInt(a[i] as bigint | number);
  const fn = label?.split(".").pop() ?? "";
  if (name.startsWith("Optimistic") || name.startsWith("Dispute")) return explainOptimisticError(name, a, fn);
  switch (name) {
    case "TaskMarketWrongStatus": {
      const expected = EXPECTED_STATUS[fn];
      const status = taskStatusWord(n(1));
      return expected
        ? `task ${n(0)} is ${status}, not ${expected}`
        : `task ${n(0)} is ${status}, which this call does not accept`;
    }
    case "TaskMarketUnknownTask":
      return `task ${n(0)} does not exist`;
    case "ModelRegistryUnknownModel":
      return `model ${n(0)} does not exist`;
    case "TaskMarketNothingToWithdraw":
      return `${String(a[0])} has no market credit to withdraw in token ${String(a[1])}`;
    case "StakingVaultNothingToWithdraw":
      return `${String(a[0])} has no unbonding stake to withdraw`;
    case "StakingVaultUnbondingNotMatured":
      return `the unbonding stake of ${String(a[0])} is released at ${formatTime(n(1), Number(n(2)))}`;
    case "StakingVaultNoCredit":
      return `${String(a[0])} has no vault credit to claim`;
    case "StakingVaultZeroAmount":
      return "the amount must be more than 0 EAI";
    case "StakingVaultInsufficientFreeStake":
      return `${String(a[0])} has ${formatEai(n(1))} of free stake, needs ${formatEai(n(2))}`;
    case "StakingVaultInsufficientUnbonding":
      return `${String(a[0])} has ${formatEai(n(1))} unbonding, needs ${formatEai(n(2))}`;
    case "ERC20InsufficientBalance":
      return `${String(a[0])} holds ${formatEai(n(1))}, needs ${formatEai(n(2))}`;
    case "ERC20InsufficientAllowance":
      return `${String(a[0])} may spend ${formatEai(n(1))} (allowance), needs ${formatEai(n(2))}`;
    case "TaskMarketInsufficientStake":
      return `${String(a[0])} has ${formatEai(n(1))} staked, needs ${formatEai(n(2))}`;
    case "TaskMarketDeadlineTooSoon":
      return `the deadline ${formatTime(n(0))} is too soon: the earliest allowed is ${formatTime(n(1))}`;
    case "TaskMarketDeadlineTooLate":
      return `the deadline ${formatTime(n(0))} is too late: the latest allowed is ${formatTime(n(1))}`;
    case "TaskMarketExecWindowTooShort":
      return `the execution window of ${n(0)} s is below the minimum of ${n(1)} s`;
    case "TaskMarketTooEarly":
      return `task ${n(0)}: too early, possible from ${formatTime(n(1))}`;
    case "TaskMarketTooLate":
      return `task ${n(0)}: too late, the limit was ${formatTime(n(1))}`;
    case "TaskMarketNotYourTurn":
      return `task ${n(0)}: not ${String(a[1])}'s turn before ${formatTime(n(2))}`;
    case "TaskMarketNotRequester":
      return `only the requester of task ${n(0)} may do this, not ${String(a[1])}`;
    case "TaskMarketModelInactive":
      return `model ${n(0)} is inactive`;
    case "TaskMarketModelKindMismatch":
      return `model ${n(0)} is ${MODEL_KIND_NAMES[Number(n(1))] ?? n(1)}, which does not run ${MODE_NAMES[Number(n(2))] ?? n(2)} tasks`;
    case "TaskMarketTokenNotAllowed":
      return `token ${String(a[0])} is not allowed for payments`;
    case "TaskMarketZeroReward":
      return "the reward must be more than 0";
    case "TaskMarketTierTooLow":
      return `${String(a[0])} is tier ${n(1)}, the task needs tier ${n(2)}`;
    case "TaskMarketNotProvider":
      return `${String(a[0])} is not a registered provider (eai provider register)`;
    case "ProviderRegistryNotRegistered":
      return `${String(a[0])} is not a registered provider (eai provider register)`;
    case "EnforcedPause":
      return "the contract is paused by the guardian";
    default:
      return undefined;
  }
}
