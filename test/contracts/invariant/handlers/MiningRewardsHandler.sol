// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {EAIToken} from "../../../../contracts/token/EAIToken.sol";
import {StakingVault} from "../../../../contracts/staking/StakingVault.sol";
import {MiningRewards} from "../../../../contracts/rewards/MiningRewards.sol";
import {IMiningRewards} from "../../../../contracts/interfaces/IMiningRewards.sol";
import {MerkleBuilder} from "../../utils/MerkleBuilder.sol";

/// @notice Stands in for the TaskMarket (outside the unit): holds fee credit for the rewards contract and pays it
///         out on `withdraw`, as TaskMarket.withdraw does. The real market is used in MiningRewards.t.sol.
contract FeeMarketStub {
    IERC20 public immutable token;
    mapping(address => mapping(address => uint256)) public creditOf;

    constructor(IERC20 token_) {
        token = token_;
    }

    function credit(address account, uint256 amount) external {
        token.transferFrom(msg.sender, address(this), amount);
        creditOf[account][address(token)] += amount;
    }

    function withdraw(address token_) external {
        uint256 amount = creditOf[msg.sender][token_];
        require(amount != 0, "nothing");
        creditOf[msg.sender][token_] = 0;
        IERC20(token_).transfer(msg.sender, amount);
    }
}

/// @notice Drives MiningRewards through random fee payments, collections, time, closes, proposals, challenges,
///         vetoes, finalizations and claims. Each call's outcome is asserted against a model: success, or the exact
///         error the model predicts; nothing is swallowed.
contract MiningRewardsHandler is Test {
    EAIToken public immutable token;
    StakingVault public immutable vault;
    MiningRewards public immutable rewards;
    FeeMarketStub public immutable market;
    address public immutable admin;
    address[3] internal _owners;
    address internal _poster = makeAddr("hposter");
    address internal _challenger = makeAddr("hchallenger");

    mapping(uint256 epoch => uint256[3]) internal _amounts;
    mapping(uint256 epoch => mapping(address => uint256)) public paidCount;
    uint256 public ghostFees;
    uint256 public ghostClaimed;
    uint256 public ghostAllocatedFinal;
    mapping(bytes4 => uint256) public successes;

    constructor(EAIToken token_, StakingVault vault_, MiningRewards rewards_, FeeMarketStub market_, address admin_) {
        token = token_;
        vault = vault_;
        rewards = rewards_;
        market = market_;
        admin = admin_;
        _owners = [makeAddr("owner0"), makeAddr("owner1"), makeAddr("owner2")];
        token.approve(address(market), type(uint256).max);
        address[2] memory bonders = [_poster, _challenger];
        for (uint256 i; i < 2; ++i) {
            vm.prank(bonders[i]);
            token.approve(address(rewards), type(uint256).max);
        }
    }

    function owners() external view returns (address[3] memory) {
        return _owners;
    }

    function actionSelectors() external pure returns (bytes4[] memory s) {
        s = new bytes4[](8);
        s[0] = this.payFees.selector;
        s[1] = this.warp.selector;
        s[2] = this.close.selector;
        s[3] = this.propose.selector;
        s[4] = this.challenge.selector;
        s[5] = this.veto.selector;
        s[6] = this.finalize.selector;
        s[7] = this.claim.selector;
    }

    function payFees(uint256 amount) external {
        amount = bound(amount, 1, 10_000 ether);
        market.credit(address(rewards), amount);
        uint256 got = rewards.collectFees();
        assertEq(got, amount, "collect: the whole credit");
        ghostFees += amount;
        successes[this.payFees.selector]++;
    }

    function warp(uint256 dt) external {
        vm.warp(block.timestamp + bound(dt, 1, 2 days));
        vm.roll(block.number + 1);
        successes[this.warp.selector]++;
    }

    function close(uint256 seed) external {
        uint256 now_ = rewards.epochAt(block.timestamp);
        uint256 e = bound(seed, 0, now_);
        IMiningRewards.EpochStatus st = rewards.getEpoch(e).status;
        if (st != IMiningRewards.EpochStatus.Open) {
            vm.expectRevert(abi.encodeWithSelector(IMiningRewards.MiningRewardsWrongStatus.selector, e, st));
        } else if (e == now_) {
            vm.expectRevert(
                abi.encodeWithSelector(IMiningRewards.MiningRewardsEpochNotEnded.selector, e, rewards.epochStart(e + 1))
            );
        }
        rewards.closeEpoch(e);
        if (st == IMiningRewards.EpochStatus.Open && e != now_) successes[this.close.selector]++;
    }

    function propose(uint256 seed, bool overBound) external {
        uint256 e = rewards.nextEpochToSettle();
        IMiningRewards.Epoch memory ep = rewards.getEpoch(e);
        if (ep.status != IMiningRewards.EpochStatus.Closed) {
            vm.expectRevert(abi.encodeWithSelector(IMiningRewards.MiningRewardsWrongStatus.selector, e, ep.status));
            vm.prank(_poster);
            rewards.proposeRoot(e, bytes32(0), 0, 0);
            return;
        }
        (uint256 payable_, , ) = rewards.payableOf(e);
        uint256 total;
        bytes32[] memory leaves = new bytes32[](3);
        for (uint256 i; i < 3; ++i) {
            // amounts around each owner's cap (10% of 1000 EAI = 100 EAI), so some claims exceed it
            uint256 a = uint256(keccak256(abi.encode(seed, i))) % 120 ether;
            _amounts[e][i] = a;
            total += a;
            leaves[i] = MerkleBuilder.leaf(e, _owners[i], a);
        }
        uint256 declared = overBound ? payable_ + 1 : (total < payable_ ? total : payable_);
        token.transfer(_poster, ep.params.posterBond);
        if (declared > payable_) {
            vm.expectRevert(abi.encodeWithSelector(IMiningRewards.MiningRewardsOverBound.selector, declared, payable_));
        }
        vm.prank(_poster);
        rewards.proposeRoot(e, MerkleBuilder.root(leaves), declared, uint64(seed % 1e9));
        if (declared <= payable_) successes[this.propose.selector]++;
    }

    function challenge() external {
        uint256 e = rewards.nextEpochToSettle();
        IMiningRewards.Epoch memory ep = rewards.getEpoch(e);
        token.transfer(_challenger, ep.params.posterBond);
        bool ok = ep.status == IMiningRewards.EpochStatus.Proposed && block.timestamp < ep.challengeEnds;
        if (ep.status != IMiningRewards.EpochStatus.Proposed) {
            vm.expectRevert(abi.encodeWithSelector(IMiningRewards.MiningRewardsWrongStatus.selector, e, ep.status));
        } else if (!ok) {
            vm.expectRevert(abi.encodeWithSelector(IMiningRewards.MiningRewardsWindow.selector, e, ep.challengeEnds));
        }
        vm.prank(_challenger);
        rewards.challengeRoot(e);
        if (ok) successes[this.challenge.selector]++;
    }

    function veto() external {
        uint256 e = rewards.nextEpochToSettle();
        IMiningRewards.EpochStatus st = rewards.getEpoch(e).status;
        bool ok = st == IMiningRewards.EpochStatus.Proposed || st == IMiningRewards.EpochStatus.Challenged;
        if (!ok) vm.expectRevert(abi.encodeWithSelector(IMiningRewards.MiningRewardsWrongStatus.selector, e, st));
        vm.prank(admin);
        rewards.vetoRoot(e);
        if (ok) successes[this.veto.selector]++;
    }

    function finalize() external {
        uint256 e = rewards.nextEpochToSettle();
        IMiningRewards.Epoch memory ep = rewards.getEpoch(e);
        uint256 deadline =
            ep.status == IMiningRewards.EpochStatus.Challenged
                ? uint256(ep.challengeEnds) + ep.params.resolutionWindow
                : ep.challengeEnds;
        bool pending =
            ep.status == IMiningRewards.EpochStatus.Proposed || ep.status == IMiningRewards.EpochStatus.Challenged;
        if (!pending) {
            vm.expectRevert(abi.encodeWithSelector(IMiningRewards.MiningRewardsWrongStatus.selector, e, ep.status));
        } else if (block.timestamp < deadline) {
            vm.expectRevert(abi.encodeWithSelector(IMiningRewards.MiningRewardsWindow.selector, e, deadline));
        }
        rewards.finalizeRoot(e);
        if (pending && block.timestamp >= deadline) {
            ghostAllocatedFinal += ep.total;
            successes[this.finalize.selector]++;
        }
    }

    function claim(uint256 epochSeed, uint256 ownerSeed) external {
        uint256 settled = rewards.nextEpochToSettle();
        if (settled == 0) {
            vm.expectRevert();
            rewards.claim(0, _owners[0], 0, new bytes32[](0));
            return;
        }
        uint256 e = bound(epochSeed, 0, settled - 1);
        uint256 i = bound(ownerSeed, 0, 2);
        address owner = _owners[i];
        uint256 amount = _amounts[e][i];
        bytes32[] memory leaves = new bytes32[](3);
        for (uint256 j; j < 3; ++j) leaves[j] = MerkleBuilder.leaf(e, _owners[j], _amounts[e][j]);
        IMiningRewards.Epoch memory ep = rewards.getEpoch(e);
        uint256 cap = (vault.stakeAt(owner, ep.closeBlock) * ep.params.ownerCapBps) / 10_000;
        bool ok;
        uint256 before = token.balanceOf(owner);
        if (rewards.isClaimed(e, owner)) {
            vm.expectRevert(abi.encodeWithSelector(IMiningRewards.MiningRewardsAlreadyClaimed.selector, e, owner));
        } else if (amount > cap) {
            vm.expectRevert(
                abi.encodeWithSelector(IMiningRewards.MiningRewardsOverOwnerCap.selector, owner, amount, cap)
            );
        } else if (ep.claimed + amount > ep.total) {
            vm.expectRevert(
                abi.encodeWithSelector(IMiningRewards.MiningRewardsOverTotal.selector, e, ep.claimed + amount, ep.total)
            );
        } else {
            ok = true;
        }
        rewards.claim(e, owner, amount, MerkleBuilder.proof(leaves, i));
        if (ok) {
            assertEq(token.balanceOf(owner) - before, amount, "claim: minted to the owner");
            paidCount[e][owner]++;
            ghostClaimed += amount;
            successes[this.claim.selector]++;
        }
    }
}
