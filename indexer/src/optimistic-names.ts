/** Names of the OPTIMISTIC enums as the events carry them (numbers), shared by the two handler files. */
import { AUDIT_STATES, OPTIMISTIC_STATUSES, VERDICTS } from "../ponder.schema.ts";

/** `IOptimisticMarket.Status` (None = 0 is never stored). */
export function statusName(status: number) {
  const name = OPTIMISTIC_STATUSES[status - 1];
  if (!name) throw new Error(`unknown OPTIMISTIC status ${status}`);
  return name;
}

export function auditStateName(state: number) {
  const name = AUDIT_STATES[state];
  if (!name) throw new Error(`unknown audit state ${state}`);
  return name;
}

export function verdictName(verdict: number) {
  const name = VERDICTS[verdict];
  if (!name) throw new Error(`unknown verdict ${verdict}`);
  return name;
}
