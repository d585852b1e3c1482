/**
 * Task statuses in words (`TaskMarket.TaskStatus`, as the chain and the indexer name them), shared by the status
 * badge, the task tables and the overview, so every page says the same thing for the same status.
 */

/** `TaskMarket.TaskStatus` names, by enum value. */
export const CHAIN_TASK_STATUS = [
  "None",
  "Open",
  "Claimed",
  "Completed",
  "Cancelled",
  "Refunded",
  "Faulted",
] as const;
export type ChainTaskStatus = (typeof CHAIN_TASK_STATUS)[number];

/** True for a status after which nothing changes. */
export function isFinalStatus(status: string | undefined): boolean {
  return status === "Completed" || status === "Cancelled" || status === "Refunded" || status === "Faulted";
}

const WORDS: Record<string, string> = {
  None: "not found",
  Faulted: "Faulted (task fault reported)",
};

/** A status in words: "Faulted (task fault reported)", "not found" for None, the name otherwise. */
export function taskStatusText(status: string): string {
  return WORDS[status] ?? status;
}

/** What a final status means for the requester, in one sentence (null while the task runs). */
export function finalStatusMeaning(status: string): string | null {
  switch (status) {
    case "Completed":
      return "The task completed and its payouts are credited.";
    case "Cancelled":
      return "The requester cancelled the task before anyone claimed it; the reward was credited back.";
    case "Refunded":
      return "The task expired or its providers reached no majority; the reward was credited back to the requester.";
    case "Faulted":
      return (
        "A majority of the providers' votes reported a task fault (the model or the input cannot be executed): " +
        "the requester was credited the reward minus the governed fault fee, which went to the reporting providers."
      );
    default:
      return null;
  }
}
