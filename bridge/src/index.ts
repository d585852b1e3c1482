// @eai/bridge: chain clients for the EAI bridge (Solana SPL, TON Jetton). See docs/BRIDGE.md and
// docs/bridge/SOLANA.md. The in-process Solana harness (src/solana/localnet.ts, src/solana/setup.ts) is not exported:
// it needs the litesvm dev dependency.
export * from "./chains.ts";
export * from "./message.ts";
export * from "./solana/accounts.ts";
export * from "./solana/constants.ts";
export * from "./solana/inbound.ts";
export * from "./solana/mint.ts";
export * from "./solana/outbound.ts";
export * from "./solana/rotation.ts";
export * from "./solana/validatorSet.ts";
export * from "./solana/wire.ts";
export * from "./solana/config.ts";
