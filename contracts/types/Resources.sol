// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Performance class derived from a provider's benchmark score.
enum BenchmarkClass {
    Low,
    Medium,
    High
}

/// @notice Kind of model a task runs; decides which executor a worker uses and how results are checked.
enum ModelKind {
    ZK_MLP,
    ONNX,
    WASM
}

/// @notice Machine resources packed into a single storage slot (208 bits).
/// @dev Used both for what a provider declares and for the minimum a model or task requires. A zero field means
///      "none" (declared) or "no requirement" (minimum). `meets` compares field by field.
struct Resources {
    /// @notice GPU memory in MiB (0 when the machine has no GPU).
    uint32 vramMiB;
    /// @notice CUDA compute capability times ten (8.9 -> 89), 0 without a GPU.
    uint16 computeCapability;
    /// @notice Logical CPU cores.
    uint16 cpuCores;
    /// @notice System memory in MiB.
    uint32 ramMiB;
    /// @notice Free storage in GiB.
    uint32 storageGiB;
    /// @notice Network bandwidth in Mbit/s.
    uint32 bandwidthMbps;
    /// @notice Start-up benchmark score (higher is faster); its class is derived from governed thresholds.
    uint32 benchmarkScore;
    /// @notice Region code (ISO 3166-1 numeric or 0 for "any").
    uint16 region;
}

/// @title ResourcesLib
/// @notice Comparison of declared resources against a requirement.
library ResourcesLib {
    /// @notice True when every declared field is at least the required one (region: 0 means any region).
    /// @param have Resources a provider declared.
    /// @param need Minimum resources required.
    function meets(Resources memory have, Resources memory need) internal pure returns (bool) {
        return have.vramMiB >= need.vramMiB && have.computeCapability >= need.computeCapability
            && have.cpuCores >= need.cpuCores && have.ramMiB >= need.ramMiB && have.storageGiB >= need.storageGiB
            && have.bandwidthMbps >= need.bandwidthMbps && have.benchmarkScore >= need.benchmarkScore
            && (need.region == 0 || have.region == need.region);
    }
}
