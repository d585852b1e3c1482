// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {StakingVault} from "../../../../contracts/staking/StakingVault.sol";
import {IStakingVault} from "../../../../contracts/interfaces/IStakingVault.sol";

/// @notice Drives a StakingVault through bounded random sequences of every state-changing call, including calls that
///         must fail, against a model of every account kept here (INV-03, INV-04, INV-06, INV-13, INV-14).
/// @dev Every call goes through try/catch: the model says beforehand whether the call must succeed or which error
///      (with its arguments) it must revert with, and both branches assert that. The suite runs with
///      `fail-on-revert = true`, so a failed assertion here fails the run, and so does any revert the handler did
///      not expect. Inputs deliberately reach just past each bound (zero amounts, one more than the free stake, an
///      immature withdrawal, an out-of-range parameter) so the revert paths are exercised, not only skipped.
///      `ok[action]` / `reverted[action]` count outcomes per action for the coverage checks of the suite.
contract StakingVaultHandler is CommonBase, StdCheats, StdUtils {
    /// @notice The actions, indexing `ok` and `reverted`.
    enum Action {
        Stake,
        StakeFor,
        RequestUnstake,
        CancelUnstake,
        Withdraw,
        LockBond,
        ReleaseBond,
        SlashBond,
        Slash,
        ClaimCredit,
        SetSlashTreasuryBps,
        SetUnbondingPeriod,
        Warp,
        Attack
    }

    uint256 public constant ACTION_COUNT = 14;

    /// @dev The model of one account.
    struct Model {
        uint256 active; // active stake, locked included
        uint256 locked;
        uint256 unbonding;
        uint64 releaseAt;
        uint256 credit;
    }

    StakingVault public immutable vault;
    IERC20 public immutable token;
    address public immutable market;
    address public immutable slasher;
    address public immutable admin;
    address public immutable treasury;

    address[] private _providers;
    address[] private _accounts; // providers, harmed parties and the treasury: every address that can hold credit
    address[] private _outsiders; // accounts holding neither MARKET_ROLE, SLASHER_ROLE nor admin

    mapping(address account => Model) private _model;
    /// @dev Blocks ended by `warp`, and each provider's active stake at the end of each of them (INV-14).
    uint256[] private _endedBlocks;
    mapping(address provider => uint256[]) private _endStake;
    /// @dev Each provider's least active stake during each ended block, and during the current one (a fall and a
    ///      rise in one block leave the end-of-block stake unchanged but lower what `stakeAt` may report).
    mapping(address provider => uint256[]) private _blockLows;
    mapping(address provider => uint256) private _currentLow;
    /// @notice The model's unbonding period and treasury share (the vault's governed parameters).
    uint64 public modelPeriod;
    uint16 public modelBps;

    /// @notice Tokens that entered the vault (stake, stakeFor) and that left it (withdraw, claimCredit).
    uint256 public ghostDeposited;
    uint256 public ghostPaidOut;

    /// @notice Successful calls and expected reverts per action.
    uint256[ACTION_COUNT] public ok;
    uint256[ACTION_COUNT] public reverted;
    /// @notice Calls that reached an action (a reverted call would roll this back; none may under fail-on-revert).
    uint256 public calls;

    constructor(StakingVault vault_, address market_, address slasher_, address admin_, address[] memory providers_) {
        vault = vault_;
        token = vault_.stakeToken();
        market = market_;
        slasher = slasher_;
        admin = admin_;
        treasury = vault_.treasury();
        modelPeriod = vault_.unbondingPeriod();
        modelBps = vault_.slashTreasuryBps();
        _providers = providers_;
        for (uint256 i; i < providers_.length; ++i) _accounts.push(providers_[i]);
        _accounts.push(makeAddr("harmed1"));
        _accounts.push(makeAddr("harmed2"));
        _accounts.push(treasury);
        _outsiders.push(makeAddr("attacker"));
        _outsiders.push(providers_[0]);
        _outsiders.push(treasury);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The blocks `warp` ended and `provider`'s active stake at the end of each (same order).
    ///         `lows[k]` is its least active stake during block `blocks[k]`, `currentLow` during the current block.
    function stakeHistory(
        address provider
    )
        external
        view
        returns (uint256[] memory blocks, uint256[] memory stakes, uint256[] memory lows, uint256 currentLow)
    {
        return (_endedBlocks, _endStake[provider], _blockLows[provider], _currentLow[provider]);
    }

    /// @notice Every account that can hold stake, unbonding or credit in this run.
    function accounts() external view returns (address[] memory) {
        return _accounts;
    }

    /// @notice The providers of this run.
    function providers() external view returns (address[] memory) {
        return _providers;
    }

    /// @notice The model of `account`.
    function modelOf(address account) external view returns (Model memory) {
        return _model[account];
    }

    /// @notice Σ over every account of the model's active stake, locked bonds, unbonding amounts and credits.
    function modelSums() external view returns (uint256 active, uint256 locked, uint256 unbonding, uint256 credits) {
        for (uint256 i; i < _accounts.length; ++i) {
            Model storage m = _model[_accounts[i]];
            active += m.active;
            locked += m.locked;
            unbonding += m.unbonding;
            credits += m.credit;
        }
    }

    /// @notice Successful calls over all actions.
    function totalOk() external view returns (uint256 sum) {
        for (uint256 i; i < ACTION_COUNT; ++i) sum += ok[i];
    }

    /// @notice The action selectors the fuzzer should call (views excluded).
    function actionSelectors() external pure returns (bytes4[] memory s) {
        s = new bytes4[](ACTION_COUNT);
        s[0] = this.stake.selector;
        s[1] = this.stakeFor.selector;
        s[2] = this.requestUnstake.selector;
        s[3] = this.cancelUnstake.selector;
        s[4] = this.withdraw.selector;
        s[5] = this.lockBond.selector;
        s[6] = this.releaseBond.selector;
        s[7] = this.slashBond.selector;
        s[8] = this.slash.selector;
        s[9] = this.claimCredit.selector;
        s[10] = this.setSlashTreasuryBps.selector;
        s[11] = this.setUnbondingPeriod.selector;
        s[12] = this.warp.selector;
        s[13] = this.attack.selector;
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    function stake(uint256 providerSeed, uint256 amount) external {
        ++calls;
        address provider = _provider(providerSeed);
        _stake(Action.Stake, provider, provider, amount);
    }

    function stakeFor(uint256 funderSeed, uint256 providerSeed, uint256 amount) external {
        ++calls;
        _stake(Action.StakeFor, _provider(funderSeed), _provider(providerSeed), amount);
    }

    function requestUnstake(uint256 providerSeed, uint256 amount) external {
        ++calls;
        address provider = _provider(providerSeed);
        Model storage m = _model[provider];
        bytes memory expected;
        (amount, expected) = _fromFreeStake(provider, amount);
        vm.prank(provider);
        try vault.requestUnstake(amount) {
            _succeeded(Action.RequestUnstake, expected);
            m.active -= amount;
            _noteLow(provider);
            m.unbonding += amount;
            m.releaseAt = uint64(block.timestamp) + modelPeriod;
        } catch (bytes memory err) {
            _reverted(Action.RequestUnstake, err, expected);
        }
    }

    function cancelUnstake(uint256 providerSeed, uint256 amount) external {
        ++calls;
        address provider = _provider(providerSeed);
        Model storage m = _model[provider];
        amount = bound(amount, 0, m.unbonding + m.unbonding / 4 + 1);
        bytes memory expected =
            amount == 0
                ? _zeroAmount()
                : amount > m.unbonding
                    ? abi.encodeWithSelector(
                        IStakingVault.StakingVaultInsufficientUnbonding.selector,
                        provider,
                        m.unbonding,
                        amount
                    )
                    : bytes("");
        vm.prank(provider);
        try vault.cancelUnstake(amount) {
            _succeeded(Action.CancelUnstake, expected);
            m.unbonding -= amount;
            m.active += amount;
            if (m.unbonding == 0) m.releaseAt = 0;
        } catch (bytes memory err) {
            _reverted(Action.CancelUnstake, err, expected);
        }
    }

    /// @param waitForRelease Whether to warp to the release time first (otherwise an immature entry must revert).
    function withdraw(uint256 providerSeed, bool waitForRelease) external {
        ++calls;
        address provider = _provider(providerSeed);
        Model storage m = _model[provider];
        if (waitForRelease && block.timestamp < m.releaseAt) vm.warp(m.releaseAt);
        bytes memory expected =
            m.unbonding == 0
                ? abi.encodeWithSelector(IStakingVault.StakingVaultNothingToWithdraw.selector, provider)
                : block.timestamp < m.releaseAt
                    ? abi.encodeWithSelector(
                        IStakingVault.StakingVaultUnbondingNotMatured.selector,
                        provider,
                        m.releaseAt,
                        uint64(block.timestamp)
                    )
                    : bytes("");
        uint256 balanceBefore = token.balanceOf(provider);
        vm.prank(provider);
        try vault.withdraw() {
            _succeeded(Action.Withdraw, expected);
            vm.assertEq(token.balanceOf(provider), balanceBefore + m.unbonding, "withdraw: tokens received");
            ghostPaidOut += m.unbonding;
            m.unbonding = 0;
            m.releaseAt = 0;
        } catch (bytes memory err) {
            _reverted(Action.Withdraw, err, expected);
        }
    }

    function lockBond(uint256 providerSeed, uint256 amount) external {
        ++calls;
        address provider = _provider(providerSeed);
        Model storage m = _model[provider];
        bytes memory expected;
        (amount, expected) = _fromFreeStake(provider, amount);
        vm.prank(market);
        try vault.lockBond(provider, amount) {
            _succeeded(Action.LockBond, expected);
            m.locked += amount;
        } catch (bytes memory err) {
            _reverted(Action.LockBond, err, expected);
        }
    }

    function releaseBond(uint256 providerSeed, uint256 amount) external {
        ++calls;
        address provider = _provider(providerSeed);
        Model storage m = _model[provider];
        amount = bound(amount, 0, m.locked + m.locked / 4 + 1);
        bytes memory expected = _lockedError(provider, m.locked, amount);
        vm.prank(market);
        try vault.releaseBond(provider, amount) {
            _succeeded(Action.ReleaseBond, expected);
            m.locked -= amount;
        } catch (bytes memory err) {
            _reverted(Action.ReleaseBond, err, expected);
        }
    }

    /// @notice A slashed bond goes to the treasury in full, whatever the treasury share of stake slashes.
    function slashBond(uint256 providerSeed, uint256 amount) external {
        ++calls;
        address provider = _provider(providerSeed);
        Model storage m = _model[provider];
        amount = bound(amount, 0, m.locked + m.locked / 4 + 1);
        bytes memory expected = _lockedError(provider, m.locked, amount);
        vm.prank(market);
        try vault.slashBond(provider, amount) {
            _succeeded(Action.SlashBond, expected);
            m.active -= amount;
            _noteLow(provider);
            m.locked -= amount;
            _model[treasury].credit += amount;
        } catch (bytes memory err) {
            _reverted(Action.SlashBond, err, expected);
        }
    }

    /// @notice Free stake first, then unbonding stake, never locked bonds; split by the treasury share.
    function slash(uint256 providerSeed, uint256 amount, uint256 harmedSeed) external {
        ++calls;
        address provider = _provider(providerSeed);
        address harmed = _harmed(harmedSeed);
        Model storage m = _model[provider];
        amount = bound(amount, 0, 2_000_000 ether);
        bytes memory expected = amount == 0 ? _zeroAmount() : bytes("");
        uint256 free = m.active - m.locked;
        uint256 fromActive = amount < free ? amount : free;
        uint256 rest = amount - fromActive;
        uint256 fromUnbonding = rest < m.unbonding ? rest : m.unbonding;
        vm.prank(slasher);
        try vault.slash(provider, amount, harmed) returns (uint256 slashed) {
            _succeeded(Action.Slash, expected);
            vm.assertEq(slashed, fromActive + fromUnbonding, "slash: amount taken differs from the formula");
            m.active -= fromActive;
            _noteLow(provider);
            m.unbonding -= fromUnbonding;
            if (m.unbonding == 0) m.releaseAt = 0;
            uint256 treasuryShare = harmed == address(0) ? slashed : (slashed * modelBps) / 10_000;
            _model[treasury].credit += treasuryShare;
            _model[harmed].credit += slashed - treasuryShare;
        } catch (bytes memory err) {
            _reverted(Action.Slash, err, expected);
        }
    }

    function claimCredit(uint256 accountSeed) external {
        ++calls;
        address account = _accounts[accountSeed % _accounts.length];
        Model storage m = _model[account];
        bytes memory expected =
            m.credit == 0 ? abi.encodeWithSelector(IStakingVault.StakingVaultNoCredit.selector, account) : bytes("");
        uint256 balanceBefore = token.balanceOf(account);
        vm.prank(account);
        try vault.claimCredit() {
            _succeeded(Action.ClaimCredit, expected);
            vm.assertEq(token.balanceOf(account), balanceBefore + m.credit, "claimCredit: tokens received");
            ghostPaidOut += m.credit;
            m.credit = 0;
        } catch (bytes memory err) {
            _reverted(Action.ClaimCredit, err, expected);
        }
    }

    function setSlashTreasuryBps(uint256 bps) external {
        ++calls;
        uint16 b = uint16(_edge(bps, 0, 10_000));
        bytes memory expected =
            b > 10_000
                ? abi.encodeWithSelector(IStakingVault.StakingVaultInvalidSlashTreasuryBps.selector, b, 10_000)
                : bytes("");
        vm.prank(admin);
        try vault.setSlashTreasuryBps(b) {
            _succeeded(Action.SetSlashTreasuryBps, expected);
            modelBps = b;
        } catch (bytes memory err) {
            _reverted(Action.SetSlashTreasuryBps, err, expected);
        }
    }

    function setUnbondingPeriod(uint256 period) external {
        ++calls;
        uint64 p = uint64(_edge(period, 1 days, 90 days));
        bytes memory expected =
            p < 1 days || p > 90 days
                ? abi.encodeWithSelector(IStakingVault.StakingVaultInvalidUnbondingPeriod.selector, p, 1 days, 90 days)
                : bytes("");
        vm.prank(admin);
        try vault.setUnbondingPeriod(p) {
            _succeeded(Action.SetUnbondingPeriod, expected);
            modelPeriod = p; // entries already unbonding keep their release time
        } catch (bytes memory err) {
            _reverted(Action.SetUnbondingPeriod, err, expected);
        }
    }

    /// @notice Ends the block (recording every provider's stake at its end, for INV-14), then moves time and the
    ///         block number on.
    function warp(uint256 seconds_) external {
        ++calls;
        _endedBlocks.push(block.number);
        for (uint256 i; i < _providers.length; ++i) {
            address p = _providers[i];
            _endStake[p].push(_model[p].active);
            _blockLows[p].push(_currentLow[p]);
            _currentLow[p] = _model[p].active;
        }
        vm.warp(block.timestamp + bound(seconds_, 1, 10 days));
        vm.roll(block.number + 1 + (seconds_ % 3));
        ++ok[uint256(Action.Warp)];
    }

    /// @notice INV-04 on the vault: accounts without the role cannot move bonds, slash or change a parameter.
    function attack(uint256 callerSeed, uint256 which, uint256 providerSeed) external {
        ++calls;
        address caller = _outsiders[callerSeed % _outsiders.length];
        address provider = _provider(providerSeed);
        uint256 w = which % 5;
        bytes32 role =
            w < 3
                ? vault.MARKET_ROLE()
                : w == 3
                    ? vault.SLASHER_ROLE()
                    : vault.DEFAULT_ADMIN_ROLE();
        bytes memory expected = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector,
            caller,
            role
        );
        bytes memory data;
        if (w == 0) data = abi.encodeCall(IStakingVault.lockBond, (provider, 1));
        else if (w == 1) data = abi.encodeCall(IStakingVault.releaseBond, (provider, 1));
        else if (w == 2) data = abi.encodeCall(IStakingVault.slashBond, (provider, 1));
        else if (w == 3) data = abi.encodeCall(IStakingVault.slash, (provider, 1, caller));
        else data = abi.encodeCall(IStakingVault.setTreasury, (caller));
        vm.prank(caller);
        (bool success, bytes memory err) = address(vault).call(data);
        vm.assertFalse(success, "attack: a call without the role succeeded");
        _reverted(Action.Attack, err, expected);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev Stake or stakeFor: amounts reach one past the funder's balance (the token's own error).
    function _stake(Action action, address funder, address provider, uint256 amount) private {
        uint256 balance = token.balanceOf(funder);
        amount = bound(amount, 0, balance + 1);
        bytes memory expected =
            amount == 0
                ? _zeroAmount()
                : amount > balance
                    ? abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, funder, balance, amount)
                    : bytes("");
        vm.prank(funder);
        if (action == Action.Stake) {
            try vault.stake(amount) {
                _succeeded(action, expected);
            } catch (bytes memory err) {
                _reverted(action, err, expected);
                return;
            }
        } else {
            try vault.stakeFor(provider, amount) {
                _succeeded(action, expected);
            } catch (bytes memory err) {
                _reverted(action, err, expected);
                return;
            }
        }
        _model[provider].active += amount;
        ghostDeposited += amount;
    }

    function _lockedError(address provider, uint256 locked, uint256 amount) private pure returns (bytes memory) {
        if (amount == 0) return _zeroAmount();
        if (amount > locked) {
            return
                abi.encodeWithSelector(IStakingVault.StakingVaultInsufficientLocked.selector, provider, locked, amount);
        }
        return "";
    }

    function _zeroAmount() private pure returns (bytes memory) {
        return abi.encodeWithSelector(IStakingVault.StakingVaultZeroAmount.selector);
    }

    /// @dev An amount taken from `provider`'s free stake (active − locked), bounded to reach a quarter past it, and
    ///      the error the model expects for it: zero, more than the free stake, or none.
    function _fromFreeStake(
        address provider,
        uint256 seed
    ) private view returns (uint256 amount, bytes memory expected) {
        Model storage m = _model[provider];
        uint256 free = m.active - m.locked;
        amount = bound(seed, 0, free + free / 4 + 1);
        expected =
            amount == 0
                ? _zeroAmount()
                : amount > free
                    ? abi.encodeWithSelector(
                        IStakingVault.StakingVaultInsufficientFreeStake.selector,
                        provider,
                        free,
                        amount
                    )
                    : bytes("");
    }

    /// @dev The call succeeded: the model must have expected that (an empty expected error).
    function _succeeded(Action action, bytes memory expected) private {
        vm.assertEq(expected, "", string.concat("succeeded but the model expected a revert: action ", _name(action)));
        ++ok[uint256(action)];
    }

    /// @dev The call reverted: with exactly the error (and arguments) the model expected.
    function _reverted(Action action, bytes memory err, bytes memory expected) private {
        vm.assertEq(err, expected, string.concat("revert differs from the model: action ", _name(action)));
        ++reverted[uint256(action)];
    }

    function _name(Action action) private pure returns (string memory) {
        return vm.toString(uint256(action));
    }

    /// @dev Lowers the current block's least stake of `provider` to its model stake.
    function _noteLow(address provider) private {
        uint256 active = _model[provider].active;
        if (active < _currentLow[provider]) _currentLow[provider] = active;
    }

    function _provider(uint256 seed) private view returns (address) {
        return _providers[seed % _providers.length];
    }

    /// @dev One of the harmed parties, a provider, or the zero address (all to the treasury).
    function _harmed(uint256 seed) private view returns (address) {
        uint256 i = seed % (_accounts.length + 1);
        return i == _accounts.length ? address(0) : _accounts[i];
    }

    /// @dev A value in [lo - 1, hi + 1] that lands on one of the four edges (lo - 1, lo, hi, hi + 1) half of the
    ///      time, so both sides of each bound are hit in every campaign, not only when the fuzzer happens to.
    function _edge(uint256 seed, uint256 lo, uint256 hi) private pure returns (uint256) {
        uint256 below = lo == 0 ? 0 : lo - 1;
        uint256 r = seed % 8;
        if (r == 0) return below;
        if (r == 1) return lo;
        if (r == 2) return hi;
        if (r == 3) return hi + 1;
        return bound(seed >> 3, below, hi + 1);
    }
}
