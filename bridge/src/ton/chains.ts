// The shared bridge chain ids (bridge/src/chains.ts) under the names the TON code uses.
import {
  CHAIN_HUB_LOCAL,
  CHAIN_L2_LOCAL,
  CHAIN_SOLANA_LOCAL,
  CHAIN_SOLANA_MAINNET,
  CHAIN_TON_LOCAL,
  CHAIN_TON_MAINNET,
} from "../chains.ts";

export const CHAIN_IDS = {
  hub: CHAIN_HUB_LOCAL,
  l2: CHAIN_L2_LOCAL,
  solanaMainnet: CHAIN_SOLANA_MAINNET,
  solanaLocal: CHAIN_SOLANA_LOCAL,
  tonMainnet: CHAIN_TON_MAINNET,
  tonLocal: CHAIN_TON_LOCAL,
} as const;

/** EVM chain ids (EIP-155) are below this; Solana and TON ids are at or above it (the EVM bridges' rule too). */
export const NON_EVM_CHAIN_BASE = 1_000_000_000n;

export const isEvmChain = (chain: bigint): boolean => chain > 0n && chain < NON_EVM_CHAIN_BASE;
