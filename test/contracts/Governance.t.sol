// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {EAIGovernor} from "../../contracts/governance/EAIGovernor.sol";
import {EAITimelock} from "../../contracts/governance/EAITimelock.sol";
import {MockVotesToken} from "../../contracts/mocks/MockVotesToken.sol";
import {Reputation} from "../../contracts/reputation/Reputation.sol";
import {IReputation} from "../../contracts/interfaces/IReputation.sol";
import {ModelRegistry} from "../../contracts/registry/ModelRegistry.sol";
import {IModelRegistry} from "../../contracts/interfaces/IModelRegistry.sol";
import {MnistMlpVerifier} from "../../contracts/verifiers/MnistMlpVerifier.sol";
import {ModelKind, Resources} from "../../contracts/types/Resources.sol";
import {
    Comparison,
    ExecutionProfile,
    ExecutionTarget,
    GraphOptimization
} from "../../contracts/types/ExecutionProfile.sol";

contract GovernanceTest is Test {
    uint256 internal constant MIN_DELAY = 2 days;
    uint48 internal constant VOTING_DELAY = 1 days;
    uint32 internal constant VOTING_PERIOD = 5 days;
    uint256 internal constant THRESHOLD = 100e18;
    uint256 internal constant QUORUM_PCT = 4;

    MockVotesToken internal token;
    EAITimelock internal timelock;
    EAIGovernor internal governor;
    Reputation internal rep;
    ModelRegistry internal registry;

    address internal alice = makeAddr("alice"); // 400 votes
    address internal bob = makeAddr("bob"); // 300 votes
    address internal carol = makeAddr("carol"); // 10 votes, below the proposal threshold
    address internal dave = makeAddr("dave"); // 290 votes
    address internal creator = makeAddr("creator");

    uint64 internal modelId;

    function setUp() public {
        vm.warp(1_700_000_000);
        token = new MockVotesToken();
        _fund(alice, 400e18);
        _fund(bob, 300e18);
        _fund(carol, 10e18);
        _fund(dave, 290e18);

        // Deployment order of the real deploy: timelock with a bootstrap admin, governor, wire roles, renounce.
        address[] memory none = new address[](0);
        address[] memory anyone = new address[](1);
        timelock = new EAITimelock(MIN_DELAY, none, anyone, address(this));
        governor = new EAIGovernor(token, timelock, VOTING_DELAY, VOTING_PERIOD, THRESHOLD, QUORUM_PCT);
        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governor));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(governor));
        timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), address(this));

        rep = new Reputation(address(this));
        registry = new ModelRegistry(address(this));
        rep.grantRole(rep.DEFAULT_ADMIN_ROLE(), address(timelock));
        rep.renounceRole(rep.DEFAULT_ADMIN_ROLE(), address(this));
        registry.grantRole(registry.DEFAULT_ADMIN_ROLE(), address(timelock));
        registry.renounceRole(registry.DEFAULT_ADMIN_ROLE(), address(this));

        Resources memory none_;
        uint256 artifactHash = uint256(sha256("mlp")); // computed before the prank: sha256 is a precompile call
        vm.prank(creator);
        modelId = registry.registerModel(
            ModelKind.ONNX,
            artifactHash,
            address(0),
            "ipfs://m",
            4,
            3,
            none_,
            300,
            _exactProfile()
        );
        assertEq(registry.getModel(modelId).creator, creator);

        vm.warp(block.timestamp + 1); // delegations become past checkpoints
    }

    function _exactProfile() internal pure returns (ExecutionProfile memory) {
        return
            ExecutionProfile({
                comparison: Comparison.EXACT,
                quantStepLog2: 0,
                intraOpThreads: 0,
                graphOptimization: GraphOptimization.DISABLED,
                target: ExecutionTarget.CPU_ONLY,
                runtimeVersion: 0
            });
    }

    /// @dev Takes a proposal through the whole life cycle (alice and bob vote for it) and executes it.
    function _pass(
        address[] memory targets,
        bytes[] memory calldatas,
        string memory description
    ) internal returns (uint256 id) {
        uint256[] memory values = new uint256[](targets.length);
        vm.prank(alice);
        id = governor.propose(targets, values, calldatas, description);
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        _vote(id, alice, 1);
        _vote(id, bob, 1);
        vm.warp(governor.proposalDeadline(id) + 1);
        bytes32 descriptionHash = keccak256(bytes(description));
        governor.queue(targets, values, calldatas, descriptionHash);
        vm.warp(governor.proposalEta(id));
        governor.execute(targets, values, calldatas, descriptionHash);
        assertEq(uint8(governor.state(id)), uint8(IGovernor.ProposalState.Executed));
    }

    function _fund(address who, uint256 amount) internal {
        token.mint(who, amount);
        vm.prank(who);
        token.delegate(who);
    }

    function _newParams() internal view returns (IReputation.Params memory p) {
        p = rep.params();
        p.failureWeightBps = 3_000;
        p.maxViolations = 3;
    }

    function _proposal()
        internal
        view
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory description)
    {
        targets = new address[](2);
        values = new uint256[](2);
        calldatas = new bytes[](2);
        targets[0] = address(rep);
        calldatas[0] = abi.encodeCall(IReputation.setParams, (_newParams()));
        targets[1] = address(registry);
        calldatas[1] = abi.encodeCall(IModelRegistry.setModelActive, (modelId, false));
        description = "EIP-1: harsher failures, disable model 1";
    }

    function _propose() internal returns (uint256 id) {
        (address[] memory t, uint256[] memory v, bytes[] memory c, string memory d) = _proposal();
        vm.prank(alice);
        id = governor.propose(t, v, c, d);
    }

    function _queue() internal returns (uint256) {
        (address[] memory t, uint256[] memory v, bytes[] memory c, string memory d) = _proposal();
        return governor.queue(t, v, c, keccak256(bytes(d)));
    }

    function _expectQueueRevertsDefeated(uint256 id) internal {
        (address[] memory t, uint256[] memory v, bytes[] memory c, string memory d) = _proposal();
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorUnexpectedProposalState.selector,
                id,
                IGovernor.ProposalState.Defeated,
                _bitmap(IGovernor.ProposalState.Succeeded)
            )
        );
        governor.queue(t, v, c, keccak256(bytes(d)));
    }

    function _execute() internal {
        (address[] memory t, uint256[] memory v, bytes[] memory c, string memory d) = _proposal();
        governor.execute(t, v, c, keccak256(bytes(d)));
    }

    function _vote(uint256 id, address voter, uint8 support) internal {
        vm.prank(voter);
        governor.castVote(id, support);
    }

    function _bitmap(IGovernor.ProposalState s) internal pure returns (bytes32) {
        return bytes32(1 << uint8(s));
    }

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    function test_governor_Configuration() public view {
        assertEq(governor.name(), "EAI Governor");
        assertEq(governor.votingDelay(), VOTING_DELAY);
        assertEq(governor.votingPeriod(), VOTING_PERIOD);
        assertEq(governor.proposalThreshold(), THRESHOLD);
        assertEq(governor.quorumNumerator(), QUORUM_PCT);
        assertEq(governor.timelock(), address(timelock));
        assertEq(address(governor.token()), address(token));
        // The clock follows the token's timestamp clock.
        assertEq(governor.clock(), block.timestamp);
        assertEq(governor.CLOCK_MODE(), "mode=timestamp");
        assertEq(token.clock(), block.timestamp);
        assertEq(governor.quorum(block.timestamp - 1), (1_000e18 * QUORUM_PCT) / 100);
        assertEq(timelock.getMinDelay(), MIN_DELAY);
        assertTrue(timelock.hasRole(timelock.PROPOSER_ROLE(), address(governor)));
        assertTrue(timelock.hasRole(timelock.EXECUTOR_ROLE(), address(0)));
        assertFalse(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), address(this)));
        assertTrue(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), address(timelock)));
        assertTrue(rep.hasRole(rep.DEFAULT_ADMIN_ROLE(), address(timelock)));
        assertTrue(registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), address(timelock)));
    }

    /*//////////////////////////////////////////////////////////////
                               LIFECYCLE
    //////////////////////////////////////////////////////////////*/

    function test_lifecycle_ProposeVoteQueueExecute() public {
        uint256 id = _propose();
        assertEq(uint8(governor.state(id)), uint8(IGovernor.ProposalState.Pending));
        assertEq(governor.proposalSnapshot(id), block.timestamp + VOTING_DELAY);
        assertEq(governor.proposalDeadline(id), block.timestamp + VOTING_DELAY + VOTING_PERIOD);
        assertTrue(governor.proposalNeedsQueuing(id));

        vm.warp(block.timestamp + VOTING_DELAY + 1);
        assertEq(uint8(governor.state(id)), uint8(IGovernor.ProposalState.Active));
        _vote(id, alice, 1);
        _vote(id, bob, 1);
        _vote(id, dave, 0);
        (uint256 against, uint256 forVotes, uint256 abstain) = governor.proposalVotes(id);
        assertEq(forVotes, 700e18);
        assertEq(against, 290e18);
        assertEq(abstain, 0);

        vm.warp(governor.proposalDeadline(id) + 1);
        assertEq(uint8(governor.state(id)), uint8(IGovernor.ProposalState.Succeeded));

        _queue();
        assertEq(uint8(governor.state(id)), uint8(IGovernor.ProposalState.Queued));
        assertEq(governor.proposalEta(id), block.timestamp + MIN_DELAY);

        vm.warp(governor.proposalEta(id));
        vm.expectEmit(false, false, false, true, address(rep));
        emit IReputation.ParamsUpdated(_newParams());
        vm.expectEmit(true, true, false, true, address(registry));
        emit IModelRegistry.ModelStatusChanged(modelId, false, address(timelock), true);
        _execute();
        assertEq(uint8(governor.state(id)), uint8(IGovernor.ProposalState.Executed));

        assertEq(keccak256(abi.encode(rep.params())), keccak256(abi.encode(_newParams())));
        assertEq(rep.params().failureWeightBps, 3_000);
        IModelRegistry.Model memory m = registry.getModel(modelId);
        assertFalse(m.active);
        assertTrue(registry.isAdminLocked(modelId));

        // The creator cannot undo governance's decision.
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryLockedByAdmin.selector, modelId));
        registry.setModelActive(modelId, true);
    }

    /// @dev The governed knobs of the economics change, through the timelock: a verifier's code is allowlisted and
    ///      a ZK model on it approved in the same proposal (order matters), a model's minimum execution window and
    ///      the tier ages are set; a second proposal withdraws both approvals together.
    function test_lifecycle_ApprovesZkModelAndSetsWindowAndTierAges() public {
        MnistMlpVerifier verifier = new MnistMlpVerifier();
        bytes32 codeHash = keccak256(address(verifier).code);
        vm.prank(creator);
        uint64 zkId = registry.registerModel(
            ModelKind.ZK_MLP,
            0x1234,
            address(verifier),
            "ipfs://zk",
            64,
            1,
            Resources(0, 0, 0, 0, 0, 0, 0, 0),
            600,
            _exactProfile()
        );
        IReputation.TierAges memory ages = IReputation.TierAges({tier2MinAge: 1 days, tier3MinAge: 14 days});

        address[] memory targets = new address[](4);
        bytes[] memory calldatas = new bytes[](4);
        (targets[0], targets[1], targets[2], targets[3]) = (
            address(registry),
            address(registry),
            address(registry),
            address(rep)
        );
        calldatas[0] = abi.encodeCall(IModelRegistry.setVerifierCodeHashApproved, (codeHash, true));
        calldatas[1] = abi.encodeCall(IModelRegistry.setModelApproved, (zkId, true));
        calldatas[2] = abi.encodeCall(IModelRegistry.setMinExecWindow, (zkId, 3_600));
        calldatas[3] = abi.encodeCall(IReputation.setTierAges, (ages));
        _pass(targets, calldatas, "EIP-2: approve the MNIST model");

        assertTrue(registry.isVerifierCodeHashApproved(codeHash));
        IModelRegistry.Model memory m = registry.getModel(zkId);
        assertTrue(m.approved);
        assertEq(m.minExecWindow, 3_600);
        assertEq(rep.tierAges().tier2MinAge, 1 days);
        assertEq(rep.tierAges().tier3MinAge, 14 days);

        address[] memory t2 = new address[](2);
        bytes[] memory c2 = new bytes[](2);
        (t2[0], t2[1]) = (address(registry), address(registry));
        c2[0] = abi.encodeCall(IModelRegistry.setVerifierCodeHashApproved, (codeHash, false));
        c2[1] = abi.encodeCall(IModelRegistry.setModelApproved, (zkId, false));
        _pass(t2, c2, "EIP-3: withdraw the MNIST verifier");
        assertFalse(registry.isVerifierCodeHashApproved(codeHash));
        assertFalse(registry.getModel(zkId).approved);
    }

    function test_execute_RevertWhen_TimelockDelayNotElapsed() public {
        uint256 id = _propose();
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        _vote(id, alice, 1);
        vm.warp(governor.proposalDeadline(id) + 1);
        _queue();
        uint256 eta = governor.proposalEta(id);

        (address[] memory t, uint256[] memory v, bytes[] memory c, string memory d) = _proposal();
        bytes32 descriptionHash = keccak256(bytes(d));
        bytes32 salt = bytes20(address(governor)) ^ descriptionHash;
        bytes32 operationId = timelock.hashOperationBatch(t, v, c, 0, salt);
        assertTrue(timelock.isOperationPending(operationId));

        vm.warp(eta - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector,
                operationId,
                bytes32(1 << uint8(TimelockController.OperationState.Ready))
            )
        );
        governor.execute(t, v, c, descriptionHash);
        assertEq(rep.params().failureWeightBps, 2_000);

        vm.warp(eta);
        governor.execute(t, v, c, descriptionHash);
        assertTrue(timelock.isOperationDone(operationId));
        assertEq(rep.params().failureWeightBps, 3_000);
    }

    function test_timelock_RevertWhen_ScheduledDirectly() public {
        (address[] memory t, uint256[] memory v, bytes[] memory c, ) = _proposal();
        bytes32 proposerRole = timelock.PROPOSER_ROLE();
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, proposerRole)
        );
        timelock.scheduleBatch(t, v, c, 0, 0, MIN_DELAY);
    }

    /*//////////////////////////////////////////////////////////////
                         DIRECT CALLS AND GATES
    //////////////////////////////////////////////////////////////*/

    function test_setters_RevertWhen_CalledDirectly() public {
        IReputation.Params memory p = _newParams();
        address[4] memory callers = [alice, address(this), address(governor), creator];
        for (uint256 i = 0; i < callers.length; ++i) {
            vm.prank(callers[i]);
            vm.expectRevert(
                abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, callers[i], bytes32(0))
            );
            rep.setParams(p);
        }
        // Deactivation by anyone but the creator or governance.
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryNotCreatorOrAdmin.selector, modelId, alice));
        registry.setModelActive(modelId, false);
        vm.prank(address(governor));
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistryNotCreatorOrAdmin.selector, modelId, address(governor))
        );
        registry.setModelActive(modelId, false);
        // The approval, allowlist, window and tier-age setters are governance-only too.
        bytes32 adminRole_ = registry.DEFAULT_ADMIN_ROLE();
        address[2] memory others = [alice, address(governor)];
        for (uint256 i = 0; i < others.length; ++i) {
            bytes memory unauthorized = abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                others[i],
                adminRole_
            );
            vm.startPrank(others[i]);
            vm.expectRevert(unauthorized);
            registry.setModelApproved(modelId, true);
            vm.expectRevert(unauthorized);
            registry.setVerifierCodeHashApproved(bytes32(uint256(1)), true);
            vm.expectRevert(unauthorized);
            registry.setMinExecWindow(modelId, 60);
            vm.expectRevert(unauthorized);
            rep.setTierAges(IReputation.TierAges({tier2MinAge: 0, tier3MinAge: 0}));
            vm.stopPrank();
        }
        // Granting oneself the admin role is not possible either.
        bytes32 adminRole = registry.DEFAULT_ADMIN_ROLE();
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, adminRole)
        );
        registry.grantRole(adminRole, alice);
    }

    function test_governorSettings_RevertWhen_NotGovernance() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, alice));
        governor.setProposalThreshold(0);
    }

    function test_propose_RevertWhen_BelowThreshold() public {
        (address[] memory t, uint256[] memory v, bytes[] memory c, string memory d) = _proposal();
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(IGovernor.GovernorInsufficientProposerVotes.selector, carol, 10e18, THRESHOLD)
        );
        governor.propose(t, v, c, d);
    }

    function test_propose_AtThreshold() public {
        address eve = makeAddr("eve");
        _fund(eve, THRESHOLD);
        vm.warp(block.timestamp + 1);
        (address[] memory t, uint256[] memory v, bytes[] memory c, string memory d) = _proposal();
        vm.prank(eve);
        uint256 id = governor.propose(t, v, c, d);
        assertEq(governor.proposalProposer(id), eve);
    }

    function test_queue_RevertWhen_Defeated() public {
        uint256 id = _propose();
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        _vote(id, bob, 1); // quorum reached (300 of 40 needed) ...
        _vote(id, alice, 0); // ... but outvoted
        vm.warp(governor.proposalDeadline(id) + 1);
        assertTrue(governor.quorum(governor.proposalSnapshot(id)) <= 300e18);
        assertEq(uint8(governor.state(id)), uint8(IGovernor.ProposalState.Defeated));

        _expectQueueRevertsDefeated(id);
    }

    function test_queue_RevertWhen_QuorumNotReached() public {
        uint256 id = _propose();
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        _vote(id, carol, 1); // 10 of the 40 needed
        vm.warp(governor.proposalDeadline(id) + 1);
        assertEq(uint8(governor.state(id)), uint8(IGovernor.ProposalState.Defeated));
        _expectQueueRevertsDefeated(id);
    }

    function test_vote_UsesSnapshotAtVotingStart() public {
        uint256 id = _propose();
        // Tokens bought after the snapshot do not count.
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        _fund(carol, 1_000e18);
        _vote(id, carol, 1);
        (, uint256 forVotes, ) = governor.proposalVotes(id);
        assertEq(forVotes, 10e18);
    }

    function test_cancel_ByProposerWhilePending() public {
        uint256 id = _propose();
        (address[] memory t, uint256[] memory v, bytes[] memory c, string memory d) = _proposal();
        vm.prank(alice);
        governor.cancel(t, v, c, keccak256(bytes(d)));
        assertEq(uint8(governor.state(id)), uint8(IGovernor.ProposalState.Canceled));
    }

    /*//////////////////////////////////////////////////////////////
                               MOCK TOKEN
    //////////////////////////////////////////////////////////////*/

    function test_mockVotesToken_TimestampCheckpoints() public {
        uint256 t0 = block.timestamp;
        vm.prank(alice);
        assertTrue(token.transfer(bob, 100e18));
        vm.warp(t0 + 10);
        assertEq(token.getPastVotes(alice, t0 - 1), 400e18);
        assertEq(token.getVotes(alice), 300e18);
        assertEq(token.getVotes(bob), 400e18);
        assertEq(token.getPastTotalSupply(t0), 1_000e18);
        assertEq(token.nonces(alice), 0);
    }
}
