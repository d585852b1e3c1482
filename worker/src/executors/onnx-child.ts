/**
 * Sandbox child of the ONNX executor: one onnxruntime session, long-lived (sessions are costly to create).
 *
 *   { type: "load", path, maxModelBytes, executionProviders, intraOpThreads, graphOptimizationLevel, limits }
 *        → pre-check (onnx-inspect.ts), create the session → { type: "loaded", inputNames, outputNames, loadMs }
 *   { type: "run" } + EAIT input → { type: "result", ok: true, elapsedMs } + EAIT output (the model's output order)
 *   { type: "probe", provider } → { type: "probed", ok, error? } (a one-node Identity model on that provider)
 *
 * Failures answer `{ type: "result", ok: false, code, message }`. Started by onnx.ts through sandbox.ts.
 * Kept free of TypeScript-only runtime syntax so Node runs it directly.
 */
import { readFile, stat } from "node:fs/promises";
import * as ort from "onnxruntime-node";
import {
  decodeTensors,
  encodeTensors,
  type NamedTensor,
  type TensorData,
  type TensorDType,
} from "@eai/sdk/tasks/tensors";
import { serveSandbox, type Reply } from "./sandbox-child.ts";
import { inspectOnnx, OnnxCheckError, type OnnxLimits } from "./onnx-inspect.ts";
import type { Frame } from "./ipc.ts";

/** Identity over float32[1] (the same model as PROBE_MODEL_BASE64 in onnx.ts). */
const PROBE_MODEL_BASE64 =
  "CAgSG2VhaS13b3JrZXIvYnVpbGQtdGVzdC1tb2RlbBoBMTo/ChQKAXgSAXkaAmlkIghJZGVudGl0eRIFcHJvYmVaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAR";

const ENCODABLE: readonly string[] = ["float32", "float64", "int8", "uint8", "int32", "int64", "bool"];
const OOM = /alloc|out of memory|bad_alloc/i;

let session: ort.InferenceSession | undefined;

const fail = (code: string, message: string, extra: Record<string, unknown> = {}): Reply => ({
  header: { type: "result", ok: false, code, message, ...extra },
});

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";

async function load(h: Record<string, unknown>): Promise<Reply> {
  const path = String(h.path);
  const maxModelBytes = Number(h.maxModelBytes);
  const started = performance.now();
  let bytes: Uint8Array;
  try {
    const size = (await stat(path)).size;
    if (size > maxModelBytes)
      return fail("limit", `model file of ${size} bytes exceeds the limit of ${maxModelBytes}`, {
        taskFault: false,
      });
    bytes = await readFile(path);
  } catch (err) {
    return fail("bad-model", `cannot read the model file: ${firstLine(err)}`, { taskFault: false });
  }
  try {
    inspectOnnx(bytes, h.limits as OnnxLimits);
  } catch (err) {
    if (err instanceof OnnxCheckError) return fail(err.code, err.message);
    throw err;
  }
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: h.executionProviders as string[],
      intraOpNumThreads: Number(h.intraOpThreads),
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: h.graphOptimizationLevel as "disabled" | "basic" | "extended" | "all",
      logSeverityLevel: 3,
    });
  } catch (err) {
    const message = firstLine(err);
    if (OOM.test(message)) return fail("memory-limit", `loading the model ran out of memory: ${message}`);
    return fail("bad-model", `onnxruntime cannot load the model: ${message}`);
  }
  return {
    header: {
      type: "loaded",
      inputNames: [...session.inputNames],
      outputNames: [...session.outputNames],
      loadMs: performance.now() - started,
    },
  };
}

async function run(input: Uint8Array): Promise<Reply> {
  const s = session;
  if (!s) return fail("runtime", "no model loaded");
  let tensors: NamedTensor[];
  try {
    tensors = decodeTensors(input);
  } catch (err) {
    return fail("bad-input", firstLine(err));
  }
  const given = tensors.map((t) => t.name).sort();
  const wanted = [...s.inputNames].sort();
  if (given.join("\u0000") !== wanted.join("\u0000"))
    return fail("bad-input", `expects inputs [${wanted.join(", ")}], got [${given.join(", ")}]`);
  const feeds: Record<string, ort.Tensor> = {};
  for (const t of tensors) feeds[t.name] = new ort.Tensor(t.dtype, t.data, t.dims);
  const started = performance.now();
  let results: ort.InferenceSession.ReturnType;
  try {
    results = await s.run(feeds);
  } catch (err) {
    const message = firstLine(err);
    if (OOM.test(message)) return fail("memory-limit", `inference ran out of memory: ${message}`);
    return fail("bad-input", `inference failed: ${message}`);
  }
  const elapsedMs = performance.now() - started;
  const outputs: NamedTensor[] = [];
  for (const name of s.outputNames) {
    const t = results[name];
    if (!t) return fail("output", `output ${name} missing`);
    if (!ENCODABLE.includes(t.type))
      return fail("output", `output ${name}: dtype ${t.type} cannot be encoded`);
    outputs.push({ name, dtype: t.type as TensorDType, dims: [...t.dims], data: t.data as TensorData });
  }
  return { header: { type: "result", ok: true, elapsedMs }, payload: encodeTensors(outputs) };
}

async function probe(provider: string): Promise<Reply> {
  try {
    const p = await ort.InferenceSession.create(Buffer.from(PROBE_MODEL_BASE64, "base64"), {
      executionProviders: [provider],
      logSeverityLevel: 4,
    });
    const result = await p.run({ x: new ort.Tensor("float32", new Float32Array([1]), [1]) });
    const ok = (result.y?.data as Float32Array | undefined)?.[0] === 1;
    await p.release();
    return {
      header: { type: "probed", ok, error: ok ? undefined : `${provider} probe returned a wrong result` },
    };
  } catch (err) {
    return { header: { type: "probed", ok: false, error: firstLine(err) || "unknown error" } };
  }
}

function handle(frame: Frame): Promise<Reply> {
  const h = frame.header;
  if (h.type === "load") return load(h);
  if (h.type === "run") return run(frame.payload);
  if (h.type === "probe") return probe(String(h.provider));
  return Promise.resolve(fail("runtime", `unknown request ${String(h.type)}`));
}

serveSandbox(handle, { runtimeVersion: ort.env.versions.common });
