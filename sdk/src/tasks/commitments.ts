/**
 * The hashes a provider computes for a task: the ZK task binding (public signal 3, ProofLib) and the REDUNDANT
 * commit-reveal values. They match the contracts byte for byte (tested against `TaskMarket.resultCommitment`).
 */
import { encodeAbiParameters, keccak256, type Address, type Hex } from "viem";

/** Order of the BN254 scalar field; every public signal is below it. */
export const SNARK_SCALAR_FIELD =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** `uint256(keccak256(abi.encode(chainid, market, taskId, provider))) % p` (ProofLib.taskBinding). */
export function taskBinding(chainId: bigint, market: Address, taskId: bigint, provider: Address): bigint {
  const encoded = encodeAbiParameters(
    [{ type: "uint256" }, { type: "address" }, { type: "uint256" }, { type: "address" }],
    [chainId, market, taskId, provider],
  );
  return BigInt(keccak256(encoded)) % SNARK_SCALAR_FIELD;
}

/**
 * The reserved REDUNDANT result hash that reports a task fault (the model or input cannot be executed):
 * keccak256("eai.task-fault.v1"), `TaskMarket.TASK_FAULT_RESULT`.
 */
export const TASK_FAULT_RESULT: Hex = keccak256(new TextEncoder().encode("eai.task-fault.v1"));

/** A REDUNDANT result hash: keccak256 of the result bytes. */
export function resultHashOf(output: Uint8Array): Hex {
  return keccak256(output);
}

/** `keccak256(abi.encode(chainid, market, taskId, provider, resultHash, salt))`, the value `commitResult` takes. */
export function resultCommitment(
  chainId: bigint,
  market: Address,
  taskId: bigint,
  provider: Address,
  resultHash: Hex,
  salt: Hex,
): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "uint256" },
        { type: "address" },
        { type: "uint256" },
        { type: "address" },
        { type: "bytes32" },
        { type: "bytes32" },
      ],
      [chainId, market, taskId, provider, resultHash, salt],
    ),
  );
}

/** The input commitment of a non-ZK task as the SDK sets it: `uint256(sha256(stored blob))`, as 64 hex digits. */
export function sha256CommitmentHex(inputCommitment: bigint): string {
  return inputCommitment.toString(16).padStart(64, "0");
}

/** `uint256(sha256(blob))` for a stored blob (what a requester puts in `inputCommitment` for non-ZK tasks). */
export function sha256Commitment(sha256Hex: string): bigint {
  return BigInt(`0x${sha256Hex}`);
}
