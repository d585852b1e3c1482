/**
 * Follows the TaskMarket's events: catches up from a given block, then polls for new blocks and reads logs in
 * bounded ranges. A long history is read newest first (a backfill running backwards from the head seen at start,
 * one range between two polls of the head), so that a task submitted just before or after the join is seen after
 * one range instead of after the whole history. The range adapts (chain/logs.ts): a range the RPC refuses as too large (block span, result count,
 * or a response over viem's size cap) is read again at once in a smaller span, and the span grows back after each
 * success, so nothing is skipped and a dense stretch of history does not slow the rest. Other RPC failures back off
 * exponentially (with jitter, capped; the count restarts after each successful read) and the same range is read
 * again. Each range is handed to `onEvents` in block order, decoded once, and only once it returns is the range
 * considered processed.
 */
import type { parseEventLogs } from "viem";
import { taskMarketAbi } from "@eai/sdk/abis";
import { backoffDelay, sleep, type BackoffOptions } from "../backoff.ts";
import type { Logger } from "../logger.ts";
import { silentLogger } from "../logger.ts";
import type { ChainContext } from "./client.ts";
import { describeError } from "./errors.ts";
import { AdaptiveRange, isRangeRefusal, refusalSizes } from "./logs.ts";

/** Events the worker needs: new tasks, status changes, and its own payouts and penalties. */
export const WATCHED_EVENTS = [
  "TaskSubmitted",
  "TaskClaimed",
  "TaskCancelled",
  "TaskCompleted",
  "TaskRefunded",
  "TaskFaulted",
  "TaskExpired",
  "ResultCommitted",
  "ProviderPaid",
  "ProviderPenalized",
] as const;
export type WatchedEventName = (typeof WATCHED_EVENTS)[number];

const eventAbi = taskMarketAbi.filter(
  (x) => x.type === "event" && (WATCHED_EVENTS as readonly string[]).includes(x.name),
);

export type MarketEvent = ReturnType<
  typeof parseEventLogs<typeof taskMarketAbi, true, WatchedEventName>
>[number];

export interface WatcherOptions {
  ctx: ChainContext;
  /** First block to read. */
  fromBlock: bigint;
  /**
   * Called once before the first read: the oldest block whose logs can still matter (a later start is taken when it
   * is above `fromBlock`; see ProviderWorker's catch-up window). Errors are retried with backoff.
   */
  floor?: (fromBlock: bigint) => Promise<bigint>;
  pollIntervalMs: number;
  /** Largest range per getLogs (config.logRangeBlocks). */
  maxRange: number;
  /**
   * Handles one range's events, in block order within the range. Forward ranges come in chain order; while a
   * backfill runs, `backward` ranges come newest first, interleaved with forward ones (every forward range is newer
   * than every backward one). `settled`: every block up to it has been handed over (where a restart may resume).
   * A throw makes the watcher retry the range.
   */
  onEvents: (events: MarketEvent[], range: EventRange) => Promise<void>;
  /** Called after each poll, also when nothing new arrived (the worker's tick). */
  onIdle?: () => Promise<void>;
  /** Called when an RPC error was caught (metrics). */
  onRpcError?: (err: unknown) => void;
  logger?: Logger;
  backoff?: BackoffOptions;
}

export interface EventRange {
  from: bigint;
  to: bigint;
  /** A backfill range (older than everything handed over before it). */
  backward: boolean;
  /** Every block up to this one has been handed over. */
  settled: bigint;
  /** Whether blocks older than this range remain to be backfilled (false on the last backfill range). */
  backfilling: boolean;
}

/** First getLogs span (it doubles from there until the RPC refuses one; chain/logs.ts). */
const INITIAL_SPAN = 16;

export class TaskWatcher {
  readonly #o: WatcherOptions;
  readonly #log: Logger;
  /** Next block to read forward. */
  #next: bigint;
  /** Backfill still to read, newest first: [low, high]; undefined when there is none. */
  #backfill: { low: bigint; high: bigint } | undefined;
  #planned = false;
  readonly #range: AdaptiveRange;
  #floored = false;
  #head = 0n;
  #abort = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(options: WatcherOptions) {
    this.#o = options;
    this.#log = options.logger ?? silentLogger();
    this.#next = options.fromBlock;
    this.#range = new AdaptiveRange(options.maxRange, Math.min(options.maxRange, INITIAL_SPAN));
  }

  /** Next block to read forward. */
  get nextBlock(): bigint {
    return this.#next;
  }

  /** Whether everything up to the head seen at the last poll has been read (no backfill left). */
  get caughtUp(): boolean {
    return this.#planned && this.#backfill === undefined && this.#next > this.#head;
  }

  /** Blocks the next getLogs asks for (adapts to the RPC's refusals). */
  get rangeSize(): bigint {
    return this.#range.size;
  }

  /** Latest block number seen. */
  get head(): bigint {
    return this.#head;
  }

  /** Every block up to this one has been handed over. */
  get settled(): bigint {
    return (this.#backfill ? this.#backfill.low : this.#next) - 1n;
  }

  start(): void {
    if (this.#loop) return;
    this.#abort = new AbortController();
    this.#loop = this.#run();
  }

  /** Stops after the current step; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    this.#loop = undefined;
  }

  /** Reads everything up to the current head once, in chain order (used by tests). */
  async catchUp(): Promise<void> {
    await this.#applyFloor();
    this.#planned = true;
    for (;;) {
      this.#head = await this.#o.ctx.publicClient.getBlockNumber({ cacheTime: 0 });
      if (this.#next > this.#head) return;
      await this.#step(this.#head);
    }
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    let failures = 0;
    const succeeded = () => {
      if (failures > 0)
        this.#log.info({ block: this.#next.toString() }, "chain reachable again; watching resumed");
      failures = 0;
    };
    while (!signal.aborted) {
      try {
        await this.#applyFloor();
        this.#head = await this.#o.ctx.publicClient.getBlockNumber({ cacheTime: 0 });
        this.#plan();
        // The count restarts after each range read (not only after a whole catch-up), but not after a block number
        // alone: an RPC whose getLogs keeps failing is still backed off further each time.
        while (this.#next <= this.#head && !signal.aborted) {
          await this.#step(this.#head);
          succeeded();
        }
        if (this.#backfill && !signal.aborted) {
          // one backfill range, then the head again: new blocks never wait for the whole history
          await this.#stepBack();
          succeeded();
          continue;
        }
        succeeded();
        if (!signal.aborted) await this.#o.onIdle?.();
        await sleep(this.#o.pollIntervalMs, signal);
      } catch (err) {
        this.#o.onRpcError?.(err);
        const delay = backoffDelay(failures, this.#o.backoff);
        failures++;
        this.#log.warn(
          { err: describeError(err), nextBlock: this.#next.toString(), failures, delayMs: delay },
          "watcher step failed; backing off",
        );
        await sleep(delay, signal);
      }
    }
  }

  /** At the first poll: a history longer than one range is backfilled newest first, up to the head seen now. */
  #plan(): void {
    if (this.#planned) return;
    this.#planned = true;
    if (this.#head - this.#next + 1n <= this.#range.max) return;
    this.#backfill = { low: this.#next, high: this.#head };
    this.#log.info(
      { from: this.#next.toString(), to: this.#head.toString() },
      "catching up: reading the history newest first",
    );
    this.#next = this.#head + 1n;
  }

  async #applyFloor(): Promise<void> {
    if (this.#floored || !this.#o.floor) return;
    const floor = await this.#o.floor(this.#next);
    if (floor > this.#next) {
      this.#log.info(
        { from: this.#next.toString(), to: floor.toString() },
        "catch-up starts at the oldest block where a task can still be open",
      );
      this.#next = floor;
    }
    this.#floored = true;
  }

  /**
   * Reads [from, to]. A refused range is not an error: the span shrinks and undefined is returned (the caller reads
   * again, at once: nothing advanced, nothing skipped). Only a refused single block is thrown (backed off like an
   * outage).
   */
  async #read(from: bigint, to: bigint): Promise<MarketEvent[] | undefined> {
    let events: MarketEvent[];
    try {
      // Decoded once, by getLogs itself (strict: logs that do not match the ABI are dropped).
      events = (await this.#o.ctx.publicClient.getLogs({
        address: this.#o.ctx.addresses.TaskMarket,
        events: eventAbi,
        fromBlock: from,
        toBlock: to,
        strict: true,
      } as never)) as MarketEvent[];
    } catch (err) {
      if (isRangeRefusal(err) && this.#range.refused(to - from + 1n, refusalSizes(err))) {
        this.#log.debug(
          {
            from: from.toString(),
            to: to.toString(),
            next: this.#range.size.toString(),
            err: describeError(err),
          },
          "getLogs range refused; reading a smaller one",
        );
        return undefined;
      }
      throw err;
    }
    this.#range.succeeded(to - from + 1n);
    return events.sort((a, b) =>
      a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
    );
  }

  async #step(head: bigint): Promise<void> {
    const from = this.#next;
    const span = this.#range.size;
    const to = from + span - 1n < head ? from + span - 1n : head;
    const events = await this.#read(from, to);
    if (!events) return;
    const backfilling = this.#backfill !== undefined;
    await this.#o.onEvents(events, {
      from,
      to,
      backward: false,
      settled: backfilling ? this.settled : to,
      backfilling,
    });
    this.#next = to + 1n;
  }

  async #stepBack(): Promise<void> {
    const b = this.#backfill;
    if (!b) return;
    const span = this.#range.size;
    const from = b.high - span + 1n > b.low ? b.high - span + 1n : b.low;
    const events = await this.#read(from, b.high);
    if (!events) return;
    const done = from === b.low;
    await this.#o.onEvents(events, {
      from,
      to: b.high,
      backward: true,
      settled: done ? this.#next - 1n : b.low - 1n,
      backfilling: !done,
    });
    if (done) {
      this.#backfill = undefined;
      this.#log.info({ block: this.#next.toString() }, "caught up");
    } else b.high = from - 1n;
  }
}
