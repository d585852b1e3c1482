/**
 * Writes worker/fixtures/tiny-mlp.onnx (the executor tests' model) and prints the base64 probe model
 * embedded in worker/src/executors/onnx-probe.ts. Run: node worker/scripts/build-test-model.ts
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { buildProbeModel, buildTinyMlpModel } from "./tiny-mlp.ts";

const target = fileURLToPath(new URL("../fixtures/tiny-mlp.onnx", import.meta.url));
const bytes = buildTinyMlpModel();
await writeFile(target, bytes);
console.log(`wrote ${target} (${bytes.length} bytes)`);
console.log(`probe model (base64): ${Buffer.from(buildProbeModel()).toString("base64")}`);
