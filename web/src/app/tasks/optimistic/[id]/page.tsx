import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { parseTaskId } from "@/lib/route-params.ts";
import { OptimisticTaskDetail } from "./optimistic-task.tsx";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const taskId = parseTaskId((await params).id);
  return { title: taskId === null ? "Invalid task id" : `OPTIMISTIC task #${taskId}` };
}

/**
 * One OPTIMISTIC task (OptimisticMarket: its own numbering, apart from TaskMarket's `/tasks/[id]`): state, the
 * challenge-window countdown, the audit, disputes and the timeline.
 */
export default async function OptimisticTaskPage({ params }: Props) {
  const { id } = await params;
  const taskId = parseTaskId(id);
  if (taskId === null) notFound();
  return (
    <>
      <h1>OPTIMISTIC task #{taskId.toString()}</h1>
      <OptimisticTaskDetail id={taskId.toString()} />
    </>
  );
}
