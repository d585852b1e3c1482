import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { describe, expect, it, afterAll } from "vitest";
import { buildProbeModel, buildTinyMlpModel, tinyMlpReference } from "../../scripts/tiny-mlp.ts";
import { OnnxExecutor, PROBE_MODEL_BASE64, probeExecutionProvider } from "./onnx.ts";
import { decodeTensors, encodeTensors } from "@eai/sdk/tasks/tensors";
import { ExecutionError, type ModelArtifact } from "./types.ts";
import { sha256Hex } from "@eai/sdk/storage";

const MODEL_PATH = fileURLToPath(new URL("../../fixtures/tiny-mlp.onnx", import.meta.url));
const model: ModelArtifact = { id: "1", kind: "onnx", path: MODEL_PATH, sha256: "" };
const executors: OnnxExecutor[] = [];

afterAll(async () => {
  await Promise.all(executors.map((e) => e.close()));
});

async function cpuExecutor() {
  const e = await OnnxExecutor.create({ gpuAvailable: false, intraOpThreads: 1 });
  executors.push(e);
  return e;
}

describe("tiny MLP fixture", () => {
  it("is exactly what the build script produces", async () => {
    const onDisk = await readFile(MODEL_PATH);
    expect(Buffer.from(buildTinyMlpModel()).equals(onDisk)).toBe(true);
    model.sha256 = sha256Hex(onDisk);
    expect(Buffer.from(buildProbeModel()).toString("base64")).toBe(PROBE_MODEL_BASE64);
  });
});

describe("onnx executor", () => {
  it("chooses CPU without a GPU", async () => {
    const e = await cpuExecutor();
    expect(e.backend).toBe("cpu");
    expect(e.backendReason).toBe("no GPU detected");
  });

  it("falls back to CPU, with the reason, when a GPU is reported but CUDA does not load", async () => {
    const cudaError = await probeExecutionProvider("cuda");
    const e = await OnnxExecutor.create({ gpuAvailable: true });
    executors.push(e);
    if (cudaError === null) {
      expect(e.backend).toBe("cuda");
    } else {
      expect(e.backend).toBe("cpu");
      expect(e.backendReason).toMatch(/GPU detected but the CUDA execution provider failed/);
    }
  });

  it("computes the same outputs as the plain-JS reference", async () => {
    const e = await cpuExecutor();
    const rows = 5;
    const x = Float32Array.from({ length: rows * 4 }, (_, i) => Math.fround(Math.cos(i) * 2));
    const { output, elapsedMs } = await e.execute(
      encodeTensors([{ name: "x", dtype: "float32", dims: [rows, 4], data: x }]),
      model,
    );
    expect(elapsedMs).toBeGreaterThan(0);
    const [y] = decodeTensors(output);
    expect(y?.name).toBe("y");
    expect(y?.dims).toEqual([rows, 3]);
    const expected = tinyMlpReference(x, rows);
    const got = y?.data as Float32Array;
    for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i] as number, 5);
  });

  it("rejects inputs that do not match the model", async () => {
    const e = await cpuExecutor();
    const wrongName = encodeTensors([
      { name: "z", dtype: "float32", dims: [1, 4], data: new Float32Array(4) },
    ]);
    await expect(e.execute(wrongName, model)).rejects.toThrow(/expects inputs \[x\], got \[z\]/);
    const wrongShape = encodeTensors([
      { name: "x", dtype: "float32", dims: [1, 5], data: new Float32Array(5) },
    ]);
    await expect(e.execute(wrongShape, model)).rejects.toMatchObject({ code: "bad-input" });
    const wrongType = encodeTensors([{ name: "x", dtype: "int32", dims: [1, 4], data: new Int32Array(4) }]);
    await expect(e.execute(wrongType, model)).rejects.toMatchObject({ code: "bad-input" });
    await expect(e.execute(new Uint8Array([1, 2, 3]), model)).rejects.toThrow(/expected at least 12 bytes/);
  });

  it("reports an unloadable model and a model of another kind", async () => {
    const e = await cpuExecutor();
    const input = encodeTensors([{ name: "x", dtype: "float32", dims: [1, 4], data: new Float32Array(4) }]);
    await expect(
      e.execute(input, { ...model, sha256: "bad", path: "/nonexistent.onnx" }),
    ).rejects.toMatchObject({ code: "bad-model" });
    expect(e.supports({ ...model, kind: "wasm" })).toBe(false);
    await expect(e.execute(input, { ...model, kind: "wasm" })).rejects.toBeInstanceOf(ExecutionError);
  });

  it("measures CPU inference time (median of 25 runs)", async () => {
    const e = await cpuExecutor();
    const input = encodeTensors([
      { name: "x", dtype: "float32", dims: [1, 4], data: new Float32Array([1, 2, 3, 4]) },
    ]);
    await e.execute(input, model); // warm-up (session creation)
    const times: number[] = [];
    for (let i = 0; i < 25; i++) times.push((await e.execute(input, model)).elapsedMs);
    times.sort((a, b) => a - b);
    const median = times[12] as number;
    console.log(`onnx tiny-mlp CPU inference: median ${median.toFixed(3)} ms over 25 runs`);
    expect(median).toBeLessThan(50);
  });
});

describe("onnx executor defaults", () => {
  it("runs with one intra-op thread per available core when intraOpThreads is not given", async () => {
    const sha256 = sha256Hex(await readFile(MODEL_PATH));
    const e = await OnnxExecutor.create({ gpuAvailable: false });
    try {
      const input = encodeTensors([{ name: "x", dtype: "float32", dims: [1, 4], data: new Float32Array(4) }]);
      const r = await e.execute(input, { id: "1", kind: "onnx", path: MODEL_PATH, sha256 });
      expect(r.output.length).toBeGreaterThan(0);
      expect(r.runtime?.intraOpThreads).toBe(availableParallelism());
    } finally {
      await e.close();
    }
  });
});
