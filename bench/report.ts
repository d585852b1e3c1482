/**
 * The combined benchmark report: collects the latest result of every benchmark (bench/results/<name>-<date>.json
 * for gas, zk, worker and indexer) into one file, bench/results/<date>.json, prints one table next to the targets
 * and anchors, and rewrites the README's performance table between `<!-- bench:start -->` and `<!-- bench:end -->`.
 *
 *   npm run bench:report              (the last step of `npm run bench`)
 *   node bench/report.ts [--results DIR] [--readme FILE] [--no-readme] [--date YYYY-MM-DD]
 *
 * Environment: BENCH_NOTE, a note stored in the report (for example what else was running on the machine).
 */
import { execFileSync } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg, platform, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";

export const BENCH_NAMES = ["gas", "zk", "worker", "indexer"] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

export const README_START = "<!-- bench:start -->";
export const README_END = "<!-- bench:end -->";

/** Targets of the issues, and public anchors (other systems' published figures) for comparison. */
export const TARGETS = {
  submitTaskExecGas: 130_000,
  claimTaskExecGas: 100_000,
  submitProofWithoutVerifierExecGas: 70_000,
  withdrawExecGas: 40_000,
  verifyProofGas: 215_000,
  zkTaskTxGas: 450_000,
  proveMs: 1_000,
  zkTasksPerMinute: 100,
  indexerLagP50Ms: 300,
  indexerLagP95Ms: 1_000,
} as const;
export const ANCHORS = {
  zkTaskTxGas: "Ritual + EZKL verifier ≈ 1.81M, iExec standard flow ≈ 1.6M",
  proveMs: "circomlib-ml, 18k constraints ≈ 1.2 s",
  zkTasksPerMinute: "edge-net 100+ (no verification)",
} as const;

// ─── inputs (what each benchmark writes) ────────────────────────────────────────

const loadAverage = z.array(z.number()).optional();

export const gasResultSchema = z.object({
  date: z.string(),
  rounds: z.number(),
  zkLifecycleTxGas: z.number(),
  zkLifecycleDirectTxGas: z.number().optional(),
  realVerifier: z.object({
    verifyProofExecGas: z.number(),
    submitProofTxGas: z.number(),
    zkLifecycleTxGas: z.number(),
    submitProofUnclaimedTxGas: z.number().optional(),
    zkLifecycleDirectTxGas: z.number().optional(),
    withdrawTxGas: z.number().optional(),
    zkLifecycleWithWithdrawTxGas: z.number().optional(),
    zkLifecycleDirectWithWithdrawTxGas: z.number().optional(),
  }),
  workerPath: z.enum(["claimed", "direct", "hybrid"]).optional(),
  rows: z.array(
    z.object({
      operation: z.string(),
      calls: z.number(),
      txGasMedian: z.number(),
      execGasMedian: z.number(),
    }),
  ),
});

export const zkResultSchema = z.object({
  date: z.string(),
  machine: z.object({ loadAverage1m: loadAverage }).optional(),
  runs: z.number(),
  constraints: z.number(),
  witnessMsMedian: z.number(),
  proveMsMedian: z.number(),
  proveCpuMsMedian: z.number(),
  verifyMsMedian: z.number(),
});

export const workerResultSchema = z.object({
  date: z.string(),
  machine: z.object({ loadAverage1m: loadAverage }).optional(),
  batches: z.array(
    z.object({
      scenario: z.string(),
      workers: z.number(),
      tasks: z.number(),
      repeats: z.number().optional(),
      tasksPerMinute: z.number(),
      latencyP50Ms: z.number(),
      latencyP95Ms: z.number(),
      /** ZK scenarios since direct settlement: how tasks were settled (absent in older files: claim). */
      zkSettlement: z.enum(["hybrid", "direct", "claim"]).optional(),
      availableToSettledP50Ms: z.number().optional(),
      availableToSettledP95Ms: z.number().optional(),
      lostRaces: z.number().optional(),
    }),
  ),
});

export const indexerResultSchema = z.object({
  date: z.string(),
  lag: z.object({
    samples: z.number(),
    fromMinedMs: z.object({ p50: z.number(), p95: z.number() }),
    fromSentMs: z.object({ p50: z.number(), p95: z.number() }),
  }),
  backfill: z.object({
    tasks: z.number(),
    events: z.number(),
    syncSeconds: z.number(),
    eventsPerSecond: z.number(),
    eventsPerSecondExcludingBoot: z.number(),
  }),
});

export interface BenchInputs {
  gas?: z.infer<typeof gasResultSchema>;
  zk?: z.infer<typeof zkResultSchema>;
  worker?: z.infer<typeof workerResultSchema>;
  indexer?: z.infer<typeof indexerResultSchema>;
}

const SCHEMAS = {
  gas: gasResultSchema,
  zk: zkResultSchema,
  worker: workerResultSchema,
  indexer: indexerResultSchema,
} as const;

/**
 * The newest result file of each benchmark among `files` (names like `gas-2026-11-22.json`; the ISO date in the
 * name orders them). Other names, including combined reports (`2026-11-22.json`), are ignored.
 */
export function latestFiles(files: readonly string[]): Partial<Record<BenchName, string>> {
  const out: Partial<Record<BenchName, string>> = {};
  for (const file of files) {
    const m = /^(gas|zk|worker|indexer)-(\d{4}-\d{2}-\d{2})\.json$/.exec(file);
    if (!m) continue;
    const name = m[1] as BenchName;
    const current = out[name];
    if (current === undefined || current.slice(name.length + 1) < file.slice(name.length + 1))
      out[name] = file;
  }
  return out;
}

/**
 * Validates one benchmark's result JSON.
 * @throws Error naming the file and each field that is missing or has the wrong type.
 */
export function parseResult<N extends BenchName>(
  name: N,
  file: string,
  json: unknown,
): NonNullable<BenchInputs[N]> {
  const result = SCHEMAS[name].safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`${file}: not a ${name} benchmark result: ${issues}`);
  }
  return result.data as NonNullable<BenchInputs[N]>;
}

// ─── the combined report ────────────────────────────────────────────────────────

export interface Machine {
  cpus: number;
  cpu: string;
  node: string;
  platform: string;
  totalMemGiB: number;
  /** 1-minute load average when the report was made, and as the CPU-bound benchmarks recorded it. */
  loadAverage1m: { report: number; zk?: number[]; worker?: number[] };
}

export interface Report {
  date: string;
  commit: string;
  note: string;
  machine: Machine;
  /** The result file each section comes from (null: that benchmark has not been run). */
  sources: Record<BenchName, string | null>;
  gas: {
    /** Medians per operation: transaction gas (what the sender pays) and execution gas. */
    operations: Record<string, { calls: number; txGas: number; execGas: number }>;
    verifyProofGas: number | null;
    /** Complete ZK task with the real MnistMlpVerifier, tx gas: the worker's path and the claim-less one. */
    zkTask: {
      /** The worker's ZK path: "hybrid" = direct for the first-ranked provider, claimed for a later rank. */
      workerPath: "claimed" | "direct" | "hybrid";
      claimed: { submitClaimProof: number; withWithdraw: number | null };
      direct: { submitProof: number | null; withWithdraw: number | null };
      withdraw: number | null;
    } | null;
  } | null;
  proof: {
    constraints: number;
    runs: number;
    proveMs: number;
    proveCpuMs: number;
    witnessMs: number;
    verifyMs: number;
  } | null;
  throughput: {
    /** How the headline ZK figures were settled: the worker's default ("hybrid", else "direct", else "claim", by what was measured). */
    zkSettlement: "hybrid" | "direct" | "claim";
    /** ZK tasks (real proofs) per minute by number of workers, medians over the batches. */
    zkTasksPerMinute: Record<string, number>;
    /** Claim-mode ZK batches: claim → settled latency. */
    zkClaimToSettledMs: Record<string, { p50: number; p95: number }>;
    /** Task available (submitted, priority window over) → settled, in the zkSettlement mode (when measured). */
    zkAvailableToSettledMs: Record<string, { p50: number; p95: number }>;
    /** Claim-mode ZK batches: available → settled (when measured). */
    zkClaimAvailableToSettledMs: Record<string, { p50: number; p95: number }>;
    /** Claim-mode tasks per minute when another mode is the headline (measured side by side), else null. */
    zkClaimTasksPerMinute: Record<string, number> | null;
    /** Direct-mode tasks per minute when hybrid is the headline (measured side by side), else null. */
    zkDirectTasksPerMinute: Record<string, number> | null;
    /** Headline hybrid or direct mode: proofs that lost the race, per number of workers (over all batches). */
    zkLostRaces: Record<string, number>;
    /** Direct mode measured beside a hybrid headline: its lost races, per number of workers, else null. */
    zkDirectLostRaces: Record<string, number> | null;
    redundant: { workers: number; tasksPerMinute: number; p50: number; p95: number } | null;
  } | null;
  indexer: {
    lagMs: { p50: number; p95: number };
    lagFromSentMs: { p50: number; p95: number };
    backfill: { tasks: number; events: number; syncSeconds: number; eventsPerSecond: number };
  } | null;
}

/** Builds the combined report from whatever results exist (missing benchmarks become null sections). */
export function collect(
  inputs: BenchInputs,
  meta: Pick<Report, "date" | "commit" | "note" | "sources"> & {
    machine: Omit<Machine, "loadAverage1m">;
    load: number;
  },
): Report {
  const { gas, zk, worker, indexer } = inputs;
  let gasSection: Report["gas"] = null;
  if (gas) {
    const operations = Object.fromEntries(
      gas.rows.map((r) => [r.operation, { calls: r.calls, txGas: r.txGasMedian, execGas: r.execGasMedian }]),
    );
    const real = gas.realVerifier;
    gasSection = {
      operations,
      verifyProofGas: real.verifyProofExecGas,
      zkTask: {
        workerPath: gas.workerPath ?? "claimed",
        claimed: {
          submitClaimProof: real.zkLifecycleTxGas,
          withWithdraw: real.zkLifecycleWithWithdrawTxGas ?? null,
        },
        direct: {
          submitProof: real.zkLifecycleDirectTxGas ?? null,
          withWithdraw: real.zkLifecycleDirectWithWithdrawTxGas ?? null,
        },
        withdraw: real.withdrawTxGas ?? null,
      },
    };
  }
  let throughput: Report["throughput"] = null;
  if (worker) {
    // The batched-proof scenario (issue #13, "ZK batched …") has figures of its own (docs/CIRCUITS.md); the rows
    // here are the single-proof settlement modes.
    const zkAll = worker.batches.filter(
      (b) => b.scenario.startsWith("ZK") && !b.scenario.startsWith("ZK batched"),
    );
    const zkHybrid = zkAll.filter((b) => b.zkSettlement === "hybrid");
    const zkDirect = zkAll.filter((b) => b.zkSettlement === "direct");
    const zkClaim = zkAll.filter((b) => b.zkSettlement === undefined || b.zkSettlement === "claim");
    const headline: "hybrid" | "direct" | "claim" =
      zkHybrid.length > 0 ? "hybrid" : zkDirect.length > 0 ? "direct" : "claim";
    const zkBatches = { hybrid: zkHybrid, direct: zkDirect, claim: zkClaim }[headline];
    const lostRaces = (batches: typeof zkAll) =>
      Object.fromEntries(batches.map((b) => [String(b.workers), b.lostRaces ?? 0]));
    const rd = worker.batches.find((b) => b.scenario.startsWith("REDUNDANT"));
    const availableToSettled = (batches: typeof zkAll) =>
      Object.fromEntries(
        batches.flatMap((b) =>
          b.availableToSettledP50Ms === undefined || b.availableToSettledP95Ms === undefined
            ? []
            : [
                [
                  String(b.workers),
                  { p50: Math.round(b.availableToSettledP50Ms), p95: Math.round(b.availableToSettledP95Ms) },
                ],
              ],
        ),
      );
    const perMinute = (batches: typeof zkAll) =>
      Object.fromEntries(batches.map((b) => [String(b.workers), round(b.tasksPerMinute, 1)]));
    throughput = {
      zkSettlement: headline,
      zkTasksPerMinute: perMinute(zkBatches),
      zkClaimToSettledMs: Object.fromEntries(
        zkClaim.map((b) => [
          String(b.workers),
          { p50: Math.round(b.latencyP50Ms), p95: Math.round(b.latencyP95Ms) },
        ]),
      ),
      zkAvailableToSettledMs: availableToSettled(zkBatches),
      zkClaimAvailableToSettledMs: availableToSettled(zkClaim),
      zkClaimTasksPerMinute: headline !== "claim" && zkClaim.length > 0 ? perMinute(zkClaim) : null,
      zkDirectTasksPerMinute: headline === "hybrid" && zkDirect.length > 0 ? perMinute(zkDirect) : null,
      zkLostRaces: headline === "claim" ? {} : lostRaces(zkBatches),
      zkDirectLostRaces: headline === "hybrid" && zkDirect.length > 0 ? lostRaces(zkDirect) : null,
      redundant: rd
        ? {
            workers: rd.workers,
            tasksPerMinute: round(rd.tasksPerMinute, 1),
            p50: Math.round(rd.latencyP50Ms),
            p95: Math.round(rd.latencyP95Ms),
          }
        : null,
    };
  }
  // The worker's path follows the mode its benchmark measured as the default (bench/gas.ts measures both paths).
  if (throughput && throughput.zkSettlement !== "claim" && gasSection?.zkTask)
    gasSection.zkTask.workerPath = throughput.zkSettlement;
  return {
    date: meta.date,
    commit: meta.commit,
    note: meta.note,
    machine: {
      ...meta.machine,
      loadAverage1m: {
        report: round(meta.load, 2),
        ...(zk?.machine?.loadAverage1m ? { zk: zk.machine.loadAverage1m } : {}),
        ...(worker?.machine?.loadAverage1m ? { worker: worker.machine.loadAverage1m } : {}),
      },
    },
    sources: meta.sources,
    gas: gasSection,
    proof: zk
      ? {
          constraints: zk.constraints,
          runs: zk.runs,
          proveMs: zk.proveMsMedian,
          proveCpuMs: zk.proveCpuMsMedian,
          witnessMs: zk.witnessMsMedian,
          verifyMs: zk.verifyMsMedian,
        }
      : null,
    throughput,
    indexer: indexer
      ? {
          lagMs: {
            p50: Math.round(indexer.lag.fromMinedMs.p50),
            p95: Math.round(indexer.lag.fromMinedMs.p95),
          },
          lagFromSentMs: {
            p50: Math.round(indexer.lag.fromSentMs.p50),
            p95: Math.round(indexer.lag.fromSentMs.p95),
          },
          backfill: {
            tasks: indexer.backfill.tasks,
            events: indexer.backfill.events,
            syncSeconds: indexer.backfill.syncSeconds,
            eventsPerSecond: indexer.backfill.eventsPerSecond,
          },
        }
      : null,
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

// ─── the table ──────────────────────────────────────────────────────────────────

export interface Row {
  figure: string;
  measured: string;
  target: string;
  /** Whether the measured figure meets the target; undefined where there is none (or nothing was measured). */
  meets?: boolean;
}

const NA = "n/a";
const gasFmt = (n: number | null | undefined) =>
  n === null || n === undefined ? NA : n.toLocaleString("en-US");
const msFmt = (n: number) => `${Math.round(n).toLocaleString("en-US")} ms`;
const k = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);

/** The report's figures as table rows, with their targets and anchors. */
export function reportRows(r: Report): Row[] {
  const rows: Row[] = [];
  const op = (name: string) => r.gas?.operations[name];
  const gasRow = (figure: string, name: string, target?: number) => {
    const o = op(name);
    rows.push({
      figure,
      measured: o ? `${gasFmt(o.txGas)} / ${gasFmt(o.execGas)}` : NA,
      target: target === undefined ? "" : `≤ ${k(target)} execution`,
      meets: o && target !== undefined ? o.execGas <= target : undefined,
    });
  };
  gasRow("submitTask gas (tx / execution)", "submitTask", TARGETS.submitTaskExecGas);
  gasRow("claimTask gas (tx / execution)", "claimTask", TARGETS.claimTaskExecGas);
  gasRow(
    "submitProof without the verifier gas (tx / execution)",
    "submitProof (without verifier)",
    TARGETS.submitProofWithoutVerifierExecGas,
  );
  gasRow("withdraw gas (tx / execution)", "withdraw", TARGETS.withdrawExecGas);
  const redundantOps: [string, string][] = [
    ["submitTask (REDUNDANT)", "submit"],
    ["claimTask (REDUNDANT draw)", "claim draw"],
    ["claimTask (REDUNDANT slot)", "claim slot"],
    ["commitResult", "commit"],
    ["revealResult", "reveal"],
    ["revealResult (last: settles 3 providers)", "last reveal, settles 3"],
  ];
  // Only the operations the gas run measured (a REDUNDANT claim was a "slot" before issue #11, a "draw" since).
  const measuredOps = redundantOps.filter(([name]) => op(name) !== undefined);
  const shownOps = measuredOps.length > 0 ? measuredOps : redundantOps;
  rows.push({
    figure: `REDUNDANT gas, tx (${shownOps.map(([, label]) => label).join(" / ")})`,
    measured: measuredOps.length > 0 ? measuredOps.map(([name]) => gasFmt(op(name)?.txGas)).join(" / ") : NA,
    target: "",
  });
  const verify = r.gas?.verifyProofGas ?? null;
  rows.push({
    figure: "MnistMlpVerifier.verifyProof gas",
    measured: gasFmt(verify),
    target: `≤ ${k(TARGETS.verifyProofGas)}`,
    meets: verify === null ? undefined : verify <= TARGETS.verifyProofGas,
  });
  const task = r.gas?.zkTask ?? null;
  const zkTarget = `≤ ${k(TARGETS.zkTaskTxGas)}; ${ANCHORS.zkTaskTxGas}`;
  const worker =
    r.throughput && r.throughput.zkSettlement !== "claim"
      ? r.throughput.zkSettlement
      : (task?.workerPath ?? "claimed");
  const claimedNote = {
    claimed: " (the worker's path)",
    hybrid: " (hybrid: a later rank's path)",
    direct: "",
  };
  const directNote = {
    claimed: "",
    hybrid: " (hybrid: the first rank's path)",
    direct: " (the worker's path)",
  };
  rows.push({
    figure: `complete ZK task, submit + claim + real proof, tx gas${claimedNote[worker]}`,
    measured: gasFmt(task?.claimed.submitClaimProof),
    target: zkTarget,
    meets: task ? task.claimed.submitClaimProof <= TARGETS.zkTaskTxGas : undefined,
  });
  const direct = task?.direct.submitProof ?? null;
  rows.push({
    figure: `complete ZK task, submit + real proof on the unclaimed task, tx gas${directNote[worker]}`,
    measured: gasFmt(direct),
    target: zkTarget,
    meets: direct === null ? undefined : direct <= TARGETS.zkTaskTxGas,
  });
  rows.push({
    figure: "the same + the provider's withdraw (claimed / unclaimed), tx gas",
    measured: task ? `${gasFmt(task.claimed.withWithdraw)} / ${gasFmt(task.direct.withWithdraw)}` : NA,
    target: "",
  });
  rows.push({
    figure: r.proof
      ? `Groth16 proof, warm (${r.proof.constraints.toLocaleString("en-US")} constraints)`
      : "Groth16 proof, warm",
    measured: r.proof ? `${msFmt(r.proof.proveMs)} (CPU ${msFmt(r.proof.proveCpuMs)})` : NA,
    target: `≤ ${TARGETS.proveMs / 1000} s; ${ANCHORS.proveMs}`,
    meets: r.proof ? r.proof.proveMs <= TARGETS.proveMs : undefined,
  });
  const t = r.throughput;
  const counts = t ? Object.keys(t.zkTasksPerMinute).sort((a, b) => Number(a) - Number(b)) : [];
  const perMinute = counts.map((c) => t?.zkTasksPerMinute[c] ?? Number.NaN);
  const workerList = counts.length ? counts.join(" / ") : "1 / 2 / 4";
  const ranked = t?.zkSettlement === "hybrid" || t?.zkSettlement === "direct";
  const sorted = (m: Record<string, unknown>) => Object.keys(m).sort((a, b) => Number(a) - Number(b));
  const latencies = (m: Record<string, { p50: number; p95: number }> | undefined) =>
    Object.keys(m ?? {})
      .sort((a, b) => Number(a) - Number(b))
      .map((c) => m?.[c])
      .map((l) => (l ? `${(l.p50 / 1000).toFixed(1)} / ${(l.p95 / 1000).toFixed(1)} s` : NA))
      .join("; ") || NA;
  rows.push({
    figure: `ZK tasks per minute, real proofs, ${workerList} workers${ranked ? `, ${t?.zkSettlement} settlement (the worker's default)` : ""}`,
    measured: perMinute.length ? perMinute.map((v) => v.toFixed(1)).join(" / ") : NA,
    target: `≥ ${TARGETS.zkTasksPerMinute} verified; anchor ${ANCHORS.zkTasksPerMinute}`,
    meets: perMinute.length ? Math.max(...perMinute) >= TARGETS.zkTasksPerMinute : undefined,
  });
  const claimPerMinute = t?.zkClaimTasksPerMinute;
  if (claimPerMinute) {
    const c = Object.keys(claimPerMinute).sort((a, b) => Number(a) - Number(b));
    rows.push({
      figure: `ZK tasks per minute, claim then prove (zkSettlement "claim"), ${c.join(" / ")} workers`,
      measured: c.map((k) => claimPerMinute[k]?.toFixed(1) ?? NA).join(" / "),
      target: "same run, for comparison",
    });
  }
  const directPerMinute = t?.zkDirectTasksPerMinute;
  if (directPerMinute) {
    const c = sorted(directPerMinute);
    rows.push({
      figure: `ZK tasks per minute, every rank proves unclaimed (zkSettlement "direct"), ${c.join(" / ")} workers`,
      measured: c.map((k) => directPerMinute[k]?.toFixed(1) ?? NA).join(" / "),
      target: "same run, for comparison",
    });
  }
  if (ranked) {
    rows.push({
      figure: `available → settled p50 / p95, ZK ${t?.zkSettlement}, ${workerList} workers`,
      measured: latencies(t?.zkAvailableToSettledMs),
      target: "",
    });
    rows.push({
      figure: `${t?.zkSettlement} ZK proofs that lost the race, ${workerList} workers (all batches)`,
      measured: counts.map((c) => String(t?.zkLostRaces[c] ?? 0)).join(" / "),
      target: "",
    });
  }
  const directLost = t?.zkDirectLostRaces;
  if (directLost) {
    const c = sorted(directLost);
    rows.push({
      figure: `direct ZK proofs that lost the race, ${c.join(" / ")} workers (all batches)`,
      measured: c.map((k) => String(directLost[k] ?? 0)).join(" / "),
      target: "same run, for comparison",
    });
  }
  if (t && Object.keys(t.zkClaimToSettledMs).length > 0) {
    const c = Object.keys(t.zkClaimToSettledMs).sort((a, b) => Number(a) - Number(b));
    if (ranked && Object.keys(t.zkClaimAvailableToSettledMs).length > 0)
      rows.push({
        figure: `available → settled p50 / p95, ZK claim mode, ${c.join(" / ")} workers`,
        measured: latencies(t.zkClaimAvailableToSettledMs),
        target: "same run, for comparison",
      });
    rows.push({
      figure: `claim → settled p50 / p95, ZK${ranked ? " claim mode" : ""}, ${c.join(" / ")} workers`,
      measured: latencies(t.zkClaimToSettledMs),
      target: "",
    });
  } else if (!t) {
    rows.push({ figure: `claim → settled p50 / p95, ZK, ${workerList} workers`, measured: NA, target: "" });
  }
  const rd = t?.redundant ?? null;
  rows.push({
    figure: `REDUNDANT tasks per minute (tiny ONNX, ${rd?.workers ?? 3} workers); claim → settled p50 / p95`,
    measured: rd
      ? `${rd.tasksPerMinute.toFixed(1)}; ${(rd.p50 / 1000).toFixed(1)} / ${(rd.p95 / 1000).toFixed(1)} s`
      : NA,
    target: "",
  });
  const ix = r.indexer;
  rows.push({
    figure: "indexer lag, block mined → visible, p50 / p95",
    measured: ix ? `${ix.lagMs.p50} / ${ix.lagMs.p95} ms` : NA,
    target: `≤ ${TARGETS.indexerLagP50Ms} ms / ≤ ${TARGETS.indexerLagP95Ms / 1000} s`,
    meets: ix
      ? ix.lagMs.p50 <= TARGETS.indexerLagP50Ms && ix.lagMs.p95 <= TARGETS.indexerLagP95Ms
      : undefined,
  });
  rows.push({
    figure: "indexer backfill",
    measured: ix
      ? `${ix.backfill.eventsPerSecond.toLocaleString("en-US")} events/s (${ix.backfill.events.toLocaleString("en-US")} events in ${ix.backfill.syncSeconds.toFixed(0)} s)`
      : NA,
    target: "",
  });
  return rows;
}

const mark = (meets: boolean | undefined) => (meets === undefined ? "" : meets ? "yes" : "**no**");
const cell = (s: string) => s.replaceAll("|", "\\|");

/** The README section: a line on how and where it was measured, then the Markdown table. */
export function formatMarkdown(r: Report): string {
  const lines = [
    `Measured ${r.date} at \`${r.commit}\` on ${r.machine.cpus} × ${r.machine.cpu}, Node ${r.machine.node} ` +
      `(\`npm run bench\`; medians; all figures in [bench/results/${r.date}.json](bench/results/${r.date}.json)).` +
      (r.note ? ` ${r.note}` : ""),
    "",
    "| figure | measured | target / anchor | met |",
    "|---|---:|---|---|",
    ...reportRows(r).map(
      (row) => `| ${cell(row.figure)} | ${cell(row.measured)} | ${cell(row.target)} | ${mark(row.meets)} |`,
    ),
  ];
  return lines.join("\n");
}

/** The same table for the terminal. */
export function formatConsole(r: Report): string {
  const rows = reportRows(r);
  const w = [
    Math.max(6, ...rows.map((x) => x.figure.length)),
    Math.max(8, ...rows.map((x) => x.measured.length)),
  ] as const;
  const line = (a: string, b: string, c: string, d: string) =>
    `${a.padEnd(w[0])}  ${b.padStart(w[1])}  ${d.padEnd(3)}  ${c}`;
  return [
    line("figure", "measured", "target / anchor", "met"),
    ...rows.map((x) =>
      line(x.figure, x.measured, x.target, x.meets === undefined ? "" : x.meets ? "yes" : "NO"),
    ),
  ].join("\n");
}

/**
 * Replaces what lies between the README markers with `section`.
 * @throws Error when the markers are missing, repeated or out of order.
 */
export function replaceSection(readme: string, section: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`README: expected ${README_START} … ${README_END} around the performance table`);
  }
  if (readme.indexOf(README_START, start + 1) !== -1 || readme.indexOf(README_END, end + 1) !== -1) {
    throw new Error(`README: ${README_START} and ${README_END} must each appear once`);
  }
  return `${readme.slice(0, start + README_START.length)}\n${section}\n${readme.slice(end)}`;
}

// ─── command line ───────────────────────────────────────────────────────────────

function gitCommit(root: string): string {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    // Results and the README change with every run: only other changes make the figures "dirty".
    const status = execFileSync(
      "git",
      ["status", "--porcelain", "--", ".", ":!bench/results", ":!README.md"],
      {
        cwd: root,
        encoding: "utf8",
      },
    ).trim();
    return status ? `${sha}-dirty` : sha;
  } catch {
    return "unknown";
  }
}

async function main(): Promise<void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const args = parseArgs({
    options: {
      results: { type: "string", default: join(root, "bench/results") },
      readme: { type: "string", default: join(root, "README.md") },
      "no-readme": { type: "boolean", default: false },
      date: { type: "string", default: new Date().toISOString().slice(0, 10) },
    },
  }).values;
  const date = z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "--date: expected YYYY-MM-DD")
    .parse(args.date);
  const dir = resolve(args.results);
  const latest = latestFiles(await readdir(dir));
  const inputs: BenchInputs = {};
  for (const name of BENCH_NAMES) {
    const file = latest[name];
    if (!file) {
      console.warn(`no ${name} results in ${dir} (run npm run bench:${name}); its figures are n/a`);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(await readFile(join(dir, file), "utf8"));
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
    }
    Object.assign(inputs, { [name]: parseResult(name, file, json) });
  }
  const report = collect(inputs, {
    date,
    commit: gitCommit(root),
    note: process.env.BENCH_NOTE ?? "",
    sources: Object.fromEntries(BENCH_NAMES.map((n) => [n, latest[n] ?? null])) as Report["sources"],
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model.trim() ?? "unknown",
      node: process.version,
      platform: platform(),
      totalMemGiB: Math.round(totalmem() / 2 ** 30),
    },
    load: loadavg()[0] ?? 0,
  });
  const out = join(dir, `${date}.json`);
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`${formatConsole(report)}\n\nwrote ${out}`);
  if (!args["no-readme"]) {
    const readme = await readFile(args.readme, "utf8");
    await writeFile(args.readme, replaceSection(readme, formatMarkdown(report)));
    console.log(`updated the performance table in ${args.readme}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(`bench report: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
