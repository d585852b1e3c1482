/**
 * The Merkle tree of an epoch's allocations: OpenZeppelin's standard tree of `(uint256 epoch, address owner,
 * uint256 amount)` leaves, each `keccak256(bytes.concat(keccak256(abi.encode(epoch, owner, amount))))`, which is
 * what MiningRewards.claim verifies. Zero amounts get no leaf.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { Address, Hex } from "viem";

import type { EpochAllocation } from "./compute.ts";

export const LEAF_ENCODING = ["uint256", "address", "uint256"] as const;

export interface EpochTree {
  root: Hex;
  /** The proof of each owner's leaf (lower-case address). */
  proofs: Map<Address, { amount: bigint; proof: Hex[] }>;
}

export function buildTree(allocation: EpochAllocation): EpochTree {
  const values = allocation.allocations
    .filter((a) => a.amount > 0n)
    .map((a) => [allocation.epoch.toString(), a.owner, a.amount.toString()]);
  if (values.length === 0) return { root: `0x${"00".repeat(32)}`, proofs: new Map() };
  // sortLeaves keeps the tree independent of input order (the OpenZeppelin default)
  const tree = StandardMerkleTree.of(values, [...LEAF_ENCODING]);
  const proofs = new Map<Address, { amount: bigint; proof: Hex[] }>();
  for (const [i, v] of tree.entries()) {
    proofs.set((v[1] as string).toLowerCase() as Address, {
      amount: BigInt(v[2] as string),
      proof: tree.getProof(i) as Hex[],
    });
  }
  return { root: tree.root as Hex, proofs };
}
