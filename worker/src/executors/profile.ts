/**
 * Execution profiles and the canonical form of results (docs/WORKER.md, "Deterministic results").
 *
 * A model declares in ModelRegistry how its results are produced and compared. REDUNDANT mode compares
 * `keccak256(output)` exactly, but float outputs of the same ONNX model differ in their last bits between thread
 * counts, graph optimisation levels, execution providers and instruction sets. A "quantised" model's float outputs
 * are therefore snapped to a grid of step 2^quantStepLog2 before they are uploaded and hashed, so that honest
 * providers produce the same bytes:
 *
 *   every float32/float64 element x of every EAIT tensor  →  step × roundHalfEven(x / step), computed in float64 and
 *   stored back in the tensor's dtype; every NaN → the canonical quiet NaN (0x7fc00000 / 0x7ff8000000000000);
 *   −0 → +0; ±Infinity stays; non-float tensors, names, dims and order unchanged.
 *
 * "exact" leaves the bytes as they are. WASM models are always "exact".
 */
import { z } from "zod";
import { formatIssues } from "@eai/sdk/zod-errors";
import { decodeTensors, encodeTensors, type NamedTensor } from "@eai/sdk/tasks/tensors";
import type { ExecutorKind } from "../config.ts";

export const GRAPH_OPTIMIZATION_LEVELS = ["disabled", "basic", "extended", "all"] as const;
export type GraphOptimizationLevel = (typeof GRAPH_OPTIMIZATION_LEVELS)[number];

/** The struct ModelRegistry carries per model (received as a plain object through `ModelStore.info`). */
export interface ExecutionProfile {
  /** "exact": the output bytes as produced; "quantised": float outputs snapped to a grid before hashing. */
  comparison: "exact" | "quantised";
  /** −24..0; step = 2^quantStepLog2 (only for "quantised"). */
  quantStepLog2: number;
  /** 0 = the worker's own choice, else exactly this many intra-op threads. */
  intraOpThreads: number;
  graphOptimizationLevel: GraphOptimizationLevel;
  /** "cpu": never use CUDA for this model. */
  executionProvider: "cpu" | "any";
  /** "" = any, else e.g. "1.30.0": a worker with another onnxruntime refuses the task (skipped, not faulted). */
  runtimeVersion: string;
}

/**
 * The profile of a model registered without one: what every worker did before profiles existed (exact bytes,
 * onnxruntime's full optimisation, the worker's thread count and provider). Only machines configured alike agree on
 * float outputs under it; a model author who wants agreement across machines declares "quantised".
 */
export const DEFAULT_PROFILE: Readonly<ExecutionProfile> = Object.freeze({
  comparison: "exact",
  quantStepLog2: -12,
  intraOpThreads: 0,
  graphOptimizationLevel: "all",
  executionProvider: "any",
  runtimeVersion: "",
});

/** The profile a model of `kind` runs with when ModelRegistry gives none (WASM and zk-mlp are exact by nature). */
export function defaultProfile(_kind: ExecutorKind): ExecutionProfile {
  return { ...DEFAULT_PROFILE };
}

const smallInt = (min: number, max: number, what: string) =>
  z
    .union([z.number(), z.bigint()], { error: `expected ${what}` })
    .transform((v) => Number(v))
    .pipe(
      z
        .number()
        .int({ error: `expected ${what}` })
        .min(min, { error: `expected ${what}` })
        .max(max, { error: `expected ${what}` }),
    );

export const executionProfileSchema = z
  .object({
    comparison: z.enum(["exact", "quantised"], { error: 'expected "exact" or "quantised"' }),
    quantStepLog2: smallInt(-24, 0, "an integer between -24 and 0 (step = 2^quantStepLog2)"),
    intraOpThreads: smallInt(0, 1024, "0 (the worker's choice) or a thread count up to 1024"),
    graphOptimizationLevel: z.enum(GRAPH_OPTIMIZATION_LEVELS, {
      error: `expected one of ${GRAPH_OPTIMIZATION_LEVELS.join(", ")}`,
    }),
    executionProvider: z.enum(["cpu", "any"], { error: 'expected "cpu" or "any"' }),
    runtimeVersion: z
      .string({ error: 'expected "" or a version such as "1.30.0"' })
      .regex(/^$|^\d+\.\d+\.\d+[0-9A-Za-z.+-]{0,32}$/, {
        error: 'expected "" or a version such as "1.30.0"',
      }),
  })
  .strip();

export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProfileError";
  }
}

/**
 * The profile in ModelRegistry's encoding (contracts/types/ExecutionProfile.sol: enums as numbers, the runtime version
 * as major·10^6 + minor·10^3 + patch, 0 = any) in this module's form; anything else is passed on unchanged for
 * {@link parseExecutionProfile} to judge.
 */
export function profileFromRegistry(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || !("graphOptimization" in raw)) return raw;
  const r = raw as Record<string, unknown>;
  const version = Number(r.runtimeVersion);
  const runtimeVersion =
    Number.isSafeInteger(version) && version > 0
      ? `${Math.floor(version / 1_000_000)}.${Math.floor(version / 1_000) % 1_000}.${version % 1_000}`
      : version === 0
        ? ""
        : String(r.runtimeVersion);
  return {
    comparison: ["exact", "quantised"][Number(r.comparison)] ?? r.comparison,
    quantStepLog2: r.quantStepLog2,
    intraOpThreads: r.intraOpThreads,
    graphOptimizationLevel: GRAPH_OPTIMIZATION_LEVELS[Number(r.graphOptimization)] ?? r.graphOptimization,
    executionProvider: ["cpu", "any"][Number(r.target)] ?? r.target,
    runtimeVersion,
  };
}

/** Validates a profile as read from ModelRegistry. @throws ProfileError naming each bad field. */
export function parseExecutionProfile(raw: unknown): ExecutionProfile {
  const parsed = executionProfileSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new ProfileError(`execution profile: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** Round half to even (banker's rounding) of a float64; ±Infinity and NaN pass through. */
export function roundHalfEven(v: number): number {
  if (!Number.isFinite(v)) return v;
  const f = Math.floor(v);
  const d = v - f; // exact for |v| < 2^53; 0 above (v is then an integer)
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** `step × roundHalfEven(x / step)` in float64, −0 → +0 (NaN is the caller's business). */
export function quantise(x: number, step: number): number {
  const q = roundHalfEven(x / step) * step;
  return q === 0 ? 0 : q;
}

const CANONICAL_NAN_F32 = 0x7fc0_0000;
const CANONICAL_NAN_F64 = 0x7ff8_0000_0000_0000n;

/** The canonical form of decoded tensors under `profile` (new arrays; the inputs are not modified). */
export function canonicalTensors(tensors: readonly NamedTensor[], profile: ExecutionProfile): NamedTensor[] {
  if (profile.comparison === "exact") return tensors.map((t) => ({ ...t }));
  const step = 2 ** profile.quantStepLog2;
  return tensors.map((t) => {
    if (t.data instanceof Float32Array) {
      const out = new Float32Array(t.data.length);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < out.length; i++) {
        const x = t.data[i] as number;
        if (Number.isNaN(x)) bits[i] = CANONICAL_NAN_F32;
        else out[i] = quantise(x, step);
      }
      return { ...t, data: out };
    }
    if (t.data instanceof Float64Array) {
      const out = new Float64Array(t.data.length);
      const bits = new BigUint64Array(out.buffer);
      for (let i = 0; i < out.length; i++) {
        const x = t.data[i] as number;
        if (Number.isNaN(x)) bits[i] = CANONICAL_NAN_F64;
        else out[i] = quantise(x, step);
      }
      return { ...t, data: out };
    }
    return { ...t };
  });
}

/**
 * The canonical bytes of an EAIT output under `profile`: the same bytes for "exact", re-encoded quantised tensors
 * for "quantised". @throws TensorCodecError when a "quantised" output is not EAIT.
 */
export function canonicalOutput(output: Uint8Array, profile: ExecutionProfile): Uint8Array {
  if (profile.comparison === "exact") return output;
  return encodeTensors(canonicalTensors(decodeTensors(output), profile));
}
