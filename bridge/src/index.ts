// @eai/bridge: chain clients for the EAI bridge (Solana SPL, TON Jetton). See docs/BRIDGE.md.
export {};
