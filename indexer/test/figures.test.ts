/**
 * The network figures kept incrementally (src/figures.ts): adding each write's difference of contributions gives
 * the same totals as aggregating the final rows (what `/stats` computed per request before), and every write of a
 * summed table goes through the helpers that keep them.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import {
  EMPTY_DAY,
  EMPTY_NETWORK,
  addCounters,
  difference,
  holderFigures,
  isEmpty,
  providerFigures,
  taskFigures,
  type NetworkCounters,
} from "../src/figures.ts";
import type { task } from "../ponder.schema.ts";
import { INDEXER_DIR } from "./harness.ts";

type Task = Parameters<typeof taskFigures>[0] & object;
type Provider = Parameters<typeof providerFigures>[0] & object;
type TaskStatus = (typeof task.$inferSelect)["status"];

const STATUSES: TaskStatus[] = ["Open", "Claimed", "Completed", "Cancelled", "Refunded", "Faulted"];

/** A deterministic pseudo-random sequence (xorshift), so that a failure can be replayed. */
function rng(seed: number) {
  let x = seed;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return Math.abs(x) % n;
  };
}

/** What `/stats` computed before, straight from the rows (the reference). */
function aggregate(tasks: Task[], providers: Provider[], balances: bigint[]): NetworkCounters {
  const sum = <T>(rows: T[], f: (r: T) => bigint) => rows.reduce((a, r) => a + f(r), 0n);
  const claimed = tasks.filter((t) => t.claimToCompletion !== null);
  const settled = tasks.filter((t) => t.submitToCompletion !== null);
  return {
    ...EMPTY_NETWORK,
    tasksOpen: tasks.filter((t) => t.status === "Open").length,
    tasksClaimed: tasks.filter((t) => t.status === "Claimed").length,
    tasksCompleted: tasks.filter((t) => t.status === "Completed").length,
    tasksCancelled: tasks.filter((t) => t.status === "Cancelled").length,
    tasksRefunded: tasks.filter((t) => t.status === "Refunded").length,
    tasksFaulted: tasks.filter((t) => t.status === "Faulted").length,
    volumeSubmitted: sum(tasks, (t) => t.rewardEai),
    volumeCompleted: sum(tasks, (t) => (t.status === "Completed" ? t.rewardEai : 0n)),
    fees: sum(tasks, (t) => (t.treasuryFee ?? 0n) + (t.creatorFee ?? 0n)),
    latencySum: sum(claimed, (t) => BigInt(t.claimToCompletion ?? 0)),
    latencyCount: claimed.length,
    settleSum: sum(settled, (t) => BigInt(t.submitToCompletion ?? 0)),
    settleCount: settled.length,
    providersRegistered: providers.filter((p) => p.registered).length,
    providersActive: providers.filter((p) => p.registered && p.active).length,
    stake: sum(providers, (p) => p.stake),
    locked: sum(providers, (p) => p.locked),
    unbonding: sum(providers, (p) => p.unbonding),
    slashed: sum(providers, (p) => p.slashed),
    providerEarnings: sum(providers, (p) => p.earningsEai),
    holders: balances.filter((b) => b > 0n).length,
  };
}

describe("network figures", () => {
  it("kept by differences equal the aggregate over the final rows, over random histories", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const r = rng(seed * 7919);
      const tasks: Task[] = [];
      const providers: Provider[] = [];
      const balances: bigint[] = [];
      let kept: NetworkCounters = EMPTY_NETWORK;
      const apply = (d: Partial<NetworkCounters>) => (kept = addCounters(EMPTY_NETWORK, kept, d));
      for (let step = 0; step < 300; step++) {
        const action = r(6);
        if (action === 0 || tasks.length === 0) {
          const t: Task = {
            status: "Open",
            rewardEai: BigInt(r(1000)) * 10n ** 15n,
            treasuryFee: null,
            creatorFee: null,
            claimToCompletion: null,
            submitToCompletion: null,
          };
          tasks.push(t);
          apply(difference({}, taskFigures(t)));
        } else if (action <= 2) {
          const i = r(tasks.length);
          const before = tasks[i]!;
          const status = STATUSES[r(STATUSES.length)]!;
          const completed = status === "Completed";
          const after: Task = {
            ...before,
            status,
            treasuryFee: completed ? BigInt(r(50)) : before.treasuryFee,
            creatorFee: completed ? BigInt(r(20)) : before.creatorFee,
            claimToCompletion: completed && r(2) ? r(600) : before.claimToCompletion,
            submitToCompletion: completed ? r(900) : before.submitToCompletion,
          };
          tasks[i] = after;
          apply(difference(taskFigures(before), taskFigures(after)));
        } else if (action === 3 || providers.length === 0) {
          const p: Provider = {
            registered: r(2) === 1,
            active: r(2) === 1,
            stake: BigInt(r(100)),
            locked: 0n,
            unbonding: 0n,
            slashed: 0n,
            earningsEai: 0n,
          };
          providers.push(p);
          apply(difference({}, providerFigures(p)));
        } else if (action === 4) {
          const i = r(providers.length);
          const before = providers[i]!;
          const after: Provider = {
            registered: before.registered || r(2) === 1,
            active: r(2) === 1,
            stake: BigInt(r(100)),
            locked: BigInt(r(10)),
            unbonding: BigInt(r(10)),
            slashed: before.slashed + BigInt(r(3)),
            earningsEai: before.earningsEai + BigInt(r(5)),
          };
          providers[i] = after;
          apply(difference(providerFigures(before), providerFigures(after)));
        } else {
          const i = r(balances.length + 1);
          const before = balances[i];
          const after = (before ?? 0n) + BigInt(r(5)) - 2n;
          balances[i] = after;
          apply(
            difference(
              before === undefined ? {} : holderFigures({ balance: before }),
              holderFigures({ balance: after }),
            ),
          );
        }
      }
      expect(kept, `seed ${seed}`).toEqual(
        aggregate(
          tasks,
          providers,
          balances.filter((b) => b !== undefined),
        ),
      );
    }
  });

  it("difference leaves out unchanged counters, so a write that changes no figure writes nothing", () => {
    const t: Task = {
      status: "Claimed",
      rewardEai: 5n,
      treasuryFee: null,
      creatorFee: null,
      claimToCompletion: null,
      submitToCompletion: null,
    };
    expect(isEmpty(difference(taskFigures(t), taskFigures({ ...t })))).toBe(true);
    expect(difference(taskFigures(t), taskFigures({ ...t, status: "Completed" }))).toEqual({
      tasksClaimed: -1,
      tasksCompleted: 1,
      volumeCompleted: 5n,
    });
  });

  it("addCounters refuses a counter the row does not have", () => {
    expect(() => addCounters(EMPTY_DAY, EMPTY_DAY, { tasksOpen: 1 } as never)).toThrow(
      /unknown counter "tasksOpen"/,
    );
  });
});

describe("handlers", () => {
  it("write tasks, providers and token holders only through the helpers that keep the figures", async () => {
    const dir = join(INDEXER_DIR, "src");
    const files = (await readdir(dir)).filter((f) => f.endsWith(".ts") && f !== "lib.ts");
    expect(files).toContain("TaskMarket.ts");
    const direct =
      /\.(insert|update|delete)\(\s*schema\.(task|provider|tokenHolder|networkStat)\b(?![A-Za-z])/;
    const rawWrites: string[] = [];
    for (const file of files) {
      const text = await readFile(join(dir, file), "utf8");
      const offending = text.split("\n").filter((line) => direct.test(line));
      expect(offending, `${file} writes a summed table directly`).toEqual([]);
      for (const m of text.matchAll(/\.sql\s*\.(insert|update|delete)\((\w+)\)\s*\.set\(\{([\s\S]*?)\}\)/g))
        rawWrites.push(`${file}: ${m[2]} ${m[3]?.trim()}`);
    }
    // The one raw SQL write (benchmark classes after a threshold change) sets a column no figure sums.
    expect(rawWrites).toHaveLength(1);
    expect(rawWrites[0]).toMatch(/^ProviderRegistry\.ts: p benchmarkClass:/);
  });
});
