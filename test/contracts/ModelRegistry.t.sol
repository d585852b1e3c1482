// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ModelRegistry} from "../../contracts/registry/ModelRegistry.sol";
import {IModelRegistry} from "../../contracts/interfaces/IModelRegistry.sol";
import {MockVerifier} from "../../contracts/mocks/MockVerifier.sol";
import {ProofLib} from "../../contracts/libraries/ProofLib.sol";
import {ModelKind, Resources} from "../../contracts/types/Resources.sol";

contract ModelRegistryTest is Test {
    ModelRegistry internal registry;
    MockVerifier internal verifier;

    address internal admin = makeAddr("admin");
    address internal creator = makeAddr("creator");
    address internal stranger = makeAddr("stranger");

    uint256 internal constant COMMITMENT = 0x1234;
    string internal constant URI = "http://127.0.0.1:8787/blobs/abc";

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

    function _registerZk() internal returns (uint64 id) {
        vm.prank(creator);
        id = registry.registerModel(ModelKind.ZK_MLP, COMMITMENT, address(verifier), URI, 64, 10, _resources());
    }

    function _registerOnnx() internal returns (uint64 id) {
        uint256 artifactHash = uint256(sha256("model")); // before the prank: sha256 is a precompile call
        vm.prank(creator);
        id = registry.registerModel(ModelKind.ONNX, artifactHash, address(0), URI, 3, 1, _resources());
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

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    function test_constructor_GrantsAdmin() public view {
        assertTrue(registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), admin));
        assertFalse(registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), address(this)));
        assertEq(registry.modelCount(), 0);
        assertEq(registry.MAX_ARTIFACT_URI_LENGTH(), 256);
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
        assertEq(m.registeredAt, uint40(block.timestamp));
        assertFalse(registry.isAdminLocked(id));
    }

    function test_registerModel_OnnxAndWasm_IdsIncrement() public {
        assertEq(_registerZk(), 1);
        assertEq(_registerOnnx(), 2);
        vm.prank(stranger);
        uint64 id = registry.registerModel(ModelKind.WASM, 7, address(0), URI, 1, 1, _resources());
        assertEq(id, 3);
        assertEq(registry.modelCount(), 3);
        IModelRegistry.Model memory m = registry.getModel(id);
        assertEq(m.creator, stranger);
        assertEq(uint8(m.kind), uint8(ModelKind.WASM));
        assertEq(m.verifier, address(0));
    }

    function test_registerModel_AcceptsMaxLengthURI() public {
        string memory uri = _uri(256);
        uint64 id = registry.registerModel(ModelKind.WASM, 7, address(0), uri, 1, 1, _resources());
        assertEq(registry.getModel(id).artifactURI, uri);
    }

    function test_registerModel_RevertWhen_ZkVerifierHasNoCode() public {
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidVerifier.selector, ModelKind.ZK_MLP, stranger)
        );
        registry.registerModel(ModelKind.ZK_MLP, COMMITMENT, stranger, URI, 1, 1, _resources());
    }

    function test_registerModel_RevertWhen_ZkVerifierZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidVerifier.selector, ModelKind.ZK_MLP, address(0))
        );
        registry.registerModel(ModelKind.ZK_MLP, COMMITMENT, address(0), URI, 1, 1, _resources());
    }

    function test_registerModel_RevertWhen_ZkCommitmentZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidCommitment.selector, ModelKind.ZK_MLP, 0)
        );
        registry.registerModel(ModelKind.ZK_MLP, 0, address(verifier), URI, 1, 1, _resources());
    }

    function test_registerModel_RevertWhen_ZkCommitmentNotInField() public {
        uint256 c = ProofLib.SNARK_SCALAR_FIELD;
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidCommitment.selector, ModelKind.ZK_MLP, c)
        );
        registry.registerModel(ModelKind.ZK_MLP, c, address(verifier), URI, 1, 1, _resources());
    }

    function testFuzz_registerModel_ZkCommitmentMustBeFieldElement(uint256 c) public {
        if (c == 0 || c >= ProofLib.SNARK_SCALAR_FIELD) {
            vm.expectRevert(
                abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidCommitment.selector, ModelKind.ZK_MLP, c)
            );
            registry.registerModel(ModelKind.ZK_MLP, c, address(verifier), URI, 1, 1, _resources());
        } else {
            uint64 id = registry.registerModel(ModelKind.ZK_MLP, c, address(verifier), URI, 1, 1, _resources());
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
        registry.registerModel(ModelKind.ONNX, COMMITMENT, address(verifier), URI, 1, 1, _resources());
    }

    function test_registerModel_RevertWhen_WasmHasVerifier() public {
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidVerifier.selector, ModelKind.WASM, stranger)
        );
        registry.registerModel(ModelKind.WASM, COMMITMENT, stranger, URI, 1, 1, _resources());
    }

    function test_registerModel_RevertWhen_OnnxCommitmentZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidCommitment.selector, ModelKind.ONNX, 0)
        );
        registry.registerModel(ModelKind.ONNX, 0, address(0), URI, 1, 1, _resources());
    }

    function test_registerModel_OnnxCommitmentMayExceedField() public {
        // sha256 of an artifact is any 256-bit value; only ZK commitments must be field elements.
        uint256 c = type(uint256).max;
        uint64 id = registry.registerModel(ModelKind.ONNX, c, address(0), URI, 1, 1, _resources());
        assertEq(registry.getModel(id).weightsCommitment, c);
    }

    function test_registerModel_RevertWhen_URIEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidArtifactURI.selector, 0, 256));
        registry.registerModel(ModelKind.WASM, 7, address(0), "", 1, 1, _resources());
    }

    function test_registerModel_RevertWhen_URITooLong() public {
        string memory uri = _uri(257);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidArtifactURI.selector, 257, 256));
        registry.registerModel(ModelKind.WASM, 7, address(0), uri, 1, 1, _resources());
    }

    function test_registerModel_RevertWhen_InputSizeZero() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidShape.selector, 0, 1));
        registry.registerModel(ModelKind.WASM, 7, address(0), URI, 0, 1, _resources());
    }

    function test_registerModel_RevertWhen_OutputSizeZero() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryInvalidShape.selector, 5, 0));
        registry.registerModel(ModelKind.WASM, 7, address(0), URI, 5, 0, _resources());
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
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function test_modelForTask_ReturnsHotPathFields() public {
        _registerOnnx();
        uint64 id = _registerZk();
        (
            ModelKind kind,
            bool active,
            address v,
            address c,
            uint256 commitment,
            Resources memory minResources
        ) = registry.modelForTask(id);
        assertEq(uint8(kind), uint8(ModelKind.ZK_MLP));
        assertTrue(active);
        assertEq(v, address(verifier));
        assertEq(c, creator);
        assertEq(commitment, COMMITMENT);
        assertTrue(_eq(minResources, _resources()));

        vm.prank(creator);
        registry.setModelActive(id, false);
        (, active, , , , ) = registry.modelForTask(id);
        assertFalse(active);
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
        address who
    ) public {
        commitment = bound(commitment, 1, ProofLib.SNARK_SCALAR_FIELD - 1);
        inputSize = uint32(bound(inputSize, 1, type(uint32).max));
        outputSize = uint32(bound(outputSize, 1, type(uint32).max));
        vm.assume(who != address(0));
        vm.prank(who);
        uint64 id = registry.registerModel(
            ModelKind.ZK_MLP,
            commitment,
            address(verifier),
            URI,
            inputSize,
            outputSize,
            minResources
        );
        IModelRegistry.Model memory m = registry.getModel(id);
        assertEq(m.creator, who);
        assertEq(m.inputSize, inputSize);
        assertEq(m.outputSize, outputSize);
        assertTrue(_eq(m.minResources, minResources));
        (, , , address c, uint256 wc, Resources memory r) = registry.modelForTask(id);
        assertEq(c, who);
        assertEq(wc, commitment);
        assertTrue(_eq(r, minResources));
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
