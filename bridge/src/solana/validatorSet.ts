// The validator set of the Solana spoke: N ed25519 keys (1 ≤ N ≤ 11, the SPL multisig limit), threshold M with
// ⌈2N/3⌉ ≤ M ≤ N, keys unique and sorted ascending by their 32 bytes.
import { getAddressEncoder, type Address } from "@solana/kit";
import { MAX_MULTISIG_SIGNERS } from "./constants.ts";

export interface ValidatorSet {
  readonly signers: readonly Address[];
  readonly threshold: number;
}

export class ValidatorSetError extends Error {
  override name = "ValidatorSetError";
}

/** ⌈2N/3⌉: the smallest threshold the bridge accepts for N validators. */
export function minThreshold(n: number): number {
  return Math.ceil((2 * n) / 3);
}

/** Compares two addresses by their 32 raw bytes. */
export function compareAddressBytes(a: Address, b: Address): number {
  const enc = getAddressEncoder();
  const x = enc.encode(a);
  const y = enc.encode(b);
  for (let i = 0; i < 32; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The addresses sorted ascending by bytes (the order the bridge requires). */
export function sortSigners(signers: readonly Address[]): Address[] {
  return [...signers].sort(compareAddressBytes);
}

/** Throws ValidatorSetError unless the set satisfies every rule; returns it unchanged. */
export function assertValidatorSet(set: ValidatorSet): ValidatorSet {
  const n = set.signers.length;
  if (n < 1 || n > MAX_MULTISIG_SIGNERS) {
    throw new ValidatorSetError(
      `validator count ${n} outside 1…${MAX_MULTISIG_SIGNERS} (SPL multisig limit)`,
    );
  }
  if (!Number.isInteger(set.threshold) || set.threshold < minThreshold(n) || set.threshold > n) {
    throw new ValidatorSetError(`threshold ${set.threshold} outside ⌈2N/3⌉…N = ${minThreshold(n)}…${n}`);
  }
  const zero = "11111111111111111111111111111111";
  let previous: Address | undefined;
  for (const [i, s] of set.signers.entries()) {
    if (s === zero) throw new ValidatorSetError("the zero key (system program id) cannot be a validator");
    if (previous !== undefined && compareAddressBytes(previous, s) >= 0) {
      throw new ValidatorSetError(`signers must be unique and sorted ascending by bytes (at index ${i})`);
    }
    previous = s;
  }
  return set;
}

/** True when both sets hold the same signers (in order) and threshold. */
export function sameValidatorSet(a: ValidatorSet, b: ValidatorSet): boolean {
  return (
    a.threshold === b.threshold &&
    a.signers.length === b.signers.length &&
    a.signers.every((s, i) => s === b.signers[i])
  );
}
