/**
 * Answers cached per indexed block: an entry is served while the indexer's checkpoint is the one it was computed
 * at and for at most `ttlMs` (a reorganisation can re-index a block under the same checkpoint; the TTL bounds how
 * long the orphaned answer lives). Identical requests that arrive while an answer is being computed share it.
 * Bounded: at most `maxEntries` (the oldest go first) of at most `maxBytes` each.
 */
export interface CachedAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

interface Entry {
  checkpoint: string;
  at: number;
  answer: Promise<CachedAnswer>;
}

export class AnswerCache {
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly maxBytes: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();

  constructor(options: { ttlMs: number; maxEntries?: number; maxBytes?: number; now?: () => number }) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries ?? 500;
    this.maxBytes = options.maxBytes ?? 256 * 1024;
    this.now = options.now ?? (() => Date.now());
  }

  get size(): number {
    return this.entries.size;
  }

  /** The answer to `key` at `checkpoint`: cached, or computed by `compute` (only 200 answers are kept). */
  async get(key: string, checkpoint: string, compute: () => Promise<CachedAnswer>): Promise<CachedAnswer> {
    if (this.ttlMs <= 0) return compute();
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.checkpoint === checkpoint && now - hit.at <= this.ttlMs) return hit.answer;
    const answer = compute();
    const entry = { checkpoint, at: now, answer };
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    const drop = () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    answer.then((a) => {
      if (a.status !== 200 || a.body.length > this.maxBytes) drop();
    }, drop);
    return answer;
  }
}
