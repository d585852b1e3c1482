import { describe, expect, it } from "vitest";
import { LogRing } from "./logring.ts";

describe("LogRing", () => {
  it("numbers lines from 1, serves those after `since`, and counts what fell out", () => {
    const ring = new LogRing(3);
    ring.write('{"n":1}\n');
    ring.write('{"n":2}\n{"n":3}\n');
    expect(ring.since(0)).toEqual({
      next: 3,
      dropped: 0,
      lines: [
        { seq: 1, line: '{"n":1}' },
        { seq: 2, line: '{"n":2}' },
        { seq: 3, line: '{"n":3}' },
      ],
    });
    expect(ring.since(3)).toEqual({ next: 3, dropped: 0, lines: [] });
    ring.write('{"n":4}\n{"n":5}\n');
    // Lines 1 and 2 are gone: a reader at 0 missed them.
    const after = ring.since(0);
    expect(after.dropped).toBe(2);
    expect(after.lines.map((l) => l.seq)).toEqual([3, 4, 5]);
    expect(ring.since(4)).toEqual({ next: 5, dropped: 0, lines: [{ seq: 5, line: '{"n":5}' }] });
    expect(ring.since(1, 1)).toEqual({ next: 3, dropped: 1, lines: [{ seq: 3, line: '{"n":3}' }] });
    expect(() => new LogRing(0)).toThrow();
  });
});
