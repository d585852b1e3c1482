// @vitest-environment jsdom
/**
 * The OPTIMISTIC views: the task page's state and challenge-window countdown, the dispute page's rounds and votes,
 * the provider page's audit history. Fed with answers shaped as the indexer's (`indexer/src/api/index.ts`), parsed
 * with the app's schemas first so that a drift of either side fails here.
 */
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import {
  challengeWindowState,
  disputeDetailSchema,
  drawsText,
  optimisticTaskListSchema,
  optimisticTaskSchema,
  providerAuditsSchema,
} from "@/lib/optimistic-views.ts";
import { DisputeView, seatOutcomeText, voteText } from "../../disputes/[id]/dispute-detail.tsx";
import { ProviderAuditsView } from "../../providers/[address]/provider-audits.tsx";
import { OptimisticTaskView } from "./[id]/optimistic-task.tsx";
import { OptimisticTaskTable } from "./optimistic-list.tsx";

afterEach(cleanup);

const PROVIDER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const AUDITOR = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const REQUESTER = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
const JUROR = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
const RESULT = `0x${"ab".repeat(32)}`;
const HONEST = `0x${"cd".repeat(32)}`;
const T0 = 1_800_000_000;

/** `/optimistic/tasks/:id` of a committed task, 600 s window (the indexer sends more fields: they are dropped). */
function taskAnswer(extra: Record<string, unknown> = {}) {
  return {
    head: { block: "120", timestamp: T0 + 100 },
    id: "3",
    requester: REQUESTER,
    modelId: "2",
    reward: "20000000000000000000",
    deadline: T0 + 86_400,
    minTier: 1,
    inputCommitment: `0x${"11".repeat(32)}`,
    inputUri: "eai://blob/in",
    status: "Committed",
    provider: PROVIDER,
    claimedBy: PROVIDER,
    bond: "40000000000000000000",
    claimedAt: T0 - 10,
    resultHash: RESULT,
    resultUri: "eai://blob/out-3",
    committedAt: T0,
    challengeEnds: T0 + 600,
    audit: "Undrawn",
    auditFallback: null,
    auditDeadline: null,
    auditor: null,
    auditorBond: null,
    challenger: null,
    challengeBond: null,
    challengedByAuditor: null,
    challengedAt: null,
    disputeId: null,
    verdict: null,
    providerAmount: null,
    creatorAmount: null,
    treasuryAmount: null,
    auditFee: null,
    refundAmount: null,
    closedAt: null,
    createdAt: T0 - 20,
    createdBlock: "100",
    postedTx: `0x${"22".repeat(32)}`,
    updatedAt: T0,
    challengeWindow: { endsAt: T0 + 600, open: true, secondsLeft: 500 },
    auditWindow: null,
    auditRecord: null,
    disputes: [],
    timeline: [
      {
        id: "a-1",
        taskId: "3",
        kind: "TaskPosted",
        account: REQUESTER,
        data: {},
        timestamp: T0 - 20,
        txHash: "0x01",
      },
      {
        id: "a-2",
        taskId: "3",
        kind: "TaskClaimed",
        account: PROVIDER,
        data: {},
        timestamp: T0 - 10,
        txHash: "0x02",
      },
      {
        id: "a-3",
        taskId: "3",
        kind: "ResultPosted",
        account: PROVIDER,
        data: {},
        timestamp: T0,
        txHash: "0x03",
      },
    ],
    ...extra,
  };
}

describe("challengeWindowState", () => {
  it("is none before the commit, open with the seconds left, ended after, challenged once challenged", () => {
    const t = optimisticTaskSchema.parse(taskAnswer());
    expect(challengeWindowState({ ...t, challengeEnds: null }, T0)).toEqual({ kind: "none", secondsLeft: 0 });
    expect(challengeWindowState(t, T0 + 100)).toEqual({ kind: "open", secondsLeft: 500 });
    expect(challengeWindowState(t, T0 + 600)).toEqual({ kind: "open", secondsLeft: 0 });
    expect(challengeWindowState(t, T0 + 601)).toEqual({ kind: "ended", secondsLeft: 0 });
    expect(challengeWindowState({ ...t, status: "Overturned", challenger: REQUESTER }, T0 + 100).kind).toBe(
      "challenged",
    );
  });
});

describe("OptimisticTaskView", () => {
  it("counts the challenge window down while the result is posted", () => {
    const t = optimisticTaskSchema.parse(taskAnswer());
    const { rerender } = render(<OptimisticTaskView task={t} now={T0 + 100} />);
    const state = screen.getByRole("region", { name: "State" });
    expect(within(state).getByText("Result posted (challenge window)")).toBeTruthy();
    expect(state.textContent).toContain("open: 8m 20s left");
    expect(state.textContent).toContain("not drawn yet");
    rerender(<OptimisticTaskView task={t} now={T0 + 590} />);
    expect(screen.getByRole("region", { name: "State" }).textContent).toContain("open: 10s left");
    rerender(<OptimisticTaskView task={t} now={T0 + 700} />);
    expect(screen.getByRole("region", { name: "State" }).textContent).toContain(
      "without a challenge: the task can be settled",
    );
    const timeline = screen.getByRole("region", { name: "Timeline" });
    expect(
      within(timeline)
        .getAllByRole("listitem")
        .map((li) => li.textContent?.split(" — ")[1]),
    ).toEqual(["TaskPosted 0x9965…a4dc", "TaskClaimed 0x7099…79c8", "ResultPosted 0x7099…79c8"]);
  });

  it("shows a challenged task's dispute and, once overturned, the refund", () => {
    const t = optimisticTaskSchema.parse(
      taskAnswer({
        status: "Overturned",
        challenger: REQUESTER,
        challengeBond: "40000000000000000000",
        disputeId: "1",
        verdict: "ChallengerWins",
        refundAmount: "20000000000000000000",
        challengeWindow: { endsAt: T0 + 600, open: false, secondsLeft: 500 },
        disputes: [
          {
            id: "1",
            taskId: "3",
            provider: PROVIDER,
            challenger: REQUESTER,
            byAuditor: false,
            providerResult: RESULT,
            providerBond: "40000000000000000000",
            challengeBond: "40000000000000000000",
            status: "resolved",
            round: 0,
            rounds: 1,
            failedRounds: 0,
            roundStart: T0 + 50,
            seedBlock: "121",
            verdict: "ChallengerWins",
            majorityResult: HONEST,
            toWinner: "28000000000000000000",
            toJurors: "12000000000000000000",
            toTreasury: "0",
            forfeited: "20000000000000000000",
            openedAt: T0 + 50,
            resolvedAt: T0 + 80,
          },
        ],
      }),
    );
    render(<OptimisticTaskView task={t} now={T0 + 100} />);
    const state = screen.getByRole("region", { name: "State" });
    expect(state.textContent).toContain("Overturned (the jury rejected the result)");
    expect(state.textContent).toContain("challenged by 0x9965…a4dc");
    expect(within(state).getByRole("link", { name: "Dispute #1" }).getAttribute("href")).toBe("/disputes/1");
    expect(state.textContent).toContain("verdict: ChallengerWins");
    expect(screen.getByRole("region", { name: "Task" }).textContent).toContain("20 EAI to the requester");
  });

  it("shows a settled task's split with the audit fee and its auditor", () => {
    const t = optimisticTaskSchema.parse(
      taskAnswer({
        status: "Settled",
        audit: "Passed",
        auditor: AUDITOR,
        auditDeadline: T0 + 700,
        auditWindow: { deadline: T0 + 700, open: false, secondsLeft: 0 },
        providerAmount: "16000000000000000000",
        creatorAmount: "1000000000000000000",
        treasuryAmount: "1000000000000000000",
        auditFee: "2000000000000000000",
        auditRecord: {
          taskId: "3",
          provider: PROVIDER,
          auditor: AUDITOR,
          bond: "40000000000000000000",
          state: "Passed",
          outcome: "passed",
          fallbackUsed: false,
          selectedAt: T0 + 5,
          deadline: T0 + 605,
          takenAt: T0 + 10,
          closedAt: T0 + 20,
          fee: "2000000000000000000",
          slashed: null,
          disputeId: null,
          updatedAt: T0 + 700,
        },
      }),
    );
    render(<OptimisticTaskView task={t} now={T0 + 800} />);
    const state = screen.getByRole("region", { name: "State" });
    expect(state.textContent).toContain("passed (the auditor confirmed the result) by 0x3c44…93bc");
    expect(screen.getByRole("region", { name: "Task" }).textContent).toContain(
      "16 EAI to the provider, 1 EAI to the model creator, 1 EAI to the treasury, 2 EAI audit fee",
    );
  });
});

function disputeAnswer() {
  return {
    head: { block: "130", timestamp: T0 + 100 },
    id: "1",
    taskId: "3",
    provider: PROVIDER,
    challenger: REQUESTER,
    byAuditor: false,
    providerResult: RESULT,
    providerBond: "40000000000000000000",
    challengeBond: "40000000000000000000",
    status: "resolved",
    round: 0,
    rounds: 1,
    failedRounds: 0,
    roundStart: T0 + 50,
    seedBlock: "121",
    verdict: "ChallengerWins",
    majorityResult: HONEST,
    toWinner: "28000000000000000000",
    toJurors: "12000000000000000000",
    toTreasury: "0",
    forfeited: "20000000000000000000",
    openedAt: T0 + 50,
    resolvedAt: T0 + 80,
    openedTx: "0x05",
    resolvedTx: "0x06",
    updatedAt: T0 + 80,
    task: { id: "3", status: "Overturned", reward: "20000000000000000000", requester: REQUESTER },
    juryRounds: [
      {
        disputeId: "1",
        round: 0,
        seedBlock: "121",
        startedAt: T0 + 50,
        restarts: 0,
        jurors: 2,
        draws: 3,
        commits: 2,
        reveals: 2,
        outcome: "decided",
        endedAt: T0 + 80,
        voteEnds: T0 + 650,
        revealEnds: T0 + 1250,
        seats: [
          {
            disputeId: "1",
            round: 0,
            juror: AUDITOR,
            draws: 5,
            votes: 2,
            seatedAt: T0 + 55,
            commitment: "0x77",
            committedAt: T0 + 60,
            result: HONEST,
            revealedAt: T0 + 70,
            penalized: false,
            penalty: null,
            penaltyRevealed: null,
            paid: "12000000000000000000",
            updatedAt: T0 + 80,
          },
          {
            disputeId: "1",
            round: 0,
            juror: JUROR,
            draws: 2,
            votes: 1,
            seatedAt: T0 + 56,
            commitment: "0x88",
            committedAt: T0 + 61,
            result: RESULT,
            revealedAt: T0 + 71,
            penalized: true,
            penalty: "20000000000000000000",
            penaltyRevealed: true,
            paid: "0",
            updatedAt: T0 + 80,
          },
        ],
      },
    ],
    credits: [
      {
        id: "c1",
        disputeId: "1",
        account: REQUESTER,
        amount: "68000000000000000000",
        timestamp: T0 + 80,
        txHash: "0x06",
      },
    ],
  };
}

describe("DisputeView", () => {
  it("shows the verdict and each juror's draws, vote, penalty and pay", () => {
    const d = disputeDetailSchema.parse(disputeAnswer());
    render(<DisputeView d={d} />);
    const summary = screen.getByRole("region", { name: "Dispute" });
    expect(within(summary).getByRole("link", { name: "OPTIMISTIC task #3" }).getAttribute("href")).toBe(
      "/tasks/optimistic/3",
    );
    expect(summary.textContent).toContain("the challenger wins: the result is overturned");
    expect(summary.textContent).toContain("28 EAI to the winner, 12 EAI to the majority jurors");
    const table = screen.getByRole("table", { name: "Votes of jury round 1" });
    const rows = within(table)
      .getAllByRole("row")
      .slice(1)
      .map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent));
    expect(rows).toEqual([
      ["0x3c44…93bc", "draws 0, 2 (2 votes)", "revealed: another result", "paid 12 EAI"],
      [
        "0x90f7…b906",
        "draw 1 (1 vote)",
        "revealed: the provider's result",
        "penalised 20 EAI (voted with the minority)",
      ],
    ]);
    expect(screen.getByRole("region", { name: "Jury round 1" }).textContent).toContain(
      "2 jurors, 3 draws taken, 2 committed, 2 revealed — decided.",
    );
  });

  it("words sealed votes, missing reveals and unpaid seats", () => {
    const seat = disputeDetailSchema.parse(disputeAnswer()).juryRounds[0]?.seats[1];
    if (!seat) throw new Error("the fixture has two seats");
    expect(voteText({ ...seat, result: null }, RESULT)).toBe("committed (sealed)");
    expect(voteText({ ...seat, result: null, commitment: null }, RESULT)).toBe("no vote yet");
    expect(seatOutcomeText({ ...seat, penaltyRevealed: false })).toBe("penalised 20 EAI (did not reveal)");
    expect(seatOutcomeText({ ...seat, penalized: false, penalty: null })).toBe("—");
    expect(drawsText(0b111, 3)).toBe("draws 0, 1, 2 (3 votes)");
  });
});

describe("ProviderAuditsView", () => {
  it("sums up the audits as auditor and as audited provider and lists them", () => {
    const record = {
      taskId: "3",
      provider: PROVIDER,
      auditor: AUDITOR,
      bond: "40000000000000000000",
      state: "Passed",
      outcome: "passed",
      fallbackUsed: false,
      selectedAt: T0 + 5,
      deadline: T0 + 605,
      takenAt: T0 + 10,
      closedAt: T0 + 20,
      fee: "2000000000000000000",
      slashed: null,
      disputeId: null,
      updatedAt: T0 + 700,
    };
    const a = providerAuditsSchema.parse({
      head: { block: "140", timestamp: T0 + 900 },
      address: AUDITOR,
      summary: {
        asAuditor: {
          taken: 1,
          confirmed: 1,
          passed: 1,
          overturned: 0,
          missed: 0,
          challenged: 0,
          upheld: 0,
          rejected: 0,
          pending: 0,
          fees: "2000000000000000000",
          slashed: "0",
        },
        asProvider: { audited: 1, passed: 0, failed: 0, unclaimed: 1, missedByAuditor: 0, pending: 0 },
      },
      asAuditor: [record],
      asProvider: [
        {
          ...record,
          taskId: "1",
          provider: AUDITOR,
          auditor: null,
          state: "Unclaimed",
          outcome: "unclaimed",
          selectedAt: T0,
        },
      ],
    });
    render(<ProviderAuditsView a={a} />);
    expect(document.body.textContent).toContain(
      "1 taken: 1 confirmed and stood, 0 overturned, 0 missed, 0 challenges upheld, 0 rejected, 0 pending · fees 2 EAI",
    );
    expect(document.body.textContent).toContain(
      "1 result audited: 0 confirmed, 0 failed, 1 not checked, 0 pending",
    );
    const table = screen.getByRole("table", { name: "Audits" });
    const rows = within(table)
      .getAllByRole("row")
      .slice(1)
      .map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent));
    expect(rows.map((r) => [r[0], r[1], r[3], r[4]])).toEqual([
      ["Task #3", "auditor", "0x7099…79c8", "confirmed, the result stood"],
      ["Task #1", "audited provider", "no auditor", "nobody audited"],
    ]);
  });
});

describe("OptimisticTaskTable", () => {
  it("lists the newest tasks with their state and the challenge window left", () => {
    const committed = taskAnswer();
    const open = taskAnswer({
      id: "4",
      status: "Open",
      provider: null,
      challengeEnds: null,
      createdAt: T0 + 50,
    });
    const challenged = taskAnswer({ id: "2", status: "Challenged", challenger: REQUESTER });
    const list = optimisticTaskListSchema.parse({
      head: committed.head,
      tasks: [open, committed, challenged].map((t) => ({
        ...t,
        challengeWindow: null,
      })),
    });
    render(<OptimisticTaskTable tasks={list.tasks} now={T0 + 100} />);
    const table = screen.getByRole("table", { name: "OPTIMISTIC tasks" });
    const rows = within(table)
      .getAllByRole("row")
      .slice(1)
      .map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent));
    expect(rows.map((r) => [r[0], r[2], r[3], r[4], r[5]])).toEqual([
      ["Task #4", "20 EAI", "—", "Open (waiting for the drawn provider)", "—"],
      ["Task #3", "20 EAI", "0x7099…79c8", "Result posted (challenge window)", "8m 20s left"],
      ["Task #2", "20 EAI", "0x7099…79c8", "Challenged (a jury decides)", "challenged"],
    ]);
    expect(within(table).getByRole("link", { name: "Task #3" }).getAttribute("href")).toBe(
      "/tasks/optimistic/3",
    );
  });
});
