// zod schema of the Solana spoke config as validators and relayers load it from JSON (strings for ids and lamports).
import { isAddress, type Address } from "@solana/kit";
import { z } from "zod";
import type { SolanaSpokeConfig } from "./inbound.ts";
import { assertValidatorSet } from "./validatorSet.ts";

const solAddress = z
  .string()
  .refine((s) => isAddress(s), "must be a base58 Solana address")
  .transform((s) => s as Address);
const uint = z
  .union([z.string().regex(/^[0-9]+$/, "must be a decimal integer"), z.bigint()])
  .transform((v) => BigInt(v));

export const solanaSpokeConfigSchema = z
  .object({
    chainId: uint,
    mint: solAddress,
    multisig: solAddress,
    set: z.object({ signers: z.array(solAddress), threshold: z.number().int() }),
    relayer: solAddress,
    receiptLamports: uint,
  })
  .superRefine((c, ctx) => {
    try {
      assertValidatorSet(c.set);
    } catch (e) {
      ctx.addIssue({ code: "custom", path: ["set"], message: String(e) });
    }
  });

/** Parses an untrusted config; throws a ZodError naming the bad field. */
export function parseSolanaSpokeConfig(input: unknown): SolanaSpokeConfig {
  return solanaSpokeConfigSchema.parse(input);
}
