/**
 * Hostile models for the executor and worker tests (issue #12), built from code so that nothing opaque is committed:
 *
 * - `buildMatMulChainModel(n, count)`: x float32 [1, 1] → Expand to [n, n] → `count` chained MatMuls: ≈ 4 KB of
 *   file for 2·n³·count FLOPs (n = 2048, count = 128: 2.2 TFLOP, tens of seconds of CPU; the model froze the
 *   old in-process executor for 14 s);
 * - `buildExpandModel(m)`: x float32 [1, 1] → Expand to [m, m] (4·m² bytes of output: a memory bomb);
 * - `buildExternalDataModel(location)`: an Identity whose initializer's data lives in an external file (onnxruntime
 *   would read `location` from the worker's disk);
 * - `buildHugeTableWasm(entries)`: a WASM ABI v1 module declaring one funcref table of `entries` entries
 *   (4,000,000 aborted the whole worker when instantiated in a worker thread).
 */
import onnxProto from "onnx-proto";

import { leb } from "../src/executors/wasm-inspect.ts";

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function valueInfo(name: string, dims: (number | string)[], elemType: number = FLOAT) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) =>
            typeof d === "number"
              ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
              : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
          ),
        }),
      }),
    }),
  });
}

function encode(graph: InstanceType<typeof onnx.GraphProto>): Uint8Array {
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      producerName: "eai-worker/hostile-models",
      producerVersion: "1",
      opsetImport: [onnx.OperatorSetIdProto.create({ domain: "", version: 17 })],
      graph,
    }),
  ).finish();
}

const node = (opType: string, input: string[], output: string[]) =>
  onnx.NodeProto.create({ opType, input, output, name: output[0] });

function shapeInitializer(name: string, dims: number[]) {
  return onnx.TensorProto.create({
    name,
    dims: [dims.length],
    dataType: INT64,
    rawData: new Uint8Array(BigInt64Array.from(dims.map(BigInt)).buffer),
  });
}

export function buildMatMulChainModel(n: number, count: number): Uint8Array {
  const nodes = [node("Expand", ["x", "shape"], ["a0"])];
  for (let i = 1; i <= count; i++)
    nodes.push(node("MatMul", [`a${i - 1}`, "a0"], [i === count ? "y" : `a${i}`]));
  return encode(
    onnx.GraphProto.create({
      name: "matmul_chain",
      node: nodes,
      initializer: [shapeInitializer("shape", [n, n])],
      input: [valueInfo("x", [1, 1])],
      output: [valueInfo("y", [n, n])],
    }),
  );
}

export function buildExpandModel(m: number): Uint8Array {
  return encode(
    onnx.GraphProto.create({
      name: "expand",
      node: [node("Expand", ["x", "shape"], ["y"])],
      initializer: [shapeInitializer("shape", [m, m])],
      input: [valueInfo("x", [1, 1])],
      output: [valueInfo("y", [m, m])],
    }),
  );
}

export function buildExternalDataModel(location: string): Uint8Array {
  const external = onnx.TensorProto.create({
    name: "w",
    dims: [4],
    dataType: FLOAT,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      onnx.StringStringEntryProto.create({ key: "location", value: location }),
      onnx.StringStringEntryProto.create({ key: "length", value: "16" }),
    ],
  });
  return encode(
    onnx.GraphProto.create({
      name: "external",
      node: [node("Add", ["x", "w"], ["y"])],
      initializer: [external],
      input: [valueInfo("x", [4])],
      output: [valueInfo("y", [4])],
    }),
  );
}

export function buildHugeTableWasm(entries: number): Uint8Array {
  const str = (s: string) => [...leb(s.length), ...new TextEncoder().encode(s)];
  const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f]), // run: (i32, i32) -> i32
    ...section(2, [1, ...str("env"), ...str("memory"), 0x02, 0x00, 1]), // env.memory, min 1 page
    ...section(3, [1, 0]),
    ...section(4, [1, 0x70, 0x00, ...leb(entries)]), // one funcref table, `entries` entries, no maximum
    ...section(7, [1, ...str("run"), 0x00, 0]),
    ...section(10, [1, 4, 0, 0x41, 0, 0x0b]), // run returns 0
  ]);
}
