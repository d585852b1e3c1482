import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OptimisticStore } from "./state.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eai-optimistic-state-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("OPTIMISTIC state store", () => {
  it("starts empty, persists jobs and a vote salt atomically, and reads them back after a reopen", async () => {
    const store = await OptimisticStore.open(dir);
    expect(store.get()).toEqual({
      version: 1,
      lastBlock: "0",
      tasks: {},
      audits: {},
      watches: {},
      disputes: {},
    });
    const salt = `0x${"ab".repeat(32)}` as const;
    await Promise.all([
      store.update((s) => {
        s.disputes["7"] = {
          disputeId: "7",
          taskId: "3",
          round: 0,
          phase: "seated",
          result: `0x${"11".repeat(32)}`,
          salt,
          runs: 1,
        };
      }),
      store.update((s) => {
        s.lastBlock = "42";
      }),
    ]);
    const again = await OptimisticStore.open(dir);
    expect(again.get().disputes["7"]?.salt).toBe(salt);
    expect(again.get().lastBlock).toBe("42");
    expect(JSON.parse(await readFile(join(dir, "optimistic.json"), "utf8")).disputes["7"].phase).toBe(
      "seated",
    );
  });

  it("refuses a state file of another version instead of overwriting it", async () => {
    const other = await mkdtemp(join(tmpdir(), "eai-optimistic-state-"));
    await writeFile(join(other, "optimistic.json"), JSON.stringify({ version: 2 }));
    await expect(OptimisticStore.open(other)).rejects.toThrow(/unsupported version 2/);
    await rm(other, { recursive: true, force: true });
  });
});
