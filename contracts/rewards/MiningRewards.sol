// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IEAIToken} from "../interfaces/IEAIToken.sol";
import {IMiningRewards} from "../interfaces/IMiningRewards.sol";
import {IStakingVault} from "../interfaces/IStakingVault.sol";
import {ITaskMarket} from "../interfaces/ITaskMarket.sol";
import {RewardsMath} from "../libraries/RewardsMath.sol";

/// @title MiningRewards
/// @notice Mints EAI to providers for verified work, epoch by epoch, within bounds checked on-chain: an epoch's
///         roots allocate at most `min(schedule, fees × feeFactorBps / 10 000)` with `feeFactorBps < 10 000`, so the
///         whole network can never be paid more than it paid the treasury; an owner claims at most `ownerCapBps` of
///         its stake per epoch; claims never exceed a root's total; everything allocated fits under the token cap.
///         Who earns what inside those bounds is computed off-chain from the market's events by the SDK's
///         deterministic script and guarded by a bonded challenge and governance's veto.
/// @dev Must be the TaskMarket's treasury (deployment sets it) to see fees; holds `MINTER_ROLE` on the token.
contract MiningRewards is IMiningRewards, AccessControl, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Largest fee factor: 90% of the epoch's treasury fees.
    uint16 public constant MAX_FEE_FACTOR_BPS = 9000;
    /// @notice Largest base emission per epoch.
    uint128 public constant MAX_EMISSION_PER_EPOCH = 10_000_000 ether;
    /// @notice Largest poster bond.
    uint128 public constant MAX_POSTER_BOND = 1_000_000 ether;
    /// @notice Largest uptime points per checked hour (one CPU-hour).
    uint32 public constant MAX_UPTIME_SECONDS_PER_HOUR = 3600;
    /// @notice Largest GPU weight.
    uint16 public constant MAX_GPU_WEIGHT = 1000;
    /// @notice Challenge window bounds.
    uint32 public constant MIN_CHALLENGE_WINDOW = 60;
    /// @notice Challenge window bounds.
    uint32 public constant MAX_CHALLENGE_WINDOW = 7 days;
    /// @notice Resolution window bounds.
    uint32 public constant MIN_RESOLUTION_WINDOW = 1 hours;
    /// @notice Resolution window bounds.
    uint32 public constant MAX_RESOLUTION_WINDOW = 60 days;
    /// @notice Epoch length bounds.
    uint256 public constant MIN_EPOCH_LENGTH = 60;
    /// @notice Epoch length bounds.
    uint256 public constant MAX_EPOCH_LENGTH = 30 days;

    IEAIToken private immutable _token;
    ITaskMarket private immutable _market;
    IStakingVault private immutable _vault;
    uint256 private immutable _genesis;
    uint256 private immutable _epochLength;

    address private _treasury;
    RewardParams private _params;
    uint256 private _nextToSettle;
    uint256 private _cumulativeCompute;
    uint256 private _carry;
    uint256 private _outstanding;
    uint256 private _totalClaimed;

    mapping(uint256 epoch => uint256) private _fees;
    mapping(uint256 epoch => Epoch) private _epochs;
    mapping(uint256 epoch => mapping(address owner => bool)) private _claimed;
    mapping(address account => uint256) private _bondCredits;

    /// @notice Deploys the emissions contract; epoch 0 starts now.
    /// @param admin Receives `DEFAULT_ADMIN_ROLE` (the timelock).
    /// @param token_ The EAI token (this contract needs its `MINTER_ROLE`).
    /// @param market_ The TaskMarket (this contract must be its treasury).
    /// @param vault_ The staking vault (owner caps).
    /// @param treasury_ Where collected fees are forwarded (the timelock).
    /// @param epochLength_ Seconds per epoch (60 s – 30 days).
    /// @param params_ Initial parameters (checked against their bounds).
    constructor(
        address admin,
        IEAIToken token_,
        ITaskMarket market_,
        IStakingVault vault_,
        address treasury_,
        uint256 epochLength_,
        RewardParams memory params_
    ) {
        if (admin == address(0)) revert MiningRewardsZeroAddress("admin");
        if (address(token_) == address(0)) revert MiningRewardsZeroAddress("token");
        if (address(market_) == address(0)) revert MiningRewardsZeroAddress("market");
        if (address(vault_) == address(0)) revert MiningRewardsZeroAddress("vault");
        if (epochLength_ < MIN_EPOCH_LENGTH || epochLength_ > MAX_EPOCH_LENGTH) {
            revert MiningRewardsInvalidEpochLength(epochLength_);
        }
        _token = token_;
        _market = market_;
        _vault = vault_;
        _genesis = block.timestamp;
        _epochLength = epochLength_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setTreasury(treasury_);
        _setParams(params_);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Fees
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IMiningRewards
    function collectFees() external override nonReentrant returns (uint256 amount) {
        address eai = address(_token);
        if (_market.creditOf(address(this), eai) == 0) return 0;
        uint256 before = IERC20(eai).balanceOf(address(this));
        _market.withdraw(eai);
        amount = IERC20(eai).balanceOf(address(this)) - before;
        uint256 epoch = _epochAt(block.timestamp);
        uint256 epochFees = _fees[epoch] + amount;
        _fees[epoch] = epochFees;
        emit FeesCollected(epoch, amount, epochFees);
        IERC20(eai).safeTransfer(_treasury, amount);
    }

    /// @inheritdoc IMiningRewards
    function sweep(address token_) external override nonReentrant returns (uint256 amount) {
        if (token_ == address(_token)) revert MiningRewardsSweepEai();
        if (_market.creditOf(address(this), token_) == 0) return 0;
        uint256 before = IERC20(token_).balanceOf(address(this));
        _market.withdraw(token_);
        amount = IERC20(token_).balanceOf(address(this)) - before;
        emit FeesSwept(token_, amount);
        IERC20(token_).safeTransfer(_treasury, amount);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Epochs and roots
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IMiningRewards
    function closeEpoch(uint256 epoch) external override {
        Epoch storage ep = _epochs[epoch];
        if (ep.status != EpochStatus.Open) revert MiningRewardsWrongStatus(epoch, ep.status);
        uint256 endsAt = _epochStart(epoch + 1);
        if (block.timestamp < endsAt) revert MiningRewardsEpochNotEnded(epoch, endsAt);
        ep.status = EpochStatus.Closed;
        ep.closeBlock = uint64(block.number);
        ep.fees = _fees[epoch];
        ep.params = _params;
        emit EpochClosed(epoch, ep.fees, ep.closeBlock, ep.params);
    }

    /// @inheritdoc IMiningRewards
    function proposeRoot(
        uint256 epoch,
        bytes32 root,
        uint256 total,
        uint64 computeSeconds
    ) external override nonReentrant {
        Epoch storage ep = _epochs[epoch];
        if (ep.status != EpochStatus.Closed) revert MiningRewardsWrongStatus(epoch, ep.status);
        if (epoch != _nextToSettle) revert MiningRewardsOutOfOrder(epoch, _nextToSettle);
        (uint256 payable_, uint256 schedule_, uint256 multiplier) = _payableOf(ep);
        if (total > payable_) revert MiningRewardsOverBound(total, payable_);
        uint256 needed = _outstanding + total;
        uint256 headroom = _token.cap() - _token.totalSupply();
        if (needed > headroom) revert MiningRewardsOverCap(needed, headroom);

        uint40 challengeEnds = uint40(block.timestamp + ep.params.challengeWindow);
        ep.status = EpochStatus.Proposed;
        ep.root = root;
        ep.total = total;
        ep.computeSeconds = computeSeconds;
        ep.payable_ = payable_;
        ep.schedule = schedule_;
        ep.proposer = msg.sender;
        ep.challengeEnds = challengeEnds;
        _outstanding = needed;
        emit RootProposed(
            epoch,
            msg.sender,
            root,
            total,
            computeSeconds,
            payable_,
            schedule_,
            multiplier,
            challengeEnds
        );
        _pullBond(ep.params.posterBond);
    }

    /// @inheritdoc IMiningRewards
    function challengeRoot(uint256 epoch) external override nonReentrant {
        Epoch storage ep = _epochs[epoch];
        if (ep.status != EpochStatus.Proposed) revert MiningRewardsWrongStatus(epoch, ep.status);
        if (block.timestamp >= ep.challengeEnds) revert MiningRewardsWindow(epoch, ep.challengeEnds);
        ep.status = EpochStatus.Challenged;
        ep.challenger = msg.sender;
        emit RootChallenged(epoch, msg.sender);
        _pullBond(ep.params.posterBond);
    }

    /// @inheritdoc IMiningRewards
    function vetoRoot(uint256 epoch) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        Epoch storage ep = _epochs[epoch];
        if (ep.status != EpochStatus.Proposed && ep.status != EpochStatus.Challenged) {
            revert MiningRewardsWrongStatus(epoch, ep.status);
        }
        bytes32 root = ep.root;
        uint256 bond = ep.params.posterBond;
        address challenger = ep.challenger;
        address bondTo = challenger == address(0) ? _treasury : challenger;
        _outstanding -= ep.total;
        ep.status = EpochStatus.Closed;
        ep.root = bytes32(0);
        ep.total = 0;
        ep.computeSeconds = 0;
        ep.proposer = address(0);
        ep.challenger = address(0);
        ep.challengeEnds = 0;
        emit RootVetoed(epoch, root, bondTo);
        _creditBond(bondTo, bond);
        if (challenger != address(0)) _creditBond(challenger, bond);
    }

    /// @inheritdoc IMiningRewards
    function finalizeRoot(uint256 epoch) external override {
        Epoch storage ep = _epochs[epoch];
        uint256 deadline;
        if (ep.status == EpochStatus.Proposed) {
            deadline = ep.challengeEnds;
        } else if (ep.status == EpochStatus.Challenged) {
            deadline = uint256(ep.challengeEnds) + ep.params.resolutionWindow;
        } else {
            revert MiningRewardsWrongStatus(epoch, ep.status);
        }
        if (block.timestamp < deadline) revert MiningRewardsWindow(epoch, deadline);
        bool challenged = ep.status == EpochStatus.Challenged;
        ep.status = EpochStatus.Finalized;
        // total <= payable_ <= schedule (checked at proposal), so the carry cannot underflow.
        uint256 newCarry = ep.schedule - ep.total;
        _carry = newCarry;
        uint256 cumulative = _cumulativeCompute + ep.computeSeconds;
        _cumulativeCompute = cumulative;
        _nextToSettle = epoch + 1;
        emit RootFinalized(epoch, ep.root, newCarry, cumulative);
        uint256 bond = ep.params.posterBond;
        // A challenge that governance did not uphold pays the proposer for the delay.
        _creditBond(ep.proposer, challenged ? 2 * bond : bond);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Claims and bonds
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IMiningRewards
    function claim(
        uint256 epoch,
        address owner,
        uint256 amount,
        bytes32[] calldata proof
    ) external override nonReentrant {
        Epoch storage ep = _epochs[epoch];
        if (ep.status != EpochStatus.Finalized) revert MiningRewardsWrongStatus(epoch, ep.status);
        if (_claimed[epoch][owner]) revert MiningRewardsAlreadyClaimed(epoch, owner);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(epoch, owner, amount))));
        if (!MerkleProof.verifyCalldata(proof, ep.root, leaf)) revert MiningRewardsInvalidProof(epoch, owner, amount);
        uint256 cap = RewardsMath.ownerCap(_vault.stakeAt(owner, ep.closeBlock), ep.params.ownerCapBps);
        if (amount > cap) revert MiningRewardsOverOwnerCap(owner, amount, cap);
        uint256 claimedNow = ep.claimed + amount;
        if (claimedNow > ep.total) revert MiningRewardsOverTotal(epoch, claimedNow, ep.total);
        _claimed[epoch][owner] = true;
        ep.claimed = claimedNow;
        _outstanding -= amount;
        _totalClaimed += amount;
        emit RewardClaimed(epoch, owner, amount, msg.sender);
        if (amount != 0) _token.mint(owner, amount);
    }

    /// @inheritdoc IMiningRewards
    function withdrawBond() external override nonReentrant {
        uint256 amount = _bondCredits[msg.sender];
        if (amount == 0) revert MiningRewardsNoCredit(msg.sender);
        delete _bondCredits[msg.sender];
        emit BondWithdrawn(msg.sender, amount);
        IERC20(address(_token)).safeTransfer(msg.sender, amount);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Governance
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IMiningRewards
    function setParams(RewardParams calldata params_) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setParams(params_);
    }

    /// @inheritdoc IMiningRewards
    function setTreasury(address treasury_) external override onlyRole(DEFAULT_ADMIN_ROLE) {
        _setTreasury(treasury_);
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Views
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IMiningRewards
    function epochAt(uint256 timestamp) external view override returns (uint256) {
        return _epochAt(timestamp);
    }

    /// @inheritdoc IMiningRewards
    function epochStart(uint256 epoch) external view override returns (uint256) {
        return _epochStart(epoch);
    }

    /// @inheritdoc IMiningRewards
    function getEpoch(uint256 epoch) external view override returns (Epoch memory) {
        return _epochs[epoch];
    }

    /// @inheritdoc IMiningRewards
    function feesOf(uint256 epoch) external view override returns (uint256) {
        return _fees[epoch];
    }

    /// @inheritdoc IMiningRewards
    function isClaimed(uint256 epoch, address owner) external view override returns (bool) {
        return _claimed[epoch][owner];
    }

    /// @inheritdoc IMiningRewards
    function payableOf(
        uint256 epoch
    ) external view override returns (uint256 payable_, uint256 schedule, uint256 multiplierWad) {
        Epoch storage ep = _epochs[epoch];
        if (ep.status == EpochStatus.Open) revert MiningRewardsWrongStatus(epoch, ep.status);
        return _payableOf(ep);
    }

    /// @inheritdoc IMiningRewards
    function currentMultiplier() external view override returns (uint256) {
        return RewardsMath.multiplierWad(_cumulativeCompute);
    }

    /// @inheritdoc IMiningRewards
    function nextEpochToSettle() external view override returns (uint256) {
        return _nextToSettle;
    }

    /// @inheritdoc IMiningRewards
    function cumulativeComputeSeconds() external view override returns (uint256) {
        return _cumulativeCompute;
    }

    /// @inheritdoc IMiningRewards
    function carry() external view override returns (uint256) {
        return _carry;
    }

    /// @inheritdoc IMiningRewards
    function outstanding() external view override returns (uint256) {
        return _outstanding;
    }

    /// @inheritdoc IMiningRewards
    function totalClaimed() external view override returns (uint256) {
        return _totalClaimed;
    }

    /// @inheritdoc IMiningRewards
    function bondCreditOf(address account) external view override returns (uint256) {
        return _bondCredits[account];
    }

    /// @inheritdoc IMiningRewards
    function params() external view override returns (RewardParams memory) {
        return _params;
    }

    /// @inheritdoc IMiningRewards
    function treasury() external view override returns (address) {
        return _treasury;
    }

    /// @inheritdoc IMiningRewards
    function token() external view override returns (address) {
        return address(_token);
    }

    /// @inheritdoc IMiningRewards
    function market() external view override returns (address) {
        return address(_market);
    }

    /// @inheritdoc IMiningRewards
    function vault() external view override returns (address) {
        return address(_vault);
    }

    /// @inheritdoc IMiningRewards
    function genesis() external view override returns (uint256) {
        return _genesis;
    }

    /// @inheritdoc IMiningRewards
    function epochLength() external view override returns (uint256) {
        return _epochLength;
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────
    // Internals
    // ─────────────────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev The bound of a closed epoch's root from the final epochs' compute and carry. Earlier epochs are final
    ///      when a root is proposed (proposals go in order), so the figures are those the root script reads.
    function _payableOf(
        Epoch storage ep
    ) private view returns (uint256 payable_, uint256 schedule_, uint256 multiplier) {
        multiplier = RewardsMath.multiplierWad(_cumulativeCompute);
        schedule_ = RewardsMath.schedule(ep.params.emissionPerEpoch, multiplier, _carry);
        payable_ = RewardsMath.payableBound(schedule_, ep.fees, ep.params.feeFactorBps);
    }

    function _epochAt(uint256 timestamp) private view returns (uint256) {
        if (timestamp < _genesis) return 0;
        return (timestamp - _genesis) / _epochLength;
    }

    function _epochStart(uint256 epoch) private view returns (uint256) {
        return _genesis + epoch * _epochLength;
    }

    function _pullBond(uint256 bond) private {
        if (bond != 0) IERC20(address(_token)).safeTransferFrom(msg.sender, address(this), bond);
    }

    function _creditBond(address account, uint256 amount) private {
        if (amount == 0) return;
        uint256 newCredit = _bondCredits[account] + amount;
        _bondCredits[account] = newCredit;
        emit BondCredited(account, amount, newCredit);
    }

    function _setParams(RewardParams memory p) private {
        if (p.emissionPerEpoch > MAX_EMISSION_PER_EPOCH) revert MiningRewardsInvalidParam(ParamField.EmissionPerEpoch);
        if (p.feeFactorBps > MAX_FEE_FACTOR_BPS) revert MiningRewardsInvalidParam(ParamField.FeeFactorBps);
        if (p.ownerCapBps == 0 || p.ownerCapBps > RewardsMath.BPS) {
            revert MiningRewardsInvalidParam(ParamField.OwnerCapBps);
        }
        if (p.newcomerBps > RewardsMath.BPS) revert MiningRewardsInvalidParam(ParamField.NewcomerBps);
        if (p.uptimeSecondsPerHour > MAX_UPTIME_SECONDS_PER_HOUR) {
            revert MiningRewardsInvalidParam(ParamField.UptimeSecondsPerHour);
        }
        if (p.gpuWeight == 0 || p.gpuWeight > MAX_GPU_WEIGHT) revert MiningRewardsInvalidParam(ParamField.GpuWeight);
        if (p.posterBond > MAX_POSTER_BOND) revert MiningRewardsInvalidParam(ParamField.PosterBond);
        if (p.challengeWindow < MIN_CHALLENGE_WINDOW || p.challengeWindow > MAX_CHALLENGE_WINDOW) {
            revert MiningRewardsInvalidParam(ParamField.ChallengeWindow);
        }
        if (p.resolutionWindow < MIN_RESOLUTION_WINDOW || p.resolutionWindow > MAX_RESOLUTION_WINDOW) {
            revert MiningRewardsInvalidParam(ParamField.ResolutionWindow);
        }
        _params = p;
        emit ParamsUpdated(p);
    }

    function _setTreasury(address treasury_) private {
        if (treasury_ == address(0) || treasury_ == address(this)) revert MiningRewardsInvalidTreasury(treasury_);
        _treasury = treasury_;
        emit TreasuryUpdated(treasury_);
    }
}
