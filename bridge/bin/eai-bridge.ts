/**
 * The EVM bridge daemons (docs/BRIDGE.md, "Daemons"):
 *
 *   eai-bridge validator --config FILE   watch every bridge at finality, check, sign, serve signatures over HTTP
 *   eai-bridge relayer   --config FILE   collect signatures from the validators and submit them (permissionless)
 *   eai-bridge watchdog  --config FILE   check that spoke supplies are backed on the hub; pause on violation
 *
 * Each runs until SIGINT / SIGTERM, writing JSON log lines to stdout. Keys come from the environment variable or the
 * keystore the config names (`key`), never from the file. Exit codes: 0 after a clean stop, 1 when it cannot
 * start (bad config, key or port), 2 on bad usage.
 */
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import type { Counters } from "../src/evm/log.ts";
import {
  loadConfig,
  relayerConfigSchema,
  validatorConfigSchema,
  watchdogConfigSchema,
} from "../src/evm/config.ts";
import { loadAccount } from "../src/evm/keys.ts";
import { jsonLogger } from "../src/evm/log.ts";
import { BridgeRelayer } from "../src/evm/relayer.ts";
import { BridgeValidator } from "../src/evm/validator.ts";
import { SupplyWatchdog } from "../src/evm/watchdog.ts";

const USAGE = `usage: eai-bridge <validator|relayer|watchdog> --config FILE [--log-level debug|info|warn|error]`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    config: { type: "string" },
    "log-level": { type: "string", default: "info" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const role = positionals[0];
const level = values["log-level"];
if (
  positionals.length !== 1 ||
  (role !== "validator" && role !== "relayer" && role !== "watchdog") ||
  values.config === undefined ||
  (level !== "debug" && level !== "info" && level !== "warn" && level !== "error")
) {
  console.error(USAGE);
  process.exit(2);
}
const log = jsonLogger(role, level);

/** Serves /healthz and /metrics for the relayer and the watchdog (the validator serves its own). */
function serveMetrics(listen: { host: string; port: number } | undefined, counters: Counters) {
  if (!listen) return undefined;
  const server = createServer((req, res) => {
    if (req.url === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(counters.render());
    } else if (req.url === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, role }));
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(listen.port, listen.host);
  return server;
}

let stop: () => Promise<void>;
try {
  if (role === "validator") {
    const config = await loadConfig(validatorConfigSchema, values.config, "validator");
    const daemon = new BridgeValidator({ config, account: await loadAccount(config.key), logger: log });
    await daemon.start();
    stop = () => daemon.stop();
  } else if (role === "relayer") {
    const config = await loadConfig(relayerConfigSchema, values.config, "relayer");
    const daemon = new BridgeRelayer({ config, account: await loadAccount(config.key), logger: log });
    const server = serveMetrics(config.listen, daemon.counters);
    daemon.start();
    stop = async () => {
      await daemon.stop();
      server?.close();
    };
  } else {
    const config = await loadConfig(watchdogConfigSchema, values.config, "watchdog");
    const daemon = new SupplyWatchdog({ config, account: await loadAccount(config.key), logger: log });
    const server = serveMetrics(config.listen, daemon.counters);
    daemon.start();
    stop = async () => {
      await daemon.stop();
      server?.close();
    };
  }
} catch (err) {
  log.error("cannot start", { err: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}

let stopping = false;
const onSignal = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info("stopping", { signal });
  void stop().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error("stop failed", { err: err instanceof Error ? err.message : String(err) });
      process.exit(1);
    },
  );
};
process.on("SIGINT", () => onSignal("SIGINT"));
process.on("SIGTERM", () => onSignal("SIGTERM"));
