import Link from "next/link";

/** /tasks/<id> with an id that is not a task number (HTTP 404). */
export default function TaskNotFound() {
  return (
    <>
      <h1>Invalid task id</h1>
      <p role="alert" className="error">
        This is not a task number. Task numbers are whole numbers such as 1 or 42.
      </p>
      <p>
        <Link href="/tasks">Back to my tasks</Link>
      </p>
    </>
  );
}
