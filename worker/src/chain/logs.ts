/**
 * Reading logs in ranges the RPC accepts: which errors are a refusal of the range (too many blocks, too many
 * results, a response larger than the client's cap) rather than an outage, and a range size that adapts to them.
 */
import { BaseError, ResponseBodyTooLargeError } from "viem";

/** What RPC providers answer when a getLogs range is too large (block span, result count or response size). */
const REFUSAL =
  /block range|range (is )?too (large|wide|big)|too (many|large) (results|logs|blocks)|more than \d+ (results|logs)|query returned more than|response (size|body|is too)|exceed(s|ed)? (the )?(max|limit|maximum)[^.]*(range|results|logs|blocks|size)|(results|logs|blocks|range)[^.]*exceed(s|ed)? /i;

/**
 * Whether `err` says the getLogs range was too large for the RPC or for the client: viem's response-size cap
 * (`ResponseBodyTooLargeError`) or a provider's refusal of the block span or result count. Rate limits, timeouts
 * and connection errors are not refusals (they are retried with backoff, on the same range).
 */
export function isRangeRefusal(err: unknown): boolean {
  if (err instanceof BaseError) {
    if (err.walk((e) => e instanceof ResponseBodyTooLargeError) instanceof ResponseBodyTooLargeError)
      return true;
  }
  const texts: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    texts.push(e instanceof BaseError ? `${e.shortMessage} ${e.details ?? ""}` : e.message);
  }
  const text = texts.join(" ");
  return !/rate.?limit|too many requests/i.test(text) && REFUSAL.test(text);
}

/** Response sizes a refusal reports (viem's size cap: the limit and the size seen, in bytes). */
export function refusalSizes(err: unknown): { maxSize: number; size: number } | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const e = err.walk((x) => x instanceof ResponseBodyTooLargeError);
  if (!(e instanceof ResponseBodyTooLargeError)) return undefined;
  return e.size > e.maxSize && e.maxSize > 0 ? { maxSize: e.maxSize, size: e.size } : undefined;
}

/**
 * The block span of the next getLogs request: slow start, then additive increase / multiplicative decrease.
 *  - It starts at `initial` and doubles after each accepted span until the first refusal, so that a dense history
 *    never has the RPC build a response many times larger than what it accepts (the node does the whole work of a
 *    refused response).
 *  - A refusal sets a ceiling, the span estimated to fit: the refused span scaled by the share of the cap its
 *    response filled, when viem says how large it was, else one block less than the refused span. The next span
 *    is 80% of the ceiling, and at least halved.
 *  - After each accepted span the next one grows by an eighth (at least one block) up to the ceiling; at the
 *    ceiling, the ceiling itself creeps up by a sixteenth per success, so a quieter stretch of history gets its span
 *    back (up to `max`) while the RPC is probed beyond its last refusal only slowly.
 */
export class AdaptiveRange {
  readonly max: bigint;
  #size: bigint;
  #ceiling: bigint | undefined;

  constructor(max: number | bigint, initial?: number | bigint) {
    this.max = BigInt(max);
    if (this.max < 1n) throw new RangeError("max range must be at least 1 block");
    const start = initial === undefined ? this.max : BigInt(initial);
    this.#size = start < 1n ? 1n : start > this.max ? this.max : start;
  }

  /** Blocks to ask for next. */
  get size(): bigint {
    return this.#size;
  }

  /** The largest span estimated to fit since the last refusal (undefined before any). */
  get ceiling(): bigint | undefined {
    return this.#ceiling;
  }

  /**
   * The span `tried` was refused. Returns false when there is nothing smaller to try (a single block's logs are
   * refused: the caller must treat it as an error).
   */
  refused(tried: bigint, sizes?: { maxSize: number; size: number }): boolean {
    if (tried <= 1n) {
      this.#size = 1n;
      this.#ceiling = 1n;
      return false;
    }
    let ceiling = tried - 1n;
    if (sizes) {
      const scaled = BigInt(Math.floor((Number(tried) * sizes.maxSize) / sizes.size));
      if (scaled < ceiling) ceiling = scaled;
    }
    this.#ceiling = ceiling < 1n ? 1n : ceiling;
    const margin = (this.#ceiling * 4n) / 5n;
    const next = margin < tried / 2n ? margin : tried / 2n;
    this.#size = next < 1n ? 1n : next;
    return true;
  }

  /** The span `tried` was read. */
  succeeded(tried: bigint): void {
    let grown = this.#ceiling === undefined ? tried * 2n : tried + (tried / 8n > 1n ? tried / 8n : 1n);
    if (this.#ceiling !== undefined && grown >= this.#ceiling) {
      grown = this.#ceiling;
      const step = this.#ceiling / 16n > 1n ? this.#ceiling / 16n : 1n;
      this.#ceiling = this.#ceiling + step > this.max ? this.max : this.#ceiling + step;
    }
    // never below what was just asked for (a shorter range at the head does not shrink the span)
    const next = grown > this.#size ? grown : this.#size;
    this.#size = next > this.max ? this.max : next;
  }
}

/** Reads block timestamps (a viem public client fits). */
export interface BlockTimes {
  getBlock(args: { blockNumber: bigint }): Promise<{ timestamp: bigint }>;
}

/**
 * The first block in [lo, hi] whose timestamp is at least `time` (hi when none is; block timestamps never
 * decrease). A binary search: about log2(hi − lo) block reads.
 */
export async function firstBlockAtOrAfter(
  client: BlockTimes,
  lo: bigint,
  hi: bigint,
  time: bigint,
): Promise<bigint> {
  if (lo >= hi) return hi;
  if ((await client.getBlock({ blockNumber: lo })).timestamp >= time) return lo;
  // invariant: block lo is older than `time`; the answer is in (lo, hi]
  while (hi - lo > 1n) {
    const mid = lo + (hi - lo) / 2n;
    if ((await client.getBlock({ blockNumber: mid })).timestamp >= time) hi = mid;
    else lo = mid;
  }
  return hi;
}
