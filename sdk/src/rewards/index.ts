export * from "./compute.ts";
export * from "./merkle.ts";
export * from "./chain.ts";
export * from "./claim.ts";
