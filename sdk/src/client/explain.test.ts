import { BaseError, encodeErrorResult, parseEther, type Hex } from "viem";
import { describe, expect, it } from "vitest";

import { taskMarketAbi, stakingVaultAbi, eaiTokenAbi } from "../generated/abis.ts";
import { EaiContractError, decodeEaiError } from "./errors.ts";
import { explainContractError, formatDuration, formatTime } from "./explain.ts";

/** A viem error carrying revert data, as a failed simulation throws it. */
class Reverted extends BaseError {
  readonly data: Hex;
  constructor(data: Hex) {
    super("execution reverted");
    this.data = data;
  }
}

const revert = (
  abi: typeof taskMarketAbi | typeof stakingVaultAbi | typeof eaiTokenAbi,
  errorName: string,
  args: unknown[],
) => new Reverted(encodeErrorResult({ abi, errorName, args } as Parameters<typeof encodeErrorResult>[0]));

describe("custom errors in words", () => {
  it("names the task status and the status the call needs", () => {
    const err = decodeEaiError(
      revert(taskMarketAbi, "TaskMarketWrongStatus", [1n, 3]),
      "TaskMarket.cancelTask",
    );
    expect(err).toBeInstanceOf(EaiContractError);
    expect(err.message).toBe("TaskMarket.cancelTask: task 1 is Completed, not Open (TaskMarketWrongStatus)");
    expect((err as EaiContractError).raw).toBe("TaskMarketWrongStatus(taskId=1, status=3)");
    const finalize = decodeEaiError(
      revert(taskMarketAbi, "TaskMarketWrongStatus", [4n, 1]),
      "TaskMarket.finalizeTask",
    );
    expect(finalize.message).toBe(
      "TaskMarket.finalizeTask: task 4 is Open, not Claimed (TaskMarketWrongStatus)",
    );
  });

  it("shows amounts in EAI, never wei", () => {
    const err = decodeEaiError(
      revert(stakingVaultAbi, "StakingVaultInsufficientFreeStake", [
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        parseEther("13"),
        parseEther("100"),
      ]),
      "StakingVault.requestUnstake",
    );
    expect(err.message).toBe(
      "StakingVault.requestUnstake: 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 has 13 EAI of free stake, needs 100 EAI (StakingVaultInsufficientFreeStake)",
    );
    expect(err.message).not.toMatch(/000000000/);
    const balance = decodeEaiError(
      revert(eaiTokenAbi, "ERC20InsufficientBalance", [
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        0n,
        parseEther("1.5"),
      ]),
    );
    expect(balance.message).toBe(
      "0x70997970C51812dc3A010C7d01b50e0d17dc79C8 holds 0 EAI, needs 1.5 EAI (ERC20InsufficientBalance)",
    );
  });

  it("shows times as ISO dates with how far away they are", () => {
    const now = 1_764_655_200; // 2025-12-02T06:00:00Z
    expect(formatTime(now + 240, now)).toBe("2025-12-02T06:04:00.000Z (in 4 min)");
    expect(formatTime(now - 5, now)).toBe("2025-12-02T05:59:55.000Z (5 s ago)");
    expect(formatDuration(7500)).toBe("2 h 5 min");
    expect(formatDuration(90)).toBe("1 min 30 s");
    const err = decodeEaiError(
      revert(stakingVaultAbi, "StakingVaultUnbondingNotMatured", [
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        BigInt(now + 240),
        BigInt(now),
      ]),
    );
    expect(err.message).toMatch(
      /is released at 2025-12-02T06:04:00.000Z \(in 4 min\) \(StakingVaultUnbondingNotMatured\)$/,
    );
  });

  it("falls back to Name(arg=value) with values in words for errors without a sentence", () => {
    const err = decodeEaiError(
      revert(taskMarketAbi, "TaskMarketWrongMode", [7n, 1]),
      "TaskMarket.submitProof",
    );
    expect(err.message).toBe(
      "TaskMarket.submitProof: reverted with TaskMarketWrongMode(taskId=7, mode=REDUNDANT)",
    );
    const deadline = decodeEaiError(revert(taskMarketAbi, "TaskMarketDeadlineTooSoon", [100, 200n]));
    expect(deadline.message).toBe(
      "the deadline 1970-01-01T00:01:40.000Z (" +
        formatTime(100).split(" (")[1] +
        " is too soon: the earliest allowed is " +
        formatTime(200) +
        " (TaskMarketDeadlineTooSoon)",
    );
    expect(explainContractError("TaskMarketWrongStatus", [2n, 6], "TaskMarket.somethingNew")).toBe(
      "task 2 is Faulted, which this call does not accept",
    );
  });
});
