// Integrator example on @solana/web3.js 1.x + @solana/spl-token: send EAI from Solana to another chain.
// One transaction: BurnChecked of the EAI mint from the owner's ATA + Memo v2 "EAI-BRIDGE-v1 dst=<chain>:0x<64 hex>".
// `connection` needs only the three Connection methods used here, so a real `new Connection(url)` works as is.
// The destination is validated first: a burn the validators cannot read (wrong memo, unknown chain, EVM recipient
// with high bytes…) destroys the tokens with no message, so this refuses to build it.
import { PublicKey, Transaction, TransactionInstruction, type Keypair } from "@solana/web3.js";
import { createBurnCheckedInstruction, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { formatBridgeMemo } from "../src/solana/outbound.ts";

export const MEMO_PROGRAM_ID = new PublicKey("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");

export interface MinimalConnection {
  getLatestBlockhash(): Promise<{ blockhash: string; lastValidBlockHeight: number }>;
  sendRawTransaction(raw: Buffer | Uint8Array): Promise<string>;
}

/** Burns `amount8` (8 decimals) of `mint` from `owner`'s ATA towards (dstChain, recipient bytes32). */
export async function bridgeOutWithWeb3js(params: {
  connection: MinimalConnection;
  owner: Keypair;
  mint: PublicKey;
  dstChain: bigint;
  recipient: `0x${string}`;
  amount8: bigint;
}): Promise<string> {
  if (params.amount8 <= 0n) throw new Error("amount8 must be positive");
  const memo = formatBridgeMemo(params.dstChain, params.recipient); // throws for a destination that would lose tokens
  const ata = getAssociatedTokenAddressSync(params.mint, params.owner.publicKey);
  const { blockhash, lastValidBlockHeight } = await params.connection.getLatestBlockhash();
  const tx = new Transaction({ feePayer: params.owner.publicKey, blockhash, lastValidBlockHeight }).add(
    createBurnCheckedInstruction(ata, params.mint, params.owner.publicKey, params.amount8, 8),
    new TransactionInstruction({ programId: MEMO_PROGRAM_ID, keys: [], data: Buffer.from(memo, "utf8") }),
  );
  tx.sign(params.owner);
  return params.connection.sendRawTransaction(tx.serialize());
}
