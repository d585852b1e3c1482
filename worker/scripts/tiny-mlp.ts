/**
 * The tiny test MLP, defined once: deterministic weights, an ONNX encoding built with onnx-proto, and a
 * plain-JS reference. y = relu(x · W1 + b1) · W2 + b2 with x: [N, 4], W1: [4, 8], W2: [8, 3].
 * Also a minimal Identity model used to probe execution providers.
 */
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

export const TINY_MLP_SHAPE = { inputs: 4, hidden: 8, outputs: 3 } as const;

/** Deterministic weights in [-1, 1): a fixed sine pattern, exactly representable as float32 after rounding. */
function weights(count: number, seed: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => Math.fround(Math.sin(seed * 7.31 + i * 1.7) * 0.9));
}

export const TINY_MLP_WEIGHTS = {
  w1: weights(TINY_MLP_SHAPE.inputs * TINY_MLP_SHAPE.hidden, 1),
  b1: weights(TINY_MLP_SHAPE.hidden, 2),
  w2: weights(TINY_MLP_SHAPE.hidden * TINY_MLP_SHAPE.outputs, 3),
  b2: weights(TINY_MLP_SHAPE.outputs, 4),
};

/** Plain-JS forward pass of the tiny MLP over a row-major [rows, 4] batch (float32 rounding per step). */
export function tinyMlpReference(x: Float32Array, rows: number): Float32Array {
  const { inputs: I, hidden: H, outputs: O } = TINY_MLP_SHAPE;
  const { w1, b1, w2, b2 } = TINY_MLP_WEIGHTS;
  const out = new Float32Array(rows * O);
  for (let n = 0; n < rows; n++) {
    const h = new Float32Array(H);
    for (let j = 0; j < H; j++) {
      let acc = 0;
      for (let i = 0; i < I; i++) acc += (x[n * I + i] as number) * (w1[i * H + j] as number);
      h[j] = Math.max(0, Math.fround(acc) + (b1[j] as number));
    }
    for (let k = 0; k < O; k++) {
      let acc = 0;
      for (let j = 0; j < H; j++) acc += (h[j] as number) * (w2[j * O + k] as number);
      out[n * O + k] = Math.fround(acc) + (b2[k] as number);
    }
  }
  return out;
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;

function initializer(name: string, dims: number[], data: Float32Array) {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: FLOAT,
    rawData: new Uint8Array(data.buffer.slice(0)),
  });
}

function floatInput(name: string, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: FLOAT,
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

function model(graph: InstanceType<typeof onnx.GraphProto>): Uint8Array {
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "eai-worker/build-test-model",
    producerVersion: "1",
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: "", version: 17 })],
    graph,
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** The tiny MLP as ONNX bytes (opset 17, dynamic batch "N"). */
export function buildTinyMlpModel(): Uint8Array {
  const { inputs: I, hidden: H, outputs: O } = TINY_MLP_SHAPE;
  const { w1, b1, w2, b2 } = TINY_MLP_WEIGHTS;
  const node = (opType: string, input: string[], output: string[]) =>
    onnx.NodeProto.create({ opType, input, output, name: output[0] });
  return model(
    onnx.GraphProto.create({
      name: "tiny_mlp",
      node: [
        node("MatMul", ["x", "W1"], ["xw1"]),
        node("Add", ["xw1", "B1"], ["h_pre"]),
        node("Relu", ["h_pre"], ["h"]),
        node("MatMul", ["h", "W2"], ["hw2"]),
        node("Add", ["hw2", "B2"], ["y"]),
      ],
      initializer: [
        initializer("W1", [I, H], w1),
        initializer("B1", [H], b1),
        initializer("W2", [H, O], w2),
        initializer("B2", [O], b2),
      ],
      input: [floatInput("x", ["N", I])],
      output: [floatInput("y", ["N", O])],
    }),
  );
}

/** Identity over a float32 [1] tensor: the smallest model that shows whether an execution provider loads. */
export function buildProbeModel(): Uint8Array {
  return model(
    onnx.GraphProto.create({
      name: "probe",
      node: [onnx.NodeProto.create({ opType: "Identity", input: ["x"], output: ["y"], name: "id" })],
      input: [floatInput("x", [1])],
      output: [floatInput("y", [1])],
    }),
  );
}
