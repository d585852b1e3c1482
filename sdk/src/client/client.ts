/**
 * The integrator client: one object bound to a chain, an account and a deployment, with typed access to every
 * protocol contract and helpers for requesters (submit, follow, verify, cancel, settle, withdraw), providers (stake,
 * register, operators, leave unfilled tasks, status) and governance (delegate, propose, vote, queue, execute).
 */
import {
  createPublicClient,
  formatEther,
  createWalletClient,
  getContract,
  keccak256,
  parseEventLogs,
  toBytes,
  toHex,
  type Abi,
  type Log,
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

import { encryptFor, type Hex32 } from "../crypto/index.ts";
import type { Deployment, ProtocolContract } from "../deployments.ts";
import {
  eaiGovernorAbi,
  eaiTimelockAbi,
  eaiTokenAbi,
  modelRegistryAbi,
  providerRegistryAbi,
  reputationAbi,
  stakingVaultAbi,
  taskMarketAbi,
} from "../generated/abis.ts";
import { fetchBlob, httpStorage, sha256Hex, type BlobStorage } from "../storage/index.ts";
import {
  TaskStatus,
  VerificationMode,
  taskStatusName,
  type TaskResources,
  type TaskSpec,
} from "../tasks/spec.ts";
import { majorityReveals, verifyRedundantResult, verifyZkOutput } from "../tasks/verify.ts";
import { checkServeable } from "../tasks/serveable.ts";
import { settleDecision } from "../tasks/settle.ts";
import {
  DEFAULT_DEADLINE_SECONDS,
  DEFAULT_EXEC_WINDOW,
  RESOURCE_MINIMUM_KEYS,
  mergeResources,
  PROPOSAL_STATES,
  VOTE_SUPPORT,
  buildTaskRequest,
  encodeParameterChange,
  encodeZkInput,
  resourcesSchema,
  submittedTaskFromLogs,
  type ParameterChange,
  type ProposalStateName,
  type VerificationModeName,
  type VoteSupport,
  type ZkTaskInput,
} from "../tasks/request.ts";
import { signPermit as signTokenPermit } from "../tasks/permit.ts";
import { EaiError, decodeEaiError } from "./errors.ts";
import { MODEL_KIND_NAMES, formatTime } from "./explain.ts";

// The browser-safe request builders moved to tasks/request.ts; the client's public API still exports them.
export {
  PROTOCOL_ABIS,
  PROPOSAL_STATES,
  encodeZkInput,
  mergeResources,
  type ParameterChange,
  type ProposalStateName,
  type VerificationModeName,
  type VoteSupport,
  type ZkTaskInput,
} from "../tasks/request.ts";

export interface EaiClientConfig {
  chain: Chain;
  transport: Transport;
  /** Signer: a local account (privateKeyToAccount) or the address of an account the RPC node unlocks. */
  account?: Account | Address;
  deployment: Deployment;
  /** Blob store base URL: needed to submit tasks and to read REDUNDANT results (unless `storage` is given). */
  blobStoreUrl?: string;
  /**
   * Blob storage to upload inputs to and fetch results from (an IPFS backend: openBlobStorage in
   * @eai/sdk/storage); takes precedence over `blobStoreUrl`. The caller owns it (and closes it).
   */
  storage?: BlobStorage;
  /** Size cap of result blobs fetched by waitForResult / verifyResult (default 16 MiB). */
  maxResultBytes?: number;
}

export interface SubmitTaskParams {
  /** Model id in the ModelRegistry. */
  model: bigint | number;
  /** ZK: {@link ZkTaskInput}. REDUNDANT: the raw input bytes (e.g. an EAIT tensor blob). */
  input: ZkTaskInput | Uint8Array;
  /** Reward in payment-token wei. */
  reward: bigint;
  mode: VerificationModeName;
  /** Payment token (default EAI). */
  paymentToken?: Address;
  /** Unix seconds (default: latest block + 1 day). */
  deadline?: number;
  /** Seconds a claimant has to deliver (default 3600). */
  execWindow?: number;
  /** 1 for ZK; odd ≥ 3 for REDUNDANT (default 3). */
  redundancy?: number;
  /** Minimum provider tier 1..3 (default 1). */
  minTier?: number;
  /** Requirements on top of the model's minimum resources (the larger of both is used per field). */
  minResources?: Partial<TaskResources>;
  /** Encrypts the input to a provider's X25519 public key (ProviderRegistry.x25519KeyOf). */
  private?: { providerKey: Hex32 };
  /** Pays with an EIP-2612 permit signature instead of an approve transaction. */
  permit?: boolean;
}

export interface SubmittedTask {
  taskId: bigint;
  spec: TaskSpec;
  inputURI: string;
  txHash: Hex;
  /** What the requester should know about the task (checkServeable): it can still be served. */
  warnings: string[];
}

/** What {@link settleTask} did: the call it sent, or why there was nothing to send yet. */
export type SettleResult =
  | { action: "finalize" | "expire"; txHash: Hex; status: ReturnType<typeof taskStatusName> }
  | { action: "none"; reason: string; status: ReturnType<typeof taskStatusName>; notBefore?: number };

export interface TaskInfo {
  taskId: bigint;
  status: ReturnType<typeof taskStatusName>;
  claims: number;
  /** ZK: delivery deadline of the claim; REDUNDANT: commit deadline; 0 when none. */
  phaseDeadline: number;
  spec: TaskSpec;
  inputURI: string;
}

export interface ZkResult {
  mode: "zk";
  taskId: bigint;
  provider: Address;
  /** The proven output word (public signal 2): the ten logits packed as unsigned 18-bit slots. */
  output: bigint;
  logits: number[];
  /** argmax of the logits: the predicted digit. */
  prediction: number;
  txHash: Hex;
}

export interface RedundantResult {
  mode: "redundant";
  taskId: bigint;
  /** The majority's keccak256(result). */
  resultHash: Hex;
  resultURI: string;
  result: Uint8Array;
  winners: number;
  txHash: Hex;
}

export type TaskResult = ZkResult | RedundantResult;

export interface WaitOptions {
  /** Default 600 000. */
  timeoutMs?: number;
  /** Default 2 000. */
  pollMs?: number;
  /** Called after every poll with the task's state (`changed`: the status or claims differ from the last poll). */
  onProgress?: (progress: WaitProgress) => void;
}

/** What {@link WaitOptions.onProgress} receives. */
export interface WaitProgress {
  taskId: bigint;
  status: ReturnType<typeof taskStatusName>;
  claims: number;
  phaseDeadline: number;
  /** The latest block's timestamp. */
  chainTime: number;
  changed: boolean;
}

/** What an account can take out of the protocol now, and what it will be able to later. */
export interface Withdrawable {
  account: Address;
  /** TaskMarket.creditOf(account, EAI): rewards, refunds, fees (`withdraw`). */
  marketCredit: bigint;
  /** StakingVault.creditOf(account): its share of slashed bonds it was harmed by (`claimVaultCredit`). */
  vaultCredit: bigint;
  /** StakingVault.unbondingOf(account): unstaked EAI, withdrawable from `releaseAt` (`withdrawStake`). */
  unbonding: { amount: bigint; releaseAt: number; matured: boolean };
}

/** One task of {@link listTasks}, read from `TaskSubmitted` and `getTaskState`. */
export interface TaskListEntry {
  taskId: bigint;
  status: ReturnType<typeof taskStatusName>;
  modelId: bigint;
  mode: "ZK" | "REDUNDANT";
  requester: Address;
  reward: bigint;
  paymentToken: Address;
  createdAt: number;
  deadline: number;
}

export interface TaskListFilter {
  requester?: Address;
  modelId?: bigint;
  status?: ReturnType<typeof taskStatusName>;
  /** Newest first; default 50. */
  limit?: number;
}

/** One registered model (ModelRegistry.getModel). */
export interface ModelInfo {
  modelId: bigint;
  kind: "ZK_MLP" | "ONNX" | "WASM";
  active: boolean;
  approved: boolean;
  creator: Address;
  verifier: Address;
  artifactURI: string;
  inputSize: number;
  outputSize: number;
  minExecWindow: number;
  registeredAt: number;
}

export interface ProviderProfile {
  resources: TaskResources;
  x25519PublicKey: Hex32;
  gpuModel?: string;
  metadataURI?: string;
}

export interface ProviderStatus {
  address: Address;
  registered: boolean;
  active: boolean;
  x25519PublicKey: Hex | null;
  resources: TaskResources | null;
  stake: bigint;
  locked: bigint;
  free: bigint;
  unbonding: { amount: bigint; releaseAt: number };
  tier: number;
  eligible: boolean;
}

export interface Proposal {
  proposalId: bigint;
  targets: Address[];
  values: bigint[];
  calldatas: Hex[];
  description: string;
  descriptionHash: Hex;
}

export interface TxResult {
  txHash: Hex;
}

const uint = (name: string, max: number) =>
  z
    .number({ error: `${name}: expected an integer` })
    .int(`${name}: expected an integer`)
    .min(0, `${name}: expected ≥ 0`)
    .max(max, `${name}: expected ≤ ${max}`);

const resourcesShape = resourcesSchema;

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x + 64 hex digits");
const addressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address");

const submitSchema = z.object({
  model: z.union([z.bigint().min(1n), z.number().int().min(1)], { error: "expected a model id ≥ 1" }),
  input: z.union([
    z.instanceof(Uint8Array),
    z.object({ x: z.array(z.number()), salt: z.bigint().min(0n).optional() }),
    z.object({
      image: z.union([z.instanceof(Uint8Array), z.array(z.number())]),
      salt: z.bigint().min(0n).optional(),
    }),
  ]),
  reward: z
    .bigint()
    .min(1n, "expected a positive amount")
    .max(2n ** 128n - 1n, "expected < 2^128"),
  mode: z.enum(["zk", "redundant"]),
  paymentToken: addressSchema.optional(),
  deadline: uint("deadline", 2 ** 40 - 1).optional(),
  execWindow: uint("execWindow", 2 ** 32 - 1)
    .min(1, "execWindow: expected ≥ 1")
    .optional(),
  redundancy: uint("redundancy", 255).optional(),
  minTier: uint("minTier", 3).min(1, "minTier: expected 1, 2 or 3").optional(),
  minResources: resourcesShape.partial().optional(),
  private: z.object({ providerKey: hex32 }).optional(),
  permit: z.boolean().optional(),
});

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues
      .map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw new EaiError("invalid-argument", `${what}: ${issues}`);
  }
  return result.data;
}

export function createEaiClient(config: EaiClientConfig) {
  const { chain, transport, deployment } = config;
  const maxResultBytes = config.maxResultBytes ?? 16 * 1024 * 1024;
  const publicClient: PublicClient = createPublicClient({ chain, transport });
  const walletClient: WalletClient | undefined = config.account
    ? createWalletClient({ chain, transport, account: config.account })
    : undefined;
  const addr = (name: ProtocolContract): Address => {
    const c = deployment.contracts[name];
    return c.address;
  };
  const fromBlock = BigInt(deployment.contracts.TaskMarket.startBlock);
  const client = walletClient ? { public: publicClient, wallet: walletClient } : { public: publicClient };

  const contracts = {
    token: getContract({ address: addr("EAIToken"), abi: eaiTokenAbi, client }),
    timelock: getContract({ address: addr("EAITimelock"), abi: eaiTimelockAbi, client }),
    governor: getContract({ address: addr("EAIGovernor"), abi: eaiGovernorAbi, client }),
    vault: getContract({ address: addr("StakingVault"), abi: stakingVaultAbi, client }),
    providers: getContract({ address: addr("ProviderRegistry"), abi: providerRegistryAbi, client }),
    models: getContract({ address: addr("ModelRegistry"), abi: modelRegistryAbi, client }),
    reputation: getContract({ address: addr("Reputation"), abi: reputationAbi, client }),
    market: getContract({ address: addr("TaskMarket"), abi: taskMarketAbi, client }),
  };

  function signer(): { wallet: WalletClient; account: Account } {
    if (!walletClient?.account) {
      throw new EaiError(
        "no-account",
        "this call sends a transaction: create the client with an account (the eai CLI: EAI_PRIVATE_KEY or --key)",
      );
    }
    return { wallet: walletClient, account: walletClient.account };
  }

  function accountAddress(): Address {
    return signer().account.address;
  }

  /** Simulates (so reverts are decoded before anything is signed), sends and waits for the receipt. */
  async function send(
    label: string,
    call: { address: Address; abi: Abi; functionName: string; args?: readonly unknown[] },
  ): Promise<TransactionReceipt> {
    const { wallet, account } = signer();
    try {
      const { request } = await publicClient.simulateContract({ ...call, account, chain } as Parameters<
        typeof publicClient.simulateContract
      >[0]);
      const hash = await wallet.writeContract(request as Parameters<typeof wallet.writeContract>[0]);
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success")
        throw new EaiError("reverted", `${label}: transaction ${hash} reverted`);
      return receipt;
    } catch (err) {
      throw decodeEaiError(err, label);
    }
  }

  async function read<T>(label: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw decodeEaiError(err, label);
    }
  }

  async function latestTimestamp(): Promise<number> {
    const block = await publicClient.getBlock({ blockTag: "latest" });
    return Number(block.timestamp);
  }

  async function ensureAllowance(token: Address, spender: Address, amount: bigint): Promise<void> {
    const owner = accountAddress();
    const allowance = await read("allowance", () =>
      publicClient.readContract({
        address: token,
        abi: eaiTokenAbi,
        functionName: "allowance",
        args: [owner, spender],
      }),
    );
    if (allowance >= amount) return;
    await send("approve", {
      address: token,
      abi: eaiTokenAbi,
      functionName: "approve",
      args: [spender, amount],
    });
  }

  /** The signer's EIP-2612 permit for `spender` (the shared `signPermit`: the token's domain and nonce, then sign). */
  async function signPermit(token: Address, spender: Address, value: bigint, deadline: bigint) {
    const { wallet, account } = signer();
    return read("EAIToken permit", () =>
      signTokenPermit(
        { publicClient, walletClient: wallet },
        { token, owner: account, spender, value, deadline },
      ),
    );
  }

  async function submitTask(params: SubmitTaskParams): Promise<SubmittedTask> {
    const p = parseOrThrow(submitSchema, params, "submitTask");
    const { request, token, report, model, settlement } = await prepareSubmission(p);
    const market = contracts.market.address;
    let receipt: TransactionReceipt;
    if (p.permit) {
      const permitDeadline = BigInt((await latestTimestamp()) + 3600);
      const { v, r, s } = await signPermit(token, market, p.reward, permitDeadline);
      receipt = await send("TaskMarket.submitTaskWithPermit", {
        address: market,
        abi: taskMarketAbi,
        functionName: "submitTaskWithPermit",
        args: [request, permitDeadline, v, r, s],
      });
    } else {
      await ensureAllowance(token, market, p.reward);
      receipt = await send("TaskMarket.submitTask", {
        address: market,
        abi: taskMarketAbi,
        functionName: "submitTask",
        args: [request],
      });
    }
    const submitted = submittedTaskFromLogs(receipt.logs, market);
    if (!submitted)
      throw new EaiError("not-found", `TaskSubmitted not emitted by ${receipt.transactionHash}`);
    return {
      ...submitted,
      txHash: receipt.transactionHash,
      warnings: submissionWarnings(report, submitted, model, settlement),
    };
  }

  /**
   * Submits several tasks in one transaction with one token transfer (TaskMarket.submitTasks): each is checked and
   * its input uploaded as by {@link submitTask}; all must pay in the same token (at most 64; no permit).
   */
  async function submitTasks(list: readonly SubmitTaskParams[]): Promise<SubmittedTask[]> {
    if (list.length === 0 || list.length > 64)
      throw new EaiError("invalid-argument", `submitTasks: 1 to 64 tasks, got ${list.length}`);
    const parsed = list.map((params) => parseOrThrow(submitSchema, params, "submitTasks"));
    if (parsed.some((p) => p.permit))
      throw new EaiError(
        "invalid-argument",
        "submitTasks: permit is not supported for a batch (approve instead)",
      );
    const prepared: Awaited<ReturnType<typeof prepareSubmission>>[] = [];
    for (const p of parsed) prepared.push(await prepareSubmission(p));
    const token = (prepared[0] as (typeof prepared)[number]).token;
    if (prepared.some((x) => x.token.toLowerCase() !== token.toLowerCase()))
      throw new EaiError("invalid-argument", "submitTasks: every task must pay in the same token");
    const market = contracts.market.address;
    await ensureAllowance(
      token,
      market,
      parsed.reduce((sum, p) => sum + p.reward, 0n),
    );
    const receipt = await send("TaskMarket.submitTasks", {
      address: market,
      abi: taskMarketAbi,
      functionName: "submitTasks",
      args: [prepared.map((x) => x.request)],
    });
    const events = parseEventLogs({
      abi: taskMarketAbi,
      logs: receipt.logs,
      eventName: "TaskSubmitted",
    }).filter((e) => e.address.toLowerCase() === market.toLowerCase());
    if (events.length !== prepared.length)
      throw new EaiError(
        "not-found",
        `submitTasks: ${events.length} TaskSubmitted in ${receipt.transactionHash}`,
      );
    return events.map((e, i) => {
      const submitted = { taskId: e.args.taskId, spec: e.args.spec, inputURI: e.args.inputURI };
      const x = prepared[i] as (typeof prepared)[number];
      return {
        ...submitted,
        txHash: receipt.transactionHash,
        warnings: submissionWarnings(x.report, submitted, x.model, x.settlement),
      };
    });
  }

  /** Warnings for a submitted task: the serveability report's, and an unrated task on an approved model. */
  function submissionWarnings(
    report: { warnings: string[] },
    submitted: { spec: TaskSpec },
    model: { approved: boolean },
    settlement: { minRatedValue: bigint },
  ): string[] {
    const warnings = [...report.warnings];
    if (!submitted.spec.rated && model.approved) {
      warnings.push(
        `the reward is below the governed minimum of ${formatEther(settlement.minRatedValue)} EAI for rated tasks: the outcome ` +
          "will not move reputation",
      );
    }
    return warnings;
  }

  /** Checks a submission, encodes and uploads its input and builds the TaskRequest (no transaction). */
  async function prepareSubmission(p: z.infer<typeof submitSchema>) {
    const storage = config.storage ?? (config.blobStoreUrl ? httpStorage(config.blobStoreUrl) : undefined);
    if (!storage)
      throw new EaiError(
        "no-blob-store",
        "submitTask: blobStoreUrl is not configured (the eai CLI: EAI_BLOB_STORE_URL or --blob-store)",
      );
    const modelId = BigInt(p.model);
    const [model, marketParams, settlement] = await read("TaskMarket parameters", () =>
      Promise.all([
        contracts.models.read.getModel([modelId]),
        contracts.market.read.marketParams(),
        contracts.market.read.settlementParams(),
      ]),
    );
    const execWindow =
      p.execWindow ?? Math.max(DEFAULT_EXEC_WINDOW, model.minExecWindow, marketParams.minExecWindow);

    let blob: Uint8Array;
    let commitment: bigint | undefined;
    if (p.mode === "zk") {
      if (p.input instanceof Uint8Array) {
        throw new EaiError(
          "invalid-argument",
          "submitTask: input: a ZK task takes { x } or { image }, not bytes",
        );
      }
      try {
        ({ blob, commitment } = await encodeZkInput(p.input));
      } catch (err) {
        throw new EaiError("invalid-argument", `submitTask: input: ${(err as Error).message}`);
      }
    } else {
      if (!(p.input instanceof Uint8Array)) {
        throw new EaiError("invalid-argument", "submitTask: input: a REDUNDANT task takes the input bytes");
      }
      blob = p.input;
    }
    const eligible =
      p.mode === "redundant"
        ? await eligibleProviders({
            minTier: p.minTier ?? 1,
            minResources: mergeResources(model.minResources, p.minResources),
          })
        : undefined;
    const report = checkServeable({
      modelId,
      model,
      mode: p.mode,
      execWindow,
      marketMinExecWindow: marketParams.minExecWindow,
      private: p.private !== undefined,
      input: p.input instanceof Uint8Array ? p.input : undefined,
      redundancy: p.redundancy,
      eligibleProviders: eligible,
    });
    if (report.errors.length > 0) {
      throw new EaiError(
        "invalid-argument",
        `submitTask: this task cannot be served: ${report.errors.join("; ")}`,
      );
    }
    if (p.private) blob = encryptFor(p.private.providerKey as Hex32, blob);
    const stored = await storage.upload(blob);
    commitment ??= BigInt(`0x${sha256Hex(blob)}`);

    const token = (p.paymentToken as Address | undefined) ?? contracts.token.address;
    const request = buildTaskRequest({
      modelId,
      paymentToken: token,
      reward: p.reward,
      mode: p.mode,
      deadline: p.deadline ?? (await latestTimestamp()) + DEFAULT_DEADLINE_SECONDS,
      execWindow,
      redundancy: p.redundancy,
      minTier: p.minTier,
      modelMinResources: model.minResources,
      minResources: p.minResources,
      inputCommitment: commitment,
      inputURI: stored.uri,
    });

    return { request, token, report, model, settlement };
  }

  /**
   * Providers that could claim a task with these requirements now: registered and active, neither suspended nor
   * banned, tier and resources enough, stake at least the market's minimum. Rebuilt from `ProviderRegistered`
   * events; stops counting at `limit` (default 200).
   */
  async function eligibleProviders(
    need: { minTier: number; minResources: TaskResources },
    limit = 200,
  ): Promise<number> {
    return read("eligibleProviders", async () => {
      const logs = await publicClient.getContractEvents({
        address: contracts.providers.address,
        abi: providerRegistryAbi,
        eventName: "ProviderRegistered",
        fromBlock: BigInt(deployment.contracts.ProviderRegistry.startBlock),
        strict: true,
      });
      const [, minStake] = await contracts.market.read.stakeParams();
      const seen = new Set<Address>();
      let count = 0;
      for (const log of logs) {
        const who = log.args.provider;
        if (seen.has(who) || count >= limit) continue;
        seen.add(who);
        const [[active, resources], [tier, eligible], stakeAmount] = await Promise.all([
          contracts.providers.read.eligibilityOf([who]),
          contracts.reputation.read.standingOf([who]),
          contracts.vault.read.stakeOf([who]),
        ]);
        const fits = RESOURCE_MINIMUM_KEYS.every((k) => resources[k] >= need.minResources[k]);
        const region = need.minResources.region === 0 || resources.region === need.minResources.region;
        if (
          active &&
          eligible &&
          tier >= need.minTier &&
          fits &&
          region &&
          stakeAmount >= minStake &&
          stakeAmount > 0n
        )
          count += 1;
      }
      return count;
    });
  }

  /**
   * Settles whatever can be settled now: finalizes a REDUNDANT task whose reveals are in (or whose reveal window
   * ended), expires a ZK claim past its delivery deadline or an Open task past its deadline. Otherwise sends
   * nothing and says when the task can be settled or what the requester may do instead.
   */
  async function settleTask(taskId: bigint): Promise<SettleResult> {
    const task = await getTask(taskId);
    const { spec, status } = task;
    const [now, round] = await Promise.all([
      latestTimestamp(),
      spec.mode === VerificationMode.REDUNDANT
        ? read("TaskMarket.roundOf", () => contracts.market.read.roundOf([taskId]))
        : undefined,
    ]);
    const decision = settleDecision(taskId, {
      status: TaskStatus[status as keyof typeof TaskStatus],
      mode: spec.mode,
      phaseDeadline: task.phaseDeadline,
      deadline: spec.deadline,
      revealWindow: spec.revealWindow,
      claims: task.claims,
      reveals: round?.reveals,
      members: round?.members,
      now,
    });
    if (decision.action === "none") return { ...decision, status };
    const receipt = await send(`TaskMarket.${decision.action}Task`, {
      address: contracts.market.address,
      abi: taskMarketAbi,
      functionName: decision.action === "finalize" ? "finalizeTask" : "expireTask",
      args: [taskId, spec],
    });
    const after = await read("TaskMarket.getTaskState", () => contracts.market.read.getTaskState([taskId]));
    return { action: decision.action, txHash: receipt.transactionHash, status: taskStatusName(after.status) };
  }

  /** A provider leaves an Open REDUNDANT task whose draws did not all fill within the fill timeout (bond back). */
  async function leaveTask(taskId: bigint): Promise<TxResult> {
    const { spec } = await getTask(taskId);
    const receipt = await send("TaskMarket.leaveTask", {
      address: contracts.market.address,
      abi: taskMarketAbi,
      functionName: "leaveTask",
      args: [taskId, spec],
    });
    return { txHash: receipt.transactionHash };
  }

  /** Operators, two steps: the provider offers, the operator accepts; either side ends the link. */
  async function operatorCall(
    functionName: "authorizeOperator" | "acceptOperator" | "revokeOperator" | "renounceOperator",
    who: Address,
  ): Promise<TxResult> {
    const receipt = await send(`ProviderRegistry.${functionName}`, {
      address: contracts.providers.address,
      abi: providerRegistryAbi,
      functionName,
      args: [who],
    });
    return { txHash: receipt.transactionHash };
  }

  async function getTask(taskId: bigint): Promise<TaskInfo> {
    const state = await read("TaskMarket.getTaskState", () => contracts.market.read.getTaskState([taskId]));
    if (state.status === TaskStatus.None) throw new EaiError("not-found", `task ${taskId} does not exist`);
    const [event] = await read("TaskSubmitted", () =>
      publicClient.getContractEvents({
        address: contracts.market.address,
        abi: taskMarketAbi,
        eventName: "TaskSubmitted",
        args: { taskId },
        fromBlock,
        strict: true,
      }),
    );
    if (!event)
      throw new EaiError("not-found", `task ${taskId}: TaskSubmitted not found from block ${fromBlock}`);
    return {
      taskId,
      status: taskStatusName(state.status),
      claims: state.claims,
      phaseDeadline: state.phaseDeadline,
      spec: event.args.spec,
      inputURI: event.args.inputURI,
    };
  }

  async function verifyZk(taskId: bigint): Promise<ZkResult> {
    const [event] = await read("ProofAccepted", () =>
      publicClient.getContractEvents({
        address: contracts.market.address,
        abi: taskMarketAbi,
        eventName: "ProofAccepted",
        args: { taskId },
        fromBlock,
        strict: true,
      }),
    );
    if (!event) throw new EaiError("not-found", `task ${taskId}: no ProofAccepted event`);
    const { output, provider } = event.args;
    const checked = verifyZkOutput({ taskId, output });
    if (!checked.ok) throw new EaiError("verification-failed", checked.reason);
    return {
      mode: "zk",
      taskId,
      provider,
      output,
      logits: checked.logits,
      prediction: checked.prediction,
      txHash: event.transactionHash,
    };
  }

  async function verifyRedundant(taskId: bigint): Promise<RedundantResult> {
    const [completed] = await read("TaskCompleted", () =>
      publicClient.getContractEvents({
        address: contracts.market.address,
        abi: taskMarketAbi,
        eventName: "TaskCompleted",
        args: { taskId },
        fromBlock,
        strict: true,
      }),
    );
    if (!completed) throw new EaiError("not-found", `task ${taskId}: no TaskCompleted event`);
    const majority = completed.args.result;
    const reveals = await read("ResultRevealed", () =>
      publicClient.getContractEvents({
        address: contracts.market.address,
        abi: taskMarketAbi,
        eventName: "ResultRevealed",
        args: { taskId },
        fromBlock,
        strict: true,
      }),
    );
    const candidates = majorityReveals(
      reveals.map((r) => r.args),
      majority,
    );
    if (candidates.length === 0)
      throw new EaiError("not-found", `task ${taskId}: no reveal of the majority ${majority}`);
    if (!config.blobStoreUrl && candidates.every((c) => c.resultURI.startsWith("eai://blob/"))) {
      throw new EaiError(
        "no-blob-store",
        `task ${taskId}: reading the result needs blobStoreUrl (the eai CLI: EAI_BLOB_STORE_URL or --blob-store)`,
      );
    }
    const failures: string[] = [];
    for (const reveal of candidates) {
      try {
        const bytes = config.storage
          ? await config.storage.fetch(reveal.resultURI, { maxBytes: maxResultBytes })
          : await fetchBlob(reveal.resultURI, { baseUrl: config.blobStoreUrl, maxBytes: maxResultBytes });
        const checked = verifyRedundantResult(bytes, majority, reveal.resultURI);
        if (!checked.ok) {
          failures.push(checked.reason);
          continue;
        }
        return {
          mode: "redundant",
          taskId,
          resultHash: majority,
          resultURI: reveal.resultURI,
          result: bytes,
          winners: completed.args.winners,
          txHash: completed.transactionHash,
        };
      } catch (err) {
        failures.push(`${reveal.resultURI}: ${(err as Error).message}`);
      }
    }
    throw new EaiError(
      "verification-failed",
      `task ${taskId}: no revealed result matches the majority (${failures.join("; ")})`,
    );
  }

  /** Checks a Completed task's result against what the chain settled and returns it decoded. */
  async function verifyResult(taskId: bigint): Promise<TaskResult> {
    const task = await getTask(taskId);
    if (task.status !== "Completed") {
      throw new EaiError("task-not-completed", `task ${taskId} is ${task.status}, not Completed`);
    }
    return task.spec.mode === 0 ? verifyZk(taskId) : verifyRedundant(taskId);
  }

  async function waitForResult(taskId: bigint, options: WaitOptions = {}): Promise<TaskResult> {
    const timeoutMs = options.timeoutMs ?? 600_000;
    const pollMs = options.pollMs ?? 2000;
    const until = Date.now() + timeoutMs;
    let last = "";
    let spec: TaskSpec | undefined;
    for (;;) {
      const [state, chainTime] = await Promise.all([
        read("TaskMarket.getTaskState", () => contracts.market.read.getTaskState([taskId])),
        latestTimestamp(),
      ]);
      const status = taskStatusName(state.status);
      if (status === "None") throw new EaiError("not-found", `task ${taskId} does not exist`);
      const key = `${status}/${state.claims}`;
      options.onProgress?.({
        taskId,
        status,
        claims: state.claims,
        phaseDeadline: state.phaseDeadline,
        chainTime,
        changed: key !== last,
      });
      last = key;
      if (status === "Open" && state.claims === 0) {
        spec ??= (await getTask(taskId)).spec;
        if (chainTime > spec.deadline) {
          throw new EaiError(
            "task-not-completed",
            `no provider claimed task ${taskId} before its deadline ${formatTime(spec.deadline, chainTime)}; ` +
              "settling it (settleTask) credits the reward back",
          );
        }
      }
      if (status === "Completed") {
        try {
          return await verifyResult(taskId);
        } catch (err) {
          // The next read saw the task not Completed (or its TaskCompleted log not there yet): a node answering
          // from a state it has not committed (anvil 1.7 while it mines) or a replica behind the one that said
          // Completed. Ask again until the timeout instead of failing on a result that is about to be there.
          const transient =
            err instanceof EaiError && (err.code === "task-not-completed" || err.code === "not-found");
          if (!transient || Date.now() + pollMs > until) throw err;
          await new Promise((r) => setTimeout(r, pollMs));
          continue;
        }
      }
      if (status === "Cancelled" || status === "Refunded") {
        throw new EaiError(
          "task-not-completed",
          `task ${taskId} was ${status.toLowerCase()}; there is no result`,
        );
      }
      if (status === "Faulted") {
        throw new EaiError(
          "task-not-completed",
          `task ${taskId} faulted: a majority of its providers reported that the model cannot run this input; ` +
            "the reward minus the fault fee was credited back (withdraw it)",
        );
      }
      if (Date.now() + pollMs > until) {
        throw new EaiError("timeout", `task ${taskId} is still ${status} after ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  async function cancelTask(taskId: bigint): Promise<TxResult> {
    const { spec } = await getTask(taskId);
    const receipt = await send("TaskMarket.cancelTask", {
      address: contracts.market.address,
      abi: taskMarketAbi,
      functionName: "cancelTask",
      args: [taskId, spec],
    });
    return { txHash: receipt.transactionHash };
  }

  async function withdraw(token: Address = contracts.token.address): Promise<TxResult & { amount: bigint }> {
    const amount = await creditOf(accountAddress(), token);
    const receipt = await send("TaskMarket.withdraw", {
      address: contracts.market.address,
      abi: taskMarketAbi,
      functionName: "withdraw",
      args: [token],
    });
    return { txHash: receipt.transactionHash, amount };
  }

  async function creditOf(account?: Address, token: Address = contracts.token.address): Promise<bigint> {
    const who = account ?? accountAddress();
    return read("TaskMarket.creditOf", () => contracts.market.read.creditOf([who, token]));
  }

  // ─── balances, credits, lists ──────────────────────────────────────────────────

  /**
   * What `account` (default: the signer) can withdraw: its market credit in EAI (anyone credited by a settlement:
   * providers, requesters' refunds, model creators, the treasury), its vault credit (a share of a slashed bond,
   * credited to whoever the slash harmed and to the treasury) and its unbonding stake (providers, after the
   * unbonding period).
   */
  async function withdrawable(account?: Address): Promise<Withdrawable> {
    const who = account ?? accountAddress();
    return read("withdrawable", async () => {
      const [marketCredit, vaultCredit, [amount, releaseAt], now] = await Promise.all([
        contracts.market.read.creditOf([who, contracts.token.address]),
        contracts.vault.read.creditOf([who]),
        contracts.vault.read.unbondingOf([who]),
        latestTimestamp(),
      ]);
      return {
        account: who,
        marketCredit,
        vaultCredit,
        unbonding: { amount, releaseAt: Number(releaseAt), matured: amount > 0n && Number(releaseAt) <= now },
      };
    });
  }

  /** Claims the signer's vault credit (StakingVault.claimCredit). */
  async function claimVaultCredit(): Promise<TxResult & { amount: bigint }> {
    const amount = await read("StakingVault.creditOf", () =>
      contracts.vault.read.creditOf([accountAddress()]),
    );
    const receipt = await send("StakingVault.claimCredit", {
      address: contracts.vault.address,
      abi: stakingVaultAbi,
      functionName: "claimCredit",
      args: [],
    });
    return { txHash: receipt.transactionHash, amount };
  }

  /** EAI balance of `account` (default: the signer). */
  async function balanceOf(account?: Address): Promise<bigint> {
    const who = account ?? accountAddress();
    return read("EAIToken.balanceOf", () => contracts.token.read.balanceOf([who]));
  }

  /** Sends `amount` EAI wei from the signer to `to`. */
  async function transfer(to: Address, amount: bigint): Promise<TxResult> {
    parseOrThrow(
      z.object({ to: addressSchema, amount: z.bigint().min(1n, "expected a positive amount") }),
      { to, amount },
      "transfer",
    );
    const receipt = await send("EAIToken.transfer", {
      address: contracts.token.address,
      abi: eaiTokenAbi,
      functionName: "transfer",
      args: [to, amount],
    });
    return { txHash: receipt.transactionHash };
  }

  /**
   * Tasks from the chain's `TaskSubmitted` logs (requester and model are indexed topics) with their current status,
   * newest first. Reads every matching log from the market's start block: an indexer answers faster on a long
   * chain (the CLI uses one when EAI_INDEXER_URL is set).
   */
  async function listTasks(filter: TaskListFilter = {}): Promise<TaskListEntry[]> {
    const limit = filter.limit ?? 50;
    const logs = await read("TaskSubmitted", () =>
      publicClient.getContractEvents({
        address: contracts.market.address,
        abi: taskMarketAbi,
        eventName: "TaskSubmitted",
        args: {
          ...(filter.requester ? { requester: filter.requester } : {}),
          ...(filter.modelId !== undefined ? { modelId: filter.modelId } : {}),
        },
        fromBlock,
        strict: true,
      }),
    );
    const out: TaskListEntry[] = [];
    for (let i = logs.length - 1; i >= 0 && out.length < limit; i -= 16) {
      const batch = logs.slice(Math.max(0, i - 15), i + 1).reverse();
      const states = await read("TaskMarket.getTaskState", () =>
        Promise.all(batch.map((l) => contracts.market.read.getTaskState([l.args.taskId]))),
      );
      for (const [j, log] of batch.entries()) {
        const status = taskStatusName((states[j] as { status: number }).status);
        if (filter.status && status !== filter.status) continue;
        const { spec } = log.args;
        out.push({
          taskId: log.args.taskId,
          status,
          modelId: spec.modelId,
          mode: spec.mode === VerificationMode.ZK ? "ZK" : "REDUNDANT",
          requester: spec.requester,
          reward: spec.reward,
          paymentToken: spec.paymentToken,
          createdAt: spec.createdAt,
          deadline: spec.deadline,
        });
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  /** Every model of the ModelRegistry (ids 1..modelCount). */
  async function listModels(): Promise<ModelInfo[]> {
    return read("ModelRegistry.getModel", async () => {
      const count = Number(await contracts.models.read.modelCount());
      const models = await Promise.all(
        Array.from({ length: count }, (_, i) => contracts.models.read.getModel([BigInt(i + 1)])),
      );
      return models.map((m, i) => ({
        modelId: BigInt(i + 1),
        kind: MODEL_KIND_NAMES[m.kind] ?? "WASM",
        active: m.active,
        approved: m.approved,
        creator: m.creator,
        verifier: m.verifier,
        artifactURI: m.artifactURI,
        inputSize: m.inputSize,
        outputSize: m.outputSize,
        minExecWindow: m.minExecWindow,
        registeredAt: Number(m.registeredAt),
      }));
    });
  }

  /** The market's events of one task in blocks `from..to` (inclusive), in chain order. */
  async function taskEvents(taskId: bigint, from: bigint, to: bigint) {
    const logs = await read("eth_getLogs", () =>
      publicClient.request({
        method: "eth_getLogs",
        params: [
          {
            address: contracts.market.address,
            topics: [null, toHex(taskId, { size: 32 })],
            fromBlock: toHex(from),
            toBlock: toHex(to),
          },
        ],
      }),
    );
    return parseEventLogs({ abi: taskMarketAbi, logs: logs as Log[], strict: true });
  }

  // ─── providers ───────────────────────────────────────────────────────────────

  async function stake(amount: bigint, options: { permit?: boolean } = {}): Promise<TxResult> {
    if (amount <= 0n) throw new EaiError("invalid-argument", "stake: amount: expected a positive amount");
    if (options.permit) {
      // One transaction: an EIP-2612 permit for exactly the stake, valid one hour.
      const permitDeadline = BigInt((await latestTimestamp()) + 3600);
      const { v, r, s } = await signPermit(
        contracts.token.address,
        contracts.vault.address,
        amount,
        permitDeadline,
      );
      const receipt = await send("StakingVault.stakeWithPermit", {
        address: contracts.vault.address,
        abi: stakingVaultAbi,
        functionName: "stakeWithPermit",
        args: [amount, permitDeadline, v, r, s],
      });
      return { txHash: receipt.transactionHash };
    }
    await ensureAllowance(contracts.token.address, contracts.vault.address, amount);
    const receipt = await send("StakingVault.stake", {
      address: contracts.vault.address,
      abi: stakingVaultAbi,
      functionName: "stake",
      args: [amount],
    });
    return { txHash: receipt.transactionHash };
  }

  async function requestUnstake(amount: bigint): Promise<TxResult> {
    if (amount <= 0n)
      throw new EaiError("invalid-argument", "requestUnstake: amount: expected a positive amount");
    const receipt = await send("StakingVault.requestUnstake", {
      address: contracts.vault.address,
      abi: stakingVaultAbi,
      functionName: "requestUnstake",
      args: [amount],
    });
    return { txHash: receipt.transactionHash };
  }

  async function withdrawStake(): Promise<TxResult> {
    const receipt = await send("StakingVault.withdraw", {
      address: contracts.vault.address,
      abi: stakingVaultAbi,
      functionName: "withdraw",
      args: [],
    });
    return { txHash: receipt.transactionHash };
  }

  async function registerProvider(profile: ProviderProfile): Promise<TxResult> {
    const p = parseOrThrow(
      z.object({
        resources: resourcesShape,
        x25519PublicKey: hex32,
        gpuModel: z.string().max(64, "expected at most 64 bytes").optional(),
        metadataURI: z.string().max(256, "expected at most 256 bytes").optional(),
      }),
      profile,
      "registerProvider",
    );
    const receipt = await send("ProviderRegistry.register", {
      address: contracts.providers.address,
      abi: providerRegistryAbi,
      functionName: "register",
      args: [p.resources, p.gpuModel ?? "", p.x25519PublicKey, p.metadataURI ?? ""],
    });
    return { txHash: receipt.transactionHash };
  }

  async function providerStatus(address?: Address): Promise<ProviderStatus> {
    const who = address ?? accountAddress();
    return read("providerStatus", async () => {
      const registered = await contracts.providers.read.isRegistered([who]);
      const info = registered ? await contracts.providers.read.getProvider([who]) : null;
      const [stakeAmount, locked, free, [unbondingAmount, releaseAt], [tier, eligible]] = await Promise.all([
        contracts.vault.read.stakeOf([who]),
        contracts.vault.read.lockedOf([who]),
        contracts.vault.read.freeStakeOf([who]),
        contracts.vault.read.unbondingOf([who]),
        contracts.reputation.read.standingOf([who]),
      ]);
      return {
        address: who,
        registered,
        active: info?.active ?? false,
        x25519PublicKey: info?.x25519PublicKey ?? null,
        resources: info ? { ...info.resources } : null,
        stake: stakeAmount,
        locked,
        free,
        unbonding: { amount: unbondingAmount, releaseAt: Number(releaseAt) },
        tier,
        eligible,
      };
    });
  }

  // ─── governance ──────────────────────────────────────────────────────────────

  async function delegate(to?: Address): Promise<TxResult> {
    const receipt = await send("EAIToken.delegate", {
      address: contracts.token.address,
      abi: eaiTokenAbi,
      functionName: "delegate",
      args: [to ?? accountAddress()],
    });
    return { txHash: receipt.transactionHash };
  }

  async function proposeParameterChange(change: ParameterChange): Promise<Proposal & TxResult> {
    const addresses = Object.fromEntries(
      Object.entries(deployment.contracts).map(([name, c]) => [name, c.address]),
    ) as Record<ProtocolContract, Address>;
    const encoded = encodeParameterChange(change, addresses);
    const receipt = await send("EAIGovernor.propose", {
      address: contracts.governor.address,
      abi: eaiGovernorAbi,
      functionName: "propose",
      args: [encoded.targets, encoded.values, encoded.calldatas, encoded.description],
    });
    const [event] = parseEventLogs({ abi: eaiGovernorAbi, logs: receipt.logs, eventName: "ProposalCreated" });
    if (!event) throw new EaiError("not-found", "ProposalCreated not emitted");
    return { proposalId: event.args.proposalId, ...encoded, txHash: receipt.transactionHash };
  }

  async function getProposal(proposalId: bigint): Promise<Proposal> {
    const events = await read("ProposalCreated", () =>
      publicClient.getContractEvents({
        address: contracts.governor.address,
        abi: eaiGovernorAbi,
        eventName: "ProposalCreated",
        fromBlock: BigInt(deployment.contracts.EAIGovernor.startBlock),
        strict: true,
      }),
    );
    const event = events.find((e) => e.args.proposalId === proposalId);
    if (!event) throw new EaiError("not-found", `proposal ${proposalId} does not exist`);
    return {
      proposalId,
      targets: [...event.args.targets],
      values: [...event.args.values],
      calldatas: [...event.args.calldatas],
      description: event.args.description,
      descriptionHash: keccak256(toBytes(event.args.description)),
    };
  }

  async function vote(proposalId: bigint, support: VoteSupport, reason?: string): Promise<TxResult> {
    const code = VOTE_SUPPORT[support] as number | undefined;
    if (code === undefined) {
      throw new EaiError(
        "invalid-argument",
        `vote: support: expected for, against or abstain, got ${String(support)}`,
      );
    }
    const receipt = await send("EAIGovernor.castVote", {
      address: contracts.governor.address,
      abi: eaiGovernorAbi,
      functionName: reason ? "castVoteWithReason" : "castVote",
      args: reason ? [proposalId, code, reason] : [proposalId, code],
    });
    return { txHash: receipt.transactionHash };
  }

  async function queueOrExecute(action: "queue" | "execute", proposalId: bigint): Promise<TxResult> {
    const p = await getProposal(proposalId);
    const receipt = await send(`EAIGovernor.${action}`, {
      address: contracts.governor.address,
      abi: eaiGovernorAbi,
      functionName: action,
      args: [p.targets, p.values, p.calldatas, p.descriptionHash],
    });
    return { txHash: receipt.transactionHash };
  }

  async function proposalState(proposalId: bigint): Promise<ProposalStateName> {
    const state = await read("EAIGovernor.state", () => contracts.governor.read.state([proposalId]));
    return PROPOSAL_STATES[state] ?? "Pending";
  }

  return {
    chain,
    deployment,
    publicClient,
    walletClient,
    contracts,
    /** The signer's address (throws when the client has no account). */
    get address(): Address {
      return accountAddress();
    },
    submitTask,
    submitTasks,
    eligibleProviders,
    settleTask,
    leaveTask,
    offerOperator: (operator: Address) => operatorCall("authorizeOperator", operator),
    acceptOperator: (provider: Address) => operatorCall("acceptOperator", provider),
    revokeOperator: (operator: Address) => operatorCall("revokeOperator", operator),
    renounceOperator: (provider: Address) => operatorCall("renounceOperator", provider),
    getTask,
    waitForResult,
    verifyResult,
    cancelTask,
    withdraw,
    creditOf,
    withdrawable,
    claimVaultCredit,
    balanceOf,
    transfer,
    listTasks,
    listModels,
    taskEvents,
    stake,
    requestUnstake,
    withdrawStake,
    registerProvider,
    providerStatus,
    delegate,
    proposeParameterChange,
    getProposal,
    vote,
    queue: (proposalId: bigint) => queueOrExecute("queue", proposalId),
    execute: (proposalId: bigint) => queueOrExecute("execute", proposalId),
    proposalState,
  };
}

export type EaiClient = ReturnType<typeof createEaiClient>;
