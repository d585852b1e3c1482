// Which RPC and bridge contract serve each EVM chain of the bridge: a JSON file with the same chain entries as the
// bridge daemons' config (bridge/src/evm/config.ts: chainId, name, rpcUrl, role, bridge, …), so an integrator can
// point `eai bridge` at a daemon's config as it is. Validated with zod.
import { readFile } from "node:fs/promises";
import { getAddress, type Address } from "viem";
import { z } from "zod";

import { bridgeChainKind } from "./chains.ts";

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address")
  .transform((a) => getAddress(a) as Address);

/** One EVM chain: the fields of the daemons' chain entry (those the SDK does not use are accepted and kept). */
export const bridgeChainSchema = z
  .object({
    chainId: z
      .number()
      .int()
      .positive()
      .refine((id) => bridgeChainKind(BigInt(id)) === "evm", "expected an EVM chain id (below 10^9)"),
    name: z.string().min(1).max(32).optional(),
    rpcUrl: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }),
    role: z.enum(["hub", "spoke"]),
    /** The BridgeVault (hub) or SpokeBridge (spoke). */
    bridge: address,
    token: address.optional(),
    confirmations: z.number().int().min(0).max(10_000).optional(),
    /** First block to scan for a message (the bridge's deployment block). */
    fromBlock: z.number().int().min(0).default(0),
    maxBlockRange: z.number().int().min(1).max(100_000).default(2_000),
  })
  .strict();
export type BridgeChainConfig = z.infer<typeof bridgeChainSchema>;

/** The file: `chains` (one hub), optionally `validators` (signature endpoints); a daemon's other keys are ignored. */
export const bridgeConfigSchema = z
  .object({
    chains: z
      .array(bridgeChainSchema)
      .min(1, "expected at least one chain")
      .superRefine((chains, ctx) => {
        const ids = new Set<number>();
        const names = new Set<string>();
        for (const [i, c] of chains.entries()) {
          if (ids.has(c.chainId))
            ctx.addIssue({ code: "custom", message: `chain ${c.chainId} twice`, path: [i] });
          ids.add(c.chainId);
          if (c.name !== undefined) {
            if (names.has(c.name))
              ctx.addIssue({ code: "custom", message: `name ${c.name} twice`, path: [i] });
            names.add(c.name);
          }
        }
        const hubs = chains.filter((c) => c.role === "hub").length;
        if (hubs > 1)
          ctx.addIssue({ code: "custom", message: `expected at most one hub chain, got ${hubs}` });
      }),
    /** The validators' signature endpoints (as the relayer's config), for `bridgeStatus`. */
    validators: z
      .array(z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }))
      .max(64)
      .optional(),
  })
  .loose();
export type BridgeConfig = z.infer<typeof bridgeConfigSchema>;

export class BridgeConfigError extends Error {
  override name = "BridgeConfigError";
}

/** Validates a config object; throws a BridgeConfigError naming each bad field. */
export function parseBridgeConfig(value: unknown): BridgeConfig {
  const r = bridgeConfigSchema.safeParse(value);
  if (!r.success)
    throw new BridgeConfigError(
      `invalid bridge config: ${r.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join("; ")}`,
    );
  return r.data;
}

/** Reads and validates a bridge config file. */
export async function loadBridgeConfig(file: string): Promise<BridgeConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new BridgeConfigError(
      `cannot read the bridge config ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BridgeConfigError(`${file} is not JSON: ${(err as Error).message}`);
  }
  return parseBridgeConfig(json);
}
