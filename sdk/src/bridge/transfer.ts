// Sending EAI over the bridge from an EVM chain and following a message to its destination (docs/SDK.md, "Bridge";
// the contracts and the daemons: docs/BRIDGE.md). From the hub: approve the vault, then `bridgeOut` (lock); from an
// EVM spoke: `bridgeOut` (burn). Every check that can be made before a transaction is made before it: the
// destination's recipient format, dust, the destination enabled on the source (and the source on the destination,
// when it is configured), the pause, the balance; a transfer above the outbound bucket is sent but reported queued.
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  formatEther,
  getAddress,
  http,
  parseEventLogs,
  recoverTypedDataAddress,
  type Account,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";

import { bridgeVaultAbi, eaiSpokeTokenAbi, eaiTokenAbi, spokeBridgeAbi } from "../generated/abis.ts";
import {
  BRIDGE_CHAIN_NAMES,
  bridgeChainKind,
  chainLabel,
  MAX_UINT64,
  type BridgeChainKind,
} from "./chains.ts";
import type { BridgeChainConfig, BridgeConfig } from "./config.ts";
import { BridgeRecipientError, describeRecipient, encodeRecipient } from "./recipient.ts";

/** 1e10 wei: the unit of the 8-decimal message amount. A smaller remainder (dust) is refused by the contracts. */
export const AMOUNT_UNIT = 10_000_000_000n;

export type BridgeSendErrorCode =
  | "unknown-chain"
  | "not-configured"
  | "same-chain"
  | "recipient"
  | "zero"
  | "dust"
  | "too-large"
  | "disabled"
  | "paused"
  | "balance";

/** A transfer refused before anything was sent; `code` says which check. */
export class BridgeSendError extends Error {
  override name = "BridgeSendError";
  readonly code: BridgeSendErrorCode;
  constructor(code: BridgeSendErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** The bridge's message (the event's struct; addresses as bytes32). */
export interface BridgeMessageFields {
  version: number;
  srcChain: bigint;
  dstChain: bigint;
  nonce: bigint;
  sender: Hex;
  recipient: Hex;
  amount8: bigint;
}

// The two EVM bridges share these functions and events (IBridgeBase); the vault's ABI serves both.
const bridgeAbi = bridgeVaultAbi;
void spokeBridgeAbi;

function chainNames(config: BridgeConfig): Map<bigint, string> {
  return new Map(config.chains.filter((c) => c.name).map((c) => [BigInt(c.chainId), c.name as string]));
}

/**
 * A chain id from an id or a name: a decimal id, a name of the config's chains, or a built-in name (hub, l2,
 * solana, solana-local, ton, ton-local, base, arbitrum…).
 */
export function resolveChain(config: BridgeConfig, chain: bigint | number | string): bigint {
  if (typeof chain === "bigint") return chain;
  if (typeof chain === "number") return BigInt(chain);
  const t = chain.trim();
  if (/^\d+$/.test(t)) return BigInt(t);
  const named = config.chains.find((c) => c.name === t);
  if (named) return BigInt(named.chainId);
  const builtIn = BRIDGE_CHAIN_NAMES[t.toLowerCase()];
  if (builtIn !== undefined) return builtIn;
  const names = [
    ...new Set([
      ...config.chains.flatMap((c) => (c.name ? [c.name] : [])),
      ...Object.keys(BRIDGE_CHAIN_NAMES),
    ]),
  ];
  throw new BridgeSendError(
    "unknown-chain",
    `unknown chain ${JSON.stringify(chain)}: give an id or one of ${names.join(", ")}`,
  );
}

function entry(config: BridgeConfig, chainId: bigint): BridgeChainConfig | undefined {
  return config.chains.find((c) => BigInt(c.chainId) === chainId);
}

const clients = new WeakMap<BridgeChainConfig, PublicClient>();
function clientOf(c: BridgeChainConfig, pollingIntervalMs: number): PublicClient {
  let client = clients.get(c);
  if (!client) {
    client = createPublicClient({
      chain: chainOf(c),
      transport: http(c.rpcUrl, { retryCount: 1 }),
      pollingInterval: pollingIntervalMs,
      // A cached block number could end a log scan before the block of a state just read.
      cacheTime: 0,
    }) as PublicClient;
    clients.set(c, client);
  }
  return client;
}
function chainOf(c: BridgeChainConfig) {
  return defineChain({
    id: c.chainId,
    name: c.name ?? `chain ${c.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [c.rpcUrl] } },
  });
}

/** One step of `bridgeSend` (progress callbacks). */
export interface BridgeSendProgress {
  step: "checked" | "warning" | "approving" | "approved" | "sending" | "sent";
  message: string;
  txHash?: Hex;
}

export interface BridgeSendOptions {
  config: BridgeConfig;
  /** The sender (a local account, or one the RPC node signs for). */
  account: Account;
  /** The source chain (id or name); default the config's hub. */
  fromChain?: bigint | number | string;
  toChain: bigint | number | string;
  /** The recipient as typed: an EVM address, a Solana public key (base58) or a TON address (friendly or raw). */
  to: string;
  /** Amount in wei (18 decimals): a nonzero multiple of 1e10. */
  amount: bigint;
  onProgress?: (p: BridgeSendProgress) => void;
  /** Receipt polling (ms); default 1000. */
  pollingIntervalMs?: number;
}

/** What the checks before sending found. */
export interface BridgeSendPlan {
  srcChain: bigint;
  dstChain: bigint;
  dstKind: BridgeChainKind;
  source: BridgeChainConfig;
  recipient: Hex;
  /** The recipient as its chain writes it. */
  recipientText: string;
  amount: bigint;
  amount8: bigint;
  token: Address;
  balance: bigint;
  /** The outbound bucket's room now (wei). */
  outboundAvailable: bigint;
  /** Over the outbound limit: the tokens are taken now and the message is emitted when the queue completes. */
  willQueue: boolean;
  /** Hub only: the vault's allowance is short. */
  needsApproval: boolean;
  warnings: string[];
}

/** The checks that need no chain: chains, recipient, amount. Throws BridgeSendError. */
export function checkBridgeSendLocally(
  options: Pick<BridgeSendOptions, "config" | "fromChain" | "toChain" | "to" | "amount">,
): {
  srcChain: bigint;
  dstChain: bigint;
  dstKind: BridgeChainKind;
  source: BridgeChainConfig;
  recipient: Hex;
  amount8: bigint;
} {
  const { config } = options;
  const hub = config.chains.find((c) => c.role === "hub");
  const srcChain =
    options.fromChain !== undefined
      ? resolveChain(config, options.fromChain)
      : hub
        ? BigInt(hub.chainId)
        : (() => {
            throw new BridgeSendError(
              "not-configured",
              "no hub chain in the bridge config: give the source chain",
            );
          })();
  const names = chainNames(config);
  const source = entry(config, srcChain);
  if (!source)
    throw new BridgeSendError(
      "not-configured",
      `${chainLabel(srcChain, names)} is not in the bridge config: sending needs its rpcUrl and bridge address`,
    );
  const dstChain = resolveChain(config, options.toChain);
  const dstKind = bridgeChainKind(dstChain);
  if (dstKind === undefined)
    throw new BridgeSendError("unknown-chain", `unknown destination chain ${dstChain}`);
  if (dstChain === srcChain)
    throw new BridgeSendError(
      "same-chain",
      `the destination is the source chain (${chainLabel(srcChain, names)})`,
    );
  let recipient: Hex;
  try {
    recipient = encodeRecipient(dstChain, options.to).recipient;
  } catch (err) {
    if (err instanceof BridgeRecipientError)
      throw new BridgeSendError("recipient", `recipient on ${chainLabel(dstChain, names)}: ${err.message}`);
    throw err;
  }
  const { amount } = options;
  if (amount <= 0n) throw new BridgeSendError("zero", "the amount must be more than 0 EAI");
  if (amount % AMOUNT_UNIT !== 0n) {
    const down = amount - (amount % AMOUNT_UNIT);
    throw new BridgeSendError(
      "dust",
      `${formatEther(amount)} EAI has more than 8 decimals: the bridge carries 8-decimal amounts and refuses dust ` +
        `(a remainder below 1e10 wei); send ${formatEther(down)} EAI${down === 0n ? " or more" : ""}`,
    );
  }
  const amount8 = amount / AMOUNT_UNIT;
  if (amount8 > MAX_UINT64)
    throw new BridgeSendError(
      "too-large",
      `${formatEther(amount)} EAI does not fit a bridge message (uint64 of 1e-8 EAI)`,
    );
  return { srcChain, dstChain, dstKind, source, recipient, amount8 };
}

/** Every check before sending (the chain's included); throws BridgeSendError, returns the plan and its warnings. */
export async function checkBridgeSend(options: BridgeSendOptions): Promise<BridgeSendPlan> {
  const local = checkBridgeSendLocally(options);
  const { config, amount, account } = options;
  const { srcChain, dstChain, source } = local;
  const names = chainNames(config);
  const client = clientOf(source, options.pollingIntervalMs ?? 1000);
  const bridge = source.bridge;
  const read = <T>(functionName: string, args: unknown[] = []) =>
    client.readContract({
      address: bridge,
      abi: bridgeAbi,
      functionName: functionName as never,
      args: args as never,
    }) as Promise<T>;
  const actual = await client.getChainId();
  if (BigInt(actual) !== srcChain)
    throw new BridgeSendError(
      "not-configured",
      `the RPC of ${chainLabel(srcChain, names)} (${source.rpcUrl}) serves chain ${actual}: check the bridge config`,
    );
  const [enabled, paused, limits, token] = await Promise.all([
    read<boolean>("chainEnabled", [dstChain]),
    read<boolean>("paused"),
    read<readonly [bigint, bigint]>("availableLimits", [dstChain]),
    read<Address>("token"),
  ]);
  if (!enabled)
    throw new BridgeSendError(
      "disabled",
      `${chainLabel(dstChain, names)} is not enabled on the ${source.role === "hub" ? "hub vault" : "spoke bridge"} of ` +
        `${chainLabel(srcChain, names)} (no limits set by governance): the transfer would revert`,
    );
  if (paused)
    throw new BridgeSendError(
      "paused",
      `the bridge of ${chainLabel(srcChain, names)} is paused: nothing can be sent until governance unpauses it`,
    );
  const warnings: string[] = [];
  const destination = entry(config, dstChain);
  if (destination) {
    try {
      const dc = clientOf(destination, options.pollingIntervalMs ?? 1000);
      const [srcEnabled, dstPaused] = await Promise.all([
        dc.readContract({
          address: destination.bridge,
          abi: bridgeAbi,
          functionName: "chainEnabled",
          args: [srcChain],
        }),
        dc.readContract({ address: destination.bridge, abi: bridgeAbi, functionName: "paused" }),
      ]);
      if (!srcEnabled)
        throw new BridgeSendError(
          "disabled",
          `${chainLabel(srcChain, names)} is not enabled on the bridge of ${chainLabel(dstChain, names)}: it would refuse the message`,
        );
      if (dstPaused)
        warnings.push(
          `the bridge of ${chainLabel(dstChain, names)} is paused: delivery waits for governance to unpause it`,
        );
    } catch (err) {
      if (err instanceof BridgeSendError) throw err;
      warnings.push(
        `could not read the destination bridge (${(err as Error).message.split("\n")[0]}): not checked`,
      );
    }
  }
  const tokenAbi = source.role === "hub" ? eaiTokenAbi : eaiSpokeTokenAbi;
  const [balance, allowance] = await Promise.all([
    client.readContract({
      address: token,
      abi: tokenAbi,
      functionName: "balanceOf",
      args: [account.address],
    }) as Promise<bigint>,
    source.role === "hub"
      ? (client.readContract({
          address: token,
          abi: tokenAbi,
          functionName: "allowance",
          args: [account.address, bridge],
        }) as Promise<bigint>)
      : Promise.resolve(amount),
  ]);
  if (balance < amount)
    throw new BridgeSendError(
      "balance",
      `${account.address} holds ${formatEther(balance)} EAI on ${chainLabel(srcChain, names)}, less than ${formatEther(amount)} EAI`,
    );
  const outboundAvailable = limits[1];
  const willQueue = amount > outboundAvailable;
  if (willQueue) {
    const delay = await read<bigint>("queueDelay");
    warnings.push(
      `${formatEther(amount)} EAI is over the outbound limit toward ${chainLabel(dstChain, names)} (${formatEther(outboundAvailable)} EAI ` +
        `available now): the tokens are taken now and the transfer is queued; anyone can complete it with ` +
        `completeQueued once the limit refills or after the queue delay (${delay} s)`,
    );
  }
  return {
    ...local,
    recipientText: describeRecipient(dstChain, local.recipient),
    amount,
    token,
    balance,
    outboundAvailable,
    willQueue,
    needsApproval: source.role === "hub" && allowance < amount,
    warnings,
  };
}

export interface BridgeSendResult {
  msgId: Hex;
  nonce: bigint;
  srcChain: bigint;
  dstChain: bigint;
  recipient: Hex;
  amount: bigint;
  /** The bridgeOut transaction. */
  txHash: Hex;
  block: bigint;
  /** The approval sent first (hub), if one was needed. */
  approveTxHash?: Hex;
  /** Over the outbound limit: the message is emitted when the queue completes. */
  queued: boolean;
  /** Queued: when anyone may complete it regardless of the bucket (unix seconds). */
  releasableAt?: number;
  message: BridgeMessageFields;
  warnings: string[];
}

/** Sends EAI from an EVM chain of the config (hub: approve + lock; spoke: burn). */
export async function bridgeSend(options: BridgeSendOptions): Promise<BridgeSendResult> {
  const plan = await checkBridgeSend(options);
  const say = options.onProgress ?? (() => {});
  const names = chainNames(options.config);
  say({
    step: "checked",
    message: `sending ${formatEther(plan.amount)} EAI from ${chainLabel(plan.srcChain, names)} to ${plan.recipientText} on ${chainLabel(plan.dstChain, names)}`,
  });
  for (const w of plan.warnings) say({ step: "warning", message: w });
  const client = clientOf(plan.source, options.pollingIntervalMs ?? 1000);
  const wallet = createWalletClient({
    account: options.account,
    chain: chainOf(plan.source),
    transport: http(plan.source.rpcUrl),
  });
  const mined = async (hash: Hex, what: string) => {
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`${what} reverted (transaction ${hash})`);
    return receipt;
  };
  let approveTxHash: Hex | undefined;
  if (plan.needsApproval) {
    say({
      step: "approving",
      message: `approving the vault ${plan.source.bridge} for ${formatEther(plan.amount)} EAI`,
    });
    const { request } = await client.simulateContract({
      account: options.account,
      address: plan.token,
      abi: eaiTokenAbi,
      functionName: "approve",
      args: [plan.source.bridge, plan.amount],
    });
    approveTxHash = await wallet.writeContract(request as never);
    await mined(approveTxHash, "approve");
    say({ step: "approved", message: "approved", txHash: approveTxHash });
  }
  say({ step: "sending", message: `bridgeOut on ${chainLabel(plan.srcChain, names)}` });
  const { request } = await client.simulateContract({
    account: options.account,
    address: plan.source.bridge,
    abi: bridgeAbi,
    functionName: "bridgeOut",
    args: [plan.dstChain, plan.recipient, plan.amount],
  });
  const txHash = await wallet.writeContract(request as never);
  const receipt = await mined(txHash, "bridgeOut");
  const logs = parseEventLogs({ abi: bridgeAbi, logs: receipt.logs }).filter(
    (l) => getAddress(l.address) === getAddress(plan.source.bridge),
  );
  const sent = logs.find((l) => l.eventName === "BridgeMessageSent");
  const queuedLog = logs.find((l) => l.eventName === "TransferQueued");
  let message: BridgeMessageFields;
  let msgId: Hex;
  let releasableAt: number | undefined;
  if (sent && sent.eventName === "BridgeMessageSent") {
    msgId = sent.args.msgId;
    message = { ...sent.args.message };
  } else if (queuedLog && queuedLog.eventName === "TransferQueued") {
    msgId = queuedLog.args.msgId;
    releasableAt = Number(queuedLog.args.releasableAt);
    const q = await client.readContract({
      address: plan.source.bridge,
      abi: bridgeAbi,
      functionName: "queued",
      args: [msgId],
      blockNumber: receipt.blockNumber,
    });
    message = { ...q.message };
  } else {
    throw new Error(`bridgeOut ${txHash} emitted neither BridgeMessageSent nor TransferQueued`);
  }
  const queued = !sent;
  say({
    step: "sent",
    message: `${queued ? "queued" : "sent"} message ${msgId} (nonce ${message.nonce}) in ${txHash}`,
    txHash,
  });
  return {
    msgId,
    nonce: message.nonce,
    srcChain: plan.srcChain,
    dstChain: plan.dstChain,
    recipient: plan.recipient,
    amount: plan.amount,
    txHash,
    block: receipt.blockNumber,
    ...(approveTxHash ? { approveTxHash } : {}),
    queued,
    ...(releasableAt !== undefined ? { releasableAt } : {}),
    message,
    warnings: plan.warnings,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Status

/**
 * Where a message is: not found on any configured chain; queued on its source (over the outbound limit, not yet
 * emitted); sent and waiting for signatures; signed by a threshold of validators (a relayer may submit it);
 * executed but queued on the destination (over the inbound limit); delivered; cancelled by governance while queued
 * on the destination; or sent toward a destination this config cannot read (Solana, TON, an unconfigured chain).
 */
export type BridgeMessageState =
  | "unknown"
  | "queued-at-source"
  | "sent"
  | "signed"
  | "queued-at-destination"
  | "delivered"
  | "cancelled"
  | "sent-unobservable";

export interface ValidatorReport {
  url: string;
  signer?: Address;
  signed: boolean;
  /** The signature recovers to its signer over the message in the destination's domain. */
  valid?: boolean;
  /** The signer is a member of the destination's current validator set. */
  member?: boolean;
  error?: string;
}

export interface BridgeStatus {
  msgId: Hex;
  state: BridgeMessageState;
  /** One sentence on the state and what comes next. */
  detail: string;
  srcChain?: bigint;
  dstChain?: bigint;
  message?: BridgeMessageFields;
  amount?: bigint;
  recipient?: string;
  source?: {
    chainId: bigint;
    txHash?: Hex;
    block?: bigint;
    confirmations?: bigint;
    /** Queued at the source: when anyone may complete it (unix seconds). */
    releasableAt?: number;
  };
  destination?: {
    chainId: bigint;
    configured: boolean;
    executed?: boolean;
    queued?: boolean;
    releasableAt?: number;
    txHash?: Hex;
    threshold?: number;
    validatorSet?: Address[];
  };
  /** With validator endpoints: how many valid member signatures were seen. */
  signatures?: { signed: number; threshold?: number; validators: ValidatorReport[] };
}

export interface BridgeStatusOptions {
  config: BridgeConfig;
  msgId: Hex;
  /** Validator signature endpoints (`GET /v1/signatures`); default the config's `validators`. */
  validators?: string[];
  /** Look on this source chain only. */
  srcChain?: bigint | number | string;
  pollingIntervalMs?: number;
  fetch?: typeof fetch;
}

async function scan<T>(
  c: BridgeChainConfig,
  client: PublicClient,
  find: (from: bigint, to: bigint) => Promise<T | undefined>,
  toBlock?: bigint,
): Promise<T | undefined> {
  const head = toBlock ?? (await client.getBlockNumber());
  const step = BigInt(c.maxBlockRange);
  // Newest first: a message being followed is usually recent.
  for (let to = head; to >= BigInt(c.fromBlock); to -= step) {
    const from = to - step + 1n > BigInt(c.fromBlock) ? to - step + 1n : BigInt(c.fromBlock);
    const found = await find(from, to);
    if (found !== undefined) return found;
    if (from === BigInt(c.fromBlock)) break;
  }
  return undefined;
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/;

/** Where the message `msgId` is: its source event, its destination's state and, optionally, validators' signatures. */
export async function bridgeStatus(options: BridgeStatusOptions): Promise<BridgeStatus> {
  const { config } = options;
  if (!HEX32.test(options.msgId))
    throw new TypeError(`message id: expected 0x + 64 hex digits, got ${JSON.stringify(options.msgId)}`);
  const msgId = options.msgId.toLowerCase() as Hex;
  const names = chainNames(config);
  const poll = options.pollingIntervalMs ?? 1000;
  const only = options.srcChain !== undefined ? resolveChain(config, options.srcChain) : undefined;
  const chains = config.chains.filter((c) => only === undefined || BigInt(c.chainId) === only);

  // 1. The source: an outbound transfer still queued, else its BridgeMessageSent event.
  let found:
    | {
        chain: BridgeChainConfig;
        message: BridgeMessageFields;
        queuedReleasableAt?: number;
        txHash?: Hex;
        block?: bigint;
        head: bigint;
      }
    | undefined;
  await Promise.all(
    chains.map(async (c) => {
      const client = clientOf(c, poll);
      const head = await client.getBlockNumber();
      const q = await client.readContract({
        address: c.bridge,
        abi: bridgeAbi,
        functionName: "queued",
        args: [msgId],
      });
      if (q.chain !== 0n && !q.inbound) {
        const delay = await client.readContract({
          address: c.bridge,
          abi: bridgeAbi,
          functionName: "queueDelay",
        });
        found = { chain: c, message: { ...q.message }, queuedReleasableAt: Number(q.queuedAt + delay), head };
        return;
      }
      const log = await scan(
        c,
        client,
        async (fromBlock, toBlock) => {
          const logs = await client.getContractEvents({
            address: c.bridge,
            abi: bridgeAbi,
            eventName: "BridgeMessageSent",
            args: { msgId },
            fromBlock,
            toBlock,
          });
          return logs[0];
        },
        head,
      );
      if (log?.args.message)
        found = {
          chain: c,
          message: { ...log.args.message },
          txHash: log.transactionHash,
          block: log.blockNumber,
          head,
        };
    }),
  );
  if (!found) {
    return {
      msgId,
      state: "unknown",
      detail: `no message ${msgId} was sent from ${chains.map((c) => chainLabel(BigInt(c.chainId), names)).join(", ") || "any configured chain"} (not found in their BridgeMessageSent events nor in their outbound queues)`,
    };
  }
  const src = found.chain;
  const message = found.message;
  const srcChain = BigInt(src.chainId);
  const dstChain = message.dstChain;
  const base: BridgeStatus = {
    msgId,
    state: "sent",
    detail: "",
    srcChain,
    dstChain,
    message,
    amount: message.amount8 * AMOUNT_UNIT,
    recipient: describeRecipient(dstChain, message.recipient),
    source: {
      chainId: srcChain,
      ...(found.txHash ? { txHash: found.txHash } : {}),
      ...(found.block !== undefined ? { block: found.block, confirmations: found.head - found.block } : {}),
      ...(found.queuedReleasableAt !== undefined ? { releasableAt: found.queuedReleasableAt } : {}),
    },
  };
  if (found.queuedReleasableAt !== undefined) {
    return {
      ...base,
      state: "queued-at-source",
      detail: `queued on ${chainLabel(srcChain, names)} (over the outbound limit): the tokens are taken; anyone may call completeQueued once the limit has room or from ${new Date(found.queuedReleasableAt * 1000).toISOString()}; validators sign it after that`,
      destination: { chainId: dstChain, configured: entry(config, dstChain) !== undefined },
    };
  }

  // 2. The destination.
  const dst = entry(config, dstChain);
  const status: BridgeStatus = { ...base, destination: { chainId: dstChain, configured: dst !== undefined } };
  let threshold: number | undefined;
  let members: Address[] | undefined;
  if (dst) {
    const client = clientOf(dst, poll);
    const read = <T>(functionName: string, args: unknown[] = []) =>
      client.readContract({
        address: dst.bridge,
        abi: bridgeAbi,
        functionName: functionName as never,
        args: args as never,
      }) as Promise<T>;
    const [executed, q, set, delay] = await Promise.all([
      read<boolean>("executed", [msgId]),
      read<{ chain: bigint; queuedAt: bigint; inbound: boolean }>("queued", [msgId]),
      read<readonly [bigint, readonly Address[], number]>("validatorSet"),
      read<bigint>("queueDelay"),
    ]);
    threshold = set[2];
    members = [...set[1]];
    const d: NonNullable<BridgeStatus["destination"]> = { chainId: dstChain, configured: true };
    status.destination = d;
    d.executed = executed;
    d.threshold = threshold;
    d.validatorSet = members;
    if (executed) {
      const received = await scan(dst, client, async (fromBlock, toBlock) => {
        const logs = await client.getContractEvents({
          address: dst.bridge,
          abi: bridgeAbi,
          eventName: "BridgeMessageReceived",
          args: { msgId },
          fromBlock,
          toBlock,
        });
        return logs[0];
      });
      if (received) d.txHash = received.transactionHash;
      if (q.chain !== 0n && q.inbound) {
        d.queued = true;
        d.releasableAt = Number(q.queuedAt + delay);
        status.state = "queued-at-destination";
        status.detail = `executed on ${chainLabel(dstChain, names)} but queued (over the inbound limit): anyone may call completeQueued once the limit has room or from ${new Date(d.releasableAt * 1000).toISOString()}`;
      } else if (received?.args.queued) {
        const cancelled = await scan(dst, client, async (fromBlock, toBlock) => {
          const logs = await client.getContractEvents({
            address: dst.bridge,
            abi: bridgeAbi,
            eventName: "QueuedInboundCancelled",
            args: { msgId },
            fromBlock,
            toBlock,
          });
          return logs[0];
        });
        d.queued = false;
        status.state = cancelled ? "cancelled" : "delivered";
        status.detail = cancelled
          ? `queued on ${chainLabel(dstChain, names)}, then cancelled by governance: nothing was paid`
          : `delivered on ${chainLabel(dstChain, names)} (after its queue)`;
      } else {
        d.queued = false;
        status.state = "delivered";
        status.detail = `delivered: ${chainLabel(dstChain, names)} executed it${d.txHash ? ` in ${d.txHash}` : ""}`;
      }
    }
  }

  // 3. The validators' signatures.
  const urls = options.validators ?? config.validators ?? [];
  if (urls.length > 0) {
    const reports = await Promise.all(
      urls.map((url) => validatorReport(url, msgId, message, dst, members, options.fetch ?? fetch)),
    );
    const signers = new Set(
      reports.filter((r) => r.signed && r.valid !== false && r.member !== false).map((r) => r.signer),
    );
    status.signatures = {
      signed: signers.size,
      ...(threshold !== undefined ? { threshold } : {}),
      validators: reports,
    };
  }
  if (status.state === "sent") {
    if (!dst) {
      status.state = "sent-unobservable";
      status.detail = `sent from ${chainLabel(srcChain, names)}; ${chainLabel(dstChain, names)} is not an EVM chain of the bridge config, so its delivery is not read here`;
    } else if (status.signatures && threshold !== undefined && status.signatures.signed >= threshold) {
      status.state = "signed";
      status.detail = `signed by ${status.signatures.signed} of the ${threshold} validators needed: waiting for a relayer to submit it to ${chainLabel(dstChain, names)}`;
    } else {
      status.detail = `sent from ${chainLabel(srcChain, names)} (${base.source?.confirmations ?? 0n} confirmations); not executed on ${chainLabel(dstChain, names)} yet${status.signatures ? `: ${status.signatures.signed} of ${threshold ?? "?"} signatures` : ""}`;
    }
  }
  return status;
}

const MESSAGE_TYPES = {
  BridgeMessage: [
    { name: "version", type: "uint8" },
    { name: "srcChain", type: "uint64" },
    { name: "dstChain", type: "uint64" },
    { name: "nonce", type: "uint64" },
    { name: "sender", type: "bytes32" },
    { name: "recipient", type: "bytes32" },
    { name: "amount8", type: "uint64" },
  ],
} as const;

interface ServedAttestation {
  seq?: number;
  kind?: string;
  msgId?: string;
  signer?: string;
  signature?: string;
  domain?: { chainId?: string; verifyingContract?: string };
}

/** Pages through one validator's `/v1/signatures` for the `bridgeIn` signature of `msgId`. */
async function validatorReport(
  url: string,
  msgId: Hex,
  message: BridgeMessageFields,
  dst: BridgeChainConfig | undefined,
  members: Address[] | undefined,
  fetchFn: typeof fetch,
): Promise<ValidatorReport> {
  const base = url.replace(/\/+$/, "");
  let after = 0;
  let signer: Address | undefined;
  try {
    for (let page = 0; page < 10_000; page++) {
      const res = await fetchFn(`${base}/v1/signatures?after=${after}&limit=1000`, {
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) return { url, signed: false, error: `HTTP ${res.status}` };
      const body = (await res.json()) as {
        signer?: string;
        attestations?: ServedAttestation[];
        next?: number;
      };
      if (body.signer && /^0x[0-9a-fA-F]{40}$/.test(body.signer)) signer = getAddress(body.signer);
      const list = Array.isArray(body.attestations) ? body.attestations : [];
      const mine = list.find((a) => a.kind === "bridgeIn" && a.msgId?.toLowerCase() === msgId);
      if (mine) {
        const claimed =
          mine.signer && /^0x[0-9a-fA-F]{40}$/.test(mine.signer) ? getAddress(mine.signer) : signer;
        const report: ValidatorReport = { url, signed: true, ...(claimed ? { signer: claimed } : {}) };
        if (dst && mine.signature && /^0x[0-9a-fA-F]{130}$/.test(mine.signature)) {
          const recovered = await recoverTypedDataAddress({
            domain: {
              name: "EAI Bridge",
              version: "1",
              chainId: BigInt(dst.chainId),
              verifyingContract: dst.bridge,
            },
            types: MESSAGE_TYPES,
            primaryType: "BridgeMessage",
            message: { ...message, version: message.version },
            signature: mine.signature as Hex,
          }).catch(() => undefined);
          report.valid = recovered !== undefined && (claimed === undefined || recovered === claimed);
          if (recovered) report.signer = recovered;
          if (members && recovered) report.member = members.includes(recovered);
        } else if (dst) {
          report.valid = false;
        }
        return report;
      }
      const next = typeof body.next === "number" ? body.next : after;
      if (list.length === 0 || next <= after) break;
      after = next;
    }
    return { url, signed: false, ...(signer ? { signer } : {}) };
  } catch (err) {
    return {
      url,
      signed: false,
      ...(signer ? { signer } : {}),
      error: (err as Error).message.split("\n")[0] ?? "failed",
    };
  }
}

export interface WaitForDeliveryOptions extends BridgeStatusOptions {
  /** Called after every poll; `changed` when the state differs from the last poll's. */
  onProgress?: (status: BridgeStatus, changed: boolean) => void;
  /** Poll interval (ms); default 2000. */
  intervalMs?: number;
  /** Give up after this long (ms); default 10 minutes. */
  timeoutMs?: number;
  /** Also wait through a destination queue (default false: an executed-but-queued message ends the wait). */
  untilReleased?: boolean;
}

export class BridgeTimeoutError extends Error {
  override name = "BridgeTimeoutError";
  readonly last: BridgeStatus;
  constructor(message: string, last: BridgeStatus) {
    super(message);
    this.last = last;
  }
}

const FINAL: ReadonlySet<BridgeMessageState> = new Set(["delivered", "cancelled"]);

/** Polls `bridgeStatus` until the message is executed on its destination (delivered, or queued there). */
export async function waitForDelivery(options: WaitForDeliveryOptions): Promise<BridgeStatus> {
  const interval = options.intervalMs ?? 2000;
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  let last: BridgeStatus | undefined;
  for (;;) {
    const status = await bridgeStatus(options);
    const changed = status.state !== last?.state || status.signatures?.signed !== last?.signatures?.signed;
    options.onProgress?.(status, changed);
    last = status;
    if (FINAL.has(status.state)) return status;
    if (status.state === "queued-at-destination" && !options.untilReleased) return status;
    if (status.state === "sent-unobservable") return status;
    if (Date.now() > deadline)
      throw new BridgeTimeoutError(
        `timed out waiting for ${options.msgId}: it is ${status.state} (${status.detail})`,
        status,
      );
    await new Promise((r) => setTimeout(r, interval));
  }
}
