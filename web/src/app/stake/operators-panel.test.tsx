// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OperatorRoleView, ProviderOperatorsView, acceptBlockedReason } from "./operators-panel.tsx";

afterEach(cleanup);

const OP = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
const OFFERED = "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65";
const PROVIDER = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const ZERO = "0x0000000000000000000000000000000000000000";
const IDLE = { phase: "idle" } as const;

describe("ProviderOperatorsView", () => {
  it("lists accepted operators (Revoke) and open offers (Withdraw offer), each sending its own call", () => {
    const onRevoke = vi.fn();
    const onWithdraw = vi.fn();
    render(
      <ProviderOperatorsView
        operators={[{ address: OP, authorizedAt: 1_700_000_000 }]}
        offers={[{ address: OFFERED, blockNumber: 42n }]}
        gateReady
        busy={false}
        onRevoke={onRevoke}
        onWithdraw={onWithdraw}
      />,
    );
    const rows = within(screen.getByRole("table", { name: "Operators and open offers" })).getAllByRole("row");
    expect(rows[1]?.textContent).toContain(OP);
    expect(rows[1]?.textContent).toContain("Operator since");
    expect(rows[2]?.textContent).toContain("Offered in block 42, not accepted yet");
    fireEvent.click(within(rows[1] as HTMLElement).getByRole("button", { name: "Revoke" }));
    fireEvent.click(within(rows[2] as HTMLElement).getByRole("button", { name: "Withdraw offer" }));
    expect(onRevoke).toHaveBeenCalledWith(OP);
    expect(onWithdraw).toHaveBeenCalledWith(OFFERED);
    // each button is described by the account it acts on
    const withdraw = within(rows[2] as HTMLElement).getByRole("button", { name: "Withdraw offer" });
    expect(document.getElementById(withdraw.getAttribute("aria-describedby") ?? "")?.textContent).toBe(
      OFFERED,
    );
  });

  it("says when there is nothing, while loading and on errors; buttons wait for the wallet", () => {
    const props = { gateReady: false, busy: false, onRevoke: vi.fn(), onWithdraw: vi.fn() };
    const { rerender } = render(<ProviderOperatorsView {...props} operators={[]} offers={[]} />);
    expect(document.body.textContent).toContain("No operators and no open offers.");
    rerender(<ProviderOperatorsView {...props} operators={undefined} offers={[]} />);
    expect(document.body.textContent).toContain("Loading…");
    rerender(
      <ProviderOperatorsView {...props} operators={undefined} offers={undefined} error="indexer down" />,
    );
    expect(document.body.textContent).toContain("Could not load operators: indexer down");
    rerender(<ProviderOperatorsView {...props} operators={[]} offers={[{ address: OFFERED }]} />);
    expect((screen.getByRole("button", { name: "Withdraw offer" }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe("OperatorRoleView", () => {
  const base = {
    operatorOf: ZERO,
    offers: [{ address: PROVIDER, blockNumber: 7n }],
    registered: false,
    gateReason: null,
    busy: false,
    tx: IDLE,
    onAccept: vi.fn(),
    onDecline: vi.fn(),
    onRenounce: vi.fn(),
  };

  it("accepts or declines an offer made to this account", () => {
    const onAccept = vi.fn();
    const onDecline = vi.fn();
    render(<OperatorRoleView {...base} onAccept={onAccept} onDecline={onDecline} />);
    const row = within(screen.getByRole("table", { name: "Operator offers to this account" })).getAllByRole(
      "row",
    )[1];
    expect(row?.textContent).toContain(PROVIDER);
    fireEvent.click(within(row as HTMLElement).getByRole("button", { name: "Accept" }));
    fireEvent.click(within(row as HTMLElement).getByRole("button", { name: "Decline" }));
    expect(onAccept).toHaveBeenCalledWith(PROVIDER);
    expect(onDecline).toHaveBeenCalledWith(PROVIDER);
    expect(screen.queryByTestId("operating-for")).toBeNull();
  });

  it("cannot accept as a registered provider or while operating for someone, and says why", () => {
    const { rerender } = render(<OperatorRoleView {...base} registered />);
    const accept = () => screen.getByRole("button", { name: "Accept" }) as HTMLButtonElement;
    expect(accept().disabled).toBe(true);
    expect(document.body.textContent).toContain("a provider cannot operate for another one");
    // declining stays possible
    expect((screen.getByRole("button", { name: "Decline" }) as HTMLButtonElement).disabled).toBe(false);
    rerender(<OperatorRoleView {...base} operatorOf={OP} />);
    expect(accept().disabled).toBe(true);
    expect(document.body.textContent).toContain(`already operates for ${OP}: renounce that role first`);
    rerender(<OperatorRoleView {...base} />);
    expect(accept().disabled).toBe(false);
    expect(
      acceptBlockedReason({ operatorOf: ZERO, registered: false, gateReason: "Connect a wallet." }),
    ).toBe("Connect a wallet.");
  });

  it("renounces the role it holds", () => {
    const onRenounce = vi.fn();
    render(<OperatorRoleView {...base} operatorOf={OP} offers={[]} onRenounce={onRenounce} />);
    expect(screen.getByTestId("operating-for").textContent).toContain(`operator of provider ${OP}`);
    fireEvent.click(screen.getByRole("button", { name: "Renounce operator role" }));
    expect(onRenounce).toHaveBeenCalledWith(OP);
    expect(document.body.textContent).toContain("No open offers.");
  });

  it("keeps the wallet's reason on renounce", () => {
    render(
      <OperatorRoleView {...base} operatorOf={OP} offers={undefined} gateReason="Connect a wallet first." />,
    );
    const renounce = screen.getByRole("button", { name: "Renounce operator role" }) as HTMLButtonElement;
    expect(renounce.disabled).toBe(true);
    expect(document.getElementById(renounce.getAttribute("aria-describedby") ?? "")?.textContent).toBe(
      "Connect a wallet first.",
    );
    expect(document.body.textContent).toContain("Loading…");
  });
});
