// Inbound (→ Solana): canonical mint, validator review (every tamper case), aggregation, replay, on-chain limits.
import { beforeEach, describe, expect, it } from "vitest";
import {
  AccountRole,
  createNoopSigner,
  generateKeyPairSigner,
  type Address,
  type Instruction,
} from "@solana/kit";
import { getTransferSolInstruction as sysTransfer } from "@solana-program/system";
import { CHAIN_TON_LOCAL } from "../src/chains.ts";
import { messageId, type BridgeMessage } from "../src/message.ts";
import { MEMO_PROGRAM_ADDRESS, RECEIPT_LAMPORTS_DEFAULT } from "../src/solana/constants.ts";
import {
  aggregateCosignatures,
  buildMintInstructions,
  buildMintTransaction,
  compileUnsigned,
  cosignMintTransaction,
  isMessageExecuted,
  MintRejectedError,
  receiptAddress,
  receiptSeed,
  reviewMintTransaction,
  type SolanaSpokeConfig,
} from "../src/solana/inbound.ts";
import { LocalSolana } from "../src/solana/localnet.ts";
import { deployLocalSpoke, relayMint, type LocalSpoke } from "../src/solana/setup.ts";
import { compareAddressBytes } from "../src/solana/validatorSet.ts";
import { balanceOf, forceSign, inboundMessage } from "./solana-helpers.ts";

let chain: LocalSolana;
let spoke: LocalSpoke;
let config: SolanaSpokeConfig;
let recipient: Address;
let msg: BridgeMessage;

beforeEach(async () => {
  chain = new LocalSolana();
  spoke = await deployLocalSpoke(chain, { n: 4, threshold: 3 });
  config = spoke.config;
  recipient = (await generateKeyPairSigner()).address;
  msg = inboundMessage(recipient, 123_456_789n);
});

const chosen = () => spoke.validators.slice(0, 3);
const chosenAddrs = () => chosen().map((v) => v.address);

async function review(
  instructions: Instruction[],
  feePayer: Address = config.relayer,
  message = msg,
  validator = chosenAddrs()[0]!,
) {
  const transaction = compileUnsigned(feePayer, instructions, chain.lifetime());
  return reviewMintTransaction({ config, message, transaction, validator, read: chain.read });
}

describe("receipt", () => {
  it("has a 32-character seed from 192 bits of msgId and the default rent-exempt balance", async () => {
    const id = messageId(msg);
    expect(receiptSeed(id)).toHaveLength(32);
    expect(receiptSeed(id)).toBe(Buffer.from(id.slice(2, 50), "hex").toString("base64url"));
    expect(chain.rent(0)).toBe(RECEIPT_LAMPORTS_DEFAULT);
  });
});

describe("canonical mint", () => {
  it("mints exactly amount8 to the recipient's ATA, creates the receipt, costs < 30k CU", async () => {
    expect(await isMessageExecuted(chain.read, config.relayer, messageId(msg))).toBe(false);
    const res = await relayMint(chain, spoke, msg);
    expect(res.error).toBeUndefined();
    expect(res.ok).toBe(true);
    expect(res.computeUnits).toBeLessThan(30_000n);
    expect(await balanceOf(chain, recipient, config.mint)).toBe(123_456_789n);
    const receipt = await chain.read(await receiptAddress(config.relayer, messageId(msg)));
    expect(receipt?.owner).toBe(MEMO_PROGRAM_ADDRESS);
    expect(receipt?.lamports).toBe(RECEIPT_LAMPORTS_DEFAULT);
    expect(await isMessageExecuted(chain.read, config.relayer, messageId(msg))).toBe(true);
  });

  it("works when the recipient already has an ATA (idempotent) and with any M-subset of the set", async () => {
    expect((await relayMint(chain, spoke, msg)).ok).toBe(true);
    const second = inboundMessage(recipient, 7n);
    expect((await relayMint(chain, spoke, second, spoke.validators.slice(1, 4))).ok).toBe(true);
    expect(await balanceOf(chain, recipient, config.mint)).toBe(123_456_796n);
  });

  it("is not blocked by someone prefunding the receipt address", async () => {
    const griefer = await generateKeyPairSigner();
    chain.airdrop(griefer.address);
    const receipt = await receiptAddress(config.relayer, messageId(msg));
    const grief = compileUnsigned(
      griefer.address,
      [sysTransfer({ source: griefer, destination: receipt, amount: 1_000_000n })],
      chain.lifetime(),
    );
    expect((await forceSign(grief, [griefer]).then((t) => chain.send(t))).ok).toBe(true);
    expect(await isMessageExecuted(chain.read, config.relayer, messageId(msg))).toBe(false);
    expect((await relayMint(chain, spoke, msg)).ok).toBe(true);
    expect(await balanceOf(chain, recipient, config.mint)).toBe(msg.amount8);
  });
});

describe("validator review refuses every tampered proposal", () => {
  it("accepts the canonical proposal", async () => {
    const r = await review(await buildMintInstructions(config, msg, chosenAddrs()));
    expect(r.ok).toBe(true);
  });

  const cases: [
    string,
    () => Promise<{ ixs: Instruction[]; feePayer?: Address; message?: BridgeMessage; validator?: Address }>,
  ][] = [
    [
      "amount",
      async () => {
        const [a, m] = await buildMintInstructions(
          config,
          { ...msg, amount8: msg.amount8 + 1n },
          chosenAddrs(),
        );
        const [, , f, al] = await buildMintInstructions(config, msg, chosenAddrs());
        return { ixs: [a!, m!, f!, al!] };
      },
    ],
    [
      "recipient",
      async () => ({
        ixs: await buildMintInstructions(
          config,
          { ...msg, recipient: `0x${"77".repeat(32)}` },
          chosenAddrs(),
        ),
      }),
    ],
    [
      "other-mint",
      async () => ({
        ixs: await buildMintInstructions(
          { ...config, mint: (await generateKeyPairSigner()).address },
          msg,
          chosenAddrs(),
        ),
      }),
    ],
    [
      "authority",
      async () => ({
        ixs: await buildMintInstructions(
          { ...config, multisig: (await generateKeyPairSigner()).address },
          msg,
          chosenAddrs(),
        ),
      }),
    ],
    [
      "destination-account",
      async () => {
        const ixs = await buildMintInstructions(config, msg, chosenAddrs());
        const thief = (
          await buildMintInstructions(config, { ...msg, recipient: `0x${"55".repeat(32)}` }, chosenAddrs())
        )[1]!;
        const m = ixs[1]!;
        const accounts = [...m.accounts!];
        accounts[1] = thief.accounts![1]!;
        return { ixs: [ixs[0]!, { ...m, accounts }, ixs[2]!, ixs[3]!] };
      },
    ],
    [
      "instruction-count",
      async () => {
        const ixs = await buildMintInstructions(config, msg, chosenAddrs());
        const drain = sysTransfer({
          source: createNoopSigner(config.relayer),
          destination: (await generateKeyPairSigner()).address,
          amount: 1n,
        });
        return { ixs: [...ixs, drain] };
      },
    ],
    [
      "receipt-missing",
      async () => ({ ixs: (await buildMintInstructions(config, msg, chosenAddrs())).slice(0, 2) }),
    ],
    [
      "receipt",
      async () => {
        const ixs = await buildMintInstructions(config, msg, chosenAddrs());
        const other = await buildMintInstructions(
          config,
          { ...msg, nonce: msg.nonce + 1000n },
          chosenAddrs(),
        );
        return { ixs: [ixs[0]!, ixs[1]!, other[2]!, other[3]!] };
      },
    ],
    [
      "fee-payer",
      async () => {
        const other = (await generateKeyPairSigner()).address;
        return {
          ixs: await buildMintInstructions({ ...config, relayer: other }, msg, chosenAddrs()),
          feePayer: other,
        };
      },
    ],
    [
      "signer-count",
      async () => ({ ixs: await buildMintInstructions(config, msg, chosenAddrs().slice(0, 2)) }),
    ],
    [
      "signers",
      async () => {
        const outsider = (await generateKeyPairSigner()).address;
        return {
          ixs: await buildMintInstructions(config, msg, [chosenAddrs()[0]!, chosenAddrs()[1]!, outsider]),
        };
      },
    ],
    [
      "not-selected",
      async () => ({
        ixs: await buildMintInstructions(config, msg, chosenAddrs()),
        validator: spoke.validators[3]!.address,
      }),
    ],
    [
      "wrong-destination",
      async () => ({
        ixs: await buildMintInstructions(config, msg, chosenAddrs()),
        message: { ...msg, dstChain: CHAIN_TON_LOCAL },
      }),
    ],
    [
      "non-canonical",
      async () => {
        // Same instructions, but the multisig account is passed writable: only the byte comparison catches it.
        const ixs = await buildMintInstructions(config, msg, chosenAddrs());
        const m = ixs[1]!;
        const accounts = m.accounts!.map((a, i) => (i === 2 ? { ...a, role: AccountRole.WRITABLE } : a));
        return { ixs: [ixs[0]!, { ...m, accounts }, ixs[2]!, ixs[3]!] };
      },
    ],
  ];
  it.each(cases)("%s", async (reason, make) => {
    const c = await make();
    const r = await review(c.ixs, c.feePayer, c.message, c.validator);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe(reason);
  });

  it("refuses to co-sign (throws, no signature) a tampered proposal", async () => {
    const ixs = await buildMintInstructions(config, { ...msg, amount8: msg.amount8 * 2n }, chosenAddrs());
    const transaction = compileUnsigned(config.relayer, ixs, chain.lifetime());
    await expect(
      cosignMintTransaction({ config, message: msg, transaction, validator: chosen()[0]!, read: chain.read }),
    ).rejects.toThrow(MintRejectedError);
  });
});

describe("aggregation and on-chain signature limits", () => {
  it("refuses fewer than M co-signatures", async () => {
    const tx = await buildMintTransaction(config, msg, chosenAddrs(), chain.lifetime());
    const cosigs = [];
    for (const v of chosen().slice(0, 2))
      cosigs.push(
        await cosignMintTransaction({
          config,
          message: msg,
          transaction: tx,
          validator: v,
          read: chain.read,
        }),
      );
    await expect(aggregateCosignatures(config, tx, cosigs)).rejects.toThrow(/2 of 3 required co-signatures/);
  });

  it("refuses a forged co-signature and a foreign signer's co-signature", async () => {
    const tx = await buildMintTransaction(config, msg, chosenAddrs(), chain.lifetime());
    const good = await cosignMintTransaction({
      config,
      message: msg,
      transaction: tx,
      validator: chosen()[0]!,
      read: chain.read,
    });
    const forged = { signer: chosenAddrs()[1]!, signature: good.signature };
    await expect(aggregateCosignatures(config, tx, [good, forged])).rejects.toThrow(/does not verify/);
    const foreign = await generateKeyPairSigner();
    await expect(
      aggregateCosignatures(config, tx, [good, { signer: foreign.address, signature: good.signature }]),
    ).rejects.toThrow(/not a required validator signer/);
    // A co-signature over a different transaction (another blockhash) does not verify either.
    chain.nextSlot();
    const tx2 = await buildMintTransaction(config, msg, chosenAddrs(), chain.lifetime());
    const sigOther = await cosignMintTransaction({
      config,
      message: msg,
      transaction: tx2,
      validator: chosen()[1]!,
      read: chain.read,
    });
    await expect(aggregateCosignatures(config, tx, [good, sigOther])).rejects.toThrow(/does not verify/);
  });

  it("on chain: M−1 validators cannot mint, even if they skip review", async () => {
    const signers = chosen().slice(0, 2);
    const tx = await buildMintTransaction(
      config,
      msg,
      signers.map((s) => s.address),
      chain.lifetime(),
    );
    const res = chain.send(await forceSign(tx, [...signers, spoke.relayer]));
    expect(res.ok).toBe(false);
    expect(await balanceOf(chain, recipient, config.mint)).toBe(0n);
  });

  it("on chain: M−1 validators plus an outsider key cannot mint", async () => {
    const outsider = await generateKeyPairSigner();
    const signers = [...chosen().slice(0, 2), outsider].sort((a, b) =>
      compareAddressBytes(a.address, b.address),
    );
    const tx = await buildMintTransaction(
      config,
      msg,
      signers.map((s) => s.address),
      chain.lifetime(),
    );
    const res = chain.send(await forceSign(tx, [...signers, spoke.relayer]));
    expect(res.ok).toBe(false);
    expect(await balanceOf(chain, recipient, config.mint)).toBe(0n);
  });
});

describe("transaction size", () => {
  it("a 6-of-9 mint fits one packet; 7 co-signers do not and the builder refuses", async () => {
    const big = await deployLocalSpoke(chain, { n: 10, threshold: 7 });
    const m = inboundMessage(recipient, 1n);
    const six = big.validators.slice(0, 6).map((v) => v.address);
    await expect(buildMintTransaction(big.config, m, six, chain.lifetime())).resolves.toBeDefined();
    const seven = big.validators.slice(0, 7).map((v) => v.address);
    await expect(buildMintTransaction(big.config, m, seven, chain.lifetime())).rejects.toThrow(
      /1233 bytes with 7 co-signers \(limit 1232\)/,
    );
  });
});

describe("replay", () => {
  it("a second mint of the same message is refused by validators and fails on chain", async () => {
    expect((await relayMint(chain, spoke, msg)).ok).toBe(true);
    chain.nextSlot();
    // Honest validators refuse: the receipt exists.
    await expect(relayMint(chain, spoke, msg, spoke.validators.slice(1, 4))).rejects.toThrow(
      /already-executed/,
    );
    // Even M validators signing without review cannot mint it twice: the receipt allocation fails.
    const others = spoke.validators.slice(1, 4);
    const tx = await buildMintTransaction(
      config,
      msg,
      others.map((v) => v.address),
      chain.lifetime(),
    );
    const res = chain.send(await forceSign(tx, [...others, spoke.relayer]));
    expect(res.ok).toBe(false);
    expect(await balanceOf(chain, recipient, config.mint)).toBe(msg.amount8);
  });
});
