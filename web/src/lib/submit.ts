/**
 * The submit page's data and rules: the models list from the indexer, validation of the form, and the upload of
 * the input blob through the app's own `/api/blobs/<sha256>` route (content-addressed, so the store checks the
 * bytes against the name).
 */
import { z } from "zod";
import {
  RESOURCE_MINIMUM_KEYS,
  contentAddress,
  earliestDeadline,
  type VerificationModeName,
} from "@eai/sdk/tasks/request";
import { formatDuration, formatToken } from "./format.ts";
import { knownModelOf, modelName } from "./model-names.ts";
import type { LeaderboardEntry, ResourcesView } from "./indexer-views.ts";
import { parseInteger, parseScaled, parseTokenAmount, type Parsed } from "./form-values.ts";

/** Largest input the app's blob route accepts (web/src/app/api/blobs: 4 MiB). */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

const resourcesSchema = z.object({
  vramMiB: z.number().int(),
  computeCapability: z.number().int(),
  cpuCores: z.number().int(),
  ramMiB: z.number().int(),
  storageGiB: z.number().int(),
  bandwidthMbps: z.number().int(),
  benchmarkScore: z.number().int(),
  region: z.number().int(),
});

export const MODEL_KINDS = ["ZK_MLP", "ONNX", "WASM"] as const;
export type ModelKindName = (typeof MODEL_KINDS)[number];

/** GraphQL: every model, oldest first (the registry grows slowly; 200 is plenty for a select). */
export const MODELS_QUERY = `query Models {
  models(orderBy: "id", orderDirection: "asc", limit: 200) {
    items { id kind active inputSize outputSize minResources creator artifactUri }
  }
}`;

export const modelsSchema = z.object({
  models: z.object({
    items: z.array(
      z.object({
        id: z.string().regex(/^\d+$/),
        kind: z.enum(MODEL_KINDS),
        active: z.boolean(),
        inputSize: z.number().int(),
        outputSize: z.number().int(),
        minResources: resourcesSchema,
        creator: z.string(),
        artifactUri: z.string(),
      }),
    ),
  }),
});
export type ModelRow = z.infer<typeof modelsSchema>["models"]["items"][number];

/** What the select shows for a model: name, id, kind and what it does (`model-names.ts`). */
export function modelLabel(model: ModelRow): string {
  const known = knownModelOf(model.artifactUri);
  const what =
    known?.description ??
    (model.kind === "ZK_MLP" ? "ZK-proven" : `${model.kind} model, checked by redundant providers`);
  return `${modelName(model)} · #${model.id} (${what}; ${model.inputSize} inputs → ${model.outputSize} outputs)`;
}

/** The verification mode a model's tasks use here: ZK for ZK_MLP models, REDUNDANT for the others. */
export function modeOf(kind: ModelKindName): VerificationModeName {
  return kind === "ZK_MLP" ? "zk" : "redundant";
}

/** Raw form values (strings as typed). */
export interface SubmitFormValues {
  reward: string;
  deadlineHours: string;
  execMinutes: string;
  redundancy: string;
  minTier: string;
}

/** What the chain says about the rules right now (governed parameters and the account). */
export interface SubmitContext {
  mode: VerificationModeName;
  priorityWindow: number;
  revealWindow: number;
  maxRedundancy: number;
  /** TaskMarket.marketParams().maxTaskLifetime: the latest deadline after submission, when known. */
  maxTaskLifetime?: number;
  /** EAI balance of the account, when known. */
  balance?: bigint;
}

export interface ParsedSubmitForm {
  reward: bigint;
  /** Seconds from now to the deadline. */
  deadlineIn: number;
  execWindow: number;
  redundancy: number;
  minTier: number;
}

export type SubmitFieldErrors = Partial<Record<keyof SubmitFormValues, string>>;

/** Seconds of slack between reading the clock and the block that includes the submission. */
export const DEADLINE_SLACK_SECONDS = 120;

/**
 * Validates the form against the market's rules: a positive reward within the balance, an execution window, an
 * odd redundancy ≥ 3 up to the governed maximum (REDUNDANT), a tier 1–3, and a deadline far enough out for the
 * priority window, the execution window and (REDUNDANT) the reveal window.
 */
export function parseSubmitForm(
  values: SubmitFormValues,
  ctx: SubmitContext,
): { ok: true; value: ParsedSubmitForm } | { ok: false; errors: SubmitFieldErrors } {
  const errors: SubmitFieldErrors = {};
  const take = <T>(key: keyof SubmitFormValues, parsed: Parsed<T>): T | undefined => {
    if (parsed.error !== undefined) errors[key] = parsed.error;
    return parsed.value;
  };
  const reward = take(
    "reward",
    parseTokenAmount(values.reward, { max: ctx.balance, maxLabel: "your balance" }),
  );
  const execMinutes = take(
    "execMinutes",
    parseScaled(values.execMinutes, "the execution window", 60, 60, 2 ** 32 - 1, "min"),
  );
  const minTier = take("minTier", parseInteger(values.minTier, "the minimum tier", 1, 3));
  let redundancy = 1;
  if (ctx.mode === "redundant") {
    const r = take("redundancy", parseInteger(values.redundancy, "the redundancy", 3, ctx.maxRedundancy));
    if (r !== undefined && r % 2 === 0)
      errors.redundancy = "The redundancy must be odd (a strict majority decides).";
    else if (r !== undefined) redundancy = r;
  }
  const deadlineIn = take(
    "deadlineHours",
    parseScaled(values.deadlineHours, "the deadline", 3600, 60, 365 * 86_400, "hours"),
  );
  if (deadlineIn !== undefined && execMinutes !== undefined) {
    const needed = earliestDeadline(0, execMinutes, ctx.mode, ctx) + DEADLINE_SLACK_SECONDS;
    if (deadlineIn < needed) {
      errors.deadlineHours = `The deadline must leave at least ${formatDuration(needed)}: the priority window, the execution window${ctx.mode === "redundant" ? ", the reveal window" : ""} and 2 minutes of slack.`;
    } else if (
      ctx.maxTaskLifetime !== undefined &&
      deadlineIn > ctx.maxTaskLifetime - DEADLINE_SLACK_SECONDS
    ) {
      const latest = Math.max(0, ctx.maxTaskLifetime - DEADLINE_SLACK_SECONDS);
      errors.deadlineHours = `The deadline can be at most ${formatDuration(latest)} from now: the market's maximum task lifetime is ${formatDuration(ctx.maxTaskLifetime)} (less 2 minutes of slack).`;
    }
  }
  if (
    Object.keys(errors).length > 0 ||
    reward === undefined ||
    execMinutes === undefined ||
    minTier === undefined ||
    deadlineIn === undefined
  ) {
    return { ok: false, errors };
  }
  return { ok: true, value: { reward, deadlineIn, execWindow: execMinutes, redundancy, minTier } };
}

/** A stored input blob: where it is (`eai://blob/sha256-…`) and its uint256(sha256) commitment. */
export interface UploadedInput {
  sha256: string;
  uri: string;
  commitment: bigint;
  size: number;
}

const storedSchema = z.object({ sha256: z.string(), size: z.number() });

/**
 * Uploads `bytes` with `PUT /api/blobs/<sha256>` (the app's proxy to the blob store) and checks the store's
 * acknowledgement names the same hash and size.
 * @throws Error with the store's message when the upload fails.
 */
export async function uploadInput(
  bytes: Uint8Array,
  fetchImpl: typeof fetch = fetch,
): Promise<UploadedInput> {
  if (bytes.byteLength === 0) throw new Error("The input is empty.");
  if (bytes.byteLength > MAX_INPUT_BYTES) {
    throw new Error(`The input is ${bytes.byteLength} bytes; the limit is ${MAX_INPUT_BYTES} bytes (4 MiB).`);
  }
  const ref = await contentAddress(bytes);
  let res: Response;
  try {
    res = await fetchImpl(`/api/blobs/${ref.sha256}`, {
      method: "PUT",
      body: new Uint8Array(bytes),
      headers: { "content-type": "application/octet-stream" },
    });
  } catch (err) {
    throw new Error(`Uploading the input failed: ${(err as Error).message}`);
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: reported below
  }
  if (!res.ok) {
    const message =
      body && typeof body === "object" && "error" in body && typeof body.error === "string"
        ? body.error
        : text.slice(0, 200);
    throw new Error(`Uploading the input failed (HTTP ${res.status}): ${message}`);
  }
  const stored = storedSchema.safeParse(body);
  if (!stored.success || stored.data.sha256 !== ref.sha256 || stored.data.size !== bytes.byteLength) {
    throw new Error(
      `The blob store acknowledged a different blob than the one uploaded (${text.slice(0, 200)}).`,
    );
  }
  return { ...ref, size: bytes.byteLength };
}

/** The shortest execution window a task on the model may ask for: the market's and the model's minimum. */
export function minimumExecWindow(marketMin: number, modelMin: number): number {
  return Math.max(marketMin, modelMin);
}

/** The execution window the form proposes (minutes): an hour, or the minimum when that is longer. */
export function defaultExecMinutes(minExecWindow: number): string {
  return String(Math.max(60, Math.ceil(minExecWindow / 60)));
}

/**
 * Whether the task's outcome will move reputation, as the market decides at submission (TaskSpec.rated): the model
 * is approved by governance and the reward is worth at least the governed `minRatedValue` (in EAI wei at the
 * payment token's bond rate).
 */
export function ratedStatus(p: {
  approved: boolean;
  rewardValue: bigint | undefined;
  minRatedValue: bigint;
}): { rated: true } | { rated: false; reason: string } | undefined {
  if (!p.approved) return { rated: false, reason: "the model is not approved by governance" };
  if (p.rewardValue === undefined) return undefined;
  if (p.rewardValue < p.minRatedValue) {
    return {
      rated: false,
      reason: `the reward is worth ${formatToken(p.rewardValue)}, below the governed minimum of ${formatToken(p.minRatedValue)} for rated tasks`,
    };
  }
  return { rated: true };
}

/** The reward's worth in EAI wei at the payment token's bond rate (TaskMarket: reward × eaiPerToken / 1e18). */
export function rewardValueOf(reward: bigint, eaiPerToken: bigint): bigint {
  return (reward * eaiPerToken) / 10n ** 18n;
}

/**
 * How many providers the indexer's leaderboard says could claim a task now: registered and active, eligible (not
 * suspended or banned), of tier `minTier` or higher, with at least the market's minimum stake, and resources meeting
 * `minResources` field by field (a region requirement must match exactly). Undefined when the list is incomplete
 * (`total` above the entries) and too short to say, so no warning is based on a partial count.
 */
export function countEligibleProviders(
  board: { total: number; providers: readonly LeaderboardEntry[] },
  need: { minTier: number; minResources: ResourcesView; minProviderStake: bigint },
  enough?: number,
): number | undefined {
  let count = 0;
  for (const p of board.providers) {
    if (!p.registered || !p.active) continue;
    const r = p.reputation;
    if (!r.eligible || r.suspended || r.banned || r.tier < need.minTier) continue;
    const stake = BigInt(p.stake.active);
    if (stake === 0n || stake < need.minProviderStake) continue;
    const have = p.profile.resources;
    const fits = RESOURCE_MINIMUM_KEYS.every((k) => (have[k] ?? 0) >= need.minResources[k]);
    const region = need.minResources.region === 0 || have.region === need.minResources.region;
    if (fits && region) count += 1;
  }
  if (board.total > board.providers.length && (enough === undefined || count < enough)) return undefined;
  return count;
}
