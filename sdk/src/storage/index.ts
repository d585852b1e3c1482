export * from "./uri.ts";
export * from "./cid.ts";
export * from "./client.ts";
export * from "./server.ts";
export * from "./ipfs.ts";
export * from "./storage.ts";
// The embedded Helia node (libp2p) is its own entry point, @eai/sdk/storage/helia, loaded on demand.
