// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { GatedButton } from "./gated-button.tsx";

afterEach(cleanup);

describe("GatedButton", () => {
  it("is disabled while blocked and says why, tied to the button", () => {
    const onClick = vi.fn();
    const { rerender } = render(
      <GatedButton type="button" blockedReason="Connect a wallet first." onClick={onClick}>
        Stake
      </GatedButton>,
    );
    const button = screen.getByRole("button", { name: "Stake" }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    const hint = document.getElementById(button.getAttribute("aria-describedby") ?? "");
    expect(hint?.textContent).toBe("Connect a wallet first.");
    expect(hint?.className).toBe("hint");
    fireEvent.click(button);
    expect(onClick).not.toHaveBeenCalled();

    rerender(
      <GatedButton type="button" blockedReason={null} onClick={onClick}>
        Stake
      </GatedButton>,
    );
    expect(button.disabled).toBe(false);
    expect(button.hasAttribute("aria-describedby")).toBe(false);
    expect(screen.queryByText("Connect a wallet first.")).toBeNull();
    fireEvent.click(button);
    expect(onClick).toHaveBeenCalledOnce();
  });

  it("stays disabled without a hint for other causes (a transaction in flight)", () => {
    render(
      <GatedButton type="submit" className="btn" blockedReason={undefined} disabled>
        Submit task
      </GatedButton>,
    );
    const button = screen.getByRole("button", { name: "Submit task" }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.type).toBe("submit");
    expect(button.className).toBe("btn");
    expect(button.hasAttribute("aria-describedby")).toBe(false);
  });
});
