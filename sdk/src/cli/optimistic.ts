/**
 * `eai optimistic submit|status|challenge|settle|credits|withdraw` and `eai dispute show|follow|resolve`: OPTIMISTIC
 * tasks and their disputes from the CLI (sdk/src/optimistic/). Kept apart from main.ts, which lists these groups;
 * the shapes below are the subset of main.ts's Command and Context they use (as rewards.ts).
 */
import { readFile } from "node:fs/promises";
import type { ParseArgsConfig } from "node:util";
import { parseEther, type Address } from "viem";
import { z } from "zod";

import type { EaiClient } from "../client/client.ts";
import { clockTime, formatEai } from "../client/explain.ts";
import {
  optimisticFrom,
  type DisputeEvent,
  type DisputeInfo,
  type OptimisticClient,
  type OptimisticTask,
} from "../optimistic/index.ts";
import { httpStorage, type BlobStorage } from "../storage/index.ts";
import { openCliStorage, StorageFlagError } from "./storage.ts";

export interface OptimisticContext {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  env: NodeJS.ProcessEnv;
  io: { out: (line: string) => void; err: (line: string) => void };
  client: () => Promise<EaiClient>;
  now: () => number;
}

export interface OptimisticCommand {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  sends?: boolean | ((values: OptimisticContext["values"]) => boolean);
  run: (ctx: OptimisticContext) => Promise<unknown>;
}

class OptimisticUsageError extends Error {
  override name = "UsageError";
}

/** Parses `value` with `schema`; a failure is a usage error naming `what` (exit 2, before the chain is asked). */
function arg<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new OptimisticUsageError(
      `${what}: ${r.error.issues[0]?.message ?? "invalid"}${value === undefined ? "" : `, got ${JSON.stringify(value)}`}`,
    );
  return r.data;
}

const idArg = z
  .string({ error: "is required" })
  .regex(/^\d+$/, "expected a decimal integer")
  .transform((v) => BigInt(v))
  .refine((v) => v >= 1n, "expected an id ≥ 1");

const eaiArg = z
  .string({ error: "is required" })
  .trim()
  .refine((v) => !v.startsWith("-"), "expected a positive amount in EAI, not a negative one")
  .refine((v) => /^\d+(\.\d{1,18})?$/.test(v), "expected an amount in EAI like 1.5 (at most 18 decimals)")
  .transform((v) => parseEther(v))
  .refine((v) => v > 0n, "expected more than 0 EAI");

const tierArg = z
  .string()
  .regex(/^[123]$/, "expected 1, 2 or 3")
  .transform(Number)
  .optional();

const secondsArg = z
  .string()
  .regex(/^\d+$/, "expected a whole number of seconds")
  .transform(Number)
  .optional();

const msArg = z
  .string()
  .regex(/^\d+$/, "expected a whole number of milliseconds")
  .transform(Number)
  .optional();

const addressArg = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address")
  .transform((v) => v as Address)
  .optional();

/** unix seconds, an ISO date or a duration from chain time (90s, 30m, 2h, 1d). */
async function deadlineArg(value: unknown, chainNow: () => Promise<number>): Promise<number | undefined> {
  if (value === undefined) return undefined;
  const v = arg(z.string(), value, "--deadline");
  if (/^\d+$/.test(v)) return Number(v);
  const d = /^(\d+)(s|m|min|h|d)$/.exec(v);
  if (d) return (await chainNow()) + Number(d[1]) * { s: 1, m: 60, min: 60, h: 3600, d: 86_400 }[d[2] as "s"];
  const ms = Date.parse(v);
  if (/^\d{4}-\d{2}-\d{2}/.test(v) && Number.isFinite(ms)) return Math.floor(ms / 1000);
  throw new OptimisticUsageError(
    `--deadline: expected unix seconds, an ISO date (2026-12-02T10:00:00Z) or a duration (30m, 2h, 1d), got ${JSON.stringify(v)}`,
  );
}

async function optimisticOf(ctx: OptimisticContext, storage?: BlobStorage): Promise<OptimisticClient> {
  return optimisticFrom(await ctx.client(), { storage });
}

/** The storage the flags select, else the HTTP blob store of --blob-store / EAI_BLOB_STORE_URL. */
async function cliStorage(ctx: OptimisticContext): Promise<{ storage: BlobStorage; close: boolean }> {
  const opened = await openCliStorage(ctx.values, ctx.env).catch((e: unknown) => {
    throw e instanceof StorageFlagError ? new OptimisticUsageError(e.message) : e;
  });
  if (opened) return { storage: opened, close: true };
  const url = (ctx.values["blob-store"] as string | undefined) ?? (ctx.env.EAI_BLOB_STORE_URL || undefined);
  if (!url)
    throw new OptimisticUsageError(
      "eai optimistic submit needs the blob store: set EAI_BLOB_STORE_URL or pass --blob-store (npm start's is http://127.0.0.1:8787)",
    );
  return { storage: httpStorage(url), close: false };
}

/** A task for output: the fields a requester reads, in order. */
function taskView(t: OptimisticTask) {
  return {
    taskId: t.taskId,
    status: t.status,
    phase: t.phase,
    requester: t.requester,
    provider: t.provider ?? "none yet",
    modelId: t.modelId,
    reward: t.reward,
    bond: t.bond,
    challengeBond: t.challengeBond,
    deadline: t.deadline,
    challengeEnds: t.challengeEnds,
    challengeOpen: t.challengeOpen,
    result: t.result ? { hash: t.result.hash, uri: t.result.uri ?? "unknown" } : "none yet",
    audit: {
      state: t.audit.state,
      words: t.audit.words,
      deadline: t.audit.deadline,
      auditor: t.audit.auditor ?? "none",
    },
    disputeId: t.disputeId ?? "none",
    inputURI: t.inputURI ?? "unknown",
  };
}

/** One line per dispute event (progress of `eai dispute follow`). */
export function eventLine(e: DisputeEvent): string {
  switch (e.kind) {
    case "opened":
      return `dispute ${e.disputeId} opened on task ${e.taskId} by ${e.challenger} (bond ${formatEai(e.challengeBond)})`;
    case "round-started":
      return `jury round ${e.round + 1} started (seed block ${e.seedBlock})`;
    case "seat-taken":
      return `round ${e.round + 1}: ${e.juror} took seat ${e.draw} (${e.votes} vote${e.votes === 1 ? "" : "s"})`;
    case "vote-committed":
      return `round ${e.round + 1}: ${e.juror} committed its vote`;
    case "vote-revealed":
      return `round ${e.round + 1}: ${e.juror} revealed ${e.result}`;
    case "juror-penalized":
      return `round ${e.round + 1}: ${e.juror} forfeited ${formatEai(e.amount)} (${e.revealed ? "minority vote" : "did not reveal"})`;
    case "round-failed":
      return `round ${e.round + 1} failed: no majority; a new jury is drawn`;
    case "credited":
      return `${e.account} credited ${formatEai(e.amount)}`;
    case "resolved":
      return `resolved: ${e.verdict} (winner +${formatEai(e.toWinner)}, jurors ${formatEai(e.toJurors)}, treasury ${formatEai(e.toTreasury)})`;
  }
}

function disputeView(d: DisputeInfo) {
  return {
    disputeId: d.disputeId,
    taskId: d.taskId,
    open: d.open,
    phase: d.phase,
    provider: d.provider,
    challenger: d.challenger,
    requester: d.requester,
    byAuditor: d.byAuditor,
    providerBond: d.providerBond,
    challengeBond: d.challengeBond,
    providerResult: d.providerResult,
    round: d.round + 1,
    maxRounds: d.maxRounds,
    seats: `${d.drawsTaken}/${d.jurySize}`,
    commits: d.commits,
    reveals: d.reveals,
    voteEnds: d.voteEnds,
    revealEnds: d.revealEnds,
    rounds: d.rounds.map((r) => ({
      round: r.round + 1,
      roundStart: r.roundStart,
      failed: r.failed,
      jurors: r.jurors.map((j) => ({
        juror: j.juror,
        votes: j.votes,
        committed: j.committed,
        revealed: j.result ?? "not yet",
      })),
    })),
    verdict: d.verdict
      ? {
          verdict: d.verdict.verdict,
          majorityResult: d.verdict.majorityResult ?? "none",
          toWinner: d.verdict.toWinner,
          toJurors: d.verdict.toJurors,
          toTreasury: d.verdict.toTreasury,
          txHash: d.verdict.txHash,
        }
      : "pending",
  };
}

const taskPositional = (ctx: OptimisticContext) => arg(idArg, ctx.positionals[0], "TASK_ID");

export const OPTIMISTIC_COMMANDS: Record<string, OptimisticCommand> = {
  submit: {
    summary: "upload an input and post an OPTIMISTIC task (one bonded provider, challengeable)",
    usage: `eai optimistic submit --model ID --reward EAI --input FILE [--deadline WHEN] [--min-tier N] [--wait]
  --input FILE      the raw input bytes (uploaded to the blob store; the commitment is their sha256)
  --reward EAI      the reward, escrowed by the OptimisticMarket (approved first)
  --deadline WHEN   result due by: unix seconds, an ISO date or a duration (30m, 2h, 1d); default 1d, at most 30d
  --min-tier N      lowest provider tier 1..3 (default 1)
  --wait            wait until the task is final, settling it once its challenge window is over
  --timeout S       with --wait: give up after S seconds (default 3600)`,
    options: {
      model: { type: "string" },
      reward: { type: "string" },
      input: { type: "string" },
      deadline: { type: "string" },
      "min-tier": { type: "string" },
      wait: { type: "boolean" },
      timeout: { type: "string" },
    },
    sends: true,
    run: async (ctx) => {
      const model = arg(idArg, ctx.values.model, "--model");
      const reward = arg(eaiArg, ctx.values.reward, "--reward");
      const file = arg(z.string({ error: "is required" }).min(1, "is required"), ctx.values.input, "--input");
      const minTier = arg(tierArg, ctx.values["min-tier"], "--min-tier");
      const timeout = arg(secondsArg, ctx.values.timeout, "--timeout") ?? 3600;
      const input = new Uint8Array(
        await readFile(file).catch((err: NodeJS.ErrnoException) => {
          throw new Error(`--input: cannot read ${file}: ${err.code ?? err.message}`);
        }),
      );
      const { storage, close } = await cliStorage(ctx);
      try {
        const opt = await optimisticOf(ctx, storage);
        const chainNow = async () =>
          Number((await opt.publicClient.getBlock({ blockTag: "latest" })).timestamp);
        const deadline = await deadlineArg(ctx.values.deadline, chainNow);
        const posted = await opt.postTask({ model, reward, input, deadline, minTier });
        if (!ctx.values.wait) return posted;
        ctx.io.err(`eai: posted OPTIMISTIC task ${posted.taskId} (${posted.txHash})`);
        const final = await waitVerbose(ctx, opt, posted.taskId, timeout);
        return { ...posted, outcome: taskView(final) };
      } finally {
        if (close) await storage.close();
      }
    },
  },
  status: {
    summary: "an OPTIMISTIC task: status, result, challenge window, audit, dispute",
    usage: `eai optimistic status TASK_ID [--wait] [--settle] [--timeout S]
  --wait      poll until the task is final (progress lines on stderr)
  --settle    with --wait: settle it once its challenge window is over (sends; needs --key)
  --timeout S with --wait: give up after S seconds (default 3600)`,
    options: { wait: { type: "boolean" }, settle: { type: "boolean" }, timeout: { type: "string" } },
    sends: (values) => values.settle === true,
    run: async (ctx) => {
      const taskId = taskPositional(ctx);
      const timeout = arg(secondsArg, ctx.values.timeout, "--timeout") ?? 3600;
      const opt = await optimisticOf(ctx);
      if (!ctx.values.wait) return taskView(await opt.getTask(taskId));
      return taskView(await waitVerbose(ctx, opt, taskId, timeout, ctx.values.settle === true));
    },
  },
  challenge: {
    summary: "challenge a posted result within its window (bonded; a jury decides)",
    usage: `eai optimistic challenge TASK_ID [--check]
  Approves the challenge bond to the OptimisticMarket (it moves it to the DisputeManager) and opens a dispute.
  The requester may always challenge; other challengers must be staked providers of the governed tier.
  A challenge the jury rejects loses its bond (to the provider, the jurors and the treasury).
  --check        only say whether the key's account may challenge now, and the bond (sends nothing)
  --as ADDRESS   with --check: for this account instead (no key needed)`,
    options: { check: { type: "boolean" }, as: { type: "string" } },
    sends: (values) => !(values.check === true && values.as !== undefined),
    run: async (ctx) => {
      const taskId = taskPositional(ctx);
      const opt = await optimisticOf(ctx);
      const as = arg(addressArg, ctx.values.as, "--as");
      if (as && !ctx.values.check) throw new OptimisticUsageError("--as: only with --check");
      if (ctx.values.check) {
        const c = await opt.canChallenge(taskId, as);
        return c.ok
          ? { taskId, canChallenge: true, bond: c.bond }
          : { taskId, canChallenge: false, reason: c.reason, bond: c.bond };
      }
      const r = await opt.challenge(taskId);
      ctx.io.err(`eai: follow it with: eai dispute follow ${r.disputeId}`);
      return r;
    },
  },
  settle: {
    summary: "settle an OPTIMISTIC task after its challenge window (or refund an expired one)",
    usage: `eai optimistic settle TASK_ID
  Anyone may settle. The first settle may draw a random audit instead; the task then settles after the audit.`,
    options: {},
    sends: true,
    run: async (ctx) => (await optimisticOf(ctx)).settle(taskPositional(ctx)),
  },
  credits: {
    summary: "OPTIMISTIC credits of an account in the OptimisticMarket and the DisputeManager",
    usage: `eai optimistic credits [ADDRESS]
  ADDRESS   default: the key's account`,
    options: {},
    run: async (ctx) => {
      const who = arg(addressArg, ctx.positionals[0], "ADDRESS");
      const c = await (await optimisticOf(ctx)).credits(who);
      return { account: c.account, marketCredit: c.market, disputeCredit: c.disputes };
    },
  },
  withdraw: {
    summary: "withdraw OPTIMISTIC credits from the OptimisticMarket and the DisputeManager",
    usage: `eai optimistic withdraw
  Pulls the key's credits from both contracts (payments, refunds, won bonds, juror rewards), each if non-zero.`,
    options: {},
    sends: true,
    run: async (ctx) => {
      const w = await (await optimisticOf(ctx)).withdraw();
      return {
        account: w.account,
        amount: w.amount,
        market: w.market ?? "nothing",
        disputes: w.disputes ?? "nothing",
      };
    },
  },
};

const disputePositional = (ctx: OptimisticContext) => arg(idArg, ctx.positionals[0], "DISPUTE_ID");

/** `--task N` instead of DISPUTE_ID: the dispute of that task. */
async function disputeIdOf(ctx: OptimisticContext, opt: OptimisticClient): Promise<bigint> {
  if (ctx.values.task === undefined) return disputePositional(ctx);
  const taskId = arg(idArg, ctx.values.task, "--task");
  const id = await opt.disputeOfTask(taskId);
  if (id === null) throw new Error(`OPTIMISTIC task ${taskId} has not been challenged: it has no dispute`);
  return id;
}

export const DISPUTE_COMMANDS: Record<string, OptimisticCommand> = {
  show: {
    summary: "a dispute: parties, bonds, jury rounds, commits and reveals, deadlines, verdict",
    usage: `eai dispute show DISPUTE_ID | --task TASK_ID`,
    options: { task: { type: "string" } },
    run: async (ctx) => {
      const opt = await optimisticOf(ctx);
      return disputeView(await opt.getDispute(await disputeIdOf(ctx, opt)));
    },
  },
  follow: {
    summary: "follow a dispute until it is resolved, one line per event",
    usage: `eai dispute follow DISPUTE_ID | --task TASK_ID [--timeout S] [--poll MS]
  Prints each event (seat taken, vote committed, vote revealed, round failed, resolved) on stderr as it lands,
  then the resolved dispute. --timeout S: give up after S seconds (default 3600). --poll MS (default 2000).`,
    options: { task: { type: "string" }, timeout: { type: "string" }, poll: { type: "string" } },
    run: async (ctx) => {
      const timeout = arg(secondsArg, ctx.values.timeout, "--timeout") ?? 3600;
      const poll = arg(msArg, ctx.values.poll, "--poll") ?? 2000;
      const opt = await optimisticOf(ctx);
      const id = await disputeIdOf(ctx, opt);
      const d = await opt.followDispute(id, {
        timeoutMs: timeout * 1000,
        pollMs: poll,
        onEvent: (e) => ctx.io.err(`eai: ${clockTime(ctx.now())} ${eventLine(e)}`),
      });
      return disputeView(d);
    },
  },
  resolve: {
    summary: "tally a dispute round once its reveals are in or over (anyone may)",
    usage: `eai dispute resolve DISPUTE_ID`,
    options: {},
    sends: true,
    run: async (ctx) => {
      const r = await (await optimisticOf(ctx)).resolveDispute(disputePositional(ctx));
      return { ...disputeView(r), txHash: r.txHash };
    },
  },
};

/** Polls a task until it is final, one progress line per change on stderr. */
async function waitVerbose(
  ctx: OptimisticContext,
  opt: OptimisticClient,
  taskId: bigint,
  timeoutS: number,
  settle = true,
): Promise<OptimisticTask> {
  return opt.waitForOutcome(taskId, {
    timeoutMs: timeoutS * 1000,
    settle,
    onProgress: (t, changed) => {
      if (changed) ctx.io.err(`eai: ${clockTime(ctx.now())} task ${taskId} is ${t.status}: ${t.phase}`);
    },
  });
}
