/**
 * Reads the log of `npm test` and prints one plain line with the real totals: `N passed, N failed`.
 * Counts Hardhat's Solidity and node:test results ("N passing", "N failing") and Vitest's ("Tests  N passed").
 * A step that failed without reporting any test (lint, a compile error) counts as one failure.
 *
 *   node scripts/ci-summary.ts <log file> <exit status of npm test>
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Totals {
  passed: number;
  failed: number;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export function summarize(log: string, exitStatus: number): Totals {
  const totals: Totals = { passed: 0, failed: 0 };
  for (const raw of log.split("\n")) {
    const line = raw.replace(ANSI, "").trim();
    let m = /^(\d+) passing\b/.exec(line);
    if (m) totals.passed += Number(m[1]);
    m = /^(\d+) failing\b/.exec(line);
    if (m) totals.failed += Number(m[1]);
    if (/^Tests\s/.test(line)) {
      const passed = /(\d+) passed/.exec(line);
      const failed = /(\d+) failed/.exec(line);
      if (passed) totals.passed += Number(passed[1]);
      if (failed) totals.failed += Number(failed[1]);
    }
  }
  if (exitStatus !== 0 && totals.failed === 0) totals.failed = 1;
  return totals;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, status] = process.argv.slice(2);
  if (!file) {
    console.error("usage: node scripts/ci-summary.ts <log> <status>");
    process.exit(2);
  }
  const totals = summarize(readFileSync(file, "utf8"), Number(status ?? 0));
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
}
