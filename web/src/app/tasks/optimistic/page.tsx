import type { Metadata } from "next";
import { OptimisticTaskList } from "./optimistic-list.tsx";

export const metadata: Metadata = { title: "OPTIMISTIC tasks" };

/** The newest OPTIMISTIC tasks (OptimisticMarket), with their state and challenge windows. */
export default function OptimisticTasksPage() {
  return (
    <>
      <h1>OPTIMISTIC tasks</h1>
      <p className="muted">
        Tasks of the OPTIMISTIC market, newest first: one drawn provider posts a bonded result, which settles
        unless someone challenges it within the window (a jury then decides). They are numbered apart from the
        other tasks.
      </p>
      <OptimisticTaskList />
    </>
  );
}
