// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ProofLib
/// @notice The Groth16 proof layout and the public-signal order shared by every EAI inference circuit.
/// @dev Public signals, in this order (the same order is written in `circuits/circuits.json` under `pubs` and in the
///      circuit tests):
///        [0] model commitment  - Poseidon commitment of the quantised weights (ModelRegistry.weightsCommitment)
///        [1] input commitment  - Poseidon commitment of the quantised input (TaskSpec.inputCommitment)
///        [2] output            - the output word itself (for the digits model: the ten logits packed as unsigned
///                                18-bit slots, docs/CIRCUITS.md), so the published output is the proven one
///        [3] task binding      - uint256(keccak256(abi.encode(chainid, market, taskId, provider))) % SNARK_SCALAR_FIELD
///      The binding ties a proof to one task on one market on one chain and to the provider that submits it, so a
///      proof can be neither replayed on another task nor copied from the mempool by another provider.
library ProofLib {
    /// @notice Order of the BN254 scalar field; every public signal must be below it.
    uint256 internal constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice Number of public signals of an EAI inference circuit.
    uint256 internal constant PUBLIC_SIGNALS = 4;

    /// @notice Index of the model commitment in the public signals.
    uint256 internal constant MODEL_COMMITMENT = 0;
    /// @notice Index of the input commitment in the public signals.
    uint256 internal constant INPUT_COMMITMENT = 1;
    /// @notice Index of the output word in the public signals.
    uint256 internal constant OUTPUT = 2;
    /// @notice Index of the task binding in the public signals.
    uint256 internal constant TASK_BINDING = 3;

    /// @notice A Groth16 proof over BN254 in the layout the snarkjs Solidity verifier takes.
    /// @dev `b` holds the G2 point with each coordinate's limbs already swapped, as `snarkjs zkey export
    ///      soliditycalldata` prints them.
    struct Proof {
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
    }

    /// @notice The task binding for `taskId` settled by `provider` on `market` on the current chain.
    /// @param market Address of the TaskMarket.
    /// @param taskId Id of the task.
    /// @param provider Registered provider (the owner, not an operator) that is paid for the result.
    /// @return The binding reduced into the scalar field.
    function taskBinding(address market, uint256 taskId, address provider) internal view returns (uint256) {
        return uint256(keccak256(abi.encode(block.chainid, market, taskId, provider))) % SNARK_SCALAR_FIELD;
    }

    /// @notice Assembles the public signals in circuit order.
    /// @param modelCommitment Poseidon commitment of the weights.
    /// @param inputCommitment Poseidon commitment of the input.
    /// @param output The output word.
    /// @param binding Task binding from {taskBinding}.
    function publicSignals(
        uint256 modelCommitment,
        uint256 inputCommitment,
        uint256 output,
        uint256 binding
    ) internal pure returns (uint256[PUBLIC_SIGNALS] memory signals) {
        signals[MODEL_COMMITMENT] = modelCommitment;
        signals[INPUT_COMMITMENT] = inputCommitment;
        signals[OUTPUT] = output;
        signals[TASK_BINDING] = binding;
    }
}

/// @title IGroth16Verifier
/// @notice The function a snarkjs-generated verifier for a 4-public-signal circuit exposes.
interface IGroth16Verifier {
    /// @notice Checks a Groth16 proof against the public signals.
    /// @dev Returns false (does not revert) on an invalid proof, and also when the pairing precompile runs out of
    ///      gas: callers must treat false as failure and send transactions with explicit gas headroom.
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[4] calldata pubSignals
    ) external view returns (bool);
}
