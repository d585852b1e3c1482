// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {TaskMarketHandler} from "./handlers/TaskMarketHandler.sol";
import {ITaskMarketTypes} from "../../../contracts/interfaces/ITaskMarketTypes.sol";

/// @notice Protocol invariants of the task market (ids as in docs/INVARIANTS.md).
contract TaskMarketInvariantTest is MarketFixture {
    TaskMarketHandler internal handler;
    address[] internal _providers;
    address[] internal _accounts;

    function setUp() public override {
        super.setUp();
        _providers = [p1, p2, p3, p4];
        _accounts = [p1, p2, p3, p4, treasury, creator];
        handler = new TaskMarketHandler(
            token,
            vault,
            reputation,
            market,
            models,
            guardian,
            WEIGHTS,
            zkModel,
            onnxModel,
            _providers,
            _accounts
        );
        _accounts.push(address(handler)); // the handler is the requester
        token.transfer(address(handler), 100_000 ether);
        vm.prank(address(handler));
        token.approve(address(market), type(uint256).max);
        // the market's withdraw action also covers the requester's refunds
        targetContract(address(handler));
    }

    function _isOpen(ITaskMarketTypes.TaskStatus s) internal pure returns (bool) {
        return s == ITaskMarketTypes.TaskStatus.Open || s == ITaskMarketTypes.TaskStatus.Claimed;
    }

    function _sumCredits() internal view returns (uint256 sum) {
        for (uint256 i; i < _accounts.length; ++i) sum += market.creditOf(_accounts[i], address(token));
    }

    /// @notice INV-01: the market's token balance equals the open escrows plus every credited balance.
    function invariant_INV01_BalanceEqualsEscrowPlusCredits() public view {
        uint256 escrow;
        uint256 n = handler.taskCount();
        for (uint256 i; i < n; ++i) {
            uint256 id = handler.taskIds(i);
            if (_isOpen(market.getTaskState(id).status)) escrow += handler.specOf(id).reward;
        }
        assertEq(token.balanceOf(address(market)), escrow + _sumCredits());
    }

    /// @notice INV-02: a task pays at most once: everything ever credited equals the rewards of settled tasks, and
    ///         no task completed twice.
    function invariant_INV02_TaskPaysAtMostOnce() public view {
        uint256 settled;
        uint256 n = handler.taskCount();
        for (uint256 i; i < n; ++i) {
            uint256 id = handler.taskIds(i);
            if (!_isOpen(market.getTaskState(id).status)) settled += handler.specOf(id).reward;
            assertLe(handler.ghostCompletions(id), 1);
        }
        assertEq(_sumCredits() + handler.ghostWithdrawn(), settled);
    }

    /// @notice INV-03: free stake never goes negative and locked bonds never exceed stake; the bonds locked equal
    ///         the bonds of the claims the market holds.
    function invariant_INV03_BondsWithinStake() public view {
        uint256 locked;
        for (uint256 i; i < _providers.length; ++i) {
            assertLe(vault.lockedOf(_providers[i]), vault.stakeOf(_providers[i]));
            locked += vault.lockedOf(_providers[i]);
        }
        uint256 expected;
        uint256 n = handler.taskCount();
        for (uint256 i; i < n; ++i) {
            uint256 id = handler.taskIds(i);
            ITaskMarketTypes.TaskState memory st = market.getTaskState(id);
            if (_isOpen(st.status)) expected += uint256(st.claims) * handler.specOf(id).bond;
        }
        assertEq(locked, expected);
    }

    /// @notice INV-04: only the listed roles can slash or move funds or change parameters.
    function invariant_INV04_OnlyRolesSlashOrMoveFunds() public view {
        assertFalse(handler.ghostUnauthorisedSucceeded());
        assertEq(market.treasury(), treasury);
    }

    /// @notice INV-05: withdrawals always work, paused or not.
    function invariant_INV05_WithdrawNeverBlocked() public view {
        assertFalse(handler.ghostWithdrawFailed());
    }
}
