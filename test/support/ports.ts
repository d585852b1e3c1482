/**
 * Free ports for tests that run in parallel processes (vitest runs two test files at once, each in its own fork).
 *
 * Probing a port (listen, close) and handing it out is not enough on its own: another process probes the same free
 * port a moment later, and both start a server on it. The one that loses then fails, or worse, moves on quietly (Ponder
 * takes the next port when its own is in use) while its test talks to the other file's server. So a port is handed
 * out only once a claim on it is written in a directory all test processes share: a file `<port>.<pid>`, created
 * before looking at the others. A claim counts while its process lives; a process that sees another live claim on the
 * same port withdraws its own (when two claim at once both may withdraw, never both keep it). Claims are removed when
 * the process exits; those left by a killed process are ignored, then removed, by the next process that meets them.
 */
import { readdirSync, mkdirSync, unlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where the claims live (overridable for this module's own test). */
const DIR = process.env.EAI_TEST_PORTS_DIR ?? join(tmpdir(), "eai-test-ports");

const mine = new Set<number>();
let cleanupInstalled = false;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // alive, someone else's
  }
}

function claimFile(port: number, pid = process.pid): string {
  return join(DIR, `${port}.${pid}`);
}

function releaseAll(): void {
  for (const port of mine) {
    try {
      unlinkSync(claimFile(port));
    } catch {
      /* already gone */
    }
  }
  mine.clear();
}

/** Claims `port` for this process; false when another live process holds a claim on it. */
function claim(port: number): boolean {
  mkdirSync(DIR, { recursive: true });
  if (!cleanupInstalled) {
    cleanupInstalled = true;
    process.once("exit", releaseAll);
  }
  const own = claimFile(port);
  writeFileSync(own, String(process.pid));
  const prefix = `${port}.`;
  for (const name of readdirSync(DIR)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    if (alive(pid)) {
      unlinkSync(own);
      return false;
    }
    try {
      unlinkSync(join(DIR, name)); // left by a process that is gone
    } catch {
      /* another process removed it first */
    }
  }
  mine.add(port);
  return true;
}

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * A port of [from, to] that nothing listens on, that no other live test process has claimed, and that this process
 * has not handed out before; it stays claimed until this process exits. Tries the ports in random order.
 */
export async function freePort([from, to]: readonly [number, number]): Promise<number> {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > 65_535 || from > to)
    throw new Error(`freePort: bad range ${from}-${to}`);
  const candidates: number[] = [];
  for (let p = from; p <= to; p++) if (!mine.has(p)) candidates.push(p);
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  for (const port of candidates) {
    if (!claim(port)) continue;
    if (await listenable(port)) return port;
    // something outside the tests listens there: keep the claim (no one else should try it either) and move on
  }
  throw new Error(`no free port in ${from}-${to}`);
}

/** Gives a claimed port back early (a server that failed to start on it, say). */
export function releasePort(port: number): void {
  if (!mine.delete(port)) return;
  try {
    unlinkSync(claimFile(port));
  } catch {
    /* already gone */
  }
}
