/**
 * Issue #12 end to end, on a local hardhat node with real executors (sandboxed child processes):
 *
 * - three workers serve REDUNDANT tasks while two of them are hostile — a WASM module declaring one
 *   4,000,000-entry funcref table (it aborted the whole worker process before) and a 4 KB ONNX model (Expand, then
 *   128 MatMuls) that computes far beyond the time limit (it froze the worker's main thread before). The hostile
 *   tasks are given up with their reason (a task fault for the table, the worker's time limit for the MatMuls,
 *   retried up to `limits.executionAttempts`), and the honest ONNX and WASM tasks submitted after them complete;
 * - a worker that goes down while executing finds its run counted in the state file on restart; once the task has
 *   had its runs, the next start gives it up without running it again (no crash loop).
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { zeroAddress } from "viem";
import { TaskStatus } from "../../sdk/src/tasks/index.ts";
import { encodeTensors } from "@eai/sdk/tasks/tensors";
import { sha256Hex } from "@eai/sdk/storage";
import { DEMO_MODELS } from "../../deploy/demo-models.ts";
import { buildHugeTableWasm, buildMatMulChainModel } from "../scripts/hostile-models.ts";
import { OnnxExecutor } from "../src/executors/onnx.ts";
import { WasmExecutor } from "../src/executors/wasm.ts";
import type { Executor } from "../src/executors/types.ts";
import { STATE_FILE } from "../src/state.ts";
import { ACCOUNT, counterValue, startHarness, waitFor, type Harness } from "./harness.ts";

let h: Harness;
let onnx: OnnxExecutor;
let wasm: WasmExecutor;
let tableModel: bigint;
let bombModel: bigint;
let byteSumModel: bigint;

const commitment = (bytes: Uint8Array) => BigInt(`0x${sha256Hex(bytes)}`);

beforeAll(async () => {
  h = await startHarness();
  onnx = await OnnxExecutor.create({ gpuAvailable: false, intraOpThreads: 1, timeoutMs: 3_000 });
  wasm = new WasmExecutor({ memoryMiB: 16, timeoutMs: 5_000 });
  const table = buildHugeTableWasm(4_000_000);
  const bomb = buildMatMulChainModel(2048, 128);
  const byteSum = await DEMO_MODELS.find((m) => m.name === "byte-sum")!.artifact();
  tableModel = await h.registerModel(2, commitment(table), zeroAddress, table);
  bombModel = await h.registerModel(1, commitment(bomb), zeroAddress, bomb);
  byteSumModel = await h.registerModel(2, commitment(byteSum), zeroAddress, byteSum);
});
afterEach(async () => {
  await h?.stopWorkers();
});
afterAll(async () => {
  await Promise.allSettled([onnx?.close(), wasm?.close()]);
  await h?.close();
});

const scalar = encodeTensors([{ name: "x", dtype: "float32", dims: [1, 1], data: Float32Array.from([0.5]) }]);
const mlpInput = encodeTensors([
  { name: "x", dtype: "float32", dims: [1, 4], data: Float32Array.from([1, 0.5, -1, 2]) },
]);

async function failedWith(
  w: { metrics: { tasksFailed: Parameters<typeof counterValue>[0] } },
  reason: string,
) {
  return counterValue(w.metrics.tasksFailed, { reason });
}

describe("hostile models", () => {
  it("the workers keep serving honest tasks while the 4M-table WASM module and the MatMul bomb fail", async () => {
    const executors = { onnx, wasm };
    const config = { limits: { executionAttempts: 2 } };
    const workers = [
      await h.worker("h-alice", ACCOUNT.alice, { executors, config }),
      await h.worker("h-bob", ACCOUNT.bob, { executors, config }),
      await h.worker("h-carol", ACCOUNT.carol, { executors, config }),
    ];
    for (const w of workers) w.start();
    const table = await h.submit({ mode: 1, modelId: tableModel, input: new Uint8Array([1, 2, 3]) });
    const bomb = await h.submit({ mode: 1, modelId: bombModel, input: scalar });
    const started = Date.now();
    const honestOnnx = await h.submit({ mode: 1, modelId: h.onnxModel, input: mlpInput });
    const honestWasm = await h.submit({
      mode: 1,
      modelId: byteSumModel,
      input: new TextEncoder().encode("still here"),
    });
    await waitFor(
      "honest tasks settled",
      async () =>
        (await h.taskStatus(honestOnnx.taskId)) === TaskStatus.Completed &&
        (await h.taskStatus(honestWasm.taskId)) === TaskStatus.Completed,
      120_000,
    );
    const honestMs = Date.now() - started;
    // The table module breaks a declared limit: a deterministic task fault, which every worker reports (the task
    // ends Faulted, nobody is slashed). The MatMul bomb only exceeds this worker's own time limit: given up before
    // any claim (the run is counted first), so no bond was ever at stake.
    await waitFor(
      "hostile tasks handled",
      async () => {
        if ((await h.taskStatus(table.taskId)) !== TaskStatus.Faulted) return false;
        for (const w of workers) {
          if ((await failedWith(w, "task-fault-reported")) < 1) return false;
          if ((await failedWith(w, "execution-timeout")) !== 1) return false;
          // a worker counts a given-up task before it has written the task out of its state: wait for both
          if (w.store.hasTask(table.taskId.toString()) || w.store.hasTask(bomb.taskId.toString()))
            return false;
        }
        return true;
      },
      120_000,
    );
    for (const w of workers) {
      const tasks = w.store.get().tasks;
      expect(tasks[table.taskId.toString()]).toBeUndefined();
      expect(tasks[bomb.taskId.toString()]).toBeUndefined();
    }
    // Nobody claimed the bomb: it stays Open, and its requester can cancel it (the reward comes back in full).
    expect(await h.taskStatus(bomb.taskId)).toBe(TaskStatus.Open);
    await h.p.send(
      h.p.contracts.market.write.cancelTask([bomb.taskId, bomb.spec], {
        account: h.p.wallets.requester.account,
      }),
    );
    for (const p of h.p.wallets.providers) {
      expect(await h.p.contracts.vault.read.lockedOf([p.account.address])).toBe(0n);
    }
    console.log(
      `honest ONNX + WASM tasks settled ${(honestMs / 1000).toFixed(1)} s after submission, beside the hostile ones; ` +
        `onnx executor: ${JSON.stringify(onnx.stats())}`,
    );
  });

  it("a restart with the hostile task in the state file does not crash-loop", async () => {
    const name = "loop-alice";
    const config = { limits: { executionAttempts: 2 } };
    const { taskId } = await h.submit({ mode: 1, modelId: bombModel, input: scalar });
    const id = taskId.toString();
    const stateFile = join(h.dir, `state-${name}`, STATE_FILE);
    const onDisk = async () =>
      (
        JSON.parse(await readFile(stateFile, "utf8")) as {
          tasks: Record<string, { executionAttempts?: number; phase: string }>;
        }
      ).tasks[id];

    // Two runs that never come back: the process dies in the middle of each. Simulated by stopping the worker and
    // its executor, then putting back the state file as it was on disk during the run (a dead process writes
    // nothing more; this one would record the failed run).
    for (const run of [1, 2]) {
      const slow = await OnnxExecutor.create({ gpuAvailable: false, intraOpThreads: 1, timeoutMs: 300_000 });
      const w = await h.worker(name, ACCOUNT.alice, { executors: { onnx: slow }, config });
      w.start();
      await waitFor(
        `run ${run} started`,
        async () => (await onDisk().catch(() => undefined))?.executionAttempts === run,
        60_000,
      );
      expect((await onDisk())?.phase).toBe("preparing"); // executed before any claim: nothing is locked
      const atDeath = await readFile(stateFile);
      await w.stop(0);
      await slow.close();
      await w.idle();
      await writeFile(stateFile, atDeath);
    }

    // The next start finds two runs counted and gives the task up without executing it.
    let calls = 0;
    const counting: Executor = {
      kind: onnx.kind,
      supports: (m) => onnx.supports(m),
      execute: (input, model) => {
        calls++;
        return onnx.execute(input, model);
      },
      close: async () => undefined,
    };
    const w = await h.worker(name, ACCOUNT.alice, { executors: { onnx: counting }, config });
    w.start();
    await waitFor(
      "task given up",
      async () => (await failedWith(w, "execution-attempts-exhausted")) === 1,
      60_000,
    );
    expect(w.store.get().tasks[id]).toBeUndefined();
    expect(calls).toBe(0);
  });
});
