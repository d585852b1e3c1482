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
 * The block span of the next getLogs request, additive increase / multiplicative decrease:
 *  - a refused span is cut at least in half (to the share of the response cap it filled, with a 20% margin, when
 *    the refusal says how large the response was);
 *  - after each accepted span the next one grows: doubling until the first refusal, then by an eighth of the
 *    span (at least one block) per success, up to `max`. So a dense stretch of history does not keep later, quieter
 *    stretches at a small span, and the span settles just below what the RPC accepts with a refusal every few
 *    requests at most.
 */
export class AdaptiveRange {
  readonly max: bigint;
  #size: bigint;
  #refused = false;

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

  /** Whether a range has been refused since this reader started (growth is additive from then on). */
  get refusedBefore(): boolean {
    return this.#refused;
  }

  /**
   * The span `tried` was refused. Returns false when there is nothing smaller to try (a single block's logs are
   * refused: the caller must treat it as an error).
   */
  refused(tried: bigint, sizes?: { maxSize: number; size: number }): boolean {
    this.#refused = true;
    if (tried <= 1n) {
      this.#size = 1n;
      return false;
    }
    let next = tried / 2n;
    if (sizes) {
      const scaled = BigInt(Math.floor((Number(tried) * 0.8 * sizes.maxSize) / sizes.size));
      if (scaled < next) next = scaled;
    }
    this.#size = next < 1n ? 1n : next;
    return true;
  }

  /** The span `tried` was read. */
  succeeded(tried: bigint): void {
    const grown = this.#refused ? tried + (tried / 8n > 1n ? tried / 8n : 1n) : tried * 2n;
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
