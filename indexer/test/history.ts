/**
 * Large protocol histories, fast: for load tests and benchmarks of the indexer's API.
 *
 * The indexer reads nothing but logs, so a history is the logs the contracts would emit. After a real deployment
 * and set-up (`setupProtocol`: real events for parameters, roles, models, three providers), `installEmitters`
 * replaces the code at the addresses of TaskMarket, StakingVault, ProviderRegistry, Reputation and EAIToken
 * (`hardhat_setCode`) with a log emitter: a contract whose calldata is a list of logs, each emitted from that
 * address. `HistoryWriter` then encodes the protocol's events with the SDK's ABIs (viem: the same topics and data
 * the contracts produce) for synthetic providers and task life cycles, 100 tasks per block, one UTC day after
 * another. 100,000 tasks (~1M logs) take about a minute instead of hours of real transactions. The chain's
 * contracts cannot be read afterwards (their code is gone): check the indexer against `HistoryWriter.expected`.
 */
import { createRequire } from "node:module";
import {
  concatHex,
  encodeAbiParameters,
  encodeEventTopics,
  keccak256,
  numberToHex,
  parseEther,
  size,
  toHex,
  type Abi,
  type AbiEvent,
  type Address,
  type Hex,
} from "viem";

import type { Chain } from "./harness.ts";
import type { Protocol } from "./scenario.ts";

const EMITTER_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
/// Emits the logs encoded in its calldata: records of [1 byte topic count][3 bytes data length][topics][data].
contract LogEmitter {
    fallback() external {
        assembly {
            let end := calldatasize()
            for { let p := 0 } lt(p, end) {} {
                let h := calldataload(p)
                let n := shr(248, h)
                let len := and(shr(224, h), 0xffffff)
                let t := add(p, 4)
                let d := add(t, mul(n, 32))
                calldatacopy(0, d, len)
                switch n
                case 0 { log0(0, len) }
                case 1 { log1(0, len, calldataload(t)) }
                case 2 { log2(0, len, calldataload(t), calldataload(add(t, 32))) }
                case 3 { log3(0, len, calldataload(t), calldataload(add(t, 32)), calldataload(add(t, 64))) }
                default {
                    log4(0, len, calldataload(t), calldataload(add(t, 32)), calldataload(add(t, 64)), calldataload(add(t, 96)))
                }
                p := add(d, len)
            }
        }
    }
}
`;

let emitterCode: Hex | undefined;

/** The emitter's runtime bytecode, compiled once per process with solcjs (the `solc` package, no download). */
function emitterBytecode(): Hex {
  if (emitterCode) return emitterCode;
  const solc = createRequire(import.meta.url)("solc") as { compile(input: string): string };
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: "Solidity",
        sources: { "LogEmitter.sol": { content: EMITTER_SOURCE } },
        settings: { outputSelection: { "*": { LogEmitter: ["evm.deployedBytecode.object"] } } },
      }),
    ),
  ) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts?: Record<string, Record<string, { evm: { deployedBytecode: { object: string } } }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length) throw new Error(`LogEmitter: ${errors.map((e) => e.formattedMessage).join("\n")}`);
  const object = output.contracts?.["LogEmitter.sol"]?.LogEmitter?.evm.deployedBytecode.object;
  if (!object) throw new Error("LogEmitter: solc produced no bytecode");
  emitterCode = `0x${object}`;
  return emitterCode;
}

export type Source = "market" | "vault" | "registry" | "reputation" | "token";

/** One encoded log: `[n topics][data length][topics][data]`. */
export function record(abi: Abi, eventName: string, args: Record<string, unknown>): Hex {
  const event = abi.find((x): x is AbiEvent => x.type === "event" && x.name === eventName);
  if (!event) throw new Error(`no event ${eventName} in the ABI`);
  const topics = encodeEventTopics({ abi: [event], eventName, args } as never) as Hex[];
  const inputs = event.inputs.filter((i) => !i.indexed);
  const data = encodeAbiParameters(
    inputs,
    inputs.map((i) => {
      if (!i.name || !(i.name in args)) throw new Error(`${eventName}: missing ${i.name}`);
      return args[i.name];
    }),
  );
  const header = numberToHex((topics.length << 24) | size(data), { size: 4 });
  return concatHex([header, ...topics, data]);
}

/** What the indexer must show after the history (on top of the set-up's own rows). */
export interface Expected {
  tasks: number;
  byStatus: { Open: number; Claimed: number; Completed: number; Cancelled: number; Refunded: number };
  volumeSubmitted: bigint;
  volumeCompleted: bigint;
  providers: number;
  logs: number;
}

export interface HistoryOptions {
  /** Synthetic providers (registered and staked) on top of the set-up's three. */
  providers?: number;
  /** Tasks per block. */
  perBlock?: number;
}

/** Replaces the protocol contracts' code with the log emitter (see the file comment). */
export async function installEmitters(p: Protocol, chain: Chain): Promise<HistoryWriter> {
  const code = emitterBytecode();
  const c = p.contracts;
  const tasks = await c.market.read.taskCount(); // the last read of the real contracts
  for (const address of [
    c.market.address,
    c.vault.address,
    c.providers.address,
    c.reputation.address,
    c.token.address,
  ])
    await chain.rpc("hardhat_setCode", [address, code]);
  return new HistoryWriter(p, chain, tasks + 1n);
}

export class HistoryWriter {
  readonly expected: Expected;
  private readonly p: Protocol;
  private readonly chain: Chain;
  private providers: Address[] = [];
  private nextTask: bigint;
  private time = 0;
  /** The block the next batch of logs lands in (as `createdBlock` of the tasks it submits). */
  private nextBlock = 0n;
  private readonly locked = new Map<Address, bigint>();
  private readonly completed = new Map<Address, number>();

  constructor(p: Protocol, chain: Chain, nextTask: bigint) {
    this.p = p;
    this.chain = chain;
    this.nextTask = nextTask;
    this.expected = {
      tasks: 0,
      byStatus: { Open: 0, Claimed: 0, Completed: 0, Cancelled: 0, Refunded: 0 },
      volumeSubmitted: 0n,
      volumeCompleted: 0n,
      providers: p.wallets.providers.length,
      logs: 0,
    };
  }

  /** Registers the synthetic providers; tasks start at the latest block's time. */
  async init(options: HistoryOptions = {}): Promise<this> {
    const c = this.p.contracts;
    const latest = await this.p.publicClient.getBlock();
    this.time = Number(latest.timestamp);
    this.nextBlock = latest.number + 1n;
    this.providers = this.p.wallets.providers.map((w) => w.account.address);
    const extra = options.providers ?? 20;
    const out: Partial<Record<Source, Hex[]>> = {};
    for (let i = 0; i < extra; i++) {
      const address = `0x${keccak256(toHex(`eai-history-provider-${i}`)).slice(26)}` as Address;
      this.providers.push(address);
      (out.vault ??= []).push(
        record(c.vault.abi, "Staked", {
          provider: address,
          funder: address,
          amount: parseEther("50000"),
          newStake: parseEther("50000"),
        }),
      );
      (out.registry ??= []).push(
        record(c.providers.abi, "ProviderRegistered", {
          provider: address,
          resources: {
            vramMiB: 24_576,
            computeCapability: 89,
            cpuCores: 16,
            ramMiB: 65_536,
            storageGiB: 500,
            bandwidthMbps: 1000,
            benchmarkScore: 4000 + i * 100,
            region: i % 4,
          },
          benchmarkClass: 1,
          gpuModel: "RTX 4090",
          x25519PublicKey: keccak256(address),
          metadataURI: "",
        }),
      );
    }
    this.expected.providers += extra;
    await this.block(out);
    return this;
  }

  /** Adds `count` tasks over `days` UTC days (their life cycles complete within their day). */
  async tasks(count: number, days: number, options: HistoryOptions = {}): Promise<void> {
    const perBlock = options.perBlock ?? 100;
    const perDay = Math.ceil(count / days);
    let done = 0;
    for (let day = 0; day < days && done < count; day++) {
      // Start of the next UTC day, then blocks a few seconds apart.
      this.time = (Math.floor(this.time / 86_400) + 1) * 86_400 + 60;
      for (let inDay = 0; inDay < perDay && done < count; inDay += perBlock) {
        const n = Math.min(perBlock, perDay - inDay, count - done);
        const out: Partial<Record<Source, Hex[]>> = {};
        for (let i = 0; i < n; i++) this.task(out);
        done += n;
        await this.block(out);
      }
    }
  }

  /** Sends logs encoded with `record`, one transaction per contract, in one new block. */
  async emit(out: Partial<Record<Source, Hex[]>>): Promise<void> {
    await this.block(out);
  }

  /** The synthetic history's `n`-th provider (as the tasks draw them). */
  providerAt(n: number): Address {
    return this.provider(n);
  }

  /** One task: mostly ZK claimed and proven; some open, claimed, cancelled or REDUNDANT (2 of 3 agree). */
  private task(out: Partial<Record<Source, Hex[]>>): void {
    const c = this.p.contracts;
    const id = this.nextTask++;
    const n = Number(id);
    const kind =
      n % 20 === 0
        ? "open"
        : n % 20 === 1
          ? "claimed"
          : n % 20 === 2
            ? "cancelled"
            : n % 10 === 3
              ? "redundant"
              : "zk";
    const requester = this.p.wallets.requester.account.address;
    const reward = parseEther("1") + BigInt(n % 97) * 10n ** 16n;
    const bond = parseEther("1");
    const ts = this.time;
    const redundant = kind === "redundant";
    const spec = {
      requester,
      paymentToken: c.token.address,
      reward,
      bond,
      modelId: redundant ? this.p.onnxModel : this.p.zkModel,
      modelCreator: this.p.wallets.creator.account.address,
      verifier: redundant ? "0x0000000000000000000000000000000000000000" : this.p.verifier.address,
      modelCommitment: redundant ? 0xabcn : 0x1234n,
      createdAt: ts,
      createdBlock: this.nextBlock,
      priorityUntil: ts,
      deadline: ts + 86_400,
      execWindow: 3600,
      revealWindow: redundant ? 600 : 0,
      mode: redundant ? 1 : 0,
      redundancy: redundant ? 3 : 1,
      minTier: 1,
      minResources: {
        vramMiB: 0,
        computeCapability: 0,
        cpuCores: 0,
        ramMiB: 0,
        storageGiB: 0,
        bandwidthMbps: 0,
        benchmarkScore: 0,
        region: 0,
      },
      inputCommitment: BigInt(keccak256(toHex(n))) >> 8n,
      rated: true,
    } as const;
    const market = (name: string, args: Record<string, unknown>) =>
      (out.market ??= []).push(record(c.market.abi, name, { taskId: id, ...args }));
    const vault = (name: string, args: Record<string, unknown>) =>
      (out.vault ??= []).push(record(c.vault.abi, name, { market: c.market.address, ...args }));
    market("TaskSubmitted", { requester, modelId: spec.modelId, spec, inputURI: `eai://blob/sha256-${n}` });
    (out.token ??= []).push(
      record(c.token.abi, "Transfer", { from: requester, to: c.market.address, value: reward }),
    );
    this.expected.tasks++;
    this.expected.volumeSubmitted += reward;
    if (kind === "open") {
      this.expected.byStatus.Open++;
      return;
    }
    if (kind === "cancelled") {
      market("TaskCancelled", { requester, refund: reward });
      this.expected.byStatus.Cancelled++;
      return;
    }
    const claimants = redundant ? [0, 1, 2].map((k) => this.provider(n + k)) : [this.provider(n)];
    claimants.forEach((provider, k) => {
      const last = k === claimants.length - 1;
      market("TaskClaimed", {
        provider,
        operator: provider,
        bond,
        claims: k + 1,
        phaseDeadline: last ? ts + 3600 : 0,
      });
      vault("BondLocked", { provider, amount: bond, newLocked: this.lock(provider, bond) });
    });
    if (kind === "claimed") {
      this.expected.byStatus.Claimed++;
      return;
    }
    const providerBps = 8000n;
    const creatorFee = (reward * 500n) / 10_000n;
    const winners = redundant ? claimants.slice(0, 2) : claimants;
    const per = (reward * providerBps) / 10_000n / BigInt(winners.length);
    const treasuryFee = reward - per * BigInt(winners.length) - creatorFee;
    const result = keccak256(toHex(`result-${n}`));
    if (redundant) {
      claimants.forEach((provider, k) =>
        market("ResultCommitted", { provider, commitment: keccak256(toHex(`${n}-${k}`)), commits: k + 1 }),
      );
      claimants.forEach((provider, k) =>
        market("ResultRevealed", {
          provider,
          resultHash: k < 2 ? result : keccak256(toHex(`lie-${n}`)),
          resultURI: `eai://blob/out-${n}-${k}`,
          reveals: k + 1,
        }),
      );
    } else {
      market("ProofAccepted", { provider: claimants[0], output: BigInt(n % 10) });
    }
    for (const provider of winners) market("ProviderPaid", { provider, token: c.token.address, amount: per });
    market("TaskCompleted", {
      result,
      token: c.token.address,
      providerPayout: per * BigInt(winners.length),
      treasuryFee,
      creatorFee,
      winners: winners.length,
    });
    for (const provider of winners) {
      if (redundant) market("BondReturned", { provider, bond });
      vault("BondReleased", { provider, amount: bond, newLocked: this.lock(provider, -bond) });
      const completed = (this.completed.get(provider) ?? 0) + 1;
      this.completed.set(provider, completed);
      (out.reputation ??= []).push(
        record(c.reputation.abi, "ReputationUpdated", {
          provider,
          outcome: 0,
          trust: Math.min(9900, 5000 + completed),
          availability: Math.min(9900, 5000 + completed),
          tier: completed >= 50 ? 3 : completed >= 10 ? 2 : 1,
          completed,
          failed: 0,
          violations: 0,
        }),
      );
    }
    this.expected.byStatus.Completed++;
    this.expected.volumeCompleted += reward;
  }

  /**
   * Mines `blocks` empty blocks, so that the history lies behind ponder's finality window (30 blocks on a local
   * chain) and a fresh indexer backfills all of it in batches instead of block by block. (Not `hardhat_mine`: the
   * blocks it reserves change hash once materialised, which ponder takes for a reorganisation.)
   */
  async finalize(blocks = 40): Promise<void> {
    for (let i = 0; i < blocks; i++) {
      this.time += 12;
      await this.chain.rpc("evm_mine", [this.time]);
      this.nextBlock++;
    }
  }

  private provider(n: number): Address {
    const p = this.providers[n % this.providers.length];
    if (!p) throw new Error("no providers: call init() first");
    return p;
  }

  private lock(provider: Address, delta: bigint): bigint {
    const next = (this.locked.get(provider) ?? 0n) + delta;
    this.locked.set(provider, next);
    return next;
  }

  /** Sends each contract's logs in one transaction (split when large), all in one block, then mines it. */
  private async block(out: Partial<Record<Source, Hex[]>>): Promise<void> {
    const c = this.p.contracts;
    const address: Record<Source, Address> = {
      market: c.market.address,
      vault: c.vault.address,
      registry: c.providers.address,
      reputation: c.reputation.address,
      token: c.token.address,
    };
    const { deployer } = this.p.wallets;
    await this.chain.rpc("evm_setAutomine", [false]);
    let nonce = await this.p.publicClient.getTransactionCount({
      address: deployer.account.address,
      blockTag: "pending",
    });
    const sends: Promise<Hex>[] = [];
    for (const source of ["registry", "vault", "market", "token", "reputation"] as const) {
      const logs = out[source] ?? [];
      this.expected.logs += logs.length;
      // ~120 kB of calldata per transaction: ~4M gas (calldata floor price plus LOG costs), under the 16.7M cap.
      for (let i = 0; i < logs.length;) {
        let bytes = 0;
        let j = i;
        while (j < logs.length && (j === i || bytes < 120_000)) bytes += size(logs[j++] as Hex);
        const data = concatHex(logs.slice(i, j));
        i = j;
        sends.push(
          deployer.sendTransaction({
            to: address[source],
            data,
            gas: BigInt(Math.min(16_000_000, 200_000 + bytes * 45)),
            nonce: nonce++,
          }),
        );
      }
    }
    await Promise.all(sends);
    this.time += 12;
    await this.chain.rpc("evm_mine", [this.time]);
    this.nextBlock++;
    await this.chain.rpc("evm_setAutomine", [true]);
  }
}
