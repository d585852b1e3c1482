/**
 * The sandbox's limits and failure handling, against a child that misbehaves on request (sandbox-test-child.ts):
 * every way a child can fail ends that request with a worker-fault ExecutionError, and the test process (the
 * "worker") keeps running and can start the next child.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  DATA_RESERVE_MIB,
  sampleProcess,
  sandboxSupported,
  SandboxProcess,
  type SandboxLimits,
} from "./sandbox.ts";
import { ExecutionError } from "./types.ts";

const SCRIPT = new URL("./sandbox-test-child.ts", import.meta.url);
const LIMITS: SandboxLimits = {
  memoryMiB: 256,
  heapMiB: 64,
  wallMs: 20_000,
  cpuMs: 20_000,
  lifetimeCpuSec: 60,
  maxFrameBytes: 1 << 20,
};

const started: SandboxProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.kill()));
});

async function sandbox(limits: Partial<SandboxLimits> = {}, args: string[] = []): Promise<SandboxProcess> {
  const p = await SandboxProcess.start({
    script: SCRIPT,
    label: "test sandbox",
    limits: { ...LIMITS, ...limits },
    args,
  });
  started.push(p);
  return p;
}

async function failure(promise: Promise<unknown>): Promise<ExecutionError> {
  const err = await promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ExecutionError);
  expect((err as ExecutionError).taskFault).toBe(false);
  return err as ExecutionError;
}

describe("sandbox process", () => {
  it("runs on this system", () => {
    expect(sandboxSupported()).toBe(true);
    expect(sampleProcess(process.pid)?.rssBytes).toBeGreaterThan(0);
  });

  it("answers requests in order with header and payload", async () => {
    const p = await sandbox();
    const payload = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);
    const a = await p.request({ do: "echo", value: 1 }, payload);
    expect(a.header).toEqual({ type: "echo", got: 1 });
    expect(Buffer.from(a.payload).equals(Buffer.from(payload))).toBe(true);
    const b = await p.request({ do: "echo", value: "two" });
    expect(b.header.got).toBe("two");
    expect(p.requests).toBe(2);
    await expect(Promise.all([p.request({ do: "hang" }), p.request({ do: "echo" })])).rejects.toThrow(
      /request while busy/,
    );
  });

  it("runs the child under the limits it asked for, without the worker's environment", async () => {
    process.env.EAI_WORKER_PRIVATE_KEY = "0xnot-for-children";
    let p: SandboxProcess;
    try {
      p = await sandbox({ memoryMiB: 300, lifetimeCpuSec: 42 });
    } finally {
      delete process.env.EAI_WORKER_PRIVATE_KEY;
    }
    const r = await p.request({ do: "limits" });
    expect(r.header.limits).toEqual({
      dataBytes: (300 + DATA_RESERVE_MIB) * 1024 * 1024,
      cpuSec: 42,
      coreBytes: 0,
    });
    expect(p.info.limits).toEqual(r.header.limits);
    const keys = r.header.envKeys as string[];
    expect(keys.filter((k) => k.startsWith("EAI_"))).toEqual([]);
    expect(
      keys.every((k) =>
        /^(PATH|PWD|LANG|LC_|TZ|TMPDIR|LD_LIBRARY_PATH|CUDA_|NVIDIA_|NODE_COMPILE_CACHE)/.test(k),
      ),
    ).toBe(true);
  });

  it("refuses a child that does not report the limits it was started with", async () => {
    const err = await failure(
      SandboxProcess.start({ script: SCRIPT, label: "liar", limits: LIMITS, args: ["--fake-ready"] }),
    );
    expect(err.code).toBe("runtime");
    expect(err.message).toMatch(/operating-system limits were not applied/);
  });

  it("kills a child at the wall-clock limit", async () => {
    const p = await sandbox();
    const err = await failure(p.request({ do: "hang" }, undefined, { wallMs: 300 }));
    expect(err.code).toBe("timeout");
    expect(err.message).toMatch(/exceeded the time limit of 300 ms/);
    expect(p.alive).toBe(false);
  });

  it("kills a child at its CPU limit per request", async () => {
    const p = await sandbox();
    const err = await failure(p.request({ do: "spin" }, undefined, { cpuMs: 300 }));
    expect(err.code).toBe("cpu-limit");
    expect(err.message).toMatch(/over the limit of 300 ms; the process was killed/);
  });

  it("lets the kernel kill a child at RLIMIT_CPU (watchdog and wall clock out of the way)", async () => {
    const p = await sandbox({ lifetimeCpuSec: 1, cpuMs: 600_000, wallMs: 120_000 });
    const err = await failure(p.request({ do: "spin" }));
    expect(err.code).toBe("cpu-limit");
    expect(err.message).toMatch(/killed by the kernel at its CPU limit of 1 s \(signal SIG(XCPU|KILL)\)/);
  });

  it("kills a child whose resident memory exceeds the limit", async () => {
    const p = await sandbox({ memoryMiB: 200 });
    const err = await failure(p.request({ do: "resident" }));
    expect(err.code).toBe("memory-limit");
    expect(err.message).toMatch(/resident memory \d+ MiB exceeded the limit of 200 MiB/);
    expect(p.peakRssBytes).toBeGreaterThan(150 * 2 ** 20);
  });

  it("RLIMIT_DATA stops native allocations even with the watchdog out of the way", async () => {
    // Watchdog limit far above; RLIMIT_DATA = memoryMiB + reserve. Node itself takes ≈ 560 MiB of it.
    const p = await sandbox({ memoryMiB: 64 * 1024, dataMiB: DATA_RESERVE_MIB + 256 });
    const r = await p.request({ do: "data" });
    expect(r.header.type).toBe("data");
    expect(r.header.failedAfterMiB as number).toBeLessThan(DATA_RESERVE_MIB + 256);
    expect(String(r.header.error)).toMatch(/allocation failed|memory/i);
  });

  it("reports a JS heap exhaustion as memory-limit", async () => {
    const p = await sandbox({ heapMiB: 32 });
    const err = await failure(p.request({ do: "heap" }));
    expect(err.code).toBe("memory-limit");
    expect(err.message).toMatch(/ran out of memory under its limits/);
  });

  it("treats garbage, oversized and unasked frames as the child's failure", async () => {
    const garbage = await failure((await sandbox()).request({ do: "garbage" }));
    expect(garbage.code).toBe("crashed");
    expect(garbage.message).toMatch(/malformed frame/);
    const oversize = await failure((await sandbox()).request({ do: "oversize" }));
    expect(oversize.message).toMatch(/exceeds the limit of 1048576/);
    const p = await sandbox();
    await p.request({ do: "unasked" });
    await expect.poll(() => p.alive, { timeout: 10_000 }).toBe(false);
  });

  it("fails the request when the child dies mid-reply, exits or aborts", async () => {
    const half = await failure((await sandbox()).request({ do: "half" }));
    expect(half.code).toBe("crashed");
    expect(half.message).toMatch(/died in the middle of a reply/);
    const exit = await failure((await sandbox()).request({ do: "exit" }));
    expect(exit.message).toMatch(/process died \(exit code 3\)/);
    const abort = await failure((await sandbox()).request({ do: "abort" }));
    expect(abort.message).toMatch(/process died \(signal SIGABRT\)/);
  });

  it("kill() fails a request in progress with closed, and a dead child refuses requests", async () => {
    const p = await sandbox();
    const pending = p.request({ do: "hang" });
    await p.kill();
    expect((await failure(pending)).code).toBe("closed");
    expect((await failure(p.request({ do: "echo" }))).code).toBe("crashed");
  });
});
