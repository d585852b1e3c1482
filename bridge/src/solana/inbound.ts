// Inbound (→ Solana): the mint transaction for a bridge message, the validator's review before it co-signs, and the
// relayer's aggregation of M co-signatures.
//
// Canonical mint transaction (legacy message, fee payer = the configured relayer, blockhash lifetime), exactly:
//   0. ATA CreateIdempotent(payer=relayer, ata=ATA(recipient owner, mint), owner, mint, system, token)
//   1. Token MintToChecked(mint, ata, authority=multisig, signers=M validators sorted by bytes; amount8, decimals 8)
//   2. System Transfer(relayer → receipt, receiptLamports)
//   3. System AllocateWithSeed(receipt, base=relayer, seed=receiptSeed(msgId), space 0, owner=Memo program)
// A second AllocateWithSeed of the same receipt fails (the account is no longer owned by the system program), so a
// message mints at most once. Prefunding the receipt address (anyone can send lamports) does not block it.
import {
  appendTransactionMessageInstructions,
  compileTransaction,
  createAddressWithSeed,
  createNoopSigner,
  createTransactionMessage,
  getAddressDecoder,
  getPublicKeyFromAddress,
  getTransactionEncoder,
  partiallySignTransaction,
  pipe,
  setTransactionMessageFeePayer,
  setTransactionMessageLifetimeUsingBlockhash,
  verifySignature,
  type Address,
  type Blockhash,
  type Instruction,
  type KeyPairSigner,
  type SignatureBytes,
  type Transaction,
} from "@solana/kit";
import {
  findAssociatedTokenPda,
  getCreateAssociatedTokenIdempotentInstruction,
  getMintToCheckedInstruction,
  getMintToCheckedInstructionDataDecoder,
} from "@solana-program/token";
import {
  getAllocateWithSeedInstruction,
  getAllocateWithSeedInstructionDataDecoder,
  getTransferSolInstruction,
  getTransferSolInstructionDataDecoder,
} from "@solana-program/system";
import type { Hex } from "viem";
import { bytesFromBytes32, messageId, parseBridgeMessage, type BridgeMessage } from "../message.ts";
import type { AccountReader } from "./accounts.ts";
import {
  ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
  EAI_SOLANA_DECIMALS,
  MAX_TRANSACTION_BYTES,
  RECEIPT_OWNER,
  RECEIPT_SPACE,
  SYSTEM_PROGRAM_ADDRESS,
  TOKEN_PROGRAM_ADDRESS,
} from "./constants.ts";
import { assertValidatorSet, compareAddressBytes, type ValidatorSet } from "./validatorSet.ts";
import { decodeMessageBytes, resolveInstructions, WireDecodeError, type DecodedInstruction } from "./wire.ts";

/** What every party of the Solana spoke agrees on (validators load it from their config, not from the relayer). */
export interface SolanaSpokeConfig {
  /** This chain's bridge chain id (CHAIN_SOLANA_LOCAL / CHAIN_SOLANA_MAINNET). */
  readonly chainId: bigint;
  readonly mint: Address;
  /** The SPL multisig that is the mint authority. */
  readonly multisig: Address;
  /** The validator set the multisig holds. */
  readonly set: ValidatorSet;
  /** Fee payer of mint transactions and base key of receipt addresses (see docs/bridge/SOLANA.md). */
  readonly relayer: Address;
  /** Lamports each receipt holds (rent-exempt minimum for 0 bytes). */
  readonly receiptLamports: bigint;
}

const TOKEN_MINT_TO_CHECKED = 14;
const ATA_CREATE_IDEMPOTENT = 1;
const SYSTEM_TRANSFER = 2;
const SYSTEM_ALLOCATE_WITH_SEED = 9;

/** The recipient owner's public key from the message's bytes32 recipient. */
export function recipientOwner(message: BridgeMessage): Address {
  return getAddressDecoder().decode(bytesFromBytes32(message.recipient));
}

/** The 32-character seed of a receipt: base64url of the first 24 bytes (192 bits) of the message id. */
export function receiptSeed(msgId: Hex): string {
  return Buffer.from(bytesFromBytes32(msgId).subarray(0, 24)).toString("base64url");
}

/** The receipt address of a message: createWithSeed(relayer, receiptSeed(msgId), Memo program). */
export async function receiptAddress(relayer: Address, msgId: Hex): Promise<Address> {
  return createAddressWithSeed({
    baseAddress: relayer,
    programAddress: RECEIPT_OWNER,
    seed: receiptSeed(msgId),
  });
}

/** True when the receipt of `msgId` exists, i.e. the message was already minted on this chain. */
export async function isMessageExecuted(read: AccountReader, relayer: Address, msgId: Hex): Promise<boolean> {
  const acc = await read(await receiptAddress(relayer, msgId));
  return acc !== null && (acc.owner !== SYSTEM_PROGRAM_ADDRESS || acc.data.length > 0);
}

/** The four canonical instructions of the mint of `message`, signed by `signers` (M validators of the set). */
export async function buildMintInstructions(
  config: SolanaSpokeConfig,
  message: BridgeMessage,
  signers: readonly Address[],
): Promise<Instruction[]> {
  const m = parseBridgeMessage(message);
  if (m.dstChain !== config.chainId)
    throw new Error(`message is for chain ${m.dstChain}, not ${config.chainId}`);
  const owner = recipientOwner(m);
  const [ata] = await findAssociatedTokenPda({
    owner,
    mint: config.mint,
    tokenProgram: TOKEN_PROGRAM_ADDRESS,
  });
  const id = messageId(m);
  const receipt = await receiptAddress(config.relayer, id);
  const relayer = createNoopSigner(config.relayer);
  return [
    getCreateAssociatedTokenIdempotentInstruction({ payer: relayer, ata, owner, mint: config.mint }),
    getMintToCheckedInstruction({
      mint: config.mint,
      token: ata,
      mintAuthority: config.multisig,
      amount: m.amount8,
      decimals: EAI_SOLANA_DECIMALS,
      multiSigners: [...signers].sort(compareAddressBytes).map((s) => createNoopSigner(s)),
    }),
    getTransferSolInstruction({ source: relayer, destination: receipt, amount: config.receiptLamports }),
    getAllocateWithSeedInstruction({
      newAccount: receipt,
      baseAccount: relayer,
      base: config.relayer,
      seed: receiptSeed(id),
      space: RECEIPT_SPACE,
      programAddress: RECEIPT_OWNER,
    }),
  ];
}

/** Compiles instructions into an unsigned legacy transaction paid by `feePayer`. */
export function compileUnsigned(
  feePayer: Address,
  instructions: readonly Instruction[],
  lifetime: { blockhash: Blockhash; lastValidBlockHeight: bigint },
): Transaction {
  const msg = pipe(
    createTransactionMessage({ version: "legacy" }),
    (tx) => setTransactionMessageFeePayer(feePayer, tx),
    (tx) => setTransactionMessageLifetimeUsingBlockhash(lifetime, tx),
    (tx) => appendTransactionMessageInstructions(instructions, tx),
  );
  return compileTransaction(msg);
}

/**
 * The unsigned mint transaction of `message`, to be co-signed by `signers` (exactly M validators of the set) and
 * signed by the relayer (fee payer).
 */
export async function buildMintTransaction(
  config: SolanaSpokeConfig,
  message: BridgeMessage,
  signers: readonly Address[],
  lifetime: { blockhash: Blockhash; lastValidBlockHeight: bigint },
): Promise<Transaction> {
  const tx = compileUnsigned(config.relayer, await buildMintInstructions(config, message, signers), lifetime);
  const size = getTransactionEncoder().getSizeFromValue(tx);
  if (size > MAX_TRANSACTION_BYTES) {
    throw new Error(
      `mint transaction is ${size} bytes with ${signers.length} co-signers (limit ${MAX_TRANSACTION_BYTES}): ` +
        "a Solana validator set needs threshold ≤ 6 (N ≤ 9)",
    );
  }
  return tx;
}

export type MintRejection =
  | "invalid-message"
  | "wrong-destination"
  | "undecodable"
  | "version"
  | "fee-payer"
  | "instruction-count"
  | "ata-instruction"
  | "recipient"
  | "other-mint"
  | "mint-instruction"
  | "amount"
  | "decimals"
  | "destination-account"
  | "authority"
  | "signer-count"
  | "signers"
  | "not-selected"
  | "receipt-missing"
  | "receipt"
  | "non-canonical"
  | "already-executed";

export type MintReview =
  | {
      readonly ok: true;
      readonly msgId: Hex;
      readonly receipt: Address;
      readonly signers: readonly Address[];
    }
  | { readonly ok: false; readonly reason: MintRejection; readonly detail: string };

export class MintRejectedError extends Error {
  override name = "MintRejectedError";
  readonly reason: MintRejection;
  constructor(reason: MintRejection, detail: string) {
    super(`validator refuses to sign: ${reason}: ${detail}`);
    this.reason = reason;
  }
}

const reject = (reason: MintRejection, detail: string): MintReview => ({ ok: false, reason, detail });

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function accountsAre(ix: DecodedInstruction, expected: readonly Address[]): boolean {
  return ix.accounts.length === expected.length && ix.accounts.every((a, i) => a.address === expected[i]);
}

/**
 * A validator's check of a proposed mint transaction for `message` (which the validator has itself verified as
 * final on the source chain). Accepts only the canonical transaction: the four instructions above, nothing else,
 * minting exactly amount8 of the configured mint to the recipient's ATA through the configured multisig with M set
 * members (this validator among them), creating the message's receipt, paid by the relayer, and whose bytes equal
 * the validator's own rebuild. Refuses when the receipt already exists on chain.
 */
export async function reviewMintTransaction(params: {
  config: SolanaSpokeConfig;
  message: BridgeMessage;
  transaction: Transaction;
  validator: Address;
  read: AccountReader;
}): Promise<MintReview> {
  const { config, transaction, validator } = params;
  assertValidatorSet(config.set);
  let message: BridgeMessage;
  try {
    message = parseBridgeMessage(params.message);
  } catch (e) {
    return reject("invalid-message", String(e));
  }
  if (message.dstChain !== config.chainId) {
    return reject("wrong-destination", `message dstChain ${message.dstChain}, this chain ${config.chainId}`);
  }
  let ixs: DecodedInstruction[];
  let decoded;
  try {
    decoded = decodeMessageBytes(new Uint8Array(transaction.messageBytes));
    if (decoded.version !== "legacy") return reject("version", `version ${decoded.version}, expected legacy`);
    ixs = resolveInstructions(decoded);
  } catch (e) {
    if (e instanceof WireDecodeError) return reject("undecodable", e.message);
    throw e;
  }
  if (decoded.feePayer !== config.relayer) {
    return reject("fee-payer", `fee payer ${decoded.feePayer}, expected relayer ${config.relayer}`);
  }
  if (ixs.length < 3) return reject("receipt-missing", `${ixs.length} instructions: no receipt creation`);
  if (ixs.length !== 4) return reject("instruction-count", `${ixs.length} instructions, expected exactly 4`);
  const [ataIx, mintIx, fundIx, allocIx] = ixs as [
    DecodedInstruction,
    DecodedInstruction,
    DecodedInstruction,
    DecodedInstruction,
  ];

  const owner = recipientOwner(message);
  const [ata] = await findAssociatedTokenPda({
    owner,
    mint: config.mint,
    tokenProgram: TOKEN_PROGRAM_ADDRESS,
  });
  const id = messageId(message);
  const receipt = await receiptAddress(config.relayer, id);

  // 0. ATA create-idempotent for the recipient owner.
  if (
    ataIx.programAddress !== ASSOCIATED_TOKEN_PROGRAM_ADDRESS ||
    !bytesEqual(ataIx.data, Uint8Array.of(ATA_CREATE_IDEMPOTENT))
  ) {
    return reject("ata-instruction", "instruction 0 is not ATA CreateIdempotent");
  }
  if (ataIx.accounts[2]?.address !== owner) {
    return reject("recipient", `ATA owner ${ataIx.accounts[2]?.address}, message recipient ${owner}`);
  }
  if (ataIx.accounts[3]?.address !== config.mint) {
    return reject("other-mint", `ATA for mint ${ataIx.accounts[3]?.address}, expected ${config.mint}`);
  }
  if (
    !accountsAre(ataIx, [
      config.relayer,
      ata,
      owner,
      config.mint,
      SYSTEM_PROGRAM_ADDRESS,
      TOKEN_PROGRAM_ADDRESS,
    ])
  ) {
    return reject("ata-instruction", "instruction 0 has unexpected accounts");
  }

  // 1. MintToChecked: exactly amount8, 8 decimals, into the ATA, by the multisig with M set members.
  if (mintIx.programAddress !== TOKEN_PROGRAM_ADDRESS || mintIx.data[0] !== TOKEN_MINT_TO_CHECKED) {
    return reject("mint-instruction", "instruction 1 is not SPL Token MintToChecked");
  }
  let mintData;
  try {
    mintData = getMintToCheckedInstructionDataDecoder().decode(mintIx.data);
  } catch {
    return reject("mint-instruction", "instruction 1 data does not decode");
  }
  if (mintIx.data.length !== 10) return reject("mint-instruction", "instruction 1 data has trailing bytes");
  if (mintData.amount !== message.amount8) {
    return reject("amount", `mints ${mintData.amount}, message amount8 ${message.amount8}`);
  }
  if (mintData.decimals !== EAI_SOLANA_DECIMALS) return reject("decimals", `decimals ${mintData.decimals}`);
  if (mintIx.accounts[0]?.address !== config.mint) {
    return reject("other-mint", `mints ${mintIx.accounts[0]?.address}, expected ${config.mint}`);
  }
  if (mintIx.accounts[1]?.address !== ata) {
    return reject("destination-account", `mints to ${mintIx.accounts[1]?.address}, recipient ATA ${ata}`);
  }
  if (mintIx.accounts[2]?.address !== config.multisig) {
    return reject(
      "authority",
      `authority ${mintIx.accounts[2]?.address}, expected multisig ${config.multisig}`,
    );
  }
  const signerMetas = mintIx.accounts.slice(3);
  if (signerMetas.length !== config.set.threshold) {
    return reject(
      "signer-count",
      `${signerMetas.length} multisig signers, threshold ${config.set.threshold}`,
    );
  }
  let previous: Address | undefined;
  for (const s of signerMetas) {
    if (!config.set.signers.includes(s.address))
      return reject("signers", `${s.address} is not in the validator set`);
    if (!s.signer) return reject("signers", `${s.address} is not a transaction signer`);
    if (previous !== undefined && compareAddressBytes(previous, s.address) >= 0) {
      return reject("signers", "multisig signers are not unique and sorted");
    }
    previous = s.address;
  }
  const signers = signerMetas.map((s) => s.address);
  if (!signers.includes(validator))
    return reject("not-selected", `${validator} is not among the chosen signers`);

  // 2–3. The receipt: fund it, then allocate-with-seed it to the Memo program.
  if (fundIx.programAddress !== SYSTEM_PROGRAM_ADDRESS || fundIx.data[0] !== SYSTEM_TRANSFER) {
    return reject("receipt-missing", "instruction 2 is not the receipt funding transfer");
  }
  const fund = getTransferSolInstructionDataDecoder().decode(fundIx.data);
  if (!accountsAre(fundIx, [config.relayer, receipt]) || fund.amount !== config.receiptLamports) {
    return reject(
      "receipt",
      `instruction 2 must move ${config.receiptLamports} lamports relayer → ${receipt}`,
    );
  }
  if (allocIx.programAddress !== SYSTEM_PROGRAM_ADDRESS || allocIx.data[0] !== SYSTEM_ALLOCATE_WITH_SEED) {
    return reject("receipt-missing", "instruction 3 is not the receipt AllocateWithSeed");
  }
  let alloc;
  try {
    alloc = getAllocateWithSeedInstructionDataDecoder().decode(allocIx.data);
  } catch {
    return reject("receipt", "instruction 3 data does not decode");
  }
  if (
    !accountsAre(allocIx, [receipt, config.relayer]) ||
    alloc.base !== config.relayer ||
    alloc.seed !== receiptSeed(id) ||
    alloc.space !== RECEIPT_SPACE ||
    alloc.programAddress !== RECEIPT_OWNER
  ) {
    return reject(
      "receipt",
      `instruction 3 must allocate receipt ${receipt} (seed ${receiptSeed(id)}) to Memo`,
    );
  }

  // Final gate: the proposal must be byte-for-byte the validator's own rebuild (header, account order, roles…).
  const rebuilt = await buildMintTransaction(config, message, signers, {
    blockhash: decoded.lifetimeToken as Blockhash,
    lastValidBlockHeight: 0n,
  });
  if (!bytesEqual(new Uint8Array(rebuilt.messageBytes), new Uint8Array(transaction.messageBytes))) {
    return reject("non-canonical", "transaction bytes differ from the canonical mint transaction");
  }
  if (await isMessageExecuted(params.read, config.relayer, id)) {
    return reject("already-executed", `receipt ${receipt} exists: message ${id} was minted`);
  }
  return { ok: true, msgId: id, receipt, signers };
}

/** Reviews, then co-signs with the validator's key; throws MintRejectedError instead of signing a bad proposal. */
export async function cosignMintTransaction(params: {
  config: SolanaSpokeConfig;
  message: BridgeMessage;
  transaction: Transaction;
  validator: KeyPairSigner;
  read: AccountReader;
}): Promise<{ signer: Address; signature: SignatureBytes }> {
  const review = await reviewMintTransaction({ ...params, validator: params.validator.address });
  if (!review.ok) throw new MintRejectedError(review.reason, review.detail);
  const signed = await partiallySignTransaction([params.validator.keyPair], params.transaction);
  const signature = signed.signatures[params.validator.address];
  if (!signature) throw new Error("signing produced no signature");
  return { signer: params.validator.address, signature };
}

export class AggregationError extends Error {
  override name = "AggregationError";
}

/**
 * The relayer's aggregation: checks every co-signature against the message bytes and the transaction's required
 * signers (foreign or forged ones are refused, not dropped silently), requires one from every validator the mint
 * instruction names (M of them), and returns the transaction carrying them. The relayer adds its own fee-payer
 * signature with partiallySignTransaction.
 */
export async function aggregateCosignatures(
  config: SolanaSpokeConfig,
  transaction: Transaction,
  cosignatures: readonly { signer: Address; signature: SignatureBytes }[],
): Promise<Transaction> {
  const required = Object.keys(transaction.signatures).filter((a) => a !== config.relayer) as Address[];
  const sigs = { ...transaction.signatures };
  const bytes = new Uint8Array(transaction.messageBytes);
  for (const c of cosignatures) {
    if (!required.includes(c.signer) || !config.set.signers.includes(c.signer)) {
      throw new AggregationError(`co-signature from ${c.signer}, which is not a required validator signer`);
    }
    const ok = await verifySignature(await getPublicKeyFromAddress(c.signer), c.signature, bytes);
    if (!ok) throw new AggregationError(`co-signature of ${c.signer} does not verify over this transaction`);
    sigs[c.signer] = c.signature;
  }
  const missing = required.filter((a) => !sigs[a]);
  if (required.length < config.set.threshold || missing.length > 0) {
    throw new AggregationError(
      `${required.length - missing.length} of ${config.set.threshold} required co-signatures (missing ${missing.join(",")})`,
    );
  }
  return { ...transaction, signatures: sigs };
}
