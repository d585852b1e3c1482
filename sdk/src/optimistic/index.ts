export * from "./client.ts";
export * from "./names.ts";
