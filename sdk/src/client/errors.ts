/**
 * Errors the client throws, and decoding of the protocol's custom errors into readable messages. A revert is
 * decoded against every ABI of the protocol, so an error raised by a contract called from another one (the vault
 * below the market, the token below either) is named too.
 */
import { BaseError, decodeErrorResult, type Abi, type Hex } from "viem";
import {
  disputeManagerAbi,
  eaiGovernorAbi,
  eaiTimelockAbi,
  eaiTokenAbi,
  modelRegistryAbi,
  optimisticMarketAbi,
  providerRegistryAbi,
  reputationAbi,
  stakingVaultAbi,
  taskMarketAbi,
} from "../generated/abis.ts";
import { explainContractError, formatContractError } from "./explain.ts";

/** One custom error entry of an ABI. */
export type AbiError = Extract<Abi[number], { type: "error" }>;

/** Every custom error of the protocol's contracts, once each. */
export const PROTOCOL_ERRORS_ABI: readonly AbiError[] = (() => {
  const seen = new Map<string, AbiError>();
  const all: Abi[] = [
    taskMarketAbi,
    stakingVaultAbi,
    providerRegistryAbi,
    modelRegistryAbi,
    reputationAbi,
    eaiTokenAbi,
    eaiGovernorAbi,
    eaiTimelockAbi,
    optimisticMarketAbi,
    disputeManagerAbi,
  ];
  for (const abi of all) {
    for (const item of abi) {
      if (item.type !== "error") continue;
      const key = `${item.name}(${item.inputs.map((i) => i.type).join(",")})`;
      if (!seen.has(key)) seen.set(key, item);
    }
  }
  return [...seen.values()];
})();

export type EaiErrorCode =
  | "invalid-argument"
  | "reverted"
  | "not-found"
  | "timeout"
  | "task-not-completed"
  | "verification-failed"
  | "no-account"
  | "no-blob-store";

/** Every error the client throws on purpose; `code` says which kind. */
export class EaiError extends Error {
  readonly code: EaiErrorCode;
  constructor(code: EaiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EaiError";
    this.code = code;
  }
}

/** A transaction or call the chain rejected with a known custom error. */
export class EaiContractError extends EaiError {
  /** The error's name, e.g. `TaskMarketWrongStatus`. */
  readonly errorName: string;
  /** Its arguments in ABI order. */
  readonly args: readonly unknown[];
  /** The error with its raw arguments, e.g. `TaskMarketWrongStatus(taskId=1, status=3)` (for logs). */
  readonly raw: string;
  constructor(
    errorName: string,
    args: readonly unknown[],
    message: string,
    options?: { cause?: unknown; raw?: string },
  ) {
    super("reverted", message, options);
    this.name = "EaiContractError";
    this.errorName = errorName;
    this.args = args;
    this.raw = options?.raw ?? errorName;
  }
}

function rawValue(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(rawValue).join(", ")}]`;
  if (typeof value === "object" && value !== null)
    return JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return String(value);
}

function revertData(err: BaseError): Hex | undefined {
  let data: Hex | undefined;
  err.walk((e) => {
    const candidate = (e as { raw?: unknown; data?: unknown }).raw ?? (e as { data?: unknown }).data;
    if (typeof candidate === "string" && /^0x[0-9a-fA-F]{8,}$/.test(candidate)) {
      data = candidate as Hex;
      return true;
    }
    if (typeof candidate === "object" && candidate !== null) {
      const inner = (candidate as { data?: unknown }).data;
      if (typeof inner === "string" && /^0x[0-9a-fA-F]{8,}$/.test(inner)) {
        data = inner as Hex;
        return true;
      }
    }
    return false;
  });
  return data;
}

/**
 * Turns whatever a viem call threw into an error with a one-line readable message. Custom errors of the protocol
 * become {@link EaiContractError}: a sentence where one is known (`TaskMarket.cancelTask: task 1 is Completed, not
 * Open (TaskMarketWrongStatus)`, the expected status taken from `context`), else `reverted with Name(arg=value, …)`
 * with amounts in EAI, statuses by name and times as ISO dates; `raw` keeps the numbers. Other viem errors keep
 * their short message; {@link EaiError}s pass through.
 */
export function decodeEaiError(err: unknown, context?: string): Error {
  if (err instanceof EaiError) return err;
  const prefix = context ? `${context}: ` : "";
  if (err instanceof BaseError) {
    const data = revertData(err);
    if (data) {
      try {
        const decoded = decodeErrorResult({ abi: PROTOCOL_ERRORS_ABI, data });
        const inputs = decoded.abiItem.type === "error" ? decoded.abiItem.inputs : [];
        const args = decoded.args ?? [];
        const raw = `${decoded.errorName}(${args
          .map((a, i) => `${inputs[i]?.name || `arg${i}`}=${rawValue(a)}`)
          .join(", ")})`;
        const sentence = explainContractError(decoded.errorName, args, context);
        const message = sentence
          ? `${prefix}${sentence} (${decoded.errorName})`
          : `${prefix}reverted with ${formatContractError(decoded.errorName, inputs, args)}`;
        return new EaiContractError(decoded.errorName, args, message, { cause: err, raw });
      } catch {
        // not one of ours: fall through to viem's message
      }
    }
    const reason = err.walk((e) => typeof (e as { reason?: unknown }).reason === "string") as {
      reason?: string;
    } | null;
    if (reason?.reason)
      return new EaiError("reverted", `${prefix}reverted: ${reason.reason}`, { cause: err });
    return new Error(`${prefix}${err.shortMessage}`, { cause: err });
  }
  if (err instanceof Error) return new Error(`${prefix}${err.message}`, { cause: err });
  return new Error(`${prefix}${String(err)}`);
}
