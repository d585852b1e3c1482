import { describe, expect, it } from "vitest";
import { blobDownloadPath } from "./blob-uri.ts";
import { fillDailySeries } from "./daily-series.ts";
import { formatBps, formatDay } from "./format.ts";
import type { DailyStat } from "./indexer-views.ts";
import { IndexerError } from "./indexer.ts";
import { indexerErrorMessage } from "./read-state.ts";
import { describeResources } from "./resources.ts";
import { parseAddressParam, parseTaskId } from "./route-params.ts";

function day(d: string, extra: Partial<DailyStat> = {}): DailyStat {
  return {
    day: d,
    tasksSubmitted: 0,
    tasksCompleted: 0,
    tasksRefunded: 0,
    tasksCancelled: 0,
    tasksExpired: 0,
    volumeSubmitted: "0",
    volumeCompleted: "0",
    providerPayouts: "0",
    fees: "0",
    slashed: "0",
    activeProviders: 0,
    meanClaimToCompletionSeconds: null,
    meanSubmitToCompletionSeconds: null,
    ...extra,
  };
}

describe("fillDailySeries", () => {
  it("fills missing days with zeros and no latency, up to the head's day", () => {
    const s = fillDailySeries(
      [
        day("2026-01-30", { tasksSubmitted: 2, volumeSubmitted: "1500000000000000000", activeProviders: 1 }),
        day("2026-02-01", { tasksCompleted: 1, meanSubmitToCompletionSeconds: 12 }),
      ],
      "2026-02-02",
    );
    expect(s.days).toEqual(["2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02"]);
    expect(s.tasksSubmitted).toEqual([2, 0, 0, 0]);
    expect(s.tasksCompleted).toEqual([0, 0, 1, 0]);
    expect(s.volumeSubmitted).toEqual([1.5, 0, 0, 0]);
    expect(s.activeProviders).toEqual([1, 0, 0, 0]);
    expect(s.latency).toEqual([null, null, 12, null]);
  });

  it("keeps at most maxDays, ignores malformed days and is empty without rows", () => {
    const s = fillDailySeries([day("2026-01-01"), day("2026-01-10"), day("not a day")], undefined, 3);
    expect(s.days).toEqual(["2026-01-08", "2026-01-09", "2026-01-10"]);
    expect(fillDailySeries([]).days).toEqual([]);
  });
});

describe("route parameters", () => {
  it("accepts task ids below 2^256 only", () => {
    expect(parseTaskId("42")).toBe(42n);
    expect(parseTaskId("0")).toBe(0n);
    for (const bad of ["", "01", "-1", "1.5", "abc", "1e3", "9".repeat(79)])
      expect(parseTaskId(bad)).toBeNull();
    expect(parseTaskId((2n ** 256n).toString())).toBeNull();
    expect(parseTaskId((2n ** 256n - 1n).toString())).toBe(2n ** 256n - 1n);
  });

  it("accepts 20-byte hex addresses only", () => {
    const a = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    expect(parseAddressParam(a)).toBe(a);
    for (const bad of ["0x12", `${a}00`, a.slice(2), "0xZZ44CdDdB6a900fa2b585dd299e03d12FA4293BC"]) {
      expect(parseAddressParam(bad)).toBeNull();
    }
  });
});

describe("readable helpers", () => {
  it("explains indexer failures", () => {
    expect(indexerErrorMessage(new Error("indexer unreachable (http://x/stats): fetch failed"))).toMatch(
      /^The indexer is unreachable/,
    );
    expect(indexerErrorMessage(new IndexerError(503, "indexer answered 503"))).toMatch(
      /failed to answer \(503\)/,
    );
    expect(indexerErrorMessage(new IndexerError(400, "indexer answered 400 for x: invalid query"))).toMatch(
      /refused the request/,
    );
  });

  it("names resources, blob download paths, percentages and days", () => {
    expect(
      describeResources({ cpuCores: 2, ramMiB: 24_105, vramMiB: 0, computeCapability: 89, region: null }),
    ).toBe("2 CPU cores, RAM 23.5 GB, compute capability 8.9");
    expect(describeResources({ cpuCores: 0 })).toBe("none");
    const hex = "ab".repeat(32);
    expect(blobDownloadPath(`eai://blob/sha256-${hex}`)).toBe(`/api/blobs/${hex}`);
    expect(blobDownloadPath(`eai://blob/sha256-${hex}?x`)).toBeNull();
    expect(blobDownloadPath("https://example.com/a")).toBeNull();
    expect(formatBps(5487)).toBe("54.87 %");
    expect(formatBps(10_000)).toBe("100 %");
    expect(formatDay(86_400 * 365)).toBe("1971-01-01");
  });
});
