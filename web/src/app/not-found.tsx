import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

/** Any unknown path (HTTP 404). */
export default function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p className="error">There is no page at this address.</p>
      <p>
        <Link href="/">Go to the network overview</Link>
      </p>
    </>
  );
}
