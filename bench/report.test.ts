import { describe, expect, it } from "vitest";

import {
  README_END,
  README_START,
  collect,
  formatConsole,
  formatMarkdown,
  latestFiles,
  parseResult,
  replaceSection,
  reportRows,
  type BenchInputs,
} from "./report.ts";

const gas = parseResult("gas", "gas-2026-11-22.json", {
  date: "2026-11-22",
  rounds: 20,
  zkLifecycleTxGas: 331_670,
  zkLifecycleDirectTxGas: 240_424,
  realVerifier: {
    verifyProofExecGas: 212_269,
    submitProofTxGas: 336_117,
    zkLifecycleTxGas: 559_035,
    submitProofUnclaimedTxGas: 329_764,
    zkLifecycleDirectTxGas: 449_957,
    withdrawTxGas: 45_087,
    zkLifecycleWithWithdrawTxGas: 604_122,
    zkLifecycleDirectWithWithdrawTxGas: 495_044,
  },
  workerPath: "claimed",
  rows: [
    { operation: "submitTask", calls: 20, txGasMedian: 120_193, execGasMedian: 95_673, target: 130_000 },
    { operation: "claimTask", calls: 20, txGasMedian: 101_645, execGasMedian: 75_885 },
    { operation: "submitProof (without verifier)", calls: 20, txGasMedian: 103_016, execGasMedian: 75_228 },
    { operation: "withdraw", calls: 4, txGasMedian: 45_087, execGasMedian: 23_655 },
    { operation: "commitResult", calls: 60, txGasMedian: 64_129, execGasMedian: 38_061 },
  ],
});
const zk = parseResult("zk", "zk-2026-11-22.json", {
  date: "2026-11-22T03:23:15.960Z",
  machine: { cpus: 2, loadAverage1m: [2.72, 2.54] },
  runs: 15,
  constraints: 4059,
  witnessMsMedian: 143.8,
  proveMsMedian: 574.1,
  proveCpuMsMedian: 1003.9,
  verifyMsMedian: 16.4,
});
const worker = parseResult("worker", "worker-2026-11-22.json", {
  date: "2026-11-22",
  batches: [
    {
      scenario: "ZK (MNIST MLP, real proofs)",
      workers: 4,
      tasks: 10,
      tasksPerMinute: 61.26,
      latencyP50Ms: 5400,
      latencyP95Ms: 9100,
    },
    {
      scenario: "ZK (MNIST MLP, real proofs)",
      workers: 1,
      tasks: 10,
      tasksPerMinute: 52.79,
      latencyP50Ms: 3086.8,
      latencyP95Ms: 5806.4,
    },
    {
      scenario: "ZK (MNIST MLP, real proofs)",
      workers: 2,
      tasks: 10,
      tasksPerMinute: 55.77,
      latencyP50Ms: 5580.9,
      latencyP95Ms: 8619.7,
    },
    {
      scenario: "REDUNDANT (tiny ONNX MLP)",
      workers: 3,
      tasks: 6,
      tasksPerMinute: 211.49,
      latencyP50Ms: 444.9,
      latencyP95Ms: 581.6,
    },
  ],
});
const indexer = parseResult("indexer", "indexer-2026-11-22.json", {
  date: "2026-11-22T03:46:10.168Z",
  lag: {
    samples: 60,
    fromMinedMs: { p50: 154.83, p95: 265.5, max: 380 },
    fromSentMs: { p50: 164.6, p95: 295.5 },
  },
  backfill: {
    tasks: 10060,
    events: 20182,
    syncSeconds: 47.486,
    eventsPerSecond: 425,
    eventsPerSecondExcludingBoot: 699,
  },
});

const META = {
  date: "2026-11-22",
  commit: "abc1234",
  note: "Other jobs shared the cores.",
  sources: {
    gas: "gas-2026-11-22.json",
    zk: "zk-2026-11-22.json",
    worker: "worker-2026-11-22.json",
    indexer: null,
  },
  machine: { cpus: 2, cpu: "AMD EPYC", node: "v24.21.0", platform: "linux", totalMemGiB: 8 },
  load: 1.234,
};

const row = (rows: ReturnType<typeof reportRows>, prefix: string) => {
  const r = rows.find((x) => x.figure.startsWith(prefix));
  if (!r) throw new Error(`no row ${prefix}`);
  return r;
};

describe("bench report", () => {
  it("picks the newest result of each benchmark by the date in its name, ignoring other files", () => {
    expect(
      latestFiles([
        "gas-2026-11-20.json",
        "gas-2026-11-22.json",
        "gas-2026-11-21.json",
        "zk-2026-01-01.json",
        "2026-11-22.json",
        "worker-latest.json",
        "indexer-2026-11-22.json.bak",
        "notes.md",
      ]),
    ).toEqual({ gas: "gas-2026-11-22.json", zk: "zk-2026-01-01.json" });
  });

  it("rejects a result file that lacks a figure, naming the file and the field", () => {
    expect(() => parseResult("zk", "zk-2026-11-22.json", { date: "x", runs: 1, constraints: 1 })).toThrow(
      /^zk-2026-11-22\.json: not a zk benchmark result: witnessMsMedian: .*proveMsMedian/,
    );
    expect(() => parseResult("worker", "w.json", { date: "x", batches: [{ scenario: 1 }] })).toThrow(
      /batches\.0\.scenario/,
    );
  });

  it("collects every figure into one report, workers sorted, missing benchmarks as null", () => {
    const report = collect({ gas, zk, worker }, META);
    expect(report.indexer).toBeNull();
    expect(report.gas?.operations.submitTask).toEqual({ calls: 20, txGas: 120_193, execGas: 95_673 });
    expect(report.gas?.zkTask).toEqual({
      workerPath: "claimed",
      claimed: { submitClaimProof: 559_035, withWithdraw: 604_122 },
      direct: { submitProof: 449_957, withWithdraw: 495_044 },
      withdraw: 45_087,
    });
    expect(report.throughput?.zkTasksPerMinute).toEqual({ "1": 52.8, "2": 55.8, "4": 61.3 });
    expect(report.throughput?.zkClaimToSettledMs["1"]).toEqual({ p50: 3087, p95: 5806 });
    expect(report.throughput?.redundant).toEqual({ workers: 3, tasksPerMinute: 211.5, p50: 445, p95: 582 });
    expect(report.proof).toMatchObject({ proveMs: 574.1, proveCpuMs: 1003.9, constraints: 4059 });
    expect(report.machine.loadAverage1m).toEqual({ report: 1.23, zk: [2.72, 2.54] });
    expect(report).toMatchObject({ commit: "abc1234", note: META.note, sources: META.sources });
  });

  it("compares each figure with its target", () => {
    const rows = reportRows(collect({ gas, zk, worker, indexer }, META));
    expect(row(rows, "submitTask gas")).toMatchObject({ measured: "120,193 / 95,673", meets: true });
    expect(row(rows, "submitProof without the verifier")).toMatchObject({ meets: false });
    expect(row(rows, "complete ZK task, submit + claim")).toMatchObject({
      measured: "559,035",
      meets: false,
      figure: expect.stringContaining("the worker's path"),
      target: expect.stringContaining("Ritual + EZKL verifier ≈ 1.81M"),
    });
    expect(row(rows, "complete ZK task, submit + real proof on the unclaimed")).toMatchObject({
      measured: "449,957",
      meets: true,
    });
    expect(row(rows, "the same + the provider's withdraw").measured).toBe("604,122 / 495,044");
    expect(row(rows, "ZK tasks per minute")).toMatchObject({
      figure: "ZK tasks per minute, real proofs, 1 / 2 / 4 workers",
      measured: "52.8 / 55.8 / 61.3",
      meets: false,
    });
    expect(row(rows, "claim → settled").measured).toBe("3.1 / 5.8 s; 5.6 / 8.6 s; 5.4 / 9.1 s");
    // only what the gas run measured: this fixture's run has the commit alone
    expect(row(rows, "REDUNDANT gas")).toMatchObject({
      figure: "REDUNDANT gas, tx (commit)",
      measured: "64,129",
    });
    expect(row(rows, "indexer lag")).toMatchObject({ measured: "155 / 266 ms", meets: true });
    expect(row(rows, "Groth16 proof")).toMatchObject({ measured: "574 ms (CPU 1,004 ms)", meets: true });
  });

  it("with hybrid measured: hybrid is the headline, direct and claim side by side, both gas paths the worker's", () => {
    const zkBatch = (
      zkSettlement: "hybrid" | "direct" | "claim",
      workers: number,
      perMin: number,
      lost = 0,
    ) => ({
      scenario: `ZK ${zkSettlement} (MNIST MLP, real proofs)`,
      workers,
      tasks: 10,
      tasksPerMinute: perMin,
      latencyP50Ms: 3000,
      latencyP95Ms: 5000,
      zkSettlement,
      availableToSettledP50Ms: 3500,
      availableToSettledP95Ms: 6000,
      ...(zkSettlement === "claim" ? {} : { lostRaces: lost }),
    });
    const mixed = parseResult("worker", "worker-2026-11-22.json", {
      date: "2026-11-22",
      batches: [
        zkBatch("hybrid", 1, 40, 0),
        zkBatch("direct", 1, 37, 0),
        zkBatch("claim", 1, 41.6),
        zkBatch("hybrid", 2, 48.25, 2),
        zkBatch("direct", 2, 35.7, 9),
        zkBatch("claim", 2, 45.6),
        // the batched-proof scenario is not one of the settlement modes' rows
        { ...zkBatch("hybrid", 2, 142.1, 13), scenario: "ZK batched (MNIST MLP, k ≤ 11, hybrid)" },
      ],
    });
    const report = collect({ gas, worker: mixed }, META);
    expect(report.throughput).toMatchObject({
      zkSettlement: "hybrid",
      zkTasksPerMinute: { "1": 40, "2": 48.3 },
      zkDirectTasksPerMinute: { "1": 37, "2": 35.7 },
      zkClaimTasksPerMinute: { "1": 41.6, "2": 45.6 },
      zkLostRaces: { "1": 0, "2": 2 },
      zkDirectLostRaces: { "1": 0, "2": 9 },
    });
    expect(report.gas?.zkTask?.workerPath).toBe("hybrid");
    const rows = reportRows(report);
    expect(row(rows, "ZK tasks per minute, real proofs")).toMatchObject({
      figure: "ZK tasks per minute, real proofs, 1 / 2 workers, hybrid settlement (the worker's default)",
      measured: "40.0 / 48.3",
    });
    expect(row(rows, "ZK tasks per minute, every rank").measured).toBe("37.0 / 35.7");
    expect(row(rows, "ZK tasks per minute, claim then prove").measured).toBe("41.6 / 45.6");
    expect(row(rows, "hybrid ZK proofs that lost the race").measured).toBe("0 / 2");
    expect(row(rows, "direct ZK proofs that lost the race").measured).toBe("0 / 9");
    expect(row(rows, "complete ZK task, submit + claim").figure).toContain("hybrid: a later rank's path");
    expect(row(rows, "complete ZK task, submit + real proof on the unclaimed").figure).toContain(
      "hybrid: the first rank's path",
    );
  });

  it("shows n/a (and no verdict) for what was not measured", () => {
    const rows = reportRows(collect({} satisfies BenchInputs, META));
    for (const r of rows) {
      expect(r.measured).toMatch(/n\/a/);
      expect(r.meets).toBeUndefined();
    }
  });

  it("formats a Markdown table and a console table", () => {
    const report = collect({ gas, zk, worker, indexer }, META);
    const md = formatMarkdown(report);
    const lines = md.split("\n");
    expect(lines[0]).toMatch(
      /^Measured 2026-11-22 at `abc1234` on 2 × AMD EPYC, Node v24\.21\.0 .*Other jobs/,
    );
    expect(lines[0]).toContain("bench/results/2026-11-22.json");
    expect(lines[2]).toBe("| figure | measured | target / anchor | met |");
    expect(lines.slice(4).every((l) => /^\| .* \| .* \| .* \| (yes|\*\*no\*\*|) \|$/.test(l))).toBe(true);
    expect(lines).toContain(
      "| indexer lag, block mined → visible, p50 / p95 | 155 / 266 ms | ≤ 300 ms / ≤ 1 s | yes |",
    );
    const text = formatConsole(report);
    expect(text.split("\n")[0]).toMatch(/^figure +measured +met +target \/ anchor$/);
    expect(text).toMatch(
      /submitProof without the verifier gas \(tx \/ execution\) +103,016 \/ 75,228 +NO +≤ 70k execution/,
    );
  });

  it("replaces exactly the README section between the markers, idempotently", () => {
    const readme = `# EAI\n\n## Performance\n\n${README_START}\nold table\n${README_END}\n\n## Next\n`;
    const once = replaceSection(readme, "new table");
    expect(once).toBe(`# EAI\n\n## Performance\n\n${README_START}\nnew table\n${README_END}\n\n## Next\n`);
    expect(replaceSection(once, "new table")).toBe(once);
    expect(() => replaceSection("# EAI\n", "x")).toThrow(/expected <!-- bench:start -->/);
    expect(() => replaceSection(`${README_END}\n${README_START}`, "x")).toThrow(/expected/);
    expect(() => replaceSection(`${README_START}${README_END}${README_START}${README_END}`, "x")).toThrow(
      /must each appear once/,
    );
  });
});
