// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MarketFixture} from "../utils/MarketFixture.sol";
import {TaskMarketHandler, BATCH_SIZE} from "./handlers/TaskMarketHandler.sol";
import {RevertReasons} from "./handlers/RevertReasons.sol";
import {MockBatchVerifier} from "../../../contracts/mocks/MockBatchVerifier.sol";
import {ITaskMarketTypes} from "../../../contracts/interfaces/ITaskMarketTypes.sol";
import {ITaskMarketErrors} from "../../../contracts/interfaces/ITaskMarketErrors.sol";

/// @notice Protocol invariants of the task market (ids as in docs/INVARIANTS.md). Each runs with fail-on-revert, so a
///         handler assertion about why a call reverted (or any revert the handler did not expect) fails the run
///         instead of being dropped as a reverted call.
contract TaskMarketInvariantTest is MarketFixture {
    TaskMarketHandler internal handler;
    address[] internal _providers;
    address[] internal _accounts;

    function setUp() public override {
        super.setUp();
        _providers = [p1, p2, p3, p4];
        _accounts = [p1, p2, p3, p4, treasury, creator];
        RevertReasons reasons = new RevertReasons();
        // batched proofs of the ZK model (the handler's proveBatch)
        MockBatchVerifier batchVerifier = new MockBatchVerifier(BATCH_SIZE);
        vm.prank(admin);
        models.setVerifierCodeHashApproved(address(batchVerifier).codehash, true);
        vm.prank(creator);
        models.setBatchVerifier(zkModel, BATCH_SIZE, address(batchVerifier));
        handler = new TaskMarketHandler(
            TaskMarketHandler.Setup({
                token: token,
                vault: vault,
                reputation: reputation,
                market: market,
                registry: providers,
                guardian: guardian,
                weights: WEIGHTS,
                zkModel: zkModel,
                onnxModel: onnxModel,
                reasons: reasons
            }),
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
    /// forge-config: default.invariant.fail-on-revert = true
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
    /// forge-config: default.invariant.fail-on-revert = true
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
    /// forge-config: default.invariant.fail-on-revert = true
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
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_INV04_OnlyRolesSlashOrMoveFunds() public view {
        assertFalse(handler.ghostUnauthorisedSucceeded());
        assertEq(market.treasury(), treasury);
    }

    /// @notice INV-05: a paused market still lets everyone withdraw, cancel, expire, leave and settle claimed work.
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_INV05_PauseStopsOnlySubmissionsAndClaims() public view {
        assertFalse(handler.ghostWithdrawFailed(), "withdraw failed");
        assertFalse(handler.ghostBlockedByPause(), "the pause blocked a settlement path");
    }

    /// @notice INV-08: no slash enriches a requester: the requester (the handler) is never credited more than its
    ///         own rewards back, and never anything in the vault; every slashed bond is in the treasury's credit.
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_INV08_SlashesNeverEnrichTheRequester() public view {
        assertFalse(handler.ghostRequesterEnriched(), "requester credited more than its reward");
        assertEq(vault.creditOf(address(handler)), 0, "requester credited in the vault");
        assertLe(handler.ghostRefunded(), _sumSettledRewards(), "refunds beyond the settled rewards");
    }

    /// @notice INV-13: the vault's total stake is the sum of every provider's active stake.
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_INV13_TotalStakeIsTheSum() public view {
        uint256 sum;
        for (uint256 i; i < _providers.length; ++i) sum += vault.stakeOf(_providers[i]);
        assertEq(vault.totalStake(), sum);
    }

    function _sumSettledRewards() internal view returns (uint256 settled) {
        uint256 n = handler.taskCount();
        for (uint256 i; i < n; ++i) {
            uint256 id = handler.taskIds(i);
            if (!_isOpen(market.getTaskState(id).status)) settled += handler.specOf(id).reward;
        }
    }

    /// @notice The handler can reach every path the invariants rely on: a deterministic random walk of 1,500
    ///         calls must succeed at least once in each action, the paused variants included (each revert met on
    ///         the way was checked against the reasons the state allows). Without this, an invariant over a path
    ///         the handler never reaches would pass vacuously.
    function test_handler_EveryActionSucceedsOnSomeWalk() public {
        for (uint256 i; i < 1500; ++i) {
            uint256 r = uint256(keccak256(abi.encode("walk", i)));
            uint256 action = r % 11;
            if (action == 0) handler.submit(uint128(r >> 8), (r >> 16) % 2 == 0, uint8(r >> 24));
            else if (action == 1) handler.claim(r >> 8, r >> 16, (r >> 24) % 2 == 0);
            else if (action == 2) handler.prove(r >> 8, r >> 16, (r >> 24) % 2 == 0);
            else if (action == 3) handler.redundantRound(uint128(r >> 8), uint8(r >> 16), r >> 24);
            else if (action == 4) handler.leave(r >> 8, r >> 16, uint32(r >> 24));
            else if (action == 5) handler.cancel(r >> 8);
            else if (action == 6) handler.expire(r >> 8, uint32(r >> 16));
            else if (action == 7) handler.withdraw(r >> 8);
            else if (action == 8) handler.togglePause(uint8(r >> 8));
            else if (action == 9) handler.attack(r >> 8);
            else handler.proveBatch(r >> 8, r >> 40, uint8(r >> 72));
        }
        bytes32[17] memory names = [
            bytes32("submit"),
            "claim",
            "prove",
            "round",
            "round:fault",
            "leave",
            "leave:paused",
            "cancel",
            "cancel:paused",
            "expire",
            "expire:paused",
            "withdraw",
            "withdraw:paused",
            "togglePause",
            "attack",
            "proveBatch",
            "proveBatch:skip"
        ];
        for (uint256 i; i < names.length; ++i) {
            assertGt(handler.successes(names[i]), 0, string(abi.encodePacked("never succeeded: ", names[i])));
        }
        invariant_INV01_BalanceEqualsEscrowPlusCredits();
        invariant_INV02_TaskPaysAtMostOnce();
        invariant_INV03_BondsWithinStake();
        invariant_INV05_PauseStopsOnlySubmissionsAndClaims();
        invariant_INV08_SlashesNeverEnrichTheRequester();
        invariant_INV13_TotalStakeIsTheSum();
    }
}
