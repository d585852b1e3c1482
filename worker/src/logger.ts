/**
 * Structured JSON logs (pino) with secrets redacted.
 *
 * Defence in depth: private keys travel as `Secret` (serialises to "[redacted]") and, should a raw key
 * end up in a log object anyway, the paths below are censored by pino before serialisation.
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";
import { REDACTED } from "./secret.ts";

export type { Logger } from "pino";

const SECRET_KEYS = [
  "privateKey",
  "x25519PrivateKey",
  "password",
  "keystorePassword",
  "secret",
  "mnemonic",
  "authorization",
  "EAI_WORKER_PRIVATE_KEY",
  "EAI_WORKER_KEYSTORE_PASSWORD",
];

/** Paths pino censors: each secret key at the top level and up to two levels deep, plus HTTP auth headers. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'req.headers["authorization"]',
  'req.headers["cookie"]',
];

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface CreateLoggerOptions {
  level?: LogLevel;
  /** Component name, logged as `name`. */
  name?: string;
  /** Where lines go (default stdout). Tests pass a stream that collects them. */
  destination?: DestinationStream;
  /** Also copy every line here (the control API's log ring buffer). */
  copyTo?: DestinationStream;
}

/** A pino logger writing one JSON object per line, with `REDACT_PATHS` censored. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const config: LoggerOptions = {
    level: options.level ?? "info",
    name: options.name ?? "eai-worker",
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err },
  };
  if (options.copyTo) {
    const main = options.destination ?? pino.destination(1);
    return pino(
      config,
      pino.multistream([
        { stream: main, level: "trace" },
        { stream: options.copyTo, level: "trace" },
      ]),
    );
  }
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** A logger that drops everything (for library use without logging). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
