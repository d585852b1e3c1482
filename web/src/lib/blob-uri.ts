/**
 * Blob URIs in the browser: `eai://blob/sha256-<hex>` names a blob of the store, which the app serves at
 * `/api/blobs/<hex>`. (Same format as the SDK's `storage/uri.ts`, whose module needs Node's crypto, and as
 * `blobUriSha256` of `@eai/sdk/tasks/verify`, whose module carries the Poseidon code: this one is import-light.)
 */

const BLOB_URI = /^eai:\/\/blob\/sha256-([0-9a-f]{64})$/;

/** The same-origin download path of an `eai://blob/sha256-<hex>` URI, or null for any other URI. */
export function blobDownloadPath(uri: string): string | null {
  const sha = BLOB_URI.exec(uri)?.[1];
  return sha ? `/api/blobs/${sha}` : null;
}
