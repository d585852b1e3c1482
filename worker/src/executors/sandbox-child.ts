/**
 * The child side of a sandbox (sandbox.ts): reads request frames from file descriptor 3, answers them one at a time
 * in order, and exits when the worker closes the channel. Its first frame reports the limits it runs under, as the
 * kernel has them in /proc/self/limits, so that the worker can refuse a child whose limits were not applied.
 * Kept free of TypeScript-only runtime syntax so Node runs it directly.
 */
import { readFileSync } from "node:fs";
import { flushCompileCache } from "node:module";
import { Socket } from "node:net";
import { encodeFrame, FrameDecoder, type Frame } from "./ipc.ts";

export interface Reply {
  header: Record<string, unknown>;
  payload?: Uint8Array;
}

/** RLIMIT_DATA, RLIMIT_CPU and RLIMIT_CORE (soft values; null = unlimited) from /proc/self/limits. */
export function ownLimits(): { dataBytes: number | null; cpuSec: number | null; coreBytes: number | null } {
  const text = readFileSync("/proc/self/limits", "utf8");
  const soft = (name: string): number | null => {
    const line = text.split("\n").find((l) => l.startsWith(name));
    const value = line?.slice(name.length).trim().split(/\s+/)[0];
    return value === undefined || value === "unlimited" ? null : Number(value);
  };
  return {
    dataBytes: soft("Max data size"),
    cpuSec: soft("Max cpu time"),
    coreBytes: soft("Max core file size"),
  };
}

/**
 * Serves requests on fd 3 with `handle` until the channel closes. `info` goes into the first frame. A handler that
 * throws answers `{ type: "error", code: "runtime", message }`.
 */
export function serveSandbox(
  handle: (frame: Frame) => Promise<Reply> | Reply,
  info: Record<string, unknown> = {},
  maxFrameBytes = 1 << 30,
): void {
  const channel = new Socket({ fd: 3, readable: true, writable: true });
  const decoder = new FrameDecoder(maxFrameBytes);
  let queue = Promise.resolve();
  const send = (reply: Reply) => channel.write(encodeFrame(reply.header, reply.payload));
  channel.on("data", (chunk: Buffer) => {
    let frames: Frame[];
    try {
      frames = decoder.push(chunk);
    } catch {
      process.exit(70); // the worker sent something we cannot read: nothing sensible to answer
    }
    for (const frame of frames) {
      queue = queue.then(async () => {
        try {
          send(await handle(frame));
        } catch (err) {
          send({
            header: {
              type: "error",
              code: "runtime",
              message: err instanceof Error ? err.message : String(err),
            },
          });
        }
      });
    }
  });
  // The worker closed the channel (retired us, or died): finish and exit.
  channel.on("end", () => void queue.then(() => process.exit(0)));
  channel.on("error", () => process.exit(0));
  send({ header: { type: "ready", limits: ownLimits(), node: process.version, ...info } });
  // Children are killed, not exited: write the compile cache (stripped TypeScript) now, for the next start.
  flushCompileCache();
}
