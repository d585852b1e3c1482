import Link from "next/link";

/** /tasks/optimistic/<id> with an id that is not a task number (HTTP 404). */
export default function OptimisticTaskNotFound() {
  return (
    <>
      <h1>Invalid task id</h1>
      <p role="alert" className="error">
        This is not a task number. Task numbers are whole numbers such as 1 or 42.
      </p>
      <p>
        <Link href="/tasks/all">See all tasks</Link>
      </p>
    </>
  );
}
