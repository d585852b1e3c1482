/**
 * A sandbox child for sandbox.test.ts that misbehaves on request: `{ do: "<behaviour>" }`. Test fixture only; the
 * executors never start it. Kept free of TypeScript-only runtime syntax so Node runs it directly.
 */
import { writeSync } from "node:fs";
import { ownLimits, serveSandbox, type Reply } from "./sandbox-child.ts";
import type { Frame } from "./ipc.ts";

const hold: unknown[] = [];

/** Writes raw bytes to the channel, bypassing the framing. */
const raw = (bytes: Uint8Array) => writeSync(3, bytes);

function handle(frame: Frame): Reply | Promise<Reply> {
  const h = frame.header;
  switch (h.do) {
    case "echo":
      return { header: { type: "echo", got: h.value }, payload: frame.payload };
    case "limits":
      return {
        header: {
          type: "limits",
          limits: ownLimits(),
          envKeys: Object.keys(process.env),
          heapLimitMiB: 0,
        },
      };
    case "resident": {
      // Touch memory page by page until the watchdog stops us.
      for (;;) {
        const b = Buffer.alloc(16 * 1024 * 1024, 1);
        hold.push(b);
      }
    }
    case "data": {
      // Reserve (and touch) native memory until an allocation fails; report where (RLIMIT_DATA).
      let mib = 0;
      try {
        for (;;) {
          hold.push(Buffer.alloc(64 * 1024 * 1024, 1));
          mib += 64;
        }
      } catch (err) {
        hold.length = 0;
        return { header: { type: "data", failedAfterMiB: mib, error: (err as Error).message } };
      }
    }
    case "heap": {
      const objects: object[] = [];
      for (let i = 0; ; i++) objects.push({ i, s: `item ${i}`, a: [i, i + 1] });
    }
    case "spin":
      for (;;) {
        /* burn CPU */
      }
    case "hang":
      return new Promise<Reply>(() => undefined);
    case "garbage":
      raw(new TextEncoder().encode("this is not a frame at all, just text on the channel........"));
      return new Promise<Reply>(() => undefined);
    case "oversize": {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setUint32(0, 0xffff_fff0, true);
      raw(b);
      return new Promise<Reply>(() => undefined);
    }
    case "half": {
      const b = new Uint8Array(64);
      new DataView(b.buffer).setUint32(0, 1000, true);
      raw(b);
      return process.exit(0);
    }
    case "unasked":
      setTimeout(() => raw(new Uint8Array([8, 0, 0, 0, 2, 0, 0, 0, 0x7b, 0x7d, 0, 0])), 10);
      return { header: { type: "echo" } };
    case "exit":
      return process.exit(3);
    case "abort":
      return process.abort();
    default:
      return { header: { type: "error", code: "runtime", message: `unknown behaviour ${String(h.do)}` } };
  }
}

if (process.argv.includes("--fake-ready")) {
  // Claims limits it does not have (the worker must refuse it).
  const b = new TextEncoder().encode(
    JSON.stringify({ type: "ready", limits: { dataBytes: null, cpuSec: null, coreBytes: null } }),
  );
  const frame = new Uint8Array(8 + b.length);
  new DataView(frame.buffer).setUint32(0, 4 + b.length, true);
  new DataView(frame.buffer).setUint32(4, b.length, true);
  frame.set(b, 8);
  raw(frame);
  setInterval(() => undefined, 1000);
} else {
  serveSandbox(handle);
}
