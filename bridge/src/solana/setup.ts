// Deploys a local Solana spoke (validator multisig + EAI mint) on a LocalSolana: used by tests, bench and examples.
import {
  generateKeyPairSigner,
  partiallySignTransaction,
  type KeyPairSigner,
  type Transaction,
} from "@solana/kit";
import { CHAIN_SOLANA_LOCAL } from "../chains.ts";
import type { BridgeMessage } from "../message.ts";
import { MINT_SIZE, MULTISIG_SIZE, RECEIPT_LAMPORTS_DEFAULT } from "./constants.ts";
import {
  aggregateCosignatures,
  buildMintTransaction,
  compileUnsigned,
  cosignMintTransaction,
} from "./inbound.ts";
import type { SolanaSpokeConfig } from "./inbound.ts";
import type { LocalSolana, SendResult } from "./localnet.ts";
import { buildCreateMintInstructions, buildCreateMultisigInstructions } from "./mint.ts";
import { compareAddressBytes } from "./validatorSet.ts";

export interface LocalSpoke {
  readonly config: SolanaSpokeConfig;
  readonly relayer: KeyPairSigner;
  /** Sorted ascending by address bytes, like config.set.signers. */
  readonly validators: readonly KeyPairSigner[];
}

/** Generates N validator keys sorted by bytes. */
export async function generateValidators(n: number): Promise<KeyPairSigner[]> {
  const keys = await Promise.all(Array.from({ length: n }, () => generateKeyPairSigner()));
  return keys.sort((a, b) => compareAddressBytes(a.address, b.address));
}

/** Signs with the given keypairs and sends. */
export async function signAndSend(
  chain: LocalSolana,
  tx: Transaction,
  signers: readonly KeyPairSigner[],
): Promise<SendResult> {
  const signed = await partiallySignTransaction(
    signers.map((s) => s.keyPair),
    tx,
  );
  return chain.send(signed);
}

/** Creates a threshold-of-n validator multisig and the EAI mint whose authority it is. */
export async function deployLocalSpoke(
  chain: LocalSolana,
  opts: { n?: number; threshold?: number } = {},
): Promise<LocalSpoke> {
  const n = opts.n ?? 4;
  const threshold = opts.threshold ?? Math.ceil((2 * n) / 3);
  const relayer = await generateKeyPairSigner();
  chain.airdrop(relayer.address, 100n);
  const validators = await generateValidators(n);
  const multisig = await generateKeyPairSigner();
  const mint = await generateKeyPairSigner();
  const set = { signers: validators.map((v) => v.address), threshold };
  const ixs = [
    ...buildCreateMultisigInstructions({
      payer: relayer,
      multisig,
      set,
      lamports: chain.rent(MULTISIG_SIZE),
    }),
    ...buildCreateMintInstructions({
      payer: relayer,
      mint,
      multisig: multisig.address,
      lamports: chain.rent(MINT_SIZE),
    }),
  ];
  const res = await signAndSend(chain, compileUnsigned(relayer.address, ixs, chain.lifetime()), [
    relayer,
    multisig,
    mint,
  ]);
  if (!res.ok) throw new Error(`spoke deployment failed: ${res.error}`);
  return {
    relayer,
    validators,
    config: {
      chainId: CHAIN_SOLANA_LOCAL,
      mint: mint.address,
      multisig: multisig.address,
      set,
      relayer: relayer.address,
      receiptLamports: RECEIPT_LAMPORTS_DEFAULT,
    },
  };
}

/** The whole inbound path: build, co-sign by `signers` (each reviews), aggregate, relayer signs, send. */
export async function relayMint(
  chain: LocalSolana,
  spoke: LocalSpoke,
  message: BridgeMessage,
  signers: readonly KeyPairSigner[] = spoke.validators.slice(0, spoke.config.set.threshold),
): Promise<SendResult> {
  const tx = await buildMintTransaction(
    spoke.config,
    message,
    signers.map((s) => s.address),
    chain.lifetime(),
  );
  const cosigs = [];
  for (const v of signers) {
    cosigs.push(
      await cosignMintTransaction({
        config: spoke.config,
        message,
        transaction: tx,
        validator: v,
        read: chain.read,
      }),
    );
  }
  const aggregated = await aggregateCosignatures(spoke.config, tx, cosigs);
  const signed = await partiallySignTransaction([spoke.relayer.keyPair], aggregated);
  return chain.send(signed);
}
