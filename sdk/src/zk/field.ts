import { SNARK_SCALAR_FIELD } from "./spec.ts";

/** Maps a (possibly negative) integer into the field: v mod p in [0, p). Negative v becomes p - |v|. */
export function toField(value: bigint | number): bigint {
  const v = typeof value === "number" ? BigInt(assertSafeInteger(value, "value")) : value;
  const r = v % SNARK_SCALAR_FIELD;
  return r < 0n ? r + SNARK_SCALAR_FIELD : r;
}

/** Throws unless `value` is a safe integer; returns it. */
export function assertSafeInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer, got ${value}`);
  return value;
}

/** Throws unless lo <= value < hi. */
export function assertRange(value: number, lo: number, hi: number, what: string): number {
  assertSafeInteger(value, what);
  if (value < lo || value >= hi) throw new RangeError(`${what} = ${value} is outside [${lo}, ${hi})`);
  return value;
}
