// The bridge validator daemon for EVM chains (docs/BRIDGE.md, "Daemons"). It watches every configured bridge for
// BridgeMessageSent at finality (`confirmations` blocks deep), checks each message on its own (the log's contract,
// the source chain, the id recomputed from the fields, a configured destination, an EVM recipient, an optional cap
// per message, and for messages leaving a spoke the hub accountant: never more than the hub holds for that spoke,
// less what this validator has already signed from it and not yet seen arrive), signs the EIP-712 digest of the
// contract that will verify it and serves its signatures to relayers over HTTP. It sends no transactions.
import { createServer, type Server } from "node:http";
import { getAddress, type Address, type Hex, type PublicClient } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { bridgeVaultAbi, spokeBridgeAbi } from "@eai/sdk/abis";
import { MESSAGE_VERSION, messageId, type BridgeMessage } from "../message.ts";
import { attestationToJson, signMessage, type Attestation, type AttestationKind } from "./attest.ts";
import type { EvmChainConfig, ValidatorConfig } from "./config.ts";
import { Counters, type Logger } from "./log.ts";
import { PollLoop, publicClientFor } from "./loop.ts";
import { ValidatorStore } from "./store.ts";

/** 18-decimal wei per 8-decimal bridge unit. */
export const UNIT = 10n ** 10n;

/** Why a message was not signed. */
export type Refusal =
  | "wrong-contract"
  | "wrong-source"
  | "bad-id"
  | "unknown-destination"
  | "bad-recipient"
  | "over-cap"
  | "malformed";

export interface ValidatorOptions {
  config: ValidatorConfig;
  account: PrivateKeyAccount;
  logger: Logger;
  /** RPC clients per chain id (tests); default: one per configured rpcUrl. */
  clients?: ReadonlyMap<number, PublicClient>;
}

interface Chain {
  config: EvmChainConfig;
  id: bigint;
  client: PublicClient;
}

export class BridgeValidator {
  readonly address: Address;
  readonly counters = new Counters("eai_bridge_validator");
  readonly #config: ValidatorConfig;
  readonly #account: PrivateKeyAccount;
  readonly #log: Logger;
  readonly #chains = new Map<bigint, Chain>();
  readonly #hub: Chain;
  #store: ValidatorStore | undefined;
  #server: Server | undefined;
  readonly #loop: PollLoop;

  constructor(options: ValidatorOptions) {
    this.#config = options.config;
    this.#account = options.account;
    this.#log = options.logger;
    this.address = options.account.address;
    for (const c of options.config.chains) {
      const client = publicClientFor(c, options.clients);
      this.#chains.set(BigInt(c.chainId), { config: c, id: BigInt(c.chainId), client });
    }
    const hub = [...this.#chains.values()].find((c) => c.config.role === "hub");
    if (!hub) throw new Error("no hub chain configured");
    this.#hub = hub;
    this.#loop = new PollLoop(
      () => this.pollOnce(),
      this.#config.pollIntervalMs,
      (err: unknown) => {
        this.counters.inc("poll_errors_total", "Polls that failed (RPC errors); retried next interval");
        this.#log.warn("poll failed", { err: err instanceof Error ? err.message : String(err) });
      },
    );
  }

  get store(): ValidatorStore {
    if (!this.#store) throw new Error("validator not started");
    return this.#store;
  }

  /** Opens the state, starts the HTTP endpoint and the poll loop. Returns the port it listens on. */
  async start(): Promise<number> {
    this.#store = await ValidatorStore.open(this.#config.stateDir);
    const port = await this.#listen();
    this.#log.info("validator started", {
      signer: this.address,
      port,
      chains: this.#config.chains.map((c) => ({ chainId: c.chainId, role: c.role, bridge: c.bridge })),
      signed: this.#store.count,
    });
    this.#loop.start();
    return port;
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
    this.#log.info("validator stopped", { signed: this.#store?.count ?? 0 });
  }

  /** One pass over every chain up to its final block, then the accountant's pending list. */
  async pollOnce(): Promise<void> {
    const store = this.store;
    for (const chain of this.#chains.values()) {
      const head = await chain.client.getBlockNumber();
      const safe = head - BigInt(chain.config.confirmations);
      let from = store.cursor(chain.id) ?? BigInt(chain.config.fromBlock);
      this.counters.set("final_block", "Newest block treated as final, per chain", Number(safe), {
        chain: chain.id.toString(),
      });
      while (from <= safe && !this.#loop.stopped) {
        const to =
          safe < from + BigInt(chain.config.maxBlockRange) - 1n
            ? safe
            : from + BigInt(chain.config.maxBlockRange) - 1n;
        const logs = await chain.client.getContractEvents({
          address: chain.config.bridge,
          abi: spokeBridgeAbi,
          eventName: "BridgeMessageSent",
          fromBlock: from,
          toBlock: to,
          strict: true,
        });
        let heldAt: bigint | undefined;
        for (const log of logs) {
          const outcome = await this.#handle(chain, log);
          if (outcome === "held") {
            heldAt = log.blockNumber;
            break;
          }
        }
        // A held message (the accountant cannot cover it yet) is retried from its block on the next poll; what was
        // signed is not signed again.
        if (heldAt !== undefined) {
          await store.setCursor(chain.id, heldAt);
          break;
        }
        await store.setCursor(chain.id, to + 1n);
        from = to + 1n;
      }
    }
    await this.#reconcile();
  }

  async #handle(
    chain: Chain,
    log: {
      address: Address;
      blockNumber: bigint;
      transactionHash: Hex;
      removed?: boolean;
      args: {
        msgId: Hex;
        dstChain: bigint;
        nonce: bigint;
        message: Omit<BridgeMessage, "version"> & { version: number };
      };
    },
  ): Promise<"signed" | "known" | "refused" | "held"> {
    if (log.removed) return "refused";
    if (log.args.message.version !== MESSAGE_VERSION) {
      this.counters.inc("refused_total", "Messages seen and not signed, by reason", { reason: "malformed" });
      return "refused";
    }
    const m: BridgeMessage = {
      version: MESSAGE_VERSION,
      srcChain: log.args.message.srcChain,
      dstChain: log.args.message.dstChain,
      nonce: log.args.message.nonce,
      sender: log.args.message.sender.toLowerCase() as Hex,
      recipient: log.args.message.recipient.toLowerCase() as Hex,
      amount8: log.args.message.amount8,
    };
    const msgId = log.args.msgId.toLowerCase() as Hex;
    const refuse = (why: Refusal, detail: Record<string, unknown> = {}) => {
      this.counters.inc("refused_total", "Messages seen and not signed, by reason", { reason: why });
      this.#log.warn("message refused", {
        reason: why,
        msgId,
        srcChain: chain.id,
        tx: log.transactionHash,
        ...detail,
      });
      return "refused" as const;
    };
    if (getAddress(log.address) !== chain.config.bridge)
      return refuse("wrong-contract", { address: log.address });
    if (m.srcChain !== chain.id) return refuse("wrong-source", { claimed: m.srcChain });
    let computed: Hex;
    try {
      computed = messageId(m);
    } catch (err) {
      return refuse("malformed", { err: (err as Error).message });
    }
    if (computed !== msgId || log.args.dstChain !== m.dstChain || log.args.nonce !== m.nonce) {
      return refuse("bad-id", { computed });
    }
    const dst = this.#chains.get(m.dstChain);
    if (!dst) return refuse("unknown-destination", { dstChain: m.dstChain });
    if (!/^0x0{24}[0-9a-f]{40}$/.test(m.recipient) || /^0x0{64}$/.test(m.recipient)) {
      return refuse("bad-recipient", { recipient: m.recipient });
    }
    const amountWei = m.amount8 * UNIT;
    if (this.#config.maxMessageWei !== undefined && amountWei > this.#config.maxMessageWei) {
      return refuse("over-cap", { amountWei, cap: this.#config.maxMessageWei });
    }

    const kinds: { kind: AttestationKind; domain: Chain }[] = [{ kind: "bridgeIn", domain: dst }];
    if (chain.config.role === "spoke" && dst.config.role === "spoke")
      kinds.push({ kind: "recordTransit", domain: this.#hub });
    const todo = kinds.filter((k) => !this.store.hasSigned(k.kind, k.domain.id, msgId));
    if (todo.length === 0) return "known";

    if (chain.config.role === "spoke") {
      // The accountant: a spoke can send on no more than the hub locked toward it and has not yet paid back,
      // less what this validator signed from it that the hub has not yet accounted.
      const outstanding = await this.#hub.client.readContract({
        address: this.#hub.config.bridge,
        abi: bridgeVaultAbi,
        functionName: "outstanding",
        args: [chain.id],
      });
      const pending = this.store.pendingFrom(chain.id);
      if (amountWei + pending > outstanding) {
        this.counters.inc("held_total", "Messages held because the hub accountant does not cover them (yet)");
        this.#log.warn("message held: the hub accountant does not cover it", {
          msgId,
          srcChain: chain.id,
          amountWei,
          outstanding,
          pending,
        });
        return "held";
      }
    }

    for (const { kind, domain } of todo) {
      const signature = await signMessage(this.#account, m, {
        chainId: domain.id,
        verifyingContract: domain.config.bridge,
      });
      const attestation: Attestation = {
        seq: this.store.nextSeq,
        kind,
        msgId,
        message: m,
        domain: { chainId: domain.id, verifyingContract: domain.config.bridge },
        signer: this.address,
        signature: signature.toLowerCase() as Hex,
        source: { block: log.blockNumber, tx: log.transactionHash.toLowerCase() as Hex },
      };
      await this.store.append(attestation);
      this.counters.inc("signed_total", "Attestations signed, by kind", { kind });
      this.#log.info("signed", {
        kind,
        msgId,
        srcChain: m.srcChain,
        dstChain: m.dstChain,
        nonce: m.nonce,
        amountWei,
        domain: domain.id,
      });
    }
    if (chain.config.role === "spoke" && !this.store.pending().some((p) => p.msgId === msgId)) {
      await this.store.addPending({ msgId, srcChain: chain.id, dstChain: m.dstChain, amountWei });
    }
    return "signed";
  }

  /** Drops pending outflows the hub has accounted (claimed on the hub, or a transit recorded there). */
  async #reconcile(): Promise<void> {
    for (const p of this.store.pending()) {
      const done =
        p.dstChain === this.#hub.id
          ? await this.#hub.client.readContract({
              address: this.#hub.config.bridge,
              abi: bridgeVaultAbi,
              functionName: "executed",
              args: [p.msgId as Hex],
            })
          : await this.#hub.client.readContract({
              address: this.#hub.config.bridge,
              abi: bridgeVaultAbi,
              functionName: "transitRecorded",
              args: [p.msgId as Hex],
            });
      if (done) await this.store.removePending(p.msgId);
    }
    this.counters.set(
      "pending",
      "Signed outflows from spokes the hub has not accounted yet",
      this.store.pending().length,
    );
  }

  #listen(): Promise<number> {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.method !== "GET") return json(405, { error: "GET only" });
      if (url.pathname === "/v1/signatures") {
        const after = Number(url.searchParams.get("after") ?? "0");
        const limit = Number(url.searchParams.get("limit") ?? "500");
        if (!Number.isSafeInteger(after) || after < 0)
          return json(400, { error: "after: expected a sequence number ≥ 0" });
        if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000)
          return json(400, { error: "limit: 1..1000" });
        const list = this.store.since(after, limit);
        return json(200, {
          signer: this.address,
          attestations: list.map(attestationToJson),
          next: list.at(-1)?.seq ?? after,
        });
      }
      if (url.pathname === "/healthz") {
        const cursors: Record<string, string> = {};
        for (const c of this.#chains.values())
          cursors[c.id.toString()] = (this.store.cursor(c.id) ?? 0n).toString();
        return json(200, { ok: true, signer: this.address, signed: this.store.count, cursors });
      }
      if (url.pathname === "/metrics") {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
        res.end(this.counters.render());
        return;
      }
      return json(404, { error: "not found" });
    });
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#config.listen.port, this.#config.listen.host, () => {
        const addr = server.address();
        resolve(typeof addr === "object" && addr ? addr.port : this.#config.listen.port);
      });
    });
  }
}
