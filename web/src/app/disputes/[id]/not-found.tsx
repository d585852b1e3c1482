import Link from "next/link";

/** /disputes/<id> with an id that is not a dispute number (HTTP 404). */
export default function DisputeNotFound() {
  return (
    <>
      <h1>Invalid dispute id</h1>
      <p role="alert" className="error">
        This is not a dispute number. Dispute numbers are whole numbers such as 1 or 42.
      </p>
      <p>
        <Link href="/">Back to the overview</Link>
      </p>
    </>
  );
}
