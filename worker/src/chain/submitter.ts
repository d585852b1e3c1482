/**
 * Sends the worker's transactions: one queue per signer with a local nonce, gas estimation with headroom and an
 * optional floor, retries with backoff — and never a second settlement for the same action.
 *
 * How a send stays single:
 * 1. The transaction is signed locally, so its hash is known before broadcast; `onSigned` persists it (state
 *    store) before the bytes leave the process.
 * 2. A retry first looks for that hash: mined → done; known to the node (pending) → wait for it; unknown and its
 *    nonce still free → broadcast the same signed bytes again (identical transaction, cannot apply twice).
 * 3. Only when the nonce was consumed by something else is a new transaction built — after `alreadyDone()` (an
 *    on-chain check of the task's status or commitment) says the effect is still missing.
 * The contracts reject a second claim, commit, reveal or proof for the same task anyway; these steps keep the
 * worker from paying gas for such reverts.
 */
import {
  encodeFunctionData,
  keccak256,
  TransactionNotFoundError,
  TransactionReceiptNotFoundError,
  WaitForTransactionReceiptTimeoutError,
  type Abi,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type Hex,
  type TransactionReceipt,
} from "viem";
import { backoffDelay, sleep, type BackoffOptions } from "../backoff.ts";
import type { Logger } from "../logger.ts";
import { silentLogger } from "../logger.ts";
import type { ChainContext } from "./client.ts";
import { describeError, revertErrorArgs, revertErrorName } from "./errors.ts";

/** A contract call that reverted (in simulation or on-chain); never retried. */
export class TxRevertedError extends Error {
  readonly label: string;
  /** The custom error's name (e.g. `TaskMarketWrongStatus`), or a description when it could not be decoded. */
  readonly errorName: string;
  readonly errorArgs: readonly unknown[] | undefined;
  readonly receipt: TransactionReceipt | undefined;
  constructor(
    label: string,
    errorName: string,
    errorArgs?: readonly unknown[],
    receipt?: TransactionReceipt,
  ) {
    super(
      `${label}: reverted with ${errorName}${errorArgs ? `(${errorArgs.map(String).join(", ")})` : ""}` +
        (receipt ? ` in ${receipt.transactionHash}` : ""),
    );
    this.name = "TxRevertedError";
    this.label = label;
    this.errorName = errorName;
    this.errorArgs = errorArgs;
    this.receipt = receipt;
  }
}

/** Sending failed for reasons other than a revert, after every retry (or the submitter was closed). */
export class TxSendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TxSendError";
  }
}

export interface TxRequest<
  TAbi extends Abi,
  TName extends ContractFunctionName<TAbi, "nonpayable" | "payable">,
> {
  /** For logs and errors, e.g. `claim #7`. */
  label: string;
  address: Address;
  abi: TAbi;
  functionName: TName;
  args: ContractFunctionArgs<TAbi, "nonpayable" | "payable", TName>;
  /** Smallest gas limit to send with (ZK verifiers return false when the pairing runs out of gas). */
  minGas?: bigint;
  /** Persists the hash of a signed transaction before it is broadcast. */
  onSigned?: (hash: Hex) => Promise<void>;
  /** True when the call's effect is already on-chain (checked before every new transaction). */
  alreadyDone?: () => Promise<boolean>;
  /** Hashes sent for this action earlier (read from the state after a restart); checked first. */
  previousHashes?: readonly Hex[];
}

export type TxOutcome =
  { status: "mined"; receipt: TransactionReceipt; hash: Hex } | { status: "already-done" };

export interface SubmitterOptions {
  gasHeadroomPercent: number;
  logger?: Logger;
  /** Attempts per send before giving up on transport errors (default 8). */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /** How long to wait for one receipt before checking again (default 60 s). */
  receiptTimeoutMs?: number;
  /** Called after every attempt that failed on transport (metrics). */
  onRetry?: (label: string) => void;
}

interface Signed {
  hash: Hex;
  raw: Hex;
  nonce: number;
}

export class TxSubmitter {
  readonly #ctx: ChainContext;
  readonly #opts: SubmitterOptions;
  readonly #log: Logger;
  #nonce: number | undefined;
  #lock: Promise<unknown> = Promise.resolve();
  readonly #abort = new AbortController();

  constructor(ctx: ChainContext, options: SubmitterOptions) {
    this.#ctx = ctx;
    this.#opts = options;
    this.#log = options.logger ?? silentLogger();
  }

  /** Stops retry loops (sends in progress reject with TxSendError at their next wait). */
  close(): void {
    this.#abort.abort();
  }

  /**
   * Sends a contract call and waits for it to be mined.
   * @throws TxRevertedError when it reverts (simulation or on-chain); TxSendError after the last retry.
   */
  async send<TAbi extends Abi, TName extends ContractFunctionName<TAbi, "nonpayable" | "payable">>(
    req: TxRequest<TAbi, TName>,
  ): Promise<TxOutcome> {
    const { publicClient } = this.#ctx;
    const maxAttempts = this.#opts.maxAttempts ?? 8;
    let signed: Signed | undefined;
    const earlier = [...(req.previousHashes ?? [])];
    for (let attempt = 0; ; attempt++) {
      if (this.#abort.signal.aborted) throw new TxSendError(`${req.label}: submitter closed`);
      try {
        // Transactions from before a restart: mined, pending or gone?
        while (earlier.length > 0) {
          const hash = earlier[0] as Hex;
          const found = await this.#lookup(hash);
          if (found === "unknown") {
            earlier.shift();
            continue;
          }
          const receipt = found === "pending" ? await this.#waitReceipt(hash) : found;
          earlier.shift();
          if (receipt.status === "success") return { status: "mined", receipt, hash };
          this.#log.warn({ tx: hash, label: req.label }, "earlier transaction reverted");
        }
        if (signed) {
          const found = await this.#lookup(signed.hash);
          if (found === "unknown") {
            const latest = await publicClient.getTransactionCount({
              address: this.#ctx.signer,
              blockTag: "latest",
            });
            if (latest > signed.nonce) {
              // The nonce went to another transaction: this one can never be mined.
              this.#log.warn(
                { tx: signed.hash, label: req.label },
                "signed transaction was dropped; rebuilding",
              );
              signed = undefined;
              this.#nonce = undefined;
            } else {
              await this.#broadcast(signed);
            }
          }
        }
        if (!signed) {
          if (req.alreadyDone && (await req.alreadyDone())) return { status: "already-done" };
          signed = await this.#signAndBroadcast(req);
        }
        const receipt = await this.#waitReceipt(signed.hash);
        if (receipt.status !== "success") {
          throw new TxRevertedError(req.label, await this.#revertReason(req, receipt), undefined, receipt);
        }
        return { status: "mined", receipt, hash: signed.hash };
      } catch (err) {
        if (err instanceof TxRevertedError) throw err;
        const name = revertErrorName(err);
        if (name !== undefined) throw new TxRevertedError(req.label, name, revertErrorArgs(err));
        if (attempt + 1 >= maxAttempts) {
          throw new TxSendError(
            `${req.label}: giving up after ${maxAttempts} attempts: ${describeError(err)}`,
            {
              cause: err,
            },
          );
        }
        this.#opts.onRetry?.(req.label);
        const delay = backoffDelay(attempt, this.#opts.backoff);
        this.#log.warn(
          { label: req.label, attempt: attempt + 1, delayMs: delay, err: describeError(err) },
          "send failed; retrying",
        );
        await sleep(delay, this.#abort.signal);
      }
    }
  }

  /** Runs `fn` with the signer's nonce lock held (one signing at a time, in call order). */
  #locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  #signAndBroadcast<TAbi extends Abi, TName extends ContractFunctionName<TAbi, "nonpayable" | "payable">>(
    req: TxRequest<TAbi, TName>,
  ): Promise<Signed> {
    return this.#locked(async () => {
      const { publicClient, walletClient } = this.#ctx;
      const account = walletClient.account;
      const data = encodeFunctionData({
        abi: req.abi,
        functionName: req.functionName,
        args: req.args,
      } as never);
      // Simulates the call too: a revert surfaces here with its decoded custom error.
      const estimate = await publicClient.estimateContractGas({
        address: req.address,
        abi: req.abi,
        functionName: req.functionName,
        args: req.args,
        account,
      } as never);
      let gas = (estimate * BigInt(100 + this.#opts.gasHeadroomPercent)) / 100n;
      if (req.minGas !== undefined && gas < req.minGas) gas = req.minGas;
      if (this.#nonce === undefined) {
        this.#nonce = await publicClient.getTransactionCount({
          address: account.address,
          blockTag: "pending",
        });
      }
      const nonce = this.#nonce;
      const prepared = await walletClient.prepareTransactionRequest({
        account,
        to: req.address,
        data,
        gas,
        nonce,
        chain: this.#ctx.chain,
      });
      const raw = await walletClient.signTransaction(prepared as never);
      const hash = keccak256(raw);
      await req.onSigned?.(hash);
      const signed = { hash, raw, nonce };
      try {
        await this.#broadcast(signed);
      } catch (err) {
        // Did it arrive? Unknown: resync the nonce from the node next time.
        this.#nonce = undefined;
        throw err;
      }
      this.#nonce = nonce + 1;
      this.#log.debug({ label: req.label, tx: hash, nonce, gas: gas.toString() }, "transaction sent");
      return signed;
    });
  }

  async #broadcast(signed: Signed): Promise<void> {
    try {
      await this.#ctx.publicClient.sendRawTransaction({ serializedTransaction: signed.raw });
    } catch (err) {
      const text = describeError(err).toLowerCase() + String((err as Error).message).toLowerCase();
      if (text.includes("already known") || text.includes("known transaction")) return;
      if (text.includes("nonce too low")) {
        this.#nonce = undefined;
        // Either this very transaction was mined already or another one took the nonce; the caller checks.
        const found = await this.#lookup(signed.hash);
        if (found !== "unknown") return;
      }
      throw err;
    }
  }

  async #lookup(hash: Hex): Promise<TransactionReceipt | "pending" | "unknown"> {
    const { publicClient } = this.#ctx;
    try {
      return await publicClient.getTransactionReceipt({ hash });
    } catch (err) {
      if (!(err instanceof TransactionReceiptNotFoundError)) throw err;
    }
    try {
      await publicClient.getTransaction({ hash });
      return "pending";
    } catch (err) {
      if (err instanceof TransactionNotFoundError) return "unknown";
      throw err;
    }
  }

  async #waitReceipt(hash: Hex): Promise<TransactionReceipt> {
    try {
      return await this.#ctx.publicClient.waitForTransactionReceipt({
        hash,
        timeout: this.#opts.receiptTimeoutMs ?? 60_000,
        retryCount: 2,
      });
    } catch (err) {
      if (err instanceof WaitForTransactionReceiptTimeoutError) {
        throw new Error(`no receipt for ${hash} yet`, { cause: err });
      }
      throw err;
    }
  }

  /** Re-simulates a call that reverted on-chain at its block to name the error. */
  async #revertReason<TAbi extends Abi, TName extends ContractFunctionName<TAbi, "nonpayable" | "payable">>(
    req: TxRequest<TAbi, TName>,
    receipt: TransactionReceipt,
  ): Promise<string> {
    try {
      await this.#ctx.publicClient.simulateContract({
        address: req.address,
        abi: req.abi,
        functionName: req.functionName,
        args: req.args,
        account: this.#ctx.walletClient.account,
        blockNumber: receipt.blockNumber - 1n,
      } as never);
      return `reverted on-chain (gas used ${receipt.gasUsed})`;
    } catch (err) {
      return revertErrorName(err) ?? `reverted on-chain (gas used ${receipt.gasUsed})`;
    }
  }
}
