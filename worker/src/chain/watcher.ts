/**
 * Follows the TaskMarket's events: backfills from a given block, then polls for new blocks and reads logs in
 * bounded ranges. RPC failures back off exponentially (with jitter, capped) and the same range is read again, so
 * nothing is skipped; a range the provider refuses as too large is halved. Each range is handed to `onEvents`
 * in block order, and only once it returns is the range considered processed (`onProcessed`).
 */
import { parseEventLogs, type Log } from "viem";
import { taskMarketAbi } from "@eai/sdk/abis";
import { backoffDelay, sleep, type BackoffOptions } from "../backoff.ts";
import type { Logger } from "../logger.ts";
import { silentLogger } from "../logger.ts";
import type { ChainContext } from "./client.ts";
import { describeError } from "./errors.ts";

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
  pollIntervalMs: number;
  /** Largest range per getLogs (config.logRangeBlocks). */
  maxRange: number;
  /** Handles one range's events (block order). A throw makes the watcher retry the range. */
  onEvents: (events: MarketEvent[], range: { from: bigint; to: bigint }) => Promise<void>;
  /** Called after each poll, also when nothing new arrived (the worker's tick). */
  onIdle?: () => Promise<void>;
  /** Called when an RPC error was caught (metrics). */
  onRpcError?: (err: unknown) => void;
  logger?: Logger;
  backoff?: BackoffOptions;
}

export class TaskWatcher {
  readonly #o: WatcherOptions;
  readonly #log: Logger;
  #next: bigint;
  #range: bigint;
  #head = 0n;
  #abort = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(options: WatcherOptions) {
    this.#o = options;
    this.#log = options.logger ?? silentLogger();
    this.#next = options.fromBlock;
    this.#range = BigInt(options.maxRange);
  }

  /** Next block to read. */
  get nextBlock(): bigint {
    return this.#next;
  }

  /** Latest block number seen. */
  get head(): bigint {
    return this.#head;
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

  /** Reads everything up to the current head once (used by tests and at start-up). */
  async catchUp(): Promise<void> {
    for (;;) {
      this.#head = await this.#o.ctx.publicClient.getBlockNumber({ cacheTime: 0 });
      if (this.#next > this.#head) return;
      await this.#step(this.#head);
    }
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        this.#head = await this.#o.ctx.publicClient.getBlockNumber({ cacheTime: 0 });
        while (this.#next <= this.#head && !signal.aborted) await this.#step(this.#head);
        if (failures > 0) this.#log.info({ block: this.#next }, "chain reachable again; watching resumed");
        failures = 0;
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

  async #step(head: bigint): Promise<void> {
    const from = this.#next;
    const to = from + this.#range - 1n < head ? from + this.#range - 1n : head;
    let logs: Log[];
    try {
      logs = await this.#o.ctx.publicClient.getLogs({
        address: this.#o.ctx.addresses.TaskMarket,
        events: eventAbi,
        fromBlock: from,
        toBlock: to,
        strict: true,
      } as never);
    } catch (err) {
      const text = describeError(err).toLowerCase();
      if (this.#range > 1n && /range|too many|limit|exceed/.test(text)) {
        this.#range = this.#range / 2n;
        this.#log.warn({ range: this.#range.toString() }, "getLogs range refused; halving it");
      }
      throw err;
    }
    const events = parseEventLogs({
      abi: taskMarketAbi,
      logs,
      eventName: [...WATCHED_EVENTS],
    }) as MarketEvent[];
    events.sort((a, b) =>
      a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
    );
    await this.#o.onEvents(events, { from, to });
    this.#next = to + 1n;
  }
}
