/**
 * The worker's remote control API (off by default; docs/WORKER.md, "Remote control and farm permissions").
 *
 *   GET  /v1/status            scope view    live state: paused, draining, tasks in flight, recent failures
 *   GET  /v1/logs?since=N      scope logs    log lines after sequence number N (ring buffer)
 *   POST /v1/commands          scope command (pause, resume, drain, restart, upgrade) or config (set-config)
 *   POST /v1/revocations       the owner's signed nonce bump (no grant: the owner's signature is the authority)
 *
 * Reads carry the grant (`x-eai-grant`) and a short-lived read token signed by the grantee (`x-eai-access`);
 * each command is signed by the grantee, names this worker, has a fresh id and a time stamp inside the window.
 * It listens on a loopback address only: TLS, if the API is reached from elsewhere, is the reverse proxy's job.
 * There is no way to run a shell command: the actions are a closed list.
 */
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir, readFile, rename, rm, stat, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { Address } from "viem";
import {
  COMMAND_SCOPE,
  FarmAuthError,
  decodeSignedHeader,
  signedAccessSchema,
  signedCommandSchema,
  signedGrantSchema,
  signedManifestSchema,
  signedRevocationSchema,
  verifyAccess,
  verifyCommand,
  verifyGrant,
  verifyManifest,
  verifyRevocation,
  type Command,
  type FarmDomain,
  type Scope,
  type UpgradeManifest,
  type VerifiedGrant,
} from "@eai/sdk/farm";
import { ConfigError, parseWorkerConfig, type WorkerConfig } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { WorkerMetrics } from "../metrics.ts";
import type { WorkerStatus } from "../worker.ts";
import type { LogRing } from "./logring.ts";

const run = promisify(execFile);

/** Config fields a `set-config` command may change (validated by the worker's config schema before saving). */
export const SETTABLE_FIELDS = [
  "maxConcurrentTasks",
  "minReward",
  "maxBond",
  "stakeTarget",
  "pollIntervalMs",
  "deadlineMarginSec",
  "zkSettlement",
  "directStaggerMs",
  "heartbeatIntervalMs",
  "maxVotesPerTask",
  "reportTaskFaults",
  "leaveUnfilled",
  "executors",
  "logLevel",
] as const;

/** What the control API drives: the running worker (replaced by a restart) and the process around it. */
export interface ControlHost {
  status(): WorkerStatus;
  pauseClaims(): void;
  resumeClaims(): void;
  drain(): void;
  /**
   * Restarts the worker soon after the answer is sent: in process (config re-read) when `exitCode` is undefined,
   * else a graceful stop and exit with `exitCode` so the supervisor starts the installed version.
   */
  restart(reason: string, exitCode?: number): void;
  restarts(): number;
  pendingRestart(): boolean;
  /** The config file to edit (`set-config`); undefined when the config came from the environment alone. */
  configFile: string | undefined;
  version: string;
}

export interface ControlServerOptions {
  host: ControlHost;
  control: WorkerConfig["control"];
  chainId: number;
  domain: FarmDomain;
  /** The provider (only its grants count). */
  owner: Address;
  /** This worker's signing address. */
  worker: Address;
  stateDir: string;
  ring: LogRing;
  metrics: WorkerMetrics;
  logger: Logger;
  /** Unix seconds (tests). */
  now?: () => number;
  fetch?: typeof fetch;
}

/** Exit code asking the supervisor to start the installed version (EX_TEMPFAIL). */
export const UPGRADE_EXIT_CODE = 75;

interface Answer {
  id: string;
  action: string;
  ok: boolean;
  code?: string;
  message: string;
  detail?: Record<string, unknown>;
}

class Refusal extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function fromAuth(err: unknown): never {
  if (err instanceof FarmAuthError)
    throw new Refusal(err.code === "scope" ? 403 : 401, err.code, err.message);
  throw err;
}

async function readBody(req: IncomingMessage, cap: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > cap) throw new Refusal(413, "malformed", `request body over ${cap} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new Refusal(400, "malformed", "request body is not JSON");
  }
}

interface ReplayFile {
  version: 1;
  minNonce: string;
  seen: Record<string, number>;
}

/** Owner revocations and command ids already seen, persisted in `<stateDir>/control.json`. */
class ControlState {
  readonly #file: string;
  minNonce = 0n;
  readonly seen = new Map<string, number>();
  #writing: Promise<void> = Promise.resolve();
  constructor(stateDir: string) {
    this.#file = join(stateDir, "control.json");
  }
  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.#file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw err;
    }
    const data = JSON.parse(text) as ReplayFile;
    this.minNonce = BigInt(data.minNonce);
    for (const [id, at] of Object.entries(data.seen)) this.seen.set(id, at);
  }
  prune(before: number): void {
    for (const [id, at] of this.seen) if (at < before) this.seen.delete(id);
  }
  save(): Promise<void> {
    const data: ReplayFile = {
      version: 1,
      minNonce: this.minNonce.toString(),
      seen: Object.fromEntries(this.seen),
    };
    // Each write waits for the one before, whether or not it failed (a failed write fails only its command).
    this.#writing = this.#writing
      .catch(() => undefined)
      .then(async () => {
        const tmp = `${this.#file}.tmp`;
        await writeFile(tmp, JSON.stringify(data), { mode: 0o600 });
        await rename(tmp, this.#file);
      });
    return this.#writing;
  }
}

export async function startControlServer(options: ControlServerOptions): Promise<{
  url: string;
  server: Server;
  close(): Promise<void>;
}> {
  const { control, host, logger: log, metrics } = options;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const doFetch = options.fetch ?? fetch;
  const state = new ControlState(options.stateDir);
  await state.load();
  const origins = new Set(control.corsOrigins);

  async function authorise(grantJson: unknown): Promise<VerifiedGrant> {
    const parsed = signedGrantSchema.safeParse(grantJson);
    if (!parsed.success)
      throw new Refusal(400, "malformed", "expected a signed grant { message, signature }");
    return verifyGrant(parsed.data, {
      domain: options.domain,
      owner: options.owner,
      worker: options.worker,
      now: now(),
      minNonce: state.minNonce,
    }).catch(fromAuth);
  }

  function need(grant: VerifiedGrant, scope: Scope): void {
    if (!grant.scopes.has(scope))
      throw new Refusal(403, "scope", `the grant does not include the "${scope}" scope`);
  }

  async function authoriseRead(req: IncomingMessage, scope: Scope): Promise<VerifiedGrant> {
    const grantHeader = req.headers["x-eai-grant"];
    const accessHeader = req.headers["x-eai-access"];
    if (typeof grantHeader !== "string" || typeof accessHeader !== "string")
      throw new Refusal(401, "malformed", "x-eai-grant and x-eai-access headers are required");
    const grant = await authorise(decodeSignedHeader(grantHeader));
    const access = signedAccessSchema.safeParse(decodeSignedHeader(accessHeader));
    if (!access.success) throw new Refusal(400, "malformed", "x-eai-access: expected a signed Access token");
    const token = await verifyAccess(access.data, options.domain, options.worker, now()).catch(fromAuth);
    if (token.grantee !== grant.grant.grantee)
      throw new Refusal(401, "wrong-signer", "the access token is not the grantee's");
    need(grant, scope);
    return grant;
  }

  function statusBody(grant: VerifiedGrant) {
    const s = host.status();
    return {
      worker: options.worker,
      provider: options.owner,
      operatorMode: s.operatorMode,
      chainId: options.chainId,
      version: host.version,
      startedAt: startedAt,
      claimsPaused: s.claimsPaused,
      draining: s.draining,
      drained: s.drained,
      stopping: s.stopping,
      nextBlock: s.nextBlock.toString(),
      candidates: s.candidates,
      inFlight: s.inFlight,
      failures: s.failures,
      restarts: host.restarts(),
      pendingRestart: host.pendingRestart(),
      scopes: [...grant.scopes],
    };
  }

  async function setConfig(args: Record<string, unknown>): Promise<Omit<Answer, "id" | "action">> {
    const field = args.field;
    if (typeof field !== "string" || !(SETTABLE_FIELDS as readonly string[]).includes(field))
      throw new Refusal(
        400,
        "field-not-allowed",
        `set-config: field must be one of ${SETTABLE_FIELDS.join(", ")}, got ${JSON.stringify(field)}`,
      );
    if (!("value" in args)) throw new Refusal(400, "malformed", "set-config: value is required");
    const file = host.configFile;
    if (file === undefined)
      throw new Refusal(
        409,
        "no-config-file",
        "set-config: this worker was configured without a config file",
      );
    const raw = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    const before = raw[field];
    raw[field] = args.value;
    try {
      parseWorkerConfig(raw, process.env, dirname(file));
    } catch (err) {
      if (err instanceof ConfigError) throw new Refusal(400, "invalid-config", err.message);
      throw err;
    }
    const tmp = `${file}.tmp`;
    await writeFile(tmp, `${JSON.stringify(raw, null, 2)}\n`, { mode: (await stat(file)).mode & 0o777 });
    await rename(tmp, file);
    if (args.restart === true) host.restart(`set-config ${field}`);
    return {
      ok: true,
      message:
        args.restart === true
          ? `${field} saved to ${file}; restarting to apply it`
          : `${field} saved to ${file}; it takes effect at the next restart`,
      detail: { field, before: before ?? null, after: args.value as unknown },
    };
  }

  async function download(manifest: UpgradeManifest): Promise<Buffer> {
    const res = await doFetch(manifest.url, { signal: AbortSignal.timeout(300_000) });
    if (!res.ok || !res.body)
      throw new Refusal(502, "download-failed", `GET ${manifest.url}: HTTP ${res.status}`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > control.maxArtifactBytes)
        throw new Refusal(413, "artifact-too-large", `artifact over ${control.maxArtifactBytes} bytes`);
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }

  async function upgrade(args: Record<string, unknown>): Promise<Omit<Answer, "id" | "action">> {
    const parsed = signedManifestSchema.safeParse(args.manifest);
    if (!parsed.success)
      throw new Refusal(400, "malformed", "upgrade: expected { manifest: { message, signature } }");
    const manifest = await verifyManifest(parsed.data, options.domain, options.owner, now()).catch(fromAuth);
    const bytes = await download(manifest);
    // The hash is checked on the bytes in memory: nothing is written, unpacked or run before it matches.
    const actual = `0x${createHash("sha256").update(bytes).digest("hex")}`;
    if (actual !== manifest.sha256)
      throw new Refusal(
        422,
        "hash-mismatch",
        `upgrade ${manifest.version}: artifact sha256 ${actual} is not the manifest's ${manifest.sha256}`,
      );
    const root = join(options.stateDir, "upgrades");
    const dir = join(root, manifest.version);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const artifact = join(dir, "artifact.tgz");
    await writeFile(artifact, bytes);
    try {
      // npm pack layout (package/…). GNU tar refuses members with ".." and strips leading "/".
      await run("tar", ["-xzf", artifact, "-C", dir, "--no-same-owner", "--no-same-permissions"], {
        timeout: 120_000,
      });
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw new Refusal(
        422,
        "bad-artifact",
        `upgrade ${manifest.version}: cannot unpack: ${(err as Error).message}`,
      );
    }
    let pkg: { name?: unknown; version?: unknown; bin?: unknown };
    try {
      pkg = JSON.parse(await readFile(join(dir, "package", "package.json"), "utf8")) as typeof pkg;
    } catch {
      await rm(dir, { recursive: true, force: true });
      throw new Refusal(422, "bad-artifact", "upgrade: the artifact has no package/package.json");
    }
    if (pkg.version !== manifest.version) {
      await rm(dir, { recursive: true, force: true });
      throw new Refusal(
        422,
        "bad-artifact",
        `upgrade: the artifact is version ${String(pkg.version)}, the manifest says ${manifest.version}`,
      );
    }
    const link = join(root, "current");
    const tmpLink = join(root, `current.${process.pid}.tmp`);
    await rm(tmpLink, { force: true });
    await symlink(join(manifest.version, "package"), tmpLink);
    await rename(tmpLink, link);
    await writeFile(
      join(root, "current.json"),
      JSON.stringify(
        {
          version: manifest.version,
          sha256: manifest.sha256,
          url: manifest.url,
          installedAt: new Date().toISOString(),
        },
        null,
        2,
      ),
    );
    host.restart(`upgrade to ${manifest.version}`, UPGRADE_EXIT_CODE);
    return {
      ok: true,
      message: `version ${manifest.version} verified (sha256 ${manifest.sha256}) and installed at ${link}; restarting`,
      detail: { version: manifest.version, sha256: manifest.sha256, path: join(dir, "package") },
    };
  }

  async function execute(cmd: Command): Promise<Omit<Answer, "id" | "action">> {
    let args: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(cmd.args);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error("not an object");
      args = parsed as Record<string, unknown>;
    } catch {
      throw new Refusal(400, "malformed", "command args must be a JSON object");
    }
    switch (cmd.action) {
      case "pause":
        host.pauseClaims();
        return { ok: true, message: "claims paused; tasks in flight go on" };
      case "resume":
        host.resumeClaims();
        return { ok: true, message: "claims resumed" };
      case "drain": {
        host.drain();
        const left = host.status().inFlight.length;
        return {
          ok: true,
          message: `draining: no new tasks; ${left} in flight will finish`,
          detail: { inFlight: left },
        };
      }
      case "restart":
        host.restart("restart command");
        return { ok: true, message: "restarting (config re-read; tasks in flight resume)" };
      case "set-config":
        return setConfig(args);
      case "upgrade":
        return upgrade(args);
    }
  }

  async function command(body: unknown): Promise<{ status: number; answer: Answer }> {
    const b = (typeof body === "object" && body !== null ? body : {}) as {
      grant?: unknown;
      command?: unknown;
    };
    const parsed = signedCommandSchema.safeParse(b.command);
    if (!parsed.success)
      throw new Refusal(400, "malformed", "expected { grant, command: { message, signature } }");
    const cmd = parsed.data.message;
    const base = { id: cmd.id, action: cmd.action };
    try {
      const grant = await authorise(b.grant);
      await verifyCommand(
        parsed.data,
        options.domain,
        options.worker,
        grant.grant.grantee,
        now(),
        control.commandWindowSec,
      ).catch(fromAuth);
      need(grant, COMMAND_SCOPE[cmd.action]);
      state.prune(now() - 2 * control.commandWindowSec - 60);
      if (state.seen.has(cmd.id))
        throw new Refusal(409, "replayed", `command ${cmd.id} was already received`);
      state.seen.set(cmd.id, Number(cmd.issuedAt));
      await state.save();
      log.info(
        { commandId: cmd.id, action: cmd.action, grantee: grant.grant.grantee, args: cmd.args },
        "control command received",
      );
      try {
        const result = await execute(cmd);
        metrics.controlCommands.inc({ action: cmd.action, result: "ok" });
        log.info({ commandId: cmd.id, action: cmd.action, result: result.message }, "control command done");
        return { status: 200, answer: { ...base, ...result } };
      } catch (err) {
        if (err instanceof Refusal) throw err;
        metrics.controlCommands.inc({ action: cmd.action, result: "failed" });
        log.error(
          { commandId: cmd.id, action: cmd.action, err: (err as Error).message },
          "control command failed",
        );
        return {
          status: 500,
          answer: { ...base, ok: false, code: "failed", message: (err as Error).message },
        };
      }
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      metrics.controlCommands.inc({ action: cmd.action, result: "refused" });
      log.warn(
        { commandId: cmd.id, action: cmd.action, code: err.code, reason: err.message },
        "control command refused",
      );
      return { status: err.status, answer: { ...base, ok: false, code: err.code, message: err.message } };
    }
  }

  async function revocation(body: unknown): Promise<Record<string, unknown>> {
    const parsed = signedRevocationSchema.safeParse(body);
    if (!parsed.success)
      throw new Refusal(400, "malformed", "expected a signed Revocation { message, signature }");
    const rev = await verifyRevocation(parsed.data, options.domain, options.owner).catch(fromAuth);
    if (rev.minNonce > state.minNonce) {
      state.minNonce = rev.minNonce;
      await state.save();
      log.info({ minNonce: rev.minNonce.toString() }, "grants revoked below nonce");
    }
    return { minNonce: state.minNonce.toString() };
  }

  const startedAt = new Date().toISOString();
  const json = (res: ServerResponse, status: number, body: unknown) =>
    res
      .writeHead(status, { "content-type": "application/json", "cache-control": "no-store" })
      .end(JSON.stringify(body));

  const server = createServer((req, res) => {
    const origin = req.headers.origin;
    if (typeof origin === "string" && origins.has(origin)) {
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("vary", "origin");
      res.setHeader("access-control-allow-headers", "content-type, x-eai-grant, x-eai-access");
      res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
      res.setHeader("access-control-max-age", "600");
    }
    const url = new URL(req.url ?? "/", "http://control");
    const handle = async () => {
      if (req.method === "OPTIONS") {
        res.writeHead(typeof origin === "string" && origins.has(origin) ? 204 : 403).end();
        return;
      }
      const route = `${req.method} ${url.pathname}`;
      switch (route) {
        case "GET /v1/status": {
          const grant = await authoriseRead(req, "view");
          json(res, 200, statusBody(grant));
          return;
        }
        case "GET /v1/logs": {
          await authoriseRead(req, "logs");
          const since = Number(url.searchParams.get("since") ?? "0");
          const limit = Number(url.searchParams.get("limit") ?? "500");
          if (
            !Number.isSafeInteger(since) ||
            since < 0 ||
            !Number.isSafeInteger(limit) ||
            limit < 1 ||
            limit > 5_000
          )
            throw new Refusal(400, "malformed", "since: a non-negative integer; limit: 1..5000");
          json(res, 200, options.ring.since(since, limit));
          return;
        }
        case "POST /v1/commands": {
          const { status, answer } = await command(await readBody(req, 64 * 1024));
          json(res, status, answer);
          return;
        }
        case "POST /v1/revocations":
          json(res, 200, await revocation(await readBody(req, 16 * 1024)));
          return;
        default:
          json(res, 404, { error: "not found", code: "not-found" });
      }
    };
    handle().catch((err: unknown) => {
      if (err instanceof Refusal) {
        json(res, err.status, { error: err.message, code: err.code });
        return;
      }
      log.error({ err: (err as Error).message }, "control API error");
      if (!res.headersSent) json(res, 500, { error: "internal error", code: "internal" });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(control.port, control.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${control.host.includes(":") ? `[${control.host}]` : control.host}:${port}`;
  log.info({ url, corsOrigins: [...origins] }, "control API listening");
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
