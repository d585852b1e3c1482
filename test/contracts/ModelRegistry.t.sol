// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ModelRegistry} from "../../contracts/registry/ModelRegistry.sol";
import {IModelRegistry} from "../../contracts/interfaces/IModelRegistry.sol";
import {MockVerifier} from "../../contracts/mocks/MockVerifier.sol";
import {MnistMlpVerifier} from "../../contracts/verifiers/MnistMlpVerifier.sol";
import {ProofLib} from "../../contracts/libraries/ProofLib.sol";
import {ModelKind, Resources} from "../../contracts/types/Resources.sol";
import {
    Comparison,
    ExecutionProfile,
    ExecutionTarget,
    GraphOptimization
} from "../../contracts/types/ExecutionProfile.sol";

contract ModelRegistryTest is Test {
    ModelRegistry internal registry;
    MockVerifier internal verifier;

    address internal admin = makeAddr("admin");
    address internal creator = makeAddr("creator");
    address internal stranger = makeAddr("stranger");

    uint256 internal constant COMMITMENT = 0x1234;
    string internal constant URI = "http://127.0.0.1:8787/blobs/abc";
    /// @dev The spec's bounds, written out here rather than read from the registry.
    uint32 internal constant ONE_DAY = 86_400;
    int8 internal constant MIN_STEP = -24;

    function setUp() public {
        registry = new ModelRegistry(admin);
        verifier = new MockVerifier(address(this));
        vm.warp(1_700_000_000);
    }

    function _resources() internal pure returns (Resources memory r) {
        r = Resources({
            vramMiB: 8192,
            computeCapability: 86,
            cpuCores: 8,
            ramMiB: 16384,
            storageGiB: 100,
            bandwidthMbps: 1000,
            benchmarkScore: 1234,
            region: 276
        });
    }

    function _exact() internal pure returns (ExecutionProfile memory) {
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

    function _quantised(int8 step) internal pure returns (ExecutionProfile memory p) {
        p = _exact();
        p.comparison = Comparison.QUANTISED;
        p.quantStepLog2 = step;
    }

    function _registerZk() internal returns (uint64 id) {
        vm.prank(creator);
        id = registry.registerModel(
            ModelKind.ZK_MLP,
            COMMITMENT,
            address(verifier),
            URI,
            64,
            10,
            _resources(),
            600,
            _exact()
        );
    }

    /// @dev A ZK_MLP model whose verifier is `v`.
    function _registerZkWith(address v) internal returns (uint64 id) {
        vm.prank(creator);
        id = registry.registerModel(ModelKind.ZK_MLP, COMMITMENT, v, URI, 64, 10, _resources(), 600, _exact());
    }

    /// @dev Registers a model of `kind` with a well-formed commitment/verifier and the given window and profile.
    function _registerKind(
        ModelKind kind,
        uint32 minExecWindow,
        ExecutionProfile memory profile
    ) internal returns (uint64 id) {
        address v = kind == ModelKind.ZK_MLP ? address(verifier) : address(0);
        vm.prank(creator);
        id = registry.registerModel(kind, COMMITMENT, v, URI, 1, 1, _resources(), minExecWindow, profile);
    }

    function _expectRegisterReverts(
        ModelKind kind,
        uint32 minExecWindow,
        ExecutionProfile memory profile,
        bytes memory err
    ) internal {
        address v = kind == ModelKind.ZK_MLP ? address(verifier) : address(0);
        vm.expectRevert(err);
        vm.prank(creator);
        registry.registerModel(kind, COMMITMENT, v, URI, 1, 1, _resources(), minExecWindow, profile);
    }

    function _invalidProfile(ModelKind kind, ExecutionProfile memory profile) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidProfile.selector, kind, profile);
    }

    function _invalidWindow(uint32 minExecWindow) internal pure returns (bytes memory) {
        return
            abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidMinExecWindow.selector, minExecWindow, ONE_DAY);
    }

    function _notAdmin(address caller) internal view returns (bytes memory) {
        return
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                caller,
                registry.DEFAULT_ADMIN_ROLE()
            );
    }

    function _registerOnnx() internal returns (uint64 id) {
        uint256 artifactHash = uint256(sha256("model")); // before the prank: sha256 is a precompile call
        vm.prank(creator);
        id = registry.registerModel(ModelKind.ONNX, artifactHash, address(0), URI, 3, 1, _resources(), 0, _exact());
        assertEq(registry.getModel(id).creator, creator);
    }

    function _uri(uint256 length) internal pure returns (string memory) {
        bytes memory b = new bytes(length);
        for (uint256 i = 0; i < length; ++i) b[i] = "a";
        return string(b);
    }

    function _eq(Resources memory a, Resources memory b) internal pure returns (bool) {
        return keccak256(abi.encode(a)) == keccak256(abi.encode(b));
    }

    function _eq(ExecutionProfile memory a, ExecutionProfile memory b) internal pure returns (bool) {
        return keccak256(abi.encode(a)) == keccak256(abi.encode(b));
    }

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    function test_constructor_GrantsAdmin() public view {
        assertTrue(registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), admin));
        assertFalse(registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), address(this)));
        assertEq(registry.modelCount(), 0);
        assertEq(registry.MAX_ARTIFACT_URI_LENGTH(), 256);
        assertEq(registry.MAX_MIN_EXEC_WINDOW(), ONE_DAY);
        assertEq(registry.MIN_QUANT_STEP_LOG2(), MIN_STEP);
    }

    function test_constructor_RevertWhen_ZeroAdmin() public {
        vm.expectRevert(IModelRegistry.ModelRegistryZeroAdmin.selector);
        new ModelRegistry(address(0));
    }

    /*//////////////////////////////////////////////////////////////
                             REGISTER MODEL
    //////////////////////////////////////////////////////////////*/

    function test_registerModel_ZkMlp_StoresEverything() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit IModelRegistry.ModelRegistered(
            1,
            creator,
            ModelKind.ZK_MLP,
            address(verifier),
            COMMITMENT,
            URI,
            64,
            10,
            _resources(),
            600,
            _exact(),
            uint40(block.timestamp)
        );
        uint64 id = _registerZk();
        assertEq(id, 1);
        assertEq(registry.modelCount(), 1);

        IModelRegistry.Model memory m = registry.getModel(id);
        assertEq(m.creator, creator);
        assertEq(uint8(m.kind), uint8(ModelKind.ZK_MLP));
        assertTrue(m.active);
        assertEq(m.verifier, address(verifier));
        assertEq(m.weightsCommitment, COMMITMENT);
        assertEq(m.artifactURI, URI);
        assertEq(m.inputSize, 64);
        assertEq(m.outputSize, 10);
        assertTrue(_eq(m.minResources, _resources()));
        assertEq(m.minExecWindow, 600);
        assertTrue(_eq(m.profile, _exact()));
        assertFalse(m.approved, "models start unapproved");
        assertEq(m.registeredAt, uint40(block.timestamp));
        assertFalse(registry.isAdminLocked(id));
    }

    function test_registerModel_OnnxAndWasm_IdsIncrement() public {
        assertEq(_registerZk(), 1);
        assertEq(_registerOnnx(), 2);
        vm.prank(stranger);
        uint64 id = registry.registerModel(ModelKind.WASM, 7, address(0), URI, 1, 1, _resources(), 0, _exact());
        assertEq(id, 3);
        assertEq(registry.modelCount(), 3);
        IModelRegistry.Model memory m = registry.getModel(id);
        assertEq(m.creator, stranger);
        assertEq(uint8(m.kind), uint8(ModelKind.WASM));
        assertEq(m.verifier, address(0));
    }

    function test_registerModel_AcceptsMaxLengthURI() public {
        string memory uri = _uri(256);
        uint64 id = registry.registerModel(ModelKind.WASM, 7, address(0), uri, 1, 1, _resources(), 0, _exact());
        assertEq(registry.getModel(id).artifactURI, uri);
    }

    function test_registerModel_RevertWhen_ZkVerifierHasNoCode() public {
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidVerifier.selector, ModelKind.ZK_MLP, stranger)
        );
        registry.registerModel(ModelKind.ZK_MLP, COMMITMENT, stranger, URI, 1, 1, _resources(), 0, _exact());
    }

    function test_registerModel_RevertWhen_ZkVerifierZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidVerifier.selector, ModelKind.ZK_MLP, address(0))
        );
        registry.registerModel(ModelKind.ZK_MLP, COMMITMENT, address(0), URI, 1, 1, _resources(), 0, _exact());
    }

    function test_registerModel_RevertWhen_ZkCommitmentZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidCommitment.selector, ModelKind.ZK_MLP, 0)
        );
        registry.registerModel(ModelKind.ZK_MLP, 0, address(verifier), URI, 1, 1, _resources(), 0, _exact());
    }

    function test_registerModel_RevertWhen_ZkCommitmentNotInField() public {
        uint256 c = ProofLib.SNARK_SCALAR_FIELD;
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidCommitment.selector, ModelKind.ZK_MLP, c)
        );
        registry.registerModel(ModelKind.ZK_MLP, c, address(verifier), URI, 1, 1, _resources(), 0, _exact());
    }

    function testFuzz_registerModel_ZkCommitmentMustBeFieldElement(uint256 c) public {
        if (c == 0 || c >= ProofLib.SNARK_SCALAR_FIELD) {
            vm.expectRevert(
                abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidCommitment.selector, ModelKind.ZK_MLP, c)
            );
            registry.registerModel(ModelKind.ZK_MLP, c, address(verifier), URI, 1, 1, _resources(), 0, _exact());
        } else {
            uint64 id = registry.registerModel(
                ModelKind.ZK_MLP,
                c,
                address(verifier),
                URI,
                1,
                1,
                _resources(),
                0,
                _exact()
            );
            assertEq(registry.getModel(id).weightsCommitment, c);
        }
    }

    function test_registerModel_RevertWhen_OnnxHasVerifier() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.ModelRegistryInvalidVerifier.selector,
                ModelKind.ONNX,
                address(verifier)
            )
        );
        registry.registerModel(ModelKind.ONNX, COMMITMENT, address(verifier), URI, 1, 1, _resources(), 0, _exact());
    }

    function test_registerModel_RevertWhen_WasmHasVerifier() public {
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidVerifier.selector, ModelKind.WASM, stranger)
        );
        registry.registerModel(ModelKind.WASM, COMMITMENT, stranger, URI, 1, 1, _resources(), 0, _exact());
    }

    function test_registerModel_RevertWhen_OnnxCommitmentZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidCommitment.selector, ModelKind.ONNX, 0)
        );
        registry.registerModel(ModelKind.ONNX, 0, address(0), URI, 1, 1, _resources(), 0, _exact());
    }

    function test_registerModel_OnnxCommitmentMayExceedField() public {
        // sha256 of an artifact is any 256-bit value; only ZK commitments must be field elements.
        uint256 c = type(uint256).max;
        uint64 id = registry.registerModel(ModelKind.ONNX, c, address(0), URI, 1, 1, _resources(), 0, _exact());
        assertEq(registry.getModel(id).weightsCommitment, c);
    }

    function test_registerModel_RevertWhen_URIEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidArtifactURI.selector, 0, 256));
        registry.registerModel(ModelKind.WASM, 7, address(0), "", 1, 1, _resources(), 0, _exact());
    }

    function test_registerModel_RevertWhen_URITooLong() public {
        string memory uri = _uri(257);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidArtifactURI.selector, 257, 256));
        registry.registerModel(ModelKind.WASM, 7, address(0), uri, 1, 1, _resources(), 0, _exact());
    }

    function test_registerModel_RevertWhen_InputSizeZero() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidShape.selector, 0, 1));
        registry.registerModel(ModelKind.WASM, 7, address(0), URI, 0, 1, _resources(), 0, _exact());
    }

    function test_registerModel_RevertWhen_OutputSizeZero() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidShape.selector, 5, 0));
        registry.registerModel(ModelKind.WASM, 7, address(0), URI, 5, 0, _resources(), 0, _exact());
    }

    /*//////////////////////////////////////////////////////////////
                            SET MODEL ACTIVE
    //////////////////////////////////////////////////////////////*/

    function test_setModelActive_CreatorTogglesStatus() public {
        uint64 id = _registerZk();
        vm.expectEmit(true, true, false, true, address(registry));
        emit IModelRegistry.ModelStatusChanged(id, false, creator, false);
        vm.prank(creator);
        registry.setModelActive(id, false);
        assertFalse(registry.getModel(id).active);
        assertFalse(registry.isAdminLocked(id));

        vm.expectEmit(true, true, false, true, address(registry));
        emit IModelRegistry.ModelStatusChanged(id, true, creator, false);
        vm.prank(creator);
        registry.setModelActive(id, true);
        assertTrue(registry.getModel(id).active);
    }

    function test_setModelActive_AdminDeactivationLocksOutCreator() public {
        uint64 id = _registerZk();
        vm.expectEmit(true, true, false, true, address(registry));
        emit IModelRegistry.ModelStatusChanged(id, false, admin, true);
        vm.prank(admin);
        registry.setModelActive(id, false);
        assertFalse(registry.getModel(id).active);
        assertTrue(registry.isAdminLocked(id));

        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryLockedByAdmin.selector, id));
        registry.setModelActive(id, true);

        // The creator may still set it off again (a no-op) without reverting.
        vm.prank(creator);
        registry.setModelActive(id, false);
        assertTrue(registry.isAdminLocked(id));

        vm.expectEmit(true, true, false, true, address(registry));
        emit IModelRegistry.ModelStatusChanged(id, true, admin, false);
        vm.prank(admin);
        registry.setModelActive(id, true);
        assertTrue(registry.getModel(id).active);
        assertFalse(registry.isAdminLocked(id));
    }

    function test_setModelActive_AdminLocksModelTheCreatorAlreadyDeactivated() public {
        uint64 id = _registerZk();
        vm.prank(creator);
        registry.setModelActive(id, false);
        vm.expectEmit(true, true, false, true, address(registry));
        emit IModelRegistry.ModelStatusChanged(id, false, admin, true);
        vm.prank(admin);
        registry.setModelActive(id, false);
        assertTrue(registry.isAdminLocked(id));
    }

    function test_setModelActive_NoOpEmitsNothing() public {
        uint64 id = _registerZk();
        vm.recordLogs();
        vm.prank(creator);
        registry.setModelActive(id, true);
        vm.prank(admin);
        registry.setModelActive(id, true);
        assertEq(vm.getRecordedLogs().length, 0);
    }

    function test_setModelActive_RevertWhen_Stranger() public {
        uint64 id = _registerZk();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryNotCreatorOrAdmin.selector, id, stranger));
        registry.setModelActive(id, false);
    }

    function test_setModelActive_RevertWhen_UnknownModel() public {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryUnknownModel.selector, 1));
        registry.setModelActive(1, false);
    }

    /*//////////////////////////////////////////////////////////////
                            SET ARTIFACT URI
    //////////////////////////////////////////////////////////////*/

    function test_setArtifactURI_CreatorUpdates() public {
        uint64 id = _registerZk();
        vm.expectEmit(true, false, false, true, address(registry));
        emit IModelRegistry.ModelArtifactURIUpdated(id, "ipfs://new");
        vm.prank(creator);
        registry.setArtifactURI(id, "ipfs://new");
        assertEq(registry.getModel(id).artifactURI, "ipfs://new");
    }

    function test_setArtifactURI_RevertWhen_NotCreator() public {
        uint64 id = _registerZk();
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryNotCreator.selector, id, admin));
        registry.setArtifactURI(id, "ipfs://new");
    }

    function test_setArtifactURI_RevertWhen_Invalid() public {
        uint64 id = _registerZk();
        vm.startPrank(creator);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidArtifactURI.selector, 0, 256));
        registry.setArtifactURI(id, "");
        string memory long = _uri(300);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidArtifactURI.selector, 300, 256));
        registry.setArtifactURI(id, long);
        vm.stopPrank();
    }

    function test_setArtifactURI_RevertWhen_UnknownModel() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryUnknownModel.selector, 9));
        registry.setArtifactURI(9, "ipfs://x");
    }

    /*//////////////////////////////////////////////////////////////
                      MINIMUM EXECUTION WINDOW
    //////////////////////////////////////////////////////////////*/

    function test_registerModel_AcceptsMinExecWindowZeroAndOneDay() public {
        uint64 a = _registerKind(ModelKind.ONNX, 0, _exact());
        uint64 b = _registerKind(ModelKind.WASM, ONE_DAY, _exact());
        assertEq(registry.getModel(a).minExecWindow, 0);
        assertEq(registry.getModel(b).minExecWindow, ONE_DAY);
        assertEq(registry.modelForTask(b).minExecWindow, ONE_DAY);
    }

    function test_registerModel_RevertWhen_MinExecWindowAboveOneDay() public {
        _expectRegisterReverts(ModelKind.ONNX, ONE_DAY + 1, _exact(), _invalidWindow(ONE_DAY + 1));
        _expectRegisterReverts(ModelKind.ZK_MLP, type(uint32).max, _exact(), _invalidWindow(type(uint32).max));
        assertEq(registry.modelCount(), 0);
    }

    function testFuzz_registerModel_MinExecWindowBound(uint32 minExecWindow) public {
        if (minExecWindow > ONE_DAY) {
            _expectRegisterReverts(ModelKind.WASM, minExecWindow, _exact(), _invalidWindow(minExecWindow));
        } else {
            uint64 id = _registerKind(ModelKind.WASM, minExecWindow, _exact());
            assertEq(registry.getModel(id).minExecWindow, minExecWindow);
        }
    }

    function test_setMinExecWindow_AdminUpdatesBothViews() public {
        uint64 id = _registerZk();
        vm.expectEmit(true, false, false, true, address(registry));
        emit IModelRegistry.ModelMinExecWindowUpdated(id, ONE_DAY);
        vm.prank(admin);
        registry.setMinExecWindow(id, ONE_DAY);
        assertEq(registry.getModel(id).minExecWindow, ONE_DAY);
        assertEq(registry.modelForTask(id).minExecWindow, ONE_DAY);

        vm.prank(admin);
        registry.setMinExecWindow(id, 0);
        assertEq(registry.getModel(id).minExecWindow, 0);
        // Nothing else of the model moved.
        IModelRegistry.Model memory m = registry.getModel(id);
        assertEq(m.creator, creator);
        assertEq(m.verifier, address(verifier));
        assertEq(m.weightsCommitment, COMMITMENT);
        assertTrue(m.active);
        assertFalse(m.approved);
        assertTrue(_eq(m.minResources, _resources()));
    }

    function test_setMinExecWindow_RevertWhen_AboveOneDay() public {
        uint64 id = _registerZk();
        vm.prank(admin);
        vm.expectRevert(_invalidWindow(ONE_DAY + 1));
        registry.setMinExecWindow(id, ONE_DAY + 1);
        assertEq(registry.getModel(id).minExecWindow, 600);
    }

    function test_setMinExecWindow_RevertWhen_NotAdmin() public {
        uint64 id = _registerZk();
        address[2] memory callers = [creator, stranger];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(_notAdmin(callers[i]));
            vm.prank(callers[i]);
            registry.setMinExecWindow(id, 60);
        }
    }

    function test_setMinExecWindow_RevertWhen_UnknownModel() public {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryUnknownModel.selector, 4));
        registry.setMinExecWindow(4, 60);
    }

    /*//////////////////////////////////////////////////////////////
                           EXECUTION PROFILE
    //////////////////////////////////////////////////////////////*/

    function test_registerModel_StoresFullProfileAndEmitsIt() public {
        ExecutionProfile memory p = ExecutionProfile({
            comparison: Comparison.QUANTISED,
            quantStepLog2: -12,
            intraOpThreads: 1,
            graphOptimization: GraphOptimization.BASIC,
            target: ExecutionTarget.ANY,
            runtimeVersion: 1_030_000
        });
        uint256 artifactHash = uint256(sha256("model"));
        vm.expectEmit(true, true, true, true, address(registry));
        emit IModelRegistry.ModelRegistered(
            1,
            creator,
            ModelKind.ONNX,
            address(0),
            artifactHash,
            URI,
            3,
            1,
            _resources(),
            120,
            p,
            uint40(block.timestamp)
        );
        vm.prank(creator);
        uint64 id = registry.registerModel(ModelKind.ONNX, artifactHash, address(0), URI, 3, 1, _resources(), 120, p);
        ExecutionProfile memory got = registry.getModel(id).profile;
        assertEq(uint8(got.comparison), uint8(Comparison.QUANTISED));
        assertEq(got.quantStepLog2, -12);
        assertEq(got.intraOpThreads, 1);
        assertEq(uint8(got.graphOptimization), uint8(GraphOptimization.BASIC));
        assertEq(uint8(got.target), uint8(ExecutionTarget.ANY));
        assertEq(got.runtimeVersion, 1_030_000);
    }

    function test_registerModel_QuantisedOnnxStepBounds() public {
        // Both ends of [-24, 0] are accepted ...
        uint64 a = _registerKind(ModelKind.ONNX, 0, _quantised(MIN_STEP));
        uint64 b = _registerKind(ModelKind.ONNX, 0, _quantised(0));
        assertEq(registry.getModel(a).profile.quantStepLog2, -24);
        assertEq(registry.getModel(b).profile.quantStepLog2, 0);
        // ... and one past either end is not.
        _expectRegisterReverts(ModelKind.ONNX, 0, _quantised(-25), _invalidProfile(ModelKind.ONNX, _quantised(-25)));
        _expectRegisterReverts(ModelKind.ONNX, 0, _quantised(1), _invalidProfile(ModelKind.ONNX, _quantised(1)));
        _expectRegisterReverts(
            ModelKind.ONNX,
            0,
            _quantised(type(int8).min),
            _invalidProfile(ModelKind.ONNX, _quantised(type(int8).min))
        );
        _expectRegisterReverts(
            ModelKind.ONNX,
            0,
            _quantised(type(int8).max),
            _invalidProfile(ModelKind.ONNX, _quantised(type(int8).max))
        );
        assertEq(registry.modelCount(), 2);
    }

    function test_registerModel_RevertWhen_QuantisedOnWasmOrZk() public {
        // A step well inside the ONNX range: only the kind is wrong.
        _expectRegisterReverts(ModelKind.WASM, 0, _quantised(-12), _invalidProfile(ModelKind.WASM, _quantised(-12)));
        _expectRegisterReverts(
            ModelKind.ZK_MLP,
            0,
            _quantised(-12),
            _invalidProfile(ModelKind.ZK_MLP, _quantised(-12))
        );
        _expectRegisterReverts(ModelKind.WASM, 0, _quantised(0), _invalidProfile(ModelKind.WASM, _quantised(0)));
        assertEq(registry.modelCount(), 0);
    }

    function test_registerModel_RevertWhen_ExactWithNonZeroStep() public {
        ModelKind[3] memory kinds = [ModelKind.ZK_MLP, ModelKind.ONNX, ModelKind.WASM];
        int8[2] memory steps = [int8(-1), int8(1)];
        for (uint256 k; k < kinds.length; ++k) {
            for (uint256 s; s < steps.length; ++s) {
                ExecutionProfile memory p = _exact();
                p.quantStepLog2 = steps[s];
                _expectRegisterReverts(kinds[k], 0, p, _invalidProfile(kinds[k], p));
            }
        }
        // EXACT with step 0 is fine for every kind.
        for (uint256 k; k < kinds.length; ++k) _registerKind(kinds[k], 0, _exact());
        assertEq(registry.modelCount(), 3);
    }

    function testFuzz_registerModel_ProfileRule(uint8 kindSeed, bool quantised, int8 step, uint8 threads) public {
        ModelKind kind = ModelKind(kindSeed % 3);
        ExecutionProfile memory p = quantised ? _quantised(step) : _exact();
        p.quantStepLog2 = step;
        p.intraOpThreads = threads;
        bool valid = quantised ? kind == ModelKind.ONNX && step >= -24 && step <= 0 : step == 0;
        if (valid) {
            uint64 id = _registerKind(kind, 0, p);
            assertTrue(_eq(registry.getModel(id).profile, p));
        } else {
            _expectRegisterReverts(kind, 0, p, _invalidProfile(kind, p));
        }
    }

    /*//////////////////////////////////////////////////////////////
                               APPROVAL
    //////////////////////////////////////////////////////////////*/

    function test_setModelApproved_OnnxApproveAndWithdraw() public {
        uint64 id = _registerOnnx();
        vm.expectEmit(true, false, false, true, address(registry));
        emit IModelRegistry.ModelApprovalChanged(id, true);
        vm.prank(admin);
        registry.setModelApproved(id, true);
        assertTrue(registry.getModel(id).approved);
        assertTrue(registry.modelForTask(id).approved);

        vm.expectEmit(true, false, false, true, address(registry));
        emit IModelRegistry.ModelApprovalChanged(id, false);
        vm.prank(admin);
        registry.setModelApproved(id, false);
        assertFalse(registry.getModel(id).approved);
        assertFalse(registry.modelForTask(id).approved);
    }

    function test_setModelApproved_WasmNeedsNoCodeHash() public {
        uint64 id = _registerKind(ModelKind.WASM, 0, _exact());
        vm.prank(admin);
        registry.setModelApproved(id, true);
        assertTrue(registry.getModel(id).approved);
    }

    function test_setModelApproved_NoOpEmitsNothing() public {
        uint64 id = _registerOnnx();
        vm.recordLogs();
        vm.prank(admin);
        registry.setModelApproved(id, false); // already unapproved
        assertEq(vm.getRecordedLogs().length, 0);

        vm.prank(admin);
        registry.setModelApproved(id, true);
        vm.recordLogs();
        vm.prank(admin);
        registry.setModelApproved(id, true); // already approved
        assertEq(vm.getRecordedLogs().length, 0);
        assertTrue(registry.getModel(id).approved);
    }

    function test_setModelApproved_ZkRevertWhen_CodeHashNotAllowlisted() public {
        uint64 id = _registerZk();
        bytes32 codeHash = keccak256(address(verifier).code);
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryVerifierNotApproved.selector, id, codeHash));
        registry.setModelApproved(id, true);
        assertFalse(registry.getModel(id).approved);
    }

    function test_setModelApproved_ZkWithAllowlistedCodeHashOnly() public {
        // Two real verifiers with different code: the generated MNIST verifier and the mock.
        MnistMlpVerifier real = new MnistMlpVerifier();
        bytes32 realHash = keccak256(address(real).code);
        bytes32 mockHash = keccak256(address(verifier).code);
        assertTrue(realHash != mockHash);
        uint64 realModel = _registerZkWith(address(real));
        uint64 mockModel = _registerZkWith(address(verifier));

        vm.expectEmit(true, false, false, true, address(registry));
        emit IModelRegistry.VerifierCodeHashApprovalChanged(realHash, true);
        vm.prank(admin);
        registry.setVerifierCodeHashApproved(realHash, true);
        assertTrue(registry.isVerifierCodeHashApproved(realHash));
        assertFalse(registry.isVerifierCodeHashApproved(mockHash));

        vm.expectEmit(true, false, false, true, address(registry));
        emit IModelRegistry.ModelApprovalChanged(realModel, true);
        vm.prank(admin);
        registry.setModelApproved(realModel, true);
        assertTrue(registry.getModel(realModel).approved);

        // The other verifier's code is still not allowlisted.
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistryVerifierNotApproved.selector, mockModel, mockHash)
        );
        registry.setModelApproved(mockModel, true);
        assertFalse(registry.getModel(mockModel).approved);
    }

    function test_setModelApproved_CodeHashCoversEveryDeploymentOfThatCode() public {
        MockVerifier twin = new MockVerifier(stranger); // same runtime code, other owner and address
        assertEq(keccak256(address(twin).code), keccak256(address(verifier).code));
        uint64 id = _registerZkWith(address(twin));
        vm.startPrank(admin);
        registry.setVerifierCodeHashApproved(keccak256(address(verifier).code), true);
        registry.setModelApproved(id, true);
        vm.stopPrank();
        assertTrue(registry.getModel(id).approved);
    }

    function test_setModelApproved_ZkCodeHashRemovalKeepsExistingApproval() public {
        uint64 id = _registerZk();
        uint64 later = _registerZk();
        bytes32 codeHash = keccak256(address(verifier).code);
        vm.startPrank(admin);
        registry.setVerifierCodeHashApproved(codeHash, true);
        registry.setModelApproved(id, true);
        registry.setVerifierCodeHashApproved(codeHash, false);
        vm.stopPrank();
        assertFalse(registry.isVerifierCodeHashApproved(codeHash));
        // Documented: removing the hash does not withdraw approvals already given ...
        assertTrue(registry.getModel(id).approved);
        // ... re-approving it is a no-op (no revert, no event) ...
        vm.recordLogs();
        vm.prank(admin);
        registry.setModelApproved(id, true);
        assertEq(vm.getRecordedLogs().length, 0);
        // ... a new approval of the same code is refused ...
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistryVerifierNotApproved.selector, later, codeHash)
        );
        registry.setModelApproved(later, true);
        // ... and withdrawing needs no allowlisted hash.
        vm.prank(admin);
        registry.setModelApproved(id, false);
        assertFalse(registry.getModel(id).approved);
    }

    function test_setModelApproved_RevertWhen_NotAdmin() public {
        uint64 id = _registerOnnx();
        address[2] memory callers = [creator, stranger];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(_notAdmin(callers[i]));
            vm.prank(callers[i]);
            registry.setModelApproved(id, true);
        }
        assertFalse(registry.getModel(id).approved);
    }

    function test_setModelApproved_RevertWhen_UnknownModel() public {
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryUnknownModel.selector, 1));
        registry.setModelApproved(1, true);
    }

    function test_setModelApproved_IndependentOfActiveFlag() public {
        uint64 id = _registerOnnx();
        vm.startPrank(admin);
        registry.setModelActive(id, false);
        registry.setModelApproved(id, true);
        vm.stopPrank();
        IModelRegistry.TaskModel memory t = registry.modelForTask(id);
        assertFalse(t.active);
        assertTrue(t.approved);
        assertTrue(registry.isAdminLocked(id));
    }

    function test_setVerifierCodeHashApproved_NoOpEmitsNothing() public {
        bytes32 h = keccak256("code");
        vm.recordLogs();
        vm.prank(admin);
        registry.setVerifierCodeHashApproved(h, false);
        assertEq(vm.getRecordedLogs().length, 0);
        vm.prank(admin);
        registry.setVerifierCodeHashApproved(h, true);
        vm.recordLogs();
        vm.prank(admin);
        registry.setVerifierCodeHashApproved(h, true);
        assertEq(vm.getRecordedLogs().length, 0);
        assertTrue(registry.isVerifierCodeHashApproved(h));

        vm.expectEmit(true, false, false, true, address(registry));
        emit IModelRegistry.VerifierCodeHashApprovalChanged(h, false);
        vm.prank(admin);
        registry.setVerifierCodeHashApproved(h, false);
        assertFalse(registry.isVerifierCodeHashApproved(h));
    }

    function test_setVerifierCodeHashApproved_RevertWhen_NotAdmin() public {
        bytes32 h = keccak256(address(verifier).code);
        vm.expectRevert(_notAdmin(creator));
        vm.prank(creator);
        registry.setVerifierCodeHashApproved(h, true);
        assertFalse(registry.isVerifierCodeHashApproved(h));
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function test_modelForTask_ReturnsHotPathFields() public {
        _registerOnnx();
        uint64 id = _registerZk();
        IModelRegistry.TaskModel memory t = registry.modelForTask(id);
        assertEq(uint8(t.kind), uint8(ModelKind.ZK_MLP));
        assertTrue(t.active);
        assertFalse(t.approved);
        assertEq(t.verifier, address(verifier));
        assertEq(t.creator, creator);
        assertEq(t.weightsCommitment, COMMITMENT);
        assertEq(t.minExecWindow, 600);
        assertTrue(_eq(t.minResources, _resources()));

        vm.prank(creator);
        registry.setModelActive(id, false);
        assertFalse(registry.modelForTask(id).active);
    }

    function test_modelForTask_RevertWhen_UnknownModel() public {
        _registerZk();
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryUnknownModel.selector, 0));
        registry.modelForTask(0);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryUnknownModel.selector, 2));
        registry.modelForTask(2);
    }

    function test_getModel_RevertWhen_UnknownModel() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryUnknownModel.selector, 0));
        registry.getModel(0);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryUnknownModel.selector, 1));
        registry.getModel(1);
    }

    function test_isAdminLocked_RevertWhen_UnknownModel() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryUnknownModel.selector, 3));
        registry.isAdminLocked(3);
    }

    function testFuzz_registerModel_RoundTripsThroughViews(
        uint256 commitment,
        uint32 inputSize,
        uint32 outputSize,
        Resources memory minResources,
        uint32 minExecWindow,
        address who
    ) public {
        commitment = bound(commitment, 1, ProofLib.SNARK_SCALAR_FIELD - 1);
        inputSize = uint32(bound(inputSize, 1, type(uint32).max));
        outputSize = uint32(bound(outputSize, 1, type(uint32).max));
        minExecWindow = uint32(bound(minExecWindow, 0, ONE_DAY));
        vm.assume(who != address(0));
        vm.prank(who);
        uint64 id = registry.registerModel(
            ModelKind.ZK_MLP,
            commitment,
            address(verifier),
            URI,
            inputSize,
            outputSize,
            minResources,
            minExecWindow,
            _exact()
        );
        IModelRegistry.Model memory m = registry.getModel(id);
        assertEq(m.creator, who);
        assertEq(m.inputSize, inputSize);
        assertEq(m.outputSize, outputSize);
        assertEq(m.minExecWindow, minExecWindow);
        assertTrue(_eq(m.minResources, minResources));
        IModelRegistry.TaskModel memory t = registry.modelForTask(id);
        assertEq(t.creator, who);
        assertEq(t.weightsCommitment, commitment);
        assertEq(t.minExecWindow, minExecWindow);
        assertTrue(_eq(t.minResources, minResources));
    }
}

/// @notice Tests of the MockVerifier test double (the TaskMarket tests rely on its rule).
contract MockVerifierTest is Test {
    MockVerifier internal verifier;
    address internal owner = makeAddr("owner");

    function setUp() public {
        verifier = new MockVerifier(owner);
    }

    function _signals() internal pure returns (uint256[4] memory s) {
        s = [uint256(11), 22, 33, 44];
    }

    function test_verifyProof_AcceptsCraftedProof() public view {
        uint256[4] memory s = _signals();
        ProofLib.Proof memory p = verifier.proofFor(s);
        assertEq(p.a[0], uint256(keccak256(abi.encode(s))));
        assertTrue(verifier.verifyProof(p.a, p.b, p.c, s));
    }

    function testFuzz_verifyProof_RejectsTamperedSignal(uint8 index, uint256 delta) public view {
        uint256[4] memory s = _signals();
        ProofLib.Proof memory p = verifier.proofFor(s);
        delta = bound(delta, 1, 1e30);
        s[index % 4] += delta;
        assertFalse(verifier.verifyProof(p.a, p.b, p.c, s));
    }

    function test_verifyProof_RejectsSignalOutsideField() public view {
        uint256[4] memory s = [ProofLib.SNARK_SCALAR_FIELD, 1, 2, 3];
        ProofLib.Proof memory p;
        p.a[0] = uint256(keccak256(abi.encode(s)));
        assertFalse(verifier.verifyProof(p.a, p.b, p.c, s));
    }

    function test_setAlwaysFalse_ForcesFailure() public {
        uint256[4] memory s = _signals();
        ProofLib.Proof memory p = verifier.proofFor(s);
        vm.expectEmit(false, false, false, true, address(verifier));
        emit MockVerifier.AlwaysFalseSet(true);
        vm.prank(owner);
        verifier.setAlwaysFalse(true);
        assertTrue(verifier.alwaysFalse());
        assertFalse(verifier.verifyProof(p.a, p.b, p.c, s));
        vm.prank(owner);
        verifier.setAlwaysFalse(false);
        assertTrue(verifier.verifyProof(p.a, p.b, p.c, s));
    }

    function test_setAlwaysFalse_RevertWhen_NotOwner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        verifier.setAlwaysFalse(true);
    }
}
