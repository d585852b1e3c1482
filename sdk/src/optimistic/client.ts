/**
 * OPTIMISTIC tasks and their disputes (contracts/optimistic/, docs/PROTOCOL.md "OPTIMISTIC mode, disputes and
 * audits"): post a task (input uploaded, reward approved), read it in plain terms, wait for its outcome, challenge
 * it (the bond approved to the market, eligibility checked before anything is signed), settle it, withdraw credits
 * from both contracts, and read or follow a dispute event by event until its verdict.
 */
import {
  createPublicClient,
  createWalletClient,
  parseEventLogs,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from "viem";
import { z } from "zod";

import { EaiError, decodeEaiError } from "../client/errors.ts";
import { formatEai, formatTime } from "../client/explain.ts";
import type { Deployment } from "../deployments.ts";
import {
  disputeManagerAbi,
  eaiTokenAbi,
  modelRegistryAbi,
  optimisticMarketAbi,
  providerRegistryAbi,
  reputationAbi,
} from "../generated/abis.ts";
import { httpStorage, sha256Hex, type BlobStorage } from "../storage/index.ts";
import { formatIssues } from "../zod-errors.ts";
import {
  FINAL_STATUSES,
  auditStateName,
  auditWords,
  optimisticStatusName,
  taskPhase,
  verdictName,
  type AuditStateName,
  type OptimisticStatus,
  type VerdictName,
} from "./names.ts";

export interface OptimisticClientConfig {
  chain?: Chain;
  transport?: Transport;
  /** Or an existing viem public client (e.g. an EaiClient's `publicClient`). */
  publicClient?: PublicClient;
  /** Signer: a local account or an address the node unlocks (with `transport`). */
  account?: Account | Address;
  /** Or an existing wallet client with an account (e.g. an EaiClient's `walletClient`). */
  walletClient?: WalletClient;
  deployment: Deployment;
  /** Blob store base URL for uploading inputs (unless `storage` is given). */
  blobStoreUrl?: string;
  /** Blob storage for inputs; takes precedence over `blobStoreUrl`. The caller closes it. */
  storage?: BlobStorage;
}

/** The two OPTIMISTIC contracts of a deployment, or a clear error for records that predate them. */
export function optimisticAddresses(deployment: Deployment): {
  market: Address;
  disputes: Address;
  marketStartBlock: number;
  disputesStartBlock: number;
} {
  const market = deployment.contracts.OptimisticMarket;
  const disputes = deployment.contracts.DisputeManager;
  const missing = [market ? undefined : "OptimisticMarket", disputes ? undefined : "DisputeManager"].filter(
    Boolean,
  );
  if (!market || !disputes) {
    throw new EaiError(
      "not-found",
      `the deployment of chain ${deployment.chainId} (deployed ${deployment.deployedAt}) has no ${missing.join(
        " or ",
      )}: it predates OPTIMISTIC tasks; redeploy (npm run deploy) or deploy them next to it (deploy/optimistic.ts)`,
    );
  }
  return {
    market: market.address,
    disputes: disputes.address,
    marketStartBlock: market.startBlock,
    disputesStartBlock: disputes.startBlock,
  };
}

export interface PostTaskParams {
  /** An active model (ONNX or WASM: the provider re-runs it, a jury re-executes it). */
  model: bigint | number;
  /** The raw input bytes, uploaded to the blob store; the commitment is their sha256. */
  input: Uint8Array;
  /** Reward in EAI wei (escrowed by the market). */
  reward: bigint;
  /** Unix seconds by which a result must be committed (default: latest block + 1 day; at most 30 days). */
  deadline?: number;
  /** Lowest provider tier 1..3 (default 1). */
  minTier?: number;
}

export interface PostedTask {
  taskId: bigint;
  inputURI: string;
  inputCommitment: Hex;
  deadline: number;
  reward: bigint;
  txHash: Hex;
}

export interface OptimisticTask {
  taskId: bigint;
  status: OptimisticStatus;
  /** One sentence on where the task stands and what may happen next. */
  phase: string;
  requester: Address;
  provider: Address | null;
  modelId: bigint;
  reward: bigint;
  /** The provider's bond (0 before a claim). */
  bond: bigint;
  /** What a challenge costs now (the challenger's bond). */
  challengeBond: bigint;
  deadline: number;
  minTier: number;
  createdAt: number;
  inputCommitment: Hex;
  inputURI: string | null;
  result: { hash: Hex; uri: string | null } | null;
  /** Last second a challenge is accepted (0 before a result). */
  challengeEnds: number;
  /** Block of the commit (0 before a result); the audit draw reads the hash of the block after it. */
  commitBlock: bigint;
  /** Whether a challenge is accepted at the chain's latest time. */
  challengeOpen: boolean;
  audit: { state: AuditStateName; words: string; deadline: number; auditor: Address | null };
  /** The dispute opened by a challenge (null when none). */
  disputeId: bigint | null;
  chainTime: number;
}

export type ChallengeCheck =
  | { ok: true; bond: bigint; byAuditor: boolean; challenger: Address }
  | { ok: false; reason: string; bond: bigint };

export interface ChallengeResult {
  taskId: bigint;
  disputeId: bigint;
  bond: bigint;
  byAuditor: boolean;
  txHash: Hex;
}

export interface SettleOutcome {
  taskId: bigint;
  txHash: Hex;
  status: OptimisticStatus;
  audit: AuditStateName;
  /** What happened in words (a drawn audit delays the settlement without a revert). */
  note: string;
}

export interface WithdrawOutcome {
  account: Address;
  market: { amount: bigint; txHash: Hex } | null;
  disputes: { amount: bigint; txHash: Hex } | null;
  amount: bigint;
}

export interface WaitOutcomeOptions {
  timeoutMs?: number;
  pollMs?: number;
  /** Calls settle once the challenge window (and a drawn audit) is over (needs an account). */
  settle?: boolean;
  onProgress?: (task: OptimisticTask, changed: boolean) => void;
  signal?: AbortSignal;
}

export interface JurorView {
  juror: Address;
  /** Draws (votes) it holds. */
  votes: number;
  committed: boolean;
  /** Its revealed result hash (null before the reveal). */
  result: Hex | null;
}

export interface DisputeRound {
  round: number;
  roundStart: number;
  seedBlock: bigint;
  jurors: JurorView[];
  failed: boolean;
}

export interface DisputeInfo {
  disputeId: bigint;
  taskId: bigint;
  open: boolean;
  byAuditor: boolean;
  provider: Address;
  challenger: Address;
  requester: Address;
  providerBond: bigint;
  challengeBond: bigint;
  providerResult: Hex;
  /** The current (or, once decided, last) round, 0-based. */
  round: number;
  maxRounds: number;
  jurySize: number;
  drawsTaken: number;
  members: number;
  commits: number;
  reveals: number;
  roundStart: number;
  /** Seats and commits end; reveals start (earlier once every draw is taken and committed). */
  voteEnds: number;
  /** Reveals end; anyone may resolve after (earlier once every draw is revealed). */
  revealEnds: number;
  rounds: DisputeRound[];
  verdict: {
    verdict: VerdictName;
    majorityResult: Hex | null;
    toWinner: bigint;
    toJurors: bigint;
    toTreasury: bigint;
    txHash: Hex;
  } | null;
  /** One sentence on where the dispute stands. */
  phase: string;
  chainTime: number;
}

/** One dispute event, decoded, in chain order. */
export type DisputeEvent = {
  disputeId: bigint;
  blockNumber: bigint;
  logIndex: number;
  txHash: Hex;
} & (
  | { kind: "opened"; taskId: bigint; challenger: Address; challengeBond: bigint; providerBond: bigint }
  | { kind: "round-started"; round: number; seedBlock: bigint; roundStart: number }
  | { kind: "seat-taken"; round: number; juror: Address; draw: number; votes: number }
  | { kind: "vote-committed"; round: number; juror: Address; commitment: Hex }
  | { kind: "vote-revealed"; round: number; juror: Address; result: Hex }
  | { kind: "juror-penalized"; round: number; juror: Address; amount: bigint; revealed: boolean }
  | { kind: "round-failed"; round: number }
  | {
      kind: "resolved";
      taskId: bigint;
      verdict: VerdictName;
      majorityResult: Hex | null;
      toWinner: bigint;
      toJurors: bigint;
      toTreasury: bigint;
    }
  | { kind: "credited"; account: Address; amount: bigint }
);

export interface FollowOptions {
  onEvent?: (event: DisputeEvent) => void;
  pollMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const ZERO = "0x0000000000000000000000000000000000000000";
const ZERO32 = `0x${"0".repeat(64)}` as Hex;
const BPS = 10_000n;

const idSchema = z.union([z.bigint().min(1n), z.number().int().min(1)], {
  error: "expected an id ≥ 1",
});
const postSchema = z.object({
  model: idSchema,
  input: z
    .instanceof(Uint8Array, { message: "expected the input bytes (Uint8Array)" })
    .refine((b) => b.length > 0, {
      message: "the input is empty",
    }),
  reward: z
    .bigint({ error: "expected an amount in wei (bigint)" })
    .min(1n, "expected more than 0")
    .max(2n ** 96n - 1n, "above the largest reward (uint96)"),
  deadline: z
    .number()
    .int()
    .positive()
    .max(2 ** 40 - 1)
    .optional(),
  minTier: z.number().int().min(1).max(3, "expected 1, 2 or 3").optional(),
});

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new EaiError("invalid-argument", `${what}: ${formatIssues(r.error.issues)}`);
  return r.data;
}

function taskIdArg(taskId: unknown, what: string): bigint {
  return BigInt(parseOrThrow(idSchema, taskId, `${what}: taskId`));
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(new EaiError("timeout", "aborted"));
    });
  });

export function createOptimisticClient(config: OptimisticClientConfig) {
  const { deployment } = config;
  const addrs = optimisticAddresses(deployment);
  const token = deployment.contracts.EAIToken.address;
  const providers = deployment.contracts.ProviderRegistry.address;
  const reputation = deployment.contracts.Reputation.address;
  const models = deployment.contracts.ModelRegistry.address;
  const publicClient: PublicClient =
    config.publicClient ??
    (() => {
      if (!config.transport)
        throw new EaiError("invalid-argument", "createOptimisticClient: give publicClient or transport");
      return createPublicClient({ chain: config.chain, transport: config.transport });
    })();
  const walletClient: WalletClient | undefined =
    config.walletClient ??
    (config.account && config.transport
      ? createWalletClient({ chain: config.chain, transport: config.transport, account: config.account })
      : undefined);

  function signer(): { wallet: WalletClient; account: Account } {
    if (!walletClient?.account)
      throw new EaiError(
        "no-account",
        "this call sends a transaction: create the client with an account (the eai CLI: EAI_PRIVATE_KEY or --key)",
      );
    return { wallet: walletClient, account: walletClient.account };
  }

  async function read<T>(label: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw decodeEaiError(err, label);
    }
  }

  /** Simulates (reverts decoded before signing), sends, waits for the receipt. */
  async function send(
    label: string,
    call: { address: Address; abi: Abi; functionName: string; args?: readonly unknown[] },
  ): Promise<TransactionReceipt> {
    const { wallet, account } = signer();
    try {
      const { request } = await publicClient.simulateContract({
        ...call,
        account,
        chain: wallet.chain,
      } as Parameters<typeof publicClient.simulateContract>[0]);
      const hash = await wallet.writeContract(request as Parameters<typeof wallet.writeContract>[0]);
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success")
        throw new EaiError("reverted", `${label}: transaction ${hash} reverted`);
      return receipt;
    } catch (err) {
      throw decodeEaiError(err, label);
    }
  }

  async function chainTime(): Promise<number> {
    return Number((await publicClient.getBlock({ blockTag: "latest" })).timestamp);
  }

  async function ensureAllowance(spender: Address, amount: bigint): Promise<void> {
    const owner = signer().account.address;
    const [allowance, balance] = await read("EAIToken", () =>
      Promise.all([
        publicClient.readContract({
          address: token,
          abi: eaiTokenAbi,
          functionName: "allowance",
          args: [owner, spender],
        }),
        publicClient.readContract({
          address: token,
          abi: eaiTokenAbi,
          functionName: "balanceOf",
          args: [owner],
        }),
      ]),
    );
    if (balance < amount)
      throw new EaiError(
        "invalid-argument",
        `${owner} holds ${formatEai(balance)}, needs ${formatEai(amount)}`,
      );
    if (allowance >= amount) return;
    await send("EAIToken.approve", {
      address: token,
      abi: eaiTokenAbi,
      functionName: "approve",
      args: [spender, amount],
    });
  }

  const marketRead = <T>(functionName: string, args: readonly unknown[]) =>
    read(`OptimisticMarket.${functionName}`, () =>
      publicClient.readContract({
        address: addrs.market,
        abi: optimisticMarketAbi,
        functionName,
        args,
      } as never),
    ) as Promise<T>;

  // ----------------------------------------------------------------------------------------------- requester

  async function postTask(params: PostTaskParams): Promise<PostedTask> {
    const p = parseOrThrow(postSchema, params, "postTask");
    const storage = config.storage ?? (config.blobStoreUrl ? httpStorage(config.blobStoreUrl) : undefined);
    if (!storage)
      throw new EaiError(
        "no-blob-store",
        "postTask: blobStoreUrl is not configured (the eai CLI: EAI_BLOB_STORE_URL or --blob-store)",
      );
    signer();
    const modelId = BigInt(p.model);
    const model = await read("ModelRegistry.modelForTask", () =>
      publicClient.readContract({
        address: models,
        abi: modelRegistryAbi,
        functionName: "modelForTask",
        args: [modelId],
      }),
    );
    if (!model.active) throw new EaiError("invalid-argument", `postTask: model ${modelId} is inactive`);
    const now = await chainTime();
    const deadline = p.deadline ?? now + 86_400;
    if (deadline <= now || deadline > now + 30 * 86_400)
      throw new EaiError(
        "invalid-argument",
        `postTask: deadline: ${formatTime(deadline, now)} is outside the next 30 days of chain time`,
      );
    const stored = await storage.upload(p.input);
    const inputCommitment = `0x${sha256Hex(p.input)}` as Hex;
    await ensureAllowance(addrs.market, p.reward);
    const receipt = await send("OptimisticMarket.postTask", {
      address: addrs.market,
      abi: optimisticMarketAbi,
      functionName: "postTask",
      args: [modelId, inputCommitment, stored.uri, p.reward, deadline, p.minTier ?? 1],
    });
    const [event] = parseEventLogs({
      abi: optimisticMarketAbi,
      logs: receipt.logs,
      eventName: "TaskPosted",
    }).filter((e) => e.address.toLowerCase() === addrs.market.toLowerCase());
    if (!event) throw new EaiError("not-found", `TaskPosted not emitted by ${receipt.transactionHash}`);
    return {
      taskId: event.args.taskId,
      inputURI: event.args.inputURI,
      inputCommitment,
      deadline,
      reward: p.reward,
      txHash: receipt.transactionHash,
    };
  }

  async function taskLogs(taskId: bigint) {
    const fromBlock = BigInt(addrs.marketStartBlock);
    const [posted, results, challenges] = await read("OptimisticMarket events", () =>
      Promise.all([
        publicClient.getContractEvents({
          address: addrs.market,
          abi: optimisticMarketAbi,
          eventName: "TaskPosted",
          args: { taskId },
          fromBlock,
          strict: true,
        }),
        publicClient.getContractEvents({
          address: addrs.market,
          abi: optimisticMarketAbi,
          eventName: "ResultPosted",
          args: { taskId },
          fromBlock,
          strict: true,
        }),
        publicClient.getContractEvents({
          address: addrs.market,
          abi: optimisticMarketAbi,
          eventName: "TaskChallenged",
          args: { taskId },
          fromBlock,
          strict: true,
        }),
      ]),
    );
    return { posted: posted.at(-1), result: results.at(-1), challenge: challenges.at(-1) };
  }

  /** A task with its status, result, challenge window and audit in plain terms. */
  async function getTask(taskId: bigint | number): Promise<OptimisticTask> {
    const id = taskIdArg(taskId, "getTask");
    const [t, p, now] = await Promise.all([
      read("OptimisticMarket.getTask", () =>
        publicClient.readContract({
          address: addrs.market,
          abi: optimisticMarketAbi,
          functionName: "getTask",
          args: [id],
        }),
      ),
      read("OptimisticMarket.params", () =>
        publicClient.readContract({
          address: addrs.market,
          abi: optimisticMarketAbi,
          functionName: "params",
        }),
      ),
      chainTime(),
    ]);
    const status = optimisticStatusName(t.status);
    if (status === "None") throw new EaiError("not-found", `OPTIMISTIC task ${id} does not exist`);
    const logs = await taskLogs(id);
    const bond = t.bond !== 0n ? t.bond : await marketRead<bigint>("bondFor", [t.reward]);
    const c = (bond * BigInt(p.challengeBondBps)) / BPS;
    const audit = auditStateName(t.audit);
    const provider = t.provider === ZERO ? null : t.provider;
    const base = {
      status,
      deadline: Number(t.deadline),
      challengeEnds: Number(t.challengeEnds),
      provider,
      audit: { state: audit, deadline: Number(t.auditDeadline) },
      disputeId: logs.challenge?.args.disputeId ?? null,
    };
    return {
      taskId: id,
      status,
      phase: taskPhase(base, now),
      requester: t.requester,
      provider,
      modelId: t.modelId,
      reward: t.reward,
      bond: t.bond,
      challengeBond: c === 0n ? 1n : c,
      deadline: base.deadline,
      minTier: t.minTier,
      createdAt: Number(t.createdAt),
      inputCommitment: t.inputCommitment,
      inputURI: logs.posted?.args.inputURI ?? null,
      result:
        t.resultHash === ZERO32 ? null : { hash: t.resultHash, uri: logs.result?.args.resultURI ?? null },
      challengeEnds: base.challengeEnds,
      commitBlock: BigInt(t.commitBlock),
      challengeOpen: status === "Committed" && now < base.challengeEnds,
      audit: {
        state: audit,
        words: auditWords(audit, base.audit.deadline, now),
        deadline: base.audit.deadline,
        auditor: t.auditor === ZERO ? null : t.auditor,
      },
      disputeId: base.disputeId,
      chainTime: now,
    };
  }

  /**
   * Whether `account` (default: the signer) may challenge the task now, and the bond it would pay; the reasons
   * mirror OptimisticMarket.challenge (status, window, self-challenge, eligibility and tier, balance).
   */
  async function canChallenge(taskId: bigint | number, account?: Address): Promise<ChallengeCheck> {
    const task = await getTask(taskId);
    const who = account ?? signer().account.address;
    const bond = task.challengeBond;
    const no = (reason: string): ChallengeCheck => ({ ok: false, reason, bond });
    if (task.status !== "Committed") {
      const hint =
        task.status === "Challenged"
          ? `: it is already challenged (dispute ${task.disputeId})`
          : task.status === "Open" || task.status === "Claimed"
            ? ": no result has been posted yet"
            : `: it is closed (${task.phase})`;
      return no(`task ${task.taskId} is ${task.status}, not Committed${hint}`);
    }
    const owner = await read("ProviderRegistry.resolveProvider", () =>
      publicClient.readContract({
        address: providers,
        abi: providerRegistryAbi,
        functionName: "resolveProvider",
        args: [who],
      }),
    );
    const byAuditor = task.audit.state === "Taken" && owner !== ZERO && owner === task.audit.auditor;
    // The next block's timestamp is later than the latest one: a window ending now is closed for a new transaction.
    if (byAuditor) {
      if (task.chainTime >= task.audit.deadline)
        return no(`task ${task.taskId}: the audit ended ${formatTime(task.audit.deadline, task.chainTime)}`);
    } else {
      if (task.chainTime >= task.challengeEnds)
        return no(
          `task ${task.taskId}: the challenge window closed ${formatTime(task.challengeEnds, task.chainTime)}`,
        );
      if (owner === task.provider)
        return no(
          `${who} acts for the task's provider ${task.provider}: a provider may not challenge its own result`,
        );
      if (who.toLowerCase() !== task.requester.toLowerCase()) {
        if (owner === ZERO)
          return no(
            `${who} may not challenge task ${task.taskId}: only its requester or a registered, staked provider may`,
          );
        const [[active], [tier, eligible], p] = await read("challenger standing", () =>
          Promise.all([
            publicClient.readContract({
              address: providers,
              abi: providerRegistryAbi,
              functionName: "eligibilityOf",
              args: [owner],
            }),
            publicClient.readContract({
              address: reputation,
              abi: reputationAbi,
              functionName: "standingOf",
              args: [owner],
            }),
            publicClient.readContract({
              address: addrs.market,
              abi: optimisticMarketAbi,
              functionName: "params",
            }),
          ]),
        );
        if (!active || !eligible)
          return no(`${who} may not challenge: provider ${owner} is inactive, suspended or banned`);
        if (tier < p.minChallengerTier)
          return no(
            `${who} may not challenge: provider ${owner} is tier ${tier}, challengers need tier ${p.minChallengerTier}`,
          );
      }
    }
    const balance = await read("EAIToken.balanceOf", () =>
      publicClient.readContract({ address: token, abi: eaiTokenAbi, functionName: "balanceOf", args: [who] }),
    );
    if (balance < bond)
      return no(`${who} holds ${formatEai(balance)}, the challenge bond is ${formatEai(bond)}`);
    return { ok: true, bond, byAuditor, challenger: who };
  }

  /**
   * Challenges a committed result: checks {@link canChallenge} (a clear error before anything is signed), approves
   * the bond to the market (it pulls the bond into the dispute manager) and opens the dispute.
   */
  async function challenge(taskId: bigint | number): Promise<ChallengeResult> {
    const id = taskIdArg(taskId, "challenge");
    const check = await canChallenge(id);
    if (!check.ok) throw new EaiError("invalid-argument", `challenge: ${check.reason}`);
    await ensureAllowance(addrs.market, check.bond);
    const receipt = await send("OptimisticMarket.challenge", {
      address: addrs.market,
      abi: optimisticMarketAbi,
      functionName: "challenge",
      args: [id],
    });
    const [event] = parseEventLogs({
      abi: optimisticMarketAbi,
      logs: receipt.logs,
      eventName: "TaskChallenged",
    });
    if (!event) throw new EaiError("not-found", `TaskChallenged not emitted by ${receipt.transactionHash}`);
    return {
      taskId: id,
      disputeId: event.args.disputeId,
      bond: event.args.challengeBond,
      byAuditor: event.args.byAuditor,
      txHash: receipt.transactionHash,
    };
  }

  /**
   * Settles a task after its challenge window (or refunds an expired Open/Claimed one). The first settle may draw
   * an audit instead: the task then stays Committed until the audit ends (see `note`).
   */
  async function settle(taskId: bigint | number): Promise<SettleOutcome> {
    const id = taskIdArg(taskId, "settle");
    const before = await getTask(id);
    if (before.status === "Committed" && before.chainTime < before.challengeEnds)
      throw new EaiError(
        "invalid-argument",
        `settle: task ${id}: the challenge window is open until ${formatTime(before.challengeEnds, before.chainTime)}`,
      );
    if (before.status === "Committed" && before.audit.state === "Undrawn")
      await awaitSeedBlock(id, before.commitBlock + 1n);
    const receipt = await send("OptimisticMarket.settle", {
      address: addrs.market,
      abi: optimisticMarketAbi,
      functionName: "settle",
      args: [id],
    });
    const after = await getTask(id);
    const note =
      after.status === "Committed"
        ? `the audit draw selected task ${id}: it settles after the audit, from ${formatTime(after.audit.deadline + 1, after.chainTime)}`
        : after.phase;
    return {
      taskId: id,
      txHash: receipt.transactionHash,
      status: after.status,
      audit: after.audit.state,
      note,
    };
  }

  /**
   * Settling reads the audit draw from the hash of the block after the commit: waits (up to 30 s) until a block
   * after it is mined, so that the settlement does not revert with OptimisticDrawPending.
   */
  async function awaitSeedBlock(taskId: bigint, seedBlock: bigint): Promise<void> {
    const until = Date.now() + 30_000;
    for (;;) {
      const head = await publicClient.getBlockNumber({ cacheTime: 0 });
      if (head > seedBlock) return;
      if (Date.now() >= until)
        throw new EaiError(
          "timeout",
          `settle: task ${taskId}: its audit draw reads block ${seedBlock}, not mined yet (latest ${head}); try again in a block`,
        );
      await sleep(1000);
    }
  }

  /** Credits of `account` (default: the signer) in both contracts. */
  async function credits(account?: Address): Promise<{ account: Address; market: bigint; disputes: bigint }> {
    const who = account ?? signer().account.address;
    const [market, disputes] = await read("credits", () =>
      Promise.all([
        publicClient.readContract({
          address: addrs.market,
          abi: optimisticMarketAbi,
          functionName: "creditOf",
          args: [who],
        }),
        publicClient.readContract({
          address: addrs.disputes,
          abi: disputeManagerAbi,
          functionName: "creditOf",
          args: [who],
        }),
      ]),
    );
    return { account: who, market, disputes };
  }

  /** Pulls the signer's credits from the OptimisticMarket and the DisputeManager (each only when non-zero). */
  async function withdraw(): Promise<WithdrawOutcome> {
    const c = await credits();
    if (c.market === 0n && c.disputes === 0n)
      throw new EaiError(
        "not-found",
        `${c.account} has no OPTIMISTIC credit to withdraw (OptimisticMarket 0 EAI, DisputeManager 0 EAI)`,
      );
    const pull = async (address: Address, abi: Abi, label: string, amount: bigint) => {
      if (amount === 0n) return null;
      const receipt = await send(label, { address, abi, functionName: "withdraw" });
      return { amount, txHash: receipt.transactionHash };
    };
    const market = await pull(addrs.market, optimisticMarketAbi, "OptimisticMarket.withdraw", c.market);
    const disputes = await pull(addrs.disputes, disputeManagerAbi, "DisputeManager.withdraw", c.disputes);
    return { account: c.account, market, disputes, amount: c.market + c.disputes };
  }

  /**
   * Polls the task until it is final (Settled, Refunded, Overturned, Voided, Faulted), reporting each poll; with
   * `settle` it settles the task itself once that is possible.
   */
  async function waitForOutcome(
    taskId: bigint | number,
    options: WaitOutcomeOptions = {},
  ): Promise<OptimisticTask> {
    const id = taskIdArg(taskId, "waitForOutcome");
    const timeoutMs = options.timeoutMs ?? 600_000;
    const pollMs = options.pollMs ?? 2000;
    const started = Date.now();
    let last = "";
    for (;;) {
      const task = await getTask(id);
      const key = `${task.status}/${task.audit.state}`;
      options.onProgress?.(task, key !== last);
      last = key;
      if (FINAL_STATUSES.includes(task.status)) return task;
      if (options.settle && settleable(task)) {
        await settle(id);
        continue;
      }
      if (Date.now() - started >= timeoutMs)
        throw new EaiError(
          "timeout",
          `task ${id} is still ${task.status} after ${timeoutMs} ms: ${task.phase}`,
        );
      await sleep(pollMs, options.signal);
    }
  }

  function settleable(t: OptimisticTask): boolean {
    if (t.status === "Open" || t.status === "Claimed") return t.chainTime >= t.deadline;
    if (t.status !== "Committed" || t.chainTime < t.challengeEnds) return false;
    if (t.audit.state === "Selected" || t.audit.state === "Taken") return t.chainTime >= t.audit.deadline;
    return true;
  }

  // ------------------------------------------------------------------------------------------------ disputes

  let disputeLogCursor: { from: bigint; logs: Awaited<ReturnType<typeof fetchDisputeLogs>> } | undefined;

  async function fetchDisputeLogs(fromBlock: bigint, toBlock: bigint) {
    return read("DisputeManager events", () =>
      publicClient.getContractEvents({
        address: addrs.disputes,
        abi: disputeManagerAbi,
        fromBlock,
        toBlock,
        strict: true,
      }),
    );
  }

  let logsQueue: Promise<unknown> = Promise.resolve();

  /**
   * Every DisputeManager log up to `toBlock`, fetched incrementally (each block range once per client); calls are
   * serialized so that concurrent readers (followDispute and getDispute) share one ordered list.
   */
  function allDisputeLogs(toBlock: bigint): Promise<Awaited<ReturnType<typeof fetchDisputeLogs>>> {
    const run = async () => {
      const cur = (disputeLogCursor ??= { from: BigInt(addrs.disputesStartBlock), logs: [] });
      if (toBlock >= cur.from) {
        const fresh = await fetchDisputeLogs(cur.from, toBlock);
        cur.logs = [...cur.logs, ...fresh];
        cur.from = toBlock + 1n;
      }
      return cur.logs;
    };
    const next = logsQueue.then(run, run);
    logsQueue = next.catch(() => undefined);
    return next;
  }

  function toEvent(log: Awaited<ReturnType<typeof fetchDisputeLogs>>[number]): DisputeEvent | undefined {
    const where = {
      blockNumber: log.blockNumber,
      logIndex: log.logIndex,
      txHash: log.transactionHash,
    };
    switch (log.eventName) {
      case "DisputeOpened": {
        const a = log.args;
        return {
          ...where,
          disputeId: a.disputeId,
          kind: "opened",
          taskId: a.taskId,
          challenger: a.challenger,
          challengeBond: a.challengeBond,
          providerBond: a.providerBond,
        };
      }
      case "JuryRoundStarted": {
        const a = log.args;
        return {
          ...where,
          disputeId: a.disputeId,
          kind: "round-started",
          round: a.round,
          seedBlock: BigInt(a.seedBlock),
          roundStart: Number(a.roundStart),
        };
      }
      case "SeatTaken": {
        const a = log.args;
        return {
          ...where,
          disputeId: a.disputeId,
          kind: "seat-taken",
          round: a.round,
          juror: a.juror,
          draw: a.draw,
          votes: a.votes,
        };
      }
      case "VoteCommitted": {
        const a = log.args;
        return {
          ...where,
          disputeId: a.disputeId,
          kind: "vote-committed",
          round: a.round,
          juror: a.juror,
          commitment: a.commitment,
        };
      }
      case "VoteRevealed": {
        const a = log.args;
        return {
          ...where,
          disputeId: a.disputeId,
          kind: "vote-revealed",
          round: a.round,
          juror: a.juror,
          result: a.result,
        };
      }
      case "JurorPenalized": {
        const a = log.args;
        return {
          ...where,
          disputeId: a.disputeId,
          kind: "juror-penalized",
          round: a.round,
          juror: a.juror,
          amount: a.amount,
          revealed: a.revealed,
        };
      }
      case "JuryRoundFailed": {
        const a = log.args;
        return { ...where, disputeId: a.disputeId, kind: "round-failed", round: a.round };
      }
      case "DisputeResolved": {
        const a = log.args;
        return {
          ...where,
          disputeId: a.disputeId,
          kind: "resolved",
          taskId: a.taskId,
          verdict: verdictName(a.verdict),
          majorityResult: a.majorityResult === ZERO32 ? null : a.majorityResult,
          toWinner: a.toWinner,
          toJurors: a.toJurors,
          toTreasury: a.toTreasury,
        };
      }
      case "Credited": {
        const a = log.args;
        return { ...where, disputeId: a.disputeId, kind: "credited", account: a.account, amount: a.amount };
      }
      default:
        return undefined;
    }
  }

  /** The decoded events of one dispute so far, in chain order. */
  async function disputeEvents(disputeId: bigint | number): Promise<DisputeEvent[]> {
    const id = taskIdArg(disputeId, "disputeEvents");
    const head = await publicClient.getBlockNumber({ cacheTime: 0 });
    const logs = await allDisputeLogs(head);
    return logs.map(toEvent).filter((e): e is DisputeEvent => e !== undefined && e.disputeId === id);
  }

  /** A dispute: parties, bonds, rounds with their jurors (commits and reveals so far), deadlines and verdict. */
  async function getDispute(disputeId: bigint | number): Promise<DisputeInfo> {
    const id = taskIdArg(disputeId, "getDispute");
    const [d, now] = await Promise.all([
      read("DisputeManager.getDispute", () =>
        publicClient.readContract({
          address: addrs.disputes,
          abi: disputeManagerAbi,
          functionName: "getDispute",
          args: [id],
        }),
      ),
      chainTime(),
    ]);
    if (d.taskId === 0n) throw new EaiError("not-found", `dispute ${id} does not exist`);
    const events = await disputeEvents(id);
    const rounds = new Map<number, DisputeRound>();
    for (const e of events) {
      if (e.kind === "round-started")
        rounds.set(e.round, {
          round: e.round,
          roundStart: e.roundStart,
          seedBlock: e.seedBlock,
          jurors: [],
          failed: false,
        });
      else if (e.kind === "round-failed") {
        const r = rounds.get(e.round);
        if (r) r.failed = true;
      } else if (e.kind === "seat-taken") {
        const r = rounds.get(e.round);
        if (r && !r.jurors.some((j) => j.juror === e.juror))
          r.jurors.push({ juror: e.juror, votes: 0, committed: false, result: null });
      }
    }
    // A round restarted on a new seed (nobody sat within 256 blocks) keeps its number: the last start counts.
    for (const r of rounds.values()) {
      r.jurors = await Promise.all(
        r.jurors.map(async (j) => {
          const s = await read("DisputeManager.seatOf", () =>
            publicClient.readContract({
              address: addrs.disputes,
              abi: disputeManagerAbi,
              functionName: "seatOf",
              args: [id, r.round, j.juror],
            }),
          );
          return {
            juror: j.juror,
            votes: popcount(s.draws),
            committed: s.commitment !== ZERO32,
            result: s.result === ZERO32 ? null : s.result,
          };
        }),
      );
    }
    const resolved = events.find((e) => e.kind === "resolved");
    const voteEnds = Number(d.roundStart) + d.params.voteWindow;
    const revealEnds = voteEnds + d.params.revealWindow;
    const verdict =
      resolved && resolved.kind === "resolved"
        ? {
            verdict: resolved.verdict,
            majorityResult: resolved.majorityResult,
            toWinner: resolved.toWinner,
            toJurors: resolved.toJurors,
            toTreasury: resolved.toTreasury,
            txHash: resolved.txHash,
          }
        : null;
    const info = {
      disputeId: id,
      taskId: d.taskId,
      open: d.open,
      byAuditor: d.byAuditor,
      provider: d.provider,
      challenger: d.challenger,
      requester: d.requester,
      providerBond: d.providerBond,
      challengeBond: d.challengeBond,
      providerResult: d.providerResult,
      round: d.round,
      maxRounds: d.params.maxRounds,
      jurySize: d.params.jurySize,
      drawsTaken: popcount(d.drawsTaken),
      members: d.members,
      commits: d.commits,
      reveals: d.reveals,
      roundStart: Number(d.roundStart),
      voteEnds,
      revealEnds,
      rounds: [...rounds.values()].sort((a, b) => a.round - b.round),
      verdict,
      chainTime: now,
    };
    return { ...info, phase: disputePhase(info, now) };
  }

  /**
   * Follows a dispute until it is resolved: every event (opened, round started, seat taken, vote committed, vote
   * revealed, juror penalized, round failed, credited, resolved) is passed to `onEvent` once, in chain order.
   * Returns the resolved dispute.
   */
  async function followDispute(
    disputeId: bigint | number,
    options: FollowOptions = {},
  ): Promise<DisputeInfo> {
    const id = taskIdArg(disputeId, "followDispute");
    const pollMs = options.pollMs ?? 2000;
    const timeoutMs = options.timeoutMs ?? 3_600_000;
    const started = Date.now();
    await getDispute(id); // "dispute N does not exist"
    let seen = 0;
    for (;;) {
      const events = await disputeEvents(id);
      for (const e of events.slice(seen)) options.onEvent?.(e);
      seen = events.length;
      if (events.some((e) => e.kind === "resolved")) return getDispute(id);
      if (Date.now() - started >= timeoutMs) {
        const d = await getDispute(id);
        throw new EaiError("timeout", `dispute ${id} is still open after ${timeoutMs} ms: ${d.phase}`);
      }
      await sleep(pollMs, options.signal);
    }
  }

  /** Tallies the dispute's round once its reveals are in or over (anyone may): decides it or draws a new jury. */
  async function resolveDispute(disputeId: bigint | number): Promise<DisputeInfo & { txHash: Hex }> {
    const id = taskIdArg(disputeId, "resolveDispute");
    const receipt = await send("DisputeManager.resolve", {
      address: addrs.disputes,
      abi: disputeManagerAbi,
      functionName: "resolve",
      args: [id],
    });
    return { ...(await getDispute(id)), txHash: receipt.transactionHash };
  }

  /** The dispute opened on a task (null when it was never challenged). */
  async function disputeOfTask(taskId: bigint | number): Promise<bigint | null> {
    const id = taskIdArg(taskId, "disputeOfTask");
    return (await taskLogs(id)).challenge?.args.disputeId ?? null;
  }

  return {
    deployment,
    publicClient,
    walletClient,
    addresses: { market: addrs.market, disputes: addrs.disputes, token },
    postTask,
    getTask,
    canChallenge,
    challenge,
    settle,
    credits,
    withdraw,
    waitForOutcome,
    getDispute,
    disputeEvents,
    followDispute,
    resolveDispute,
    disputeOfTask,
  };
}

export type OptimisticClient = ReturnType<typeof createOptimisticClient>;

/** An OPTIMISTIC client on an existing EaiClient's chain connection, signer and deployment. */
export function optimisticFrom(
  eai: { publicClient: PublicClient; walletClient?: WalletClient; deployment: Deployment },
  extra: { blobStoreUrl?: string; storage?: BlobStorage } = {},
): OptimisticClient {
  return createOptimisticClient({
    publicClient: eai.publicClient,
    walletClient: eai.walletClient,
    deployment: eai.deployment,
    ...extra,
  });
}

function popcount(x: number | bigint): number {
  let n = BigInt(x);
  let c = 0;
  while (n > 0n) {
    c += Number(n & 1n);
    n >>= 1n;
  }
  return c;
}

function disputePhase(
  d: {
    disputeId: bigint;
    open: boolean;
    round: number;
    jurySize: number;
    drawsTaken: number;
    commits: number;
    members: number;
    reveals: number;
    voteEnds: number;
    revealEnds: number;
    verdict: { verdict: VerdictName } | null;
  },
  now: number,
): string {
  if (!d.open) {
    const v = d.verdict?.verdict;
    if (v === "ProviderWins") return "resolved: the provider's result stands; the challenger lost its bond";
    if (v === "ChallengerWins") return "resolved: the result was overturned; the provider lost its bond";
    if (v === "Void") return "resolved void: no majority; bonds returned, requester refunded";
    return "resolved";
  }
  const round = `round ${d.round + 1}`;
  const allCommitted = d.drawsTaken === d.jurySize && d.commits === d.members;
  if (now <= d.voteEnds && !allCommitted)
    return `${round}: ${d.drawsTaken}/${d.jurySize} seats taken, ${d.commits} committed; seats and commits close ${formatTime(d.voteEnds, now)}`;
  const allRevealed = allCommitted && d.reveals === d.members;
  if (now <= d.revealEnds && !allRevealed)
    return `${round}: revealing, ${d.reveals}/${d.members} revealed; reveals close ${formatTime(d.revealEnds, now)}`;
  return `${round}: ready to resolve (anyone may call DisputeManager.resolve(${d.disputeId}))`;
}
