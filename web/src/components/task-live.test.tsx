// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { keccak256 } from "viem";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TaskEventView } from "@/lib/indexer-views.ts";
import type { ZkVerified } from "@/lib/task-verification.ts";
import {
  TaskStatusView,
  TaskTimeline,
  VerificationView,
  describeTaskEvent,
  faultSummary,
  withFaultEvent,
} from "./task-live.tsx";
import { previewOf } from "@/lib/result-preview.ts";

afterEach(cleanup);

const PROVIDER = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const TX: `0x${string}` = `0x${"ab".repeat(32)}`;

function event(kind: string, extra: Partial<TaskEventView> = {}): TaskEventView {
  return {
    id: `${TX}-${kind}`,
    kind,
    provider: null,
    amount: null,
    data: {},
    blockNumber: "12",
    logIndex: 0,
    timestamp: 1_795_324_205,
    txHash: TX,
    ...extra,
  };
}

const ZK_OK: ZkVerified = {
  ok: true,
  mode: "ZK",
  provider: PROVIDER,
  output: 0x1234n,
  logits: [-3, 1, 0, 2, 9, -1, 0, 4, 1, -2],
  prediction: 4,
  digits: true,
  proof: { checked: true, verifier: "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0", txHash: TX },
};

describe("VerificationView", () => {
  const verification = () => screen.getByTestId("task-verification");

  it("waits for completion, then shows the verifying state", () => {
    const { rerender } = render(<VerificationView taskId={1n} status="Claimed" verification={undefined} />);
    expect(verification().textContent).toMatch(/once the task completes/);
    rerender(<VerificationView taskId={1n} status="Completed" verification={undefined} />);
    expect(verification().textContent).toBe("Verifying the output against the chain…");
  });

  it("shows a verified ZK output with the predicted digit, the logits and a JSON download", () => {
    render(<VerificationView taskId={5n} status="Completed" verification={ZK_OK} />);
    const box = verification();
    expect(box.textContent).toContain("Output verified against the on-chain proof");
    expect(box.textContent).toContain("Predicted digit: 4");
    expect(box.textContent).toContain(`0x${"0".repeat(60)}1234 is public signal 2`);
    expect(box.textContent).toMatch(/checked again with verifier 0x9fe4…a6e0: valid/);
    const table = within(box).getByRole("table", { name: "Logits" });
    expect(within(table).getAllByRole("row")).toHaveLength(11);
    const link = within(box).getByRole("link", { name: "Download output (JSON)" });
    expect(link.getAttribute("download")).toBe("task-5-output.json");
    const json = JSON.parse(decodeURIComponent(link.getAttribute("href")?.split(",")[1] ?? "")) as {
      prediction: number;
    };
    expect(json.prediction).toBe(4);
  });

  it("does not call a non-digits model's argmax a digit", () => {
    render(<VerificationView taskId={5n} status="Completed" verification={{ ...ZK_OK, digits: false }} />);
    expect(verification().textContent).not.toContain("Predicted digit");
    expect(within(verification()).getByRole("columnheader", { name: "Class" })).toBeTruthy();
  });

  it("shows a verified REDUNDANT result with a preview and a same-origin download link", () => {
    const bytes = new TextEncoder().encode('{"label":"cat"}');
    const sha = "c".repeat(64);
    render(
      <VerificationView
        taskId={9n}
        status="Completed"
        verification={{
          ok: true,
          mode: "REDUNDANT",
          resultHash: keccak256(bytes),
          resultURI: `eai://blob/sha256-${sha}`,
          sha256: sha,
          bytes,
          preview: previewOf(bytes),
          winners: 3,
          revealers: [],
        }}
      />,
    );
    const box = verification();
    expect(box.textContent).toContain("Output verified against the on-chain majority hash");
    expect(box.textContent).toContain(keccak256(bytes));
    expect(within(box).getByLabelText("Result preview").textContent).toContain('"label": "cat"');
    expect(within(box).getByRole("link", { name: "Download result" }).getAttribute("href")).toBe(
      `/api/blobs/${sha}`,
    );
  });

  it("reports a mismatch as a failed verification", () => {
    render(
      <VerificationView
        taskId={1n}
        status="Completed"
        verification={{
          ok: false,
          reason: "task 1: output 5 is not a packed logits word (bits above slot 9)",
        }}
      />,
    );
    expect(verification().textContent).toBe(
      "Verification failed: task 1: output 5 is not a packed logits word (bits above slot 9)",
    );
  });

  it("tells a network error apart from a mismatch and offers a retry", () => {
    const retry = vi.fn();
    render(
      <VerificationView
        taskId={1n}
        status="Completed"
        verification={undefined}
        error={new Error("HTTP request failed")}
        onRetry={retry}
      />,
    );
    expect(verification().textContent).not.toContain("Verification failed");
    fireEvent.click(screen.getByRole("button", { name: "Retry verification" }));
    expect(retry).toHaveBeenCalledOnce();
  });

  it("explains a Faulted task and its settlement read from the chain", () => {
    const fault = {
      refund: 9n * 10n ** 18n,
      fee: 10n ** 18n,
      votes: 2,
      txHash: TX,
      blockNumber: 40n,
      logIndex: 3,
      timestamp: 1_795_324_300,
    };
    const { rerender } = render(<VerificationView taskId={1n} status="Faulted" verification={undefined} />);
    expect(verification().textContent).toContain("reported a task fault");
    expect(verification().textContent).toContain("Reading the fault settlement from the chain…");
    rerender(<VerificationView taskId={1n} status="Faulted" verification={undefined} fault={fault} />);
    expect(screen.getByTestId("task-fault").textContent).toBe(
      "Task fault reported by 2 votes: 9 EAI refunded, 1 EAI fee (block 40).",
    );
    rerender(<VerificationView taskId={1n} status="Faulted" verification={undefined} fault={null} />);
    expect(verification().textContent).toContain("no TaskFaulted event");
  });

  it("has no output for cancelled or refunded tasks", () => {
    render(<VerificationView taskId={1n} status="Refunded" verification={undefined} />);
    expect(verification().textContent).toBe("No output: the task was refunded.");
  });
});

describe("TaskStatusView", () => {
  it("shows status, claims and the phase deadline", () => {
    render(
      <TaskStatusView status="Claimed" claims={1} phaseDeadline={1_000_100} mode="ZK" now={1_000_000} />,
    );
    const text = document.body.textContent ?? "";
    expect(text).toContain("Status: Claimed");
    expect(text).toContain("1 claim");
    expect(text).toMatch(/delivery deadline .* \(in 1m 40s\)/);
  });

  it("names a Faulted task in words", () => {
    render(<TaskStatusView status="Faulted" claims={3} />);
    expect(document.body.textContent).toContain("Status: Faulted (task fault reported)");
    expect(document.querySelector("[data-status=Faulted]")).not.toBeNull();
  });

  it("says when the task does not exist, and while loading", () => {
    const { rerender } = render(<TaskStatusView status={undefined} />);
    expect(document.body.textContent).toBe("Loading status…");
    rerender(<TaskStatusView status="None" claims={0} />);
    expect(document.body.textContent).toBe("Status: not found");
  });
});

describe("TaskTimeline", () => {
  it("lists events oldest first with their details", () => {
    render(
      <TaskTimeline
        events={[
          event("submitted", { amount: "2000000000000000000" }),
          event("claimed", { provider: PROVIDER, data: { claims: 1 } }),
          event("proven", { provider: PROVIDER }),
          event("completed", { data: { providerPayout: "1600000000000000000", winners: 1 } }),
        ]}
      />,
    );
    const items = screen.getAllByRole("listitem");
    expect(items.map((li) => li.getAttribute("data-kind"))).toEqual([
      "submitted",
      "claimed",
      "proven",
      "completed",
    ]);
    expect(items[0]?.textContent).toContain("Submitted — reward 2 EAI");
    expect(items[1]?.textContent).toContain("Claimed — by 0x3c44…93bc, claim 1");
    expect(items[3]?.textContent).toContain("1.6 EAI to providers, 1 paid");
    expect(items[0]?.textContent).toContain("block 12");
  });

  it("describes penalties and refunds", () => {
    expect(
      describeTaskEvent(
        event("penalized", { provider: PROVIDER, amount: "10", data: { outcome: "WrongResult" } }),
      ),
    ).toEqual({ title: "Provider penalised", detail: "0x3c44…93bc (WrongResult) slashed 0 EAI" });
    expect(describeTaskEvent(event("refunded", { amount: "10", data: { noMajority: true } })).detail).toBe(
      "0 EAI refunded, no majority",
    );
    expect(describeTaskEvent(event("something_new")).title).toBe("something_new");
  });

  it("describes task faults, draws and claimants that left", () => {
    expect(
      describeTaskEvent(
        event("faulted", { data: { refund: "9000000000000000000", fee: "1000000000000000000", votes: 2 } }),
      ),
    ).toEqual({ title: "Task fault reported", detail: "by 2 votes: 9 EAI refunded, 1 EAI fee" });
    expect(describeTaskEvent(event("faulted", { data: {} }))).toEqual({
      title: "Task fault reported",
      detail: null,
    });
    expect(
      describeTaskEvent(event("draw_claimed", { provider: PROVIDER, data: { draw: 2, votes: 1 } })).detail,
    ).toBe("by 0x3c44…93bc, draw 2, 1 vote now");
    expect(describeTaskEvent(event("claimant_left", { provider: PROVIDER, data: { votes: 2 } })).detail).toBe(
      "0x3c44…93bc gave up 2 votes",
    );
    expect(faultSummary({ votes: 1, refund: "5", fee: "0" })).toBe(
      "Task fault reported by 1 vote: 0 EAI refunded, 0 EAI fee",
    );
  });

  it("puts the chain's TaskFaulted into an indexed timeline that lacks it, in block order", () => {
    const fault = {
      refund: 9n * 10n ** 18n,
      fee: 10n ** 18n,
      votes: 3,
      txHash: TX,
      blockNumber: 12n,
      logIndex: 5,
      timestamp: 1_795_324_300,
    };
    const before = event("revealed", { id: "r", blockNumber: "12", logIndex: 1 });
    const after = event("paid", { id: "p", blockNumber: "12", logIndex: 7 });
    const early = event("submitted", { id: "s", blockNumber: "9", logIndex: 0 });
    const merged = withFaultEvent([early, before, after], fault);
    expect(merged.map((e) => e.kind)).toEqual(["submitted", "revealed", "faulted", "paid"]);
    render(<TaskTimeline events={merged} />);
    expect(screen.getAllByRole("listitem")[2]?.textContent).toContain(
      "Task fault reported — by 3 votes: 9 EAI refunded, 1 EAI fee",
    );
    // an indexer that records the event itself is not doubled, and nothing changes without a fault
    const indexed = [early, event("faulted", { id: "f" })];
    expect(withFaultEvent(indexed, fault)).toBe(indexed);
    expect(withFaultEvent(indexed, null)).toBe(indexed);
  });

  it("says when nothing is indexed yet", () => {
    render(<TaskTimeline events={[]} />);
    expect(document.body.textContent).toBe("No events indexed yet.");
  });
});
