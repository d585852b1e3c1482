/**
 * How the `eai` CLI shows values: amounts in EAI (never wei), statuses by name, unix times as ISO dates with
 * "in 4 min". One walk over a command's result serves both outputs: the human lines and `--json`.
 */
import { formatEther } from "viem";

import { formatTime } from "../client/explain.ts";

/** Keys whose bigint values are token amounts (18 decimals). */
const AMOUNT_KEY =
  /^(stake|locked|free|amount|reward|bond|marketCredit|vaultCredit|balance|credit|refund|providerPayout|treasuryFee|creatorFee|minRatedValue|value|total|challengeBond|providerBond|toWinner|toJurors|toTreasury|disputeCredit)$/i;
/** Keys whose number values are unix seconds. */
const TIME_KEY =
  /^(deadline|createdAt|priorityUntil|phaseDeadline|releaseAt|executableAt|registeredAt|notBefore|settledAt|updatedAt|timestamp|challengeEnds|voteEnds|revealEnds|roundStart|chainTime)$/;

/**
 * The JSON form: amounts as EAI decimal strings ("12.5"), other bigints as decimal strings, times as unix seconds
 * with an ISO `<key>Iso` beside them.
 */
export function toJsonValue(value: unknown, key = ""): unknown {
  if (typeof value === "bigint") return AMOUNT_KEY.test(key) ? formatEther(value) : value.toString();
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString("hex")}`;
  if (Array.isArray(value)) return value.map((v) => toJsonValue(v));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = toJsonValue(v, k);
      if (TIME_KEY.test(k) && typeof v === "number" && v > 0)
        out[`${k}Iso`] = new Date(v * 1000).toISOString();
    }
    return out;
  }
  return value;
}

export function toJson(value: unknown): string {
  return JSON.stringify(toJsonValue(value), null, 2);
}

function scalar(key: string, v: unknown, now: number): string {
  if (typeof v === "bigint") return AMOUNT_KEY.test(key) ? `${formatEther(v)} EAI` : v.toString();
  if (typeof v === "number" && TIME_KEY.test(key)) return formatTime(v, now);
  if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString("hex")}`;
  return String(v);
}

/** The human form: `key: value` lines, nested objects indented, amounts in EAI, times as ISO with "in …". */
export function human(value: unknown, now = Date.now() / 1000, indent = ""): string[] {
  if (typeof value !== "object" || value === null) return [`${indent}${scalar("", value, now)}`];
  const lines: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)) {
      lines.push(`${indent}${k}:`, ...human(v, now, `${indent}  `));
    } else if (Array.isArray(v) && v.some((e) => typeof e === "object" && e !== null)) {
      lines.push(`${indent}${k}:`);
      for (const e of v) {
        const inner = human(e, now, `${indent}    `);
        lines.push(`${indent}  - ${(inner[0] ?? "").trimStart()}`, ...inner.slice(1));
      }
    } else {
      const shown = Array.isArray(v) ? v.map((e) => scalar(k, e, now)).join(", ") : scalar(k, v, now);
      lines.push(`${indent}${k}: ${shown}`);
    }
  }
  return lines;
}
