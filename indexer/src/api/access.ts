/**
 * Guards of the API's expensive doors: the key of SQL over HTTP (compared in constant time), the statement timeout
 * of the API's PostgreSQL connections, and a gate that lets only a few heavy requests run at once.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/**
 * The key a request presents: `Authorization: Bearer <key>`, else the `key` query parameter (for `@ponder/client`,
 * which sends no headers: `createClient("http://host:42069/sql?key=<key>")`).
 */
export function presentedKey(
  authorization: string | undefined,
  queryKey: string | undefined,
): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (bearer) return bearer[1];
  return queryKey === undefined || queryKey === "" ? undefined : queryKey;
}

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/**
 * Whether `presented` equals `expected`, in time independent of where they differ and of the presented length:
 * both sides are hashed to 32 bytes and compared with `timingSafeEqual`.
 */
export function keyMatches(presented: string | undefined, expected: string): boolean {
  const ok = timingSafeEqual(digest(presented ?? ""), digest(expected));
  return ok && presented !== undefined;
}

/** What {@link limitStatements} needs of a `pg` pool and its clients. */
export interface StatementPool {
  /** The options the pool creates clients with (`pg` sends `statement_timeout` in the start-up message). */
  options: { statement_timeout?: number | false };
  on(event: "acquire", listener: (client: StatementClient) => void): unknown;
}
export interface StatementClient {
  connectionParameters?: { statement_timeout?: number | false };
  query(text: string): Promise<unknown>;
}

/**
 * Makes PostgreSQL cancel any statement of `pool`'s connections that runs longer than `ms`: connections opened from
 * now on carry `statement_timeout` in their start-up message; one opened before (with another value) gets a `SET`
 * the first time it is handed out — pg-pool emits "acquire" before the caller has the client, and an idle client
 * runs that SET before the caller's first statement.
 */
export function limitStatements(pool: StatementPool, ms: number, onError: (error: unknown) => void): void {
  const timeout = Math.trunc(ms);
  pool.options.statement_timeout = timeout;
  const configured = new WeakSet<StatementClient>();
  pool.on("acquire", (client) => {
    if (configured.has(client)) return;
    configured.add(client);
    if (client.connectionParameters?.statement_timeout === timeout) return;
    client.query(`SET statement_timeout = ${timeout}`).catch(onError);
  });
}

/** Thrown by {@link Gate.run} when the line is full. */
export class GateFullError extends Error {
  override name = "GateFullError";
}

/** At most `concurrency` tasks at once, at most `queue` waiting (first come, first served); beyond: GateFullError. */
export class Gate {
  readonly concurrency: number;
  readonly queue: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(concurrency: number, queue: number) {
    this.concurrency = concurrency;
    this.queue = queue;
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) throw new GateFullError("too many requests waiting");
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next in line, so `running` stays as it is.
      if (next) next();
      else this.running--;
    }
  }
}
