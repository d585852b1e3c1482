/**
 * What the model registry says about a model beyond the indexer's row, in words: its governance approval, the
 * minimum execution window a task on it needs, and its execution profile and comparison rule
 * (`contracts/types/ExecutionProfile.sol`; honest providers follow it and hash the canonical form).
 */
import { formatDuration } from "./format.ts";

/** `ExecutionProfile` as `ModelRegistry.getModel` returns it. */
export interface ExecutionProfileValue {
  /** Comparison: 0 EXACT, 1 QUANTISED. */
  comparison: number;
  quantStepLog2: number;
  intraOpThreads: number;
  /** GraphOptimization: 0 DISABLED, 1 BASIC, 2 EXTENDED, 3 ALL. */
  graphOptimization: number;
  /** ExecutionTarget: 0 CPU_ONLY, 1 ANY. */
  target: number;
  /** major * 1_000_000 + minor * 1_000 + patch; 0 = any. */
  runtimeVersion: number;
}

/** The registry fields the models page adds to the indexer's row. */
export interface ChainModelInfo {
  approved: boolean;
  minExecWindow: number;
  profile: ExecutionProfileValue;
}

const GRAPH_OPTIMIZATION = ["disabled", "basic", "extended", "all"] as const;

/** 1_030_000 → "1.30.0". */
export function runtimeVersionText(version: number): string {
  const major = Math.floor(version / 1_000_000);
  const minor = Math.floor((version % 1_000_000) / 1_000);
  return `${major}.${minor}.${version % 1_000}`;
}

/** How results are compared: "exact bytes" or "outputs rounded to 2^-12 steps (half to even) before hashing". */
export function comparisonText(profile: Pick<ExecutionProfileValue, "comparison" | "quantStepLog2">): string {
  if (profile.comparison === 1) {
    return `outputs rounded to 2^${profile.quantStepLog2} steps (half to even) before hashing`;
  }
  if (profile.comparison === 0) return "exact bytes";
  return `comparison ${profile.comparison} (unknown to this app)`;
}

/**
 * The execution profile in words. ONNX models also pin threads, the graph optimisation level, where they run and
 * the runtime version; ZK and WASM models are deterministic by construction and compare exact bytes.
 */
export function describeProfile(kind: string, profile: ExecutionProfileValue): string {
  const parts = [`results compared as ${comparisonText(profile)}`];
  if (kind === "ONNX") {
    parts.push(
      profile.intraOpThreads === 0
        ? "threads: each provider's choice"
        : `${profile.intraOpThreads} intra-op thread${profile.intraOpThreads === 1 ? "" : "s"}`,
    );
    const level = GRAPH_OPTIMIZATION[profile.graphOptimization];
    parts.push(
      level ? `graph optimisation ${level}` : `graph optimisation level ${profile.graphOptimization}`,
    );
    parts.push(profile.target === 0 ? "CPU only" : "CPU or an accelerator");
    parts.push(
      profile.runtimeVersion === 0
        ? "any onnxruntime version"
        : `onnxruntime ${runtimeVersionText(profile.runtimeVersion)}`,
    );
  } else if (profile.target === 0 && kind === "WASM") {
    parts.push("CPU only");
  }
  return parts.join("; ");
}

/** A model's minimum execution window in words ("none: the market's minimum applies" for 0). */
export function minExecWindowText(seconds: number): string {
  return seconds === 0 ? "none of its own (the market's minimum applies)" : formatDuration(seconds);
}
