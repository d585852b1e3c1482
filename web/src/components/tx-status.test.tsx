// @vitest-environment jsdom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { TxStatus } from "./tx-status.tsx";

afterEach(cleanup);

describe("TxStatus", () => {
  it("announces each phase in a live region", () => {
    const { rerender } = render(<TxStatus state={{ phase: "signing", label: "Stake" }} />);
    const status = screen.getByRole("status");
    expect(status.getAttribute("aria-live")).toBe("polite");
    expect(status.textContent).toBe("Stake: confirm in your wallet…");
    rerender(<TxStatus state={{ phase: "confirmed", label: "Stake", hash: "0xab", blockNumber: 7n }} />);
    expect(screen.getByRole("status").textContent).toBe("Stake: confirmed in block 7.");
    rerender(
      <TxStatus
        state={{ phase: "failed", label: "Stake", message: "reverted with StakingVaultZeroAmount()" }}
      />,
    );
    expect(screen.getByRole("status").textContent).toContain("StakingVaultZeroAmount");
    expect(screen.getByRole("status").getAttribute("data-phase")).toBe("failed");
  });
});
