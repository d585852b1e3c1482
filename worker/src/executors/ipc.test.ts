import { describe, expect, it } from "vitest";
import { encodeFrame, FRAME_HEADER_MAX, FrameDecoder, FrameError } from "./ipc.ts";

const bytes = (...n: number[]) => Uint8Array.from(n);

describe("ipc frames", () => {
  it("round-trips header and payload, whole or a byte at a time", () => {
    const payload = Uint8Array.from({ length: 1000 }, (_, i) => i % 256);
    const frame = encodeFrame({ type: "run", n: 1, nested: { ok: true } }, payload);
    expect(frame.readUInt32LE(0)).toBe(frame.length - 4);
    const whole = new FrameDecoder(1 << 20).push(frame);
    expect(whole).toHaveLength(1);
    expect(whole[0]?.header).toEqual({ type: "run", n: 1, nested: { ok: true } });
    expect(Buffer.from(whole[0]!.payload).equals(Buffer.from(payload))).toBe(true);

    const d = new FrameDecoder(1 << 20);
    const got = [];
    for (const b of frame) got.push(...d.push(bytes(b)));
    expect(got).toHaveLength(1);
    expect(got[0]?.header.type).toBe("run");
    expect(d.buffered).toBe(0);
    d.end();
  });

  it("splits several frames arriving in one chunk and keeps the rest for later", () => {
    const a = encodeFrame({ i: 1 });
    const b = encodeFrame({ i: 2 }, bytes(9, 9));
    const c = encodeFrame({ i: 3 });
    const d = new FrameDecoder(1024);
    const joined = Buffer.concat([a, b, c.subarray(0, 5)]);
    expect(d.push(joined).map((f) => f.header.i)).toEqual([1, 2]);
    expect(d.buffered).toBe(5);
    expect(() => d.end()).toThrow(/stream ended inside a frame \(5 bytes/);
    expect(d.push(c.subarray(5)).map((f) => f.header.i)).toEqual([3]);
    d.end();
  });

  it("refuses a frame over the limit before buffering it, and stays failed", () => {
    const d = new FrameDecoder(100);
    const big = encodeFrame({}, new Uint8Array(200));
    expect(() => d.push(big.subarray(0, 4))).toThrow(FrameError);
    expect(() => d.push(big.subarray(0, 4))).toThrow(/frame of 206 bytes exceeds the limit of 100/);
    expect(() => d.end()).toThrow(FrameError);
    // exactly at the limit is fine
    const atLimit = encodeFrame({}, new Uint8Array(100 - 4 - 2));
    expect(atLimit.length - 4).toBe(100);
    expect(new FrameDecoder(100).push(atLimit)).toHaveLength(1);
  });

  it("refuses malformed headers", () => {
    const frame = (headerLen: number, body: Uint8Array) => {
      const b = Buffer.alloc(8 + body.length);
      b.writeUInt32LE(4 + body.length, 0);
      b.writeUInt32LE(headerLen, 4);
      b.set(body, 8);
      return b;
    };
    const text = (s: string) => new TextEncoder().encode(s);
    expect(() => new FrameDecoder(1024).push(frame(3, text("abc")))).toThrow(/not UTF-8 JSON/);
    expect(() => new FrameDecoder(1024).push(frame(2, text("[]")))).toThrow(/not a JSON object/);
    expect(() => new FrameDecoder(1024).push(frame(4, text("null")))).toThrow(/not a JSON object/);
    expect(() => new FrameDecoder(1024).push(frame(50, text("{}")))).toThrow(
      /header length 50 is out of range/,
    );
    expect(() => new FrameDecoder(1024).push(frame(2, bytes(0xff, 0xfe)))).toThrow(/not UTF-8 JSON/);
    const short = Buffer.alloc(8);
    short.writeUInt32LE(2, 0);
    expect(() => new FrameDecoder(1024).push(short)).toThrow(/too short/);
    expect(() => encodeFrame({ s: "x".repeat(FRAME_HEADER_MAX) })).toThrow(
      /frame header of \d+ bytes exceeds/,
    );
    expect(() => new FrameDecoder(4)).toThrow(RangeError);
  });
});
