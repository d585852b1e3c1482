/**
 * Upload admission for the blob store: a global limit of uploads received at once, a per-client limit (by remote
 * address) and a bounded FIFO queue in front of both.
 *
 * An upload runs when fewer than `max` uploads run and its client runs fewer than `perClient`; otherwise it waits
 * in the queue (at most `maxQueued` in all, and at most `perClient` of one client) for up to `queueTimeoutMs`.
 * When a slot frees, the queue is scanned in arrival order and every entry that may run is started, so a client at
 * its own limit never holds back the others. Loopback clients (127.0.0.0/8, ::1) all present one address — every
 * local process (the workers, the web app's proxy, `npm start`) looks the same — so by default they are subject
 * only to the global limit and the queue (`limitLoopback: true` applies the per-client limit to them too).
 */

export type SlotRefusal = "queue-full" | "client-queue-full" | "queue-timeout" | "gone";

/** Why an upload was not admitted (the store answers 503 with `Retry-After`). */
export class SlotError extends Error {
  readonly code: SlotRefusal;
  constructor(code: SlotRefusal, message: string) {
    super(message);
    this.name = "SlotError";
    this.code = code;
  }
}

export interface UploadSlotsOptions {
  /** Uploads received at once, all clients together. */
  max: number;
  /** Uploads received at once from one remote address (queued ones count separately, up to the same number). */
  perClient: number;
  /** Uploads waiting for a slot, all clients together. */
  maxQueued: number;
  /** How long an upload may wait for a slot before it is refused. */
  queueTimeoutMs: number;
  /** Apply `perClient` to loopback addresses too (default false: they share only the global limit). */
  limitLoopback?: boolean;
}

interface Waiter {
  client: string;
  limited: boolean;
  grant: (release: () => void) => void;
  refuse: (err: SlotError) => void;
  timer: NodeJS.Timeout;
}

/** `::ffff:1.2.3.4` → `1.2.3.4`; undefined (socket already gone) → `unknown`. */
export function clientAddress(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) return "unknown";
  return remoteAddress.startsWith("::ffff:") ? remoteAddress.slice(7) : remoteAddress;
}

/** True for 127.0.0.0/8 and ::1 (after `clientAddress`). */
export function isLoopback(address: string): boolean {
  return address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

export class UploadSlots {
  readonly #opts: Required<UploadSlotsOptions>;
  #active = 0;
  readonly #activeByClient = new Map<string, number>();
  readonly #queue: Waiter[] = [];

  constructor(options: UploadSlotsOptions) {
    this.#opts = { limitLoopback: false, ...options };
  }

  /** Uploads running now. */
  get active(): number {
    return this.#active;
  }

  /** Uploads waiting for a slot. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Uploads running now for `client`. */
  activeFor(client: string): number {
    return this.#activeByClient.get(client) ?? 0;
  }

  /**
   * Waits for a slot for an upload from `client` (a remote address). Resolves with the release function (call it
   * exactly once, when the upload is over); rejects with `SlotError` when the queue is full, the client already
   * has `perClient` uploads waiting, the wait exceeds `queueTimeoutMs`, or `gone` is aborted while waiting (the
   * client disconnected).
   */
  acquire(client: string, gone?: AbortSignal): Promise<() => void> {
    const limited = this.#opts.limitLoopback || !isLoopback(client);
    if (this.#mayRun(client, limited)) return Promise.resolve(this.#start(client));
    if (this.#queue.length >= this.#opts.maxQueued) {
      return Promise.reject(
        new SlotError(
          "queue-full",
          `too many uploads in progress (${this.#active} running, ${this.#queue.length} waiting); retry later`,
        ),
      );
    }
    if (limited && this.#queue.filter((w) => w.client === client).length >= this.#opts.perClient) {
      return Promise.reject(
        new SlotError(
          "client-queue-full",
          `too many uploads from ${client} (${this.activeFor(client)} running, limit ${this.#opts.perClient}, ` +
            `and ${this.#opts.perClient} already waiting); retry later`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        client,
        limited,
        grant: resolve,
        refuse: reject,
        timer: setTimeout(() => {
          this.#remove(waiter);
          reject(
            new SlotError(
              "queue-timeout",
              `no upload slot became free within ${this.#opts.queueTimeoutMs} ms (${this.#active} running); retry later`,
            ),
          );
        }, this.#opts.queueTimeoutMs),
      };
      gone?.addEventListener(
        "abort",
        () => {
          if (!this.#remove(waiter)) return;
          reject(new SlotError("gone", "the client went away while waiting for an upload slot"));
        },
        { once: true },
      );
      this.#queue.push(waiter);
    });
  }

  #mayRun(client: string, limited: boolean): boolean {
    return this.#active < this.#opts.max && (!limited || this.activeFor(client) < this.#opts.perClient);
  }

  #start(client: string): () => void {
    this.#active++;
    this.#activeByClient.set(client, this.activeFor(client) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      const left = this.activeFor(client) - 1;
      if (left > 0) this.#activeByClient.set(client, left);
      else this.#activeByClient.delete(client);
      this.#pump();
    };
  }

  /** Starts every queued upload that may run now, in arrival order. */
  #pump(): void {
    for (let i = 0; i < this.#queue.length && this.#active < this.#opts.max;) {
      const waiter = this.#queue[i] as Waiter;
      if (!this.#mayRun(waiter.client, waiter.limited)) {
        i++;
        continue;
      }
      this.#queue.splice(i, 1);
      clearTimeout(waiter.timer);
      waiter.grant(this.#start(waiter.client));
    }
  }

  #remove(waiter: Waiter): boolean {
    const at = this.#queue.indexOf(waiter);
    if (at < 0) return false;
    this.#queue.splice(at, 1);
    clearTimeout(waiter.timer);
    return true;
  }
}
