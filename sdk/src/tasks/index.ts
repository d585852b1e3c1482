export * from "./spec.ts";
export * from "./commitments.ts";
export * from "./proof.ts";
