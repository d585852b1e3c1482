import { describe, expect, it } from "vitest";
import { clientAddress, isLoopback, SlotError, UploadSlots } from "./limits.ts";

const A = "203.0.113.1";
const B = "203.0.113.2";

/** Resolves to "granted" or the refusal code, without awaiting a slot that never comes. */
function outcome(p: Promise<() => void>): { state: () => string; release: () => void } {
  let state = "waiting";
  let release = () => {};
  p.then(
    (r) => {
      state = "granted";
      release = r;
    },
    (err: unknown) => {
      state = err instanceof SlotError ? err.code : "error";
    },
  );
  return { state: () => state, release: () => release() };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("UploadSlots", () => {
  it("grants up to the global limit and queues the rest in arrival order", async () => {
    const slots = new UploadSlots({ max: 2, perClient: 10, maxQueued: 10, queueTimeoutMs: 60_000 });
    const first = outcome(slots.acquire(A));
    const second = outcome(slots.acquire(B));
    const third = outcome(slots.acquire("203.0.113.3"));
    const fourth = outcome(slots.acquire("203.0.113.4"));
    await settle();
    expect([first, second, third, fourth].map((o) => o.state())).toEqual([
      "granted",
      "granted",
      "waiting",
      "waiting",
    ]);
    expect([slots.active, slots.queued]).toEqual([2, 2]);
    second.release();
    await settle();
    expect([third.state(), fourth.state()]).toEqual(["granted", "waiting"]);
    second.release(); // releasing twice frees one slot only
    await settle();
    expect(fourth.state()).toBe("waiting");
    first.release();
    await settle();
    expect(fourth.state()).toBe("granted");
    expect(slots.active).toBe(2);
  });

  it("holds one client to its limit while other clients still get free slots", async () => {
    const slots = new UploadSlots({ max: 4, perClient: 2, maxQueued: 10, queueTimeoutMs: 60_000 });
    const a = [outcome(slots.acquire(A)), outcome(slots.acquire(A)), outcome(slots.acquire(A))];
    const b = outcome(slots.acquire(B));
    await settle();
    expect(a.map((o) => o.state())).toEqual(["granted", "granted", "waiting"]);
    expect(b.state()).toBe("granted"); // not stuck behind A's queued upload
    expect([slots.activeFor(A), slots.activeFor(B), slots.queued]).toEqual([2, 1, 1]);
    b.release(); // a free global slot does not let A past its own limit
    await settle();
    expect(a[2]?.state()).toBe("waiting");
    a[0]?.release();
    await settle();
    expect(a[2]?.state()).toBe("granted");
  });

  it("refuses a client that already has perClient uploads waiting, and a full queue", async () => {
    const slots = new UploadSlots({ max: 1, perClient: 1, maxQueued: 2, queueTimeoutMs: 60_000 });
    outcome(slots.acquire(A));
    outcome(slots.acquire(A));
    await expect(slots.acquire(A)).rejects.toMatchObject({ code: "client-queue-full" });
    outcome(slots.acquire(B));
    await expect(slots.acquire("203.0.113.3")).rejects.toMatchObject({
      code: "queue-full",
      message: expect.stringContaining("1 running, 2 waiting"),
    });
  });

  it("refuses an upload that waited longer than queueTimeoutMs and forgets it", async () => {
    const slots = new UploadSlots({ max: 1, perClient: 5, maxQueued: 5, queueTimeoutMs: 50 });
    const held = outcome(slots.acquire(A));
    await expect(slots.acquire(B)).rejects.toMatchObject({
      code: "queue-timeout",
      message: expect.stringContaining("within 50 ms"),
    });
    expect(slots.queued).toBe(0);
    held.release();
    expect(slots.active).toBe(0);
  });

  it("drops a waiting upload whose client went away", async () => {
    const slots = new UploadSlots({ max: 1, perClient: 5, maxQueued: 5, queueTimeoutMs: 60_000 });
    const held = outcome(slots.acquire(A));
    const gone = new AbortController();
    const waiting = slots.acquire(B, gone.signal);
    expect(slots.queued).toBe(1);
    gone.abort();
    await expect(waiting).rejects.toMatchObject({ code: "gone" });
    expect(slots.queued).toBe(0);
    held.release();
    expect(slots.active).toBe(0);
  });

  it("applies only the global limit to loopback clients unless limitLoopback is set", async () => {
    const open = new UploadSlots({ max: 3, perClient: 1, maxQueued: 5, queueTimeoutMs: 60_000 });
    const local = ["127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.1"].map((c) => outcome(open.acquire(c)));
    await settle();
    expect(local.map((o) => o.state())).toEqual(["granted", "granted", "granted", "waiting"]);

    const strict = new UploadSlots({
      max: 3,
      perClient: 1,
      maxQueued: 5,
      queueTimeoutMs: 60_000,
      limitLoopback: true,
    });
    const limited = ["::1", "::1"].map((c) => outcome(strict.acquire(c)));
    await settle();
    expect(limited.map((o) => o.state())).toEqual(["granted", "waiting"]);
  });
});

describe("client addresses", () => {
  it("unmaps IPv4-mapped IPv6 addresses and recognises loopback", () => {
    expect(clientAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(clientAddress(undefined)).toBe("unknown");
    expect(["127.0.0.1", "127.1.2.3", "::1"].every(isLoopback)).toBe(true);
    expect(["10.0.0.1", "128.0.0.1", "::2", "127.0.0.1.example", "unknown"].some(isLoopback)).toBe(false);
  });
});
