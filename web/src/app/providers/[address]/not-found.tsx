import Link from "next/link";

/** /providers/<address> with something that is not an address (HTTP 404). */
export default function ProviderNotFound() {
  return (
    <>
      <h1>Invalid provider address</h1>
      <p role="alert" className="error">
        This is not an address: expected 0x followed by 40 hexadecimal digits.
      </p>
      <p>
        <Link href="/providers">Back to the providers</Link>
      </p>
    </>
  );
}
