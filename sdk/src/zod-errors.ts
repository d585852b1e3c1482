import type { z } from "zod";

/** Formats zod issues as `path: message, got <value>` (joined with "; "); `origin` maps paths to sources. */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  origin: (path: string) => string | undefined = () => undefined,
): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join(".") || "(root)";
      const from = origin(path);
      const where = from ? `${path} (from ${from})` : path;
      const got =
        "input" in issue && issue.input !== undefined && issue.code !== "unrecognized_keys"
          ? `, got ${show(issue.input)}`
          : "";
      return `${where}: ${issue.message}${got}`;
    })
    .join("; ");
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === "bigint") return `${value}n`;
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 80)}…` : text;
  } catch {
    return String(value);
  }
}
