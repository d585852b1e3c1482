import type { Metadata } from "next";
import Link from "next/link";
import { parseTaskId } from "@/lib/route-params.ts";
import { TaskDetail } from "./task-detail.tsx";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const taskId = parseTaskId((await params).id);
  return { title: taskId === null ? "Invalid task id" : `Task #${taskId}` };
}

/** One task: summary, live status and verification, proof status, payments and (for its requester) cancel. */
export default async function TaskPage({ params }: Props) {
  const { id } = await params;
  const taskId = parseTaskId(id);
  if (taskId === null) {
    return (
      <>
        <h1>Invalid task id</h1>
        <p role="alert" className="error">
          “{id.slice(0, 100)}” is not a task number. Task numbers are whole numbers such as 1 or 42.
        </p>
        <p>
          <Link href="/tasks">Back to my tasks</Link>
        </p>
      </>
    );
  }
  return <TaskDetail id={taskId.toString()} />;
}
