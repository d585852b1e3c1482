import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Absolute path of a repository-relative path. */
export function repoPath(rel: string): string {
  return fileURLToPath(new URL(`../../${rel}`, import.meta.url));
}

/** sha256 of a file or buffer, hex. */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256")
    .update(typeof data === "string" ? readFileSync(data) : data)
    .digest("hex");
}

/** Prints a progress line with the elapsed time. */
export function progress(start: number, message: string): void {
  console.log(`[${((performance.now() - start) / 1000).toFixed(1).padStart(6)} s] ${message}`);
}
