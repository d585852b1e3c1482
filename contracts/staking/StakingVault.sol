// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {IStakingVault} from "../interfaces/IStakingVault.sol";

/// @title StakingVault
/// @notice Holds provider stake in EAI, locks per-task bonds for the market, runs the unbonding queue and credits
///         slashed funds: slashed bonds to the treasury, stake slashed by dispute/audit contracts to a named party and
///         the treasury. No path lets the admin or any role move a provider's stake to itself: slashes are only
///         credited, by formula.
/// @dev Per-provider state is packed so the market's hot path (`lockBond`, `releaseBond`) touches one slot:
///      `StakeSlot {uint128 stake; uint128 locked}` and `UnbondingSlot {uint128 amount; uint64 releaseAt}`.
///      Invariants: `locked <= stake` (INV-03); token balance == Σ stake + Σ unbonding + Σ credits (INV-06);
///      `totalStake() == Σ stake` (INV-13); `stakeAt(p, block.number) == stakeOf(p)` (INV-14).
///
///      Stake history (`stakeAt`): one checkpoint per block in which a provider's stake rose, holding the lowest
///      stake since. A rise in a new block pushes a checkpoint; every other change (a fall, or a rise in the block
///      of the latest checkpoint) rewrites the latest checkpoint's value. Within a checkpoint's span the stake only
///      falls after its first block, so the value is the stake at the end of that span and a lower bound of the
///      stake at the end of every block in it. The market weighs REDUNDANT draws by
///      `min(stakeOf, stakeAt(createdBlock))`, so stake added once a task's draw seed is known does not count.
contract StakingVault is AccessControl, ReentrancyGuard, IStakingVault {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    /// @inheritdoc IStakingVault
    bytes32 public constant MARKET_ROLE = keccak256("MARKET_ROLE");
    /// @inheritdoc IStakingVault
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");

    /// @notice Shortest unbonding period governance may set: long enough for disputes and audits to slash.
    uint64 public constant MIN_UNBONDING_PERIOD = 1 days;
    /// @notice Longest unbonding period governance may set, so providers can always leave in bounded time.
    uint64 public constant MAX_UNBONDING_PERIOD = 90 days;
    /// @notice Largest treasury share of a slash, in basis points (100%: everything to the treasury).
    uint16 public constant MAX_SLASH_TREASURY_BPS = 10_000;
    /// @notice Basis-point denominator.
    uint256 private constant _BPS = 10_000;

    /// @dev Active stake (locked included) and locked bonds of one provider, in one slot.
    struct StakeSlot {
        uint128 stake;
        uint128 locked;
    }

    /// @dev The single unbonding entry of one provider, in one slot.
    struct UnbondingSlot {
        uint128 amount;
        uint64 releaseAt;
    }

    IERC20 private immutable _stakeToken;

    /// @dev Packed into one slot: 160 + 64 + 16 bits.
    address private _treasury;
    uint64 private _unbondingPeriod;
    uint16 private _slashTreasuryBps;

    /// @dev Σ active stake of every provider (INV-13).
    uint256 private _totalStake;
    mapping(address provider => StakeSlot) private _stakes;
    mapping(address provider => Checkpoints.Trace208) private _stakeHistory;
    mapping(address provider => UnbondingSlot) private _unbonding;
    mapping(address account => uint256) private _credits;

    /// @notice Deploys the vault.
    /// @param stakeToken_ Token staked (EAI).
    /// @param admin Receives `DEFAULT_ADMIN_ROLE` (deployment wires roles, then hands it to the timelock).
    /// @param treasury_ Treasury credited with its share of slashes.
    /// @param unbondingPeriod_ Unbonding period in seconds, within `[MIN_UNBONDING_PERIOD, MAX_UNBONDING_PERIOD]`.
    /// @param slashTreasuryBps_ Treasury share of slashes in basis points, at most `MAX_SLASH_TREASURY_BPS`.
    constructor(
        IERC20 stakeToken_,
        address admin,
        address treasury_,
        uint64 unbondingPeriod_,
        uint16 slashTreasuryBps_
    ) {
        if (address(stakeToken_) == address(0)) revert StakingVaultZeroAddress("stakeToken");
        if (admin == address(0)) revert StakingVaultZeroAddress("admin");
        _stakeToken = stakeToken_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setTreasury(treasury_);
        _setUnbondingPeriod(unbondingPeriod_);
        _setSlashTreasuryBps(slashTreasuryBps_);
    }

    /*//////////////////////////////////////////////////////////////
                            PROVIDER ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IStakingVault
    function stake(uint256 amount) external nonReentrant {
        _stake(msg.sender, amount);
    }

    /// @inheritdoc IStakingVault
    function stakeWithPermit(
        uint256 amount,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant {
        // A permit can be front-run by anyone who copies it from the mempool; that only spends the nonce, so a
        // failing permit is ignored as long as the allowance it was meant to give is there.
        try
            IERC20Permit(address(_stakeToken)).permit(msg.sender, address(this), amount, permitDeadline, v, r, s)
        {} catch {} // solhint-disable-line no-empty-blocks
        uint256 allowance = _stakeToken.allowance(msg.sender, address(this));
        if (allowance < amount) revert StakingVaultPermitInsufficient(allowance, amount);
        _stake(msg.sender, amount);
    }

    /// @inheritdoc IStakingVault
    function stakeFor(address provider, uint256 amount) external nonReentrant {
        if (provider == address(0)) revert StakingVaultZeroAddress("provider");
        _stake(provider, amount);
    }

    /// @inheritdoc IStakingVault
    function requestUnstake(uint256 amount) external {
        if (amount == 0) revert StakingVaultZeroAmount();
        StakeSlot memory s = _stakes[msg.sender];
        uint256 free;
        // INV-03: locked <= stake always holds, so the difference cannot underflow.
        unchecked {
            free = s.stake - s.locked;
        }
        if (amount > free) revert StakingVaultInsufficientFreeStake(msg.sender, free, amount);

        UnbondingSlot memory u = _unbonding[msg.sender];
        uint256 newStake;
        // amount <= free <= stake, so the subtraction cannot underflow.
        unchecked {
            newStake = s.stake - amount;
        }
        // Checked: the unbonding total is Σ of amounts that were active stake; it fits 128 bits like stake does.
        uint256 newUnbonding = u.amount + amount;
        uint64 releaseAt = uint64(block.timestamp) + _unbondingPeriod;

        _stakes[msg.sender].stake = uint128(newStake);
        _recordStake(msg.sender, newStake, false);
        // amount <= stake <= _totalStake.
        unchecked {
            _totalStake -= amount;
        }
        _unbonding[msg.sender] = UnbondingSlot({amount: _toUint128(msg.sender, newUnbonding), releaseAt: releaseAt});
        emit UnstakeRequested(msg.sender, amount, newStake, newUnbonding, releaseAt);
    }

    /// @inheritdoc IStakingVault
    function cancelUnstake(uint256 amount) external {
        if (amount == 0) revert StakingVaultZeroAmount();
        UnbondingSlot memory u = _unbonding[msg.sender];
        if (amount > u.amount) revert StakingVaultInsufficientUnbonding(msg.sender, u.amount, amount);

        uint256 newUnbonding;
        // amount <= u.amount checked above.
        unchecked {
            newUnbonding = u.amount - amount;
        }
        uint64 releaseAt = newUnbonding == 0 ? 0 : u.releaseAt;
        uint256 newStake = _stakes[msg.sender].stake + amount;

        _unbonding[msg.sender] = UnbondingSlot({amount: uint128(newUnbonding), releaseAt: releaseAt});
        _stakes[msg.sender].stake = _toUint128(msg.sender, newStake);
        _recordStake(msg.sender, newStake, true);
        _totalStake += amount;
        emit UnstakeCancelled(msg.sender, amount, newStake, newUnbonding, releaseAt);
    }

    /// @inheritdoc IStakingVault
    function withdraw() external nonReentrant {
        UnbondingSlot memory u = _unbonding[msg.sender];
        if (u.amount == 0) revert StakingVaultNothingToWithdraw(msg.sender);
        if (block.timestamp < u.releaseAt) {
            revert StakingVaultUnbondingNotMatured(msg.sender, u.releaseAt, uint64(block.timestamp));
        }
        delete _unbonding[msg.sender];
        emit Withdrawn(msg.sender, u.amount);
        _stakeToken.safeTransfer(msg.sender, u.amount);
    }

    /// @inheritdoc IStakingVault
    function claimCredit() external nonReentrant {
        uint256 amount = _credits[msg.sender];
        if (amount == 0) revert StakingVaultNoCredit(msg.sender);
        delete _credits[msg.sender];
        emit CreditClaimed(msg.sender, amount);
        _stakeToken.safeTransfer(msg.sender, amount);
    }

    /*//////////////////////////////////////////////////////////////
                          MARKET AND SLASHERS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IStakingVault
    function lockBond(address provider, uint256 amount) external onlyRole(MARKET_ROLE) {
        if (amount == 0) revert StakingVaultZeroAmount();
        StakeSlot memory s = _stakes[provider];
        uint256 free;
        uint256 newLocked;
        // INV-03: locked <= stake, so free cannot underflow; after the check amount <= free, so
        // newLocked <= stake < 2^128.
        unchecked {
            free = s.stake - s.locked;
            if (amount > free) revert StakingVaultInsufficientFreeStake(provider, free, amount);
            newLocked = s.locked + amount;
        }
        _stakes[provider].locked = uint128(newLocked);
        emit BondLocked(provider, msg.sender, amount, newLocked);
    }

    /// @inheritdoc IStakingVault
    function releaseBond(address provider, uint256 amount) external onlyRole(MARKET_ROLE) {
        if (amount == 0) revert StakingVaultZeroAmount();
        uint256 locked = _stakes[provider].locked;
        if (amount > locked) revert StakingVaultInsufficientLocked(provider, locked, amount);
        uint256 newLocked;
        // amount <= locked checked above.
        unchecked {
            newLocked = locked - amount;
        }
        _stakes[provider].locked = uint128(newLocked);
        emit BondReleased(provider, msg.sender, amount, newLocked);
    }

    /// @inheritdoc IStakingVault
    function slashBond(address provider, uint256 amount) external onlyRole(MARKET_ROLE) {
        if (amount == 0) revert StakingVaultZeroAmount();
        StakeSlot memory s = _stakes[provider];
        if (amount > s.locked) revert StakingVaultInsufficientLocked(provider, s.locked, amount);
        uint256 newStake;
        uint256 newLocked;
        // amount <= locked <= stake (INV-03), so neither subtraction can underflow.
        unchecked {
            newStake = s.stake - amount;
            newLocked = s.locked - amount;
        }
        _stakes[provider] = StakeSlot({stake: uint128(newStake), locked: uint128(newLocked)});
        _recordStake(provider, newStake, false);
        // amount <= stake <= _totalStake.
        unchecked {
            _totalStake -= amount;
        }
        _distribute(provider, amount, address(0), MARKET_ROLE);
    }

    /// @inheritdoc IStakingVault
    function slash(
        address provider,
        uint256 amount,
        address harmed
    ) external onlyRole(SLASHER_ROLE) returns (uint256 slashed) {
        if (amount == 0) revert StakingVaultZeroAmount();
        StakeSlot memory s = _stakes[provider];
        UnbondingSlot memory u = _unbonding[provider];
        uint256 fromActive;
        uint256 fromUnbonding;
        // INV-03: locked <= stake, so the free stake cannot underflow; fromActive <= amount and
        // fromUnbonding <= u.amount by the min() choices, and their sum is at most amount.
        unchecked {
            uint256 free = s.stake - s.locked;
            fromActive = amount < free ? amount : free;
            uint256 rest = amount - fromActive;
            fromUnbonding = rest < u.amount ? rest : u.amount;
            slashed = fromActive + fromUnbonding;
        }
        if (slashed == 0) return 0;

        uint256 newStake;
        uint256 newUnbonding;
        // fromActive <= free <= stake and fromUnbonding <= u.amount.
        unchecked {
            newStake = s.stake - fromActive;
            newUnbonding = u.amount - fromUnbonding;
        }
        if (fromActive != 0) {
            _stakes[provider].stake = uint128(newStake);
            _recordStake(provider, newStake, false);
            // fromActive <= stake <= _totalStake.
            unchecked {
                _totalStake -= fromActive;
            }
        }
        if (fromUnbonding != 0) {
            _unbonding[provider] = UnbondingSlot({
                amount: uint128(newUnbonding),
                releaseAt: newUnbonding == 0 ? 0 : u.releaseAt
            });
        }
        _distribute(provider, slashed, harmed, SLASHER_ROLE);
    }

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IStakingVault
    function setUnbondingPeriod(uint64 newPeriod) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setUnbondingPeriod(newPeriod);
    }

    /// @inheritdoc IStakingVault
    function setSlashTreasuryBps(uint16 newBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setSlashTreasuryBps(newBps);
    }

    /// @inheritdoc IStakingVault
    function setTreasury(address newTreasury) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setTreasury(newTreasury);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IStakingVault
    function stakeToken() external view returns (IERC20) {
        return _stakeToken;
    }

    /// @inheritdoc IStakingVault
    function stakeOf(address provider) external view returns (uint256) {
        return _stakes[provider].stake;
    }

    /// @inheritdoc IStakingVault
    function stakeAt(address provider, uint256 blockNumber) external view returns (uint256) {
        // Block numbers beyond 48 bits are centuries away; clamping keeps the lookup total.
        uint48 key = blockNumber > type(uint48).max ? type(uint48).max : uint48(blockNumber);
        return _stakeHistory[provider].upperLookupRecent(key);
    }

    /// @inheritdoc IStakingVault
    function totalStake() external view returns (uint256) {
        return _totalStake;
    }

    /// @inheritdoc IStakingVault
    function lockedOf(address provider) external view returns (uint256) {
        return _stakes[provider].locked;
    }

    /// @inheritdoc IStakingVault
    function freeStakeOf(address provider) external view returns (uint256) {
        StakeSlot memory s = _stakes[provider];
        // INV-03: locked <= stake.
        unchecked {
            return s.stake - s.locked;
        }
    }

    /// @inheritdoc IStakingVault
    function unbondingOf(address provider) external view returns (uint256 amount, uint64 releaseAt) {
        UnbondingSlot memory u = _unbonding[provider];
        return (u.amount, u.releaseAt);
    }

    /// @inheritdoc IStakingVault
    function creditOf(address account) external view returns (uint256) {
        return _credits[account];
    }

    /// @inheritdoc IStakingVault
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IStakingVault
    function unbondingPeriod() external view returns (uint64) {
        return _unbondingPeriod;
    }

    /// @inheritdoc IStakingVault
    function slashTreasuryBps() external view returns (uint16) {
        return _slashTreasuryBps;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Credits `amount` to `provider`'s active stake, then pulls it from the caller.
    function _stake(address provider, uint256 amount) private {
        if (amount == 0) revert StakingVaultZeroAmount();
        uint256 newStake = _stakes[provider].stake + amount;
        _stakes[provider].stake = _toUint128(provider, newStake);
        _recordStake(provider, newStake, true);
        _totalStake += amount;
        emit Staked(provider, msg.sender, amount, newStake);
        _stakeToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @dev Writes `newStake` into the stake history (see the contract's notes): a rise in a block after the latest
    ///      checkpoint's pushes a new checkpoint, anything else rewrites the latest one. Stake fits 128 bits, so 208.
    function _recordStake(address provider, uint256 newStake, bool rise) private {
        Checkpoints.Trace208 storage h = _stakeHistory[provider];
        (bool exists, uint48 lastKey, ) = h.latestCheckpoint();
        uint48 key = rise || !exists ? uint48(block.number) : lastKey;
        h.push(key, uint208(newStake));
    }

    /// @dev Splits `amount`, emits the slash with the provider's totals as just written (warm reads), then credits
    ///      both shares. Called after the provider's stake has been reduced.
    function _distribute(
        address provider,
        uint256 amount,
        address harmed,
        bytes32 role
    ) private returns (uint256 harmedShare, uint256 treasuryShare) {
        (harmedShare, treasuryShare) = _split(amount, harmed);
        StakeSlot memory s = _stakes[provider];
        ProviderBalances memory balances = ProviderBalances({
            stake: s.stake,
            locked: s.locked,
            unbonding: _unbonding[provider].amount
        });
        emit ProviderSlashed(provider, harmed, msg.sender, role, amount, harmedShare, treasuryShare, balances);
        _credit(harmed, harmedShare);
        _credit(_treasury, treasuryShare);
    }

    /// @dev Treasury gets `amount * bps / 10_000`, the harmed party the rest; no harmed party: all to the treasury.
    ///      The two shares always sum to exactly `amount`.
    function _split(uint256 amount, address harmed) private view returns (uint256 harmedShare, uint256 treasuryShare) {
        if (harmed == address(0)) return (0, amount);
        treasuryShare = (amount * _slashTreasuryBps) / _BPS;
        // treasuryShare <= amount because bps <= 10_000.
        unchecked {
            harmedShare = amount - treasuryShare;
        }
    }

    /// @dev Adds a pull-payment credit; zero amounts are skipped (no event).
    function _credit(address account, uint256 amount) private {
        if (amount == 0) return;
        uint256 newCredit = _credits[account] + amount;
        _credits[account] = newCredit;
        emit Credited(account, amount, newCredit);
    }

    /// @dev Validates `newPeriod` against `[MIN_UNBONDING_PERIOD, MAX_UNBONDING_PERIOD]`, stores it, emits.
    function _setUnbondingPeriod(uint64 newPeriod) private {
        if (newPeriod < MIN_UNBONDING_PERIOD || newPeriod > MAX_UNBONDING_PERIOD) {
            revert StakingVaultInvalidUnbondingPeriod(newPeriod, MIN_UNBONDING_PERIOD, MAX_UNBONDING_PERIOD);
        }
        uint64 old = _unbondingPeriod;
        _unbondingPeriod = newPeriod;
        emit UnbondingPeriodUpdated(old, newPeriod);
    }

    /// @dev Validates `newBps <= MAX_SLASH_TREASURY_BPS`, stores it, emits.
    function _setSlashTreasuryBps(uint16 newBps) private {
        if (newBps > MAX_SLASH_TREASURY_BPS) revert StakingVaultInvalidSlashTreasuryBps(newBps, MAX_SLASH_TREASURY_BPS);
        uint16 old = _slashTreasuryBps;
        _slashTreasuryBps = newBps;
        emit SlashTreasuryBpsUpdated(old, newBps);
    }

    /// @dev Rejects the zero address and the vault itself (its credit could never be claimed), stores, emits.
    function _setTreasury(address newTreasury) private {
        if (newTreasury == address(0) || newTreasury == address(this)) revert StakingVaultInvalidTreasury(newTreasury);
        address old = _treasury;
        _treasury = newTreasury;
        emit TreasuryUpdated(old, newTreasury);
    }

    /// @dev Narrows a stake total to the packed 128-bit field, reverting with a diagnostic error instead of truncating.
    function _toUint128(address provider, uint256 value) private pure returns (uint128) {
        if (value > type(uint128).max) revert StakingVaultStakeOverflow(provider, value);
        return uint128(value);
    }
}
