/**
 * Readable messages for the read pages' failure states (the indexer or the RPC down, bad route parameters).
 */
import { IndexerError } from "./indexer.ts";

/** Why an indexer read failed, in a sentence a user can act on. */
export function indexerErrorMessage(error: unknown): string {
  if (error instanceof IndexerError) {
    return error.status >= 500
      ? `The indexer failed to answer (${error.status}). Try again in a moment.`
      : `The indexer refused the request: ${error.message}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/unreachable|failed to fetch|networkerror|load failed/i.test(message)) {
    return `The indexer is unreachable right now (${message}). The page retries on its own.`;
  }
  if (/invalid|expected/i.test(message))
    return `The indexer sent an answer this app does not understand: ${message}`;
  return `Could not load data from the indexer: ${message}`;
}
