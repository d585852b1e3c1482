// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {ProofLib} from "../libraries/ProofLib.sol";

/// @title MockBatchVerifier
/// @notice TEST DOUBLE ONLY, never deploy to a live network: it checks no cryptography. It stands in for a
///         snarkjs-generated verifier of a batched circuit with `1 + 3 * batchSize` public signals.
/// @dev It answers only `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[1 + 3k])` for its own k (any other
///      selector reverts, as a real verifier of another size would) and accepts a "proof" iff every signal is below
///      the scalar field and `pA[0] == uint256(keccak256(abi.encode(signals)))`. The batch size is an immutable, so
///      each size has its own code hash (as real verifiers do).
contract MockBatchVerifier {
    /// @notice Task slots of the circuit this mock stands for.
    uint256 public immutable batchSize;

    /// @dev The selector of verifyProof for this size.
    bytes4 private immutable _selector;

    /// @param batchSize_ Task slots.
    constructor(uint256 batchSize_) {
        batchSize = batchSize_;
        _selector = bytes4(
            keccak256(
                abi.encodePacked(
                    "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[",
                    Strings.toString(1 + 3 * batchSize_),
                    "])"
                )
            )
        );
    }

    /// @notice The verifyProof of a real verifier of this size (see the contract NatSpec).
    // solhint-disable-next-line payable-fallback
    fallback(bytes calldata data) external returns (bytes memory) {
        uint256 n = 1 + 3 * batchSize;
        require(
            data.length == 4 + 32 * (8 + n) && bytes4(data[:4]) == _selector,
            "MockBatchVerifier: no such function"
        );
        uint256 a0 = uint256(bytes32(data[4:36]));
        uint256[] memory signals = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            uint256 at = 4 + 32 * (8 + i);
            signals[i] = uint256(bytes32(data[at:at + 32]));
            if (signals[i] >= ProofLib.SNARK_SCALAR_FIELD) return abi.encode(false);
        }
        return abi.encode(a0 == uint256(keccak256(abi.encodePacked(signals))));
    }
}
