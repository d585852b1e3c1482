/**
 * Client side of a worker's control API (docs/WORKER.md, "Remote control and farm permissions"): signing grants,
 * revocations, manifests, read tokens and commands, and calling `/v1/status`, `/v1/logs`, `/v1/commands`,
 * `/v1/revocations`. Works with any EIP-712 signer: a viem local account, or a wallet client wrapped as
 * {@link TypedDataSigner} (the dApp).
 */
import { type Address, type Hex } from "viem";
import { z } from "zod";
import {
  MAX_ACCESS_SEC,
  encodeSignedHeader,
  farmTypedData,
  newCommandId,
  toJsonMessage,
  type Access,
  type Command,
  type CommandAction,
  type FarmDomain,
  type FarmTypedData,
  type Grant,
  type Revocation,
  type Signed,
  type UpgradeManifest,
} from "./grants.ts";

export interface TypedDataSigner {
  address: Address;
  signTypedData(args: FarmTypedData): Promise<Hex>;
}

type Kind = "Grant" | "Revocation" | "Command" | "Access" | "UpgradeManifest";
type Messages = {
  Grant: Grant;
  Revocation: Revocation;
  Command: Command;
  Access: Access;
  UpgradeManifest: UpgradeManifest;
};

export async function signFarmMessage<K extends Kind>(
  signer: TypedDataSigner,
  domain: FarmDomain,
  primaryType: K,
  message: Messages[K],
): Promise<Signed<Messages[K]>> {
  return { message, signature: await signer.signTypedData(farmTypedData(domain, primaryType, message)) };
}

/** The answer to a command: its id, whether it was carried out, and what happened. */
export const commandResultSchema = z.object({
  id: z.string(),
  action: z.string(),
  ok: z.boolean(),
  code: z.string().optional(),
  message: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type CommandResult = z.infer<typeof commandResultSchema>;

export const controlStatusSchema = z.object({
  worker: z.string(),
  provider: z.string(),
  operatorMode: z.boolean(),
  chainId: z.number(),
  version: z.string(),
  startedAt: z.string(),
  claimsPaused: z.boolean(),
  draining: z.boolean(),
  drained: z.boolean(),
  stopping: z.boolean(),
  nextBlock: z.string(),
  candidates: z.number(),
  inFlight: z.array(z.object({ taskId: z.string(), phase: z.string(), mode: z.string() })),
  failures: z.array(z.object({ at: z.string(), taskId: z.string(), reason: z.string() })),
  restarts: z.number(),
  pendingRestart: z.boolean(),
  scopes: z.array(z.string()),
});
export type ControlStatus = z.infer<typeof controlStatusSchema>;

export const logLineSchema = z.object({ seq: z.number(), line: z.string() });
export const logsAnswerSchema = z.object({
  next: z.number(),
  dropped: z.number(),
  lines: z.array(logLineSchema),
});
export type LogsAnswer = z.infer<typeof logsAnswerSchema>;

export class ControlApiError extends Error {
  override name = "ControlApiError";
  readonly status: number;
  readonly code: string | undefined;
  constructor(status: number, code: string | undefined, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export interface ControlClientOptions {
  /** Base URL of the worker's control API (or the reverse proxy in front of it). */
  url: string;
  domain: FarmDomain;
  /** The worker's signing address (commands are bound to it). */
  worker: Address;
  /** The grantee's signer (the owner may act with a grant to itself). */
  signer: TypedDataSigner;
  grant: Signed<Grant>;
  fetch?: typeof fetch;
  /** Unix seconds (tests). */
  now?: () => number;
}

export function controlClient(options: ControlClientOptions) {
  const f = options.fetch ?? fetch;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const base = options.url.replace(/\/+$/, "");
  let access: { header: string; notAfter: number } | undefined;

  async function accessHeader(): Promise<string> {
    if (access && access.notAfter - 60 > now()) return access.header;
    const notAfter = now() + Math.min(MAX_ACCESS_SEC, 900);
    const signed = await signFarmMessage(options.signer, options.domain, "Access", {
      grantee: options.signer.address,
      worker: options.worker,
      notAfter: BigInt(notAfter),
    });
    access = { header: encodeSignedHeader(signed), notAfter };
    return access.header;
  }

  async function call(path: string, init: RequestInit): Promise<unknown> {
    const res = await f(`${base}${path}`, init);
    const body = (await res.json().catch(() => ({}))) as { error?: string; code?: string };
    // A command the worker refused is answered with its id and the reason (ok: false), like one it carried out.
    if (!res.ok && !(path === "/v1/commands" && "id" in body && "ok" in body))
      throw new ControlApiError(res.status, body.code, body.error ?? `HTTP ${res.status}`);
    return body;
  }

  async function get(path: string): Promise<unknown> {
    return call(path, {
      headers: { "x-eai-grant": encodeSignedHeader(options.grant), "x-eai-access": await accessHeader() },
    });
  }

  return {
    async status(): Promise<ControlStatus> {
      return controlStatusSchema.parse(await get("/v1/status"));
    },
    async logs(since = 0): Promise<LogsAnswer> {
      return logsAnswerSchema.parse(await get(`/v1/logs?since=${since}`));
    },
    /** Signs a fresh command and sends it; resolves with the worker's answer, carried out or refused (ok: false). */
    async command(action: CommandAction, args: Record<string, unknown> = {}, id: Hex = newCommandId()) {
      const signed = await signFarmMessage(options.signer, options.domain, "Command", {
        worker: options.worker,
        id,
        action,
        args: JSON.stringify(args),
        issuedAt: BigInt(now()),
      });
      return sendCommand(signed);
    },
    /** Sends an already signed command (replays in tests). */
    sendCommand,
  };

  async function sendCommand(signed: Signed<Command>): Promise<CommandResult> {
    return commandResultSchema.parse(
      await call("/v1/commands", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          grant: { message: toJsonMessage(options.grant.message), signature: options.grant.signature },
          command: { message: toJsonMessage(signed.message), signature: signed.signature },
        }),
      }),
    );
  }
}
export type ControlClient = ReturnType<typeof controlClient>;

/** Shows a worker the owner's latest revocation (no grant needed: the owner's signature is the authority). */
export async function postRevocation(url: string, signed: Signed<Revocation>, f: typeof fetch = fetch) {
  const res = await f(`${url.replace(/\/+$/, "")}/v1/revocations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message: toJsonMessage(signed.message), signature: signed.signature }),
  });
  const body = (await res.json().catch(() => ({}))) as { error?: string; code?: string; minNonce?: string };
  if (!res.ok) throw new ControlApiError(res.status, body.code, body.error ?? `HTTP ${res.status}`);
  return body;
}
