/**
 * The ONNX executor against hostile models (issue #12): a model that computes for too long, one that allocates too
 * much, one that asks onnxruntime to read files from disk, and malformed files. Each fails its own run with a clear
 * code; honest runs on other models keep completing meanwhile; the executor recovers.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "@eai/sdk/storage";
import { decodeTensors, encodeTensors } from "@eai/sdk/tasks/tensors";
import {
  buildExpandModel,
  buildExternalDataModel,
  buildMatMulChainModel,
} from "../../scripts/hostile-models.ts";
import { OnnxExecutor } from "./onnx.ts";
import { inspectOnnx, OnnxCheckError } from "./onnx-inspect.ts";
import { DEFAULT_PROFILE } from "./profile.ts";
import { ExecutionError, type ModelArtifact } from "./types.ts";

const TINY = fileURLToPath(new URL("../../fixtures/tiny-mlp.onnx", import.meta.url));
let dir: string;
const models: Record<string, ModelArtifact> = {};
const executors: OnnxExecutor[] = [];

async function artifact(name: string, bytes: Uint8Array): Promise<ModelArtifact> {
  const path = join(dir, `${name}.onnx`);
  await writeFile(path, bytes);
  return { id: name, kind: "onnx", path, sha256: sha256Hex(bytes) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eai-onnx-limits-"));
  models.tiny = await artifact("tiny", await readFile(TINY));
  models.chain = await artifact("chain", buildMatMulChainModel(2048, 128));
  models.expand = await artifact("expand", buildExpandModel(16_384));
  models.external = await artifact("external", buildExternalDataModel("/etc/hostname"));
  models.truncated = await artifact("truncated", (await readFile(TINY)).subarray(0, 200));
});
afterAll(async () => {
  await Promise.all(executors.map((e) => e.close()));
  await rm(dir, { recursive: true, force: true });
});

async function executor(options: Partial<Parameters<typeof OnnxExecutor.create>[0]> = {}) {
  const e = await OnnxExecutor.create({ gpuAvailable: false, intraOpThreads: 1, ...options });
  executors.push(e);
  return e;
}

const m = (name: string) => models[name] as ModelArtifact;
const scalar = encodeTensors([{ name: "x", dtype: "float32", dims: [1, 1], data: Float32Array.from([0.5]) }]);
const tinyInput = encodeTensors([
  { name: "x", dtype: "float32", dims: [1, 4], data: Float32Array.from([1, 2, 3, 4]) },
]);

async function failure(promise: Promise<unknown>): Promise<ExecutionError> {
  const err = await promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ExecutionError);
  return err as ExecutionError;
}

describe("onnx executor limits", () => {
  it("stops the 4 KB Expand + 128 MatMul model at the time limit while other models keep running", async () => {
    const size = (await readFile(m("chain").path)).length;
    expect(size).toBeLessThan(8 * 1024);
    const e = await executor({ timeoutMs: 8_000 });
    let bombSettled = false;
    const bomb = failure(e.execute(scalar, m("chain"))).finally(() => {
      bombSettled = true;
    });
    // An honest model in another child: answered while the bomb is still computing.
    const honest = await e.execute(tinyInput, m("tiny"));
    expect(decodeTensors(honest.output)[0]?.dims).toEqual([1, 3]);
    expect(bombSettled).toBe(false);
    const err = await bomb;
    expect(err.code).toBe("timeout");
    expect(err.taskFault).toBe(false);
    expect(err.message).toMatch(/onnx model chain: exceeded the time limit of 8000 ms and was stopped/);
    expect(e.stats().restarts).toBe(1);
    // The executor still serves both models (the bomb's child was replaced).
    expect((await e.execute(tinyInput, m("tiny"))).output.length).toBeGreaterThan(0);
  });

  it("stops it at the CPU limit too", async () => {
    const e = await executor({ timeoutMs: 120_000, cpuMs: 1_000 });
    const err = await failure(e.execute(scalar, m("chain")));
    expect(err.code).toBe("cpu-limit");
    expect(err.taskFault).toBe(false);
  });

  it("kills a model whose memory grows past the limit", async () => {
    const e = await executor({ memoryMiB: 512, timeoutMs: 60_000 });
    const err = await failure(e.execute(scalar, m("expand")));
    expect(err.code).toBe("memory-limit");
    expect(err.taskFault).toBe(false);
    expect((await e.execute(tinyInput, m("tiny"))).output.length).toBeGreaterThan(0);
  });

  it("refuses external data, malformed files and oversized files before onnxruntime loads them", async () => {
    const e = await executor();
    const external = await failure(
      e.execute(
        encodeTensors([{ name: "x", dtype: "float32", dims: [4], data: new Float32Array(4) }]),
        m("external"),
      ),
    );
    expect(external.code).toBe("bad-model");
    expect(external.taskFault).toBe(true);
    expect(external.message).toMatch(/tensor "w" refers to external data/);
    const truncated = await failure(e.execute(tinyInput, m("truncated")));
    expect(truncated.code).toBe("bad-model");
    expect(truncated.taskFault).toBe(true);
    const small = await executor({ maxModelBytes: 100 });
    const big = await failure(small.execute(tinyInput, m("tiny")));
    expect(big.code).toBe("limit");
    expect(big.taskFault).toBe(false); // this worker's own cap
  });

  it("keeps at most maxSessions children and reloads an evicted model", async () => {
    const e = await executor({ maxSessions: 1 });
    const a = await e.execute(tinyInput, m("tiny"));
    await e.execute(tinyInput, {
      ...m("tiny"),
      sha256: "other-key",
      profile: { ...DEFAULT_PROFILE, intraOpThreads: 2 },
    });
    expect(e.stats().processes).toBe(1);
    const again = await e.execute(tinyInput, m("tiny"));
    expect(Buffer.from(again.output).equals(Buffer.from(a.output))).toBe(true);
  });

  it("follows the profile and refuses another onnxruntime version", async () => {
    const e = await executor();
    const r = await e.execute(tinyInput, {
      ...m("tiny"),
      profile: {
        ...DEFAULT_PROFILE,
        intraOpThreads: 2,
        graphOptimizationLevel: "basic",
        executionProvider: "cpu",
      },
    });
    expect(r.runtime).toEqual({
      comparison: "exact",
      executionProvider: "cpu",
      intraOpThreads: 2,
      graphOptimizationLevel: "basic",
      runtimeVersion: e.runtimeVersion,
    });
    expect(e.runtimeVersion).toMatch(/^\d+\.\d+\.\d+/);
    const pinned = { ...DEFAULT_PROFILE, runtimeVersion: "0.0.1" };
    expect(e.refuses(pinned)).toMatch(/requires onnxruntime 0\.0\.1; this worker runs \d+\.\d+\.\d+/);
    expect(e.refuses({ ...DEFAULT_PROFILE, runtimeVersion: e.runtimeVersion })).toBeUndefined();
    const err = await failure(e.execute(tinyInput, { ...m("tiny"), profile: pinned }));
    expect(err.code).toBe("unsupported-profile");
    expect(err.taskFault).toBe(false);
  });
});

describe("onnx pre-check (onnx-inspect)", () => {
  it("counts what it walks and enforces its structural limits", async () => {
    const tiny = new Uint8Array(await readFile(TINY));
    expect(inspectOnnx(tiny)).toMatchObject({ nodes: 5, initializers: 4, graphs: 1, opsetDomains: [""] });
    const chain = buildMatMulChainModel(4, 128);
    expect(inspectOnnx(chain).nodes).toBe(129);
    expect(() => inspectOnnx(chain, { maxNodes: 128, maxDepth: 16 })).toThrow(/more than 128 nodes/);
    expect(() => inspectOnnx(buildExternalDataModel("../worker-state.json"))).toThrow(OnnxCheckError);
    expect(() => inspectOnnx(tiny.subarray(0, 100))).toThrow(/runs past the end|truncated/);
    expect(() => inspectOnnx(new Uint8Array([0x08, 0x01]))).toThrow(/no graph/);
    expect(() => inspectOnnx(new Uint8Array([0x0b, 0x01]))).toThrow(/wire type 3/);
  });
});
