/**
 * A test wallet for browser tests, with no extension: an EIP-1193 provider injected into every page that announces
 * itself through EIP-6963 (and sets `window.ethereum`), whose requests are bridged to Node, where a local dev key
 * answers them (accounts, chain switching, transactions signed locally and sent raw, personal_sign,
 * eth_signTypedData_v4) and everything else is forwarded to the RPC of the chain the wallet is on.
 *
 * The wallet can start on a chain the app does not use (e.g. 1, which has no RPC here) to exercise the app's
 * wrong-network banner; on such a chain it answers only wallet methods and refuses the rest with 4901.
 *
 *   const wallet = new TestWallet({ privateKey, chainId: 1, chains: [{ id: 1 }, { id: 31337, rpcUrl }] });
 *   await installTestWallet(context, wallet);
 */
import type { BrowserContext, Page } from "playwright-core";
import {
  createWalletClient,
  hexToBigInt,
  http,
  isAddressEqual,
  type Hex,
  type TypedDataDefinition,
} from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { z } from "zod";

/** The EIP-6963 provider info the wallet announces. */
export const TEST_WALLET_INFO = {
  uuid: "5f0e4a52-3b1c-4f6e-9d0a-6c2b7e8f9a10",
  name: "EAI Test Wallet",
  // A small square in the app's accent colour: a data: URI, so showing the icon fetches nothing.
  icon:
    "data:image/svg+xml;base64," +
    Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="5" fill="#6d8cff"/></svg>',
    ).toString("base64"),
  rdns: "org.eai.testwallet",
} as const;

/** An EIP-1193 event the wallet emits in the page. */
export type WalletEvent =
  | { event: "accountsChanged"; data: Hex[] }
  | { event: "chainChanged"; data: Hex }
  | { event: "connect"; data: { chainId: Hex } };

/** An EIP-1193 `ProviderRpcError`. */
export interface WalletError {
  code: number;
  message: string;
  data?: unknown;
}

/** The answer to one request, with the events it caused (delivered in the page before the answer resolves). */
export type WalletAnswer = ({ result: unknown } | { error: WalletError }) & { events: WalletEvent[] };

/** A chain the wallet knows; without `rpcUrl` it is offline (only wallet methods work on it). */
export interface WalletChain {
  id: number;
  rpcUrl?: string;
}

export interface TestWalletOptions {
  /** The dev key that signs. */
  privateKey: Hex;
  /** The chain the wallet starts on; must be one of `chains`. */
  chainId: number;
  chains: WalletChain[];
}

/** EIP-1193 / EIP-1474 error codes. */
export const ErrorCode = {
  userRejected: 4001,
  unauthorized: 4100,
  unsupportedMethod: 4200,
  chainDisconnected: 4901,
  unrecognizedChain: 4902,
  invalidParams: -32602,
  internal: -32603,
} as const;

const requestSchema = z.object({
  method: z.string().min(1),
  params: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
});
const hexSchema = z.string().regex(/^0x[0-9a-fA-F]*$/, "expected 0x-prefixed hex") as z.ZodType<Hex>;
const quantitySchema = z.string().regex(/^0x[0-9a-fA-F]+$/, "expected a hex quantity") as z.ZodType<Hex>;
const addressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected an address") as z.ZodType<Hex>;
const switchSchema = z.tuple([z.object({ chainId: quantitySchema })]);
const addChainSchema = z.tuple([
  z.object({ chainId: quantitySchema, rpcUrls: z.array(z.url({ protocol: /^https?$/ })).min(1) }).loose(),
]);
const txSchema = z.tuple([
  z
    .object({
      from: addressSchema,
      to: addressSchema.optional().nullable(),
      data: hexSchema.optional(),
      input: hexSchema.optional(),
      value: quantitySchema.optional(),
      gas: quantitySchema.optional(),
      nonce: quantitySchema.optional(),
      gasPrice: quantitySchema.optional(),
      maxFeePerGas: quantitySchema.optional(),
      maxPriorityFeePerGas: quantitySchema.optional(),
    })
    .loose(),
]);
const personalSignSchema = z.tuple([hexSchema, addressSchema]);
const typedDataSchema = z.tuple([addressSchema, z.union([z.string(), z.record(z.string(), z.unknown())])]);
const typedDataPayloadSchema = z.object({
  types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
  primaryType: z.string(),
  domain: z.record(z.string(), z.unknown()),
  message: z.record(z.string(), z.unknown()),
});
const rpcAnswerSchema = z.union([
  z.object({ result: z.unknown() }),
  z.object({ error: z.object({ code: z.number(), message: z.string(), data: z.unknown().optional() }) }),
]);

class WalletRequestError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

function parseParams<T>(method: string, schema: z.ZodType<T>, params: unknown): T {
  const parsed = schema.safeParse(params ?? []);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "params"}: ${i.message}`).join("; ");
    throw new WalletRequestError(ErrorCode.invalidParams, `${method}: invalid params (${issues})`);
  }
  return parsed.data;
}

const toHexId = (id: number): Hex => `0x${id.toString(16)}`;

/** The Node side of the test wallet: answers EIP-1193 requests with a local key. */
export class TestWallet {
  #account: PrivateKeyAccount;
  #chainId: number;
  readonly #chains = new Map<number, WalletChain>();
  #authorised = false;
  /** Every request the page made, in order (method names), for assertions. */
  readonly log: string[] = [];

  constructor(options: TestWalletOptions) {
    this.#account = privateKeyToAccount(options.privateKey);
    for (const chain of options.chains) this.#chains.set(chain.id, chain);
    if (!this.#chains.has(options.chainId)) {
      throw new Error(`TestWallet: start chain ${options.chainId} is not among the configured chains`);
    }
    this.#chainId = options.chainId;
  }

  get address(): Hex {
    return this.#account.address;
  }

  get chainId(): number {
    return this.#chainId;
  }

  /** Whether the page has been given the account (eth_requestAccounts or wallet_requestPermissions). */
  get authorised(): boolean {
    return this.#authorised;
  }

  /** Switches the signing key, as a user picking another account would; returns the events to emit. */
  switchAccount(privateKey: Hex): WalletEvent[] {
    this.#account = privateKeyToAccount(privateKey);
    return this.#authorised ? [{ event: "accountsChanged", data: [this.#account.address] }] : [];
  }

  /** Switches chains from the wallet's side (not at the page's request); returns the events to emit. */
  switchChain(chainId: number): WalletEvent[] {
    if (!this.#chains.has(chainId)) throw new Error(`TestWallet: unknown chain ${chainId}`);
    if (chainId === this.#chainId) return [];
    this.#chainId = chainId;
    return [{ event: "chainChanged", data: toHexId(chainId) }];
  }

  /** Answers one EIP-1193 request; never throws (failures are answered as EIP-1193 errors). */
  async request(raw: unknown): Promise<WalletAnswer> {
    const events: WalletEvent[] = [];
    try {
      const parsed = requestSchema.safeParse(raw);
      if (!parsed.success) {
        throw new WalletRequestError(
          ErrorCode.invalidParams,
          "request must be { method: string, params?: array }",
        );
      }
      const { method, params } = parsed.data;
      this.log.push(method);
      return { result: await this.#handle(method, params, events), events };
    } catch (err) {
      if (err instanceof WalletRequestError) {
        return { error: { code: err.code, message: err.message, data: err.data }, events };
      }
      const message =
        err instanceof Error ? ((err as { shortMessage?: string }).shortMessage ?? err.message) : String(err);
      return { error: { code: ErrorCode.internal, message }, events };
    }
  }

  async #handle(method: string, params: unknown, events: WalletEvent[]): Promise<unknown> {
    switch (method) {
      case "eth_requestAccounts":
        this.#authorised = true;
        return [this.address];
      case "eth_accounts":
        return this.#authorised ? [this.address] : [];
      case "wallet_requestPermissions":
        this.#authorised = true;
        return this.#permissions();
      case "wallet_getPermissions":
        return this.#authorised ? this.#permissions() : [];
      case "wallet_revokePermissions":
        this.#authorised = false;
        return null;
      case "eth_chainId":
        return toHexId(this.#chainId);
      case "net_version":
        return String(this.#chainId);
      case "wallet_switchEthereumChain": {
        const [{ chainId }] = parseParams(method, switchSchema, params);
        const id = Number(hexToBigInt(chainId));
        if (!this.#chains.has(id)) {
          throw new WalletRequestError(ErrorCode.unrecognizedChain, `Unrecognized chain ID ${chainId}`);
        }
        events.push(...this.switchChain(id));
        return null;
      }
      case "wallet_addEthereumChain": {
        const [{ chainId, rpcUrls }] = parseParams(method, addChainSchema, params);
        const id = Number(hexToBigInt(chainId));
        // Like a real wallet: a chain it already knows keeps its RPC; a new one takes the first URL given.
        if (!this.#chains.has(id)) this.#chains.set(id, { id, rpcUrl: rpcUrls[0] });
        events.push(...this.switchChain(id));
        return null;
      }
      case "eth_sendTransaction":
        return this.#sendTransaction(method, params);
      case "personal_sign": {
        const [message, address] = parseParams(method, personalSignSchema, params);
        this.#assertSigner(address);
        return this.#account.signMessage({ message: { raw: message } });
      }
      case "eth_signTypedData_v4": {
        const [address, payload] = parseParams(method, typedDataSchema, params);
        this.#assertSigner(address);
        const typed = parseParams(
          method,
          typedDataPayloadSchema,
          typeof payload === "string" ? JSON.parse(payload) : payload,
        );
        return this.#account.signTypedData(typed as unknown as TypedDataDefinition);
      }
      case "eth_sign":
      case "eth_signTransaction":
        throw new WalletRequestError(
          ErrorCode.unsupportedMethod,
          `${method} is not supported by the test wallet`,
        );
      default:
        if (method.startsWith("wallet_")) {
          throw new WalletRequestError(
            ErrorCode.unsupportedMethod,
            `${method} is not supported by the test wallet`,
          );
        }
        return this.#forward(method, params);
    }
  }

  #permissions() {
    return [
      {
        parentCapability: "eth_accounts",
        caveats: [{ type: "restrictReturnedAccounts", value: [this.address] }],
      },
    ];
  }

  #assertSigner(address: Hex): void {
    if (!this.#authorised) throw new WalletRequestError(ErrorCode.unauthorized, "the page is not connected");
    if (!isAddressEqual(address, this.address)) {
      throw new WalletRequestError(ErrorCode.unauthorized, `the wallet does not hold ${address}`);
    }
  }

  #rpcUrl(method: string): string {
    const url = this.#chains.get(this.#chainId)?.rpcUrl;
    if (!url) {
      throw new WalletRequestError(
        ErrorCode.chainDisconnected,
        `${method}: the wallet is on chain ${this.#chainId}, which it cannot reach`,
      );
    }
    return url;
  }

  async #forward(method: string, params: unknown): Promise<unknown> {
    const url = this.#rpcUrl(method);
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: params ?? [] }),
    });
    const answer = rpcAnswerSchema.safeParse(await res.json().catch(() => null));
    if (!answer.success)
      throw new WalletRequestError(ErrorCode.internal, `${method}: malformed answer from ${url}`);
    if ("error" in answer.data) {
      const { code, message, data } = answer.data.error;
      throw new WalletRequestError(code, message, data);
    }
    return answer.data.result;
  }

  async #sendTransaction(method: string, params: unknown): Promise<Hex> {
    const [tx] = parseParams(method, txSchema, params);
    this.#assertSigner(tx.from);
    const url = this.#rpcUrl(method);
    const client = createWalletClient({ account: this.#account, transport: http(url) });
    const big = (v: Hex | undefined) => (v === undefined ? undefined : hexToBigInt(v));
    const common = {
      chain: null,
      to: tx.to ?? undefined,
      data: tx.data ?? tx.input,
      value: big(tx.value),
      gas: big(tx.gas),
      nonce: tx.nonce === undefined ? undefined : Number(hexToBigInt(tx.nonce)),
    };
    try {
      return tx.gasPrice !== undefined
        ? await client.sendTransaction({ ...common, gasPrice: big(tx.gasPrice) })
        : await client.sendTransaction({
            ...common,
            maxFeePerGas: big(tx.maxFeePerGas),
            maxPriorityFeePerGas: big(tx.maxPriorityFeePerGas),
          });
    } catch (err) {
      // Keep the node's code and revert data, so the app can decode a custom error.
      let cause: unknown = err;
      while (cause instanceof Error) {
        const { code, data } = cause as { code?: unknown; data?: unknown };
        if (typeof code === "number" && code !== ErrorCode.internal) {
          throw new WalletRequestError(
            code,
            (err as { shortMessage?: string }).shortMessage ?? cause.message,
            data,
          );
        }
        cause = cause.cause;
      }
      throw err;
    }
  }
}

/** Name of the binding the page-side provider calls. */
const BINDING = "__eaiTestWalletRequest";
/** Name of the page-side object that receives events pushed from Node. */
const RECEIVER = "__eaiTestWallet";

/**
 * The page-side provider (plain JavaScript, so no bundler helper can leak into it). It serialises each request,
 * emits the events the answer carries, then resolves or rejects like an EIP-1193 provider.
 */
function pageScript(info: typeof TEST_WALLET_INFO): string {
  return `(() => {
  const info = Object.freeze(${JSON.stringify(info)});
  const listeners = new Map();
  const emit = (event, data) => {
    for (const fn of [...(listeners.get(event) || [])]) {
      try { fn(data); } catch (err) { console.error("test wallet listener failed", err); }
    }
  };
  const provider = {
    isEaiTestWallet: true,
    async request(args) {
      if (!args || typeof args.method !== "string") throw Object.assign(new Error("invalid request"), { code: -32600 });
      const answer = JSON.parse(await window.${BINDING}(JSON.stringify({ method: args.method, params: args.params })));
      for (const e of answer.events) emit(e.event, e.data);
      if (answer.error) {
        throw Object.assign(new Error(answer.error.message), { code: answer.error.code, data: answer.error.data });
      }
      return answer.result;
    },
    on(event, fn) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(fn);
      return provider;
    },
    removeListener(event, fn) {
      listeners.get(event)?.delete(fn);
      return provider;
    },
  };
  provider.off = provider.removeListener;
  Object.defineProperty(window, "${RECEIVER}", { value: Object.freeze({ emit }), configurable: false });
  window.ethereum = provider;
  const announce = () =>
    window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})();`;
}

/** Emits wallet events in a page (events not caused by one of its own requests). */
export async function emitInPage(page: Page, events: WalletEvent[]): Promise<void> {
  if (events.length === 0 || page.isClosed()) return;
  await page.evaluate(
    `(() => { for (const e of ${JSON.stringify(events)}) window.${RECEIVER}?.emit(e.event, e.data); })()`,
  );
}

/**
 * Installs the wallet in every page of `context` (present and future). Events caused by a page's request reach
 * that page with the answer and every other page of the context through `emitInPage`.
 */
export async function installTestWallet(context: BrowserContext, wallet: TestWallet): Promise<void> {
  await context.exposeBinding(BINDING, async (source, payload: unknown) => {
    let request: unknown;
    try {
      request = JSON.parse(String(payload));
    } catch {
      request = null;
    }
    const answer = await wallet.request(request);
    const others = context.pages().filter((p) => p !== source.page);
    await Promise.all(others.map((p) => emitInPage(p, answer.events).catch(() => undefined)));
    return JSON.stringify(answer, (_k, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v));
  });
  await context.addInitScript({ content: pageScript(TEST_WALLET_INFO) });
}

/** Applies a wallet-side change (account or chain switch) and tells every page of the context. */
export async function broadcast(context: BrowserContext, events: WalletEvent[]): Promise<void> {
  await Promise.all(context.pages().map((p) => emitInPage(p, events)));
}
