/**
 * A bounded in-memory copy of the worker's log lines (already JSON and redacted by pino), numbered from 1, for the
 * control API's `/v1/logs?since=N`. Oldest lines go first; `dropped` says how many a reader that asked for an older
 * sequence number missed.
 */
export class LogRing {
  readonly capacity: number;
  readonly #lines: string[] = [];
  #next = 1;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error("LogRing: capacity must be a positive integer");
    this.capacity = capacity;
  }

  /** pino destination: one call per serialised line. */
  write(chunk: string): void {
    for (const line of chunk.split("\n")) {
      if (line.length === 0) continue;
      this.#lines.push(line);
      this.#next += 1;
      if (this.#lines.length > this.capacity) this.#lines.shift();
    }
  }

  /** Sequence number of the oldest line kept. */
  get first(): number {
    return this.#next - this.#lines.length;
  }

  /** Lines with sequence number > `since`, at most `limit`; `next` is the value to pass as `since` next time. */
  since(
    since: number,
    limit = 500,
  ): { next: number; dropped: number; lines: { seq: number; line: string }[] } {
    const from = Math.max(since + 1, this.first);
    const dropped = Math.max(0, this.first - (since + 1));
    const start = from - this.first;
    const lines = this.#lines.slice(start, start + limit).map((line, i) => ({ seq: from + i, line }));
    const last = lines.at(-1)?.seq ?? Math.max(since, this.first - 1);
    return { next: last, dropped, lines };
  }
}
