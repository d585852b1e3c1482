// Chain ids of the EAI bridge (uint64). EVM chains use their EIP-155 id; non-EVM chains use ids above 10^9 that no
// EVM chain registry assigns. Shared by the EVM, Solana and TON spokes: docs/bridge/SOLANA.md, docs/BRIDGE.md.

/** Local hub chain (Hardhat / anvil default). */
export const CHAIN_HUB_LOCAL = 31337n;
/** Local second EVM chain standing in for an L2 (Base / Arbitrum). */
export const CHAIN_L2_LOCAL = 31338n;
/** Solana mainnet-beta. */
export const CHAIN_SOLANA_MAINNET = 1_000_000_001n;
/** Solana local (litesvm) and devnet. */
export const CHAIN_SOLANA_LOCAL = 1_000_000_101n;
/** TON mainnet. */
export const CHAIN_TON_MAINNET = 1_000_000_002n;
/** TON local (@ton/sandbox) and testnet. */
export const CHAIN_TON_LOCAL = 1_000_000_102n;

export type ChainKind = "evm" | "solana" | "ton";

const NON_EVM: ReadonlyMap<bigint, ChainKind> = new Map<bigint, ChainKind>([
  [CHAIN_SOLANA_MAINNET, "solana"],
  [CHAIN_SOLANA_LOCAL, "solana"],
  [CHAIN_TON_MAINNET, "ton"],
  [CHAIN_TON_LOCAL, "ton"],
]);

/** The uint64 range every chain id must fit. */
export const MAX_UINT64 = (1n << 64n) - 1n;

/**
 * The kind of chain an id names. Ids in the non-EVM block (10^9 … 10^9 + 999) that are not assigned above are
 * unknown (undefined); every other nonzero uint64 is taken as an EVM EIP-155 id.
 */
export function chainKind(chainId: bigint): ChainKind | undefined {
  if (chainId <= 0n || chainId > MAX_UINT64) return undefined;
  const known = NON_EVM.get(chainId);
  if (known) return known;
  if (chainId >= 1_000_000_000n && chainId < 1_000_001_000n) return undefined;
  return "evm";
}
