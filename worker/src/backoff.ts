/** Exponential backoff with jitter and a cap, and an abortable sleep. */

export interface BackoffOptions {
  /** First delay (default 500 ms). */
  baseMs?: number;
  /** Largest delay (default 30 s). */
  maxMs?: number;
  /** Source of randomness in [0, 1) (tests pin it). */
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (0-based): `d = min(maxMs, baseMs · 2^attempt)`, then "equal jitter":
 * uniformly in [d/2, d). Never below half the exponential step, so retries back off even with bad luck.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const d = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.floor(d / 2 + (options.random ?? Math.random)() * (d / 2));
}

/** Resolves after `ms`, or at once (without rejecting) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
