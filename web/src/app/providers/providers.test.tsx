// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { LeaderboardEntry, ProviderDetail } from "@/lib/indexer-views.ts";
import { ProviderProfileView, creditText, providerHistory } from "./[address]/provider-profile.tsx";
import { LeaderboardTable } from "./leaderboard-table.tsx";
import { standingOf } from "./standing.tsx";

afterEach(cleanup);

const ADDRESS = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";

function entry(extra: Partial<LeaderboardEntry> = {}): LeaderboardEntry {
  return {
    rank: 1,
    address: ADDRESS,
    registered: true,
    active: true,
    registeredAt: 1_700_000_000,
    profile: {
      gpuModel: "cpu",
      x25519PublicKey: `0x${"60".repeat(32)}`,
      metadataUri: "",
      benchmarkClass: "Medium",
      resources: {
        vramMiB: 0,
        computeCapability: 0,
        cpuCores: 2,
        ramMiB: 4096,
        storageGiB: 75,
        bandwidthMbps: 1000,
        benchmarkScore: 3051,
        region: 0,
      },
    },
    operatorCount: 0,
    lastHeartbeat: 1_700_000_100,
    heartbeats: 2,
    stake: {
      active: "1000000000000000000000",
      locked: "0",
      free: "1000000000000000000000",
      unbonding: "0",
      releaseAt: 0,
    },
    slashed: "0",
    slashCount: 0,
    reputation: {
      trust: 5487,
      availability: 6000,
      tier: 2,
      suspended: false,
      banned: false,
      eligible: true,
      completed: 12,
      failed: 1,
      violations: 0,
      suspendedUntil: 0,
      lastUpdate: 1_700_000_200,
    },
    earningsEai: "2400000000000000000",
    tasksClaimed: 13,
    ...extra,
  };
}

describe("LeaderboardTable", () => {
  it("ranks providers with links to their profiles and marks the sorted column", () => {
    const onSort = vi.fn();
    render(<LeaderboardTable providers={[entry()]} sort="trust" order="desc" onSort={onSort} />);
    const table = screen.getByRole("table", { name: "Provider leaderboard" });
    expect(within(table).getByRole("link", { name: "0x3c44…93bc" }).getAttribute("href")).toBe(
      `/providers/${ADDRESS}`,
    );
    const row = within(table).getAllByRole("row")[1];
    expect(row?.textContent).toBe("10x3c44…93bc254.87 %60 %122.4 EAI1,000 EAIMediumActive");
    const trust = within(table).getByRole("columnheader", { name: "Trust" });
    expect(trust.getAttribute("aria-sort")).toBe("descending");
    expect(within(table).getByRole("columnheader", { name: "Stake" }).getAttribute("aria-sort")).toBeNull();
    fireEvent.click(within(table).getByRole("button", { name: "Earnings" }));
    expect(onSort).toHaveBeenCalledWith("earnings");
  });

  it("says when no provider is registered", () => {
    render(<LeaderboardTable providers={[]} sort="tier" order="asc" onSort={() => {}} />);
    expect(screen.getByRole("table").textContent).toContain("No providers registered yet.");
    expect(document.body.textContent).toContain("Sorted by tier, lowest first.");
  });

  it("derives the standing: banned and suspended before activity", () => {
    expect(standingOf(entry())).toBe("Active");
    expect(standingOf(entry({ active: false }))).toBe("Inactive");
    expect(standingOf(entry({ registered: false }))).toBe("Not registered");
    const r = entry().reputation;
    expect(standingOf(entry({ reputation: { ...r, suspended: true } }))).toBe("Suspended");
    expect(standingOf(entry({ reputation: { ...r, suspended: true, banned: true } }))).toBe("Banned");
  });
});

function detail(extra: Partial<ProviderDetail> = {}): ProviderDetail {
  const { rank: _rank, ...view } = entry();
  return {
    head: { block: "10", timestamp: 1_700_001_000 },
    ...view,
    operators: [
      {
        address: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
        provider: ADDRESS,
        authorized: true,
        authorizedAt: 1,
        revokedAt: null,
      },
    ],
    credits: [
      {
        ledger: "market",
        token: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512",
        amount: "2400000000000000000",
        totalCredited: "2400000000000000000",
      },
    ],
    stakeHistory: [
      {
        id: "b",
        kind: "bond_locked",
        amount: "1",
        stakeAfter: null,
        timestamp: 1_700_000_050,
        txHash: "0x02",
      },
      {
        id: "a",
        kind: "staked",
        amount: "1000000000000000000000",
        stakeAfter: "1000000000000000000000",
        timestamp: 1_700_000_000,
        txHash: "0x01",
      },
    ],
    slashes: [],
    reputationHistory: [
      {
        id: "r1",
        kind: "updated",
        outcome: "Success",
        trust: 5250,
        availability: 5250,
        tier: 1,
        completed: 1,
        suspendedUntil: 0,
        timestamp: 1_700_000_060,
        txHash: "0x03",
      },
      {
        id: "r2",
        kind: "suspended",
        outcome: null,
        trust: null,
        availability: null,
        tier: null,
        completed: null,
        suspendedUntil: 1_700_100_000,
        timestamp: 1_700_000_070,
        txHash: "0x04",
      },
      {
        id: "r3",
        kind: "updated",
        outcome: "Success",
        trust: 5487,
        availability: 6000,
        tier: 1,
        completed: 2,
        suspendedUntil: 0,
        timestamp: 1_700_000_080,
        txHash: "0x05",
      },
    ],
    recentClaims: [
      {
        taskId: "2",
        provider: ADDRESS,
        operator: ADDRESS,
        bond: "1000000000000000000",
        attempts: 1,
        claimedAt: 1_700_000_075,
        commitment: null,
        committedAt: null,
        resultHash: null,
        resultUri: null,
        revealedAt: null,
        outcome: "paid",
        penalty: null,
        payout: "800000000000000000",
        updatedAt: 1_700_000_080,
      },
      {
        taskId: "1",
        provider: ADDRESS,
        operator: ADDRESS,
        bond: "1000000000000000000",
        attempts: 1,
        claimedAt: 1_700_000_055,
        commitment: null,
        committedAt: null,
        resultHash: null,
        resultUri: null,
        revealedAt: null,
        outcome: "paid",
        penalty: null,
        payout: "1600000000000000000",
        updatedAt: 1_700_000_060,
      },
    ],
    ...extra,
  };
}

describe("ProviderProfileView", () => {
  it("builds history series: scores of updates only, cumulative earnings, stake after each change", () => {
    const h = providerHistory(detail());
    expect(h.scores.trust).toEqual([52.5, 54.87]);
    expect(h.scores.availability).toEqual([52.5, 60]);
    expect(h.earnings.map((e) => e.value)).toEqual([1.6, 2.4]);
    expect(h.stake.map((s) => s.value)).toEqual([1000]);
  });

  it("shows standing, machine, stake, operators, charts and recent tasks", () => {
    render(<ProviderProfileView p={detail()} />);
    const text = document.body.textContent ?? "";
    expect(text).toContain("StatusActive");
    expect(text).toContain("Trust54.87 %");
    expect(text).toContain("2 CPU cores, RAM 4 GB, storage 75 GB");
    expect(text).toContain("0x70997970c51812dc3a010c7d01b50e0d17dc79c8 — authorised");
    expect(screen.getByRole("figure", { name: "Trust and availability" })).toBeTruthy();
    expect(screen.getByRole("figure", { name: "Earnings (recent tasks, cumulative)" }).textContent).toContain(
      "latest 2.4 EAI",
    );
    const tasks = screen.getByRole("table", { name: "Recent tasks" });
    expect(within(tasks).getByRole("link", { name: "Task #2" }).getAttribute("href")).toBe("/tasks/2");
    expect(screen.queryByRole("table", { name: "Slashes" })).toBeNull();
  });

  it("shows a suspension and the slashes", () => {
    const p = detail({
      slashes: [
        {
          id: "s",
          taskId: "4",
          outcome: "MissedDeadline",
          amount: "500000000000000000",
          timestamp: 1,
          txHash: "0x06",
        },
      ],
    });
    p.reputation = { ...p.reputation, suspended: true, eligible: false, suspendedUntil: 1_700_100_000 };
    render(<ProviderProfileView p={p} />);
    expect(document.body.textContent).toMatch(/StatusSuspended until/);
    const slashes = screen.getByRole("table", { name: "Slashes" });
    expect(slashes.textContent).toContain("MissedDeadline");
    expect(slashes.textContent).toContain("0.5 EAI");
    // The section heading says "Slashes": the caption names the table without showing it again.
    expect(slashes.querySelector("caption")?.className).toBe("visually-hidden");
  });

  it("shows a market credit in the EAI token as EAI, and another token by its address", () => {
    const EAI = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
    const { rerender } = render(
      <ProviderProfileView p={detail()} eaiToken={EAI.toUpperCase().replace("0X", "0x")} />,
    );
    const credit = () => {
      const dt = screen.getByText("Unwithdrawn market credit");
      return dt.nextElementSibling?.textContent;
    };
    expect(credit()).toMatch(/^[\d.,]+ EAI$/);
    expect(credit()).not.toContain("0xe7f1");
    rerender(<ProviderProfileView p={detail()} eaiToken="0x0000000000000000000000000000000000000001" />);
    expect(credit()).toMatch(/^[\d.,]+ of token 0xe7f1…0512$/);
    expect(creditText({ token: EAI, amount: "1500000000000000000" }, EAI)).toBe("1.5 EAI");
  });

  it("does not repeat the Recent tasks heading as a visible caption", () => {
    render(<ProviderProfileView p={detail()} />);
    const headings = screen.getAllByText("Recent tasks");
    const visible = headings.filter((el) => !el.closest(".visually-hidden"));
    expect(visible.map((el) => el.tagName)).toEqual(["H2"]);
  });
});
