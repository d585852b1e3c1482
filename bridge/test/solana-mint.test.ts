// The EAI SPL mint: validator-set rules and verifyMint (authorities, decimals, freeze authority refused).
import { describe, expect, it } from "vitest";
import { address, generateKeyPairSigner, none, some, type Address } from "@solana/kit";
import { getInitializeMint2Instruction } from "@solana-program/token";
import { getCreateAccountInstruction } from "@solana-program/system";
import { MINT_SIZE, TOKEN_PROGRAM_ADDRESS } from "../src/solana/constants.ts";
import { compileUnsigned } from "../src/solana/inbound.ts";
import { LocalSolana } from "../src/solana/localnet.ts";
import { parseSolanaSpokeConfig } from "../src/solana/config.ts";
import { MintCheckError, readMultisig, verifyMint } from "../src/solana/mint.ts";
import { deployLocalSpoke, generateValidators, signAndSend } from "../src/solana/setup.ts";
import {
  assertValidatorSet,
  minThreshold,
  sortSigners,
  ValidatorSetError,
} from "../src/solana/validatorSet.ts";

describe("validator set rules", () => {
  it("threshold ⌈2N/3⌉ on both sides of the bound for N = 1…11", async () => {
    const keys = await generateValidators(12);
    const expected = [1, 2, 2, 3, 4, 4, 5, 6, 6, 7, 8];
    for (let n = 1; n <= 11; n++) {
      expect(minThreshold(n)).toBe(expected[n - 1]);
      const signers = keys.slice(0, n).map((k) => k.address);
      expect(() => assertValidatorSet({ signers, threshold: minThreshold(n) })).not.toThrow();
      expect(() => assertValidatorSet({ signers, threshold: n })).not.toThrow();
      expect(() => assertValidatorSet({ signers, threshold: minThreshold(n) - 1 })).toThrow(
        ValidatorSetError,
      );
      expect(() => assertValidatorSet({ signers, threshold: n + 1 })).toThrow(ValidatorSetError);
    }
    expect(() => assertValidatorSet({ signers: keys.map((k) => k.address), threshold: 12 })).toThrow(/1…11/);
    expect(() => assertValidatorSet({ signers: [], threshold: 0 })).toThrow(/1…11/);
  });

  it("refuses duplicate, unsorted and zero signers", async () => {
    const [a, b, c] = (await generateValidators(3)).map((k) => k.address) as [Address, Address, Address];
    const set = (s: Address[]) => ({ signers: s, threshold: 2 });
    expect(() => assertValidatorSet(set([a, a, b]))).toThrow(/unique and sorted/);
    expect(() => assertValidatorSet(set([b, a, c]))).toThrow(/unique and sorted/);
    expect(() => assertValidatorSet(set([address("11111111111111111111111111111111"), a, b]))).toThrow(
      /zero key/,
    );
    expect(sortSigners([c, b, a])).toEqual([a, b, c]);
  });
});

describe("verifyMint", () => {
  it("accepts the deployed mint: 8 decimals, multisig authority, no freeze authority", async () => {
    const chain = new LocalSolana();
    const spoke = await deployLocalSpoke(chain, { n: 4 });
    const st = await verifyMint(chain.read, {
      mint: spoke.config.mint,
      multisig: spoke.config.multisig,
      expected: spoke.config.set,
    });
    expect(st.supply).toBe(0n);
    expect(await readMultisig(chain.read, spoke.config.multisig)).toEqual(spoke.config.set);
  });

  it("refuses a wrong multisig set, a wrong threshold and a non-multisig authority", async () => {
    const chain = new LocalSolana();
    const spoke = await deployLocalSpoke(chain, { n: 4, threshold: 3 });
    const { mint, multisig, set } = spoke.config;
    const other = await generateValidators(4);
    const reason = (p: Promise<unknown>) =>
      p.then(
        () => "ok",
        (e: MintCheckError) => e.reason,
      );
    expect(
      await reason(
        verifyMint(chain.read, {
          mint,
          multisig,
          expected: { signers: other.map((o) => o.address), threshold: 3 },
        }),
      ),
    ).toBe("multisig-set");
    expect(await reason(verifyMint(chain.read, { mint, multisig, expected: { ...set, threshold: 4 } }))).toBe(
      "multisig-set",
    );
    expect(
      await reason(verifyMint(chain.read, { mint, multisig: spoke.relayer.address, expected: set })),
    ).toBe("mint-authority");
    expect(
      await reason(verifyMint(chain.read, { mint: spoke.relayer.address, multisig, expected: set })),
    ).toBe("mint-owner");
    expect(
      await reason(
        verifyMint(chain.read, { mint: (await generateKeyPairSigner()).address, multisig, expected: set }),
      ),
    ).toBe("mint-missing");
  });

  it("refuses a mint with a freeze authority, or other decimals", async () => {
    const chain = new LocalSolana();
    const spoke = await deployLocalSpoke(chain, { n: 3 });
    const { multisig, set } = spoke.config;
    const make = async (decimals: number, freeze: boolean) => {
      const mint = await generateKeyPairSigner();
      const ixs = [
        getCreateAccountInstruction({
          payer: spoke.relayer,
          newAccount: mint,
          lamports: chain.rent(MINT_SIZE),
          space: MINT_SIZE,
          programAddress: TOKEN_PROGRAM_ADDRESS,
        }),
        getInitializeMint2Instruction({
          mint: mint.address,
          decimals,
          mintAuthority: multisig,
          freezeAuthority: freeze ? some(multisig) : none(),
        }),
      ];
      const res = await signAndSend(chain, compileUnsigned(spoke.relayer.address, ixs, chain.lifetime()), [
        spoke.relayer,
        mint,
      ]);
      expect(res.ok).toBe(true);
      return mint.address;
    };
    const frozen = await make(8, true);
    await expect(verifyMint(chain.read, { mint: frozen, multisig, expected: set })).rejects.toThrow(
      /freeze-authority/,
    );
    const nine = await make(9, false);
    await expect(verifyMint(chain.read, { mint: nine, multisig, expected: set })).rejects.toThrow(
      /mint-decimals/,
    );
    const good = await make(8, false);
    await expect(verifyMint(chain.read, { mint: good, multisig, expected: set })).resolves.toEqual({
      supply: 0n,
    });
  });
});

describe("spoke config", () => {
  it("parses a JSON config and refuses a bad validator set or address", async () => {
    const chain = new LocalSolana();
    const spoke = await deployLocalSpoke(chain, { n: 4, threshold: 3 });
    const json = JSON.parse(
      JSON.stringify(spoke.config, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
    ) as Record<string, unknown>;
    expect(parseSolanaSpokeConfig(json)).toEqual(spoke.config);
    expect(() => parseSolanaSpokeConfig({ ...json, set: { ...spoke.config.set, threshold: 2 } })).toThrow(
      /threshold 2/,
    );
    expect(() => parseSolanaSpokeConfig({ ...json, mint: "not-an-address" })).toThrow(/base58/);
  });
});
