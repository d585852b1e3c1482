/**
 * What a catching-up worker knows of a task's openness while it reads the history newest first (TaskWatcher's
 * backfill): a backfill range comes after every newer range, and its events are handled newest first, so by the
 * time a TaskSubmitted is read, every later event of that task has been seen. The ledger keeps the latest such
 * event per task, so that a task closed later (cancelled, settled, claimed) is not taken up as a candidate, and one
 * claimed and then reopened is.
 */
import type { Address } from "viem";
import type { EventRange, MarketEvent } from "./watcher.ts";

export type TaskOpenness = "closed" | "reopened";

/**
 * What an event says of a task's openness to this worker: "closed" (cancelled, settled, refunded, faulted, claimed
 * by a ZK claim or by the claim filling the last REDUNDANT draw, or claimed by this provider), "reopened" (a missed
 * ZK claim put back to Open), undefined when it says nothing.
 */
export function openness(e: MarketEvent, mine: (a: Address) => boolean): TaskOpenness | undefined {
  switch (e.eventName) {
    case "TaskClaimed":
      return e.args.phaseDeadline !== 0 || mine(e.args.provider) ? "closed" : undefined;
    case "TaskCancelled":
    case "TaskCompleted":
    case "TaskRefunded":
    case "TaskFaulted":
      return "closed";
    case "TaskExpired":
      return e.args.reopened ? "reopened" : "closed";
    default:
      return undefined;
  }
}

export class CatchUpLedger {
  readonly #latest = new Map<string, TaskOpenness>();

  /** Tasks whose latest state is held (tests, metrics). */
  get size(): number {
    return this.#latest.size;
  }

  /** The events of `range` in the order they must be handled: newest first for a backfill range. */
  order(events: readonly MarketEvent[], range: EventRange): readonly MarketEvent[] {
    return range.backward ? [...events].reverse() : events;
  }

  /**
   * Notes one event (in `order`'s order) and returns what it says of its task. While a backfill runs, a forward
   * event is the latest of its task so far (it overwrites); a backward one only counts when nothing newer was seen.
   */
  observe(e: MarketEvent, range: EventRange, mine: (a: Address) => boolean): TaskOpenness | undefined {
    const state = openness(e, mine);
    if (state === undefined || !(range.backfilling || range.backward)) return state;
    const id = e.args.taskId.toString();
    if (!range.backward || !this.#latest.has(id)) this.#latest.set(id, state);
    return state;
  }

  /** Whether a TaskSubmitted read in `range` may be taken up: not when a later event closed its task. */
  mayBeOpen(e: MarketEvent & { eventName: "TaskSubmitted" }, range: EventRange): boolean {
    return !range.backward || this.#latest.get(e.args.taskId.toString()) !== "closed";
  }

  /** After a range: once no backfill is left, nothing needs remembering. */
  done(range: EventRange): void {
    if (!range.backfilling && !range.backward) this.#latest.clear();
  }
}
