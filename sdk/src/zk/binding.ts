import { encodeAbiParameters, getAddress, keccak256, type Address } from "viem";
import { SNARK_SCALAR_FIELD } from "./spec.ts";

/** What a task binding commits to (ProofLib.taskBinding). */
export interface TaskBindingParams {
  chainId: bigint | number;
  market: Address;
  taskId: bigint | number;
  /** The registered provider paid for the result (the owner, not an operator). */
  provider: Address;
}

/** `uint256(keccak256(abi.encode(chainid, market, taskId, provider))) % p`, exactly as ProofLib.taskBinding. */
export function taskBinding({ chainId, market, taskId, provider }: TaskBindingParams): bigint {
  const encoded = encodeAbiParameters(
    [{ type: "uint256" }, { type: "address" }, { type: "uint256" }, { type: "address" }],
    [BigInt(chainId), getAddress(market), BigInt(taskId), getAddress(provider)],
  );
  return BigInt(keccak256(encoded)) % SNARK_SCALAR_FIELD;
}
