import { describe, expect, it } from "vitest";
import type { Address } from "viem";
import { CatchUpLedger, openness } from "./catchup.ts";
import type { EventRange, MarketEvent } from "./watcher.ts";

const ME = "0x00000000000000000000000000000000000000a1" as Address;
const OTHER = "0x00000000000000000000000000000000000000b2" as Address;
const mine = (a: Address) => a === ME;

let logIndex = 0;
function ev(eventName: string, taskId: number, args: Record<string, unknown> = {}, block = 1n): MarketEvent {
  return {
    eventName,
    args: { taskId: BigInt(taskId), ...args },
    blockNumber: block,
    logIndex: logIndex++,
  } as never;
}
const submitted = (id: number, block = 1n) =>
  ev("TaskSubmitted", id, {}, block) as MarketEvent & {
    eventName: "TaskSubmitted";
  };
const back = (backfilling = true): EventRange => ({
  from: 0n,
  to: 9n,
  backward: true,
  settled: -1n,
  backfilling,
});
const fwd = (backfilling: boolean): EventRange => ({
  from: 20n,
  to: 29n,
  backward: false,
  settled: -1n,
  backfilling,
});

/** What a worker does with one range: the TaskSubmitted ids it takes up. */
function handle(ledger: CatchUpLedger, events: MarketEvent[], range: EventRange): number[] {
  const taken: number[] = [];
  for (const e of ledger.order(events, range)) {
    ledger.observe(e, range, mine);
    if (e.eventName === "TaskSubmitted" && ledger.mayBeOpen(e as never, range))
      taken.push(Number(e.args.taskId));
  }
  ledger.done(range);
  return taken;
}

describe("openness", () => {
  it("reads closing, reopening and neutral events", () => {
    expect(openness(ev("TaskCancelled", 1), mine)).toBe("closed");
    expect(openness(ev("TaskCompleted", 1), mine)).toBe("closed");
    expect(openness(ev("TaskRefunded", 1), mine)).toBe("closed");
    expect(openness(ev("TaskFaulted", 1), mine)).toBe("closed");
    expect(openness(ev("TaskClaimed", 1, { phaseDeadline: 100, provider: OTHER }), mine)).toBe("closed");
    // a REDUNDANT draw that does not fill the task leaves it open to others, but not to the claimant
    expect(openness(ev("TaskClaimed", 1, { phaseDeadline: 0, provider: OTHER }), mine)).toBeUndefined();
    expect(openness(ev("TaskClaimed", 1, { phaseDeadline: 0, provider: ME }), mine)).toBe("closed");
    expect(openness(ev("TaskExpired", 1, { reopened: true, provider: OTHER }), mine)).toBe("reopened");
    expect(openness(ev("TaskExpired", 1, { reopened: false, provider: OTHER }), mine)).toBe("closed");
    expect(openness(ev("ProviderPaid", 1, { provider: ME }), mine)).toBeUndefined();
  });
});

describe("CatchUpLedger (history read newest first)", () => {
  it("does not take up a task closed in a newer range, nor one closed later in the same range", () => {
    const l = new CatchUpLedger();
    // newest range first: task 1 cancelled, task 3 submitted and completed in the same range
    expect(
      handle(l, [ev("TaskCancelled", 1, {}, 8n), submitted(3, 8n), ev("TaskCompleted", 3, {}, 9n)], back()),
    ).toEqual([]);
    // older range: tasks 1 and 2 submitted; only 2 can still be open
    expect(handle(l, [submitted(1, 2n), submitted(2, 3n)], back(false))).toEqual([2]);
  });

  it("takes up a task claimed and then put back to Open, and not one reopened and claimed again", () => {
    const l = new CatchUpLedger();
    const claimed = (id: number, block: bigint) =>
      ev("TaskClaimed", id, { phaseDeadline: 500, provider: OTHER }, block);
    const reopened = (id: number, block: bigint) =>
      ev("TaskExpired", id, { reopened: true, provider: OTHER }, block);
    // chain order: submit 1, claim 1, reopen 1;  submit 2, claim 2, reopen 2, claim 2 again
    expect(handle(l, [reopened(1, 7n), claimed(2, 8n)], back())).toEqual([]);
    expect(
      handle(l, [submitted(1, 1n), claimed(1, 2n), submitted(2, 3n), reopened(2, 4n)], back(false)),
    ).toEqual([1]);
  });

  it("lets a forward range during the backfill close a task whose submission is read later", () => {
    const l = new CatchUpLedger();
    expect(handle(l, [ev("TaskCompleted", 5, {}, 25n)], fwd(true))).toEqual([]);
    expect(handle(l, [submitted(6, 5n), submitted(5, 4n)], back(false))).toEqual([6]);
    // forward ranges after the backfill: every submission is taken up, and nothing is remembered any more
    expect(handle(l, [submitted(7, 30n)], fwd(false))).toEqual([7]);
    expect(l.size).toBe(0);
  });

  it("a forward event, newer than the backfill, wins over what the backfill reads", () => {
    const l = new CatchUpLedger();
    // the backfill saw task 9 reopened (its newest event so far); a forward range then sees it cancelled
    handle(l, [ev("TaskExpired", 9, { reopened: true, provider: OTHER }, 8n)], back());
    handle(l, [ev("TaskCancelled", 9, {}, 26n)], fwd(true));
    expect(handle(l, [submitted(9, 1n)], back(false))).toEqual([]);
  });
});
