// Rotation: new multisig + SetAuthority(MintTokens) signed by M of the current set; the old set cannot mint after.
import { describe, expect, it } from "vitest";
import { generateKeyPairSigner } from "@solana/kit";
import { MULTISIG_SIZE } from "../src/solana/constants.ts";
import { buildMintTransaction } from "../src/solana/inbound.ts";
import { LocalSolana } from "../src/solana/localnet.ts";
import { verifyMint } from "../src/solana/mint.ts";
import {
  buildRotationTransaction,
  reviewRotationTransaction,
  type RotationProposal,
} from "../src/solana/rotation.ts";
import { deployLocalSpoke, generateValidators, relayMint } from "../src/solana/setup.ts";
import { balanceOf, forceSign, inboundMessage } from "./solana-helpers.ts";

describe("validator set rotation", () => {
  it("moves the mint authority to the new set; the old set can no longer mint", async () => {
    const chain = new LocalSolana();
    const spoke = await deployLocalSpoke(chain, { n: 3, threshold: 2 });
    const user = (await generateKeyPairSigner()).address;
    expect((await relayMint(chain, spoke, inboundMessage(user, 1n))).ok).toBe(true);

    const newValidators = await generateValidators(4);
    const newSet = { signers: newValidators.map((v) => v.address), threshold: 3 };
    const newMultisig = await generateKeyPairSigner();
    const current = spoke.validators.slice(0, 2);
    const proposal: RotationProposal = {
      payer: spoke.relayer.address,
      newMultisig: newMultisig.address,
      newSet,
      lamports: chain.rent(MULTISIG_SIZE),
      currentSigners: current.map((v) => v.address),
    };
    const tx = buildRotationTransaction(spoke.config, proposal, chain.lifetime());
    const check = (over: Partial<Parameters<typeof reviewRotationTransaction>[0]>) =>
      reviewRotationTransaction({
        config: spoke.config,
        proposal,
        expectedNewSet: newSet,
        transaction: tx,
        validator: current[0]!.address,
        ...over,
      });
    expect(check({})).toBeUndefined();
    expect(check({ expectedNewSet: { ...newSet, threshold: 4 } })).toMatch(/governance decided/);
    expect(check({ validator: spoke.validators[2]!.address })).toMatch(/not among/);
    const other = buildRotationTransaction(
      spoke.config,
      { ...proposal, lamports: proposal.lamports + 1n },
      chain.lifetime(),
    );
    expect(check({ transaction: other })).toMatch(/differ from the canonical/);
    expect(check({ proposal: { ...proposal, newSet: { ...newSet, threshold: 2 } } })).toMatch(
      /threshold 2 outside/,
    );

    // One current validator alone cannot rotate.
    const single = buildRotationTransaction(
      spoke.config,
      { ...proposal, currentSigners: [current[0]!.address] },
      chain.lifetime(),
    );
    expect(chain.send(await forceSign(single, [spoke.relayer, newMultisig, current[0]!])).ok).toBe(false);

    const res = chain.send(await forceSign(tx, [spoke.relayer, newMultisig, ...current]));
    expect(res.error).toBeUndefined();
    const rotated = { ...spoke.config, multisig: newMultisig.address, set: newSet };
    await expect(
      verifyMint(chain.read, { mint: rotated.mint, multisig: rotated.multisig, expected: newSet }),
    ).resolves.toBeDefined();
    await expect(
      verifyMint(chain.read, {
        mint: spoke.config.mint,
        multisig: spoke.config.multisig,
        expected: spoke.config.set,
      }),
    ).rejects.toThrow(/mint-authority/);

    // The old set, all three keys, cannot mint any more.
    chain.nextSlot();
    const msg = inboundMessage(user, 1_000n);
    const oldTx = await buildMintTransaction(
      spoke.config,
      msg,
      spoke.validators.slice(0, 2).map((v) => v.address),
      chain.lifetime(),
    );
    expect(chain.send(await forceSign(oldTx, [spoke.relayer, ...spoke.validators.slice(0, 2)])).ok).toBe(
      false,
    );
    // The new set can.
    const fresh = { ...spoke, config: rotated, validators: newValidators };
    expect((await relayMint(chain, fresh, msg)).ok).toBe(true);
    expect(await balanceOf(chain, user, spoke.config.mint)).toBe(1_001n);
  });
});
