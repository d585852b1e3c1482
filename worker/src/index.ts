// Public API of the EAI worker's off-chain core. The chain-facing parts (task watcher, claim/submit,
// registration) are built on top of these modules; see docs/WORKER.md.
export * from "./config.ts";
export * from "./keystore.ts";
export * from "./secret.ts";
export * from "./logger.ts";
export * from "./hardware.ts";
export * from "./benchmark.ts";
export * from "./inputs.ts";
export * from "./state.ts";
export * from "./metrics.ts";
export * from "./executors/types.ts";
export * from "./executors/tensor-codec.ts";
export * from "./executors/onnx.ts";
export * from "./executors/wasm.ts";
export * from "./executors/prover-pool.ts";
