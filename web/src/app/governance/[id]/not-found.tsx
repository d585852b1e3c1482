import Link from "next/link";

/** /governance/<id> with something that is not a proposal id (HTTP 404). */
export default function ProposalNotFound() {
  return (
    <>
      <h1>Proposal not found</h1>
      <p role="alert" className="error">
        This is not a proposal id: expected a decimal number below 2^256.
      </p>
      <p>
        <Link href="/governance">Back to governance</Link>
      </p>
    </>
  );
}
