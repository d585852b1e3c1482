// Creation and checks of the EAI SPL mint: 8 decimals, mint authority = SPL native multisig of the validators,
// no freeze authority (nobody can freeze a holder's tokens).
import { none, isNone, isSome, type Address, type Instruction, type TransactionSigner } from "@solana/kit";
import {
  getInitializeMint2Instruction,
  getInitializeMultisig2Instruction,
  getMintDecoder,
  getMultisigDecoder,
} from "@solana-program/token";
import { getCreateAccountInstruction } from "@solana-program/system";
import type { AccountReader } from "./accounts.ts";
import { EAI_SOLANA_DECIMALS, MINT_SIZE, MULTISIG_SIZE, TOKEN_PROGRAM_ADDRESS } from "./constants.ts";
import { assertValidatorSet, type ValidatorSet } from "./validatorSet.ts";

/** Instructions that create and initialize a multisig holding the validator set. */
export function buildCreateMultisigInstructions(params: {
  payer: TransactionSigner;
  multisig: TransactionSigner;
  set: ValidatorSet;
  lamports: bigint;
}): Instruction[] {
  const set = assertValidatorSet(params.set);
  return [
    getCreateAccountInstruction({
      payer: params.payer,
      newAccount: params.multisig,
      lamports: params.lamports,
      space: MULTISIG_SIZE,
      programAddress: TOKEN_PROGRAM_ADDRESS,
    }),
    getInitializeMultisig2Instruction({
      multisig: params.multisig.address,
      m: set.threshold,
      signers: [...set.signers],
    }),
  ];
}

/** Instructions that create the EAI mint: 8 decimals, authority = `multisig`, no freeze authority. */
export function buildCreateMintInstructions(params: {
  payer: TransactionSigner;
  mint: TransactionSigner;
  multisig: Address;
  lamports: bigint;
}): Instruction[] {
  return [
    getCreateAccountInstruction({
      payer: params.payer,
      newAccount: params.mint,
      lamports: params.lamports,
      space: MINT_SIZE,
      programAddress: TOKEN_PROGRAM_ADDRESS,
    }),
    getInitializeMint2Instruction({
      mint: params.mint.address,
      decimals: EAI_SOLANA_DECIMALS,
      mintAuthority: params.multisig,
      freezeAuthority: none(),
    }),
  ];
}

export type MintCheckFailure =
  | "mint-missing"
  | "mint-owner"
  | "mint-uninitialized"
  | "mint-decimals"
  | "freeze-authority"
  | "mint-authority"
  | "multisig-missing"
  | "multisig-owner"
  | "multisig-uninitialized"
  | "multisig-set";

export class MintCheckError extends Error {
  override name = "MintCheckError";
  readonly reason: MintCheckFailure;
  constructor(reason: MintCheckFailure, message: string) {
    super(`${reason}: ${message}`);
    this.reason = reason;
  }
}

export interface MintState {
  readonly supply: bigint;
}

/** Reads a multisig account and returns its validator set (signers in stored order). */
export async function readMultisig(read: AccountReader, multisig: Address): Promise<ValidatorSet> {
  const acc = await read(multisig);
  if (!acc) throw new MintCheckError("multisig-missing", `no account at ${multisig}`);
  if (acc.owner !== TOKEN_PROGRAM_ADDRESS || acc.data.length !== MULTISIG_SIZE) {
    throw new MintCheckError("multisig-owner", `${multisig} is not an SPL Token multisig`);
  }
  const ms = getMultisigDecoder().decode(acc.data);
  if (!ms.isInitialized) throw new MintCheckError("multisig-uninitialized", `${multisig} is not initialized`);
  return { signers: ms.signers.slice(0, ms.n), threshold: ms.m };
}

/**
 * Verifies that `mint` is the bridge's mint: owned by SPL Token (not Token-2022), initialized, 8 decimals, no freeze
 * authority, mint authority = `multisig`, and that multisig holds exactly `expected` (signers and threshold).
 * Throws MintCheckError naming the first failed check.
 */
export async function verifyMint(
  read: AccountReader,
  params: { mint: Address; multisig: Address; expected: ValidatorSet },
): Promise<MintState> {
  assertValidatorSet(params.expected);
  const acc = await read(params.mint);
  if (!acc) throw new MintCheckError("mint-missing", `no account at ${params.mint}`);
  if (acc.owner !== TOKEN_PROGRAM_ADDRESS || acc.data.length !== MINT_SIZE) {
    throw new MintCheckError("mint-owner", `${params.mint} is not an SPL Token mint`);
  }
  const mint = getMintDecoder().decode(acc.data);
  if (!mint.isInitialized) throw new MintCheckError("mint-uninitialized", "mint is not initialized");
  if (mint.decimals !== EAI_SOLANA_DECIMALS) {
    throw new MintCheckError("mint-decimals", `decimals ${mint.decimals}, expected ${EAI_SOLANA_DECIMALS}`);
  }
  if (isSome(mint.freezeAuthority)) {
    throw new MintCheckError("freeze-authority", `mint has freeze authority ${mint.freezeAuthority.value}`);
  }
  if (isNone(mint.mintAuthority) || mint.mintAuthority.value !== params.multisig) {
    const got = isNone(mint.mintAuthority) ? "none" : mint.mintAuthority.value;
    throw new MintCheckError("mint-authority", `mint authority ${got}, expected multisig ${params.multisig}`);
  }
  const set = await readMultisig(read, params.multisig);
  const e = params.expected;
  const same =
    set.threshold === e.threshold &&
    set.signers.length === e.signers.length &&
    set.signers.every((s, i) => s === e.signers[i]);
  if (!same) {
    throw new MintCheckError(
      "multisig-set",
      `multisig holds ${set.threshold}-of-${set.signers.length} [${set.signers.join(",")}], expected ` +
        `${e.threshold}-of-${e.signers.length} [${e.signers.join(",")}]`,
    );
  }
  return { supply: mint.supply };
}
