// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen, within } from "@testing-library/react";
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { writeZkInput } from "@eai/sdk/zk/input";
import { TaskInput, TaskInputView } from "./task-input.tsx";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const PIXELS = Array.from({ length: 49 }, (_, i) => (i * 5) % 16);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("TaskInputView", () => {
  it("draws the requester's digit as a captioned 7 × 7 grid with a download link", () => {
    const bytes = writeZkInput(PIXELS);
    render(
      <TaskInputView
        inputUri={`eai://blob/sha256-${sha(bytes)}`}
        decoded={{ kind: "digit", pixels: PIXELS, salt: 0n, bytes: bytes.length }}
      />,
    );
    const box = screen.getByTestId("task-input");
    const grid = within(box).getByRole("table", { name: "Input digit: 7 × 7 pixels, values 0–15" });
    const cells = within(grid).getAllByRole("cell");
    expect(cells.map((c) => Number(c.textContent))).toEqual(PIXELS);
    expect(cells[1]?.getAttribute("style")).toContain("rgb(85, 85, 85)"); // 5 × 17
    expect(within(box).getByRole("link", { name: "Download input" }).getAttribute("href")).toBe(
      `/api/blobs/${sha(bytes)}`,
    );
    expect(box.textContent).toContain(`${bytes.length} bytes, checked against its content address.`);
  });

  it("shows text and tensors as a preview, binary in hex, and says why an input is unreadable", () => {
    const uri = `eai://blob/sha256-${"ab".repeat(32)}`;
    const { rerender } = render(
      <TaskInputView
        inputUri={uri}
        decoded={{ kind: "text", text: "hello, EAI", what: "text", bytes: 10 }}
      />,
    );
    expect(screen.getByLabelText("Input preview").textContent).toBe("hello, EAI");
    rerender(<TaskInputView inputUri={uri} decoded={{ kind: "binary", hex: "00 ff", bytes: 2 }} />);
    expect(screen.getByLabelText("Input bytes (hex)").textContent).toBe("00 ff");
    rerender(
      <TaskInputView
        inputUri={uri}
        decoded={{ kind: "unreadable", reason: "zk-mlp input: bad", bytes: 3 }}
      />,
    );
    expect(screen.getByTestId("task-input").textContent).toContain(
      "not a readable digits input: zk-mlp input: bad",
    );
    rerender(<TaskInputView inputUri="ipfs://bafy" decoded={undefined} />);
    expect(screen.getByTestId("task-input").textContent).toContain("stored outside this app's blob store");
  });
});

describe("TaskInput", () => {
  function renderInput(uri: string) {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    return render(
      <QueryClientProvider client={client}>
        <TaskInput inputUri={uri} modelKind="ZK_MLP" format="zk-mlp" />
      </QueryClientProvider>,
    );
  }

  it("fetches the input through the app's blob route and decodes the digit", async () => {
    const bytes = writeZkInput(PIXELS, 3n);
    const fetch = vi.fn(async () => new Response(bytes as Uint8Array<ArrayBuffer>));
    vi.stubGlobal("fetch", fetch);
    renderInput(`eai://blob/sha256-${sha(bytes)}`);
    const grid = await screen.findByRole("table", { name: /Input digit/ });
    expect(
      within(grid)
        .getAllByRole("cell")
        .map((c) => Number(c.textContent)),
    ).toEqual(PIXELS);
    expect(fetch).toHaveBeenCalledWith(`/api/blobs/${sha(bytes)}`);
    expect(screen.getByTestId("task-input").textContent).toContain("Committed with a salt");
  });

  it("refuses bytes that do not match the input's content address", async () => {
    const bytes = writeZkInput(PIXELS);
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(writeZkInput(PIXELS.map(() => 1)) as Uint8Array<ArrayBuffer>)),
    );
    renderInput(`eai://blob/sha256-${sha(bytes)}`);
    expect(
      (await screen.findByText(/Could not read the input/, undefined, { timeout: 10_000 })).textContent,
    ).toContain(`not the ${sha(bytes)} its address names`);
    expect(screen.queryByRole("table")).toBeNull();
  });
});
