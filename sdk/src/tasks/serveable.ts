/**
 * Whether a task request can be served at all, checked before anything is uploaded or paid (shared by the SDK
 * client, the `eai` CLI and the web app; browser-safe). The chain refuses what it can know (mode against model
 * kind, execution window, lifetime); what it cannot know — a private REDUNDANT task (encrypted to one provider),
 * an input the model cannot read, fewer eligible providers than votes — is refused or warned about here, so a
 * requester never pays for a task that can only hang or be reported as a task fault.
 */
import { TensorCodecError, decodeTensors } from "./tensors.ts";
import { ModelKind } from "./spec.ts";
import type { VerificationModeName } from "./request.ts";

/** What the check needs to know about the model (ModelRegistry.getModel). */
export interface ServeableModel {
  kind: number;
  active: boolean;
  approved: boolean;
  inputSize: number;
  minExecWindow: number;
}

export interface ServeableRequest {
  modelId: bigint;
  model: ServeableModel;
  mode: VerificationModeName;
  /** Execution window asked for (seconds). */
  execWindow: number;
  /** The market's governed minimum execution window (seconds). */
  marketMinExecWindow: number;
  /** Whether the input is encrypted to one provider. */
  private: boolean;
  /** REDUNDANT: the plaintext input bytes (ONNX: EAIT tensors; WASM: any bytes). */
  input?: Uint8Array;
  /** REDUNDANT: the number of votes. */
  redundancy?: number;
  /** How many providers could claim it now, when the caller counted them (see the client's eligibleProviders). */
  eligibleProviders?: number;
  /** Reward's worth in EAI wei and the governed minimum for a rated task, when known. */
  rewardValue?: bigint;
  minRatedValue?: bigint;
}

export interface ServeableReport {
  /** Reasons the task cannot be served: refuse to submit. */
  errors: string[];
  /** Things the requester should know (the task can still be served). */
  warnings: string[];
}

/** Checks a request against the model and the market's rules; see the module comment. */
export function checkServeable(r: ServeableRequest): ServeableReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  const model = `model ${r.modelId}`;
  if (!r.model.active) errors.push(`${model} is inactive: no provider may serve it`);
  const zkModel = r.model.kind === ModelKind.ZK_MLP;
  if (r.mode === "zk" && !zkModel) {
    errors.push(`${model} is not a ZK model: only ZK_MLP models have a circuit; use mode redundant`);
  }
  if (r.mode === "redundant" && zkModel) {
    errors.push(`${model} is a ZK model: it is served in mode zk (a proof), not by redundant execution`);
  }
  const minExec = Math.max(r.marketMinExecWindow, r.model.minExecWindow);
  if (r.execWindow < minExec) {
    errors.push(
      `execWindow ${r.execWindow} s is below the minimum of ${minExec} s (the market's ${r.marketMinExecWindow} s, ` +
        `${model}'s ${r.model.minExecWindow} s)`,
    );
  }
  if (r.mode === "redundant") {
    if (r.private) {
      errors.push(
        "a private input is encrypted to one provider's key, but a REDUNDANT task needs several providers to " +
          "run it: submit it in mode zk to that provider, or without encryption",
      );
    }
    if (r.input !== undefined && !r.private) errors.push(...inputProblems(r.model, r.input, model));
    const votes = r.redundancy ?? 3;
    if (r.eligibleProviders !== undefined) {
      if (r.eligibleProviders === 0) {
        warnings.push(
          "no registered provider can claim this task now; it will wait until one can, or expire",
        );
      } else if (r.eligibleProviders < votes) {
        warnings.push(
          `redundancy ${votes} with ${r.eligibleProviders} eligible provider(s): draws are by stake, so some ` +
            `providers will hold several votes and the result is only as independent as ${r.eligibleProviders} ` +
            "provider(s)",
        );
      }
    }
  }
  if (!r.model.approved) {
    warnings.push(
      `${model} is not approved by governance: the outcome will not count toward anyone's reputation`,
    );
  } else if (
    r.rewardValue !== undefined &&
    r.minRatedValue !== undefined &&
    r.rewardValue < r.minRatedValue
  ) {
    warnings.push(
      "the reward is below the governed minimum for rated tasks: the outcome will not move reputation",
    );
  }
  return { errors, warnings };
}

/** Whether the input is one the model can read: EAIT tensors whose elements fill whole rows of `inputSize`. */
function inputProblems(model: ServeableModel, input: Uint8Array, name: string): string[] {
  if (input.length === 0) return ["the input is empty"];
  if (model.kind !== ModelKind.ONNX) return [];
  let elements = 0;
  try {
    for (const t of decodeTensors(input)) elements += t.data.length;
  } catch (err) {
    if (err instanceof TensorCodecError) {
      return [`${name} is an ONNX model and takes EAIT tensors (docs/WORKER.md): ${err.message}`];
    }
    throw err;
  }
  if (model.inputSize > 0 && (elements === 0 || elements % model.inputSize !== 0)) {
    return [`${name} takes rows of ${model.inputSize} input element(s); the input has ${elements}`];
  }
  return [];
}
