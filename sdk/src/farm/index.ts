// Farm permissions and the worker control API's client (docs/WORKER.md, "Remote control and farm permissions").
export * from "./grants.ts";
export * from "./client.ts";
export * from "./summary.ts";
