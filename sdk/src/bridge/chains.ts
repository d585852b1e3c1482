// Chain ids of the EAI bridge, as in bridge/src/chains.ts (docs/BRIDGE.md, "Message format"). Repeated here because
// @eai/bridge depends on @eai/sdk: the SDK importing it back would be a package cycle.

export type BridgeChainKind = "evm" | "solana" | "ton";

/** Chain names the CLI and `resolveChain` accept, with their ids (EVM: EIP-155; others above 10^9). */
export const BRIDGE_CHAIN_NAMES: Readonly<Record<string, bigint>> = {
  hub: 31_337n,
  "hub-local": 31_337n,
  l2: 31_338n,
  "l2-local": 31_338n,
  ethereum: 1n,
  base: 8_453n,
  arbitrum: 42_161n,
  solana: 1_000_000_001n,
  "solana-local": 1_000_000_101n,
  "solana-devnet": 1_000_000_101n,
  ton: 1_000_000_002n,
  "ton-local": 1_000_000_102n,
  "ton-testnet": 1_000_000_102n,
};

const NON_EVM: ReadonlyMap<bigint, BridgeChainKind> = new Map<bigint, BridgeChainKind>([
  [1_000_000_001n, "solana"],
  [1_000_000_101n, "solana"],
  [1_000_000_002n, "ton"],
  [1_000_000_102n, "ton"],
]);

export const MAX_UINT64 = (1n << 64n) - 1n;
/** First id of the non-EVM block (the contracts' FIRST_NON_EVM_CHAIN). */
export const FIRST_NON_EVM_CHAIN = 1_000_000_000n;

/** The kind of chain an id names; undefined for 0, > uint64 and unassigned ids of the non-EVM block. */
export function bridgeChainKind(chainId: bigint): BridgeChainKind | undefined {
  if (chainId <= 0n || chainId > MAX_UINT64) return undefined;
  const known = NON_EVM.get(chainId);
  if (known) return known;
  if (chainId >= FIRST_NON_EVM_CHAIN && chainId < FIRST_NON_EVM_CHAIN + 1000n) return undefined;
  return "evm";
}

/** A name of a chain for messages ("hub (31337)"), from `names` (e.g. the config's) or the built-in names. */
export function chainLabel(chainId: bigint, names?: ReadonlyMap<bigint, string>): string {
  const name =
    names?.get(chainId) ?? Object.entries(BRIDGE_CHAIN_NAMES).find(([, id]) => id === chainId)?.[0];
  return name ? `${name} (${chainId})` : `chain ${chainId}`;
}
