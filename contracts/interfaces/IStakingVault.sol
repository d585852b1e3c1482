// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IStakingVault
/// @notice Provider stake in EAI. Active stake backs eligibility; per-task bonds are locked out of it by the market;
///         unstaking goes through an unbonding period during which the stake no longer counts but stays slashable.
///         A slashed task bond goes to the treasury in full (nobody who can cause a bond slash profits from it);
///         stake slashed by a `SLASHER_ROLE` contract (disputes, audits) is split between a named party (a
///         challenger or juror pool, never the requester) and the treasury. Everything is credited (pull payment).
/// @dev Accounting per provider: `stake` (active, includes `locked`), `locked` (bonds, `locked <= stake`), `unbonding`
///      (one entry with a release time). The vault's token balance always equals the sum of active stake, unbonding
///      amounts and unclaimed credits (INV-06).
interface IStakingVault {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice A provider's balances in the vault after a change, carried by events so indexers need no reads.
    /// @param stake Active stake (locked bonds included).
    /// @param locked Locked bonds.
    /// @param unbonding Unbonding amount.
    struct ProviderBalances {
        uint256 stake;
        uint256 locked;
        uint256 unbonding;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Emitted when stake is added for a provider.
    /// @param provider Provider whose active stake grew.
    /// @param funder Account the tokens were pulled from (the provider itself for `stake`).
    /// @param amount Amount added.
    /// @param newStake Active stake of the provider after the deposit (locked bonds included).
    event Staked(address indexed provider, address indexed funder, uint256 amount, uint256 newStake);

    /// @notice Emitted when a provider moves free stake into unbonding.
    /// @param provider Provider that requested the unstake.
    /// @param amount Amount moved out of active stake.
    /// @param newStake Active stake after the request.
    /// @param newUnbonding Total unbonding amount after the request.
    /// @param releaseAt Time from which the whole unbonding amount can be withdrawn.
    event UnstakeRequested(
        address indexed provider,
        uint256 amount,
        uint256 newStake,
        uint256 newUnbonding,
        uint64 releaseAt
    );

    /// @notice Emitted when a provider moves unbonding stake back to active stake.
    /// @param provider Provider that cancelled.
    /// @param amount Amount moved back.
    /// @param newStake Active stake after the cancellation.
    /// @param newUnbonding Unbonding amount left.
    /// @param releaseAt Release time of what is left (0 when nothing is left).
    event UnstakeCancelled(
        address indexed provider,
        uint256 amount,
        uint256 newStake,
        uint256 newUnbonding,
        uint64 releaseAt
    );

    /// @notice Emitted when a provider withdraws its matured unbonding amount (unbonding is then zero).
    /// @param provider Provider that withdrew.
    /// @param amount Amount transferred to the provider.
    event Withdrawn(address indexed provider, uint256 amount);

    /// @notice Emitted when the market locks a task bond out of a provider's free stake.
    /// @param provider Provider whose stake is bonded.
    /// @param market Caller holding `MARKET_ROLE`.
    /// @param amount Amount locked.
    /// @param newLocked Total locked after the call.
    event BondLocked(address indexed provider, address indexed market, uint256 amount, uint256 newLocked);

    /// @notice Emitted when the market releases a task bond back to free stake.
    /// @param provider Provider whose bond is released.
    /// @param market Caller holding `MARKET_ROLE`.
    /// @param amount Amount released.
    /// @param newLocked Total locked after the call.
    event BondReleased(address indexed provider, address indexed market, uint256 amount, uint256 newLocked);

    /// @notice Emitted when a provider is slashed, by `slashBond` (a locked bond) or `slash` (free, then unbonding).
    /// @param provider Provider that lost stake.
    /// @param harmed Party credited `harmedShare` (zero address: everything went to the treasury).
    /// @param caller Account that slashed (the market or a slasher contract).
    /// @param role Role the caller acted under (`MARKET_ROLE` or `SLASHER_ROLE`).
    /// @param amount Total amount taken from the provider (`harmedShare + treasuryShare`).
    /// @param harmedShare Amount credited to `harmed`.
    /// @param treasuryShare Amount credited to the treasury.
    /// @param balances The provider's active stake, locked bonds and unbonding amount afterwards.
    event ProviderSlashed(
        address indexed provider,
        address indexed harmed,
        address indexed caller,
        bytes32 role,
        uint256 amount,
        uint256 harmedShare,
        uint256 treasuryShare,
        ProviderBalances balances
    );

    /// @notice Emitted when slashed funds are credited to an account (harmed party or treasury).
    /// @param account Account credited.
    /// @param amount Amount credited.
    /// @param newCredit Unclaimed credit of the account afterwards.
    event Credited(address indexed account, uint256 amount, uint256 newCredit);

    /// @notice Emitted when an account claims its whole credit.
    /// @param account Account that claimed (and received the tokens).
    /// @param amount Amount transferred.
    event CreditClaimed(address indexed account, uint256 amount);

    /// @notice Emitted when the admin changes the unbonding period (applies to later unstake requests).
    /// @param oldPeriod Previous period in seconds.
    /// @param newPeriod New period in seconds.
    event UnbondingPeriodUpdated(uint64 oldPeriod, uint64 newPeriod);

    /// @notice Emitted when the admin changes the treasury's share of slashed funds.
    /// @param oldBps Previous share in basis points.
    /// @param newBps New share in basis points.
    event SlashTreasuryBpsUpdated(uint16 oldBps, uint16 newBps);

    /// @notice Emitted when the admin changes the treasury that receives its share of later slashes.
    /// @param oldTreasury Previous treasury (keeps the credit it already has).
    /// @param newTreasury New treasury.
    event TreasuryUpdated(address indexed oldTreasury, address indexed newTreasury);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Thrown when an amount argument is zero.
    error StakingVaultZeroAmount();

    /// @notice Thrown when an address argument that must be set is the zero address.
    /// @param parameter Name of the argument.
    error StakingVaultZeroAddress(string parameter);

    /// @notice Thrown when a provider's free stake (active stake minus locked bonds) is below what is needed.
    /// @param provider The provider.
    /// @param free Its free stake.
    /// @param needed The amount the call needed.
    error StakingVaultInsufficientFreeStake(address provider, uint256 free, uint256 needed);

    /// @notice Thrown when a provider's locked bonds are below the amount to release or slash.
    /// @param provider The provider.
    /// @param locked Its locked amount.
    /// @param needed The amount the call needed.
    error StakingVaultInsufficientLocked(address provider, uint256 locked, uint256 needed);

    /// @notice Thrown when a provider's unbonding amount is below the amount to cancel.
    /// @param provider The provider.
    /// @param unbonding Its unbonding amount.
    /// @param needed The amount the call needed.
    error StakingVaultInsufficientUnbonding(address provider, uint256 unbonding, uint256 needed);

    /// @notice Thrown when `withdraw` is called with nothing unbonding.
    /// @param provider The caller.
    error StakingVaultNothingToWithdraw(address provider);

    /// @notice Thrown when `withdraw` is called before the unbonding period has passed.
    /// @param provider The caller.
    /// @param releaseAt Time from which withdrawal is possible.
    /// @param currentTime The current block timestamp.
    error StakingVaultUnbondingNotMatured(address provider, uint64 releaseAt, uint64 currentTime);

    /// @notice Thrown when `claimCredit` is called by an account without credit.
    /// @param account The caller.
    error StakingVaultNoCredit(address account);

    /// @notice Thrown by `stakeWithPermit` when neither the permit nor an earlier approval gives the vault the
    ///         allowance to pull the stake.
    /// @param allowance The caller's allowance for the vault after the permit attempt.
    /// @param needed The amount to stake.
    error StakingVaultPermitInsufficient(uint256 allowance, uint256 needed);

    /// @notice Thrown when a stake total would not fit in the packed 128-bit storage.
    /// @param provider The provider.
    /// @param total The total that would have resulted.
    error StakingVaultStakeOverflow(address provider, uint256 total);

    /// @notice Thrown when an unbonding period is outside `[MIN_UNBONDING_PERIOD, MAX_UNBONDING_PERIOD]`.
    /// @param period The rejected period.
    /// @param minPeriod The minimum allowed.
    /// @param maxPeriod The maximum allowed.
    error StakingVaultInvalidUnbondingPeriod(uint64 period, uint64 minPeriod, uint64 maxPeriod);

    /// @notice Thrown when the treasury share is above `MAX_SLASH_TREASURY_BPS`.
    /// @param bps The rejected share in basis points.
    /// @param maxBps The maximum allowed.
    error StakingVaultInvalidSlashTreasuryBps(uint16 bps, uint16 maxBps);

    /// @notice Thrown when the treasury is set to the zero address or to the vault itself.
    /// @param treasury The rejected address.
    error StakingVaultInvalidTreasury(address treasury);

    /*//////////////////////////////////////////////////////////////
                            PROVIDER ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Stakes `amount` for the caller, pulling the tokens from it (approve or permit first).
    /// @param amount Amount to stake (non-zero).
    function stake(uint256 amount) external;

    /// @notice Like {stake}, with an ERC-2612 permit of the stake token for `amount`, so no separate approve is
    ///         needed.
    /// @dev A permit that was front-run (its signature copied from the mempool and used first) only spends the
    ///      nonce; it does not make the call fail as long as the allowance it was meant to give is there.
    /// @param amount Amount to stake (non-zero); also the permit's value.
    /// @param permitDeadline Permit deadline.
    /// @param v Signature v.
    /// @param r Signature r.
    /// @param s Signature s.
    function stakeWithPermit(uint256 amount, uint256 permitDeadline, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice Stakes `amount` for `provider`, pulling the tokens from the caller.
    /// @param provider Provider credited with the stake (non-zero).
    /// @param amount Amount to stake (non-zero).
    function stakeFor(address provider, uint256 amount) external;

    /// @notice Moves `amount` of the caller's free stake into its single unbonding entry. Amounts add up and the
    ///         release time resets to now plus the unbonding period.
    /// @param amount Amount to unstake (non-zero, at most the free stake).
    function requestUnstake(uint256 amount) external;

    /// @notice Moves `amount` of the caller's unbonding stake back to active stake (release time unchanged).
    /// @param amount Amount to move back (non-zero, at most the unbonding amount).
    function cancelUnstake(uint256 amount) external;

    /// @notice Transfers the caller's whole unbonding amount to it once the release time has passed.
    function withdraw() external;

    /// @notice Transfers the caller's whole slashing credit to it.
    function claimCredit() external;

    /*//////////////////////////////////////////////////////////////
                          MARKET AND SLASHERS
    //////////////////////////////////////////////////////////////*/

    /// @notice Locks a task bond out of `provider`'s free stake. Only `MARKET_ROLE`.
    /// @param provider Provider to bond.
    /// @param amount Bond amount (non-zero, at most the free stake).
    function lockBond(address provider, uint256 amount) external;

    /// @notice Releases a task bond back to `provider`'s free stake. Only `MARKET_ROLE`.
    /// @param provider Provider whose bond is released.
    /// @param amount Bond amount (non-zero, at most the locked amount).
    function releaseBond(address provider, uint256 amount) external;

    /// @notice Slashes a locked bond: removes it from locked and from active stake and credits all of it to the
    ///         treasury. Only `MARKET_ROLE`.
    /// @dev There is no harmed party: the requester chooses the model, the input and the windows, so a share for it
    ///      would reward causing the slash.
    /// @param provider Provider to slash.
    /// @param amount Bond amount to slash (non-zero, at most the locked amount).
    function slashBond(address provider, uint256 amount) external;

    /// @notice Slashes up to `amount` from `provider`: free active stake first, then unbonding stake (locked bonds
    ///         are left to the market). Only `SLASHER_ROLE`.
    /// @param provider Provider to slash.
    /// @param amount Maximum amount to slash (non-zero).
    /// @param harmed Party credited the non-treasury share; zero address credits everything to the treasury.
    /// @return slashed Amount actually slashed (less than `amount` when the provider has less available).
    function slash(address provider, uint256 amount, address harmed) external returns (uint256 slashed);

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets the unbonding period for later unstake requests. Only the admin.
    /// @param newPeriod Period in seconds, within `[MIN_UNBONDING_PERIOD, MAX_UNBONDING_PERIOD]`.
    function setUnbondingPeriod(uint64 newPeriod) external;

    /// @notice Sets the treasury's share of slashed funds. Only the admin.
    /// @param newBps Share in basis points, at most `MAX_SLASH_TREASURY_BPS`.
    function setSlashTreasuryBps(uint16 newBps) external;

    /// @notice Sets the treasury credited with its share of later slashes. Only the admin.
    /// @param newTreasury Treasury address (not zero, not the vault).
    function setTreasury(address newTreasury) external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice Role of the task market: lock, release and slash bonds.
    /// @return The role identifier `keccak256("MARKET_ROLE")`.
    function MARKET_ROLE() external view returns (bytes32);

    /// @notice Role of dispute and audit contracts: slash free and unbonding stake.
    /// @return The role identifier `keccak256("SLASHER_ROLE")`.
    function SLASHER_ROLE() external view returns (bytes32);

    /// @notice Token staked in this vault (EAI).
    /// @return The stake token.
    function stakeToken() external view returns (IERC20);

    /// @notice Active stake of `provider`, locked bonds included, unbonding excluded.
    /// @param provider The provider.
    /// @return Active stake.
    function stakeOf(address provider) external view returns (uint256);

    /// @notice A lower bound of `provider`'s active stake at the end of block `blockNumber`: exact for the current
    ///         block and for any block after which the stake did not fall; otherwise the lowest active stake between
    ///         that block and the provider's next rise in stake.
    /// @dev The TaskMarket weighs a REDUNDANT draw by `min(stakeOf, stakeAt(task's createdBlock))`: stake added after
    ///      a task's draw seed became known (the seed is the hash of the block after `createdBlock`) does not count.
    /// @param provider The provider.
    /// @param blockNumber The block.
    /// @return The stake.
    function stakeAt(address provider, uint256 blockNumber) external view returns (uint256);

    /// @notice Bonds locked out of `provider`'s active stake.
    /// @param provider The provider.
    /// @return Locked amount.
    function lockedOf(address provider) external view returns (uint256);

    /// @notice Sum of every provider's active stake (locked bonds included, unbonding excluded): the normaliser of the
    ///         market's stake-weighted draws.
    /// @return Total active stake.
    function totalStake() external view returns (uint256);

    /// @notice Active stake of `provider` not locked in bonds.
    /// @param provider The provider.
    /// @return Free stake.
    function freeStakeOf(address provider) external view returns (uint256);

    /// @notice The single unbonding entry of `provider`.
    /// @param provider The provider.
    /// @return amount Unbonding amount.
    /// @return releaseAt Time from which it can be withdrawn (0 when nothing is unbonding).
    function unbondingOf(address provider) external view returns (uint256 amount, uint64 releaseAt);

    /// @notice Unclaimed slashing credit of `account`.
    /// @param account The account.
    /// @return Credit claimable with `claimCredit`.
    function creditOf(address account) external view returns (uint256);

    /// @notice Treasury credited with its share of slashes.
    /// @return The treasury address.
    function treasury() external view returns (address);

    /// @notice Unbonding period applied to new unstake requests.
    /// @return Period in seconds.
    function unbondingPeriod() external view returns (uint64);

    /// @notice Treasury share of slashed funds.
    /// @return Share in basis points of 10_000.
    function slashTreasuryBps() external view returns (uint16);
}
