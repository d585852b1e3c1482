// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IGroth16Verifier, ProofLib} from "../libraries/ProofLib.sol";

/// @title MockVerifier
/// @notice TEST DOUBLE ONLY, never deploy to a live network: it checks no cryptography. It stands in for a
///         snarkjs-generated Groth16 verifier in contract tests.
/// @dev A "proof" is accepted iff every public signal is below the BN254 scalar field (as a real verifier requires)
///      and `pA[0] == uint256(keccak256(abi.encode(pubSignals)))`; `pB` and `pC` are ignored. Tests can thus craft a
///      "valid" proof for given public signals with {proofFor}, and tampering with any signal makes it fail. The owner
///      can force every verification to fail with {setAlwaysFalse} (e.g. to model a broken verifier or a pairing
///      precompile that ran out of gas).
contract MockVerifier is IGroth16Verifier, Ownable {
    /// @dev When true, {verifyProof} returns false for every proof.
    bool private _alwaysFalse;

    /// @notice Emitted when the owner switches forced failure on or off.
    /// @param alwaysFalse The new setting.
    event AlwaysFalseSet(bool alwaysFalse);

    /// @param owner_ Account allowed to switch forced failure.
    constructor(address owner_) Ownable(owner_) {}

    /// @notice Forces every verification to fail (true) or restores the keccak rule (false). Owner only.
    /// @param enabled The new setting.
    function setAlwaysFalse(bool enabled) external onlyOwner {
        _alwaysFalse = enabled;
        emit AlwaysFalseSet(enabled);
    }

    /// @notice Whether verification is forced to fail.
    /// @return The setting.
    function alwaysFalse() external view returns (bool) {
        return _alwaysFalse;
    }

    /// @inheritdoc IGroth16Verifier
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata,
        uint256[2] calldata,
        uint256[4] calldata pubSignals
    ) external view returns (bool) {
        if (_alwaysFalse) return false;
        for (uint256 i = 0; i < ProofLib.PUBLIC_SIGNALS; ++i) {
            if (pubSignals[i] >= ProofLib.SNARK_SCALAR_FIELD) return false;
        }
        return pA[0] == uint256(keccak256(abi.encode(pubSignals)));
    }

    /// @notice A proof this mock accepts for `pubSignals` (while forced failure is off).
    /// @param pubSignals Public signals in circuit order (see ProofLib).
    /// @return proof The proof: `a[0]` is the keccak of the encoded signals, every other word is zero.
    function proofFor(uint256[4] calldata pubSignals) external pure returns (ProofLib.Proof memory proof) {
        proof.a[0] = uint256(keccak256(abi.encode(pubSignals)));
    }
}
