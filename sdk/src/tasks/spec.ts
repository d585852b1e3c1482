/**
 * The TaskMarket's task spec in TypeScript: its type (derived from the generated ABI), the enums, and a lossless
 * JSON form for storing a spec off-chain (bigints as decimal strings). Every call after `submitTask` takes the
 * spec back as calldata, so clients keep it exactly as `TaskSubmitted` emitted it.
 */
import { encodeAbiParameters, keccak256, slice, type ContractFunctionArgs, type Hex } from "viem";
import { taskMarketAbi } from "../generated/abis.ts";

/** The on-chain `TaskSpec` struct as viem decodes it. */
export type TaskSpec = ContractFunctionArgs<typeof taskMarketAbi, "nonpayable", "claimTask">[1];
/** The on-chain `Resources` struct. */
export type TaskResources = TaskSpec["minResources"];

/** `ITaskMarketTypes.VerificationMode`. */
export const VerificationMode = { ZK: 0, REDUNDANT: 1 } as const;
/** `ITaskMarketTypes.TaskStatus`. */
export const TaskStatus = {
  None: 0,
  Open: 1,
  Claimed: 2,
  Completed: 3,
  Cancelled: 4,
  Refunded: 5,
  Faulted: 6,
} as const;
export type TaskStatusName = keyof typeof TaskStatus;
/** `ModelKind` (contracts/types/Resources.sol). */
export const ModelKind = { ZK_MLP: 0, ONNX: 1, WASM: 2 } as const;

export function taskStatusName(status: number): TaskStatusName | `unknown(${number})` {
  const entry = Object.entries(TaskStatus).find(([, v]) => v === status);
  return entry ? (entry[0] as TaskStatusName) : `unknown(${status})`;
}

const specParameter = (() => {
  const claim = taskMarketAbi.find((x) => x.type === "function" && x.name === "claimTask");
  if (!claim || claim.type !== "function" || !claim.inputs[1]) throw new Error("claimTask not in the ABI");
  return claim.inputs[1];
})();

/** The 24-byte hash the market stores a spec under: the first 24 bytes of `keccak256(abi.encode(spec))`. */
export function hashSpec(spec: TaskSpec): Hex {
  return slice(keccak256(encodeAbiParameters([specParameter], [spec])), 0, 24);
}

/** A spec as plain JSON: bigints as decimal strings, everything else as is. */
export type TaskSpecJson = { [K in keyof TaskSpec]: TaskSpec[K] extends bigint ? string : TaskSpec[K] };

const BIGINT_FIELDS = [
  "reward",
  "bond",
  "modelId",
  "modelCommitment",
  "createdBlock",
  "inputCommitment",
] as const;

export function specToJson(spec: TaskSpec): TaskSpecJson {
  const out: Record<string, unknown> = { ...spec, minResources: { ...spec.minResources } };
  for (const key of BIGINT_FIELDS) out[key] = spec[key].toString();
  return out as TaskSpecJson;
}

/**
 * Reads a spec back from its JSON form.
 * @throws Error naming the field that is missing or has the wrong type.
 */
export function specFromJson(json: unknown): TaskSpec {
  if (typeof json !== "object" || json === null) throw new Error("task spec: expected an object");
  const raw = json as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const component of specParameter.components) {
    const value = raw[component.name];
    if (value === undefined) throw new Error(`task spec: missing ${component.name}`);
    if ((BIGINT_FIELDS as readonly string[]).includes(component.name)) {
      if (typeof value !== "string" || !/^\d+$/.test(value))
        throw new Error(
          `task spec: ${component.name}: expected a decimal string, got ${JSON.stringify(value)}`,
        );
      out[component.name] = BigInt(value);
    } else if (component.type === "address") {
      if (typeof value !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(value))
        throw new Error(`task spec: ${component.name}: expected an address, got ${JSON.stringify(value)}`);
      out[component.name] = value;
    } else if (component.type === "bool") {
      if (typeof value !== "boolean")
        throw new Error(`task spec: ${component.name}: expected true or false, got ${JSON.stringify(value)}`);
      out[component.name] = value;
    } else if (component.name === "minResources") {
      if (typeof value !== "object" || value === null)
        throw new Error("task spec: minResources: expected an object");
      out[component.name] = { ...(value as object) };
    } else {
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0)
        throw new Error(
          `task spec: ${component.name}: expected a non-negative integer, got ${JSON.stringify(value)}`,
        );
      out[component.name] = value;
    }
  }
  return out as TaskSpec;
}
