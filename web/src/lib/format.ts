import { formatUnits, type Address } from "viem";

/** 0x1234…abcd */
export function shortAddress(address: Address | string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** Token amount (18 decimals) with at most `digits` fraction digits, e.g. "1,234.5 EAI". */
export function formatToken(wei: bigint | string, symbol = "EAI", digits = 4): string {
  const value = typeof wei === "string" ? BigInt(wei) : wei;
  const [whole = "0", fraction = ""] = formatUnits(value, 18).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const trimmed = fraction.slice(0, digits).replace(/0+$/, "");
  return `${grouped}${trimmed ? `.${trimmed}` : ""}${symbol ? ` ${symbol}` : ""}`;
}

/** Seconds as "2d 3h", "5m 10s", … (two largest units). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "0s";
  const units: [string, number][] = [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
    ["s", 1],
  ];
  const parts: string[] = [];
  let rest = Math.floor(seconds);
  for (const [label, size] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${label}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(" ") || "0s";
}

/** Unix seconds as a local date-time string. */
export function formatTime(unixSeconds: number | bigint | string): string {
  return new Date(Number(unixSeconds) * 1000).toLocaleString();
}

/** Basis points (0..10 000) as a percentage, e.g. 5487 → "54.87 %". */
export function formatBps(bps: number): string {
  return `${(bps / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })} %`;
}

/** Unix seconds as a UTC day label, e.g. "2026-01-31". */
export function formatDay(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}
