// Shared helpers of the Solana spoke tests.
import {
  generateKeyPairSigner,
  getAddressEncoder,
  partiallySignTransaction,
  type Address,
  type Instruction,
  type KeyPairSigner,
  type Transaction,
} from "@solana/kit";
import { findAssociatedTokenPda, getTokenDecoder } from "@solana-program/token";
import { CHAIN_HUB_LOCAL, CHAIN_SOLANA_LOCAL } from "../src/chains.ts";
import { bytes32FromBytes, type BridgeMessage } from "../src/message.ts";
import { COMPUTE_BUDGET_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS } from "../src/solana/constants.ts";
import type { LocalSolana } from "../src/solana/localnet.ts";

export const toBytes32 = (a: Address) => bytes32FromBytes(new Uint8Array(getAddressEncoder().encode(a)));

let nonce = 0n;
/** An inbound message hub → local Solana for `recipient`. */
export function inboundMessage(recipient: Address, amount8 = 5_000_000_000n): BridgeMessage {
  nonce += 1n;
  return {
    version: 1,
    srcChain: CHAIN_HUB_LOCAL,
    dstChain: CHAIN_SOLANA_LOCAL,
    nonce,
    sender: `0x${"00".repeat(12)}${"ab".repeat(20)}`,
    recipient: toBytes32(recipient),
    amount8,
  };
}

export async function balanceOf(chain: LocalSolana, owner: Address, mint: Address): Promise<bigint> {
  const [ata] = await findAssociatedTokenPda({ owner, mint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
  const acc = await chain.read(ata);
  return acc ? getTokenDecoder().decode(acc.data).amount : 0n;
}

/** Signs with every given key, skipping all review (what colluding or careless key holders could do). */
export async function forceSign(tx: Transaction, signers: readonly KeyPairSigner[]): Promise<Transaction> {
  return partiallySignTransaction(
    signers.map((s) => s.keyPair),
    tx,
  );
}

export const newUser = () => generateKeyPairSigner();

/** ComputeBudget SetComputeUnitLimit (discriminator 2, u32 LE units), built by hand: no compute-budget package. */
export function getSetComputeUnitLimitInstruction(units: number): Instruction {
  const data = new Uint8Array(5);
  data[0] = 2;
  new DataView(data.buffer).setUint32(1, units, true);
  return { programAddress: COMPUTE_BUDGET_PROGRAM_ADDRESS, accounts: [], data };
}
