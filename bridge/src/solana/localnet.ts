// In-process Solana for tests, the bench and the integrator example: litesvm (SPL Token, ATA, Memo built in) with a
// record of every landed transaction per slot, so that the outbound reader sees "finalized blocks" as an RPC's
// getBlock would list them. Not exported from the package entry (litesvm is a dev dependency).
import { LiteSVM, FailedTransactionMetadata, type TransactionMetadata } from "litesvm";
import {
  getSignatureFromTransaction,
  lamports,
  type Address,
  type Blockhash,
  type Transaction,
} from "@solana/kit";
import type { AccountReader } from "./accounts.ts";
import type { FinalizedBlock, FinalizedTransaction } from "./outbound.ts";

export interface SendResult {
  readonly ok: boolean;
  readonly signature: string;
  readonly computeUnits: bigint;
  readonly logs: readonly string[];
  /** litesvm's error text when the transaction failed. */
  readonly error?: string;
}

export class LocalSolana {
  readonly svm: LiteSVM;
  private readonly blocks = new Map<bigint, FinalizedTransaction[]>();

  constructor() {
    this.svm = new LiteSVM();
  }

  readonly read: AccountReader = async (address: Address) => {
    const a = this.svm.getAccount(address);
    if (!a.exists) return null;
    return { owner: a.programAddress, lamports: a.lamports, data: new Uint8Array(a.data) };
  };

  airdrop(address: Address, sol = 10n): void {
    this.svm.airdrop(address, lamports(sol * 1_000_000_000n));
  }

  rent(space: number): bigint {
    return this.svm.minimumBalanceForRentExemption(BigInt(space));
  }

  lifetime(): { blockhash: Blockhash; lastValidBlockHeight: bigint } {
    return { blockhash: this.svm.latestBlockhash(), lastValidBlockHeight: 0n };
  }

  slot(): bigint {
    return this.svm.getClock().slot;
  }

  /** Moves to the next slot with a fresh blockhash. */
  nextSlot(): void {
    this.svm.warpToSlot(this.slot() + 1n);
    this.svm.expireBlockhash();
  }

  /** Sends a fully signed transaction; failed ones are recorded too (a block lists failed transactions). */
  send(tx: Transaction): SendResult {
    const res = this.svm.sendTransaction(tx);
    const signature = getSignatureFromTransaction(tx);
    const failed = res instanceof FailedTransactionMetadata;
    const meta: TransactionMetadata = failed ? res.meta() : res;
    const slot = this.slot();
    const list = this.blocks.get(slot) ?? [];
    list.push({ signature, messageBytes: new Uint8Array(tx.messageBytes), failed });
    this.blocks.set(slot, list);
    return {
      ok: !failed,
      signature,
      computeUnits: meta.computeUnitsConsumed(),
      logs: meta.logs(),
      ...(failed ? { error: res.toString() } : {}),
    };
  }

  /** Blocks of slots strictly below the current one (the harness treats every past slot as finalized). */
  finalizedBlocks(fromSlot = 0n): FinalizedBlock[] {
    const current = this.slot();
    return [...this.blocks.entries()]
      .filter(([s]) => s >= fromSlot && s < current)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([slot, transactions]) => ({ slot, transactions }));
  }
}
