import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STATE_FILE, StateStore } from "./state.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "eai-state-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const task = (taskId: string) => ({
  taskId,
  spec: { modelId: "1", reward: "1000", mode: 0 },
  phase: "claimed" as const,
  salt: `0x${"11".repeat(32)}`,
  claimedAt: 1_700_000_000_000,
});

describe("state store", () => {
  it("starts empty and persists block and tasks across reopen", async () => {
    const store = await StateStore.open(dir);
    expect(store.get()).toEqual({ lastProcessedBlock: 0n, tasks: {} });
    await store.setLastProcessedBlock(123n);
    await store.upsertTask(task("7"));
    await store.upsertTask({ ...task("7"), phase: "committed" });
    const reopened = await StateStore.open(dir);
    const state = reopened.get();
    expect(state.lastProcessedBlock).toBe(123n);
    expect(state.tasks["7"]).toMatchObject({
      phase: "committed",
      salt: `0x${"11".repeat(32)}`,
      txHashes: [],
    });
    expect(reopened.hasTask("7")).toBe(true);
    expect(reopened.hasTask("8")).toBe(false);
    expect(reopened.hasTask("constructor")).toBe(false); // an own task, not a property of every object
    await reopened.removeTask("7");
    expect(reopened.hasTask("7")).toBe(false);
    expect((await StateStore.open(dir)).get().tasks).toEqual({});
  });

  it("never moves the block backwards", async () => {
    const store = await StateStore.open(dir);
    await store.setLastProcessedBlock(10n);
    await store.setLastProcessedBlock(5n);
    expect(store.get().lastProcessedBlock).toBe(10n);
  });

  it("keeps the old state readable after a crash between write and rename", async () => {
    const store = await StateStore.open(dir);
    await store.setLastProcessedBlock(100n);
    const before = await readFile(join(dir, STATE_FILE), "utf8");
    const crashing = await StateStore.open(dir, {
      fs: {
        rename: async () => {
          throw new Error("simulated crash before rename");
        },
      },
    });
    await expect(crashing.setLastProcessedBlock(200n)).rejects.toThrow(/simulated crash/);
    expect(crashing.get().lastProcessedBlock).toBe(100n);
    expect(await readFile(join(dir, STATE_FILE), "utf8")).toBe(before);
    // A real crash leaves the temp file behind: reopening ignores and removes it.
    await writeFile(join(dir, `${STATE_FILE}.999.abcdef.tmp`), '{"version":1,"lastProcessedBlock":"2');
    const recovered = await StateStore.open(dir);
    expect(recovered.get().lastProcessedBlock).toBe(100n);
    expect(await readdir(dir)).toEqual([STATE_FILE]);
  });

  it("serialises concurrent updates", async () => {
    const store = await StateStore.open(dir);
    const updates = Array.from({ length: 40 }, (_, i) =>
      store.update(async (s) => {
        const seen = s.lastProcessedBlock;
        await new Promise((r) => setTimeout(r, (i * 7) % 5));
        s.lastProcessedBlock = seen + 1n;
        s.tasks[String(i)] = { ...task(String(i)), txHashes: [], updatedAt: i };
      }),
    );
    await Promise.all(updates);
    expect(store.get().lastProcessedBlock).toBe(40n);
    const onDisk = (await StateStore.open(dir)).get();
    expect(onDisk.lastProcessedBlock).toBe(40n);
    expect(Object.keys(onDisk.tasks)).toHaveLength(40);
  });

  it("a failing update changes nothing and later updates still run", async () => {
    const store = await StateStore.open(dir);
    const failed = store.update((s) => {
      s.lastProcessedBlock = 5n;
      throw new Error("boom");
    });
    const next = store.setLastProcessedBlock(3n);
    await expect(failed).rejects.toThrow("boom");
    expect((await next).lastProcessedBlock).toBe(3n);
  });

  it("counts executor runs on disk before they start, up to a bound", async () => {
    const store = await StateStore.open(dir);
    await store.upsertTask(task("9"));
    expect(await store.beginExecution("9", 2, { phase: "executing" })).toBe(1);
    // Persisted before the call returned: a process that dies during the run finds the count on restart.
    const onDisk = JSON.parse(await readFile(join(dir, STATE_FILE), "utf8")) as {
      tasks: Record<string, { executionAttempts?: number; phase: string }>;
    };
    expect(onDisk.tasks["9"]).toMatchObject({ executionAttempts: 1, phase: "executing" });
    const reopened = await StateStore.open(dir);
    expect(await reopened.beginExecution("9", 2)).toBe(2);
    expect(await reopened.beginExecution("9", 2)).toBeUndefined();
    expect((await StateStore.open(dir)).get().tasks["9"]?.executionAttempts).toBe(2);
    await expect(reopened.beginExecution("404", 2)).rejects.toThrow(/task 404 is not in the state/);
  });

  it("refuses invalid data and explains a corrupt file", async () => {
    const store = await StateStore.open(dir);
    await expect(store.upsertTask({ ...task("x") })).rejects.toThrow(
      /tasks.x.taskId: expected a decimal task id/,
    );
    await expect(store.upsertTask({ ...task("1"), salt: "0x12" })).rejects.toThrow(
      /expected a 0x-prefixed 32-byte hex salt/,
    );
    await writeFile(join(dir, STATE_FILE), '{"version":2,"lastProcessedBlock":"1","tasks":{}}');
    await expect(StateStore.open(dir)).rejects.toThrow(/version: expected state version 1/);
    await writeFile(join(dir, STATE_FILE), "{");
    await expect(StateStore.open(dir)).rejects.toThrow(/is not valid JSON/);
  });
});
