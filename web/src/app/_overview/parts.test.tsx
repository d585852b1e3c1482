// @vitest-environment jsdom
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { Stats } from "@/lib/indexer-views.ts";
import { DailyCharts, NetworkFigures, RecentTasksTable } from "./parts.tsx";

afterEach(cleanup);

const STATS: Stats = {
  head: { block: "145", timestamp: Date.parse("2026-01-03T12:00:00Z") / 1000 },
  tasks: { total: 5, byStatus: { Open: 1, Claimed: 1, Completed: 2, Cancelled: 0, Refunded: 1 } },
  providers: { registered: 3, active: 2 },
  stake: { active: "3000000000000000000000", locked: "2000000000000000000", unbonding: "0", slashed: "0" },
  volumeEai: {
    submitted: "7000000000000000000",
    completed: "3000000000000000000",
    providerEarnings: "2400000000000000000",
  },
  fees: "600000000000000000",
  meanClaimToCompletionSeconds: 75,
  meanSubmitToCompletionSeconds: 90,
  models: 2,
  proposals: 1,
  token: { holders: 4, totalSupply: "100000000000000000000000000" },
  daily: [
    {
      day: "2026-01-01",
      tasksSubmitted: 3,
      tasksCompleted: 1,
      tasksRefunded: 0,
      tasksCancelled: 0,
      tasksExpired: 0,
      volumeSubmitted: "4000000000000000000",
      volumeCompleted: "1000000000000000000",
      providerPayouts: "800000000000000000",
      fees: "200000000000000000",
      slashed: "0",
      activeProviders: 2,
      meanClaimToCompletionSeconds: 60,
      meanSubmitToCompletionSeconds: 70,
    },
  ],
};

describe("overview", () => {
  it("shows the network figures as labelled values", () => {
    render(<NetworkFigures stats={STATS} />);
    const text = document.body.textContent ?? "";
    expect(text).toContain("Tasks5");
    const statuses = within(screen.getByRole("list", { name: "Tasks by status" })).getAllByRole("listitem");
    expect(statuses).toHaveLength(6);
    // an indexer of the old protocol has no Faulted count: 0, in words
    expect(statuses[5]?.textContent).toBe("Faulted (task fault reported): 0");
    expect(text).toContain("Volume submitted7 EAI");
    expect(text).toContain("2 active");
    expect(text).toContain("3 registered");
    expect(text).toContain("3,000 EAI");
    expect(text).toContain("Fees0.6 EAI");
    expect(text).toContain("Mean submit → completion1m 30s");
    expect(text).toContain("claim → completion: 1m 15s");
    expect(text).toContain("Models2");
    expect(text).toContain("Proposals1");
  });

  it("says when no task completed yet instead of a zero latency", () => {
    render(
      <NetworkFigures
        stats={{ ...STATS, meanClaimToCompletionSeconds: null, meanSubmitToCompletionSeconds: null }}
      />,
    );
    expect(document.body.textContent).toContain("no completed task yet");
  });

  it("draws the four daily charts over the days up to the head, each with a text alternative", () => {
    render(<DailyCharts stats={STATS} />);
    const names = screen.getAllByRole("figure").map((f) => f.querySelector("figcaption")?.textContent);
    expect(names).toEqual([
      "Tasks per day",
      "Volume per day",
      "Active providers per day",
      "Mean submit → completion time per day",
    ]);
    const volume = screen.getByRole("figure", { name: "Volume per day" });
    expect(within(volume).getByRole("img").getAttribute("aria-labelledby")).toBeTruthy();
    expect(volume.textContent).toContain(
      "3 points from 2026-01-01 to 2026-01-03: latest 0 EAI, highest 4 EAI",
    );
  });

  it("lists recent tasks with links named Task #<id>", () => {
    render(
      <RecentTasksTable
        tasks={[
          {
            id: "7",
            requester: "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
            modelId: "1",
            mode: "ZK",
            status: "Completed",
            reward: "2000000000000000000",
            paymentToken: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512",
            createdAt: 1_700_000_000,
            settledAt: 1_700_000_100,
          },
        ]}
        modelNames={new Map([["1", "mnist-mlp"]])}
      />,
    );
    const table = screen.getByRole("table", { name: "Recent tasks" });
    expect(within(table).getByRole("link", { name: "Task #7" }).getAttribute("href")).toBe("/tasks/7");
    expect(table.textContent).toContain("2 EAI");
    expect(table.textContent).toContain("mnist-mlp #1");
    // The overview's "Recent tasks" heading is right above: the caption is not shown a second time.
    expect(table.querySelector("caption")?.className).toBe("visually-hidden");
    cleanup();
    render(<RecentTasksTable tasks={[]} />);
    expect(screen.getByRole("table", { name: "Recent tasks" }).textContent).toContain("No tasks yet.");
  });
});
