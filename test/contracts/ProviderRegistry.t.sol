// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ProviderRegistry} from "../../contracts/registry/ProviderRegistry.sol";
import {IProviderRegistry} from "../../contracts/interfaces/IProviderRegistry.sol";
import {BenchmarkClass, Resources, ResourcesLib} from "../../contracts/types/Resources.sol";

contract ProviderRegistryTest is Test {
    uint32 private constant MEDIUM = 1_000;
    uint32 private constant HIGH = 5_000;
    bytes32 private constant KEY = keccak256("x25519-key");
    string private constant GPU = "NVIDIA H100 80GB HBM3";
    string private constant URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

    ProviderRegistry private registry;
    address private admin = makeAddr("admin");
    address private alice = makeAddr("alice");
    address private bob = makeAddr("bob");
    address private op1 = makeAddr("op1");
    address private op2 = makeAddr("op2");
    address private stranger = makeAddr("stranger");

    function setUp() public {
        vm.warp(1_700_000_000);
        registry = new ProviderRegistry(admin, MEDIUM, HIGH);
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _resources(uint32 score) private pure returns (Resources memory) {
        return
            Resources({
                vramMiB: 81_920,
                computeCapability: 90,
                cpuCores: 32,
                ramMiB: 262_144,
                storageGiB: 2_000,
                bandwidthMbps: 10_000,
                benchmarkScore: score,
                region: 276
            });
    }

    function _register(address who) private {
        vm.prank(who);
        registry.register(_resources(6_000), GPU, KEY, URI);
    }

    /// @dev The provider offers the role (step one; binds nobody).
    function _offer(address provider, address operator) private {
        vm.prank(provider);
        registry.authorizeOperator(operator);
    }

    /// @dev The operator accepts the provider's offer (step two).
    function _accept(address provider, address operator) private {
        vm.prank(operator);
        registry.acceptOperator(provider);
    }

    /// @dev Both steps: `operator` acts for `provider` afterwards.
    function _link(address provider, address operator) private {
        _offer(provider, operator);
        _accept(provider, operator);
    }

    function _assertResourcesEq(Resources memory a, Resources memory b) private pure {
        assertEq(keccak256(abi.encode(a)), keccak256(abi.encode(b)), "resources differ");
    }

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    function test_constructor_SetsThresholdsAndAdmin() public view {
        (uint32 medium, uint32 high) = registry.classThresholds();
        assertEq(medium, MEDIUM);
        assertEq(high, HIGH);
        assertTrue(registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), admin));
    }

    function test_constructor_EmitsThresholds() public {
        vm.expectEmit();
        emit IProviderRegistry.ClassThresholdsUpdated(0, 0, MEDIUM, HIGH);
        new ProviderRegistry(admin, MEDIUM, HIGH);
    }

    function test_constructor_RevertWhen_AdminZero() public {
        vm.expectRevert(IProviderRegistry.ProviderRegistryZeroAdmin.selector);
        new ProviderRegistry(address(0), MEDIUM, HIGH);
    }

    function test_constructor_RevertWhen_ThresholdsNotIncreasing() public {
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryInvalidThresholds.selector, 5, 5));
        new ProviderRegistry(admin, 5, 5);
    }

    /*//////////////////////////////////////////////////////////////
                                REGISTER
    //////////////////////////////////////////////////////////////*/

    function test_register_StoresFullProfile() public {
        Resources memory res = _resources(6_000);
        vm.expectEmit(address(registry));
        emit IProviderRegistry.ProviderRegistered(alice, res, BenchmarkClass.High, GPU, KEY, URI);
        _register(alice);

        IProviderRegistry.ProviderInfo memory info = registry.getProvider(alice);
        _assertResourcesEq(info.resources, res);
        assertEq(uint8(info.benchmarkClass), uint8(BenchmarkClass.High));
        assertEq(info.x25519PublicKey, KEY);
        assertEq(info.gpuModel, GPU);
        assertEq(info.metadataURI, URI);
        assertTrue(info.active);
        assertEq(info.registeredAt, block.timestamp);
        assertEq(info.lastHeartbeat, 0);
        assertEq(info.operatorCount, 0);

        assertTrue(registry.isRegistered(alice));
        assertEq(registry.resolveProvider(alice), alice);
        assertEq(registry.x25519KeyOf(alice), KEY);
        (bool active, Resources memory eligible) = registry.eligibilityOf(alice);
        assertTrue(active);
        _assertResourcesEq(eligible, res);
    }

    function test_register_AllowsEmptyStringsAndMaxLengths() public {
        vm.prank(alice);
        registry.register(_resources(0), "", KEY, "");
        assertEq(registry.getProvider(alice).gpuModel, "");

        string memory gpu64 = string(new bytes(64));
        string memory uri256 = string(new bytes(256));
        vm.prank(bob);
        registry.register(_resources(0), gpu64, KEY, uri256);
        assertEq(bytes(registry.getProvider(bob).gpuModel).length, 64);
        assertEq(bytes(registry.getProvider(bob).metadataURI).length, 256);
    }

    function test_register_RevertWhen_AlreadyRegistered() public {
        _register(alice);
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryAlreadyRegistered.selector, alice));
        _register(alice);
    }

    function test_register_RevertWhen_CallerIsOperator() public {
        _register(alice);
        _link(alice, op1);
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryAccountIsOperator.selector, op1, alice)
        );
        _register(op1);
    }

    function test_register_RevertWhen_GpuModelTooLong() public {
        string memory gpu65 = string(new bytes(65));
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryGpuModelTooLong.selector, 65, 64));
        vm.prank(alice);
        registry.register(_resources(1), gpu65, KEY, URI);
    }

    function test_register_RevertWhen_MetadataURITooLong() public {
        string memory uri257 = string(new bytes(257));
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryMetadataURITooLong.selector, 257, 256)
        );
        vm.prank(alice);
        registry.register(_resources(1), GPU, KEY, uri257);
    }

    function test_register_RevertWhen_KeyZero() public {
        vm.expectRevert(IProviderRegistry.ProviderRegistryZeroX25519Key.selector);
        vm.prank(alice);
        registry.register(_resources(1), GPU, bytes32(0), URI);
    }

    function test_register_RevertWhen_NoCpuCores() public {
        Resources memory res = _resources(1);
        res.cpuCores = 0;
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryInvalidResources.selector, 0, res.ramMiB)
        );
        vm.prank(alice);
        registry.register(res, GPU, KEY, URI);
    }

    function test_register_RevertWhen_NoRam() public {
        Resources memory res = _resources(1);
        res.ramMiB = 0;
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryInvalidResources.selector, res.cpuCores, 0)
        );
        vm.prank(alice);
        registry.register(res, GPU, KEY, URI);
    }

    /*//////////////////////////////////////////////////////////////
                             UPDATE PROFILE
    //////////////////////////////////////////////////////////////*/

    function test_updateProfile_ReplacesProfile() public {
        _register(alice);
        Resources memory res = _resources(2_000);
        res.vramMiB = 24_576;
        bytes32 newKey = keccak256("new-key");
        vm.expectEmit(address(registry));
        emit IProviderRegistry.ProviderUpdated(alice, res, BenchmarkClass.Medium, "RTX 4090", newKey, "https://a.b");
        vm.prank(alice);
        registry.updateProfile(res, "RTX 4090", newKey, "https://a.b");

        IProviderRegistry.ProviderInfo memory info = registry.getProvider(alice);
        _assertResourcesEq(info.resources, res);
        assertEq(uint8(info.benchmarkClass), uint8(BenchmarkClass.Medium));
        assertEq(info.x25519PublicKey, newKey);
        assertEq(info.gpuModel, "RTX 4090");
        assertEq(info.metadataURI, "https://a.b");
        assertTrue(info.active);
    }

    function test_updateProfile_RevertWhen_NotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNotRegistered.selector, alice));
        vm.prank(alice);
        registry.updateProfile(_resources(1), GPU, KEY, URI);
    }

    function test_updateProfile_RevertWhen_OperatorCalls() public {
        _register(alice);
        _link(alice, op1);
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNotRegistered.selector, op1));
        vm.prank(op1);
        registry.updateProfile(_resources(1), GPU, KEY, URI);
    }

    function test_updateProfile_RevertWhen_InvalidProfile() public {
        _register(alice);
        vm.startPrank(alice);
        vm.expectRevert(IProviderRegistry.ProviderRegistryZeroX25519Key.selector);
        registry.updateProfile(_resources(1), GPU, bytes32(0), URI);
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryGpuModelTooLong.selector, 65, 64));
        registry.updateProfile(_resources(1), string(new bytes(65)), KEY, URI);
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryMetadataURITooLong.selector, 257, 256)
        );
        registry.updateProfile(_resources(1), GPU, KEY, string(new bytes(257)));
        Resources memory res = _resources(1);
        res.cpuCores = 0;
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryInvalidResources.selector, 0, res.ramMiB)
        );
        registry.updateProfile(res, GPU, KEY, URI);
        vm.stopPrank();
    }

    /*//////////////////////////////////////////////////////////////
                         DEACTIVATE / REACTIVATE
    //////////////////////////////////////////////////////////////*/

    function test_deactivate_ThenReactivate() public {
        _register(alice);
        vm.expectEmit(address(registry));
        emit IProviderRegistry.ProviderDeactivated(alice);
        vm.prank(alice);
        registry.deactivate();
        (bool active, ) = registry.eligibilityOf(alice);
        assertFalse(active);
        assertFalse(registry.getProvider(alice).active);
        assertTrue(registry.isRegistered(alice));

        vm.expectEmit(address(registry));
        emit IProviderRegistry.ProviderReactivated(alice);
        vm.prank(alice);
        registry.reactivate();
        (active, ) = registry.eligibilityOf(alice);
        assertTrue(active);
    }

    function test_deactivate_RevertWhen_AlreadyInactive() public {
        _register(alice);
        vm.startPrank(alice);
        registry.deactivate();
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryAlreadyInactive.selector, alice));
        registry.deactivate();
        vm.stopPrank();
    }

    function test_deactivate_RevertWhen_NotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNotRegistered.selector, alice));
        vm.prank(alice);
        registry.deactivate();
    }

    function test_deactivate_RevertWhen_OperatorCalls() public {
        _register(alice);
        _link(alice, op1);
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNotRegistered.selector, op1));
        vm.prank(op1);
        registry.deactivate();
    }

    function test_reactivate_RevertWhen_AlreadyActive() public {
        _register(alice);
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryAlreadyActive.selector, alice));
        vm.prank(alice);
        registry.reactivate();
    }

    function test_reactivate_RevertWhen_NotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNotRegistered.selector, alice));
        vm.prank(alice);
        registry.reactivate();
    }

    /*//////////////////////////////////////////////////////////////
                          OPERATORS: OFFER
    //////////////////////////////////////////////////////////////*/

    function test_authorizeOperator_OnlyOffers() public {
        _register(alice);
        vm.expectEmit(address(registry));
        emit IProviderRegistry.OperatorOffered(alice, op1);
        _offer(alice, op1);

        assertTrue(registry.isOperatorOffered(alice, op1));
        // An offer binds nobody: op1 does not act for alice yet.
        assertEq(registry.operatorOwnerOf(op1), address(0));
        assertEq(registry.resolveProvider(op1), address(0));
        assertEq(registry.getProvider(alice).operatorCount, 0);
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNotProviderOrOperator.selector, op1));
        vm.prank(op1);
        registry.heartbeat();
    }

    function test_authorizeOperator_RepeatedOfferStaysOneOffer() public {
        _register(alice);
        _offer(alice, op1);
        _offer(alice, op1);
        _accept(alice, op1);
        assertFalse(registry.isOperatorOffered(alice, op1));
        assertEq(registry.getProvider(alice).operatorCount, 1);
    }

    function test_authorizeOperator_AllowedWhileInactive() public {
        _register(alice);
        vm.prank(alice);
        registry.deactivate();
        _offer(alice, op1);
        _accept(alice, op1); // the provider only needs to be registered, not active
        assertEq(registry.operatorOwnerOf(op1), alice);
    }

    function test_authorizeOperator_RevertWhen_OperatorOfAnotherProvider() public {
        _register(alice);
        _register(bob);
        _link(alice, op1);
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryOperatorAlreadyAuthorized.selector, op1, alice)
        );
        _offer(bob, op1);
    }

    function test_authorizeOperator_RevertWhen_AlreadyOwnOperator() public {
        _register(alice);
        _link(alice, op1);
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryOperatorAlreadyAuthorized.selector, op1, alice)
        );
        _offer(alice, op1);
    }

    function test_authorizeOperator_RevertWhen_OperatorIsProvider() public {
        _register(alice);
        _register(bob);
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryOperatorIsProvider.selector, bob));
        _offer(alice, bob);
    }

    function test_authorizeOperator_RevertWhen_Self() public {
        _register(alice);
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryOperatorIsProvider.selector, alice));
        _offer(alice, alice);
    }

    function test_authorizeOperator_RevertWhen_Zero() public {
        _register(alice);
        vm.expectRevert(IProviderRegistry.ProviderRegistryZeroOperator.selector);
        _offer(alice, address(0));
    }

    function test_authorizeOperator_RevertWhen_CallerNotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNotRegistered.selector, stranger));
        _offer(stranger, op1);
        assertFalse(registry.isOperatorOffered(stranger, op1));
    }

    function test_authorizeOperator_RevertWhen_OperatorDelegatesFurther() public {
        _register(alice);
        _link(alice, op1);
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNotRegistered.selector, op1));
        _offer(op1, op2);
    }

    /*//////////////////////////////////////////////////////////////
                          OPERATORS: ACCEPT
    //////////////////////////////////////////////////////////////*/

    function test_acceptOperator_MakesLinkEffective() public {
        _register(alice);
        _offer(alice, op1);
        _offer(alice, op2);
        vm.expectEmit(address(registry));
        emit IProviderRegistry.OperatorAuthorized(alice, op1, 1);
        _accept(alice, op1);
        vm.expectEmit(address(registry));
        emit IProviderRegistry.OperatorAuthorized(alice, op2, 2);
        _accept(alice, op2);

        assertEq(registry.operatorOwnerOf(op1), alice);
        assertEq(registry.operatorOwnerOf(op2), alice);
        assertEq(registry.resolveProvider(op1), alice);
        assertEq(registry.resolveProvider(op2), alice);
        assertEq(registry.getProvider(alice).operatorCount, 2);
        assertFalse(registry.isOperatorOffered(alice, op1), "offer consumed");
        assertFalse(registry.isOperatorOffered(alice, op2), "offer consumed");
        assertFalse(registry.isRegistered(op1));
    }

    function test_acceptOperator_RevertWhen_NoOffer() public {
        _register(alice);
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNoOperatorOffer.selector, op1, alice));
        _accept(alice, op1);
        // An offer to someone else is not an offer to op1.
        _offer(alice, op2);
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNoOperatorOffer.selector, op1, alice));
        _accept(alice, op1);
        assertEq(registry.operatorOwnerOf(op1), address(0));
    }

    function test_acceptOperator_RevertWhen_OfferAlreadyAccepted() public {
        _register(alice);
        _link(alice, op1);
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNoOperatorOffer.selector, op1, alice));
        _accept(alice, op1);
        assertEq(registry.getProvider(alice).operatorCount, 1);
    }

    function test_acceptOperator_RevertWhen_ProviderUnknown() public {
        // Only registered providers can offer, so an unknown provider never has an offer to accept.
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNoOperatorOffer.selector, op1, stranger)
        );
        _accept(stranger, op1);
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNoOperatorOffer.selector, op1, address(0))
        );
        _accept(address(0), op1);
    }

    /// @dev "Accept after the provider left" cannot happen: only a registered provider can offer, and a provider
    ///      can deactivate but never unregister (there is no such function). A deactivated provider's offer can
    ///      still be accepted (see test_authorizeOperator_AllowedWhileInactive).
    function test_acceptOperator_ProviderCannotUnregister() public {
        _register(alice);
        _offer(alice, op1);
        (bool ok, ) = address(registry).call(abi.encodeWithSignature("unregister()"));
        assertFalse(ok);
        vm.prank(alice);
        registry.deactivate();
        assertTrue(registry.isRegistered(alice));
        _accept(alice, op1);
        assertEq(registry.resolveProvider(op1), alice);
    }

    function test_acceptOperator_RevertWhen_AlreadyOperatorOfAnother() public {
        _register(alice);
        _register(bob);
        _offer(alice, op1);
        _offer(bob, op1); // both offers are open at once
        _accept(alice, op1);
        assertTrue(registry.isOperatorOffered(bob, op1), "bob's offer stays open");
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryOperatorAlreadyAuthorized.selector, op1, alice)
        );
        _accept(bob, op1);
        assertEq(registry.operatorOwnerOf(op1), alice);
        assertEq(registry.getProvider(bob).operatorCount, 0);
    }

    function test_acceptOperator_OpenOfferUsableAfterRenouncingAnother() public {
        _register(alice);
        _register(bob);
        _offer(alice, op1);
        _offer(bob, op1);
        _accept(alice, op1);
        vm.prank(op1);
        registry.renounceOperator(alice);
        // bob never withdrew: his offer can now be accepted.
        _accept(bob, op1);
        assertEq(registry.resolveProvider(op1), bob);
        assertEq(registry.getProvider(alice).operatorCount, 0);
        assertEq(registry.getProvider(bob).operatorCount, 1);
    }

    /*//////////////////////////////////////////////////////////////
                   OPERATORS: THE SQUATTING ATTACK
    //////////////////////////////////////////////////////////////*/

    /// @dev A stranger (a registered provider) offers to name a future provider as its operator. With one-step
    ///      authorisation this blocked the victim's `register()` forever; an offer must block nothing.
    function test_squatting_OfferDoesNotBlockRegistration() public {
        address victim = makeAddr("victim");
        _register(bob);
        _offer(bob, victim);
        _register(victim);
        assertTrue(registry.isRegistered(victim));
        assertEq(registry.resolveProvider(victim), victim);
        assertEq(registry.operatorOwnerOf(victim), address(0));
    }

    function test_squatting_StaleOfferCannotBeAcceptedAfterRegistering() public {
        address victim = makeAddr("victim");
        _register(bob);
        _offer(bob, victim);
        _register(victim);
        assertTrue(registry.isOperatorOffered(bob, victim), "the stale offer is still stored");
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryOperatorIsProvider.selector, victim));
        _accept(bob, victim);
        // ... and bob cannot offer again either.
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryOperatorIsProvider.selector, victim));
        _offer(bob, victim);
        assertEq(registry.getProvider(bob).operatorCount, 0);
    }

    function test_squatting_VictimDeclinesStaleOffer() public {
        address victim = makeAddr("victim");
        _register(bob);
        _offer(bob, victim);
        _register(victim);
        vm.expectEmit(address(registry));
        emit IProviderRegistry.OperatorOfferWithdrawn(bob, victim, victim);
        vm.prank(victim);
        registry.renounceOperator(bob);
        assertFalse(registry.isOperatorOffered(bob, victim));
    }

    function test_squatting_OfferDoesNotBlockAcceptingTheRealProvider() public {
        _register(alice);
        _register(bob);
        _offer(bob, op1); // squatter first
        _offer(alice, op1);
        _accept(alice, op1);
        assertEq(registry.resolveProvider(op1), alice);
    }

    /*//////////////////////////////////////////////////////////////
                      OPERATORS: REVOKE / RENOUNCE
    //////////////////////////////////////////////////////////////*/

    function test_revokeOperator_RemovesOperator() public {
        _register(alice);
        _link(alice, op1);
        _link(alice, op2);
        vm.expectEmit(address(registry));
        emit IProviderRegistry.OperatorRevoked(alice, op1, 1, alice);
        vm.prank(alice);
        registry.revokeOperator(op1);

        assertEq(registry.operatorOwnerOf(op1), address(0));
        assertEq(registry.resolveProvider(op1), address(0));
        assertEq(registry.getProvider(alice).operatorCount, 1);
        assertFalse(registry.isOperatorOffered(alice, op1), "revoking leaves no offer behind");
    }

    function test_renounceOperator_OperatorLeaves() public {
        _register(alice);
        _link(alice, op1);
        vm.expectEmit(address(registry));
        emit IProviderRegistry.OperatorRevoked(alice, op1, 0, op1);
        vm.prank(op1);
        registry.renounceOperator(alice);
        assertEq(registry.resolveProvider(op1), address(0));
        assertEq(registry.getProvider(alice).operatorCount, 0);
        _register(op1); // free to become a provider
        assertTrue(registry.isRegistered(op1));
    }

    function test_revokeOperator_WithdrawsOpenOffer() public {
        _register(alice);
        _offer(alice, op1);
        vm.expectEmit(address(registry));
        emit IProviderRegistry.OperatorOfferWithdrawn(alice, op1, alice);
        vm.prank(alice);
        registry.revokeOperator(op1);
        assertFalse(registry.isOperatorOffered(alice, op1));
        assertEq(registry.getProvider(alice).operatorCount, 0);
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNoOperatorOffer.selector, op1, alice));
        _accept(alice, op1);
    }

    function test_renounceOperator_DeclinesOpenOffer() public {
        _register(alice);
        _offer(alice, op1);
        vm.expectEmit(address(registry));
        emit IProviderRegistry.OperatorOfferWithdrawn(alice, op1, op1);
        vm.prank(op1);
        registry.renounceOperator(alice);
        assertFalse(registry.isOperatorOffered(alice, op1));
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNoOperatorOffer.selector, op1, alice));
        _accept(alice, op1);
    }

    function test_revokeOperator_WithdrawsOfferToAnotherProvidersOperator() public {
        _register(alice);
        _register(bob);
        _offer(bob, op1);
        _link(alice, op1);
        // op1 works for alice; bob's open offer can still be withdrawn by bob, and alice's link is untouched.
        vm.expectEmit(address(registry));
        emit IProviderRegistry.OperatorOfferWithdrawn(bob, op1, bob);
        vm.prank(bob);
        registry.revokeOperator(op1);
        assertEq(registry.operatorOwnerOf(op1), alice);
        assertEq(registry.getProvider(alice).operatorCount, 1);
    }

    function test_revokeOperator_ThenAuthorizableByAnotherProvider() public {
        _register(alice);
        _register(bob);
        _link(alice, op1);
        vm.prank(alice);
        registry.revokeOperator(op1);
        _link(bob, op1);
        assertEq(registry.resolveProvider(op1), bob);
    }

    function test_revokeOperator_ThenOperatorCanRegister() public {
        _register(alice);
        _link(alice, op1);
        vm.prank(alice);
        registry.revokeOperator(op1);
        _register(op1);
        assertEq(registry.resolveProvider(op1), op1);
    }

    function test_revokeOperator_ThenReofferAndAcceptCountsAgain() public {
        _register(alice);
        _link(alice, op1);
        vm.prank(alice);
        registry.revokeOperator(op1);
        _offer(alice, op1);
        vm.expectEmit(address(registry));
        emit IProviderRegistry.OperatorAuthorized(alice, op1, 1);
        _accept(alice, op1);
        assertEq(registry.getProvider(alice).operatorCount, 1);
    }

    function test_revokeOperator_RevertWhen_OperatorOfAnotherProvider() public {
        _register(alice);
        _register(bob);
        _link(alice, op1);
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNotOperatorOf.selector, op1, bob, alice)
        );
        vm.prank(bob);
        registry.revokeOperator(op1);
    }

    function test_revokeOperator_RevertWhen_NotAnOperator() public {
        _register(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNotOperatorOf.selector, op1, alice, address(0))
        );
        vm.prank(alice);
        registry.revokeOperator(op1);
    }

    function test_revokeOperator_RevertWhen_OperatorRevokesItself() public {
        _register(alice);
        _link(alice, op1);
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNotOperatorOf.selector, op1, op1, alice)
        );
        vm.prank(op1);
        registry.revokeOperator(op1);
    }

    function test_revokeOperator_RevertWhen_Twice() public {
        _register(alice);
        _link(alice, op1);
        vm.startPrank(alice);
        registry.revokeOperator(op1);
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNotOperatorOf.selector, op1, alice, address(0))
        );
        registry.revokeOperator(op1);
        vm.stopPrank();
        assertEq(registry.getProvider(alice).operatorCount, 0);
    }

    function test_renounceOperator_RevertWhen_NotOperatorOfThatProvider() public {
        _register(alice);
        _register(bob);
        _link(alice, op1);
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNotOperatorOf.selector, op1, bob, alice)
        );
        vm.prank(op1);
        registry.renounceOperator(bob);
        assertEq(registry.operatorOwnerOf(op1), alice);
    }

    /// @dev An account that operates for nobody has `operatorOwnerOf == address(0)`: renouncing "address(0)" must
    ///      not be read as ending a link (it would decrement the zero address's operator count from 0).
    function test_renounceOperator_RevertWhen_ZeroProvider() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IProviderRegistry.ProviderRegistryNotOperatorOf.selector,
                stranger,
                address(0),
                address(0)
            )
        );
        vm.prank(stranger);
        registry.renounceOperator(address(0));
        assertEq(registry.getProvider(address(0)).operatorCount, 0);
    }

    /// @dev Random offers, accepts, revokes and renounces between two providers and three accounts, checked against
    ///      a model of the links kept here: counts, owners and open offers always agree.
    function testFuzz_operators_MatchModel(uint256 seed) public {
        _register(alice);
        _register(bob);
        address[2] memory provs = [alice, bob];
        address[3] memory ops = [op1, op2, stranger];
        address[3] memory owner; // model: who each account operates for
        bool[3][2] memory offered; // model: open offers
        uint32[2] memory count;

        for (uint256 step; step < 24; ++step) {
            seed = uint256(keccak256(abi.encode(seed, step)));
            uint256 pi = seed % 2;
            uint256 oi = (seed >> 8) % 3;
            uint256 action = (seed >> 16) % 4;
            address p = provs[pi];
            address o = ops[oi];
            if (action == 0) {
                vm.prank(p);
                if (owner[oi] != address(0)) {
                    vm.expectRevert(
                        abi.encodeWithSelector(
                            IProviderRegistry.ProviderRegistryOperatorAlreadyAuthorized.selector,
                            o,
                            owner[oi]
                        )
                    );
                    registry.authorizeOperator(o);
                } else {
                    registry.authorizeOperator(o);
                    offered[pi][oi] = true;
                }
            } else if (action == 1) {
                vm.prank(o);
                if (!offered[pi][oi]) {
                    vm.expectRevert(
                        abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNoOperatorOffer.selector, o, p)
                    );
                    registry.acceptOperator(p);
                } else if (owner[oi] != address(0)) {
                    vm.expectRevert(
                        abi.encodeWithSelector(
                            IProviderRegistry.ProviderRegistryOperatorAlreadyAuthorized.selector,
                            o,
                            owner[oi]
                        )
                    );
                    registry.acceptOperator(p);
                } else {
                    registry.acceptOperator(p);
                    offered[pi][oi] = false;
                    owner[oi] = p;
                    ++count[pi];
                }
            } else {
                // 2: the provider revokes, 3: the operator renounces; both end a link or else an open offer.
                vm.prank(action == 2 ? p : o);
                if (owner[oi] == p) {
                    if (action == 2) registry.revokeOperator(o);
                    else registry.renounceOperator(p);
                    owner[oi] = address(0);
                    --count[pi];
                } else if (offered[pi][oi]) {
                    if (action == 2) registry.revokeOperator(o);
                    else registry.renounceOperator(p);
                    offered[pi][oi] = false;
                } else {
                    vm.expectRevert(
                        abi.encodeWithSelector(
                            IProviderRegistry.ProviderRegistryNotOperatorOf.selector,
                            o,
                            p,
                            owner[oi]
                        )
                    );
                    if (action == 2) registry.revokeOperator(o);
                    else registry.renounceOperator(p);
                }
            }
            for (uint256 i; i < 2; ++i) {
                assertEq(registry.getProvider(provs[i]).operatorCount, count[i], "count");
                for (uint256 j; j < 3; ++j) assertEq(registry.isOperatorOffered(provs[i], ops[j]), offered[i][j]);
            }
            for (uint256 j; j < 3; ++j) {
                assertEq(registry.operatorOwnerOf(ops[j]), owner[j], "owner");
                assertEq(registry.resolveProvider(ops[j]), owner[j], "resolve");
            }
        }
    }

    /*//////////////////////////////////////////////////////////////
                               HEARTBEAT
    //////////////////////////////////////////////////////////////*/

    function test_heartbeat_ByProvider() public {
        _register(alice);
        vm.warp(block.timestamp + 60);
        vm.expectEmit(address(registry));
        emit IProviderRegistry.HeartbeatRecorded(alice, alice, uint48(block.timestamp));
        vm.prank(alice);
        registry.heartbeat();
        assertEq(registry.getProvider(alice).lastHeartbeat, block.timestamp);
    }

    function test_heartbeat_ByOperatorRecordsForProvider() public {
        _register(alice);
        _link(alice, op1);
        vm.warp(block.timestamp + 120);
        vm.expectEmit(address(registry));
        emit IProviderRegistry.HeartbeatRecorded(alice, op1, uint48(block.timestamp));
        vm.prank(op1);
        registry.heartbeat();
        assertEq(registry.getProvider(alice).lastHeartbeat, block.timestamp);
        assertEq(registry.getProvider(op1).lastHeartbeat, 0);
    }

    function test_heartbeat_RevertWhen_OperatorRevoked() public {
        _register(alice);
        _link(alice, op1);
        vm.prank(alice);
        registry.revokeOperator(op1);
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNotProviderOrOperator.selector, op1));
        vm.prank(op1);
        registry.heartbeat();
    }

    function test_heartbeat_RevertWhen_Stranger() public {
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryNotProviderOrOperator.selector, stranger)
        );
        vm.prank(stranger);
        registry.heartbeat();
    }

    function test_heartbeat_RevertWhen_ProviderInactive() public {
        _register(alice);
        _link(alice, op1);
        vm.prank(alice);
        registry.deactivate();
        vm.expectRevert(abi.encodeWithSelector(IProviderRegistry.ProviderRegistryProviderInactive.selector, alice));
        vm.prank(op1);
        registry.heartbeat();
    }

    /*//////////////////////////////////////////////////////////////
                            CLASS THRESHOLDS
    //////////////////////////////////////////////////////////////*/

    function test_classOf_Boundaries() public view {
        assertEq(uint8(registry.classOf(0)), uint8(BenchmarkClass.Low));
        assertEq(uint8(registry.classOf(MEDIUM - 1)), uint8(BenchmarkClass.Low));
        assertEq(uint8(registry.classOf(MEDIUM)), uint8(BenchmarkClass.Medium));
        assertEq(uint8(registry.classOf(HIGH - 1)), uint8(BenchmarkClass.Medium));
        assertEq(uint8(registry.classOf(HIGH)), uint8(BenchmarkClass.High));
        assertEq(uint8(registry.classOf(type(uint32).max)), uint8(BenchmarkClass.High));
    }

    function test_setClassThresholds_ReclassifiesProviders() public {
        _register(alice); // score 6_000: High
        vm.expectEmit(address(registry));
        emit IProviderRegistry.ClassThresholdsUpdated(MEDIUM, HIGH, 6_000, 9_000);
        vm.prank(admin);
        registry.setClassThresholds(6_000, 9_000);
        assertEq(uint8(registry.getProvider(alice).benchmarkClass), uint8(BenchmarkClass.Medium));
        (uint32 medium, uint32 high) = registry.classThresholds();
        assertEq(medium, 6_000);
        assertEq(high, 9_000);
    }

    function test_setClassThresholds_RevertWhen_NotIncreasing() public {
        vm.startPrank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryInvalidThresholds.selector, 9_000, 6_000)
        );
        registry.setClassThresholds(9_000, 6_000);
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryInvalidThresholds.selector, 6_000, 6_000)
        );
        registry.setClassThresholds(6_000, 6_000);
        vm.stopPrank();
    }

    function test_setClassThresholds_RevertWhen_CallerNotAdmin() public {
        bytes32 adminRole = registry.DEFAULT_ADMIN_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, adminRole)
        );
        vm.prank(alice);
        registry.setClassThresholds(1, 2);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function test_views_UnregisteredAccountIsEmpty() public view {
        assertFalse(registry.isRegistered(stranger));
        assertEq(registry.resolveProvider(stranger), address(0));
        assertEq(registry.operatorOwnerOf(stranger), address(0));
        assertEq(registry.x25519KeyOf(stranger), bytes32(0));
        (bool active, Resources memory res) = registry.eligibilityOf(stranger);
        assertFalse(active);
        _assertResourcesEq(res, Resources(0, 0, 0, 0, 0, 0, 0, 0));
        IProviderRegistry.ProviderInfo memory info = registry.getProvider(stranger);
        assertEq(info.registeredAt, 0);
        assertFalse(info.active);
    }

    /*//////////////////////////////////////////////////////////////
                                  FUZZ
    //////////////////////////////////////////////////////////////*/

    function testFuzz_classOf_MatchesThresholds(uint32 medium, uint32 high, uint32 score) public {
        high = uint32(bound(high, 1, type(uint32).max));
        medium = uint32(bound(medium, 0, high - 1));
        vm.prank(admin);
        registry.setClassThresholds(medium, high);
        BenchmarkClass expected =
            score >= high ? BenchmarkClass.High : (score >= medium ? BenchmarkClass.Medium : BenchmarkClass.Low);
        assertEq(uint8(registry.classOf(score)), uint8(expected));
    }

    function testFuzz_setClassThresholds_RevertWhen_NotIncreasing(uint32 medium, uint32 high) public {
        high = uint32(bound(high, 0, medium));
        vm.expectRevert(
            abi.encodeWithSelector(IProviderRegistry.ProviderRegistryInvalidThresholds.selector, medium, high)
        );
        vm.prank(admin);
        registry.setClassThresholds(medium, high);
    }

    function testFuzz_register_ResourcesRoundTrip(Resources memory res, bytes32 key) public {
        vm.assume(key != bytes32(0));
        res.cpuCores = uint16(bound(res.cpuCores, 1, type(uint16).max));
        res.ramMiB = uint32(bound(res.ramMiB, 1, type(uint32).max));
        vm.prank(alice);
        registry.register(res, GPU, key, URI);

        (bool active, Resources memory stored) = registry.eligibilityOf(alice);
        assertTrue(active);
        _assertResourcesEq(stored, res);
        assertTrue(ResourcesLib.meets(stored, res));
        IProviderRegistry.ProviderInfo memory info = registry.getProvider(alice);
        _assertResourcesEq(info.resources, res);
        assertEq(uint8(info.benchmarkClass), uint8(registry.classOf(res.benchmarkScore)));
        assertEq(registry.x25519KeyOf(alice), key);
    }
}
