// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IGroth16Verifier, ProofLib} from "../libraries/ProofLib.sol";

/// @title VerifierGasProbe
/// @notice Benchmark helper only (bench/gas.ts): measures the gas a Groth16 verifier spends on one proof, called
///         the way TaskMarket calls it. Not part of the protocol.
contract VerifierGasProbe {
    /// @notice Calls `verifier.verifyProof` and reports its result and the gas the call used.
    /// @param verifier The verifier.
    /// @param proof The proof.
    /// @param signals The public signals.
    /// @return ok What the verifier returned.
    /// @return gasUsed Gas used by the call, including the call's own cost.
    function measure(
        IGroth16Verifier verifier,
        ProofLib.Proof calldata proof,
        uint256[4] calldata signals
    ) external view returns (bool ok, uint256 gasUsed) {
        uint256 start = gasleft();
        ok = verifier.verifyProof(proof.a, proof.b, proof.c, signals);
        gasUsed = start - gasleft();
    }
}
