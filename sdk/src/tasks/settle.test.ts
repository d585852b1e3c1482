import { describe, expect, it } from "vitest";

import { settleDecision } from "./settle.ts";
import { TaskStatus, VerificationMode } from "./spec.ts";

const base = {
  mode: VerificationMode.REDUNDANT,
  phaseDeadline: 1000,
  deadline: 5000,
  revealWindow: 600,
  claims: 3,
  reveals: 2,
  members: 3,
};

describe("settleDecision", () => {
  it("ZK claim: expire only after the delivery deadline (both sides)", () => {
    const zk = { ...base, mode: VerificationMode.ZK, status: TaskStatus.Claimed };
    expect(settleDecision(1n, { ...zk, now: 1000 })).toMatchObject({ action: "none", notBefore: 1001 });
    expect(settleDecision(1n, { ...zk, now: 1001 })).toEqual({ action: "expire" });
  });

  it("REDUNDANT: finalize once every member revealed, or after the reveal window (both sides)", () => {
    const r = { ...base, status: TaskStatus.Claimed };
    expect(settleDecision(2n, { ...r, now: 1600 })).toMatchObject({ action: "none", notBefore: 1601 });
    expect(settleDecision(2n, { ...r, now: 1601 })).toEqual({ action: "finalize" });
    expect(settleDecision(2n, { ...r, reveals: 3, now: 1100 })).toEqual({ action: "finalize" });
  });

  it("Open: expire only after the deadline; cancel is suggested while unclaimed", () => {
    const open = { ...base, status: TaskStatus.Open, claims: 0 };
    const early = settleDecision(3n, { ...open, now: 5000 });
    expect(early).toMatchObject({ action: "none", notBefore: 5001 });
    if (early.action === "none") expect(early.reason).toMatch(/may cancel it now/);
    expect(settleDecision(3n, { ...open, now: 5001 })).toEqual({ action: "expire" });
  });

  it("settled tasks need nothing", () => {
    for (const status of [
      TaskStatus.Completed,
      TaskStatus.Refunded,
      TaskStatus.Cancelled,
      TaskStatus.Faulted,
    ]) {
      const d = settleDecision(4n, { ...base, status, now: 99_999 });
      expect(d.action).toBe("none");
      if (d.action === "none") expect(d.reason).toMatch(/already settled/);
    }
  });
});
