// Bridge chain ids (uint64), duplicated by value from the shared format until bridge/src/chains.ts
// (owned by the Solana side) lands; chains.test.ts pins the values so that the two cannot drift.
export const CHAIN_IDS = {
  hub: 31337n,
  l2: 31338n,
  solanaMainnet: 1_000_000_001n,
  solanaLocal: 1_000_000_101n,
  tonMainnet: 1_000_000_002n,
  tonLocal: 1_000_000_102n,
} as const;

/** EVM chain ids (EIP-155) are below this; Solana and TON ids are at or above it. */
export const NON_EVM_CHAIN_BASE = 1_000_000_000n;

export const isEvmChain = (chain: bigint): boolean => chain > 0n && chain < NON_EVM_CHAIN_BASE;
