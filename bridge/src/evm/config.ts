// Configuration of the EVM bridge daemons (validator, relayer, watchdog): docs/BRIDGE.md, "Daemons". JSON files,
// validated with zod at load; keys never live in the file (an environment variable or a keystore names them).
import { readFile } from "node:fs/promises";
import { getAddress, type Address } from "viem";
import { z } from "zod";
import { chainKind } from "../chains.ts";

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address")
  .transform((a) => getAddress(a) as Address);
const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http(s) URL" });
const loopback = z.enum(["127.0.0.1", "::1", "localhost"], {
  error: "expected a loopback address (127.0.0.1, ::1 or localhost); expose the daemon through a proxy",
});
const evmChainId = z
  .number()
  .int()
  .positive()
  .refine((id) => chainKind(BigInt(id)) === "evm", "expected an EVM chain id (below 10^9)");

/** One EVM chain the daemon watches or writes to. */
export const evmChainSchema = z
  .object({
    chainId: evmChainId,
    /** A descriptive name for logs ("hub", "base", …). */
    name: z.string().min(1).max(32).optional(),
    rpcUrl: httpUrl,
    /** Whether this chain is the hub (BridgeVault, the accountant) or a spoke (SpokeBridge). */
    role: z.enum(["hub", "spoke"]),
    /** The BridgeVault (hub) or SpokeBridge (spoke) address. */
    bridge: address,
    /** The spoke's EAISpokeToken (needed by the watchdog; read from the bridge when absent). */
    token: address.optional(),
    /**
     * Blocks a log must be buried under before it counts as final (0 = at the head). A reorg shallower than this
     * never reaches a signature. Production: the chain's finality (e.g. `finalized` on Ethereum, ~64 blocks).
     */
    confirmations: z.number().int().min(0).max(10_000).default(12),
    /** First block to scan (the bridge's deployment block). */
    fromBlock: z.number().int().min(0).default(0),
    /** Most blocks per eth_getLogs request. */
    maxBlockRange: z.number().int().min(1).max(100_000).default(2_000),
  })
  .strict();
export type EvmChainConfig = z.infer<typeof evmChainSchema>;

/**
 * The signing key: an environment variable holding a 0x-prefixed 32-byte key, or a V3 keystore file with its
 * password in an environment variable (or a file named by one).
 */
export const keySourceSchema = z.union([
  z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "expected an environment variable name") }).strict(),
  z
    .object({
      keystore: z.string().min(1),
      passwordEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "expected an environment variable name"),
    })
    .strict(),
]);
export type KeySource = z.infer<typeof keySourceSchema>;

function chainsSchema() {
  return z
    .array(evmChainSchema)
    .min(2, "expected the hub and at least one spoke")
    .superRefine((chains, ctx) => {
      const ids = new Set<number>();
      for (const [i, c] of chains.entries()) {
        if (ids.has(c.chainId))
          ctx.addIssue({ code: "custom", message: `chain ${c.chainId} twice`, path: [i] });
        ids.add(c.chainId);
      }
      const hubs = chains.filter((c) => c.role === "hub").length;
      if (hubs !== 1)
        ctx.addIssue({ code: "custom", message: `expected exactly one hub chain, got ${hubs}` });
    });
}

const listenSchema = z
  .object({ host: loopback.default("127.0.0.1"), port: z.number().int().min(0).max(65_535) })
  .strict();

export const validatorConfigSchema = z
  .object({
    chains: chainsSchema(),
    key: keySourceSchema,
    /** Signatures, cursors and the accountant's pending list live here. */
    stateDir: z.string().min(1),
    /** Where relayers read the signatures (GET /v1/signatures), /healthz and /metrics. */
    listen: listenSchema,
    pollIntervalMs: z.number().int().min(100).max(600_000).default(2_000),
    /** Refuse to sign one message above this many wei (a second line behind the contracts' rate limits). */
    maxMessageWei: z
      .string()
      .regex(/^\d{1,78}$/, "expected a whole number of wei as a string")
      .transform((v) => BigInt(v))
      .optional(),
  })
  .strict();
export type ValidatorConfig = z.infer<typeof validatorConfigSchema>;

export const relayerConfigSchema = z
  .object({
    chains: chainsSchema(),
    key: keySourceSchema,
    /** The validators' signature endpoints (their `listen` address), e.g. http://127.0.0.1:7601. */
    validators: z.array(httpUrl).min(1).max(64),
    pollIntervalMs: z.number().int().min(100).max(600_000).default(2_000),
    listen: listenSchema.optional(),
  })
  .strict();
export type RelayerConfig = z.infer<typeof relayerConfigSchema>;

export const watchdogConfigSchema = z
  .object({
    chains: chainsSchema(),
    /** A guardian of every bridge (may pause; unpausing is the timelock's). */
    key: keySourceSchema,
    pollIntervalMs: z.number().int().min(100).max(600_000).default(10_000),
    /** Consecutive violating checks before pausing (reads on different chains are not one snapshot). */
    violationChecks: z.number().int().min(1).max(100).default(2),
    /** Pause every bridge on a violation (false: report only). */
    pause: z.boolean().default(true),
    listen: listenSchema.optional(),
  })
  .strict();
export type WatchdogConfig = z.infer<typeof watchdogConfigSchema>;

function format(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join("; ");
}

/** Validates a config object; throws an Error naming each bad field. */
export function parseConfig<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`invalid ${what} config: ${format(result.error.issues)}`);
  return result.data;
}

/** Reads and validates a JSON config file. */
export async function loadConfig<T extends z.ZodType>(
  schema: T,
  file: string,
  what: string,
): Promise<z.infer<T>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new Error(
      `cannot read ${what} config ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not JSON: ${(err as Error).message}`);
  }
  return parseConfig(schema, json, what);
}
