export * from "./uri.ts";
export * from "./client.ts";
export * from "./server.ts";
