/**
 * Parsing of what people type into the write forms, with messages that say what was wrong and what is expected.
 * Every parser returns `{ value }` or `{ error }`; nothing throws.
 */
import { isAddress, parseUnits, type Address } from "viem";
import { formatToken } from "./format.ts";

export type Parsed<T> = { value: T; error?: undefined } | { value?: undefined; error: string };

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * A token amount in whole units ("1.5") as wei (18 decimals).
 * @param options.min smallest accepted amount in wei (default 1 wei: zero is rejected)
 * @param options.max largest accepted amount in wei (e.g. the balance), with `maxLabel` naming it
 */
export function parseTokenAmount(
  text: string,
  options: { min?: bigint; max?: bigint; maxLabel?: string; symbol?: string } = {},
): Parsed<bigint> {
  const symbol = options.symbol ?? "EAI";
  const t = text.trim();
  if (!t) return { error: `Enter an amount in ${symbol}.` };
  if (!DECIMAL.test(t)) return { error: `Enter a number such as 1 or 0.25 (${symbol}).` };
  const fraction = t.split(".")[1] ?? "";
  if (fraction.length > 18) return { error: "At most 18 decimal places." };
  const value = parseUnits(t, 18);
  const min = options.min ?? 1n;
  if (value < min) {
    return {
      error: min <= 1n ? "Enter an amount above zero." : `Enter at least ${formatToken(min, symbol, 18)}.`,
    };
  }
  if (value >= 2n ** 128n) return { error: "That amount is too large." };
  if (options.max !== undefined && value > options.max) {
    return {
      error: `That is more than ${options.maxLabel ?? "allowed"} (${formatToken(options.max, symbol, 18)}).`,
    };
  }
  return { value };
}

/** A whole number within [min, max]; `what` names it in messages. */
export function parseInteger(text: string, what: string, min: number, max: number): Parsed<number> {
  const t = text.trim();
  if (!t) return { error: `Enter ${what}.` };
  if (!/^\d+$/.test(t)) return { error: `${capitalise(what)} must be a whole number.` };
  const value = Number(t);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    return { error: `${capitalise(what)} must be between ${min} and ${max}.` };
  }
  return { value };
}

/** A non-negative decimal (e.g. "15.5") scaled by `scale` and rounded to an integer within [min, max]. */
export function parseScaled(
  text: string,
  what: string,
  scale: number,
  min: number,
  max: number,
  unit = "",
): Parsed<number> {
  const t = text.trim();
  if (!t) return { error: `Enter ${what}.` };
  if (!DECIMAL.test(t)) return { error: `${capitalise(what)} must be a number such as 16 or 0.5.` };
  const value = Math.round(Number(t) * scale);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const u = unit ? ` ${unit}` : "";
    return { error: `${capitalise(what)} must be between ${min / scale}${u} and ${max / scale}${u}.` };
  }
  return { value };
}

/** A 0x-prefixed 20-byte address (any letter case; checksums are verified when mixed case). */
export function parseAddress(text: string, what = "an address"): Parsed<Address> {
  const t = text.trim();
  if (!t) return { error: `Enter ${what}.` };
  if (!/^0x[0-9a-fA-F]{40}$/.test(t)) return { error: "Expected 0x followed by 40 hex digits." };
  if (!isAddress(t)) return { error: "The address checksum (letter case) does not match: check for a typo." };
  if (/^0x0{40}$/.test(t)) return { error: "The zero address is not allowed here." };
  return { value: t as Address };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
