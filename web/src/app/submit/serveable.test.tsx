// @vitest-environment jsdom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { encodeTensors } from "@eai/sdk/tasks/tensors";
import { checkServeable, type ServeableRequest } from "@eai/sdk/tasks/serveable";
import { GatedButton } from "@/components/gated-button.tsx";
import { ServeableWarnings, serveableBlockReason } from "./submit-task.tsx";

afterEach(cleanup);

const onnx = { kind: 1, active: true, approved: true, inputSize: 4, minExecWindow: 600 };
const rows = (n: number, width = 4) =>
  encodeTensors([{ name: "x", dtype: "float32", dims: [n, width], data: new Float32Array(n * width) }]);
const request: ServeableRequest = {
  modelId: 2n,
  model: onnx,
  mode: "redundant",
  execWindow: 3600,
  marketMinExecWindow: 120,
  private: false,
  input: rows(2),
  redundancy: 3,
  eligibleProviders: 3,
};

/** The submit button as the page renders it: checkServeable's errors are its hint, its warnings shown above. */
function SubmitArea({ r }: { r: ServeableRequest }) {
  const report = checkServeable(r);
  const reason = serveableBlockReason(report, null);
  return (
    <>
      <ServeableWarnings report={report} />
      <GatedButton type="submit" className="btn" disabled={reason !== null} blockedReason={reason}>
        Submit task
      </GatedButton>
    </>
  );
}

function hintOf(button: HTMLElement): string | null {
  const id = button.getAttribute("aria-describedby");
  return id ? (document.getElementById(id)?.textContent ?? null) : null;
}

describe("the submit page's serveability check", () => {
  it("lets a well-formed REDUNDANT request through without warnings", () => {
    render(<SubmitArea r={request} />);
    const button = screen.getByRole("button", { name: "Submit task" }) as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    expect(hintOf(button)).toBeNull();
    expect(screen.queryByTestId("serveable-warnings")).toBeNull();
  });

  it("refuses an execution window below the model's minimum, both sides, with the reason as the hint", () => {
    const { rerender } = render(<SubmitArea r={{ ...request, execWindow: 599 }} />);
    const button = screen.getByRole("button", { name: "Submit task" }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(hintOf(button)).toBe(
      "This task cannot be served: execWindow 599 s is below the minimum of 600 s (the market's 120 s, model 2's 600 s).",
    );
    rerender(<SubmitArea r={{ ...request, execWindow: 600 }} />);
    expect(button.disabled).toBe(false);
  });

  it("refuses an input the ONNX model cannot read and a ZK model in REDUNDANT mode", () => {
    const { rerender } = render(<SubmitArea r={{ ...request, input: rows(2, 5) }} />);
    const button = () => screen.getByRole("button", { name: "Submit task" }) as HTMLButtonElement;
    expect(button().disabled).toBe(true);
    expect(hintOf(button())).toMatch(/takes rows of 4 input element\(s\); the input has 10/);
    rerender(<SubmitArea r={{ ...request, model: { ...onnx, kind: 0 } }} />);
    expect(hintOf(button())).toMatch(/is a ZK model/);
  });

  it("shows warnings (not approved, fewer eligible providers than votes) and still allows the submission", () => {
    render(<SubmitArea r={{ ...request, model: { ...onnx, approved: false }, eligibleProviders: 2 }} />);
    expect((screen.getByRole("button", { name: "Submit task" }) as HTMLButtonElement).disabled).toBe(false);
    const items = screen.getAllByRole("listitem").map((li) => li.textContent);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(/redundancy 3 with 2 eligible provider\(s\)/);
    expect(items[1]).toMatch(/not approved by governance/);
  });

  it("blocks while the model is read, and only then", () => {
    expect(serveableBlockReason(undefined, "Reading the model and the market's rules from the chain…")).toBe(
      "Reading the model and the market's rules from the chain…",
    );
    expect(serveableBlockReason({ errors: [], warnings: ["x"] }, "reading")).toBeNull();
  });
});
