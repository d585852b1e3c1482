// The permissionless relayer for EVM destinations (docs/BRIDGE.md, "Daemons"). It reads every validator's signatures,
// keeps only those that recover to their claimed signer over the message in the destination's domain, and once a
// message has signatures from `threshold` members of the destination's current validator set it submits them,
// signers ascending: `bridgeIn` on the destination, `recordTransit` on the hub for spoke-to-spoke messages. Anyone
// can run one; a relayer can delay a message (by not relaying) but never forge, alter or replay it: the contracts
// check everything again. It pays gas and earns nothing.
import {
  BaseError,
  ContractFunctionRevertedError,
  createWalletClient,
  http,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
} from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { z } from "zod";
import { bridgeVaultAbi, spokeBridgeAbi } from "@eai/sdk/abis";
import { attestationSchema, recoverSigner, type Attestation } from "./attest.ts";
import type { EvmChainConfig, RelayerConfig } from "./config.ts";
import { Counters, type Logger } from "./log.ts";
import { PollLoop, publicClientFor } from "./loop.ts";

export interface RelayerOptions {
  config: RelayerConfig;
  account: PrivateKeyAccount;
  logger: Logger;
  /** RPC clients per chain id (tests). */
  clients?: ReadonlyMap<number, PublicClient>;
  fetch?: typeof fetch;
}

interface Chain {
  config: EvmChainConfig;
  id: bigint;
  client: PublicClient;
  wallet: WalletClient;
}

interface Group {
  kind: Attestation["kind"];
  domainChain: bigint;
  msgId: Hex;
  message: Attestation["message"];
  /** Valid signatures by signer (checksummed address). */
  signatures: Map<Address, Hex>;
  done: boolean;
}

/** Pages read from one validator per poll: a validator serving pages without end cannot hold up the others. */
export const MAX_PAGES_PER_POLL = 8;
const PAGE_SIZE = 500;

const pageSchema = z.object({
  signer: z.string(),
  attestations: z.array(z.unknown()).max(PAGE_SIZE),
  next: z.number().int().min(0),
});

/** Errors that mean "someone else already relayed it". */
const DONE_ERRORS = new Set(["BridgeAlreadyExecuted", "BridgeVaultTransitRecorded"]);

export class BridgeRelayer {
  readonly counters = new Counters("eai_bridge_relayer");
  readonly #config: RelayerConfig;
  readonly #log: Logger;
  readonly #fetch: typeof fetch;
  readonly #chains = new Map<bigint, Chain>();
  readonly #hub: Chain;
  readonly #cursors = new Map<string, number>();
  readonly #groups = new Map<string, Group>();
  readonly #loop: PollLoop;

  constructor(options: RelayerOptions) {
    this.#config = options.config;
    this.#log = options.logger;
    this.#fetch = options.fetch ?? fetch;
    for (const c of options.config.chains) {
      const client = publicClientFor(c, options.clients);
      const wallet = createWalletClient({ account: options.account, transport: http(c.rpcUrl) });
      this.#chains.set(BigInt(c.chainId), { config: c, id: BigInt(c.chainId), client, wallet });
    }
    const hub = [...this.#chains.values()].find((c) => c.config.role === "hub");
    if (!hub) throw new Error("no hub chain configured");
    this.#hub = hub;
    this.#loop = new PollLoop(
      () => this.pollOnce(),
      this.#config.pollIntervalMs,
      (err: unknown) => {
        this.counters.inc("poll_errors_total", "Polls that failed; retried next interval");
        this.#log.warn("poll failed", { err: err instanceof Error ? err.message : String(err) });
      },
    );
  }

  start(): void {
    this.#log.info("relayer started", { validators: this.#config.validators });
    this.#loop.start();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  /** Messages it has seen and not yet relayed (or seen relayed): for status and tests. */
  pendingCount(): number {
    return [...this.#groups.values()].filter((g) => !g.done).length;
  }

  /** Reads every validator once, then relays every message that has enough signatures. */
  async pollOnce(): Promise<void> {
    // Each chain's current validator set, read once a poll: signatures of anyone else are dropped on arrival (before
    // any signature is recovered), so a validator serving strangers' signatures cannot fill the relayer's memory.
    const sets = new Map<bigint, { members: Set<Address>; threshold: number }>();
    for (const c of this.#chains.values()) {
      const [, validators, threshold] = await c.client.readContract({
        address: c.config.bridge,
        abi: spokeBridgeAbi,
        functionName: "validatorSet",
      });
      sets.set(c.id, { members: new Set(validators), threshold });
    }
    for (const url of this.#config.validators) {
      try {
        await this.#read(url, sets);
      } catch (err) {
        // One unreachable or lying validator must not stop the others' signatures from being relayed.
        this.counters.inc("validator_errors_total", "Failed reads of a validator's signatures", {
          validator: url,
        });
        this.#log.warn("validator unreadable", { validator: url, err: (err as Error).message });
      }
    }
    for (const [key, g] of this.#groups) {
      if (g.done) this.#groups.delete(key); // a late signature re-creates it, and `executed` ends it again
      if (g.done || this.#loop.stopped) continue;
      const dst = this.#chains.get(g.domainChain);
      const set = sets.get(g.domainChain);
      if (!dst || !set) continue;
      const valid = [...g.signatures.entries()].filter(([signer]) => set.members.has(signer));
      if (valid.length < set.threshold) continue;
      await this.#relay(dst, g, valid, set.threshold);
    }
  }

  async #read(url: string, sets: ReadonlyMap<bigint, { members: Set<Address> }>): Promise<void> {
    for (let pages = 0; pages < MAX_PAGES_PER_POLL; pages++) {
      const after = this.#cursors.get(url) ?? 0;
      const res = await this.#fetch(
        `${url.replace(/\/$/, "")}/v1/signatures?after=${after}&limit=${PAGE_SIZE}`,
      );
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const page = pageSchema.parse(await res.json());
      for (const raw of page.attestations) {
        const parsed = attestationSchema.safeParse(raw);
        if (!parsed.success) {
          this.counters.inc(
            "invalid_total",
            "Attestations dropped: malformed or a signature that does not recover",
            {
              validator: url,
            },
          );
          continue;
        }
        if (!sets.get(parsed.data.domain.chainId)?.members.has(parsed.data.signer)) {
          this.counters.inc(
            "non_member_total",
            "Attestations dropped: the signer is not in the verifying set",
            {
              validator: url,
            },
          );
          continue;
        }
        await this.#add(url, parsed.data);
      }
      this.#cursors.set(url, page.next);
      if (page.attestations.length < PAGE_SIZE || page.next === after) return;
    }
  }

  async #add(url: string, a: Attestation): Promise<void> {
    const dst = this.#chains.get(a.domain.chainId);
    const expected =
      a.kind === "recordTransit"
        ? this.#hub
        : a.kind === "bridgeIn"
          ? this.#chains.get(a.message.dstChain)
          : undefined;
    // The domain must be the contract that will verify it: the destination (bridgeIn) or the hub (recordTransit).
    if (!dst || !expected || dst !== expected || a.domain.verifyingContract !== dst.config.bridge) {
      this.counters.inc(
        "invalid_total",
        "Attestations dropped: malformed or a signature that does not recover",
        {
          validator: url,
        },
      );
      return;
    }
    let signer: Address;
    try {
      signer = await recoverSigner(a.message, a.domain, a.signature);
    } catch {
      signer = "0x0000000000000000000000000000000000000000";
    }
    if (signer !== a.signer) {
      this.counters.inc(
        "invalid_total",
        "Attestations dropped: malformed or a signature that does not recover",
        {
          validator: url,
        },
      );
      this.#log.warn("signature does not recover to its signer", {
        validator: url,
        msgId: a.msgId,
        claimed: a.signer,
      });
      return;
    }
    const key = `${a.kind}:${a.domain.chainId}:${a.msgId}`;
    let g = this.#groups.get(key);
    if (!g) {
      g = {
        kind: a.kind,
        domainChain: a.domain.chainId,
        msgId: a.msgId,
        message: a.message,
        signatures: new Map(),
        done: false,
      };
      this.#groups.set(key, g);
    }
    g.signatures.set(signer, a.signature);
  }

  async #relay(dst: Chain, g: Group, valid: [Address, Hex][], threshold: number): Promise<void> {
    const already =
      g.kind === "bridgeIn"
        ? await dst.client.readContract({
            address: dst.config.bridge,
            abi: spokeBridgeAbi,
            functionName: "executed",
            args: [g.msgId],
          })
        : await dst.client.readContract({
            address: dst.config.bridge,
            abi: bridgeVaultAbi,
            functionName: "transitRecorded",
            args: [g.msgId],
          });
    if (already) {
      g.done = true;
      return;
    }
    // Signers strictly ascending (the contract's rule against duplicates), exactly `threshold` of them.
    const signatures = valid
      .sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1))
      .slice(0, threshold)
      .map(([, s]) => s);
    const message = { ...g.message };
    try {
      const account = dst.wallet.account;
      if (!account) throw new Error("no relayer account");
      let hash: Hex;
      if (g.kind === "bridgeIn") {
        const { request } = await dst.client.simulateContract({
          account,
          address: dst.config.bridge,
          abi: spokeBridgeAbi,
          functionName: "bridgeIn",
          args: [message, signatures],
        });
        hash = await dst.wallet.writeContract({ ...request, chain: null });
      } else {
        const { request } = await dst.client.simulateContract({
          account,
          address: dst.config.bridge,
          abi: bridgeVaultAbi,
          functionName: "recordTransit",
          args: [message, signatures],
        });
        hash = await dst.wallet.writeContract({ ...request, chain: null });
      }
      const receipt = await dst.client.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
      g.done = true;
      this.counters.inc("relayed_total", "Messages relayed, by kind", { kind: g.kind });
      this.#log.info("relayed", {
        kind: g.kind,
        msgId: g.msgId,
        dstChain: dst.id,
        tx: hash,
        gasUsed: receipt.gasUsed,
        signers: valid.slice(0, threshold).map(([a]) => a),
      });
    } catch (err) {
      const name = revertName(err);
      if (name !== undefined && DONE_ERRORS.has(name)) {
        g.done = true;
        return;
      }
      this.counters.inc("relay_errors_total", "Relays that failed (retried next poll), by error", {
        error: name ?? "rpc",
      });
      this.#log.warn("relay failed", {
        kind: g.kind,
        msgId: g.msgId,
        dstChain: dst.id,
        error: name ?? (err as Error).message,
      });
    }
  }
}

function revertName(err: unknown): string | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const revert = err.walk((e) => e instanceof ContractFunctionRevertedError);
  return revert instanceof ContractFunctionRevertedError ? revert.data?.errorName : undefined;
}
