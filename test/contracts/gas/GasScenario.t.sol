// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {ITaskMarketTypes} from "../../../contracts/interfaces/ITaskMarketTypes.sol";

/// @notice Steady-state scenario for `npm run bench:gas`: many task life cycles in a row, so the median of each
///         function's gas reflects a running market (warm balances, existing credits), not a first call.
contract GasScenarioTest is MarketFixture {
    uint256 internal constant ROUNDS = 12;

    function test_gas_zkLifecycle() public {
        for (uint256 i; i < ROUNDS; ++i) {
            (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitZk();
            _afterPriority(spec);
            _claim(p1, id, spec);
            _prove(p1, id, spec, p1);
            vm.prank(p1);
            market.withdraw(address(token));
        }
    }

    function test_gas_redundantLifecycle() public {
        for (uint256 i; i < ROUNDS; ++i) {
            (uint256 id, ITaskMarketTypes.TaskSpec memory spec) = _submitRedundant();
            _afterPriority(spec);
            _claim(p1, id, spec);
            _claim(p2, id, spec);
            _claim(p3, id, spec);
            bytes32 h = keccak256(abi.encode("result", i));
            bytes32 s1 = _commit(p1, id, spec, h);
            bytes32 s2 = _commit(p2, id, spec, h);
            bytes32 s3 = _commit(p3, id, spec, h);
            _reveal(p1, id, spec, h, s1);
            _reveal(p2, id, spec, h, s2);
            _reveal(p3, id, spec, h, s3);
            vm.prank(p2);
            market.withdraw(address(token));
        }
    }
}
