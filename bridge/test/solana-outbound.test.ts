// Outbound (Solana →): memo format, canonical burn, the finalized-history reader, the nonce rule, ignored burns.
import { beforeEach, describe, expect, it } from "vitest";
import { generateKeyPairSigner, getAddressEncoder, type Instruction, type KeyPairSigner } from "@solana/kit";
import { getBurnCheckedInstruction, getBurnInstruction, findAssociatedTokenPda } from "@solana-program/token";
import { getSetComputeUnitLimitInstruction } from "./solana-helpers.ts";
import { CHAIN_HUB_LOCAL, CHAIN_L2_LOCAL, CHAIN_SOLANA_LOCAL, CHAIN_TON_LOCAL } from "../src/chains.ts";
import { bytes32FromBytes, evmAddressToBytes32, messageId } from "../src/message.ts";
import { TOKEN_PROGRAM_ADDRESS } from "../src/solana/constants.ts";
import { compileUnsigned } from "../src/solana/inbound.ts";
import { LocalSolana } from "../src/solana/localnet.ts";
import {
  BridgeDestinationError,
  buildBridgeBurnInstructions,
  formatBridgeMemo,
  memoInstruction,
  parseBridgeMemo,
  readBridgeBurns,
} from "../src/solana/outbound.ts";
import { deployLocalSpoke, relayMint, signAndSend, type LocalSpoke } from "../src/solana/setup.ts";
import { balanceOf, inboundMessage } from "./solana-helpers.ts";

const evmRecipient = evmAddressToBytes32("0x00000000000000000000000000000000000000aa");
const tonRecipient = `0x${"c3".repeat(32)}` as const;

describe("memo format", () => {
  it("formats and parses the canonical memo", () => {
    const memo = formatBridgeMemo(CHAIN_HUB_LOCAL, evmRecipient);
    expect(memo).toBe(`EAI-BRIDGE-v1 dst=31337:${evmRecipient}`);
    expect(parseBridgeMemo(memo)).toEqual({ dstChain: CHAIN_HUB_LOCAL, recipient: evmRecipient });
    expect(parseBridgeMemo(`EAI-BRIDGE-v1 dst=1000000102:${tonRecipient}`)).toEqual({
      dstChain: CHAIN_TON_LOCAL,
      recipient: tonRecipient,
    });
  });

  it.each([
    ["upper-case hex", `EAI-BRIDGE-v1 dst=31337:0x${"0".repeat(24)}${"AA".repeat(20)}`],
    ["short recipient", `EAI-BRIDGE-v1 dst=31337:0x${"aa".repeat(20)}`],
    ["leading zero chain", `EAI-BRIDGE-v1 dst=031337:${evmRecipient}`],
    ["trailing space", `EAI-BRIDGE-v1 dst=31337:${evmRecipient} `],
    ["other tag", `EAI-BRIDGE-v2 dst=31337:${evmRecipient}`],
    ["Solana destination", `EAI-BRIDGE-v1 dst=1000000101:${tonRecipient}`],
    ["unknown non-EVM chain", `EAI-BRIDGE-v1 dst=1000000500:${tonRecipient}`],
    ["chain above u64", `EAI-BRIDGE-v1 dst=18446744073709551616:${evmRecipient}`],
    ["EVM recipient with high bytes", `EAI-BRIDGE-v1 dst=31337:${tonRecipient}`],
    ["zero recipient", `EAI-BRIDGE-v1 dst=1000000102:0x${"0".repeat(64)}`],
  ])("rejects %s", (_name, memo) => {
    expect(parseBridgeMemo(memo)).toBeNull();
  });
});

let chain: LocalSolana;
let spoke: LocalSpoke;
let alice: KeyPairSigner;

beforeEach(async () => {
  chain = new LocalSolana();
  spoke = await deployLocalSpoke(chain, { n: 3, threshold: 2 });
  alice = await generateKeyPairSigner();
  chain.airdrop(alice.address);
  expect((await relayMint(chain, spoke, inboundMessage(alice.address, 1_000_000n))).ok).toBe(true);
  chain.nextSlot();
});

async function send(ixs: Instruction[], signer = alice) {
  return signAndSend(chain, compileUnsigned(signer.address, ixs, chain.lifetime()), [signer]);
}
const burn = (dstChain: bigint, recipient: `0x${string}`, amount8: bigint) =>
  buildBridgeBurnInstructions({ owner: alice, mint: spoke.config.mint, dstChain, recipient, amount8 });
const read = () =>
  readBridgeBurns({ srcChain: CHAIN_SOLANA_LOCAL, mint: spoke.config.mint, blocks: chain.finalizedBlocks() });
const aliceBytes32 = () => bytes32FromBytes(new Uint8Array(getAddressEncoder().encode(alice.address)));

describe("burn + memo round trip", () => {
  it("a canonical burn becomes exactly one message with nonce slot·65536 + 0", async () => {
    const slot = chain.slot();
    const res = await send(await burn(CHAIN_HUB_LOCAL, evmRecipient, 250n));
    expect(res.ok).toBe(true);
    expect(res.computeUnits).toBeLessThan(10_000n);
    expect(await balanceOf(chain, alice.address, spoke.config.mint)).toBe(1_000_000n - 250n);
    expect(read().messages).toHaveLength(0); // the current slot is not finalized yet
    chain.nextSlot();
    const { messages, ignored } = read();
    expect(ignored).toEqual([]);
    expect(messages).toHaveLength(1);
    const expected = {
      version: 1 as const,
      srcChain: CHAIN_SOLANA_LOCAL,
      dstChain: CHAIN_HUB_LOCAL,
      nonce: slot * 65536n,
      sender: aliceBytes32(),
      recipient: evmRecipient,
      amount8: 250n,
    };
    expect(messages[0]!.message).toEqual(expected);
    expect(messages[0]!.msgId).toBe(messageId(expected));
    expect(messages[0]!.signature).toBe(res.signature);
  });

  it("numbers several burns of one slot 0, 1, 2 in block order and restarts the index per slot", async () => {
    const s1 = chain.slot();
    await send(await burn(CHAIN_HUB_LOCAL, evmRecipient, 1n));
    await send([
      getSetComputeUnitLimitInstruction(50_000),
      ...(await burn(CHAIN_TON_LOCAL, tonRecipient, 2n)),
    ]);
    await send(await burn(CHAIN_L2_LOCAL, evmRecipient, 3n));
    chain.nextSlot();
    const s2 = chain.slot();
    await send(await burn(CHAIN_HUB_LOCAL, evmRecipient, 4n));
    chain.nextSlot();
    const { messages } = read();
    expect(messages.map((m) => [m.message.nonce, m.message.amount8, m.message.dstChain])).toEqual([
      [s1 * 65536n, 1n, CHAIN_HUB_LOCAL],
      [s1 * 65536n + 1n, 2n, CHAIN_TON_LOCAL],
      [s1 * 65536n + 2n, 3n, CHAIN_L2_LOCAL],
      [s2 * 65536n, 4n, CHAIN_HUB_LOCAL],
    ]);
    expect(new Set(messages.map((m) => m.msgId)).size).toBe(4);
  });

  it("ignores (and reports) burns that break the format — their tokens are lost — and does not number them", async () => {
    const slot = chain.slot();
    const [ata] = await findAssociatedTokenPda({
      owner: alice.address,
      mint: spoke.config.mint,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
    });
    const rawBurn = getBurnCheckedInstruction({
      account: ata,
      mint: spoke.config.mint,
      authority: alice,
      amount: 10n,
      decimals: 8,
    });
    const memo = memoInstruction(formatBridgeMemo(CHAIN_HUB_LOCAL, evmRecipient));
    const sent = [
      await send([rawBurn]), // burn-without-memo
      await send([memo]), // memo-without-burn (memo in another transaction than a burn)
      await send([
        getBurnCheckedInstruction({
          account: ata,
          mint: spoke.config.mint,
          authority: alice,
          amount: 11n,
          decimals: 8,
        }),
        memoInstruction(`EAI-BRIDGE-v1 dst=31337:${tonRecipient}`),
      ]),
      await send([
        rawBurn,
        getBurnInstruction({ account: ata, mint: spoke.config.mint, authority: alice, amount: 12n }),
        memo,
      ]),
      await send([
        getBurnCheckedInstruction({
          account: ata,
          mint: spoke.config.mint,
          authority: alice,
          amount: 13n,
          decimals: 8,
        }),
        memo,
        memoInstruction("hello"),
      ]),
      await send(await burn(CHAIN_HUB_LOCAL, evmRecipient, 14n)), // the only good one
    ];
    expect(sent.every((r) => r.ok)).toBe(true);
    chain.nextSlot();
    const { messages, ignored } = read();
    expect(ignored.map((i) => i.reason)).toEqual([
      "burn-without-memo",
      "memo-without-burn",
      "malformed-memo",
      "multiple-burns",
      "multiple-memos",
    ]);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.message.amount8).toBe(14n);
    expect(messages[0]!.message.nonce).toBe(slot * 65536n);
    // The ignored burns really destroyed tokens: 10 + 11 + 10 + 12 + 13 + 14.
    expect(await balanceOf(chain, alice.address, spoke.config.mint)).toBe(1_000_000n - 70n);
  });

  it("skips failed transactions and burns of another mint", async () => {
    const over = await send(await burn(CHAIN_HUB_LOCAL, evmRecipient, 5_000_000n)); // more than alice holds
    expect(over.ok).toBe(false);
    const other = await deployLocalSpoke(chain, { n: 3, threshold: 2 });
    expect((await relayMint(chain, other, inboundMessage(alice.address, 100n))).ok).toBe(true);
    const r = await send(
      await buildBridgeBurnInstructions({
        owner: alice,
        mint: other.config.mint,
        dstChain: CHAIN_HUB_LOCAL,
        recipient: evmRecipient,
        amount8: 5n,
      }),
    );
    expect(r.ok).toBe(true);
    chain.nextSlot();
    // The other mint's burn makes no message; its bridge memo is reported as a memo without a burn of EAI.
    expect(read()).toEqual({
      messages: [],
      ignored: [{ slot: expect.any(BigInt), signature: r.signature, reason: "memo-without-burn" }],
    });
  });

  it("the client refuses burns that would be lost", async () => {
    await expect(burn(CHAIN_HUB_LOCAL, evmRecipient, 0n)).rejects.toThrow(BridgeDestinationError);
    await expect(burn(CHAIN_SOLANA_LOCAL, tonRecipient, 1n)).rejects.toThrow(/Solana chain/);
    await expect(burn(1_000_000_777n, tonRecipient, 1n)).rejects.toThrow(/unknown destination/);
    await expect(burn(CHAIN_HUB_LOCAL, tonRecipient, 1n)).rejects.toThrow(/left-padded/);
    await expect(burn(CHAIN_TON_LOCAL, `0x${"0".repeat(64)}`, 1n)).rejects.toThrow(/zero/);
    await expect(burn(CHAIN_HUB_LOCAL, evmRecipient, 1n << 64n)).rejects.toThrow(BridgeDestinationError);
  });
});
