// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice How the results of two honest providers are compared (REDUNDANT tasks, later audits and juries).
/// @dev EXACT: the result hash is keccak256 of the output bytes as produced. QUANTISED: every floating-point output
///      element x is first replaced by `step * roundHalfEven(x / step)` with `step = 2^quantStepLog2` (NaN to one
///      canonical NaN, -0 to +0), and the hash is taken over that canonical form (docs/WORKER.md, "Deterministic
///      results"), so arithmetic noise below the step does not split honest providers.
enum Comparison {
    EXACT,
    QUANTISED
}

/// @notice Graph optimisation level an ONNX model must run at (onnxruntime's names).
enum GraphOptimization {
    DISABLED,
    BASIC,
    EXTENDED,
    ALL
}

/// @notice Where a model may run.
/// @dev CPU_ONLY: providers never use an accelerator for it; ANY: the provider chooses (results must still compare
///      equal under the model's comparison rule).
enum ExecutionTarget {
    CPU_ONLY,
    ANY
}

/// @notice A model's execution profile and comparison rule, declared at registration and immutable; one slot.
/// @param comparison How results are compared (see {Comparison}). WASM and ZK_MLP models must use EXACT.
/// @param quantStepLog2 QUANTISED only: log2 of the grid step, in [MIN_QUANT_STEP_LOG2, 0]; 0 for EXACT.
/// @param intraOpThreads Intra-op threads the runtime must use; 0 leaves it to each provider.
/// @param graphOptimization Graph optimisation level (ONNX).
/// @param target Execution target (see {ExecutionTarget}).
/// @param runtimeVersion Required runtime version as major * 1_000_000 + minor * 1_000 + patch (onnxruntime 1.30.0 is
///        1_030_000); 0 accepts any version.
struct ExecutionProfile {
    Comparison comparison;
    int8 quantStepLog2;
    uint8 intraOpThreads;
    GraphOptimization graphOptimization;
    ExecutionTarget target;
    uint32 runtimeVersion;
}
