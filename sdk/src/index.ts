export * from "./generated/abis.ts";
export * from "./deployments.ts";
export * from "./storage/index.ts";
export * from "./crypto/index.ts";
export * from "./optimistic/index.ts";
export * from "./bridge/index.ts";
