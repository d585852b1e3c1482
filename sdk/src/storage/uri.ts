/**
 * Content-addressed blob identifiers.
 *
 * A blob is named by the sha256 of its bytes. Three spellings of the same name:
 * - hash:  64 lowercase hex characters (`3a7b…`), used as the file name and in HTTP paths;
 * - id:    `sha256-<hex>`;
 * - URI:   `eai://blob/sha256-<hex>`, what goes on-chain (`inputURI`) and maps to `<baseUrl>/blobs/<hex>`.
 */
import { createHash } from "node:crypto";

export const BLOB_URI_PREFIX = "eai://blob/sha256-";

const HEX64 = /^[0-9a-f]{64}$/;

/** A lowercase 64-character sha256 hex digest (no 0x prefix). */
export type Sha256Hex = string;

/** True when `value` is a lowercase 64-character hex digest. */
export function isSha256Hex(value: string): boolean {
  return HEX64.test(value);
}

/** sha256 of `data` as lowercase hex. */
export function sha256Hex(data: Uint8Array): Sha256Hex {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Normalises a digest given as hex, `0x`-hex or `sha256-<hex>` to lowercase hex.
 * @throws Error naming the field when it is not a sha256 digest.
 */
export function normaliseSha256(value: string, field = "sha256"): Sha256Hex {
  let hex = value.trim();
  if (hex.startsWith("sha256-")) hex = hex.slice("sha256-".length);
  else if (hex.startsWith("0x") || hex.startsWith("0X")) hex = hex.slice(2);
  hex = hex.toLowerCase();
  if (!HEX64.test(hex)) {
    throw new Error(`${field}: expected a sha256 digest (64 hex characters), got ${JSON.stringify(value)}`);
  }
  return hex;
}

/** `sha256-<hex>` */
export function blobId(sha256: Sha256Hex): string {
  return `sha256-${normaliseSha256(sha256)}`;
}

/** `eai://blob/sha256-<hex>` */
export function blobUri(sha256: Sha256Hex): string {
  return `${BLOB_URI_PREFIX}${normaliseSha256(sha256)}`;
}

/**
 * Extracts the sha256 from an `eai://blob/sha256-<hex>` URI.
 * @throws Error saying what was expected when the URI is malformed.
 */
export function parseBlobUri(uri: string): Sha256Hex {
  if (!uri.startsWith(BLOB_URI_PREFIX)) {
    throw new Error(`blob URI: expected "${BLOB_URI_PREFIX}<64 hex>", got ${JSON.stringify(uri)}`);
  }
  const hex = uri.slice(BLOB_URI_PREFIX.length);
  if (!HEX64.test(hex)) {
    throw new Error(
      `blob URI: expected 64 lowercase hex characters after "sha256-", got ${JSON.stringify(uri)}`,
    );
  }
  return hex;
}

/** HTTP location of a blob on a store at `baseUrl` (`<baseUrl>/blobs/<hex>`). */
export function blobHttpUrl(baseUrl: string, sha256: Sha256Hex): string {
  return `${baseUrl.replace(/\/+$/, "")}/blobs/${normaliseSha256(sha256)}`;
}
