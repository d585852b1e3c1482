/** Classifying viem errors: contract reverts (with the custom error's name) versus transport trouble. */
import { BaseError, ContractFunctionRevertedError } from "viem";

/** The custom error name of a contract revert inside `err`, or undefined when `err` is no revert. */
export function revertErrorName(err: unknown): string | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const revert = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(revert instanceof ContractFunctionRevertedError)) return undefined;
  return revert.data?.errorName ?? revert.reason ?? "unknown revert";
}

/** Arguments of the decoded custom error, when there is one. */
export function revertErrorArgs(err: unknown): readonly unknown[] | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const revert = err.walk((e) => e instanceof ContractFunctionRevertedError);
  return revert instanceof ContractFunctionRevertedError ? revert.data?.args : undefined;
}

/** A short one-line description of any error, for logs. */
export function describeError(err: unknown): string {
  if (err instanceof BaseError) return err.shortMessage;
  if (err instanceof Error) return err.message.split("\n")[0] ?? err.name;
  return String(err);
}
