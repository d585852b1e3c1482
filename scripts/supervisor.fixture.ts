/**
 * Test fixture for supervisor.test.ts: a tiny launcher. Starts the reaper and two children under a Supervisor —
 * each child starts a grandchild, like a worker and its prover — prints "ready" and waits; SIGTERM stops it the
 * way `npm start` stops. With `stubborn`, the children and grandchildren ignore SIGTERM (only SIGKILL ends them).
 *
 *   node scripts/supervisor.fixture.ts <pid file> [stubborn]
 */
import { Supervisor } from "./supervisor.ts";

const [pidFile, mode] = process.argv.slice(2);
if (!pidFile) throw new Error("usage: supervisor.fixture.ts <pid file> [stubborn]");
const ignore = mode === "stubborn" ? "process.on('SIGTERM', () => {});" : "";
const grandchild = `${ignore} setInterval(() => {}, 1000);`;
const child =
  `${ignore} require("node:child_process").spawn(process.execPath, ["-e", ${JSON.stringify(grandchild)}], ` +
  `{ stdio: "ignore" }); setInterval(() => {}, 1000);`;

const supervisor = new Supervisor({ pidFile, graceMs: 1_000 });
await supervisor.start();
for (const name of ["first", "second"]) {
  supervisor.spawn(name, process.execPath, ["-e", child], { cwd: process.cwd(), ports: [] });
}
process.on("SIGTERM", () => {
  void supervisor.stopAll().then((killed) => {
    console.log(`stopped; killed ${killed.length}`);
    process.exit(0);
  });
});
console.log("ready");
setInterval(() => {}, 1000);
