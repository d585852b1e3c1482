// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IStakingVault} from "../../../../contracts/interfaces/IStakingVault.sol";
import {ITaskMarketErrors} from "../../../../contracts/interfaces/ITaskMarketErrors.sol";
import {ITaskMarketTypes} from "../../../../contracts/interfaces/ITaskMarketTypes.sol";

/// @notice Which reverts the state allows, per handler action (a separate contract, so the handler stays small).
///         A revert for any other reason fails the invariant run.
contract RevertReasons {
    /// @notice A claim may fail for the pause, the task's state, the draw, or the provider's standing and stake.
    function claimAllowed(bytes4 sel, bool notOpen) external pure returns (bool) {
        if (sel == ITaskMarketErrors.TaskMarketWrongStatus.selector) return notOpen;
        return
            sel == Pausable.EnforcedPause.selector ||
            sel == ITaskMarketErrors.TaskMarketTooLate.selector ||
            sel == ITaskMarketErrors.TaskMarketNotYourTurn.selector ||
            sel == ITaskMarketErrors.TaskMarketDrawPending.selector ||
            sel == ITaskMarketErrors.TaskMarketDrawExpired.selector ||
            sel == ITaskMarketErrors.TaskMarketProviderIneligible.selector ||
            sel == ITaskMarketErrors.TaskMarketInsufficientStake.selector ||
            sel == IStakingVault.StakingVaultInsufficientFreeStake.selector;
    }

    /// @notice A claim inside a full round, at the provider's turn, may only fail for the provider's standing/stake.
    function roundClaimAllowed(bytes4 sel) external pure returns (bool) {
        return
            sel == ITaskMarketErrors.TaskMarketProviderIneligible.selector ||
            sel == ITaskMarketErrors.TaskMarketInsufficientStake.selector ||
            sel == IStakingVault.StakingVaultInsufficientFreeStake.selector ||
            sel == ITaskMarketErrors.TaskMarketTooLate.selector;
    }

    /// @notice A proof may fail for the pause (unclaimed task only), another's claim, a settled task, the deadline,
    ///         or the provider's standing.
    function proveAllowed(
        bytes4 sel,
        ITaskMarketTypes.TaskStatus before,
        bool claimedByOther,
        bool pastDeadline
    ) external pure returns (bool) {
        bool live = before == ITaskMarketTypes.TaskStatus.Open || before == ITaskMarketTypes.TaskStatus.Claimed;
        if (sel == Pausable.EnforcedPause.selector) return before == ITaskMarketTypes.TaskStatus.Open;
        if (sel == ITaskMarketErrors.TaskMarketNotClaimant.selector) return claimedByOther;
        if (sel == ITaskMarketErrors.TaskMarketWrongStatus.selector) return !live;
        if (sel == ITaskMarketErrors.TaskMarketTooLate.selector) return pastDeadline;
        return
            sel == ITaskMarketErrors.TaskMarketProviderIneligible.selector ||
            sel == ITaskMarketErrors.TaskMarketInsufficientStake.selector;
    }

    /// @notice Leaving fails only for a filled or settled task, before the fill timeout, or for a non-member.
    function leaveAllowed(bytes4 sel, bool notOpen, bool early, bool member) external pure returns (bool) {
        if (sel == ITaskMarketErrors.TaskMarketWrongStatus.selector) return notOpen;
        if (sel == ITaskMarketErrors.TaskMarketTooEarly.selector) return early;
        if (sel == ITaskMarketErrors.TaskMarketNotClaimant.selector) return !member;
        return false;
    }

    /// @notice Cancelling fails only for a task no longer Open or already claimed.
    function cancelAllowed(bytes4 sel, bool notOpen, bool claimed) external pure returns (bool) {
        if (sel == ITaskMarketErrors.TaskMarketWrongStatus.selector) return notOpen;
        if (sel == ITaskMarketErrors.TaskMarketAlreadyClaimedByOthers.selector) return claimed;
        return false;
    }

    /// @notice Expiring fails only before the relevant deadline, or for a task that is neither Open nor a ZK claim.
    function expireAllowed(bytes4 sel, bool tooEarly, bool expirable) external pure returns (bool) {
        if (sel == ITaskMarketErrors.TaskMarketTooEarly.selector) return tooEarly;
        if (sel == ITaskMarketErrors.TaskMarketWrongStatus.selector) return !expirable;
        return false;
    }
}
