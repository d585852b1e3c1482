/**
 * Answers cached per indexed block: an entry is served while the indexer's checkpoint is the one it was computed
 * at and for at most `ttlMs` (a reorganisation can re-index a block under the same checkpoint; the TTL bounds how
 * long the orphaned answer lives). Identical requests that arrive while an answer is being computed share it.
 * Bounded: at most `maxEntries` of at most `maxBytes` each and `maxTotalBytes` together (the oldest go first), so
 * that strangers cycling distinct queries hold at most `maxTotalBytes` of the indexer's memory.
 */
export interface CachedAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
  /** false: serve this answer to the requests that share it, but do not keep it (a 200 with GraphQL errors). */
  keep?: boolean;
}

interface Entry {
  checkpoint: string;
  at: number;
  answer: Promise<CachedAnswer>;
  /** Length of the kept body (0 while it is being computed). */
  bytes: number;
}

export class AnswerCache {
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly maxTotalBytes: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  private totalBytes = 0;

  constructor(options: {
    ttlMs: number;
    maxEntries?: number;
    maxBytes?: number;
    maxTotalBytes?: number;
    now?: () => number;
  }) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries ?? 500;
    this.maxBytes = options.maxBytes ?? 256 * 1024;
    this.maxTotalBytes = options.maxTotalBytes ?? 16 * 1024 * 1024;
    this.now = options.now ?? (() => Date.now());
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes of the answers kept now. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** The answer to `key` at `checkpoint`: cached, or computed by `compute` (kept: 200s not marked `keep: false`). */
  async get(key: string, checkpoint: string, compute: () => Promise<CachedAnswer>): Promise<CachedAnswer> {
    if (this.ttlMs <= 0) return compute();
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.checkpoint === checkpoint && now - hit.at <= this.ttlMs) return hit.answer;
    const answer = compute();
    const entry: Entry = { checkpoint, at: now, answer, bytes: 0 };
    this.#delete(key);
    this.entries.set(key, entry);
    this.#evict();
    const drop = () => {
      if (this.entries.get(key) === entry) this.#delete(key);
    };
    answer.then((a) => {
      if (a.status !== 200 || a.keep === false || a.body.length > this.maxBytes) return drop();
      if (this.entries.get(key) !== entry) return;
      entry.bytes = a.body.length;
      this.totalBytes += entry.bytes;
      this.#evict();
    }, drop);
    return answer;
  }

  #delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.totalBytes -= entry.bytes;
    this.entries.delete(key);
  }

  /** The oldest entries go until both bounds hold. */
  #evict(): void {
    while (this.entries.size > this.maxEntries || this.totalBytes > this.maxTotalBytes) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.#delete(oldest);
    }
  }
}
