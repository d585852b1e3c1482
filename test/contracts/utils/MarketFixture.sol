// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test, Vm} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {EAIToken} from "../../../contracts/token/EAIToken.sol";
import {StakingVault} from "../../../contracts/staking/StakingVault.sol";
import {ProviderRegistry} from "../../../contracts/registry/ProviderRegistry.sol";
import {ModelRegistry} from "../../../contracts/registry/ModelRegistry.sol";
import {Reputation} from "../../../contracts/reputation/Reputation.sol";
import {TaskMarket} from "../../../contracts/market/TaskMarket.sol";
import {MockVerifier} from "../../../contracts/mocks/MockVerifier.sol";
import {ITaskMarketEvents} from "../../../contracts/interfaces/ITaskMarketEvents.sol";
import {ITaskMarketTypes} from "../../../contracts/interfaces/ITaskMarketTypes.sol";
import {ProofLib} from "../../../contracts/libraries/ProofLib.sol";
import {ModelKind, Resources} from "../../../contracts/types/Resources.sol";
import {
    Comparison,
    ExecutionProfile,
    ExecutionTarget,
    GraphOptimization
} from "../../../contracts/types/ExecutionProfile.sol";

/// @notice Deploys the real protocol contracts (only the Groth16 verifier is a test double) and offers helpers
///         to submit tasks, read their spec back from the event, claim REDUNDANT draws at their turn, and craft
///         proofs the mock verifier accepts. Both demo models are approved by governance (tasks on them are rated),
///         as is the mock verifier's code.
abstract contract MarketFixture is Test {
    uint256 internal constant WEIGHTS = 0x1234567890abcdef;
    uint256 internal constant INPUT = 0xfeedbeef;
    uint256 internal constant OUTPUT = 0xc0ffee;
    uint128 internal constant REWARD = 10 ether;
    uint256 internal constant PROVIDER_STAKE = 500 ether;

    EAIToken internal token;
    StakingVault internal vault;
    ProviderRegistry internal providers;
    ModelRegistry internal models;
    Reputation internal reputation;
    TaskMarket internal market;
    MockVerifier internal verifier;

    address internal admin = makeAddr("admin");
    address internal treasury = makeAddr("treasury");
    address internal guardian = makeAddr("guardian");
    address internal creator = makeAddr("creator");
    address internal requester = makeAddr("requester");
    address internal p1 = makeAddr("provider1");
    address internal p2 = makeAddr("provider2");
    address internal p3 = makeAddr("provider3");
    address internal p4 = makeAddr("provider4");
    address internal operator1 = makeAddr("operator1");
    address internal stranger = makeAddr("stranger");

    uint64 internal zkModel;
    uint64 internal onnxModel;

    function setUp() public virtual {
        token = new EAIToken(admin, address(this), 1_000_000_000 ether, 10_000_000_000 ether);
        vault = new StakingVault(IERC20(address(token)), admin, treasury, 7 days, 5000);
        providers = new ProviderRegistry(admin, 1000, 5000);
        models = new ModelRegistry(admin);
        reputation = new Reputation(admin);
        market = new TaskMarket(admin, vault, providers, models, reputation, IERC20(address(token)), treasury);
        verifier = new MockVerifier(address(this));

        vm.startPrank(admin);
        vault.grantRole(vault.MARKET_ROLE(), address(market));
        reputation.grantRole(reputation.REPORTER_ROLE(), address(market));
        market.grantRole(market.GUARDIAN_ROLE(), guardian);
        vm.stopPrank();

        Resources memory none;
        zkModel = _registerModel(ModelKind.ZK_MLP, WEIGHTS, address(verifier), 64, 10, none);
        onnxModel = _registerModel(ModelKind.ONNX, 0xabc, address(0), 16, 4, none);
        vm.startPrank(admin);
        models.setVerifierCodeHashApproved(address(verifier).codehash, true);
        models.setModelApproved(zkModel, true);
        models.setModelApproved(onnxModel, true);
        vm.stopPrank();

        _onboard(p1);
        _onboard(p2);
        _onboard(p3);
        _onboard(p4);
        vm.prank(p1);
        providers.authorizeOperator(operator1);
        vm.prank(operator1);
        providers.acceptOperator(p1);

        token.transfer(requester, 1_000_000 ether);
        vm.prank(requester);
        token.approve(address(market), type(uint256).max);
    }

    // ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────

    /// @dev An EXACT profile with no runtime constraints.
    function _exactProfile() internal pure returns (ExecutionProfile memory) {
        return
            ExecutionProfile({
                comparison: Comparison.EXACT,
                quantStepLog2: 0,
                intraOpThreads: 0,
                graphOptimization: GraphOptimization.ALL,
                target: ExecutionTarget.ANY,
                runtimeVersion: 0
            });
    }

    /// @dev Registers a model as `creator` (no minimum execution window, EXACT profile).
    function _registerModel(
        ModelKind kind,
        uint256 commitment,
        address verifier_,
        uint32 inputSize,
        uint32 outputSize,
        Resources memory minResources
    ) internal returns (uint64 id) {
        vm.prank(creator);
        id = models.registerModel(
            kind,
            commitment,
            verifier_,
            "ipfs://model",
            inputSize,
            outputSize,
            minResources,
            0,
            _exactProfile()
        );
    }

    function _resources() internal pure returns (Resources memory r) {
        r = Resources({
            vramMiB: 24_576,
            computeCapability: 89,
            cpuCores: 16,
            ramMiB: 65_536,
            storageGiB: 1000,
            bandwidthMbps: 1000,
            benchmarkScore: 6000,
            region: 276
        });
    }

    function _onboard(address provider) internal {
        token.transfer(provider, 1000 ether);
        vm.startPrank(provider);
        token.approve(address(vault), type(uint256).max);
        vault.stake(PROVIDER_STAKE);
        providers.register(_resources(), "RTX 4090", keccak256(abi.encode(provider)), "");
        vm.stopPrank();
    }

    function _zkRequest() internal view returns (ITaskMarketTypes.TaskRequest memory r) {
        r.modelId = zkModel;
        r.paymentToken = address(token);
        r.reward = REWARD;
        r.deadline = uint40(block.timestamp + 1 days);
        r.execWindow = 1 hours;
        r.mode = ITaskMarketTypes.VerificationMode.ZK;
        r.redundancy = 1;
        r.minTier = 1;
        r.inputCommitment = INPUT;
        r.inputURI = "eai://blob/sha256-input";
    }

    function _redundantRequest() internal view returns (ITaskMarketTypes.TaskRequest memory r) {
        r = _zkRequest();
        r.modelId = onnxModel;
        r.mode = ITaskMarketTypes.VerificationMode.REDUNDANT;
        r.redundancy = 3;
    }

    /// @dev Submits as `requester` and returns the spec decoded from `TaskSubmitted`, as a client would.
    function _submit(
        ITaskMarketTypes.TaskRequest memory r
    ) internal returns (uint256 taskId, ITaskMarketTypes.TaskSpec memory spec) {
        vm.recordLogs();
        vm.prank(requester);
        taskId = market.submitTask(r);
        spec = _specFromLogs(taskId);
    }

    function _specFromLogs(uint256 taskId) internal returns (ITaskMarketTypes.TaskSpec memory spec) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bytes32 sig = ITaskMarketEvents.TaskSubmitted.selector;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] == sig && uint256(logs[i].topics[1]) == taskId) {
                (spec, ) = abi.decode(logs[i].data, (ITaskMarketTypes.TaskSpec, string));
                return spec;
            }
        }
        revert("TaskSubmitted not found");
    }

    function _submitZk() internal returns (uint256 taskId, ITaskMarketTypes.TaskSpec memory spec) {
        return _submit(_zkRequest());
    }

    function _submitRedundant() internal returns (uint256 taskId, ITaskMarketTypes.TaskSpec memory spec) {
        return _submit(_redundantRequest());
    }

    function _afterPriority(ITaskMarketTypes.TaskSpec memory spec) internal {
        vm.warp(spec.priorityUntil);
    }

    /// @dev Claims as `who`. REDUNDANT: first mines the draw's seed block, then waits for `who`'s turn on its best
    ///      free draw (time only moves forward), so a test can claim draws in any order.
    function _claim(address who, uint256 taskId, ITaskMarketTypes.TaskSpec memory spec) internal {
        if (spec.mode == ITaskMarketTypes.VerificationMode.REDUNDANT) _awaitTurn(who, taskId, spec);
        vm.prank(who);
        market.claimTask(taskId, spec);
    }

    /// @dev Mines the seed block if needed and warps to `who`'s turn on its best free draw.
    function _awaitTurn(address who, uint256 taskId, ITaskMarketTypes.TaskSpec memory spec) internal {
        if (block.number <= uint256(spec.createdBlock) + 1) vm.roll(uint256(spec.createdBlock) + 2);
        (, uint256 notBefore) = market.claimableAt(taskId, spec, providers.resolveProvider(who));
        if (block.timestamp < notBefore) vm.warp(notBefore);
    }

    /// @dev The REDUNDANT commitment computed here, independently of the market's own `resultCommitment`.
    function _commitmentOf(
        uint256 taskId,
        address provider,
        bytes32 resultHash,
        bytes32 salt
    ) internal view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(market), taskId, provider, resultHash, salt));
    }

    function _signals(
        uint256 weights,
        uint256 input,
        uint256 output,
        uint256 taskId,
        address provider
    ) internal view returns (uint256[4] memory s) {
        s[0] = weights;
        s[1] = input;
        s[2] = output;
        s[3] =
            uint256(keccak256(abi.encode(block.chainid, address(market), taskId, provider))) %
            ProofLib.SNARK_SCALAR_FIELD;
    }

    /// @dev A proof the MockVerifier accepts for exactly these public signals.
    function _proofFor(uint256[4] memory signals) internal pure returns (ProofLib.Proof memory proof) {
        proof.a[0] = uint256(keccak256(abi.encode(signals)));
        proof.a[1] = 1;
    }

    function _proof(uint256 taskId, address provider) internal view returns (ProofLib.Proof memory) {
        return _proofFor(_signals(WEIGHTS, INPUT, OUTPUT, taskId, provider));
    }

    function _prove(address who, uint256 taskId, ITaskMarketTypes.TaskSpec memory spec, address provider) internal {
        ProofLib.Proof memory proof = _proof(taskId, provider);
        vm.prank(who);
        market.submitProof(taskId, spec, OUTPUT, proof);
    }

    function _commit(
        address who,
        uint256 taskId,
        ITaskMarketTypes.TaskSpec memory spec,
        bytes32 resultHash
    ) internal returns (bytes32 salt) {
        salt = keccak256(abi.encode("salt", who, taskId));
        bytes32 c = _commitmentOf(taskId, providers.resolveProvider(who), resultHash, salt);
        vm.prank(who);
        market.commitResult(taskId, spec, c);
    }

    function _reveal(
        address who,
        uint256 taskId,
        ITaskMarketTypes.TaskSpec memory spec,
        bytes32 resultHash,
        bytes32 salt
    ) internal {
        vm.prank(who);
        market.revealResult(taskId, spec, resultHash, salt, "eai://blob/result");
    }
}
