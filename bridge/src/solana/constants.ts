// Program ids, sizes and fixed parameters of the EAI SPL spoke.
import { address, type Address } from "@solana/kit";
import { ASSOCIATED_TOKEN_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS } from "@solana-program/token";
import { SYSTEM_PROGRAM_ADDRESS } from "@solana-program/system";

export { ASSOCIATED_TOKEN_PROGRAM_ADDRESS, SYSTEM_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS };

/** SPL Memo v2 (the only memo program the bridge reads and writes). */
export const MEMO_PROGRAM_ADDRESS: Address = address("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
/** Compute Budget program (the only extra instruction a bridge burn may carry). */
export const COMPUTE_BUDGET_PROGRAM_ADDRESS: Address = address("ComputeBudget111111111111111111111111111111");

/** The EAI SPL mint has 8 decimals: message amount8 is the raw token amount. */
export const EAI_SOLANA_DECIMALS = 8;
/** SPL Token account sizes. */
export const MINT_SIZE = 82;
export const MULTISIG_SIZE = 355;
/** SPL native multisigs hold at most 11 signers. */
export const MAX_MULTISIG_SIGNERS = 11;

/**
 * A receipt is a 0-byte account owned by the Memo program, created from the relayer's base key and a seed taken from
 * the message id. It holds the rent-exempt minimum for 0 bytes (890,880 lamports under the default rent) forever.
 */
export const RECEIPT_SPACE = 0n;
export const RECEIPT_OWNER: Address = MEMO_PROGRAM_ADDRESS;
export const RECEIPT_LAMPORTS_DEFAULT = 890_880n;

/** Largest serialized transaction a Solana cluster accepts (one packet). litesvm does not enforce it. */
export const MAX_TRANSACTION_BYTES = 1232;
