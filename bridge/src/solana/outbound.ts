// Outbound (Solana →): the canonical bridge burn (BurnChecked of the EAI mint + Memo v2
// "EAI-BRIDGE-v1 dst=<dstChainId>:0x<64 hex recipient>" in one transaction) and the reader that turns finalized
// transactions into bridge messages.
//
// Nonce rule: nonce = slot * 65536 + index, where index counts the recognized bridge burns of that slot in block order
// (0, 1, 2…). Every validator derives it identically from finalized blocks.
// Burns the reader does not recognize (no memo, malformed memo, memo in another transaction, two burns or two memos
// in one transaction, an unknown destination, a burn inside a CPI) are burned and LOST: no message is ever produced
// for them. buildBridgeBurnInstructions refuses to build any of them.
import {
  getAddressEncoder,
  getUtf8Decoder,
  getUtf8Encoder,
  type Address,
  type Instruction,
  type TransactionSigner,
} from "@solana/kit";
import {
  findAssociatedTokenPda,
  getBurnCheckedInstruction,
  getBurnCheckedInstructionDataDecoder,
  getBurnInstructionDataDecoder,
} from "@solana-program/token";
import type { Hex } from "viem";
import { chainKind } from "../chains.ts";
import { MESSAGE_TAG, MESSAGE_VERSION, bytes32FromBytes, messageId, type BridgeMessage } from "../message.ts";
import { EAI_SOLANA_DECIMALS, MEMO_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS } from "./constants.ts";
import {
  decodeMessageBytes,
  resolveInstructions,
  type DecodedInstruction,
  type LoadedAddresses,
} from "./wire.ts";

/** Burns per slot the nonce rule can number (index < 65536). */
export const BURNS_PER_SLOT = 65536n;

const MEMO_RE = /^EAI-BRIDGE-v1 dst=(0|[1-9][0-9]{0,19}):0x([0-9a-f]{64})$/;
const TOKEN_BURN = 8;
const TOKEN_BURN_CHECKED = 15;

export class BridgeDestinationError extends Error {
  override name = "BridgeDestinationError";
}

/**
 * Why a destination is unusable, or undefined when it is fine: dstChain must be a known non-Solana chain and
 * recipient nonzero bytes32; an EVM recipient must be a 20-byte address left-padded with zeros.
 */
export function destinationProblem(dstChain: bigint, recipient: Hex): string | undefined {
  const kind = chainKind(dstChain);
  if (kind === undefined) return `unknown destination chain ${dstChain}`;
  if (kind === "solana") return `destination ${dstChain} is a Solana chain`;
  if (!/^0x[0-9a-f]{64}$/.test(recipient)) return "recipient must be 0x + 64 lowercase hex digits";
  if (/^0x0{64}$/.test(recipient)) return "recipient is zero";
  if (kind === "evm" && !recipient.startsWith(`0x${"0".repeat(24)}`)) {
    return "an EVM recipient is a 20-byte address left-padded with 12 zero bytes";
  }
  return undefined;
}

/** The canonical memo text; throws BridgeDestinationError for a destination no validator would accept. */
export function formatBridgeMemo(dstChain: bigint, recipient: Hex): string {
  const problem = destinationProblem(dstChain, recipient);
  if (problem) throw new BridgeDestinationError(problem);
  return `${MESSAGE_TAG} dst=${dstChain}:${recipient}`;
}

/** Parses a memo strictly (exact format, lowercase hex, known destination); null when it is not a valid one. */
export function parseBridgeMemo(text: string): { dstChain: bigint; recipient: Hex } | null {
  const m = MEMO_RE.exec(text);
  const [, chainText, hex] = m ?? [];
  if (chainText === undefined || hex === undefined) return null;
  const dstChain = BigInt(chainText);
  const recipient = `0x${hex}` as Hex;
  if (destinationProblem(dstChain, recipient)) return null;
  return { dstChain, recipient };
}

/** A Memo v2 instruction carrying `text` (no signer accounts). */
export function memoInstruction(text: string): Instruction {
  return {
    programAddress: MEMO_PROGRAM_ADDRESS,
    accounts: [],
    data: new Uint8Array(getUtf8Encoder().encode(text)),
  };
}

/**
 * The two instructions of a bridge burn from `owner`'s associated token account. Refuses (throws) a zero amount,
 * an amount above u64, an unknown destination, a Solana destination or a malformed recipient: such burns would
 * destroy the tokens without a message.
 */
export async function buildBridgeBurnInstructions(params: {
  owner: TransactionSigner;
  mint: Address;
  dstChain: bigint;
  recipient: Hex;
  amount8: bigint;
}): Promise<Instruction[]> {
  if (params.amount8 <= 0n || params.amount8 >= 1n << 64n) {
    throw new BridgeDestinationError(`amount8 ${params.amount8} must be in 1…2^64-1`);
  }
  const memo = formatBridgeMemo(params.dstChain, params.recipient);
  const [ata] = await findAssociatedTokenPda({
    owner: params.owner.address,
    mint: params.mint,
    tokenProgram: TOKEN_PROGRAM_ADDRESS,
  });
  return [
    getBurnCheckedInstruction({
      account: ata,
      mint: params.mint,
      authority: params.owner,
      amount: params.amount8,
      decimals: EAI_SOLANA_DECIMALS,
    }),
    memoInstruction(memo),
  ];
}

/** A finalized transaction as a block lists it (RPC getBlock with full transactions, or the local harness). */
export interface FinalizedTransaction {
  readonly signature: string;
  readonly messageBytes: Uint8Array;
  /** True when the transaction failed (its burn did not happen). */
  readonly failed: boolean;
  readonly loadedAddresses?: LoadedAddresses;
}

export interface FinalizedBlock {
  readonly slot: bigint;
  /** In block order. */
  readonly transactions: readonly FinalizedTransaction[];
}

export type IgnoredBurnReason =
  | "burn-without-memo"
  | "malformed-memo"
  | "memo-without-burn"
  | "multiple-burns"
  | "multiple-memos"
  | "zero-amount"
  | "wrong-decimals"
  | "undecodable"
  | "slot-full";

export interface ObservedBridgeMessage {
  readonly message: BridgeMessage;
  readonly msgId: Hex;
  readonly slot: bigint;
  readonly signature: string;
}

export interface IgnoredTransaction {
  readonly slot: bigint;
  readonly signature: string;
  readonly reason: IgnoredBurnReason;
}

function isBurnOfMint(ix: DecodedInstruction, mint: Address): boolean {
  const d = ix.data[0];
  return (
    ix.programAddress === TOKEN_PROGRAM_ADDRESS &&
    (d === TOKEN_BURN || d === TOKEN_BURN_CHECKED) &&
    ix.accounts[1]?.address === mint
  );
}

/**
 * Bridge messages of `blocks` (finalized, in slot order, transactions in block order) for burns of `mint`.
 * Only top-level instructions are read. Failed transactions are skipped (nothing was burned). Transactions that burn
 * the mint or carry a bridge memo but break the format are returned in `ignored` with the reason: their tokens are
 * burned and lost.
 */
export function readBridgeBurns(params: {
  srcChain: bigint;
  mint: Address;
  blocks: readonly FinalizedBlock[];
}): { messages: ObservedBridgeMessage[]; ignored: IgnoredTransaction[] } {
  const messages: ObservedBridgeMessage[] = [];
  const ignored: IgnoredTransaction[] = [];
  const utf8 = getUtf8Decoder();
  const addrEnc = getAddressEncoder();
  for (const block of params.blocks) {
    let index = 0n;
    for (const tx of block.transactions) {
      if (tx.failed) continue;
      const ignore = (reason: IgnoredBurnReason) =>
        ignored.push({ slot: block.slot, signature: tx.signature, reason });
      let ixs: DecodedInstruction[];
      try {
        ixs = resolveInstructions(decodeMessageBytes(tx.messageBytes), tx.loadedAddresses);
      } catch {
        ignore("undecodable");
        continue;
      }
      const burns = ixs.filter((ix) => isBurnOfMint(ix, params.mint));
      const memos = ixs.filter((ix) => ix.programAddress === MEMO_PROGRAM_ADDRESS);
      const bridgeMemos = memos.filter((ix) => {
        try {
          return utf8.decode(ix.data).startsWith(MESSAGE_TAG);
        } catch {
          return false;
        }
      });
      if (burns.length === 0) {
        if (bridgeMemos.length > 0) ignore("memo-without-burn");
        continue;
      }
      if (burns.length > 1) {
        ignore("multiple-burns");
        continue;
      }
      if (memos.length === 0) {
        ignore("burn-without-memo");
        continue;
      }
      if (memos.length > 1) {
        ignore("multiple-memos");
        continue;
      }
      const [memo] = memos;
      const [burn] = burns;
      const authority = burn?.accounts[2]?.address;
      if (memo === undefined || burn === undefined || authority === undefined) {
        ignore("undecodable");
        continue;
      }
      const dest = parseBridgeMemo(utf8.decode(memo.data));
      if (!dest) {
        ignore("malformed-memo");
        continue;
      }
      let amount: bigint;
      if (burn.data[0] === TOKEN_BURN_CHECKED) {
        const d = getBurnCheckedInstructionDataDecoder().decode(burn.data);
        if (d.decimals !== EAI_SOLANA_DECIMALS) {
          ignore("wrong-decimals");
          continue;
        }
        amount = d.amount;
      } else {
        amount = getBurnInstructionDataDecoder().decode(burn.data).amount;
      }
      if (amount === 0n) {
        ignore("zero-amount");
        continue;
      }
      if (index >= BURNS_PER_SLOT) {
        ignore("slot-full");
        continue;
      }
      const message: BridgeMessage = {
        version: MESSAGE_VERSION,
        srcChain: params.srcChain,
        dstChain: dest.dstChain,
        nonce: block.slot * BURNS_PER_SLOT + index,
        sender: bytes32FromBytes(new Uint8Array(addrEnc.encode(authority))),
        recipient: dest.recipient,
        amount8: amount,
      };
      index += 1n;
      messages.push({ message, msgId: messageId(message), slot: block.slot, signature: tx.signature });
    }
  }
  return { messages, ignored };
}
