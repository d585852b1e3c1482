import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { parseTaskId } from "@/lib/route-params.ts";
import { TaskDetail } from "./lazy.tsx";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const taskId = parseTaskId((await params).id);
  return { title: taskId === null ? "Invalid task id" : `Task #${taskId}` };
}

/** One task: summary, live status and verification, proof status, payments and (for its requester) cancel. */
export default async function TaskPage({ params }: Props) {
  const { id } = await params;
  const taskId = parseTaskId(id);
  if (taskId === null) notFound();
  return (
    <>
      <h1>Task #{taskId.toString()}</h1>
      <TaskDetail id={taskId.toString()} />
    </>
  );
}
