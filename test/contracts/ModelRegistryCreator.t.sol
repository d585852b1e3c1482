// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {ModelRegistry} from "../../contracts/registry/ModelRegistry.sol";
import {IModelRegistry} from "../../contracts/interfaces/IModelRegistry.sol";
import {ModelKind, Resources} from "../../contracts/types/Resources.sol";
import {
    Comparison,
    ExecutionProfile,
    ExecutionTarget,
    GraphOptimization
} from "../../contracts/types/ExecutionProfile.sol";

/// @notice Handing a model's creator role on (how the deployment gives model 1's creator fee to the treasury).
contract ModelRegistryCreatorTest is Test {
    ModelRegistry internal registry;
    address internal creator = makeAddr("creator");
    address internal treasury = makeAddr("treasury");
    uint64 internal id;

    function setUp() public {
        registry = new ModelRegistry(makeAddr("admin"));
        Resources memory none;
        ExecutionProfile memory exact = ExecutionProfile(
            Comparison.EXACT,
            0,
            0,
            GraphOptimization.ALL,
            ExecutionTarget.ANY,
            0
        );
        vm.prank(creator);
        id = registry.registerModel(ModelKind.WASM, 7, address(0), "eai://m", 1, 1, none, 0, exact);
    }

    function test_setModelCreator_HandsOnTheRoleAndTheFee() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit IModelRegistry.ModelCreatorChanged(id, creator, treasury);
        vm.prank(creator);
        registry.setModelCreator(id, treasury);
        assertEq(registry.getModel(id).creator, treasury);
        assertEq(registry.modelForTask(id).creator, treasury);
        // the old creator lost every creator right
        vm.prank(creator);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryNotCreator.selector, id, creator));
        registry.setArtifactURI(id, "eai://n");
        vm.prank(treasury);
        registry.setArtifactURI(id, "eai://n");
    }

    function test_setModelCreator_RevertWhen_NotCreatorOrZero() public {
        vm.prank(treasury);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ModelRegistryNotCreator.selector, id, treasury));
        registry.setModelCreator(id, treasury);
        vm.prank(creator);
        vm.expectRevert(IModelRegistry.ModelRegistryZeroCreator.selector);
        registry.setModelCreator(id, address(0));
    }
}
