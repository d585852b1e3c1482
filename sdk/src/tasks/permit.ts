/**
 * EIP-2612 permits: the typed data a wallet signs, the (v, r, s) the `…WithPermit` calls take, and `signPermit`,
 * which reads the token's domain and the owner's nonce and asks the wallet to sign (the SDK client and the web app
 * both use it). Browser-safe and light (viem and the token ABI): `@eai/sdk/tasks/permit`; the typed data helpers are
 * also re-exported by `@eai/sdk/tasks/request`.
 */
import {
  parseSignature,
  type Account,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
} from "viem";
import { eaiTokenAbi } from "../generated/abis.ts";

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

/** The arguments a `…WithPermit` call takes besides its own. */
export interface SignedPermit {
  deadline: bigint;
  v: number;
  r: Hex;
  s: Hex;
}

/** What signing needs: reads of the token and a wallet that signs typed data. */
export interface PermitClients {
  publicClient: Pick<PublicClient, "readContract">;
  walletClient: Pick<WalletClient, "signTypedData">;
}

/**
 * Asks the wallet to sign a permit letting `spender` pull `value` of `token` from `owner` until `deadline`. The
 * token's EIP-712 domain (ERC-5267 `eip712Domain()`) and the owner's current nonce are read first, so the
 * signature is valid for exactly the next permit of this owner.
 */
export async function signPermit(
  clients: PermitClients,
  params: { token: Address; owner: Address | Account; spender: Address; value: bigint; deadline: bigint },
): Promise<SignedPermit> {
  const owner = typeof params.owner === "string" ? params.owner : params.owner.address;
  const [domain, nonce] = await Promise.all([
    clients.publicClient.readContract({
      address: params.token,
      abi: eaiTokenAbi,
      functionName: "eip712Domain",
    }),
    clients.publicClient.readContract({
      address: params.token,
      abi: eaiTokenAbi,
      functionName: "nonces",
      args: [owner],
    }),
  ]);
  const typed = permitTypedData(domain, {
    owner,
    spender: params.spender,
    value: params.value,
    nonce,
    deadline: params.deadline,
  });
  const signature = await clients.walletClient.signTypedData({ account: params.owner, ...typed });
  return { deadline: params.deadline, ...permitSignatureParts(signature) };
}
