// Read access to chain accounts, independent of the client (kit RPC, litesvm, a test double).
import { type Address } from "@solana/kit";

export interface AccountSnapshot {
  readonly owner: Address;
  readonly lamports: bigint;
  readonly data: Uint8Array;
}

/** Returns the account at `address`, or null where none exists (no lamports). */
export type AccountReader = (address: Address) => Promise<AccountSnapshot | null>;
