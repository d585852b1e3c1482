// The supply watchdog (docs/BRIDGE.md, "Daemons"): checks that the EAI on the spokes is backed by EAI locked on the
// hub, and pauses every bridge (as a guardian) when it is not. Checked each interval:
//   Σ spokes totalSupply ≤ Σ hub.outstanding(spoke)   (the accountant's record of what was locked toward them)
//   Σ hub.outstanding(spoke) ≤ token.balanceOf(hub)   (the record is backed by tokens the vault holds)
// Honest traffic never breaks either: a hub→spoke transfer locks before it mints, a spoke→hub transfer burns before it
// unlocks, and a spoke→spoke transfer burns before it mints. The spokes' supplies are read before the hub, so a
// transfer completing between the reads errs on the safe side; a violation must also hold on `violationChecks`
// consecutive checks before it pauses (reads on different chains are never one snapshot). Only EVM spokes are summed
// here; Solana and TON supplies are not read yet (docs/BRIDGE.md says so).
import { createWalletClient, http, type Address, type PublicClient, type WalletClient } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { bridgeVaultAbi, eaiSpokeTokenAbi, eaiTokenAbi, spokeBridgeAbi } from "@eai/sdk/abis";
import type { EvmChainConfig, WatchdogConfig } from "./config.ts";
import { Counters, type Logger } from "./log.ts";
import { PollLoop, publicClientFor } from "./loop.ts";

export interface WatchdogOptions {
  config: WatchdogConfig;
  account: PrivateKeyAccount;
  logger: Logger;
  clients?: ReadonlyMap<number, PublicClient>;
}

export interface SupplyCheck {
  /** Σ of the spokes' token supplies (wei). */
  spokeSupply: bigint;
  /** Σ of the hub accountant's outstanding balances toward the spokes (wei). */
  outstanding: bigint;
  /** EAI the hub vault holds (wei). */
  locked: bigint;
  perSpoke: { chainId: number; supply: bigint; outstanding: bigint }[];
  ok: boolean;
  violations: string[];
}

interface Chain {
  config: EvmChainConfig;
  client: PublicClient;
  wallet: WalletClient;
}

export class SupplyWatchdog {
  readonly counters = new Counters("eai_bridge_watchdog");
  readonly #config: WatchdogConfig;
  readonly #log: Logger;
  readonly #chains: Chain[] = [];
  readonly #hub: Chain;
  #streak = 0;
  #paused = false;
  readonly #loop: PollLoop;

  constructor(options: WatchdogOptions) {
    this.#config = options.config;
    this.#log = options.logger;
    for (const c of options.config.chains) {
      const client = publicClientFor(c, options.clients);
      const wallet = createWalletClient({ account: options.account, transport: http(c.rpcUrl) });
      this.#chains.push({ config: c, client, wallet });
    }
    const hub = this.#chains.find((c) => c.config.role === "hub");
    if (!hub) throw new Error("no hub chain configured");
    this.#hub = hub;
    this.#loop = new PollLoop(
      () => this.checkOnce(),
      this.#config.pollIntervalMs,
      (err: unknown) => {
        this.counters.inc("check_errors_total", "Checks that failed (RPC errors)");
        this.#log.warn("check failed", { err: err instanceof Error ? err.message : String(err) });
      },
    );
  }

  /** Whether this watchdog has paused the bridges. */
  get tripped(): boolean {
    return this.#paused;
  }

  start(): void {
    this.#log.info("watchdog started", { chains: this.#config.chains.map((c) => c.chainId) });
    this.#loop.start();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  /** Reads the supplies once; pauses every bridge after `violationChecks` violating checks in a row. */
  async checkOnce(): Promise<SupplyCheck> {
    const check = await this.read();
    this.counters.set(
      "spoke_supply_eai",
      "Σ spoke supplies (EAI)",
      Number(check.spokeSupply / 10n ** 14n) / 1e4,
    );
    this.counters.set(
      "outstanding_eai",
      "Σ hub outstanding toward spokes (EAI)",
      Number(check.outstanding / 10n ** 14n) / 1e4,
    );
    this.counters.set("locked_eai", "EAI held by the hub vault", Number(check.locked / 10n ** 14n) / 1e4);
    if (check.ok) {
      this.#streak = 0;
      this.counters.set("violation_streak", "Consecutive violating checks", 0);
      return check;
    }
    this.#streak += 1;
    this.counters.set("violation_streak", "Consecutive violating checks", this.#streak);
    this.#log.error("supply invariant violated", { ...check, streak: this.#streak });
    if (this.#streak >= this.#config.violationChecks && this.#config.pause && !this.#paused)
      await this.pauseAll();
    return check;
  }

  async read(): Promise<SupplyCheck> {
    const perSpoke: SupplyCheck["perSpoke"] = [];
    const spokes = this.#chains.filter((c) => c.config.role === "spoke");
    // Spokes first, then the hub (see the header).
    const supplies: bigint[] = [];
    for (const s of spokes) {
      const token: Address =
        s.config.token ??
        (await s.client.readContract({
          address: s.config.bridge,
          abi: spokeBridgeAbi,
          functionName: "token",
        }));
      supplies.push(
        await s.client.readContract({ address: token, abi: eaiSpokeTokenAbi, functionName: "totalSupply" }),
      );
    }
    let outstanding = 0n;
    for (const [i, s] of spokes.entries()) {
      const o = await this.#hub.client.readContract({
        address: this.#hub.config.bridge,
        abi: bridgeVaultAbi,
        functionName: "outstanding",
        args: [BigInt(s.config.chainId)],
      });
      outstanding += o;
      perSpoke.push({ chainId: s.config.chainId, supply: supplies[i] ?? 0n, outstanding: o });
    }
    const hubToken = await this.#hub.client.readContract({
      address: this.#hub.config.bridge,
      abi: bridgeVaultAbi,
      functionName: "token",
    });
    const locked = await this.#hub.client.readContract({
      address: hubToken,
      abi: eaiTokenAbi,
      functionName: "balanceOf",
      args: [this.#hub.config.bridge],
    });
    const spokeSupply = supplies.reduce((a, b) => a + b, 0n);
    const violations: string[] = [];
    if (spokeSupply > outstanding)
      violations.push(`spoke supply ${spokeSupply} > hub outstanding ${outstanding}`);
    if (outstanding > locked) violations.push(`hub outstanding ${outstanding} > locked ${locked}`);
    return { spokeSupply, outstanding, locked, perSpoke, ok: violations.length === 0, violations };
  }

  /** Pauses every bridge that is not paused yet (this key must be a guardian of each). */
  async pauseAll(): Promise<void> {
    let failed = 0;
    for (const c of this.#chains) {
      try {
        const paused = await c.client.readContract({
          address: c.config.bridge,
          abi: spokeBridgeAbi,
          functionName: "paused",
        });
        if (paused) continue;
        const account = c.wallet.account;
        if (!account) throw new Error("no guardian account");
        const { request } = await c.client.simulateContract({
          account,
          address: c.config.bridge,
          abi: spokeBridgeAbi,
          functionName: "pause",
        });
        const hash = await c.wallet.writeContract({ ...request, chain: null });
        await c.client.waitForTransactionReceipt({ hash });
        this.counters.inc("paused_total", "Bridges paused by this watchdog", {
          chain: String(c.config.chainId),
        });
        this.#log.error("bridge paused", { chainId: c.config.chainId, bridge: c.config.bridge, tx: hash });
      } catch (err) {
        failed += 1;
        this.counters.inc("pause_errors_total", "Pause transactions that failed", {
          chain: String(c.config.chainId),
        });
        this.#log.error("pause failed", { chainId: c.config.chainId, err: (err as Error).message });
      }
    }
    // Retried on the next violating check until every bridge is paused.
    this.#paused = failed === 0;
  }
}
