// @vitest-environment jsdom
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { TaskDetail } from "@/lib/indexer-views.ts";
import {
  PaymentsTable,
  ProofStatus,
  TaskSummary,
  describeDraws,
  outputWordText,
} from "./[id]/task-detail.tsx";
import { MyTasksTable } from "./my-tasks-table.tsx";

afterEach(cleanup);

const EAI = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
const P1 = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const P2 = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
const TX = `0x${"ab".repeat(32)}`;

function task(extra: Partial<TaskDetail> = {}): TaskDetail {
  return {
    id: "3",
    requester: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
    modelId: "1",
    paymentToken: EAI,
    reward: "2000000000000000000",
    rewardEai: "2000000000000000000",
    bond: "1000000000000000000",
    modelCreator: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
    verifier: "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0",
    modelCommitment: "5038179291451566367740852791213218460096030523620614177601729729433849611534",
    mode: "ZK",
    redundancy: 1,
    minTier: 1,
    minResources: {
      vramMiB: 0,
      computeCapability: 0,
      cpuCores: 1,
      ramMiB: 0,
      storageGiB: 0,
      bandwidthMbps: 0,
      benchmarkScore: 0,
      region: 0,
    },
    inputCommitment: "6387206763646134303734818489872687859556033219966084977588187838359918746404",
    inputUri: `eai://blob/sha256-${"91".repeat(32)}`,
    createdAt: 1_700_000_000,
    priorityUntil: 1_700_000_030,
    deadline: 1_700_086_400,
    execWindow: 3600,
    revealWindow: 0,
    status: "Open",
    claims: 0,
    phaseDeadline: 0,
    commits: 0,
    reveals: 0,
    result: null,
    outputCommitment: null,
    output: null,
    providerPayout: null,
    treasuryFee: null,
    creatorFee: null,
    winners: null,
    refundAmount: null,
    noMajority: null,
    firstClaimedAt: null,
    settledAt: null,
    claimToCompletion: null,
    submittedBlock: "120",
    submittedTx: TX,
    timeline: [],
    claimants: [],
    payments: [],
    ...extra,
  };
}

describe("task detail parts", () => {
  it("summarises the request with an input download through the app", () => {
    render(<TaskSummary task={task()} eaiToken={EAI.toUpperCase().replace("0X", "0x")} />);
    const text = document.body.textContent ?? "";
    expect(text).toContain("Reward2 EAI");
    expect(text).toContain("VerificationZK proof (Groth16)");
    expect(text).toContain("Minimum resources1 CPU core");
    expect(text).toContain("Execution window1h");
    expect(screen.getByRole("link", { name: "download input" }).getAttribute("href")).toBe(
      `/api/blobs/${"91".repeat(32)}`,
    );
    expect(screen.getByRole("link", { name: "Model 1" }).getAttribute("href")).toBe("/models");
  });

  it("names the model when its name is known", () => {
    render(<TaskSummary task={task()} eaiToken={EAI} modelName="mnist-mlp" />);
    expect(screen.getByRole("link", { name: "mnist-mlp #1" }).getAttribute("href")).toBe("/models");
  });

  it("names a reward paid in another token", () => {
    render(<TaskSummary task={task({ paymentToken: P2 })} eaiToken={EAI} />);
    expect(document.body.textContent).toContain("Reward2 of token 0x90f7…b906");
  });

  it("ZK: shows the accepted proof, or what it is waiting for", () => {
    const { rerender } = render(
      <ProofStatus task={task({ status: "Claimed", phaseDeadline: 1_700_003_600 })} />,
    );
    expect(document.body.textContent).toMatch(/^No proof yet. The claimant must deliver by/);
    rerender(
      <ProofStatus
        task={task({
          status: "Completed",
          timeline: [
            {
              id: "e1",
              kind: "proven",
              provider: P1,
              amount: null,
              data: { output: "157536" },
              blockNumber: "155",
              logIndex: 0,
              timestamp: 1_700_000_040,
              txHash: TX,
            },
          ],
        })}
      />,
    );
    expect(document.body.textContent).toContain("ProofAccepted on chain by the verifier");
    expect(screen.getByRole("link", { name: "0x3c44…93bc" }).getAttribute("href")).toBe(`/providers/${P1}`);
    // the decimal word the indexer stores, shown as the 32-byte hex TaskCompleted.result holds (157536 = 0x26760)
    expect(screen.getByTitle(`0x${"0".repeat(59)}26760`)).toBeTruthy();
    expect(outputWordText(`0x${"07".repeat(32)}`)).toBe(`0x${"07".repeat(32)}`);
    expect(outputWordText(null)).toBe("—");
  });

  it("REDUNDANT: shows commits, reveals, the majority and each claimant with a result download", () => {
    const majority = `0x${"cd".repeat(32)}`;
    const claim = {
      taskId: "3",
      operator: P1,
      bond: "1000000000000000000",
      attempts: 1,
      claimedAt: 1_700_000_010,
      commitment: `0x${"01".repeat(32)}`,
      committedAt: 1_700_000_020,
      revealedAt: 1_700_000_030,
      updatedAt: 1_700_000_040,
    };
    render(
      <ProofStatus
        task={task({
          mode: "REDUNDANT",
          redundancy: 3,
          status: "Completed",
          commits: 3,
          reveals: 3,
          result: majority,
          winners: 2,
          claimants: [
            {
              ...claim,
              provider: P1,
              resultHash: majority,
              resultUri: `eai://blob/sha256-${"aa".repeat(32)}`,
              outcome: "paid",
              penalty: null,
              payout: "800000000000000000",
            },
            {
              ...claim,
              provider: P2,
              resultHash: `0x${"ef".repeat(32)}`,
              resultUri: "https://elsewhere/x",
              outcome: "penalized",
              penalty: "WrongResult",
              payout: null,
            },
          ],
        })}
      />,
    );
    const text = document.body.textContent ?? "";
    expect(text).toContain("Commits3 of 3");
    expect(text).toContain("2 providers agreed");
    const rows = within(screen.getByRole("table", { name: "Claimants" })).getAllByRole("row");
    expect(rows[1]?.textContent).toContain("(majority)");
    expect(rows[1]?.textContent).toContain("paid, 0.8 EAI");
    expect(
      within(rows[1] as HTMLElement)
        .getByRole("link", { name: "download" })
        .getAttribute("href"),
    ).toBe(`/api/blobs/${"aa".repeat(32)}`);
    expect(rows[2]?.textContent).toContain("penalized (WrongResult)");
    expect(within(rows[2] as HTMLElement).queryByRole("link", { name: "download" })).toBeNull();
    // no draws known (neither the chain's nor the indexer's)
    expect(within(rows[1] as HTMLElement).getAllByRole("cell")[2]?.textContent).toBe("—");
  });

  it("REDUNDANT: each claimant's draws and votes (chain first, then the indexer), a task-fault reveal in words", () => {
    const fault = `0x${"fa".repeat(32)}`;
    const claim = {
      taskId: "3",
      operator: P1,
      bond: "1000000000000000000",
      attempts: 2,
      claimedAt: 1_700_000_010,
      commitment: `0x${"01".repeat(32)}`,
      committedAt: 1_700_000_020,
      resultUri: null,
      revealedAt: 1_700_000_030,
      penalty: null,
      payout: null,
      updatedAt: 1_700_000_040,
    };
    render(
      <ProofStatus
        task={task({
          mode: "REDUNDANT",
          redundancy: 3,
          status: "Faulted",
          commits: 2,
          reveals: 2,
          claimants: [
            { ...claim, provider: P1, resultHash: fault.toUpperCase().replace("0X", "0x"), outcome: "paid" },
            {
              ...claim,
              provider: P2,
              resultHash: `0x${"ef".repeat(32)}`,
              outcome: "bond_returned",
              draws: 2,
            },
          ],
        })}
        draws={{ [P1]: 0b101 }}
        faultResult={fault}
      />,
    );
    expect(document.body.textContent).toContain(
      "Majority resulta task fault (the reward was refunded minus the fault fee)",
    );
    const rows = within(screen.getByRole("table", { name: "Claimants" })).getAllByRole("row");
    const cells = (i: number) =>
      within(rows[i] as HTMLElement)
        .getAllByRole("cell")
        .map((c) => c.textContent);
    expect(cells(1)[2]).toBe("draws 0, 2 (2 votes)");
    expect(cells(1)[4]).toBe("task fault reported");
    expect(cells(2)[2]).toBe("draw 1 (1 vote)");
    expect(cells(2)[4]).not.toContain("task fault");
    expect(describeDraws(0)).toBe("none (left)");
    expect(describeDraws(undefined)).toBe("—");
  });

  it("lists the settlement's payments", () => {
    render(
      <PaymentsTable
        task={task({
          payments: [
            {
              id: "p1",
              kind: "provider",
              account: P1,
              token: EAI,
              amount: "1600000000000000000",
              timestamp: 1,
              txHash: TX,
            },
            {
              id: "p2",
              kind: "treasury_fee",
              account: P2,
              token: EAI,
              amount: "300000000000000000",
              timestamp: 1,
              txHash: TX,
            },
          ],
        })}
      />,
    );
    const rows = within(screen.getByRole("table", { name: "Payments" })).getAllByRole("row");
    expect(rows[1]?.textContent).toContain("Provider payment0x3c44…93bc1.6 EAI");
    expect(rows[2]?.textContent).toContain("Treasury fee");
    cleanup();
    render(<PaymentsTable task={task()} />);
    expect(document.body.textContent).toBe("Nothing credited yet.");
  });
});

describe("MyTasksTable", () => {
  it("links each task as Task #<id> and says how many are shown", () => {
    const row = {
      id: "9",
      requester: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
      modelId: "1",
      mode: "REDUNDANT" as const,
      status: "Claimed" as const,
      reward: "5000000000000000000",
      paymentToken: EAI,
      createdAt: 1_700_000_000,
      settledAt: null,
    };
    render(<MyTasksTable tasks={[row]} total={250} modelNames={new Map([["1", "tiny-mlp"]])} />);
    const table = screen.getByRole("table", { name: "My tasks" });
    expect(document.body.textContent).toContain("The newest 1 of your 250 tasks.");
    expect(within(table).getByRole("link", { name: "Task #9" }).getAttribute("href")).toBe("/tasks/9");
    expect(table.textContent).toContain("ClaimedREDUNDANTtiny-mlp #15 EAI");
    // The caption names the table for assistive technology but is not shown under the page's "My tasks" h1.
    expect(table.querySelector("caption")?.className).toBe("visually-hidden");
  });
});
