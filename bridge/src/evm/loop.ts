// Plumbing shared by the bridge daemons: the poll loop (one step at a time, the next `intervalMs` after the last
// ended; a failed step is reported and retried) and an RPC client per configured chain.
import { createPublicClient, http, type PublicClient } from "viem";
import type { EvmChainConfig } from "./config.ts";

export class PollLoop {
  readonly #step: () => Promise<unknown>;
  readonly #intervalMs: number;
  readonly #onError: (err: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;

  constructor(step: () => Promise<unknown>, intervalMs: number, onError: (err: unknown) => void) {
    this.#step = step;
    this.#intervalMs = intervalMs;
    this.#onError = onError;
  }

  /** True once `stop` was called: a long step checks it to end early. */
  get stopped(): boolean {
    return this.#stopped;
  }

  start(): void {
    this.#schedule(0);
  }

  /** Stops scheduling and waits for the step in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#step()
        .catch((err: unknown) => this.#onError(err))
        .finally(() => this.#schedule(this.#intervalMs));
    }, ms);
  }
}

/** The injected client for a chain (tests), or one on its rpcUrl polling receipts every 500 ms. */
export function publicClientFor(
  chain: EvmChainConfig,
  clients?: ReadonlyMap<number, PublicClient>,
): PublicClient {
  return (
    clients?.get(chain.chainId) ??
    (createPublicClient({ transport: http(chain.rpcUrl), pollingInterval: 500 }) as PublicClient)
  );
}
