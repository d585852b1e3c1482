/**
 * EIP-2612 permits: the typed data a wallet signs and the (v, r, s) the `…WithPermit` calls take. Browser-safe and
 * light (viem only): `@eai/sdk/tasks/permit`, also re-exported by `@eai/sdk/tasks/request`.
 */
import { parseSignature, type Address, type Hex } from "viem";

/** EIP-712 types of an ERC-2612 permit (OpenZeppelin ERC20Permit). */
export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** The token's EIP-712 domain as `eip712Domain()` (ERC-5267) returns it: [fields, name, version, chainId, verifyingContract, salt, extensions]. */
export type Eip712DomainResult = readonly [Hex, string, string, bigint, Address, Hex, readonly bigint[]];

export interface PermitMessage {
  owner: Address;
  spender: Address;
  value: bigint;
  nonce: bigint;
  deadline: bigint;
}

/** Typed data for `signTypedData` authorising `spender` to pull `value` of the token until `deadline`. */
export function permitTypedData(domain: Eip712DomainResult, message: PermitMessage) {
  const [, name, version, chainId, verifyingContract] = domain;
  return {
    domain: { name, version, chainId, verifyingContract },
    types: PERMIT_TYPES,
    primaryType: "Permit" as const,
    message,
  };
}

/** The (v, r, s) a permit call takes, from a 65-byte signature. */
export function permitSignatureParts(signature: Hex): { v: number; r: Hex; s: Hex } {
  const { r, s, v, yParity } = parseSignature(signature);
  return { v: Number(v ?? BigInt(yParity + 27)), r, s };
}
