import { describe, expect, it } from "vitest";

import { AnswerCache, type CachedAnswer } from "./cache.ts";

const ok = (body: string): CachedAnswer => ({ status: 200, body, headers: {} });

describe("answers cached per indexed block", () => {
  it("reuses an answer while the checkpoint is the same and the TTL has not passed", async () => {
    let now = 0;
    const cache = new AnswerCache({ ttlMs: 1000, now: () => now });
    let computed = 0;
    const compute = async () => ok(`answer ${++computed}`);
    expect((await cache.get("/stats", "cp1", compute)).body).toBe("answer 1");
    now = 1000;
    expect((await cache.get("/stats", "cp1", compute)).body).toBe("answer 1");
    expect((await cache.get("/stats", "cp2", compute)).body).toBe("answer 2"); // a new block
    now = 2001;
    expect((await cache.get("/stats", "cp2", compute)).body).toBe("answer 3"); // past the TTL
    expect((await cache.get("/leaderboard", "cp2", compute)).body).toBe("answer 4"); // another key
  });

  it("shares one computation between identical requests in flight", async () => {
    const cache = new AnswerCache({ ttlMs: 1000 });
    let computed = 0;
    let release: () => void = () => {};
    const compute = () => {
      computed++;
      return new Promise<CachedAnswer>((r) => (release = () => r(ok("x"))));
    };
    const a = cache.get("k", "cp", compute);
    const b = cache.get("k", "cp", compute);
    release();
    expect(await Promise.all([a, b])).toEqual([ok("x"), ok("x")]);
    expect(computed).toBe(1);
  });

  it("keeps neither failures, non-200 answers nor large ones; stays within its size; 0 turns it off", async () => {
    const cache = new AnswerCache({ ttlMs: 1000, maxEntries: 2, maxBytes: 10 });
    let computed = 0;
    const count = (a: CachedAnswer) => async () => (computed++, a);
    await cache.get("a", "cp", count({ status: 404, body: "", headers: {} }));
    await cache.get("a", "cp", count({ status: 404, body: "", headers: {} }));
    await cache.get("b", "cp", count(ok("x".repeat(11))));
    await cache.get("b", "cp", count(ok("x".repeat(11))));
    await cache.get("e", "cp", count({ ...ok("x"), keep: false }));
    await cache.get("e", "cp", count({ ...ok("x"), keep: false }));
    await expect(cache.get("c", "cp", async () => Promise.reject(new Error("db")))).rejects.toThrow("db");
    expect(computed).toBe(6);
    expect(cache.size).toBe(0);
    for (const k of ["1", "2", "3"]) await cache.get(k, "cp", async () => ok(k));
    expect(cache.size).toBe(2);
    const off = new AnswerCache({ ttlMs: 0 });
    let n = 0;
    await off.get("k", "cp", async () => ok(String(++n)));
    expect((await off.get("k", "cp", async () => ok(String(++n)))).body).toBe("2");
  });

  it("holds at most maxTotalBytes of answers: strangers cycling distinct queries evict the oldest", async () => {
    const cache = new AnswerCache({ ttlMs: 60_000, maxEntries: 100, maxBytes: 100, maxTotalBytes: 250 });
    for (let i = 0; i < 10; i++) await cache.get(`/stats?days=${i}`, "cp", async () => ok("x".repeat(100)));
    expect(cache.bytes).toBe(200);
    expect(cache.size).toBe(2);
    // the newest two stay (one computation each), the oldest were evicted (computed again)
    let computed = 0;
    const again = async () => (computed++, ok("x".repeat(100)));
    await cache.get("/stats?days=9", "cp", again);
    await cache.get("/stats?days=8", "cp", again);
    expect(computed).toBe(0);
    await cache.get("/stats?days=0", "cp", again);
    expect(computed).toBe(1);
    expect(cache.bytes).toBeLessThanOrEqual(250);
  });
});
