/**
 * Validation of route parameters (server and client safe: no imports).
 */

/** A uint256 from a route parameter (a task or proposal id): a decimal integer below 2^256 without leading zeros, else null. */
export function parseUint256Param(raw: string): bigint | null {
  if (!/^(0|[1-9][0-9]{0,77})$/.test(raw)) return null;
  const id = BigInt(raw);
  return id < 2n ** 256n ? id : null;
}

/** A task id from a route parameter, else null (see {@link parseUint256Param}). */
export const parseTaskId = parseUint256Param;

/** An address from a route parameter: 0x + 40 hex digits (any case), else null. */
export function parseAddressParam(raw: string): `0x${string}` | null {
  return /^0x[0-9a-fA-F]{40}$/.test(raw) ? (raw as `0x${string}`) : null;
}
