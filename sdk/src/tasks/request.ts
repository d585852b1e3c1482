/**
 * What a client sends to the protocol, built without any Node.js API so that the SDK client, the CLI and the web
 * app share one implementation: the ZK input blob and its commitment, the `TaskRequest` for `submitTask`, the
 * EIP-2612 permit typed data for `submitTaskWithPermit` (from `permit.ts`), the `TaskSubmitted` event of a receipt, the reward split,
 * and the calldata of a governance proposal that changes one parameter (`ParameterChange`).
 * Depends on viem, zod and the pure ZK modules only (browser-safe: `@eai/sdk/tasks/request`).
 */
import {
  encodeFunctionData,
  keccak256,
  parseEventLogs,
  toBytes,
  toHex,
  type Abi,
  type Address,
  type ContractFunctionArgs,
  type Hex,
  type Log,
} from "viem";
import { z } from "zod";
import type { ProtocolContract } from "../deployments.ts";
import {
  eaiGovernorAbi,
  eaiTimelockAbi,
  eaiTokenAbi,
  groth16VerifierAbi,
  modelRegistryAbi,
  providerRegistryAbi,
  reputationAbi,
  stakingVaultAbi,
  taskMarketAbi,
} from "../generated/abis.ts";
import { EaiError } from "../client/errors.ts";
import { checkInput, quantiseImage } from "../zk/image.ts";
import { writeZkInput } from "../zk/input.ts";
import { SNARK_SCALAR_FIELD } from "../zk/spec.ts";
import type { TaskResources, TaskSpec } from "./spec.ts";

// ─── ZK input ────────────────────────────────────────────────────────────────────────────────────────────

/** ZK input: 49 quantised pixels (0..15) or a 28×28 image (0..255), with the commitment's salt (random if omitted). */
export type ZkTaskInput =
  { x: readonly number[]; salt?: bigint } | { image: Uint8Array | readonly number[]; salt?: bigint };

/** The encoded ZK input: the blob the input URI points to, its Poseidon commitment and what went into both. */
export interface EncodedZkInput {
  /** zk-mlp input v1: UTF-8 JSON `{ "v": 1, "x": [49 integers], "salt": "<decimal>" }` (docs/WORKER.md). */
  blob: Uint8Array;
  /** Poseidon(packed x, salt): the task's `inputCommitment`. */
  commitment: bigint;
  /** The 49 quantised pixels. */
  x: number[];
  salt: bigint;
}

/**
 * A uniformly random element of the BN254 scalar field from `crypto.getRandomValues` (rejection sampling on 254
 * bits, so no value is likelier than another). Used as the salt that makes an input commitment hiding.
 */
export function randomFieldElement(): bigint {
  for (;;) {
    const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
    bytes[0] = (bytes[0] as number) & 0x3f; // keep 254 bits: p > 2^253, so at least half the draws are accepted
    const value = BigInt(toHex(bytes));
    if (value < SNARK_SCALAR_FIELD) return value;
  }
}

/** zk-mlp input v1 (docs/WORKER.md): the blob a ZK task's input URI points to, and its Poseidon commitment. */
export async function encodeZkInput(input: ZkTaskInput): Promise<EncodedZkInput> {
  const x = "x" in input ? checkInput([...input.x]) : quantiseImage(Uint8Array.from(input.image));
  const salt = input.salt ?? randomFieldElement();
  if (salt < 0n || salt >= SNARK_SCALAR_FIELD) {
    throw new RangeError(`salt must be a field element (0 ≤ salt < p), got ${salt}`);
  }
  // Poseidon is loaded on first use: pages that only build proposals or permits stay light.
  const { inputCommitment } = await import("../zk/commitment.ts");
  const commitment = await inputCommitment(x, salt);
  const blob = writeZkInput(x, salt);
  return { blob, commitment, x, salt };
}

// ─── content address of an input blob ────────────────────────────────────────────────────────────────────

/** `eai://blob/sha256-`: the prefix of a blob URI (same value as `BLOB_URI_PREFIX` of `@eai/sdk/storage`, which needs node:crypto). */
export const BLOB_URI_PREFIX = "eai://blob/sha256-";

/**
 * The content address of a blob with WebCrypto (browsers and Node.js): its sha256 as 64 lowercase hex digits,
 * the `eai://blob/sha256-<hex>` URI a task carries, and `uint256(sha256)`, the input commitment of a non-ZK task.
 */
export async function contentAddress(
  bytes: Uint8Array,
): Promise<{ sha256: string; uri: string; commitment: bigint }> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", new Uint8Array(bytes)));
  const sha256 = toHex(digest).slice(2);
  return { sha256, uri: `${BLOB_URI_PREFIX}${sha256}`, commitment: BigInt(`0x${sha256}`) };
}

// ─── task request ────────────────────────────────────────────────────────────────────────────────────────

/** `ITaskMarketTypes.TaskRequest` as viem encodes it (the argument of `submitTask`). */
export type TaskRequest = ContractFunctionArgs<typeof taskMarketAbi, "nonpayable", "submitTask">[0];

export type VerificationModeName = "zk" | "redundant";

/** Seconds a claimant has to deliver when the requester does not say (1 hour). */
export const DEFAULT_EXEC_WINDOW = 3600;
/** Seconds from submission to the task deadline when the requester does not say (1 day). */
export const DEFAULT_DEADLINE_SECONDS = 86_400;

/** Fields of the `Resources` struct that are minimums (all but the region). */
export const RESOURCE_MINIMUM_KEYS = [
  "vramMiB",
  "computeCapability",
  "cpuCores",
  "ramMiB",
  "storageGiB",
  "bandwidthMbps",
  "benchmarkScore",
] as const;

/** The model's minimum raised field by field to the caller's; a caller's non-zero region wins. */
export function mergeResources(model: TaskResources, extra: Partial<TaskResources> = {}): TaskResources {
  const out = { ...model };
  for (const key of RESOURCE_MINIMUM_KEYS) out[key] = Math.max(model[key], extra[key] ?? 0);
  out.region = extra.region ? extra.region : model.region;
  return out;
}

const uint = (name: string, max: number) =>
  z
    .number({ error: `${name}: expected an integer` })
    .int(`${name}: expected an integer`)
    .min(0, `${name}: expected ≥ 0`)
    .max(max, `${name}: expected ≤ ${max}`);

/** zod shape of the on-chain `Resources` struct (field widths as in contracts/types/Resources.sol). */
export const resourcesSchema = z
  .object({
    vramMiB: uint("vramMiB", 2 ** 32 - 1),
    computeCapability: uint("computeCapability", 2 ** 16 - 1),
    cpuCores: uint("cpuCores", 2 ** 16 - 1),
    ramMiB: uint("ramMiB", 2 ** 32 - 1),
    storageGiB: uint("storageGiB", 2 ** 32 - 1),
    bandwidthMbps: uint("bandwidthMbps", 2 ** 32 - 1),
    benchmarkScore: uint("benchmarkScore", 2 ** 32 - 1),
    region: uint("region", 2 ** 16 - 1),
  })
  .strict();

const addressSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address")
  .transform((a) => a as Address);

/** What {@link buildTaskRequest} takes. */
export interface TaskRequestParams {
  modelId: bigint;
  paymentToken: Address;
  /** Reward in payment-token wei. */
  reward: bigint;
  mode: VerificationModeName;
  /** Absolute unix seconds. */
  deadline: number;
  /** Seconds a claimant has to deliver (default {@link DEFAULT_EXEC_WINDOW}). */
  execWindow?: number;
  /** 1 for ZK (the default there); odd ≥ 3 for REDUNDANT (default 3). */
  redundancy?: number;
  /** Minimum provider tier 1..3 (default 1). */
  minTier?: number;
  /** The model's own minimum resources (ModelRegistry); the request must meet them field by field. */
  modelMinResources: TaskResources;
  /** Requirements on top of the model's (the larger of both is used per field). */
  minResources?: Partial<TaskResources>;
  /** ZK: Poseidon commitment below the field; REDUNDANT: any non-zero hash (the SDK uses uint256(sha256(blob))). */
  inputCommitment: bigint;
  /** Where the input blob is, e.g. `eai://blob/sha256-<hex>`. */
  inputURI: string;
}

const requestParamsSchema = z
  .object({
    modelId: z
      .bigint()
      .min(1n, "modelId: expected a model id ≥ 1")
      .max(2n ** 64n - 1n, "modelId: expected < 2^64"),
    paymentToken: addressSchema,
    reward: z
      .bigint()
      .min(1n, "reward: expected a positive amount")
      .max(2n ** 128n - 1n, "reward: expected < 2^128"),
    mode: z.enum(["zk", "redundant"]),
    deadline: uint("deadline", 2 ** 40 - 1),
    execWindow: uint("execWindow", 2 ** 32 - 1)
      .min(1, "execWindow: expected ≥ 1 second")
      .optional(),
    redundancy: uint("redundancy", 255).optional(),
    minTier: uint("minTier", 3).min(1, "minTier: expected 1, 2 or 3").optional(),
    modelMinResources: resourcesSchema,
    minResources: resourcesSchema.partial().optional(),
    inputCommitment: z
      .bigint()
      .min(1n, "inputCommitment: expected a non-zero commitment")
      .max(2n ** 256n - 1n, "inputCommitment: expected < 2^256"),
    inputURI: z.string().min(1, "inputURI: required"),
  })
  .superRefine((p, ctx) => {
    const redundancy = p.redundancy ?? (p.mode === "zk" ? 1 : 3);
    if (p.mode === "zk" && redundancy !== 1) {
      ctx.addIssue({ code: "custom", path: ["redundancy"], message: "a ZK task has redundancy 1" });
    }
    if (p.mode === "redundant" && (redundancy < 3 || redundancy % 2 === 0)) {
      ctx.addIssue({
        code: "custom",
        path: ["redundancy"],
        message: "a REDUNDANT task needs an odd redundancy ≥ 3",
      });
    }
    if (p.mode === "zk" && p.inputCommitment >= SNARK_SCALAR_FIELD) {
      ctx.addIssue({
        code: "custom",
        path: ["inputCommitment"],
        message: "a ZK input commitment must be below the BN254 scalar field",
      });
    }
  });

/** Turns a zod failure into an `invalid-argument` EaiError that names every bad field. */
export function invalidArgument(what: string, error: z.ZodError): EaiError {
  const issues = error.issues
    .map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`)
    .join("; ");
  return new EaiError("invalid-argument", `${what}: ${issues}`);
}

/**
 * The `TaskRequest` for `submitTask`/`submitTaskWithPermit`, with the defaults the SDK documents and the model's
 * minimum resources merged in. Checks what the market would reject for the request alone (redundancy, tier,
 * commitment range); the deadline against the governed windows is checked by {@link earliestDeadline}.
 * @throws EaiError `invalid-argument` naming each bad field.
 */
export function buildTaskRequest(params: TaskRequestParams): TaskRequest {
  const parsed = requestParamsSchema.safeParse(params);
  if (!parsed.success) throw invalidArgument("task request", parsed.error);
  const p = parsed.data;
  return {
    modelId: p.modelId,
    paymentToken: p.paymentToken,
    reward: p.reward,
    deadline: p.deadline,
    execWindow: p.execWindow ?? DEFAULT_EXEC_WINDOW,
    mode: p.mode === "zk" ? 0 : 1,
    redundancy: p.redundancy ?? (p.mode === "zk" ? 1 : 3),
    minTier: p.minTier ?? 1,
    minResources: mergeResources(p.modelMinResources, p.minResources),
    inputCommitment: p.inputCommitment,
    inputURI: p.inputURI,
  };
}

/**
 * The earliest deadline the market accepts for a task submitted at `now` (TaskMarket._buildSpec):
 * `now + priorityWindow + execWindow (+ revealWindow for REDUNDANT)`.
 */
export function earliestDeadline(
  now: number,
  execWindow: number,
  mode: VerificationModeName,
  params: { priorityWindow: number; revealWindow: number },
): number {
  return now + params.priorityWindow + execWindow + (mode === "redundant" ? params.revealWindow : 0);
}

/** Shares of a completed task's reward (TaskMarket._creditPayouts): the treasury gets the rounding dust. */
export interface RewardSplit {
  perProvider: bigint;
  providerTotal: bigint;
  creator: bigint;
  treasury: bigint;
}

/** How `reward` is credited when `winners` providers complete a task under the given fee split. */
export function rewardSplit(
  reward: bigint,
  fees: { providerBps: number; creatorBps: number },
  winners = 1,
): RewardSplit {
  if (!Number.isInteger(winners) || winners < 1) throw new RangeError(`winners must be ≥ 1, got ${winners}`);
  const perProvider = (reward * BigInt(fees.providerBps)) / 10_000n / BigInt(winners);
  const providerTotal = perProvider * BigInt(winners);
  const creator = (reward * BigInt(fees.creatorBps)) / 10_000n;
  return { perProvider, providerTotal, creator, treasury: reward - providerTotal - creator };
}

/** The task a `submitTask*` receipt created: its id, spec and input URI (from the market's `TaskSubmitted`). */
export function submittedTaskFromLogs(
  logs: readonly Log[],
  market: Address,
): { taskId: bigint; spec: TaskSpec; inputURI: string } | null {
  const [event] = parseEventLogs({ abi: taskMarketAbi, logs: [...logs], eventName: "TaskSubmitted" }).filter(
    (l) => l.address.toLowerCase() === market.toLowerCase(),
  );
  if (!event) return null;
  return { taskId: event.args.taskId, spec: event.args.spec, inputURI: event.args.inputURI };
}

// ─── EIP-2612 permit: see permit.ts (kept separate so pages that only sign permits stay light) ─────────────

export { PERMIT_TYPES, permitSignatureParts, permitTypedData } from "./permit.ts";
export type { Eip712DomainResult, PermitMessage } from "./permit.ts";

// ─── governance: one parameter change per proposal ───────────────────────────────────────────────────────

/** ABI of each protocol contract, by deployment name. */
export const PROTOCOL_ABIS = {
  EAIToken: eaiTokenAbi,
  EAITimelock: eaiTimelockAbi,
  EAIGovernor: eaiGovernorAbi,
  StakingVault: stakingVaultAbi,
  ProviderRegistry: providerRegistryAbi,
  ModelRegistry: modelRegistryAbi,
  Reputation: reputationAbi,
  TaskMarket: taskMarketAbi,
  MnistMlpVerifier: groth16VerifierAbi,
} as const satisfies Record<ProtocolContract, Abi>;

/** Contracts a proposal may call (every one the timelock administers). */
export type GovernedContract = Exclude<ProtocolContract, "MnistMlpVerifier">;

/** One governed call: `contract.functionName(...args)` executed by the timelock. */
export interface ParameterChange {
  contract: GovernedContract;
  functionName: string;
  args: readonly unknown[];
  description: string;
}

/** The arguments of `Governor.propose` (and, with the description hash, of `queue`/`execute`). */
export interface EncodedProposal {
  targets: Address[];
  values: bigint[];
  calldatas: Hex[];
  description: string;
  /** keccak256 of the description: what `queue` and `execute` take. */
  descriptionHash: Hex;
}

/**
 * Encodes a parameter change as a single-call proposal (value 0) to the contract's address in `addresses`.
 * @throws EaiError `invalid-argument` for an unknown contract or function, arguments that do not fit the ABI, or
 *         an empty description.
 */
export function encodeParameterChange(
  change: ParameterChange,
  addresses: Partial<Record<ProtocolContract, Address>>,
): EncodedProposal {
  const abi = (PROTOCOL_ABIS as Record<string, Abi | undefined>)[change.contract];
  if (!abi || change.contract === ("MnistMlpVerifier" as string)) {
    throw new EaiError("invalid-argument", `parameter change: contract: unknown ${String(change.contract)}`);
  }
  if (!change.description.trim()) {
    throw new EaiError("invalid-argument", "parameter change: description: required");
  }
  const target = addresses[change.contract];
  if (!target) {
    throw new EaiError("invalid-argument", `parameter change: no address for ${change.contract}`);
  }
  let calldata: Hex;
  try {
    calldata = encodeFunctionData({ abi, functionName: change.functionName, args: change.args });
  } catch (err) {
    const reason = (err as { shortMessage?: string }).shortMessage ?? (err as Error).message;
    throw new EaiError(
      "invalid-argument",
      `parameter change: ${change.contract}.${change.functionName}: ${reason.split("\n")[0]}`,
    );
  }
  return {
    targets: [target],
    values: [0n],
    calldatas: [calldata],
    description: change.description,
    descriptionHash: keccak256(toBytes(change.description)),
  };
}

/** Proposal states in `IGovernor.ProposalState` order. */
export const PROPOSAL_STATES = [
  "Pending",
  "Active",
  "Canceled",
  "Defeated",
  "Succeeded",
  "Queued",
  "Expired",
  "Executed",
] as const;
export type ProposalStateName = (typeof PROPOSAL_STATES)[number];

export type VoteSupport = "against" | "for" | "abstain";

/** `GovernorCountingSimple` support codes. */
export const VOTE_SUPPORT: Record<VoteSupport, 0 | 1 | 2> = { against: 0, for: 1, abstain: 2 };
