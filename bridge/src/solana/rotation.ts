// Rotation of the validator set. SPL multisigs cannot be edited, so a rotation creates a new multisig holding the
// new set and moves the mint authority to it with SetAuthority(MintTokens), signed by M members of the current set.
// After it lands the old multisig is no longer the mint authority: the old set cannot mint.
import {
  createNoopSigner,
  some,
  type Address,
  type Blockhash,
  type Instruction,
  type Transaction,
} from "@solana/kit";
import { AuthorityType, getSetAuthorityInstruction } from "@solana-program/token";
import type { SolanaSpokeConfig } from "./inbound.ts";
import { compileUnsigned } from "./inbound.ts";
import { buildCreateMultisigInstructions } from "./mint.ts";
import { decodeMessageBytes } from "./wire.ts";
import { assertValidatorSet, compareAddressBytes, type ValidatorSet } from "./validatorSet.ts";

export interface RotationProposal {
  /** Pays for the new multisig account (and the fee). */
  readonly payer: Address;
  /** A fresh keypair address for the new multisig (it signs its own creation). */
  readonly newMultisig: Address;
  readonly newSet: ValidatorSet;
  /** Rent-exempt lamports for the 355-byte multisig. */
  readonly lamports: bigint;
  /** The M current validators that co-sign. */
  readonly currentSigners: readonly Address[];
}

/** Create the new multisig, then SetAuthority(MintTokens) from the current multisig to it. */
export function buildRotationInstructions(config: SolanaSpokeConfig, p: RotationProposal): Instruction[] {
  assertValidatorSet(p.newSet);
  return [
    ...buildCreateMultisigInstructions({
      payer: createNoopSigner(p.payer),
      multisig: createNoopSigner(p.newMultisig),
      set: p.newSet,
      lamports: p.lamports,
    }),
    getSetAuthorityInstruction({
      owned: config.mint,
      owner: config.multisig,
      authorityType: AuthorityType.MintTokens,
      newAuthority: some(p.newMultisig),
      multiSigners: [...p.currentSigners].sort(compareAddressBytes).map((s) => createNoopSigner(s)),
    }),
  ];
}

export function buildRotationTransaction(
  config: SolanaSpokeConfig,
  p: RotationProposal,
  lifetime: { blockhash: Blockhash; lastValidBlockHeight: bigint },
): Transaction {
  return compileUnsigned(p.payer, buildRotationInstructions(config, p), lifetime);
}

/**
 * A current validator's check of a rotation: the new set must be the one governance decided (`expectedNewSet`,
 * from the validator's own config), satisfy the set rules, and the transaction must be byte-for-byte the canonical
 * rotation signed by M current members including this validator. Returns a reason string when it refuses.
 */
export function reviewRotationTransaction(params: {
  config: SolanaSpokeConfig;
  proposal: RotationProposal;
  expectedNewSet: ValidatorSet;
  transaction: Transaction;
  validator: Address;
}): string | undefined {
  const { config, proposal: p } = params;
  try {
    assertValidatorSet(p.newSet);
  } catch (e) {
    return String(e);
  }
  const same =
    p.newSet.threshold === params.expectedNewSet.threshold &&
    p.newSet.signers.length === params.expectedNewSet.signers.length &&
    p.newSet.signers.every((s, i) => s === params.expectedNewSet.signers[i]);
  if (!same) return "the proposed set is not the set governance decided";
  const signers = new Set(p.currentSigners);
  if (signers.size !== config.set.threshold || ![...signers].every((s) => config.set.signers.includes(s))) {
    return `rotation needs exactly ${config.set.threshold} distinct current validators`;
  }
  if (!signers.has(params.validator)) return "this validator is not among the chosen signers";
  const bytes = new Uint8Array(params.transaction.messageBytes);
  let lifetimeToken: string;
  try {
    lifetimeToken = decodeMessageBytes(bytes).lifetimeToken;
  } catch (e) {
    return `undecodable: ${String(e)}`;
  }
  const rebuilt = new Uint8Array(
    buildRotationTransaction(config, p, { blockhash: lifetimeToken as Blockhash, lastValidBlockHeight: 0n })
      .messageBytes,
  );
  if (rebuilt.length !== bytes.length || !rebuilt.every((b, i) => b === bytes[i])) {
    return "transaction bytes differ from the canonical rotation";
  }
  return undefined;
}
