// @eai/sdk/bridge: send EAI over the EAI bridge from an EVM chain and follow a message to its destination
// (docs/SDK.md, "Bridge"; the bridge itself: docs/BRIDGE.md). Node.js (reads the bridge config file).
export * from "./chains.ts";
export * from "./config.ts";
export * from "./recipient.ts";
export * from "./transfer.ts";
