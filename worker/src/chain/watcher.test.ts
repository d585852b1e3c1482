/**
 * The watcher's log reading against an RPC test double: a fake chain served through viem's real `http` transport
 * (a custom fetch), so viem's own response-size cap refuses large ranges exactly as it does against a node.
 */
import { describe, expect, it, vi } from "vitest";
import {
  createPublicClient,
  encodeAbiParameters,
  encodeEventTopics,
  getAbiItem,
  http,
  numberToHex,
  HttpRequestError,
  ResponseBodyTooLargeError,
  RpcRequestError,
  type Address,
} from "viem";
import { taskMarketAbi } from "@eai/sdk/abis";
import { createLogger } from "../logger.ts";
import type { ChainContext } from "./client.ts";
import { AdaptiveRange, firstBlockAtOrAfter, isRangeRefusal, refusalSizes } from "./logs.ts";
import { TaskWatcher, type EventRange, type MarketEvent } from "./watcher.ts";

// Counts the watcher's own decoding calls (getLogs decodes inside viem, through its internal imports).
const decodes = vi.hoisted(() => ({ parse: 0, decode: 0 }));
vi.mock("viem", async (importOriginal) => {
  const viem = await importOriginal<typeof import("viem")>();
  return {
    ...viem,
    parseEventLogs: ((...args: Parameters<typeof viem.parseEventLogs>) => {
      decodes.parse++;
      return viem.parseEventLogs(...args);
    }) as typeof viem.parseEventLogs,
    decodeEventLog: ((...args: Parameters<typeof viem.decodeEventLog>) => {
      decodes.decode++;
      return viem.decodeEventLog(...args);
    }) as typeof viem.decodeEventLog,
  };
});

const MARKET = "0x00000000000000000000000000000000000000aa" as Address;
const REQUESTER = "0x00000000000000000000000000000000000000bb" as Address;
const CANCELLED = getAbiItem({ abi: taskMarketAbi, name: "TaskCancelled" });

interface RawLog {
  address: Address;
  topics: `0x${string}`[];
  data: `0x${string}`;
  blockNumber: `0x${string}`;
  blockHash: `0x${string}`;
  transactionHash: `0x${string}`;
  transactionIndex: `0x${string}`;
  logIndex: `0x${string}`;
  removed: false;
}

function rawLog(b: number, i: number, id: bigint): RawLog {
  return {
    address: MARKET,
    topics: encodeEventTopics({
      abi: [CANCELLED],
      eventName: "TaskCancelled",
      args: { taskId: id, requester: REQUESTER },
    }) as `0x${string}`[],
    data: encodeAbiParameters([{ type: "uint256" }], [id * 10n]),
    blockNumber: numberToHex(b),
    blockHash: `0x${b.toString(16).padStart(64, "0")}`,
    transactionHash: `0x${id.toString(16).padStart(64, "0")}`,
    transactionIndex: "0x0",
    logIndex: numberToHex(i),
    removed: false,
  };
}

/** A chain of `blocks` blocks; `perBlock(b)` TaskCancelled logs in block b, task ids numbered from 1. */
function fakeChain(blocks: number, perBlock: (b: number) => number) {
  const chain = { head: -1n, logs: [] as RawLog[], total: 0n };
  for (let b = 0; b < blocks; b++) addBlock(chain, perBlock(b));
  return chain;
}

/** Mines one more block holding `count` logs. */
function addBlock(chain: { head: bigint; logs: RawLog[]; total: bigint }, count: number) {
  chain.head++;
  for (let i = 0; i < count; i++) chain.logs.push(rawLog(Number(chain.head), i, ++chain.total));
}

interface Fake {
  ctx: ChainContext;
  /** [from, to] of every eth_getLogs asked for, and whether it was refused. */
  requests: { from: bigint; to: bigint; refused: boolean }[];
  /** Makes the next `n` eth_getLogs calls fail with HTTP 500 (an outage). */
  failNext(n: number): void;
}

/**
 * The RPC double: eth_blockNumber, eth_getLogs (range filter), over viem's http transport with a small response
 * cap. A response over the cap is refused by viem itself (ResponseBodyTooLargeError), not by the double.
 */
function fakeRpc(chain: ReturnType<typeof fakeChain>, maxResponseBodySize: number): Fake {
  const requests: Fake["requests"] = [];
  let failures = 0;
  const fetchFn = async (_url: unknown, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as { id: number; method: string; params: unknown[] };
    let result: unknown;
    if (body.method === "eth_blockNumber") result = numberToHex(chain.head);
    else if (body.method === "eth_chainId") result = "0x7a69";
    else if (body.method === "eth_getLogs") {
      const f = body.params[0] as { fromBlock: string; toBlock: string };
      const from = BigInt(f.fromBlock);
      const to = BigInt(f.toBlock);
      if (failures > 0) {
        failures--;
        requests.push({ from, to, refused: false });
        return new Response("upstream down", { status: 500 });
      }
      result = chain.logs.filter((l) => BigInt(l.blockNumber) >= from && BigInt(l.blockNumber) <= to);
      const text = JSON.stringify({ jsonrpc: "2.0", id: body.id, result });
      requests.push({ from, to, refused: text.length > maxResponseBodySize });
      return new Response(text, { headers: { "Content-Type": "application/json" } });
    } else throw new Error(`unexpected ${body.method}`);
    return new Response(JSON.stringify({ jsonrpc: "2.0", id: body.id, result }), {
      headers: { "Content-Type": "application/json" },
    });
  };
  const publicClient = createPublicClient({
    transport: http("http://rpc.test", { fetchFn, maxResponseBodySize, retryCount: 0 }),
  });
  const ctx = { publicClient, addresses: { TaskMarket: MARKET } } as unknown as ChainContext;
  return { ctx, requests, failNext: (n) => (failures = n) };
}

function collector() {
  const ranges: { from: bigint; to: bigint }[] = [];
  const ids: bigint[] = [];
  return {
    ranges,
    ids,
    onEvents: async (events: MarketEvent[], range: { from: bigint; to: bigint }) => {
      ranges.push(range);
      for (const e of events) if (e.eventName === "TaskCancelled") ids.push(e.args.taskId);
    },
  };
}

/** Ranges handed over must tile [from, to] without a gap or an overlap. */
function expectTiling(ranges: { from: bigint; to: bigint }[], from: bigint, to: bigint) {
  let next = from;
  for (const r of ranges) {
    expect(r.from).toBe(next);
    expect(r.to >= r.from).toBe(true);
    next = r.to + 1n;
  }
  expect(next).toBe(to + 1n);
}

// One TaskCancelled log in a response is ≈ 520 bytes of JSON: a 12 000-byte cap holds about 22 logs.
const CAP = 12_000;

describe("AdaptiveRange", () => {
  it("doubles until the first refusal, then halves and grows back by an eighth per success", () => {
    const r = new AdaptiveRange(1_000, 10);
    r.succeeded(10n);
    expect(r.size).toBe(20n);
    r.succeeded(20n);
    expect(r.size).toBe(40n);
    expect(r.refused(40n)).toBe(true);
    expect(r.size).toBe(20n);
    expect(r.ceiling).toBe(39n);
    r.succeeded(20n);
    expect(r.size).toBe(22n);
    r.succeeded(22n);
    expect(r.size).toBe(24n);
    for (let i = 0; i < 5; i++) r.succeeded(r.size); // 27, 30, 33, 37, then 41 capped at 39
    // pinned at the ceiling, which creeps up by a sixteenth per success
    expect(r.size).toBe(39n);
    expect(r.ceiling).toBe(41n);
    r.succeeded(r.size);
    expect(r.size).toBe(41n);
    for (let i = 0; i < 200; i++) r.succeeded(r.size);
    expect(r.size).toBe(1_000n); // back at the configured maximum, never above
  });

  it("cuts to the share of the cap the refused response filled, with a margin, when it is known", () => {
    const r = new AdaptiveRange(1_000);
    // 1000 blocks gave 150 MB against a 10 MiB cap: 1000 · 0.8 · 10.5/150 ≈ 55 blocks, not 500
    r.refused(1_000n, { maxSize: 10_485_760, size: 150_000_000 });
    expect(r.size).toBe(55n);
    // a size just over the cap (a streamed body cut short) still halves at least
    r.refused(55n, { maxSize: 100, size: 101 });
    expect(r.size).toBe(27n);
  });

  it("grows by at least one block, keeps its size after a short read at the head, and stops at one block", () => {
    const r = new AdaptiveRange(100, 4);
    r.refused(4n);
    expect(r.size).toBe(2n);
    r.succeeded(2n);
    expect(r.size).toBe(3n);
    r.succeeded(1n); // a one-block range at the head
    expect(r.size).toBe(3n);
    r.refused(3n);
    expect(r.refused(1n)).toBe(false);
    expect(r.size).toBe(1n);
    expect(() => new AdaptiveRange(0)).toThrow(RangeError);
  });
});

describe("isRangeRefusal", () => {
  it("knows viem's size cap and the providers' range and result limits", () => {
    const tooLarge = new ResponseBodyTooLargeError({ maxSize: 10, size: 20 });
    expect(isRangeRefusal(tooLarge)).toBe(true);
    expect(refusalSizes(tooLarge)).toEqual({ maxSize: 10, size: 20 });
    expect(isRangeRefusal(new HttpRequestError({ url: "http://x", cause: tooLarge }))).toBe(true);
    for (const message of [
      "query returned more than 10000 results",
      "eth_getLogs block range too large, range: 5000, max: 2000",
      "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range",
      "exceed maximum block range: 1000",
      "block range is too wide",
      "Too many logs in range",
    ]) {
      const err = new RpcRequestError({ body: {}, url: "http://x", error: { code: -32005, message } });
      expect(isRangeRefusal(err), message).toBe(true);
    }
  });

  it("does not take rate limits, outages or reverts for refusals", () => {
    for (const message of [
      "rate limit exceeded",
      "Too Many Requests",
      "execution reverted",
      "header not found",
      "daily request limit exceeded",
    ]) {
      const err = new RpcRequestError({ body: {}, url: "http://x", error: { code: -32005, message } });
      expect(isRangeRefusal(err), message).toBe(false);
    }
    expect(isRangeRefusal(new HttpRequestError({ url: "http://x", status: 500 }))).toBe(false);
    expect(isRangeRefusal(new Error("socket hang up"))).toBe(false);
    expect(refusalSizes(new Error("x"))).toBeUndefined();
  });
});

describe("TaskWatcher log ranges (RPC test double)", () => {
  it("reads every log exactly once when the response cap refuses ranges, and grows the range back", async () => {
    // 1 log per block except a dense stretch (blocks 300–309: 15 logs each) in the middle of a range
    const chain = fakeChain(1_000, (b) => (b >= 300 && b < 310 ? 15 : 1));
    const rpc = fakeRpc(chain, CAP);
    const c = collector();
    const watcher = new TaskWatcher({ ctx: rpc.ctx, fromBlock: 0n, pollIntervalMs: 10, maxRange: 16, ...c });
    decodes.parse = 0;
    decodes.decode = 0;
    await watcher.catchUp();

    expectTiling(c.ranges, 0n, chain.head);
    expect(c.ids).toEqual(Array.from({ length: Number(chain.total) }, (_, i) => BigInt(i + 1)));
    const refused = rpc.requests.filter((r) => r.refused);
    expect(refused.length).toBeGreaterThan(0);
    // a refused range is read again from the same block, smaller
    for (const r of refused) {
      const retry = rpc.requests[rpc.requests.indexOf(r) + 1]!;
      expect(retry.from).toBe(r.from);
      expect(retry.to - retry.from).toBeLessThan(r.to - r.from);
    }
    // after the dense stretch the span is back at its maximum
    const last = rpc.requests.at(-2)!; // the last one may be cut by the head
    expect(last.to - last.from + 1n).toBe(16n);
    expect(watcher.rangeSize).toBe(16n);
    // decoded once, by getLogs: the watcher decodes nothing itself
    expect(decodes.parse + decodes.decode).toBe(0);
  });

  it("does not skip a refused stretch even when it is refused again and again down to small spans", async () => {
    // every block holds 15 logs: only ranges of one block fit under the cap
    const chain = fakeChain(40, () => 15);
    const rpc = fakeRpc(chain, CAP);
    const c = collector();
    const watcher = new TaskWatcher({
      ctx: rpc.ctx,
      fromBlock: 5n,
      pollIntervalMs: 10,
      maxRange: 1_000,
      ...c,
    });
    await watcher.catchUp();
    expectTiling(c.ranges, 5n, chain.head);
    expect(c.ids).toEqual(Array.from({ length: 35 * 15 }, (_, i) => BigInt(5 * 15 + i + 1)));
    expect(rpc.requests.filter((r) => !r.refused).every((r) => r.to === r.from)).toBe(true);
  });

  it("backs off on an outage, retries the same range, and restarts its backoff count after one success", async () => {
    const chain = fakeChain(200, () => 1);
    const rpc = fakeRpc(chain, 1_000_000);
    const c = collector();
    const lines: { msg: string; failures?: number }[] = [];
    const logger = createLogger({
      level: "debug",
      destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    const watcher = new TaskWatcher({
      ctx: rpc.ctx,
      fromBlock: 0n,
      pollIntervalMs: 1,
      maxRange: 10,
      logger,
      backoff: { baseMs: 1, maxMs: 2, random: () => 0 },
      onEvents: async (events, range) => {
        await c.onEvents(events, range);
        // two outages in the middle of the (newest first) catch-up, separated by one successful range
        if (range.from === 150n) rpc.failNext(2);
        if (range.from === 140n) rpc.failNext(1);
      },
    });
    watcher.start();
    try {
      await vi.waitFor(() => expect(watcher.caughtUp).toBe(true), { timeout: 30_000, interval: 5 });
    } finally {
      await watcher.stop();
    }
    expectTiling(
      [...c.ranges].sort((x, y) => (x.from < y.from ? -1 : 1)),
      0n,
      chain.head,
    );
    expect(c.ids.length).toBe(200);
    const backoffs = lines.filter((l) => l.msg === "watcher step failed; backing off").map((l) => l.failures);
    // 1, 2 for the first outage; the next outage starts again at 1, not at 3
    expect(backoffs).toEqual([1, 2, 1]);
    // the failed range was read again from its first block
    const failedAt = rpc.requests.filter((r, i) => rpc.requests[i + 1]?.from === r.from && !r.refused);
    expect(failedAt.map((r) => r.from)).toEqual([140n, 140n, 130n]);
  });

  it("reads a long history newest first, and hands over a new block before the rest of the backfill", async () => {
    const chain = fakeChain(100, () => 1);
    const rpc = fakeRpc(chain, 1_000_000);
    const seen: EventRange[] = [];
    const ids: bigint[] = [];
    const watcher = new TaskWatcher({
      ctx: rpc.ctx,
      fromBlock: 0n,
      pollIntervalMs: 1,
      maxRange: 10,
      onEvents: async (events, range) => {
        seen.push(range);
        for (const e of events) if (e.eventName === "TaskCancelled") ids.push(e.args.taskId);
        if (range.backward && range.from === 70n) addBlock(chain, 3); // block 100 mined during the backfill
      },
    });
    watcher.start();
    try {
      await vi.waitFor(() => expect(watcher.caughtUp).toBe(true), { timeout: 30_000, interval: 5 });
    } finally {
      await watcher.stop();
    }
    const back = seen.filter((r) => r.backward);
    // newest first, tiling [0, 99] exactly once
    expect(back.map((r) => r.from)).toEqual([90n, 80n, 70n, 60n, 50n, 40n, 30n, 20n, 10n, 0n]);
    expectTiling([...back].reverse(), 0n, 99n);
    // every range before the last backfill one says more is to come, and nothing is settled into the backfill
    expect(back.slice(0, -1).every((r) => r.backfilling && r.settled === -1n)).toBe(true);
    expect(back.at(-1)!.backfilling).toBe(false);
    // block 100 came right after the range during which it was mined, well before the backfill ended
    const forward = seen.findIndex((r) => !r.backward);
    expect(seen[forward]).toMatchObject({ from: 100n, to: 100n, backfilling: true, settled: -1n });
    expect(seen[forward - 1]).toMatchObject({ from: 70n, backward: true });
    expect(back.at(-1)!.settled).toBe(100n);
    expect(new Set(ids).size).toBe(103);
    expect(ids.length).toBe(103);
  });

  it("starts at the floor when one is given, and never below fromBlock", async () => {
    const chain = fakeChain(100, () => 1);
    const rpc = fakeRpc(chain, 1_000_000);
    const c = collector();
    const floors: bigint[] = [];
    const watcher = new TaskWatcher({
      ctx: rpc.ctx,
      fromBlock: 10n,
      pollIntervalMs: 10,
      maxRange: 1_000,
      floor: async (from) => {
        floors.push(from);
        return 70n;
      },
      ...c,
    });
    await watcher.catchUp();
    await watcher.catchUp(); // the floor is asked once
    expect(floors).toEqual([10n]);
    expectTiling(c.ranges, 70n, chain.head);
    expect(c.ids[0]).toBe(71n);

    const before = rpc.requests.length;
    const low = new TaskWatcher({
      ctx: rpc.ctx,
      fromBlock: 50n,
      pollIntervalMs: 10,
      maxRange: 1_000,
      floor: async () => 3n,
      ...collector(),
    });
    await low.catchUp();
    expect(rpc.requests[before]!.from).toBe(50n);
  });
});

describe("firstBlockAtOrAfter", () => {
  const times = [100n, 100n, 105n, 110n, 110n, 110n, 130n, 200n, 200n, 300n];
  const reads: bigint[] = [];
  const client = {
    getBlock: async ({ blockNumber }: { blockNumber: bigint }) => {
      reads.push(blockNumber);
      return { timestamp: times[Number(blockNumber)]! };
    },
  };
  it("finds the first block at or after a time by binary search", async () => {
    for (let t = 90n; t <= 310n; t += 5n) {
      const expected = times.findIndex((x) => x >= t);
      const at = await firstBlockAtOrAfter(client, 0n, 9n, t);
      expect(at, `time ${t}`).toBe(expected === -1 ? 9n : BigInt(expected));
    }
    expect(await firstBlockAtOrAfter(client, 4n, 9n, 100n)).toBe(4n);
    expect(await firstBlockAtOrAfter(client, 9n, 9n, 0n)).toBe(9n);
    reads.length = 0;
    await firstBlockAtOrAfter(client, 0n, 9n, 199n);
    expect(reads.length).toBeLessThanOrEqual(5);
  });
});
