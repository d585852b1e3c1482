// What a validator signs for an EVM bridge: the EIP-712 typed data of a bridge message in the domain of the contract
// that will verify it ("EAI Bridge", version "1", the destination's chain id and bridge address). A message between
// two spokes is signed twice: for the destination spoke (bridgeIn) and for the hub vault (recordTransit, so that
// the accountant follows the tokens).
import { getAddress, recoverTypedDataAddress, type Address, type Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { z } from "zod";
import { MAX_UINT64 } from "../chains.ts";
import { MESSAGE_VERSION, type BridgeMessage } from "../message.ts";

/** EIP-712 type of the message (BridgeMessageLib.TYPEHASH). */
export const BRIDGE_MESSAGE_TYPES = {
  BridgeMessage: [
    { name: "version", type: "uint8" },
    { name: "srcChain", type: "uint64" },
    { name: "dstChain", type: "uint64" },
    { name: "nonce", type: "uint64" },
    { name: "sender", type: "bytes32" },
    { name: "recipient", type: "bytes32" },
    { name: "amount8", type: "uint64" },
  ],
} as const;

export interface BridgeDomain {
  chainId: bigint;
  verifyingContract: Address;
}

/** Which call on the verifying contract the signatures are for. */
export type AttestationKind = "bridgeIn" | "recordTransit";

function typedData(message: BridgeMessage, domain: BridgeDomain) {
  return {
    domain: {
      name: "EAI Bridge",
      version: "1",
      chainId: domain.chainId,
      verifyingContract: domain.verifyingContract,
    },
    types: BRIDGE_MESSAGE_TYPES,
    primaryType: "BridgeMessage" as const,
    message: { ...message },
  };
}

/** Signs `message` for the contract of `domain`. */
export function signMessage(
  account: PrivateKeyAccount,
  message: BridgeMessage,
  domain: BridgeDomain,
): Promise<Hex> {
  return account.signTypedData(typedData(message, domain));
}

/** The signer of `signature` over `message` in `domain` (throws on a malformed signature). */
export function recoverSigner(
  message: BridgeMessage,
  domain: BridgeDomain,
  signature: Hex,
): Promise<Address> {
  return recoverTypedDataAddress({ ...typedData(message, domain), signature });
}

const hex = (bytes?: number) =>
  z
    .string()
    .regex(bytes === undefined ? /^0x([0-9a-fA-F]{2})*$/ : new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`))
    .transform((v) => v.toLowerCase() as Hex);
const bigintString = z
  .string()
  .regex(/^\d{1,20}$/)
  .transform((v) => BigInt(v))
  .refine((v) => v <= MAX_UINT64, "must be a uint64");
const positive = bigintString.refine((v) => v > 0n, "must be nonzero");

/** One signature as a validator serves it (JSON: bigints as decimal strings). */
export const attestationSchema = z
  .object({
    seq: z.number().int().positive(),
    kind: z.enum(["bridgeIn", "recordTransit"]),
    msgId: hex(32),
    message: z
      .object({
        version: z.literal(MESSAGE_VERSION),
        srcChain: positive,
        dstChain: positive,
        nonce: bigintString,
        sender: hex(32),
        recipient: hex(32).refine((v) => !/^0x0{64}$/.test(v), "recipient must not be zero"),
        amount8: positive,
      })
      .strict(),
    domain: z
      .object({
        chainId: bigintString,
        verifyingContract: z
          .string()
          .regex(/^0x[0-9a-fA-F]{40}$/)
          .transform((a) => getAddress(a)),
      })
      .strict(),
    signer: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/)
      .transform((a) => getAddress(a)),
    signature: hex(65),
    /** Where the validator saw the message: the source block and transaction. */
    source: z.object({ block: bigintString, tx: hex(32) }).strict(),
  })
  .strict();
export type Attestation = z.infer<typeof attestationSchema>;

/** JSON form of an attestation (bigints as decimal strings). */
export function attestationToJson(a: Attestation): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
  ) as Record<string, unknown>;
}
