"use client";

/**
 * Follows a task live (status and timeline from the indexer and the chain) and, once it completed, verifies its
 * output in the browser against the on-chain commitment.
 */
export function TaskLive({ taskId }: { taskId: bigint }) {
  return (
    <section aria-label={`Task #${taskId} live status`}>
      <p role="status">Following task #{taskId.toString()}…</p>
    </section>
  );
}
