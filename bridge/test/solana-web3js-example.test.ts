// Runs the @solana/web3.js 1.x integrator example against litesvm through a small adapter (wire bytes → kit
// Transaction), then reads the burn back with the validators' reader.
import { describe, expect, it } from "vitest";
import { Keypair, PublicKey } from "@solana/web3.js";
import { address, getTransactionDecoder } from "@solana/kit";
import { CHAIN_SOLANA_LOCAL, CHAIN_TON_LOCAL, CHAIN_HUB_LOCAL } from "../src/chains.ts";
import { LocalSolana } from "../src/solana/localnet.ts";
import { readBridgeBurns } from "../src/solana/outbound.ts";
import { deployLocalSpoke, relayMint } from "../src/solana/setup.ts";
import { bridgeOutWithWeb3js, type MinimalConnection } from "../examples/web3js-bridge-out.ts";
import { balanceOf, inboundMessage, toBytes32 } from "./solana-helpers.ts";

/** The adapter: web3.js hands over serialized transactions, litesvm takes kit Transactions. */
function litesvmConnection(chain: LocalSolana): MinimalConnection {
  return {
    getLatestBlockhash: async () => ({ blockhash: chain.svm.latestBlockhash(), lastValidBlockHeight: 0 }),
    sendRawTransaction: async (raw) => {
      const res = chain.send(getTransactionDecoder().decode(new Uint8Array(raw)));
      if (!res.ok) throw new Error(`transaction failed: ${res.error}`);
      return res.signature;
    },
  };
}

describe("web3.js 1.x integrator example", () => {
  it("bridges out to TON and the validators read the message", async () => {
    const chain = new LocalSolana();
    const spoke = await deployLocalSpoke(chain, { n: 3 });
    const owner = Keypair.generate();
    const ownerAddr = address(owner.publicKey.toBase58());
    chain.airdrop(ownerAddr);
    expect((await relayMint(chain, spoke, inboundMessage(ownerAddr, 10_000n))).ok).toBe(true);
    chain.nextSlot();
    const connection = litesvmConnection(chain);
    const mint = new PublicKey(spoke.config.mint);
    const recipient = `0x${"c3".repeat(32)}` as const;
    const sig = await bridgeOutWithWeb3js({
      connection,
      owner,
      mint,
      dstChain: CHAIN_TON_LOCAL,
      recipient,
      amount8: 4_000n,
    });
    expect(await balanceOf(chain, ownerAddr, spoke.config.mint)).toBe(6_000n);
    chain.nextSlot();
    const { messages, ignored } = readBridgeBurns({
      srcChain: CHAIN_SOLANA_LOCAL,
      mint: spoke.config.mint,
      blocks: chain.finalizedBlocks(),
    });
    expect(ignored).toEqual([]);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.signature).toBe(sig);
    expect(messages[0]!.message).toMatchObject({
      dstChain: CHAIN_TON_LOCAL,
      recipient,
      amount8: 4_000n,
      sender: toBytes32(ownerAddr),
    });
    // It refuses a destination that would burn the tokens for nothing (TON-style recipient to an EVM chain).
    await expect(
      bridgeOutWithWeb3js({ connection, owner, mint, dstChain: CHAIN_HUB_LOCAL, recipient, amount8: 1n }),
    ).rejects.toThrow(/left-padded/);
    expect(await balanceOf(chain, ownerAddr, spoke.config.mint)).toBe(6_000n);
  });
});
