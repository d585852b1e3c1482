// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { settleDecision } from "@eai/sdk/tasks/settle";
import { SettleView, settleBlockedReason, settleExplanation } from "./settle-task.tsx";

afterEach(cleanup);

const IDLE = { phase: "idle" } as const;
/** TaskStatus and VerificationMode values (ITaskMarketTypes). */
const OPEN = 1;
const CLAIMED = 2;
const ZK = 0;
const REDUNDANT = 1;

const zkClaim = {
  status: CLAIMED,
  mode: ZK,
  phaseDeadline: 1_000,
  deadline: 5_000,
  revealWindow: 0,
  claims: 1,
};
const redundant = {
  status: CLAIMED,
  mode: REDUNDANT,
  phaseDeadline: 1_000,
  deadline: 5_000,
  revealWindow: 600,
  claims: 3,
  reveals: 2,
  members: 3,
};

function button(): HTMLButtonElement {
  return screen.getByRole("button", { name: "Settle" }) as HTMLButtonElement;
}

function hint(): string | null {
  const id = button().getAttribute("aria-describedby");
  return id ? (document.getElementById(id)?.textContent ?? null) : null;
}

describe("SettleView (with the SDK's settleDecision)", () => {
  it("expires a ZK claim past its delivery deadline, and says what that does", () => {
    const onSettle = vi.fn();
    render(
      <SettleView
        decision={settleDecision(4n, { ...zkClaim, now: 1_001 })}
        status="Claimed"
        gateReason={null}
        busy={false}
        tx={IDLE}
        onSettle={onSettle}
      />,
    );
    expect(screen.getByTestId("settle").textContent).toContain("Settle sends expireTask");
    expect(screen.getByTestId("settle").textContent).toContain("slashed to the treasury");
    expect(button().disabled).toBe(false);
    fireEvent.click(button());
    expect(onSettle).toHaveBeenCalledWith("expire");
  });

  it("refuses one second earlier, with the reason and the time from which it can be settled", () => {
    const onSettle = vi.fn();
    const decision = settleDecision(4n, { ...zkClaim, now: 1_000 });
    render(
      <SettleView
        decision={decision}
        status="Claimed"
        gateReason={null}
        busy={false}
        tx={IDLE}
        onSettle={onSettle}
      />,
    );
    expect(button().disabled).toBe(true);
    expect(hint()).toMatch(
      /^Nothing to settle yet: task 4: the claimant has until 1970-01-01T00:16:40.000Z to deliver\./,
    );
    expect(hint()).toContain(`It can be settled from ${new Date(1_001_000).toLocaleString()}.`);
    fireEvent.click(button());
    expect(onSettle).not.toHaveBeenCalled();
  });

  it("finalizes a REDUNDANT task once every member revealed or after the reveal window, not before", () => {
    const { rerender } = render(
      <SettleView
        decision={settleDecision(9n, { ...redundant, now: 1_600 })}
        status="Claimed"
        gateReason={null}
        busy={false}
        tx={IDLE}
        onSettle={vi.fn()}
      />,
    );
    expect(button().disabled).toBe(true);
    expect(hint()).toMatch(/2 of 3 providers revealed/);
    const onSettle = vi.fn();
    rerender(
      <SettleView
        decision={settleDecision(9n, { ...redundant, now: 1_601 })}
        status="Claimed"
        gateReason={null}
        busy={false}
        tx={IDLE}
        onSettle={onSettle}
      />,
    );
    expect(screen.getByTestId("settle").textContent).toContain("Settle sends finalizeTask");
    fireEvent.click(button());
    expect(onSettle).toHaveBeenCalledWith("finalize");
    rerender(
      <SettleView
        decision={settleDecision(9n, { ...redundant, reveals: 3, now: 1_100 })}
        status="Claimed"
        gateReason={null}
        busy={false}
        tx={IDLE}
        onSettle={onSettle}
      />,
    );
    expect(button().disabled).toBe(false);
  });

  it("expires an Open task only after its deadline", () => {
    const open = { ...redundant, status: OPEN, claims: 1 };
    const { rerender } = render(
      <SettleView
        decision={settleDecision(2n, { ...open, now: 5_000 })}
        status="Open"
        gateReason={null}
        busy={false}
        tx={IDLE}
        onSettle={vi.fn()}
      />,
    );
    expect(button().disabled).toBe(true);
    expect(hint()).toMatch(/Open until its deadline/);
    rerender(
      <SettleView
        decision={settleDecision(2n, { ...open, now: 5_001 })}
        status="Open"
        gateReason={null}
        busy={false}
        tx={IDLE}
        onSettle={vi.fn()}
      />,
    );
    expect(button().disabled).toBe(false);
    expect(screen.getByTestId("settle").textContent).toContain("credited back to the requester");
  });

  it("puts the wallet's reason first, and stays disabled while a transaction is in flight", () => {
    const decision = settleDecision(4n, { ...zkClaim, now: 2_000 });
    const { rerender } = render(
      <SettleView
        decision={decision}
        status="Claimed"
        gateReason="Connect a wallet to send transactions."
        busy={false}
        tx={IDLE}
        onSettle={vi.fn()}
      />,
    );
    expect(button().disabled).toBe(true);
    expect(hint()).toBe("Connect a wallet to send transactions.");
    rerender(
      <SettleView
        decision={decision}
        status="Claimed"
        gateReason={null}
        busy
        tx={{ phase: "pending", label: "Settle (expireTask)", hash: `0x${"12".repeat(32)}` }}
        onSettle={vi.fn()}
      />,
    );
    expect(button().disabled).toBe(true);
    expect(screen.getByRole("status").textContent).toMatch(/^Settle \(expireTask\): pending/);
  });

  it("explains every action and waits while the chain is read", () => {
    expect(settleBlockedReason(undefined)).toBe("Reading the task's state from the chain…");
    expect(settleBlockedReason({ action: "expire" })).toBeNull();
    expect(settleExplanation("expire", "Claimed")).toMatch(/missed its delivery deadline/);
    expect(settleExplanation("expire", "Open")).toMatch(/deadline passed/);
    expect(settleExplanation("finalize", "Claimed")).toMatch(/task-fault majority refunds the requester/);
  });
});
