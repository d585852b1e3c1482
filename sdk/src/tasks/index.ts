export * from "./spec.ts";
export * from "./commitments.ts";
export * from "./proof.ts";
export * from "./draw.ts";
export * from "./serveable.ts";
export * from "./settle.ts";
