/**
 * The `eai` command line: tasks, models, tokens, withdrawals, providers and governance on top of createEaiClient.
 * Results go to stdout (one JSON document with --json); failures are one line on stderr with exit 1, usage errors
 * exit 2. Amounts are in EAI in inputs, outputs and errors, statuses are words, times ISO dates with "in 4 min".
 * The private key comes from --key or EAI_PRIVATE_KEY and is never printed.
 */
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { createPublicClient, defineChain, http, parseEther, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";

import {
  createEaiClient,
  type EaiClient,
  type ParameterChange,
  type TaskListEntry,
  type WaitProgress,
  type ZkTaskInput,
  type TaskResult,
} from "../client/client.ts";
import { EaiError, decodeEaiError } from "../client/errors.ts";
import { clockTime, formatDuration, formatEai, formatTime } from "../client/explain.ts";
import { PROTOCOL_CONTRACTS } from "../deployments.ts";
import { locateDeployment } from "../deployments-locate.ts";
import { decodeRedundantResult, decodeZkOutput } from "../tasks/decode.ts";
import { TaskStatus, specToJson, type TaskSpec } from "../tasks/spec.ts";
import { human, toJson } from "./format.ts";
import type { BlobStorage } from "../storage/index.ts";
import { openCliStorage, STORAGE_HELP, STORAGE_OPTIONS, StorageFlagError } from "./storage.ts";
import { describeProvider, providerSummary } from "../farm/summary.ts";
import { REWARDS_COMMANDS } from "./rewards.ts";
import { DISPUTE_COMMANDS, OPTIMISTIC_COMMANDS } from "./optimistic.ts";
import { BRIDGE_COMMANDS } from "./bridge.ts";

/** A result that is already sentences (printed as they are). */
class Words {
  readonly lines: string[];
  constructor(lines: string[]) {
    this.lines = lines;
  }
}

export class UsageError extends Error {
  override name = "UsageError";
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

const GLOBAL_OPTIONS: Options = {
  rpc: { type: "string" },
  key: { type: "string" },
  deployments: { type: "string" },
  deployment: { type: "string" },
  "blob-store": { type: "string" },
  ...STORAGE_OPTIONS,
  indexer: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

const GLOBAL_HELP = `Global options:
  --rpc URL            JSON-RPC endpoint (env EAI_RPC_URL, default http://127.0.0.1:8545)
  --key HEX            private key, 0x + 64 hex (env EAI_PRIVATE_KEY); needed by commands that send transactions
  --deployment FILE    the deployment record (env EAI_DEPLOYMENT)
  --deployments DIR    folder with <chainId>.json (env EAI_DEPLOYMENTS_DIR); default: deploy/deployments in this
                       folder or one above it, then in the repository of this CLI
  --blob-store URL     blob store base URL (env EAI_BLOB_STORE_URL; npm start's is http://127.0.0.1:8787)
  --indexer URL        indexer base URL for task list (env EAI_INDEXER_URL; npm start's is http://127.0.0.1:42069)
${STORAGE_HELP}
  --json               machine-readable output (amounts as EAI decimal strings, times as unix seconds + ISO)
  -h, --help           this help`;

interface Command {
  summary: string;
  usage: string;
  options: Options;
  /** Sends transactions: needs --key / EAI_PRIVATE_KEY (checked before anything else). */
  sends?: boolean | ((values: Context["values"]) => boolean);
  run: (ctx: Context) => Promise<unknown>;
  /** Human output other than `key: value` lines. */
  human?: (result: unknown, now: number) => string[];
}

interface Context {
  /** `eai task submit`: what the user typed, for messages. */
  command: string;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  env: NodeJS.ProcessEnv;
  client: () => Promise<EaiClient>;
  io: CliIo;
  /** Wall-clock now in unix seconds (progress lines). */
  now: () => number;
}

function str(ctx: Context, name: string, required: true): string;
function str(ctx: Context, name: string, required?: false): string | undefined;
function str(ctx: Context, name: string, required = false): string | undefined {
  const v = ctx.values[name];
  if (typeof v === "string") return v;
  if (required) throw new UsageError(`--${name} is required`);
  return undefined;
}

function int(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new UsageError(`${what}: expected a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

function id(value: string | undefined, what: string): bigint {
  if (value === undefined) throw new UsageError(`${what} is required`);
  if (!/^\d+$/.test(value))
    throw new UsageError(`${what}: expected a decimal integer, got ${JSON.stringify(value)}`);
  return BigInt(value);
}

/** Zod schema of an amount typed in EAI: a positive decimal with at most 18 decimals. */
const eaiAmountSchema = z
  .string()
  .trim()
  .refine((v) => !v.startsWith("-"), { message: "expected a positive amount in EAI, not a negative one" })
  .refine((v) => /^\d+(\.\d{1,18})?$/.test(v), {
    message: "expected an amount in EAI like 1.5 (at most 18 decimals)",
  })
  .transform((v) => parseEther(v))
  .refine((v) => v > 0n, { message: "expected more than 0 EAI" });

function amount(value: string | undefined, what: string): bigint {
  if (value === undefined) throw new UsageError(`${what} is required`);
  const parsed = eaiAmountSchema.safeParse(value);
  if (!parsed.success)
    throw new UsageError(
      `${what}: ${parsed.error.issues[0]?.message ?? "invalid"}, got ${JSON.stringify(value)}`,
    );
  return parsed.data;
}

/** `--rpc` / EAI_RPC_URL: an http(s) or ws(s) URL (zod). "localhost:8545" is refused as not a URL. */
const rpcUrlSchema = z.string().refine(
  (v) => {
    try {
      return ["http:", "https:", "ws:", "wss:"].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  },
  { message: "expected an http(s):// or ws(s):// URL such as http://127.0.0.1:8545" },
);

/** Task statuses as typed (any case). */
function statusArg(value: string | undefined): TaskListEntry["status"] | undefined {
  if (value === undefined) return undefined;
  const names = Object.keys(TaskStatus).filter((n) => n !== "None");
  const found = names.find((n) => n.toLowerCase() === value.toLowerCase());
  if (!found)
    throw new UsageError(`--status: expected one of ${names.join(", ")}, got ${JSON.stringify(value)}`);
  return found as TaskListEntry["status"];
}

/**
 * A deadline as typed: unix seconds, an ISO date (2026-12-02T10:00:00Z) or a duration from now (90s, 30m, 2h, 1d).
 * Returns unix seconds.
 */
function deadlineArg(
  value: string | undefined,
  chainNow: () => Promise<number>,
): Promise<number | undefined> {
  if (value === undefined) return Promise.resolve(undefined);
  if (/^\d+$/.test(value)) return Promise.resolve(Number(value));
  const duration = /^(\d+)(s|m|min|h|d)$/.exec(value);
  if (duration) {
    const unit = { s: 1, m: 60, min: 60, h: 3600, d: 86_400 }[duration[2] as "s"];
    return chainNow().then((now) => now + Number(duration[1]) * unit);
  }
  const ms = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && Number.isFinite(ms)) return Promise.resolve(Math.floor(ms / 1000));
  throw new UsageError(
    `--deadline: expected unix seconds, an ISO date (2026-12-02T10:00:00Z) or a duration (30m, 2h, 1d), got ${JSON.stringify(value)}`,
  );
}

function address(value: string | undefined, what: string): Address | undefined {
  if (value === undefined) return undefined;
  if (!/^0x[0-9a-fA-F]{40}$/.test(value))
    throw new UsageError(`${what}: expected a 0x-prefixed 20-byte address`);
  return value as Address;
}

function hex32(value: string | undefined, what: string): Hex | undefined {
  if (value === undefined) return undefined;
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new UsageError(`${what}: expected 0x + 64 hex digits`);
  return value as Hex;
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new Error(
      `${what}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what}: ${file} is not valid JSON`);
  }
}

async function zkInput(file: string): Promise<ZkTaskInput> {
  const json = (await readJson(file, "--input")) as { x?: unknown; image?: unknown; salt?: unknown };
  const salt =
    json.salt === undefined
      ? undefined
      : typeof json.salt === "string" && /^\d+$/.test(json.salt)
        ? BigInt(json.salt)
        : null;
  if (salt === null) throw new Error("--input: salt: expected a decimal string");
  const ints = (v: unknown, name: string) => {
    if (!Array.isArray(v) || !v.every((n) => Number.isInteger(n)))
      throw new Error(`--input: ${name}: expected an array of integers`);
    return v as number[];
  };
  if (json.x !== undefined) return { x: ints(json.x, "x"), salt };
  if (json.image !== undefined) return { image: ints(json.image, "image"), salt };
  throw new Error("--input: expected a JSON object with x (49 pixels 0..15) or image (784 bytes 0..255)");
}

/** `{ [name]: unix seconds, [name + "Iso"]: ISO date }` (nothing for 0: not set). */
function timeFields(name: string, unix: bigint | number): Record<string, number | string> {
  const seconds = Number(unix);
  if (seconds === 0) return {};
  return { [name]: seconds, [`${name}Iso`]: new Date(seconds * 1000).toISOString() };
}

function when(unix: bigint, now: bigint): string {
  const iso = new Date(Number(unix) * 1000).toISOString();
  return unix > now ? `${iso} (in ${unix - now} s)` : iso;
}

/**
 * Checks that a proposal can be queued (Succeeded) or executed (Queued, timelock delay over) and otherwise throws
 * an error that says why not and what to do, before anything is signed.
 */
async function expectProposalState(client: EaiClient, proposalId: bigint, action: "queue" | "execute") {
  await client.getProposal(proposalId); // "proposal N does not exist" for unknown ids
  const state = await client.proposalState(proposalId);
  const governor = client.contracts.governor.read;
  const now = (await client.publicClient.getBlock({ blockTag: "latest" })).timestamp;
  const wanted = action === "queue" ? "Succeeded" : "Queued";
  if (state === wanted) {
    if (action === "execute") {
      const eta = await governor.proposalEta([proposalId]);
      if (eta > now) {
        throw new Error(
          `proposal ${proposalId} is Queued but the timelock delay has not passed: executable at ${when(eta, now)}`,
        );
      }
    }
    return;
  }
  let hint: string;
  switch (state) {
    case "Pending":
    case "Active": {
      const deadline = await governor.proposalDeadline([proposalId]);
      hint = `voting ends at ${when(deadline, now)}; ${action} it once it has Succeeded`;
      break;
    }
    case "Succeeded":
      hint = `queue it first: eai gov queue ${proposalId}`;
      break;
    case "Queued": {
      const eta = await governor.proposalEta([proposalId]);
      hint = `it is already queued; execute it from ${when(eta, now)} with eai gov execute ${proposalId}`;
      break;
    }
    case "Executed":
      hint = "it has already been executed";
      break;
    default:
      hint = `a ${state} proposal can no longer be queued or executed`;
  }
  throw new Error(`proposal ${proposalId} is ${state}, not ${wanted}: ${hint}`);
}

/** What each model kind takes and returns (`eai model list`). */
const MODEL_IO: Record<string, string> = {
  ZK_MLP:
    'input { "image": [784 bytes, row-major 28×28] } or { "x": [49 pixels 0..15] }; result: the digit and the logit of each digit, proven',
  ONNX: "input: EAIT tensors (docs/WORKER.md); result: EAIT tensors, by majority vote",
  WASM: "input: any bytes; result: bytes, by majority vote",
};

function keyOf(ctx: Context): Hex | undefined {
  const key = str(ctx, "key") ?? (ctx.env.EAI_PRIVATE_KEY || undefined);
  if (key !== undefined && !HEX_KEY.test(key))
    throw new UsageError("--key / EAI_PRIVATE_KEY: expected 0x + 64 hex digits");
  return key as Hex | undefined;
}

function keyAddress(ctx: Context, what: string): Address {
  const key = keyOf(ctx);
  if (!key) throw new UsageError(`${what}: give an ADDRESS, or set EAI_PRIVATE_KEY or pass --key`);
  return privateKeyToAccount(key).address;
}

/** A spec for output: statuses and modes by name, amounts and times shown by the formatter. */
function specView(spec: TaskSpec) {
  const json = specToJson(spec);
  return {
    ...json,
    reward: spec.reward,
    bond: spec.bond,
    mode: spec.mode === 0 ? "ZK" : "REDUNDANT",
  };
}

/** A verified result with its decoding (digit and scores, tensors, bytes). */
async function decoded(ctx: Context, client: EaiClient, result: TaskResult): Promise<unknown> {
  if (result.mode === "zk") {
    const d = decodeZkOutput(result.output);
    return {
      taskId: result.taskId,
      mode: "zk",
      provider: result.provider,
      digit: d.digit,
      scores: d.scores.map(([digit, logit]) => `${digit}: ${logit}`),
      logits: d.logits,
      output: result.output,
      txHash: result.txHash,
    };
  }
  const task = await client.getTask(result.taskId);
  const model = await client.contracts.models.read.getModel([task.spec.modelId]);
  const kind = (["ZK_MLP", "ONNX", "WASM"] as const)[model.kind] ?? "WASM";
  const out = str(ctx, "out");
  if (out) await writeFile(out, result.result);
  return {
    taskId: result.taskId,
    mode: "redundant",
    modelId: task.spec.modelId,
    resultHash: result.resultHash,
    resultURI: result.resultURI,
    winners: result.winners,
    txHash: result.txHash,
    ...(out ? { out } : {}),
    decoded: decodeRedundantResult(kind, result.result),
  };
}

/** `task result --wait`: waits with progress lines on stderr, then decodes. */
async function waitVerbose(ctx: Context, client: EaiClient, taskId: bigint, timeoutS: number) {
  const say = (line: string) => ctx.io.err(`eai: ${clockTime(ctx.now())} ${line}`);
  const { spec } = await client.getTask(taskId);
  let priorityNoted = false;
  let unclaimedNoted = false;
  let note: Promise<void> = Promise.resolve();
  const progress = (p: WaitProgress) => {
    if (p.changed) say(`task ${taskId} is ${p.status}${statusDetail(spec, p)}`);
    if (p.status !== "Open" || p.claims > 0) return;
    if (!priorityNoted && spec.priorityUntil > p.chainTime) {
      priorityNoted = true;
      say(
        `waiting for the tier-3 priority window until ${clockTime(spec.priorityUntil)} UTC ` +
          `(in ${formatDuration(spec.priorityUntil - p.chainTime)}): until then only tier-3 providers may claim`,
      );
    }
    // (past the deadline the wait ends with its own error instead)
    if (!unclaimedNoted && p.chainTime >= spec.priorityUntil + 15 && p.chainTime <= spec.deadline) {
      unclaimedNoted = true;
      const waited = formatDuration(p.chainTime - spec.createdAt);
      note = client
        .eligibleProviders({ minTier: spec.minTier, minResources: spec.minResources })
        .then((n) =>
          say(
            `no provider has claimed task ${taskId} yet (${waited} after submission); ${n} registered provider(s) ` +
              `are eligible now${n === 0 ? ": none can claim it (stake, tier or resources)" : ""}; it can be claimed until ${formatTime(spec.deadline, p.chainTime)}`,
          ),
        )
        .catch(() => {});
    }
  };
  // The note's line comes before whatever ends the wait (a result or an error), never after it.
  const result = await client
    .waitForResult(taskId, { timeoutMs: timeoutS * 1000, onProgress: progress })
    .finally(() => note);
  return decoded(ctx, client, result);
}

function statusDetail(spec: TaskSpec, p: WaitProgress): string {
  if (p.status === "Claimed" && spec.mode === 0)
    return `: claimed, the proof is due by ${formatTime(p.phaseDeadline, p.chainTime)}`;
  if (p.status === "Claimed")
    return `: all ${spec.redundancy} draws claimed, commits due by ${formatTime(p.phaseDeadline, p.chainTime)}`;
  if (p.status === "Open" && p.claims > 0) return `: ${p.claims} of ${spec.redundancy} draws claimed`;
  if (p.status === "Open") return ": waiting for a provider to claim it";
  return "";
}

/** One event's arguments as `key=value` (amounts in EAI, times ISO), without the spec tuple. */
function eventArgs(args: Record<string, unknown>, now: number): string {
  return Object.entries(args)
    .filter(([k]) => k !== "taskId" && k !== "spec")
    .map(([k, v]) => `${k}=${(human({ [k]: v }, now)[0] ?? "").slice(k.length + 2)}`)
    .join(" ");
}

const FINAL: readonly string[] = ["Completed", "Cancelled", "Refunded", "Faulted"];

async function watchTask(ctx: Context, client: EaiClient, taskId: bigint, timeoutS: number, pollMs: number) {
  const task = await client.getTask(taskId);
  const say = (line: string) => ctx.io.out(line);
  let from = task.spec.createdBlock;
  let status = "";
  let events = 0;
  const until = Date.now() + timeoutS * 1000;
  for (;;) {
    const head = await client.publicClient.getBlock({ blockTag: "latest" });
    const chainTime = Number(head.timestamp);
    if (head.number >= from) {
      for (const e of await client.taskEvents(taskId, from, head.number)) {
        events += 1;
        say(
          `${clockTime(ctx.now())} block ${e.blockNumber} ${e.eventName} ${eventArgs(e.args as Record<string, unknown>, chainTime)}`.trimEnd(),
        );
      }
      from = head.number + 1n;
    }
    const state = await client.getTask(taskId);
    if (state.status !== status) {
      status = state.status;
      say(
        `${clockTime(ctx.now())} task ${taskId} is ${status}${statusDetail(task.spec, { taskId, status: state.status, claims: state.claims, phaseDeadline: state.phaseDeadline, chainTime, changed: true })}`,
      );
    }
    if (FINAL.includes(status)) return { taskId, status, events };
    if (Date.now() + pollMs > until)
      throw new EaiError("timeout", `task ${taskId} is still ${status} after ${timeoutS} s of watching`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** `task list` from the indexer's GraphQL (`tasks` table, docs/INDEXER.md). */
async function indexerTasks(
  base: string,
  filter: { requester?: Address; status?: string; modelId?: bigint; limit: number },
): Promise<TaskListEntry[]> {
  if (!rpcUrlSchema.safeParse(base).success)
    throw new UsageError(
      `--indexer / EAI_INDEXER_URL: ${JSON.stringify(base)} is not a valid URL: expected http://host:port`,
    );
  const where: Record<string, string> = {};
  if (filter.requester) where.requester = filter.requester.toLowerCase();
  if (filter.status) where.status = filter.status;
  if (filter.modelId !== undefined) where.modelId = filter.modelId.toString();
  const query = `query ($where: taskFilter, $limit: Int) {
  tasks(where: $where, orderBy: "id", orderDirection: "desc", limit: $limit) {
    items { id status modelId mode requester reward paymentToken createdAt deadline }
  }
}`;
  let res: Response;
  try {
    res = await fetch(new URL("/graphql", base), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables: { where, limit: filter.limit } }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new Error(
      `cannot reach the indexer at ${base} (set EAI_INDEXER_URL / --indexer, or unset it to read the chain)`,
    );
  }
  const body = (await res.json().catch(() => ({}))) as {
    data?: { tasks?: { items: Record<string, string | number>[] } };
    errors?: { message: string }[];
  };
  if (!res.ok || body.errors?.length || !body.data?.tasks)
    throw new Error(
      `the indexer at ${base} answered ${res.status}: ${body.errors?.[0]?.message ?? "no tasks field"}`,
    );
  return body.data.tasks.items.map((t) => ({
    taskId: BigInt(t.id as string),
    status: t.status as TaskListEntry["status"],
    modelId: BigInt(t.modelId as string),
    mode: t.mode as "ZK" | "REDUNDANT",
    requester: t.requester as Address,
    reward: BigInt(t.reward as string),
    paymentToken: t.paymentToken as Address,
    createdAt: Number(t.createdAt),
    deadline: Number(t.deadline),
  }));
}

/** `eai withdraw`: each source that holds something for the account, one transaction each. */
async function withdrawAll(ctx: Context) {
  const only = str(ctx, "only");
  if (only !== undefined && !["market", "vault", "stake"].includes(only))
    throw new UsageError(`--only: expected market, vault or stake, got ${JSON.stringify(only)}`);
  const client = await ctx.client();
  const who = ctx.values.show
    ? (address(ctx.positionals[0], "ADDRESS") ?? keyAddress(ctx, "eai withdraw --show"))
    : client.address;
  const w = await client.withdrawable(who);
  const now = Number((await client.publicClient.getBlock({ blockTag: "latest" })).timestamp);
  const pending =
    w.unbonding.amount > 0n && !w.unbonding.matured
      ? `${formatEai(w.unbonding.amount)} unbonding, withdrawable from ${formatTime(w.unbonding.releaseAt, now)}`
      : undefined;
  if (ctx.values.show) return { ...w, ...(pending ? { pending } : {}) };
  const wants = (s: string) => only === undefined || only === s;
  const withdrawn: { source: string; amount: bigint; txHash: Hex }[] = [];
  if (wants("market") && w.marketCredit > 0n) {
    const r = await client.withdraw();
    withdrawn.push({ source: "market credit", amount: r.amount, txHash: r.txHash });
  }
  if (wants("vault") && w.vaultCredit > 0n) {
    const r = await client.claimVaultCredit();
    withdrawn.push({ source: "vault credit", amount: r.amount, txHash: r.txHash });
  }
  if (wants("stake") && w.unbonding.matured) {
    const r = await client.withdrawStake();
    withdrawn.push({ source: "unbonded stake", amount: w.unbonding.amount, txHash: r.txHash });
  }
  if (withdrawn.length === 0) {
    const what =
      only === undefined
        ? "no market credit, no vault credit and no unbonded stake"
        : `no ${only === "stake" ? "unbonded stake" : `${only} credit`}`;
    throw new EaiError(
      "not-found",
      `nothing to withdraw for ${who}: ${what}${pending && wants("stake") ? ` (${pending})` : ""}`,
    );
  }
  return { account: who, withdrawn, ...(pending ? { pending } : {}), balance: await client.balanceOf(who) };
}

const COMMANDS: Record<string, Record<string, Command>> = {
  task: {
    submit: {
      summary: "upload an input and submit a task",
      usage: `eai task submit --model ID --mode zk|redundant --reward EAI --input FILE [options]
  --input FILE          zk: JSON { "x": [49 ints 0..15] } or { "image": [784 ints] }, optional "salt" (decimal);
                        redundant: the raw input bytes
  --deadline WHEN       task deadline: unix seconds, an ISO date or a duration from now (30m, 2h, 1d);
                        default now + 1 day; the earliest allowed is now + the priority window + the execution
                        window (+ the reveal window for redundant), eai task submit says so when it is too soon
  --wait                wait for the result with progress lines (as eai task result --wait)
  --exec-window S       seconds a claimant has to deliver (default 3600, at least the market's and the
                        model's minimum)
  --redundancy N        REDUNDANT votes, odd ≥ 3 (default 3), drawn by stake: with fewer eligible providers
                        some hold several votes (a warning says so)
  --min-tier N          minimum provider tier 1..3 (default 1)
  --encrypt-for HEX32   encrypt the input to this provider X25519 public key (zk only: a REDUNDANT task
                        needs several providers to read its input)
  --permit              pay with an EIP-2612 permit instead of approve`,
      options: {
        model: { type: "string" },
        mode: { type: "string" },
        reward: { type: "string" },
        input: { type: "string" },
        deadline: { type: "string" },
        "exec-window": { type: "string" },
        redundancy: { type: "string" },
        "min-tier": { type: "string" },
        "encrypt-for": { type: "string" },
        permit: { type: "boolean" },
        wait: { type: "boolean" },
        timeout: { type: "string" },
      },
      sends: true,
      run: async (ctx) => {
        const mode = str(ctx, "mode", true);
        if (mode !== "zk" && mode !== "redundant")
          throw new UsageError(`--mode: expected zk or redundant, got ${JSON.stringify(mode)}`);
        const model = id(str(ctx, "model", true), "--model");
        const reward = amount(str(ctx, "reward", true), "--reward");
        const file = str(ctx, "input", true);
        const providerKey = hex32(str(ctx, "encrypt-for"), "--encrypt-for");
        let chainClient: EaiClient | undefined;
        const chainNow = async () => {
          chainClient ??= await ctx.client();
          return Number((await chainClient.publicClient.getBlock({ blockTag: "latest" })).timestamp);
        };
        const params = {
          model,
          reward,
          mode,
          deadline: await deadlineArg(str(ctx, "deadline"), chainNow),
          execWindow: int(str(ctx, "exec-window"), "--exec-window"),
          redundancy: int(str(ctx, "redundancy"), "--redundancy"),
          minTier: int(str(ctx, "min-tier"), "--min-tier"),
          permit: ctx.values.permit === true,
          private: providerKey ? { providerKey } : undefined,
        } as const;
        const input =
          mode === "zk"
            ? await zkInput(file)
            : new Uint8Array(
                await readFile(file).catch((err: NodeJS.ErrnoException) => {
                  throw new Error(`--input: cannot read ${file}: ${err.code ?? err.message}`);
                }),
              );
        const client = chainClient ?? (await ctx.client());
        const { taskId, spec, inputURI, txHash, warnings } = await client.submitTask({ ...params, input });
        for (const warning of warnings) ctx.io.err(`eai: warning: ${warning}`);
        const submitted = { taskId, inputURI, txHash, warnings, spec: specView(spec) };
        if (!ctx.values.wait) return submitted;
        ctx.io.err(`eai: submitted task ${taskId} (${txHash})`);
        const timeout = int(str(ctx, "timeout"), "--timeout") ?? 600;
        return { ...submitted, result: await waitVerbose(ctx, client, taskId, timeout) };
      },
    },
    status: {
      summary: "show a task's state and spec",
      usage: "eai task status TASK_ID",
      options: {},
      run: async (ctx) => {
        const taskId = id(ctx.positionals[0], "TASK_ID");
        const task = await (await ctx.client()).getTask(taskId);
        return { ...task, spec: specView(task.spec) };
      },
    },
    result: {
      summary: "verify and decode a completed task's result (--wait: wait for it, with progress)",
      usage: `eai task result TASK_ID [--wait] [--timeout S] [--out FILE]
  --wait        wait until the task settles, printing each status change on stderr (and the tier-3 priority
                window, and that no provider has claimed yet, when that is so); without it a task that is not
                Completed is an error
  --timeout S   give up waiting after S seconds (default 600)
  --out FILE    write a REDUNDANT result's bytes to FILE
  Decoded: the digits model (zk) as the digit and the logit of each digit; ONNX results as EAIT tensors (with the
  argmax of each row); WASM results as hex, text and little-endian u32 words (byte-sum: the sum).`,
      options: { wait: { type: "boolean" }, timeout: { type: "string" }, out: { type: "string" } },
      run: async (ctx) => {
        const taskId = id(ctx.positionals[0], "TASK_ID");
        const timeout = int(str(ctx, "timeout"), "--timeout") ?? 600;
        const client = await ctx.client();
        if (ctx.values.wait) return waitVerbose(ctx, client, taskId, timeout);
        try {
          return await decoded(ctx, client, await client.verifyResult(taskId));
        } catch (err) {
          if (err instanceof EaiError && err.code === "task-not-completed")
            throw new EaiError(err.code, `${err.message}: add --wait to wait for it`);
          throw err;
        }
      },
    },
    list: {
      summary: "list tasks (newest first): --mine, --requester, --status, --model",
      usage: `eai task list [--mine | --requester ADDRESS] [--status STATUS] [--model ID] [--limit N]
  --mine           tasks submitted by the key's account (--key / EAI_PRIVATE_KEY)
  --status STATUS  Open, Claimed, Completed, Cancelled, Refunded or Faulted
  --limit N        at most N tasks (default 20)
  Read from the indexer when --indexer / EAI_INDEXER_URL is set, else from the chain's TaskSubmitted logs.`,
      options: {
        mine: { type: "boolean" },
        requester: { type: "string" },
        status: { type: "string" },
        model: { type: "string" },
        limit: { type: "string" },
      },
      run: async (ctx) => {
        const status = statusArg(str(ctx, "status"));
        const modelId = str(ctx, "model") === undefined ? undefined : id(str(ctx, "model"), "--model");
        const limit = int(str(ctx, "limit"), "--limit") ?? 20;
        let requester = address(str(ctx, "requester"), "--requester");
        if (ctx.values.mine) {
          if (requester) throw new UsageError("--mine and --requester: give one of them");
          const key = keyOf(ctx);
          if (!key) throw new UsageError("--mine: set EAI_PRIVATE_KEY or pass --key (whose tasks to list)");
          requester = privateKeyToAccount(key).address;
        }
        const indexer = str(ctx, "indexer") ?? (ctx.env.EAI_INDEXER_URL || undefined);
        const tasks = indexer
          ? await indexerTasks(indexer, { requester, status, modelId, limit })
          : await (await ctx.client()).listTasks({ requester, status, modelId, limit });
        return { source: indexer ? `indexer ${indexer}` : "chain logs", tasks };
      },
      human: (result, now) => {
        const { source, tasks } = result as { source: string; tasks: TaskListEntry[] };
        if (tasks.length === 0) return [`no tasks (from ${source})`];
        return [
          `${tasks.length} task(s), newest first (from ${source}):`,
          `${"id".padStart(6)}  ${"status".padEnd(10)} ${"model".padStart(5)}  ${"mode".padEnd(9)} ${"reward".padStart(12)}  deadline`,
          ...tasks.map(
            (t) =>
              `${String(t.taskId).padStart(6)}  ${t.status.padEnd(10)} ${String(t.modelId).padStart(5)}  ${t.mode.padEnd(9)} ${formatEai(t.reward).padStart(12)}  ${formatTime(t.deadline, now)}`,
          ),
        ];
      },
    },
    watch: {
      summary: "stream a task's events and status changes until it settles",
      usage: `eai task watch TASK_ID [--timeout S]
  Prints the task's events so far, then each new one and every status change, until the task is Completed,
  Cancelled, Refunded or Faulted (exit 0). --timeout S: stop after S seconds (default 600, exit 1).`,
      options: { timeout: { type: "string" }, interval: { type: "string" } },
      run: async (ctx) => {
        const taskId = id(ctx.positionals[0], "TASK_ID");
        const timeout = int(str(ctx, "timeout"), "--timeout") ?? 600;
        const pollMs = int(str(ctx, "interval"), "--interval") ?? 1000;
        return watchTask(ctx, await ctx.client(), taskId, timeout, pollMs);
      },
    },
    cancel: {
      summary: "cancel an unclaimed task (the reward is credited back)",
      usage: "eai task cancel TASK_ID",
      options: {},
      sends: true,
      run: async (ctx) => {
        const taskId = id(ctx.positionals[0], "TASK_ID");
        return (await ctx.client()).cancelTask(taskId);
      },
    },
    settle: {
      summary: "finalize or expire a task, whichever applies now (anyone may)",
      usage: `eai task settle TASK_ID
  Finalizes a REDUNDANT task whose reveals are in or whose reveal window ended, expires a ZK claim past its
  delivery deadline or an Open task past its deadline; otherwise says when it can be settled (exit 0).`,
      options: {},
      run: async (ctx) => {
        const taskId = id(ctx.positionals[0], "TASK_ID");
        const result = await (await ctx.client()).settleTask(taskId);
        if (result.action === "none") ctx.io.err(`eai: nothing to settle yet: ${result.reason}`);
        return result;
      },
    },
    leave: {
      summary: "leave an Open REDUNDANT task whose draws did not fill in time (your bonds back)",
      usage: "eai task leave TASK_ID",
      options: {},
      sends: true,
      run: async (ctx) => {
        const taskId = id(ctx.positionals[0], "TASK_ID");
        return (await ctx.client()).leaveTask(taskId);
      },
    },
  },
  provider: {
    register: {
      summary: "register the key's account as a provider",
      usage: `eai provider register --resources FILE --x25519 HEX32 [--gpu NAME] [--metadata URI]
  --resources FILE   JSON { vramMiB, computeCapability, cpuCores, ramMiB, storageGiB, bandwidthMbps,
                     benchmarkScore, region }`,
      options: {
        resources: { type: "string" },
        x25519: { type: "string" },
        gpu: { type: "string" },
        metadata: { type: "string" },
      },
      sends: true,
      run: async (ctx) => {
        const resources = await readJson(str(ctx, "resources", true), "--resources");
        const key = hex32(str(ctx, "x25519", true), "--x25519") as Hex;
        return (await ctx.client()).registerProvider({
          resources: resources as never,
          x25519PublicKey: key,
          gpuModel: str(ctx, "gpu"),
          metadataURI: str(ctx, "metadata"),
        });
      },
    },
    stake: {
      summary: "approve and stake EAI (or sign a permit: one transaction)",
      usage: `eai provider stake AMOUNT_EAI [--permit]
  --permit   pay with an EIP-2612 permit instead of approve`,
      options: { permit: { type: "boolean" } },
      sends: true,
      run: async (ctx) => {
        const value = amount(ctx.positionals[0], "AMOUNT_EAI");
        return (await ctx.client()).stake(value, { permit: ctx.values.permit === true });
      },
    },
    unstake: {
      summary: "start unbonding EAI (withdraw after the unbonding period with --withdraw)",
      usage: `eai provider unstake AMOUNT_EAI | eai provider unstake --withdraw
  --withdraw   withdraw everything whose unbonding period has passed`,
      options: { withdraw: { type: "boolean" } },
      sends: true,
      run: async (ctx) => {
        if (ctx.values.withdraw) return (await ctx.client()).withdrawStake();
        const value = amount(ctx.positionals[0], "AMOUNT_EAI");
        return (await ctx.client()).requestUnstake(value);
      },
    },
    operator: {
      summary: "two-step operators: offer|revoke (provider), accept|renounce (operator)",
      usage: `eai provider operator offer|revoke OPERATOR_ADDRESS     (as the provider)
eai provider operator accept|renounce PROVIDER_ADDRESS  (as the operator)
  An offer binds nobody until the operator accepts it; either side can end the link.`,
      options: {},
      sends: true,
      run: async (ctx) => {
        const action = ctx.positionals[0];
        const who = address(ctx.positionals[1], "ADDRESS");
        if (!who) throw new UsageError("ADDRESS: required");
        const client = await ctx.client();
        switch (action) {
          case "offer":
            return client.offerOperator(who);
          case "revoke":
            return client.revokeOperator(who);
          case "accept":
            return client.acceptOperator(who);
          case "renounce":
            return client.renounceOperator(who);
          default:
            throw new UsageError(`expected offer, revoke, accept or renounce, got ${JSON.stringify(action)}`);
        }
      },
    },
    status: {
      summary:
        "trust, availability, tier, stake, earnings, credits and recent failures of a provider, in words",
      usage: "eai provider status [ADDRESS] [--json]   (default: the key's address)",
      options: {},
      run: async (ctx) => {
        const client = await ctx.client();
        const who = address(ctx.positionals[0], "ADDRESS") ?? client.address;
        const c = client.deployment.contracts;
        const [status, summary] = await Promise.all([
          client.providerStatus(who),
          providerSummary(
            client.publicClient,
            {
              TaskMarket: c.TaskMarket.address,
              ProviderRegistry: c.ProviderRegistry.address,
              StakingVault: c.StakingVault.address,
              Reputation: c.Reputation.address,
              EAIToken: c.EAIToken.address,
            },
            who,
            { fromBlock: BigInt(c.TaskMarket.startBlock) },
          ),
        ]);
        if (ctx.values.json) return { ...status, summary: { ...summary, words: describeProvider(summary) } };
        return new Words(describeProvider(summary));
      },
    },
  },
  model: {
    list: {
      summary: "registered models: kind, the --mode they take, input and output",
      usage: "eai model list",
      options: {},
      run: async (ctx) => {
        const models = await (await ctx.client()).listModels();
        return {
          models: models.map((m) => ({
            ...m,
            mode: m.kind === "ZK_MLP" ? "zk" : "redundant",
            io: MODEL_IO[m.kind],
          })),
        };
      },
      human: (result) => {
        const { models } = result as {
          models: {
            modelId: bigint;
            kind: string;
            mode: string;
            active: boolean;
            approved: boolean;
            io: string;
            artifactURI: string;
          }[];
        };
        if (models.length === 0) return ["no models registered"];
        return models.flatMap((m) => [
          `${m.modelId}  ${m.kind.padEnd(6)} --mode ${m.mode.padEnd(9)} ${m.active ? "active" : "inactive"}${m.approved ? ", approved by governance" : ", not approved (its tasks do not move reputation)"}`,
          `     ${m.io}`,
          `     artifact ${m.artifactURI}`,
        ]);
      },
    },
  },
  token: {
    balance: {
      summary: "EAI balance and market credit of an account",
      usage: "eai token balance [ADDRESS]   (default: the key's address)",
      options: {},
      run: async (ctx) => {
        const client = await ctx.client();
        const who = address(ctx.positionals[0], "ADDRESS") ?? keyAddress(ctx, "eai token balance");
        const [balance, w] = await Promise.all([client.balanceOf(who), client.withdrawable(who)]);
        return { address: who, balance, marketCredit: w.marketCredit, vaultCredit: w.vaultCredit };
      },
    },
    transfer: {
      summary: "send EAI to an address",
      usage: "eai token transfer TO_ADDRESS AMOUNT_EAI",
      options: {},
      sends: true,
      run: async (ctx) => {
        const to = address(ctx.positionals[0], "TO_ADDRESS");
        if (!to) throw new UsageError("TO_ADDRESS is required");
        const value = amount(ctx.positionals[1], "AMOUNT_EAI");
        const client = await ctx.client();
        const { txHash } = await client.transfer(to, value);
        return { to, amount: value, txHash, balance: await client.balanceOf() };
      },
    },
  },
  withdraw: {
    "": {
      summary: "withdraw everything the key's account can: market credit, vault credit, unbonded stake",
      usage: `eai withdraw [--only market|vault|stake] [--show [ADDRESS]]
  market   TaskMarket.withdraw: rewards (providers), refunds (requesters), creator and treasury fees, in EAI
  vault    StakingVault.claimCredit: a share of a slashed bond, credited to whom the slash harmed
  stake    StakingVault.withdraw: stake unbonded with eai provider unstake, once its unbonding period is over
  --show   only show what ADDRESS (default: the key's) can withdraw, and when the unbonding stake is released`,
      options: { only: { type: "string" }, show: { type: "boolean" } },
      sends: (values) => values.show !== true,
      run: async (ctx) => withdrawAll(ctx),
    },
  },
  gov: {
    propose: {
      summary: "propose one governed call",
      usage: `eai gov propose --contract NAME --function NAME --args JSON --description TEXT
  --contract NAME   one of ${PROTOCOL_CONTRACTS.filter((c) => c !== "MnistMlpVerifier").join(", ")}
  --args JSON       JSON array of arguments (integers as decimal strings are fine)`,
      options: {
        contract: { type: "string" },
        function: { type: "string" },
        args: { type: "string" },
        description: { type: "string" },
      },
      sends: true,
      run: async (ctx) => {
        const contract = str(ctx, "contract", true);
        if (
          !(PROTOCOL_CONTRACTS as readonly string[]).includes(contract) ||
          contract === "MnistMlpVerifier"
        ) {
          throw new UsageError(`--contract: unknown contract ${JSON.stringify(contract)}`);
        }
        let args: unknown;
        try {
          args = JSON.parse(str(ctx, "args") ?? "[]");
        } catch {
          throw new UsageError("--args: expected a JSON array");
        }
        if (!Array.isArray(args)) throw new UsageError("--args: expected a JSON array");
        return (await ctx.client()).proposeParameterChange({
          contract: contract as ParameterChange["contract"],
          functionName: str(ctx, "function", true),
          args,
          description: str(ctx, "description", true),
        });
      },
    },
    vote: {
      summary: "vote on a proposal",
      usage: "eai gov vote PROPOSAL_ID for|against|abstain [--reason TEXT]",
      options: { reason: { type: "string" } },
      sends: true,
      run: async (ctx) => {
        const proposalId = id(ctx.positionals[0], "PROPOSAL_ID");
        const support = ctx.positionals[1];
        if (support !== "for" && support !== "against" && support !== "abstain") {
          throw new UsageError(
            `support: expected for, against or abstain, got ${JSON.stringify(support ?? "")}`,
          );
        }
        return (await ctx.client()).vote(proposalId, support, str(ctx, "reason"));
      },
    },
    queue: {
      summary: "queue a succeeded proposal in the timelock",
      usage: `eai gov queue PROPOSAL_ID
  Queues a Succeeded proposal; it can be executed once the timelock delay has passed (shown as executableAt).`,
      options: {},
      sends: true,
      run: async (ctx) => {
        const proposalId = id(ctx.positionals[0], "PROPOSAL_ID");
        const client = await ctx.client();
        await expectProposalState(client, proposalId, "queue");
        const { txHash } = await client.queue(proposalId);
        const eta = await client.contracts.governor.read.proposalEta([proposalId]);
        return {
          proposalId,
          txHash,
          state: await client.proposalState(proposalId),
          ...timeFields("executableAt", eta),
        };
      },
    },
    execute: {
      summary: "execute a queued proposal once its timelock delay has passed",
      usage: `eai gov execute PROPOSAL_ID
  Executes a Queued proposal whose timelock delay has passed (anyone may execute).`,
      options: {},
      sends: true,
      run: async (ctx) => {
        const proposalId = id(ctx.positionals[0], "PROPOSAL_ID");
        const client = await ctx.client();
        await expectProposalState(client, proposalId, "execute");
        const { txHash } = await client.execute(proposalId);
        return { proposalId, txHash, state: await client.proposalState(proposalId) };
      },
    },
    delegate: {
      summary: "delegate voting power (default: to yourself)",
      usage: "eai gov delegate [ADDRESS]",
      options: {},
      sends: true,
      run: async (ctx) => {
        const to = address(ctx.positionals[0], "ADDRESS");
        return (await ctx.client()).delegate(to);
      },
    },
  },
  rewards: REWARDS_COMMANDS,
  optimistic: OPTIMISTIC_COMMANDS,
  dispute: DISPUTE_COMMANDS,
  bridge: BRIDGE_COMMANDS,
};

function topHelp(): string {
  const lines = ["Usage: eai <group> <command> [options]", ""];
  for (const [group, commands] of Object.entries(COMMANDS)) {
    for (const [name, cmd] of Object.entries(commands))
      lines.push(`  eai ${group}${name ? ` ${name}` : ""}`.padEnd(28) + cmd.summary);
  }
  lines.push("", GLOBAL_HELP, "", "Run eai <group> <command> --help for a command's options.");
  return lines.join("\n");
}

function groupHelp(group: string): string {
  const commands = COMMANDS[group] ?? {};
  const lines = [`Usage: eai ${group} <command> [options]`, ""];
  for (const [name, cmd] of Object.entries(commands)) lines.push(`  ${name}`.padEnd(14) + cmd.summary);
  return [...lines, "", GLOBAL_HELP].join("\n");
}

const HEX_KEY = /^0x[0-9a-fA-F]{64}$/;

/**
 * `--reward -1` would make Node's parser stop at "-1" (it looks like an option): glue a value that starts with "-"
 * to its string option (`--reward=-1`) so that our own validation answers it.
 */
function glueDashValues(args: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    if (name && options[name]?.type === "string" && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i += 1;
    } else out.push(arg);
  }
  return out;
}

/** A failure in the words of the CLI: the flag or variable to set instead of the SDK's config field. */
function cliMessage(err: unknown, command: string): string {
  if (err instanceof EaiError && err.code === "no-account")
    return `${command} sends a transaction: set EAI_PRIVATE_KEY or pass --key`;
  if (err instanceof EaiError && err.code === "no-blob-store")
    return `${command} needs the blob store: set EAI_BLOB_STORE_URL or pass --blob-store (npm start's is http://127.0.0.1:8787)`;
  return decodeEaiError(err).message;
}

/**
 * The options a command takes (its own and the global ones), or null when `eai <group> [name]` is no command: the
 * docs test checks every command line of the docs against it.
 */
export function commandOptions(group: string, name: string | undefined): string[] | null {
  const commands = COMMANDS[group];
  if (!commands) return null;
  const cmd = commands[name ?? ""] ?? (commands[""] && !commands[name ?? ""] ? commands[""] : undefined);
  if (!cmd) return null;
  return Object.keys({ ...GLOBAL_OPTIONS, ...cmd.options });
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const json = argv.includes("--json");
  let storage: BlobStorage | undefined;
  let command = "eai";
  try {
    const [group, second] = argv;
    if (group === undefined || group === "--help" || group === "-h" || group === "help") {
      io.out(topHelp());
      return group === undefined ? 2 : 0;
    }
    const commands = COMMANDS[group];
    if (!commands)
      throw new UsageError(
        `unknown command group ${JSON.stringify(group)} (${Object.keys(COMMANDS).join(", ")})`,
      );
    const single = commands[""] !== undefined;
    const name =
      single && (second === undefined || second.startsWith("-") || !commands[second]) ? "" : second;
    const rest = argv.slice(name === "" ? 1 : 2);
    if (!single && (name === undefined || name === "--help" || name === "-h")) {
      io.out(groupHelp(group));
      return name === undefined ? 2 : 0;
    }
    const cmd = commands[name as string];
    if (!cmd) throw new UsageError(`unknown command "eai ${group} ${name}" (eai ${group} --help lists them)`);
    command = `eai ${group}${name ? ` ${name}` : ""}`;
    const options = { ...GLOBAL_OPTIONS, ...cmd.options };
    let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
    try {
      parsed = parseArgs({
        args: glueDashValues(rest, options),
        options,
        allowPositionals: true,
        strict: true,
      }) as typeof parsed;
    } catch (err) {
      throw new UsageError((err as Error).message.split("\n")[0] ?? "bad arguments");
    }
    if (parsed.values.help) {
      io.out(`Usage: ${cmd.usage}\n\n${GLOBAL_HELP}`);
      return 0;
    }
    const values = parsed.values;
    const key = (values.key as string | undefined) ?? (env.EAI_PRIVATE_KEY || undefined);
    if (key !== undefined && !HEX_KEY.test(key)) {
      throw new UsageError("--key / EAI_PRIVATE_KEY: expected 0x + 64 hex digits");
    }
    const sends = typeof cmd.sends === "function" ? cmd.sends(values) : cmd.sends === true;
    if (sends && key === undefined)
      throw new UsageError(`${command} sends a transaction: set EAI_PRIVATE_KEY or pass --key`);
    let client: Promise<EaiClient> | undefined;
    const ctx: Context = {
      command,
      values,
      positionals: parsed.positionals,
      env,
      io,
      now: () => Date.now() / 1000,
      client: () =>
        (client ??= connect(
          values,
          env,
          key as Hex | undefined,
          async () =>
            (storage ??= await openCliStorage(values, env).catch((e: unknown) => {
              throw e instanceof StorageFlagError ? new UsageError(e.message) : e;
            })),
        )),
    };
    const result = await cmd.run(ctx);
    // "in 4 min" counts from the chain's clock (what the contracts compare with), when a chain was asked.
    const now = client
      ? await client
          .then(async (c) => Number((await c.publicClient.getBlock({ blockTag: "latest" })).timestamp))
          .catch(() => ctx.now())
      : ctx.now();
    io.out(
      result instanceof Words
        ? result.lines.join("\n")
        : json
          ? toJson(result)
          : (cmd.human ?? ((r: unknown, now: number) => human(r, now)))(result, now).join("\n"),
    );
    return 0;
  } catch (err) {
    // sdk/src/cli/rewards.ts throws its own usage errors (it cannot import this module's class without a cycle)
    const usage = err instanceof UsageError || (err instanceof Error && err.name === "UsageError");
    const message = (usage ? err.message : cliMessage(err, command)).split("\n")[0] ?? "failed";
    if (json) io.err(toJson({ error: message, usage }));
    else io.err(`eai: ${message}${usage ? " (see --help)" : ""}`);
    return usage ? 2 : 1;
  } finally {
    await storage?.close();
  }
}

/** The client for the command: RPC URL checked (zod), chain id asked, deployment found, blob store passed on. */
async function connect(
  values: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
  key: Hex | undefined,
  storage: () => Promise<BlobStorage | undefined>,
): Promise<EaiClient> {
  const fromFlag = values.rpc as string | undefined;
  const rpc = fromFlag ?? (env.EAI_RPC_URL || undefined) ?? "http://127.0.0.1:8545";
  const source = fromFlag !== undefined ? "--rpc" : env.EAI_RPC_URL ? "EAI_RPC_URL" : "the default RPC URL";
  if (!rpcUrlSchema.safeParse(rpc).success) {
    throw new UsageError(
      `${source}: ${JSON.stringify(rpc)} is not a valid URL: expected an http(s):// or ws(s):// URL such as http://${rpc.includes(":") && !rpc.includes("//") ? rpc : "127.0.0.1:8545"}`,
    );
  }
  let chainId: number;
  try {
    chainId = await createPublicClient({ transport: http(rpc, { retryCount: 0 }) }).getChainId();
  } catch {
    throw new Error(
      `cannot reach the RPC endpoint ${rpc} (from ${source}): is the node running? npm start's is http://127.0.0.1:8545`,
    );
  }
  const { deployment } = await locateDeployment(chainId, {
    dir: (values.deployments as string | undefined) ?? (env.EAI_DEPLOYMENTS_DIR || undefined),
    file: (values.deployment as string | undefined) ?? (env.EAI_DEPLOYMENT || undefined),
  });
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpc] } },
  });
  const blobStoreUrl = (values["blob-store"] as string | undefined) ?? (env.EAI_BLOB_STORE_URL || undefined);
  if (blobStoreUrl !== undefined && !rpcUrlSchema.safeParse(blobStoreUrl).success) {
    throw new UsageError(
      `--blob-store / EAI_BLOB_STORE_URL: ${JSON.stringify(blobStoreUrl)} is not a valid URL: expected http://host:port`,
    );
  }
  return createEaiClient({
    chain,
    transport: http(rpc),
    account: key ? privateKeyToAccount(key) : undefined,
    deployment,
    blobStoreUrl,
    storage: await storage(),
  });
}
