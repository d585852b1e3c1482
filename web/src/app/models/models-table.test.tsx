// @vitest-environment jsdom
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { ModelRow } from "@/lib/indexer-views.ts";
import { ModelsTable } from "./models-table.tsx";

afterEach(cleanup);

const VERIFIER = "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0";
const SHA = "34".repeat(32);

function model(extra: Partial<ModelRow>): ModelRow {
  return {
    id: "1",
    creator: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
    kind: "ZK_MLP",
    verifier: VERIFIER,
    weightsCommitment: "5038179291451566367740852791213218460096030523620614177601729729433849611534",
    artifactUri: `eai://blob/sha256-${SHA}`,
    inputSize: 49,
    outputSize: 10,
    minResources: {
      vramMiB: 0,
      computeCapability: 0,
      cpuCores: 0,
      ramMiB: 0,
      storageGiB: 0,
      bandwidthMbps: 0,
      benchmarkScore: 0,
      region: 0,
    },
    registeredAt: 1_700_000_000,
    active: true,
    adminLocked: false,
    tasks: 3,
    completedTasks: 2,
    ...extra,
  };
}

describe("ModelsTable", () => {
  it("lists each model's kind, shapes, commitment, verifier, creator, artifact, resources and status", () => {
    render(
      <ModelsTable
        digitsVerifier={VERIFIER}
        models={[
          model({}),
          model({
            id: "2",
            kind: "ONNX",
            verifier: "0x0000000000000000000000000000000000000000",
            artifactUri: "ipfs://elsewhere",
            inputSize: 4,
            outputSize: 3,
            minResources: { ...model({}).minResources, cpuCores: 2, ramMiB: 2048 },
            active: false,
            adminLocked: true,
          }),
        ]}
      />,
    );
    const table = screen.getByRole("table", { name: "Registered models" });
    const [zk, onnx] = within(table).getAllByRole("row").slice(1);
    // Not a project artifact: named by kind and id, the digits verifier said.
    expect(zk?.textContent).toContain("ZK model 1 #1");
    expect(zk?.textContent).toContain("MNIST digits verifier");
    expect(zk?.textContent).toContain("ZK MLP (Groth16-proven)");
    expect(zk?.textContent).toContain("49 → 10");
    expect(zk?.textContent).toContain("0x9fe4…a6e0");
    expect(zk?.textContent).toContain("2 of 3 completed");
    expect(
      within(zk as HTMLElement)
        .getByRole("link", { name: "download" })
        .getAttribute("href"),
    ).toBe(`/api/blobs/${SHA}`);
    expect(onnx?.textContent).toContain("none (redundant execution)");
    expect(onnx?.textContent).toContain("2 CPU cores, RAM 2 GB");
    expect(onnx?.textContent).toContain("ipfs://elsewhere");
    expect(onnx?.textContent).toContain("Inactive, locked by governance");
    expect(within(onnx as HTMLElement).queryByRole("link", { name: "download" })).toBeNull();
    // Words are not broken mid-word: only the address is in the monospace (break-anywhere) style.
    const verifierCell = [...(onnx as HTMLElement).querySelectorAll("td")].find(
      (td) => td.textContent === "none (redundant execution)",
    );
    expect(verifierCell?.classList.contains("mono")).toBe(false);
    expect(verifierCell?.querySelector(".mono")).toBeNull();
  });

  it("names the project's models by their artifact and keeps the name on one line", () => {
    render(
      <ModelsTable
        models={[
          model({
            artifactUri: "eai://blob/sha256-34a9ec0231dfa11ddfb5367540476194ff59a8147c56ac8bdda96b649a396ddf",
          }),
        ]}
      />,
    );
    const [row] = within(screen.getByRole("table", { name: "Registered models" }))
      .getAllByRole("row")
      .slice(1);
    const name = within(row as HTMLElement).getByRole("rowheader");
    expect(name.textContent).toContain("mnist-mlp #1");
    expect(name.textContent).toContain("MNIST digits, 7 × 7 pixels → 10 logits, Groth16-proven");
    expect(name.querySelector(".nowrap")?.textContent).toBe("mnist-mlp");
  });

  it("shows approval, the minimum execution window and the execution profile read from the registry", () => {
    const exact = {
      comparison: 0,
      quantStepLog2: 0,
      intraOpThreads: 0,
      graphOptimization: 0,
      target: 1,
      runtimeVersion: 0,
    };
    const { rerender } = render(<ModelsTable models={[model({}), model({ id: "2", kind: "ONNX" })]} />);
    const cells = (row: number) =>
      within(
        within(screen.getByRole("table", { name: "Registered models" })).getAllByRole("row")[
          row
        ] as HTMLElement,
      )
        .getAllByRole("cell")
        .map((c) => c.textContent);
    // not read yet
    expect(cells(1).slice(3, 5)).toEqual(["…", "…"]);
    expect(cells(1)[10]).not.toContain("approved");
    rerender(
      <ModelsTable
        models={[model({}), model({ id: "2", kind: "ONNX" })]}
        chain={{
          "1": { approved: true, minExecWindow: 0, profile: exact },
          "2": {
            approved: false,
            minExecWindow: 600,
            profile: {
              comparison: 1,
              quantStepLog2: -12,
              intraOpThreads: 1,
              graphOptimization: 3,
              target: 0,
              runtimeVersion: 1_030_000,
            },
          },
        }}
      />,
    );
    expect(cells(1)[3]).toBe("none of its own (the market's minimum applies)");
    expect(cells(1)[4]).toBe("results compared as exact bytes");
    expect(cells(1)[10]).toContain("Active, approved by governance");
    expect(cells(2)[3]).toBe("10m");
    expect(cells(2)[4]).toBe(
      "results compared as outputs rounded to 2^-12 steps (half to even) before hashing; 1 intra-op thread; graph optimisation all; CPU only; onnxruntime 1.30.0",
    );
    expect(cells(2)[10]).toContain("not approved by governance (its tasks move no reputation)");
  });

  it("says when no model is registered", () => {
    render(<ModelsTable models={[]} />);
    expect(screen.getByRole("table", { name: "Registered models" }).textContent).toContain(
      "No models registered yet.",
    );
  });
});
