/**
 * `eai bridge send|status`: EAI over the EAI bridge from the CLI (sdk/src/bridge/, docs/SDK.md "Bridge"). Kept apart
 * from main.ts, which lists this group; the shapes below are the subset of main.ts's Command and Context they use
 * (as rewards.ts). The chains' RPC URLs and bridge addresses come from --bridge-config / EAI_BRIDGE_CONFIG (the
 * daemons' chain entries), not from --rpc and the deployment record.
 */
import type { ParseArgsConfig } from "node:util";
import { parseEther, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";

import { clockTime } from "../client/explain.ts";
import {
  bridgeSend,
  bridgeStatus,
  BridgeConfigError,
  BridgeSendError,
  checkBridgeSendLocally,
  chainLabel,
  loadBridgeConfig,
  waitForDelivery,
  type BridgeConfig,
  type BridgeStatus,
} from "../bridge/index.ts";

export interface BridgeContext {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  env: NodeJS.ProcessEnv;
  io: { out: (line: string) => void; err: (line: string) => void };
  now: () => number;
}

export interface BridgeCommand {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  sends?: boolean;
  run: (ctx: BridgeContext) => Promise<unknown>;
}

class BridgeUsageError extends Error {
  override name = "UsageError";
}

function arg<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new BridgeUsageError(
      `${what}: ${r.error.issues[0]?.message ?? "invalid"}${value === undefined ? "" : `, got ${JSON.stringify(value)}`}`,
    );
  return r.data;
}

const eaiArg = z
  .string({ error: "is required" })
  .trim()
  .refine((v) => !v.startsWith("-"), "expected a positive amount in EAI, not a negative one")
  .refine((v) => /^\d+(\.\d{1,18})?$/.test(v), "expected an amount in EAI like 1.5 (at most 18 decimals)")
  .transform((v) => parseEther(v))
  .refine((v) => v > 0n, "expected more than 0 EAI");
const chainArg = z.string({ error: "is required" }).trim().min(1, "expected a chain id or name");
const msgIdArg = z
  .string({ error: "is required (the message id from eai bridge send)" })
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected a message id: 0x + 64 hex digits")
  .transform((v) => v.toLowerCase() as Hex);
const validatorsArg = z
  .string()
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.url({ protocol: /^https?$/, error: "expected http(s) URLs separated by commas" })).min(1))
  .optional();
const secondsArg = z
  .string()
  .regex(/^\d+$/, "expected a whole number of seconds")
  .transform(Number)
  .optional();
const keyArg = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x + 64 hex digits");

async function configOf(ctx: BridgeContext): Promise<BridgeConfig> {
  const file =
    (ctx.values["bridge-config"] as string | undefined) ?? (ctx.env.EAI_BRIDGE_CONFIG || undefined);
  if (!file)
    throw new BridgeUsageError(
      "--bridge-config FILE (or EAI_BRIDGE_CONFIG) is required: a JSON file with the chains' rpcUrl, role and bridge address",
    );
  try {
    return await loadBridgeConfig(file);
  } catch (err) {
    if (err instanceof BridgeConfigError) throw new BridgeUsageError(`--bridge-config: ${err.message}`);
    throw err;
  }
}

const COMMON_OPTIONS = {
  "bridge-config": { type: "string" },
  validators: { type: "string" },
  wait: { type: "boolean" },
  timeout: { type: "string" },
} as const;

const COMMON_HELP = `  --bridge-config FILE  the chains: { "chains": [{ "chainId", "name", "rpcUrl", "role": "hub"|"spoke", "bridge" }],
                        "validators": [URL…] } — a bridge daemon's config works as it is (env EAI_BRIDGE_CONFIG)
  --validators URL,…    validators' signature endpoints to count signatures (default the config's "validators")
  --wait                wait until the destination executed the message (progress on stderr)
  --timeout S           with --wait: give up after S seconds (default 600)`;

/** A status as output: the fields an integrator reads, in order. */
function statusView(s: BridgeStatus) {
  const iso = (t: number | undefined) =>
    t === undefined ? {} : { releasableAtIso: new Date(t * 1000).toISOString() };
  return {
    msgId: s.msgId,
    state: s.state,
    detail: s.detail,
    ...(s.srcChain !== undefined ? { from: chainLabel(s.srcChain) } : {}),
    ...(s.dstChain !== undefined ? { to: chainLabel(s.dstChain) } : {}),
    ...(s.recipient !== undefined ? { recipient: s.recipient } : {}),
    ...(s.amount !== undefined ? { amount: s.amount } : {}),
    ...(s.message ? { nonce: s.message.nonce } : {}),
    ...(s.source
      ? {
          source: {
            txHash: s.source.txHash ?? "none yet (queued)",
            ...(s.source.block !== undefined
              ? { block: s.source.block, confirmations: s.source.confirmations }
              : {}),
            ...(s.source.releasableAt !== undefined
              ? { releasableAt: s.source.releasableAt, ...iso(s.source.releasableAt) }
              : {}),
          },
        }
      : {}),
    ...(s.destination
      ? {
          destination: {
            configured: s.destination.configured,
            ...(s.destination.executed !== undefined ? { executed: s.destination.executed } : {}),
            ...(s.destination.queued !== undefined ? { queued: s.destination.queued } : {}),
            ...(s.destination.releasableAt !== undefined
              ? { releasableAt: s.destination.releasableAt, ...iso(s.destination.releasableAt) }
              : {}),
            ...(s.destination.txHash ? { txHash: s.destination.txHash } : {}),
            ...(s.destination.threshold !== undefined ? { threshold: s.destination.threshold } : {}),
          },
        }
      : {}),
    ...(s.signatures
      ? {
          signatures: {
            signed: s.signatures.signed,
            ...(s.signatures.threshold !== undefined ? { threshold: s.signatures.threshold } : {}),
            validators: s.signatures.validators.map((v) => ({
              url: v.url,
              signer: v.signer ?? "unknown",
              signed: v.signed,
              ...(v.valid !== undefined ? { valid: v.valid } : {}),
              ...(v.member !== undefined ? { member: v.member } : {}),
              ...(v.error ? { error: v.error } : {}),
            })),
          },
        }
      : {}),
  };
}

async function wait(
  ctx: BridgeContext,
  config: BridgeConfig,
  msgId: Hex,
  validators: string[] | undefined,
  srcChain?: string,
) {
  const timeout = arg(secondsArg, ctx.values.timeout, "--timeout") ?? 600;
  const say = (line: string) => ctx.io.err(`eai: ${clockTime(ctx.now())} ${line}`);
  return waitForDelivery({
    config,
    msgId,
    ...(validators ? { validators } : {}),
    ...(srcChain ? { srcChain } : {}),
    timeoutMs: timeout * 1000,
    intervalMs: 1000,
    onProgress: (s, changed) => {
      if (changed)
        say(
          `${s.state}${s.signatures ? ` (${s.signatures.signed}/${s.signatures.threshold ?? "?"} signatures)` : ""}: ${s.detail}`,
        );
    },
  });
}

export const BRIDGE_COMMANDS: Record<string, BridgeCommand> = {
  send: {
    summary: "send EAI to another chain over the bridge (hub: approve + lock; EVM spoke: burn)",
    usage: `eai bridge send --to-chain CHAIN --to RECIPIENT --amount EAI [--from-chain CHAIN] [--wait] --bridge-config FILE
  --to-chain CHAIN      destination: a chain id or name (hub, l2, solana, solana-local, ton, ton-local, or a name of the config)
  --to RECIPIENT        an EVM address (0x…), a Solana public key (base58) or a TON address (EQ…/UQ… or 0:<hex>)
  --amount EAI          e.g. 12.5; at most 8 decimals (the bridge refuses dust below 1e-8 EAI)
  --from-chain CHAIN    the EVM chain to send from (default the config's hub); needs --key / EAI_PRIVATE_KEY
${COMMON_HELP}
  Refused before sending: an unknown or disabled chain, a paused bridge, a bad recipient, dust, a short balance.
  Over the outbound limit the transfer is sent but queued (a warning says so; the output says queued: true).`,
    options: {
      ...COMMON_OPTIONS,
      "to-chain": { type: "string" },
      to: { type: "string" },
      amount: { type: "string" },
      "from-chain": { type: "string" },
    },
    sends: true,
    run: async (ctx) => {
      const toChain = arg(chainArg, ctx.values["to-chain"], "--to-chain");
      const to = arg(z.string({ error: "is required" }).min(1), ctx.values.to, "--to");
      const amount = arg(eaiArg, ctx.values.amount, "--amount");
      const fromChain =
        ctx.values["from-chain"] === undefined
          ? undefined
          : arg(chainArg, ctx.values["from-chain"], "--from-chain");
      const validators = arg(validatorsArg, ctx.values.validators, "--validators");
      const key = arg(
        keyArg,
        (ctx.values.key as string | undefined) ?? (ctx.env.EAI_PRIVATE_KEY || undefined),
        "--key / EAI_PRIVATE_KEY",
      );
      const config = await configOf(ctx);
      // The checks that need no chain are usage errors (exit 2): nothing is asked or sent.
      try {
        checkBridgeSendLocally({ config, toChain, fromChain, to, amount });
      } catch (err) {
        if (err instanceof BridgeSendError) throw new BridgeUsageError(err.message);
        throw err;
      }
      const say = (line: string) => ctx.io.err(`eai: ${clockTime(ctx.now())} ${line}`);
      const sent = await bridgeSend({
        config,
        account: privateKeyToAccount(key as Hex),
        toChain,
        ...(fromChain !== undefined ? { fromChain } : {}),
        to,
        amount,
        onProgress: (p) => say(p.step === "warning" ? `warning: ${p.message}` : p.message),
      });
      const result = {
        msgId: sent.msgId,
        nonce: sent.nonce,
        from: chainLabel(sent.srcChain),
        to: chainLabel(sent.dstChain),
        recipient: sent.recipient,
        amount: sent.amount,
        txHash: sent.txHash,
        ...(sent.approveTxHash ? { approveTxHash: sent.approveTxHash } : {}),
        queued: sent.queued,
        ...(sent.releasableAt !== undefined
          ? {
              releasableAt: sent.releasableAt,
              releasableAtIso: new Date(sent.releasableAt * 1000).toISOString(),
            }
          : {}),
        ...(sent.warnings.length ? { warnings: sent.warnings } : {}),
        next: `eai bridge status ${sent.msgId} --bridge-config FILE`,
      };
      if (ctx.values.wait !== true) return result;
      if (sent.queued) {
        say(
          `queued over the outbound limit: not waiting (complete it with completeQueued, then eai bridge status --wait)`,
        );
        return result;
      }
      const status = await wait(ctx, config, sent.msgId, validators, String(sent.srcChain));
      return { ...result, delivery: statusView(status) };
    },
  },
  status: {
    summary: "where a bridge message is: sent, signed, queued, delivered (source and destination read)",
    usage: `eai bridge status MSG_ID [--validators URL,…] [--wait] --bridge-config FILE
  MSG_ID                the message id (0x + 64 hex) printed by eai bridge send or found in BridgeMessageSent
  --from-chain CHAIN    look for the message on this chain only (default every chain of the config)
${COMMON_HELP}
  States: unknown, queued-at-source, sent, signed, queued-at-destination, delivered, cancelled, sent-unobservable
  (the destination is Solana, TON or a chain missing from the config).`,
    options: { ...COMMON_OPTIONS, "from-chain": { type: "string" } },
    run: async (ctx) => {
      const msgId = arg(msgIdArg, ctx.positionals[0], "MSG_ID");
      if (ctx.positionals.length > 1)
        throw new BridgeUsageError(`one MSG_ID expected, got ${ctx.positionals.length} arguments`);
      const validators = arg(validatorsArg, ctx.values.validators, "--validators");
      const fromChain =
        ctx.values["from-chain"] === undefined
          ? undefined
          : arg(chainArg, ctx.values["from-chain"], "--from-chain");
      const config = await configOf(ctx);
      if (ctx.values.wait === true) {
        const s = await wait(ctx, config, msgId, validators, fromChain);
        return statusView(s);
      }
      try {
        return statusView(
          await bridgeStatus({
            config,
            msgId,
            ...(validators ? { validators } : {}),
            ...(fromChain ? { srcChain: fromChain } : {}),
          }),
        );
      } catch (err) {
        if (err instanceof BridgeSendError && err.code === "unknown-chain")
          throw new BridgeUsageError(err.message);
        throw err;
      }
    },
  },
};
