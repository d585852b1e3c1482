/**
 * The protocol-economics review with the real workers (issue #11, findings 1 and 5): an honest provider is never the
 * requester's source of profit, and never claims what it cannot deliver.
 *  - a requester's WASM model that always traps: the three workers report the task fault; the requester loses the
 *    fault fee (10%), nobody is slashed;
 *  - an input the ONNX model cannot read: the same;
 *  - a ZK model whose verifier rejects everything (code the workers' circuits do not generate): nobody claims it;
 *  - a REDUNDANT task whose draws never fill: the one claimant leaves after the fill timeout, bond back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseEther, zeroAddress } from "viem";
import { TASK_FAULT_RESULT, TaskStatus } from "../../sdk/src/tasks/index.ts";
import { encodeTensors } from "@eai/sdk/tasks/tensors";
import { sha256Hex } from "@eai/sdk/storage";
import { OnnxExecutor } from "../src/executors/onnx.ts";
import { WasmExecutor } from "../src/executors/wasm.ts";
import { ACCOUNT, counterValue, startHarness, waitFor, type Harness } from "./harness.ts";
import { MockZkExecutor } from "./mock-zk.ts";

/** (import "env" "memory" (memory 1)) (func (export "run") (param i32 i32) (result i32) unreachable) */
const TRAP_WASM = Buffer.from(
  "0061736d0100000001070160027f7f017f020f0103656e76066d656d6f7279020001030201000707010372756e00000a050103" +
    "00000b",
  "hex",
);

let h: Harness;
let onnx: OnnxExecutor;
let wasm: WasmExecutor;
let trapModel: bigint;

const commitment = (bytes: Uint8Array) => BigInt(`0x${sha256Hex(bytes)}`);

beforeAll(async () => {
  h = await startHarness();
  onnx = await OnnxExecutor.create({ gpuAvailable: false, intraOpThreads: 1 });
  wasm = new WasmExecutor({ memoryMiB: 16, timeoutMs: 5_000 });
  trapModel = await h.registerModel(2, commitment(TRAP_WASM), zeroAddress, new Uint8Array(TRAP_WASM));
});
afterEach(async () => {
  await h?.stopWorkers();
});
afterAll(async () => {
  await Promise.allSettled([onnx?.close(), wasm?.close()]);
  await h?.close();
});

const { requester } = { requester: () => h.p.wallets.requester.account };

async function balances(): Promise<bigint> {
  const { token, market, vault } = h.p.contracts;
  const who = requester().address;
  return (
    (await token.read.balanceOf([who])) +
    (await market.read.creditOf([who, token.address])) +
    (await vault.read.creditOf([who]))
  );
}

async function stakes(): Promise<bigint[]> {
  return Promise.all(h.p.wallets.providers.map((w) => h.p.contracts.vault.read.stakeOf([w.account.address])));
}

async function threeWorkers(prefix: string) {
  const executors = { onnx, wasm };
  const config = { maxVotesPerTask: 1 };
  const ws = [
    await h.worker(`${prefix}-alice`, ACCOUNT.alice, { executors, config }),
    await h.worker(`${prefix}-bob`, ACCOUNT.bob, { executors, config }),
    await h.worker(`${prefix}-carol`, ACCOUNT.carol, { executors, config }),
  ];
  for (const w of ws) w.start();
  return ws;
}

describe("honest workers against requester honeypots", () => {
  it("a trapping model: the workers report the fault, the requester loses the fee, nobody is slashed", async () => {
    const before = await balances();
    const stakeBefore = await stakes();
    await threeWorkers("trap");
    const { taskId } = await h.submit({ mode: 1, modelId: trapModel, input: new Uint8Array([7, 7, 7]) });
    await waitFor("faulted", async () => (await h.taskStatus(taskId)) === TaskStatus.Faulted, 90_000);
    const { market } = h.p.contracts;
    for (const w of h.p.wallets.providers) {
      const claim = await market.read.redundantClaimOf([taskId, w.account.address]);
      expect(claim.resultHash).toBe(TASK_FAULT_RESULT);
    }
    // reward 10 EAI, fault fee 10% shared per vote: 3 × floor(1 EAI / 3) paid, the requester is credited the rest
    const fee = (parseEther("1") / 3n) * 3n;
    expect(before - (await balances())).toBe(fee);
    expect(await stakes()).toEqual(stakeBefore);
  });

  it("an input the ONNX model cannot read is a task fault too (not a slash, not a hang)", async () => {
    const stakeBefore = await stakes();
    await threeWorkers("badin");
    // EAIT tensors with the wrong input name: the tiny MLP takes "x"
    const input = encodeTensors([{ name: "y", dtype: "float32", dims: [1, 4], data: new Float32Array(4) }]);
    const { taskId } = await h.submit({ mode: 1, modelId: h.onnxModel, input });
    await waitFor("faulted", async () => (await h.taskStatus(taskId)) === TaskStatus.Faulted, 90_000);
    expect(await stakes()).toEqual(stakeBefore);
  });

  it("a ZK model whose verifier rejects every proof: no worker claims it, no bond is locked", async () => {
    // code the workers' circuits do not generate: a second MockVerifier is trusted (same code), so deploy another
    // contract (the token's code) in its place
    const honeypot = await h.registerModel(
      0,
      0x99n,
      h.p.contracts.token.address,
      new TextEncoder().encode("zk"),
    );
    const zk = new MockZkExecutor();
    const w = await h.worker("zk-honeypot", ACCOUNT.alice, {
      zkExecutor: zk,
      config: { zkSettlement: "claim" },
    });
    w.start();
    const input = new TextEncoder().encode("honeypot");
    const { taskId } = await h.submit({ mode: 0, modelId: honeypot, input, inputCommitment: 42n });
    await waitFor(
      "skipped as verifier-unknown",
      async () => (await counterValue(w.metrics.tasksSkipped, { reason: "verifier-unknown" })) >= 1,
      60_000,
    );
    expect(await h.taskStatus(taskId)).toBe(TaskStatus.Open);
    expect(zk.proofs).toBe(0);
    expect(await h.p.contracts.vault.read.lockedOf([h.p.wallets.providers[0].account.address])).toBe(0n);
  });

  it("a task whose draws never fill: its one claimant leaves after the fill timeout with its bond", async () => {
    const alice = h.p.wallets.providers[0].account.address;
    const w = await h.worker("lonely", ACCOUNT.alice, {
      executors: { onnx },
      config: { maxVotesPerTask: 1 },
    });
    w.start();
    const input = encodeTensors([
      { name: "x", dtype: "float32", dims: [1, 4], data: Float32Array.from([1, 2, 3, 4]) },
    ]);
    const { taskId, spec } = await h.submit({ mode: 1, modelId: h.onnxModel, input });
    await waitFor(
      "one draw taken",
      async () => (await h.p.contracts.vault.read.lockedOf([alice])) === spec.bond,
      60_000,
    );
    expect(await h.taskStatus(taskId)).toBe(TaskStatus.Open);
    const { fillTimeout } = await h.p.contracts.market.read.settlementParams();
    await h.p.connection.networkHelpers.time.increaseTo(spec.createdAt + fillTimeout + 1);
    // the bond is back once the leave is mined; the worker counts it only after it has read the receipt, so wait
    // for the counter rather than assume which of the two is seen first
    await waitFor(
      "left",
      async () => (await counterValue(w.metrics.tasksFailed, { reason: "left-unfilled" })) >= 1,
      60_000,
    );
    expect(await h.p.contracts.vault.read.lockedOf([alice])).toBe(0n);
    expect(await counterValue(w.metrics.tasksFailed, { reason: "left-unfilled" })).toBe(1);
    expect((await h.p.contracts.market.read.roundOf([taskId])).members).toBe(0);
  });
});
