// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MarketFixture} from "./MarketFixture.sol";
import {OptimisticMarket} from "../../../contracts/optimistic/OptimisticMarket.sol";
import {DisputeManager} from "../../../contracts/optimistic/DisputeManager.sol";
import {IOptimisticMarket} from "../../../contracts/interfaces/IOptimisticMarket.sol";
import {IDisputeManager} from "../../../contracts/interfaces/IDisputeManager.sol";
import {IReputation} from "../../../contracts/interfaces/IReputation.sol";
import {DrawLib} from "../../../contracts/libraries/DrawLib.sol";

/// @notice The real protocol (MarketFixture) plus the OPTIMISTIC market and its dispute manager, wired with the roles
///         deployment grants (vault MARKET_ROLE to both, SLASHER_ROLE to the dispute manager, reputation
///         REPORTER_ROLE to both). Jurors j1..j7, challenger p3 and auditor a1 are promoted to tier 2 by recording
///         successes directly (the test contract is a reporter and tier ages are zero); p1 and p2 stay tier 1.
abstract contract OptimisticFixture is MarketFixture {
    OptimisticMarket internal opt;
    DisputeManager internal dm;

    bytes32 internal constant RIGHT = keccak256("right result");
    bytes32 internal constant WRONG = keccak256("wrong result");
    bytes32 internal constant INPUT_C = keccak256("input");

    address internal a1 = makeAddr("auditor1");
    address[] internal jurors;

    function _optParams() internal pure virtual returns (IOptimisticMarket.Params memory) {
        return
            IOptimisticMarket.Params({
                challengeWindow: 2 hours,
                auditWindow: 2 hours,
                drawStep: 30,
                bondBps: 20_000,
                challengeBondBps: 10_000,
                auditBps: 1_000,
                protocolFeeBps: 1_500,
                creatorFeeBps: 500,
                auditFeeBps: 1_000,
                minChallengerTier: 2,
                minAuditorTier: 2,
                minBond: 10 ether
            });
    }

    function _dmParams() internal pure virtual returns (IDisputeManager.Params memory) {
        return
            IDisputeManager.Params({
                jurySize: 5,
                jurorMinTier: 2,
                maxRounds: 2,
                voteWindow: 2 hours,
                revealWindow: 1 hours,
                drawStep: 30,
                jurorShareBps: 3_000,
                jurorBond: 20 ether
            });
    }

    function setUp() public virtual override {
        super.setUp();
        opt = new OptimisticMarket(admin, vault, providers, models, reputation, _optParams());
        dm = new DisputeManager(admin, opt, vault, providers, reputation, _dmParams());
        vm.startPrank(admin);
        opt.setDisputeManager(address(dm));
        vault.grantRole(vault.MARKET_ROLE(), address(opt));
        vault.grantRole(vault.MARKET_ROLE(), address(dm));
        vault.grantRole(vault.SLASHER_ROLE(), address(dm));
        reputation.grantRole(reputation.REPORTER_ROLE(), address(opt));
        reputation.grantRole(reputation.REPORTER_ROLE(), address(dm));
        reputation.grantRole(reputation.REPORTER_ROLE(), address(this));
        reputation.setTierAges(IReputation.TierAges({tier2MinAge: 0, tier3MinAge: 0}));
        vm.stopPrank();

        vm.prank(requester);
        token.approve(address(opt), type(uint256).max);
        for (uint256 i = 1; i <= 7; ++i) {
            address j = makeAddr(string.concat("juror", vm.toString(i)));
            jurors.push(j);
            _onboard(j);
            _promote(j, 20);
        }
        _onboard(a1);
        _promote(a1, 20);
        _promote(p3, 20);
        address[4] memory all = [p1, p2, p3, p4];
        for (uint256 i; i < 4; ++i) {
            vm.prank(all[i]);
            token.approve(address(opt), type(uint256).max);
        }
        vm.prank(a1);
        token.approve(address(opt), type(uint256).max);
    }

    // ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────

    function _promote(address who, uint256 successes) internal {
        for (uint256 i; i < successes; ++i) reputation.record(who, IReputation.Outcome.Success);
    }

    function _post() internal returns (uint256 id) {
        vm.prank(requester);
        id = opt.postTask(onnxModel, INPUT_C, "eai://blob/in", uint96(REWARD), uint40(block.timestamp + 1 days), 1);
    }

    /// @dev Mines the seed block, waits for `who`'s turn and claims.
    function _claimAs(address who, uint256 id) internal {
        IOptimisticMarket.Task memory t = opt.getTask(id);
        if (block.number <= uint256(t.createdBlock) + 1) vm.roll(uint256(t.createdBlock) + 2);
        uint256 at = opt.claimableAt(id, providers.resolveProvider(who));
        if (block.timestamp < at) vm.warp(at);
        vm.prank(who);
        opt.claim(id);
    }

    /// @dev Posts, claims as `provider`, commits `result`.
    function _postCommitted(address provider, bytes32 result) internal returns (uint256 id) {
        id = _post();
        _claimAs(provider, id);
        vm.prank(provider);
        opt.commitResult(id, result, "eai://blob/out");
    }

    function _challengeAs(address who, uint256 id) internal returns (uint256 disputeId) {
        vm.prank(who);
        disputeId = opt.challenge(id);
    }

    /// @dev Fills every draw of the current round: repeatedly the candidate whose turn comes first takes a seat.
    function _seatJury(uint256 disputeId, address[] memory candidates) internal {
        IDisputeManager.Dispute memory d = dm.getDispute(disputeId);
        if (block.number <= d.seedBlock) vm.roll(uint256(d.seedBlock) + 1);
        uint16 full = uint16((uint256(1) << d.params.jurySize) - 1);
        while (dm.getDispute(disputeId).drawsTaken != full) {
            uint256 best = type(uint256).max;
            address who;
            for (uint256 i; i < candidates.length; ++i) {
                uint256 at = dm.seatableAt(disputeId, candidates[i]);
                if (at < best) (best, who) = (at, candidates[i]);
            }
            require(who != address(0), "no eligible juror");
            if (block.timestamp < best) vm.warp(best);
            vm.prank(who);
            dm.takeSeat(disputeId);
        }
    }

    /// @dev The current round's seat holders.
    function _members(uint256 disputeId, address[] memory candidates) internal view returns (address[] memory m) {
        uint8 round = dm.getDispute(disputeId).round;
        uint256 n;
        for (uint256 i; i < candidates.length; ++i) if (dm.seatOf(disputeId, round, candidates[i]).draws != 0) ++n;
        m = new address[](n);
        n = 0;
        for (uint256 i; i < candidates.length; ++i) {
            if (dm.seatOf(disputeId, round, candidates[i]).draws != 0) m[n++] = candidates[i];
        }
    }

    /// @dev The commitment computed here, independently of the contract's view.
    function _voteC(uint256 disputeId, uint8 round, address juror, bytes32 result) internal view returns (bytes32) {
        return
            keccak256(abi.encode(block.chainid, address(dm), disputeId, round, juror, result, _salt(juror, disputeId)));
    }

    function _salt(address juror, uint256 disputeId) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", juror, disputeId));
    }

    function _commitVote(uint256 disputeId, address juror, bytes32 result) internal {
        uint8 round = dm.getDispute(disputeId).round;
        vm.prank(juror);
        dm.commitVote(disputeId, _voteC(disputeId, round, juror, result));
    }

    function _revealVote(uint256 disputeId, address juror, bytes32 result) internal {
        vm.prank(juror);
        dm.revealVote(disputeId, result, _salt(juror, disputeId));
    }

    /// @dev Seats a jury from `jurors`, every member votes `votes[i]` (0: does not commit), reveals, resolves.
    function _runRound(uint256 disputeId, bytes32[] memory votes) internal returns (address[] memory m) {
        _seatJury(disputeId, jurors);
        m = _members(disputeId, jurors);
        for (uint256 i; i < m.length; ++i) if (votes[i] != 0) _commitVote(disputeId, m[i], votes[i]);
        IDisputeManager.Dispute memory d = dm.getDispute(disputeId);
        vm.warp(uint256(d.roundStart) + d.params.voteWindow + 1);
        for (uint256 i; i < m.length; ++i) if (votes[i] != 0) _revealVote(disputeId, m[i], votes[i]);
        vm.warp(uint256(d.roundStart) + d.params.voteWindow + d.params.revealWindow + 1);
        dm.resolve(disputeId);
    }

    /// @dev `n` votes of `v`.
    function _votes(uint256 n, bytes32 v) internal pure returns (bytes32[] memory r) {
        r = new bytes32[](n);
        for (uint256 i; i < n; ++i) r[i] = v;
    }

    function _balanceInvariant() internal view {
        assertEq(token.balanceOf(address(opt)), opt.totalEscrow() + opt.totalCredits(), "OPT-01");
        assertEq(token.balanceOf(address(dm)), dm.totalHeld() + dm.totalCredits(), "OPT-02");
    }

    /// @dev The audit seed and selection computed here from the block hash, independently of the market.
    function _auditSelected(uint256 id, uint256 commitBlock, uint16 bps) internal view returns (bool) {
        bytes32 h = blockhash(commitBlock + 1);
        return uint256(keccak256(abi.encode(h, id, "eai.audit"))) % 10_000 < bps;
    }

    function _turnOf(
        uint256 seed,
        uint256 draw,
        address who,
        uint256 w,
        uint256 start
    ) internal view returns (uint256) {
        uint256 k = DrawLib.key(DrawLib.ticket(seed, draw, who));
        return start + DrawLib.turnDelay(k, w, vault.totalStake(), 30);
    }
}
